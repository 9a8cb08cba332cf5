/* corr: building the correlation index (corr_int.h); the queries are in
 * corr_query.c.
 *
 * The entity model (entity.c) numbers every identity and credential; the
 * change groups (change.c) say which event stands for each change. Every
 * event then files the event standing for its change under the entities it
 * names: as actor, as target, by the credential it used, and (credential
 * additions) under its target again. Each list is in (time, event) order, a
 * change once, so a window is two binary searches and a timeline a merge. */
#include "corr_int.h"

#include <stdlib.h>
#include <string.h>

uint32_t ct_corr_role(const ct_corr *c, size_t ev, ct_role role)
{
    uint32_t k = ct_entities_of(c->E, ev, role);
    if (!k) {
        size_t cn = ct_changes_canon(c->C, ev);
        if (cn != ev) k = ct_entities_of(c->E, cn, role);
    }
    return k;
}

int64_t ct_corr_alert_ts(const ct_corr *c, const ct_alert *a)
{
    return a->ts != CT_TIME_NONE || a->event >= c->nev ? a->ts : c->st->ev[a->event].ts;
}

/* ---- time-ordered lists ---- */

typedef struct ord {
    int64_t ts;
    uint32_t key, i; /* key: the change (or alert) filed; i: the event naming the entities */
} ord;

static int cmp_ord(const void *pa, const void *pb)
{
    const ord *a = pa, *b = pb;
    if (a->ts != b->ts) return a->ts < b->ts ? -1 : 1;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* Stable LSD radix sort of o[] by (time, key) when the times span less than
 * 2^32 ms (49 days; the input order breaks ties, as cmp_ord does), skipping
 * the byte positions where every item has the same digit; else qsort. */
static int radix_ord(ord *o, size_t n)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t j = 0; j < n; j++) {
        if (o[j].ts == CT_TIME_NONE) continue;
        if (o[j].ts < lo) lo = o[j].ts;
        if (o[j].ts > hi) hi = o[j].ts;
    }
    if (lo <= hi && (uint64_t)(hi - lo) >= UINT32_MAX - 1) return 0;
    uint64_t *k = ct_xmalloc(2 * n * sizeof *k);
    uint32_t *ix = ct_xmalloc(2 * n * sizeof *ix);
    for (size_t j = 0; j < n; j++) {
        uint64_t t = o[j].ts == CT_TIME_NONE ? 0 : (uint64_t)(o[j].ts - lo) + 1; /* no time first */
        k[j] = t << 32 | o[j].key;
        ix[j] = (uint32_t)j;
    }
    uint64_t *ka = k, *kb = k + n;
    uint32_t *ia = ix, *ib = ix + n;
    for (int shift = 0; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (size_t j = 0; j < n; j++) count[((ka[j] >> shift) & 255) + 1]++;
        int one = 0;
        for (int d = 0; d < 256 && !one; d++) one = count[d + 1] == n;
        if (one) continue; /* every item has the same digit here */
        for (int d = 0; d < 256; d++) count[d + 1] += count[d];
        for (size_t j = 0; j < n; j++) {
            size_t at = count[(ka[j] >> shift) & 255]++;
            kb[at] = ka[j];
            ib[at] = ia[j];
        }
        uint64_t *tk = ka;
        ka = kb;
        kb = tk;
        uint32_t *ti = ia;
        ia = ib;
        ib = ti;
    }
    ord *sorted = ct_xmalloc(n * sizeof *sorted);
    for (size_t j = 0; j < n; j++) sorted[j] = o[ia[j]];
    memcpy(o, sorted, n * sizeof *o);
    free(sorted);
    free(k);
    free(ix);
    return 1;
}

static void sort_ord(ord *o, size_t n)
{
    for (size_t j = 1; j < n; j++)
        if (cmp_ord(&o[j - 1], &o[j]) > 0) {
            if (!radix_ord(o, n)) qsort(o, n, sizeof *o, cmp_ord);
            return;
        }
}

/* Lay out o[] (sorted) by entity: entity_of(i) for each, 0 none; an item
 * appears once per entity however many of its exports name it. */
typedef uint32_t (*entity_fn)(const ct_corr *c, uint32_t i, int which);

