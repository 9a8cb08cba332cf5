/* Unit tests for the cloud record families of ct_normalize: CloudTrail (plain
 * and EventBridge), GCP audit logs (protoPayload, BigQuery and Log Analytics
 * exports), ECS pass-through and Elastic alert documents. Fixtures in
 * tests/fixtures/norm/cloud/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norm.h"

#define FIX "tests/fixtures/norm/cloud/"
#include "normutil.h"

static void test_ct_create_access_key_other_user(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ct_create_access_key_other.json", &n);
    assert_int_equal(n.kind, CT_KIND_CLOUDTRAIL);
    ct_fields *f = &n.f;
    STR(f->dataset, "aws.cloudtrail");
    STR(f->action, "CreateAccessKey");
    STR(f->outcome, "success");
    STR(f->record_id, "6c1f9a2e-1111-4222-8333-000000000001");
    STR(f->actor_id, "arn:aws:iam::111122223333:user/alice");
    STR(f->actor_name, "alice");
    STR(f->actor_type, "iam_user");
    STR(f->actor_ip, "198.51.100.23");
    STR(f->actor_ua, "aws-cli/2.15.0 Python/3.11");
    STR(f->target_name, "bob");
    /* a user name means nothing without its account: bob of the account the call was made in */
    STR(f->target_id, "arn:aws:iam::111122223333:user/bob");
    STR(f->target_type, "iam_user");
    assert_true(f->is_credential_add);
    STR(f->cred_id, "AKIAEXAMPLENEWKEY001");
    STR(f->cred_type, "access_key");
    STR(f->cred_used, "AKIAEXAMPLECALLERKEY");
    assert_true(f->is_signin);
    char t[32];
    ct_time_fmt(f->ts, t);
    STR(t, "2024-05-02T09:15:42.000Z");
    /* the fields Elastic's rules query */
    STR(ct_json_str(n.doc, "event.provider"), "iam.amazonaws.com");
    STR(ct_json_str(n.doc, "user.target.name"), "bob");
    STR(ct_json_str(n.doc, "aws.cloudtrail.request_parameters"), "{userName=bob}");
    STR(ct_json_str(n.doc, "cloud.account.id"), "111122223333");
    STR(ct_json_str(n.doc, "aws.cloudtrail.event_category"), "Management");
    assert_true(cJSON_IsFalse(ct_json_get(n.doc, "aws.cloudtrail.read_only")));
    const cJSON *ru = ct_json_get(n.doc, "related.user");
    assert_int_equal(cJSON_GetArraySize(ru), 2);
    ct_norm_free(&n);
}

static void test_ct_eventbridge(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ct_create_access_key_eventbridge.json", &n);
    assert_int_equal(n.kind, CT_KIND_CLOUDTRAIL);
    STR(n.f.target_name, "bob");
    STR(n.f.cred_id, "AKIAEXAMPLENEWKEY001");
    STR(n.f.cred_used, "AKIAEXAMPLECALLERKEY");
    STR(n.f.record_id, "6c1f9a2e-1111-4222-8333-000000000001");
    assert_true(n.f.is_credential_add);
    /* the envelope's own fields do not leak into the event */
    assert_null(ct_json_get(n.doc, "detail"));
    ct_norm_free(&n);
}

static void test_ct_error_record(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ct_create_access_key_denied.json", &n);
    STR(n.f.outcome, "failure");
    assert_false(n.f.is_credential_add);
    assert_null(n.f.cred_id);
    STR(n.f.target_name, "admin");
    STR(n.f.cred_used, "AKIAEXAMPLEMALLORY01");
    STR(ct_json_str(n.doc, "aws.cloudtrail.error_code"), "AccessDenied");
    assert_null(ct_json_get(n.doc, "aws.cloudtrail.flattened.response_elements"));
    ct_norm_free(&n);
}

