/* esql explain: the parsed plan as text, one command a line, expressions as
 * S-expressions (ct_esql_explain in esql.h). Reads the tree only. */
#include "esql_int.h"

#include <stdio.h>
#include <string.h>

static void quote(const char *s, size_t n, ct_sbuf *out)
{
    ct_sbuf_addc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            ct_sbuf_addc(out, '\\');
            ct_sbuf_addc(out, (char)c);
        } else if (c == '\n') {
            ct_sbuf_add(out, "\\n");
        } else if (c == '\t') {
            ct_sbuf_add(out, "\\t");
        } else if (c == '\r') {
            ct_sbuf_add(out, "\\r");
        } else if (c < 0x20 || c == 0x7f) {
            ct_sbuf_addf(out, "\\u%04x", c);
        } else {
            ct_sbuf_addc(out, (char)c);
        }
    }
    ct_sbuf_addc(out, '"');
}

/* A name as written when plain, else backquoted (`` doubles a backquote). */
static void name(const char *s, ct_sbuf *out)
{
    int plain = *s != 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '@' || *c == '.' || *c == '*' || *c == '-'))
            plain = 0;
    if (plain) {
        ct_sbuf_add(out, s);
        return;
    }
    ct_sbuf_addc(out, '`');
    for (const char *c = s; *c; c++) {
        if (*c == '`') ct_sbuf_addc(out, '`');
        if ((unsigned char)*c < 0x20 || *c == 0x7f) ct_sbuf_addf(out, "\\u%04x", (unsigned char)*c);
        else ct_sbuf_addc(out, *c);
    }
    ct_sbuf_addc(out, '`');
}

static void expr(const esql_expr *e, ct_sbuf *out);

static void kids(const esql_expr *e, size_t from, ct_sbuf *out)
{
    for (size_t i = from; i < e->nkids; i++) {
        ct_sbuf_addc(out, ' ');
        expr(e->kids[i], out);
    }
}

static void expr(const esql_expr *e, ct_sbuf *out)
{
    static const char *const cmp[] = {"==", "!=", "<", "<=", ">", ">=", "=~"};
    static const char *const ar[] = {"+", "-", "*", "/", "%"};
    char num[64];
    switch (e->kind) {
    case EX_NULL: ct_sbuf_add(out, "null"); return;
    case EX_BOOL: ct_sbuf_add(out, e->op ? "true" : "false"); return;
    case EX_INT: ct_sbuf_addf(out, "%lld", (long long)e->ival); return;
    case EX_DBL:
        snprintf(num, sizeof num, "%.17g", e->num);
        if (!strpbrk(num, ".eEn")) strcat(num, ".0");
        ct_sbuf_add(out, num);
        return;
    case EX_STR: quote(e->name, e->len, out); return;
    case EX_FIELD: name(e->name, out); return;
    case EX_PARAM: ct_sbuf_add(out, e->name); return;
    case EX_STAR: ct_sbuf_addc(out, '*'); return;
    case EX_SPAN:
        ct_sbuf_addf(out, "(span %lld ", (long long)e->ival);
        name(e->name, out);
        ct_sbuf_addc(out, ')');
        return;
    case EX_ARRAY:
        ct_sbuf_addc(out, '[');
        for (size_t i = 0; i < e->nkids; i++) {
            if (i) ct_sbuf_add(out, ", ");
            expr(e->kids[i], out);
        }
        ct_sbuf_addc(out, ']');
        return;
    case EX_MAP:
        ct_sbuf_addc(out, '{');
        for (size_t i = 0; i + 1 < e->nkids; i += 2) {
            if (i) ct_sbuf_add(out, ", ");
            expr(e->kids[i], out);
            ct_sbuf_add(out, ": ");
            expr(e->kids[i + 1], out);
        }
        ct_sbuf_addc(out, '}');
        return;
    case EX_CALL:
        ct_sbuf_addf(out, "(call ");
        name(e->name, out);
        break;
    case EX_NOT: ct_sbuf_add(out, "(not"); break;
    case EX_AND: ct_sbuf_add(out, "(and"); break;
    case EX_OR: ct_sbuf_add(out, "(or"); break;
    case EX_CMP: ct_sbuf_addf(out, "(%s", cmp[e->op]); break;
    case EX_ARITH: ct_sbuf_addf(out, "(%s", ar[e->op]); break;
    case EX_NEG: ct_sbuf_add(out, "(neg"); break;
    case EX_IN: ct_sbuf_add(out, e->neg ? "(not-in" : "(in"); break;
    case EX_ISNULL: ct_sbuf_add(out, e->neg ? "(is-not-null" : "(is-null"); break;
    case EX_LIKE: ct_sbuf_add(out, e->neg ? "(not-like" : "(like"); break;
    case EX_RLIKE: ct_sbuf_add(out, e->neg ? "(not-rlike" : "(rlike"); break;
    case EX_MATCH: ct_sbuf_add(out, "(match"); break;
    case EX_CAST:
        ct_sbuf_add(out, "(cast ");
        name(e->name, out);
        break;
    default: ct_sbuf_add(out, "(?"); break;
    }
    kids(e, 0, out);
    ct_sbuf_addc(out, ')');
}

