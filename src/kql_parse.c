/* kql parser: a hand-written PEG parser that follows Kibana's grammar.peggy rule
 * for rule (same ordered choices, same greediness, same named rules), so that it
 * accepts and rejects the same queries and reports the same expectation set at
 * the furthest failure position. Explain, quote and escape are in kql_fmt.c. */
#include "kql_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* expectations, in the sort order Peggy's message uses (byte order of the text) */
enum {
    X_DQUOTE, X_LPAREN, X_RPAREN, X_COLON, X_LT, X_LTE, X_GT, X_GTE, X_LBRACE, X_RBRACE,
    X_AND, X_NOT, X_OR, X_EOF, X_FIELD, X_LITERAL, X_VALUE, X_WS, X__COUNT
};
static const char *const x_text[X__COUNT] = {
    "\"\\\"\"", "\"(\"", "\")\"", "\":\"", "\"<\"", "\"<=\"", "\">\"", "\">=\"", "\"{\"", "\"}\"",
    "AND", "NOT", "OR", "end of input", "field name", "literal", "value", "whitespace",
};

typedef struct P {
    const char *s;
    size_t n, pos;
    size_t maxfail;
    uint32_t expected;
    int silent;
    int depth;
    int abort;       /* nesting limit hit */
    size_t abort_pos;
} P;

/* a literal being collected: bytes plus a wildcard mark per byte */
typedef struct lit {
    ct_sbuf b;
    unsigned char *w;
    size_t wcap;
    int any_wild;
} lit;

static void fail(P *p, size_t pos, int x)
{
    if (p->silent) return;
    if (pos > p->maxfail) {
        p->maxfail = pos;
        p->expected = 0;
    }
    if (pos == p->maxfail) p->expected |= 1u << x;
}

static int ch(P *p, char c, int x)
{
    if (p->pos < p->n && p->s[p->pos] == c) {
        p->pos++;
        return 1;
    }
    fail(p, p->pos, x);
    return 0;
}

/* ---------- characters ---------- */

static size_t space_at(const P *p, size_t i)
{
    if (i >= p->n) return 0;
    char c = p->s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return 1;
    if ((unsigned char)c == 0xC2 && i + 1 < p->n && (unsigned char)p->s[i + 1] == 0xA0) return 2;
    return 0;
}

/* Space "whitespace" */
static int space(P *p)
{
    size_t k = space_at(p, p->pos);
    if (k) {
        p->pos += k;
        return 1;
    }
    fail(p, p->pos, X_WS);
    return 0;
}

static void spaces(P *p)
{
    while (space(p)) {}
}

static int word_ci(const P *p, size_t i, const char *w)
{
    size_t k = strlen(w);
    return i + k <= p->n && ct_strncaseeq(p->s + i, w, k);
}

/* Space+ WORD Space+ starting at i; returns the end or 0 */
static size_t binkw_at(const P *p, size_t i, const char *w)
{
    size_t k, j = i;
    if (!(k = space_at(p, j))) return 0;
    while ((k = space_at(p, j))) j += k;
    if (!word_ci(p, j, w)) return 0;
    j += strlen(w);
    if (!(k = space_at(p, j))) return 0;
    while ((k = space_at(p, j))) j += k;
    return j;
}

/* 'not'i Space+ */
static size_t notkw_at(const P *p, size_t i)
{
    size_t k, j = i;
    if (!word_ci(p, j, "not")) return 0;
    j += 3;
    if (!(k = space_at(p, j))) return 0;
    while ((k = space_at(p, j))) j += k;
    return j;
}

static int keyword_at(const P *p, size_t i)
{
    return binkw_at(p, i, "or") || binkw_at(p, i, "and") || notkw_at(p, i);
}

static int kw(P *p, int x)
{
    size_t e = x == X_OR ? binkw_at(p, p->pos, "or")
             : x == X_AND ? binkw_at(p, p->pos, "and") : notkw_at(p, p->pos);
    if (e) {
        p->pos = e;
        return 1;
    }
    fail(p, p->pos, x);
    return 0;
}

static int is_special(char c)
{
    return c && strchr("\\():<>\"*{}", c) != NULL;
}

static size_t utf8_len(const P *p, size_t i)
{
    unsigned char c = (unsigned char)p->s[i];
    size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + k > p->n) return 1;
    for (size_t j = 1; j < k; j++)
        if (((unsigned char)p->s[i + j] & 0xC0) != 0x80) return 1;
    return k;
}

