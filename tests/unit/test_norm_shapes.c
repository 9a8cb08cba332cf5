/* Unit tests for the record shapes of issue #14 that analysts have and the
 * reader did not take whole: addresses written like IPv4 but invalid, the
 * root user's own key in every shape, Microsoft 365 audit records of every
 * workload with the application as an entity, Sentinel OfficeActivity rows,
 * Sentinel rows recognized by their columns, GCP entries in the older
 * `payload` form, ECS documents without @timestamp. Every value is checked
 * exactly. Fixtures in tests/fixtures/norm/shapes/ (sources in its README). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "norm.h"
#include "store.h"

#define FIX "tests/fixtures/norm/shapes/"
#include "normutil.h"

#define NUL(a) assert_null(a)

static void ts_is(const ct_fields *f, const char *want)
{
    char t[32];
    assert_true(f->ts != CT_TIME_NONE);
    ct_time_fmt(f->ts, t);
    STR(t, want);
}

/* ---- addresses ---- */

static void test_ip_invalid_kept_and_flagged(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ct_stratus_backdoor_invalid_ip.json", &n);
    assert_int_equal(n.kind, CT_KIND_CLOUDTRAIL);
    ct_fields *f = &n.f;
    STR(f->actor_ip, "211.9.016.253");
    assert_false(ct_ip_valid(f->actor_ip));
    /* ECS: the address as written, no source.ip (Elasticsearch's ip type
     * would reject it) */
    STR(ct_json_str(n.doc, "source.address"), "211.9.016.253");
    NUL(ct_json_get(n.doc, "source.ip"));
    STR(f->actor_id, "arn:aws:iam::946986569305:user/christophe");
    STR(f->actor_type, "iam_user");
    STR(f->target_name, "stratus-red-team-backdoor-u-user");
    STR(f->cred_id, "AKIAL80DWDVKKM0UXEER");
    /* events --json says so */
    cJSON *j = ct_fields_to_json(f, NULL, 0);
    STR(ct_json_str(j, "actor.ip"), "211.9.016.253");
    assert_true(cJSON_IsFalse(ct_json_get(j, "actor.ip_valid")));
    cJSON_Delete(j);
    ct_norm_free(&n);
}

static void test_ip_hostname_is_no_address(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ct_panther_hostname_source.json", &n);
    assert_int_equal(n.kind, CT_KIND_CLOUDTRAIL);
    /* a service's name is no address: kept in source.address, not shown as one */
    STR(ct_json_str(n.doc, "source.address"), "cloudformation.amazonaws.com");
    NUL(n.f.actor_ip);
    cJSON *j = ct_fields_to_json(&n.f, NULL, 0);
    NUL(ct_json_get(j, "actor.ip_valid"));
    cJSON_Delete(j);
    ct_norm_free(&n);
}

static void test_ip_shapes(void **st)
{
    (void)st;
    static const char *const shaped[] = {"211.9.016.253", "255.090.254.5", "075.050.255.67",
                                         "999.1.1.1", "1.2.3.4"};
    static const char *const not_shaped[] = {"", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.",
                                             ".1.2.3", "1234.1.1.1", "a.b.c.d",
                                             "AWS Internal", "1.2.3.4:80"};
    for (size_t i = 0; i < CT_ARRAY_LEN(shaped); i++)
        assert_true(ct_ip_shaped(shaped[i], strlen(shaped[i])));
    for (size_t i = 0; i < CT_ARRAY_LEN(not_shaped); i++)
        assert_false(ct_ip_shaped(not_shaped[i], strlen(not_shaped[i])));
    assert_true(ct_ip_valid("1.2.3.4"));
    assert_true(ct_ip_valid("2001:db8::1"));
    assert_false(ct_ip_valid("211.9.016.253"));
    assert_false(ct_ip_valid(NULL));
}

/* ---- the root user's own key ---- */

