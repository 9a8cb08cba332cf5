/* Unit tests for src/corr*.c: the definitions of docs/CORRELATION.md with
 * exact sets. same_target (the target's changes, its own activity, the usage),
 * same_actor, credential_usage (credential-creating calls and alerts
 * included), related alerts (windowed; by actor, target and the created
 * credential; through the alert index or not), one change one event (Graph,
 * Sentinel, Microsoft 365 and an Elastic alert document of one change),
 * history counted once, window edges, a first-party application thousands
 * sign in to, and a million events. Stories come from raw records in
 * tests/fixtures/corr (through the normalizers) or are built by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "corr.h"
#include "evspec.h"

#define SIGNIN "azure.signinlogs"
#define AUDIT "azure.auditlogs"
#define AWS "aws.cloudtrail"

static size_t find_action(const ct_store *st, const char *action, size_t nth)
{
    for (size_t i = 0; i < st->nev; i++) {
        const char *a = ct_event_str(st, &st->ev[i], CT_EF_ACTION);
        if (a && !strcmp(a, action) && nth-- == 0) return i;
    }
    fail_msg("no event %s", action);
    return 0;
}

/* The distinct events of the three lists: what ct_corr_count must count. */
static size_t union_count(const ct_corr_result *r)
{
    size_t n = 0, cap = r->nsame_target + r->nsame_actor + r->usage.n;
    size_t *all = malloc((cap ? cap : 1) * sizeof *all);
    const size_t *lists[3] = {r->same_target, r->same_actor, r->usage.events};
    size_t ns[3] = {r->nsame_target, r->nsame_actor, r->usage.n};
    for (int l = 0; l < 3; l++)
        for (size_t i = 0; i < ns[l]; i++) {
            size_t j = 0;
            while (j < n && all[j] != lists[l][i]) j++;
            if (j == n) all[n++] = lists[l][i];
        }
    free(all);
    return n;
}

static void check_lists(const ct_store *st, const ct_corr *c, const ct_alert *a, int64_t w,
                        const ct_corr_result *r)
{
    assert_time_order(st, r->same_target, r->nsame_target);
    assert_time_order(st, r->same_actor, r->nsame_actor);
    assert_time_order(st, r->usage.events, r->usage.n);
    assert_int_equal(ct_corr_count(c, a, w), union_count(r));
}

/* ---- stories from raw records ---- */

/* Mallory adds a secret to payroll-sync's service principal at 08:00 (e1);
 * the secret signs in at 08:12 (e3), 08:25 (e4, failure, another address)
 * and 08:40 (e5); the old key at 08:05 (e2: the target acting, not usage).
 * At 07:30 (e0) she touched the application object, written with her UPN in
 * capitals and no object id; its appId makes it the same target. */
static void test_azure_secret_used(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    assert_int_equal(ct_store_load(&st, "tests/fixtures/corr/azure_secret_used.ndjson"), 0);
    assert_int_equal(st.nev, 6);
    ct_corr *c = ct_corr_build(&st);
    size_t e1 = find_action(&st, "Add service principal credentials", 0);
    assert_int_equal(e1, 1);
    ct_alert a = mk_alert(&st, e1, "00000000000000a1");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, HOUR, &r), 0);
    assert_int_equal(r.self_event, e1);
    SET_EQ(r.usage.events, r.usage.n, 3, 4, 5);
    assert_int_equal(r.usage.failures, 1);
    assert_int_equal(r.usage.nips, 2);
    assert_string_equal(r.usage.ips[0], "203.0.113.50");
    assert_string_equal(r.usage.ips[1], "198.51.100.99");
    assert_int_equal(r.usage.first_use, st.ev[e1].ts + 12 * MIN);
    SET_EQ(r.same_actor, r.nsame_actor, 0, 1);
    SET_EQ(r.same_target, r.nsame_target, 0, 1, 2, 3, 4, 5);
    assert_false(r.actor_changed_target_before);
    assert_int_equal(r.prior_changes, 0);
    assert_int_equal(r.distinct_actors, 1);
    check_lists(&st, c, &a, HOUR, &r);
    ct_corr_result_free(&r);
    /* 12 minutes each side: 07:48 .. 08:12 */
    assert_int_equal(ct_corr_alert(c, &a, NULL, 12 * MIN, &r), 0);
    SET_EQ(r.usage.events, r.usage.n, 3);
    SET_EQ(r.same_target, r.nsame_target, 1, 2, 3);
    SET_EQ(r.same_actor, r.nsame_actor, 1);
    check_lists(&st, c, &a, 12 * MIN, &r);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* alice creates an access key for bob (e0); bob's calls carry it in
 * userIdentity.accessKeyId (e1, e2 denied); alice's own call uses her key (e3). */