static void test_ct_login_profile_assumed_role(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ct_create_login_profile.json", &n);
    ct_fields *f = &n.f;
    STR(f->actor_type, "assumed_role");
    STR(f->actor_id, "arn:aws:sts::111122223333:assumed-role/OpsAdmin/ops-session");
    STR(f->actor_name, "OpsAdmin/ops-session");
    STR(f->cred_used, "ASIAEXAMPLESESSION01");
    STR(f->target_name, "carol");
    assert_true(f->is_credential_add);
    STR(f->cred_type, "login_profile");
    STR(f->cred_id, "carol");
    STR(ct_json_str(n.doc, "aws.cloudtrail.user_identity.session_context.session_issuer.arn"),
        "arn:aws:iam::111122223333:role/OpsAdmin");
    STR(ct_json_str(n.doc, "user.name"), "OpsAdmin");
    ct_norm_free(&n);
}

static void test_ct_federation_token(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ct_get_federation_token.json", &n);
    ct_fields *f = &n.f;
    assert_true(f->is_credential_add);
    STR(f->cred_type, "federation_token");
    STR(f->cred_id, "ASIAEXAMPLEFEDTOKEN1");
    STR(f->cred_end, "2024-05-04T00:00:00.000Z");
    STR(f->target_name, "backdoor");
    STR(f->target_id, "arn:aws:sts::111122223333:federated-user/backdoor");
    STR(f->target_type, "federated_user");
    STR(f->cred_used, "AKIAEXAMPLECALLERKEY");
    ct_norm_free(&n);
}

static void test_ct_key_pair(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ct_create_key_pair.json", &n);
    ct_fields *f = &n.f;
    assert_true(f->is_credential_add);
    STR(f->cred_type, "key_pair");
    STR(f->cred_id, "key-0123456789abcdef0");
    STR(f->cred_name, "ops-key");
    STR(f->target_type, "key_pair");
    STR(f->target_name, "ops-key");
    STR(ct_json_str(n.doc, "cloud.region"), "eu-west-1");
    ct_norm_free(&n);
}

static void test_ct_call_with_new_key(void **st)
{
    (void)st;
    ct_norm add, use;
    norm_file("ct_create_access_key_other.json", &add);
    norm_file("ct_call_with_new_key.json", &use);
    assert_true(use.f.is_signin);
    assert_false(use.f.is_credential_add);
    STR(use.f.cred_used, "AKIAEXAMPLENEWKEY001");
    STR(use.f.actor_name, "bob");
    STR(use.f.actor_ip, "203.0.113.77");
    assert_null(use.f.target_name);
    /* the link the tool draws: key added -> key used */
    assert_string_equal(add.f.cred_id, use.f.cred_used);
    assert_null(ct_json_get(use.doc, "aws.cloudtrail.request_parameters"));
    ct_norm_free(&add);
    ct_norm_free(&use);
}

/* Our raw -> ECS against the key fields of Elastic's pipeline test output. */
static void test_ct_matches_elastic_expected(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ct_elastic_create_access_key.json", &n);
    cJSON *want = load("ct_elastic_create_access_key.expected-fields.json");
    int checked = 0;
    for (const cJSON *c = want->child; c; c = c->next) {
        const char *got = ct_json_str(n.doc, c->string);
        if (!got || strcmp(got, c->valuestring))
            fail_msg("%s: got %s, Elastic has %s", c->string, got ? got : "(absent)", c->valuestring);
        checked++;
    }
    assert_true(checked > 20);
    STR(n.f.target_name, "Bob");
    STR(n.f.cred_id, "EXAMPLE_KEY_ID");
    STR(n.f.cred_used, "EXAMPLE_KEY");
    cJSON_Delete(want);
    ct_norm_free(&n);
}

static void test_ct_and_all_malformed(void **st)
{
    (void)st;
    char *buf;
    size_t len;
    assert_int_equal(ct_read_file(FIX "ct_malformed.ndjson", &buf, &len), 0);
    int lines = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        cJSON *rec = cJSON_Parse(line);
        assert_non_null(rec);
        ct_norm n;
        char err[256];
        if (ct_normalize(rec, &n, err, sizeof err) == 0) {
            /* whatever came out must be usable */
            cJSON *o = ct_fields_to_json(&n.f, "x", 1);
            assert_non_null(o);
            cJSON_Delete(o);
            assert_false(n.f.is_credential_add && !n.f.cred_type);
            ct_norm_free(&n);
        }
        cJSON_Delete(rec);
        lines++;
    }
    assert_int_equal(lines, 12);
    free(buf);
}

