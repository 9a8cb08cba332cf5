/* triage internals shared by triage.c (ack, reopen, remediate, revert),
 * triage_fp.c (false positives), triage_commit.c (what the actions share),
 * triage_state.c (statuses from the repo) and triage_values.c (an alert's
 * values). Calls go actions -> commit -> state, values -> state. Not a
 * public header. */
#ifndef CT_TRIAGE_INT_H
#define CT_TRIAGE_INT_H
#include "triage.h"
#include "decisions.h"

/* triage_state.c: the rule of an alert: its own, else the repo's rule with its rule_id. */
const ct_rule *ct_triage__alert_rule(const ct_session *s, const ct_alert *a);
int ct_triage__same_rule(const ct_session *s, const ct_alert *a, const ct_alert *b);

/* triage_commit.c: commit message parts: the alert's lines, an indented note under a label. */
void ct_triage__alert_body(const ct_session *s, const ct_alert *a, ct_sbuf *out);
void ct_triage__note_block(const char *label, const char *note, ct_sbuf *out);

int ct_triage__need_repo(ct_session *s, ct_sbuf *err);  /* -1 with a message without one */
/* "Name <email>" of the analyst, or NULL with gitstore's clear message. */
char *ct_triage__analyst_of(ct_session *s, ct_sbuf *err);
/* Commit files as the analyst, then re-apply the repo to every alert. */
int ct_triage__commit(ct_session *s, const ct_repo_file *files, size_t n, const char *msg,
                      char oid[41], ct_sbuf *err);
/* No silent overwrite between analysts: read the alert's decision as HEAD
 * has it (path: its decision file) and refuse (-1, err naming who, what,
 * when, and the choices) when it is another analyst's and the session may
 * not replace it (see ct_session.replace_others). Else 0: d's based_on and
 * previous are set, head gets the HEAD commit, and the lines for the commit
 * message ("Replaces the decision of ...") are appended to msg_extra. */
int ct_triage__decision_base(ct_session *s, const ct_alert *a, const char *path, const char *me,
                             ct_decision *d, char head[41], ct_sbuf *msg_extra, ct_sbuf *err);
/* ct_triage__commit only if HEAD is still head: -2 (nothing written) when it moved. */
int ct_triage__commit_at(ct_session *s, const ct_repo_file *files, size_t n, const char *msg,
                         const char *head, char oid[41], ct_sbuf *err);

/* triage_fp.c, for triage_many.c: the exception of a request (built, not
 * written), and the alerts of a's rule it matches (pv counts; matched, when
 * not NULL, gets them). */
struct ct_exc_item;
int ct_triage__fp_item(ct_session *s, const ct_fp_request *rq, const char *analyst, int64_t now,
                       struct ct_exc_item *it, ct_sbuf *err);
void ct_triage__fp_matches(ct_session *s, const ct_alert *a, const struct ct_exc_item *it, int64_t now,
                           ct_fp_preview *pv, const ct_alert ***matched, size_t *nmatched);

#endif