static void test_aws_key_for_other_user(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    assert_int_equal(ct_store_load(&st, "tests/fixtures/corr/aws_key_for_other_user.ndjson"), 0);
    assert_int_equal(st.nev, 4);
    ct_corr *c = ct_corr_build(&st);
    ct_alert a = mk_alert(&st, 0, "00000000000000b1");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, CT_CORR_DEFAULT_WINDOW, &r), 0);
    SET_EQ(r.usage.events, r.usage.n, 1, 2);
    assert_int_equal(r.usage.failures, 1);
    assert_int_equal(r.usage.nips, 1);
    assert_string_equal(r.usage.ips[0], "203.0.113.77");
    assert_int_equal(r.usage.nuas, 1);
    assert_string_equal(r.usage.user_agents[0], "python-requests/2.31");
    assert_int_equal(r.usage.first_use, st.ev[0].ts + 258000);
    SET_EQ(r.same_actor, r.nsame_actor, 0, 3);
    SET_EQ(r.same_target, r.nsame_target, 0, 1, 2); /* bob acts */
    assert_int_equal(ct_corr_count(c, &a, CT_CORR_DEFAULT_WINDOW), 4);
    check_lists(&st, c, &a, CT_CORR_DEFAULT_WINDOW, &r);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* ---- stories built by hand ---- */

#define ALICE "arn:aws:iam::111122223333:user/alice"
#define BOB "arn:aws:iam::111122223333:user/bob"
#define FED "arn:aws:sts::111122223333:federated-user/bob-ops"

/* alice makes key K1 for bob (A); bob uses K1 to look around (u1), to make
 * a key for carol (B) and to get a federation token (C) whose user calls
 * once (f1); bob's routine with his old key before and after; bob of
 * another account works at the same time; dave's own key (D) and alice's
 * next key two days later (E) are not related. */
