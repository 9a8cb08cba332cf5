/* The shipped rule pack: every rule parses, has a guide with a response list,
 * fires once per record of its positive fixture and never on its negative. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <unistd.h>
#include "alerts.h"
#include "guide.h"
#include "rules.h"

static void quiet(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx;
    fail_msg("unexpected diagnostic %s:%llu: %s", file, (unsigned long long)line, msg);
}

static void quiet_any(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx, (void)file, (void)line, (void)msg;
}

static size_t count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = 0;
    int c, last = '\n';
    while ((c = fgetc(f)) != EOF) {
        if (c == '\n' && last != '\n') n++;
        last = c;
    }
    if (last != '\n') n++;
    fclose(f);
    return n;
}

/* Alerts of rule r (and of any rule) when scanning path. */
static void scan_file(const ct_ruleset *rs0, const char *path, const ct_rule *r, size_t *mine,
                      size_t *any)
{
    ct_store st;
    ct_store_init(&st);
    st.diag = quiet;
    assert_int_equal(ct_store_load(&st, path), 0);
    ct_ruleset *rs = (ct_ruleset *)rs0;
    ct_rules_bind(rs, &st);
    ct_alerts a;
    ct_scan(&st, rs, &a);
    *mine = 0;
    *any = a.n;
    for (size_t i = 0; i < a.n; i++)
        if (a.v[i].rule == r) (*mine)++;
    ct_alerts_free(&a);
    ct_store_free(&st);
}

/* Alerts of one file, with or without the rules evaluated while loading. */
static void scan_with(ct_ruleset *rs, const char *path, int at_load, ct_alerts *a, size_t *evaled)
{
    ct_store st;
    ct_store_init(&st);
    st.diag = quiet_any;
    if (at_load) ct_scan_prepare(rs, &st);
    ct_store_load(&st, path);
    ct_rules_bind(rs, &st);
    ct_scan(&st, rs, a);
    *evaled = 0;
    for (size_t i = 0; i < st.nev; i++) *evaled += !!(st.ev[i].flags & CT_EVF_EVALED);
    ct_store_free(&st);
}

/* The verdicts made on the loader's tree are the scan's own: every fixture
 * and sample gives the same alerts (ids, rules, events) both ways. */
static void test_rules_while_loading_same_alerts(void **state)
{
    (void)state;
    ct_ruleset rs;
    assert_int_equal(ct_rules_load(".", &rs, quiet, NULL), 0);
    const char *pats[] = {"tests/fixtures/rules/*.ndjson", "samples/*.json*", "samples/*.ndjson"};
    size_t files = 0, evaled_all = 0, alerts_all = 0;
    for (size_t p = 0; p < sizeof pats / sizeof *pats; p++) {
        glob_t g;
        if (glob(pats[p], 0, NULL, &g)) continue;
        for (size_t k = 0; k < g.gl_pathc; k++) {
            ct_alerts a, b;
            size_t ea, eb;
            scan_with(&rs, g.gl_pathv[k], 0, &a, &ea);
            scan_with(&rs, g.gl_pathv[k], 1, &b, &eb);
            assert_int_equal(ea, 0);
            if (a.n != b.n) fail_msg("%s: %zu alerts, %zu with rules at load", g.gl_pathv[k], a.n, b.n);
            for (size_t i = 0; i < a.n; i++) {
                assert_string_equal(a.v[i].id, b.v[i].id);
                assert_ptr_equal(a.v[i].rule, b.v[i].rule);
                assert_int_equal(a.v[i].event, b.v[i].event);
            }
            files++;
            evaled_all += eb;
            alerts_all += a.n;
            ct_alerts_free(&a);
            ct_alerts_free(&b);
        }
        globfree(&g);
    }
    /* not vacuous: the files were there, records took the full path, alerts came */
    assert_true(files >= 30);
    assert_true(evaled_all >= 100);
    assert_true(alerts_all >= 40);
    ct_rules_free(&rs);
}

/* A rule reading credtriage.* (or free text) is left to the scan: the
 * loader's tree has no "credtriage" object. */
