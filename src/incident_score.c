/* incident_score: routine pairs and the evidence factors of an incident
 * (incident.h, docs/INCIDENTS.md). Every factor reads the correlation index's
 * answer for one alert (ct_corr_alert): the new key's use, the target's and
 * the actor's own activity, the target's credential history. Each change of
 * the incident is asked once; a factor counts once per incident, with the
 * most points any of its changes earned. */
#include "incident_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_MS (60LL * 1000)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)

/* THE weights table: docs/INCIDENTS.md documents the same numbers. */
static const ct_factor_info factors[CT_FACTOR__COUNT] = {
    [CT_FACTOR_SEVERITY] = {"rule_severity", "the highest rule severity (low 5, medium 10, high 15, critical 20)", 20},
    [CT_FACTOR_KEY_USED] = {"key_used", "the new credential was used (within 1 h 25, 24 h 15, later 8)", 25},
    [CT_FACTOR_NEW_IP_APP] = {"new_ip_for_app", "the new credential was used from an IP never seen for the target", 25},
    [CT_FACTOR_OWNER_FIRST] = {"owner_first", "the actor added himself as owner in the 24 h before", 20},
    [CT_FACTOR_CRED_CALLS] = {"credential_calls", "credential-creating calls made with the new credential", 30},
    [CT_FACTOR_OFF_HOURS] = {"off_hours", "outside the actor's hours (no activity within 1 h of that time on other days)", 10},
    [CT_FACTOR_FIRST_CHANGE] = {"first_change", "first time this actor changed this target's credentials", 10},
    [CT_FACTOR_ACTOR_NEW_IP] = {"actor_new_ip", "the actor worked from an IP first seen for them in the 24 h before", 15},
    [CT_FACTOR_ROUTINE] = {"routine", "routine rotation: same actor, same target, regular schedule, usual IPs", -40},
};

const ct_factor_info *ct_incident_factor_info(ct_factor f)
{
    return f < CT_FACTOR__COUNT ? &factors[f] : NULL;
}

void ct_incident_facts_free(ct_incident_facts *F)
{
    free(F->a);
    free(F->act);
    free(F->hub);
    free(F->asked);
    if (F->scratch) free(F->scratch->v);
    free(F->scratch);
    memset(F, 0, sizeof *F);
}

/* ---- routine pairs: >= 3 changes of one target by one actor at a regular interval ---- */

typedef struct pc {
    uint32_t actor, target;
    int64_t ts;
    size_t canon, i;
} pc;

static int cmp_pc(const void *pa, const void *pb)
{
    const pc *a = pa, *b = pb;
    if (a->actor != b->actor) return a->actor < b->actor ? -1 : 1;
    if (a->target != b->target) return a->target < b->target ? -1 : 1;
    if (a->ts != b->ts) return a->ts < b->ts ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int cmp_i64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return a < b ? -1 : a > b;
}

void ct_incident_routine(ct_incident_facts *F, const ct_store *st, const ct_alerts *alerts, const ct_corr *c)
{
    (void)alerts;
    (void)c;
    pc *v = ct_xmalloc((F->n ? F->n : 1) * sizeof *v);
    size_t m = 0;
    for (size_t i = 0; i < F->n; i++) {
        const ct_alert_facts *f = &F->a[i];
        if (!f->ok || !f->actor || !f->target || f->actor == f->target || f->ts == CT_TIME_NONE) continue;
        if (!(st->ev[f->canon].flags & CT_EVF_CRED_ADD)) continue;
        v[m++] = (pc){f->actor, f->target, f->ts, f->canon, i};
    }
    qsort(v, m, sizeof *v, cmp_pc);
    int64_t *gaps = ct_xmalloc((m ? m : 1) * sizeof *gaps);
    for (size_t j = 0; j < m;) {
        size_t e = j;
        while (e < m && v[e].actor == v[j].actor && v[e].target == v[j].target) e++;
        /* distinct changes (several alerts of one change are one) */
        size_t ng = 0;
        int64_t last = CT_TIME_NONE;
        size_t lastc = SIZE_MAX;
        for (size_t x = j; x < e; x++) {
            if (v[x].canon == lastc) continue;
            if (last != CT_TIME_NONE) gaps[ng++] = v[x].ts - last;
            last = v[x].ts;
            lastc = v[x].canon;
        }
        if (ng >= 2) {
            qsort(gaps, ng, sizeof *gaps, cmp_i64);
            int64_t lo = gaps[0], hi = gaps[ng - 1], med = gaps[ng / 2];
            /* regular: every interval at least an hour, the longest within 1.5x the shortest */
            if (lo >= HOUR_MS && hi * 2 <= lo * 3)
                for (size_t x = j; x < e; x++) {
                    ct_alert_facts *f = &F->a[v[x].i];
                    f->routine = 1;
                    f->routine_changes = (int)ng + 1;
                    f->routine_period = med;
                    f->ident_links = 0;
                }
        }
        j = e;
    }
    free(gaps);
    free(v);
}

