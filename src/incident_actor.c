/* incident_actor: the actor's own activity around each alert's change, what
 * the off_hours, actor_new_ip and owner_first factors read (incident_score.c).
 * They used to walk the actor's whole window (7 days each side) for every
 * change: O(window) a change, so an account active all week cost its number
 * of events for each of its alerts. Here each actor's list is swept once for
 * all of its alerts in time order: counts from two moving windows and a
 * minute-of-day histogram, the first event from an address and the first
 * "Add owner" by binary search, the change's own event counted as the
 * correlation query's merge counts it. Same values as the walk
 * (test_incident compares them on every sample alert). */
#include "incident_int.h"

#include <stdlib.h>
#include <string.h>

#define MIN_MS (60LL * 1000)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)
#define DAY_MIN 1440

typedef struct ask {
    uint32_t actor;
    int64_t ts;
    size_t i;
} ask;

static int cmp_ask(const void *pa, const void *pb)
{
    const ask *a = pa, *b = pb;
    if (a->actor != b->actor) return a->actor < b->actor ? -1 : 1;
    if (a->ts != b->ts) return a->ts < b->ts ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* one event of the actor's list */
typedef struct item {
    int64_t ts;
    uint32_t ev, ip;
    int tod;
} item;

static int tod_of(int64_t t)
{
    return (int)(((t % DAY_MS) + DAY_MS) % DAY_MS / MIN_MS);
}

static int names_actor(const ct_store *st, size_t ev, const char *who)
{
    static const enum ct_ef ids[] = {CT_EF_ACTOR_ID, CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID2};
    for (int k = 0; k < 3; k++) {
        const char *s = ct_event_str(st, &st->ev[ev], ids[k]);
        if (s && *s && ct_strcaseeq(s, who)) return 1;
    }
    return 0;
}

/* the actor adding themself as owner (whatever the time) */
static int owner_add(const ct_store *st, size_t x)
{
    const ct_event *e = &st->ev[x];
    if (!ct_event_sid(st, e, CT_EF_NAMED) || !e->si[CT_EF_ACTION]) return 0;
    const char *act = ct_event_str(st, e, CT_EF_ACTION), *named = ct_event_str(st, e, CT_EF_NAMED);
    return ct_strncaseeq(act, "Add owner", 9) && names_actor(st, x, named);
}

/* (ts, ev) before (ts2, ev2): the correlation lists' order */
static int earlier(int64_t ts, size_t ev, int64_t ts2, size_t ev2)
{
    return ts < ts2 || (ts == ts2 && ev < ev2);
}

/* first k in [lo, hi) with L[idx[k]] (or L[k] when idx is NULL) at or after ts */
static size_t first_from(const item *L, const uint32_t *idx, size_t lo, size_t hi, int64_t ts)
{
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (L[idx ? idx[m] : m].ts < ts) lo = m + 1;
        else hi = m;
    }
    return lo;
}

typedef struct sweep {
    item *L;
    uint32_t *byip, *own;
    size_t n, nip, nown, cap;
    uint32_t hout[DAY_MIN], hin[DAY_MIN];
} sweep;

