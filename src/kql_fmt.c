/* kql_fmt: the printing side of the KQL module, ct_kql_explain (the parse tree
 * as an s-expression, for tests and --explain), ct_kql_quote and ct_kql_escape
 * (a value spelled so that the parser in kql_parse.c reads it back verbatim). */
#include "kql_int.h"

#include <string.h>

/* ---------- explain ---------- */

static void json_chars(ct_sbuf *o, const char *s, size_t n, const unsigned char *wild)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (wild && !wild[i] && c == '*') ct_sbuf_add(o, "\\u002a");
        else if (c == '"') ct_sbuf_add(o, "\\\"");
        else if (c == '\\') ct_sbuf_add(o, "\\\\");
        else if (c == '\b') ct_sbuf_add(o, "\\b");
        else if (c == '\f') ct_sbuf_add(o, "\\f");
        else if (c == '\n') ct_sbuf_add(o, "\\n");
        else if (c == '\r') ct_sbuf_add(o, "\\r");
        else if (c == '\t') ct_sbuf_add(o, "\\t");
        else if (c < 0x20) ct_sbuf_addf(o, "\\u%04x", c);
        else ct_sbuf_addc(o, (char)c);
    }
}

static void json_str(ct_sbuf *o, const char *s, size_t n, const unsigned char *wild)
{
    ct_sbuf_addc(o, '"');
    json_chars(o, s, n, wild);
    ct_sbuf_addc(o, '"');
}

static void explain_field(ct_sbuf *o, const kql_field *f)
{
    if (f->kind == KF_ANY) {
        ct_sbuf_addc(o, '*');
        return;
    }
    if (f->kind == KF_WILD) ct_sbuf_addc(o, '~');
    json_str(o, f->text, f->len, f->wild);
}

static void explain_val(ct_sbuf *o, const kql_val *v)
{
    switch (v->kind) {
    case KV_QUOTED:
        ct_sbuf_addc(o, '\'');
        json_chars(o, v->text, v->len, NULL);
        ct_sbuf_addc(o, '\'');
        break;
    case KV_WILD:
        ct_sbuf_addc(o, '~');
        json_str(o, v->text, v->len, v->wild);
        break;
    default:
        if (v->lit != KL_STR || v->is_num) ct_sbuf_addn(o, v->text, v->len);
        else json_str(o, v->text, v->len, NULL);
    }
}

static void explain(ct_sbuf *o, const kql_node *n)
{
    static const char *const ops[] = {"lt", "lte", "gt", "gte"};
    switch (n->kind) {
    case KN_ALL: ct_sbuf_add(o, "(all)"); return;
    case KN_AND:
    case KN_OR:
        ct_sbuf_add(o, n->kind == KN_AND ? "(and" : "(or");
        for (size_t i = 0; i < n->nkids; i++) {
            ct_sbuf_addc(o, ' ');
            explain(o, n->kids[i]);
        }
        ct_sbuf_addc(o, ')');
        return;
    case KN_NOT:
        ct_sbuf_add(o, "(not ");
        explain(o, n->kids[0]);
        ct_sbuf_addc(o, ')');
        return;
    case KN_IS:
        ct_sbuf_add(o, "(is ");
        explain_field(o, &n->field);
        ct_sbuf_addc(o, ' ');
        explain_val(o, &n->val);
        ct_sbuf_addc(o, ')');
        return;
    case KN_EXISTS:
        ct_sbuf_add(o, "(exists ");
        explain_field(o, &n->field);
        ct_sbuf_addc(o, ')');
        return;
    case KN_RANGE:
        ct_sbuf_add(o, "(range ");
        explain_field(o, &n->field);
        ct_sbuf_addf(o, " %s ", ops[n->op]);
        explain_val(o, &n->val);
        ct_sbuf_addc(o, ')');
        return;
    case KN_NESTED:
        ct_sbuf_add(o, "(nested ");
        explain_field(o, &n->field);
        ct_sbuf_addc(o, ' ');
        explain(o, n->kids[0]);
        ct_sbuf_addc(o, ')');
        return;
    }
}

void ct_kql_explain(const ct_kql *q, ct_sbuf *out)
{
    if (!q || !out) return;
    explain(out, q->root);
}

/* ---------- quoting ---------- */

void ct_kql_quote(const char *value, ct_sbuf *out)
{
    ct_sbuf_addc(out, '"');
    for (const char *s = value ? value : ""; *s; s++) {
        if (*s == '\\' || *s == '"') ct_sbuf_addc(out, '\\');
        ct_sbuf_addc(out, *s);
    }
    ct_sbuf_addc(out, '"');
}

