/* Unit tests for src/corr.c: same target / same actor windows, usage of the
 * added credential, related alerts, history, entity linking (case, id vs name,
 * service principal vs application), window edges, and the time per alert
 * with a million events. Stories come from raw records in tests/fixtures/corr
 * (through the normalizers) or are built as ct_events by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corr.h"

#define MIN (60LL * 1000)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
static const int64_t T0 = 1717999200000LL; /* 2024-06-10T06:00:00Z */

/* ---- building stores by hand ---- */

typedef struct spec {
    int64_t ts;
    const char *action, *outcome;
    const char *actor_id, *actor_name, *ip, *ua;
    const char *target_id, *target_name, *app_id;
    const char *cred_id, *cred_used;
    int flags;
} spec;

static size_t add(ct_store *st, spec s)
{
    if (st->nev == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 64;
        st->ev = ct_xrealloc(st->ev, st->cap * sizeof *st->ev);
    }
    ct_event *e = &st->ev[st->nev];
    memset(e, 0, sizeof *e);
    e->ts = s.ts;
    e->flags = (uint8_t)s.flags;
    ct_pool *p = &st->pool;
    e->s[CT_EF_ACTION] = ct_pool_internz(p, s.action ? s.action : "Sign-in activity");
    e->s[CT_EF_OUTCOME] = ct_pool_internz(p, s.outcome ? s.outcome : "success");
    e->s[CT_EF_ACTOR_ID] = ct_pool_internz(p, s.actor_id);
    e->s[CT_EF_ACTOR_NAME] = ct_pool_internz(p, s.actor_name);
    e->s[CT_EF_ACTOR_IP] = ct_pool_internz(p, s.ip);
    e->s[CT_EF_ACTOR_UA] = ct_pool_internz(p, s.ua);
    e->s[CT_EF_TARGET_ID] = ct_pool_internz(p, s.target_id);
    e->s[CT_EF_TARGET_NAME] = ct_pool_internz(p, s.target_name);
    e->s[CT_EF_TARGET_APP_ID] = ct_pool_internz(p, s.app_id);
    e->s[CT_EF_CRED_ID] = ct_pool_internz(p, s.cred_id);
    e->s[CT_EF_CRED_USED] = ct_pool_internz(p, s.cred_used);
    return st->nev++;
}

static ct_alert mk_alert(const ct_store *st, size_t ev, const char *id)
{
    ct_alert a;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "%s", id);
    a.event = ev;
    a.ts = st->ev[ev].ts;
    a.rule_name = "test rule";
    a.severity = "high";
    return a;
}

static int contains(const size_t *v, size_t n, size_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x) return 1;
    return 0;
}

static void assert_time_order(const ct_store *st, const size_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) assert_true(st->ev[v[i - 1]].ts <= st->ev[v[i]].ts);
}

/* Union of the three lists, the way ct_corr_count must count. */
static size_t union_count(const ct_corr_result *r)
{
    size_t n = 0, cap = r->nsame_target + r->nsame_actor + r->usage.n;
    size_t *all = malloc((cap ? cap : 1) * sizeof *all);
    const size_t *lists[3] = {r->same_target, r->same_actor, r->usage.events};
    size_t ns[3] = {r->nsame_target, r->nsame_actor, r->usage.n};
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < ns[l]; i++)
            if (!contains(all, n, lists[l][i])) all[n++] = lists[l][i];
    free(all);
    return n;
}

static size_t find_action(const ct_store *st, const char *action, size_t nth)
{
    for (size_t i = 0; i < st->nev; i++) {
        const char *a = ct_event_str(st, &st->ev[i], CT_EF_ACTION);
        if (a && !strcmp(a, action) && nth-- == 0) return i;
    }
    fail_msg("no event %s", action);
    return 0;
}

/* ---- stories from raw records ---- */

/* Mallory adds a secret to payroll-sync's service principal at 08:00; the
 * secret signs in at 08:12, 08:25 (failure, another address) and 08:40; the
 * old key signs in at 08:05 (not usage). At 07:30 she touched the application
 * object, written with her UPN in capitals and no object id. */
