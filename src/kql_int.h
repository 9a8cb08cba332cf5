/* kql internals shared by kql_lex.c (lexer), kql_parse.c (parser), kql_fmt.c
 * (explain, quoting) and kql_eval.c (matching, required values). Calls go
 * fmt -> parse -> lex, parse -> eval. Not a public header. */
#ifndef CT_KQL_INT_H
#define CT_KQL_INT_H
#include <stdint.h>
#include "kql.h"

enum { KN_ALL, KN_AND, KN_OR, KN_NOT, KN_IS, KN_EXISTS, KN_RANGE, KN_NESTED };
enum { KF_NAME, KF_WILD, KF_ANY };        /* field: plain name, wildcard name, free text */
enum { KV_LIT, KV_QUOTED, KV_WILD };      /* value: unquoted literal, quoted phrase, wildcard */
enum { KL_STR, KL_TRUE, KL_FALSE, KL_NULL }; /* typed unquoted literals */
enum { KOP_LT, KOP_LTE, KOP_GT, KOP_GTE };
enum { KIP_NONE, KIP_ADDR, KIP_CIDR };

/* text may hold NUL bytes (from \u0000); wild[i] != 0 marks an unescaped '*'
 * (wild is NULL when there is none). */
typedef struct kql_field {
    int kind;
    char *text;
    size_t len;
    unsigned char *wild;
} kql_field;

typedef struct kql_val {
    int kind, lit;
    char *text;
    size_t len;
    unsigned char *wild;
    int is_num;          /* text reads as a number */
    double num;
    int is_time;         /* text parses as ISO 8601 */
    int64_t ms;
    int ip;              /* KIP_*: text is an IP address or CIDR */
    uint8_t addr[16];    /* IPv6, IPv4 as ::ffff:a.b.c.d */
    int prefix;          /* 0..128 */
} kql_val;

typedef struct kql_node {
    int kind, op;
    kql_field field;
    kql_val val;
    struct kql_node **kids;
    size_t nkids;
} kql_node;

typedef struct kql_req {
    char *field;
    int ok;
    const char **vals;
    size_t n;
    struct kql_req *next;
} kql_req;

struct ct_kql {
    kql_node *root;
    kql_req *req; /* ct_kql_required_values cache */
};

/* kql_eval.c */
int kql_number(const char *s, size_t n, double *out);  /* strict: -?D+(.D+)?([eE][+-]?D+)? */
int kql_ip_parse(const char *s, size_t n, uint8_t addr[16], int *prefix); /* KIP_* */
int kql_wild_match(const char *pat, const unsigned char *wild, size_t plen, const char *s,
                   size_t slen);
void kql_req_free(kql_req *r);

/* ---- the lexer (kql_lex.c) ---- */

/* expectations, in the sort order Peggy's message uses (byte order of the text) */
enum {
    KX_DQUOTE, KX_LPAREN, KX_RPAREN, KX_COLON, KX_LT, KX_LTE, KX_GT, KX_GTE, KX_LBRACE, KX_RBRACE,
    KX_AND, KX_NOT, KX_OR, KX_EOF, KX_FIELD, KX_LITERAL, KX_VALUE, KX_WS, KX__COUNT
};

/* The parser's state: the text, the position, and the furthest failure with
 * the set of expectations (1 << KX_*) there. */
typedef struct kql_lexer {
    const char *s;
    size_t n, pos;
    size_t maxfail;
    uint32_t expected;
    int silent;
    int depth;
    int abort;       /* nesting limit hit */
    size_t abort_pos;
} kql_lexer;

/* A literal as read: text (NUL bytes possible), and a wildcard mark per byte. */
typedef struct kql_tok {
    int quoted;
    char *text;
    size_t len;
    unsigned char *wild; /* NULL when no wildcard */
} kql_tok;

/* Record that x was expected at pos (unless silent). */
void kql_fail(kql_lexer *p, size_t pos, int x);
/* The character c (expectation x): 1 and consumed, else 0 and a failure. */
int kql_ch(kql_lexer *p, char c, int x);
void kql_spaces(kql_lexer *p);                  /* Space* */
int kql_kw(kql_lexer *p, int x);                /* KX_OR, KX_AND or KX_NOT with its spaces */
/* Literal = QuotedString / UnquotedLiteral, named x; 1 and t filled, else 0. */
int kql_literal(kql_lexer *p, kql_tok *t, int x);
void kql_tok_free(kql_tok *t);
size_t kql_utf8_len(const kql_lexer *p, size_t i); /* bytes of the character at i (1 if invalid) */

/* kql_lex.c: the lexer's own predicates, so that ct_kql_escape escapes exactly
 * what the parser would read as syntax. s[0..n) is the text, i a byte offset. */
size_t kql_space_at(const char *s, size_t n, size_t i);      /* bytes of whitespace at i */
size_t kql_binkw_at(const char *s, size_t n, size_t i, const char *w); /* Space+ w Space+ */
size_t kql_notkw_at(const char *s, size_t n, size_t i);      /* 'not'i Space+ */
int kql_is_special(char c);                                  /* \():<>"*{} */

#endif
