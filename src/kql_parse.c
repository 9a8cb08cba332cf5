/* kql parser: a hand-written PEG parser that follows Kibana's grammar.peggy rule
 * for rule (same ordered choices, same greediness, same named rules), so that it
 * accepts and rejects the same queries and reports the same expectation set at
 * the furthest failure position. Characters, keywords and literals are read by
 * the lexer (kql_lex.c); explain, quote and escape are in kql_fmt.c. */
#include "kql_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef kql_lexer P;
typedef kql_tok tok;

static const char *const x_text[KX__COUNT] = {
    "\"\\\"\"", "\"(\"", "\")\"", "\":\"", "\"<\"", "\"<=\"", "\">\"", "\">=\"", "\"{\"", "\"}\"",
    "AND", "NOT", "OR", "end of input", "field name", "literal", "value", "whitespace",
};

/* ---------- nodes ---------- */

static kql_node *node_new(int kind)
{
    kql_node *n = ct_xcalloc(1, sizeof *n);
    n->kind = kind;
    return n;
}

static void node_free(kql_node *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->nkids; i++) node_free(n->kids[i]);
    free(n->kids);
    free(n->field.text);
    free(n->field.wild);
    free(n->val.text);
    free(n->val.wild);
    free(n);
}

static void node_add(kql_node *n, kql_node *k)
{
    n->kids = ct_xrealloc(n->kids, (n->nkids + 1) * sizeof *n->kids);
    n->kids[n->nkids++] = k;
}

static int only_wild(const tok *t)
{
    return t->wild && t->len == 1 && t->wild[0];
}

static void field_from_tok(kql_field *f, const tok *t)
{
    f->kind = t->wild ? KF_WILD : KF_NAME;
    f->len = t->len;
    f->text = ct_xstrndup(t->text, t->len);
    f->wild = NULL;
    if (t->wild) {
        f->wild = ct_xmalloc(t->len ? t->len : 1);
        memcpy(f->wild, t->wild, t->len);
    }
}

static void field_copy(kql_field *d, const kql_field *s)
{
    *d = *s;
    if (s->kind == KF_ANY) return;
    d->text = ct_xstrndup(s->text, s->len);
    if (s->wild) {
        d->wild = ct_xmalloc(s->len ? s->len : 1);
        memcpy(d->wild, s->wild, s->len);
    }
}

static void val_from_tok(kql_val *v, const tok *t)
{
    memset(v, 0, sizeof *v);
    v->kind = t->quoted ? KV_QUOTED : t->wild ? KV_WILD : KV_LIT;
    v->len = t->len;
    v->text = ct_xstrndup(t->text, t->len);
    if (t->wild) {
        v->wild = ct_xmalloc(t->len ? t->len : 1);
        memcpy(v->wild, t->wild, t->len);
    }
    if (v->kind == KV_LIT) {
        if (t->len == 4 && !memcmp(t->text, "null", 4)) v->lit = KL_NULL;
        else if (t->len == 4 && !memcmp(t->text, "true", 4)) v->lit = KL_TRUE;
        else if (t->len == 5 && !memcmp(t->text, "false", 5)) v->lit = KL_FALSE;
    }
    v->is_num = kql_number(v->text, v->len, &v->num);
    v->is_time = ct_time_parse(v->text, v->len, &v->ms) == 0;
    v->ip = kql_ip_parse(v->text, v->len, v->addr, &v->prefix);
}

/* the `is` node for field f and value t (Kibana: f:* is exists, *:* match all) */
static kql_node *is_node(const kql_field *f, const tok *t)
{
    if (only_wild(t)) {
        if (f->kind == KF_WILD && f->len == 1 && f->wild[0]) return node_new(KN_ALL);
        kql_node *n = node_new(KN_EXISTS);
        field_copy(&n->field, f);
        return n;
    }
    kql_node *n = node_new(KN_IS);
    field_copy(&n->field, f);
    val_from_tok(&n->val, t);
    return n;
}

/* ---------- rules ---------- */

static kql_node *or_query(P *p);
static kql_node *or_list(P *p, const kql_field *f);

static int enter(P *p)
{
    if (p->abort) return 0;
    if (++p->depth > CT_KQL_MAX_DEPTH) {
        p->abort = 1;
        p->abort_pos = p->pos;
        p->depth--;
        return 0;
    }
    return 1;
}