static void test_azure_secret_used(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    assert_int_equal(ct_store_load(&st, "tests/fixtures/corr/azure_secret_used.ndjson"), 0);
    assert_int_equal(st.nev, 6);
    ct_corr *c = ct_corr_build(&st);
    size_t add_ev = find_action(&st, "Add service principal credentials", 0);
    size_t app_ev = find_action(&st, "Update application - Certificates and secrets management", 0);
    ct_alert a = mk_alert(&st, add_ev, "00000000000000a1");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, HOUR, &r), 0);
    assert_int_equal(r.self_event, add_ev);

    /* usage: 3 sign-ins with the new key, first at 08:12, 2 addresses, 1 failure */
    assert_int_equal(r.usage.n, 3);
    assert_int_equal(r.usage.failures, 1);
    assert_int_equal(r.usage.nips, 2);
    assert_string_equal(r.usage.ips[0], "203.0.113.50");
    assert_string_equal(r.usage.ips[1], "198.51.100.99");
    assert_int_equal(r.usage.first_use, st.ev[add_ev].ts + 12 * MIN);
    assert_time_order(&st, r.usage.events, r.usage.n);

    /* same actor: her UPN in capitals without an id is the same person */
    assert_int_equal(r.nsame_actor, 2);
    assert_true(contains(r.same_actor, r.nsame_actor, app_ev));
    assert_true(contains(r.same_actor, r.nsame_actor, add_ev));
    assert_time_order(&st, r.same_actor, r.nsame_actor);

    /* same target: the SP's sign-ins (4) + the addition + the application object (AppId link) */
    assert_int_equal(r.nsame_target, 6);
    assert_true(contains(r.same_target, r.nsame_target, app_ev));
    assert_int_equal(r.same_target[0], app_ev);
    assert_time_order(&st, r.same_target, r.nsame_target);

    assert_false(r.actor_changed_target_before);
    assert_int_equal(r.prior_changes, 0);
    assert_int_equal(r.distinct_actors, 1);
    assert_int_equal(ct_corr_count(c, &a, HOUR), union_count(&r));
    ct_corr_result_free(&r);

    /* a 10 minute window: only the first use falls in after the addition */
    assert_int_equal(ct_corr_alert(c, &a, NULL, 12 * MIN, &r), 0);
    assert_int_equal(r.usage.n, 1);
    assert_int_equal(r.usage.failures, 0);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* alice creates an access key for bob; bob's calls carry it in
 * userIdentity.accessKeyId (one denied); alice's own calls use her key. */
static void test_aws_key_for_other_user(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    assert_int_equal(ct_store_load(&st, "tests/fixtures/corr/aws_key_for_other_user.ndjson"), 0);
    assert_int_equal(st.nev, 4);
    ct_corr *c = ct_corr_build(&st);
    size_t add_ev = find_action(&st, "CreateAccessKey", 0);
    ct_alert a = mk_alert(&st, add_ev, "00000000000000b1");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, CT_CORR_DEFAULT_WINDOW, &r), 0);
    assert_int_equal(r.usage.n, 2);
    assert_int_equal(r.usage.failures, 1);
    assert_int_equal(r.usage.nips, 1);
    assert_string_equal(r.usage.ips[0], "203.0.113.77");
    assert_int_equal(r.usage.nuas, 1);
    assert_string_equal(r.usage.user_agents[0], "python-requests/2.31");
    assert_int_equal(r.usage.first_use, st.ev[add_ev].ts + 258000);
    /* alice's own calls are "same actor", bob's are not */
    assert_int_equal(r.nsame_actor, 2);
    assert_int_equal(r.nsame_target, 1);
    assert_int_equal(r.same_target[0], add_ev);
    assert_int_equal(ct_corr_count(c, &a, CT_CORR_DEFAULT_WINDOW), 4);
    assert_int_equal(ct_corr_count(c, &a, CT_CORR_DEFAULT_WINDOW), union_count(&r));
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* ---- stories built by hand ---- */

/* A deployment principal rotates the secret of web-app every day; the alert on
 * day 30 has 29 earlier changes by the same actor; a second actor once. */