/* ---- the factors of one change ---- */

typedef struct found {
    int points[CT_FACTOR__COUNT];
    char text[CT_FACTOR__COUNT][160];
    size_t alert[CT_FACTOR__COUNT];
} found;

static void put(found *fd, ct_factor f, int points, size_t alert, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void put(found *fd, ct_factor f, int points, size_t alert, const char *fmt, ...)
{
    if (fd->points[f] && (points > 0 ? points <= fd->points[f] : points >= fd->points[f])) return;
    fd->points[f] = points;
    fd->alert[f] = alert;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fd->text[f], sizeof fd->text[f], fmt, ap);
    va_end(ap);
}

static void span(int64_t ms, char *out, size_t n)
{
    if (ms < HOUR_MS) snprintf(out, n, "%lld min", (long long)((ms + MIN_MS / 2) / MIN_MS));
    else if (ms < 2 * DAY_MS) snprintf(out, n, "%lld h", (long long)((ms + HOUR_MS / 2) / HOUR_MS));
    else snprintf(out, n, "%lld days", (long long)((ms + DAY_MS / 2) / DAY_MS));
}

static const char *str(const ct_store *st, size_t ev, enum ct_ef f)
{
    return ct_event_str(st, &st->ev[ev], f);
}

static const char *name_of(const ct_store *st, size_t ev, enum ct_ef name, enum ct_ef id)
{
    const char *s = str(st, ev, name);
    return s && *s ? s : (str(st, ev, id) ? str(st, ev, id) : "?");
}

uint32_t ct_incident__role_of(const ct_corr *c, size_t ev, ct_role r)
{
    const ct_entities *E = ct_corr_entities(c);
    uint32_t k = ct_entities_of(E, ev, r);
    if (!k) {
        size_t cn = ct_changes_canon(ct_corr_changes(c), ev);
        if (cn != ev) k = ct_entities_of(E, cn, r);
    }
    return k;
}

static int has_ip(uint32_t *set, size_t n, uint32_t ip)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == ip) return 1;
    return 0;
}

/* The new key's use after the change: how soon, from where, what it created.
 * uev: the credential usage (ct_corr_q_usage); the target's baseline is read
 * only when the key was used. */
static void usage_factors(found *fd, const ct_store *st, const ct_corr *c, const ct_corr_q *q, const uint32_t *uev,
                          size_t un, ct_corr_scratch *sc, size_t ai, size_t ev, int64_t ts)
{
    size_t first = SIZE_MAX, ncalls = 0;
    char calls[120] = "";
    for (size_t j = 0; j < un; j++) {
        const ct_event *e = &st->ev[uev[j]];
        if (e->ts == CT_TIME_NONE || e->ts < ts) continue;
        if (first == SIZE_MAX) first = j;
        if ((e->flags & CT_EVF_CRED_ADD) && ct_changes_canon(ct_corr_changes(c), uev[j]) == uev[j]) {
            const char *act = str(st, uev[j], CT_EF_ACTION);
            size_t len = strlen(calls);
            if (act && !strstr(calls, act) && len + strlen(act) + 3 < sizeof calls)
                snprintf(calls + len, sizeof calls - len, "%s%s", len ? ", " : "", act);
            ncalls++;
        }
    }
    if (first == SIZE_MAX) return;
    int64_t after = st->ev[uev[first]].ts - ts;
    char sp[32], when[32];
    span(after, sp, sizeof sp);
    ct_time_fmt(st->ev[uev[first]].ts, when);
    int w = factors[CT_FACTOR_KEY_USED].weight;
    put(fd, CT_FACTOR_KEY_USED, after <= HOUR_MS ? w : after <= DAY_MS ? w * 3 / 5 : w / 3, ai,
        "key used %s later (%s)", sp, when);
    if (ncalls)
        put(fd, CT_FACTOR_CRED_CALLS, factors[CT_FACTOR_CRED_CALLS].weight, ai,
            "%zu credential-creating call%s with the new key: %s", ncalls, ncalls == 1 ? "" : "s", calls);
    /* the target's own addresses before the change: its baseline */
    uint32_t target = q->target;
    if (!target) return;
    uint32_t base[64];
    size_t nb = 0, nbase_ev = 0;
    size_t nt = ct_corr_q_same_target_before(c, q, ts, sc);
    for (size_t j = 0; j < nt; j++) {
        size_t x = sc->v[j];
        const ct_event *e = &st->ev[x];
        if (ct_incident__role_of(c, x, CT_ROLE_ACTOR) != target) continue;
        nbase_ev++;
        uint32_t ip = ct_event_sid(st, e, CT_EF_ACTOR_IP);
        if (ip && nb < 64 && !has_ip(base, nb, ip)) base[nb++] = ip;
    }
    if (!nbase_ev) return; /* nothing to compare with: a new app has no usual address */
    char ips[120] = "";
    size_t nnew = 0;
    uint32_t seen[64];
    size_t ns = 0;
    for (size_t j = first; j < un; j++) {
        uint32_t ip = ct_event_sid(st, &st->ev[uev[j]], CT_EF_ACTOR_IP);
        if (!ip || has_ip(base, nb, ip) || has_ip(seen, ns, ip) || ns == 64) continue;
        seen[ns++] = ip;
        const char *s = ct_pool_str(&st->pool, ip);
        size_t len = strlen(ips);
        if (len + strlen(s) + 3 < sizeof ips) snprintf(ips + len, sizeof ips - len, "%s%s", len ? ", " : "", s);
        nnew++;
    }
    if (nnew)
        put(fd, CT_FACTOR_NEW_IP_APP, factors[CT_FACTOR_NEW_IP_APP].weight, ai,
            "from %s, never seen for %s (%zu earlier event%s)", ips, name_of(st, ev, CT_EF_TARGET_NAME, CT_EF_TARGET_ID),
            nbase_ev, nbase_ev == 1 ? "" : "s");
}

