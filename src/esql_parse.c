/* esql parser: the commands of EsqlBaseParser.g4 (singleStatement: a source
 * command, then `| processingCommand`...); expressions are in esql_expr.c,
 * tokens in esql_lex.c, the plan's text in esql_fmt.c. */
#include "esql_int.h"
#include "kql.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef esql_lexer P;

static const char *const cmd_names[EC__COUNT] = {
    "FROM", "ROW", "SHOW", "WHERE", "EVAL", "KEEP", "DROP", "RENAME", "SORT", "LIMIT",
    "STATS", "INLINE STATS", "MV_EXPAND", "DISSECT", "GROK", "ENRICH", "LOOKUP JOIN", "COMPLETION",
};

const char *esql_cmd_name(int kind)
{
    return kind >= 0 && kind < EC__COUNT ? cmd_names[kind] : "?";
}

static void free_expr_tree(esql_expr *e)
{
    if (!e) return;
    for (size_t i = 0; i < e->nkids; i++) free_expr_tree(e->kids[i]);
    if (e->re) pcre2_code_free(e->re); /* compiled by the evaluator */
    if (e->aux) ct_kql_free(e->aux);
    e->re = e->aux = NULL;
    e->nkids = 0;
    free(e->kids);
    e->kids = NULL;
    esql_expr_free(e);
}

static void free_assigns(esql_assign *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].name);
        free(a[i].text);
        free_expr_tree(a[i].e);
        free_expr_tree(a[i].where);
    }
    free(a);
}

void ct_esql_free(ct_esql *q)
{
    if (!q) return;
    for (size_t i = 0; i < q->ncmds; i++) {
        esql_cmd *c = &q->cmds[i];
        free_assigns(c->as, c->nas);
        free_assigns(c->by, c->nby);
        free_expr_tree(c->cond);
        ct_strv_free(c->names, c->nnames);
        ct_strv_free(c->names2, c->names2 ? c->nnames : 0);
        ct_strv_free(c->meta, c->nmeta);
        for (size_t k = 0; k < c->nord; k++) free_expr_tree(c->ord[k].e);
        free(c->ord);
        free(c->pattern);
        free(c->sep);
        free(c->on);
        if (c->re) pcre2_code_free(c->re);
        if (c->md) pcre2_match_data_free(c->md);
        ct_strv_free(c->groups, c->ngroups);
        free(c->gtypes);
    }
    free(q->cmds);
    free(q->text);
    ct_strv_free(q->ds, q->nds);
    ct_strv_free(q->cols, q->ncols);
    ct_strv_free(q->late, q->nlate);
    free(q);
}

static void add_name(char ***v, size_t *n, char *s)
{
    *v = ct_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = s;
}

/* The text of [from, to) with its surrounding space trimmed. */
static char *span_text(P *p, size_t from, size_t to)
{
    while (from < to && strchr(" \t\r\n", p->s[from])) from++;
    while (to > from && strchr(" \t\r\n", p->s[to - 1])) to--;
    return ct_xstrndup(p->s + from, to - from);
}

/* field: booleanExpression | qualifiedName '=' booleanExpression; with_where
 * for STATS' aggField (field (WHERE booleanExpression)?). */
static int parse_field(P *p, esql_assign *a, int with_where)
{
    memset(a, 0, sizeof *a);
    size_t start = esql_peek(p)->pos;
    /* a name followed by '=' (not '==') is an assignment */
    esql_lexer probe = {.s = p->s, .n = p->n, .pos = start};
    int assign = 0;
    char *name = NULL;
    const esql_tok *t = esql_peek(&probe);
    if (t->type == ET_ID || t->type == ET_QID) {
        name = esql_parse_qname(&probe);
        assign = name && !probe.err && esql_peek(&probe)->type == ET_ASSIGN;
    }
    free(probe.tok.text);
    free(probe.err);
    if (assign) {
        free(name);
        a->name = esql_parse_qname(p);
        esql_advance(p); /* = */
        start = esql_peek(p)->pos;
    } else {
        free(name);
    }
    a->e = esql_parse_bool(p);
    if (!a->e) return -1;
    a->text = span_text(p, start, p->pos);
    if (with_where && esql_accept_kw(p, "where")) {
        a->where = esql_parse_bool(p);
        if (!a->where) return -1;
    }
    return 0;
}