static void test_rotating_deployment_principal(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t last = 0;
    for (int d = 0; d < 30; d++) {
        char key[64];
        snprintf(key, sizeof key, "key-%02d", d);
        last = add(&st, (spec){.ts = T0 + d * DAY, .action = "Add service principal credentials",
                               .actor_id = "sp-deploy", .actor_name = "deploy-pipeline",
                               .target_id = "sp-web", .target_name = "web-app", .cred_id = key,
                               .flags = CT_EVF_CRED_ADD});
    }
    add(&st, (spec){.ts = T0 + 3 * DAY + HOUR, .action = "Add service principal credentials",
                    .actor_id = "u-carol", .actor_name = "carol@example.com", .target_id = "sp-web",
                    .flags = CT_EVF_CRED_ADD});
    /* a change after the alert does not count as earlier */
    add(&st, (spec){.ts = T0 + 31 * DAY + HOUR, .action = "Add service principal credentials",
                    .actor_id = "sp-deploy", .target_id = "sp-web", .flags = CT_EVF_CRED_ADD});
    ct_corr *c = ct_corr_build(&st);
    ct_alert a = mk_alert(&st, last, "00000000000000c1");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, 2 * DAY, &r), 0);
    assert_true(r.actor_changed_target_before);
    assert_int_equal(r.prior_changes, 29);
    assert_int_equal(r.distinct_actors, 2);
    /* window of two days each side: days 27, 28, 29 (30 and 31 are beyond) */
    assert_int_equal(r.nsame_target, 3);
    assert_int_equal(r.nsame_actor, 3);
    assert_int_equal(r.usage.n, 0);
    assert_int_equal(r.usage.first_use, CT_TIME_NONE);
    ct_corr_result_free(&r);
    /* the very first rotation: first time */
    ct_alert first = mk_alert(&st, 0, "00000000000000c2");
    assert_int_equal(ct_corr_alert(c, &first, NULL, 2 * DAY, &r), 0);
    assert_false(r.actor_changed_target_before);
    assert_int_equal(r.prior_changes, 0);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* An alert with nothing around it: only its own event everywhere. */
static void test_no_related_activity(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    add(&st, (spec){.ts = T0 - 30 * DAY, .actor_id = "u-other", .target_id = "app-other"});
    size_t ev = add(&st, (spec){.ts = T0, .action = "Add service principal credentials",
                                .actor_id = "u-lonely", .target_id = "sp-lonely",
                                .cred_id = "k-lonely", .flags = CT_EVF_CRED_ADD});
    add(&st, (spec){.ts = T0 + HOUR, .actor_id = "u-other", .target_id = "app-other",
                    .cred_used = "k-other", .flags = CT_EVF_SIGNIN});
    ct_corr *c = ct_corr_build(&st);
    ct_alert alerts_v[2] = {mk_alert(&st, ev, "00000000000000d1"), mk_alert(&st, 0, "00000000000000d2")};
    ct_alerts alerts = {alerts_v, 2};
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &alerts_v[0], &alerts, CT_CORR_DEFAULT_WINDOW, &r), 0);
    assert_int_equal(r.nsame_target, 1);
    assert_int_equal(r.same_target[0], ev);
    assert_int_equal(r.nsame_actor, 1);
    assert_int_equal(r.same_actor[0], ev);
    assert_int_equal(r.usage.n, 0);
    assert_int_equal(r.usage.nips, 0);
    assert_int_equal(r.nrelated, 0);
    assert_false(r.actor_changed_target_before);
    assert_int_equal(r.distinct_actors, 1);
    assert_int_equal(r.window_from, T0 - CT_CORR_DEFAULT_WINDOW);
    assert_int_equal(r.window_to, T0 + CT_CORR_DEFAULT_WINDOW);
    assert_int_equal(ct_corr_count(c, &alerts_v[0], CT_CORR_DEFAULT_WINDOW), 1);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* Events exactly at ts +- window are in, one millisecond beyond is out; usage
 * before the addition is never counted, usage after the window neither. */
