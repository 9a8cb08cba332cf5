/* change: the exports of one change, grouped (change.h). Two passes over the
 * events:
 *   1. the same dataset, record id and action (Graph, Sentinel, EventBridge,
 *      an Elastic alert document of its source event);
 *   2. the same correlation id and action from the Microsoft 365 audit log
 *      and another source (its CreationTime has whole seconds).
 * Each pass sorts the events by a hash of what they are grouped by and looks
 * at most CHAIN_MAX back in a run of equal hashes, so a corpus where every
 * record has the id "1" stays linear. Groups are a union-find over events;
 * each stands by its best export. */
#include "change.h"

#include <stdlib.h>
#include <string.h>

#define CHAIN_MAX 16
#define SAME_TIME_MS 2000

struct ct_changes {
    size_t n;
    uint32_t *canon;    /* event -> the event standing for its change */
    uint32_t *pairs;    /* (canon, member) pairs of the groups of two or more, sorted */
    size_t npairs, copies;
};

static uint32_t find(uint32_t *p, uint32_t k)
{
    uint32_t r = k;
    while (p[r] != r) r = p[r];
    while (p[k] != r) {
        uint32_t nx = p[k];
        p[k] = r;
        k = nx;
    }
    return r;
}

/* an event and the hash of what it is grouped by */
typedef struct hashed {
    uint64_t h;
    uint32_t ev, pad;
} hashed;

/* Stable LSD radix sort on the hash's top 32 bits (equal hashes end up side
 * by side, in event order; other hashes sharing those bits are rare). */
static void sort_hashed(hashed *v, size_t n)
{
    hashed *tmp = ct_xmalloc((n ? n : 1) * sizeof *tmp), *a = v, *b = tmp;
    for (int shift = 32; shift < 64; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++) count[((a[i].h >> shift) & 255) + 1]++;
        for (int d = 0; d < 256; d++) count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++) b[count[(a[i].h >> shift) & 255]++] = a[i];
        hashed *t = a;
        a = b;
        b = t;
    }
    /* four passes: the sorted run is back in v */
    free(tmp);
}

static uint64_t str_hash(uint64_t h, const char *s, int fold)
{
    size_t len = strlen(s);
    if (!fold) return ct_hash_mix(h, s, len);
    char buf[128];
    if (len > sizeof buf) return ct_hash_mix(h, s, len);
    for (size_t i = 0; i < len; i++) buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    return ct_hash_mix(h, buf, len);
}

/* (the grouping keys: record and change ids, never NULL here) */
static int same_str(const char *a, const char *b, int fold)
{
    if (a == b) return 1;
    size_t la = strlen(a);
    if (strlen(b) != la) return 0;
    return fold ? ct_strncaseeq(a, b, la) : !memcmp(a, b, la);
}

static int64_t dt(const ct_event *a, const ct_event *b)
{
    if (a->ts == CT_TIME_NONE || b->ts == CT_TIME_NONE) return a->ts == b->ts ? 0 : INT64_MAX;
    return a->ts > b->ts ? a->ts - b->ts : b->ts - a->ts;
}

/* the parties agree where both name them */
static int agree(const ct_entities *E, size_t i, size_t j, ct_role r)
{
    uint32_t a = ct_entities_of(E, i, r), b = ct_entities_of(E, j, r);
    return !a || !b || a == b;
}

static int is_o365(const ct_pool *p, uint32_t ds)
{
    const char *s = ct_pool_str(p, ds);
    return s && !strncmp(s, "o365.", 5);
}

/* The id a record is grouped by in pass 1: its own, or for an alert
 * document its source event's (norm_alert.c keeps it as the change id). */
static const char *record_key(const ct_store *st, const ct_event *e)
{
    return e->flags & CT_EVF_ALERT ? ct_event_str(st, e, CT_EF_CHANGE_ID) : ct_event_rid(st, e);
}

