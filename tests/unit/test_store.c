/* Input sniffing, record spans, the event store and its bad-input handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include "input.h"
#include "norm.h"
#include "store.h"

#define FX "tests/fixtures/input/"

typedef struct diags {
    char text[8192];
    int n;
} diags;

static void collect(void *ctx, const char *file, uint64_t line, const char *msg)
{
    diags *d = ctx;
    size_t l = strlen(d->text);
    snprintf(d->text + l, sizeof d->text - l, "%s:%llu: %s\n", file, (unsigned long long)line, msg);
    d->n++;
}

static void load(ct_store *st, diags *d, const char *path)
{
    ct_store_init(st);
    memset(d, 0, sizeof *d);
    st->diag = collect;
    st->diag_ctx = d;
    ct_store_load(st, path);
}

static ct_format sniff(const char *path)
{
    ct_input in;
    ct_sbuf err, warn;
    ct_sbuf_init(&err);
    ct_sbuf_init(&warn);
    assert_int_equal(ct_input_open(path, &in, &err, &warn), 0);
    ct_format f = ct_input_sniff(&in);
    ct_input_close(&in);
    ct_sbuf_free(&err);
    ct_sbuf_free(&warn);
    return f;
}

static void test_sniff_shapes(void **state)
{
    (void)state;
    assert_int_equal(sniff(FX "ndjson.ndjson"), CT_FMT_NDJSON);
    assert_int_equal(sniff(FX "array.json"), CT_FMT_ARRAY);
    assert_int_equal(sniff(FX "cloudtrail.json"), CT_FMT_CLOUDTRAIL);
    assert_int_equal(sniff(FX "cloudtrail.json.gz"), CT_FMT_CLOUDTRAIL);
    assert_int_equal(sniff(FX "azure-records.json"), CT_FMT_AZURE);
    assert_int_equal(sniff(FX "graph-value.json"), CT_FMT_GRAPH);
    assert_int_equal(sniff(FX "es-search.json"), CT_FMT_ES_SEARCH);
    assert_int_equal(sniff(FX "es-archive.json"), CT_FMT_ES_ARCHIVE);
    assert_int_equal(sniff(FX "stream.json"), CT_FMT_STREAM);
    /* one pretty-printed record that is no wrapper: one value, not lines */
    assert_int_equal(sniff(FX "single-pretty.json"), CT_FMT_STREAM);
    assert_int_equal(sniff(FX "empty.json"), CT_FMT_EMPTY);
    assert_int_equal(sniff(FX "garbage.bin"), CT_FMT_BINARY);
}

/* Every shape yields the same two CloudTrail events with the same entities. */
static void test_every_shape_loads_two_events(void **state)
{
    (void)state;
    static const char *const files[] = {
        "ndjson.ndjson", "array.json", "cloudtrail.json", "cloudtrail.json.gz",
        "azure-records.json", "graph-value.json", "es-search.json", "es-archive.json",
        "stream.json",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[256];
        snprintf(path, sizeof path, FX "%s", files[i]);
        ct_store st;
        diags d;
        load(&st, &d, path);
        if (st.nev != 2) fail_msg("%s: %zu events, diags: %s", path, st.nev, d.text);
        assert_int_equal(d.n, 0);
        const ct_event *a = &st.ev[0], *b = &st.ev[1];
        assert_int_equal(a->kind, CT_KIND_CLOUDTRAIL);
        assert_string_equal(ct_event_str(&st, a, CT_EF_ACTION), "CreateAccessKey");
        assert_string_equal(ct_event_str(&st, a, CT_EF_CRED_ID), "AKIANEWKEY");
        assert_true(a->flags & CT_EVF_CRED_ADD);
        assert_string_equal(ct_event_str(&st, b, CT_EF_CRED_USED), "AKIANEWKEY");
        /* the raw bytes of a record parse back to the same record */
        size_t len;
        const char *raw = ct_event_raw(&st, 1, &len);
        cJSON *j = cJSON_ParseWithLength(raw, len);
        assert_non_null(j);
        assert_string_equal(cJSON_GetObjectItem(j, "eventID")->valuestring, "ev-2");
        cJSON_Delete(j);
        ct_store_free(&st);
    }
}

