/* kql lexer: the characters, keywords and literals of Kibana's KQL grammar
 * (grammar.peggy): whitespace (NBSP included), the and/or/not keywords,
 * quoted and unquoted literals with their escapes and wildcards; every
 * failure records what was expected at the furthest position, for the
 * parser's error message. The parser (kql_parse.c) is above it. */
#include "kql_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef kql_lexer P;
typedef kql_tok tok;

/* a literal being collected: bytes plus a wildcard mark per byte */
typedef struct lit {
    ct_sbuf b;
    unsigned char *w;
    size_t wcap;
    int any_wild;
} lit;

void kql_fail(P *p, size_t pos, int x)
{
    if (p->silent) return;
    if (pos > p->maxfail) {
        p->maxfail = pos;
        p->expected = 0;
    }
    if (pos == p->maxfail) p->expected |= 1u << x;
}

int kql_ch(P *p, char c, int x)
{
    if (p->pos < p->n && p->s[p->pos] == c) {
        p->pos++;
        return 1;
    }
    kql_fail(p, p->pos, x);
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
    kql_fail(p, p->pos, KX_WS);
    return 0;
}

void kql_spaces(P *p)
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

int kql_kw(P *p, int x)
{
    size_t e = x == KX_OR ? binkw_at(p, p->pos, "or")
             : x == KX_AND ? binkw_at(p, p->pos, "and") : notkw_at(p, p->pos);
    if (e) {
        p->pos = e;
        return 1;
    }
    kql_fail(p, p->pos, x);
    return 0;
}

static int is_special(char c)
{
    return c && strchr("\\():<>\"*{}", c) != NULL;
}

size_t kql_utf8_len(const P *p, size_t i)
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
    size_t k = kql_utf8_len(p, i);
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
        size_t k = kql_utf8_len(p, p->pos);
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

void kql_tok_free(tok *t)
{
    free(t->text);
    free(t->wild);
    t->text = NULL;
    t->wild = NULL;
}

/* Literal = QuotedString / UnquotedLiteral; named `x` (fieldName, literal, value) */
int kql_literal(P *p, tok *t, int x)
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
        kql_fail(p, p->pos, x);
    }
    return ok;
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