static int parse_fields(P *p, esql_assign **v, size_t *n, int with_where)
{
    do {
        *v = ct_xrealloc(*v, (*n + 1) * sizeof **v);
        if (parse_field(p, &(*v)[(*n)++], with_where) < 0) return -1;
    } while (esql_accept(p, ET_COMMA));
    return 0;
}

/* Does the next token end the command (a pipe or the end)? */
static int at_end(P *p)
{
    int t = esql_peek(p)->type;
    return t == ET_PIPE || t == ET_EOF;
}

static int parse_from(P *p, esql_cmd *c)
{
    do {
        size_t pos = (esql_skip(p), p->pos);
        char *s = esql_lex_source(p);
        if (!s) {
            if (!p->err) esql_expected(p, "{QUOTED_STRING, UNQUOTED_SOURCE}");
            return -1;
        }
        (void)pos;
        size_t len = strlen(s);
        add_name(&c->names, &c->nnames, s);
        if (len && s[len - 1] == ':') { /* cluster: then a quoted pattern: the grammar wants it unquoted */
            esql_expected(p, "UNQUOTED_SOURCE");
            return -1;
        }
        esql_skip(p);
    } while (p->pos < p->n && p->s[p->pos] == ',' && (p->pos++, 1));
    if (!esql_is_kw(p, "metadata") && !at_end(p)) {
        esql_expected(p, "{<EOF>, '|', ',', 'metadata'}");
        return -1;
    }
    if (esql_accept_kw(p, "metadata")) {
        do {
            char *s = esql_lex_source(p);
            if (!s) {
                if (!p->err) esql_expected(p, "UNQUOTED_SOURCE");
                return -1;
            }
            add_name(&c->meta, &c->nmeta, s);
            esql_skip(p);
        } while (p->pos < p->n && p->s[p->pos] == ',' && (p->pos++, 1));
        if (!at_end(p)) {
            esql_expected(p, "{<EOF>, '|', ','}");
            return -1;
        }
    }
    return 0;
}

static int parse_patterns(P *p, esql_cmd *c)
{
    do {
        char *s = esql_lex_pattern(p);
        if (!s) {
            if (!p->err) esql_expected(p, "ID_PATTERN");
            return -1;
        }
        add_name(&c->names, &c->nnames, s);
    } while (esql_accept(p, ET_COMMA));
    return 0;
}

static int parse_rename(P *p, esql_cmd *c)
{
    size_t cap = 0;
    do {
        char *old = esql_lex_pattern(p), *nw = NULL;
        if (old && esql_accept_kw(p, "as")) nw = esql_lex_pattern(p);
        else if (old && esql_peek(p)->type == ET_ASSIGN) { /* newName = oldName (8.18+) */
            esql_advance(p);
            nw = old;
            old = esql_lex_pattern(p);
        }
        if (!old || !nw) {
            if (!p->err) esql_expected(p, old ? "'as'" : "ID_PATTERN");
            free(old);
            free(nw);
            return -1;
        }
        if (c->nnames == cap) {
            cap = cap ? cap * 2 : 4;
            c->names = ct_xrealloc(c->names, cap * sizeof *c->names);
            c->names2 = ct_xrealloc(c->names2, cap * sizeof *c->names2);
        }
        c->names[c->nnames] = old;
        c->names2[c->nnames++] = nw;
    } while (esql_accept(p, ET_COMMA));
    return 0;
}

