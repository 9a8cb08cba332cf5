/* Unit tests for src/triage.c (+ decisions.c), judged with the real git:
 * decisions and exceptions are files committed in a temp rules repo, and a
 * fresh session reads them back.
 *
 * Runs from the repo root: the rules are seeded from ./rules and ./guides
 * (CREDTRIAGE_DATADIR=.), the events are tests/fixtures/triage/entra-creds.ndjson:
 *   aaaa0001, aaaa0002  svc-deploy (SP 4aee31e3-...) adds a secret to ci-pipeline
 *   aaaa0003            megan.bowen adds a secret to payroll-sync
 *   aaaa0004            an app with a hostile display name (ESC, CR, U+202E) adds one to hr-portal
 * all four are alerts of "Entra ID Application Credential Added".
 * HOME/XDG point at an empty dir so no identity leaks in from the machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "decisions.h"
#include "exceptions.h"
#include "sanitize.h"
#include "session.h"
#include "triage.h"
#include "testutil.h"

#define ANALYST "Test Analyst <test@example.com>"
#define FIXTURE "tests/fixtures/triage/entra-creds.ndjson"
#define RULE_STEM "entra_app_credential_added"
#define SVC_SP "4aee31e3-956a-4cd6-a8b8-745918ed9d01"
#define CI_APP "45aef66d-0ecd-462a-9e44-3763b81104c5"

static char g_root[64];
static char g_home[128];
static int g_n;

/* ---- helpers ------------------------------------------------------------------ */

static void quiet(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)line;
    ct_sbuf *b = ctx;
    if (b) ct_sbuf_addf(b, "%s: %s\n", file, msg);
}

static ct_sbuf g_diag;

static void open_file(ct_session *s, const char *repo, const char *analyst, const char *file, size_t nalerts)
{
    char *files[] = {(char *)file};
    ct_session_opts o = {0};
    o.repo_dir = repo;
    o.analyst = analyst;
    o.need_repo = 1;
    o.files = files;
    o.nfiles = 1;
    o.diag = quiet;
    o.diag_ctx = &g_diag;
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_session_open(s, &o, &err);
    if (rc) fprintf(stderr, "session: %s\n", err.buf);
    assert_int_equal(rc, 0);
    assert_non_null(s->repo);
    assert_int_equal(s->alerts.n, nalerts);
    ct_sbuf_free(&err);
}

static void open_s(ct_session *s, const char *repo, const char *analyst)
{
    open_file(s, repo, analyst, FIXTURE, 4);
}

/* Each test's start: a new rules repo, seeded, and a session on it as ANALYST
 * (the repo path is the caller's to free). */
static char *open_new(ct_session *s)
{
    char *repo = fmt("%s/repo%d", g_root, ++g_n);
    open_s(s, repo, ANALYST);
    return repo;
}

/* The alert of the fixture record whose id contains key ("aaaa0001"...). */
static ct_alert *alert_of(ct_session *s, const char *key)
{
    for (size_t i = 0; i < s->alerts.n; i++) {
        const char *rid = ct_event_str(&s->store, &s->store.ev[s->alerts.v[i].event], CT_EF_RECORD_ID);
        if (rid && strstr(rid, key)) return &s->alerts.v[i];
    }
    fail_msg("no alert for %s", key);
    return NULL;
}

static ct_status status_of(ct_session *s, const char *key)
{
    return alert_of(s, key)->status;
}

static char *head(const char *repo)
{
    char *h = out("git -C %s rev-parse HEAD", repo);
    h[strcspn(h, "\n")] = 0;
    return h;
}

/* Candidates with only the ones labelled in keep checked. */
static ct_exc_candidate *cands(ct_session *s, const ct_alert *a, size_t *n, const char *const *keep)
{
    ct_exc_candidate *c = NULL;
    assert_int_equal(ct_triage_fp_candidates(s, a, &c, n), 0);
    for (size_t i = 0; i < *n; i++) {
        c[i].checked = 0;
        for (size_t k = 0; keep[k]; k++)
            if (!strcmp(c[i].label, keep[k])) c[i].checked = 1;
    }
    return c;
}