static void lit_init(lit *l)
{
    ct_sbuf_init(&l->b);
    l->wcap = 16;
    l->w = ct_xcalloc(l->wcap, 1);
    l->any_wild = 0;
}

static void lit_free(lit *l)
{
    ct_sbuf_free(&l->b);
    free(l->w);
}

static void lit_add(lit *l, const char *s, size_t n, int wild)
{
    size_t at = l->b.len;
    ct_sbuf_addn(&l->b, s, n);
    if (l->b.len > l->wcap) {
        size_t cap = l->wcap;
        while (cap < l->b.len) cap *= 2;
        l->w = ct_xrealloc(l->w, cap);
        memset(l->w + l->wcap, 0, cap - l->wcap);
        l->wcap = cap;
    }
    memset(l->w + at, wild ? 1 : 0, n);
    if (wild) l->any_wild = 1;
}

static void lit_add_cp(lit *l, unsigned cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) { o[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    lit_add(l, o, n, 0);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int hex4_at(const P *p, size_t i, unsigned *out)
{
    if (i + 4 > p->n) return 0;
    unsigned v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hexval(p->s[i + k]);
        if (h < 0) return 0;
        v = v * 16 + (unsigned)h;
    }
    *out = v;
    return 1;
}

/* EscapedWhitespace / EscapedUnicodeSequence at p->pos (a backslash) */
static int esc_ws_or_unicode(P *p, lit *l)
{
    size_t i = p->pos;
    if (i + 1 >= p->n || p->s[i] != '\\') return 0;
    char c = p->s[i + 1];
    if (c == 't' || c == 'r' || c == 'n') {
        lit_add(l, c == 't' ? "\t" : c == 'r' ? "\r" : "\n", 1, 0);
        p->pos += 2;
        return 1;
    }
    unsigned u, lo;
    if (c == 'u' && hex4_at(p, i + 2, &u)) {
        p->pos += 6;
        /* JS strings are UTF-16: a \uD8xx\uDCxx pair forms one code point */
        if (u >= 0xD800 && u < 0xDC00 && p->pos + 1 < p->n && p->s[p->pos] == '\\' &&
            p->s[p->pos + 1] == 'u' && hex4_at(p, p->pos + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
            p->pos += 6;
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        } else if (u >= 0xD800 && u < 0xE000) {
            u = 0xFFFD;
        }
        lit_add_cp(l, u);
        return 1;
    }
    return 0;
}

/* UnquotedCharacter */
static int unquoted_char(P *p, lit *l)
{
    size_t i = p->pos;
    if (i >= p->n) return 0;
    if (esc_ws_or_unicode(p, l)) return 1;
    if (p->s[i] == '\\' && i + 1 < p->n) {
        if (is_special(p->s[i + 1])) {
            lit_add(l, p->s + i + 1, 1, 0);
            p->pos += 2;
            return 1;
        }
        static const char *const kws[] = {"or", "and", "not"};
        for (size_t k = 0; k < 3; k++)
            if (word_ci(p, i + 1, kws[k])) {
                size_t n = strlen(kws[k]);
                lit_add(l, p->s + i + 1, n, 0);
                p->pos += 1 + n;
                return 1;
            }
    }
    if (p->s[i] == '*') {
        lit_add(l, "*", 1, 1);
        p->pos++;
        return 1;
    }
    if (space_at(p, i)) {
        /* inside a run of spaces the OR/AND lookahead gives the same answer at
         * every position (Space+ is greedy): decide once, take the whole run */
        if (binkw_at(p, i, "or") || binkw_at(p, i, "and")) return 0;
        size_t j = i, k;
        while ((k = space_at(p, j))) j += k;
        lit_add(l, p->s + i, j - i, 0);
        p->pos = j;
        return 1;
    }
    if (is_special(p->s[i]) || keyword_at(p, i)) return 0;
    size_t k = utf8_len(p, i);
    lit_add(l, p->s + i, k, 0);
    p->pos += k;
    return 1;
}

/* length of a JS-trim()able whitespace code point starting at / ending before i */
static size_t js_ws_cp(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || (s[0] >= 0x09 && s[0] <= 0x0d))) return 1;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0) return 2;
    if (n >= 3) {
        if (s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80) return 3;
        if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] <= 0x8A || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
            return 3;
        if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) return 3;
        if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) return 3;
        if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) return 3;
    }
    return 0;
}

