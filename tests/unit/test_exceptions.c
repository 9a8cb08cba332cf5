/* Unit tests for src/exceptions.c: Kibana exception items compiled to KQL and
 * applied as Kibana applies them (entries ANDed, items ORed, excluded negates
 * and holds when the field is absent, expired items do not apply), the repo
 * file format (stable bytes), loading, Kibana NDJSON export/import. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exceptions.h"

#define NOW 1800000000000LL /* 2027-01-15 */

static cJSON *J(const char *s)
{
    cJSON *j = cJSON_Parse(s);
    assert_non_null(j);
    return j;
}

/* Parse an item from JSON text; fails the test on error. */
static void item(const char *json, ct_exc_item *it)
{
    cJSON *j = J(json);
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_exc_from_json(j, it, &err);
    if (rc) fprintf(stderr, "%s\n", err.buf);
    assert_int_equal(rc, 0);
    ct_sbuf_free(&err);
    cJSON_Delete(j);
}

/* Parse must fail with reason containing want. */
static void bad_item(const char *json, const char *want)
{
    cJSON *j = J(json);
    ct_exc_item it;
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_exc_from_json(j, &it, &err), -1);
    if (!strstr(err.buf, want)) fail_msg("error '%s' lacks '%s'", err.buf, want);
    ct_sbuf_free(&err);
    cJSON_Delete(j);
}

static int matches(const ct_exc_item *it, const char *doc)
{
    cJSON *d = J(doc);
    int m = ct_exc_match(it, d, NOW);
    cJSON_Delete(d);
    return m;
}

#define HEAD "{\"item_id\":\"t1\",\"list_id\":\"r-exceptions\",\"type\":\"simple\",\"name\":\"n\",\"entries\":"

static void test_match_compiles_to_quoted_kql(void **st)
{
    (void)st;
    ct_exc_item it;
    item(HEAD "[{\"field\":\"user.name\",\"operator\":\"included\",\"type\":\"match\",\"value\":\"a \\\"b\\\" \\\\c\"}]}", &it);
    assert_string_equal(it.query, "(user.name:\"a \\\"b\\\" \\\\c\")");
    assert_true(matches(&it, "{\"user\":{\"name\":\"a \\\"b\\\" \\\\c\"}}"));
    assert_false(matches(&it, "{\"user\":{\"name\":\"a b c\"}}"));
    /* a '*' in a match value is a plain character, not a wildcard */
    ct_exc_item_free(&it);
    item(HEAD "[{\"field\":\"user.name\",\"operator\":\"included\",\"type\":\"match\",\"value\":\"svc*\"}]}", &it);
    assert_true(matches(&it, "{\"user\":{\"name\":\"svc*\"}}"));
    assert_false(matches(&it, "{\"user\":{\"name\":\"svc-deploy\"}}"));
    ct_exc_item_free(&it);
}

static void test_entries_are_anded(void **st)
{
    (void)st;
    ct_exc_item it;
    item(HEAD "[{\"field\":\"a\",\"operator\":\"included\",\"type\":\"match\",\"value\":\"1\"},"
              "{\"field\":\"b.c\",\"operator\":\"included\",\"type\":\"match\",\"value\":\"2\"}]}", &it);
    assert_string_equal(it.query, "(a:\"1\") and (b.c:\"2\")");
    assert_true(matches(&it, "{\"a\":\"1\",\"b\":{\"c\":\"2\"}}"));
    assert_true(matches(&it, "{\"a\":\"1\",\"b.c\":\"2\"}")); /* flat dotted keys too */
    assert_false(matches(&it, "{\"a\":\"1\",\"b\":{\"c\":\"3\"}}"));
    assert_false(matches(&it, "{\"a\":\"1\"}"));
    ct_exc_item_free(&it);
}

