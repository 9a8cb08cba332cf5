/* esql STATS ... BY and INLINE STATS: rows grouped by the BY values (a
 * multi-valued key puts the row in the group of each of its values, a null
 * key is a group of its own), the aggregates COUNT (COUNT() and COUNT(*) count
 * rows), COUNT_DISTINCT, MIN, MAX, SUM, AVG and VALUES over every value of
 * their argument (each with its own WHERE), FIRST/LAST(field, sort), and
 * expressions over aggregates (ROUND(AVG(x), 2)). A group's row stands for
 * the events of all its rows (its evidence).
 *
 * FIRST and LAST as Elasticsearch's (First.java, stats_first_last.csv-spec):
 * the field's value, whole (null or multi-valued as it is), on the row whose
 * sort value is least (FIRST) or greatest (LAST); a multi-valued sort value
 * counts by its least (FIRST) or greatest (LAST) value; rows without a sort
 * value count only when no row has one; on ties the first row read wins. */
#include "esql_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { A_COUNT, A_COUNT_DISTINCT, A_MIN, A_MAX, A_SUM, A_AVG, A_VALUES, A_FIRST, A_LAST, A_TOP };

typedef struct agg {
    esql_expr *call;
    int kind;
    esql_expr *filter;
} agg;

typedef struct state {
    int64_t count, isum;
    double dsum;
    int all_long;
    esql_sc best;
    int have;
    esql_sc *set; /* distinct values: COUNT_DISTINCT, VALUES */
    size_t nset, capset;
    int knull;    /* FIRST/LAST: the row taken had no sort value (best is its sort value) */
    esql_val fv;  /* FIRST/LAST: the field's value on that row */
} state;

typedef struct group {
    esql_sc *key;  /* nby scalars; t == EV_NULL for a null key */
    uint64_t hash;
    state *st;     /* naggs */
    uint32_t *ev;
    size_t nev, capev;
    esql_row *first; /* INLINE STATS: not used; the first row for its columns */
    struct group *next;
} group;

static const esql_expr *inner_agg(const esql_expr *e)
{
    if (e->kind == EX_CALL && esql_fn_is_agg(e->name)) return e;
    for (size_t i = 0; i < e->nkids; i++) {
        const esql_expr *k = inner_agg(e->kids[i]);
        if (k) return k;
    }
    return NULL;
}

static void collect_aggs(esql_ctx *c, esql_expr *e, esql_expr *filter, agg **v, size_t *n)
{
    if (!e) return;
    if (e->kind == EX_CALL && esql_fn_is_agg(e->name)) {
        static const char *const names[] = {"count", "count_distinct", "min", "max", "sum", "avg", "values",
                                            "first", "last", "top"};
        int kind = 0;
        for (size_t i = 0; i < CT_ARRAY_LEN(names); i++)
            if (!strcmp(names[i], e->name)) kind = (int)i;
        size_t want = kind == A_FIRST || kind == A_LAST ? 2 : kind == A_TOP ? 3 : 1;
        if (e->nkids != want && !(kind == A_COUNT && e->nkids == 0)) {
            esql_fail(c, "aggregate %s takes %s", e->name, want == 3 ? "three arguments" : want == 2 ? "two arguments" : "one argument");
            return;
        }
        if (kind == A_TOP && (e->kids[1]->kind != EX_INT || e->kids[1]->ival < 1 || e->kids[2]->kind != EX_STR ||
                              (strcasecmp(e->kids[2]->name, "asc") && strcasecmp(e->kids[2]->name, "desc")))) {
            esql_fail(c, "TOP(field, limit, order): the limit must be a positive integer and the order \"asc\" or \"desc\"");
            return;
        }
        if (!e->nkids) { /* COUNT(): the rows, as COUNT(*) */
            *v = ct_xrealloc(*v, (*n + 1) * sizeof **v);
            (*v)[(*n)++] = (agg){e, kind, filter};
            return;
        }
        const esql_expr *in = inner_agg(e->kids[0]);
        if (!in && want == 2) in = inner_agg(e->kids[1]);
        if (in) {
            esql_fail(c, "aggregate [%s] inside aggregate [%s]", in->name, e->name);
            return;
        }
        if (e->kids[0]->kind == EX_STAR && kind != A_COUNT) {
            esql_fail(c, "%s(*) is not allowed", e->name);
            return;
        }
        *v = ct_xrealloc(*v, (*n + 1) * sizeof **v);
        (*v)[(*n)++] = (agg){e, kind, filter};
        return;
    }
    for (size_t i = 0; i < e->nkids; i++) collect_aggs(c, e->kids[i], filter, v, n);
}

