/* Progressive loading (session.h step_bytes, the console's way of showing
 * alerts while a big file loads) against the plain load, on every sample and
 * the bad-input fixtures, cut into steps of a few hundred bytes: the same
 * events (with their files and lines), the same diagnostics, the same alerts
 * in the same order with the same statuses (decisions read from a real rules
 * repo), and along the way: alerts published more than once, only ever
 * growing, every change made under the lock and no callback made with it held.
 * Runs from the repo root (CREDTRIAGE_DATADIR=.). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session.h"
#include "triage.h"
#include "testutil.h"

#define ANALYST "Test Analyst <test@example.com>"

static char g_root[64];
static char **g_files;
static int g_nfiles;

static void add_file(const char *path)
{
    g_files = ct_xrealloc(g_files, (size_t)(g_nfiles + 1) * sizeof *g_files);
    g_files[g_nfiles++] = ct_xstrdup(path);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_dir(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    int first = g_nfiles;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || ct_str_ends_with(de->d_name, ".md")) continue;
        char *p = fmt("%s/%s", dir, de->d_name);
        add_file(p);
        free(p);
    }
    closedir(d);
    qsort(g_files + first, (size_t)(g_nfiles - first), sizeof *g_files, cmp_str);
}

typedef struct hooks {
    int locked, max_depth;
    size_t locks, publishes, last_n, bad;
    ct_session *s;
    /* what a reader saw at its last look: alerts below changed_from must
     * still be those (same id, same place, same status) */
    char (*ids)[17];
    uint8_t *st;
    size_t nseen, looks, unchanged;
} hooks;

static void h_lock(void *ctx)
{
    hooks *h = ctx;
    if (++h->locked > h->max_depth) h->max_depth = h->locked;
    h->locks++;
}

static void h_unlock(void *ctx)
{
    hooks *h = ctx;
    /* a reader's look, as the console's ui_load_sync takes one under the lock */
    const ct_alerts *al = &h->s->alerts;
    size_t keep = h->s->changed_from < h->nseen ? h->s->changed_from : h->nseen;
    for (size_t i = 0; i < keep; i++)
        if (strcmp(al->v[i].id, h->ids[i]) || al->v[i].status != h->st[i]) h->bad++;
    h->unchanged += keep;
    h->looks++;
    h->ids = realloc(h->ids, (al->n + 1) * sizeof *h->ids);
    h->st = realloc(h->st, al->n + 1);
    assert_non_null(h->ids);
    assert_non_null(h->st);
    for (size_t i = 0; i < al->n; i++) {
        memcpy(h->ids[i], al->v[i].id, sizeof h->ids[i]);
        h->st[i] = al->v[i].status;
    }
    h->nseen = al->n;
    h->s->changed_from = al->n;
    h->locked--;
}

static void h_published(void *ctx)
{
    hooks *h = ctx;
    h->publishes++;
    if (h->locked) h->bad++;                   /* called with the lock held */
    if (h->s->alerts.n < h->last_n) h->bad++;  /* alerts went away */
    h->last_n = h->s->alerts.n;
}

/* the store's hook: the session scans what the step loaded, then publishes */
static void h_events(void *ctx)
{
    hooks *h = ctx;
    if (ct_session_scan_new(h->s)) h_published(h);
}

static void collect(void *ctx, const char *file, uint64_t line, const char *msg)
{
    ct_sbuf_addf(ctx, "%s:%llu: %s\n", file ? file : "", (unsigned long long)line, msg ? msg : "");
}

static void open_s(ct_session *s, const char *repo, size_t step, hooks *h, ct_sbuf *diag)
{
    ct_session_opts o = {0};
    o.repo_dir = repo;
    o.analyst = ANALYST;
    o.need_repo = 1;
    o.files = g_files;
    o.nfiles = g_nfiles;
    o.diag = collect;
    o.diag_ctx = diag;
    if (step) {
        o.step_bytes = step;
        o.lock = h_lock;
        o.unlock = h_unlock;
        o.on_events = h_events;
        o.hook_ctx = h;
        h->s = s;
    }
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_session_open(s, &o, &err);
    if (rc) fprintf(stderr, "session: %s\n", err.buf);
    assert_int_equal(rc, 0);
    ct_sbuf_free(&err);
}