static const item *S_L; /* qsort has no context: the list being sorted by address */
static int cmp_byip(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    if (S_L[a].ip != S_L[b].ip) return S_L[a].ip < S_L[b].ip ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* the actor's list, each change once, with what the factors read of each */
static void load_list(sweep *S, const ct_store *st, const ct_corr *c, uint32_t actor)
{
    const uint32_t *v = NULL;
    size_t nv = actor ? ct_corr_acts_of(c, actor, &v) : 0;
    if (nv > S->cap) {
        S->cap = nv + nv / 2;
        S->L = ct_xrealloc(S->L, S->cap * sizeof *S->L);
        S->byip = ct_xrealloc(S->byip, S->cap * sizeof *S->byip);
        S->own = ct_xrealloc(S->own, S->cap * sizeof *S->own);
    }
    S->n = S->nip = S->nown = 0;
    for (size_t j = 0; j < nv; j++) {
        if (j && v[j] == v[j - 1]) continue;
        const ct_event *e = &st->ev[v[j]];
        item *it = &S->L[S->n];
        *it = (item){e->ts, v[j], ct_event_sid(st, e, CT_EF_ACTOR_IP), tod_of(e->ts)};
        if (it->ip) S->byip[S->nip++] = (uint32_t)S->n;
        if (owner_add(st, v[j])) S->own[S->nown++] = (uint32_t)S->n;
        S->n++;
    }
    S_L = S->L;
    qsort(S->byip, S->nip, sizeof *S->byip, cmp_byip);
    memset(S->hout, 0, sizeof S->hout);
    memset(S->hin, 0, sizeof S->hin);
}

/* some event counted in hout but not in hin within an hour of tod (either way round midnight) */
static int near_tod(const sweep *S, int tod)
{
    for (int d = -60; d <= 60; d++) {
        int b = (tod + d + DAY_MIN) % DAY_MIN;
        if (S->hout[b] > S->hin[b]) return 1;
    }
    return 0;
}

void ct_incident_actors(ct_incident_facts *F, const ct_store *st, const ct_alerts *alerts, const ct_corr *c,
                        int64_t window_ms)
{
    F->act = ct_xcalloc(F->n ? F->n : 1, sizeof *F->act);
    ask *Q = ct_xmalloc((F->n ? F->n : 1) * sizeof *Q);
    size_t nq = 0;
    for (size_t i = 0; i < F->n; i++) {
        const ct_alert_facts *f = &F->a[i];
        ct_corr_q q;
        if (!f->ok || f->ts == CT_TIME_NONE || ct_corr_q_init(c, &alerts->v[i], window_ms, &q) < 0) continue;
        Q[nq++] = (ask){q.actor, f->ts, i};
    }
    qsort(Q, nq, sizeof *Q, cmp_ask);
    sweep *S = ct_xcalloc(1, sizeof *S);
    for (size_t j = 0; j < nq;) {
        size_t e = j;
        while (e < nq && Q[e].actor == Q[j].actor) e++;
        load_list(S, st, c, Q[j].actor);
        const item *L = S->L;
        size_t olo = 0, ohi = 0, ilo = 0, ihi = 0; /* [olo, ohi): the window; [ilo, ihi): within 12 h */
        for (size_t k = j; k < e; k++) {
            size_t i = Q[k].i;
            ct_corr_q q;
            ct_corr_q_init(c, &alerts->v[i], window_ms, &q);
            int64_t ts = F->a[i].ts, from = q.from, to = q.to;
            int64_t in_lo = ts - 12 * HOUR_MS > from ? ts - 12 * HOUR_MS : from;
            int64_t in_hi = ts + 12 * HOUR_MS < to ? ts + 12 * HOUR_MS : to;
            /* the times only grow: each bound moves forward only */
            while (ohi < S->n && L[ohi].ts <= to) S->hout[L[ohi++].tod]++;
            while (olo < ohi && L[olo].ts < from) S->hout[L[olo++].tod]--;
            while (ihi < S->n && L[ihi].ts <= in_hi) S->hin[L[ihi++].tod]++;
            while (ilo < ihi && L[ilo].ts < in_lo) S->hin[L[ilo++].tod]--;
            ct_actor_facts *A = &F->act[i];
            A->ok = 1;
            int tod = tod_of(ts);
            A->other_days = (uint32_t)((ohi - olo) - (ihi > ilo ? ihi - ilo : 0));
            A->near = A->other_days && near_tod(S, tod);
            size_t day = first_from(L, NULL, olo, ohi, ts - DAY_MS); /* [olo, day): older than a day */
            A->older = (uint32_t)(day - olo);
            /* the change's own event: in the list (within the window), or put in by the query */
            size_t self = q.self;
            int64_t sts = st->ev[self].ts;
            size_t at = first_from(L, NULL, olo, ohi, sts);
            while (at < ohi && L[at].ts == sts && L[at].ev < self) at++;
            int self_extra = sts != CT_TIME_NONE && !(at < ohi && L[at].ev == self);
            uint32_t ip = ct_event_sid(st, &st->ev[F->a[i].canon], CT_EF_ACTOR_IP);
            /* from the change's address: older ones, and the first one */
            size_t a = 0, b = S->nip;
            while (a < b) { /* the address's run in byip */
                size_t m = a + (b - a) / 2;
                if (L[S->byip[m]].ip < ip) a = m + 1;
                else b = m;
            }
            size_t run = a;
            b = S->nip;
            while (a < b) {
                size_t m = a + (b - a) / 2;
                if (L[S->byip[m]].ip <= ip) a = m + 1;
                else b = m;
            }
            size_t run_end = ip ? a : run, w = first_from(L, S->byip, run, run_end, from);
            A->ip_older = (uint32_t)(first_from(L, S->byip, w, run_end, ts - DAY_MS) - w);
            A->ip_first = CT_TIME_NONE;
            const item *ipf = w < run_end && L[S->byip[w]].ts <= to ? &L[S->byip[w]] : NULL;
            /* "Add owner" in the 24 h before, within the window */
            const item *ow = NULL;
            size_t o = first_from(L, S->own, 0, S->nown, ts - DAY_MS > from ? ts - DAY_MS : from);
            if (o < S->nown && L[S->own[o]].ts < ts && L[S->own[o]].ts <= to) ow = &L[S->own[o]];
            if (self_extra) { /* counted as the query's merge counts it, placed at q.self_ts */
                if (sts < ts - 12 * HOUR_MS || sts > ts + 12 * HOUR_MS) {
                    A->other_days++;
                    int d = abs(tod_of(sts) - tod);
                    if (d > DAY_MIN / 2) d = DAY_MIN - d;
                    if (d <= 60) A->near = 1;
                }
                if (sts < ts - DAY_MS) {
                    A->older++;
                    if (ip) A->ip_older++;
                }
                if (ip && (!ipf || earlier(q.self_ts, self, ipf->ts, ipf->ev))) A->ip_first = sts;
                if (sts < ts && sts >= ts - DAY_MS && owner_add(st, self) &&
                    (!ow || earlier(q.self_ts, self, ow->ts, ow->ev)))
                    A->owner = (uint32_t)self + 1;
            }
            if (ipf && A->ip_first == CT_TIME_NONE) A->ip_first = ipf->ts;
            if (ow && !A->owner) A->owner = ow->ev + 1;
        }
        j = e;
    }
    free(S->L);
    free(S->byip);
    free(S->own);
    free(S);
    free(Q);
}
