/* watch: the console notices the rules repo changing under it (another
 * analyst's decision committed in this repo, a sync from another terminal,
 * a `git pull`): inotify on the git dir, its refs/heads and the decisions
 * folders where available, and in any case a look at HEAD every 2 s. When
 * HEAD moved, the statuses are read again, every view refreshes (the
 * queue's assignees, the alert view's notes too) and the message line says
 * what came in ("2 decisions, 1 note by O. Ther"). :sync does the same after
 * syncing. */
#include "ui_int.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include "gitstore.h"
#include "sanitize.h"

#define POLL_MS 2000.0

static int ifd = -1;
static char seen_head[41];
static double last_look;
static int started;

static void watch_dir(const char *dir)
{
    if (ifd >= 0)
        inotify_add_watch(ifd, dir, IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_ONLYDIR);
}

/* decisions/ and its YYYY/MM folders (new folders: the 2 s look finds them) */
static void watch_tree(const char *root, int depth)
{
    watch_dir(root);
    if (depth == 0) return;
    size_t n = 0;
    char **names = ct_list_dir(root, &n);
    for (size_t i = 0; i < n; i++) {
        ct_sbuf p;
        ct_sbuf_init(&p);
        ct_sbuf_addf(&p, "%s/%s", root, names[i]);
        watch_tree(p.buf, depth - 1);
        ct_sbuf_free(&p);
    }
    ct_strv_free(names, n);
}

void ui_watch_start(void)
{
    started = 1;
    if (!ui.s.repo) return;
    ct_repo_head_id(ui.s.repo, seen_head);
    last_look = ui_now_ms();
    ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (ifd < 0) return; /* the 2 s look alone */
    const char *wd = ct_repo_workdir(ui.s.repo);
    ct_sbuf p;
    ct_sbuf_init(&p);
    ct_sbuf_addf(&p, "%s.git", wd);
    watch_dir(p.buf);
    ct_sbuf_add(&p, "/refs/heads");
    watch_dir(p.buf);
    ct_sbuf_reset(&p);
    ct_sbuf_addf(&p, "%sdecisions", wd);
    watch_tree(p.buf, 2);
    ct_sbuf_free(&p);
}

/* "Name" of "Name <email>" */
static void name_of(const char *who, ct_sbuf *out)
{
    const char *lt = strchr(who, '<');
    size_t n = lt ? (size_t)(lt - who) : strlen(who);
    while (n && who[n - 1] == ' ') n--;
    ct_sbuf tmp;
    ct_sbuf_init(&tmp);
    ct_sbuf_addn(&tmp, who, n ? n : strlen(who));
    ct_san_line(tmp.buf, 40, out);
    ct_sbuf_free(&tmp);
}

static int same_person(const char *a, const char *b)
{
    const char *ea = a ? strrchr(a, '<') : NULL, *eb = b ? strrchr(b, '<') : NULL;
    if (ea && eb) return ct_strcaseeq(ea, eb);
    return a && b && !strcmp(a, b);
}

/* what came in from others, per analyst: "2 decisions, 1 note by O. Ther" */
#define TALLY_MAX 4
typedef struct tally {
    char *who[TALLY_MAX];
    size_t dec[TALLY_MAX], asg[TALLY_MAX], notes[TALLY_MAX];
    size_t n, others, total;
} tally;

static size_t *tally_slot(tally *t, const char *who, int kind)
{
    size_t k = 0;
    while (k < t->n && !same_person(t->who[k], who)) k++;
    if (k == t->n && t->n < TALLY_MAX) t->who[t->n++] = ct_xstrdup(who);
    t->total++;
    if (k == t->n) {
        t->others++;
        return NULL;
    }
    return kind == 0 ? &t->dec[k] : kind == 1 ? &t->asg[k] : &t->notes[k];
}

static void tally_add(tally *t, const char *who, int kind)
{
    size_t *c = tally_slot(t, who, kind);
    if (c) (*c)++;
}

/* The assignments and notes others committed since the statuses were last
 * read (seen_head), from the commits that came in (at most 200 looked at). */
static void tally_team(tally *t)
{
    if (!seen_head[0]) return;
    ct_commit_info *c = NULL;
    size_t n = 0;
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_repo_history(ui.s.repo, NULL, 0, 200, &c, &n, &err) == 0) {
        for (size_t i = 0; i < n && strcmp(c[i].id, seen_head); i++) {
            ct_sbuf who;
            ct_sbuf_init(&who);
            ct_sbuf_addf(&who, "%s <%s>", c[i].author_name ? c[i].author_name : "?",
                         c[i].author_email ? c[i].author_email : "");
            if (!same_person(who.buf, ui.identity))
                for (size_t f = 0; f < c[i].nfiles; f++) {
                    if (!strncmp(c[i].files[f], "assignments/", 12)) tally_add(t, who.buf, 1);
                    else if (!strncmp(c[i].files[f], "notes/", 6)) tally_add(t, who.buf, 2);
                }
            ct_sbuf_free(&who);
        }
        ct_commit_info_free(c, n);
    }
    ct_sbuf_free(&err);
}