static const ct_exc_candidate *cand(const ct_exc_candidate *c, size_t n, const char *label)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].label, label)) return &c[i];
    fail_msg("no candidate %s", label);
    return NULL;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_candidates_prefer_provider_fields(void **st)
{
    (void)st;
    ct_session s;
    char *repo = open_new(&s);
    ct_alert *a = alert_of(&s, "aaaa0001");
    size_t n;
    static const char *const none[] = {NULL};
    ct_exc_candidate *c = cands(&s, a, &n, none);
    const ct_exc_candidate *x = cand(c, n, "actor id");
    assert_string_equal(x->field, "azure.auditlogs.properties.initiated_by.app.servicePrincipalId");
    assert_string_equal(x->value, SVC_SP);
    x = cand(c, n, "actor");
    assert_string_equal(x->field, "azure.auditlogs.properties.initiated_by.app.displayName");
    assert_string_equal(x->value, "svc-deploy");
    x = cand(c, n, "target id");
    assert_string_equal(x->field, "azure.auditlogs.properties.target_resources.0.id");
    x = cand(c, n, "target");
    assert_string_equal(x->field, "azure.auditlogs.properties.target_resources.0.display_name");
    assert_string_equal(x->value, "ci-pipeline");
    /* no provider field holds the folded credential type: the credtriage one */
    x = cand(c, n, "credential type");
    assert_string_equal(x->field, "credtriage.credential.type");
    assert_string_equal(x->value, "password");
    ct_exc_candidates_free(c, n);
    /* a user actor */
    a = alert_of(&s, "aaaa0003");
    c = cands(&s, a, &n, none);
    x = cand(c, n, "actor");
    assert_string_equal(x->field, "azure.auditlogs.properties.initiated_by.user.userPrincipalName");
    assert_string_equal(x->value, "megan.bowen@contoso.com");
    x = cand(c, n, "actor id");
    assert_string_equal(x->field, "azure.auditlogs.properties.initiated_by.user.id");
    ct_exc_candidates_free(c, n);
    ct_session_close(&s);
    free(repo);
}