static void root_own_key(const char *file)
{
    ct_norm n;
    norm_file(file, &n);
    assert_int_equal(n.kind, CT_KIND_CLOUDTRAIL);
    ct_fields *f = &n.f;
    STR(f->action, "CreateAccessKey");
    STR(f->actor_id, "arn:aws:iam::962110289919:root");
    STR(f->actor_id2, "962110289919");
    STR(f->actor_name, "root");
    STR(f->actor_type, "root");
    STR(f->target_id, "arn:aws:iam::962110289919:root");
    STR(f->target_id2, "962110289919");
    STR(f->target_name, "root");
    STR(f->target_type, "root");
    assert_true(f->is_credential_add);
    STR(f->cred_id, "AKIA6AAR5677QEXAMPLE");
    STR(f->cred_type, "access_key");
    STR(f->cred_used, "ASIA6AAR5677ZZ2VY24L");
    STR(f->actor_ip, "221.149.235.161");
    ts_is(f, "2021-10-09T15:40:02.000Z");
    ct_norm_free(&n);
}

static void test_root_own_key_every_shape(void **st)
{
    (void)st;
    /* the response names the key's user by the account alias: still root's */
    root_own_key("ct_root_own_key_alias.CONSTRUCTED.json");
    /* the same change through EventBridge, no user name anywhere */
    root_own_key("ct_root_own_key_eventbridge.CONSTRUCTED.json");
}

/* ---- Microsoft 365 audit records of every workload ---- */

static void test_o365_app_reads_mail(void **st)
{
    (void)st;
    static const char *const files[] = {"o365_exchange_attachment_by_app.json",
                                        "o365_mail_items_accessed_by_app.CONSTRUCTED.json"};
    static const char *const actions[] = {"AttachmentAccess", "MailItemsAccessed"};
    for (size_t i = 0; i < 2; i++) {
        ct_norm n;
        norm_file(files[i], &n);
        assert_int_equal(n.kind, CT_KIND_O365);
        ct_fields *f = &n.f;
        STR(f->dataset, "o365.audit");
        STR(f->action, actions[i]);
        STR(f->outcome, "success");
        /* the application (UserType 5, UserKey its app id) is the actor ... */
        STR(f->actor_id, "abcdabcd-1234-12ab-1a2b-ad1234567890");
        NUL(f->actor_name);
        STR(f->actor_type, "application");
        STR(f->actor_ip, "203.0.113.5");
        /* ... the mailbox it read the target */
        STR(f->target_id, "user@example.com");
        STR(f->target_name, "user@example.com");
        STR(f->target_type, "user");
        NUL(f->client_app);
        assert_true(f->is_signin);
        assert_false(f->is_credential_add);
        /* the integration's fields */
        STR(ct_json_str(n.doc, "event.provider"), "Exchange");
        STR(ct_json_str(n.doc, "event.code"), "ExchangeItemAggregated");
        STR(ct_json_str(n.doc, "user.id"), "user@example.com");
        STR(ct_json_str(n.doc, "token.id"), "12345678-1234-1234-abcd-abcdef123456");
        STR(ct_json_str(n.doc, "o365.audit.AppId"), "abcdabcd-1234-12ab-1a2b-ad1234567890");
        const cJSON *cat = ct_json_get(n.doc, "event.category");
        assert_int_equal(cJSON_GetArraySize(cat), 2);
        STR(cJSON_GetArrayItem(cat, 0)->valuestring, "web");
        STR(cJSON_GetArrayItem(cat, 1)->valuestring, "email");
        ct_norm_free(&n);
    }
}

static void test_o365_file_access(void **st)
{
    (void)st;
    ct_norm n;
    /* a user's own file access: the user acts, no target, the site reached */
    norm_file("o365_onedrive_file_accessed.json", &n);
    ct_fields *f = &n.f;
    STR(f->action, "FileAccessed");
    STR(f->actor_id, "asr@testsiem.onmicrosoft.com");
    STR(f->actor_name, "asr@testsiem.onmicrosoft.com");
    STR(f->actor_type, "user");
    STR(f->actor_ip, "67.43.156.15");
    NUL(f->target_id);
    NUL(f->target_name);
    NUL(f->client_app);
    STR(f->resource, "https://testsiem-my.sharepoint.com/personal/asr_testsiem_onmicrosoft_com/");
    assert_false(f->is_signin);
    STR(ct_json_str(n.doc, "event.code"), "SharePointFileOperation");
    STR(ct_json_str(n.doc, "url.original"),
        "https://testsiem-my.sharepoint.com/personal/asr_testsiem_onmicrosoft_com/Documents/Forms/All.aspx");
    STR(ct_json_str(n.doc, "file.name"), "All.aspx");
    STR(ct_json_str(n.doc, "file.extension"), "aspx");
    STR(ct_json_str(n.doc, "file.directory"), "Documents/Forms");
    NUL(ct_json_get(n.doc, "o365.audit.ObjectId"));
    ct_norm_free(&n);

    /* SharePoint app-only access (app@sharepoint): the application acts */
    norm_file("o365_sharepoint_app_only.CONSTRUCTED.json", &n);
    f = &n.f;
    STR(f->actor_id, "6f1c9d52-7e3a-4b8f-9d21-0c5e4a7b3f10");
    STR(f->actor_name, "backup-sync");
    STR(f->actor_type, "application");
    NUL(f->target_id);
    STR(f->resource, "https://testsiem.sharepoint.com/sites/finance/");
    assert_true(f->is_signin);
    ct_norm_free(&n);
}

