/* Unit tests for src/incident*.c with exact sets: on the samples (issue #17's
 * must-show: the Entra alert and its Microsoft 365 twin in one incident;
 * alice's key for bob, bob's federation token and key pair in one incident
 * without carol's; the payroll-sync takeover and alice's chain above every
 * routine svc-deploy rotation, with their named factors), and on events built
 * by hand: a shared first-party actor does not chain two stories, a routine
 * pair links only by change, the target acting joins, the gaps are bounds.
 * Runs from the repo root (CREDTRIAGE_DATADIR=.). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "evspec.h"
#include "incident.h"
#include "incident_int.h"
#include "session.h"

static const char *sample_files[] = {
    "samples/cloudtrail.json.gz", "samples/elastic-alerts.json", "samples/entra-audit.ndjson",
    "samples/entra-signins.json", "samples/eventbridge.ndjson",  "samples/gcp-audit.ndjson",
    "samples/graph-directoryaudits.json", "samples/m365-audit.ndjson", "samples/sentinel-auditlogs.json",
};

static ct_session g_s;
static ct_incidents g_in;

static int setup_samples(void **state)
{
    (void)state;
    setenv("CREDTRIAGE_DATADIR", ".", 1);
    ct_session_opts o = {0};
    o.no_repo = 1;
    o.files = (char *const *)sample_files;
    o.nfiles = (int)(sizeof sample_files / sizeof *sample_files);
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_session_open(&g_s, &o, &err);
    ct_sbuf_free(&err);
    if (rc < 0) return -1;
    return ct_incidents_build(&g_s.store, &g_s.alerts, g_s.corr, g_s.window_ms, &g_in);
}

static int teardown_samples(void **state)
{
    (void)state;
    ct_incidents_free(&g_in);
    ct_session_close(&g_s);
    return 0;
}

static const ct_incident *of_alert(const char *id)
{
    ct_alert *a = ct_alerts_find(&g_s.alerts, id);
    assert_non_null(a);
    return ct_incidents_of_alert(&g_in, (size_t)(a - g_s.alerts.v));
}

/* The incident's alert ids are exactly want (NULL-terminated), in time order. */
static void assert_alerts(const ct_incident *inc, const char *const *want)
{
    size_t n = 0;
    while (want[n]) n++;
    assert_int_equal(inc->nalerts, n);
    for (size_t j = 0; j < n; j++) assert_string_equal(g_s.alerts.v[inc->alerts[j]].id, want[j]);
}

/* The incident's factors are exactly want (NULL-terminated names), highest points first. */
static void assert_factors(const ct_incident *inc, const char *const *want)
{
    size_t n = 0;
    while (want[n]) n++;
    for (size_t j = 0; j < inc->nreasons && j < n; j++)
        assert_string_equal(ct_incident_factor_info(inc->reasons[j].factor)->name, want[j]);
    assert_int_equal(inc->nreasons, n);
}

