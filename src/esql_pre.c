/* esql pre-filter: could a document with these exact values of a few fields
 * (its dataset, its action) get past the query's leading WHERE commands,
 * whatever its other fields? Decided by a three-valued reading of each
 * WHERE: comparisons, IN and LIKE of a known field against literals are
 * decided, anything else is unknown (ct_esql_may_match in esql.h). */
#include "esql_int.h"

#include <string.h>

enum { P_FALSE = 0, P_TRUE = 1, P_UNKNOWN = 2 };

static const char *known(const esql_expr *e, const char *const *fields, const char *const *values, size_t n)
{
    if (e->kind != EX_FIELD) return NULL;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(e->name, fields[i])) return values[i]; /* NULL: not known */
    return NULL;
}

static int pre(const esql_expr *e, const char *const *f, const char *const *v, size_t n)
{
    switch (e->kind) {
    case EX_AND: {
        int a = pre(e->kids[0], f, v, n), b = pre(e->kids[1], f, v, n);
        return a == P_FALSE || b == P_FALSE ? P_FALSE : a == P_TRUE && b == P_TRUE ? P_TRUE : P_UNKNOWN;
    }
    case EX_OR: {
        int a = pre(e->kids[0], f, v, n), b = pre(e->kids[1], f, v, n);
        return a == P_TRUE || b == P_TRUE ? P_TRUE : a == P_FALSE && b == P_FALSE ? P_FALSE : P_UNKNOWN;
    }
    case EX_NOT: {
        int a = pre(e->kids[0], f, v, n);
        return a == P_UNKNOWN ? P_UNKNOWN : !a;
    }
    case EX_CMP: {
        if (e->op != EOP_EQ && e->op != EOP_NEQ && e->op != EOP_CIEQ) return P_UNKNOWN;
        const esql_expr *l = e->kids[0], *r = e->kids[1];
        const char *x = known(l, f, v, n);
        if (!x) {
            x = known(r, f, v, n);
            const esql_expr *t = l;
            l = r;
            r = t;
        }
        if (!x || r->kind != EX_STR) return P_UNKNOWN;
        int eq = e->op == EOP_CIEQ ? strlen(x) == r->len && ct_strncaseeq(x, r->name, r->len)
                                   : strlen(x) == r->len && !memcmp(x, r->name, r->len);
        return e->op == EOP_NEQ ? !eq : eq;
    }
    case EX_IN: {
        const char *x = known(e->kids[0], f, v, n);
        if (!x) return P_UNKNOWN;
        for (size_t i = 1; i < e->nkids; i++) {
            const esql_expr *k = e->kids[i];
            if (k->kind != EX_STR) return P_UNKNOWN;
            if (strlen(x) == k->len && !memcmp(x, k->name, k->len)) return !e->neg;
        }
        return e->neg;
    }
    case EX_LIKE: {
        const char *x = known(e->kids[0], f, v, n);
        if (!x) return P_UNKNOWN;
        int hit = 0;
        for (size_t i = 1; i < e->nkids && !hit; i++) hit = esql_like(e->kids[i]->name, e->kids[i]->len, x, strlen(x));
        return hit != e->neg;
    }
    default: return P_UNKNOWN;
    }
}

/* Does a command redefine one of the fields (then later WHEREs see other values)? */
static int redefines(const esql_cmd *c, const char *const *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < c->nas; k++)
            if (c->as[k].name && !strcmp(c->as[k].name, f[i])) return 1;
        if (c->kind == EC_RENAME || c->kind == EC_DISSECT || c->kind == EC_GROK || c->kind == EC_MV_EXPAND ||
            c->kind == EC_DROP || c->kind == EC_KEEP)
            return 1; /* columns renamed, extracted, expanded or hidden: stop reasoning here */
    }
    return 0;
}

int ct_esql_may_match(const ct_esql *q, const char *const *fields, const char *const *values, size_t n)
{
    if (!q) return 1;
    for (size_t k = 1; k < q->ncmds; k++) {
        const esql_cmd *c = &q->cmds[k];
        if (c->kind == EC_WHERE) {
            if (pre(c->cond, fields, values, n) == P_FALSE) return 0;
            continue;
        }
        if (c->kind == EC_EVAL && !redefines(c, fields, n)) continue;
        break; /* STATS, SORT, LIMIT...: later WHEREs see other rows */
    }
    return 1;
}
