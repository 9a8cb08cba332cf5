/* esql pre-filter: could a document get past the query's leading WHERE
 * commands, judging only by what is known of it without building it: the
 * exact values (or absence) of a few fields, and the record's bytes for fields
 * whose values are written there verbatim (ct_esql_may_match and
 * ct_esql_may_pass in esql.h).
 *
 * Each condition is read as the set of outcomes it may still have, among
 * false, true and null (ES|QL's three values; null where a field is absent or
 * multi-valued in a comparison): a comparison or IN of a known field against
 * literals, LIKE, IS [NOT] NULL are decided; a verbatim field cannot equal a
 * literal that its record's bytes do not contain; AND, OR and NOT combine the
 * sets as Kleene's logic does; anything else may be anything. A WHERE keeps a
 * row only when it is true, so a document whose outcome cannot be true is
 * left out. */
#include "esql_int.h"

#include <string.h>

enum { O_F = 1, O_T = 2, O_N = 4, O_ANY = 7 };

typedef struct known {
    const ct_esql_fact *f;
    size_t n;
    const char *raw;  /* NULL: the bytes are not known */
    size_t rawlen;
    const char *const *verbatim;
    size_t nverbatim;
} known;

static const ct_esql_fact *fact(const known *k, const esql_expr *e)
{
    if (e->kind != EX_FIELD) return NULL;
    for (size_t i = 0; i < k->n; i++)
        if (!strcmp(e->name, k->f[i].field)) return &k->f[i];
    return NULL;
}

/* Letters, digits and a few marks: bytes JSON (or CSV) writes only as
 * themselves or as a \u escape. */
static int plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("_.:()-@ ", c)))
            return 0;
    }
    return n > 0;
}

/* Is e a verbatim field whose record's bytes lack lit (n bytes)? Then none of
 * its values is lit. */
static int lacks(const known *k, const esql_expr *e, const char *lit, size_t n)
{
    if (!k->raw || e->kind != EX_FIELD || !plain(lit, n)) return 0;
    int verbatim = 0;
    for (size_t i = 0; i < k->nverbatim && !verbatim; i++) verbatim = !strcmp(e->name, k->verbatim[i]);
    return verbatim && !memmem(k->raw, k->rawlen, lit, n);
}

static int eq_str(const char *x, const esql_expr *lit, int ci)
{
    size_t n = strlen(x);
    return n == lit->len && (ci ? ct_strncaseeq(x, lit->name, n) : !memcmp(x, lit->name, n));
}

/* The literal prefix of a LIKE pattern (up to its first wildcard or escape). */
static size_t like_prefix(const esql_expr *p)
{
    size_t i = 0;
    while (i < p->len && p->name[i] != '*' && p->name[i] != '?' && p->name[i] != '\\') i++;
    return i;
}

static int and3(int a, int b)
{
    int r = 0;
    if ((a & O_F) || (b & O_F)) r |= O_F;
    if ((a & O_T) && (b & O_T)) r |= O_T;
    if (((a & O_N) && (b & (O_T | O_N))) || ((b & O_N) && (a & (O_T | O_N)))) r |= O_N;
    return r;
}

static int not3(int a)
{
    return (a & O_N) | (a & O_F ? O_T : 0) | (a & O_T ? O_F : 0);
}