/* TOP keeps every value, repeats too */
static void set_push(esql_ctx *c, state *s, const esql_sc *v)
{
    if (s->nset == s->capset) {
        size_t cap = s->capset ? s->capset * 2 : 4;
        esql_sc *nv = esql_keep_alloc(c, cap * sizeof *nv);
        if (s->nset) memcpy(nv, s->set, s->nset * sizeof *nv);
        s->set = nv;
        s->capset = cap;
    }
    s->set[s->nset++] = esql_keep_sc(c, *v);
}

static int set_add(esql_ctx *c, state *s, const esql_sc *v)
{
    for (size_t i = 0; i < s->nset; i++) /* groups are small in rules; linear is enough */
        if (s->set[i].t == v->t && esql_sc_eq(&s->set[i], v)) return 0;
    set_push(c, s, v);
    return 1;
}

static void first_last(esql_ctx *c, const agg *a, state *s, const esql_row *r)
{
    int want = a->kind == A_FIRST ? -1 : 1;
    esql_val k = esql_eval(c, a->call->kids[1], r);
    const esql_sc *key = NULL;
    for (size_t i = 0; i < k.n; i++)
        if (!key || esql_cmp(&k.v[i], key) == want) key = &k.v[i];
    int take = !s->have || (s->knull && key) || (key && !s->knull && esql_cmp(key, &s->best) == want);
    if (!take) return;
    esql_val v = esql_eval(c, a->call->kids[0], r);
    s->fv.n = v.n;
    s->fv.v = v.n ? esql_keep_alloc(c, v.n * sizeof *v.v) : NULL;
    for (size_t i = 0; i < v.n; i++) s->fv.v[i] = esql_keep_sc(c, v.v[i]);
    s->have = 1;
    s->knull = !key;
    if (key) s->best = esql_keep_sc(c, *key);
}

static void feed(esql_ctx *c, const agg *a, state *s, const esql_row *r)
{
    if (a->filter && !esql_true(c, a->filter, r)) return;
    if (!a->call->nkids || a->call->kids[0]->kind == EX_STAR) {
        s->count++;
        return;
    }
    if (a->kind == A_FIRST || a->kind == A_LAST) {
        first_last(c, a, s, r);
        return;
    }
    esql_val v = esql_eval(c, a->call->kids[0], r);
    for (size_t i = 0; i < v.n; i++) {
        const esql_sc *x = &v.v[i];
        switch (a->kind) {
        case A_COUNT: s->count++; break;
        case A_COUNT_DISTINCT:
        case A_VALUES: set_add(c, s, x); break;
        case A_TOP: set_push(c, s, x); break;
        case A_MIN:
        case A_MAX: {
            int r2 = s->have ? esql_cmp(x, &s->best) : 0;
            if (!s->have || (a->kind == A_MIN ? r2 == -1 : r2 == 1)) {
                s->best = esql_keep_sc(c, *x);
                s->have = 1;
            }
            break;
        }
        case A_SUM:
        case A_AVG:
            if (x->t != EV_LONG && x->t != EV_DBL) {
                esql_fail(c, "%s of a non-numeric value", a->call->name);
                return;
            }
            if (!s->have) s->all_long = 1;
            s->have = 1;
            s->count++;
            if (x->t == EV_LONG) {
                s->isum += x->i;
                s->dsum += (double)x->i;
            } else {
                s->all_long = 0;
                s->dsum += x->d;
            }
            break;
        }
    }
}

static int cmp_sc(const void *pa, const void *pb)
{
    int r = esql_cmp(pa, pb);
    if (r == 2) return ((const esql_sc *)pa)->t - ((const esql_sc *)pb)->t;
    return r;
}

