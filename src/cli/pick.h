/* pick: what the decision commands (ack, reopen and remediate in
 * cmd_triage.c, fp in cmd_fp.c) share — the alerts and incidents they name
 * before the FILEs, the session they open, the analyst check and the line
 * each prints when done. Internal to those commands. */
#ifndef CT_PICK_H
#define CT_PICK_H
#include <stdio.h>
#include "incident.h"
#include "session.h"

#define COMMON_OPTS {"repo", required_argument, NULL, 'R'}, {"analyst", required_argument, NULL, 'A'}, \
                    {"replace", no_argument, NULL, 'P'}, {"help", no_argument, NULL, 'h'}, CT_CLI_STRICT_OPT

/* the alerts the ids name (an incident's: all of its alerts), each once */
typedef struct ct_picked {
    ct_alert **v;
    size_t n;
    const char *label; /* the incident id when one was named */
    ct_incidents in;
    int have_in;
} ct_picked;

/* Print s sanitized (single line). */
void ct_pick_put(FILE *f, const char *s);
/* Open the session on the FILE operands; 0 ok, else an exit code (message printed). */
int ct_pick_open_session(const char *cmd, ct_session *s, ct_session_opts *o, char **files, int nfiles,
                         int need_repo);
/* How many operands from argv[from] are ids: the first always, then each that
 * looks like an alert or incident id and is no existing file. */
int ct_pick_count_ids(int argc, char **argv, int from);
/* The alerts the ids name; 0, else an exit code (message printed). */
int ct_pick(const char *cmd, ct_session *s, char **ids, int nids, ct_picked *p);
void ct_pick_free(ct_picked *p);
/* "WORD: N alerts [of INC] (ids) -> statuses" */
void ct_pick_summary(const ct_picked *p, const char *word, ct_sbuf *m);
/* The analyst must be known before anything is written; 0 or -1 (printed). */
int ct_pick_check_identity(const char *cmd, ct_session *s);
/* "OID SUMMARY" on stdout ("(no change)" without a commit) */
void ct_pick_done(const char *oid, const char *summary);
/* "alert ID (rule) actor=.. target=.." sanitized, appended to out */
void ct_pick_alert_summary(const ct_session *s, const ct_alert *a, ct_sbuf *out);

#endif