static int outcomes(const esql_expr *e, const known *k)
{
    switch (e->kind) {
    case EX_AND: return and3(outcomes(e->kids[0], k), outcomes(e->kids[1], k));
    case EX_OR: return not3(and3(not3(outcomes(e->kids[0], k)), not3(outcomes(e->kids[1], k))));
    case EX_NOT: return not3(outcomes(e->kids[0], k));
    case EX_CMP: {
        if (e->op != EOP_EQ && e->op != EOP_NEQ && e->op != EOP_CIEQ) return O_ANY;
        const esql_expr *f = e->kids[0], *lit = e->kids[1];
        if (f->kind != EX_FIELD) f = e->kids[1], lit = e->kids[0];
        if (f->kind != EX_FIELD || lit->kind != EX_STR) return O_ANY;
        const ct_esql_fact *x = fact(k, f);
        if (x) {
            if (!x->value) return O_N;
            int eq = eq_str(x->value, lit, e->op == EOP_CIEQ);
            return (e->op == EOP_NEQ ? !eq : eq) ? O_T : O_F;
        }
        if (e->op == EOP_EQ && lacks(k, f, lit->name, lit->len)) return O_F | O_N;
        if (e->op == EOP_NEQ && lacks(k, f, lit->name, lit->len)) return O_T | O_N;
        return O_ANY;
    }
    case EX_IN: {
        const ct_esql_fact *x = fact(k, e->kids[0]);
        int lacked = 1;
        for (size_t i = 1; i < e->nkids; i++) {
            const esql_expr *lit = e->kids[i];
            if (lit->kind != EX_STR) return O_ANY;
            if (x && x->value && eq_str(x->value, lit, 0)) return e->neg ? O_F : O_T;
            if (!x && !lacks(k, e->kids[0], lit->name, lit->len)) lacked = 0;
        }
        if (x) return !x->value ? O_N : e->neg ? O_T : O_F;
        return lacked ? (e->neg ? O_T : O_F) | O_N : O_ANY;
    }
    case EX_LIKE: {
        const ct_esql_fact *x = fact(k, e->kids[0]);
        int hit = 0, lacked = 1;
        for (size_t i = 1; i < e->nkids; i++) {
            const esql_expr *p = e->kids[i];
            if (p->kind != EX_STR) return O_ANY;
            if (x && x->value) hit |= esql_like(p->name, p->len, x->value, strlen(x->value));
            if (!x && !lacks(k, e->kids[0], p->name, like_prefix(p))) lacked = 0;
        }
        if (x) return !x->value ? O_N : hit != e->neg ? O_T : O_F;
        return lacked ? (e->neg ? O_T : O_F) | O_N : O_ANY;
    }
    case EX_ISNULL: {
        const ct_esql_fact *x = fact(k, e->kids[0]);
        if (!x) return O_F | O_T;
        return (x->value == NULL) != (e->neg != 0) ? O_T : O_F;
    }
    default: return O_ANY;
    }
}

/* Does a command give one of the known fields another value (then later
 * WHEREs see other values)? */
static int redefines(const esql_cmd *c, const known *k)
{
    if (c->kind != EC_EVAL) return 1; /* renamed, extracted, expanded, hidden, regrouped: stop here */
    for (size_t a = 0; a < c->nas; a++) {
        const char *name = c->as[a].name ? c->as[a].name : c->as[a].text;
        for (size_t i = 0; i < k->n; i++)
            if (!strcmp(name, k->f[i].field)) return 1;
        for (size_t i = 0; i < k->nverbatim; i++)
            if (!strcmp(name, k->verbatim[i])) return 1;
    }
    return 0;
}

static int may_pass(const ct_esql *q, const known *k)
{
    if (!q) return 1;
    for (size_t i = 1; i < q->ncmds; i++) {
        const esql_cmd *c = &q->cmds[i];
        if (c->kind == EC_WHERE) {
            if (!(outcomes(c->cond, k) & O_T)) return 0;
            continue;
        }
        if (redefines(c, k)) break;
    }
    return 1;
}

int ct_esql_may_pass(const ct_esql *q, const ct_esql_fact *facts, size_t n, const char *raw, size_t rawlen,
                     const char *const *verbatim, size_t nverbatim)
{
    /* an escaped letter (\u0041) hides a value from a byte search */
    if (raw && memmem(raw, rawlen, "\\u", 2)) raw = NULL;
    known k = {facts, n, raw, rawlen, verbatim, nverbatim};
    return may_pass(q, &k);
}

int ct_esql_may_match(const ct_esql *q, const char *const *fields, const char *const *values, size_t n)
{
    ct_esql_fact f[8];
    size_t m = 0;
    for (size_t i = 0; i < n && m < CT_ARRAY_LEN(f); i++)
        if (values[i]) f[m++] = (ct_esql_fact){fields[i], values[i]}; /* NULL: not known */
    known k = {f, m, NULL, 0, NULL, 0};
    return may_pass(q, &k);
}
