/* Hostile input (tests/fixtures/hostile/, made by gen.py): attacker-written log
 * records in real shapes (Azure audit, CloudTrail, GCP, M365) carrying terminal
 * escapes (CSI, OSC 0/8/52, DCS), CR/BS, C1, bidi and zero-width characters,
 * invalid/overlong UTF-8, NULs, 1 MB names, 10,000-deep nesting, out-of-range
 * numbers, duplicate keys and path traversal. Each file must load to its clean
 * last record, and everything the tool derives from it — display text, `--json`
 * lines, the filled guide, file names in the rules repo — must be inert. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "decisions.h"
#include "exceptions.h"
#include "guide.h"
#include "rules.h"
#include "sanitize.h"
#include "store.h"

#define HDIR "tests/fixtures/hostile/"

static void quiet(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx; (void)file; (void)line; (void)msg;
}

/* No C0 (but \n when multi), DEL, C1 (raw byte or U+0080..U+009F), U+202A..E,
 * U+2066..9, zero-width, and valid UTF-8 (ct_san_display would change nothing). */
static void assert_inert(const char *s, size_t n, int multi)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 && !(multi && c == '\n')) fail_msg("control byte 0x%02x at %zu in \"%.80s\"", c, i, s);
        if (c == 0x7f) fail_msg("DEL at %zu", i);
    }
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_display(s, n, multi ? CT_SAN_MULTILINE : 0, &b);
    if (b.len != n || memcmp(b.buf, s, n)) fail_msg("not inert: \"%.120s\"", s);
    ct_sbuf_free(&b);
}

static void load(ct_store *st, const char *file)
{
    ct_store_init(st);
    st->diag = quiet;
    assert_int_equal(ct_store_load(st, file), 0);
}

/* The file's clean last record loaded: some event has the marker. */
static int has_marker(const ct_store *st, const char *marker)
{
    for (size_t i = 0; i < st->nev; i++) {
        size_t len;
        const char *raw = ct_event_raw(st, i, &len);
        if (memmem(raw, len, marker, strlen(marker))) return 1;
    }
    return 0;
}

static const struct {
    const char *file;
    size_t min_events;
    const char *marker;
} files[] = {
    {HDIR "azure-audit.ndjson", 15, "CLEAN-TAIL-azure-audit.ndjson"},
    {HDIR "cloudtrail.json", 15, "svc-clean"},
    {HDIR "gcp-audit.ndjson", 15, "sa-clean@"},
    {HDIR "m365-audit.ndjson", 15, "app-clean"},
    {HDIR "traversal.ndjson", 19, "CLEAN-TAIL-traversal"},
    {HDIR "big-name.ndjson", 2, "CLEAN-TAIL-big"},
    {HDIR "deep-nesting.ndjson", 1, "CLEAN-TAIL-deep"},
    {HDIR "numbers.ndjson", 29, "CLEAN-TAIL-numbers"},
    {HDIR "dup-keys.ndjson", 2, "CLEAN-TAIL-dup"},
};

static void test_every_file_loads_to_its_clean_tail(void **state)
{
    (void)state;
    for (size_t k = 0; k < CT_ARRAY_LEN(files); k++) {
        ct_store st;
        load(&st, files[k].file);
        if (st.nev < files[k].min_events)
            fail_msg("%s: %zu events, expected >= %zu", files[k].file, st.nev, files[k].min_events);
        if (!has_marker(&st, files[k].marker)) fail_msg("%s: the clean last record was lost", files[k].file);
        ct_store_free(&st);
    }
}

/* Every entity string, once sanitized for display, and every `--json` line
 * (cJSON + ct_san_json_text, what ct_cli_print_json_line prints) is inert;
 * the JSON parses back. */
static void test_display_and_json_inert(void **state)
{
    (void)state;
    for (size_t k = 0; k < CT_ARRAY_LEN(files); k++) {
        ct_store st;
        load(&st, files[k].file);
        for (size_t i = 0; i < st.nev; i++) {
            ct_fields f;
            ct_event_fields(&st, i, &f);
            const char *v[] = {f.actor_id, f.actor_name, f.actor_ua, f.target_id, f.target_name,
                               f.cred_id, f.cred_name, f.action, f.record_id};
            for (size_t j = 0; j < CT_ARRAY_LEN(v); j++) {
                ct_sbuf b;
                ct_sbuf_init(&b);
                ct_san_displayz(v[j], 0, &b);
                assert_inert(b.buf, b.len, 0);
                ct_sbuf_free(&b);
            }
            cJSON *j = ct_store_event_json(&st, i);
            assert_non_null(j);
            char *txt = cJSON_PrintUnformatted(j);
            ct_sbuf b;
            ct_sbuf_init(&b);
            ct_san_json_text(txt, strlen(txt), 0, &b);
            assert_inert(b.buf, b.len, 0);
            cJSON *back = cJSON_Parse(b.buf);
            assert_non_null(back);
            cJSON_Delete(back);
            ct_sbuf_free(&b);
            free(txt);
            cJSON_Delete(j);
        }
        ct_store_free(&st);
    }
}