static void test_items_are_ored_per_rule(void **st)
{
    (void)st;
    ct_exc_set set = {0};
    set.v = calloc(3, sizeof *set.v);
    item("{\"item_id\":\"one\",\"rule_id\":\"R1\",\"entries\":[{\"field\":\"a\",\"operator\":\"included\","
         "\"type\":\"match\",\"value\":\"1\"}]}", &set.v[0]);
    item("{\"item_id\":\"two\",\"rule_id\":\"R1\",\"entries\":[{\"field\":\"a\",\"operator\":\"included\","
         "\"type\":\"match\",\"value\":\"2\"}]}", &set.v[1]);
    item("{\"item_id\":\"other\",\"rule_id\":\"R2\",\"entries\":[{\"field\":\"a\",\"operator\":\"included\","
         "\"type\":\"match\",\"value\":\"3\"}]}", &set.v[2]);
    set.n = 3;
    cJSON *d1 = J("{\"a\":\"1\"}"), *d2 = J("{\"a\":\"2\"}"), *d3 = J("{\"a\":\"3\"}");
    const ct_exc_item *m = ct_exc_set_match(&set, "R1", "r1", d1, NOW);
    assert_non_null(m);
    assert_string_equal(m->item_id, "one");
    m = ct_exc_set_match(&set, "R1", "r1", d2, NOW);
    assert_non_null(m);
    assert_string_equal(m->item_id, "two");
    /* an item of another rule never applies */
    assert_null(ct_exc_set_match(&set, "R1", "r1", d3, NOW));
    assert_non_null(ct_exc_set_match(&set, "R2", "r2", d3, NOW));
    cJSON_Delete(d1);
    cJSON_Delete(d2);
    cJSON_Delete(d3);
    ct_exc_set_free(&set);
}

static void test_excluded_negates_and_holds_when_absent(void **st)
{
    (void)st;
    ct_exc_item it;
    item(HEAD "[{\"field\":\"actor\",\"operator\":\"included\",\"type\":\"match\",\"value\":\"svc\"},"
              "{\"field\":\"source.ip\",\"operator\":\"excluded\",\"type\":\"match\",\"value\":\"203.0.113.66\"}]}",
         &it);
    assert_string_equal(it.query, "(actor:\"svc\") and (not (source.ip:\"203.0.113.66\"))");
    assert_true(matches(&it, "{\"actor\":\"svc\",\"source\":{\"ip\":\"192.0.2.80\"}}"));
    assert_false(matches(&it, "{\"actor\":\"svc\",\"source\":{\"ip\":\"203.0.113.66\"}}"));
    assert_true(matches(&it, "{\"actor\":\"svc\"}")); /* field absent: excluded entry holds */
    ct_exc_item_free(&it);
    /* excluded exists: the field must be absent */
    item(HEAD "[{\"field\":\"user.name\",\"operator\":\"excluded\",\"type\":\"exists\"}]}", &it);
    assert_string_equal(it.query, "(not (user.name:*))");
    assert_true(matches(&it, "{\"x\":1}"));
    assert_false(matches(&it, "{\"user\":{\"name\":\"bob\"}}"));
    ct_exc_item_free(&it);
}

static void test_match_any_wildcard_exists_nested(void **st)
{
    (void)st;
    ct_exc_item it;
    item(HEAD "[{\"field\":\"t\",\"operator\":\"included\",\"type\":\"match_any\",\"value\":[\"a b\",\"c\"]}]}", &it);
    assert_string_equal(it.query, "(t:(\"a b\" or \"c\"))");
    assert_true(matches(&it, "{\"t\":\"a b\"}"));
    assert_true(matches(&it, "{\"t\":\"c\"}"));
    assert_true(matches(&it, "{\"t\":[\"x\",\"c\"]}"));
    assert_false(matches(&it, "{\"t\":\"a\"}"));
    ct_exc_item_free(&it);

    item(HEAD "[{\"field\":\"ua\",\"operator\":\"included\",\"type\":\"wildcard\",\"value\":\"aws-cli/* (x)\"}]}", &it);
    assert_true(matches(&it, "{\"ua\":\"aws-cli/2.15 (x)\"}"));
    assert_false(matches(&it, "{\"ua\":\"Boto3/1 (x)\"}"));
    assert_false(matches(&it, "{\"ua\":\"aws-cli/2.15 (y)\"}"));
    ct_exc_item_free(&it);

    item(HEAD "[{\"field\":\"cred.id\",\"operator\":\"included\",\"type\":\"exists\"}]}", &it);
    assert_string_equal(it.query, "(cred.id:*)");
    assert_true(matches(&it, "{\"cred\":{\"id\":\"k\"}}"));
    assert_false(matches(&it, "{\"cred\":{}}"));
    assert_false(matches(&it, "{\"cred\":{\"id\":null}}"));
    ct_exc_item_free(&it);

    /* nested: both sub-entries hold within one element */
    item(HEAD "[{\"field\":\"res\",\"type\":\"nested\",\"entries\":["
              "{\"field\":\"type\",\"operator\":\"included\",\"type\":\"match\",\"value\":\"Application\"},"
              "{\"field\":\"name\",\"operator\":\"included\",\"type\":\"match\",\"value\":\"ci\"}]}]}",
         &it);
    assert_string_equal(it.query, "(res:{type:\"Application\" and name:\"ci\"})");
    assert_true(matches(&it, "{\"res\":[{\"type\":\"User\",\"name\":\"x\"},{\"type\":\"Application\",\"name\":\"ci\"}]}"));
    assert_false(matches(&it, "{\"res\":[{\"type\":\"User\",\"name\":\"ci\"},{\"type\":\"Application\",\"name\":\"x\"}]}"));
    ct_exc_item_free(&it);
}