/* The actor's own activity: owner first, hours, address (F->act, one sweep
 * per actor: incident_actor.c). */
static void actor_factors(found *fd, const ct_store *st, const ct_actor_facts *A, size_t ai, size_t ev, int64_t ts)
{
    if (!A->ok) return;
    const char *who = name_of(st, ev, CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID);
    uint32_t ip = ct_event_sid(st, &st->ev[ev], CT_EF_ACTOR_IP);
    int tod = (int)(((ts % DAY_MS) + DAY_MS) % DAY_MS / MIN_MS);
    if (A->owner) {
        size_t x = A->owner - 1;
        char sp[32];
        span(ts - st->ev[x].ts, sp, sizeof sp);
        put(fd, CT_FACTOR_OWNER_FIRST, factors[CT_FACTOR_OWNER_FIRST].weight, ai,
            "%s added themself as owner of %s %s before", who, name_of(st, x, CT_EF_TARGET_NAME, CT_EF_TARGET_ID),
            sp);
    }
    if (A->other_days >= 5 && !A->near)
        put(fd, CT_FACTOR_OFF_HOURS, factors[CT_FACTOR_OFF_HOURS].weight, ai,
            "%02d:%02d UTC, outside %s's hours (none of %zu events on other days within 1 h of it)", tod / 60,
            tod % 60, who, (size_t)A->other_days);
    if (ip && A->older >= 3 && !A->ip_older && A->ip_first != CT_TIME_NONE) {
        char sp[32];
        span(ts - A->ip_first, sp, sizeof sp);
        put(fd, CT_FACTOR_ACTOR_NEW_IP, factors[CT_FACTOR_ACTOR_NEW_IP].weight, ai,
            "%s acted from %s, first seen for them %s before (%zu older events elsewhere)", who,
            ct_pool_str(&st->pool, ip), sp, (size_t)A->older);
    }
}

/* The alert's record is the change's standing record, or another export of it
 * with the same record id (Graph, Sentinel), not a copy of its own (M365). */
static int stands_for(const ct_store *st, const ct_alert *a, const ct_alert_facts *f)
{
    if (!f->ok) return 0;
    if (a->event == f->canon) return 1;
    uint32_t r = ct_event_sid(st, &st->ev[a->event], CT_EF_RECORD_ID);
    return r && r == ct_event_sid(st, &st->ev[f->canon], CT_EF_RECORD_ID);
}