void ct_kql_escape(const char *value, int keep_wildcards, ct_sbuf *out)
{
    const char *s = value ? value : "";
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '\t') { ct_sbuf_add(out, "\\t"); i++; continue; }
        if (c == '\r') { ct_sbuf_add(out, "\\r"); i++; continue; }
        if (c == '\n') { ct_sbuf_add(out, "\\n"); i++; continue; }
        if (c == '*' && keep_wildcards) { ct_sbuf_addc(out, c); i++; continue; }
        if (kql_is_special(c)) {
            ct_sbuf_addc(out, '\\');
            ct_sbuf_addc(out, c);
            i++;
            continue;
        }
        /* a keyword here would end the literal: escape the word itself */
        size_t ws = kql_space_at(s, n, i);
        if (ws) {
            size_t j = i;
            while (kql_space_at(s, n, j)) j += kql_space_at(s, n, j);
            ct_sbuf_addn(out, s + i, j - i);
            if (kql_binkw_at(s, n, i, "or") || kql_binkw_at(s, n, i, "and")) ct_sbuf_addc(out, '\\');
            i = j;
            continue;
        }
        if (kql_notkw_at(s, n, i)) {
            /* a backslash before "not" would read as the \n escape: spell n as \u006e */
            if (c == 'n') ct_sbuf_add(out, "\\u006e");
            else ct_sbuf_addc(out, '\\'), ct_sbuf_addc(out, c);
            ct_sbuf_addn(out, s + i + 1, 2);
            i += 3;
            continue;
        }
        ct_sbuf_addc(out, c);
        i++;
    }
}

/* ---------- which fields a query reads ---------- */

/* How many bytes of a field name come before its first wildcard (all of a
 * plain name). */
static size_t literal_len(const kql_field *f)
{
    if (f->kind == KF_WILD && f->wild)
        for (size_t i = 0; i < f->len; i++)
            if (f->wild[i]) return i;
    return f->len;
}

/* Could field f (a full dotted path, or a pattern) name prefix itself or a
 * field under it? Free text reads every leaf; a wildcard name is judged by
 * its literal start. */
static int field_under(const kql_field *f, const char *prefix, size_t plen)
{
    if (f->kind == KF_ANY) return 1;
    size_t lit = literal_len(f);
    size_t n = lit < plen ? lit : plen;
    if (memcmp(f->text, prefix, n)) return 0;
    /* shorter: a pattern may go on into prefix; a plain name reads it as a parent */
    if (lit < plen) return lit < f->len || prefix[lit] == '.';
    /* prefix is a start of the name: under it when a '.' or the end follows */
    return f->len == plen || f->text[plen] == '.' || lit == plen;
}

static int reads_under(const kql_node *n, const char *prefix, size_t plen)
{
    if (!n) return 0;
    switch (n->kind) {
    case KN_IS:
    case KN_EXISTS:
    case KN_RANGE:
        return field_under(&n->field, prefix, plen);
    case KN_NESTED:
        /* names inside are relative to the nested field: judged by it */
        return field_under(&n->field, prefix, plen);
    default:
        for (size_t i = 0; i < n->nkids; i++)
            if (reads_under(n->kids[i], prefix, plen)) return 1;
        return 0;
    }
}

int ct_kql_reads_under(const ct_kql *q, const char *prefix)
{
    return q && reads_under(q->root, prefix, strlen(prefix));
}

static int fields_of(const kql_node *n, ct_kql_field_fn add, void *ctx)
{
    if (!n) return 0;
    switch (n->kind) {
    case KN_IS:
    case KN_EXISTS:
    case KN_RANGE:
    case KN_NESTED: { /* names inside a nested query are relative to it: its field covers them */
        const kql_field *f = &n->field;
        if (f->kind == KF_ANY) return 1;
        size_t lit = literal_len(f);
        add(ctx, f->text, f->len, lit, f->kind == KF_WILD ? f->wild : NULL, n->kind != KN_NESTED);
        return 0;
    }
    default: {
        int any = 0;
        for (size_t i = 0; i < n->nkids; i++) any |= fields_of(n->kids[i], add, ctx);
        return any;
    }
    }
}

int ct_kql_fields(const ct_kql *q, ct_kql_field_fn add, void *ctx)
{
    return q ? fields_of(q->root, add, ctx) : 0;
}
