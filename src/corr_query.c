/* corr_query: one alert's correlation (corr.h's definitions) from the index
 * corr.c builds: each component is a window of one to three time-ordered
 * lists, merged. */
#include "corr_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct slice {
    const uint32_t *v;
    size_t n;
} slice;

static int64_t sat_add(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
    if (b < 0 && a < INT64_MIN + 1 - b) return INT64_MIN + 1; /* never CT_TIME_NONE */
    return a + b;
}

/* The items of entity k in [from, to]. Items are in (time, event) order of
 * the times ts_of gives (events', or alerts'). */
static slice window(const ct_corr *c, const ct_post *p, uint32_t k, int64_t from, int64_t to,
                    const ct_alert *alerts)
{
    slice s = {NULL, 0};
    if (!k || k > c->nid || !p->start || from > to) return s;
    const ct_event *ev = c->st->ev;
    uint32_t a = p->start[k], b = p->start[k + 1];
#define TS(j) (alerts ? ct_corr_alert_ts(c, &alerts[p->items[j]]) : ev[p->items[j]].ts)
    uint32_t l = a, r = b; /* first with ts >= from */
    while (l < r) {
        uint32_t m = l + (r - l) / 2;
        if (TS(m) < from) l = m + 1;
        else r = m;
    }
    uint32_t lo = l;
    r = b; /* first with ts > to */
    while (l < r) {
        uint32_t m = l + (r - l) / 2;
        if (TS(m) <= to) l = m + 1;
        else r = m;
    }
#undef TS
    s.v = p->items + lo;
    s.n = l - lo;
    return s;
}

/* (time, event) order of two events */
static int before(const ct_event *ev, uint32_t x, uint32_t y)
{
    return ev[x].ts < ev[y].ts || (ev[x].ts == ev[y].ts && x < y);
}

/* The union of up to four slices of events, with `self` placed in it (once,
 * at time self_ts) into out (when not NULL); returns its size. */
static size_t merge(const ct_corr *c, slice *s, int ns, size_t self, int64_t self_ts, size_t *out)
{
    const ct_event *ev = c->st->ev;
    size_t pos[4] = {0}, n = 0;
    int self_done = 0;
    uint32_t lastv = 0;
    int have_last = 0;
    for (;;) {
        int best = -1;
        for (int k = 0; k < ns; k++)
            if (pos[k] < s[k].n && (best < 0 || before(ev, s[k].v[pos[k]], s[best].v[pos[best]]))) best = k;
        if (best < 0) break;
        uint32_t x = s[best].v[pos[best]++];
        if (have_last && x == lastv) continue;
        if (!self_done && x != self &&
            (self_ts < ev[x].ts || (self_ts == ev[x].ts && self < x))) {
            if (out) out[n] = self;
            n++;
            self_done = 1;
        }
        if (x == self) self_done = 1;
        if (out) out[n] = x;
        n++;
        lastv = x;
        have_last = 1;
    }
    if (!self_done) {
        if (out) out[n] = self;
        n++;
    }
    return n;
}

typedef ct_corr_q query; /* self_ts: where the alert's own change is placed */

static int query_init(const ct_corr *c, const ct_alert *a, int64_t window_ms, query *q)
{
    if (!c || !a || a->event >= c->nev) return -1;
    if (window_ms < 0) window_ms = CT_CORR_DEFAULT_WINDOW;
    q->ev = a->event;
    q->self = ct_changes_canon(c->C, a->event);
    q->ts = ct_corr_alert_ts(c, a);
    /* an alert document stands for itself only when its source event is not
     * loaded: it is placed at the alert's time, not the document's */
    q->self_ts = c->st->ev[q->self].flags & CT_EVF_ALERT && q->ts != CT_TIME_NONE
                     ? q->ts : c->st->ev[q->self].ts;
    if (q->ts == CT_TIME_NONE) {
        q->from = 1; /* empty window: only the alert itself */
        q->to = 0;
    } else {
        q->from = sat_add(q->ts, -window_ms);
        q->to = sat_add(q->ts, window_ms);
    }
    q->actor = ct_corr_role(c, q->ev, CT_ROLE_ACTOR);
    q->target = ct_corr_role(c, q->ev, CT_ROLE_TARGET);
    q->made = ct_corr_role(c, q->ev, CT_ROLE_CRED_MADE);
    return 0;
}