static void test_expired_items_do_not_apply(void **st)
{
    (void)st;
    ct_exc_item it;
    item(HEAD "[{\"field\":\"a\",\"operator\":\"included\",\"type\":\"match\",\"value\":\"1\"}],"
              "\"expire_time\":\"2027-01-01T00:00:00Z\"}", &it);
    cJSON *d = J("{\"a\":\"1\"}");
    int64_t before, after;
    assert_int_equal(ct_time_parse("2026-12-31T23:59:59Z", 20, &before), 0);
    assert_int_equal(ct_time_parse("2027-01-01T00:00:01Z", 20, &after), 0);
    assert_false(ct_exc_expired(&it, before));
    assert_true(ct_exc_match(&it, d, before));
    assert_true(ct_exc_expired(&it, after));
    assert_false(ct_exc_match(&it, d, after));
    ct_exc_set set = {&it, 1};
    it.rule_id = strdup("R");
    assert_null(ct_exc_set_match(&set, "R", NULL, d, after));
    assert_non_null(ct_exc_set_match(&set, "R", NULL, d, before));
    cJSON_Delete(d);
    ct_exc_item_free(&it);
}

static void test_invalid_items_refused(void **st)
{
    (void)st;
    bad_item(HEAD "[]}", "no entries");
    bad_item("{\"item_id\":\"x\"}", "no entries");
    bad_item("{\"entries\":[]}", "item_id");
    bad_item(HEAD "[{\"field\":\"a\",\"operator\":\"maybe\",\"type\":\"match\",\"value\":\"1\"}]}", "operator");
    bad_item(HEAD "[{\"field\":\"a\",\"operator\":\"included\",\"type\":\"regex\",\"value\":\"1\"}]}", "unknown type");
    bad_item(HEAD "[{\"field\":\"a\",\"operator\":\"included\",\"type\":\"list\",\"list\":{}}]}", "not supported");
    bad_item(HEAD "[{\"field\":\"a\",\"operator\":\"included\",\"type\":\"match\"}]}", "value");
    bad_item(HEAD "[{\"field\":\"a\",\"operator\":\"included\",\"type\":\"match_any\",\"value\":[]}]}", "match_any");
    bad_item(HEAD "[{\"operator\":\"included\",\"type\":\"match\",\"value\":\"1\"}]}", "field");
    bad_item(HEAD "[{\"field\":\"a\",\"operator\":\"included\",\"type\":\"match\",\"value\":\"1\"}],"
                  "\"expire_time\":\"next week\"}", "expire_time");
    bad_item("{\"item_id\":\"x\",\"type\":\"endpoint\",\"entries\":[{\"field\":\"a\",\"operator\":\"included\","
             "\"type\":\"exists\"}]}", "simple");
    /* compiling an item whose entries were removed is refused too */
    ct_exc_item it;
    item(HEAD "[{\"field\":\"a\",\"operator\":\"included\",\"type\":\"exists\"}]}", &it);
    ct_exc_entry_free(&it.entries[0]);
    it.nentries = 0;
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_exc_compile(&it, &err), -1);
    assert_non_null(strstr(err.buf, "no entries"));
    ct_sbuf_free(&err);
    ct_exc_item_free(&it);
}