static void test_line_numbers(void **state)
{
    (void)state;
    ct_store st;
    diags d;
    load(&st, &d, FX "single-pretty.json");
    assert_int_equal(st.nev, 1);
    assert_int_equal(d.n, 0);
    assert_string_equal(ct_event_str(&st, &st.ev[0], CT_EF_CRED_ID), "AKIANEWKEY");
    ct_store_free(&st);
    load(&st, &d, FX "array.json");
    assert_int_equal(st.ev[0].line, 2);
    assert_int_equal(st.ev[1].line, 3);
    ct_store_free(&st);
    load(&st, &d, FX "stream.json");
    assert_int_equal(st.ev[0].line, 1);
    assert_true(st.ev[1].line > 10);
    ct_store_free(&st);
}

static void test_bad_records_skipped_rest_loads(void **state)
{
    (void)state;
    ct_store st;
    diags d;
    load(&st, &d, FX "mixed-bad.ndjson");
    assert_int_equal(st.nev, 2);            /* good, good; the broken line skipped */
    assert_int_equal(st.stats.skipped, 1);
    assert_int_equal(st.stats.duplicates, 1); /* the repeated eventID */
    assert_non_null(strstr(d.text, "mixed-bad.ndjson:2: malformed JSON"));
    assert_int_equal(st.ev[1].line, 4);
    ct_store_free(&st);
}

static void test_empty_garbage_missing_truncated(void **state)
{
    (void)state;
    ct_store st;
    diags d;
    load(&st, &d, FX "empty.json");
    assert_int_equal(st.nev, 0);
    assert_non_null(strstr(d.text, "empty file"));
    ct_store_free(&st);
    load(&st, &d, FX "garbage.bin");
    assert_int_equal(st.nev, 0);
    assert_non_null(strstr(d.text, "garbage.bin:1: not JSON text"));
    ct_store_free(&st);
    ct_store_init(&st);
    memset(&d, 0, sizeof d);
    st.diag = collect;
    st.diag_ctx = &d;
    assert_int_equal(ct_store_load(&st, FX "does-not-exist.json"), -1);
    assert_non_null(strstr(d.text, "does-not-exist.json"));
    assert_non_null(strstr(d.text, "No such file"));
    ct_store_free(&st);
    load(&st, &d, FX "truncated.json.gz");
    assert_non_null(strstr(d.text, "truncated or corrupt gzip"));
    ct_store_free(&st);
}

static void test_invalid_utf8_is_kept_generic(void **state)
{
    (void)state;
    ct_store st;
    diags d;
    load(&st, &d, FX "invalid-utf8.ndjson");
    assert_int_equal(st.nev, 1);
    assert_int_equal(st.ev[0].kind, CT_KIND_GENERIC);
    assert_int_equal(st.stats.unrecognized, 1);
    ct_store_free(&st);
}

static char *tmpfile_with(const char *data, size_t n, int gz)
{
    char *path = strdup("/tmp/ct-test-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    if (gz) {
        gzFile g = gzopen(path, "wb");
        gzwrite(g, data, (unsigned)n);
        gzclose(g);
    } else {
        FILE *f = fopen(path, "wb");
        fwrite(data, 1, n, f);
        fclose(f);
    }
    return path;
}

static void test_huge_line_and_deep_nesting(void **state)
{
    (void)state;
    /* a 50 MB line, then a record nested 10,000 deep, then a good record */
    size_t big = 50u << 20;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_add(&b, "{\"x\":\"");
    char *fill = malloc(big);
    memset(fill, 'a', big);
    ct_sbuf_addn(&b, fill, big);
    free(fill);
    ct_sbuf_add(&b, "\"}\n");
    for (int i = 0; i < 10000; i++) ct_sbuf_add(&b, "[");
    for (int i = 0; i < 10000; i++) ct_sbuf_add(&b, "]");
    ct_sbuf_add(&b, "\n{\"eventVersion\":\"1\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"ListBuckets\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"userIdentity\":{\"type\":\"Root\"},\"eventID\":\"z\"}\n");
    char *path = tmpfile_with(b.buf, b.len, 0);
    ct_sbuf_free(&b);
    ct_store st;
    diags d;
    load(&st, &d, path);
    assert_int_equal(st.nev, 2); /* the huge line is a (generic) record; the deep one is refused */
    assert_int_equal(st.stats.skipped, 1);
    assert_non_null(strstr(d.text, ":2: "));
    assert_int_equal(st.ev[1].kind, CT_KIND_CLOUDTRAIL);
    ct_store_free(&st);
    unlink(path);
    free(path);
}