static void test_window_edges(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    const int64_t w = HOUR;
    /* inserted out of time order on purpose */
    size_t after_out = add(&st, (spec){.ts = T0 + w + 1, .actor_id = "u-a", .target_id = "t",
                                       .cred_used = "k1", .flags = CT_EVF_SIGNIN});
    size_t before_in = add(&st, (spec){.ts = T0 - w, .actor_id = "u-a", .target_id = "t"});
    size_t before_out = add(&st, (spec){.ts = T0 - w - 1, .actor_id = "u-a", .target_id = "t"});
    size_t ev = add(&st, (spec){.ts = T0, .actor_id = "u-a", .target_id = "t", .cred_id = "k1",
                                .flags = CT_EVF_CRED_ADD});
    size_t after_in = add(&st, (spec){.ts = T0 + w, .actor_id = "u-b", .target_id = "t",
                                      .cred_used = "K1", .flags = CT_EVF_SIGNIN});
    size_t use_before = add(&st, (spec){.ts = T0 - MIN, .actor_id = "u-c", .target_id = "x",
                                        .cred_used = "k1", .flags = CT_EVF_SIGNIN});
    ct_corr *c = ct_corr_build(&st);
    ct_alert a = mk_alert(&st, ev, "00000000000000e1");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, w, &r), 0);
    assert_int_equal(r.nsame_target, 3);
    assert_int_equal(r.same_target[0], before_in);
    assert_int_equal(r.same_target[1], ev);
    assert_int_equal(r.same_target[2], after_in);
    assert_false(contains(r.same_target, r.nsame_target, before_out));
    assert_false(contains(r.same_target, r.nsame_target, after_out));
    assert_int_equal(r.nsame_actor, 2);
    assert_int_equal(r.usage.n, 1); /* "K1": credential ids compare case-insensitively */
    assert_int_equal(r.usage.events[0], after_in);
    assert_false(contains(r.usage.events, r.usage.n, use_before));
    assert_int_equal(ct_corr_count(c, &a, w), union_count(&r));
    ct_corr_result_free(&r);
    /* one millisecond wider: both edges in */
    assert_int_equal(ct_corr_alert(c, &a, NULL, w + 1, &r), 0);
    assert_int_equal(r.nsame_target, 5);
    assert_int_equal(r.usage.n, 2);
    assert_int_equal(ct_corr_count(c, &a, w + 1), union_count(&r));
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* The same person written by object id, by UPN, and by UPN in other case;
 * a display name shared by two principals does not merge them. */
