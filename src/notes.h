/* notes: the team's thread on an alert, and who it is assigned to, as files
 * in the rules repo (issue #18):
 *   notes/<YYYY>/<MM>/<alert id>/<at ms>-<hash>.json  {alert_id, author, at, text}
 *     one file per note, never changed or removed by credtriage: append-only,
 *     and two analysts' notes never touch the same file (no sync conflict);
 *   assignments/<YYYY>/<MM>/<alert id>.json  {alert_id, assignee, by, at}
 *     the current assignee ("" = nobody); its history is git's.
 * YYYY/MM of the alert's time, as for decisions. */
#ifndef CT_NOTES_H
#define CT_NOTES_H
#include <stdint.h>
#include "util.h"

typedef struct ct_note {
    char *author; /* "Name <email>" */
    int64_t at;
    char *text;
} ct_note;

typedef struct ct_assignment {
    char *assignee; /* "Name <email>", "" = unassigned */
    char *by;
    int64_t at;
} ct_assignment;

void ct_note_path(const char *alert_id, int64_t alert_ts, const ct_note *n, ct_sbuf *out);
void ct_assignment_path(const char *alert_id, int64_t alert_ts, ct_sbuf *out);
char *ct_note_to_file(const char *alert_id, const ct_note *n);       /* pretty JSON + newline */
char *ct_assignment_to_file(const char *alert_id, const ct_assignment *a);
/* The alert's notes under the repo root, oldest first; invalid files are
 * skipped and counted (the return value). */
size_t ct_notes_load(const char *root, const char *alert_id, int64_t alert_ts, ct_note **out, size_t *n);
void ct_notes_free(ct_note *v, size_t n);
/* 1 and *out when the alert has an assignment file, 0 when none (or invalid). */
int ct_assignment_load(const char *root, const char *alert_id, int64_t alert_ts, ct_assignment *out);
void ct_assignment_free(ct_assignment *a);

#endif
