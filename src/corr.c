/* corr: the correlation index (built once, linear in the events) and the
 * per-alert queries of corr.h.
 *
 * Entity keys. Every entity string (actor id/name, target id/name/app id,
 * credential ids, IPs) is case-folded (ASCII) and interned in a private pool,
 * so "Alice@Contoso.com" and "alice@contoso.com" are one key; a cache maps the
 * store pool id to the folded key id so each distinct string is folded once.
 * Actors: a union-find over keys links actor_id and actor_name when a record
 * shows both, so an alert naming the actor either way finds the same events.
 * Targets: target_id, target_name and target_app_id are linked the same way,
 * so a service principal and its application are one target.
 *
 * Posting lists. For each dimension (actor root, target root, credential key,
 * source IP key, and credential additions per target root) the events are laid
 * out CSR-style: start[key] .. start[key + 1] in items[], in (time, index)
 * order, so a window is two binary searches. Elastic alert documents are not
 * in any list (they are alerts, not events) but do link ids and names and have
 * their roots computed, so an imported alert can be correlated. */
#include "corr.h"

#include <stdlib.h>
#include <string.h>

typedef struct post {
    uint32_t *start; /* nkeys + 2 offsets */
    size_t *items;   /* event indexes (size_t: results are views into these) */
} post;

struct ct_corr {
    const ct_store *st;
    size_t nev;          /* events indexed (the store must not grow under the index) */
    ct_pool keys;        /* folded entity strings */
    uint32_t *fold;      /* store pool id -> key id (0: not folded yet) */
    size_t nfold;
    uint32_t *aparent;   /* union-find over key ids: actors */
    uint32_t *tparent;   /* targets */
    size_t nkeys;        /* key ids are 1..nkeys */
    uint32_t *ev_actor;  /* per event: actor root, 0 if none */
    uint32_t *ev_target; /* per event: target root */
    uint32_t *ev_used;   /* per event: key of the credential used, 0 if none */
    post actor, target, cred, ip, adds;
    uint32_t *tdistinct; /* per target root: distinct actor roots among its credential additions */
    uint32_t failure_id; /* store pool id of "failure", 0 if absent */
    /* ct_corr_index_alerts: alert indexes by actor and target root */
    const ct_alert *ai_v;
    size_t ai_n;
    post alert_actor, alert_target;
};

/* ---- keys ---- */

static uint32_t fold(ct_corr *c, uint32_t sid)
{
    if (!sid || sid >= c->nfold) return 0;
    if (c->fold[sid]) return c->fold[sid];
    const ct_pool *p = &c->st->pool;
    const char *s = p->strs[sid];
    size_t len = p->lens[sid];
    char stackbuf[256];
    char *tmp = len < sizeof stackbuf ? stackbuf : ct_xmalloc(len + 1);
    for (size_t i = 0; i < len; i++)
        tmp[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    uint32_t k = ct_pool_intern(&c->keys, tmp, len);
    if (tmp != stackbuf) free(tmp);
    c->fold[sid] = k;
    return k;
}

/* Folded key of a store id without building (queries): 0 if unknown. */
static uint32_t fold_const(const ct_corr *c, uint32_t sid)
{
    return sid && sid < c->nfold ? c->fold[sid] : 0;
}

static uint32_t uf_find(uint32_t *parent, uint32_t k)
{
    uint32_t r = k;
    while (parent[r] != r) r = parent[r];
    while (parent[k] != r) {
        uint32_t next = parent[k];
        parent[k] = r;
        k = next;
    }
    return r;
}

static void uf_union(uint32_t *parent, uint32_t a, uint32_t b)
{
    if (!a || !b) return;
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a == b) return;
    if (a < b) parent[b] = a; /* the smaller id is the root: deterministic */
    else parent[a] = b;
}

/* ---- build ---- */

typedef struct ts_idx { int64_t ts; uint32_t i; } ts_idx;