static void test_target_acts_usage_related(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t a1 = add(&st, (spec){.ts = T0 - HOUR, .dataset = AWS, .action = "ConsoleLogin", .actor_id = ALICE,
                               .actor_id2 = "AIDAALICE", .actor_type = "iam_user", .flags = CT_EVF_SIGNIN});
    size_t b0 = add(&st, (spec){.ts = T0 - 2 * HOUR, .dataset = AWS, .action = "DescribeInstances", .actor_id = BOB,
                               .actor_id2 = "AIDABOB", .cred_used = "AKIAOLD", .flags = CT_EVF_SIGNIN});
    size_t A = add(&st, (spec){.ts = T0, .dataset = AWS, .action = "CreateAccessKey", .actor_id = ALICE,
                              .target_id = BOB, .target_name = "bob", .cred_id = "AKIAK1", .cred_type = "access_key",
                              .cred_used = "ASIAALICE", .flags = CT_EVF_CRED_ADD | CT_EVF_SIGNIN});
    size_t other = add(&st, (spec){.ts = T0 + 10 * MIN, .dataset = AWS, .action = "ListBuckets",
                                  .actor_id = "arn:aws:iam::444455556666:user/bob", .cred_used = "AKIAOTHER"});
    size_t u1 = add(&st, (spec){.ts = T0 + 20 * MIN, .dataset = AWS, .action = "GetCallerIdentity", .actor_id = BOB,
                               .cred_used = "akiak1", .flags = CT_EVF_SIGNIN});
    size_t B = add(&st, (spec){.ts = T0 + 30 * MIN, .dataset = AWS, .action = "CreateAccessKey", .actor_id = BOB,
                              .target_id = "arn:aws:iam::111122223333:user/carol", .cred_id = "AKIAK2",
                              .cred_used = "AKIAK1", .flags = CT_EVF_CRED_ADD | CT_EVF_SIGNIN});
    size_t C = add(&st, (spec){.ts = T0 + 40 * MIN, .dataset = AWS, .action = "GetFederationToken", .actor_id = BOB,
                              .target_id = FED, .cred_id = "ASIAFED", .cred_used = "AKIAK1",
                              .flags = CT_EVF_CRED_ADD | CT_EVF_SIGNIN});
    size_t f1 = add(&st, (spec){.ts = T0 + 50 * MIN, .dataset = AWS, .action = "ListSecrets", .actor_id = FED,
                               .cred_used = "ASIAFED", .flags = CT_EVF_SIGNIN});
    size_t D = add(&st, (spec){.ts = T0 + HOUR, .dataset = AWS, .action = "CreateAccessKey",
                              .actor_id = "arn:aws:iam::111122223333:user/dave",
                              .target_id = "arn:aws:iam::111122223333:user/dave", .cred_id = "AKIAK3",
                              .flags = CT_EVF_CRED_ADD});
    size_t b1 = add(&st, (spec){.ts = T0 + 3 * HOUR, .dataset = AWS, .action = "DescribeInstances", .actor_id = BOB,
                               .cred_used = "AKIAOLD", .flags = CT_EVF_SIGNIN});
    size_t late = add(&st, (spec){.ts = T0 + DAY + MIN, .dataset = AWS, .action = "ListBuckets", .actor_id = BOB,
                                 .cred_used = "AKIAK1", .flags = CT_EVF_SIGNIN});
    size_t E = add(&st, (spec){.ts = T0 + 2 * DAY, .dataset = AWS, .action = "CreateAccessKey", .actor_id = ALICE,
                              .target_id = "arn:aws:iam::111122223333:user/erin", .cred_id = "AKIAK4",
                              .flags = CT_EVF_CRED_ADD});
    (void)other;
    ct_corr *c = ct_corr_build(&st);
    ct_alert v[5] = {mk_alert(&st, A, "00000000000000a0"), mk_alert(&st, B, "00000000000000b0"),
                     mk_alert(&st, C, "00000000000000c0"), mk_alert(&st, D, "00000000000000d0"),
                     mk_alert(&st, E, "00000000000000e0")};
    ct_alerts alerts = {v, 5, 0};
    for (int indexed = 0; indexed < 2; indexed++) {
        if (indexed) ct_corr_index_alerts(c, &alerts);
        ct_corr_result r;
        assert_int_equal(ct_corr_alert(c, &v[0], &alerts, DAY, &r), 0);
        SET_EQ(r.same_target, r.nsame_target, b0, A, u1, B, C, b1);
        SET_EQ(r.same_actor, r.nsame_actor, a1, A);
        SET_EQ(r.usage.events, r.usage.n, u1, B, C); /* credential-creating calls included */
        SET_EQ(r.related_alerts, r.nrelated, 1, 2);  /* B, C: bob's, made with K1 */
        assert_int_equal(r.related_alerts[0], 1);    /* in time order */
        check_lists(&st, c, &v[0], DAY, &r);
        ct_corr_result_free(&r);

        assert_int_equal(ct_corr_alert(c, &v[1], &alerts, DAY, &r), 0);
        SET_EQ(r.related_alerts, r.nrelated, 0, 2); /* A: its target is B's actor; C: bob's */
        SET_EQ(r.same_actor, r.nsame_actor, b0, u1, B, C, b1, late); /* late: within a day of B */
        ct_corr_result_free(&r);

        assert_int_equal(ct_corr_alert(c, &v[2], &alerts, DAY, &r), 0);
        SET_EQ(r.usage.events, r.usage.n, f1);
        SET_EQ(r.same_target, r.nsame_target, C, f1);
        ct_corr_result_free(&r);

        assert_int_equal(ct_corr_alert(c, &v[3], &alerts, DAY, &r), 0);
        assert_int_equal(r.nrelated, 0);
        SET_EQ(r.same_target, r.nsame_target, D);
        SET_EQ(r.same_actor, r.nsame_actor, D);
        ct_corr_result_free(&r);

        /* a window wide enough for E: alice's other alert is related */
        assert_int_equal(ct_corr_alert(c, &v[0], &alerts, 3 * DAY, &r), 0);
        SET_EQ(r.related_alerts, r.nrelated, 1, 2, 4);
        SET_EQ(r.usage.events, r.usage.n, u1, B, C, late);
        ct_corr_result_free(&r);
    }
    ct_corr_free(c);
    ct_store_free(&st);
}

/* One change through the diagnostic log (R), Graph (g), Sentinel twice (s1,
 * s2), the Microsoft 365 audit log (m: its own id, the correlation id, whole
 * seconds) and an Elastic alert document (doc): shown once, by R, counted
 * once. Another operation of the same correlation id at the same second (o)
 * and a record reusing the id "1" of another (x1, x2) stay apart. */