static void post_build(ct_post *p, const ct_corr *c, uint32_t nid, const ord *o, size_t n,
                       entity_fn f, int which)
{
    p->start = ct_xcalloc((size_t)nid + 2, sizeof *p->start);
    uint32_t *last = ct_xcalloc((size_t)nid + 1, sizeof *last);
    size_t total = 0;
    for (size_t j = 0; j < n; j++) {
        uint32_t k = f(c, o[j].i, which);
        if (!k || last[k] == o[j].key + 1) continue;
        last[k] = o[j].key + 1;
        p->start[k + 1]++;
        total++;
    }
    for (uint32_t k = 1; k < nid + 2; k++) p->start[k] += p->start[k - 1];
    p->items = ct_xmalloc((total ? total : 1) * sizeof *p->items);
    uint32_t *fill = ct_xmalloc(((size_t)nid + 1) * sizeof *fill);
    memcpy(fill, p->start, ((size_t)nid + 1) * sizeof *fill);
    memset(last, 0, ((size_t)nid + 1) * sizeof *last);
    for (size_t j = 0; j < n; j++) {
        uint32_t k = f(c, o[j].i, which);
        if (!k || last[k] == o[j].key + 1) continue;
        last[k] = o[j].key + 1;
        p->items[fill[k]++] = o[j].key;
    }
    free(fill);
    free(last);
}

static void post_free(ct_post *p)
{
    free(p->start);
    free(p->items);
    memset(p, 0, sizeof *p);
}

/* The four event lists at once (post_build's two passes, each entity looked
 * up once per event): by actor, target, credential used, and additions by
 * target. */
static void events_post(ct_corr *c, const ord *o, size_t n)
{
    ct_post *p[4] = {&c->acts, &c->targeted, &c->used, &c->adds};
    size_t nid = c->nid;
    uint32_t *last = ct_xmalloc(4 * (nid + 1) * sizeof *last), *fill[4];
    for (int r = 0; r < 4; r++) p[r]->start = ct_xcalloc(nid + 2, sizeof *p[r]->start);
    for (int pass = 0; pass < 2; pass++) {
        memset(last, 0, 4 * (nid + 1) * sizeof *last);
        for (size_t j = 0; j < n; j++) {
            uint32_t i = o[j].i, key = o[j].key + 1;
            uint32_t k[4] = {ct_entities_of(c->E, i, CT_ROLE_ACTOR), ct_entities_of(c->E, i, CT_ROLE_TARGET),
                             ct_entities_of(c->E, i, CT_ROLE_CRED_USED), 0};
            if (c->st->ev[i].flags & CT_EVF_CRED_ADD) k[3] = k[1];
            for (int r = 0; r < 4; r++) {
                uint32_t *l = last + r * (nid + 1);
                if (!k[r] || l[k[r]] == key) continue;
                l[k[r]] = key;
                if (pass) p[r]->items[fill[r][k[r]]++] = o[j].key;
                else p[r]->start[k[r] + 1]++;
            }
        }
        if (pass) break;
        for (int r = 0; r < 4; r++) {
            for (size_t k = 1; k < nid + 2; k++) p[r]->start[k] += p[r]->start[k - 1];
            p[r]->items = ct_xmalloc((p[r]->start[nid + 1] ? p[r]->start[nid + 1] : 1) * sizeof *p[r]->items);
            fill[r] = ct_xmalloc((nid + 1) * sizeof *fill[r]);
            memcpy(fill[r], p[r]->start, (nid + 1) * sizeof *fill[r]);
        }
    }
    for (int r = 0; r < 4; r++) free(fill[r]);
    free(last);
}

ct_corr *ct_corr_build(const ct_store *st)
{
    ct_corr *c = ct_xcalloc(1, sizeof *c);
    c->st = st;
    c->nev = st->nev;
    c->E = ct_entities_build(st);
    c->C = ct_changes_build(st, c->E);
    c->nid = ct_entities_count(c->E);
    size_t n = st->nev, m = 0;

    /* every event but alert documents (alerts, not events), at its change */
    ord *o = ct_xmalloc((n ? n : 1) * sizeof *o);
    for (size_t i = 0; i < n; i++) {
        if (st->ev[i].flags & CT_EVF_ALERT) continue;
        size_t cn = ct_changes_canon(c->C, i);
        o[m++] = (ord){st->ev[cn].ts, (uint32_t)cn, (uint32_t)i};
    }
    sort_ord(o, m);
    events_post(c, o, m);
    free(o);

    /* distinct actors adding credentials, per target (one pass with a stamp) */
    c->tdistinct = ct_xcalloc((size_t)c->nid + 1, sizeof *c->tdistinct);
    uint32_t *stamp = ct_xcalloc((size_t)c->nid + 1, sizeof *stamp);
    for (uint32_t t = 1; t <= c->nid; t++)
        for (uint32_t j = c->adds.start[t]; j < c->adds.start[t + 1]; j++) {
            uint32_t a = ct_corr_role(c, c->adds.items[j], CT_ROLE_ACTOR);
            if (!a || stamp[a] == t) continue;
            stamp[a] = t;
            c->tdistinct[t]++;
        }
    free(stamp);
    return c;
}