/* JS String.prototype.trim over the collected literal (wildcards are never trimmed) */
static void lit_trim(lit *l, size_t *from, size_t *to)
{
    const unsigned char *s = (const unsigned char *)l->b.buf;
    size_t a = 0, b = l->b.len, k;
    while (a < b && !l->w[a] && (k = js_ws_cp(s + a, b - a))) a += k;
    for (;;) {
        size_t hit = 0;
        for (k = 1; k <= 3 && k <= b - a; k++)
            if (!l->w[b - k] && js_ws_cp(s + b - k, k) == k) { hit = k; break; }
        if (!hit) break;
        b -= hit;
    }
    *from = a;
    *to = b;
}

/* QuotedString (into l); no expectations are recorded: only used in named rules */
static int quoted_string(P *p, lit *l)
{
    size_t save = p->pos;
    if (p->pos >= p->n || p->s[p->pos] != '"') return 0;
    p->pos++;
    while (p->pos < p->n) {
        if (esc_ws_or_unicode(p, l)) continue;
        char c = p->s[p->pos];
        if (c == '\\' && p->pos + 1 < p->n && (p->s[p->pos + 1] == '\\' || p->s[p->pos + 1] == '"')) {
            lit_add(l, p->s + p->pos + 1, 1, 0);
            p->pos += 2;
            continue;
        }
        if (c == '"') break;
        size_t k = utf8_len(p, p->pos);
        lit_add(l, p->s + p->pos, k, 0);
        p->pos += k;
    }
    if (p->pos < p->n && p->s[p->pos] == '"') {
        p->pos++;
        return 1;
    }
    p->pos = save;
    return 0;
}

typedef struct tok {
    int quoted;
    char *text;
    size_t len;
    unsigned char *wild; /* NULL when no wildcard */
} tok;

static void tok_free(tok *t)
{
    free(t->text);
    free(t->wild);
    t->text = NULL;
    t->wild = NULL;
}

/* Literal = QuotedString / UnquotedLiteral; named `x` (fieldName, literal, value) */
static int literal(P *p, tok *t, int x)
{
    size_t save = p->pos;
    lit l;
    lit_init(&l);
    p->silent++;
    int ok = 0;
    memset(t, 0, sizeof *t);
    if (quoted_string(p, &l)) {
        t->quoted = 1;
        t->len = l.b.len;
        t->text = ct_xstrndup(l.b.buf, l.b.len);
        ok = 1;
    } else {
        while (unquoted_char(p, &l)) {}
        if (p->pos > save) {
            size_t a, b;
            lit_trim(&l, &a, &b);
            t->len = b - a;
            t->text = ct_xstrndup(l.b.buf + a, b - a);
            if (l.any_wild) {
                t->wild = ct_xmalloc(t->len ? t->len : 1);
                memcpy(t->wild, l.w + a, t->len);
            }
            ok = 1;
        }
    }
    p->silent--;
    lit_free(&l);
    if (!ok) {
        p->pos = save;
        fail(p, p->pos, x);
    }
    return ok;
}

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
        if (kw(p, x)) k = next(p, f);
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
    if (ch(p, '(', X_LPAREN)) {
        spaces(p);
        kql_node *n = or_list(p, f);
        if (n) {
            spaces(p);
            if (ch(p, ')', X_RPAREN)) return n;
            node_free(n);
        }
        if (p->abort) return NULL;
        p->pos = save;
    }
    tok t;
    if (!literal(p, &t, X_VALUE)) return NULL;
    kql_node *n = is_node(f, &t);
    tok_free(&t);
    return n;
}

