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

/* Each aggregate's state has its own size, at its offset in its group: a group
 * of the ES|QL rules is a few dozen bytes, not a fixed union per aggregate.
 * Scalars kept across rows are pointers to the run's interned scalars
 * (esql_keep_scp): a value seen in many groups is stored once. */
typedef struct agg {
    esql_expr *call;
    int kind;
    esql_expr *filter;
    size_t off; /* of its state in a group's state block */
} agg;

/* COUNT_DISTINCT, VALUES (distinct) and TOP (every value): one word. 0: no
 * value; the interned scalar's pointer: one value; a block's pointer with the
 * low bit set: more (the arena's 8-byte granules leave the low bits 0). */
typedef uintptr_t set_st;
typedef struct set_blk {
    uint32_t n, cap;
    const esql_sc *v[]; /* doubles as it fills */
} set_blk;

typedef struct sum_st { /* SUM, AVG */
    int64_t count, isum;
    double dsum;
    int all_long, have;
} sum_st;

typedef struct fl_st { /* FIRST, LAST */
    const esql_sc *best; /* the sort value of the row taken (NULL: it had none) */
    int have;
    esql_val fv;         /* the field's value on that row */
} fl_st;

/* MIN, MAX: const esql_sc * (NULL: no value yet); COUNT: int64_t */

static size_t state_size(int kind, int rows)
{
    if (rows) return sizeof(int64_t); /* COUNT(*), COUNT() */
    switch (kind) {
    case A_COUNT: return sizeof(int64_t);
    case A_MIN:
    case A_MAX: return sizeof(const esql_sc *);
    case A_SUM:
    case A_AVG: return sizeof(sum_st);
    case A_FIRST:
    case A_LAST: return sizeof(fl_st);
    default: return sizeof(set_st); /* COUNT_DISTINCT, VALUES, TOP */
    }
}

/* A group: its BY values (interned; NULL for a null key), then its states. */
typedef struct group {
    struct group *next;
    uint64_t hash;
    union {          /* the events of its rows (STATS) */
        uint32_t one; /* capev 0: the one event, if any */
        uint32_t *many;
    } ev;
    uint32_t nev, capev;
    const esql_sc *key[];
} group;

static uint32_t *group_ev(group *g)
{
    return g->capev ? g->ev.many : &g->ev.one;
}

/* where a group's states start: after its header and nby keys */
static size_t states_at(size_t nby)
{
    return sizeof(group) + nby * sizeof(((group *)0)->key[0]);
}

static unsigned char *states(const group *g, size_t nby)
{
    return (unsigned char *)g + states_at(nby);
}

struct esql_grouping {
    const esql_cmd *cmd;
    agg *aggs;
    size_t naggs, nby, stbytes;
    group **buckets;
    size_t nb;
    group **order;
    size_t ngroups, caporder;
    group **rowgroups; /* INLINE STATS: the group of each row (of its first key combination) */
    size_t caprg;
    esql_val *keys;
    const esql_sc **key; /* the key being looked up (scratch) */
    char *err;         /* the first error, given back at the end (see esql_stats_add) */
    esql_arena ga;     /* the groups (group_alloc) */
};

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
            (*v)[(*n)++] = (agg){e, kind, filter, 0};
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
        (*v)[(*n)++] = (agg){e, kind, filter, 0};
        return;
    }
    for (size_t i = 0; i < e->nkids; i++) collect_aggs(c, e->kids[i], filter, v, n);
}

static set_blk *set_block(const set_st *s)
{
    return (*s & 1) ? (set_blk *)(*s & ~(uintptr_t)1) : NULL;
}

static size_t set_n(const set_st *s)
{
    const set_blk *b = set_block(s);
    return b ? b->n : *s != 0;
}

/* The values, in the order they came (one value: the word itself is its array). */
static const esql_sc *const *set_elems(const set_st *s)
{
    const set_blk *b = set_block(s);
    return b ? b->v : (const esql_sc *const *)s;
}

/* Memory of the groups (headers, keys, states, sets, events): an arena of the
 * STATS' own, freed with it (what rows keep of a group is interned in the
 * keep arena or copied). */
static void *group_alloc(esql_ctx *c, esql_grouping *gr, size_t n)
{
    (void)c; /* the callers pass the run; the groups have their own arena */
    return esql_alloc_in(&gr->ga, n);
}

static set_blk *set_grow(esql_ctx *c, esql_grouping *gr, const set_blk *old, uint32_t n, uint32_t cap)
{
    set_blk *b = group_alloc(c, gr, sizeof *b + cap * sizeof b->v[0]);
    b->n = n;
    b->cap = cap;
    if (old) memcpy(b->v, old->v, n * sizeof b->v[0]);
    return b;
}