static void test_gzip_of_ndjson_and_concatenated_members(void **state)
{
    (void)state;
    const char *a = "{\"eventVersion\":\"1\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"GetUser\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"userIdentity\":{\"type\":\"Root\"},\"eventID\":\"g1\"}\n";
    char *p1 = tmpfile_with(a, strlen(a), 1);
    /* a second gzip member appended: both records must load */
    char *data;
    size_t n;
    assert_int_equal(ct_read_file(p1, &data, &n), 0);
    ct_sbuf two;
    ct_sbuf_init(&two);
    ct_sbuf_addn(&two, data, n);
    const char *b = "{\"eventVersion\":\"1\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"GetUser\",\"eventTime\":\"2026-01-01T00:00:01Z\",\"userIdentity\":{\"type\":\"Root\"},\"eventID\":\"g2\"}\n";
    char *p2 = tmpfile_with(b, strlen(b), 1);
    free(data);
    assert_int_equal(ct_read_file(p2, &data, &n), 0);
    ct_sbuf_addn(&two, data, n);
    free(data);
    char *p3 = tmpfile_with(two.buf, two.len, 0);
    ct_sbuf_free(&two);
    ct_store st;
    diags d;
    load(&st, &d, p3);
    assert_int_equal(st.nev, 2);
    assert_int_equal(d.n, 0);
    ct_store_free(&st);
    unlink(p1), unlink(p2), unlink(p3);
    free(p1), free(p2), free(p3);
}


/* A large .gz is inflated into an unnamed temporary file and mapped; with
 * no usable TMPDIR it is inflated into memory. Same events either way. */
static void test_large_gzip_via_tempfile(void **state)
{
    (void)state;
    ct_sbuf b;
    ct_sbuf_init(&b);
    unsigned x = 12345;
    for (int i = 0; i < 12000; i++) {
        ct_sbuf_addf(&b, "{\"eventVersion\":\"1\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
                         "\"eventTime\":\"2026-01-01T00:00:00Z\",\"userIdentity\":{\"type\":\"Root\"},"
                         "\"eventID\":\"big-%d\",\"requestParameters\":{\"noise\":\"", i);
        for (int k = 0; k < 600; k++) { /* incompressible, so the .gz is over 4 MB */
            x = x * 1103515245u + 12345u;
            ct_sbuf_addc(&b, "0123456789abcdef"[(x >> 16) & 15]);
        }
        ct_sbuf_add(&b, "\"}}\n");
    }
    char *path = tmpfile_with(b.buf, b.len, 1);
    ct_sbuf_free(&b);
    size_t n[2];
    for (int run = 0; run < 2; run++) {
        if (run == 1) setenv("TMPDIR", "/nonexistent-dir-for-credtriage-test", 1);
        ct_store st;
        diags d;
        load(&st, &d, path);
        assert_int_equal(d.n, 0);
        n[run] = st.nev;
        assert_true(st.srcs[0].in.gzip);
        /* a temp file of its own; then memory (or the spill file, if made before) */
        if (run == 0) assert_true(st.srcs[0].in.mapped && !st.srcs[0].in.spilled);
        else assert_true(!st.srcs[0].in.mapped || st.srcs[0].in.spilled);
        assert_string_equal(ct_event_str(&st, &st.ev[11999], CT_EF_RECORD_ID), "big-11999");
        ct_norm nm;
        assert_int_equal(ct_store_norm(&st, 5000, &nm), 0); /* re-read through pread */
        assert_string_equal(nm.f.record_id, "big-5000");
        ct_norm_free(&nm);
        ct_store_free(&st);
    }
    unsetenv("TMPDIR");
    assert_int_equal(n[0], 12000);
    assert_int_equal(n[1], 12000);
    unlink(path);
    free(path);
}

/* stdin (a pipe) over 4 MB is spooled to an unnamed temporary file and
 * mapped; with no usable TMPDIR it is read into memory. Same bytes, plain
 * or gzip on the pipe. */