static void same_sessions(ct_session *a, ct_session *b)
{
    assert_int_equal(a->store.nev, b->store.nev);
    assert_int_equal(a->store.stats.records, b->store.stats.records);
    assert_int_equal(a->store.stats.duplicates, b->store.stats.duplicates);
    assert_int_equal(a->store.stats.skipped, b->store.stats.skipped);
    for (size_t i = 0; i < a->store.nev; i++) {
        cJSON *x = ct_store_event_json(&a->store, i), *y = ct_store_event_json(&b->store, i);
        char *sx = cJSON_PrintUnformatted(x), *sy = cJSON_PrintUnformatted(y);
        assert_non_null(sx);
        assert_non_null(sy);
        assert_string_equal(sx, sy);
        free(sx);
        free(sy);
        cJSON_Delete(x);
        cJSON_Delete(y);
    }
    assert_int_equal(a->alerts.n, b->alerts.n);
    for (size_t i = 0; i < a->alerts.n; i++) {
        const ct_alert *x = &a->alerts.v[i], *y = &b->alerts.v[i];
        assert_string_equal(x->id, y->id);
        assert_int_equal(x->event, y->event);
        assert_int_equal(x->status, y->status);
        assert_int_equal(x->origin, y->origin);
        assert_string_equal(x->rule_id, y->rule_id);
    }
    assert_non_null(b->corr);
}

/* ct_alerts_merge_tail: two ordered runs become one, by time then id, and
 * each alert keeps its seq */
static void test_merge_tail(void **state)
{
    (void)state;
    static const struct { int64_t ts; const char *id; } in[] = {
        {10, "b"}, {20, "a"}, {20, "c"}, {40, "a"},      /* the ordered prefix */
        {5, "z"}, {20, "b"}, {30, "a"}, {40, "b"}, {50, "a"}, /* the new, ordered */
    };
    static const char *const want[] = {"5z", "10b", "20a", "20b", "20c", "30a", "40a", "40b", "50a"};
    static const uint32_t want_seq[] = {4, 0, 1, 5, 2, 6, 3, 7, 8};
    ct_alerts a = {0};
    a.v = calloc(CT_ARRAY_LEN(in), sizeof *a.v);
    assert_non_null(a.v);
    for (size_t i = 0; i < CT_ARRAY_LEN(in); i++) {
        a.v[i].ts = in[i].ts;
        snprintf(a.v[i].id, sizeof a.v[i].id, "%s", in[i].id);
    }
    a.n = 4;
    ct_alerts_number(&a, 0);
    a.n = CT_ARRAY_LEN(in);
    ct_alerts_number(&a, 4);
    assert_int_equal(a.nseq, 9);
    assert_int_equal(ct_alerts_merge_tail(&a, 4), 0); /* 5z goes first: every alert changed place */
    for (size_t i = 0; i < a.n; i++) {
        char got[32];
        snprintf(got, sizeof got, "%lld%s", (long long)a.v[i].ts, a.v[i].id);
        assert_string_equal(got, want[i]);
        assert_int_equal(a.v[i].seq, want_seq[i]);
    }
    /* new alerts all after: nothing moves; an unordered tail is sorted first */
    a.n = 4;
    assert_int_equal(ct_alerts_merge_tail(&a, 2), 2);
    assert_int_equal(ct_alerts_merge_tail(&a, 4), 4); /* nothing new */
    assert_string_equal(a.v[0].id, "z");
    a.v[0].ts = 99;
    ct_alerts_sort(&a, 0);
    assert_int_equal(a.v[3].ts, 99);
    free(a.v);
}