/* the slices of same_target (target list, its own acts, usage) and same_actor */
static int target_slices(const ct_corr *c, const query *q, slice *s)
{
    int n = 0;
    s[n++] = window(c, &c->targeted, q->target, q->from, q->to, NULL);
    s[n++] = window(c, &c->acts, q->target, q->from, q->to, NULL);
    s[n++] = window(c, &c->used, q->made, q->from, q->to, NULL);
    return n;
}

/* Small open-addressing set of store string ids (distinct IPs / UAs). */
typedef struct idset {
    uint32_t *slots;
    size_t cap;
} idset;

static int idset_add(idset *s, uint32_t id)
{
    size_t i = (id * 2654435761u) & (s->cap - 1);
    while (s->slots[i]) {
        if (s->slots[i] == id) return 0;
        i = (i + 1) & (s->cap - 1);
    }
    s->slots[i] = id;
    return 1;
}

static void usage_fill(const ct_corr *c, slice s, ct_cred_usage *u)
{
    memset(u, 0, sizeof *u);
    u->first_use = CT_TIME_NONE;
    if (!s.n) return;
    const ct_store *st = c->st;
    uint32_t failure = ct_pool_find(&st->pool, "failure", 7);
    size_t cap = 16;
    while (cap < 2 * s.n) cap *= 2;
    idset ips = {ct_xcalloc(cap, sizeof(uint32_t)), cap};
    idset uas = {ct_xcalloc(cap, sizeof(uint32_t)), cap};
    u->events = ct_xmalloc(s.n * sizeof *u->events);
    u->ips = ct_xmalloc(s.n * sizeof *u->ips);
    u->user_agents = ct_xmalloc(s.n * sizeof *u->user_agents);
    for (size_t j = 0; j < s.n; j++) {
        const ct_event *e = &st->ev[s.v[j]];
        if (!u->n) u->first_use = e->ts;
        u->events[u->n++] = s.v[j];
        if (failure && e->si[CT_EF_OUTCOME] == failure) u->failures++;
        uint32_t ip = ct_event_sid(st, e, CT_EF_ACTOR_IP), ua = ct_event_sid(st, e, CT_EF_ACTOR_UA);
        if (ip && idset_add(&ips, ip)) u->ips[u->nips++] = ct_xstrdup(ct_pool_str(&st->pool, ip));
        if (ua && idset_add(&uas, ua)) u->user_agents[u->nuas++] = ct_xstrdup(ct_pool_str(&st->pool, ua));
    }
    free(ips.slots);
    free(uas.slots);
}

/* ---- related alerts ---- */

static int related_to(const ct_corr *c, const query *q, const ct_alert *o)
{
    uint32_t a = ct_corr_role(c, o->event, CT_ROLE_ACTOR), t = ct_corr_role(c, o->event, CT_ROLE_TARGET);
    uint32_t u = ct_corr_role(c, o->event, CT_ROLE_CRED_USED);
    return (a && (a == q->actor || a == q->target)) || (t && (t == q->actor || t == q->target)) ||
           (u && u == q->made);
}

static void related_fill(const ct_corr *c, const ct_alert *a, const ct_alerts *alerts, const query *q,
                         ct_corr_result *out)
{
    if (!alerts || !alerts->n || (!q->actor && !q->target && !q->made)) return;
    size_t cap = 16, n = 0;
    size_t *r = ct_xmalloc(cap * sizeof *r);
    if (c->ai_v == alerts->v && c->ai_n == alerts->n) {
        /* indexed: the alerts of the actor, of the target, made with the credential */
        slice s[3] = {window(c, &c->alert_party, q->actor, q->from, q->to, alerts->v),
                      window(c, &c->alert_party, q->target != q->actor ? q->target : 0, q->from, q->to, alerts->v),
                      window(c, &c->alert_used, q->made, q->from, q->to, alerts->v)};
        size_t pos[3] = {0};
        uint32_t last = UINT32_MAX;
        for (;;) { /* merge by (time, index), each alert once */
            int best = -1;
            int64_t bts = 0;
            for (int k = 0; k < 3; k++) {
                if (pos[k] >= s[k].n) continue;
                uint32_t x = s[k].v[pos[k]];
                int64_t ts = ct_corr_alert_ts(c, &alerts->v[x]);
                if (best < 0 || ts < bts || (ts == bts && x < s[best].v[pos[best]])) best = k, bts = ts;
            }
            if (best < 0) break;
            uint32_t x = s[best].v[pos[best]++];
            if (x == last) continue;
            last = x;
            const ct_alert *o = &alerts->v[x];
            if (o == a || !strcmp(o->id, a->id)) continue;
            if (n == cap) r = ct_xrealloc(r, (cap *= 2) * sizeof *r);
            r[n++] = x;
        }
    } else {
        for (size_t j = 0; j < alerts->n; j++) {
            const ct_alert *o = &alerts->v[j];
            if (o == a || o->event >= c->nev || !strcmp(o->id, a->id)) continue;
            int64_t ts = ct_corr_alert_ts(c, o);
            if (ts == CT_TIME_NONE || ts < q->from || ts > q->to || !related_to(c, q, o)) continue;
            if (n == cap) r = ct_xrealloc(r, (cap *= 2) * sizeof *r);
            r[n++] = j;
        }
        /* in time order, as the index gives them */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0; j--) {
                int64_t x = ct_corr_alert_ts(c, &alerts->v[r[j - 1]]), y = ct_corr_alert_ts(c, &alerts->v[r[j]]);
                if (x < y || (x == y && r[j - 1] < r[j])) break;
                size_t t = r[j];
                r[j] = r[j - 1];
                r[j - 1] = t;
            }
    }
    if (!n) {
        free(r);
        return;
    }
    out->related_alerts = r;
    out->nrelated = n;
}