static void test_one_change_one_event(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    const char *op = "Update application - Certificates and secrets management";
    spec base = {.dataset = AUDIT, .action = op, .record_id = "Directory_c1_AAA_1", .change_id = "c1",
                 .actor_id = "oid-megan", .actor_name = "megan@contoso.com", .actor_type = "user",
                 .target_id = "obj-payroll", .target_name = "payroll-sync", .target_type = "application",
                 .cred_id = "key-new", .cred_type = "password", .flags = CT_EVF_CRED_ADD};
    spec s;
    s = base, s.ts = T0 + 258, s.kind = CT_KIND_GRAPH;
    size_t g = add(&st, s); /* loaded first: the diagnostic record still stands for the change */
    s = base, s.ts = T0 + 258, s.kind = CT_KIND_SENTINEL;
    size_t s1 = add(&st, s), s2 = add(&st, s);
    s = base, s.ts = T0 + 258, s.kind = CT_KIND_AZURE_DIAG;
    size_t R = add(&st, s);
    s = base, s.ts = T0, s.kind = CT_KIND_O365, s.dataset = "o365.audit", s.record_id = "m365-guid",
    s.actor_id = "MEGAN@contoso.com", s.actor_name = "MEGAN@contoso.com";
    size_t m = add(&st, s);
    s = base, s.ts = T0 + 258, s.kind = CT_KIND_ELASTIC_ALERT, s.record_id = "alert-uuid",
    s.change_id = "Directory_c1_AAA_1", s.flags |= CT_EVF_ALERT;
    size_t doc = add(&st, s);
    size_t o = add(&st, (spec){.ts = T0 + 258, .dataset = AUDIT, .action = "Add owner to application",
                              .record_id = "Directory_c1_BBB_2", .change_id = "c1", .actor_id = "oid-megan",
                              .target_id = "obj-payroll", .kind = CT_KIND_AZURE_DIAG});
    size_t x1 = add(&st, (spec){.ts = T0 - HOUR, .dataset = AUDIT, .action = "Update user", .record_id = "1",
                               .actor_id = "oid-megan", .target_id = "u-1"});
    size_t x2 = add(&st, (spec){.ts = T0 - HOUR, .dataset = AUDIT, .action = "Update user", .record_id = "1",
                               .actor_id = "oid-megan", .target_id = "u-2"});
    /* earlier additions by megan to payroll-sync, each also in the M365 log */
    size_t before[3];
    for (int k = 0; k < 3; k++) {
        char rid[64], cid[32], key[32];
        snprintf(rid, sizeof rid, "Directory_p%d_X_%d", k, k);
        snprintf(cid, sizeof cid, "p%d", k);
        snprintf(key, sizeof key, "key-%d", k);
        s = base, s.ts = T0 - (k + 1) * DAY + 500, s.kind = CT_KIND_AZURE_DIAG, s.record_id = rid, s.change_id = cid,
        s.cred_id = key;
        before[k] = add(&st, s);
        s.ts -= 500, s.kind = CT_KIND_O365, s.dataset = "o365.audit", s.record_id = cid;
        add(&st, s);
    }
    ct_corr *c = ct_corr_build(&st);
    const ct_changes *C = ct_corr_changes(c);
    size_t mem[8];
    size_t n = ct_changes_members(C, g, mem, 8);
    SET_EQ(mem, n, g, s1, s2, R, m, doc);
    assert_int_equal(ct_changes_canon(C, m), R);
    assert_int_equal(ct_changes_canon(C, doc), R);
    assert_int_equal(ct_changes_canon(C, o), o);
    assert_int_equal(ct_changes_canon(C, x1), x1);
    assert_int_equal(ct_changes_canon(C, x2), x2);
    assert_int_equal(ct_changes_copies(C), 5 + 3);

    ct_alert v[3] = {mk_alert(&st, R, "0000000000000001"), mk_alert(&st, m, "0000000000000002"),
                     mk_alert(&st, doc, "0000000000000003")};
    v[2].origin = CT_ORIGIN_ELASTIC;
    ct_alerts alerts = {v, 3, 0};
    ct_corr_index_alerts(c, &alerts);
    for (int k = 0; k < 3; k++) {
        ct_corr_result r;
        assert_int_equal(ct_corr_alert(c, &v[k], &alerts, 2 * HOUR, &r), 0);
        assert_int_equal(r.self_event, R);
        SET_EQ(r.same_actor, r.nsame_actor, x1, x2, R, o);
        SET_EQ(r.same_target, r.nsame_target, R, o);
        assert_int_equal(r.prior_changes, 3); /* not 6: each change once */
        assert_true(r.actor_changed_target_before);
        assert_int_equal(r.distinct_actors, 1);
        assert_int_equal(r.nrelated, 2); /* the other alerts of the change: same actor */
        check_lists(&st, c, &v[k], 2 * HOUR, &r);
        ct_corr_result_free(&r);
    }
    ct_corr_result r;
    ct_alert first = mk_alert(&st, before[2], "0000000000000004");
    assert_int_equal(ct_corr_alert(c, &first, NULL, HOUR, &r), 0);
    assert_int_equal(r.prior_changes, 0);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* 3,000 users sign in every hour of a day to hr-portal (their client app)
 * and to the same first-party apps; hr-portal's service principal signs in
 * every 3 hours. megan adds herself as owner of hr-portal: its timeline is
 * the change and hr-portal's own sign-ins, nothing of the users. */
static void test_first_party_app_trap(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    char uid[32], upn[64];
    const char *apps[] = {"hr-portal", "Azure Portal", "OfficeHome"};
    for (int h = 0; h < 24; h++)
        for (int u = 0; u < 3000; u++) {
            snprintf(uid, sizeof uid, "oid-%04d", u);
            snprintf(upn, sizeof upn, "user%04d@contoso.com", u);
            add(&st, (spec){.ts = T0 - 12 * HOUR + h * HOUR + u, .dataset = SIGNIN, .actor_id = uid,
                            .actor_name = upn, .actor_type = "user", .client_app = apps[u % 3],
                            .flags = CT_EVF_SIGNIN});
        }
    size_t sp[8], nsp = 0;
    for (int h = 0; h < 24; h += 3)
        sp[nsp++] = add(&st, (spec){.ts = T0 - 12 * HOUR + h * HOUR + 7, .dataset = SIGNIN, .actor_id = "sp-hr",
                                    .actor_id2 = "appid-hr", .actor_name = "hr-portal",
                                    .actor_type = "service_principal", .cred_used = "key-hr", .flags = CT_EVF_SIGNIN});
    size_t A = add(&st, (spec){.ts = T0, .dataset = AUDIT, .action = "Add owner to application",
                              .actor_id = "oid-megan", .actor_name = "megan@contoso.com",
                              .target_id = "obj-hr", .app_id = "appid-hr", .target_name = "hr-portal",
                              .target_type = "application", .named = "megan@contoso.com"});
    ct_corr *c = ct_corr_build(&st);
    ct_alert a = mk_alert(&st, A, "0000000000000f00");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, DAY, &r), 0);
    assert_int_equal(r.nsame_target, nsp + 1);
    for (size_t k = 0; k < nsp; k++) assert_int_equal(r.same_target[k + (st.ev[sp[k]].ts > T0)], sp[k]);
    SET_EQ(r.same_actor, r.nsame_actor, A);
    assert_int_equal(ct_corr_count(c, &a, DAY), nsp + 1);
    check_lists(&st, c, &a, DAY, &r);
    ct_corr_result_free(&r);
    /* the users' own timelines are theirs alone: 24 sign-ins each */
    ct_alert u = mk_alert(&st, 5, "0000000000000f01");
    assert_int_equal(ct_corr_alert(c, &u, NULL, DAY, &r), 0);
    assert_int_equal(r.nsame_actor, 24);
    assert_int_equal(r.nsame_target, 1);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* A deployment principal rotates web-app's secret every day: on day 30 it
 * has 29 earlier changes; a second actor once; a later change is not earlier. */