static int parse_sort(P *p, esql_cmd *c)
{
    do {
        c->ord = ct_xrealloc(c->ord, (c->nord + 1) * sizeof *c->ord);
        esql_order *o = &c->ord[c->nord++];
        memset(o, 0, sizeof *o);
        o->nulls_first = -1;
        o->e = esql_parse_bool(p);
        if (!o->e) return -1;
        if (esql_accept_kw(p, "desc")) o->desc = 1;
        else esql_accept_kw(p, "asc");
        if (esql_accept_kw(p, "nulls")) {
            if (esql_accept_kw(p, "first")) o->nulls_first = 1;
            else if (esql_accept_kw(p, "last")) o->nulls_first = 0;
            else {
                esql_expected(p, "{'first', 'last'}");
                return -1;
            }
        }
    } while (esql_accept(p, ET_COMMA));
    return 0;
}

static int parse_string_arg(P *p, esql_cmd *c)
{
    const esql_tok *t = esql_peek(p);
    if (t->type != ET_STR) {
        esql_expected(p, "QUOTED_STRING");
        return -1;
    }
    c->pattern = ct_xmalloc(t->len + 1);
    memcpy(c->pattern, t->text, t->len);
    c->pattern[t->len] = 0;
    c->patlen = t->len;
    esql_advance(p);
    return 0;
}

static int parse_dissect(P *p, esql_cmd *c)
{
    c->cond = esql_parse_primary(p);
    if (!c->cond || parse_string_arg(p, c) < 0) return -1;
    while (!at_end(p)) { /* commandOptions: identifier = constant */
        const esql_tok *t = esql_peek(p);
        if (t->type != ET_ID || !ct_strcaseeq(t->text, "append_separator")) {
            esql_expected(p, "{<EOF>, '|', 'append_separator'}");
            return -1;
        }
        esql_advance(p);
        if (!esql_accept(p, ET_ASSIGN)) {
            esql_expected(p, "'='");
            return -1;
        }
        esql_expr *v = esql_parse_constant(p);
        if (!v) return -1;
        if (v->kind != EX_STR) {
            esql_error(p, v->pos, "Invalid value for dissect append_separator: expected a string");
            esql_expr_free(v);
            return -1;
        }
        free(c->sep);
        c->sep = ct_xstrdup(v->name);
        esql_expr_free(v);
        if (!esql_accept(p, ET_COMMA)) break;
    }
    return 0;
}

static int parse_enrich(P *p, esql_cmd *c)
{
    char *policy = esql_lex_source(p);
    if (!policy) {
        if (!p->err) esql_expected(p, "ENRICH_POLICY_NAME");
        return -1;
    }
    c->pattern = policy;
    if (esql_accept_kw(p, "on")) {
        c->on = esql_lex_pattern(p);
        if (!c->on) {
            if (!p->err) esql_expected(p, "ID_PATTERN");
            return -1;
        }
    }
    if (esql_accept_kw(p, "with")) {
        do {
            c->as = ct_xrealloc(c->as, (c->nas + 1) * sizeof *c->as);
            esql_assign *a = &c->as[c->nas++];
            memset(a, 0, sizeof *a);
            char *x = esql_lex_pattern(p);
            if (!x) {
                if (!p->err) esql_expected(p, "ID_PATTERN");
                return -1;
            }
            if (esql_accept(p, ET_ASSIGN)) {
                a->name = x;
                x = esql_lex_pattern(p);
                if (!x) {
                    if (!p->err) esql_expected(p, "ID_PATTERN");
                    return -1;
                }
            }
            a->text = x;
        } while (esql_accept(p, ET_COMMA));
    }
    return 0;
}

static int parse_completion(P *p, esql_cmd *c)
{
    c->as = ct_xcalloc(1, sizeof *c->as);
    c->nas = 1;
    if (parse_field(p, &c->as[0], 0) < 0) return -1;
    if (esql_accept_kw(p, "with")) {
        if (esql_peek(p)->type != ET_LBRACE) {
            esql_expected(p, "'{'");
            return -1;
        }
        /* the named parameters: a map expression, kept as the WHERE slot */
        esql_lexer *lp = p;
        size_t start = esql_peek(lp)->pos;
        int depth = 0;
        do { /* skip the balanced braces token by token */
            const esql_tok *t = esql_peek(p);
            if (t->type == ET_EOF || t->type == ET_BAD) {
                esql_expected(p, "'}'");
                return -1;
            }
            if (t->type == ET_LBRACE) depth++;
            if (t->type == ET_RBRACE) depth--;
            esql_advance(p);
        } while (depth > 0);
        c->pattern = span_text(p, start, p->pos);
        c->patlen = strlen(c->pattern);
    }
    return 0;
}