static void test_ct_malformed_specifics(void **st)
{
    (void)st;
    const char *s = "{\"eventVersion\":\"1.08\",\"userIdentity\":\"alice\",\"eventSource\":\"iam.amazonaws.com\","
                    "\"eventName\":\"CreateAccessKey\",\"errorCode\":42}";
    cJSON *rec = cJSON_Parse(s);
    ct_norm n;
    char err[128];
    assert_int_equal(ct_normalize(rec, &n, err, sizeof err), 0);
    assert_int_equal(n.kind, CT_KIND_CLOUDTRAIL);
    assert_null(n.f.actor_id);
    assert_false(n.f.is_credential_add);
    assert_false(n.f.is_signin);
    ct_norm_free(&n);
    cJSON_Delete(rec);
}

static void test_gcp_create_sa_key(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("gcp_create_sa_key.json", &n);
    assert_int_equal(n.kind, CT_KIND_GCP);
    ct_fields *f = &n.f;
    STR(f->dataset, "gcp.audit");
    STR(f->action, "google.iam.admin.v1.CreateServiceAccountKey");
    STR(f->outcome, "success"); /* status {} and one granted authorization */
    STR(f->record_id, "1x2y3z4w5v6u");
    STR(f->actor_id, "dana@example.com");
    STR(f->actor_type, "user");
    STR(f->actor_ip, "198.51.100.61");
    STR(f->actor_ua, "google-cloud-sdk gcloud/470.0.0");
    STR(f->target_id, "deployer@demo-proj.iam.gserviceaccount.com");
    STR(f->target_type, "service_account");
    assert_true(f->is_credential_add);
    STR(f->cred_type, "service_account_key");
    STR(f->cred_id, "3f2a9c0d5e7b41a6b8c9d0e1f2a3b4c5d6e7f809");
    STR(f->cred_end, "2025-05-03T08:00:00.000Z");
    assert_true(f->is_signin);
    STR(ct_json_str(n.doc, "client.user.email"), "dana@example.com");
    STR(ct_json_str(n.doc, "event.provider"), "activity");
    STR(ct_json_str(n.doc, "service.name"), "iam.googleapis.com");
    STR(ct_json_str(n.doc, "gcp.audit.resource_name"), "projects/-/serviceAccounts/104857600000000000001");
    STR(ct_json_str(n.doc, "cloud.project.id"), "demo-proj");
    STR(ct_json_str(n.doc, "gcp.audit.authorization_info.0.resource_attributes.name"),
        "projects/-/serviceAccounts/104857600000000000001");
    char t[32];
    ct_time_fmt(f->ts, t);
    STR(t, "2024-05-03T08:00:00.050Z");
    ct_norm_free(&n);
}

static void test_gcp_call_with_sa_key(void **st)
{
    (void)st;
    ct_norm add, use;
    norm_file("gcp_create_sa_key.json", &add);
    norm_file("gcp_call_with_sa_key.json", &use);
    STR(use.f.actor_type, "service_account");
    STR(use.f.cred_used, "3f2a9c0d5e7b41a6b8c9d0e1f2a3b4c5d6e7f809");
    assert_string_equal(add.f.cred_id, use.f.cred_used);
    assert_true(use.f.is_signin);
    assert_false(use.f.is_credential_add);
    STR(use.f.outcome, "success");
    STR(ct_json_str(use.doc, "gcp.audit.authentication_info.service_account_key_name"),
        "//iam.googleapis.com/projects/demo-proj/serviceAccounts/deployer@demo-proj.iam.gserviceaccount.com/keys/3f2a9c0d5e7b41a6b8c9d0e1f2a3b4c5d6e7f809");
    ct_norm_free(&add);
    ct_norm_free(&use);
}

static void test_gcp_failed(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("gcp_create_sa_key_denied.json", &n);
    STR(n.f.outcome, "failure");
    assert_false(n.f.is_credential_add);
    assert_null(n.f.cred_id);
    STR(n.f.target_id, "deployer@demo-proj.iam.gserviceaccount.com");
    assert_null(n.f.actor_ip); /* gce-internal-ip is not an address */
    assert_int_equal((int)cJSON_GetNumberValue(ct_json_get(n.doc, "gcp.audit.status.code")), 7);
    ct_norm_free(&n);
}