static void test_large_stdin_spooled(void **state)
{
    (void)state;
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (int i = 0; b.len < (6u << 20); i++)
        ct_sbuf_addf(&b, "{\"@timestamp\":\"2026-11-02T00:00:00Z\",\"event\":{\"dataset\":\"x.y\",\"id\":\"p-%d\"}}\n", i);
    char *plain = tmpfile_with(b.buf, b.len, 0);
    char *gz = tmpfile_with(b.buf, b.len, 1);
    int saved = dup(0);
    assert_true(saved >= 0);
    for (int run = 0; run < 4; run++) {
        if (run >= 2) setenv("TMPDIR", "/nonexistent-dir-for-credtriage-test", 1);
        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) { /* the writer: cat FILE | ... */
            close(p[0]);
            char *data;
            size_t len;
            if (ct_read_file(run % 2 ? gz : plain, &data, &len) < 0) _exit(1);
            for (size_t off = 0; off < len;) {
                ssize_t w = write(p[1], data + off, len - off);
                if (w <= 0) _exit(1);
                off += (size_t)w;
            }
            _exit(0);
        }
        close(p[1]);
        dup2(p[0], 0);
        close(p[0]);
        ct_input in;
        ct_sbuf err, warn;
        ct_sbuf_init(&err);
        ct_sbuf_init(&warn);
        assert_int_equal(ct_input_open("-", &in, &err, &warn), 0);
        int st;
        waitpid(pid, &st, 0);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        assert_int_equal(in.len, b.len);
        assert_memory_equal(in.data, b.buf, b.len);
        /* plain: a temp file of its own; this .gz is small (it compresses
         * well): inflated in memory, then moved to the shared spill file.
         * Without TMPDIR: memory, or the spill file if one was made before */
        if (run == 0) assert_true(in.mapped && !in.spilled);
        if (run == 1) assert_true(in.mapped && in.spilled);
        if (run >= 2) assert_true(!in.mapped || in.spilled);
        assert_int_equal(in.gzip, run % 2);
        if (in.mapped) { /* re-read through pread, as records are after loading */
            assert_true(in.fd >= 0);
            char tmp[64];
            ct_input_copy(&in, 1000, sizeof tmp, tmp);
            assert_memory_equal(tmp, b.buf + 1000, sizeof tmp);
        }
        ct_input_close(&in);
        ct_sbuf_free(&err);
        ct_sbuf_free(&warn);
    }
    unsetenv("TMPDIR");
    dup2(saved, 0);
    close(saved);
    unlink(plain);
    unlink(gz);
    free(plain);
    free(gz);
    ct_sbuf_free(&b);
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) v = atol(line + 6);
    if (f) fclose(f);
    return v;
}

/* A big one-line {"records": [...]} export (over 64 MB): sniffing it gives
 * its pages back as it reads (it used to leave the whole file resident), and
 * every record still loads. */
static void test_big_wrapper_sniff_stays_small(void **state)
{
    (void)state;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_add(&b, "{\"records\":[");
    int n = 0;
    for (; b.len < (72u << 20); n++)
        ct_sbuf_addf(&b, "%s{\"time\":\"2026-11-02T00:00:00Z\",\"category\":\"SignInLogs\","
                         "\"operationName\":\"Sign-in activity\",\"properties\":{\"id\":\"w-%d\","
                         "\"userPrincipalName\":\"u%d@contoso.com\",\"appId\":\"a\",\"pad\":\""
                         "................................................................\"}}",
                     n ? "," : "", n, n % 100);
    ct_sbuf_add(&b, "]}\n");
    char *path = tmpfile_with(b.buf, b.len, 0);
    ct_sbuf_free(&b);
    ct_input in;
    ct_sbuf err, warn;
    ct_sbuf_init(&err);
    ct_sbuf_init(&warn);
    assert_int_equal(ct_input_open(path, &in, &err, &warn), 0);
    long before = rss_kb();
    assert_int_equal(ct_input_sniff(&in), CT_FMT_AZURE);
    long grew = rss_kb() - before;
    printf("sniff of a %zu MB wrapper: RSS grew %ld KB\n", in.len >> 20, grew);
    assert_true(grew < (24 << 10));
    ct_input_close(&in);
    ct_store st;
    diags d;
    load(&st, &d, path);
    assert_int_equal(d.n, 0);
    assert_int_equal(st.nev, (size_t)n);
    char last[32];
    snprintf(last, sizeof last, "w-%d", n - 1);
    assert_string_equal(ct_event_str(&st, &st.ev[st.nev - 1], CT_EF_RECORD_ID), last);
    ct_store_free(&st);
    ct_sbuf_free(&err);
    ct_sbuf_free(&warn);
    unlink(path);
    free(path);
}

