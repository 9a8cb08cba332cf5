/* The rules the load evaluates on a record the fast path took
 * (ct_scan_eval_fast: a tree of the validated bytes pruned to the fields the
 * rules read, with ct_norm_ecs's repairs) against the full path (cJSON +
 * ct_normalize, every rule that passes the pre-filter matched on the whole
 * document): the same rule bits, exactly, for every record of samples/ and
 * tests/fixtures/, the same records in ECS form, $CT_FASTSCAN_EXTRA's
 * generated files and mutated ECS documents. Two rule packs: the shipped
 * one, and one written here to reach every kind of field a query evaluated
 * at load can read (wildcard names, nested queries, exists, ranges, arrays;
 * free text reads "credtriage" too, so such a rule is left to the scan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerts.h"
#include "fastscan.h"
#include "input.h"
#include "norm.h"
#include "corpusutil.h"
#include "rules.h"

typedef struct tally {
    size_t records, fast_ecs, judged, matched, mismatches;
    char first_bad[512];
} tally;

static ct_ruleset packs[2];
static size_t npacks;

static void mismatch(tally *t, const char *where, const char *what)
{
    t->mismatches++;
    if (!t->first_bad[0]) snprintf(t->first_bad, sizeof t->first_bad, "%s: %s", where, what);
}

/* The full path's bits: what the load's hook gives a record it normalized. */
static uint32_t full_bits(const ct_ruleset *rs, const ct_norm *n)
{
    uint32_t bits = 0;
    for (size_t r = 0; r < rs->n && r < CT_RULES_AT_LOAD; r++) {
        const ct_rule *rule = &rs->v[r];
        if (!rule->at_load || !ct_rule_may_match_str(rule, n->f.dataset, n->f.action, n->kind)) continue;
        if (ct_kql_match(rule->kql, n->doc)) bits |= 1u << r;
    }
    return bits;
}

static void check_record(tally *t, const char *p, size_t len, const char *where)
{
    t->records++;
    ct_fast fx;
    if (!ct_fast_extract(p, len, &fx) || fx.kind != CT_KIND_ECS) return;
    t->fast_ecs++;
    uint32_t fast[2];
    for (size_t k = 0; k < npacks; k++) {
        /* the pruned tree needs the validator's notes of these bytes: extract again */
        if (k && !ct_fast_extract(p, len, &fx)) return;
        if (!ct_scan_eval_fast(&packs[k], p, len, &fx, &fast[k])) {
            mismatch(t, where, "not judged");
            return;
        }
    }
    cJSON *rec = cJSON_ParseWithLength(p, len);
    ct_norm n;
    char err[256];
    if (!rec || ct_normalize(rec, &n, err, sizeof err) < 0) {
        cJSON_Delete(rec);
        mismatch(t, where, "the full path rejects it");
        return;
    }
    cJSON_Delete(rec);
    t->judged++;
    for (size_t k = 0; k < npacks; k++) {
        uint32_t full = full_bits(&packs[k], &n);
        if (full) t->matched++;
        if (full != fast[k]) {
            char what[128];
            snprintf(what, sizeof what, "pack %zu: fast bits 0x%x, full 0x%x", k, fast[k], full);
            mismatch(t, where, what);
        }
    }
    ct_norm_free(&n);
}

/* corpusutil's walks hand each record here */
static void check_cb(void *t, const char *p, size_t len, const char *where)
{
    check_record(t, p, len, where);
}

static const char *const dirs[] = {
    "samples", "tests/fixtures/norm/cloud", "tests/fixtures/norm/ms", "tests/fixtures/rules",
    "tests/fixtures/corr", "tests/fixtures/input",
};

/* Queries that read every kind of field: wildcard names (whole subtrees
 * under their literal start), nested queries, exists, ranges, arrays of
 * values and of objects, the folded operation names, the datasets the
 * repairs fill from each other. */
