/* incident: folding alerts into incidents (incident.h). Scoring is in
 * incident_score.c, the JSON form in incident_json.c.
 *
 * A union-find over the alerts, fed by five link kinds, each found by a sort
 * and a scan of neighbours (never all pairs): the same change, a credential
 * made by one and used by the other, the same actor or target within the gap,
 * the target acting after the change. Identity links skip hubs and routine
 * pairs, so one shared first-party app or automation account cannot chain
 * unrelated stories together. */
#include "incident_int.h"

#include <stdlib.h>
#include <string.h>

const char *ct_incident_link_name(ct_link_kind k)
{
    static const char *const n[] = {"same_change", "credential", "same_actor", "same_target", "target_acts"};
    return k <= CT_ILINK_TARGET_ACTS ? n[k] : "?";
}

/* ---- union-find, recording the link that first joined two sets ---- */

typedef struct uf {
    size_t *p;
    ct_incident_link *links;
    size_t nlinks, cap;
} uf;

static size_t uf_find(uf *u, size_t x)
{
    while (u->p[x] != x) {
        u->p[x] = u->p[u->p[x]];
        x = u->p[x];
    }
    return x;
}

static void uf_join(uf *u, size_t a, size_t b, ct_link_kind k)
{
    size_t ra = uf_find(u, a), rb = uf_find(u, b);
    if (ra == rb) return;
    if (ra < rb) u->p[rb] = ra;
    else u->p[ra] = rb;
    if (u->nlinks == u->cap) u->links = ct_xrealloc(u->links, (u->cap = u->cap ? 2 * u->cap : 64) * sizeof *u->links);
    u->links[u->nlinks++] = (ct_incident_link){k, a, b};
}

/* ---- sorting alerts by a key, then time ---- */

typedef struct keyed {
    uint64_t key;
    int64_t ts;
    size_t i;
} keyed;

static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (a->ts != b->ts) return a->ts < b->ts ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static size_t keyed_fill(const ct_incident_facts *F, size_t n, keyed *k, uint64_t (*key)(const ct_alert_facts *))
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = key(&F->a[i]);
        if (x) k[m++] = (keyed){x, F->a[i].ts, i};
    }
    qsort(k, m, sizeof *k, cmp_keyed);
    return m;
}

static uint64_t key_change(const ct_alert_facts *f) { return f->ok ? (uint64_t)f->canon + 1 : 0; }
static uint64_t key_made(const ct_alert_facts *f) { return f->made; }
static uint64_t key_actor(const ct_alert_facts *f) { return f->ident_links && !f->actor_hub ? f->actor : 0; }
static uint64_t key_target(const ct_alert_facts *f) { return f->ident_links && !f->target_hub ? f->target : 0; }

/* Runs of one key within gap of the previous alert of the run are joined. */
static void join_runs(uf *u, const keyed *k, size_t m, int64_t gap, ct_link_kind kind)
{
    for (size_t j = 1; j < m; j++) {
        if (k[j].key != k[j - 1].key) continue;
        if (gap >= 0 && (k[j].ts == CT_TIME_NONE || k[j - 1].ts == CT_TIME_NONE || k[j].ts - k[j - 1].ts > gap))
            continue;
        uf_join(u, k[j - 1].i, k[j].i, kind);
    }
}

/* First item of k[0..m) with key >= key (and time >= ts). */
static size_t lower(const keyed *k, size_t m, uint64_t key, int64_t ts)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k[mid].key < key || (k[mid].key == key && k[mid].ts < ts)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void link_all(const ct_incident_facts *F, uf *u)
{
    size_t n = F->n;
    keyed *k = ct_xmalloc((n ? n : 1) * sizeof *k), *k2 = ct_xmalloc((n ? n : 1) * sizeof *k2);
    /* the same change: several sources, several rules */
    size_t m = keyed_fill(F, n, k, key_change);
    join_runs(u, k, m, -1, CT_ILINK_SAME_CHANGE);
    /* a credential made by one alert's event, used by another's, not before */
    m = keyed_fill(F, n, k, key_made);
    for (size_t i = 0; i < n; i++) {
        const ct_alert_facts *f = &F->a[i];
        if (!f->used || f->ts == CT_TIME_NONE) continue;
        for (size_t j = lower(k, m, f->used, INT64_MIN); j < m && k[j].key == f->used; j++)
            if (k[j].i != i && k[j].ts != CT_TIME_NONE && k[j].ts <= f->ts) uf_join(u, k[j].i, i, CT_ILINK_CREDENTIAL);
    }
    /* the same actor, the same target, within the gap */
    m = keyed_fill(F, n, k, key_actor);
    join_runs(u, k, m, CT_INCIDENT_ACTOR_GAP, CT_ILINK_SAME_ACTOR);
    size_t m2 = keyed_fill(F, n, k2, key_target);
    join_runs(u, k2, m2, CT_INCIDENT_ACTOR_GAP, CT_ILINK_SAME_TARGET);
    /* the target acting: b's actor is a's target, b within the window after a */
    for (size_t j = 0; j < m; j++) {
        const ct_alert_facts *b = &F->a[k[j].i];
        if (b->ts == CT_TIME_NONE) continue;
        int64_t from = b->ts - CT_INCIDENT_TARGET_ACTS;
        for (size_t x = lower(k2, m2, b->actor, from); x < m2 && k2[x].key == b->actor && k2[x].ts <= b->ts; x++)
            if (k2[x].i != k[j].i && k2[x].ts != CT_TIME_NONE && F->a[k2[x].i].actor != b->actor)
                uf_join(u, k2[x].i, k[j].i, CT_ILINK_TARGET_ACTS);
    }
    free(k);
    free(k2);
}

