/* decisions: one file per alert in the rules repo holding the alert's CURRENT
 * decision; the history of the alert is the git history of that file.
 *
 * decisions/<YYYY>/<MM>/<alert id>.json, YYYY/MM of the alert's time (so the
 * file of an alert never moves; "0000/00" when the time is unknown):
 *   {alert_id, rule_id, rule_name, status, analyst, at, note,
 *    exception (false_positive), steps[] (remediated),
 *    event {file, line, dataset, record_id}, actor{}, target{}, credential{},
 *    based_on (the HEAD commit it was made on), previous {analyst, status, at} | null}
 * status: acknowledged | false_positive | remediated | open (a reopen). */
#ifndef CT_DECISIONS_H
#define CT_DECISIONS_H
#include <cjson/cJSON.h>
#include <stdint.h>
#include "alerts.h"
#include "store.h"
#include "util.h"

typedef struct ct_decision {
    char *alert_id, *rule_id, *rule_name;
    ct_status status;       /* OPEN for a reopen */
    char *analyst;          /* "Name <email>" */
    int64_t at;             /* ms UTC */
    char *note;             /* may be NULL */
    char *exception;        /* item_id, false_positive only */
    char **steps;           /* remediated only */
    size_t nsteps;
    char *ev_file, *ev_dataset, *ev_record_id;
    uint64_t ev_line;
    cJSON *actor, *target, *credential; /* owned, may be NULL */
    char *path;             /* relative to the repo root, when loaded */
    /* the state the decision was made on: the HEAD commit ("based_on"), and
     * the decision it replaced ("previous", has_prev 0: none) */
    char *based_on;
    int has_prev;
    char *prev_analyst;
    ct_status prev_status;
    int64_t prev_at;
} ct_decision;

void ct_decision_free(ct_decision *d);
/* Validate and parse; 0, or -1 + reason. */
int ct_decision_from_json(const cJSON *j, ct_decision *out, ct_sbuf *err);
cJSON *ct_decision_to_json(const ct_decision *d);
/* "acknowledged", "false_positive", "remediated", "open" */
const char *ct_decision_status_word(ct_status st);
char *ct_decision_to_file(const ct_decision *d); /* pretty, trailing newline */
/* decisions/<YYYY>/<MM>/<alert id>.json */
void ct_decision_path(const char *alert_id, int64_t alert_ts, ct_sbuf *out);
/* Fill d from an alert: ids, rule, event and entities (status, analyst, at,
 * note, exception, steps are left to the caller). */
void ct_decision_from_alert(ct_decision *d, const ct_store *st, const ct_alert *a);

typedef struct ct_decision_set {
    ct_decision *v;
    size_t n;
} ct_decision_set;
/* Every decisions/YYYY/MM/<id>.json under root; invalid files are reported
 * through diag ("FILE: reason") and skipped. Returns the number of problems.
 * Sorted by alert id; when two files name one alert, the later "at" wins. */
size_t ct_decisions_load(const char *root, ct_decision_set *out, ct_diag_fn diag, void *ctx);
void ct_decisions_free(ct_decision_set *s);
const ct_decision *ct_decisions_find(const ct_decision_set *s, const char *alert_id);

/* The decision of an alert as loaded by the last ct_triage_apply (triage.c). */
struct ct_session;
const ct_decision *ct_triage_decision(const struct ct_session *s, const char *alert_id);
/* The response steps of the alert's rule guide, filled with the alert's
 * values (ct_guide_fill + ct_guide_response_steps); *n = 0 without a guide.
 * Free with ct_guide_steps_free. 0 ok, -1 parse error. */
int ct_triage_response_steps(struct ct_session *s, const ct_alert *a, char ***steps, size_t *n);
/* Problems ("FILE: reason" lines) met by the last ct_triage_apply; "" if none. */
const char *ct_triage_problems(const struct ct_session *s);

#endif