/* The Kibana export line (extra keys ignored) becomes a repo file whose bytes
 * are stable through parse/serialize. */
static void test_json_round_trip_stable_bytes(void **st)
{
    (void)st;
    static const char kibana[] =
        "{\"_version\":\"WzExNDYxLDFd\",\"comments\":[{\"id\":\"8e1c\",\"comment\":\"Terraform pipeline SP "
        "rotates secrets monthly; ticket SEC-1234\",\"created_at\":\"2026-09-01T10:00:00.000Z\",\"created_by\":"
        "\"analyst1\"}],\"created_at\":\"2026-09-01T10:00:00.000Z\",\"created_by\":\"analyst1\",\"description\":"
        "\"Known CI rotation\",\"entries\":[{\"type\":\"match\",\"field\":\"azure.auditlogs.properties.initiated_by."
        "app.servicePrincipalId\",\"value\":\"b9814691-9ca1-4e55-a1ac-8ef5dd010ec0\",\"operator\":\"included\"},"
        "{\"type\":\"match_any\",\"field\":\"azure.auditlogs.properties.target_resources.0.display_name\",\"value\":"
        "[\"billing-test-wus\",\"billing-prod-wus\"],\"operator\":\"included\"},{\"type\":\"exists\",\"field\":"
        "\"user.name\",\"operator\":\"excluded\"}],\"expire_time\":\"2027-03-01T00:00:00.000Z\",\"id\":\"f375\","
        "\"item_id\":\"ci-sp-rotation\",\"list_id\":\"entra-app-cred-exceptions\",\"name\":\"CI service principal "
        "secret rotation\",\"namespace_type\":\"single\",\"os_types\":[],\"tags\":[],\"tie_breaker_id\":\"4ca3\","
        "\"type\":\"simple\",\"updated_at\":\"2026-09-01T10:00:00.000Z\",\"updated_by\":\"analyst1\"}";
    ct_exc_item a, b;
    item(kibana, &a);
    char *f1 = ct_exc_to_file(&a);
    assert_true(strlen(f1) > 2 && f1[strlen(f1) - 1] == '\n' && f1[strlen(f1) - 2] == '}');
    item(f1, &b);
    char *f2 = ct_exc_to_file(&b);
    assert_string_equal(f1, f2);
    assert_string_equal(a.query, b.query);
    /* key order is fixed */
    const char *keys[] = {"\"item_id\"", "\"list_id\"", "\"type\"", "\"name\"", "\"description\"", "\"entries\"",
                          "\"expire_time\"", "\"comments\"", "\"created_by\"", "\"created_at\"", "\"tags\"",
                          "\"namespace_type\"", "\"os_types\""};
    const char *prev = f1;
    for (size_t i = 0; i < CT_ARRAY_LEN(keys); i++) {
        const char *p = strstr(f1, keys[i]);
        assert_non_null(p);
        assert_true(p >= prev);
        prev = p;
    }
    assert_null(strstr(f1, "tie_breaker_id"));
    assert_null(strstr(f1, "_version"));
    assert_non_null(strstr(f1, "  \"item_id\": \"ci-sp-rotation\",\n"));
    /* it applies as written: SP + one of the targets + no user.name */
    assert_true(matches(&a, "{\"azure\":{\"auditlogs\":{\"properties\":{\"initiated_by\":{\"app\":{\"servicePrincipalId\":"
                            "\"b9814691-9ca1-4e55-a1ac-8ef5dd010ec0\"}},\"target_resources\":{\"0\":{\"display_name\":"
                            "\"billing-prod-wus\"}}}}}}"));
    assert_false(matches(&a, "{\"user\":{\"name\":\"x\"},\"azure\":{\"auditlogs\":{\"properties\":{\"initiated_by\":"
                             "{\"app\":{\"servicePrincipalId\":\"b9814691-9ca1-4e55-a1ac-8ef5dd010ec0\"}},"
                             "\"target_resources\":{\"0\":{\"display_name\":\"billing-prod-wus\"}}}}}}"));
    free(f1);
    free(f2);
    ct_exc_item_free(&a);
    ct_exc_item_free(&b);
}