/* The payloads are made visible, not dropped: an analyst sees that an ESC was there. */
static void test_payloads_visible(void **state)
{
    (void)state;
    ct_store st;
    load(&st, HDIR "azure-audit.ndjson");
    int esc = 0, rlo = 0, cr = 0, bad = 0;
    for (size_t i = 0; i < st.nev; i++) {
        ct_fields f;
        ct_event_fields(&st, i, &f);
        ct_sbuf b;
        ct_sbuf_init(&b);
        ct_san_displayz(f.actor_name, 0, &b);
        ct_san_displayz(f.target_name, 0, &b);
        if (strstr(b.buf, "\\x1b]52;")) esc++;
        if (strstr(b.buf, "<U+202E>")) rlo++;
        if (strstr(b.buf, "legit-admin\\x0droot\\x08")) cr++;
        if (strstr(b.buf, "\\xc0\\x9b")) bad++;
        ct_sbuf_free(&b);
    }
    assert_true(esc > 0);
    assert_true(rlo > 0);
    assert_true(cr > 0);
    assert_true(bad > 0);
    ct_store_free(&st);
}

/* Out-of-range numbers: no UB (UBSan build), risk scores clamped, alerts still made. */
static void test_numbers_and_alerts(void **state)
{
    (void)state;
    ct_ruleset rs;
    assert_int_equal(ct_rules_load(".", &rs, quiet, NULL), 0);
    ct_store st;
    load(&st, HDIR "numbers.ndjson");
    ct_rules_bind(&rs, &st);
    ct_alerts al;
    assert_int_equal(ct_scan(&st, &rs, &al), 0);
    assert_true(al.n >= 7);
    for (size_t i = 0; i < al.n; i++) {
        assert_true(al.v[i].risk_score >= 0 && al.v[i].risk_score <= 1000);
        cJSON *j = ct_alert_json(&st, &al.v[i]);
        assert_non_null(j);
        cJSON_Delete(j);
    }
    ct_alerts_free(&al);
    ct_store_free(&st);
    ct_rules_free(&rs);
}

static int path_safe(const char *p, const char *prefix, int slashes)
{
    if (strncmp(p, prefix, strlen(prefix))) return 0;
    int n = 0;
    for (const char *c = p; *c; c++) {
        if (*c == '/') n++;
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                 *c == '.' || *c == '_' || *c == '-' || *c == '/';
        if (!ok) return 0;
    }
    if (n != slashes) return 0;
    for (const char *c = p; c; c = strchr(c, '/'), c = c ? c + 1 : NULL)
        if (c[0] == '.') return 0; /* no ".", "..", ".git" component */
    return 1;
}

/* File names in the rules repo come from sanitized ids only. */
static void test_repo_paths_from_hostile_ids(void **state)
{
    (void)state;
    const char *ids[] = {"../../../etc/passwd", ".git/hooks/pre-commit", "..", ".", "",
                         "/etc/shadow", "a/../../b", "C:\\Windows\\System32", "\x1b]52;c;AA\x07",
                         "\xe2\x80\xae" "fdp.exe", "$(touch /tmp/pwn)", "x\ny", ".hidden",
                         "-rf --", NULL};
    for (size_t i = 0; i < CT_ARRAY_LEN(ids); i++) {
        ct_sbuf p;
        ct_sbuf_init(&p);
        ct_decision_path(ids[i], CT_TIME_NONE, &p);
        if (!path_safe(p.buf, "decisions/", 3)) fail_msg("decision path \"%s\"", p.buf);
        ct_sbuf_reset(&p);
        ct_decision_path(ids[i], 1715766425003, &p);
        if (!path_safe(p.buf, "decisions/2024/05/", 3)) fail_msg("decision path \"%s\"", p.buf);
        ct_sbuf_reset(&p);
        ct_exc_path(ids[i], ids[i], &p);
        if (!path_safe(p.buf, "exceptions/", 2)) fail_msg("exception path \"%s\"", p.buf);
        ct_sbuf_free(&p);
    }
}

static const char *hostile_lookup(void *ctx, const char *path)
{
    (void)path;
    return ctx;
}

