/* Loading whole: records that share an id are kept apart unless they are the
 * same record (store_dedupe.c), and the same record in several export shapes
 * still folds. Exact counts throughout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "alerts.h"
#include "rules.h"
#include "store.h"

#define FX "tests/fixtures/input/"
#define NORM "tests/fixtures/norm/"

typedef struct diags {
    char text[16384];
    int n;
} diags;

static void collect(void *ctx, const char *file, uint64_t line, const char *msg)
{
    diags *d = ctx;
    size_t l = strlen(d->text);
    snprintf(d->text + l, sizeof d->text - l, "%s:%llu: %s\n", file, (unsigned long long)line, msg);
    d->n++;
}

static void init(ct_store *st, diags *d)
{
    ct_store_init(st);
    memset(d, 0, sizeof *d);
    st->diag = collect;
    st->diag_ctx = d;
}

/* Write text to a temporary file; its path (static buffer, one at a time). */
static const char *tmpfile_with(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/ct_test_load_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

static void quiet(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx, (void)file, (void)line, (void)msg;
}

/* The alerts of st as "rule-stem-prefix@line" lines, sorted by time then id;
 * ids returned in ids (n of them). */
static size_t scan(ct_store *st, char ids[][17], size_t max, size_t *lines)
{
    ct_ruleset rs;
    assert_int_equal(ct_rules_load(".", &rs, quiet, NULL), 0);
    ct_rules_bind(&rs, st);
    ct_alerts al;
    assert_int_equal(ct_scan(st, &rs, &al), 0);
    size_t n = al.n;
    for (size_t i = 0; i < al.n && i < max; i++) {
        memcpy(ids[i], al.v[i].id, 17);
        lines[i] = st->ev[al.v[i].event].line;
    }
    ct_alerts_free(&al);
    ct_rules_free(&rs);
    return n;
}

/* Twelve different CloudTrail records of one scenario, all eventID "1". */
static void test_shared_id_all_kept(void **state)
{
    (void)state;
    ct_store st;
    diags d;
    init(&st, &d);
    assert_int_equal(ct_store_load(&st, FX "shared-id-cloudtrail.json"), 0);
    assert_int_equal(st.nev, 12);
    assert_int_equal(st.stats.records, 12);
    assert_int_equal(st.stats.events, 12);
    assert_int_equal(st.stats.duplicates, 0);
    assert_int_equal(st.stats.shared_ids, 1);
    for (size_t i = 0; i < st.nev; i++) assert_true(st.ev[i].flags & CT_EVF_SHARED_ID);
    char ids[8][17];
    size_t lines[8];
    /* CreateAccessKey for backup-svc, alice and itself, CreateLoginProfile;
     * the denied CreateAccessKey raises nothing */
    assert_int_equal(scan(&st, ids, 8, lines), 4);
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++) assert_string_not_equal(ids[i], ids[j]);
    /* stable: the same ids on a second load */
    ct_store st2;
    diags d2;
    init(&st2, &d2);
    assert_int_equal(ct_store_load(&st2, FX "shared-id-cloudtrail.json"), 0);
    char ids2[8][17];
    size_t lines2[8];
    assert_int_equal(scan(&st2, ids2, 8, lines2), 4);
    for (int i = 0; i < 4; i++) {
        assert_string_equal(ids[i], ids2[i]);
        assert_int_equal(lines[i], lines2[i]);
    }
    ct_store_free(&st2);
    ct_store_free(&st);
    assert_int_equal(d.n, 0);
}

/* The same export loaded twice: every record of the second copy folds. */
static void test_same_export_twice_folds(void **state)
{
    (void)state;
    ct_store st;
    diags d;
    init(&st, &d);
    char *const files[] = {FX "shared-id-cloudtrail.json", FX "shared-id-cloudtrail.json"};
    assert_int_equal(ct_store_load_all(&st, files, 2), 0);
    assert_int_equal(st.nev, 12);
    assert_int_equal(st.stats.records, 24);
    assert_int_equal(st.stats.duplicates, 12);
    assert_int_equal(st.stats.shared_ids, 1);
    char ids[8][17];
    size_t lines[8];
    assert_int_equal(scan(&st, ids, 8, lines), 4);
    ct_store_free(&st);
}

/* A record pretty-printed and the same record on one line are one record. */
static void test_whitespace_is_not_content(void **state)
{
    (void)state;
    const char *text =
        "{ \"eventVersion\": \"1.08\", \"eventTime\": \"2026-11-06T14:05:40Z\", \"eventSource\": \"iam.amazonaws.com\",\n"
        "  \"eventName\": \"ListUsers\", \"userIdentity\": {\"type\": \"IAMUser\", \"userName\": \"a b\"}, \"eventID\": \"7\"}\n"
        "{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-06T14:05:40Z\",\"eventSource\":\"iam.amazonaws.com\","
        "\"eventName\":\"ListUsers\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"a b\"},\"eventID\":\"7\"}\n"
        "{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-06T14:05:40Z\",\"eventSource\":\"iam.amazonaws.com\","
        "\"eventName\":\"ListUsers\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"ab\"},\"eventID\":\"7\"}\n";
    ct_store st;
    diags d;
    init(&st, &d);
    const char *p = tmpfile_with(text);
    assert_int_equal(ct_store_load(&st, p), 0);
    unlink(p);
    /* the second is the first without its spaces (a stream of values
     * spanning lines); the third differs inside a string */
    assert_int_equal(st.stats.records, 3);
    assert_int_equal(st.nev, 2);
    assert_int_equal(st.stats.duplicates, 1);
    assert_int_equal(st.stats.shared_ids, 1);
    ct_store_free(&st);
}

