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
    /* CreateAccessKey for backup-svc, alice and itself, CreateLoginProfile, and
     * Elastic's ES|QL "IAM user created access keys for another user" on the
     * keys for backup-svc and alice; the denied CreateAccessKey raises nothing */
    assert_int_equal(scan(&st, ids, 8, lines), 6);
    for (int i = 0; i < 6; i++)
        for (int j = i + 1; j < 6; j++) assert_string_not_equal(ids[i], ids[j]);
    /* stable: the same ids on a second load */
    ct_store st2;
    diags d2;
    init(&st2, &d2);
    assert_int_equal(ct_store_load(&st2, FX "shared-id-cloudtrail.json"), 0);
    char ids2[8][17];
    size_t lines2[8];
    assert_int_equal(scan(&st2, ids2, 8, lines2), 6);
    for (int i = 0; i < 6; i++) {
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
    assert_int_equal(scan(&st, ids, 8, lines), 6);
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

/* ---- streams: any number of values and envelopes, any line ends ---- */

#define CT1(id, name)                                                                              \
    "{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-06T14:05:4" #id "Z\",\"eventSource\":"      \
    "\"iam.amazonaws.com\",\"eventName\":\"" name "\",\"userIdentity\":{\"type\":\"IAMUser\","      \
    "\"userName\":\"alice\"},\"eventID\":\"e" #id "\"}"

/* Load text as a file; the events' lines joined as "l1 l2 ...", the
 * diagnostics in d. */
static void load_text(ct_store *st, diags *d, const char *text, char *lines, size_t cap)
{
    init(st, d);
    const char *p = tmpfile_with(text);
    assert_int_equal(ct_store_load(st, p), 0);
    unlink(p);
    lines[0] = 0;
    for (size_t i = 0; i < st->nev; i++) {
        size_t l = strlen(lines);
        snprintf(lines + l, cap - l, "%s%u", i ? " " : "", st->ev[i].line);
    }
}

static void expect_stream(const char *text, size_t events, size_t skipped, const char *lines)
{
    ct_store st;
    diags d;
    char got[256];
    load_text(&st, &d, text, got, sizeof got);
    assert_int_equal(st.stats.events, events);
    assert_int_equal(st.stats.records, events);
    assert_int_equal(st.stats.skipped, skipped);
    assert_int_equal(st.stats.unrecognized, 0);
    assert_string_equal(got, lines);
    assert_int_equal(d.n, (int)skipped);
    ct_store_free(&st);
}

static void test_stream_variants(void **state)
{
    (void)state;
    /* glued }{ on one line */
    expect_stream(CT1(1, "ListUsers") CT1(2, "GetUser") CT1(3, "ListRoles") "\n", 3, 0, "1 1 1");
    /* several per line, then one per line */
    expect_stream(CT1(1, "ListUsers") " " CT1(2, "GetUser") "\n" CT1(3, "ListRoles") "\n", 3, 0, "1 1 2");
    /* CRLF and CR-only line ends */
    expect_stream(CT1(1, "ListUsers") "\r\n" CT1(2, "GetUser") "\r\n", 2, 0, "1 2");
    expect_stream(CT1(1, "ListUsers") "\r" CT1(2, "GetUser") "\r" CT1(3, "ListRoles") "\r", 3, 0, "1 2 3");
    /* envelopes one per line, and glued */
    expect_stream("{\"Records\":[" CT1(1, "ListUsers") "," CT1(2, "GetUser") "]}\n{\"Records\":[" CT1(3, "ListRoles") "]}\n",
                  3, 0, "1 1 2");
    expect_stream("{\"Records\":[" CT1(1, "ListUsers") "]}{\"Records\":[" CT1(2, "GetUser") "]}", 2, 0, "1 1");
    /* pretty-printed envelopes back to back (CloudTrail files concatenated) */
    expect_stream("{\n\"Records\": [\n" CT1(1, "ListUsers") ",\n" CT1(2, "GetUser") "\n]\n}\n"
                  "{\n\"Records\": [\n" CT1(3, "ListRoles") "\n]\n}\n",
                  3, 0, "3 4 9");
    /* arrays back to back, pretty */
    expect_stream("[\n" CT1(1, "ListUsers") "\n]\n[\n" CT1(2, "GetUser") ",\n" CT1(3, "ListRoles") "\n]\n", 3, 0,
                  "2 5 6");
    /* Azure {"records"} and Graph {"value"} envelopes on lines */
    expect_stream("{\"records\":[" CT1(1, "ListUsers") "]}\n{\"@odata.context\":\"x\",\"value\":[" CT1(2, "GetUser") "]}\n",
                  2, 0, "1 2");
    /* trailing garbage: reported with its line, the records before kept */
    expect_stream(CT1(1, "ListUsers") "\n" CT1(2, "GetUser") " trailing\n", 2, 1, "1 2");
    expect_stream("{\n\"Records\": [\n" CT1(1, "ListUsers") "\n]\n}\n{\"Records\": [{\"eventVersion\":\"1.0", 1, 1, "3");
}

static void test_stream_diag_lines(void **state)
{
    (void)state;
    ct_store st;
    diags d;
    char got[64];
    /* CR-only line ends throughout (one "line" to an NDJSON reader) */
    load_text(&st, &d, CT1(1, "ListUsers") "\r\r42\rxx\r" CT1(2, "GetUser") "\r{\"x\":", got, sizeof got);
    assert_string_equal(got, "1 5");
    assert_int_equal(st.stats.records, 2);
    assert_int_equal(st.stats.skipped, 3);
    char want[1024];
    snprintf(want, sizeof want, "%s:3: value is not a JSON object\n"
             "%s:4: malformed JSON value or garbage; skipped to line 5\n"
             "%s:6: malformed, truncated or trailing non-JSON text (5 bytes) skipped\n",
             st.srcs[0].in.name, st.srcs[0].in.name, st.srcs[0].in.name);
    assert_string_equal(d.text, want);
    ct_store_free(&st);
}

/* `zcat a.gz b.gz | credtriage scan -`: two exports on stdin, read whole. */
static void test_two_exports_on_stdin(void **state)
{
    (void)state;
    const char *text = "{\"Records\":[" CT1(1, "ListUsers") "," CT1(2, "CreateAccessKey") "]}"
                       "{\"Records\":[" CT1(3, "ListRoles") "," CT1(4, "GetUser") "," CT1(5, "ListUsers") "]}";
    const char *p = tmpfile_with(text);
    int saved = dup(0);
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    assert_true(dup2(fileno(f), 0) == 0);
    ct_store st;
    diags d;
    init(&st, &d);
    assert_int_equal(ct_store_load(&st, "-"), 0);
    dup2(saved, 0);
    close(saved);
    fclose(f);
    unlink(p);
    assert_int_equal(st.stats.records, 5);
    assert_int_equal(st.stats.events, 5);
    assert_int_equal(st.stats.skipped, 0);
    assert_int_equal(st.nev, 5);
    assert_int_equal(d.n, 0);
    ct_store_free(&st);
}

/* Every unrecognized record gets FILE:LINE and the family it looked like. */
static void test_unrecognized_reasons(void **state)
{
    (void)state;
    ct_store st;
    diags d;
    char got[64];
    load_text(&st, &d,
              "{\"Timestamp\":\"2024-05-01T10:00:00Z\",\"ActionType\":\"LogonSuccess\",\"DeviceName\":\"pc1\"}\n"
              "{\"logName\":\"projects/p/logs/syslog\",\"insertId\":\"1\",\"textPayload\":\"hi\"}\n"
              "{\"weird\\u001b[31m\":1,\"b\":2}\n",
              got, sizeof got);
    assert_string_equal(got, "1 2 3");
    assert_int_equal(st.stats.unrecognized, 3);
    assert_int_equal(st.stats.skipped, 0);
    const char *f = st.srcs[0].in.name;
    char want[2048];
    snprintf(want, sizeof want,
             "%s:1: unrecognized record: looks like Defender XDR advanced hunting (has Timestamp, ActionType, "
             "DeviceName) but no reader for its tables (Defender XDR rows are not read)\n"
             "%s:2: unrecognized record: looks like GCP Cloud Logging entry (has logName, insertId, textPayload) but "
             "no protoPayload or payload holding a Cloud Audit Log (jsonPayload and textPayload entries are not "
             "audit logs)\n"
             "%s:3: unrecognized record: no known log family (keys: weird\\x1b[31m, b)\n",
             f, f, f);
    assert_string_equal(d.text, want);
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
        cmocka_unit_test(test_stream_variants),
        cmocka_unit_test(test_stream_diag_lines),
        cmocka_unit_test(test_two_exports_on_stdin),
        cmocka_unit_test(test_unrecognized_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
