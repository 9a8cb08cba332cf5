/* Unit tests for the Microsoft record families of ct_normalize: Azure Monitor
 * diagnostic records, Graph, Sentinel rows and the M365 Unified Audit Log.
 * Fixtures in tests/fixtures/norm/ms/ are hand-made, modeled on the shapes of
 * Elastic's integration test data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norm_ms.h"

#define FIX "tests/fixtures/norm/ms/"
#include "normutil.h"

/* Normalise the fixture's record (the first item of a Graph {"value": []}). */
static void norm_fixture(const char *name, ct_norm *n, ct_kind want)
{
    cJSON *j = load(name);
    const cJSON *rec = j;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "value");
    if (cJSON_IsArray(v)) rec = cJSON_GetArrayItem(v, 0);
    char err[256] = "";
    assert_int_equal(ct_normalize(rec, n, err, sizeof err), 0);
    cJSON_Delete(j); /* the norm must not borrow from the record */
    assert_int_equal(n->kind, want);
}

#define DOC(n, path) ct_json_str((n)->doc, path)
#define EQ(a, b) assert_string_equal((a) ? (a) : "(null)", b)

static void check_same_audit(const ct_norm *n)
{
    const ct_fields *f = &n->f;
    EQ(f->dataset, "azure.auditlogs");
    EQ(f->action, "Add service principal credentials");
    EQ(f->outcome, "success");
    EQ(f->record_id, "Directory_0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0_QX7Z2_208311457");
    EQ(f->actor_id, "5e0c9a1d-7b2f-4c3e-9d8a-1f2e3d4c5b6a");
    EQ(f->actor_name, "Managed Service Identity");
    EQ(f->actor_type, "managed_identity");
    EQ(f->actor_ua, "Example Graph Client 3.2");
    EQ(f->target_id, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    EQ(f->target_name, "payments-batch");
    EQ(f->target_type, "service_principal");
    EQ(f->target_app_id, "c3d4e5f6-a7b8-4c9d-8e0f-112233445566");
    assert_int_equal(f->is_credential_add, 1);
    assert_int_equal(f->is_signin, 0);
    /* three keys, the added one in the middle, commas in its DisplayName */
    EQ(f->cred_id, "22222222-aaaa-4bbb-8ccc-000000000002");
    EQ(f->cred_type, "certificate");
    EQ(f->cred_name, "CN=rogue, OU=ops,DisplayName, O=Evil");
    assert_null(f->cred_end);
    char t[32];
    ct_time_fmt(f->ts, t);
    assert_string_equal(t, "2024-03-05T10:20:30.123Z");
    /* the fields Elastic's rules query */
    EQ(DOC(n, "event.dataset"), "azure.auditlogs");
    EQ(DOC(n, "data_stream.dataset"), "azure.auditlogs");
    EQ(DOC(n, "event.action"), "Add service principal credentials");
    EQ(DOC(n, "event.outcome"), "success");
    EQ(DOC(n, "event.kind"), "event");
    EQ(DOC(n, "cloud.provider"), "azure");
    EQ(DOC(n, "@timestamp"), "2024-03-05T10:20:30.123Z");
    EQ(DOC(n, "azure.auditlogs.operation_name"), "Add service principal credentials");
    EQ(DOC(n, "azure.auditlogs.properties.activity_display_name"), "Add service principal credentials");
    EQ(DOC(n, "azure.auditlogs.properties.target_resources.0.display_name"), "payments-batch");
    EQ(DOC(n, "azure.auditlogs.properties.target_resources.0.type"), "ServicePrincipal");
    EQ(DOC(n, "azure.auditlogs.properties.target_resources.0.modified_properties.0.display_name"),
       "KeyDescription");
    EQ(DOC(n, "azure.auditlogs.properties.initiated_by.app.servicePrincipalId"),
       "5e0c9a1d-7b2f-4c3e-9d8a-1f2e3d4c5b6a");
    assert_null(ct_json_get(n->doc, "azure.auditlogs.properties.initiated_by.app.appId"));
    assert_null(ct_json_get(n->doc, "azure.auditlogs.properties.targetResources"));
    assert_true(cJSON_IsObject(ct_json_get(n->doc, "azure.auditlogs.properties.target_resources")));
    EQ(DOC(n, "azure.auditlogs.properties.id"), f->record_id);
    EQ(DOC(n, "azure.auditlogs.properties.logged_by_service"), "Core Directory");
    EQ(DOC(n, "azure.auditlogs.properties.operation_type"), "Update");
    EQ(DOC(n, "azure.auditlogs.properties.additional_details.1.key"), "AppId");
    EQ(DOC(n, "azure.correlation_id"), "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");
}

static void test_diag_audit(void **st)
{
    (void)st;
    ct_norm n;
    norm_fixture("diag_audit_add_sp_creds.json", &n, CT_KIND_AZURE_DIAG);
    check_same_audit(&n);
    EQ(n.f.actor_ip, "198.51.100.23");
    EQ(DOC(&n, "client.ip"), "198.51.100.23");
    EQ(DOC(&n, "source.ip"), "198.51.100.23");
    EQ(DOC(&n, "related.ip.0"), "198.51.100.23");
    EQ(DOC(&n, "azure.auditlogs.identity"), "Managed Service Identity");
    /* a Graph record does not carry the tenant or the resource id */
    EQ(DOC(&n, "azure.tenant_id"), "7d6c5b4a-3928-4172-a635-4f3e2d1c0b9a");
    EQ(DOC(&n, "azure.resource.provider"), "Microsoft.aadiam");
    EQ(DOC(&n, "azure.auditlogs.result_signature"), "None");
    EQ(DOC(&n, "azure.auditlogs.operation_version"), "1.0");
    assert_int_equal(ct_json_get(n.doc, "azure.auditlogs.level")->valueint, 4);
    assert_null(ct_json_get(n.doc, "azure.auditlogs.properties.userAgent"));
    assert_null(ct_json_get(n.doc, "azure.auditlogs.properties.result"));
    assert_true(cJSON_IsNumber(ct_json_get(n.doc, "event.duration")));
    ct_norm_free(&n);
}

static void test_graph_audit_same_record(void **st)
{
    (void)st;
    ct_norm n;
    norm_fixture("graph_directory_audit.json", &n, CT_KIND_GRAPH);
    check_same_audit(&n);
    ct_norm_free(&n);
}

static void test_sentinel_audit_string_columns(void **st)
{
    (void)st;
    ct_norm n;
    norm_fixture("sentinel_auditlogs.json", &n, CT_KIND_SENTINEL);
    check_same_audit(&n); /* InitiatedBy/TargetResources/AdditionalDetails were strings */
    ct_norm_free(&n);
}

static void test_dedupe_ids_equal(void **st)
{
    (void)st;
    ct_norm a, b, c;
    norm_fixture("diag_audit_add_sp_creds.json", &a, CT_KIND_AZURE_DIAG);
    norm_fixture("graph_directory_audit.json", &b, CT_KIND_GRAPH);
    norm_fixture("sentinel_auditlogs.json", &c, CT_KIND_SENTINEL);
    assert_non_null(a.f.record_id);
    assert_string_equal(a.f.record_id, b.f.record_id);
    assert_string_equal(a.f.record_id, c.f.record_id);
    ct_norm_free(&a);
    ct_norm_free(&b);
    ct_norm_free(&c);
    norm_fixture("diag_signin_sp.json", &a, CT_KIND_AZURE_DIAG);
    norm_fixture("sentinel_sp_signin.json", &b, CT_KIND_SENTINEL);
    assert_string_equal(a.f.record_id, "6e5d4c3b-2a19-4087-9f6e-5d4c3b2a1908");
    assert_string_equal(a.f.record_id, b.f.record_id);
    ct_norm_free(&a);
    ct_norm_free(&b);
}

static void test_endash_user_password(void **st)
{
    (void)st;
    ct_norm n;
    norm_fixture("diag_audit_endash.json", &n, CT_KIND_AZURE_DIAG);
    const char *want = "Update application - Certificates and secrets management";
    EQ(n.f.action, want);
    EQ(DOC(&n, "event.action"), want);
    EQ(DOC(&n, "azure.auditlogs.operation_name"), want);
    EQ(DOC(&n, "azure.auditlogs.properties.activity_display_name"), want);
    EQ(n.f.actor_id, "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9");
    EQ(n.f.actor_name, "mallory@example.onmicrosoft.com");
    EQ(n.f.actor_type, "user");
    EQ(n.f.actor_ip, "203.0.113.77");
    EQ(n.f.actor_ua, "Mozilla/5.0 (X11; Linux x86_64) Firefox/123.0");
    EQ(n.f.target_id, "e1d2c3b4-a596-4877-9869-5a4b3c2d1e0f");
    EQ(n.f.target_name, "hr-portal");
    EQ(n.f.target_type, "application");
    EQ(n.f.target_app_id, "f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f");
    assert_int_equal(n.f.is_credential_add, 1);
    EQ(n.f.cred_id, "44444444-aaaa-4bbb-8ccc-000000000004");
    EQ(n.f.cred_type, "password");
    EQ(n.f.cred_name, "deploy secret");
    EQ(n.f.cred_end, "2026-03-05T10:21:00Z");
    ct_norm_free(&n);
}

static void test_removal_not_an_add(void **st)
{
    (void)st;
    ct_norm n;
    norm_fixture("diag_audit_removal.json", &n, CT_KIND_AZURE_DIAG);
    assert_int_equal(n.f.is_credential_add, 0);
    cJSON *j = ct_fields_to_json(&n.f, NULL, 0);
    assert_null(cJSON_GetObjectItemCaseSensitive(j, "credential"));
    cJSON_Delete(j);
    ct_norm_free(&n);
}

static void test_federated_credential(void **st)
{
    (void)st;
    ct_norm n;
    norm_fixture("diag_audit_fic.json", &n, CT_KIND_AZURE_DIAG);
    assert_int_equal(n.f.is_credential_add, 1);
    EQ(n.f.cred_type, "federated");
    EQ(n.f.cred_id, "gh-any-branch");
    EQ(n.f.cred_name, "repo:attacker/fork:ref:refs/heads/main");
    EQ(n.f.action, "Update application");
    ct_norm_free(&n);
}

static void check_sp_signin(const ct_norm *n)
{
    const ct_fields *f = &n->f;
    EQ(f->dataset, "azure.signinlogs");
    assert_int_equal(f->is_signin, 1);
    assert_int_equal(f->is_credential_add, 0);
    EQ(f->actor_id, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    EQ(f->actor_name, "payments-batch");
    EQ(f->actor_type, "service_principal");
    /* the appId beside the service principal's id: one identity, the actor;
     * a sign-in has no target (the resource it reached is not one) */
    EQ(f->actor_id2, "c3d4e5f6-a7b8-4c9d-8e0f-112233445566");
    assert_null(f->target_id);
    assert_null(f->target_type);
    assert_null(f->target_app_id);
    assert_null(f->client_app);
    EQ(f->cred_used, "22222222-aaaa-4bbb-8ccc-000000000002");
    EQ(DOC(n, "azure.signinlogs.category"), "ServicePrincipalSignInLogs");
    EQ(DOC(n, "azure.signinlogs.properties.service_principal_credential_key_id"),
       "22222222-aaaa-4bbb-8ccc-000000000002");
    EQ(DOC(n, "azure.signinlogs.properties.app_id"), "c3d4e5f6-a7b8-4c9d-8e0f-112233445566");
    EQ(DOC(n, "event.category.0"), "authentication");
    EQ(DOC(n, "event.type.0"), "info");
    EQ(DOC(n, "event.kind"), "event");
    EQ(DOC(n, "cloud.provider"), "azure");
    EQ(DOC(n, "data_stream.dataset"), "azure.signinlogs");
}

static void test_diag_sp_signin(void **st)
{
    (void)st;
    ct_norm n;
    norm_fixture("diag_signin_sp.json", &n, CT_KIND_AZURE_DIAG);
    check_sp_signin(&n);
    EQ(n.f.outcome, "success");
    EQ(n.f.actor_ip, "192.0.2.10");
    EQ(DOC(&n, "source.ip"), "192.0.2.10");
    EQ(DOC(&n, "client.ip"), "192.0.2.10");
    EQ(DOC(&n, "event.id"), "6e5d4c3b-2a19-4087-9f6e-5d4c3b2a1908");
    EQ(DOC(&n, "azure.signinlogs.properties.created_at"), "2024-03-05T11:00:00.25+00:00");
    EQ(DOC(&n, "azure.signinlogs.result_type"), "0");
    EQ(DOC(&n, "geo.city_name"), "Amsterdam");
    EQ(DOC(&n, "geo.country_iso_code"), "NL");
    /* ECS: a state is a region, never a country's name */
    EQ(DOC(&n, "geo.region_name"), "Noord-Holland");
    assert_null(ct_json_get(n.doc, "geo.country_name"));
    EQ(n.f.resource, "Microsoft Graph");
    assert_null(ct_json_get(n.doc, "azure.signinlogs.properties.ip_address"));
    assert_null(ct_json_get(n.doc, "azure.signinlogs.properties.user_id"));
    ct_norm_free(&n);
}

static void test_graph_signin(void **st)
{
    (void)st;
    ct_norm n;
    norm_fixture("graph_signin.json", &n, CT_KIND_GRAPH);
    check_sp_signin(&n);
    EQ(n.f.outcome, "failure"); /* errorCode 7000215 */
    EQ(n.f.record_id, "7f6e5d4c-3b2a-4190-8a7f-6e5d4c3b2a19");
    EQ(DOC(&n, "message"), "Invalid client secret provided.");
    EQ(n.f.actor_ip, "192.0.2.11");
    ct_norm_free(&n);
}

static void test_sentinel_signin(void **st)
{
    (void)st;
    ct_norm n;
    norm_fixture("sentinel_sp_signin.json", &n, CT_KIND_SENTINEL);
    check_sp_signin(&n);
    EQ(n.f.outcome, "success"); /* Status was a JSON string */
    EQ(n.f.actor_ip, "192.0.2.10");
    EQ(DOC(&n, "geo.city_name"), "Amsterdam"); /* LocationDetails was a JSON string */
    ct_norm_free(&n);
}

static void test_o365(void **st)
{
    (void)st;
    ct_norm n;
    norm_fixture("o365_add_sp_creds.json", &n, CT_KIND_O365);
    const ct_fields *f = &n.f;
    EQ(f->dataset, "o365.audit");
    EQ(f->action, "Add service principal credentials"); /* trailing period folded */
    EQ(DOC(&n, "event.action"), "Add service principal credentials");
    EQ(DOC(&n, "o365.audit.Operation"), "Add service principal credentials");
    EQ(DOC(&n, "event.provider"), "AzureActiveDirectory");
    EQ(DOC(&n, "event.code"), "AzureActiveDirectory");
    EQ(DOC(&n, "event.id"), "3c2b1a09-f8e7-4d6c-b5a4-938271605f4e");
    EQ(DOC(&n, "event.outcome"), "success");
    EQ(DOC(&n, "client.ip"), "203.0.113.77");
    EQ(DOC(&n, "source.ip"), "203.0.113.77");
    EQ(DOC(&n, "user.id"), "mallory@example.onmicrosoft.com");
    EQ(DOC(&n, "user.name"), "mallory");
    EQ(DOC(&n, "user.domain"), "example.onmicrosoft.com");
    EQ(DOC(&n, "organization.id"), "7d6c5b4a-3928-4172-a635-4f3e2d1c0b9a");
    EQ(DOC(&n, "o365.audit.RecordType"), "8");
    EQ(DOC(&n, "o365.audit.Actor.0.Type"), "5");
    EQ(DOC(&n, "o365.audit.ExtendedProperties.targetName"), "payments-batch");
    EQ(DOC(&n, "o365.audit.ModifiedProperties.Included_Updated_Properties.NewValue"), "KeyDescription");
    assert_non_null(DOC(&n, "o365.audit.ModifiedProperties.TargetId_ServicePrincipalNames.NewValue"));
    EQ(DOC(&n, "@timestamp"), "2024-03-07T09:15:42.000Z"); /* no zone: UTC */
    EQ(f->record_id, "3c2b1a09-f8e7-4d6c-b5a4-938271605f4e");
    EQ(f->actor_id, "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9");
    EQ(f->actor_name, "mallory@example.onmicrosoft.com");
    EQ(f->actor_type, "user");
    EQ(f->actor_ip, "203.0.113.77");
    EQ(f->actor_ua, "Mozilla/5.0 Edge/122");
    EQ(f->target_id, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    EQ(f->target_name, "payments-batch");
    EQ(f->target_type, "service_principal");
    EQ(f->target_app_id, "c3d4e5f6-a7b8-4c9d-8e0f-112233445566");
    assert_int_equal(f->is_credential_add, 1);
    EQ(f->cred_id, "22222222-aaaa-4bbb-8ccc-000000000002");
    EQ(f->cred_type, "certificate");
    EQ(f->cred_name, "CN=rogue, OU=ops,DisplayName, O=Evil");
    ct_norm_free(&n);
}

/* The extractors read only the ECS document: an ECS document (as Filebeat
 * would ship it) gives the same entities. */
static void test_extract_from_ecs_only(void **st)
{
    (void)st;
    ct_norm a, b;
    norm_fixture("diag_audit_add_sp_creds.json", &a, CT_KIND_AZURE_DIAG);
    memset(&b, 0, sizeof b);
    b.f.ts = CT_TIME_NONE;
    b.f.alert_original_time = CT_TIME_NONE;
    b.doc = cJSON_Duplicate(a.doc, 1);
    ct_fields_from_ecs(&b);
    EQ(b.f.cred_id, a.f.cred_id);
    EQ(b.f.actor_id, a.f.actor_id);
    EQ(b.f.target_app_id, a.f.target_app_id);
    EQ(b.f.record_id, a.f.record_id);
    assert_int_equal(b.f.is_credential_add, 1);
    ct_norm_free(&a);
    ct_norm_free(&b);
}

/* Direct checks of the KeyDescription diff. */
static void test_key_diff(void **st)
{
    (void)st;
    ct_norm n;
    memset(&n, 0, sizeof n);
    const char *o = "[\"[KeyIdentifier=a1,KeyType=Password,KeyUsage=Verify,DisplayName=x]\"]";
    const char *nv = "[\"[KeyIdentifier=a1,KeyType=Password,KeyUsage=Verify,DisplayName=x]\","
                     "\"[KeyIdentifier=b2, KeyType=AsymmetricX509Cert, KeyUsage=Verify, "
                     "DisplayName=CN=a,O=b, StartDate=2024-01-01, EndDate=2025-01-01]\"]";
    assert_int_equal(ct_norm_ms_key_added(&n, o, nv), 1);
    EQ(n.f.cred_id, "b2");
    EQ(n.f.cred_type, "certificate");
    EQ(n.f.cred_name, "CN=a,O=b");
    EQ(n.f.cred_end, "2025-01-01");
    memset(&n.f, 0, sizeof n.f);
    assert_int_equal(ct_norm_ms_key_added(&n, nv, o), 0);   /* removal */
    assert_int_equal(ct_norm_ms_key_added(&n, NULL, "[]"), 0);
    assert_int_equal(ct_norm_ms_key_added(&n, NULL, "\"a secret\""), -1);
    assert_int_equal(ct_norm_ms_key_added(&n, "[", "[KeyIdentifier=c3,KeyType=Password]"), 1);
    EQ(n.f.cred_id, "c3");
    ct_norm_free(&n);
}

static void test_malformed(void **st)
{
    (void)st;
    char *data;
    size_t len;
    assert_int_equal(ct_read_file(FIX "malformed.ndjson", &data, &len), 0);
    int count = 0;
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        cJSON *rec = cJSON_Parse(line);
        assert_non_null(rec);
        ct_norm n;
        char err[256];
        if (ct_normalize(rec, &n, err, sizeof err) == 0) {
            assert_true(n.kind == CT_KIND_AZURE_DIAG || n.kind == CT_KIND_GRAPH ||
                        n.kind == CT_KIND_SENTINEL || n.kind == CT_KIND_O365);
            /* never "" */
            const char *const s[] = {n.f.actor_id, n.f.target_id, n.f.cred_id, n.f.target_app_id,
                                     n.f.record_id, n.f.cred_type};
            for (size_t i = 0; i < CT_ARRAY_LEN(s); i++) assert_true(!s[i] || s[i][0]);
            if (n.f.cred_id) assert_null(strchr(n.f.cred_id, ','));
            cJSON *j = ct_fields_to_json(&n.f, "x", 1);
            cJSON_Delete(j);
            ct_norm_free(&n);
        }
        cJSON_Delete(rec);
        count++;
    }
    free(data);
    assert_int_equal(count, 13);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diag_audit),
        cmocka_unit_test(test_graph_audit_same_record),
        cmocka_unit_test(test_sentinel_audit_string_columns),
        cmocka_unit_test(test_dedupe_ids_equal),
        cmocka_unit_test(test_endash_user_password),
        cmocka_unit_test(test_removal_not_an_add),
        cmocka_unit_test(test_federated_credential),
        cmocka_unit_test(test_diag_sp_signin),
        cmocka_unit_test(test_graph_signin),
        cmocka_unit_test(test_sentinel_signin),
        cmocka_unit_test(test_o365),
        cmocka_unit_test(test_extract_from_ecs_only),
        cmocka_unit_test(test_key_diff),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