/* ---- history: credential additions to the target, each change once ---- */

static void history_fill(const ct_corr *c, const ct_alert *a, const query *q, ct_corr_result *out)
{
    if (!q->target) return;
    const ct_post *p = &c->adds;
    int actor_seen = 0;
    for (uint32_t j = p->start[q->target]; j < p->start[q->target + 1]; j++) {
        uint32_t i = p->items[j];
        if (!q->actor || ct_corr_role(c, i, CT_ROLE_ACTOR) != q->actor) continue;
        actor_seen = 1;
        if (i == q->self || q->ts == CT_TIME_NONE || c->st->ev[i].ts >= q->ts) continue;
        out->prior_changes++;
    }
    out->actor_changed_target_before = out->prior_changes > 0;
    out->distinct_actors = c->tdistinct[q->target];
    /* an imported alert whose source event is not loaded still counts its actor */
    if (q->actor && !actor_seen && (c->st->ev[a->event].flags & CT_EVF_ALERT)) out->distinct_actors++;
}

int ct_corr_alert(const ct_corr *c, const ct_alert *a, const ct_alerts *alerts, int64_t window_ms,
                  ct_corr_result *out)
{
    memset(out, 0, sizeof *out);
    out->usage.first_use = CT_TIME_NONE;
    query q;
    if (query_init(c, a, window_ms, &q) < 0) return -1;
    out->self_event = q.self;
    out->window_from = q.from;
    out->window_to = q.to;
    if (q.ts == CT_TIME_NONE) out->window_from = out->window_to = CT_TIME_NONE;
    out->actor = q.actor;
    out->target = q.target;
    out->credential = q.made;

    slice s[4];
    int ns = target_slices(c, &q, s);
    size_t n = merge(c, s, ns, q.self, q.self_ts, NULL);
    out->same_target = ct_xmalloc(n * sizeof *out->same_target);
    out->nsame_target = merge(c, s, ns, q.self, q.self_ts, out->same_target);
    s[0] = window(c, &c->acts, q.actor, q.from, q.to, NULL);
    n = merge(c, s, 1, q.self, q.self_ts, NULL);
    out->same_actor = ct_xmalloc(n * sizeof *out->same_actor);
    out->nsame_actor = merge(c, s, 1, q.self, q.self_ts, out->same_actor);
    usage_fill(c, window(c, &c->used, q.made, q.from, q.to, NULL), &out->usage);
    related_fill(c, a, alerts, &q, out);
    history_fill(c, a, &q, out);
    return 0;
}

void ct_corr_result_free(ct_corr_result *r)
{
    if (!r) return;
    free(r->same_target);
    free(r->same_actor);
    free(r->usage.events);
    for (size_t i = 0; i < r->usage.nips; i++) free(r->usage.ips[i]);
    free(r->usage.ips);
    for (size_t i = 0; i < r->usage.nuas; i++) free(r->usage.user_agents[i]);
    free(r->usage.user_agents);
    free(r->related_alerts);
    memset(r, 0, sizeof *r);
}

size_t ct_corr_count(const ct_corr *c, const ct_alert *a, int64_t window_ms)
{
    query q;
    if (query_init(c, a, window_ms, &q) < 0) return 0;
    slice s[4];
    int ns = target_slices(c, &q, s);
    s[ns++] = window(c, &c->acts, q.actor, q.from, q.to, NULL);
    return merge(c, s, ns, q.self, q.self_ts, NULL);
}