static void collect_all(void *ctx, const char *file, uint64_t line, const char *msg)
{
    ct_sbuf_addf(ctx, "%s:%llu: %s\n", file, (unsigned long long)line, msg);
}

/* Many files at once: helper threads open, inflate and walk the next files
 * while earlier ones merge. The same sources, events (files, lines, fields),
 * duplicates and diagnostics, in the same order, as one file at a time:
 * every shape, bad, empty, missing and gzip files, the samples twice over
 * (so the second copies are all duplicates), and a big NDJSON in between. */
static void test_load_all_parallel_equals_serial(void **state)
{
    (void)state;
    const char *dirs[] = {"tests/fixtures/input", "samples", "tests/fixtures/hostile", "samples"};
    char *paths[200];
    int n = 0;
    ct_sbuf big;
    ct_sbuf_init(&big);
    for (int i = 0; big.len < (5u << 20); i++)
        ct_sbuf_addf(&big, "{\"@timestamp\":\"2026-11-02T00:00:00Z\",\"event\":{\"dataset\":\"x.y\",\"id\":\"b-%d\"}}\n", i);
    char *bigf = tmpfile_with(big.buf, big.len, 0);
    ct_sbuf_free(&big);
    for (size_t d = 0; d < CT_ARRAY_LEN(dirs); d++) {
        DIR *dh = opendir(dirs[d]);
        assert_non_null(dh);
        struct dirent *de;
        while ((de = readdir(dh)) && n < 190) {
            if (de->d_name[0] == '.' || ct_str_ends_with(de->d_name, ".md") ||
                ct_str_ends_with(de->d_name, ".py"))
                continue;
            ct_sbuf p;
            ct_sbuf_init(&p);
            ct_sbuf_addf(&p, "%s/%s", dirs[d], de->d_name);
            paths[n++] = ct_sbuf_detach(&p);
            ct_sbuf_free(&p);
        }
        closedir(dh);
        if (d == 1) paths[n++] = ct_xstrdup(bigf);
    }
    paths[n++] = ct_xstrdup("/nonexistent/credtriage-test.json");
    char *out[3];
    ct_sbuf diag[3];
    size_t nev[3];
    int failed[3];
    for (int run = 0; run < 3; run++) {
        ct_store st;
        ct_store_init(&st);
        ct_sbuf_init(&diag[run]);
        st.diag = collect_all;
        st.diag_ctx = &diag[run];
        st.threads = (size_t)run + 1; /* 1: one file at a time; 2, 3: helpers */
        failed[run] = ct_store_load_all(&st, paths, n);
        nev[run] = st.nev;
        ct_sbuf o;
        ct_sbuf_init(&o);
        ct_sbuf_addf(&o, "srcs %zu dup %zu skipped %zu\n", st.nsrcs, st.stats.duplicates, st.stats.skipped);
        for (size_t i = 0; i < st.nev; i++) {
            cJSON *j = ct_store_event_json(&st, i);
            char *txt = j ? cJSON_PrintUnformatted(j) : NULL;
            ct_sbuf_addf(&o, "%s\n", txt ? txt : "(null)");
            free(txt);
            cJSON_Delete(j);
        }
        out[run] = ct_sbuf_detach(&o);
        ct_sbuf_free(&o);
        ct_store_free(&st);
    }
    printf("load_all: %d files, %zu events, %d missing\n", n, nev[0], failed[0]);
    assert_true(nev[0] > 1000);
    assert_int_equal(failed[0], 1);
    for (int run = 1; run < 3; run++) {
        assert_int_equal(failed[run], failed[0]);
        assert_int_equal(nev[run], nev[0]);
        assert_string_equal(diag[run].buf, diag[0].buf);
        assert_true(!strcmp(out[run], out[0]));
    }
    for (int run = 0; run < 3; run++) {
        free(out[run]);
        ct_sbuf_free(&diag[run]);
    }
    for (int i = 0; i < n; i++) free(paths[i]);
    unlink(bigf);
    free(bigf);
}

