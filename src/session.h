/* session: everything one triage run holds — events, rules, alerts, the
 * correlation index, the rules repo with its exceptions and decisions. The
 * console and the batch commands open the same session and call the same
 * functions (triage.h). */
#ifndef CT_SESSION_H
#define CT_SESSION_H
#include "alerts.h"
#include "corr.h"
#include "gitstore.h"
#include "rules.h"
#include "store.h"

struct ct_triage_state; /* exceptions + decisions, owned by triage.c */

typedef struct ct_session_opts {
    const char *repo_dir;      /* --repo; NULL: $CREDTRIAGE_REPO, else the default dir */
    const char *analyst;       /* --analyst "Name <email>", or NULL (git config) */
    int replace_others;        /* --replace: see ct_session.replace_others */
    int need_repo;             /* create/seed the repo when missing (decision commands) */
    int no_repo;               /* read-only on the shipped rules, whatever repo exists */
    const char *readonly_why;  /* with no_repo: why (kept in ct_session.readonly_why) */
    int no_index;              /* no correlation index (scan lists alerts only); corr stays NULL */
    char *const *files;        /* FILE operands */
    int nfiles;
    int window_set;
    int64_t window_ms;         /* correlation window each side */
    ct_diag_fn diag;           /* NULL: "FILE:LINE: msg" on stderr */
    void *diag_ctx;
    ct_progress_fn progress;
    void *progress_ctx;
    void (*on_file)(void *progress_ctx, size_t i); /* ct_session_add_files: file i is next */
    /* Progressive loading (the console): alerts appear while files load.
     * With step_bytes, big NDJSON files load in steps (store.h) and the
     * store calls on_events after each step (no lock held); it calls
     * ct_session_scan_new to scan the new events, append their alerts to
     * s->alerts (unsorted until ct_session_finish) with their statuses, and
     * publishes them when that returns 1. The loader's changes that a reader
     * on another thread could see happen between lock and unlock. These are
     * given to the store as they are: the store never calls the session. */
    size_t step_bytes;
    void (*lock)(void *ctx);
    void (*unlock)(void *ctx);
    void (*on_events)(void *ctx);
    void *hook_ctx;
} ct_session_opts;

typedef struct ct_session {
    ct_store store;
    ct_ruleset rules;
    ct_alerts alerts;
    ct_corr *corr;
    ct_repo *repo;             /* NULL when running on the shipped rules without a repo */
    char *repo_dir;            /* the repo's path (even when not opened) */
    char *rules_root;          /* where rules/ and guides/ were read from */
    char *analyst;             /* as given, or NULL */
    char *readonly_why;        /* no repo: why, and what would fix it (NULL when a repo is open).
                                  A read-only command (no need_repo) whose repo cannot be created
                                  (no analyst identity) runs on the shipped rules and says why here */
    int64_t window_ms;
    int no_index;
    int missing_files;         /* FILE operands that could not be read */
    size_t rule_errors;
    struct ct_triage_state *triage;
    /* deciding an alert another analyst decided (issue #18): replace_others
     * lets the next decision replace theirs (an explicit --replace); with
     * seen_on_screen (the console, which shows the decision) only a decision
     * made after the state this session loaded is refused, else (the batch
     * commands) any decision by another analyst */
    int replace_others;
    int seen_on_screen;
    /* progressive loading */
    size_t scanned;            /* events [0, scanned) have their rule alerts in alerts */
    /* alerts [0, changed_from) are the same alerts at the same places with the
     * same statuses since the reader last set it to alerts.n (both under the
     * lock): a console rebuilds only the rows of the rest */
    size_t changed_from;
    void (*lock)(void *ctx), (*unlock)(void *ctx);
    void *hook_ctx;
} ct_session;

/* Open: resolve and (when need_repo, or when it already exists) open the rules
 * repo, load its rules (else the shipped ones), load the files, scan, build the
 * correlation index, apply exceptions and decisions. Returns 0, or -1 with a
 * message (repo / rules failures); unreadable files only count in
 * missing_files. */
int ct_session_open(ct_session *s, const ct_session_opts *o, ct_sbuf *err);
/* Split open for the console: everything but the files, then files one by one. */
int ct_session_begin(ct_session *s, const ct_session_opts *o, ct_sbuf *err);
int ct_session_add_file(ct_session *s, const char *path);
/* Every path, several at once (ct_store_load_all); the number that could not be read. */
int ct_session_add_files(ct_session *s, char *const *paths, int n);
int ct_session_finish(ct_session *s, ct_sbuf *err); /* scan + index + apply */
/* Progressive loading, from the caller's on_events hook: the rule alerts of
 * the events loaded since the last call, appended with their statuses (under
 * the lock hooks). 1 when alerts or scanned events changed (publish them). */
int ct_session_scan_new(ct_session *s);
/* Build the correlation index now (the console's loader thread, so that
 * ct_session_finish on the drawing thread is short); finish then reuses it. */
void ct_session_index(ct_session *s);
void ct_session_close(ct_session *s);

/* Per status counts over the alerts. */
void ct_session_counts(const ct_session *s, size_t counts[CT_STATUS__COUNT]);

#endif