static void test_fp_writes_both_files_in_one_commit(void **st)
{
    (void)st;
    ct_session s;
    char *repo = open_new(&s);
    char *seed = head(repo);
    ct_alert *a = alert_of(&s, "aaaa0001");
    size_t n;
    static const char *const keep[] = {"actor id", "target id", NULL};
    ct_exc_candidate *c = cands(&s, a, &n, keep);
    ct_fp_request rq = {a, c, n, "svc-deploy rotates ci-pipeline's secret; CHG-1234", CT_TIME_NONE, 0, 0};
    ct_fp_preview pv;
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_triage_fp_preview(&s, &rq, &pv, &err), 0);
    assert_int_equal(pv.rule_total, 4);
    assert_int_equal(pv.rule_matches, 2);
    assert_int_equal(pv.total_matches, 2);
    char oid[41] = "";
    int rc = ct_triage_fp(&s, &rq, oid, &err);
    if (rc) fprintf(stderr, "%s\n", err.buf);
    assert_int_equal(rc, 0);
    assert_int_equal(strlen(oid), 40);
    ct_exc_candidates_free(c, n);
    /* statuses after the commit */
    assert_int_equal(status_of(&s, "aaaa0001"), CT_STATUS_FALSE_POSITIVE);
    assert_int_equal(status_of(&s, "aaaa0002"), CT_STATUS_SUPPRESSED);
    assert_int_equal(status_of(&s, "aaaa0003"), CT_STATUS_OPEN);
    assert_int_equal(status_of(&s, "aaaa0004"), CT_STATUS_OPEN);
    const char *item_id = alert_of(&s, "aaaa0002")->suppressed_by;
    assert_non_null(item_id);
    char *item = ct_xstrdup(item_id);
    const ct_decision *d = ct_triage_decision(&s, a->id);
    assert_non_null(d);
    assert_string_equal(d->exception, item);
    assert_string_equal(d->analyst, ANALYST);
    char *alert_id = ct_xstrdup(a->id);
    ct_session_close(&s);

    /* the real git: one commit over the seed, by the analyst, two files */
    char *h = head(repo);
    assert_string_equal(h, oid);
    char *parent = out("git -C %s rev-parse HEAD~1", repo);
    assert_int_equal(strncmp(parent, seed, 40), 0);
    char *log = out("git -C %s log -1 --format='%%an|%%ae|%%s'", repo);
    char *want = fmt("Test Analyst|test@example.com|exception: Entra ID Application Credential Added: "
                     "actor-id=%s target-id=%s\n", SVC_SP, CI_APP);
    assert_string_equal(log, want);
    char *body = out("git -C %s log -1 --format=%%b", repo);
    assert_non_null(strstr(body, "svc-deploy rotates ci-pipeline's secret; CHG-1234"));
    assert_non_null(strstr(body, "Expires: never"));
    assert_non_null(strstr(body, alert_id));
    assert_non_null(strstr(body, "cdb614db-c4f5-486f-bc52-21f409265851"));
    assert_non_null(strstr(body, "initiated_by.app.servicePrincipalId is \"" SVC_SP "\""));
    char *files = out("git -C %s show --format= --name-only HEAD | sort", repo);
    char *want_files = fmt("decisions/2026/11/%s.json\nexceptions/" RULE_STEM "/%s.json\n", alert_id, item);
    assert_string_equal(files, want_files);
    char *shown = out("git -C %s show HEAD:exceptions/" RULE_STEM "/%s.json", repo, item);
    char *path = fmt("%s/exceptions/" RULE_STEM "/%s.json", repo, item);
    char *disk = NULL;
    size_t len = 0;
    assert_int_equal(ct_read_file(path, &disk, &len), 0);
    assert_string_equal(shown, disk);
    cJSON *j = cJSON_Parse(shown);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "item_id")->valuestring, item);
    assert_string_equal(cJSON_GetObjectItem(j, "list_id")->valuestring, RULE_STEM "-exceptions");
    assert_string_equal(cJSON_GetObjectItem(j, "type")->valuestring, "simple");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "comments"), 0), "comment")->valuestring,
                        "svc-deploy rotates ci-pipeline's secret; CHG-1234");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "entries")), 2);
    cJSON_Delete(j);
    char *dec = out("git -C %s show HEAD:decisions/2026/11/%s.json", repo, alert_id);
    assert_non_null(strstr(dec, "\"status\": \"false_positive\""));
    assert_non_null(strstr(dec, "\"exception\": \""));
    assert_int_equal(sh("git -C %s fsck --strict >/dev/null 2>&1", repo), 0);
    char *porcelain = out("git -C %s status --porcelain", repo);
    assert_string_equal(porcelain, "");

    /* a fresh session (a fresh scan + apply) honours the exception */
    open_s(&s, repo, ANALYST);
    assert_int_equal(status_of(&s, "aaaa0001"), CT_STATUS_FALSE_POSITIVE);
    assert_int_equal(status_of(&s, "aaaa0002"), CT_STATUS_SUPPRESSED);
    assert_string_equal(alert_of(&s, "aaaa0002")->suppressed_by, item);
    assert_int_equal(status_of(&s, "aaaa0003"), CT_STATUS_OPEN);
    size_t counts[CT_STATUS__COUNT];
    ct_session_counts(&s, counts);
    assert_int_equal(counts[CT_STATUS_SUPPRESSED], 1);

    /* revert makes it stop applying */
    char roid[41] = "";
    rc = ct_triage_revert(&s, oid, roid, &err);
    if (rc) fprintf(stderr, "%s\n", err.buf);
    assert_int_equal(rc, 0);
    assert_int_equal(status_of(&s, "aaaa0001"), CT_STATUS_OPEN);
    assert_int_equal(status_of(&s, "aaaa0002"), CT_STATUS_OPEN);
    ct_session_close(&s);
    open_s(&s, repo, ANALYST);
    for (size_t i = 0; i < s.alerts.n; i++) assert_int_equal(s.alerts.v[i].status, CT_STATUS_OPEN);
    ct_session_close(&s);
    char *rlog = out("git -C %s log -1 --format='%%an|%%s'", repo);
    assert_int_equal(strncmp(rlog, "Test Analyst|Revert \"exception: ", 32), 0);
    assert_int_equal(sh("git -C %s fsck --strict >/dev/null 2>&1", repo), 0);

    free(rlog);
    free(porcelain);
    free(dec);
    free(disk);
    free(path);
    free(shown);
    free(want_files);
    free(files);
    free(body);
    free(want);
    free(log);
    free(parent);
    free(h);
    free(alert_id);
    free(item);
    free(seed);
    ct_sbuf_free(&err);
    free(repo);
}