static void test_action_folding(void **state)
{
    (void)state;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_norm_action("Update application \xE2\x80\x93 Certificates and secrets management ", &b);
    assert_string_equal(b.buf, "Update application - Certificates and secrets management");
    ct_norm_action("Add service principal credentials.", &b);
    assert_string_equal(b.buf, "Add service principal credentials");
    ct_norm_action("Update application \xE2\x80\x93 Certificates and secrets management .", &b);
    assert_string_equal(b.buf, "Update application - Certificates and secrets management");
    ct_norm_action("  a\t\tb \xE2\x88\x92 c\xE2\x80\x90" "d\xC2\xA0 ", &b);
    assert_string_equal(b.buf, "a b - c-d");
    /* E2 and C2 that start no dash or no-break space are copied as they are */
    ct_norm_action("\xE2\x82\xAC\xC2\xA9z \xE2\x80\x94", &b);
    assert_string_equal(b.buf, "\xE2\x82\xAC\xC2\xA9z -");
    ct_norm_action("x\xE2", &b);
    assert_string_equal(b.buf, "x\xE2");
    ct_sbuf_free(&b);
}

static void test_time_parse(void **state)
{
    (void)state;
    int64_t ms;
    char out[32];
    assert_int_equal(ct_time_parse("2022-01-22T18:15:02.5168093Z", 28, &ms), 0);
    ct_time_fmt(ms, out);
    assert_string_equal(out, "2022-01-22T18:15:02.516Z");
    assert_int_equal(ct_time_parse("2022-01-22T18:15:02.5168093+00:00", 33, &ms), 0);
    ct_time_fmt(ms, out);
    assert_string_equal(out, "2022-01-22T18:15:02.516Z");
    assert_int_equal(ct_time_parse("2020-02-09T15:33:26", 19, &ms), 0); /* M365: no zone = UTC */
    ct_time_fmt(ms, out);
    assert_string_equal(out, "2020-02-09T15:33:26.000Z");
    assert_int_equal(ct_time_parse("2026-11-05T04:14:07+02:00", 25, &ms), 0);
    ct_time_fmt(ms, out);
    assert_string_equal(out, "2026-11-05T02:14:07.000Z");
    /* BigQuery's TIMESTAMP as text (GCP audit logs exported to BigQuery) */
    assert_int_equal(ct_time_parse("2026-11-07 09:10:44.331779 UTC", 30, &ms), 0);
    ct_time_fmt(ms, out);
    assert_string_equal(out, "2026-11-07T09:10:44.331Z");
    assert_int_equal(ct_time_parse("2026-11-07 09:10:44 UTC ", 24, &ms), -1);
    assert_int_equal(ct_time_parse("2026-11-07 09:10:44 CET", 23, &ms), -1);
    assert_int_equal(ct_time_parse("not a time", 10, &ms), -1);
    assert_int_equal(ct_time_parse("2026-13-01", 10, &ms), -1);
    int64_t d;
    assert_int_equal(ct_duration_parse("3d", &d), 0);
    assert_true(d == 3LL * 86400 * 1000);
    assert_int_equal(ct_duration_parse("1h", &d), 0);
    assert_true(d == 3600LL * 1000);
    assert_int_equal(ct_duration_parse("2w", &d), 0);
    assert_int_equal(ct_duration_parse("5x", &d), -1);
}

