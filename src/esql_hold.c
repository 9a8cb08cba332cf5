/* esql hold: a row that outlives its document's turn in FROM (it waits for
 * STATS, SORT or LIMIT) is copied out of the run's scratch arena into the
 * keep arena, with only what the later commands read: the document columns
 * they name (ct_esql's late list) and the row's own columns. The scratch
 * arena, with the evaluation's intermediate values, then goes back to where it
 * was before the document. Repeated strings (datasets, actions, accounts,
 * addresses) are stored once per run. */
#include "esql_int.h"

#include <stdlib.h>
#include <string.h>

/* An interned string's length is the 4 bytes before it: a slot of the table
 * is its pointer alone. */
static size_t ilen(const char *s)
{
    uint32_t n;
    memcpy(&n, s - sizeof n, sizeof n);
    return n;
}

/* A column name's verdict against the late list, and its kept copy: the
 * same few names come with every row (the plan's and the projection's
 * strings), so each is matched against the list's patterns once a run. */
typedef struct late_memo {
    const char *name; /* the pointer the row had (checked against kept: an arena's may be reused) */
    const char *kept; /* interned in the keep arena */
    int listed;
} late_memo;

#define MEMO_N 64

struct esql_strs {
    const char **v;
    size_t cap, n;
    const esql_sc **sc; /* single values, each stored once (by content) */
    size_t sccap, scn;
    late_memo memo[MEMO_N];
};

#define INTERN_MAX 256 /* longer strings are rarely repeated: copied as they are */

static size_t slot(const struct esql_strs *t, const char *s, size_t n)
{
    size_t i = (size_t)ct_hash64(s, n) & (t->cap - 1);
    while (t->v[i] && (ilen(t->v[i]) != n || memcmp(t->v[i], s, n))) i = (i + 1) & (t->cap - 1);
    return i;
}

/* s (n bytes) in the keep arena (the current one while holding), stored once. */
static const char *intern(esql_ctx *c, const char *s, size_t n)
{
    if (n > INTERN_MAX) return esql_strdup(c, s, n);
    struct esql_strs *t = c->strs;
    if (4 * (t->n + 1) > 3 * t->cap) { /* linear probing stays short at 3/4 */
        struct esql_strs g = *t;
        g.cap = t->cap ? t->cap * 2 : 1024;
        g.v = ct_xcalloc(g.cap, sizeof *g.v);
        for (size_t i = 0; i < t->cap; i++)
            if (t->v[i]) g.v[slot(&g, t->v[i], ilen(t->v[i]))] = t->v[i];
        free(t->v);
        *t = g;
    }
    size_t i = slot(t, s, n);
    if (!t->v[i]) {
        uint32_t n32 = (uint32_t)n;
        char *d = esql_alloc(c, sizeof n32 + n + 1);
        memcpy(d, &n32, sizeof n32);
        if (n) memcpy(d + sizeof n32, s, n);
        d[sizeof n32 + n] = 0;
        t->v[i] = d + sizeof n32;
        t->n++;
    }
    return t->v[i];
}

static uint64_t sc_key(const esql_sc *x)
{
    uint64_t h = ct_hash64(&x->t, sizeof x->t);
    h = ct_hash64_more(h, &x->i, sizeof x->i);
    h = ct_hash64_more(h, &x->d, sizeof x->d);
    h = ct_hash64_more(h, &x->s, sizeof x->s); /* strings are interned first: the pointer tells */
    return ct_hash64_more(h, &x->n, sizeof x->n);
}

static int sc_same(const esql_sc *a, const esql_sc *b)
{
    return a->t == b->t && a->i == b->i && !memcmp(&a->d, &b->d, sizeof a->d) && a->s == b->s && a->n == b->n;
}

static size_t sc_slot(const esql_sc *const *v, size_t cap, const esql_sc *x)
{
    size_t i = (size_t)sc_key(x) & (cap - 1);
    while (v[i] && !sc_same(v[i], x)) i = (i + 1) & (cap - 1);
    return i;
}

/* A single value (its string already interned), stored once per run. */
static esql_sc *intern_sc(esql_ctx *c, const esql_sc *x)
{
    struct esql_strs *t = c->strs;
    if (4 * (t->scn + 1) > 3 * t->sccap) {
        size_t cap = t->sccap ? t->sccap * 2 : 1024;
        const esql_sc **g = ct_xcalloc(cap, sizeof *g);
        for (size_t i = 0; i < t->sccap; i++)
            if (t->sc[i]) g[sc_slot(g, cap, t->sc[i])] = t->sc[i];
        free(t->sc);
        t->sc = g;
        t->sccap = cap;
    }
    size_t i = sc_slot(t->sc, t->sccap, x);
    if (!t->sc[i]) {
        esql_sc *n = esql_alloc(c, sizeof *n);
        *n = *x;
        t->sc[i] = n;
        t->scn++;
    }
    return (esql_sc *)t->sc[i];
}