static int cmp_ts_idx(const void *pa, const void *pb)
{
    const ts_idx *a = pa, *b = pb;
    if (a->ts != b->ts) return a->ts < b->ts ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* Lay out the events of `order` (time order) by key (keyof[i], 0 = none). */
static void post_build(post *p, size_t nkeys, const uint32_t *order, size_t n,
                       const uint32_t *keyof, const ct_event *ev, int adds_only)
{
    p->start = ct_xcalloc(nkeys + 2, sizeof *p->start);
    size_t total = 0;
    for (size_t j = 0; j < n; j++) {
        uint32_t i = order[j], k = keyof[i];
        if (!k || (adds_only && !(ev[i].flags & CT_EVF_CRED_ADD))) continue;
        p->start[k + 1]++;
        total++;
    }
    for (size_t k = 1; k < nkeys + 2; k++) p->start[k] += p->start[k - 1];
    p->items = ct_xmalloc((total ? total : 1) * sizeof *p->items);
    uint32_t *fill = ct_xmalloc((nkeys + 1) * sizeof *fill);
    /* items are size_t so that query results can point into them */
    memcpy(fill, p->start, (nkeys + 1) * sizeof *fill);
    for (size_t j = 0; j < n; j++) {
        uint32_t i = order[j], k = keyof[i];
        if (!k || (adds_only && !(ev[i].flags & CT_EVF_CRED_ADD))) continue;
        p->items[fill[k]++] = i;
    }
    free(fill);
}

static void post_free(post *p)
{
    free(p->start);
    free(p->items);
}

/* Union each name with the id it appears with, unless the name appears with
 * ids of different entities (then the name stays an entity of its own). */
static void link_names(ct_corr *c, uint32_t *parent, enum ct_ef fid, enum ct_ef fname)
{
    const ct_store *st = c->st;
    uint32_t *with = ct_xcalloc(c->nkeys + 1, sizeof *with); /* name -> id root, UINT32_MAX: several */
    for (size_t i = 0; i < st->nev; i++) {
        uint32_t id = fold_const(c, st->ev[i].s[fid]), name = fold_const(c, st->ev[i].s[fname]);
        if (!id || !name || id == name || with[name] == UINT32_MAX) continue;
        uint32_t r = uf_find(parent, id);
        if (!with[name]) with[name] = r;
        else if (uf_find(parent, with[name]) != r) with[name] = UINT32_MAX;
    }
    for (uint32_t k = 1; k <= c->nkeys; k++)
        if (with[k] && with[k] != UINT32_MAX) uf_union(parent, k, with[k]);
    free(with);
}

static const enum ct_ef entity_fields[] = {
    CT_EF_ACTOR_ID, CT_EF_ACTOR_NAME, CT_EF_TARGET_ID, CT_EF_TARGET_NAME, CT_EF_TARGET_APP_ID,
    CT_EF_CRED_ID, CT_EF_CRED_USED, CT_EF_ACTOR_IP,
};

ct_corr *ct_corr_build(const ct_store *st)
{
    ct_corr *c = ct_xcalloc(1, sizeof *c);
    c->st = st;
    c->nev = st->nev;
    ct_pool_init(&c->keys);
    c->nfold = st->pool.nstrs + 1;
    c->fold = ct_xcalloc(c->nfold, sizeof *c->fold);
    c->failure_id = ct_pool_find(&st->pool, "failure", 7);
    size_t n = st->nev;

    /* 1. fold every entity string (each distinct one once) */
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < CT_ARRAY_LEN(entity_fields); f++) fold(c, st->ev[i].s[entity_fields[f]]);
    c->nkeys = c->keys.nstrs;

    /* 2. link: a target's id with its application id, then a name with the
     * id it is shown with, when the name goes with one entity only (a display
     * name such as "Managed Service Identity" is shared by many principals,
     * and a service principal has its application's name) */
    c->aparent = ct_xmalloc((c->nkeys + 1) * sizeof *c->aparent);
    c->tparent = ct_xmalloc((c->nkeys + 1) * sizeof *c->tparent);
    for (uint32_t k = 0; k <= c->nkeys; k++) c->aparent[k] = c->tparent[k] = k;
    for (size_t i = 0; i < n; i++) {
        const uint32_t *s = st->ev[i].s;
        uint32_t tid = fold_const(c, s[CT_EF_TARGET_ID]);
        uf_union(c->tparent, tid ? tid : fold_const(c, s[CT_EF_TARGET_NAME]),
                 fold_const(c, s[CT_EF_TARGET_APP_ID]));
    }
    link_names(c, c->aparent, CT_EF_ACTOR_ID, CT_EF_ACTOR_NAME);
    link_names(c, c->tparent, CT_EF_TARGET_ID, CT_EF_TARGET_NAME);

    /* 3. per event roots and keys */
    c->ev_actor = ct_xmalloc((n ? n : 1) * sizeof *c->ev_actor);
    c->ev_target = ct_xmalloc((n ? n : 1) * sizeof *c->ev_target);
    c->ev_used = ct_xmalloc((n ? n : 1) * sizeof *c->ev_used);
    uint32_t *ev_cred = ct_xmalloc((n ? n : 1) * sizeof *ev_cred);
    uint32_t *ev_ip = ct_xmalloc((n ? n : 1) * sizeof *ev_ip);
    uint32_t *order = ct_xmalloc((n ? n : 1) * sizeof *order);
    size_t norder = 0;
    int sorted = 1;
    for (size_t i = 0; i < n; i++) {
        const ct_event *e = &st->ev[i];
        uint32_t a = fold_const(c, e->s[CT_EF_ACTOR_ID]);
        if (!a) a = fold_const(c, e->s[CT_EF_ACTOR_NAME]);
        uint32_t t = fold_const(c, e->s[CT_EF_TARGET_ID]);
        if (!t) t = fold_const(c, e->s[CT_EF_TARGET_NAME]);
        if (!t) t = fold_const(c, e->s[CT_EF_TARGET_APP_ID]);
        c->ev_actor[i] = a ? uf_find(c->aparent, a) : 0;
        c->ev_target[i] = t ? uf_find(c->tparent, t) : 0;
        c->ev_used[i] = fold_const(c, e->s[CT_EF_CRED_USED]);
        ev_cred[i] = (e->flags & CT_EVF_CRED_ADD) && e->s[CT_EF_CRED_ID]
                         ? fold_const(c, e->s[CT_EF_CRED_ID])
                         : c->ev_used[i];
        ev_ip[i] = fold_const(c, e->s[CT_EF_ACTOR_IP]);
        if (e->flags & CT_EVF_ALERT) continue;
        if (norder && sorted) {
            const ct_event *prev = &st->ev[order[norder - 1]];
            if (prev->ts > e->ts) sorted = 0;
        }
        order[norder++] = (uint32_t)i;
    }
    if (!sorted) { /* files in any order: sort (time, index) pairs, no global context */
        ts_idx *tmp = ct_xmalloc(norder * sizeof *tmp);
        for (size_t j = 0; j < norder; j++) tmp[j] = (ts_idx){st->ev[order[j]].ts, order[j]};
        qsort(tmp, norder, sizeof *tmp, cmp_ts_idx);
        for (size_t j = 0; j < norder; j++) order[j] = tmp[j].i;
        free(tmp);
    }

    /* 4. posting lists */
    post_build(&c->actor, c->nkeys, order, norder, c->ev_actor, st->ev, 0);
    post_build(&c->target, c->nkeys, order, norder, c->ev_target, st->ev, 0);
    post_build(&c->cred, c->nkeys, order, norder, ev_cred, st->ev, 0);
    post_build(&c->ip, c->nkeys, order, norder, ev_ip, st->ev, 0);
    post_build(&c->adds, c->nkeys, order, norder, c->ev_target, st->ev, 1);
    free(order);
    free(ev_cred);
    free(ev_ip);

    /* 5. distinct actors adding credentials, per target root (one pass with a stamp) */
    c->tdistinct = ct_xcalloc(c->nkeys + 1, sizeof *c->tdistinct);
    uint32_t *stamp = ct_xcalloc(c->nkeys + 1, sizeof *stamp);
    for (uint32_t t = 1; t <= c->nkeys; t++) {
        for (uint32_t j = c->adds.start[t]; j < c->adds.start[t + 1]; j++) {
            uint32_t a = c->ev_actor[c->adds.items[j]];
            if (!a || stamp[a] == t) continue;
            stamp[a] = t;
            c->tdistinct[t]++;
        }
    }
    free(stamp);
    return c;
}