/* pass 1: the same record seen through several exports */
static int same_record(const ct_store *st, const ct_entities *E, size_t i, size_t j)
{
    const ct_event *a = &st->ev[i], *b = &st->ev[j];
    if (a->si[CT_EF_DATASET] != b->si[CT_EF_DATASET] || a->si[CT_EF_ACTION] != b->si[CT_EF_ACTION] ||
        !same_str(record_key(st, a), record_key(st, b), 0))
        return 0;
    /* an alert document carries its source event's id; its own time is the alert's */
    if ((a->flags | b->flags) & CT_EVF_ALERT) return 1;
    /* the store kept both: different records that share an id (store_dedupe.c) */
    if (a->flags & b->flags & CT_EVF_SHARED_ID) return 0;
    return dt(a, b) <= SAME_TIME_MS && agree(E, i, j, CT_ROLE_ACTOR) && agree(E, i, j, CT_ROLE_TARGET);
}

/* pass 2: a Microsoft 365 copy of a change another source logged */
static int same_change(const ct_store *st, const ct_entities *E, size_t i, size_t j)
{
    const ct_event *a = &st->ev[i], *b = &st->ev[j];
    if (is_o365(&st->pool, a->si[CT_EF_DATASET]) == is_o365(&st->pool, b->si[CT_EF_DATASET])) return 0;
    if (a->si[CT_EF_ACTION] != b->si[CT_EF_ACTION] ||
        !same_str(ct_event_str(st, a, CT_EF_CHANGE_ID), ct_event_str(st, b, CT_EF_CHANGE_ID), 1))
        return 0;
    if (dt(a, b) >= SAME_TIME_MS) return 0;
    uint32_t ta = ct_entities_of(E, i, CT_ROLE_TARGET), tb = ct_entities_of(E, j, CT_ROLE_TARGET);
    if (ta && tb) return ta == tb;
    return agree(E, i, j, CT_ROLE_ACTOR);
}

/* the string an event is grouped by in a pass (0: none) */
static const char *key_of(const ct_store *st, const ct_event *e, enum ct_ef key)
{
    if (key == CT_EF_RECORD_ID) return record_key(st, e);
    return e->flags & CT_EVF_ALERT ? NULL : ct_event_str(st, e, key);
}

static void group(const ct_store *st, const ct_entities *E, uint32_t *parent, enum ct_ef key,
                  int (*same)(const ct_store *, const ct_entities *, size_t, size_t))
{
    size_t n = 0;
    for (size_t i = 0; i < st->nev; i++) n += key_of(st, &st->ev[i], key) != NULL;
    if (n < 2) return;
    hashed *v = ct_xmalloc(n * sizeof *v);
    n = 0;
    for (size_t i = 0; i < st->nev; i++) {
        const ct_event *e = &st->ev[i];
        const char *k = key_of(st, e, key);
        if (!k) continue;
        uint64_t h = str_hash(CT_HASH_SEED, k, key == CT_EF_CHANGE_ID);
        h = ct_hash_mix(h, (const char *)&e->si[CT_EF_ACTION], sizeof e->si[CT_EF_ACTION]);
        if (key == CT_EF_RECORD_ID)
            h = ct_hash_mix(h, (const char *)&e->si[CT_EF_DATASET], sizeof e->si[CT_EF_DATASET]);
        v[n++] = (hashed){ct_hash_end(h), (uint32_t)i, 0};
    }
    sort_hashed(v, n);
    for (size_t j = 1; j < n; j++) {
        if (v[j].h >> 32 != v[j - 1].h >> 32) continue;
        /* the run's last CHAIN_MAX before it: linear whatever ids repeat */
        for (size_t k = j, walked = 0; k-- > 0 && walked < CHAIN_MAX && v[k].h >> 32 == v[j].h >> 32; walked++) {
            if (v[k].h != v[j].h || !same(st, E, v[j].ev, v[k].ev)) continue;
            uint32_t ri = find(parent, v[j].ev), rk = find(parent, v[k].ev);
            if (ri != rk) parent[ri < rk ? rk : ri] = ri < rk ? ri : rk;
        }
    }
    free(v);
}