static void test_samples_sets(void **state)
{
    (void)state;
    assert_int_equal(g_s.alerts.n, 31);
    assert_int_equal(g_in.n, 13);
    /* the payroll-sync takeover: megan makes herself owner of hr-portal, then the secret (Entra + M365) */
    const ct_incident *megan = of_alert("5b13199216650932");
    /* ... and the ES|QL rule seeing that secret used within the hour from new addresses */
    assert_alerts(megan, (const char *const[]){"8db28f3a187bee07", "07cd78a66364a17d", "5b13199216650932",
                                               "40e3ef31fd2ac595", NULL});
    assert_ptr_equal(of_alert("07cd78a66364a17d"), megan);
    assert_string_equal(g_s.alerts.v[megan->lead].id, "5b13199216650932");
    assert_string_equal(megan->id, "INC-8db28f3a187b");
    /* alice's key for bob (three rules: Elastic's ES|QL "IAM user created access keys for
     * another user" among them), her login profile for svc-reporting 3 min later, bob's
     * GetFederationToken and CreateKeyPair made with the new key */
    const ct_incident *alice = of_alert("486d7e1026454f68");
    assert_alerts(alice, (const char *const[]){"0433ccf7cdd456d5", "d0c9e84b66cd665c", "486d7e1026454f68", "0e1bb0dbc34a4a89",
                                               "f7af44cb684c3222", "5586a2044b4a7169", NULL});
    /* carol's own key and her password change: each alone */
    assert_alerts(of_alert("d4c1a2cce1dd2c77"), (const char *const[]){"d4c1a2cce1dd2c77", NULL});
    assert_alerts(of_alert("d668db42a64d4cd9"), (const char *const[]){"d668db42a64d4cd9", NULL});
    /* each svc-deploy rotation is its Entra record and its M365 copy */
    static const char *const rot[4][3] = {{"f648cfccc6662733", "46a9a802043caf8b", NULL},
                                          {"111ac411bf020116", "c03825ca22bce57c", NULL},
                                          {"5195e3d4941c414f", "9668a87cb7bb6e25", NULL},
                                          {"10742ad87994700b", "726e1ba23b4b697d", NULL}};
    for (int r = 0; r < 4; r++) {
        const ct_incident *inc = of_alert(rot[r][0]);
        assert_alerts(inc, rot[r]);
        assert_factors(inc, (const char *const[]){"key_used", "rule_severity", "routine", NULL});
        assert_int_equal(inc->score, 0);
        assert_string_equal(inc->severity, "low");
        assert_true(megan->score > inc->score && alice->score > inc->score);
    }
    /* nestor's service principal and its credentials, with the Elastic alert merged */
    assert_alerts(of_alert("b7e829f7a4beecc9"), (const char *const[]){"ff3c0366fe949c06", "8f27aa2e1d65f7cf",
                                                                      "ad1af426e28c4b5e", "b7e829f7a4beecc9",
                                                                      "375ad9dae7231ee7", NULL});
}

static void test_samples_factors(void **state)
{
    (void)state;
    const ct_incident *megan = of_alert("5b13199216650932");
    assert_factors(megan, (const char *const[]){"key_used", "new_ip_for_app", "owner_first", "actor_new_ip",
                                                "rule_severity", "off_hours", "first_change", NULL});
    assert_string_equal(megan->reasons[0].text, "key used 17 min later (2026-11-05T02:31:02.532Z)");
    assert_string_equal(megan->reasons[1].text,
                        "from 203.0.113.66, 198.51.100.23, never seen for payroll-sync (3 earlier events)");
    assert_string_equal(megan->reasons[2].text,
                        "megan.bowen@contoso.com added themself as owner of hr-portal 15 min before");
    assert_int_equal(megan->score, 100);
    assert_string_equal(megan->severity, "critical");
    const ct_incident *alice = of_alert("486d7e1026454f68");
    assert_factors(alice, (const char *const[]){"credential_calls", "key_used", "new_ip_for_app", "rule_severity",
                                                "actor_new_ip", "off_hours", "first_change", NULL});
    assert_string_equal(alice->reasons[0].text,
                        "2 credential-creating calls with the new key: GetFederationToken, CreateKeyPair");
    assert_int_equal(alice->score, 100);
    /* entities: the actors, targets and made credentials, each once */
    size_t actors = 0, targets = 0;
    for (size_t j = 0; j < alice->nentities; j++) {
        if (alice->entities[j].role == CT_ROLE_ACTOR) actors++;
        if (alice->entities[j].role == CT_ROLE_TARGET) targets++;
    }
    assert_int_equal(actors, 2);  /* alice, bob */
    assert_int_equal(targets, 4); /* bob, svc-reporting, bob-ops, ops-recovery */
    /* sorted by score, then newest */
    for (size_t k = 1; k < g_in.n; k++) assert_true(g_in.v[k - 1].score >= g_in.v[k].score);
    assert_ptr_equal(&g_in.v[0], alice);
    assert_ptr_equal(&g_in.v[1], megan);
    /* lookups */
    assert_ptr_equal(ct_incidents_find(&g_in, "inc-8db28f3a"), megan);
    assert_null(ct_incidents_find(&g_in, "INC-"));
    assert_null(ct_incidents_find(&g_in, "INC-ffffffff"));
}