/* ---- hubs: identities whose alerts have many distinct counterparts ---- */

typedef struct pair {
    uint32_t x, y;
} pair;

static int cmp_pair(const void *pa, const void *pb)
{
    const pair *a = pa, *b = pb;
    if (a->x != b->x) return a->x < b->x ? -1 : 1;
    return a->y < b->y ? -1 : a->y > b->y;
}

/* Marks hubs in F->hub (indexed by entity number, their number of distinct
 * counterparts): identities with more than CT_INCIDENT_HUB_PEERS of them over
 * all alerts. Each incident names the ones among its entities (shared_peers),
 * so an analyst sees why a burst of one actor is several incidents. */
static void hubs(ct_incident_facts *F, uint32_t nid)
{
    F->hub = ct_xcalloc((size_t)nid + 1, sizeof *F->hub);
    pair *p = ct_xmalloc((2 * F->n + 1) * sizeof *p);
    size_t m = 0;
    for (size_t i = 0; i < F->n; i++) {
        const ct_alert_facts *f = &F->a[i];
        if (!f->actor || !f->target || f->actor == f->target) continue;
        p[m++] = (pair){f->actor, f->target};
        p[m++] = (pair){f->target, f->actor};
    }
    qsort(p, m, sizeof *p, cmp_pair);
    for (size_t j = 0; j < m;) {
        size_t e = j, peers = 0;
        while (e < m && p[e].x == p[j].x) {
            if (e == j || p[e].y != p[e - 1].y) peers++;
            e++;
        }
        if (peers > CT_INCIDENT_HUB_PEERS) F->hub[p[j].x] = (uint32_t)peers;
        j = e;
    }
    free(p);
    for (size_t i = 0; i < F->n; i++) {
        ct_alert_facts *f = &F->a[i];
        f->actor_hub = f->actor && F->hub[f->actor] > 0;
        f->target_hub = f->target && F->hub[f->target] > 0;
    }
}

/* ---- facts per alert ---- */

static void facts_fill(ct_incident_facts *F, const ct_store *st, const ct_alerts *alerts, const ct_corr *c)
{
    F->n = alerts->n;
    F->a = ct_xcalloc(F->n ? F->n : 1, sizeof *F->a);
    for (size_t i = 0; i < F->n; i++) {
        const ct_alert *a = &alerts->v[i];
        ct_alert_facts *f = &F->a[i];
        f->ts = a->ts;
        if (a->event >= st->nev) continue;
        f->ok = 1;
        if (f->ts == CT_TIME_NONE) f->ts = st->ev[a->event].ts;
        f->canon = ct_changes_canon(ct_corr_changes(c), a->event);
        f->actor = ct_incident__role_of(c, a->event, CT_ROLE_ACTOR);
        f->target = ct_incident__role_of(c, a->event, CT_ROLE_TARGET);
        f->made = ct_incident__role_of(c, a->event, CT_ROLE_CRED_MADE);
        f->used = ct_incident__role_of(c, a->event, CT_ROLE_CRED_USED);
        f->ident_links = 1;
    }
    hubs(F, ct_entities_count(ct_corr_entities(c)));
    F->asked = ct_xcalloc(st->nev ? st->nev : 1, 1);
    F->scratch = ct_xcalloc(1, sizeof *F->scratch);
}

/* ---- assembling the incidents ---- */

/* (time, alert index): the time is carried, qsort has no context argument */
typedef struct timed {
    int64_t ts;
    size_t i;
} timed;