static void test_rotating_deployment_principal(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t last = 0;
    for (int d = 0; d < 30; d++) {
        char key[64];
        snprintf(key, sizeof key, "key-%02d", d);
        last = add(&st, (spec){.ts = T0 + d * DAY, .dataset = AUDIT, .action = "Add service principal credentials",
                               .actor_id = "sp-deploy", .actor_name = "deploy-pipeline", .target_id = "sp-web",
                               .target_name = "web-app", .cred_id = key, .flags = CT_EVF_CRED_ADD});
    }
    add(&st, (spec){.ts = T0 + 3 * DAY + HOUR, .dataset = AUDIT, .action = "Add service principal credentials",
                    .actor_id = "u-carol", .actor_name = "carol@example.com", .target_id = "sp-web",
                    .cred_id = "key-c", .flags = CT_EVF_CRED_ADD});
    add(&st, (spec){.ts = T0 + 31 * DAY + HOUR, .dataset = AUDIT, .action = "Add service principal credentials",
                    .actor_id = "sp-deploy", .target_id = "sp-web", .cred_id = "key-31", .flags = CT_EVF_CRED_ADD});
    ct_corr *c = ct_corr_build(&st);
    ct_alert a = mk_alert(&st, last, "00000000000000c1");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, 2 * DAY, &r), 0);
    assert_true(r.actor_changed_target_before);
    assert_int_equal(r.prior_changes, 29);
    assert_int_equal(r.distinct_actors, 2);
    SET_EQ(r.same_target, r.nsame_target, 27, 28, 29); /* days 28..32: the day-31 change is beyond */
    SET_EQ(r.same_actor, r.nsame_actor, 27, 28, 29);
    assert_int_equal(r.usage.n, 0);
    assert_int_equal(r.usage.first_use, CT_TIME_NONE);
    ct_corr_result_free(&r);
    ct_alert first = mk_alert(&st, 0, "00000000000000c2");
    assert_int_equal(ct_corr_alert(c, &first, NULL, 2 * DAY, &r), 0);
    assert_false(r.actor_changed_target_before);
    assert_int_equal(r.prior_changes, 0);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* Events exactly at ts +- window are in, one millisecond beyond is out, for
 * every component: the credential's use before the addition too (W is both
 * sides). Credential ids compare case-insensitively. */
