/* kql internals shared by kql_parse.c (parser), kql_fmt.c (explain, quoting) and
 * kql_eval.c (matching, required values). Not a public header. */
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

/* kql_parse.c: the lexer's own predicates, so that ct_kql_escape escapes exactly
 * what the parser would read as syntax. s[0..n) is the text, i a byte offset. */
size_t kql_space_at(const char *s, size_t n, size_t i);      /* bytes of whitespace at i */
size_t kql_binkw_at(const char *s, size_t n, size_t i, const char *w); /* Space+ w Space+ */
size_t kql_notkw_at(const char *s, size_t n, size_t i);      /* 'not'i Space+ */
int kql_is_special(char c);                                  /* \():<>"*{} */

#endif