void ct_corr_free(ct_corr *c)
{
    if (!c) return;
    ct_pool_free(&c->keys);
    free(c->fold);
    free(c->aparent);
    free(c->tparent);
    free(c->ev_actor);
    free(c->ev_target);
    free(c->ev_used);
    post_free(&c->actor);
    post_free(&c->target);
    post_free(&c->cred);
    post_free(&c->ip);
    post_free(&c->adds);
    post_free(&c->alert_actor);
    post_free(&c->alert_target);
    free(c->tdistinct);
    free(c);
}

/* ---- queries ---- */

static int64_t sat_add(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
    if (b < 0 && a < INT64_MIN + 1 - b) return INT64_MIN + 1; /* never CT_TIME_NONE */
    return a + b;
}

/* Items of key k with from <= ts <= to: [*lo, *hi) into p->items. */
static void post_slice(const ct_corr *c, const post *p, uint32_t k, int64_t from, int64_t to,
                       uint32_t *lo, uint32_t *hi)
{
    *lo = *hi = 0;
    if (!k || k > c->nkeys || from > to) return;
    const ct_event *ev = c->st->ev;
    uint32_t a = p->start[k], b = p->start[k + 1];
    uint32_t l = a, r = b; /* first with ts >= from */
    while (l < r) {
        uint32_t m = l + (r - l) / 2;
        if (ev[p->items[m]].ts < from) l = m + 1;
        else r = m;
    }
    *lo = l;
    r = b; /* first with ts > to */
    while (l < r) {
        uint32_t m = l + (r - l) / 2;
        if (ev[p->items[m]].ts <= to) l = m + 1;
        else r = m;
    }
    *hi = l;
}