static void test_window_edges(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    const int64_t w = HOUR;
    /* inserted out of time order on purpose */
    size_t after_out = add(&st, (spec){.ts = T0 + w + 1, .dataset = SIGNIN, .actor_id = "u-a", .target_id = "t",
                                      .cred_used = "k1", .flags = CT_EVF_SIGNIN});
    size_t before_in = add(&st, (spec){.ts = T0 - w, .dataset = AUDIT, .actor_id = "u-a", .target_id = "t"});
    size_t before_out = add(&st, (spec){.ts = T0 - w - 1, .dataset = AUDIT, .actor_id = "u-a", .target_id = "t"});
    size_t ev = add(&st, (spec){.ts = T0, .dataset = AUDIT, .actor_id = "u-a", .target_id = "t", .cred_id = "k1",
                                .flags = CT_EVF_CRED_ADD});
    size_t after_in = add(&st, (spec){.ts = T0 + w, .dataset = SIGNIN, .actor_id = "u-b", .target_id = "t",
                                     .cred_used = "K1", .flags = CT_EVF_SIGNIN});
    size_t use_before = add(&st, (spec){.ts = T0 - MIN, .dataset = SIGNIN, .actor_id = "u-c", .target_id = "x",
                                       .cred_used = "k1", .flags = CT_EVF_SIGNIN});
    ct_corr *c = ct_corr_build(&st);
    ct_alert a = mk_alert(&st, ev, "00000000000000e1");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, w, &r), 0);
    SET_EQ(r.same_target, r.nsame_target, before_in, use_before, ev, after_in);
    assert_int_equal(r.same_target[0], before_in);
    SET_EQ(r.same_actor, r.nsame_actor, before_in, ev);
    SET_EQ(r.usage.events, r.usage.n, use_before, after_in);
    assert_int_equal(r.window_from, T0 - w);
    assert_int_equal(r.window_to, T0 + w);
    check_lists(&st, c, &a, w, &r);
    ct_corr_result_free(&r);
    assert_int_equal(ct_corr_alert(c, &a, NULL, w + 1, &r), 0);
    SET_EQ(r.same_target, r.nsame_target, before_out, before_in, use_before, ev, after_in, after_out);
    SET_EQ(r.usage.events, r.usage.n, use_before, after_in, after_out);
    check_lists(&st, c, &a, w + 1, &r);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&st);
}

/* An Elastic alert whose source record is not loaded: its document is its
 * event, placed at the alert's own time, an alert and not a timeline event
 * of others; its actor still counts among the target's. */
static void test_elastic_alert_alone(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t on_sp = add(&st, (spec){.ts = T0, .dataset = AUDIT, .action = "Add service principal credentials",
                                   .actor_id = "u-1", .target_id = "sp-obj", .cred_id = "k", .record_id = "r1",
                                   .flags = CT_EVF_CRED_ADD});
    size_t signin = add(&st, (spec){.ts = T0 + 2 * HOUR, .dataset = SIGNIN, .actor_id = "sp-obj", .cred_used = "k",
                                    .flags = CT_EVF_SIGNIN});
    size_t doc = add(&st, (spec){.ts = T0 - MIN, .dataset = AUDIT, .actor_id = "u-9", .target_id = "sp-obj",
                                 .cred_id = "k", .record_id = "uuid", .change_id = "r-not-loaded",
                                 .flags = CT_EVF_ALERT | CT_EVF_CRED_ADD});
    ct_corr *c = ct_corr_build(&st);
    ct_alert v[2] = {mk_alert(&st, on_sp, "0000000000000102"), mk_alert(&st, doc, "0000000000000103")};
    v[1].origin = CT_ORIGIN_ELASTIC; /* its document's time is the source event's */
    ct_alerts alerts = {v, 2, 0};
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &v[0], &alerts, DAY, &r), 0);
    SET_EQ(r.same_target, r.nsame_target, on_sp, signin);
    SET_EQ(r.related_alerts, r.nrelated, 1);
    assert_int_equal(r.distinct_actors, 1);
    ct_corr_result_free(&r);
    assert_int_equal(ct_corr_alert(c, &v[1], &alerts, DAY, &r), 0);
    assert_int_equal(r.self_event, doc);
    assert_int_equal(r.nsame_target, 3);
    assert_int_equal(r.same_target[0], doc); /* at its original time */
    SET_EQ(r.same_actor, r.nsame_actor, doc);
    SET_EQ(r.usage.events, r.usage.n, signin);
    assert_int_equal(r.distinct_actors, 2);
    SET_EQ(r.related_alerts, r.nrelated, 0);
    check_lists(&st, c, &v[1], DAY, &r);
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
    size_t ev = add(&st, (spec){.ts = CT_TIME_NONE, .dataset = AUDIT, .actor_id = "a", .target_id = "t",
                                .cred_id = "k", .flags = CT_EVF_CRED_ADD});
    add(&st, (spec){.ts = T0, .dataset = SIGNIN, .actor_id = "t", .cred_used = "k"});
    c = ct_corr_build(&st);
    ct_alert a = mk_alert(&st, ev, "0000000000000aaa");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, DAY, &r), 0);
    SET_EQ(r.same_target, r.nsame_target, ev);
    SET_EQ(r.same_actor, r.nsame_actor, ev);
    assert_int_equal(r.usage.n, 0);
    assert_int_equal(r.window_from, CT_TIME_NONE);
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