static void test_samples_json(void **state)
{
    (void)state;
    const ct_incident *megan = of_alert("5b13199216650932");
    cJSON *j = ct_incident_json(&g_s.store, &g_s.alerts, megan);
    assert_string_equal(cJSON_GetObjectItem(j, "id")->valuestring, "INC-8db28f3a187b");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "alerts")), 4);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "reasons")), 7);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "links")), 3);
    assert_string_equal(cJSON_GetObjectItem(j, "status")->valuestring, "open");
    cJSON_Delete(j);
}

/* ---- hand-built ---- */

static size_t add_key(ct_store *st, int64_t t, const char *actor, const char *target, const char *key,
                      const char *addr)
{
    char aarn[64], tarn[64];
    snprintf(aarn, sizeof aarn, "arn:aws:iam::1:user/%s", actor);
    snprintf(tarn, sizeof tarn, "arn:aws:iam::1:user/%s", target);
    return add(st, (spec){.ts = t, .dataset = "aws.cloudtrail", .action = "CreateAccessKey", .record_id = key,
                          .actor_id = aarn, .actor_name = actor, .actor_type = "iam_user", .ip = addr,
                          .target_id = tarn, .target_name = target, .target_type = "iam_user", .cred_id = key,
                          .cred_type = "access_key", .flags = CT_EVF_CRED_ADD});
}

static void build(ct_store *st, ct_alerts *al, ct_corr **c, ct_incidents *in)
{
    al->n = 0;
    al->v = calloc(st->nev, sizeof *al->v);
    for (size_t i = 0; i < st->nev; i++)
        if (st->ev[i].flags & CT_EVF_CRED_ADD) {
            char id[17];
            snprintf(id, sizeof id, "%016zx", i + 1);
            al->v[al->n++] = mk_alert(st, i, id);
        }
    *c = ct_corr_build(st);
    assert_int_equal(ct_incidents_build(st, al, *c, -1, in), 0);
}

static void done(ct_store *st, ct_alerts *al, ct_corr *c, ct_incidents *in)
{
    ct_incidents_free(in);
    ct_corr_free(c);
    free(al->v);
    ct_store_free(st);
}

/* A shared automation account creating keys for 10 users in one hour is
 * one hub: its alerts do not chain through it (each stays with its own story),
 * and each incident names it as a shared identity with its 10 counterparts.
 * With 8 users (the limit, CT_INCIDENT_HUB_PEERS) it is no hub: one incident. */
/* The shared automation account creates a key for users u0..u<n-1>, a minute apart. */
static void automation_keys(ct_store *st, int n)
{
    static const char *const users[10] = {"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"};
    static const char *const keys[10] = {"AKIA0", "AKIA1", "AKIA2", "AKIA3", "AKIA4",
                                         "AKIA5", "AKIA6", "AKIA7", "AKIA8", "AKIA9"};
    assert_true(n <= 10);
    for (int k = 0; k < n; k++)
        add(st, (spec){.ts = T0 + k * MIN, .dataset = "aws.cloudtrail", .action = "CreateAccessKey",
                       .record_id = keys[k], .actor_id = "arn:aws:iam::1:user/automation",
                       .actor_name = "automation", .actor_type = "iam_user", .ip = "192.0.2.1",
                       .target_id = users[k], .target_name = users[k], .target_type = "iam_user",
                       .cred_id = keys[k], .cred_type = "access_key", .flags = CT_EVF_CRED_ADD});
}

static void test_hub_not_chained(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    automation_keys(&st, 10);
    ct_alerts al;
    ct_corr *c;
    ct_incidents in;
    build(&st, &al, &c, &in);
    assert_int_equal(al.n, 10);
    assert_int_equal(in.n, 10);
    for (size_t k = 0; k < in.n; k++) {
        assert_int_equal(in.v[k].nalerts, 1);
        size_t shared = 0;
        for (size_t j = 0; j < in.v[k].nentities; j++) {
            const ct_incident_entity *e = &in.v[k].entities[j];
            if (!e->shared_peers) continue;
            shared++;
            assert_int_equal(e->role, CT_ROLE_ACTOR);
            assert_string_equal(e->name, "automation");
            assert_int_equal(e->shared_peers, 10);
        }
        assert_int_equal(shared, 1);
        cJSON *j = ct_incident_json(&st, &al, &in.v[k]);
        char *txt = cJSON_PrintUnformatted(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "entities"), 0));
        assert_string_equal(txt, "{\"role\":\"actor\",\"kind\":\"aws_iam_user\",\"id\":\"arn:aws:iam::1:user/automation\","
                                 "\"name\":\"automation\",\"shared_with\":10}");
        free(txt);
        cJSON_Delete(j);
    }
    done(&st, &al, c, &in);
}