static int cmp_timed(const void *pa, const void *pb)
{
    const timed *a = pa, *b = pb;
    if (a->ts != b->ts) return a->ts < b->ts ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int cmp_incident(const void *pa, const void *pb)
{
    const ct_incident *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    if (a->last_ts != b->last_ts) return a->last_ts > b->last_ts ? -1 : 1;
    return strcmp(a->id, b->id);
}

static void entity_add(ct_incident *inc, size_t *cap, const ct_entities *E, size_t ev, ct_role r)
{
    ct_entity_ref ref;
    if (!ct_entities_ref(E, ev, r, &ref)) return;
    for (size_t j = 0; j < inc->nentities; j++) {
        const ct_incident_entity *x = &inc->entities[j];
        if (x->role != r) continue;
        if (ref.ident ? x->ident == ref.ident : (x->id && ref.id && !strcmp(x->id, ref.id))) return;
    }
    if (inc->nentities == *cap) inc->entities = ct_xrealloc(inc->entities, (*cap = *cap ? 2 * *cap : 8) * sizeof *inc->entities);
    inc->entities[inc->nentities++] = (ct_incident_entity){r, ref.kind, ref.ident, ref.id, ref.name, 0};
}

static void entities_fill(ct_incident *inc, const ct_alerts *alerts, const ct_corr *c)
{
    const ct_entities *E = ct_corr_entities(c);
    size_t cap = 0;
    static const ct_role roles[] = {CT_ROLE_ACTOR, CT_ROLE_TARGET, CT_ROLE_CRED_MADE, CT_ROLE_NAMED};
    for (int r = 0; r < 4; r++)
        for (size_t j = 0; j < inc->nalerts; j++) {
            const ct_alert *a = &alerts->v[inc->alerts[j]];
            size_t ev = ct_changes_canon(ct_corr_changes(c), a->event);
            size_t before = inc->nentities;
            entity_add(inc, &cap, E, ev, roles[r]);
            if (inc->nentities == before && ev != a->event) entity_add(inc, &cap, E, a->event, roles[r]);
        }
}

int ct_incidents_build(const ct_store *st, const ct_alerts *alerts, const ct_corr *c, int64_t window_ms,
                       ct_incidents *out)
{
    if (ct_incidents_group(st, alerts, c, window_ms, NULL, out) < 0) return -1;
    ct_incidents_refresh(out, alerts);
    return 0;
}

int ct_incidents_group(const ct_store *st, const ct_alerts *alerts, const ct_corr *c, int64_t window_ms,
                       ct_incidents_ctl *ctl, ct_incidents *out)
{
    memset(out, 0, sizeof *out);
    if (!st || !alerts || !c) return -1;
    ct_incident_facts F = {0};
    facts_fill(&F, st, alerts, c);
    ct_incident_routine(&F, st, alerts, c); /* routine pairs link by change and credential only */
    ct_incident_actors(&F, st, alerts, c, window_ms);
    size_t n = F.n;
    uf u = {ct_xmalloc((n ? n : 1) * sizeof(size_t)), NULL, 0, 0};
    for (size_t i = 0; i < n; i++) u.p[i] = i;
    link_all(&F, &u);

    /* members of each set, in time order */
    timed *order = ct_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) order[i] = (timed){F.a[i].ts, i};
    qsort(order, n, sizeof *order, cmp_timed);
    size_t *root_inc = ct_xmalloc((n ? n : 1) * sizeof *root_inc);
    for (size_t i = 0; i < n; i++) root_inc[i] = SIZE_MAX;
    out->of_alert = ct_xmalloc((n ? n : 1) * sizeof *out->of_alert);
    out->nalerts = n;
    size_t cap = 0;
    for (size_t j = 0; j < n; j++) {
        size_t i = order[j].i, r = uf_find(&u, i);
        if (root_inc[r] == SIZE_MAX) {
            if (out->n == cap) out->v = ct_xrealloc(out->v, (cap = cap ? 2 * cap : 16) * sizeof *out->v);
            ct_incident *inc = &out->v[out->n];
            memset(inc, 0, sizeof *inc);
            snprintf(inc->id, sizeof inc->id, "INC-%.12s", alerts->v[i].id);
            inc->first_ts = F.a[i].ts;
            root_inc[r] = out->n++;
        }
        ct_incident *inc = &out->v[root_inc[r]];
        inc->alerts = ct_xrealloc(inc->alerts, (inc->nalerts + 1) * sizeof *inc->alerts);
        inc->alerts[inc->nalerts++] = i;
        if (F.a[i].ts != CT_TIME_NONE) inc->last_ts = F.a[i].ts;
    }
    /* each link to its incident */
    for (size_t l = 0; l < u.nlinks; l++) {
        ct_incident *inc = &out->v[root_inc[uf_find(&u, u.links[l].a)]];
        inc->links = ct_xrealloc(inc->links, (inc->nlinks + 1) * sizeof *inc->links);
        inc->links[inc->nlinks++] = u.links[l];
    }
    if (ctl) atomic_store(&ctl->total, out->n);
    int stopped = 0;
    for (size_t k = 0; k < out->n && !stopped; k++) {
        ct_incident *inc = &out->v[k];
        entities_fill(inc, alerts, c);
        for (size_t j = 0; j < inc->nentities; j++) {
            ct_incident_entity *e = &inc->entities[j];
            if (e->ident && (e->role == CT_ROLE_ACTOR || e->role == CT_ROLE_TARGET)) e->shared_peers = F.hub[e->ident];
        }
        ct_incident_score(inc, &F, st, alerts, c, window_ms);
        if (ctl && !(k & 255)) {
            atomic_store(&ctl->done, k);
            stopped = atomic_load(&ctl->stop);
        }
    }
    if (!stopped) {
        qsort(out->v, out->n, sizeof *out->v, cmp_incident);
        for (size_t k = 0; k < out->n; k++)
            for (size_t j = 0; j < out->v[k].nalerts; j++) out->of_alert[out->v[k].alerts[j]] = k;
        if (ctl) atomic_store(&ctl->done, out->n);
    }
    free(order);
    free(root_inc);
    free(u.p);
    free(u.links);
    ct_incident_facts_free(&F);
    if (stopped) {
        ct_incidents_free(out);
        return -1;
    }
    return 0;
}