static void test_close_matching_and_force(void **st)
{
    (void)st;
    ct_session s;
    char *repo = open_new(&s);
    ct_alert *a = alert_of(&s, "aaaa0002");
    size_t n;
    static const char *const keep[] = {"actor id", NULL};
    ct_exc_candidate *c = cands(&s, a, &n, keep);
    ct_fp_request rq = {a, c, n, "pipeline", CT_TIME_NONE, 0, 1};
    char oid[41];
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_triage_fp(&s, &rq, oid, &err), 0);
    ct_exc_candidates_free(c, n);
    assert_int_equal(status_of(&s, "aaaa0001"), CT_STATUS_FALSE_POSITIVE);
    assert_int_equal(status_of(&s, "aaaa0002"), CT_STATUS_FALSE_POSITIVE);
    assert_int_equal(status_of(&s, "aaaa0003"), CT_STATUS_OPEN);
    char *count = out("git -C %s show --format= --name-only HEAD | wc -l", repo);
    assert_int_equal(atoi(count), 3);
    free(count);

    /* an exception matching every alert of the rule needs force */
    char *before = head(repo);
    a = alert_of(&s, "aaaa0003");
    ct_exc_candidate all = {"event.dataset", "azure.auditlogs", "dataset", 0, 1};
    ct_fp_request rq2 = {a, &all, 1, "everything", CT_TIME_NONE, 0, 0};
    ct_fp_preview pv;
    assert_int_equal(ct_triage_fp_preview(&s, &rq2, &pv, &err), 0);
    assert_int_equal(pv.rule_matches, 4);
    assert_int_equal(pv.rule_total, 4);
    ct_sbuf_reset(&err);
    assert_int_equal(ct_triage_fp(&s, &rq2, oid, &err), -1);
    assert_non_null(strstr(err.buf, "every one of the 4"));
    char *after = head(repo);
    assert_string_equal(before, after);
    free(after);
    rq2.force = 1;
    ct_sbuf_reset(&err);
    assert_int_equal(ct_triage_fp(&s, &rq2, oid, &err), 0);
    assert_int_equal(status_of(&s, "aaaa0003"), CT_STATUS_FALSE_POSITIVE);
    assert_int_equal(status_of(&s, "aaaa0004"), CT_STATUS_SUPPRESSED);
    free(before);
    ct_sbuf_free(&err);
    ct_session_close(&s);
    free(repo);
}

static void test_refusals_write_nothing(void **st)
{
    (void)st;
    ct_session s;
    char *repo = open_new(&s);
    char *before = head(repo);
    ct_alert *a = alert_of(&s, "aaaa0003");
    size_t n;
    static const char *const none[] = {NULL};
    static const char *const keep[] = {"actor", NULL};
    ct_exc_candidate *c = cands(&s, a, &n, none);
    ct_sbuf err;
    ct_sbuf_init(&err);
    char oid[41];
    /* no entries */
    ct_fp_request rq = {a, c, n, "reason", CT_TIME_NONE, 1, 0};
    assert_int_equal(ct_triage_fp(&s, &rq, oid, &err), -1);
    assert_non_null(strstr(err.buf, "at least one entry"));
    ct_fp_preview pv;
    ct_sbuf_reset(&err);
    assert_int_equal(ct_triage_fp_preview(&s, &rq, &pv, &err), -1);
    ct_exc_candidates_free(c, n);
    /* no reason */
    c = cands(&s, a, &n, keep);
    rq.entries = c;
    rq.nentries = n;
    rq.reason = "  ";
    ct_sbuf_reset(&err);
    assert_int_equal(ct_triage_fp(&s, &rq, oid, &err), -1);
    assert_non_null(strstr(err.buf, "reason"));
    /* an expiry in the past */
    rq.reason = "ok";
    rq.expires = 1000;
    ct_sbuf_reset(&err);
    assert_int_equal(ct_triage_fp(&s, &rq, oid, &err), -1);
    assert_non_null(strstr(err.buf, "past"));
    ct_exc_candidates_free(c, n);
    /* an exception that does not match the alert itself */
    ct_exc_candidate other = {"credtriage.actor.name", "someone-else", "actor", 0, 1};
    ct_fp_request rq3 = {a, &other, 1, "typo", CT_TIME_NONE, 0, 0};
    ct_sbuf_reset(&err);
    assert_int_equal(ct_triage_fp(&s, &rq3, oid, &err), -1);
    assert_non_null(strstr(err.buf, "does not match alert"));
    /* reopen of an open alert */
    ct_sbuf_reset(&err);
    assert_int_equal(ct_triage_reopen(&s, a, NULL, oid, &err), -1);
    /* remediate with a step the guide does not have */
    size_t bad = 99;
    ct_sbuf_reset(&err);
    assert_int_equal(ct_triage_remediate(&s, a, &bad, 1, "x", oid, &err), -1);
    assert_non_null(strstr(err.buf, "no response step 99"));
    char *after = head(repo);
    assert_string_equal(before, after);
    char *porcelain = out("git -C %s status --porcelain --untracked-files=all", repo);
    assert_string_equal(porcelain, "");
    free(porcelain);
    free(after);
    free(before);
    ct_sbuf_free(&err);
    ct_session_close(&s);
    free(repo);
}