static void test_hub_limit(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    automation_keys(&st, 8);
    ct_alerts al;
    ct_corr *c;
    ct_incidents in;
    build(&st, &al, &c, &in);
    assert_int_equal(al.n, 8);
    assert_int_equal(in.n, 1);
    assert_int_equal(in.v[0].nalerts, 8);
    for (size_t j = 0; j < in.v[0].nentities; j++) assert_int_equal(in.v[0].entities[j].shared_peers, 0);
    done(&st, &al, c, &in);
}

/* alice makes a key for bob; bob (the target) acts within 24 h with another
 * key: joined; carol makes her own key 2 h after alice: not joined (another
 * actor, another target); a second key by alice 61 min after the first: not
 * joined by the actor (the gap is 1 h). */
static void test_links_and_gaps(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t a1 = add_key(&st, T0, "alice", "bob", "AKIABOB1", "192.0.2.44");
    size_t b1 = add_key(&st, T0 + 20 * HOUR, "bob", "bob-ops", "AKIAOPS1", "203.0.113.9");
    size_t c1 = add_key(&st, T0 + 2 * HOUR, "carol", "carol", "AKIACAROL", "192.0.2.66");
    size_t a2 = add_key(&st, T0 + 61 * MIN, "alice", "dave", "AKIADAVE", "192.0.2.44");
    ct_alerts al;
    ct_corr *c;
    ct_incidents in;
    build(&st, &al, &c, &in);
    assert_int_equal(in.n, 3);
    assert_ptr_equal(ct_incidents_of_alert(&in, a1), ct_incidents_of_alert(&in, b1));
    assert_true(ct_incidents_of_alert(&in, c1) != ct_incidents_of_alert(&in, a1));
    assert_true(ct_incidents_of_alert(&in, a2) != ct_incidents_of_alert(&in, a1));
    const ct_incident *inc = ct_incidents_of_alert(&in, a1);
    assert_int_equal(inc->nlinks, 1);
    assert_int_equal(inc->links[0].kind, CT_ILINK_TARGET_ACTS);
    done(&st, &al, c, &in);
}

/* Three changes of one target by one actor, every 48 h: routine, no identity
 * links (a change by that actor to another target 30 min later stays apart). */
static void test_routine(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t r0 = add_key(&st, T0, "ci", "app", "K0", "192.0.2.80");
    size_t r1 = add_key(&st, T0 + 2 * DAY, "ci", "app", "K1", "192.0.2.80");
    size_t r2 = add_key(&st, T0 + 4 * DAY, "ci", "app", "K2", "192.0.2.80");
    size_t o1 = add_key(&st, T0 + 4 * DAY + 30 * MIN, "ci", "other", "K3", "192.0.2.80");
    ct_alerts al;
    ct_corr *c;
    ct_incidents in;
    build(&st, &al, &c, &in);
    assert_int_equal(in.n, 4);
    size_t rs[3] = {r0, r1, r2};
    for (int k = 0; k < 3; k++) {
        const ct_incident *inc = ct_incidents_of_alert(&in, rs[k]);
        assert_int_equal(inc->nalerts, 1);
        assert_int_equal(inc->reasons[inc->nreasons - 1].factor, CT_FACTOR_ROUTINE);
        assert_int_equal(inc->score, 0);
    }
    const ct_incident *o = ct_incidents_of_alert(&in, o1);
    assert_int_equal(o->nalerts, 1);
    assert_true(o->score > 0);
    done(&st, &al, c, &in);
}

/* The parts incident scoring reads (ct_corr_q_*) are ct_corr_alert's lists,
 * for every alert of the samples (Elastic alert documents placed at the
 * alert's time included), at the default window and at 1 h. */
