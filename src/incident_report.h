/* incident_report: the case report of one incident, for the ticket:
 * summary (score, severity, status, times, lead), evidence (the score's
 * factors), entities, timeline (the incident's changes, each once, and every
 * use of a credential they created, in time order), alerts (with their
 * source file and line), and decisions with the commits that made them.
 * Markdown (log text sanitized and escaped) or JSON (`incidents --json`'s
 * object plus "timeline" and "decisions"). Used by `credtriage report`. */
#ifndef CT_INCIDENT_REPORT_H
#define CT_INCIDENT_REPORT_H
#include "incident.h"
#include "session.h"

typedef enum ct_report_format { CT_REPORT_MD, CT_REPORT_JSON } ct_report_format;

/* Append the report of inc (built over s's alerts) to out; 0, or -1 with err. */
int ct_incident_report(ct_session *s, const ct_incident *inc, ct_report_format fmt, ct_sbuf *out, ct_sbuf *err);

#endif