/* NotListOfValues = Not ListOfValues / ListOfValues */
static kql_node *not_list(P *p, const kql_field *f)
{
    size_t save = p->pos;
    if (kw(p, X_NOT)) {
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
    return chain(p, KN_AND, X_AND, not_list, f);
}

static kql_node *or_list(P *p, const kql_field *f)
{
    if (!enter(p)) return NULL;
    kql_node *n = chain(p, KN_OR, X_OR, and_list, f);
    p->depth--;
    return n;
}

/* Field Space* RangeOperator Space* Literal */
static kql_node *field_range(P *p, const tok *fld, size_t after_field)
{
    p->pos = after_field;
    spaces(p);
    int op;
    const char *s = p->s + p->pos;
    size_t left = p->n - p->pos;
    if (left >= 2 && s[0] == '<' && s[1] == '=') op = KOP_LTE, p->pos += 2;
    else if (left >= 2 && s[0] == '>' && s[1] == '=') op = KOP_GTE, p->pos += 2;
    else if (left >= 1 && s[0] == '<') op = KOP_LT, p->pos += 1;
    else if (left >= 1 && s[0] == '>') op = KOP_GT, p->pos += 1;
    else {
        fail(p, p->pos, X_LTE);
        fail(p, p->pos, X_GTE);
        fail(p, p->pos, X_LT);
        fail(p, p->pos, X_GT);
        return NULL;
    }
    spaces(p);
    tok v;
    if (!literal(p, &v, X_LITERAL)) return NULL;
    kql_node *n = node_new(KN_RANGE);
    n->op = op;
    field_from_tok(&n->field, fld);
    val_from_tok(&n->val, &v);
    tok_free(&v);
    return n;
}

/* SubQuery / NestedQuery / Expression: everything below NOT */
static kql_node *sub_query(P *p)
{
    size_t start = p->pos;
    if (ch(p, '(', X_LPAREN)) {
        spaces(p);
        kql_node *n = or_query(p);
        if (n) {
            spaces(p);
            if (ch(p, ')', X_RPAREN)) return n;
            node_free(n);
        }
        if (p->abort) return NULL;
    }
    p->pos = start;

    /* every alternative below starts with Field: parse it once, as Peggy would
     * each time (same input, same result, same recorded expectation) */
    tok fld;
    int have_field = literal(p, &fld, X_FIELD);
    size_t after_field = p->pos;
    if (have_field) {
        /* NestedQuery */
        spaces(p);
        if (ch(p, ':', X_COLON)) {
            spaces(p);
            if (ch(p, '{', X_LBRACE)) {
                spaces(p);
                kql_node *q = or_query(p);
                if (q) {
                    spaces(p);
                    if (ch(p, '}', X_RBRACE)) {
                        kql_node *n = node_new(KN_NESTED);
                        field_from_tok(&n->field, &fld);
                        node_add(n, q);
                        tok_free(&fld);
                        return n;
                    }
                    node_free(q);
                }
                if (p->abort) {
                    tok_free(&fld);
                    return NULL;
                }
            }
        }
        /* FieldRangeExpression */
        kql_node *n = field_range(p, &fld, after_field);
        if (n) {
            tok_free(&fld);
            return n;
        }
        /* FieldValueExpression */
        p->pos = after_field;
        spaces(p);
        if (ch(p, ':', X_COLON)) {
            spaces(p);
            kql_field f;
            field_from_tok(&f, &fld);
            n = list_of_values(p, &f);
            free(f.text);
            free(f.wild);
            if (n) {
                tok_free(&fld);
                return n;
            }
        }
        tok_free(&fld);
        if (p->abort) return NULL;
    } else {
        /* Peggy records "field name" once per alternative; same set */
    }
    /* ValueExpression */
    p->pos = start;
    tok v;
    if (!literal(p, &v, X_VALUE)) return NULL;
    kql_field any = {KF_ANY, NULL, 0, NULL};
    kql_node *n = is_node(&any, &v);
    tok_free(&v);
    return n;
}

static kql_node *not_query(P *p, const kql_field *unused)
{
    (void)unused;
    size_t save = p->pos;
    if (kw(p, X_NOT)) {
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
    return chain(p, KN_AND, X_AND, not_query, unused);
}

static kql_node *or_query(P *p)
{
    if (!enter(p)) return NULL;
    kql_node *n = chain(p, KN_OR, X_OR, and_query, NULL);
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
        i += utf8_len(p, i);
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
        for (int x = 0; x < X__COUNT; x++)
            if (p->expected & (1u << x)) {
                if (!first) ct_sbuf_add(&b, ", ");
                ct_sbuf_add(&b, x_text[x]);
                first = 0;
            }
        ct_sbuf_add(&b, " but found ");
        if (at >= p->n) {
            ct_sbuf_add(&b, "end of input");
        } else {
            size_t k = utf8_len(p, at);
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
    spaces(&p);
    size_t save = p.pos;
    kql_node *root = or_query(&p);
    if (!root && !p.abort) p.pos = save;
    if (!p.abort) {
        spaces(&p);
        if (p.pos < p.n) fail(&p, p.pos, X_EOF);
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

/* ---------- lexer predicates for kql_fmt.c (ct_kql_escape) ---------- */

size_t kql_space_at(const char *s, size_t n, size_t i)
{
    const P p = {.s = s, .n = n};
    return space_at(&p, i);
}

size_t kql_binkw_at(const char *s, size_t n, size_t i, const char *w)
{
    const P p = {.s = s, .n = n};
    return binkw_at(&p, i, w);
}

size_t kql_notkw_at(const char *s, size_t n, size_t i)
{
    const P p = {.s = s, .n = n};
    return notkw_at(&p, i);
}

int kql_is_special(char c)
{
    return is_special(c);
}