static void test_o365_other_workloads(void **st)
{
    (void)st;
    ct_norm n;
    /* SYSTEM creating an item in alice's mailbox: her mailbox is the target */
    norm_file("o365_exchange_item_system.json", &n);
    ct_fields *f = &n.f;
    STR(f->action, "Create");
    STR(f->actor_id, "S-1-5-18");
    NUL(f->actor_type);
    STR(f->target_name, "alice@contoso.example");
    STR(f->target_type, "user");
    STR(ct_json_str(n.doc, "event.code"), "ExchangeItem");
    ct_norm_free(&n);

    /* PowerBI exported without Operation: still a UAL record, no action, and
     * "sanitized" is no application nor address */
    norm_file("o365_wazuh_powerbi_no_operation.json", &n);
    assert_int_equal(n.kind, CT_KIND_O365);
    f = &n.f;
    STR(f->dataset, "o365.audit");
    NUL(f->action);
    STR(f->actor_id, "wazuh@wazuh.com");
    STR(f->actor_type, "user");
    NUL(f->actor_ip);
    NUL(f->client_app);
    STR(f->record_id, "sanitized");
    STR(ct_json_str(n.doc, "event.code"), "PowerBIAudit");
    STR(ct_json_str(n.doc, "event.provider"), "PowerBIAudit");
    ct_norm_free(&n);

    /* negative: a stub with only a time, a record type and a server */
    norm_file("o365_stub_negative.json", &n);
    assert_int_equal(n.kind, CT_KIND_GENERIC);
    NUL(n.f.dataset);
    ct_norm_free(&n);
}

/* An Entra credential added to an application, then that application reads
 * mail with UserType Application: the mail access is the target acting. */
static void test_o365_app_mail_correlates(void **st)
{
    (void)st;
    ct_store s;
    ct_store_init(&s);
    assert_int_equal(ct_store_load(&s, FIX "o365_app_mail_after_secret.CONSTRUCTED.ndjson"), 0);
    assert_int_equal(s.nev, 3);
    ct_corr *c = ct_corr_build(&s);
    ct_alert a;
    memset(&a, 0, sizeof a);
    a.event = 0;
    a.ts = s.ev[0].ts;
    a.rule_name = "test rule";
    a.severity = "high";
    snprintf(a.id, sizeof a.id, "%s", "00000000000000c1");
    ct_corr_result r;
    assert_int_equal(ct_corr_alert(c, &a, NULL, CT_CORR_DEFAULT_WINDOW, &r), 0);
    /* the app's mail access (1), not the other application's (2) */
    assert_int_equal(r.nsame_target, 2);
    assert_int_equal(r.same_target[0], 0);
    assert_int_equal(r.same_target[1], 1);
    ct_corr_result_free(&r);
    ct_corr_free(c);
    ct_store_free(&s);
}

/* ---- Sentinel rows ---- */

/* Every record of an array file, normalized. */
static size_t norm_array(const char *name, ct_norm *out, size_t max)
{
    cJSON *arr = load(name);
    size_t n = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, arr) {
        char err[256] = "";
        assert_true(n < max);
        assert_int_equal(ct_normalize(r, &out[n++], err, sizeof err), 0);
    }
    cJSON_Delete(arr);
    return n;
}