static const char *const pack_pruned[] = {
    "event.dataset:azure.auditlogs and azure.auditlogs.properties.target_resources.*.modified_properties.*.display_name:(KeyDescription or AppId)",
    "azure.auditlogs.properties.initiated_by:{ user.userPrincipalName:* }",
    "source.ip:198.51.100.0/24 or client.ip:203.0.113.181",
    "user.*:*a* and not event.outcome:failure",
    "event.outcome:failure and not user_agent.original:*curl*",
    "@timestamp >= \"2026-11-02T05:00:00Z\" and data_stream.dataset:azure.signinlogs",
    "azure.auditlogs.operation_name:\"Update application - Certificates and secrets management\"",
    "event.action:*Key* or event.action:ConsoleLogin",
    "aws.cloudtrail.flattened.request_parameters.userName:* and aws.cloudtrail.user_identity.type:IAMUser",
    "gcp.audit.authentication_info:* and event.dataset:gcp.audit",
    "data_stream.dataset:gcp.audit and cloud.*:*",
    "event.category:iam or event.type:info",
    "related.ip:89.160.20.97 or related.user:*",
    "azure.signinlogs.properties.status.error_code > 0",
    "event.dataset:azure.auditlogs and azure.auditlogs.properties.activity_display_name:*Certificates*",
    "o365.audit.Operation:\"Add service principal credentials\" and event.dataset:o365.audit",
    "*.user_identity.arn:*root*",
    "event.dataset:azure.signinlogs and azure.signinlogs.category:ServicePrincipalSignInLogs",
};
static void make_pack(ct_ruleset *rs, const char *const *q, size_t n)
{
    memset(rs, 0, sizeof *rs);
    rs->v = ct_xcalloc(n, sizeof *rs->v);
    rs->n = n;
    rs->stamp = 1000; /* not a stamp ct_rules_load gives: the pre-filter cache tells packs by it */
    for (size_t i = 0; i < n; i++) {
        char err[256];
        rs->v[i].kql = ct_kql_parse(q[i], err, sizeof err);
        if (!rs->v[i].kql) fail_msg("query %zu: %s", i, err);
    }
}

static void no_diag(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx, (void)file, (void)line, (void)msg;
}

static int setup(void **state)
{
    (void)state;
    int problems = ct_rules_load(".", &packs[0], no_diag, NULL);
    if (problems || packs[0].n < 10) {
        fprintf(stderr, "the shipped pack: %d problems, %zu rules\n", problems, packs[0].n);
        return -1;
    }
    make_pack(&packs[1], pack_pruned, CT_ARRAY_LEN(pack_pruned));
    npacks = 2;
    for (size_t k = 0; k < npacks; k++) {
        ct_store st;
        ct_store_init(&st);
        ct_scan_prepare(&packs[k], &st);
        ct_store_free(&st);
    }
    /* both pruned (a free-text query reads "credtriage" too: never at load) */
    if (packs[0].load_prune.all || packs[1].load_prune.all || packs[1].load_prune.n < 20) {
        fprintf(stderr, "prune sets: %d %d %zu\n", packs[0].load_prune.all, packs[1].load_prune.all,
                packs[1].load_prune.n);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t k = 0; k < npacks; k++) ct_rules_free(&packs[k]);
    return 0;
}

static void report(const tally *t, const char *what)
{
    printf("fastscan rules %s: %zu records, %zu ECS on the fast path, %zu judged, %zu pack verdicts with a match, %zu mismatches\n",
           what, t->records, t->fast_ecs, t->judged, t->matched, t->mismatches);
    if (t->mismatches) fprintf(stderr, "first mismatch: %s\n", t->first_bad);
}

static void test_samples_and_fixtures(void **state)
{
    (void)state;
    tally t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < CT_ARRAY_LEN(dirs); i++) corpus_dir(dirs[i], 0, check_cb, &t);
    for (size_t i = 0; i < CT_ARRAY_LEN(dirs); i++) corpus_dir(dirs[i], 1, check_cb, &t);
    report(&t, "samples and fixtures (raw and ECS)");
    assert_int_equal(t.mismatches, 0);
    assert_true(t.judged >= 150);
    assert_true(t.matched >= 50);
}