static void test_rules_at_load_eligibility(void **state)
{
    (void)state;
    static const struct { const char *q; int reads; } cases[] = {
        {"event.action:CreateAccessKey", 0},
        {"credtriage.actor.name:alice", 1},
        {"credtriage:*", 1},
        {"credtriagex:1", 0},
        {"cred:1", 0},
        {"alice", 1},
        {"cred*:1", 1},
        {"*.name:alice", 1},
        {"azure.*.display_name:x", 0},
        {"credtriage.*:x", 1},
        {"user:{ name:alice }", 0},
        {"credtriage:{ actor.name:alice }", 1},
        {"not event.action:x or credtriage.credential.id:k", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char err[256];
        ct_kql *q = ct_kql_parse(cases[i].q, err, sizeof err);
        if (!q) fail_msg("%s: %s", cases[i].q, err);
        if (ct_kql_reads_under(q, "credtriage") != cases[i].reads)
            fail_msg("%s: reads_under %d, want %d", cases[i].q, !cases[i].reads, cases[i].reads);
        ct_kql_free(q);
    }
}

static void test_pack_loads_clean(void **state)
{
    (void)state;
    ct_ruleset rs;
    assert_int_equal(ct_rules_load(".", &rs, quiet, NULL), 0);
    assert_true(rs.n >= 15);
    for (size_t i = 0; i < rs.n; i++) {
        const ct_rule *r = &rs.v[i];
        if (!r->guide_path) fail_msg("%s: no guide file", r->path);
        char **steps;
        size_t n;
        assert_int_equal(ct_guide_response_steps(r->guide, &steps, &n), 0);
        if (n < 3) fail_msg("%s: response list has %zu steps", r->guide_path, n);
        ct_guide_steps_free(steps, n);
        assert_true(ct_guide_has_section(r->guide, "Triage and analysis"));
    }
    ct_rules_free(&rs);
}

static void test_positive_and_negative_fixtures(void **state)
{
    (void)state;
    ct_ruleset rs;
    assert_int_equal(ct_rules_load(".", &rs, quiet, NULL), 0);
    for (size_t i = 0; i < rs.n; i++) {
        const ct_rule *r = &rs.v[i];
        char pos[512], neg[512];
        snprintf(pos, sizeof pos, "tests/fixtures/rules/%s.pos.ndjson", r->stem);
        snprintf(neg, sizeof neg, "tests/fixtures/rules/%s.neg.ndjson", r->stem);
        if (access(pos, R_OK) || access(neg, R_OK)) fail_msg("%s: missing fixture %s or %s", r->stem, pos, neg);
        /* an aggregating ES|QL rule raises one alert per group, not per
         * record: <stem>.pos.alerts then holds the count */
        char cnt[512];
        snprintf(cnt, sizeof cnt, "tests/fixtures/rules/%s.pos.alerts", r->stem);
        size_t mine, any, want = count_lines(pos);
        FILE *cf = fopen(cnt, "r");
        if (cf) {
            if (fscanf(cf, "%zu", &want) != 1) fail_msg("%s: not a count", cnt);
            fclose(cf);
        }
        scan_file(&rs, pos, r, &mine, &any);
        if (mine != want) fail_msg("%s: %zu alerts on %zu positive records", r->stem, mine, want);
        scan_file(&rs, neg, r, &mine, &any);
        if (mine != 0) fail_msg("%s: %zu alerts on its negative fixture", r->stem, mine);
    }
    ct_rules_free(&rs);
}

/* Elastic's hyphen spelling must find Entra's real en dash + trailing space. */
static void test_hyphen_query_matches_en_dash(void **state)
{
    (void)state;
    ct_ruleset rs;
    assert_int_equal(ct_rules_load(".", &rs, quiet, NULL), 0);
    const ct_rule *r = ct_rules_find(&rs, "entra_app_credential_added");
    assert_non_null(r);
    assert_non_null(strstr(r->query, "\"Update application - Certificates and secrets management\""));
    const char *rec =
        "{\"time\":\"2026-11-05T02:14:07.2585101Z\",\"operationName\":\"Update application "
        "\xE2\x80\x93 Certificates and secrets management \",\"category\":\"AuditLogs\","
        "\"resultSignature\":\"None\",\"properties\":{\"id\":\"Directory_x\",\"result\":\"success\","
        "\"activityDisplayName\":\"Update application \xE2\x80\x93 Certificates and secrets "
        "management \",\"initiatedBy\":{\"user\":{\"id\":\"u1\",\"userPrincipalName\":"
        "\"a@contoso.com\"}},\"targetResources\":[{\"id\":\"app1\",\"displayName\":\"x\","
        "\"type\":\"Application\",\"modifiedProperties\":[]}]}}\n";
    char path[] = "/tmp/ct-rules-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, rec, strlen(rec)), (ssize_t)strlen(rec));
    close(fd);
    size_t mine, any;
    scan_file(&rs, path, r, &mine, &any);
    assert_int_equal(mine, 1);
    /* and the raw spelling is still what the record says */
    ct_store st;
    ct_store_init(&st);
    ct_store_load(&st, path);
    size_t len;
    const char *raw = ct_event_raw(&st, 0, &len);
    assert_non_null(strstr(raw, "Update application \xE2\x80\x93 Certificates and secrets management \""));
    ct_store_free(&st);
    unlink(path);
    ct_rules_free(&rs);
}

static void test_alert_ids_stable(void **state)
{
    (void)state;
    ct_ruleset rs;
    assert_int_equal(ct_rules_load(".", &rs, quiet, NULL), 0);
    char first[64][17];
    size_t n1 = 0;
    for (int run = 0; run < 2; run++) {
        ct_store st;
        ct_store_init(&st);
        ct_store_load(&st, "tests/fixtures/rules/entra_app_credential_added.pos.ndjson");
        ct_store_load(&st, "tests/fixtures/rules/aws_iam_access_key_created.pos.ndjson");
        ct_rules_bind(&rs, &st);
        ct_alerts a;
        ct_scan(&st, &rs, &a);
        assert_true(a.n > 0 && a.n < 64);
        for (size_t i = 0; i < a.n; i++) {
            if (run == 0) memcpy(first[i], a.v[i].id, 17);
            else assert_string_equal(first[i], a.v[i].id);
            assert_ptr_equal(ct_alerts_find(&a, a.v[i].id), &a.v[i]);
        }
        if (run == 0) n1 = a.n;
        else assert_int_equal(n1, a.n);
        ct_alerts_free(&a);
        ct_store_free(&st);
    }
    ct_rules_free(&rs);
}

static void test_broken_rule_reported_rest_loads(void **state)
{
    (void)state;
    char dir[] = "/tmp/ct-rules-dir-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[600];
    snprintf(p, sizeof p, "%s/rules/x", dir);
    assert_int_equal(ct_mkdirs(p, 0755), 0);
    snprintf(p, sizeof p, "%s/rules/x/good.json", dir);
    const char *good = "{\"rule_id\":\"r1\",\"name\":\"Good\",\"type\":\"query\",\"language\":\"kuery\",\"query\":\"event.action:x\"}\n";
    assert_int_equal(ct_write_file_atomic(p, good, strlen(good)), 0);
    snprintf(p, sizeof p, "%s/rules/x/bad.json", dir);
    const char *bad = "{\"rule_id\":\"r2\",\"name\":\"Bad\",\"type\":\"query\",\"language\":\"kuery\",\"query\":\"event.action:(x\"}\n";
    assert_int_equal(ct_write_file_atomic(p, bad, strlen(bad)), 0);
    snprintf(p, sizeof p, "%s/rules/x/dup.json", dir);
    assert_int_equal(ct_write_file_atomic(p, good, strlen(good)), 0);
    ct_ruleset rs;
    assert_int_equal(ct_rules_load(dir, &rs, NULL, NULL), 2);
    assert_int_equal(rs.n, 1);
    assert_string_equal(rs.v[0].stem, "dup"); /* sorted: bad, dup, good -> dup first, good duplicate */
    ct_rules_free(&rs);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void collect_diag(void *ctx, const char *file, uint64_t line, const char *msg)
{
    ct_sbuf_addf(ctx, "%s:%llu: %s\n", file, (unsigned long long)line, msg);
}

/* A rule's cost is judged where it is loaded; a guide that is a symlink (to a
 * secret) is refused, reported and never used: the rule's own note stands. */
static void test_rule_cost_and_guide_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/ct-rules-cost-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[600];
    snprintf(p, sizeof p, "%s/rules/x", dir);
    assert_int_equal(ct_mkdirs(p, 0755), 0);
    snprintf(p, sizeof p, "%s/guides", dir);
    assert_int_equal(ct_mkdirs(p, 0755), 0);
    const char *three = "{\"rule_id\":\"r3\",\"name\":\"Three\",\"query\":\"a:1 and b:* and c >= 2\","
                        "\"note\":\"the note\"}\n";
    snprintf(p, sizeof p, "%s/rules/x/three.json", dir);
    assert_int_equal(ct_write_file_atomic(p, three, strlen(three)), 0);
    char cmd[900];
    snprintf(cmd, sizeof cmd, "printf 'aws_secret_access_key = S3CR3T\\n' > '%s/secret' && ln -s '%s/secret' "
                              "'%s/guides/three.md'", dir, dir, dir);
    assert_int_equal(system(cmd), 0);
    ct_sbuf d;
    ct_sbuf_init(&d);
    ct_ruleset rs;
    assert_int_equal(ct_rules_load(dir, &rs, collect_diag, &d), 0);
    assert_int_equal(rs.n, 1);
    assert_string_equal(rs.v[0].guide, "the note");
    assert_null(rs.v[0].guide_path);
    assert_string_equal(d.buf, "guides/three.md:0: guide not loaded: guides/three.md: a symbolic link is "
                               "on the path: refused (credtriage follows no link inside the rules repo)\n");
    ct_rules_free(&rs);
    ct_sbuf_reset(&d);
    setenv("CREDTRIAGE_MAX_TERMS", "2", 1);
    assert_int_equal(ct_rules_load(dir, &rs, collect_diag, &d), 1);
    assert_int_equal(rs.n, 0);
    assert_string_equal(d.buf, "rules/x/three.json:0: query of 3 terms, over the limit of 2 "
                               "(CREDTRIAGE_MAX_TERMS): rule not loaded\n");
    ct_rules_free(&rs);
    unsetenv("CREDTRIAGE_MAX_TERMS");
    ct_sbuf_reset(&d);
    setenv("CREDTRIAGE_MAX_QUERY", "10", 1);
    assert_int_equal(ct_rules_load(dir, &rs, collect_diag, &d), 1);
    assert_string_equal(d.buf, "rules/x/three.json:0: query of 22 bytes, over the limit of 10 "
                               "(CREDTRIAGE_MAX_QUERY): rule not loaded\n");
    ct_rules_free(&rs);
    unsetenv("CREDTRIAGE_MAX_QUERY");
    ct_sbuf_free(&d);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* The one-field pre-filter decides wildcards and negations exactly. */
static void test_field_may_match(void **state)
{
    (void)state;
    char err[256];
    ct_kql *q = ct_kql_parse("event.dataset:gcp.audit and event.action:(google.iam.admin.v*.CreateServiceAccountKey "
                             "or google.iam.admin.v*.UploadServiceAccountKey) and event.outcome:success",
                             err, sizeof err);
    assert_non_null(q);
    assert_true(ct_kql_field_may_match(q, "event.action", "google.iam.admin.v1.CreateServiceAccountKey"));
    assert_true(ct_kql_field_may_match(q, "event.action", "google.iam.admin.v2.UploadServiceAccountKey"));
    assert_false(ct_kql_field_may_match(q, "event.action", "storage.buckets.list"));
    assert_true(ct_kql_field_may_match(q, "source.ip", "192.0.2.1")); /* a field q does not constrain */
    ct_kql_free(q);
    q = ct_kql_parse("not event.action:ListUsers and (event.action:Create* or user.name:x)", err, sizeof err);
    assert_false(ct_kql_field_may_match(q, "event.action", "ListUsers"));
    assert_true(ct_kql_field_may_match(q, "event.action", "GetUser")); /* user.name may still be x */
    ct_kql_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pack_loads_clean),
        cmocka_unit_test(test_positive_and_negative_fixtures),
        cmocka_unit_test(test_hyphen_query_matches_en_dash),
        cmocka_unit_test(test_alert_ids_stable),
        cmocka_unit_test(test_broken_rule_reported_rest_loads),
        cmocka_unit_test(test_rule_cost_and_guide_refused),
        cmocka_unit_test(test_field_may_match),
        cmocka_unit_test(test_rules_while_loading_same_alerts),
        cmocka_unit_test(test_rules_at_load_eligibility),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
