/* triage: the analyst's actions on alerts — acknowledge, false positive (a
 * rule exception), remediated, reopen — written as files in the rules repo and
 * committed with libgit2; and reading them back to give every alert its status.
 * Implemented in triage.c, triage_fp.c, triage_commit.c, triage_state.c and
 * triage_values.c (+ exceptions.c, decisions.c). */
#ifndef CT_TRIAGE_H
#define CT_TRIAGE_H
#include "session.h"

/* (Re)load exceptions/ and decisions/ from the repo and set every alert's
 * status, suppressed_by and decision_by. Without a repo: everything open.
 * Called by ct_session_finish and after every commit, revert and sync. */
int ct_triage_apply(ct_session *s, ct_sbuf *err);
/* The same for the alerts from index `from` on (progressive loading appends
 * them); loads exceptions and decisions only when not loaded yet. */
void ct_triage_apply_new(ct_session *s, size_t from);
/* ct_triage_apply in parts (the console's loader lets the screen in between):
 * the repo's exceptions and decisions read again, then the statuses of the
 * alerts [from, to). */
void ct_triage_reload(ct_session *s);
void ct_triage_apply_range(ct_session *s, size_t from, size_t to);
void ct_triage_state_free(struct ct_triage_state *t);

int ct_triage_ack(ct_session *s, ct_alert *a, const char *note, char oid[41], ct_sbuf *err);
int ct_triage_reopen(ct_session *s, ct_alert *a, const char *note, char oid[41], ct_sbuf *err);
/* steps: 1-based indexes into the guide's response steps (ct_guide_response_steps). */
int ct_triage_remediate(ct_session *s, ct_alert *a, const size_t *steps, size_t nsteps,
                        const char *note, char oid[41], ct_sbuf *err);

/* False positive: exception entries offered from the alert. */
typedef struct ct_exc_candidate {
    char *field;      /* ECS field, e.g. azure.auditlogs.properties.initiated_by.user.userPrincipalName */
    char *value;      /* the alert's value; NULL for an exists entry */
    char *label;      /* short human label: "actor", "target", "credential type", "user agent", "source IP" ... */
    int excluded;     /* operator excluded instead of included */
    int checked;      /* kept by the analyst */
} ct_exc_candidate;
int ct_triage_fp_candidates(ct_session *s, const ct_alert *a, ct_exc_candidate **out, size_t *n);
void ct_exc_candidates_free(ct_exc_candidate *c, size_t n);

typedef struct ct_fp_request {
    const ct_alert *alert;
    const ct_exc_candidate *entries; /* only the checked ones are used */
    size_t nentries;
    const char *reason;   /* required */
    int64_t expires;      /* CT_TIME_NONE: never */
    int force;            /* allow an exception that suppresses every alert of its rule */
    int close_matching;   /* also mark every open alert it matches false positive */
} ct_fp_request;
typedef struct ct_fp_preview {
    size_t rule_matches;  /* loaded alerts of this rule it would suppress */
    size_t rule_total;    /* loaded alerts of this rule */
    size_t total_matches; /* loaded alerts of any rule it would suppress */
} ct_fp_preview;
int ct_triage_fp_preview(ct_session *s, const ct_fp_request *rq, ct_fp_preview *pv, ct_sbuf *err);
/* Writes exceptions/<rule stem>/<item_id>.json and decisions/<YYYY>/<MM>/<alert id>.json in one commit. */
int ct_triage_fp(ct_session *s, const ct_fp_request *rq, char oid[41], ct_sbuf *err);

/* One decision on several alerts (tagged ones, or an incident's: label names
 * it in the message, may be NULL): ONE commit with a decision file for each.
 * remediate_many numbers the steps in the first alert's guide. */
int ct_triage_ack_many(ct_session *s, ct_alert *const *v, size_t n, const char *note, const char *label,
                       char oid[41], ct_sbuf *err);
/* Reopen several alerts in ONE commit; the alerts already open are left out
 * (all open: an error). */
int ct_triage_reopen_many(ct_session *s, ct_alert *const *v, size_t n, const char *note, const char *label,
                          char oid[41], ct_sbuf *err);
int ct_triage_remediate_many(ct_session *s, ct_alert *const *v, size_t n, const size_t *steps, size_t nsteps,
                             const char *note, const char *label, char oid[41], ct_sbuf *err);

/* False positive of several alerts in ONE commit: the alerts are grouped by
 * rule and by their resolved entries (entries[i] / nentries[i] are alert i's
 * checked candidates); each group gets ONE exception, which must match every
 * alert of its group; every alert gets a false-positive decision naming its
 * exception (with close_matching, other open alerts an exception matches
 * too). nexceptions: how many exceptions were written. */
typedef struct ct_fp_many_request {
    ct_alert *const *alerts;
    size_t n;
    const ct_exc_candidate *const *entries;
    const size_t *nentries;
    const char *reason;
    int64_t expires;
    int force;
    int close_matching;
    const char *label;    /* an incident id, or NULL */
} ct_fp_many_request;
int ct_triage_fp_many(ct_session *s, const ct_fp_many_request *rq, char oid[41], size_t *nexceptions,
                      ct_sbuf *err);

int ct_triage_revert(ct_session *s, const char *commit, char oid[41], ct_sbuf *err);

/* An alert's parties as a decision's commit subject and the decision
 * commands' done lines name them: " actor=A target=T", each the event's name,
 * else its id (neither: left out), sanitized to one line and cut at cols
 * columns (<= 0: whole). Appended to out. */
void ct_triage_alert_parties(const ct_session *s, const ct_alert *a, int cols, ct_sbuf *out);

/* triage_team.c: a note appended to the alert's thread (one new file, one
 * commit); the alert assigned to "Name <email>" (to NULL: the analyst; "":
 * nobody). notes.h reads them back. The _many forms: the same for several
 * alerts (a note file / an assignment file each) in ONE commit, whose
 * subject names label (an incident) when given. */
int ct_triage_note(ct_session *s, ct_alert *a, const char *text, char oid[41], ct_sbuf *err);
int ct_triage_assign(ct_session *s, ct_alert *a, const char *to, char oid[41], ct_sbuf *err);
int ct_triage_note_many(ct_session *s, ct_alert *const *v, size_t n, const char *text, const char *label,
                        char oid[41], ct_sbuf *err);
int ct_triage_assign_many(ct_session *s, ct_alert *const *v, size_t n, const char *to, const char *label,
                          char oid[41], ct_sbuf *err);

#endif