/* The fuzz_exceptions finding (tests/fuzz/regressions/exceptions/
 * invalid-utf8-match-any): a value with invalid UTF-8 was compiled from its
 * raw bytes, but the file credtriage writes holds U+FFFD for each such byte,
 * so the item read back from its own file compiled to another query. The
 * item now reads as it is written: same query, same bytes, from the first
 * parse on. */
static void test_invalid_utf8_reads_as_written(void **st)
{
    (void)st;
    ct_exc_item a, b;
    item(HEAD "[{\"field\":\"source.ip\",\"operator\":\"excluded\",\"type\":\"match_any\","
              "\"value\":[\"\xff\xff\xff\x95.0.1\",\"10.0.0.2\"]}]}", &a);
    assert_string_equal(a.entries[0].values[0], "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.0.1");
    assert_string_equal(a.query,
                        "(not (source.ip:(\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.0.1\" or \"10.0.0.2\")))");
    char *f1 = ct_exc_to_file(&a);
    assert_non_null(strstr(f1, "\n        \"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.0.1\",\n"));
    item(f1, &b);
    assert_string_equal(a.query, b.query);
    char *f2 = ct_exc_to_file(&b);
    assert_string_equal(f1, f2);
    free(f1);
    free(f2);
    ct_exc_item_free(&a);
    ct_exc_item_free(&b);
    /* an expire_time an offset takes past 9999 is refused, not written as
     * "10000-01-01T00:29:59.000Z" (a file that would not load again) */
    bad_item(HEAD "[{\"field\":\"a\",\"operator\":\"included\",\"type\":\"exists\"}],"
                  "\"expire_time\":\"9999-12-31T23:29:59-01:00\"}", "expire_time is not an ISO 8601 time");
}

static void test_hostile_values_stay_data(void **st)
{
    (void)st;
    ct_exc_item it;
    /* quotes, backslashes, KQL keywords and syntax, ESC, CR, RLO in a value */
    item(HEAD "[{\"field\":\"n\",\"operator\":\"included\",\"type\":\"match\",\"value\":"
              "\"x\\\" or n:* or \\\"\\u001b[31m\\r\\u202e)\"}]}", &it);
    assert_true(matches(&it, "{\"n\":\"x\\\" or n:* or \\\"\\u001b[31m\\r\\u202e)\"}"));
    assert_false(matches(&it, "{\"n\":\"anything\"}"));
    ct_exc_item_free(&it);
    /* a wildcard value with KQL syntax in it */
    item(HEAD "[{\"field\":\"n\",\"operator\":\"included\",\"type\":\"wildcard\",\"value\":\"a:(b) or *\"}]}", &it);
    assert_true(matches(&it, "{\"n\":\"a:(b) or zzz\"}"));
    assert_false(matches(&it, "{\"n\":\"a\"}"));
    ct_exc_item_free(&it);
}

static char g_dir[64];

static void write_file(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", g_dir, rel);
    char d[512];
    snprintf(d, sizeof d, "%s", p);
    *strrchr(d, '/') = 0;
    assert_int_equal(ct_mkdirs(d, 0755), 0);
    assert_int_equal(ct_write_file_atomic(p, text, strlen(text)), 0);
}

typedef struct { int n; char msgs[2048]; } diags;
static void diag(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)line;
    diags *d = ctx;
    d->n++;
    size_t l = strlen(d->msgs);
    snprintf(d->msgs + l, sizeof d->msgs - l, "%s: %s\n", file, msg);
}

#define ITEM(id) "{\"item_id\":\"" id "\",\"entries\":[{\"field\":\"a\",\"operator\":\"included\",\"type\":\"exists\"}]}"