static void test_json_skip(void **state)
{
    (void)state;
    const char *ok[] = {"{}", "[]", "{\"a\":1}", "{\"a\":{\"b\":[1,2,{\"c\":\"x\\\"y\"}]},\"d\":null}",
                        "\"s\"", "[ {\"k\" : \"v\" } , 3 ]"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        const char *e = ct_json_skip(ok[i], ok[i] + strlen(ok[i]));
        assert_non_null(e);
        assert_int_equal(e - ok[i], (long)strlen(ok[i]));
    }
    const char *bad[] = {"{\"a\" 1}", "{\"a\":1", "[1,", "{1:2}", "{\"a\":\"x}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_null(ct_json_skip(bad[i], bad[i] + strlen(bad[i])));
}


/* Merging a worker's pool, taking its string bytes or copying the new ones:
 * every id maps to an equal string, strings both pools hold keep the
 * destination's id, and they all outlive the source pool (ASan checks). A
 * copy keeps only the new strings' bytes. */
static void pool_merge_case(int copy_new)
{
    ct_pool dst, src;
    ct_pool_init(&dst);
    ct_pool_init(&src);
    char buf[64];
    /* enough to fill several 1 MB chunks and rehash both pools */
    for (int i = 0; i < 60000; i++) {
        int n = snprintf(buf, sizeof buf, "shared-or-dst-%08d-padding-padding", i);
        ct_pool_intern(&dst, buf, (size_t)n);
    }
    uint32_t dst_last = ct_pool_intern(&dst, "still in dst's current chunk", 28);
    /* record ids are added, not interned: each gets its own id, no lookup finds it */
    uint32_t rid = ct_pool_add(&dst, "record-1", 8), rid2 = ct_pool_add(&dst, "record-1", 8);
    assert_int_not_equal(rid, rid2);
    assert_string_equal(ct_pool_str(&dst, rid2), "record-1");
    assert_int_equal(ct_pool_find(&dst, "record-1", 8), 0);
    assert_int_equal(ct_pool_add(&dst, "", 0), 0);
    for (int i = 30000; i < 90000; i++) {
        int n = snprintf(buf, sizeof buf, i < 60000 ? "shared-or-dst-%08d-padding-padding"
                                                    : "src-only-%08d-padding-padding-pad", i);
        ct_pool_intern(&src, buf, (size_t)n);
        if (i % 3 == 0) { /* added ones in between, through the rehashes */
            n = snprintf(buf, sizeof buf, "src-record-%08d", i);
            ct_pool_add(&src, buf, (size_t)n);
        }
    }
    size_t nsrc = src.nstrs;
    char **copy = ct_xmalloc((nsrc + 1) * sizeof *copy);
    for (size_t id = 1; id <= nsrc; id++) copy[id] = ct_xstrdup(ct_pool_str(&src, (uint32_t)id));
    uint32_t *map = ct_xmalloc((nsrc + 1) * sizeof *map);
    size_t bytes_before = dst.bytes, src_bytes = src.bytes;
    if (copy_new) {
        /* in parts, as the loader does between lock yields */
        for (size_t id = 1; id <= nsrc; id += 7000) ct_pool_merge_copy(&dst, &src, map, id, id + 7000);
    } else {
        ct_pool_merge_take(&dst, &src, map);
    }
    ct_pool_free(&src);
    /* taken: all of src's bytes; copied: the 30,000 src-only strings (37
     * bytes and a NUL) and the 20,000 added ones (19 and a NUL) */
    assert_int_equal(dst.bytes - bytes_before, copy_new ? 30000 * 38 + 20000 * 20 : src_bytes);
    assert_int_equal(dst.nstrs, 90000 + 1 + 2 + 20000);
    size_t added = 0;
    for (size_t id = 1; id <= nsrc; id++) {
        assert_string_equal(ct_pool_str(&dst, map[id]), copy[id]);
        if (!strncmp(copy[id], "src-record-", 11)) {
            added++;
            assert_int_equal(ct_pool_find(&dst, copy[id], strlen(copy[id])), 0);
        } else {
            assert_int_equal(ct_pool_find(&dst, copy[id], strlen(copy[id])), map[id]);
            if (!strncmp(copy[id], "shared", 6)) assert_true(map[id] <= 60001); /* kept dst's id */
        }
        free(copy[id]);
    }
    assert_int_equal(added, 20000);
    /* dst goes on interning after the merge, into its own chunk */
    assert_string_equal(ct_pool_str(&dst, dst_last), "still in dst's current chunk");
    uint32_t after = ct_pool_intern(&dst, "after the merge", 15);
    assert_string_equal(ct_pool_str(&dst, after), "after the merge");
    assert_int_equal(ct_pool_intern(&dst, "src-only-00089999-padding-padding-pad", 37),
                     ct_pool_find(&dst, "src-only-00089999-padding-padding-pad", 37));
    assert_int_not_equal(ct_pool_find(&dst, "src-only-00089999-padding-padding-pad", 37), 0);
    free(copy);
    free(map);
    ct_pool_free(&dst);
}

static void test_pool_merge_take(void **state)
{
    (void)state;
    pool_merge_case(0);
}

static void test_pool_merge_copy(void **state)
{
    (void)state;
    pool_merge_case(1);
}

/* The "credtriage" columns of a rebuilt document are the store's alone: a
 * record's own flat "credtriage.x" keys (kept beside a scalar "credtriage")
 * are dropped, so scan's pre-filter may read those columns from the store. */
static void test_credtriage_namespace_is_the_stores(void **state)
{
    (void)state;
    const char *doc = "{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"event\":{\"dataset\":\"azure.signinlogs\","
                      "\"action\":\"Sign-in activity\",\"outcome\":\"success\"},\"credtriage\":5,"
                      "\"credtriage.credential_used\":\"forged\",\"credtriage.actor\":{\"id\":\"forged\"},"
                      "\"user\":{\"id\":\"u1\"}}\n";
    char *path = tmpfile_with(doc, strlen(doc), 0);
    ct_store st;
    ct_store_init(&st);
    assert_int_equal(ct_store_load(&st, path), 0);
    assert_int_equal(st.nev, 1);
    cJSON *j = ct_store_event_json(&st, 0);
    assert_non_null(j);
    char keys[256] = "";
    for (const cJSON *k = j->child; k; k = k->next)
        if (!strncmp(k->string, "credtriage", 10)) snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s;", k->string);
    assert_string_equal(keys, "credtriage;");
    const cJSON *ct = cJSON_GetObjectItemCaseSensitive(j, "credtriage");
    assert_null(cJSON_GetObjectItemCaseSensitive(ct, "credential_used"));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ct, "actor"), "id")->valuestring, "u1");
    cJSON_Delete(j);
    ct_store_free(&st);
    unlink(path);
    free(path);
}