void ct_incident_score(ct_incident *inc, const ct_incident_facts *F, const ct_store *st, const ct_alerts *alerts,
                       const ct_corr *c, int64_t window_ms)
{
    found fd;
    memset(&fd, 0, sizeof fd);
    int sev = 0, all_routine = 1;
    size_t lead = inc->alerts[0];
    const ct_alert_facts *rt = NULL;
    for (size_t j = 0; j < inc->nalerts; j++) {
        size_t ai = inc->alerts[j];
        const ct_alert *a = &alerts->v[ai];
        const ct_alert_facts *f = &F->a[ai];
        int rank = ct_severity_rank(a->severity);
        /* the lead: the highest severity, then the earliest, then the export standing for its change */
        int stands = stands_for(st, a, f), lead_stands = stands_for(st, &alerts->v[lead], &F->a[lead]);
        int64_t t = f->ts / 1000, lt = F->a[lead].ts / 1000; /* M365 has whole seconds */
        if (rank > sev || (rank == sev && (t < lt || (t == lt && stands && !lead_stands)))) lead = ai;
        if (rank > sev) sev = rank;
        if (!f->routine) all_routine = 0;
        else if (!rt) rt = f;
        if (!f->ok) continue;
        /* each change once (F->asked: the changes asked in this incident, by event) */
        if (F->asked[f->canon]) continue;
        F->asked[f->canon] = 1;
        /* the parts of ct_corr_alert's answer the factors read, each read once, no copies kept */
        ct_corr_q q;
        if (ct_corr_q_init(c, a, window_ms, &q) < 0) continue;
        size_t ev = f->canon;
        int64_t ts = f->ts;
        if (ts != CT_TIME_NONE) {
            const uint32_t *uev;
            size_t un = ct_corr_q_usage(c, &q, &uev);
            usage_factors(&fd, st, c, &q, uev, un, F->scratch, ai, ev, ts);
            actor_factors(&fd, st, &F->act[ai], ai, ev, ts);
        }
        if ((st->ev[ev].flags & CT_EVF_CRED_ADD) && q.actor && q.target && q.actor != q.target &&
            !ct_corr_q_changed_before(c, &q))
            put(&fd, CT_FACTOR_FIRST_CHANGE, factors[CT_FACTOR_FIRST_CHANGE].weight, ai,
                "first time %s changed %s's credentials in the loaded data",
                name_of(st, ev, CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID), name_of(st, ev, CT_EF_TARGET_NAME, CT_EF_TARGET_ID));
    }
    for (size_t j = 0; j < inc->nalerts; j++) /* clear what this incident marked */
        if (F->a[inc->alerts[j]].ok) F->asked[F->a[inc->alerts[j]].canon] = 0;
    inc->lead = lead;
    if (sev)
        put(&fd, CT_FACTOR_SEVERITY, factors[CT_FACTOR_SEVERITY].weight * sev / 4, lead, "%s rule: %s",
            alerts->v[lead].severity, alerts->v[lead].rule_name ? alerts->v[lead].rule_name : "?");
    /* routine: every alert on a regular schedule, the key only from usual places, nothing created with it */
    int routine = all_routine && rt && !fd.points[CT_FACTOR_NEW_IP_APP] && !fd.points[CT_FACTOR_CRED_CALLS];
    if (routine) {
        char sp[32];
        span(rt->routine_period, sp, sizeof sp);
        fd.points[CT_FACTOR_FIRST_CHANGE] = 0; /* the schedule shows it is no first */
        const ct_alert *a = &alerts->v[lead];
        size_t ev = a->event < st->nev ? F->a[lead].canon : 0;
        put(&fd, CT_FACTOR_ROUTINE, factors[CT_FACTOR_ROUTINE].weight, lead,
            "routine rotation: %s changed %s %d times, every %s, key used only from its usual IPs",
            a->event < st->nev ? name_of(st, ev, CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID) : "?",
            a->event < st->nev ? name_of(st, ev, CT_EF_TARGET_NAME, CT_EF_TARGET_ID) : "?", rt->routine_changes, sp);
    }
    int score = 0;
    inc->reasons = ct_xmalloc(CT_FACTOR__COUNT * sizeof *inc->reasons);
    inc->nreasons = 0;
    for (int f = 0; f < CT_FACTOR__COUNT; f++) {
        if (!fd.points[f]) continue;
        score += fd.points[f];
        ct_incident_reason *x = &inc->reasons[inc->nreasons++];
        x->factor = (ct_factor)f;
        x->points = fd.points[f];
        x->alert = fd.alert[f];
        memcpy(x->text, fd.text[f], sizeof x->text);
    }
    /* highest points first (stable: table order on ties) */
    for (size_t i = 1; i < inc->nreasons; i++)
        for (size_t j = i; j > 0 && inc->reasons[j].points > inc->reasons[j - 1].points; j--) {
            ct_incident_reason t = inc->reasons[j];
            inc->reasons[j] = inc->reasons[j - 1];
            inc->reasons[j - 1] = t;
        }
    inc->score = score < 0 ? 0 : score > 100 ? 100 : score;
    /* severity escalates from the score; never below the rules' own but for routine */
    static const char *const sevs[] = {"low", "low", "medium", "high", "critical"};
    int tier = inc->score >= 80 ? 4 : inc->score >= 55 ? 3 : inc->score >= 30 ? 2 : 1;
    if (!routine && sev > tier) tier = sev;
    inc->severity = sevs[tier];
}
