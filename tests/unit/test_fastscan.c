/* The fast extractor (fastscan.h) against the full path (cJSON + ct_normalize):
 * over every record of samples/ and tests/fixtures/, over the same records in
 * ECS form (the document the full path makes of each, as Filebeat would ship
 * it), and over mutated copies of raw and ECS records of every hot kind
 * (every byte position: truncated, or one byte replaced by a JSON-significant
 * one), whenever the fast path accepts a record the full path must accept it
 * too and give the same kind, time, flags and every interned field. Extra
 * files: $CT_FASTSCAN_EXTRA (colon separated), e.g. generated benchmark files
 * (`make unit` passes one in raw and one in ECS form). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fastscan.h"
#include "input.h"
#include "norm.h"
#include "corpusutil.h"
#include "store.h"

typedef struct tally {
    size_t records, fast, mismatches;
    size_t ecs_form; /* records that lead with "@timestamp" (the ECS fast path's) */
    size_t by_kind[CT_KIND__COUNT];
    char first_bad[512];
} tally;

static void fields_of(const ct_fields *f, const char *v[CT_EF__COUNT])
{
    for (int k = 0; k < CT_EF__COUNT; k++) v[k] = ct_fields_get(f, (enum ct_ef)k);
}

static void mismatch(tally *t, const char *where, const char *what)
{
    t->mismatches++;
    if (!t->first_bad[0]) snprintf(t->first_bad, sizeof t->first_bad, "%s: %s", where, what);
}