static void test_actor_case_and_id_vs_name(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t by_both = add(&st, (spec){.ts = T0, .actor_id = "OID-ALICE", .actor_name = "Alice@Contoso.com",
                                     .target_id = "t1"});
    size_t by_upper = add(&st, (spec){.ts = T0 + MIN, .actor_name = "ALICE@CONTOSO.COM", .target_id = "t2"});
    size_t by_id = add(&st, (spec){.ts = T0 + 2 * MIN, .actor_id = "oid-alice", .target_id = "t3"});
    size_t msi1 = add(&st, (spec){.ts = T0 + 3 * MIN, .actor_id = "msi-1",
                                  .actor_name = "Managed Service Identity", .target_id = "t4"});
    size_t msi2 = add(&st, (spec){.ts = T0 + 4 * MIN, .actor_id = "msi-2",
                                  .actor_name = "Managed Service Identity", .target_id = "t5"});
    size_t bob = add(&st, (spec){.ts = T0 + 5 * MIN, .actor_name = "bob@contoso.com", .target_id = "t6"});
    ct_corr *c = ct_corr_build(&st);
    ct_corr_result r;
    /* an alert whose actor is written only as the (lower-case) UPN */
    ct_alert a = mk_alert(&st, by_upper, "00000000000000f1");
    assert_int_equal(ct_corr_alert(c, &a, NULL, HOUR, &r), 0);
    assert_int_equal(r.nsame_actor, 3);
    assert_true(contains(r.same_actor, r.nsame_actor, by_both));
    assert_true(contains(r.same_actor, r.nsame_actor, by_id));
    ct_corr_result_free(&r);
    /* and by id only */
    a = mk_alert(&st, by_id, "00000000000000f2");
    assert_int_equal(ct_corr_alert(c, &a, NULL, HOUR, &r), 0);
    assert_int_equal(r.nsame_actor, 3);
    ct_corr_result_free(&r);
    a = mk_alert(&st, msi1, "00000000000000f3");
    assert_int_equal(ct_corr_alert(c, &a, NULL, HOUR, &r), 0);
    assert_int_equal(r.nsame_actor, 1);
    assert_false(contains(r.same_actor, r.nsame_actor, msi2));
    ct_corr_result_free(&r);
    a = mk_alert(&st, bob, "00000000000000f4");
    assert_int_equal(ct_corr_alert(c, &a, NULL, HOUR, &r), 0);
    assert_int_equal(r.nsame_actor, 1);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* A service principal and its application, linked by appId only where a
 * record gives it; related alerts are those on the same actor or target. */
static void test_sp_app_link_and_related(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t on_sp = add(&st, (spec){.ts = T0, .action = "Add service principal credentials",
                                   .actor_id = "u-1", .target_id = "sp-obj", .target_name = "billing",
                                   .app_id = "APP-ID-1", .cred_id = "k", .flags = CT_EVF_CRED_ADD});
    size_t on_app = add(&st, (spec){.ts = T0 + HOUR, .action = "Update application",
                                    .actor_id = "u-2", .target_id = "app-obj", .target_name = "billing",
                                    .app_id = "app-id-1", .cred_id = "k2", .flags = CT_EVF_CRED_ADD});
    size_t signin = add(&st, (spec){.ts = T0 + 2 * HOUR, .actor_id = "sp-obj", .target_id = "app-id-1",
                                    .cred_used = "k", .ip = "192.0.2.1", .flags = CT_EVF_SIGNIN});
    size_t other = add(&st, (spec){.ts = T0 + 3 * HOUR, .actor_id = "u-3", .target_id = "other-obj",
                                   .target_name = "billing", .cred_id = "k3", .flags = CT_EVF_CRED_ADD});
    size_t by_u1 = add(&st, (spec){.ts = T0 - 2 * DAY, .actor_id = "U-1", .target_id = "elsewhere",
                                   .cred_id = "k4", .flags = CT_EVF_CRED_ADD});
    /* an Elastic alert document on the same SP: an alert, not a timeline event */
    size_t doc = add(&st, (spec){.ts = T0 + 5 * MIN, .actor_id = "u-9", .target_id = "sp-obj",
                                 .cred_id = "k", .flags = CT_EVF_ALERT | CT_EVF_CRED_ADD});
    ct_corr *c = ct_corr_build(&st);
    ct_alert v[5] = {mk_alert(&st, by_u1, "0000000000000101"), mk_alert(&st, on_sp, "0000000000000102"),
                     mk_alert(&st, doc, "0000000000000103"), mk_alert(&st, on_app, "0000000000000104"),
                     mk_alert(&st, other, "0000000000000105")};
    v[2].ts = T0 - MIN; /* original_time of the imported alert */
    v[2].origin = CT_ORIGIN_ELASTIC;
    ct_alerts alerts = {v, 5};
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &v[1], &alerts, DAY, &r), 0);
    assert_int_equal(r.nsame_target, 3);
    assert_int_equal(r.same_target[0], on_sp);
    assert_int_equal(r.same_target[1], on_app);
    assert_int_equal(r.same_target[2], signin);
    assert_false(contains(r.same_target, r.nsame_target, other)); /* same name, no link */
    assert_false(contains(r.same_target, r.nsame_target, doc));
    assert_int_equal(r.usage.n, 1);
    /* related: the Elastic alert (same SP), on_app (linked target), by_u1 (same actor) */
    assert_int_equal(r.nrelated, 3);
    assert_int_equal(r.related_alerts[0], 0);
    assert_int_equal(r.related_alerts[1], 2);
    assert_int_equal(r.related_alerts[2], 3);
    assert_int_equal(r.distinct_actors, 2);
    ct_corr_result_free(&r);
    /* the same through the alert index (ct_corr_index_alerts) */
    ct_corr_index_alerts(c, &alerts);
    assert_int_equal(ct_corr_alert(c, &v[1], &alerts, DAY, &r), 0);
    assert_int_equal(r.nrelated, 3);
    assert_int_equal(r.related_alerts[0], 0);
    assert_int_equal(r.related_alerts[1], 2);
    assert_int_equal(r.related_alerts[2], 3);
    ct_corr_result_free(&r);

    /* the imported alert: its document is its event, shown in its own timelines */
    assert_int_equal(ct_corr_alert(c, &v[2], &alerts, DAY, &r), 0);
    assert_int_equal(r.self_event, doc);
    assert_int_equal(r.nsame_target, 4);
    assert_int_equal(r.same_target[0], doc); /* placed at its original time */
    assert_int_equal(r.nsame_actor, 1);
    assert_int_equal(r.same_actor[0], doc);
    assert_int_equal(r.usage.n, 1);
    assert_int_equal(r.distinct_actors, 3);
    assert_int_equal(r.nrelated, 2);
    assert_int_equal(ct_corr_count(c, &v[2], DAY), union_count(&r));
    ct_corr_result_free(&r);
    assert_int_equal(ct_corr_alert(c, &v[1], &alerts, DAY, &r), 0);
    assert_int_equal(ct_corr_count(c, &v[1], DAY), union_count(&r));
    ct_corr_result_free(&r);

    ct_alert bad = mk_alert(&st, 0, "0000000000000999");
    bad.event = st.nev;
    assert_int_equal(ct_corr_alert(c, &bad, NULL, DAY, &r), -1);
    assert_int_equal(ct_corr_count(c, &bad, DAY), 0);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* An empty store builds; an event without time gives only itself. */