static void test_samples_parts(void **state)
{
    (void)state;
    ct_corr_scratch sc = {0};
    const int64_t windows[] = {-1, 3600 * 1000LL};
    for (size_t w = 0; w < 2; w++)
        for (size_t i = 0; i < g_s.alerts.n; i++) {
            const ct_alert *a = &g_s.alerts.v[i];
            ct_corr_result r;
            ct_corr_q q;
            int rc = ct_corr_alert(g_s.corr, a, NULL, windows[w], &r);
            assert_int_equal(ct_corr_q_init(g_s.corr, a, windows[w], &q), rc);
            if (rc < 0) continue;
            const uint32_t *u;
            size_t nu = ct_corr_q_usage(g_s.corr, &q, &u);
            assert_int_equal(nu, r.usage.n);
            for (size_t j = 0; j < nu; j++) assert_int_equal(u[j], r.usage.events[j]);
            size_t na = ct_corr_q_same_actor(g_s.corr, &q, &sc);
            assert_int_equal(na, r.nsame_actor);
            for (size_t j = 0; j < na; j++) assert_int_equal(sc.v[j], r.same_actor[j]);
            size_t nt = ct_corr_q_same_target_before(g_s.corr, &q, q.ts, &sc), k = 0;
            for (size_t j = 0; j < r.nsame_target; j++) {
                const ct_event *e = &g_s.store.ev[r.same_target[j]];
                if (q.ts == CT_TIME_NONE || e->ts == CT_TIME_NONE || e->ts >= q.ts) continue;
                assert_true(k < nt);
                assert_int_equal(sc.v[k++], r.same_target[j]);
            }
            assert_int_equal(k, nt);
            assert_int_equal(ct_corr_q_changed_before(g_s.corr, &q), r.actor_changed_target_before);
            assert_int_equal(q.actor, r.actor);
            assert_int_equal(q.target, r.target);
            ct_corr_result_free(&r);
        }
    free(sc.v);
}

/* The actor factors' facts from one sweep per actor (incident_actor.c) are
 * what a walk of each alert's same_actor list finds (the way they were read
 * before), for every sample alert, at the default window, a day, 10 h (less
 * than the 12 h "other days" band) and 1 h. */
static int names_actor_ref(const ct_store *st, size_t ev, const char *who)
{
    static const enum ct_ef ids[] = {CT_EF_ACTOR_ID, CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID2};
    for (int k = 0; k < 3; k++) {
        const char *x = ct_event_str(st, &st->ev[ev], ids[k]);
        if (x && *x && ct_strcaseeq(x, who)) return 1;
    }
    return 0;
}

static void actor_walk(const ct_store *st, const size_t *v, size_t n, size_t ev, int64_t ts, ct_actor_facts *R)
{
    const int64_t H = 3600 * 1000LL, D = 24 * H;
    uint32_t ip = ct_event_sid(st, &st->ev[ev], CT_EF_ACTOR_IP);
    int tod = (int)(((ts % D) + D) % D / 60000);
    memset(R, 0, sizeof *R);
    R->ok = 1;
    R->ip_first = CT_TIME_NONE;
    for (size_t j = 0; j < n; j++) {
        size_t x = v[j];
        const ct_event *e = &st->ev[x];
        if (e->ts == CT_TIME_NONE) continue;
        if (!R->owner && e->ts < ts && e->ts >= ts - D && ct_event_sid(st, e, CT_EF_NAMED) && e->si[CT_EF_ACTION]) {
            const char *act = ct_event_str(st, e, CT_EF_ACTION), *named = ct_event_str(st, e, CT_EF_NAMED);
            if (ct_strncaseeq(act, "Add owner", 9) && names_actor_ref(st, x, named)) R->owner = (uint32_t)x + 1;
        }
        if (e->ts < ts - 12 * H || e->ts > ts + 12 * H) {
            R->other_days++;
            int t = (int)(((e->ts % D) + D) % D / 60000), d = abs(t - tod);
            if (d > 720) d = 1440 - d;
            if (d <= 60) R->near = 1;
        }
        if (e->ts < ts - D) {
            R->older++;
            if (ip && ct_event_sid(st, e, CT_EF_ACTOR_IP) == ip) R->ip_older++;
        }
        if (ip && ct_event_sid(st, e, CT_EF_ACTOR_IP) == ip && R->ip_first == CT_TIME_NONE) R->ip_first = e->ts;
    }
}