static void test_gcp_export_shapes(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("gcp_bigquery_export.json", &n);
    assert_int_equal(n.kind, CT_KIND_GCP);
    STR(n.f.action, "google.iam.admin.v1.CreateServiceAccountKey");
    STR(n.f.actor_id, "frank@example.com");
    STR(n.f.actor_ip, "192.0.2.10");
    STR(n.f.outcome, "success");
    STR(n.f.record_id, "bq0001");
    assert_true(n.f.is_credential_add);
    STR(n.f.cred_id, "00aa11bb22cc33dd");
    STR(n.f.target_id, "ci@demo-proj.iam.gserviceaccount.com");
    ct_norm_free(&n);

    norm_file("gcp_log_analytics.json", &n);
    assert_int_equal(n.kind, CT_KIND_GCP);
    STR(n.f.action, "google.iam.admin.v1.CreateServiceAccountKey");
    STR(n.f.actor_id, "frank@example.com");
    STR(n.f.actor_ip, "192.0.2.11");
    STR(n.f.actor_ua, "Terraform/1.7");
    STR(n.f.record_id, "la0001");
    STR(n.f.cred_id, "99ff88ee77dd66cc");
    STR(n.f.cred_end, "2025-05-03T11:00:00Z");
    STR(n.f.target_id, "ci@demo-proj.iam.gserviceaccount.com");
    ct_norm_free(&n);
}

static void test_gcp_oslogin_ssh(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("gcp_oslogin_import_ssh.json", &n);
    assert_true(n.f.is_credential_add);
    STR(n.f.cred_type, "ssh_key");
    STR(n.f.cred_id, "b1946ac92492d2347c6235b4d2611184");
    STR(n.f.target_id, "gina@example.com");
    STR(n.f.target_type, "user");
    ct_norm_free(&n);
}

static void test_ecs_flat_data_stream(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ecs_flat_data_stream.json", &n);
    assert_int_equal(n.kind, CT_KIND_ECS);
    STR(ct_json_str(n.doc, "event.dataset"), "aws.cloudtrail");
    STR(ct_json_str(n.doc, "data_stream.type"), "logs");
    /* flat keys merged with the nested objects next to them */
    STR(ct_json_str(n.doc, "user.name"), "alice");
    STR(ct_json_str(n.doc, "user.id"), "AIDAEXAMPLECALLER01");
    STR(ct_json_str(n.doc, "aws.cloudtrail.flattened.request_parameters.userName"), "bob");
    assert_null(cJSON_GetObjectItemCaseSensitive(n.doc, "user.name"));
    ct_fields *f = &n.f;
    STR(f->dataset, "aws.cloudtrail");
    STR(f->actor_id, "arn:aws:iam::111122223333:user/alice");
    STR(f->target_name, "bob");
    assert_true(f->is_credential_add);
    STR(f->cred_id, "AKIAEXAMPLENEWKEY002");
    STR(f->cred_used, "AKIAEXAMPLECALLERKEY");
    STR(f->record_id, "6c1f9a2e-1111-4222-8333-0000000000aa");
    ct_norm_free(&n);
}

static void test_ecs_azure_endash(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ecs_azure_endash.json", &n);
    assert_int_equal(n.kind, CT_KIND_ECS);
    const char *want = "Update application - Certificates and secrets management";
    STR(ct_json_str(n.doc, "event.action"), want);
    STR(ct_json_str(n.doc, "azure.auditlogs.operation_name"), want);
    STR(ct_json_str(n.doc, "azure.auditlogs.properties.activity_display_name"), want);
    STR(n.f.action, want);
    STR(n.f.dataset, "azure.auditlogs");
    ct_norm_free(&n);
}