static void assigns(const esql_assign *a, size_t n, ct_sbuf *out)
{
    for (size_t i = 0; i < n; i++) {
        ct_sbuf_add(out, i ? ", " : " ");
        if (a[i].name) {
            name(a[i].name, out);
            ct_sbuf_add(out, " = ");
        }
        if (a[i].e) expr(a[i].e, out);
        else if (a[i].text) name(a[i].text, out);
        if (a[i].where) {
            ct_sbuf_add(out, " WHERE ");
            expr(a[i].where, out);
        }
    }
}

static void names(char *const *v, size_t n, ct_sbuf *out)
{
    for (size_t i = 0; i < n; i++) {
        ct_sbuf_add(out, i ? ", " : " ");
        name(v[i], out);
    }
}

void ct_esql_explain(const ct_esql *q, ct_sbuf *out)
{
    if (!q) return;
    for (size_t i = 0; i < q->ncmds; i++) {
        const esql_cmd *c = &q->cmds[i];
        ct_sbuf_add(out, esql_cmd_name(c->kind));
        switch (c->kind) {
        case EC_FROM:
            names(c->names, c->nnames, out);
            if (c->nmeta) {
                ct_sbuf_add(out, " METADATA");
                names(c->meta, c->nmeta, out);
            }
            break;
        case EC_SHOW: ct_sbuf_add(out, " INFO"); break;
        case EC_WHERE:
            ct_sbuf_addc(out, ' ');
            expr(c->cond, out);
            break;
        case EC_ROW:
        case EC_EVAL:
        case EC_STATS:
        case EC_INLINESTATS:
            assigns(c->as, c->nas, out);
            if (c->nby) {
                ct_sbuf_add(out, " BY");
                assigns(c->by, c->nby, out);
            }
            break;
        case EC_KEEP:
        case EC_DROP:
        case EC_MV_EXPAND:
            names(c->names, c->nnames, out);
            break;
        case EC_RENAME:
            for (size_t k = 0; k < c->nnames; k++) {
                ct_sbuf_add(out, k ? ", " : " ");
                name(c->names[k], out);
                ct_sbuf_add(out, " AS ");
                name(c->names2[k], out);
            }
            break;
        case EC_SORT:
            for (size_t k = 0; k < c->nord; k++) {
                ct_sbuf_add(out, k ? ", " : " ");
                expr(c->ord[k].e, out);
                ct_sbuf_add(out, c->ord[k].desc ? " DESC" : " ASC");
                if (c->ord[k].nulls_first >= 0) ct_sbuf_add(out, c->ord[k].nulls_first ? " NULLS FIRST" : " NULLS LAST");
            }
            break;
        case EC_LIMIT: ct_sbuf_addf(out, " %lld", (long long)c->limit); break;
        case EC_DISSECT:
        case EC_GROK:
            ct_sbuf_addc(out, ' ');
            expr(c->cond, out);
            ct_sbuf_addc(out, ' ');
            quote(c->pattern, c->patlen, out);
            if (c->sep) {
                ct_sbuf_add(out, " append_separator=");
                quote(c->sep, strlen(c->sep), out);
            }
            break;
        case EC_ENRICH:
            ct_sbuf_addc(out, ' ');
            name(c->pattern, out);
            if (c->on) {
                ct_sbuf_add(out, " ON ");
                name(c->on, out);
            }
            if (c->nas) ct_sbuf_add(out, " WITH");
            assigns(c->as, c->nas, out);
            break;
        case EC_LOOKUP_JOIN:
            ct_sbuf_addc(out, ' ');
            name(c->pattern, out);
            ct_sbuf_add(out, " ON");
            names(c->names, c->nnames, out);
            break;
        case EC_COMPLETION:
            assigns(c->as, c->nas, out);
            if (c->pattern) {
                ct_sbuf_add(out, " WITH ");
                quote(c->pattern, c->patlen, out);
            }
            break;
        }
        ct_sbuf_addc(out, '\n');
    }
}