/* The incidents' statuses, read in alert order (ct_incidents_refresh), are
 * what each incident's own alerts give (open if any is, else the lead's,
 * mixed when the closed ones differ), whatever the statuses: every pattern
 * of the five statuses over the sample alerts' first 5, a few rounds. */
static void test_samples_refresh(void **state)
{
    (void)state;
    uint8_t *keep = malloc(g_s.alerts.n);
    assert_non_null(keep);
    for (size_t i = 0; i < g_s.alerts.n; i++) keep[i] = g_s.alerts.v[i].status;
    size_t mixed = 0, open = 0;
    for (unsigned round = 0; round < 3125; round += 7) {
        for (size_t i = 0; i < g_s.alerts.n; i++) {
            unsigned x = round, d = (unsigned)(i % 5);
            while (d--) x /= 5;
            g_s.alerts.v[i].status = (uint8_t)((x + i / 5) % CT_STATUS__COUNT);
        }
        ct_incidents_refresh(&g_in, &g_s.alerts);
        for (size_t k = 0; k < g_in.n; k++) {
            const ct_incident *in = &g_in.v[k];
            ct_status st = g_s.alerts.v[in->lead].status;
            int any_open = 0, mix = 0;
            for (size_t j = 0; j < in->nalerts; j++) {
                ct_status x = g_s.alerts.v[in->alerts[j]].status;
                if (x == CT_STATUS_OPEN) any_open = 1;
                else if (x != st) mix = 1;
            }
            assert_int_equal(in->status, any_open ? CT_STATUS_OPEN : st);
            assert_int_equal(in->mixed, any_open ? 0 : mix);
            mixed += in->mixed;
            open += in->status == CT_STATUS_OPEN;
        }
    }
    assert_true(mixed > 0);
    assert_true(open > 0);
    for (size_t i = 0; i < g_s.alerts.n; i++) g_s.alerts.v[i].status = keep[i];
    ct_incidents_refresh(&g_in, &g_s.alerts);
    free(keep);
}

/* counts: alerts asked, events counted around them, owners added first */
static void sweep_vs_walk(const ct_store *st, const ct_alerts *al, const ct_corr *c, size_t *asked, size_t *counted,
                          size_t *owners)
{
    const int64_t windows[] = {-1, 24 * 3600 * 1000LL, 10 * 3600 * 1000LL, 3600 * 1000LL};
    ct_corr_scratch sc = {0};
    *asked = *counted = *owners = 0;
    for (size_t w = 0; w < 4; w++) {
        ct_incident_facts F = {0};
        F.n = al->n;
        F.a = calloc(F.n ? F.n : 1, sizeof *F.a);
        assert_non_null(F.a);
        for (size_t i = 0; i < F.n; i++) {
            const ct_alert *a = &al->v[i];
            if (a->event >= st->nev) continue;
            F.a[i].ok = 1;
            F.a[i].ts = a->ts != CT_TIME_NONE ? a->ts : st->ev[a->event].ts;
            F.a[i].canon = ct_changes_canon(ct_corr_changes(c), a->event);
        }
        ct_incident_actors(&F, st, al, c, windows[w]);
        for (size_t i = 0; i < F.n; i++) {
            ct_corr_q q;
            int want = F.a[i].ok && F.a[i].ts != CT_TIME_NONE &&
                       ct_corr_q_init(c, &al->v[i], windows[w], &q) == 0;
            assert_int_equal(F.act[i].ok, want);
            if (!want) continue;
            ct_actor_facts R;
            actor_walk(st, sc.v, ct_corr_q_same_actor(c, &q, &sc), F.a[i].canon, F.a[i].ts, &R);
            assert_int_equal(F.act[i].owner, R.owner);
            assert_int_equal(F.act[i].other_days, R.other_days);
            assert_int_equal(F.act[i].near, R.near);
            assert_int_equal(F.act[i].older, R.older);
            assert_int_equal(F.act[i].ip_older, R.ip_older);
            assert_int_equal(F.act[i].ip_first, R.ip_first);
            (*asked)++;
            *counted += R.other_days + R.older;
            *owners += R.owner != 0;
        }
        free(F.a);
        free(F.act);
    }
    free(sc.v);
}