/* Which export stands for a change: a record before an alert document, the
 * diagnostic log before Graph, Sentinel, others, then the M365 audit log. */
static int rank(const ct_event *e)
{
    if (e->flags & CT_EVF_ALERT) return 9;
    switch (e->kind) {
    case CT_KIND_AZURE_DIAG: return 0;
    case CT_KIND_GRAPH: return 1;
    case CT_KIND_SENTINEL: return 2;
    case CT_KIND_O365: return 4;
    default: return 3;
    }
}

static int cmp_pair(const void *pa, const void *pb)
{
    const uint32_t *a = pa, *b = pb;
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    return a[1] < b[1] ? -1 : a[1] > b[1];
}

ct_changes *ct_changes_build(const ct_store *st, const ct_entities *E)
{
    ct_changes *C = ct_xcalloc(1, sizeof *C);
    size_t n = C->n = st->nev;
    uint32_t *parent = ct_xmalloc((n ? n : 1) * sizeof *parent);
    for (size_t i = 0; i < n; i++) parent[i] = (uint32_t)i;
    group(st, E, parent, CT_EF_RECORD_ID, same_record);
    group(st, E, parent, CT_EF_CHANGE_ID, same_change);
    /* the best export of each group; a group's root is its smallest event */
    uint32_t *best = ct_xmalloc((n ? n : 1) * sizeof *best);
    size_t ingroups = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t r = find(parent, (uint32_t)i);
        if (r == i) {
            best[i] = (uint32_t)i;
            continue;
        }
        ingroups++;
        if (rank(&st->ev[i]) < rank(&st->ev[best[r]])) best[r] = (uint32_t)i;
    }
    C->canon = ct_xmalloc((n ? n : 1) * sizeof *C->canon);
    for (size_t i = 0; i < n; i++) C->canon[i] = best[find(parent, (uint32_t)i)];
    /* members of the groups of two or more: (canon, member) pairs */
    if (ingroups) {
        char *multi = ct_xcalloc(n, 1);
        for (size_t i = 0; i < n; i++)
            if (parent[i] != i) multi[find(parent, (uint32_t)i)] = 1;
        C->pairs = ct_xmalloc(2 * (ingroups * 2) * sizeof *C->pairs);
        for (size_t i = 0; i < n; i++) {
            if (!multi[find(parent, (uint32_t)i)]) continue;
            C->pairs[2 * C->npairs] = C->canon[i];
            C->pairs[2 * C->npairs + 1] = (uint32_t)i;
            C->npairs++;
            if (C->canon[i] != i) C->copies++;
        }
        qsort(C->pairs, C->npairs, 2 * sizeof *C->pairs, cmp_pair);
        free(multi);
    }
    free(best);
    free(parent);
    return C;
}

void ct_changes_free(ct_changes *C)
{
    if (!C) return;
    free(C->canon);
    free(C->pairs);
    free(C);
}

size_t ct_changes_canon(const ct_changes *C, size_t ev)
{
    return C && ev < C->n ? C->canon[ev] : ev;
}

size_t ct_changes_members(const ct_changes *C, size_t ev, size_t *out, size_t max)
{
    if (!C || ev >= C->n) return 0;
    uint32_t c = C->canon[ev];
    size_t lo = 0, hi = C->npairs;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (C->pairs[2 * m] < c) lo = m + 1;
        else hi = m;
    }
    size_t k = 0;
    for (size_t j = lo; j < C->npairs && C->pairs[2 * j] == c; j++, k++)
        if (k < max) out[k] = C->pairs[2 * j + 1];
    if (!k) {
        if (max) out[0] = ev;
        return 1;
    }
    return k;
}

size_t ct_changes_copies(const ct_changes *C)
{
    return C ? C->copies : 0;
}