static void test_alert_flat(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("alert_flat.json", &n);
    assert_int_equal(n.kind, CT_KIND_ELASTIC_ALERT);
    ct_fields *f = &n.f;
    const char *uuid = "b3c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1";
    STR(f->alert_uuid, uuid);
    STR(f->record_id, uuid);
    STR(f->alert_rule_id, "696015ef-718e-40ff-ac4a-cc2ba88dbeeb");
    STR(f->alert_rule_name, "AWS IAM User Created Access Keys For Another User");
    STR(f->alert_severity, "medium");
    assert_true(f->alert_risk_score == 47);
    STR(f->alert_status, "acknowledged");
    STR(f->alert_reason, "event by alice created medium alert AWS IAM User Created Access Keys For Another User.");
    char t[32];
    ct_time_fmt(f->alert_original_time, t);
    STR(t, "2024-05-02T09:15:42.000Z");
    ct_time_fmt(f->ts, t);
    STR(t, "2024-05-02T09:15:42.000Z"); /* the source event's time, not the alert's */
    /* source-event entities through the aws.cloudtrail extractor */
    STR(f->dataset, "aws.cloudtrail");
    STR(f->action, "CreateAccessKey");
    STR(f->actor_id, "arn:aws:iam::111122223333:user/alice");
    STR(f->actor_ua, "aws-cli/2.15.0");
    STR(f->target_name, "bob");
    assert_true(f->is_credential_add);
    STR(f->cred_id, "AKIAEXAMPLENEWKEY001");
    STR(f->cred_used, "AKIAEXAMPLECALLERKEY");
    STR(ct_json_str(n.doc, "kibana.alert.rule.uuid"), "11111111-2222-4333-8444-555555555555");
    STR(ct_json_str(n.doc, "kibana.alert.ancestors.0.id"), "evt-1");
    ct_norm_free(&n);
}

static void test_alert_signal_legacy(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("alert_signal_legacy.json", &n);
    assert_int_equal(n.kind, CT_KIND_ELASTIC_ALERT);
    ct_fields *f = &n.f;
    STR(f->alert_rule_id, "0b2f3da5-b5ec-47d1-908b-6ebb74814289");
    STR(f->alert_rule_name, "GCP Service Account Key Creation");
    STR(f->alert_severity, "low");
    assert_true(f->alert_risk_score == 21);
    STR(f->alert_status, "open");
    char t[32];
    ct_time_fmt(f->ts, t);
    STR(t, "2021-06-01T09:59:00.000Z");
    STR(f->actor_id, "dana@example.com");
    STR(f->cred_id, "abcdef0123");
    STR(f->target_id, "sa@p.iam.gserviceaccount.com");
    ct_norm_free(&n);
}

/* Not ours: generic records and other families are left alone. */
static void test_not_cloud(void **st)
{
    (void)st;
    const char *recs[] = {
        "{\"foo\":1}",
        "{\"protoPayload\":{\"@type\":\"type.googleapis.com/google.appengine.logging.v1.RequestLog\"}}",
        "{\"detail-type\":\"EC2 Instance State-change Notification\",\"detail\":{\"state\":\"running\"}}",
    };
    for (size_t i = 0; i < CT_ARRAY_LEN(recs); i++) {
        cJSON *rec = cJSON_Parse(recs[i]);
        assert_false(ct_norm_cloudtrail_detect(rec));
        assert_false(ct_norm_gcp_detect(rec));
        assert_false(ct_norm_ecs_detect(rec));
        assert_false(ct_norm_alert_detect(rec));
        cJSON_Delete(rec);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ct_create_access_key_other_user),
        cmocka_unit_test(test_ct_eventbridge),
        cmocka_unit_test(test_ct_error_record),
        cmocka_unit_test(test_ct_login_profile_assumed_role),
        cmocka_unit_test(test_ct_federation_token),
        cmocka_unit_test(test_ct_key_pair),
        cmocka_unit_test(test_ct_call_with_new_key),
        cmocka_unit_test(test_ct_matches_elastic_expected),
        cmocka_unit_test(test_ct_and_all_malformed),
        cmocka_unit_test(test_ct_malformed_specifics),
        cmocka_unit_test(test_gcp_create_sa_key),
        cmocka_unit_test(test_gcp_call_with_sa_key),
        cmocka_unit_test(test_gcp_failed),
        cmocka_unit_test(test_gcp_export_shapes),
        cmocka_unit_test(test_gcp_oslogin_ssh),
        cmocka_unit_test(test_ecs_flat_data_stream),
        cmocka_unit_test(test_ecs_azure_endash),
        cmocka_unit_test(test_alert_flat),
        cmocka_unit_test(test_alert_signal_legacy),
        cmocka_unit_test(test_not_cloud),
    };
    return cmocka_run_group_tests_name("norm_cloud", tests, NULL, NULL);
}
