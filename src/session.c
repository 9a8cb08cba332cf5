/* session: open the repo, the rules, the inputs; scan; index; apply decisions. */
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "triage.h"

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int resolve_repo_dir(const ct_session_opts *o, ct_sbuf *dir, int *explicit_dir)
{
    *explicit_dir = 0;
    if (o->repo_dir && *o->repo_dir) {
        ct_sbuf_add(dir, o->repo_dir);
        *explicit_dir = 1;
        return 0;
    }
    const char *env = getenv("CREDTRIAGE_REPO");
    if (env && *env) {
        ct_sbuf_add(dir, env);
        *explicit_dir = 1;
        return 0;
    }
    return ct_repo_default_dir(dir);
}

static void s_lock(ct_session *s)
{
    if (s->lock) s->lock(s->hook_ctx);
}

static void s_unlock(ct_session *s)
{
    if (s->unlock) s->unlock(s->hook_ctx);
}

/* Under the lock: the alerts from index i on changed (moved, added, another
 * status), those below stayed as they were: a reader rebuilds only the rest. */
static void changed(ct_session *s, size_t i)
{
    if (i < s->changed_from) s->changed_from = i;
}

/* Rule alerts of the events not scanned yet, appended (progressive loading).
 * The scan only reads the store, which only this thread changes: it runs
 * unlocked; appending and giving statuses is under the lock. */
static void scan_new(ct_session *s)
{
    size_t nev = s->store.nev;
    if (s->scanned >= nev) return;
    ct_rules_bind(&s->rules, &s->store);
    ct_alerts fresh;
    ct_scan_events(&s->store, &s->rules, s->scanned, nev, &fresh); /* sorted, unlocked: under the lock only a merge */
    s_lock(s);
    size_t from = s->alerts.n;
    if (fresh.n) {
        s->alerts.v = ct_xrealloc(s->alerts.v, (from + fresh.n) * sizeof *s->alerts.v);
        memcpy(s->alerts.v + from, fresh.v, fresh.n * sizeof *fresh.v);
        s->alerts.n = from + fresh.n;
    }
    s->scanned = nev;
    ct_alerts_number(&s->alerts, from);
    ct_triage_apply_new(s, from);
    /* the list stays in order (time, then id) all through the load, so the
     * finish sorts only what it adds */
    changed(s, ct_alerts_merge_tail(&s->alerts, from));
    s_unlock(s);
    free(fresh.v);
}

int ct_session_scan_new(ct_session *s)
{
    size_t before = s->alerts.n, scanned = s->scanned;
    scan_new(s);
    return s->alerts.n != before || s->scanned != scanned;
}

int ct_session_begin(ct_session *s, const ct_session_opts *o, ct_sbuf *err)
{
    memset(s, 0, sizeof *s);
    ct_store_init(&s->store);
    if (o->diag) {
        s->store.diag = o->diag;
        s->store.diag_ctx = o->diag_ctx;
    }
    s->store.progress = o->progress;
    s->store.progress_ctx = o->progress_ctx;
    s->store.on_file = o->on_file;
    if (o->step_bytes) {
        /* the caller's hooks, given to the store as they are: the store never
         * calls back into the session (the caller's on_events does, through
         * ct_session_scan_new) */
        s->lock = o->lock;
        s->unlock = o->unlock;
        s->hook_ctx = o->hook_ctx;
        s->store.step_bytes = o->step_bytes;
        s->store.on_events = o->on_events;
        s->store.lock = o->lock;
        s->store.unlock = o->unlock;
        s->store.hook_ctx = o->hook_ctx;
    }
    s->window_ms = o->window_set ? o->window_ms : CT_CORR_DEFAULT_WINDOW;
    s->no_index = o->no_index;
    s->analyst = o->analyst ? ct_xstrdup(o->analyst) : NULL;
    s->replace_others = o->replace_others;

    ct_sbuf shipped, dir;
    ct_sbuf_init(&shipped);
    ct_sbuf_init(&dir);
    int have_shipped = ct_rules_shipped_root(&shipped) == 0;
    int explicit_dir = 0;
    int rc = -1;
    if (resolve_repo_dir(o, &dir, &explicit_dir) < 0) {
        ct_sbuf_add(err, "cannot determine the rules repo directory (set --repo or $HOME)");
        goto out;
    }
    s->repo_dir = ct_xstrdup(dir.buf);
    /* A repo is opened when asked for (writes), named, or already there; a
     * read-only run without one uses the shipped rules. */
    int existed = is_dir(dir.buf);
    if (!o->no_repo && (o->need_repo || explicit_dir || existed)) {
        if (ct_repo_open(dir.buf, have_shipped ? shipped.buf : NULL, o->analyst, &s->repo, err) < 0) {
            /* reading alerts must not depend on being able to create the repo */
            if (o->need_repo || existed || !have_shipped) goto out;
            s->readonly_why = ct_sbuf_detach(err);
            s->store.diag(s->store.diag_ctx, dir.buf, 0, s->readonly_why);
            s->rules_root = ct_xstrdup(shipped.buf);
            goto rules;
        }
        if (ct_repo_warning(s->repo))
            s->store.diag(s->store.diag_ctx, dir.buf, 0, ct_repo_warning(s->repo));
        s->rules_root = ct_xstrdup(ct_repo_workdir(s->repo));
        size_t l = strlen(s->rules_root);
        if (l > 1 && s->rules_root[l - 1] == '/') s->rules_root[l - 1] = 0;
    } else if (have_shipped) {
        s->rules_root = ct_xstrdup(shipped.buf);
        s->readonly_why = ct_xstrdup(o->readonly_why ? o->readonly_why
                                     : o->no_repo ? "opened without the rules repo"
                                                  : "no rules repo yet (the first decision creates it)");
    } else {
        ct_sbuf_add(err, "no rules: no rules repo and no shipped rules found "
                         "(install credtriage or pass --repo)");
        goto out;
    }
rules:
    s->rule_errors = (size_t)ct_rules_load(s->rules_root, &s->rules, s->store.diag, s->store.diag_ctx);
    ct_scan_prepare(&s->rules, &s->store);
    rc = 0;
out:
    ct_sbuf_free(&shipped);
    ct_sbuf_free(&dir);
    return rc;
}