static void test_sentinel_officeactivity(void **st)
{
    (void)st;
    ct_norm n[3];
    assert_int_equal(norm_array("sentinel_officeactivity.CONSTRUCTED.json", n, 3), 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(n[i].kind, CT_KIND_SENTINEL);
        STR(n[i].f.dataset, "o365.audit");
    }
    /* Exchange, the application reading a mailbox, as from the UAL */
    ct_fields *f = &n[0].f;
    STR(f->action, "AttachmentAccess");
    STR(f->record_id, "88888888-4444-5555-6666-123456789012");
    STR(f->actor_id, "abcdabcd-1234-12ab-1a2b-ad1234567890");
    STR(f->actor_type, "application");
    STR(f->actor_ip, "203.0.113.5");
    STR(f->target_name, "user@example.com");
    ts_is(f, "2025-09-29T01:01:01.000Z");
    STR(ct_json_str(n[0].doc, "event.provider"), "Exchange");
    STR(ct_json_str(n[0].doc, "event.code"), "ExchangeItemAggregated");
    STR(ct_json_str(n[0].doc, "token.id"), "12345678-1234-1234-abcd-abcdef123456");
    NUL(ct_json_get(n[0].doc, "o365.audit.Type"));
    NUL(ct_json_get(n[0].doc, "o365.audit.TenantId"));
    /* OneDrive: OfficeObjectId is the file's url */
    f = &n[1].f;
    STR(f->action, "FileAccessed");
    STR(f->actor_id, "asr@testsiem.onmicrosoft.com");
    STR(ct_json_str(n[1].doc, "url.original"),
        "https://testsiem-my.sharepoint.com/personal/asr_testsiem_onmicrosoft_com/Documents/Forms/All.aspx");
    STR(ct_json_str(n[1].doc, "event.code"), "SharePointFileOperation");
    /* Entra through M365: the credential, its service principal, its app */
    f = &n[2].f;
    STR(f->action, "Add service principal credentials");
    STR(f->actor_id, "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9");
    STR(f->actor_name, "mallory@example.onmicrosoft.com");
    STR(f->actor_type, "user");
    STR(f->target_id, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    STR(f->target_name, "payments-batch");
    STR(f->target_type, "service_principal");
    STR(f->target_app_id, "c3d4e5f6-a7b8-4c9d-8e0f-112233445566");
    assert_true(f->is_credential_add);
    STR(f->cred_id, "22222222-aaaa-4bbb-8ccc-000000000002");
    STR(f->cred_type, "certificate");
    for (int i = 0; i < 3; i++) ct_norm_free(&n[i]);

    /* the same Exchange row after `project-away Type`: its columns say it */
    ct_norm m;
    norm_file("sentinel_officeactivity_no_type.CONSTRUCTED.json", &m);
    assert_int_equal(m.kind, CT_KIND_SENTINEL);
    STR(m.f.dataset, "o365.audit");
    STR(m.f.actor_id, "abcdabcd-1234-12ab-1a2b-ad1234567890");
    STR(m.f.target_name, "user@example.com");
    ct_norm_free(&m);
    /* negative: another table's row with TimeGenerated and Operation */
    norm_file("sentinel_not_office_negative.json", &m);
    assert_int_equal(m.kind, CT_KIND_GENERIC);
    NUL(m.f.dataset);
    ct_norm_free(&m);
}

static void test_sentinel_rows_by_columns(void **st)
{
    (void)st;
    ct_norm n;
    /* a real AuditLogs row exported from Log Analytics */
    static const char *const audit[] = {"sentinel_auditlogs_add_member.json",
                                        "sentinel_auditlogs_no_type.CONSTRUCTED.json"};
    for (size_t i = 0; i < 2; i++) {
        norm_file(audit[i], &n);
        assert_int_equal(n.kind, CT_KIND_SENTINEL);
        ct_fields *f = &n.f;
        STR(f->dataset, "azure.auditlogs");
        STR(f->action, "Add member to group");
        STR(f->outcome, "success");
        STR(f->record_id, "Directory_dbcb74c9-7b30-4cc2-8202-c98f3bfdf469_PSDW5_66032801");
        STR(f->actor_id, "0f0b85e6-fe8a-4097-bc16-1c1f6fd1e615");
        STR(f->actor_name, "argrdgrdg@agregaerga.onmicrosoft.com");
        STR(f->actor_type, "user");
        STR(f->actor_ip, "186.144.92.225");
        STR(f->target_id, "0960048c-4887-42d6-aefd-d5559295f11b");
        STR(f->target_name, "aqergerg@aregerg.test.com");
        STR(f->target_type, "user");
        STR(f->change_id, "dbcb74c9-7b30-4cc2-8202-c98f3bfdf469");
        ts_is(f, "2025-03-27T14:49:42.929Z");
        ct_norm_free(&n);
    }
    /* a row whose Type a query replaced ("TestLogType"): still AuditLogs */
    norm_file("sentinel_auditlogs_type_replaced.json", &n);
    assert_int_equal(n.kind, CT_KIND_SENTINEL);
    STR(n.f.dataset, "azure.auditlogs");
    STR(n.f.action, "Test Operation");
    STR(n.f.actor_id, "00000000-0000-0000-0000-000000000000");
    STR(n.f.actor_name, "testuser@example.com");
    STR(n.f.target_id, "11111111-1111-1111-1111-111111111111");
    STR(n.f.target_name, "Test Target User");
    ct_norm_free(&n);
    /* a service principal sign-in whose Type was replaced and Category dropped */
    norm_file("sentinel_sp_signin_type_replaced.CONSTRUCTED.json", &n);
    assert_int_equal(n.kind, CT_KIND_SENTINEL);
    STR(n.f.dataset, "azure.signinlogs");
    STR(n.f.actor_id, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    STR(n.f.actor_id2, "c3d4e5f6-a7b8-4c9d-8e0f-112233445566");
    STR(n.f.actor_type, "service_principal");
    STR(n.f.cred_used, "22222222-aaaa-4bbb-8ccc-000000000002");
    STR(ct_json_str(n.doc, "azure.signinlogs.category"), "ServicePrincipalSignInLogs");
    ct_norm_free(&n);
}

/* ---- GCP entries in the older payload form ---- */

static void test_gcp_payload_form(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("gcp_payload_create_sa_key.CONSTRUCTED.json", &n);
    assert_int_equal(n.kind, CT_KIND_GCP);
    ct_fields *f = &n.f;
    STR(f->dataset, "gcp.audit");
    STR(f->action, "google.iam.admin.v1.CreateServiceAccountKey");
    STR(f->outcome, "success");
    STR(f->actor_id, "staging@company.io");
    STR(f->actor_type, "user");
    STR(f->actor_ip, "1.2.3.4");
    STR(f->target_id, "created-service-account@gcp-project1.iam.gserviceaccount.com");
    STR(f->target_type, "service_account");
    assert_true(f->is_credential_add);
    STR(f->cred_id, "69049163b190437ab9279b28e8afa24bb5c5b076");
    STR(f->cred_type, "service_account_key");
    /* "\"NOTICE\"" unquoted */
    STR(ct_json_str(n.doc, "log.level"), "NOTICE");
    ts_is(f, "2023-03-09T15:50:36.148Z");
    ct_norm_free(&n);

    norm_file("gcp_payload_create_sa.CONSTRUCTED.json", &n);
    f = &n.f;
    STR(f->action, "google.iam.admin.v1.CreateServiceAccount");
    STR(f->actor_id, "fakeemailxyz@gmail.com");
    STR(f->actor_ip, "1.1.1.1");
    STR(f->target_id, "test-1@fake-project.iam.gserviceaccount.com");
    STR(f->target_id2, "103128253349260544953");
    assert_false(f->is_credential_add);
    STR(ct_json_str(n.doc, "log.level"), "NOTICE");
    ct_norm_free(&n);

    /* negative: a text payload is no audit log */
    norm_file("gcp_payload_text_negative.CONSTRUCTED.json", &n);
    assert_int_equal(n.kind, CT_KIND_GENERIC);
    ct_norm_free(&n);
}

/* ---- ECS documents without @timestamp ---- */

static void test_ecs_without_timestamp(void **st)
{
    (void)st;
    ct_norm n;
    /* the time is event.created; the entities as with @timestamp */
    norm_file("ecs_no_timestamp_created.CONSTRUCTED.json", &n);
    assert_int_equal(n.kind, CT_KIND_ECS);
    ct_fields *f = &n.f;
    ts_is(f, "2021-11-11T01:02:03.123Z");
    NUL(ct_json_get(n.doc, "@timestamp"));
    STR(f->dataset, "aws.cloudtrail");
    STR(ct_json_str(n.doc, "event.dataset"), "aws.cloudtrail");
    STR(f->action, "CreateAccessKey");
    STR(f->actor_id, "arn:aws:iam::0123456789012:user/Alice");
    STR(f->target_name, "Bob");
    assert_true(f->is_credential_add);
    STR(f->cred_id, "EXAMPLE_KEY_ID");
    ct_norm_free(&n);
    /* no ecs object, no time at all: recognized by its data stream, time unknown */
    norm_file("ecs_no_timestamp_no_time.CONSTRUCTED.json", &n);
    assert_int_equal(n.kind, CT_KIND_ECS);
    assert_true(n.f.ts == CT_TIME_NONE);
    STR(n.f.dataset, "aws.cloudtrail");
    STR(n.f.cred_id, "EXAMPLE_KEY_ID");
    ct_norm_free(&n);
}

/* The records of a {"value": [...]} export, normalized. */
static size_t norm_array_value(const char *name, ct_norm *out)
{
    cJSON *doc = load(name);
    size_t n = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "value")) {
        char err[256] = "";
        assert_int_equal(ct_normalize(r, &out[n++], err, sizeof err), 0);
        break; /* one record in these fixtures */
    }
    cJSON_Delete(doc);
    return n;
}