/* ---- the parts, on demand (corr.h: ct_corr_q) ---- */

int ct_corr_q_init(const ct_corr *c, const ct_alert *a, int64_t window_ms, ct_corr_q *q)
{
    return query_init(c, a, window_ms, q);
}

size_t ct_corr_q_usage(const ct_corr *c, const ct_corr_q *q, const uint32_t **ev)
{
    slice s = window(c, &c->used, q->made, q->from, q->to, NULL);
    *ev = s.v;
    return s.n;
}

static size_t *scratch_for(ct_corr_scratch *b, const slice *s, int ns)
{
    size_t n = 1;
    for (int k = 0; k < ns; k++) n += s[k].n;
    if (n > b->cap) {
        free(b->v);
        b->cap = n + n / 2;
        b->v = ct_xmalloc(b->cap * sizeof *b->v);
    }
    return b->v;
}

/* merge() of one slice, the place of self found by two binary searches
 * instead of a look at every event (the same output: the slice is in (time,
 * event) order, and merge() places self before the first other event it
 * precedes, unless self came first in the slice) */
static size_t merge1(const ct_corr *c, slice s, size_t self, int64_t self_ts, size_t *out)
{
    const ct_event *ev = c->st->ev;
    size_t lo = 0, hi = s.n; /* p: the first x with (self_ts, self) < (ts(x), x) */
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2, x = s.v[m];
        if (self_ts < ev[x].ts || (self_ts == ev[x].ts && self < x)) hi = m;
        else lo = m + 1;
    }
    size_t p = lo, at = SIZE_MAX; /* at: where self is in the slice, if it is */
    if (self < c->nev) {
        int64_t t = ev[self].ts;
        lo = 0, hi = s.n;
        while (lo < hi) {
            size_t m = lo + (hi - lo) / 2, x = s.v[m];
            if (ev[x].ts < t || (ev[x].ts == t && x < self)) lo = m + 1;
            else hi = m;
        }
        if (lo < s.n && s.v[lo] == self) at = lo;
    }
    /* self is put in at p unless it was met first (at < p), or p is self itself */
    int insert = !(at != SIZE_MAX && at <= p);
    size_t n = 0;
    for (size_t j = 0; j < s.n; j++) {
        if (j && s.v[j] == s.v[j - 1]) continue;
        if (insert && j >= p) {
            out[n++] = self;
            insert = 0;
        }
        out[n++] = s.v[j];
    }
    if (insert) out[n++] = self;
    return n;
}

size_t ct_corr_acts_of(const ct_corr *c, uint32_t k, const uint32_t **v)
{
    slice s = window(c, &c->acts, k, INT64_MIN + 1, INT64_MAX, NULL);
    *v = s.v;
    return s.n;
}

size_t ct_corr_q_same_actor(const ct_corr *c, const ct_corr_q *q, ct_corr_scratch *b)
{
    slice s[1] = {window(c, &c->acts, q->actor, q->from, q->to, NULL)};
    return merge1(c, s[0], q->self, q->self_ts, scratch_for(b, s, 1));
}

/* The merge of the slices cut at `before` is the merge's own prefix of those
 * events (the lists are in time order; self, placed by self_ts, only counts
 * when its event is before too, and then lies in the same place). */
size_t ct_corr_q_same_target_before(const ct_corr *c, const ct_corr_q *q, int64_t before, ct_corr_scratch *b)
{
    ct_corr_q cut = *q;
    if (before == CT_TIME_NONE || before == INT64_MIN) return 0;
    if (cut.to > before - 1) cut.to = before - 1;
    slice s[4];
    int ns = target_slices(c, &cut, s);
    size_t *out = scratch_for(b, s, ns), n = merge(c, s, ns, q->self, q->self_ts, out), m = 0;
    const ct_event *ev = c->st->ev;
    for (size_t j = 0; j < n; j++) /* self may be placed after the cut: drop what is not before */
        if (ev[out[j]].ts != CT_TIME_NONE && ev[out[j]].ts < before) out[m++] = out[j];
    return m;
}

int ct_corr_q_changed_before(const ct_corr *c, const ct_corr_q *q)
{
    if (!q->target || !q->actor || q->ts == CT_TIME_NONE) return 0;
    const ct_post *p = &c->adds;
    for (uint32_t j = p->start[q->target]; j < p->start[q->target + 1]; j++) {
        uint32_t i = p->items[j];
        if (i != q->self && c->st->ev[i].ts < q->ts && ct_corr_role(c, i, CT_ROLE_ACTOR) == q->actor) return 1;
    }
    return 0;
}