static void test_load_dir_reports_and_skips(void **st)
{
    (void)st;
    snprintf(g_dir, sizeof g_dir, "/tmp/ct-exc-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    write_file("exceptions/rule_a/good.json", ITEM("good"));
    write_file("exceptions/rule_a/broken.json", "{not json");
    write_file("exceptions/rule_a/misnamed.json", ITEM("other-name"));
    write_file("exceptions/rule_b/good.json", ITEM("good")); /* duplicate item_id */
    write_file("exceptions/rule_b/empty.json", "{\"item_id\":\"empty\",\"entries\":[]}");
    write_file("exceptions/loose.json", ITEM("loose"));
    write_file("exceptions/rule_b/README.md", "not an item");
    ct_exc_set set;
    diags d = {0, ""};
    size_t problems = ct_exc_load(g_dir, &set, diag, &d);
    assert_int_equal(problems, 5);
    assert_int_equal(set.n, 1);
    assert_string_equal(set.v[0].item_id, "good");
    assert_string_equal(set.v[0].stem, "rule_a");
    assert_string_equal(set.v[0].path, "exceptions/rule_a/good.json");
    assert_non_null(strstr(d.msgs, "exceptions/rule_a/broken.json: not valid JSON"));
    assert_non_null(strstr(d.msgs, "exceptions/rule_a/misnamed.json: file name does not match"));
    assert_non_null(strstr(d.msgs, "exceptions/rule_b/good.json: duplicate item_id"));
    assert_non_null(strstr(d.msgs, "exceptions/rule_b/empty.json: item empty: no entries"));
    assert_non_null(strstr(d.msgs, "exceptions/loose.json: not in a rule folder"));
    /* without a rule_id the folder ties the item to its rule */
    assert_true(ct_exc_for_rule(&set.v[0], "whatever-id", "rule_a"));
    assert_false(ct_exc_for_rule(&set.v[0], "whatever-id", "rule_b"));
    ct_exc_set_free(&set);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    assert_int_equal(system(cmd), 0);
}

static void test_paths_are_sanitized(void **st)
{
    (void)st;
    ct_sbuf p;
    ct_sbuf_init(&p);
    ct_exc_path("../etc", "a/../../b\x1b", &p);
    /* one folder level, no "..", no control byte: the names come from ct_san_filename */
    assert_int_equal(strncmp(p.buf, "exceptions/", 11), 0);
    int slashes = 0;
    for (const char *q = p.buf; *q; q++) {
        slashes += *q == '/';
        assert_true((unsigned char)*q >= 0x20);
    }
    assert_int_equal(slashes, 2);
    assert_null(strstr(p.buf, ".."));
    assert_string_equal(p.buf + p.len - 5, ".json");
    ct_sbuf_free(&p);
}

static void test_export_import_round_trip(void **st)
{
    (void)st;
    ct_rule rules[2];
    memset(rules, 0, sizeof rules);
    rules[0].rule_id = "RID-A";
    rules[0].name = "Rule A";
    rules[0].stem = "rule_a";
    rules[1].rule_id = "RID-B";
    rules[1].name = "Rule B";
    rules[1].stem = "rule_b";
    ct_ruleset rs = {rules, 2, NULL, 0, {NULL, 0, 0}};
    ct_exc_set set = {0};
    set.v = calloc(2, sizeof *set.v);
    item("{\"item_id\":\"b1\",\"rule_id\":\"RID-B\",\"list_id\":\"rule_b-exceptions\",\"name\":\"B one\","
         "\"created_by\":\"Ann <a@x>\",\"created_at\":\"2026-11-01T00:00:00.000Z\",\"comments\":[{\"comment\":\"why\"}],"
         "\"entries\":[{\"field\":\"a\",\"operator\":\"included\",\"type\":\"match\",\"value\":\"1\"}]}",
         &set.v[0]);
    set.v[0].stem = strdup("rule_b");
    item("{\"item_id\":\"a1\",\"rule_id\":\"RID-A\",\"list_id\":\"rule_a-exceptions\",\"name\":\"A one\","
         "\"expire_time\":\"2027-01-01T00:00:00.000Z\",\"entries\":[{\"field\":\"b\",\"operator\":\"excluded\","
         "\"type\":\"match_any\",\"value\":[\"x\",\"y\"]}]}",
         &set.v[1]);
    set.v[1].stem = strdup("rule_a");
    set.n = 2;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_int_equal(ct_exc_export(&set, &rs, m), 0);
    fclose(m);
    /* list a, item a1, list b, item b1, summary */
    int lines = 0;
    for (size_t i = 0; i < len; i++) lines += buf[i] == '\n';
    assert_int_equal(lines, 5);
    assert_non_null(strstr(buf, "\"name\":\"Exceptions for rule - Rule A\""));
    assert_non_null(strstr(buf, "\"type\":\"rule_default\""));
    assert_non_null(strstr(buf, "\"exported_exception_list_count\":2,\"exported_exception_list_item_count\":2"));
    assert_true(strstr(buf, "\"item_id\":\"a1\"") < strstr(buf, "\"item_id\":\"b1\""));
    /* the same input exports the same bytes */
    char *buf2 = NULL;
    size_t len2 = 0;
    m = open_memstream(&buf2, &len2);
    ct_exc_export(&set, &rs, m);
    fclose(m);
    assert_string_equal(buf, buf2);
    char path[] = "/tmp/ct-exc-export-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, buf, len), (ssize_t)len);
    close(fd);
    ct_exc_set in;
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_exc_import(path, &rs, NULL, &in, &err);
    if (rc) fprintf(stderr, "%s\n", err.buf);
    assert_int_equal(rc, 0);
    assert_int_equal(in.n, 2);
    for (size_t i = 0; i < 2; i++) {
        const ct_exc_item *orig = !strcmp(in.v[i].item_id, "a1") ? &set.v[1] : &set.v[0];
        char *x = ct_exc_to_file(orig), *y = ct_exc_to_file(&in.v[i]);
        assert_string_equal(x, y);
        assert_string_equal(in.v[i].stem, orig->stem);
        free(x);
        free(y);
    }
    ct_exc_set_free(&in);
    /* a list that names no rule is refused, and accepted with force_rule */
    static const char foreign[] =
        "{\"list_id\":\"foreign\",\"name\":\"Exceptions for rule - Someone else\",\"type\":\"detection\"}\n"
        "{\"item_id\":\"f1\",\"list_id\":\"foreign\",\"type\":\"simple\",\"name\":\"f\",\"entries\":[{\"field\":\"a\","
        "\"operator\":\"included\",\"type\":\"exists\"}]}\n"
        "{\"exported_exception_list_count\":1}\n";
    FILE *f = fopen(path, "w");
    fputs(foreign, f);
    fclose(f);
    ct_sbuf_reset(&err);
    assert_int_equal(ct_exc_import(path, &rs, NULL, &in, &err), -1);
    assert_non_null(strstr(err.buf, ":2: item f1"));
    ct_sbuf_reset(&err);
    assert_int_equal(ct_exc_import(path, &rs, "RID-A", &in, &err), 0);
    assert_int_equal(in.n, 1);
    assert_string_equal(in.v[0].stem, "rule_a");
    assert_string_equal(in.v[0].list_id, "rule_a-exceptions");
    assert_string_equal(in.v[0].rule_id, "RID-A");
    ct_exc_set_free(&in);
    /* the list name ties it to a rule too */
    f = fopen(path, "w");
    fputs("{\"list_id\":\"foreign\",\"name\":\"Exceptions for rule - Rule B\",\"type\":\"detection\"}\n", f);
    fputs(strchr(foreign, '\n') + 1, f);
    fclose(f);
    ct_sbuf_reset(&err);
    assert_int_equal(ct_exc_import(path, &rs, NULL, &in, &err), 0);
    assert_string_equal(in.v[0].stem, "rule_b");
    ct_exc_set_free(&in);
    unlink(path);
    ct_sbuf_free(&err);
    free(buf);
    free(buf2);
    ct_exc_set_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_compiles_to_quoted_kql),
        cmocka_unit_test(test_entries_are_anded),
        cmocka_unit_test(test_items_are_ored_per_rule),
        cmocka_unit_test(test_excluded_negates_and_holds_when_absent),
        cmocka_unit_test(test_match_any_wildcard_exists_nested),
        cmocka_unit_test(test_expired_items_do_not_apply),
        cmocka_unit_test(test_invalid_items_refused),
        cmocka_unit_test(test_json_round_trip_stable_bytes),
        cmocka_unit_test(test_invalid_utf8_reads_as_written),
        cmocka_unit_test(test_hostile_values_stay_data),
        cmocka_unit_test(test_load_dir_reports_and_skips),
        cmocka_unit_test(test_paths_are_sanitized),
        cmocka_unit_test(test_export_import_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