static esql_val copy_val(esql_ctx *c, esql_val v)
{
    if (!v.n) return esql_null();
    if (v.n == 1) {
        esql_sc x = v.v[0];
        if (x.t == EV_STR) x.s = intern(c, x.s, x.n);
        else x.s = NULL; /* n stays: a span's kind */
        return (esql_val){1, intern_sc(c, &x)}; /* values are never changed in place */
    }
    esql_sc *sc = esql_alloc(c, v.n * sizeof *sc);
    for (size_t i = 0; i < v.n; i++) {
        sc[i] = v.v[i];
        if (sc[i].t == EV_STR) sc[i].s = intern(c, sc[i].s, sc[i].n);
    }
    return (esql_val){v.n, sc};
}

static int listed(char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (esql_pattern_match(names[i], name)) return 1;
    return 0;
}

/* name's memo (its verdict and kept copy), made on first sight. */
static const late_memo *late(esql_ctx *c, const ct_esql *q, const char *name)
{
    late_memo *m = &c->strs->memo[((uintptr_t)name >> 3) % MEMO_N];
    if (m->name == name && !strcmp(m->kept, name)) return m;
    esql_arena scratch = c->a;
    c->a = c->keep;
    m->kept = intern(c, name, strlen(name));
    c->keep = c->a;
    c->a = scratch;
    m->name = name;
    m->listed = listed(q->late, q->nlate, name);
    return m;
}

static int in_base(const esql_col *const *b, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(b[i]->name, name)) return 1;
    return 0;
}

void esql_hold(esql_ctx *c, const ct_esql *q, esql_row *r)
{
    int all = q->late_all;
    if (!c->strs) c->strs = ct_xcalloc(1, sizeof *c->strs);
    /* what to keep, chosen on the scratch arena; then one block in the keep arena */
    const esql_col **pick = esql_alloc(c, (r->nbase + r->ncols + 1) * sizeof *pick);
    const char **kept = esql_alloc(c, (r->nbase + r->ncols + 1) * sizeof *kept);
    size_t nb = 0, nc = 0;
    for (size_t i = 0; i < r->nbase; i++) {
        const late_memo *m = late(c, q, r->base[i].name);
        if (all || m->listed) kept[nb] = m->kept, pick[nb++] = &r->base[i];
    }
    for (size_t i = 0; i < r->ncols; i++) { /* a dropped column still hides the document's */
        const esql_col *k = &r->cols[i];
        const late_memo *m = late(c, q, k->name);
        if (!all && !k->hidden && !m->listed) continue;
        /* a null column reads as an absent one, unless it hides the document's or a
         * later pattern lists it */
        if (!all && !k->hidden && !k->n && !q->late_patterns && !in_base(pick, nb, k->name)) continue;
        kept[nb + nc] = m->kept;
        pick[nb + nc++] = k;
    }
    esql_arena scratch = c->a;
    c->a = c->keep;
    /* room for the columns INLINE STATS and EVAL add later: set in place, not copied */
    size_t room = q->late_all ? 0 : q->late_defs;
    esql_col *cols = esql_alloc(c, (nb + nc + room) * sizeof *cols + r->nev * sizeof *r->ev + 1);
    for (size_t i = 0; i < nb + nc; i++) cols[i] = esql_col_make(kept[i], copy_val(c, esql_col_v(pick[i])), (int)pick[i]->hidden);
    uint32_t *ev = (uint32_t *)(cols + nb + nc + room);
    if (r->nev) memcpy(ev, r->ev, r->nev * sizeof *ev);
    c->keep = c->a;
    c->a = scratch;
    r->base = cols;
    r->nbase = nb;
    r->cols = cols + nb;
    r->ncols = nc;
    r->capcols = nc + room;
    r->ev = ev;
}

void *esql_keep_alloc(esql_ctx *c, size_t n)
{
    return esql_alloc_in(&c->keep, n);
}

esql_sc esql_keep_sc(esql_ctx *c, esql_sc s)
{
    if (s.t != EV_STR) return s;
    if (!c->strs) c->strs = ct_xcalloc(1, sizeof *c->strs);
    esql_arena scratch = c->a;
    c->a = c->keep;
    s.s = intern(c, s.s, s.n);
    c->keep = c->a;
    c->a = scratch;
    return s;
}

const esql_sc *esql_keep_scp(esql_ctx *c, const esql_sc *s)
{
    if (!c->strs) c->strs = ct_xcalloc(1, sizeof *c->strs);
    esql_arena scratch = c->a;
    c->a = c->keep;
    esql_sc x = *s;
    if (x.t == EV_STR) x.s = intern(c, x.s, x.n);
    else x.s = NULL;
    const esql_sc *p = intern_sc(c, &x);
    c->keep = c->a;
    c->a = scratch;
    return p;
}

void esql_hold_free(esql_ctx *c)
{
    esql_arena scratch = c->a;
    c->a = c->keep;
    esql_arena_free(c);
    c->a = scratch;
    if (c->strs) free(c->strs->v), free(c->strs->sc);
    free(c->strs);
    c->strs = NULL;
}