static void test_ack_remediate_reopen(void **st)
{
    (void)st;
    ct_session s;
    char *repo = open_new(&s);
    ct_alert *a = alert_of(&s, "aaaa0003");
    char *path = fmt("decisions/2026/11/%s.json", a->id);
    char oid[41];
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_triage_ack(&s, a, "on it", oid, &err), 0);
    assert_int_equal(a->status, CT_STATUS_ACKNOWLEDGED);
    assert_string_equal(a->decision_by, ANALYST);
    char *log = out("git -C %s log -1 --format='%%an|%%s'", repo);
    char *want = fmt("Test Analyst|ack: Entra ID Application Credential Added: %s actor=megan.bowen@contoso.com "
                     "target=payroll-sync\n", a->id);
    assert_string_equal(log, want);
    free(log);
    free(want);

    size_t steps[] = {1, 3};
    assert_int_equal(ct_triage_remediate(&s, a, steps, 2, "removed the key", oid, &err), 0);
    assert_int_equal(a->status, CT_STATUS_REMEDIATED);
    const ct_decision *d = ct_triage_decision(&s, a->id);
    assert_non_null(d);
    assert_int_equal(d->nsteps, 2);
    /* the steps are the guide's, filled with the alert's values */
    assert_non_null(strstr(d->steps[0], "Remove the unauthorised credential"));
    assert_non_null(strstr(d->steps[0], "33333333-3333-4333-8333-333333333333"));
    assert_non_null(strstr(d->steps[1], "Rotate every remaining"));
    char *body = out("git -C %s log -1 --format=%%B", repo);
    assert_int_equal(strncmp(body, "remediated: Entra ID Application Credential Added: ", 51), 0);
    assert_non_null(strstr(body, "Steps done:\n  1. Remove the unauthorised credential"));
    assert_non_null(strstr(body, "\n  3. Rotate every remaining"));
    assert_non_null(strstr(body, "removed the key"));
    free(body);

    assert_int_equal(ct_triage_reopen(&s, a, "not done after all", oid, &err), 0);
    assert_int_equal(a->status, CT_STATUS_OPEN);
    ct_session_close(&s);

    /* the alert's history is the history of its one file */
    char *hist = out("git -C %s log --format=%%s -- %s | cut -d: -f1", repo, path);
    assert_string_equal(hist, "reopen\nremediated\nack\n");
    free(hist);
    open_s(&s, repo, ANALYST);
    a = alert_of(&s, "aaaa0003");
    assert_int_equal(a->status, CT_STATUS_OPEN);
    d = ct_triage_decision(&s, a->id);
    assert_non_null(d);
    assert_string_equal(d->note, "not done after all");

    /* a decision wins over an exception: reopen a suppressed alert */
    ct_alert *b = alert_of(&s, "aaaa0001");
    size_t n;
    static const char *const keep[] = {"actor id", NULL};
    ct_exc_candidate *c = cands(&s, b, &n, keep);
    ct_fp_request rq = {b, c, n, "pipeline", CT_TIME_NONE, 0, 0};
    assert_int_equal(ct_triage_fp(&s, &rq, oid, &err), 0);
    ct_exc_candidates_free(c, n);
    ct_alert *b2 = alert_of(&s, "aaaa0002");
    assert_int_equal(b2->status, CT_STATUS_SUPPRESSED);
    assert_int_equal(ct_triage_reopen(&s, b2, NULL, oid, &err), 0);
    assert_int_equal(b2->status, CT_STATUS_OPEN);
    assert_non_null(b2->suppressed_by);
    ct_session_close(&s);
    assert_int_equal(sh("git -C %s fsck --strict >/dev/null 2>&1", repo), 0);
    ct_sbuf_free(&err);
    free(path);
    free(repo);
}