static int parse_command(P *p, esql_cmd *c, int first)
{
    const esql_tok *t = esql_peek(p);
    c->pos = t->pos;
    static const char *const src_expect = "{'row', 'from', 'show'}";
    static const char *const proc_expect =
        "{'dissect', 'drop', 'enrich', 'eval', 'grok', 'keep', 'limit', 'mv_expand', 'rename', "
        "'sort', 'stats', 'where', 'lookup', 'inline', 'completion'}";
    if (t->type != ET_ID) {
        esql_expected(p, first ? src_expect : proc_expect);
        return -1;
    }
    static const struct { const char *kw; int kind; int src; } kws[] = {
        {"from", EC_FROM, 1}, {"row", EC_ROW, 1}, {"show", EC_SHOW, 1},
        {"where", EC_WHERE, 0}, {"eval", EC_EVAL, 0}, {"keep", EC_KEEP, 0}, {"drop", EC_DROP, 0},
        {"rename", EC_RENAME, 0}, {"sort", EC_SORT, 0}, {"limit", EC_LIMIT, 0}, {"stats", EC_STATS, 0},
        {"inlinestats", EC_INLINESTATS, 0}, {"inline", EC_INLINESTATS, 0}, {"mv_expand", EC_MV_EXPAND, 0},
        {"dissect", EC_DISSECT, 0}, {"grok", EC_GROK, 0}, {"enrich", EC_ENRICH, 0},
        {"lookup", EC_LOOKUP_JOIN, 0}, {"completion", EC_COMPLETION, 0},
    };
    int kind = -1, kwi = -1;
    for (size_t i = 0; i < CT_ARRAY_LEN(kws); i++)
        if (esql_is_kw(p, kws[i].kw) && kws[i].src == first) {
            kind = kws[i].kind;
            kwi = (int)i;
        }
    if (kind < 0) {
        esql_expected(p, first ? src_expect : proc_expect);
        return -1;
    }
    c->kind = kind;
    esql_advance(p);
    if (!strcmp(kws[kwi].kw, "inline") && !esql_accept_kw(p, "stats")) {
        esql_expected(p, "'stats'");
        return -1;
    }
    if (kind == EC_LOOKUP_JOIN && !esql_accept_kw(p, "join")) {
        esql_expected(p, "'join'");
        return -1;
    }
    switch (kind) {
    case EC_FROM:
        return parse_from(p, c);
    case EC_ROW:
    case EC_EVAL:
        return parse_fields(p, &c->as, &c->nas, 0);
    case EC_SHOW:
        if (!esql_accept_kw(p, "info")) {
            esql_expected(p, "'info'");
            return -1;
        }
        return 0;
    case EC_WHERE:
        c->cond = esql_parse_bool(p);
        return c->cond ? 0 : -1;
    case EC_KEEP:
    case EC_DROP:
        return parse_patterns(p, c);
    case EC_RENAME:
        return parse_rename(p, c);
    case EC_SORT:
        return parse_sort(p, c);
    case EC_LIMIT: {
        const esql_tok *n = esql_peek(p);
        if (n->type != ET_INT) {
            esql_expected(p, "INTEGER_LITERAL");
            return -1;
        }
        char *end;
        unsigned long long v = strtoull(n->text, &end, 10);
        c->limit = v > (unsigned long long)INT32_MAX ? INT32_MAX : (int64_t)v;
        esql_advance(p);
        return 0;
    }
    case EC_STATS:
    case EC_INLINESTATS:
        if (!at_end(p) && !esql_is_kw(p, "by") && parse_fields(p, &c->as, &c->nas, 1) < 0) return -1;
        if (esql_accept_kw(p, "by") && parse_fields(p, &c->by, &c->nby, 0) < 0) return -1;
        if (!c->nas && !c->nby) {
            esql_expected(p, "{'by', expression}");
            return -1;
        }
        return 0;
    case EC_MV_EXPAND: {
        char *n = esql_parse_qname(p);
        if (!n) return -1;
        add_name(&c->names, &c->nnames, n);
        return 0;
    }
    case EC_DISSECT:
        return parse_dissect(p, c);
    case EC_GROK:
        c->cond = esql_parse_primary(p);
        if (!c->cond || parse_string_arg(p, c) < 0) return -1;
        return 0;
    case EC_ENRICH:
        return parse_enrich(p, c);
    case EC_LOOKUP_JOIN: {
        char *idx = esql_lex_source(p);
        if (!idx) {
            if (!p->err) esql_expected(p, "UNQUOTED_SOURCE");
            return -1;
        }
        c->pattern = idx;
        if (!esql_accept_kw(p, "on")) {
            esql_expected(p, "'on'");
            return -1;
        }
        return parse_patterns(p, c);
    }
    case EC_COMPLETION:
        return parse_completion(p, c);
    }
    return -1;
}