void ct_corr_free(ct_corr *c)
{
    if (!c) return;
    post_free(&c->acts);
    post_free(&c->targeted);
    post_free(&c->used);
    post_free(&c->adds);
    post_free(&c->alert_party);
    post_free(&c->alert_used);
    free(c->tdistinct);
    ct_changes_free(c->C);
    ct_entities_free(c->E);
    free(c);
}

const ct_entities *ct_corr_entities(const ct_corr *c)
{
    return c ? c->E : NULL;
}

const ct_changes *ct_corr_changes(const ct_corr *c)
{
    return c ? c->C : NULL;
}

/* ---- alerts by entity ---- */

enum { AL_ACTOR, AL_TARGET, AL_USED };

/* for alerts, o[].i is the alert's event and o[].key the alert's index */
static uint32_t alert_entity(const ct_corr *c, uint32_t ev, int which)
{
    if (which == AL_USED) return ct_corr_role(c, ev, CT_ROLE_CRED_USED);
    uint32_t a = ct_corr_role(c, ev, CT_ROLE_ACTOR);
    if (which == AL_ACTOR) return a;
    uint32_t t = ct_corr_role(c, ev, CT_ROLE_TARGET);
    return t == a ? 0 : t; /* filed once */
}

/* the alert index, built apart from the index it goes in (ct_corr_alerts_build) */
struct ct_corr_alerts {
    const ct_alert *v;
    size_t n;
    ct_post party, used;
};

/* an alert under its actor and its target: two builds merged into one list */
static void alert_party_build(const ct_corr *c, const ord *o, size_t n, size_t nalerts, ct_post *p)
{
    ct_post pa, pt;
    post_build(&pa, c, c->nid, o, n, alert_entity, AL_ACTOR);
    post_build(&pt, c, c->nid, o, n, alert_entity, AL_TARGET);
    p->start = ct_xcalloc((size_t)c->nid + 2, sizeof *p->start);
    for (uint32_t k = 1; k <= c->nid; k++)
        p->start[k + 1] = p->start[k] + (pa.start[k + 1] - pa.start[k]) + (pt.start[k + 1] - pt.start[k]);
    size_t total = p->start[c->nid + 1];
    p->items = ct_xmalloc((total ? total : 1) * sizeof *p->items);
    /* positions in o[] give the order: merge by them */
    uint32_t *pos = ct_xmalloc((nalerts ? nalerts : 1) * sizeof *pos);
    for (size_t j = 0; j < n; j++) pos[o[j].key] = (uint32_t)j;
    for (uint32_t k = 1; k <= c->nid; k++) {
        uint32_t i = pa.start[k], ie = pa.start[k + 1], t = pt.start[k], te = pt.start[k + 1];
        uint32_t w = p->start[k];
        while (i < ie || t < te) {
            if (t >= te || (i < ie && pos[pa.items[i]] < pos[pt.items[t]])) p->items[w++] = pa.items[i++];
            else p->items[w++] = pt.items[t++];
        }
    }
    free(pos);
    post_free(&pa);
    post_free(&pt);
}

ct_corr_alerts *ct_corr_alerts_build(const ct_corr *c, const ct_alerts *alerts)
{
    ct_corr_alerts *x = ct_xcalloc(1, sizeof *x);
    if (!alerts || alerts->n >= UINT32_MAX) return x;
    ord *o = ct_xmalloc((alerts->n ? alerts->n : 1) * sizeof *o);
    size_t m = 0;
    for (size_t j = 0; j < alerts->n; j++) {
        const ct_alert *a = &alerts->v[j];
        if (a->event >= c->nev) continue;
        o[m++] = (ord){ct_corr_alert_ts(c, a), (uint32_t)j, (uint32_t)a->event};
    }
    sort_ord(o, m);
    x->v = alerts->v;
    x->n = alerts->n;
    alert_party_build(c, o, m, alerts->n, &x->party);
    post_build(&x->used, c, c->nid, o, m, alert_entity, AL_USED);
    free(o);
    return x;
}

void ct_corr_alerts_set(ct_corr *c, ct_corr_alerts *x)
{
    post_free(&c->alert_party);
    post_free(&c->alert_used);
    c->ai_v = x->v;
    c->ai_n = x->n;
    c->alert_party = x->party;
    c->alert_used = x->used;
    free(x);
}

void ct_corr_index_alerts(ct_corr *c, const ct_alerts *alerts)
{
    ct_corr_alerts_set(c, ct_corr_alerts_build(c, alerts));
}