/* head (KW next)* -> one node with all of them, or head alone */
static kql_node *chain(P *p, int kind, int x, kql_node *(*next)(P *, const kql_field *),
                       const kql_field *f)
{
    kql_node *head = next(p, f);
    if (!head) return NULL;
    kql_node *grp = NULL;
    for (;;) {
        size_t save = p->pos;
        kql_node *k = NULL;
        if (kql_kw(p, x)) k = next(p, f);
        if (!k) {
            p->pos = save;
            break;
        }
        if (!grp) {
            grp = node_new(kind);
            node_add(grp, head);
        }
        node_add(grp, k);
    }
    if (p->abort) {
        node_free(grp ? grp : head);
        return NULL;
    }
    return grp ? grp : head;
}

/* ListOfValues = '(' Space* OrListOfValues Space* ')' / Value */
static kql_node *list_of_values(P *p, const kql_field *f)
{
    size_t save = p->pos;
    if (kql_ch(p, '(', KX_LPAREN)) {
        kql_spaces(p);
        kql_node *n = or_list(p, f);
        if (n) {
            kql_spaces(p);
            if (kql_ch(p, ')', KX_RPAREN)) return n;
            node_free(n);
        }
        if (p->abort) return NULL;
        p->pos = save;
    }
    tok t;
    if (!kql_literal(p, &t, KX_VALUE)) return NULL;
    kql_node *n = is_node(f, &t);
    kql_tok_free(&t);
    return n;
}

/* NotListOfValues = Not ListOfValues / ListOfValues */
static kql_node *not_list(P *p, const kql_field *f)
{
    size_t save = p->pos;
    if (kql_kw(p, KX_NOT)) {
        kql_node *k = list_of_values(p, f);
        if (k) {
            kql_node *n = node_new(KN_NOT);
            node_add(n, k);
            return n;
        }
        if (p->abort) return NULL;
        p->pos = save;
    }
    return list_of_values(p, f);
}

static kql_node *and_list(P *p, const kql_field *f)
{
    return chain(p, KN_AND, KX_AND, not_list, f);
}

static kql_node *or_list(P *p, const kql_field *f)
{
    if (!enter(p)) return NULL;
    kql_node *n = chain(p, KN_OR, KX_OR, and_list, f);
    p->depth--;
    return n;
}

/* Field Space* RangeOperator Space* Literal */
static kql_node *field_range(P *p, const tok *fld, size_t after_field)
{
    p->pos = after_field;
    kql_spaces(p);
    int op;
    const char *s = p->s + p->pos;
    size_t left = p->n - p->pos;
    if (left >= 2 && s[0] == '<' && s[1] == '=') op = KOP_LTE, p->pos += 2;
    else if (left >= 2 && s[0] == '>' && s[1] == '=') op = KOP_GTE, p->pos += 2;
    else if (left >= 1 && s[0] == '<') op = KOP_LT, p->pos += 1;
    else if (left >= 1 && s[0] == '>') op = KOP_GT, p->pos += 1;
    else {
        kql_fail(p, p->pos, KX_LTE);
        kql_fail(p, p->pos, KX_GTE);
        kql_fail(p, p->pos, KX_LT);
        kql_fail(p, p->pos, KX_GT);
        return NULL;
    }
    kql_spaces(p);
    tok v;
    if (!kql_literal(p, &v, KX_LITERAL)) return NULL;
    kql_node *n = node_new(KN_RANGE);
    n->op = op;
    field_from_tok(&n->field, fld);
    val_from_tok(&n->val, &v);
    kql_tok_free(&v);
    return n;
}

/* SubQuery / NestedQuery / Expression: everything below NOT */
static kql_node *sub_query(P *p)
{
    size_t start = p->pos;
    if (kql_ch(p, '(', KX_LPAREN)) {
        kql_spaces(p);
        kql_node *n = or_query(p);
        if (n) {
            kql_spaces(p);
            if (kql_ch(p, ')', KX_RPAREN)) return n;
            node_free(n);
        }
        if (p->abort) return NULL;
    }
    p->pos = start;

    /* every alternative below starts with Field: parse it once, as Peggy would
     * each time (same input, same result, same recorded expectation) */
    tok fld;
    int have_field = kql_literal(p, &fld, KX_FIELD);
    size_t after_field = p->pos;
    if (have_field) {
        /* NestedQuery */
        kql_spaces(p);
        if (kql_ch(p, ':', KX_COLON)) {
            kql_spaces(p);
            if (kql_ch(p, '{', KX_LBRACE)) {
                kql_spaces(p);
                kql_node *q = or_query(p);
                if (q) {
                    kql_spaces(p);
                    if (kql_ch(p, '}', KX_RBRACE)) {
                        kql_node *n = node_new(KN_NESTED);
                        field_from_tok(&n->field, &fld);
                        node_add(n, q);
                        kql_tok_free(&fld);
                        return n;
                    }
                    node_free(q);
                }
                if (p->abort) {
                    kql_tok_free(&fld);
                    return NULL;
                }
            }
        }
        /* FieldRangeExpression */
        kql_node *n = field_range(p, &fld, after_field);
        if (n) {
            kql_tok_free(&fld);
            return n;
        }
        /* FieldValueExpression */
        p->pos = after_field;
        kql_spaces(p);
        if (kql_ch(p, ':', KX_COLON)) {
            kql_spaces(p);
            kql_field f;
            field_from_tok(&f, &fld);
            n = list_of_values(p, &f);
            free(f.text);
            free(f.wild);
            if (n) {
                kql_tok_free(&fld);
                return n;
            }
        }
        kql_tok_free(&fld);
        if (p->abort) return NULL;
    } else {
        /* Peggy records "field name" once per alternative; same set */
    }
    /* ValueExpression */
    p->pos = start;
    tok v;
    if (!kql_literal(p, &v, KX_VALUE)) return NULL;
    kql_field any = {KF_ANY, NULL, 0, NULL};
    kql_node *n = is_node(&any, &v);
    kql_tok_free(&v);
    return n;
}