static void count_word(ct_sbuf *m, int *first, size_t n, const char *word)
{
    if (!n) return;
    ct_sbuf_addf(m, "%s%zu %s%s", *first ? "" : ", ", n, word, n == 1 ? "" : "s");
    *first = 0;
}

void ui_watch_reread(const char *what)
{
    size_t n = ui.s.alerts.n;
    ct_status *st = ct_xcalloc(n + 1, sizeof *st);
    char **by = ct_xcalloc(n + 1, sizeof *by);
    for (size_t i = 0; i < n; i++) {
        st[i] = ui.s.alerts.v[i].status;
        by[i] = ui.s.alerts.v[i].decision_by ? ct_xstrdup(ui.s.alerts.v[i].decision_by) : NULL;
    }
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_triage_apply(&ui.s, &err) < 0) {
        ui_msg(1, "%s: cannot read the rules repo again: %s", what, err.buf);
    } else {
        /* who decided what came in, ours left out */
        tally t;
        memset(&t, 0, sizeof t);
        for (size_t i = 0; i < n && i < ui.s.alerts.n; i++) {
            const ct_alert *a = &ui.s.alerts.v[i];
            int changed = a->status != st[i] || (a->decision_by && (!by[i] || strcmp(a->decision_by, by[i])));
            if (!changed || !a->decision_by || same_person(a->decision_by, ui.identity)) continue;
            tally_add(&t, a->decision_by, 0);
        }
        tally_team(&t);
        if (t.total) {
            ct_sbuf m;
            ct_sbuf_init(&m);
            for (size_t k = 0; k < t.n; k++) {
                int first = 1;
                if (k) ct_sbuf_add(&m, "; ");
                count_word(&m, &first, t.dec[k], "decision");
                count_word(&m, &first, t.asg[k], "assignment");
                count_word(&m, &first, t.notes[k], "note");
                ct_sbuf_add(&m, " by ");
                name_of(t.who[k], &m);
            }
            if (t.others) ct_sbuf_addf(&m, "; %zu by others", t.others);
            ui_msg(0, "%s: %s", what, m.buf);
            ct_sbuf_free(&m);
        } else if (strcmp(what, "repo changed")) {
            ui_msg(0, "%s: nothing new from others", what);
        }
        for (size_t k = 0; k < t.n; k++) free(t.who[k]);
        ui.gen++;
        ui_refresh_all();
    }
    ui_status_update();
    for (size_t i = 0; i < n; i++) free(by[i]);
    free(by);
    free(st);
    ct_sbuf_free(&err);
    if (ui.s.repo) ct_repo_head_id(ui.s.repo, seen_head);
}

int ui_watch_tick(void)
{
    if (!ui.session_ok || ui.loading) return 0;
    if (!started) ui_watch_start();
    if (!ui.s.repo) return 0;
    int look = ui_now_ms() - last_look >= POLL_MS;
    if (ifd >= 0) {
        char buf[4096];
        while (read(ifd, buf, sizeof buf) > 0) look = 1;
    }
    if (!look) return 0;
    last_look = ui_now_ms();
    char now[41];
    if (ct_repo_head_id(ui.s.repo, now) < 0 || !strcmp(now, seen_head)) return 0;
    ui_watch_reread("repo changed");
    return 1;
}

void ui_watch_sync(void)
{
    if (!ui_need_repo("sync")) return;
    ui_msg(0, "syncing...");
    ui_redraw();
    ct_sync_report rep;
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_repo_sync(ui.s.repo, ui.s.analyst, &rep, &err);
    if (rc < 0) {
        ui_status_update();
        ui_msg(1, "sync: %s", err.buf);
    } else {
        ct_sbuf what;
        ct_sbuf_init(&what);
        ct_sbuf_addf(&what, "synced (fetched %zu, rebased %zu, pushed %zu)", rep.fetched, rep.rebased,
                     rep.pushed);
        ui_watch_reread(what.buf);
        ct_sbuf_free(&what);
    }
    ct_sync_report_free(&rep);
    ct_sbuf_free(&err);
}

void ui_watch_free(void)
{
    if (ifd >= 0) close(ifd);
    ifd = -1;
    started = 0;
}