static void test_empty_and_untimed(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    ct_corr *c = ct_corr_build(&st);
    ct_corr_free(c);
    size_t ev = add(&st, (spec){.ts = CT_TIME_NONE, .actor_id = "a", .target_id = "t", .cred_id = "k",
                                .flags = CT_EVF_CRED_ADD});
    add(&st, (spec){.ts = T0, .actor_id = "a", .target_id = "t", .cred_used = "k"});
    c = ct_corr_build(&st);
    ct_alert a = mk_alert(&st, ev, "0000000000000aaa");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, DAY, &r), 0);
    assert_int_equal(r.nsame_target, 1);
    assert_int_equal(r.nsame_actor, 1);
    assert_int_equal(r.usage.n, 0);
    assert_int_equal(ct_corr_count(c, &a, DAY), 1);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* ---- a million events ---- */

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void test_million_events(void **state)
{
    (void)state;
    enum { N = 1000000, NACTORS = 20000, NTARGETS = 5000, NKEYS = 50000, NALERTS = 2000 };
    ct_store st;
    ct_store_init(&st);
    st.cap = N;
    st.ev = ct_xmalloc(N * sizeof *st.ev);
    uint32_t *actor_ids = ct_xmalloc(NACTORS * sizeof *actor_ids);
    uint32_t *actor_names = ct_xmalloc(NACTORS * sizeof *actor_names);
    uint32_t *targets = ct_xmalloc(NTARGETS * sizeof *targets);
    uint32_t *keys = ct_xmalloc(NKEYS * sizeof *keys);
    uint32_t ips[256];
    char buf[96];
    for (int i = 0; i < NACTORS; i++) {
        snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", i, i * 7);
        actor_ids[i] = ct_pool_internz(&st.pool, buf);
        snprintf(buf, sizeof buf, "User.%d@Contoso.com", i);
        actor_names[i] = ct_pool_internz(&st.pool, buf);
    }
    for (int i = 0; i < NTARGETS; i++) {
        snprintf(buf, sizeof buf, "sp-%05d", i);
        targets[i] = ct_pool_internz(&st.pool, buf);
    }
    for (int i = 0; i < NKEYS; i++) {
        snprintf(buf, sizeof buf, "key-%06d", i);
        keys[i] = ct_pool_internz(&st.pool, buf);
    }
    for (int i = 0; i < 256; i++) {
        snprintf(buf, sizeof buf, "198.51.100.%d", i);
        ips[i] = ct_pool_internz(&st.pool, buf);
    }
    uint32_t add_action = ct_pool_internz(&st.pool, "Add service principal credentials");
    uint32_t signin_action = ct_pool_internz(&st.pool, "Sign-in activity");
    uint32_t ok = ct_pool_internz(&st.pool, "success"), ko = ct_pool_internz(&st.pool, "failure");
    uint64_t rnd = 88172645463325252ull;
#define RND() (rnd ^= rnd << 13, rnd ^= rnd >> 7, rnd ^= rnd << 17, rnd)
    const int64_t span = 30 * DAY;
    for (size_t i = 0; i < N; i++) {
        ct_event *e = &st.ev[st.nev++];
        memset(e, 0, sizeof *e);
        e->ts = T0 + (int64_t)(RND() % (uint64_t)span); /* unsorted, as from several files */
        int a = (int)(RND() % NACTORS);
        e->s[CT_EF_ACTOR_ID] = actor_ids[a];
        e->s[CT_EF_ACTOR_NAME] = actor_names[a];
        e->s[CT_EF_TARGET_ID] = targets[RND() % NTARGETS];
        e->s[CT_EF_ACTOR_IP] = ips[RND() % 256];
        if (i % 20 == 0) {
            e->flags = CT_EVF_CRED_ADD;
            e->s[CT_EF_ACTION] = add_action;
            e->s[CT_EF_CRED_ID] = keys[RND() % NKEYS];
            e->s[CT_EF_OUTCOME] = ok;
        } else {
            e->flags = CT_EVF_SIGNIN;
            e->s[CT_EF_ACTION] = signin_action;
            e->s[CT_EF_CRED_USED] = keys[RND() % NKEYS];
            e->s[CT_EF_OUTCOME] = RND() % 10 ? ok : ko;
        }
    }
    double t = now_ms();
    ct_corr *c = ct_corr_build(&st);
    double build = now_ms() - t;
    ct_alert *v = ct_xcalloc(NALERTS, sizeof *v);
    for (size_t i = 0; i < NALERTS; i++) v[i] = mk_alert(&st, i * 20 * 7, "");
    for (size_t i = 0; i < NALERTS; i++) snprintf(v[i].id, sizeof v[i].id, "%016zx", i);
    ct_alerts alerts = {v, NALERTS};
    size_t total = 0;
    t = now_ms();
    for (size_t i = 0; i < NALERTS; i++) {
        ct_corr_result r;
        assert_int_equal(ct_corr_alert(c, &v[i], &alerts, CT_CORR_DEFAULT_WINDOW, &r), 0);
        total += r.nsame_target + r.nsame_actor + r.usage.n + r.nrelated;
        if (i == 0) {
            assert_true(r.nsame_target > 0);
            assert_time_order(&st, r.same_target, r.nsame_target);
            assert_time_order(&st, r.same_actor, r.nsame_actor);
            assert_time_order(&st, r.usage.events, r.usage.n);
            assert_int_equal(ct_corr_count(c, &v[i], CT_CORR_DEFAULT_WINDOW), union_count(&r));
        }
        ct_corr_result_free(&r);
    }
    double per_alert = (now_ms() - t) / NALERTS;
    /* related alerts through the alert index: the same lists, in the same order */
    size_t total2 = 0;
    for (size_t i = 0; i < NALERTS; i++) {
        ct_corr_result r1, r2;
        ct_corr_index_alerts(c, NULL);
        if (i % 50 == 0) { /* unindexed, every 50th: O(alerts) each */
            assert_int_equal(ct_corr_alert(c, &v[i], &alerts, CT_CORR_DEFAULT_WINDOW, &r1), 0);
            ct_corr_index_alerts(c, &alerts);
            assert_int_equal(ct_corr_alert(c, &v[i], &alerts, CT_CORR_DEFAULT_WINDOW, &r2), 0);
            assert_int_equal(r1.nrelated, r2.nrelated);
            for (size_t k = 0; k < r1.nrelated; k++)
                assert_int_equal(r1.related_alerts[k], r2.related_alerts[k]);
            total2 += r2.nrelated;
            ct_corr_result_free(&r1);
            ct_corr_result_free(&r2);
        }
    }
    assert_true(total2 > 0);
    ct_corr_index_alerts(c, &alerts);
    t = now_ms();
    for (size_t i = 0; i < NALERTS; i++) {
        ct_corr_result r;
        assert_int_equal(ct_corr_alert(c, &v[i], &alerts, CT_CORR_DEFAULT_WINDOW, &r), 0);
        ct_corr_result_free(&r);
    }
    double per_alert_indexed = (now_ms() - t) / NALERTS;
    printf("corr: related alerts through the alert index: %.3f ms/alert\n", per_alert_indexed);
    t = now_ms();
    size_t counted = 0;
    for (size_t i = 0; i < NALERTS; i++) counted += ct_corr_count(c, &v[i], CT_CORR_DEFAULT_WINDOW);
    double per_count = (now_ms() - t) / NALERTS;
    printf("corr: %d events: build %.0f ms; ct_corr_alert %.3f ms/alert (%zu alerts, %zu rows); "
           "ct_corr_count %.4f ms/alert (%zu)\n",
           N, build, per_alert, (size_t)NALERTS, total, per_count, counted);
    free(v);
    ct_corr_free(c);
    free(actor_ids);
    free(actor_names);
    free(targets);
    free(keys);
    ct_store_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_azure_secret_used),
        cmocka_unit_test(test_aws_key_for_other_user),
        cmocka_unit_test(test_rotating_deployment_principal),
        cmocka_unit_test(test_no_related_activity),
        cmocka_unit_test(test_window_edges),
        cmocka_unit_test(test_actor_case_and_id_vs_name),
        cmocka_unit_test(test_sp_app_link_and_related),
        cmocka_unit_test(test_empty_and_untimed),
        cmocka_unit_test(test_million_events),
    };
    return cmocka_run_group_tests_name("corr", tests, NULL, NULL);
}