static kql_node *not_query(P *p, const kql_field *unused)
{
    (void)unused;
    size_t save = p->pos;
    if (kql_kw(p, KX_NOT)) {
        kql_node *k = sub_query(p);
        if (k) {
            kql_node *n = node_new(KN_NOT);
            node_add(n, k);
            return n;
        }
        if (p->abort) return NULL;
        p->pos = save;
    }
    return sub_query(p);
}

static kql_node *and_query(P *p, const kql_field *unused)
{
    return chain(p, KN_AND, KX_AND, not_query, unused);
}

static kql_node *or_query(P *p)
{
    if (!enter(p)) return NULL;
    kql_node *n = chain(p, KN_OR, KX_OR, and_query, NULL);
    p->depth--;
    return n;
}

/* ---------- errors ---------- */

static void position(const P *p, size_t at, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < at && i < p->n;) {
        if (p->s[i] == '\n') {
            (*line)++;
            *col = 1;
            i++;
            continue;
        }
        i += kql_utf8_len(p, i);
        (*col)++;
    }
}

static void error_text(const P *p, char *err, size_t errlen)
{
    if (!err || !errlen) return;
    ct_sbuf b;
    ct_sbuf_init(&b);
    size_t at = p->abort ? p->abort_pos : p->maxfail, line, col;
    position(p, at, &line, &col);
    if (line > 1) ct_sbuf_addf(&b, "line %zu, ", line);
    ct_sbuf_addf(&b, "column %zu: ", col);
    if (p->abort) {
        ct_sbuf_addf(&b, "query nested too deeply (more than %d levels)", CT_KQL_MAX_DEPTH);
    } else {
        ct_sbuf_add(&b, "expected ");
        int first = 1;
        for (int x = 0; x < KX__COUNT; x++)
            if (p->expected & (1u << x)) {
                if (!first) ct_sbuf_add(&b, ", ");
                ct_sbuf_add(&b, x_text[x]);
                first = 0;
            }
        ct_sbuf_add(&b, " but found ");
        if (at >= p->n) {
            ct_sbuf_add(&b, "end of input");
        } else {
            size_t k = kql_utf8_len(p, at);
            unsigned char c = (unsigned char)p->s[at];
            if (k == 1 && (c < 0x20 || c >= 0x7f)) ct_sbuf_addf(&b, "\"\\x%02x\"", c);
            else ct_sbuf_addf(&b, "\"%.*s\"", (int)k, p->s + at);
        }
    }
    snprintf(err, errlen, "%s", b.buf);
    ct_sbuf_free(&b);
}

ct_kql *ct_kql_parse(const char *query, char *err, size_t errlen)
{
    if (err && errlen) err[0] = 0;
    P p = {0};
    p.s = query ? query : "";
    p.n = strlen(p.s);
    kql_spaces(&p);
    size_t save = p.pos;
    kql_node *root = or_query(&p);
    if (!root && !p.abort) p.pos = save;
    if (!p.abort) {
        kql_spaces(&p);
        if (p.pos < p.n) kql_fail(&p, p.pos, KX_EOF);
    }
    if (p.abort || p.pos < p.n) {
        node_free(root);
        error_text(&p, err, errlen);
        return NULL;
    }
    ct_kql *q = ct_xcalloc(1, sizeof *q);
    q->root = root ? root : node_new(KN_ALL);
    return q;
}

void ct_kql_free(ct_kql *q)
{
    if (!q) return;
    node_free(q->root);
    kql_req_free(q->req);
    free(q);
}