/* TOP keeps every value, repeats too */
static void set_push(esql_ctx *c, esql_grouping *gr, set_st *s, const esql_sc *v)
{
    const esql_sc *p = esql_keep_scp(c, v);
    if (!*s) {
        *s = (uintptr_t)p;
        return;
    }
    set_blk *b = set_block(s);
    if (!b) { /* the one value moves into a block */
        b = set_grow(c, gr, NULL, 1, 4);
        b->v[0] = (const esql_sc *)*s;
    } else if (b->n == b->cap) {
        b = set_grow(c, gr, b, b->n, 2 * b->cap);
    }
    b->v[b->n++] = p;
    *s = (uintptr_t)b | 1;
}

static void set_add(esql_ctx *c, esql_grouping *gr, set_st *s, const esql_sc *v)
{
    const esql_sc *const *e = set_elems(s);
    for (size_t i = 0, n = set_n(s); i < n; i++) /* groups are small in rules; linear is enough */
        if (e[i]->t == v->t && esql_sc_eq(e[i], v)) return;
    set_push(c, gr, s, v);
}

static void first_last(esql_ctx *c, const agg *a, fl_st *s, const esql_row *r)
{
    int want = a->kind == A_FIRST ? -1 : 1;
    esql_val k = esql_eval(c, a->call->kids[1], r);
    const esql_sc *key = NULL;
    for (size_t i = 0; i < k.n; i++)
        if (!key || esql_cmp(&k.v[i], key) == want) key = &k.v[i];
    int take = !s->have || (!s->best && key) || (key && s->best && esql_cmp(key, s->best) == want);
    if (!take) return;
    esql_val v = esql_eval(c, a->call->kids[0], r);
    s->fv.n = v.n;
    if (v.n == 1) {
        s->fv.v = (esql_sc *)esql_keep_scp(c, &v.v[0]); /* values are never changed in place */
    } else {
        s->fv.v = v.n ? esql_keep_alloc(c, v.n * sizeof *v.v) : NULL;
        for (size_t i = 0; i < v.n; i++) s->fv.v[i] = esql_keep_sc(c, v.v[i]);
    }
    s->have = 1;
    s->best = key ? esql_keep_scp(c, key) : NULL;
}

static int counts_rows(const agg *a)
{
    return !a->call->nkids || a->call->kids[0]->kind == EX_STAR;
}