/* 20,000 users sign in to five first-party apps all month; 5,000 service
 * principals sign in with their keys; every 20th event adds a credential.
 * Per alert: the same lists through the index or not, the count equal to
 * the union, and the time printed (a measure, not a timed test). */
static void test_million_events(void **state)
{
    (void)state;
    enum { N = 1000000, NUSERS = 20000, NSP = 5000, NKEYS = 50000, NALERTS = 2000 };
    ct_store st;
    ct_store_init(&st);
    st.cap = N;
    st.ev = ct_xmalloc(N * sizeof *st.ev);
    uint32_t *uid = ct_xmalloc(NUSERS * sizeof *uid), *upn = ct_xmalloc(NUSERS * sizeof *upn);
    uint32_t *sps = ct_xmalloc(NSP * sizeof *sps), *keys = ct_xmalloc(NKEYS * sizeof *keys);
    uint32_t apps[5], ips[256];
    char buf[96];
    for (int i = 0; i < NUSERS; i++) {
        snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", i, i * 7);
        uid[i] = ct_pool_internz(&st.pool, buf);
        snprintf(buf, sizeof buf, "User.%d@Contoso.com", i);
        upn[i] = ct_pool_internz(&st.pool, buf);
    }
    for (int i = 0; i < NSP; i++) {
        snprintf(buf, sizeof buf, "sp-%05d", i);
        sps[i] = ct_pool_internz(&st.pool, buf);
    }
    for (int i = 0; i < NKEYS; i++) {
        snprintf(buf, sizeof buf, "key-%06d", i);
        keys[i] = ct_pool_internz(&st.pool, buf);
    }
    for (int i = 0; i < 5; i++) {
        snprintf(buf, sizeof buf, "first-party-%d", i);
        apps[i] = ct_pool_internz(&st.pool, buf);
    }
    for (int i = 0; i < 256; i++) {
        snprintf(buf, sizeof buf, "198.51.100.%d", i);
        ips[i] = ct_pool_internz(&st.pool, buf);
    }
    uint32_t add_action = ct_pool_internz(&st.pool, "Add service principal credentials");
    uint32_t signin_action = ct_pool_internz(&st.pool, "Sign-in activity");
    uint32_t ds_audit = ct_pool_internz(&st.pool, AUDIT), ds_signin = ct_pool_internz(&st.pool, SIGNIN);
    uint32_t ok = ct_pool_internz(&st.pool, "success"), ko = ct_pool_internz(&st.pool, "failure");
    uint64_t rnd = 88172645463325252ull;
#define RND() (rnd ^= rnd << 13, rnd ^= rnd >> 7, rnd ^= rnd << 17, rnd)
    const int64_t span = 30 * DAY;
    for (size_t i = 0; i < N; i++) {
        ct_event *e = &st.ev[st.nev++];
        memset(e, 0, sizeof *e);
        uint32_t ids[CT_EF__COUNT] = {0};
        e->ts = T0 + (int64_t)(RND() % (uint64_t)span); /* unsorted, as from several files */
        ids[CT_EF_ACTOR_IP] = ips[RND() % 256];
        if (i % 20 == 0) {
            int u = (int)(RND() % NUSERS);
            e->flags = CT_EVF_CRED_ADD;
            ids[CT_EF_DATASET] = ds_audit;
            ids[CT_EF_ACTION] = add_action;
            ids[CT_EF_ACTOR_ID] = uid[u];
            ids[CT_EF_ACTOR_NAME] = upn[u];
            ids[CT_EF_TARGET_ID] = sps[RND() % NSP];
            ids[CT_EF_CRED_ID] = keys[RND() % NKEYS];
            ids[CT_EF_OUTCOME] = ok;
        } else if (i % 2) {
            int u = (int)(RND() % NUSERS);
            e->flags = CT_EVF_SIGNIN;
            ids[CT_EF_DATASET] = ds_signin;
            ids[CT_EF_ACTION] = signin_action;
            ids[CT_EF_ACTOR_ID] = uid[u];
            ids[CT_EF_ACTOR_NAME] = upn[u];
            ids[CT_EF_CLIENT_APP] = apps[RND() % 5];
            ids[CT_EF_OUTCOME] = RND() % 10 ? ok : ko;
        } else {
            e->flags = CT_EVF_SIGNIN;
            ids[CT_EF_DATASET] = ds_signin;
            ids[CT_EF_ACTION] = signin_action;
            ids[CT_EF_ACTOR_ID] = sps[RND() % NSP];
            ids[CT_EF_CRED_USED] = keys[RND() % NKEYS];
            ids[CT_EF_OUTCOME] = RND() % 10 ? ok : ko;
        }
        ct_event_set_sids(&st, e, ids);
    }
    double t = now_ms();
    ct_corr *c = ct_corr_build(&st);
    double build = now_ms() - t;
    /* every identity is its own: 20,000 users + 5,000 principals + keys */
    assert_int_equal(ct_entities_count(ct_corr_entities(c)), NUSERS + NSP + NKEYS);
    ct_alert *v = ct_xcalloc(NALERTS, sizeof *v);
    for (size_t i = 0; i < NALERTS; i++) v[i] = mk_alert(&st, i * 20 * 7, "");
    for (size_t i = 0; i < NALERTS; i++) snprintf(v[i].id, sizeof v[i].id, "%016zx", i);
    ct_alerts alerts = {v, NALERTS, 0};
    size_t total = 0, related = 0;
    t = now_ms();
    for (size_t i = 0; i < NALERTS; i++) {
        ct_corr_result r;
        assert_int_equal(ct_corr_alert(c, &v[i], &alerts, CT_CORR_DEFAULT_WINDOW, &r), 0);
        total += r.nsame_target + r.nsame_actor + r.usage.n + r.nrelated;
        if (i % 100 == 0) check_lists(&st, c, &v[i], CT_CORR_DEFAULT_WINDOW, &r);
        ct_corr_result_free(&r);
    }
    double per_alert = (now_ms() - t) / NALERTS;
    /* related alerts through the alert index: the same lists, in the same order */
    for (size_t i = 0; i < NALERTS; i += 50) {
        ct_corr_result r1, r2;
        ct_corr_index_alerts(c, NULL);
        assert_int_equal(ct_corr_alert(c, &v[i], &alerts, CT_CORR_DEFAULT_WINDOW, &r1), 0);
        ct_corr_index_alerts(c, &alerts);
        assert_int_equal(ct_corr_alert(c, &v[i], &alerts, CT_CORR_DEFAULT_WINDOW, &r2), 0);
        assert_int_equal(r1.nrelated, r2.nrelated);
        for (size_t k = 0; k < r1.nrelated; k++) assert_int_equal(r1.related_alerts[k], r2.related_alerts[k]);
        related += r2.nrelated;
        ct_corr_result_free(&r1);
        ct_corr_result_free(&r2);
    }
    assert_true(related > 0);
    ct_corr_index_alerts(c, &alerts);
    t = now_ms();
    size_t counted = 0;
    for (size_t i = 0; i < NALERTS; i++) counted += ct_corr_count(c, &v[i], CT_CORR_DEFAULT_WINDOW);
    double per_count = (now_ms() - t) / NALERTS;
    printf("corr: %d events: build %.0f ms; ct_corr_alert %.3f ms/alert (%d alerts, %zu rows); "
           "ct_corr_count %.4f ms/alert (%zu)\n",
           N, build, per_alert, NALERTS, total, per_count, counted);
    free(v);
    ct_corr_free(c);
    free(uid);
    free(upn);
    free(sps);
    free(keys);
    ct_store_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_azure_secret_used),
        cmocka_unit_test(test_aws_key_for_other_user),
        cmocka_unit_test(test_target_acts_usage_related),
        cmocka_unit_test(test_one_change_one_event),
        cmocka_unit_test(test_first_party_app_trap),
        cmocka_unit_test(test_rotating_deployment_principal),
        cmocka_unit_test(test_window_edges),
        cmocka_unit_test(test_elastic_alert_alone),
        cmocka_unit_test(test_empty_and_untimed),
        cmocka_unit_test(test_million_events),
    };
    return cmocka_run_group_tests_name("corr", tests, NULL, NULL);
}