/* The same change as an Entra diagnostic record, a Graph directoryAudit and
 * a Sentinel AuditLogs row; a CloudTrail record and its EventBridge copy. */
static void test_shapes_of_one_record_fold(void **state)
{
    (void)state;
    ct_store st;
    diags d;
    init(&st, &d);
    char *const ms[] = {NORM "ms/diag_audit_add_sp_creds.json", NORM "ms/graph_directory_audit.json",
                        NORM "ms/sentinel_auditlogs.json"};
    assert_int_equal(ct_store_load_all(&st, ms, 3), 0);
    assert_int_equal(st.nev, 1);
    assert_int_equal(st.stats.duplicates, 2);
    assert_int_equal(st.stats.shared_ids, 0);
    assert_int_equal(st.ev[0].kind, CT_KIND_AZURE_DIAG);
    ct_store_free(&st);
    init(&st, &d);
    char *const aws[] = {NORM "cloud/ct_create_access_key_other.json",
                         NORM "cloud/ct_create_access_key_eventbridge.json"};
    assert_int_equal(ct_store_load_all(&st, aws, 2), 0);
    assert_int_equal(st.nev, 1);
    assert_int_equal(st.stats.duplicates, 1);
    assert_int_equal(st.stats.shared_ids, 0);
    ct_store_free(&st);
    assert_int_equal(d.n, 0);
}

#define GCP(ts, logname, recv)                                                                           \
    "{\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\",\"authenticationInfo\":" \
    "{\"principalEmail\":\"dana@example.com\"},\"serviceName\":\"iam.googleapis.com\",\"methodName\":"         \
    "\"google.iam.admin.v1.ListServiceAccounts\"},\"insertId\":\"abc\",\"timestamp\":\"" ts "\","             \
    "\"logName\":\"" logname "\",\"receiveTimestamp\":\"" recv "\"}\n"

/* GCP: insertId is unique only with timestamp and logName. */
static void test_gcp_identity(void **state)
{
    (void)state;
    const char *text = GCP("2024-05-03T08:00:00Z", "projects/p/logs/cloudaudit.googleapis.com%2Factivity",
                           "2024-05-03T08:00:01Z")
        /* the same entry received again: same identity, other bytes */
        GCP("2024-05-03T08:00:00Z", "projects/p/logs/cloudaudit.googleapis.com%2Factivity", "2024-05-03T08:00:09Z")
        /* another time */
        GCP("2024-05-03T08:00:05Z", "projects/p/logs/cloudaudit.googleapis.com%2Factivity", "2024-05-03T08:00:06Z")
        /* another log */
        GCP("2024-05-03T08:00:00Z", "projects/p/logs/cloudaudit.googleapis.com%2Fdata_access", "2024-05-03T08:00:01Z");
    ct_store st;
    diags d;
    init(&st, &d);
    const char *p = tmpfile_with(text);
    assert_int_equal(ct_store_load(&st, p), 0);
    unlink(p);
    assert_int_equal(st.stats.records, 4);
    assert_int_equal(st.nev, 3);
    assert_int_equal(st.stats.duplicates, 1);
    assert_int_equal(st.stats.shared_ids, 1);
    assert_int_equal(st.ev[0].line, 1);
    assert_int_equal(st.ev[1].line, 3);
    assert_int_equal(st.ev[2].line, 4);
    ct_store_free(&st);
}

/* Many ids each shared by a few records, and each repeated: the table
 * grows through the groups (members, exact copies) with counts exact. */
static void test_many_shared_ids(void **state)
{
    (void)state;
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (int copy = 0; copy < 2; copy++)
        for (int id = 0; id < 3000; id++)
            for (int v = 0; v < 3; v++)
                ct_sbuf_addf(&b,
                             "{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-06T14:%02d:%02dZ\","
                             "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"ListUsers\","
                             "\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"u%d\"},\"eventID\":\"id-%d\"}\n",
                             id % 60, v, v, id);
    ct_store st;
    diags d;
    init(&st, &d);
    const char *p = tmpfile_with(b.buf);
    ct_sbuf_free(&b);
    assert_int_equal(ct_store_load(&st, p), 0);
    unlink(p);
    assert_int_equal(st.stats.records, 18000);
    assert_int_equal(st.nev, 9000);
    assert_int_equal(st.stats.duplicates, 9000);
    assert_int_equal(st.stats.shared_ids, 3000);
    ct_store_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_id_all_kept),
        cmocka_unit_test(test_same_export_twice_folds),
        cmocka_unit_test(test_whitespace_is_not_content),
        cmocka_unit_test(test_shapes_of_one_record_fold),
        cmocka_unit_test(test_gcp_identity),
        cmocka_unit_test(test_many_shared_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