typedef struct query {
    size_t self;
    int self_is_alert_doc;
    int64_t ts, from, to;
    uint32_t actor, target, cred;
} query;

static int query_init(const ct_corr *c, const ct_alert *a, int64_t window_ms, query *q)
{
    const ct_store *st = c->st;
    if (!a || a->event >= c->nev) return -1;
    if (window_ms < 0) window_ms = CT_CORR_DEFAULT_WINDOW;
    const ct_event *e = &st->ev[a->event];
    q->self = a->event;
    q->self_is_alert_doc = (e->flags & CT_EVF_ALERT) != 0;
    q->ts = a->ts != CT_TIME_NONE ? a->ts : e->ts;
    if (q->ts == CT_TIME_NONE) {
        q->from = 1; /* empty window: only the alert itself */
        q->to = 0;
    } else {
        q->from = sat_add(q->ts, -window_ms);
        q->to = sat_add(q->ts, window_ms);
    }
    q->actor = c->ev_actor[a->event];
    q->target = c->ev_target[a->event];
    q->cred = fold_const(c, e->s[CT_EF_CRED_ID]);
    return 0;
}

/* The slice of key k in the window, with the alert's own event in it: a view
 * into the index when the event is there (the usual case), else a copy with
 * the event inserted in time order (an alert document, or no entity), which
 * is then *owned by the caller. */