/* Compare both paths on one record. */
static void check_record(tally *t, const char *p, size_t len, const char *where)
{
    t->records++;
    if (len > 13 && !memcmp(p, "{\"@timestamp\"", 13)) t->ecs_form++;
    ct_fast fx;
    if (!ct_fast_extract(p, len, &fx)) return;
    t->fast++;
    t->by_kind[fx.kind]++;
    cJSON *rec = cJSON_ParseWithLength(p, len);
    if (!rec) {
        mismatch(t, where, "fast path accepted what cJSON rejects");
        return;
    }
    ct_norm n;
    char err[256];
    int rc = ct_normalize(rec, &n, err, sizeof err);
    cJSON_Delete(rec);
    if (rc < 0) {
        mismatch(t, where, "fast path accepted what ct_normalize rejects");
        return;
    }
    char what[400];
    const char *v[CT_EF__COUNT];
    fields_of(&n.f, v);
    if ((ct_kind)fx.kind != n.kind) mismatch(t, where, "kind differs");
    else if (fx.ts != n.f.ts) mismatch(t, where, "timestamp differs");
    else if (!!fx.is_credential_add != !!n.f.is_credential_add || !!fx.is_signin != !!n.f.is_signin)
        mismatch(t, where, "flags differ");
    else
        for (int i = 0; i < CT_EF__COUNT; i++) {
            const ct_fstr *a = &fx.v[i];
            int same = (!a->s && !v[i]) ||
                       (a->s && v[i] && strlen(v[i]) == a->n && !memcmp(v[i], a->s, a->n));
            if (!same) {
                snprintf(what, sizeof what, "field %d: fast '%.*s' full '%s'", i,
                         a->s ? (int)a->n : 6, a->s ? a->s : "(null)", v[i] ? v[i] : "(null)");
                mismatch(t, where, what);
                break;
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

static void test_samples_and_fixtures(void **state)
{
    (void)state;
    tally t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < CT_ARRAY_LEN(dirs); i++) corpus_dir(dirs[i], 0, check_cb, &t);
    printf("fastscan: %zu records, %zu on the fast path (azure %zu, cloudtrail %zu, gcp %zu, ecs %zu), %zu mismatches\n",
           t.records, t.fast, t.by_kind[CT_KIND_AZURE_DIAG], t.by_kind[CT_KIND_CLOUDTRAIL],
           t.by_kind[CT_KIND_GCP], t.by_kind[CT_KIND_ECS], t.mismatches);
    if (t.mismatches) fprintf(stderr, "first mismatch: %s\n", t.first_bad);
    assert_int_equal(t.mismatches, 0);
    /* the fast path must actually be taken for the hot kinds */
    assert_true(t.by_kind[CT_KIND_AZURE_DIAG] >= 50);
    assert_true(t.by_kind[CT_KIND_CLOUDTRAIL] >= 50);
    assert_true(t.by_kind[CT_KIND_GCP] >= 20);
}

/* $CT_FASTSCAN_EXTRA: generated files, raw or ECS. */
static void test_extra_files(void **state)
{
    (void)state;
    tally t;
    memset(&t, 0, sizeof t);
    if (!corpus_extra(check_cb, &t)) {
        printf("fastscan extra: none ($CT_FASTSCAN_EXTRA unset)\n");
        return;
    }
    printf("fastscan extra: %zu records (%zu in ECS form), %zu on the fast path (azure %zu, cloudtrail %zu, gcp %zu, ecs %zu), %zu mismatches\n",
           t.records, t.ecs_form, t.fast, t.by_kind[CT_KIND_AZURE_DIAG], t.by_kind[CT_KIND_CLOUDTRAIL],
           t.by_kind[CT_KIND_GCP], t.by_kind[CT_KIND_ECS], t.mismatches);
    if (t.mismatches) fprintf(stderr, "first mismatch: %s\n", t.first_bad);
    assert_int_equal(t.mismatches, 0);
    assert_true(t.records > 0);
    /* ECS documents of the hot datasets take the ECS fast path (generated
     * files: all but the credential operations) */
    assert_true(t.by_kind[CT_KIND_ECS] * 4 >= t.ecs_form);
}

/* Every sample and fixture record again, as the ECS document the full path
 * makes of it: so each raw shape also exists in ECS form. */
static void test_ecs_documents(void **state)
{
    (void)state;
    tally t;
    memset(&t, 0, sizeof t);
    for (size_t i = 0; i < CT_ARRAY_LEN(dirs); i++) corpus_dir(dirs[i], 1, check_cb, &t);
    printf("fastscan ECS: %zu documents, %zu on the fast path (ecs %zu), %zu mismatches\n", t.records,
           t.fast, t.by_kind[CT_KIND_ECS], t.mismatches);
    if (t.mismatches) fprintf(stderr, "first mismatch: %s\n", t.first_bad);
    assert_int_equal(t.mismatches, 0);
    assert_true(t.by_kind[CT_KIND_ECS] >= 150);
}

/* Records to mutate: NDJSON lines of sign-ins, CloudTrail calls, GCP and Entra
 * audit entries, raw and in ECS form. */
static const char *const seeds[] = {
    "{\"time\":\"2026-11-02T00:20:15.9854795Z\",\"resourceId\":\"/tenants/t/providers/Microsoft.aadiam\",\"operationName\":\"Sign-in activity\",\"category\":\"ServicePrincipalSignInLogs\",\"resultType\":\"0\",\"callerIpAddress\":\"192.0.2.81\",\"Level\":4,\"properties\":{\"id\":\"b23b02b6\",\"userId\":null,\"appId\":\"6520edd2\",\"ipAddress\":\"192.0.2.81\",\"status\":{\"errorCode\":0},\"servicePrincipalName\":\"ci-pipeline\",\"servicePrincipalId\":\"78cd26c0\",\"servicePrincipalCredentialKeyId\":\"0b4ce4e9\",\"isInteractive\":false}}",
    "{\"time\":\"2026-11-02T13:28:16.2707403Z\",\"operationName\":\"Sign-in activity\",\"category\":\"SignInLogs\",\"identity\":\"Megan Bowen\",\"properties\":{\"id\":\"59ccd563\",\"userDisplayName\":\"Megan Bowen\",\"userPrincipalName\":\"megan.bowen@contoso.com\",\"userId\":\"9e92add2\",\"appId\":\"c44b4083\",\"appDisplayName\":\"Azure Portal\",\"ipAddress\":\"192.0.2.10\",\"status\":{\"errorCode\":50126},\"userAgent\":\"Mozilla/5.0\",\"location\":{\"city\":\"Seattle\"}}}",
    "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROA3:i-0a\",\"arn\":\"arn:aws:sts::1:assumed-role/ci/i-0a\",\"accountId\":\"1\",\"accessKeyId\":\"ASIAF20A\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"userName\":\"ci-runner\"},\"attributes\":{\"mfaAuthenticated\":\"false\"}}},\"eventTime\":\"2026-11-02T08:15:50Z\",\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"DescribeSecurityGroups\",\"sourceIPAddress\":\"192.0.2.80\",\"userAgent\":\"Boto3/1.35.44\",\"requestParameters\":{\"userName\":\"bob\",\"n\":1.5e3},\"responseElements\":{\"user\":{\"userId\":\"AIDA1\"}},\"eventID\":\"df4c0289\",\"readOnly\":true}",
    "{\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\",\"status\":{\"code\":7},\"authenticationInfo\":{\"principalEmail\":\"bot@p.iam.gserviceaccount.com\",\"serviceAccountKeyName\":\"//iam.googleapis.com/projects/p/serviceAccounts/bot/keys/0bdb\"},\"requestMetadata\":{\"callerIp\":\"192.0.2.90\",\"callerSuppliedUserAgent\":\"gcloud\"},\"serviceName\":\"storage.googleapis.com\",\"methodName\":\"storage.objects.create\",\"authorizationInfo\":[{\"granted\":true}]},\"insertId\":\"6ac9\",\"timestamp\":\"2026-11-02T07:41:55.790349571Z\",\"logName\":\"projects/p/logs/cloudaudit.googleapis.com%2Fdata_access\"}",
    /* Entra audit: a user adds a member (AppId from additionalDetails), and an
     * app updates a group-typed target (AppId from the modified properties) */
    "{\"time\":\"2026-11-02T00:00:03.9035890Z\",\"resourceId\":\"/tenants/t/providers/Microsoft.aadiam\",\"operationName\":\"Add member to group\",\"category\":\"AuditLogs\",\"identity\":\"p@contoso.com\",\"Level\":4,\"properties\":{\"id\":\"Directory_1515\",\"result\":\"success\",\"userAgent\":null,\"initiatedBy\":{\"user\":{\"id\":\"107e\",\"displayName\":null,\"userPrincipalName\":\"p@contoso.com\",\"ipAddress\":\"203.0.113.237\"}},\"targetResources\":[{\"id\":\"107e\",\"displayName\":null,\"type\":\"User\",\"modifiedProperties\":[{\"displayName\":\"StsRefreshTokensValidFrom\",\"oldValue\":\"[\\\"2026\\\"]\",\"newValue\":\"[\\\"2027\\\"]\"}],\"userPrincipalName\":\"p@contoso.com\"}],\"additionalDetails\":[{\"key\":\"User-Agent\",\"value\":\"Graph 2.1\"},{\"key\":\"AppId\",\"value\":\"35ae\"}]},\"callerIpAddress\":\"203.0.113.237\"}",
    "{\"time\":\"2026-11-02T00:10:09Z\",\"operationName\":\"Update group\",\"category\":\"AuditLogs\",\"identity\":\"Managed Service Identity\",\"properties\":{\"id\":\"Directory_e6f0\",\"result\":\"Succeeded\",\"userAgent\":\"curl/8\",\"initiatedBy\":{\"app\":{\"appId\":\"d9a6\",\"displayName\":\"crm-ci\",\"servicePrincipalId\":\"dea6\",\"servicePrincipalName\":null}},\"targetResources\":[{\"id\":\"6070\",\"displayName\":\"ops\",\"type\":\"Group\",\"modifiedProperties\":[{\"displayName\":\"AppId\",\"oldValue\":null,\"newValue\":\"\\\"65700266\\\"\"},{\"displayName\":\"TargetId.ServicePrincipalNames\",\"newValue\":\"a1;b2\"}]},{\"id\":\"7070\",\"type\":\"ServicePrincipal\",\"userPrincipalName\":\"sp\"}],\"additionalDetails\":[{\"key\":\"User-Agent\"}]},\"callerIpAddress\":\"192.0.2.36\"}",
    "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"AWSService\",\"invokedBy\":\"ec2.amazonaws.com\"},\"eventTime\":\"2026-11-02T00:26:54Z\",\"eventSource\":\"sts.amazonaws.com\",\"eventName\":\"AssumeRole\",\"sourceIPAddress\":\"ec2.amazonaws.com\",\"errorCode\":\"AccessDenied\",\"requestParameters\":{\"roleArn\":\"arn:aws:iam::1:role/ci\"},\"responseElements\":null,\"eventID\":\"6b44fad6\"}",
    /* ECS (Filebeat / Elastic Agent documents): a user sign-in */
    "{\"@timestamp\":\"2026-11-02T02:20:28.7700268Z\",\"event\":{\"dataset\":\"azure.signinlogs\",\"action\":\"Sign-in activity\",\"kind\":\"event\",\"id\":\"9f37\"},\"source\":{\"ip\":\"198.51.100.101\"},\"user\":{\"id\":\"b638\",\"name\":\"megan@contoso.com\",\"email\":\"megan@contoso.com\"},\"user_agent\":{\"original\":\"Mozilla/5.0 \\\"Edg\\\"\"},\"azure\":{\"signinlogs\":{\"category\":\"SignInLogs\",\"properties\":{\"id\":\"9f3779b9\",\"user_principal_name\":\"megan@contoso.com\",\"user_id\":\"b638\",\"app_id\":\"c44b\",\"app_display_name\":\"Azure Portal\",\"status\":{\"error_code\":50126},\"is_interactive\":true}}}}",
    /* a service principal sign-in, the dataset from data_stream only */
    "{\"@timestamp\":\"2026-11-02T09:23:25Z\",\"ecs\":{\"version\":\"8.11.0\"},\"data_stream\":{\"dataset\":\"azure.signinlogs\"},\"source\":{\"address\":\"203.0.113.180\"},\"client\":{\"ip\":\"203.0.113.181\"},\"azure\":{\"signinlogs\":{\"category\":\"ServicePrincipalSignInLogs\",\"properties\":{\"id\":\"dba6\",\"app_id\":\"37e7\",\"app_display_name\":\"deploy\",\"service_principal_id\":\"30e7\",\"service_principal_credential_key_id\":\"5dd7\",\"status\":{\"error_code\":0}}}}}",
    /* CloudTrail: an IAM user acting on another */
    "{\"@timestamp\":\"2026-11-02T05:26:18Z\",\"event\":{\"dataset\":\"aws.cloudtrail\",\"action\":\"AttachUserPolicy\",\"provider\":\"iam.amazonaws.com\",\"outcome\":\"failure\",\"id\":\"3b6e\"},\"source\":{\"ip\":\"203.0.113.34\"},\"user\":{\"id\":\"AIDA1\",\"name\":\"isaiah0\",\"target\":{\"id\":\"AIDA2\"}},\"user_agent\":{\"original\":\"Boto3/1.35.44\"},\"aws\":{\"cloudtrail\":{\"event_version\":\"1.09\",\"user_identity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/isaiah0\",\"access_key_id\":\"AKIA5F\"},\"flattened\":{\"request_parameters\":{\"userName\":\"bob\",\"policyArn\":\"arn:aws:iam::aws:policy/Admin\"}},\"error_code\":\"AccessDenied\"}}}",
    /* GCP: a service account with a key */
    "{\"@timestamp\":\"2026-11-02T13:20:33.715008592Z\",\"event\":{\"dataset\":\"gcp.audit\",\"action\":\"v1.compute.instances.list\",\"outcome\":\"success\",\"id\":\"1de2\"},\"source\":{\"ip\":\"203.0.113.97\"},\"client\":{\"user\":{\"email\":\"svc-9@p.iam.gserviceaccount.com\"}},\"user_agent\":{\"original\":\"gcloud/497.0.0\"},\"gcp\":{\"audit\":{\"type\":\"type.googleapis.com/google.cloud.audit.AuditLog\",\"method_name\":\"v1.compute.instances.list\",\"authentication_info\":{\"principal_email\":\"svc-9@p.iam.gserviceaccount.com\",\"service_account_key_name\":\"//iam.googleapis.com/projects/p/serviceAccounts/svc-9/keys/0bdb\"},\"request_metadata\":{\"caller_ip\":\"203.0.113.98\",\"caller_supplied_user_agent\":\"curl\"}}}}",
    /* an app updates a group: additional_details and target_resources as
     * objects {"0": ...} as the azure pipeline writes them, the application
     * second, AppId from a modified property, an escaped "/" */
    "{\"@timestamp\":\"2026-11-03T00:38:33.5602801Z\",\"event\":{\"dataset\":\"azure.auditlogs\",\"action\":\"Update group\",\"id\":\"Directory_f3\"},\"source\":{\"ip\":\"192.0.2.46\"},\"azure\":{\"auditlogs\":{\"identity\":\"Managed Service Identity\",\"properties\":{\"id\":\"Directory_f3b\",\"result\":\"Succeeded\",\"initiated_by\":{\"app\":{\"appId\":\"d9a6\",\"displayName\":null,\"servicePrincipalId\":\"dea6\"}},\"additional_details\":{\"0\":{\"key\":\"User-Agent\",\"value\":\"Graph\\/2.1\"},\"AppId\":\"35ae\"},\"target_resources\":{\"0\":{\"id\":\"0792\",\"display_name\":\"ops\",\"type\":\"Group\",\"modified_properties\":{\"0\":{\"display_name\":\"AppId\",\"new_value\":\"\\\"65700266\\\"\"}}},\"1\":{\"id\":\"7070\",\"type\":\"ServicePrincipal\",\"user_principal_name\":\"sp\",\"modified_properties\":[{\"displayName\":\"TargetId.ServicePrincipalNames\",\"newValue\":\"a1;b2\"}]}}}}}}",
    /* a user adds a member: camelCase spellings, arrays */
    "{\"@timestamp\":\"2026-11-03T00:00:03Z\",\"event\":{\"dataset\":\"azure.auditlogs\",\"action\":\"Add member to group\",\"outcome\":\"success\"},\"azure\":{\"auditlogs\":{\"properties\":{\"id\":\"Directory_1515\",\"initiatedBy\":{\"user\":{\"id\":\"107e\",\"userPrincipalName\":\"p@contoso.com\",\"ipAddress\":\"203.0.113.237\"}},\"additionalDetails\":[{\"key\":\"User-Agent\",\"value\":\"Graph 2.1\"}],\"user_agent\":\"curl\",\"target_resources\":[{\"id\":\"107e\",\"display_name\":\"p\",\"type\":\"User\",\"modifiedProperties\":[{\"displayName\":\"StsRefreshTokensValidFrom\",\"newValue\":\"[\\\"2027\\\"]\"},{\"displayName\":\"AppId\",\"newValue\":\"\\\"65700266\\\"\"}]}]}}}}",
};

static void test_mutations(void **state)
{
    (void)state;
    static const char subst[] = {'"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'A', '_', '0', '\x01', '.'};
    tally t;
    memset(&t, 0, sizeof t);
    corpus_mutate(seeds, CT_ARRAY_LEN(seeds), subst, sizeof subst, 1, check_cb, &t);
    printf("fastscan mutations: %zu variants, %zu on the fast path (ecs %zu), %zu mismatches\n",
           t.records, t.fast, t.by_kind[CT_KIND_ECS], t.mismatches);
    if (t.mismatches) fprintf(stderr, "first mismatch: %s\n", t.first_bad);
    assert_int_equal(t.mismatches, 0);
    assert_true(t.fast > 1000);
    assert_true(t.by_kind[CT_KIND_ECS] > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_and_fixtures),
        cmocka_unit_test(test_extra_files),
        cmocka_unit_test(test_ecs_documents),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