static void test_missing_identity_is_a_clear_error(void **st)
{
    (void)st;
    ct_session s;
    char *repo = open_new(&s); /* creates and seeds it */
    ct_session_close(&s);
    char *before = head(repo);
    open_s(&s, repo, NULL);
    ct_alert *a = alert_of(&s, "aaaa0003");
    char oid[41];
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_triage_ack(&s, a, NULL, oid, &err), -1);
    assert_non_null(strstr(err.buf, "--analyst"));
    assert_non_null(strstr(err.buf, "user.name"));
    size_t n;
    static const char *const keep[] = {"actor id", NULL};
    ct_exc_candidate *c = cands(&s, a, &n, keep);
    ct_fp_request rq = {a, c, n, "x", CT_TIME_NONE, 0, 0};
    ct_sbuf_reset(&err);
    assert_int_equal(ct_triage_fp(&s, &rq, oid, &err), -1);
    assert_non_null(strstr(err.buf, "identity"));
    ct_exc_candidates_free(c, n);
    assert_int_equal(a->status, CT_STATUS_OPEN);
    ct_session_close(&s);
    char *after = head(repo);
    assert_string_equal(before, after);
    char *porcelain = out("git -C %s status --porcelain --untracked-files=all", repo);
    assert_string_equal(porcelain, "");
    /* the repo's own git config is an identity */
    assert_int_equal(sh("git -C %s config user.name 'Repo Person' && git -C %s config user.email rp@example.com",
                        repo, repo), 0);
    open_s(&s, repo, NULL);
    a = alert_of(&s, "aaaa0003");
    ct_sbuf_reset(&err);
    assert_int_equal(ct_triage_ack(&s, a, NULL, oid, &err), 0);
    assert_string_equal(a->decision_by, "Repo Person <rp@example.com>");
    ct_session_close(&s);
    char *log = out("git -C %s log -1 --format=%%an", repo);
    assert_string_equal(log, "Repo Person\n");
    free(log);
    free(porcelain);
    free(after);
    free(before);
    ct_sbuf_free(&err);
    free(repo);
}

static int has_raw_hostile(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == 0x1b || *p == '\r' || *p == 0x7f) return 1;
        if (p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xae) return 1; /* U+202E */
    }
    return 0;
}

static void test_hostile_actor_name_never_raw_in_commit(void **st)
{
    (void)st;
    ct_session s;
    char *repo = open_new(&s);
    ct_alert *a = alert_of(&s, "aaaa0004");
    const char *name = ct_event_str(&s.store, &s.store.ev[a->event], CT_EF_ACTOR_NAME);
    assert_non_null(name);
    assert_true(has_raw_hostile(name)); /* the fixture really is hostile */
    char oid[41];
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_triage_ack(&s, a, "note with \x1b[2J and \r too", oid, &err), 0);
    char *msg = out("git -C %s log -1 --format=%%B", repo);
    assert_false(has_raw_hostile(msg));
    assert_non_null(strstr(msg, " actor=evil\\x1b[31m-app\\x1b[0m\\x0d"));
    assert_non_null(strstr(msg, "\nActor: evil\\x1b[31m-app\\x1b[0m\\x0dsvc-deploy <U+202E>xcod.exe (2f3d6923"));
    assert_non_null(strstr(msg, "note with \\x1b[2J and \\x0d too"));
    free(msg);
    /* fp on the hostile name: subject, body, everything escaped */
    size_t n;
    static const char *const keep[] = {"actor", NULL};
    ct_exc_candidate *c = cands(&s, a, &n, keep);
    ct_fp_request rq = {a, c, n, "reason \xe2\x80\xae with RLO", CT_TIME_NONE, 0, 0};
    ct_sbuf_reset(&err);
    int rc = ct_triage_fp(&s, &rq, oid, &err);
    if (rc) fprintf(stderr, "%s\n", err.buf);
    assert_int_equal(rc, 0);
    ct_exc_candidates_free(c, n);
    assert_int_equal(a->status, CT_STATUS_FALSE_POSITIVE);
    msg = out("git -C %s log -1 --format=%%B", repo);
    assert_false(has_raw_hostile(msg));
    assert_int_equal(strncmp(msg, "exception: Entra ID Application Credential Added: actor=evil\\x1b[31m", 67), 0);
    assert_non_null(strstr(msg, "reason <U+202E> with RLO"));
    /* the file names come from ids only */
    char *files = out("git -C %s show --format= --name-only HEAD", repo);
    assert_false(has_raw_hostile(files));
    assert_null(strstr(files, "evil"));
    /* the value itself is kept exactly in the JSON file (escaped by JSON) */
    char *exc = out("git -C %s show HEAD:$(git -C %s show --format= --name-only HEAD | grep ^exceptions/)", repo, repo);
    assert_non_null(strstr(exc, "\\u001b[31m-app\\u001b[0m\\rsvc-deploy"));
    assert_int_equal(sh("git -C %s fsck --strict >/dev/null 2>&1", repo), 0);
    free(exc);
    free(files);
    free(msg);
    ct_sbuf_free(&err);
    ct_session_close(&s);
    free(repo);
}