static const size_t *slice_with_self(const ct_corr *c, const post *p, uint32_t k, const query *q,
                                     size_t *n_out, size_t **owned)
{
    uint32_t lo, hi;
    post_slice(c, p, k, q->from, q->to, &lo, &hi);
    const ct_event *ev = c->st->ev;
    *owned = NULL;
    /* items are in (time, index) order: look for the alert's event */
    int64_t ets = ev[q->self].ts;
    uint32_t l = lo, r = hi;
    while (l < r) {
        uint32_t m = l + (r - l) / 2;
        size_t i = p->items[m];
        if (ev[i].ts < ets || (ev[i].ts == ets && i < q->self)) l = m + 1;
        else r = m;
    }
    if (l < hi && p->items[l] == q->self) {
        *n_out = hi - lo;
        return p->items + lo;
    }
    size_t n = hi - lo;
    size_t *v = ct_xmalloc((n + 1) * sizeof *v);
    int64_t sts = q->ts != CT_TIME_NONE ? q->ts : ets;
    int have_self = 0;
    size_t m = 0;
    for (uint32_t j = lo; j < hi; j++) {
        size_t i = p->items[j];
        if (!have_self && (ev[i].ts > sts || (ev[i].ts == sts && i > q->self))) {
            v[m++] = q->self;
            have_self = 1;
        }
        v[m++] = i;
    }
    if (!have_self) v[m++] = q->self;
    *n_out = m;
    *owned = v;
    return v;
}

/* Small open-addressing set of store pool ids (for distinct IPs / UAs). */
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

static void usage_fill(const ct_corr *c, const query *q, ct_cred_usage *u)
{
    memset(u, 0, sizeof *u);
    u->first_use = CT_TIME_NONE;
    if (!q->cred || q->ts == CT_TIME_NONE) return;
    uint32_t lo, hi;
    post_slice(c, &c->cred, q->cred, q->ts, q->to, &lo, &hi);
    if (lo == hi) return;
    const ct_store *st = c->st;
    size_t cap = 16;
    while (cap < 2 * (size_t)(hi - lo)) cap *= 2;
    idset ips = {ct_xcalloc(cap, sizeof(uint32_t)), cap};
    idset uas = {ct_xcalloc(cap, sizeof(uint32_t)), cap};
    u->events = ct_xmalloc((hi - lo) * sizeof *u->events);
    u->ips = ct_xmalloc((hi - lo) * sizeof *u->ips);
    u->user_agents = ct_xmalloc((hi - lo) * sizeof *u->user_agents);
    for (uint32_t j = lo; j < hi; j++) {
        uint32_t i = c->cred.items[j];
        if (i == q->self || c->ev_used[i] != q->cred) continue;
        const ct_event *e = &st->ev[i];
        if (!u->n) u->first_use = e->ts;
        u->events[u->n++] = i;
        if (c->failure_id && e->s[CT_EF_OUTCOME] == c->failure_id) u->failures++;
        uint32_t ip = e->s[CT_EF_ACTOR_IP], ua = e->s[CT_EF_ACTOR_UA];
        if (ip && idset_add(&ips, ip)) u->ips[u->nips++] = ct_xstrdup(ct_pool_str(&st->pool, ip));
        if (ua && idset_add(&uas, ua))
            u->user_agents[u->nuas++] = ct_xstrdup(ct_pool_str(&st->pool, ua));
    }
    free(ips.slots);
    free(uas.slots);
}

typedef struct rel { int64_t ts; size_t i; } rel;