/* ---- the real records of the earlier checks ---- */

static void test_real_graph_and_eventbridge(void **st)
{
    (void)st;
    ct_norm n[1];
    /* a Graph directoryAudit of an "Add service principal" detonation */
    assert_int_equal(norm_array_value("graph_add_sp_securathesis.json", n), 1);
    assert_int_equal(n[0].kind, CT_KIND_GRAPH);
    ct_fields *f = &n[0].f;
    STR(f->dataset, "azure.auditlogs");
    STR(f->action, "Add service principal");
    STR(f->outcome, "success");
    STR(f->record_id, "Directory_e5bbd943-fcc7-489a-9b91-2844da394a70_FAAG0_14557051");
    STR(f->actor_id, "30a6c29d-de7c-4830-815f-9b3bb366e975");
    STR(f->actor_name, "attacker@securathesis.onmicrosoft.com");
    STR(f->actor_type, "user");
    NUL(f->actor_ip); /* "<Redacted>" is no address */
    STR(f->target_id, "8c907101-5831-45a1-b703-8a59f190e639");
    STR(f->target_name, "additionalCloudCredSP");
    STR(f->target_type, "service_principal");
    STR(f->target_app_id, "9375c06d-c933-428c-bd52-5314a466cb9b");
    STR(f->change_id, "e5bbd943-fcc7-489a-9b91-2844da394a70");
    ts_is(f, "2022-06-27T09:56:28.714Z");
    ct_norm_free(&n[0]);

    /* EventBridge around the root user's CloudTrail record */
    ct_norm e;
    norm_file("eventbridge_root_createpolicy.json", &e);
    assert_int_equal(e.kind, CT_KIND_CLOUDTRAIL);
    f = &e.f;
    STR(f->action, "CreatePolicy");
    STR(f->actor_id, "arn:aws:iam::962110289919:root");
    STR(f->actor_id2, "962110289919");
    STR(f->actor_name, "root");
    STR(f->actor_type, "root");
    STR(f->actor_ip, "221.149.235.161");
    STR(f->cred_used, "ASIA6AAR5677ZZ2VY24L");
    NUL(f->target_id);
    assert_false(f->is_credential_add);
    ts_is(f, "2021-10-09T15:32:13.000Z");
    ct_norm_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip_invalid_kept_and_flagged),
        cmocka_unit_test(test_ip_hostname_is_no_address),
        cmocka_unit_test(test_ip_shapes),
        cmocka_unit_test(test_root_own_key_every_shape),
        cmocka_unit_test(test_o365_app_reads_mail),
        cmocka_unit_test(test_o365_file_access),
        cmocka_unit_test(test_o365_other_workloads),
        cmocka_unit_test(test_o365_app_mail_correlates),
        cmocka_unit_test(test_sentinel_officeactivity),
        cmocka_unit_test(test_sentinel_rows_by_columns),
        cmocka_unit_test(test_gcp_payload_form),
        cmocka_unit_test(test_ecs_without_timestamp),
        cmocka_unit_test(test_real_graph_and_eventbridge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