int ct_session_add_file(ct_session *s, const char *path)
{
    if (ct_store_load(&s->store, path) < 0) {
        s->missing_files++;
        return -1;
    }
    return 0;
}

void ct_session_index(ct_session *s)
{
    if (s->corr || s->no_index) return;
    ct_corr *c = ct_corr_build(&s->store);
    s_lock(s);
    s->corr = c;
    s_unlock(s);
}

int ct_session_add_files(ct_session *s, char *const *paths, int n)
{
    int missing = ct_store_load_all(&s->store, paths, n);
    s->missing_files += missing;
    return missing;
}

#define FINISH_PART 4096

int ct_session_finish(ct_session *s, ct_sbuf *err)
{
    if (!s->store.step_bytes) {
        ct_rules_bind(&s->rules, &s->store);
        ct_scan(&s->store, &s->rules, &s->alerts);
    } else {
        scan_new(s); /* nothing, unless a file was added after the last step */
        /* each step bound the rules over every event so far; with no
         * events at all they are bound here, as the plain path does */
        if (!s->scanned) ct_rules_bind(&s->rules, &s->store);
        /* the ES|QL rules read the whole store: unlocked, the console browses meanwhile */
        ct_alerts ex = {0};
        size_t excap = 0;
        ct_scan_esql(&s->store, &s->rules, &ex, &excap, NULL, NULL);
        ct_alerts_sort(&ex, 0);
        s_lock(s);
        size_t sorted = s->alerts.n;
        if (ex.n) {
            s->alerts.v = ct_xrealloc(s->alerts.v, (s->alerts.n + ex.n) * sizeof *s->alerts.v);
            memcpy(s->alerts.v + s->alerts.n, ex.v, ex.n * sizeof *ex.v);
            s->alerts.n += ex.n;
        }
        free(ex.v);
        ct_alerts_number(&s->alerts, sorted);
        changed(s, ct_alerts_merge_tail(&s->alerts, sorted));
        s_unlock(s);
        /* Elastic's alert documents, imported, sorted in and merged with
         * ours: all of the list may move (none to import: nothing to do) */
        size_t ndocs = 0;
        for (size_t i = 0; i < s->store.nev; i++) ndocs += (s->store.ev[i].flags & CT_EVF_ALERT) != 0;
        if (ndocs) {
            s_lock(s);
            ct_scan_finish(&s->store, &s->rules, &s->alerts, s->alerts.n);
            changed(s, 0);
            s_unlock(s);
        }
    }
    ct_session_index(s);
    /* the statuses again (the repo as it is now), in parts: the lock is let
     * go between them, as the store's merge does (alerts may have
     * exceptions to match, each against its document) */
    s_lock(s);
    ct_triage_reload(s);
    s_unlock(s);
    uint8_t was[FINISH_PART];
    for (size_t from = 0; from < s->alerts.n; from += FINISH_PART) {
        s_lock(s);
        size_t to = s->alerts.n - from > FINISH_PART ? from + FINISH_PART : s->alerts.n;
        for (size_t i = from; i < to; i++) was[i - from] = s->alerts.v[i].status;
        ct_triage_apply_range(s, from, to);
        for (size_t i = from; i < to; i++)
            if (was[i - from] != s->alerts.v[i].status) {
                changed(s, i);
                break;
            }
        s_unlock(s);
    }
    /* the alerts are final (statuses change later, never order or count):
     * their index is built unlocked (it reads no status), put in locked */
    if (s->corr) {
        ct_corr_alerts *x = ct_corr_alerts_build(s->corr, &s->alerts);
        s_lock(s);
        ct_corr_alerts_set(s->corr, x);
        s_unlock(s);
    }
    (void)err;
    return 0;
}

int ct_session_open(ct_session *s, const ct_session_opts *o, ct_sbuf *err)
{
    if (ct_session_begin(s, o, err) < 0) return -1;
    ct_session_add_files(s, o->files, o->nfiles);
    return ct_session_finish(s, err);
}

void ct_session_close(ct_session *s)
{
    ct_triage_state_free(s->triage);
    ct_corr_free(s->corr);
    ct_alerts_free(&s->alerts);
    ct_rules_free(&s->rules);
    if (s->repo) ct_repo_close(s->repo);
    ct_store_free(&s->store);
    free(s->repo_dir);
    free(s->rules_root);
    free(s->analyst);
    free(s->readonly_why);
    memset(s, 0, sizeof *s);
}

void ct_session_counts(const ct_session *s, size_t counts[CT_STATUS__COUNT])
{
    memset(counts, 0, sizeof(size_t) * CT_STATUS__COUNT);
    for (size_t i = 0; i < s->alerts.n; i++) counts[s->alerts.v[i].status]++;
}