static void test_invalid_files_skipped_rest_applies(void **st)
{
    (void)st;
    ct_session s;
    char *repo = open_new(&s);
    ct_alert *a = alert_of(&s, "aaaa0003");
    char oid[41];
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_triage_ack(&s, a, NULL, oid, &err), 0);
    ct_session_close(&s);
    /* hand-made damage next to the good decision */
    assert_int_equal(sh("mkdir -p %s/decisions/2026/12 %s/exceptions/" RULE_STEM, repo, repo), 0);
    assert_int_equal(sh("printf '{broken' > %s/decisions/2026/12/0123456789abcdef.json", repo), 0);
    assert_int_equal(sh("printf '{\"alert_id\":\"x\",\"status\":\"maybe\",\"analyst\":\"a\",\"at\":\"2026-11-01\"}' "
                        "> %s/decisions/2026/12/x.json", repo), 0);
    assert_int_equal(sh("printf '{\"item_id\":\"e1\",\"entries\":[]}' > %s/exceptions/" RULE_STEM "/e1.json", repo), 0);
    /* an expired exception that would match megan's alert */
    assert_int_equal(sh("printf '{\"item_id\":\"old\",\"expire_time\":\"2020-01-01T00:00:00Z\",\"entries\":"
                        "[{\"field\":\"credtriage.actor.name\",\"operator\":\"included\",\"type\":\"match\","
                        "\"value\":\"megan.bowen@contoso.com\"}]}' > %s/exceptions/" RULE_STEM "/old.json", repo), 0);
    /* a live one for the svc alerts */
    assert_int_equal(sh("printf '{\"item_id\":\"live\",\"entries\":[{\"field\":\"credtriage.actor.id\","
                        "\"operator\":\"included\",\"type\":\"match\",\"value\":\"" SVC_SP "\"}]}' "
                        "> %s/exceptions/" RULE_STEM "/live.json", repo), 0);
    ct_sbuf_reset(&g_diag);
    open_s(&s, repo, ANALYST);
    const char *p = ct_triage_problems(&s);
    assert_non_null(strstr(p, "decisions/2026/12/0123456789abcdef.json: not valid JSON"));
    assert_non_null(strstr(p, "decisions/2026/12/x.json: unknown status \"maybe\""));
    assert_non_null(strstr(p, "exceptions/" RULE_STEM "/e1.json: item e1: no entries"));
    assert_non_null(strstr(g_diag.buf, "decisions/2026/12/x.json: unknown status"));
    assert_int_equal(status_of(&s, "aaaa0003"), CT_STATUS_ACKNOWLEDGED);
    assert_int_equal(status_of(&s, "aaaa0001"), CT_STATUS_SUPPRESSED);
    assert_int_equal(status_of(&s, "aaaa0002"), CT_STATUS_SUPPRESSED);
    assert_int_equal(status_of(&s, "aaaa0004"), CT_STATUS_OPEN);
    const ct_exc_item *old = ct_triage_exception(&s, "old");
    assert_non_null(old);
    assert_true(ct_exc_expired(old, ct_exc_now()));
    ct_session_close(&s);
    ct_sbuf_free(&err);
    free(repo);
}

/* Every alert's id, status and suppressing exception, one line each, in the
 * session's order. */
static char *statuses(ct_session *s)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (size_t i = 0; i < s->alerts.n; i++) {
        const ct_alert *a = &s->alerts.v[i];
        const char *rid = ct_event_str(&s->store, &s->store.ev[a->event], CT_EF_RECORD_ID);
        const char *key = rid ? strstr(rid, "aaaa") : NULL; /* "Directory_aaaa0001-..." */
        ct_sbuf_addf(&b, "%.8s %s %s\n", key ? key : "?", ct_status_name(a->status),
                     a->suppressed_by ? a->suppressed_by : "-");
    }
    char *r = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return r;
}

/* An exception on a value holding invalid UTF-8: the repo file holds U+FFFD
 * (what the writer makes of it) while the event keeps its raw bytes; it must
 * suppress the same alerts before and after it is read back (it stopped
 * matching after a reload). svc-deploy's display name becomes
 * "svc-dep\xffloy\xc3" in records aaaa0001-0002; aaaa0003 is megan's. */