static void test_extra_files(void **state)
{
    (void)state;
    tally t;
    memset(&t, 0, sizeof t);
    if (!corpus_extra(check_cb, &t)) {
        printf("fastscan rules extra: none ($CT_FASTSCAN_EXTRA unset)\n");
        return;
    }
    report(&t, "extra");
    assert_int_equal(t.mismatches, 0);
    assert_true(t.judged > 1000);
    assert_true(t.matched > 1000);
}

static const char *const seeds[] = {
    "{\"@timestamp\":\"2026-11-02T05:26:18Z\",\"event\":{\"dataset\":\"aws.cloudtrail\",\"action\":\"AttachUserPolicy\",\"provider\":\"iam.amazonaws.com\",\"outcome\":\"failure\",\"category\":[\"iam\"],\"id\":\"3b6e\"},\"source\":{\"ip\":\"203.0.113.34\"},\"user\":{\"id\":\"AIDA1\",\"name\":\"isaiah0\",\"target\":{\"id\":\"AIDA2\"}},\"user_agent\":{\"original\":\"Boto3/1.35.44\"},\"aws\":{\"cloudtrail\":{\"user_identity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/isaiah0\",\"access_key_id\":\"AKIA5F\"},\"flattened\":{\"request_parameters\":{\"userName\":\"bob\"}},\"error_code\":\"AccessDenied\"}},\"related\":{\"user\":[\"bob\",\"isaiah0\"]}}",
    "{\"@timestamp\":\"2026-11-03T00:38:33.5602801Z\",\"event\":{\"dataset\":\"azure.auditlogs\",\"action\":\"Update group\",\"id\":\"Directory_f3\"},\"source\":{\"ip\":\"192.0.2.46\"},\"azure\":{\"auditlogs\":{\"identity\":\"Managed Service Identity\",\"operation_name\":\"Update group\",\"properties\":{\"id\":\"Directory_f3b\",\"result\":\"Succeeded\",\"initiated_by\":{\"user\":{\"userPrincipalName\":\"a@b\"},\"app\":{\"appId\":\"d9a6\"}},\"target_resources\":{\"0\":{\"id\":\"0792\",\"type\":\"Group\",\"modified_properties\":{\"0\":{\"display_name\":\"AppId\",\"new_value\":\"\\\"65700266\\\"\"}}},\"1\":{\"id\":\"7070\",\"type\":\"ServicePrincipal\",\"modified_properties\":[{\"display_name\":\"Key\"}]}}}}}}",
    "{\"@timestamp\":\"2026-11-02T09:23:25Z\",\"ecs\":{\"version\":\"8.11.0\"},\"data_stream\":{\"dataset\":\"azure.signinlogs\"},\"source\":{\"address\":\"203.0.113.180\"},\"client\":{\"ip\":\"203.0.113.181\"},\"azure\":{\"signinlogs\":{\"category\":\"ServicePrincipalSignInLogs\",\"properties\":{\"id\":\"dba6\",\"app_id\":\"37e7\",\"service_principal_id\":\"30e7\",\"status\":{\"error_code\":7}}}},\"cloud\":{\"provider\":\"azure\"}}",
};

static void test_mutations(void **state)
{
    (void)state;
    static const char subst[] = {'"', '{', '}', '[', ']', ',', ':', ' ', 'A', '0', '.'};
    tally t;
    memset(&t, 0, sizeof t);
    corpus_mutate(seeds, CT_ARRAY_LEN(seeds), subst, sizeof subst, 0, check_cb, &t);
    report(&t, "mutations");
    assert_int_equal(t.mismatches, 0);
    assert_true(t.judged > 1000);
    assert_true(t.matched > 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_and_fixtures),
        cmocka_unit_test(test_extra_files),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
