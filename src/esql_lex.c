/* esql lexer: the tokens of EsqlBaseLexer.g4's expression mode, plus the FROM
 * mode (index patterns) and the project mode (name patterns) read on demand by
 * the parser, which knows which mode a command is in. */
#include "esql_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const reserved[] = {
    "and", "as", "asc", "by", "desc", "false", "first", "in", "is", "last", "like", "not",
    "null", "nulls", "on", "or", "rlike", "true", "with",
};

int esql_reserved(const char *s, size_t n)
{
    for (size_t i = 0; i < CT_ARRAY_LEN(reserved); i++)
        if (strlen(reserved[i]) == n && ct_strncaseeq(s, reserved[i], n)) return 1;
    return 0;
}

void esql_where(const esql_lexer *p, size_t pos, int *line, int *col)
{
    int l = 1, c = 0;
    for (size_t i = 0; i < pos && i < p->n; i++) {
        unsigned char ch = (unsigned char)p->s[i];
        if (ch == '\n') {
            l++;
            c = 0;
        } else if ((ch & 0xC0) != 0x80) {
            c++; /* one per character, not per byte */
        }
    }
    *line = l;
    *col = c + 1;
}

void esql_error(esql_lexer *p, size_t pos, const char *fmt, ...)
{
    if (p->err) return;
    int l, c;
    esql_where(p, pos, &l, &c);
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_addf(&b, "line %d:%d: ", l, c);
    va_list ap;
    va_start(ap, fmt);
    ct_sbuf_vaddf(&b, fmt, ap);
    va_end(ap);
    p->err = esql_take(&b);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void esql_skip(esql_lexer *p)
{
    for (;;) {
        while (p->pos < p->n && is_space(p->s[p->pos])) p->pos++;
        if (p->pos + 1 < p->n && p->s[p->pos] == '/' && p->s[p->pos + 1] == '/') {
            while (p->pos < p->n && p->s[p->pos] != '\n' && p->s[p->pos] != '\r') p->pos++;
            continue;
        }
        if (p->pos + 1 < p->n && p->s[p->pos] == '/' && p->s[p->pos + 1] == '*') {
            const char *e = NULL;
            for (size_t i = p->pos + 2; i + 1 < p->n; i++)
                if (p->s[i] == '*' && p->s[i + 1] == '/') {
                    e = p->s + i;
                    break;
                }
            if (!e) return; /* unterminated: left for the token reader to refuse */
            p->pos = (size_t)(e - p->s) + 2;
            continue;
        }
        return;
    }
}

static int id_body(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static void tok_clear(esql_tok *t)
{
    free(t->text);
    memset(t, 0, sizeof *t);
}

/* "..." with \t \n \r \" \\ escapes (any other backslash is an error), or
 * """...""" raw on one line, ending at the first """ (plus up to two more "). */
static int read_string(esql_lexer *p, size_t i, esql_tok *t)
{
    const char *s = p->s;
    ct_sbuf b;
    ct_sbuf_init(&b);
    if (i + 2 < p->n && s[i + 1] == '"' && s[i + 2] == '"') {
        size_t j = i + 3;
        while (j + 2 < p->n && !(s[j] == '"' && s[j + 1] == '"' && s[j + 2] == '"')) {
            if (s[j] == '\r' || s[j] == '\n') break;
            j++;
        }
        if (j + 2 >= p->n || s[j] != '"') {
            ct_sbuf_free(&b);
            esql_error(p, i, "token recognition error at: '\"\"\"'");
            return -1;
        }
        size_t end = j + 3;
        for (int k = 0; k < 2 && end < p->n && s[end] == '"'; k++) end++;
        ct_sbuf_addn(&b, s + i + 3, end - 3 - (i + 3));
        t->end = end;
    } else {
        size_t j = i + 1;
        for (;;) {
            if (j >= p->n || s[j] == '\r' || s[j] == '\n') {
                ct_sbuf_free(&b);
                esql_error(p, i, "token recognition error at: '%.*s'", (int)(j - i > 20 ? 20 : j - i), s + i);
                return -1;
            }
            if (s[j] == '"') break;
            if (s[j] == '\\') {
                char c = j + 1 < p->n ? s[j + 1] : 0;
                char o = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == '"' ? '"' : c == '\\' ? '\\' : 0;
                if (!o) {
                    ct_sbuf_free(&b);
                    /* as ANTLR: at the token's start, its text up to the bad character */
                    size_t upto = j + (c ? 2 : 1) - i;
                    esql_error(p, i, "token recognition error at: '%.*s'", (int)(upto > 40 ? 40 : upto), s + i);
                    return -1;
                }
                ct_sbuf_addc(&b, o);
                j += 2;
                continue;
            }
            ct_sbuf_addc(&b, s[j++]);
        }
        t->end = j + 1;
    }
    t->type = ET_STR;
    t->len = b.len;
    t->text = esql_take(&b);
    return 0;
}

static int read_number(esql_lexer *p, size_t i, esql_tok *t)
{
    const char *s = p->s;
    size_t j = i;
    int dec = 0;
    while (j < p->n && isdigit((unsigned char)s[j])) j++;
    if (j < p->n && s[j] == '.' && (j > i || (j + 1 < p->n && isdigit((unsigned char)s[j + 1])))) {
        dec = 1;
        j++;
        while (j < p->n && isdigit((unsigned char)s[j])) j++;
    }
    if (j < p->n && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < p->n && (s[k] == '+' || s[k] == '-')) k++;
        if (k < p->n && isdigit((unsigned char)s[k])) {
            dec = 1;
            j = k;
            while (j < p->n && isdigit((unsigned char)s[j])) j++;
        }
    }
    t->type = dec ? ET_DEC : ET_INT;
    t->text = ct_xstrndup(s + i, j - i);
    t->len = j - i;
    t->end = j;
    return 0;
}

static int lex_one(esql_lexer *p, esql_tok *t)
{
    memset(t, 0, sizeof *t);
    esql_skip(p);
    size_t i = p->pos;
    const char *s = p->s;
    t->pos = i;
    t->end = i + 1;
    if (i >= p->n) {
        t->type = ET_EOF;
        t->end = i;
        return 0;
    }
    char c = s[i], d = i + 1 < p->n ? s[i + 1] : 0;
    if (c == '"') return read_string(p, i, t);
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)d))) return read_number(p, i, t);
    if (isalpha((unsigned char)c) || ((c == '_' || c == '@') && id_body(d))) {
        size_t j = i + 1;
        while (j < p->n && id_body(s[j])) j++;
        t->type = ET_ID;
        t->text = ct_xstrndup(s + i, j - i);
        t->len = j - i;
        t->end = j;
        return 0;
    }
    if (c == '`') {
        ct_sbuf b;
        ct_sbuf_init(&b);
        size_t j = i + 1;
        for (;;) {
            if (j >= p->n) {
                ct_sbuf_free(&b);
                esql_error(p, i, "token recognition error at: '`'");
                return -1;
            }
            if (s[j] == '`') {
                if (j + 1 < p->n && s[j + 1] == '`') {
                    ct_sbuf_addc(&b, '`');
                    j += 2;
                    continue;
                }
                break;
            }
            ct_sbuf_addc(&b, s[j++]);
        }
        if (!b.len) {
            ct_sbuf_free(&b);
            esql_error(p, i, "token recognition error at: '``'");
            return -1;
        }
        t->type = ET_QID;
        t->len = b.len;
        t->text = esql_take(&b);
        t->end = j + 1;
        return 0;
    }
    if (c == '?') {
        size_t j = i + 1;
        if (j < p->n && s[j] == '?') j++;
        while (j < p->n && id_body(s[j])) j++;
        t->type = ET_PARAM;
        t->text = ct_xstrndup(s + i, j - i);
        t->len = j - i;
        t->end = j;
        return 0;
    }
    static const struct { const char *op; int type; } ops[] = {
        {"==", ET_EQ}, {"=~", ET_CIEQ}, {"!=", ET_NEQ}, {"<=", ET_LTE}, {">=", ET_GTE}, {"::", ET_CAST},
        {"|", ET_PIPE}, {"(", ET_LP}, {")", ET_RP}, {"[", ET_LB}, {"]", ET_RB}, {"{", ET_LBRACE},
        {"}", ET_RBRACE}, {",", ET_COMMA}, {".", ET_DOT}, {"=", ET_ASSIGN}, {"<", ET_LT}, {">", ET_GT},
        {"+", ET_PLUS}, {"-", ET_MINUS}, {"*", ET_STAR}, {"/", ET_SLASH}, {"%", ET_PERCENT}, {":", ET_COLON},
    };
    for (size_t k = 0; k < CT_ARRAY_LEN(ops); k++) {
        size_t l = strlen(ops[k].op);
        if (i + l <= p->n && !memcmp(s + i, ops[k].op, l)) {
            t->type = ops[k].type;
            t->end = i + l;
            return 0;
        }
    }
    size_t l = 1;
    while (i + l < p->n && ((unsigned char)s[i + l] & 0xC0) == 0x80 && l < 4) l++;
    int shown = isprint((unsigned char)c) || ((unsigned char)c & 0x80);
    esql_error(p, i, "token recognition error at: '%.*s'", shown ? (int)l : 1, shown ? s + i : "?");
    t->type = ET_BAD;
    return -1;
}