static int cmp_rel(const void *pa, const void *pb)
{
    const rel *a = pa, *b = pb;
    if (a->ts != b->ts) return a->ts < b->ts ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

void ct_corr_index_alerts(ct_corr *c, const ct_alerts *alerts)
{
    post_free(&c->alert_actor);
    post_free(&c->alert_target);
    memset(&c->alert_actor, 0, sizeof c->alert_actor);
    memset(&c->alert_target, 0, sizeof c->alert_target);
    c->ai_v = NULL;
    c->ai_n = 0;
    if (!alerts || alerts->n > UINT32_MAX) return;
    size_t n = alerts->n;
    uint32_t *order = ct_xmalloc((n ? n : 1) * sizeof *order);
    uint32_t *ka = ct_xcalloc(n ? n : 1, sizeof *ka), *kt = ct_xcalloc(n ? n : 1, sizeof *kt);
    for (size_t j = 0; j < n; j++) {
        size_t e = alerts->v[j].event;
        order[j] = (uint32_t)j;
        if (e < c->nev) {
            ka[j] = c->ev_actor[e];
            kt[j] = c->ev_target[e];
        }
    }
    post_build(&c->alert_actor, c->nkeys, order, n, ka, NULL, 0);
    post_build(&c->alert_target, c->nkeys, order, n, kt, NULL, 0);
    free(order);
    free(ka);
    free(kt);
    c->ai_v = alerts->v;
    c->ai_n = n;
}

/* The next alert index of the union of two ascending lists; SIZE_MAX at the end. */
static size_t union_next(const size_t *a, size_t na, size_t *ia, const size_t *b, size_t nb,
                         size_t *ib)
{
    size_t x = *ia < na ? a[*ia] : SIZE_MAX, y = *ib < nb ? b[*ib] : SIZE_MAX;
    size_t m = x < y ? x : y;
    if (x == m && m != SIZE_MAX) (*ia)++;
    if (y == m && m != SIZE_MAX) (*ib)++;
    return m;
}

static void related_fill(const ct_corr *c, const ct_alert *a, const ct_alerts *alerts,
                         const query *q, ct_corr_result *out)
{
    if (!alerts || !alerts->n || (!q->actor && !q->target)) return;
    /* candidates: from the alert index when it is of these alerts, else all */
    int indexed = c->ai_v == alerts->v && c->ai_n == alerts->n;
    const size_t *la = NULL, *lt = NULL;
    size_t na = 0, nt = 0, ia = 0, it = 0;
    if (indexed) {
        if (q->actor && q->actor <= c->nkeys) {
            la = c->alert_actor.items + c->alert_actor.start[q->actor];
            na = c->alert_actor.start[q->actor + 1] - c->alert_actor.start[q->actor];
        }
        if (q->target && q->target <= c->nkeys) {
            lt = c->alert_target.items + c->alert_target.start[q->target];
            nt = c->alert_target.start[q->target + 1] - c->alert_target.start[q->target];
        }
    }
    rel *r = NULL;
    size_t n = 0, cap = 0;
    for (size_t j = indexed ? union_next(la, na, &ia, lt, nt, &it) : 0;
         indexed ? j != SIZE_MAX : j < alerts->n;
         j = indexed ? union_next(la, na, &ia, lt, nt, &it) : j + 1) {
        const ct_alert *o = &alerts->v[j];
        if (o == a || o->event >= c->nev) continue;
        if (o->event == a->event && !strcmp(o->id, a->id)) continue; /* a copy of a */
        if (!indexed && !((q->actor && c->ev_actor[o->event] == q->actor) ||
                          (q->target && c->ev_target[o->event] == q->target)))
            continue; /* (the index lists only alerts of this actor or target) */
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            r = ct_xrealloc(r, cap * sizeof *r);
        }
        r[n].ts = o->ts != CT_TIME_NONE ? o->ts : c->st->ev[o->event].ts;
        r[n++].i = j;
    }
    if (!n) return;
    /* the session keeps alerts in time order: sort only if it does not */
    int sorted = 1;
    for (size_t j = 1; j < n && sorted; j++) sorted = cmp_rel(&r[j - 1], &r[j]) <= 0;
    if (!sorted) qsort(r, n, sizeof *r, cmp_rel);
    out->related_alerts = ct_xmalloc(n * sizeof *out->related_alerts);
    for (size_t j = 0; j < n; j++) out->related_alerts[j] = r[j].i;
    out->nrelated = n;
    free(r);
}

/* The same change exported twice (Entra audit and the M365 audit log carry
 * different record ids and clocks): the same key, or the same action within
 * a second. It is not an earlier change. */