static esql_val result(esql_ctx *c, const agg *a, state *s)
{
    switch (a->kind) {
    case A_COUNT: return esql_long(c, s->count);
    case A_COUNT_DISTINCT: return esql_long(c, (int64_t)s->nset);
    case A_MIN:
    case A_MAX: return s->have ? esql_one(c, s->best) : esql_null();
    case A_SUM:
        if (!s->have) return esql_null();
        return s->all_long ? esql_long(c, s->isum) : esql_dbl(c, s->dsum);
    case A_AVG: return s->count ? esql_dbl(c, s->dsum / (double)s->count) : esql_null();
    case A_FIRST:
    case A_LAST: return s->have ? s->fv : esql_null();
    case A_TOP: {
        if (!s->nset) return esql_null();
        qsort(s->set, s->nset, sizeof *s->set, cmp_sc);
        if (!strcasecmp(a->call->kids[2]->name, "desc"))
            for (size_t i = 0, j = s->nset - 1; i < j; i++, j--) {
                esql_sc t = s->set[i];
                s->set[i] = s->set[j];
                s->set[j] = t;
            }
        size_t lim = (size_t)a->call->kids[1]->ival;
        return (esql_val){s->nset < lim ? s->nset : lim, s->set};
    }
    default:
        if (!s->nset) return esql_null();
        qsort(s->set, s->nset, sizeof *s->set, cmp_sc); /* a stable order for the output */
        return (esql_val){s->nset, s->set};
    }
}

static char *col_name(const esql_assign *a)
{
    if (a->name) return a->name;
    if (a->e && a->e->kind == EX_FIELD) return a->e->name;
    return a->text;
}