static void test_samples_actor_sweep(void **state)
{
    (void)state;
    size_t asked, counted, owners;
    sweep_vs_walk(&g_s.store, &g_s.alerts, g_s.corr, &asked, &counted, &owners);
    /* what the samples exercise: 31 alerts at 4 windows, the events around
     * them, an owner added first (8 times) */
    assert_int_equal(asked, 124);
    assert_int_equal(counted, 351);
    assert_int_equal(owners, 8);
    /* and a generated week of many actors (make unit builds it): the windows
     * slide over thousands of events per actor */
    char *files[] = {"build/tests/gen10k.raw.ndjson"};
    ct_session_opts o = {0};
    o.no_repo = 1;
    o.files = files;
    o.nfiles = 1;
    ct_sbuf err;
    ct_sbuf_init(&err);
    ct_session g;
    assert_int_equal(ct_session_open(&g, &o, &err), 0);
    ct_sbuf_free(&err);
    assert_int_equal(g.missing_files, 0);
    sweep_vs_walk(&g.store, &g.alerts, g.corr, &asked, &counted, &owners);
    assert_int_equal(asked, 4 * 271);
    assert_int_equal(counted, 3638);
    ct_session_close(&g);
}

/* The sweep at its bounds, by hand: one actor's keys exactly 12 h and a day
 * from others and 1 ms inside or outside, at 60 and 61 minutes of the time
 * of day on other days, from two addresses; every one an alert, so the
 * windows slide over all of them. */
static void test_actor_sweep_bounds(void **state)
{
    (void)state;
    static const int64_t at[] = {0, -12 * HOUR, -12 * HOUR - 1, 12 * HOUR, 12 * HOUR + 1, -DAY, -DAY - 1,
                                 -2 * DAY + 60 * MIN, -3 * DAY - 61 * MIN, -4 * DAY + 59 * MIN, -5 * DAY,
                                 -6 * DAY - 1, 7 * DAY, 7 * DAY + 1, 3 * DAY + 60 * MIN};
    static const char *const keys[] = {"K00", "K01", "K02", "K03", "K04", "K05", "K06", "K07",
                                       "K08", "K09", "K10", "K11", "K12", "K13", "K14"};
    ct_store st;
    ct_store_init(&st);
    for (size_t k = 0; k < CT_ARRAY_LEN(at); k++)
        add_key(&st, T0 + at[k], "ops", k % 3 ? "app" : "app2", keys[k], k % 4 ? "192.0.2.7" : "198.51.100.9");
    ct_alerts al;
    ct_corr *c;
    ct_incidents in;
    build(&st, &al, &c, &in);
    size_t asked, counted, owners;
    sweep_vs_walk(&st, &al, c, &asked, &counted, &owners);
    assert_int_equal(asked, 4 * CT_ARRAY_LEN(at));
    assert_true(counted > 0);
    done(&st, &al, c, &in);
}

int main(void)
{
    const struct CMUnitTest samples[] = {
        cmocka_unit_test(test_samples_sets),
        cmocka_unit_test(test_samples_factors),
        cmocka_unit_test(test_samples_json),
        cmocka_unit_test(test_samples_parts),
        cmocka_unit_test(test_samples_actor_sweep),
        cmocka_unit_test(test_samples_refresh),
    };
    const struct CMUnitTest built[] = {
        cmocka_unit_test(test_hub_not_chained),
        cmocka_unit_test(test_hub_limit),
        cmocka_unit_test(test_links_and_gaps),
        cmocka_unit_test(test_routine),
        cmocka_unit_test(test_actor_sweep_bounds),
    };
    int rc = cmocka_run_group_tests_name("incident samples", samples, setup_samples, teardown_samples);
    return rc | cmocka_run_group_tests_name("incident built", built, NULL, NULL);
}