const esql_tok *esql_peek(esql_lexer *p)
{
    if (!p->have) {
        tok_clear(&p->tok);
        if (lex_one(p, &p->tok) < 0) {
            tok_clear(&p->tok);
            p->tok.type = ET_BAD;
            p->tok.pos = p->tok.end = p->pos;
        }
        p->have = 1;
    }
    return &p->tok;
}

void esql_advance(esql_lexer *p)
{
    esql_peek(p);
    p->pos = p->tok.end;
    tok_clear(&p->tok);
    p->have = 0;
}

int esql_is_kw(esql_lexer *p, const char *kw)
{
    const esql_tok *t = esql_peek(p);
    return t->type == ET_ID && strlen(kw) == t->len && ct_strncaseeq(t->text, kw, t->len);
}

int esql_accept_kw(esql_lexer *p, const char *kw)
{
    if (!esql_is_kw(p, kw)) return 0;
    esql_advance(p);
    return 1;
}

int esql_accept(esql_lexer *p, int type)
{
    if (esql_peek(p)->type != type) return 0;
    esql_advance(p);
    return 1;
}

const char *esql_tok_name(int type)
{
    static const char *const names[] = {
        "<EOF>", "'|'", "UNQUOTED_IDENTIFIER", "QUOTED_IDENTIFIER", "QUOTED_STRING",
        "INTEGER_LITERAL", "DECIMAL_LITERAL", "'?'", "'('", "')'", "'['", "']'", "'{'", "'}'",
        "','", "'.'", "'='", "'=='", "'=~'", "'!='", "'<'", "'<='", "'>'", "'>='", "'+'", "'-'",
        "'*'", "'/'", "'%'", "'::'", "':'", "?",
    };
    return type >= 0 && (size_t)type < CT_ARRAY_LEN(names) ? names[type] : "?";
}