/* FROM logs-D-<anything> with no wildcard in D names dataset D exactly. */
static void from_datasets(ct_esql *q)
{
    if (!q->ncmds || q->cmds[0].kind != EC_FROM) return;
    const esql_cmd *c = &q->cmds[0];
    q->ds_exact = 1;
    for (size_t i = 0; i < c->nnames; i++) {
        const char *p = c->names[i];
        if (p[0] == '-') continue; /* an exclusion narrows, never widens */
        const char *dash = strrchr(p, '-');
        if (strncmp(p, "logs-", 5) || dash <= p + 5 || memchr(p + 5, '*', (size_t)(dash - p - 5)) ||
            strchr(p, ':')) {
            q->ds_exact = 0;
            continue;
        }
        add_name(&q->ds, &q->nds, ct_xstrndup(p + 5, (size_t)(dash - p - 5)));
    }
}

int ct_esql_datasets(const ct_esql *q, const char *const **v, size_t *n)
{
    if (!q || !q->ds_exact) return 0;
    *v = (const char *const *)q->ds;
    *n = q->nds;
    return 1;
}

ct_esql *ct_esql_parse(const char *query, char *err, size_t errlen)
{
    if (err && errlen) err[0] = 0;
    P p = {.s = query ? query : "", .n = query ? strlen(query) : 0};
    ct_esql *q = ct_xcalloc(1, sizeof *q);
    size_t cap = 0;
    int ok = 0;
    for (;;) {
        if (q->ncmds == cap) {
            cap = cap ? cap * 2 : 8;
            q->cmds = ct_xrealloc(q->cmds, cap * sizeof *q->cmds);
        }
        esql_cmd *c = &q->cmds[q->ncmds++];
        memset(c, 0, sizeof *c);
        if (parse_command(&p, c, q->ncmds == 1) < 0) break;
        if (esql_accept(&p, ET_PIPE)) continue;
        if (esql_peek(&p)->type == ET_EOF) {
            ok = 1;
        } else if (c->kind == EC_KEEP || c->kind == EC_DROP || c->kind == EC_RENAME) {
            /* a name pattern could go on: qualifiedNamePatterns's ',' and '.' */
            esql_expected(&p, "{<EOF>, '|', ',', '.'}");
        } else {
            esql_expected(&p, "{<EOF>, '|'}");
        }
        break;
    }
    if (!ok && !p.err) esql_error(&p, p.pos, "syntax error");
    if (ok) {
        from_datasets(q);
        q->text = ct_xstrndup(p.s, p.n);
        q->textlen = p.n;
    }
    if (!ok) {
        if (err && errlen) snprintf(err, errlen, "%s", p.err);
        ct_esql_free(q);
        q = NULL;
    }
    free(p.tok.text);
    free(p.err);
    return q;
}
