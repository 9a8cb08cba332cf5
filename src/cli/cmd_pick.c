/* pick: the alerts a decision command names, the session it opens and the
 * line it prints when done (pick.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "out.h"
#include "pick.h"
#include "sanitize.h"
#include "triage.h"

/* Print s sanitized (single line). */
void ct_pick_put(FILE *f, const char *s)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_displayz(s, 0, &b);
    ct_out_block(f, b.buf, b.len);
    ct_sbuf_free(&b);
}

/* Open the session on the FILE operands; 0 ok, else an exit code (message printed). */
int ct_pick_open_session(const char *cmd, ct_session *s, ct_session_opts *o, char **files, int nfiles,
                         int need_repo)
{
    o->files = files;
    o->nfiles = nfiles;
    return ct_cli_open_session(cmd, s, o, need_repo, "no rules repo (pass --repo DIR)");
}

static ct_alert *find_alert(const char *cmd, ct_session *s, const char *id)
{
    ct_alert *a = ct_alerts_find(&s->alerts, id);
    if (!a) {
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_addf(&m, "no alert '%s' in the loaded files (or the prefix is ambiguous)", id);
        if (s->missing_files) ct_sbuf_addf(&m, "; %d FILE(s) could not be read", s->missing_files);
        ct_cli_put_err(cmd, m.buf);
        ct_sbuf_free(&m);
    }
    return a;
}

/* ---- several alerts: ALERT_ID... or INCIDENT_ID before the FILEs ---- */

static int looks_like_id(const char *a)
{
    size_t n = strlen(a);
    if (n >= 8 && ct_strncaseeq(a, "INC-", 4)) return 1;
    if (n < 4 || n > 16) return 0;
    for (const char *p = a; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F'))) return 0;
    return 1;
}

/* How many operands from argv[from] are ids: the first always (as before),
 * then each that looks like an alert or incident id and is no existing file. */
int ct_pick_count_ids(int argc, char **argv, int from)
{
    int n = 1;
    while (from + n < argc && looks_like_id(argv[from + n]) && access(argv[from + n], F_OK) != 0) n++;
    return n;
}

void ct_pick_free(ct_picked *p)
{
    free(p->v);
    if (p->have_in) ct_incidents_free(&p->in);
    memset(p, 0, sizeof *p);
}

static void pick_add(ct_picked *p, ct_alert *a)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->v[i] == a) return;
    p->v = ct_xrealloc(p->v, (p->n + 1) * sizeof *p->v);
    p->v[p->n++] = a;
}

/* The alerts the ids name (an incident: all of its alerts); 0, else an exit code. */
int ct_pick(const char *cmd, ct_session *s, char **ids, int nids, ct_picked *p)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < nids; i++) {
        if (ct_strncaseeq(ids[i], "INC-", 4)) {
            if (!p->have_in) {
                if (ct_incidents_build(&s->store, &s->alerts, s->corr, s->window_ms, &p->in) < 0) {
                    ct_cli_put_err(cmd, "no correlation index: incidents need one");
                    return CT_EXIT_REPO;
                }
                p->have_in = 1;
            }
            ct_incident *inc = ct_incidents_find(&p->in, ids[i]);
            if (!inc) {
                ct_sbuf m;
                ct_sbuf_init(&m);
                ct_sbuf_addf(&m, "no incident '%s' in the loaded files (or the prefix is ambiguous)", ids[i]);
                ct_cli_put_err(cmd, m.buf);
                ct_sbuf_free(&m);
                return CT_EXIT_NOTFOUND;
            }
            p->label = inc->id;
            for (size_t j = 0; j < inc->nalerts; j++) pick_add(p, &s->alerts.v[inc->alerts[j]]);
            continue;
        }
        ct_alert *a = find_alert(cmd, s, ids[i]);
        if (!a) return CT_EXIT_NOTFOUND;
        pick_add(p, a);
    }
    if (nids > 1) p->label = NULL; /* several named: no one incident */
    return 0;
}

void ct_pick_summary(const ct_picked *p, const char *word, ct_sbuf *m)
{
    ct_sbuf_addf(m, "%s: %zu alert%s", word, p->n, p->n == 1 ? "" : "s");
    if (p->label) ct_sbuf_addf(m, " of %s", p->label);
    ct_sbuf_add(m, " (");
    for (size_t i = 0; i < p->n; i++) ct_sbuf_addf(m, "%s%s", i ? " " : "", p->v[i]->id);
    ct_sbuf_add(m, ") ->");
    for (size_t i = 0; i < p->n; i++)
        if (!i || p->v[i]->status != p->v[0]->status) ct_sbuf_addf(m, " %s", ct_status_name(p->v[i]->status));
}

/* The analyst must be known before anything is written. */
int ct_pick_check_identity(const char *cmd, ct_session *s)
{
    char *n = NULL, *e = NULL;
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_repo_identity(s->repo, s->analyst, &n, &e, &err);
    if (rc < 0) ct_cli_put_err(cmd, err.buf);
    free(n);
    free(e);
    ct_sbuf_free(&err);
    return rc;
}

void ct_pick_done(const char *oid, const char *summary)
{
    ct_out_printf(stdout, "%s %s\n", *oid ? oid : "(no change)", summary);
}

void ct_pick_alert_summary(const ct_session *s, const ct_alert *a, ct_sbuf *out)
{
    ct_sbuf_addf(out, "alert %s (", a->id);
    ct_san_displayz(a->rule_name ? a->rule_name : a->rule_id, 0, out);
    ct_sbuf_addc(out, ')');
    ct_triage_alert_parties(s, a, 0, out);
}