/* A guide filled with each hostile value renders inert, as text and styled. */
static void test_guide_fill_hostile(void **state)
{
    (void)state;
    const char *md = "# Triage {{ user.name }}\n\n- actor `{{ user.name }}` did it\n\n"
                     "## Response\n\n1. Disable {{ user.name }}\n2. [link]({{ user.name }})\n\n"
                     "```\n{{ user.name }}\n```\n";
    const char *vals[] = {"\x1b[2J\x1b]0;pwned\x07", "\x1b]8;;http://evil/\x1b\\x\x1b]8;;\x1b\\",
                          "a\rb\bc", "\xc2\x9b" "31m", "\xe2\x80\xae" "txt", "z\xe2\x80\x8bw",
                          "\xc0\x9b\xff", "`evil` *x* [y](http://z) <b>", "\n# heading\n- item"};
    for (size_t i = 0; i < CT_ARRAY_LEN(vals); i++) {
        char *f = ct_guide_fill(md, hostile_lookup, (void *)vals[i]);
        ct_sbuf t;
        ct_sbuf_init(&t);
        assert_int_equal(ct_guide_render_text(f, 60, &t), 0);
        assert_inert(t.buf, t.len, 1);
        ct_sbuf_free(&t);
        ct_guide_doc d;
        assert_int_equal(ct_guide_render(f, 60, &d), 0);
        for (size_t l = 0; l < d.nlines; l++)
            for (size_t s = 0; s < d.lines[l].nsegs; s++)
                assert_inert(d.lines[l].segs[s].text, strlen(d.lines[l].segs[s].text), 0);
        ct_guide_doc_free(&d);
        char **steps;
        size_t n;
        assert_int_equal(ct_guide_response_steps(f, &steps, &n), 0);
        for (size_t s = 0; s < n; s++) assert_null(strchr(steps[s], '\n'));
        ct_guide_steps_free(steps, n);
        free(f);
    }
}

/* --json output escaping (ct_san_json_text): C1, bidi, zero-width, DEL as \uXXXX. */
static void test_json_text_escapes(void **state)
{
    (void)state;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "k", "a\xc2\x9b" "b\xe2\x80\xae" "c\xe2\x80\x8b" "d\x7f" "e\xf3\xa0\x80\x81" "f\x1b");
    char *txt = cJSON_PrintUnformatted(o);
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_json_text(txt, strlen(txt), 0, &b);
    assert_string_equal(b.buf, "{\"k\":\"a\\u009bb\\u202ec\\u200bd\\u007fe\\udb40\\udc01f\\u001b\"}");
    cJSON *back = cJSON_Parse(b.buf);
    assert_string_equal(cJSON_GetObjectItem(back, "k")->valuestring,
                        "a\xc2\x9b" "b\xe2\x80\xae" "c\xe2\x80\x8b" "d\x7f" "e\xf3\xa0\x80\x81" "f\x1b");
    cJSON_Delete(back);
    ct_sbuf_reset(&b);
    ct_san_json_text("\"\xff\xc0\xaf\"", 5, 0, &b); /* invalid UTF-8: U+FFFD per byte */
    assert_string_equal(b.buf, "\"\\ufffd\\ufffd\\ufffd\"");
    ct_sbuf_free(&b);
    free(txt);
    cJSON_Delete(o);
}

/* One record too deep inside a wrapper does not hide the records after it. */
static void test_deep_record_in_wrapper(void **state)
{
    (void)state;
    char path[] = "/tmp/ct-hostile-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"Records\":[{\"eventName\":\"A\",\"eventID\":\"1\",\"eventTime\":\"2024-01-01T00:00:00Z\","
          "\"eventSource\":\"iam.amazonaws.com\",\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\"}},",
          f);
    for (int i = 0; i < 10000; i++) fputc('[', f);
    for (int i = 0; i < 10000; i++) fputc(']', f);
    fputs(",{\"eventName\":\"B\",\"eventID\":\"2\",\"eventTime\":\"2024-01-01T00:00:01Z\","
          "\"eventSource\":\"iam.amazonaws.com\",\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\"},"
          "\"requestParameters\":{\"deep\":",
          f);
    for (int i = 0; i < 10000; i++) fputs("{\"a\":", f);
    fputc('1', f);
    for (int i = 0; i < 10000; i++) fputc('}', f);
    fputs("}},{\"eventName\":\"CLEAN-TAIL\",\"eventID\":\"3\",\"eventTime\":\"2024-01-01T00:00:02Z\","
          "\"eventSource\":\"iam.amazonaws.com\",\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\"}}]}\n",
          f);
    fclose(f);
    ct_store st;
    load(&st, path);
    assert_true(has_marker(&st, "\"eventName\":\"A\""));
    assert_true(has_marker(&st, "CLEAN-TAIL"));
    ct_store_free(&st);
    unlink(path);
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_file_loads_to_its_clean_tail),
        cmocka_unit_test(test_display_and_json_inert),
        cmocka_unit_test(test_payloads_visible),
        cmocka_unit_test(test_numbers_and_alerts),
        cmocka_unit_test(test_repo_paths_from_hostile_ids),
        cmocka_unit_test(test_guide_fill_hostile),
        cmocka_unit_test(test_json_text_escapes),
        cmocka_unit_test(test_deep_record_in_wrapper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