static void test_fp_on_invalid_utf8_survives_reload(void **st)
{
    (void)st;
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(ct_read_file(FIXTURE, &data, &len), 0);
    ct_sbuf bad;
    ct_sbuf_init(&bad);
    const char *from = "\"displayName\": \"svc-deploy\"", *p = data;
    int lines = 0;
    for (const char *q; lines < 3 && (q = strstr(p, from)) && q < strchr(p, '\n');) {
        ct_sbuf_addn(&bad, p, (size_t)(q - p));
        ct_sbuf_add(&bad, "\"displayName\": \"svc-dep\xffloy\xc3\"");
        p = q + strlen(from);
        const char *nl = strchr(p, '\n');
        ct_sbuf_addn(&bad, p, (size_t)(nl + 1 - p));
        p = nl + 1;
        lines++;
    }
    const char *nl = strchr(p, '\n'); /* aaaa0003: as it is */
    ct_sbuf_addn(&bad, p, (size_t)(nl + 1 - p));
    assert_int_equal(lines, 2);
    char *file = fmt("%s/badutf8.ndjson", g_root);
    assert_int_equal(ct_write_file_atomic(file, bad.buf, bad.len), 0);
    free(data);
    ct_sbuf_free(&bad);

    ct_session s;
    char *repo = fmt("%s/repo%d", g_root, ++g_n);
    open_file(&s, repo, ANALYST, file, 3);
    ct_alert *a = alert_of(&s, "aaaa0001");
    size_t n;
    static const char *const keep[] = {"actor", NULL};
    ct_exc_candidate *c = cands(&s, a, &n, keep);
    assert_string_equal(cand(c, n, "actor")->value, "svc-dep\xffloy\xc3"); /* the raw bytes */
    ct_fp_request rq = {a, c, n, "svc-deploy's rotation", CT_TIME_NONE, 0, 0};
    char oid[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_triage_fp(&s, &rq, oid, &err);
    if (rc) fprintf(stderr, "%s\n", err.buf);
    assert_int_equal(rc, 0);
    ct_exc_candidates_free(c, n);
    const char *item = alert_of(&s, "aaaa0002")->suppressed_by;
    assert_non_null(item);
    char *want = fmt("aaaa0001 false_positive %s\naaaa0002 suppressed %s\naaaa0003 open -\n", item, item);
    char *before = statuses(&s);
    ct_session_close(&s);
    /* the file holds the written form */
    char *exc = out("git -C %s show HEAD:$(git -C %s show --format= --name-only HEAD | grep ^exceptions/) "
                    "| grep '\"value\"'", repo, repo);
    assert_string_equal(exc, "      \"value\": \"svc-dep\xef\xbf\xbdloy\xef\xbf\xbd\"\n");
    /* read back: the same alerts, the same statuses */
    open_file(&s, repo, ANALYST, file, 3);
    char *after = statuses(&s);
    assert_string_equal(before, want);
    assert_string_equal(after, want);
    ct_session_close(&s);
    free(exc), free(before), free(after), free(want);
    ct_sbuf_free(&err);
    free(repo);
    free(file);
}

static int setup(void **st)
{
    (void)st;
    snprintf(g_root, sizeof g_root, "/tmp/ct-triage-XXXXXX");
    if (!mkdtemp(g_root)) return -1;
    snprintf(g_home, sizeof g_home, "%s/home", g_root);
    if (ct_mkdirs(g_home, 0700) < 0) return -1;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) return -1;
    setenv("CREDTRIAGE_DATADIR", cwd, 1);
    tu_isolate_git(g_home);
    ct_sbuf_init(&g_diag);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    ct_sbuf_free(&g_diag);
    git_libgit2_shutdown();
    if (!getenv("CT_KEEP_TMP")) sh("rm -rf %s", g_root);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_candidates_prefer_provider_fields),
        cmocka_unit_test(test_fp_writes_both_files_in_one_commit),
        cmocka_unit_test(test_close_matching_and_force),
        cmocka_unit_test(test_refusals_write_nothing),
        cmocka_unit_test(test_ack_remediate_reopen),
        cmocka_unit_test(test_missing_identity_is_a_clear_error),
        cmocka_unit_test(test_hostile_actor_name_never_raw_in_commit),
        cmocka_unit_test(test_invalid_files_skipped_rest_applies),
        cmocka_unit_test(test_fp_on_invalid_utf8_survives_reload),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