static void test_progressive_equals_plain(void **state)
{
    (void)state;
    char *repo = fmt("%s/repo", g_root);
    /* a plain session records a decision, so statuses are not all "open" */
    ct_sbuf d0;
    ct_sbuf_init(&d0);
    ct_session s0;
    open_s(&s0, repo, 0, NULL, &d0);
    assert_true(s0.alerts.n >= 20);
    char oid[41];
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_triage_ack(&s0, &s0.alerts.v[s0.alerts.n / 2], "seen", oid, &err), 0);
    char ack_id[17];
    memcpy(ack_id, s0.alerts.v[s0.alerts.n / 2].id, sizeof ack_id);
    ct_session_close(&s0);

    ct_sbuf da, db;
    ct_sbuf_init(&da);
    ct_sbuf_init(&db);
    ct_session a, b;
    open_s(&a, repo, 0, NULL, &da);
    static const size_t steps[] = {300, 4096, 1u << 20};
    for (size_t k = 0; k < CT_ARRAY_LEN(steps); k++) {
        hooks h = {0};
        ct_sbuf_reset(&db);
        open_s(&b, repo, steps[k], &h, &db);
        same_sessions(&a, &b);
        assert_string_equal(da.buf, db.buf); /* the same diagnostics, same lines */
        assert_int_equal(h.bad, 0);
        assert_int_equal(h.locked, 0);
        assert_int_equal(h.max_depth, 1);
        /* one publish per step that found events at least: with 300-byte
         * steps, many; alerts appear before the load ends */
        if (steps[k] == 300) assert_true(h.publishes > 20);
        assert_true(h.publishes >= 1);
        assert_true(h.locks > h.publishes);
        /* every look found what changed_from kept as it was; and it kept some */
        assert_true(h.looks >= h.publishes);
        assert_true(h.unchanged > 0);
        free(h.ids);
        free(h.st);
        /* each alert kept the seq it was given, one each (the console's
         * order across steps relies on it) */
        char *seen = calloc(b.alerts.nseq + 1, 1);
        assert_non_null(seen);
        assert_true(b.alerts.nseq >= b.alerts.n);
        for (size_t i = 0; i < b.alerts.n; i++) {
            assert_true(b.alerts.v[i].seq < b.alerts.nseq);
            assert_int_equal(seen[b.alerts.v[i].seq], 0);
            seen[b.alerts.v[i].seq] = 1;
        }
        free(seen);
        ct_alert *acked = ct_alerts_find(&b.alerts, ack_id);
        assert_non_null(acked);
        assert_int_equal(acked->status, CT_STATUS_ACKNOWLEDGED);
        ct_session_close(&b);
    }
    ct_session_close(&a);
    ct_sbuf_free(&da);
    ct_sbuf_free(&db);
    ct_sbuf_free(&d0);
    ct_sbuf_free(&err);
    free(repo);
}

/* A step in the middle of a line, a last line without a newline, CRLF
 * lines, and a step larger than the file: all cut at line starts. */
static void test_steps_cut_at_lines(void **state)
{
    (void)state;
    char *path = fmt("%s/crlf.ndjson", g_root);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 200; i++)
        fprintf(f, "{\"@timestamp\":\"2026-11-02T00:00:%02dZ\",\"event\":{\"dataset\":\"x.y\",\"id\":\"r%d\"}}%s",
                i % 60, i, i == 199 ? "" : (i % 2 ? "\r\n" : "\n"));
    fclose(f);
    char **saved = g_files;
    int nsaved = g_nfiles;
    g_files = NULL;
    g_nfiles = 0;
    add_file(path);
    ct_sbuf da, db;
    ct_sbuf_init(&da);
    ct_sbuf_init(&db);
    char *repo = fmt("%s/repo", g_root);
    ct_session a, b;
    hooks h = {0};
    open_s(&a, repo, 0, NULL, &da);
    open_s(&b, repo, 97, &h, &db);
    assert_int_equal(a.store.nev, 200);
    same_sessions(&a, &b);
    assert_string_equal(da.buf, db.buf);
    assert_int_equal(b.store.ev[199].line, 200);
    assert_int_equal(h.bad, 0); /* and every look found the alerts below changed_from as it saw them */
    free(h.ids);
    free(h.st);
    ct_session_close(&a);
    ct_session_close(&b);
    ct_sbuf_free(&da);
    ct_sbuf_free(&db);
    free(g_files[0]);
    free(g_files);
    g_files = saved;
    g_nfiles = nsaved;
    free(repo);
    free(path);
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_root, sizeof g_root, "/tmp/ct-session-XXXXXX");
    if (!mkdtemp(g_root)) return -1;
    char *home = fmt("%s/home", g_root);
    sh("mkdir -p %s", home);
    tu_isolate_git(home);
    free(home);
    setenv("CREDTRIAGE_DATADIR", ".", 1);
    add_dir("samples");
    add_file("tests/fixtures/input/mixed-bad.ndjson");
    add_file("tests/fixtures/input/invalid-utf8.ndjson");
    add_file("tests/fixtures/norm/cloud/ct_malformed.ndjson");
    add_file("tests/fixtures/triage/entra-creds.ndjson");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sh("rm -rf %s", g_root);
    for (int i = 0; i < g_nfiles; i++) free(g_files[i]);
    free(g_files);
    git_libgit2_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_tail),
        cmocka_unit_test(test_progressive_equals_plain),
        cmocka_unit_test(test_steps_cut_at_lines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