void esql_expected(esql_lexer *p, const char *what)
{
    const esql_tok *t = esql_peek(p);
    if (p->err) return;
    if (t->type == ET_EOF) {
        esql_error(p, t->pos, "mismatched input '<EOF>' expecting %s", what);
        return;
    }
    size_t len = t->end - t->pos;
    if (len > 40) len = 40;
    /* Where the statement could end here, ANTLR's sync defers and the error
     * comes at singleStatement's match(EOF); its single-token deletion then
     * calls a last token before the end "extraneous input 'X' expecting
     * <EOF>" (DefaultErrorStrategy.reportUnwantedToken). */
    esql_lexer rest = {.s = p->s, .n = p->n, .pos = t->end};
    esql_skip(&rest);
    if (strstr(what, "<EOF>") && rest.pos >= rest.n) {
        esql_error(p, t->pos, "extraneous input '%.*s' expecting <EOF>", (int)len, p->s + t->pos);
        return;
    }
    esql_error(p, t->pos, "mismatched input '%.*s' expecting %s", (int)len, p->s + t->pos, what);
}

/* FROM mode: UNQUOTED_SOURCE is any run of characters but whitespace, comma,
 * pipe, quote and the comment starts; a quoted string is a pattern too. */
char *esql_lex_source(esql_lexer *p)
{
    p->have = 0;
    tok_clear(&p->tok);
    esql_skip(p);
    size_t i = p->pos;
    if (i >= p->n) return NULL;
    if (p->s[i] == '"') {
        esql_tok t;
        memset(&t, 0, sizeof t);
        if (read_string(p, i, &t) < 0) return NULL;
        p->pos = t.end;
        return t.text;
    }
    size_t j = i;
    while (j < p->n && !is_space(p->s[j]) && !strchr(",|\"[]()`=", p->s[j])) {
        if (p->s[j] == '/' && j + 1 < p->n && (p->s[j + 1] == '/' || p->s[j + 1] == '*')) break;
        j++;
    }
    if (j == i) return NULL;
    p->pos = j;
    return ct_xstrndup(p->s + i, j - i);
}

/* Project mode: ID_PATTERN = (letters, digits, _, @, *, or `quoted`)+ joined by dots. */
char *esql_lex_pattern(esql_lexer *p)
{
    p->have = 0;
    tok_clear(&p->tok);
    esql_skip(p);
    ct_sbuf b;
    ct_sbuf_init(&b);
    size_t j = p->pos;
    for (;;) {
        size_t part = b.len;
        while (j < p->n) {
            char c = p->s[j];
            if (id_body(c) || c == '@' || c == '*') {
                ct_sbuf_addc(&b, c);
                j++;
            } else if (c == '`') {
                size_t k = j + 1;
                for (;;) {
                    if (k >= p->n) {
                        esql_error(p, j, "token recognition error at: '`'");
                        ct_sbuf_free(&b);
                        return NULL;
                    }
                    if (p->s[k] == '`') {
                        if (k + 1 < p->n && p->s[k + 1] == '`') {
                            ct_sbuf_addc(&b, '`');
                            k += 2;
                            continue;
                        }
                        break;
                    }
                    ct_sbuf_addc(&b, p->s[k++]);
                }
                j = k + 1;
            } else {
                break;
            }
        }
        if (b.len == part) {
            if (part) { /* a dot with nothing after it */
                ct_sbuf_free(&b);
                p->pos = j;
                return NULL;
            }
            ct_sbuf_free(&b);
            return NULL;
        }
        if (j < p->n && p->s[j] == '.') {
            ct_sbuf_addc(&b, '.');
            j++;
            continue;
        }
        break;
    }
    p->pos = j;
    return esql_take(&b);
}