/* Every field of an event reads back what it was given, whichever of them
 * it has (the inline ones, the record id kept apart, the packed ones). */
static void test_event_packed_fields(void **state)
{
    (void)state;
    assert_int_equal(sizeof(ct_event), 72);
    ct_store st;
    ct_store_init(&st);
    enum { N = 300 };
    static uint32_t want[N][CT_EF__COUNT];
    uint64_t r = 0x9e3779b97f4a7c15ull;
    char buf[64];
    st.ev = calloc(N, sizeof *st.ev);
    st.cap = N;
    for (size_t i = 0; i < N; i++) {
        ct_event *e = &st.ev[st.nev++];
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        /* the first 24 events: one field each; then random subsets, all, none */
        uint32_t mask = i < CT_EF__COUNT ? 1u << i : i == N - 1 ? (1u << CT_EF__COUNT) - 1 : i == N - 2 ? 0 : (uint32_t)r;
        for (int f = 0; f < CT_EF__COUNT; f++) {
            snprintf(buf, sizeof buf, "f%d-e%zu", f, i);
            want[i][f] = mask >> f & 1 ? ct_pool_internz(&st.pool, buf) : 0;
        }
        e->kind = (uint8_t)(i % CT_KIND__COUNT);
        e->flags = CT_EVF_SHARED_ID;
        ct_event_set_sids(&st, e, want[i]);
    }
    for (size_t i = 0; i < N; i++) {
        const ct_event *e = &st.ev[i];
        assert_int_equal(e->kind, i % CT_KIND__COUNT);
        assert_int_equal(e->flags, CT_EVF_SHARED_ID);
        for (int f = 0; f < CT_EF__COUNT; f++) {
            const char *got = ct_event_str(&st, e, (enum ct_ef)f);
            if (!want[i][f]) {
                assert_null(got);
                assert_int_equal(ct_event_sid(&st, e, (enum ct_ef)f), 0);
                continue;
            }
            snprintf(buf, sizeof buf, "f%d-e%zu", f, i);
            assert_non_null(got);
            assert_string_equal(got, buf);
            if (f != CT_EF_RECORD_ID) assert_int_equal(ct_event_sid(&st, e, (enum ct_ef)f), want[i][f]);
            else assert_string_equal(ct_event_rid(&st, e), buf);
        }
    }
    ct_store_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_shapes),
        cmocka_unit_test(test_credtriage_namespace_is_the_stores),
        cmocka_unit_test(test_every_shape_loads_two_events),
        cmocka_unit_test(test_line_numbers),
        cmocka_unit_test(test_bad_records_skipped_rest_loads),
        cmocka_unit_test(test_empty_garbage_missing_truncated),
        cmocka_unit_test(test_invalid_utf8_is_kept_generic),
        cmocka_unit_test(test_huge_line_and_deep_nesting),
        cmocka_unit_test(test_gzip_of_ndjson_and_concatenated_members),
        cmocka_unit_test(test_large_gzip_via_tempfile),
        cmocka_unit_test(test_large_stdin_spooled),
        cmocka_unit_test(test_big_wrapper_sniff_stays_small),
        cmocka_unit_test(test_load_all_parallel_equals_serial),
        cmocka_unit_test(test_action_folding),
        cmocka_unit_test(test_time_parse),
        cmocka_unit_test(test_json_skip),
        cmocka_unit_test(test_pool_merge_take),
        cmocka_unit_test(test_pool_merge_copy),
        cmocka_unit_test(test_event_packed_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