void ct_incidents_refresh(ct_incidents *in, const ct_alerts *alerts)
{
    size_t ni = in->n;
    if (in->nalerts == alerts->n && ni < UINT32_MAX && alerts->n < UINT32_MAX) {
        /* in alert order, each status read once where it lies: incident by
         * incident (score order) each alert was a cache miss, 230k of them */
        uint32_t *lead = ct_xmalloc((ni ? ni : 1) * sizeof *lead);
        uint8_t *st = ct_xmalloc(ni ? ni : 1), *open = ct_xcalloc(ni ? ni : 1, 1), *mixed = ct_xcalloc(ni ? ni : 1, 1);
        for (size_t k = 0; k < ni; k++) lead[k] = (uint32_t)in->v[k].lead;
        for (size_t i = 0; i < alerts->n; i++) {
            size_t k = in->of_alert[i];
            if (lead[k] == i) st[k] = alerts->v[i].status;
        }
        for (size_t i = 0; i < alerts->n; i++) {
            size_t k = in->of_alert[i];
            ct_status s = alerts->v[i].status;
            if (s == CT_STATUS_OPEN) open[k] = 1;
            else if (s != st[k]) mixed[k] = 1;
        }
        for (size_t k = 0; k < ni; k++) {
            in->v[k].status = open[k] ? CT_STATUS_OPEN : (ct_status)st[k];
            in->v[k].mixed = open[k] ? 0 : mixed[k];
        }
        free(lead);
        free(st);
        free(open);
        free(mixed);
        return;
    }
    for (size_t k = 0; k < in->n; k++) {
        ct_incident *inc = &in->v[k];
        inc->mixed = 0;
        inc->status = alerts->v[inc->lead].status;
        int open = 0;
        for (size_t j = 0; j < inc->nalerts; j++) {
            ct_status s = alerts->v[inc->alerts[j]].status;
            if (s == CT_STATUS_OPEN) open = 1;
            else if (s != inc->status) inc->mixed = 1;
        }
        if (open) {
            inc->status = CT_STATUS_OPEN;
            inc->mixed = 0;
        }
    }
}

void ct_incidents_free(ct_incidents *in)
{
    if (!in) return;
    for (size_t k = 0; k < in->n; k++) {
        free(in->v[k].alerts);
        free(in->v[k].reasons);
        free(in->v[k].links);
        free(in->v[k].entities);
    }
    free(in->v);
    free(in->of_alert);
    memset(in, 0, sizeof *in);
}

ct_incident *ct_incidents_find(const ct_incidents *in, const char *id)
{
    if (!in || !id) return NULL;
    size_t len = strlen(id);
    if (len < 8) return NULL;
    ct_incident *hit = NULL;
    for (size_t k = 0; k < in->n; k++) {
        if (!ct_strncaseeq(in->v[k].id, id, len)) continue;
        if (strlen(in->v[k].id) == len) return &in->v[k];
        if (hit) return NULL;
        hit = &in->v[k];
    }
    return hit;
}

ct_incident *ct_incidents_of_alert(const ct_incidents *in, size_t i)
{
    return in && i < in->nalerts ? &in->v[in->of_alert[i]] : NULL;
}