static void feed(esql_ctx *c, esql_grouping *gr, const agg *a, unsigned char *st, const esql_row *r)
{
    if (a->filter && !esql_true(c, a->filter, r)) return;
    if (counts_rows(a)) {
        (*(int64_t *)st)++;
        return;
    }
    if (a->kind == A_FIRST || a->kind == A_LAST) {
        first_last(c, a, (fl_st *)st, r);
        return;
    }
    esql_val v = esql_eval(c, a->call->kids[0], r);
    for (size_t i = 0; i < v.n; i++) {
        const esql_sc *x = &v.v[i];
        switch (a->kind) {
        case A_COUNT: (*(int64_t *)st)++; break;
        case A_COUNT_DISTINCT:
        case A_VALUES: set_add(c, gr, (set_st *)st, x); break;
        case A_TOP: set_push(c, gr, (set_st *)st, x); break;
        case A_MIN:
        case A_MAX: {
            const esql_sc **best = (const esql_sc **)st;
            int r2 = *best ? esql_cmp(x, *best) : 0;
            if (!*best || (a->kind == A_MIN ? r2 == -1 : r2 == 1)) *best = esql_keep_scp(c, x);
            break;
        }
        case A_SUM:
        case A_AVG: {
            sum_st *s = (sum_st *)st;
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
}

static int cmp_sc(const void *pa, const void *pb)
{
    int r = esql_cmp(pa, pb);
    if (r == 2) return ((const esql_sc *)pa)->t - ((const esql_sc *)pb)->t;
    return r;
}

/* A set's values as one sorted array (in the scratch arena; one value: the
 * interned one itself). */
static esql_val set_sorted(esql_ctx *c, const set_st *s)
{
    const esql_sc *const *e = set_elems(s);
    size_t n = set_n(s);
    if (n == 1) return (esql_val){1, (esql_sc *)e[0]};
    esql_sc *v = esql_alloc(c, n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = *e[i];
    qsort(v, n, sizeof *v, cmp_sc);
    return (esql_val){n, v};
}

static esql_val result(esql_ctx *c, const agg *a, const unsigned char *st)
{
    if (counts_rows(a)) return esql_long(c, *(const int64_t *)st);
    switch (a->kind) {
    case A_COUNT: return esql_long(c, *(const int64_t *)st);
    case A_COUNT_DISTINCT: return esql_long(c, (int64_t)set_n((const set_st *)st));
    case A_MIN:
    case A_MAX: {
        const esql_sc *best = *(const esql_sc *const *)st;
        return best ? (esql_val){1, (esql_sc *)best} : esql_null();
    }
    case A_SUM: {
        const sum_st *s = (const sum_st *)st;
        if (!s->have) return esql_null();
        return s->all_long ? esql_long(c, s->isum) : esql_dbl(c, s->dsum);
    }
    case A_AVG: {
        const sum_st *s = (const sum_st *)st;
        return s->count ? esql_dbl(c, s->dsum / (double)s->count) : esql_null();
    }
    case A_FIRST:
    case A_LAST: {
        const fl_st *s = (const fl_st *)st;
        return s->have ? s->fv : esql_null();
    }
    case A_TOP: {
        const set_st *s = (const set_st *)st;
        if (!*s) return esql_null();
        esql_val v = set_sorted(c, s);
        if (v.n > 1 && !strcasecmp(a->call->kids[2]->name, "desc"))
            for (size_t i = 0, j = v.n - 1; i < j; i++, j--) {
                esql_sc t = v.v[i];
                v.v[i] = v.v[j];
                v.v[j] = t;
            }
        size_t lim = (size_t)a->call->kids[1]->ival;
        if (v.n > lim) v.n = lim;
        return v;
    }
    default: { /* VALUES: a stable order for the output */
        const set_st *s = (const set_st *)st;
        return *s ? set_sorted(c, s) : esql_null();
    }
    }
}

static char *col_name(const esql_assign *a)
{
    if (a->name) return a->name;
    if (a->e && a->e->kind == EX_FIELD) return a->e->name;
    return a->text;
}

static void ev_add(esql_ctx *c, esql_grouping *gr, group *g, const esql_row *r)
{
    if (!r->nev) return;
    if (!g->nev && r->nev == 1) { /* most groups of a rule stand for one event */
        g->ev.one = r->ev[0];
        g->nev = 1;
        return;
    }
    if (g->nev + r->nev > (g->capev ? g->capev : 1)) {
        size_t cap = ((g->capev ? g->capev : 1) + r->nev) * 2;
        uint32_t *nv = group_alloc(c, gr, cap * sizeof *nv);
        if (g->nev) memcpy(nv, group_ev(g), g->nev * sizeof *nv);
        g->ev.many = nv;
        g->capev = (uint32_t)cap;
    }
    memcpy(group_ev(g) + g->nev, r->ev, r->nev * sizeof *r->ev);
    g->nev += (uint32_t)r->nev;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static group *new_group(esql_ctx *c, esql_grouping *s, uint64_t h, int keep)
{
    size_t n = states_at(s->nby) + s->stbytes;
    group *g = keep ? group_alloc(c, s, n) : esql_alloc(c, n);
    memset(g, 0, n);
    g->hash = h;
    if (s->ngroups == s->caporder) {
        s->caporder = s->caporder ? s->caporder * 2 : 64;
        s->order = ct_xrealloc(s->order, s->caporder * sizeof *s->order);
    }
    s->order[s->ngroups++] = g;
    return g;
}

/* The group table doubles at one group a bucket on average (the order of
 * groups is their order of creation, kept apart). */
static void grow_buckets(esql_grouping *s)
{
    size_t nb = s->nb * 2;
    group **b = ct_xcalloc(nb, sizeof *b);
    for (size_t i = 0; i < s->ngroups; i++) {
        group *g = s->order[i];
        g->next = b[g->hash & (nb - 1)];
        b[g->hash & (nb - 1)] = g;
    }
    free(s->buckets);
    s->buckets = b;
    s->nb = nb;
}

esql_grouping *esql_stats_begin(esql_ctx *c, const esql_cmd *cmd)
{
    esql_grouping *s = ct_xcalloc(1, sizeof *s);
    s->cmd = cmd;
    char *outer = c->err; /* an error of this STATS is its own until the end */
    c->err = NULL;
    for (size_t i = 0; i < cmd->nas; i++) collect_aggs(c, cmd->as[i].e, cmd->as[i].where, &s->aggs, &s->naggs);
    for (size_t a = 0; a < s->naggs; a++) {
        s->aggs[a].off = s->stbytes;
        s->stbytes += state_size(s->aggs[a].kind, counts_rows(&s->aggs[a]));
    }
    s->err = c->err;
    c->err = outer;
    s->nby = cmd->nby;
    s->nb = 1024;
    s->buckets = ct_xcalloc(s->nb, sizeof *s->buckets);
    s->keys = ct_xcalloc(s->nby + 1, sizeof *s->keys);
    s->key = ct_xcalloc(s->nby + 1, sizeof *s->key);
    return s;
}

void esql_stats_add(esql_ctx *c, esql_grouping *s, const esql_row *r, size_t ri)
{
    if (s->err) return; /* the rows after the first error are not read, as in one pass */
    char *outer = c->err;
    c->err = NULL;
    const esql_cmd *cmd = s->cmd;
    size_t nby = s->nby;
    /* what the row's evaluation leaves behind goes at its end; what the
     * groups keep is in the keep arena */
    size_t mark = esql_mark(c);
    size_t combos = 1;
    for (size_t k = 0; k < nby; k++) {
        s->keys[k] = esql_eval(c, cmd->by[k].e, r);
        combos *= s->keys[k].n ? s->keys[k].n : 1;
    }
    if (combos > 4096) combos = 4096;
    for (size_t combo = 0; combo < combos && !c->err; combo++) {
        size_t rest = combo;
        uint64_t h = 0x9E3779B97F4A7C15ull;
        const esql_sc **key = s->key;
        for (size_t k = 0; k < nby; k++) {
            size_t m = s->keys[k].n ? s->keys[k].n : 1;
            key[k] = s->keys[k].n ? &s->keys[k].v[rest % m] : NULL;
            if (key[k] && key[k]->t == EV_NULL) key[k] = NULL;
            rest /= m;
            h = h * 31 + (!key[k] ? 7 : esql_sc_hash(key[k]));
        }
        group **slot = &s->buckets[h & (s->nb - 1)], *g = *slot;
        for (; g; g = g->next) {
            if (g->hash != h) continue;
            size_t k = 0;
            while (k < nby && (!g->key[k] ? !key[k]
                                          : key[k] && (g->key[k] == key[k] || (g->key[k]->t == key[k]->t &&
                                                                               esql_sc_eq(g->key[k], key[k])))))
                k++;
            if (k == nby) break;
        }
        if (!g) {
            g = new_group(c, s, h, 1);
            for (size_t k = 0; k < nby; k++) g->key[k] = key[k] ? esql_keep_scp(c, key[k]) : NULL;
            g->next = *slot;
            *slot = g;
            if (s->ngroups > s->nb) grow_buckets(s);
        }
        unsigned char *st = states(g, nby);
        for (size_t a = 0; a < s->naggs; a++) feed(c, s, &s->aggs[a], st + s->aggs[a].off, r);
        if (cmd->kind == EC_STATS) ev_add(c, s, g, r); /* INLINE STATS rows keep their own */
        if (cmd->kind == EC_INLINESTATS && combo == 0) {
            if (ri >= s->caprg) {
                size_t cap = s->caprg ? s->caprg * 2 : 1024;
                while (cap <= ri) cap *= 2;
                s->rowgroups = ct_xrealloc(s->rowgroups, cap * sizeof *s->rowgroups);
                memset(s->rowgroups + s->caprg, 0, (cap - s->caprg) * sizeof *s->rowgroups);
                s->caprg = cap;
            }
            s->rowgroups[ri] = g;
        }
    }
    esql_rewind(c, mark);
    s->err = c->err;
    c->err = outer;
}

/* The aggregates' values of group g, for the aggregate nodes of the output expressions. */
static void results(esql_ctx *c, esql_grouping *s, const group *g)
{
    const unsigned char *st = states(g, s->nby);
    for (size_t a = 0; a < s->naggs; a++) c->agg_vals[a] = result(c, &s->aggs[a], st + s->aggs[a].off);
    c->nagg = s->naggs;
}

/* Group g's row into o (its columns in the scratch arena). */
static void group_row(esql_ctx *c, esql_grouping *s, group *g, esql_row *o)
{
    const esql_cmd *cmd = s->cmd;
    size_t nby = s->nby;
    results(c, s, g);
    o->closed = 1;
    o->capcols = cmd->nas + nby; /* every column, set once (a repeated name replaces) */
    o->cols = esql_alloc(c, (o->capcols + 1) * sizeof *o->cols);
    for (size_t i = 0; i < cmd->nas; i++) esql_row_set(c, o, col_name(&cmd->as[i]), esql_eval(c, cmd->as[i].e, o));
    for (size_t k = 0; k < nby; k++)
        esql_row_set(c, o, col_name(&cmd->by[k]), g->key[k] ? (esql_val){1, (esql_sc *)g->key[k]} : esql_null());
    uint32_t *ev = group_ev(g);
    if (g->nev > 1) qsort(ev, g->nev, sizeof *ev, cmp_u32);
    size_t w = 0;
    for (size_t i = 0; i < g->nev; i++)
        if (!w || ev[w - 1] != ev[i]) ev[w++] = ev[i];
    g->nev = (uint32_t)w; /* (the same again if the rows are made twice) */
    o->ev = w ? esql_alloc(c, w * sizeof *o->ev) : NULL; /* the groups' memory goes with the STATS */
    if (w) memcpy(o->ev, ev, w * sizeof *o->ev);
    o->nev = w;
    c->nagg = 0;
}

static void agg_nodes(esql_ctx *c, const esql_grouping *s)
{
    c->agg_nodes = esql_alloc(c, (s->naggs + 1) * sizeof *c->agg_nodes);
    c->agg_vals = esql_alloc(c, (s->naggs + 1) * sizeof *c->agg_vals);
    for (size_t a = 0; a < s->naggs; a++) c->agg_nodes[a] = s->aggs[a].call;
}

int esql_stats_emit(esql_ctx *c, esql_grouping *s, int (*each)(void *ctx, esql_row *r), void *ctx)
{
    if (c->err || s->err || s->cmd->kind != EC_STATS) return -1;
    /* no BY and no rows: one row of empty aggregates, as Elasticsearch (kept: the rows may be made twice) */
    if (!s->nby && !s->ngroups) new_group(c, s, 0, 1);
    size_t start = esql_mark(c);
    agg_nodes(c, s);
    for (size_t gi = 0; gi < s->ngroups && !c->err; gi++) {
        size_t mark = esql_mark(c);
        esql_row o = {0};
        group_row(c, s, s->order[gi], &o);
        if (!c->err && !each(ctx, &o) && !c->err) esql_rewind(c, mark); /* a row dropped leaves nothing */
    }
    c->nagg = 0;
    if (!c->err) return 0;
    /* an error: the caller makes every row first and runs the commands after
     * one at a time, which tells which error comes first */
    free(c->err);
    c->err = NULL;
    esql_rewind(c, start);
    return -1;
}

void esql_stats_free(esql_grouping *s)
{
    esql_ctx x = {.a = s->ga};
    esql_arena_free(&x);
    free(s->err);
    free(s->buckets);
    free(s->order);
    free(s->rowgroups);
    free(s->keys);
    free(s->key);
    free(s->aggs);
    free(s);
}

int esql_stats_end(esql_ctx *c, esql_grouping *s, esql_row **rows, size_t *nrows)
{
    const esql_cmd *cmd = s->cmd;
    if (s->err && !c->err) c->err = s->err, s->err = NULL;
    /* no BY and no rows: one row of empty aggregates, as Elasticsearch */
    if (!s->nby && !s->ngroups && cmd->kind == EC_STATS) new_group(c, s, 0, 0);
    agg_nodes(c, s);
    if (!c->err && cmd->kind == EC_STATS) {
        esql_row *out = ct_xcalloc(s->ngroups + 1, sizeof *out);
        for (size_t gi = 0; gi < s->ngroups && !c->err; gi++) group_row(c, s, s->order[gi], &out[gi]);
        free(*rows);
        *rows = out;
        *nrows = s->ngroups;
    } else if (!c->err) { /* INLINE STATS: each row gains its group's aggregates */
        for (size_t ri = 0; ri < *nrows && ri < s->caprg && !c->err; ri++) {
            group *g = s->rowgroups[ri];
            if (!g) continue;
            results(c, s, g);
            esql_row *r = &(*rows)[ri];
            for (size_t i = 0; i < cmd->nas; i++) esql_row_set(c, r, col_name(&cmd->as[i]), esql_eval(c, cmd->as[i].e, r));
            c->nagg = 0;
        }
    }
    c->nagg = 0;
    esql_stats_free(s);
    return c->err ? -1 : 0;
}

esql_grouping *esql_stats_group(esql_ctx *c, const esql_cmd *cmd, const esql_row *rows, size_t nrows)
{
    esql_grouping *s = esql_stats_begin(c, cmd);
    for (size_t ri = 0; ri < nrows && !c->err && !s->err; ri++) esql_stats_add(c, s, &rows[ri], ri);
    return s;
}

int esql_stats(esql_ctx *c, const esql_cmd *cmd, esql_row **rows, size_t *nrows)
{
    return esql_stats_end(c, esql_stats_group(c, cmd, *rows, *nrows), rows, nrows);
}