static int same_change(const ct_store *st, uint32_t a, size_t b)
{
    const ct_event *x = &st->ev[a], *y = &st->ev[b];
    if (x->s[CT_EF_CRED_ID] && x->s[CT_EF_CRED_ID] == y->s[CT_EF_CRED_ID]) return 1;
    int64_t d = x->ts - y->ts;
    return x->s[CT_EF_ACTION] == y->s[CT_EF_ACTION] && d > -1000 && d < 1000;
}

static void history_fill(const ct_corr *c, const query *q, ct_corr_result *out)
{
    if (!q->target) return;
    const post *p = &c->adds;
    int actor_seen = 0;
    for (uint32_t j = p->start[q->target]; j < p->start[q->target + 1]; j++) {
        uint32_t i = p->items[j];
        if (!q->actor || c->ev_actor[i] != q->actor) continue;
        actor_seen = 1;
        if (i == q->self || q->ts == CT_TIME_NONE || c->st->ev[i].ts >= q->ts) continue;
        if (same_change(c->st, i, q->self)) continue;
        out->prior_changes++;
    }
    out->actor_changed_target_before = out->prior_changes > 0;
    out->distinct_actors = c->tdistinct[q->target];
    /* an imported alert whose source event is not loaded still counts its actor */
    if (q->actor && !actor_seen && (c->st->ev[q->self].flags & CT_EVF_ALERT))
        out->distinct_actors++;
}

int ct_corr_alert(const ct_corr *c, const ct_alert *a, const ct_alerts *alerts, int64_t window_ms,
                  ct_corr_result *out)
{
    memset(out, 0, sizeof *out);
    out->usage.first_use = CT_TIME_NONE;
    query q;
    if (!c || query_init(c, a, window_ms, &q) < 0) return -1;
    out->self_event = q.self;
    out->window_from = q.from;
    out->window_to = q.to;
    if (q.ts == CT_TIME_NONE) out->window_from = out->window_to = CT_TIME_NONE;
    out->same_target = slice_with_self(c, &c->target, q.target, &q, &out->nsame_target, &out->owned[0]);
    out->same_actor = slice_with_self(c, &c->actor, q.actor, &q, &out->nsame_actor, &out->owned[1]);
    usage_fill(c, &q, &out->usage);
    related_fill(c, a, alerts, &q, out);
    history_fill(c, &q, out);
    return 0;
}

void ct_corr_result_free(ct_corr_result *r)
{
    if (!r) return;
    free(r->owned[0]);
    free(r->owned[1]);
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
    if (!c || query_init(c, a, window_ms, &q) < 0) return 0;
    uint32_t tlo, thi, alo, ahi, ulo, uhi;
    post_slice(c, &c->target, q.target, q.from, q.to, &tlo, &thi);
    post_slice(c, &c->actor, q.actor, q.from, q.to, &alo, &ahi);
    size_t nt = thi - tlo, na = ahi - alo, both = 0;
    /* |T ∪ A| = |T| + |A| - |T ∩ A|; walk the smaller slice for the intersection */
    if (nt && na) {
        if (nt <= na) {
            for (uint32_t j = tlo; j < thi; j++)
                if (c->ev_actor[c->target.items[j]] == q.actor) both++;
        } else {
            for (uint32_t j = alo; j < ahi; j++)
                if (c->ev_target[c->actor.items[j]] == q.target) both++;
        }
    }
    size_t n = nt + na - both;
    int64_t sts = c->st->ev[q.self].ts;
    int self_listed = !q.self_is_alert_doc && (q.target || q.actor) && sts >= q.from && sts <= q.to;
    if (!self_listed) n++; /* the alert itself, shown in the timelines all the same */
    if (q.cred && q.ts != CT_TIME_NONE) {
        post_slice(c, &c->cred, q.cred, q.ts, q.to, &ulo, &uhi);
        for (uint32_t j = ulo; j < uhi; j++) {
            uint32_t i = c->cred.items[j];
            if (i == q.self || c->ev_used[i] != q.cred) continue;
            if ((q.target && c->ev_target[i] == q.target) || (q.actor && c->ev_actor[i] == q.actor))
                continue; /* already counted in a window slice */
            n++;
        }
    }
    return n;
}