static void ev_add(esql_ctx *c, group *g, const esql_row *r)
{
    if (g->nev + r->nev > g->capev) {
        size_t cap = (g->capev + r->nev) * 2;
        uint32_t *nv = esql_keep_alloc(c, cap * sizeof *nv);
        if (g->nev) memcpy(nv, g->ev, g->nev * sizeof *nv);
        g->ev = nv;
        g->capev = cap;
    }
    if (r->nev) memcpy(g->ev + g->nev, r->ev, r->nev * sizeof *r->ev);
    g->nev += r->nev;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int esql_stats(esql_ctx *c, const esql_cmd *cmd, esql_row **rows, size_t *nrows)
{
    agg *aggs = NULL;
    size_t naggs = 0;
    for (size_t i = 0; i < cmd->nas; i++) collect_aggs(c, cmd->as[i].e, cmd->as[i].where, &aggs, &naggs);
    size_t nby = cmd->nby, nb = 1024;
    group **buckets = ct_xcalloc(nb, sizeof *buckets);
    group **order = NULL, **rowgroups = NULL;
    size_t ngroups = 0, caporder = 0;
    size_t *rowcnt = cmd->kind == EC_INLINESTATS ? ct_xcalloc(*nrows + 1, sizeof *rowcnt) : NULL;
    if (cmd->kind == EC_INLINESTATS) rowgroups = ct_xcalloc(*nrows + 1, sizeof *rowgroups);
    esql_val *keys = esql_alloc(c, (nby + 1) * sizeof *keys);
    esql_sc *key = esql_alloc(c, (nby + 1) * sizeof *key);
    for (size_t ri = 0; ri < *nrows && !c->err; ri++) {
        esql_row *r = &(*rows)[ri];
        /* what the row's evaluation leaves behind goes at its end; what the
         * groups keep is in the keep arena */
        size_t mark = esql_mark(c);
        size_t combos = 1;
        for (size_t k = 0; k < nby; k++) {
            keys[k] = esql_eval(c, cmd->by[k].e, r);
            combos *= keys[k].n ? keys[k].n : 1;
        }
        if (combos > 4096) combos = 4096;
        for (size_t combo = 0; combo < combos; combo++) {
            size_t rest = combo;
            uint64_t h = 0x9E3779B97F4A7C15ull;
            for (size_t k = 0; k < nby; k++) {
                size_t m = keys[k].n ? keys[k].n : 1;
                key[k] = keys[k].n ? keys[k].v[rest % m] : (esql_sc){.t = EV_NULL};
                rest /= m;
                h = h * 31 + (key[k].t == EV_NULL ? 7 : esql_sc_hash(&key[k]));
            }
            group **slot = &buckets[h & (nb - 1)], *g = *slot;
            for (; g; g = g->next) {
                if (g->hash != h) continue;
                size_t k = 0;
                while (k < nby && (g->key[k].t == EV_NULL ? key[k].t == EV_NULL
                                                          : key[k].t != EV_NULL && g->key[k].t == key[k].t &&
                                                                esql_sc_eq(&g->key[k], &key[k])))
                    k++;
                if (k == nby) break;
            }
            if (!g) {
                g = esql_keep_alloc(c, sizeof *g);
                memset(g, 0, sizeof *g);
                g->key = esql_keep_alloc(c, (nby + 1) * sizeof *g->key);
                for (size_t k = 0; k < nby; k++) g->key[k] = esql_keep_sc(c, key[k]);
                g->hash = h;
                g->st = esql_keep_alloc(c, (naggs + 1) * sizeof *g->st);
                memset(g->st, 0, (naggs + 1) * sizeof *g->st);
                g->next = *slot;
                *slot = g;
                if (ngroups == caporder) {
                    caporder = caporder ? caporder * 2 : 64;
                    order = ct_xrealloc(order, caporder * sizeof *order);
                }
                order[ngroups++] = g;
            }
            for (size_t a = 0; a < naggs; a++) feed(c, &aggs[a], &g->st[a], r);
            if (cmd->kind == EC_STATS) ev_add(c, g, r); /* INLINE STATS rows keep their own */
            if (rowgroups && combo == 0) rowgroups[ri] = g;
        }
        esql_rewind(c, mark);
    }
    /* no BY and no rows: one row of empty aggregates, as Elasticsearch */
    if (!nby && !ngroups && cmd->kind == EC_STATS) {
        group *g = esql_alloc(c, sizeof *g);
        memset(g, 0, sizeof *g);
        g->st = esql_alloc(c, (naggs + 1) * sizeof *g->st);
        memset(g->st, 0, (naggs + 1) * sizeof *g->st);
        order = ct_xrealloc(order, sizeof *order);
        order[ngroups++] = g;
    }
    c->agg_nodes = esql_alloc(c, (naggs + 1) * sizeof *c->agg_nodes);
    c->agg_vals = esql_alloc(c, (naggs + 1) * sizeof *c->agg_vals);
    for (size_t a = 0; a < naggs; a++) c->agg_nodes[a] = aggs[a].call;
    int rc = c->err ? -1 : 0;
    if (!rc && cmd->kind == EC_STATS) {
        esql_row *out = ct_xcalloc(ngroups + 1, sizeof *out);
        for (size_t gi = 0; gi < ngroups && !c->err; gi++) {
            group *g = order[gi];
            for (size_t a = 0; a < naggs; a++) c->agg_vals[a] = result(c, &aggs[a], &g->st[a]);
            c->nagg = naggs;
            esql_row *o = &out[gi];
            o->closed = 1;
            for (size_t i = 0; i < cmd->nas; i++) esql_row_set(c, o, col_name(&cmd->as[i]), esql_eval(c, cmd->as[i].e, o));
            for (size_t k = 0; k < nby; k++)
                esql_row_set(c, o, col_name(&cmd->by[k]), g->key[k].t == EV_NULL ? esql_null() : esql_one(c, g->key[k]));
            if (g->nev) qsort(g->ev, g->nev, sizeof *g->ev, cmp_u32);
            size_t w = 0;
            for (size_t i = 0; i < g->nev; i++)
                if (!w || g->ev[w - 1] != g->ev[i]) g->ev[w++] = g->ev[i];
            o->ev = g->ev;
            o->nev = w;
            c->nagg = 0;
        }
        free(*rows);
        *rows = out;
        *nrows = ngroups;
    } else if (!rc) { /* INLINE STATS: each row gains its group's aggregates */
        for (size_t ri = 0; ri < *nrows && !c->err; ri++) {
            group *g = rowgroups[ri];
            if (!g) continue;
            for (size_t a = 0; a < naggs; a++) c->agg_vals[a] = result(c, &aggs[a], &g->st[a]);
            c->nagg = naggs;
            esql_row *r = &(*rows)[ri];
            for (size_t i = 0; i < cmd->nas; i++) esql_row_set(c, r, col_name(&cmd->as[i]), esql_eval(c, cmd->as[i].e, r));
            c->nagg = 0;
        }
    }
    c->nagg = 0;
    free(buckets);
    free(order);
    free(rowgroups);
    free(rowcnt);
    free(aggs);
    return c->err ? -1 : 0;
}
