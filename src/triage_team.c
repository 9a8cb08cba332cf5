/* triage_team: the team's actions around a decision (issue #18): a note
 * added to an alert's thread (append-only: one new file per note and alert)
 * and the alert's assignee, each ONE commit by the analyst, for one alert or
 * several (an incident's, tagged ones). Calls triage_commit.c. */
#include "triage_int.h"

#include <stdlib.h>
#include <string.h>
#include "exceptions.h"
#include "notes.h"
#include "sanitize.h"

/* "note: <rule>: <id>", or "note: 3 alerts of INC-x: <rule>: <id> +2" */
static void subject(const char *word, ct_alert *const *v, size_t n, const char *label, ct_sbuf *msg)
{
    const ct_alert *a = v[0];
    ct_sbuf_addf(msg, "%s: ", word);
    if (n > 1) {
        ct_sbuf_addf(msg, "%zu alerts", n);
        if (label && *label) {
            ct_sbuf_add(msg, " of ");
            ct_san_line(label, 40, msg);
        }
        ct_sbuf_add(msg, ": ");
    }
    ct_san_line(a->rule_name ? a->rule_name : (a->rule_id ? a->rule_id : "unknown rule"), 80, msg);
    ct_sbuf_addf(msg, ": %s", a->id);
    if (n > 1) ct_sbuf_addf(msg, " +%zu", n - 1);
}

/* the alerts' lines of the message body, a blank line between alerts */
static void bodies(const ct_session *s, ct_alert *const *v, size_t n, ct_sbuf *msg)
{
    for (size_t i = 0; i < n; i++) {
        if (i) ct_sbuf_addc(msg, '\n');
        ct_triage__alert_body(s, v[i], msg);
    }
}

static void files_free(ct_repo_file *f, ct_sbuf *paths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)f[i].data);
        ct_sbuf_free(&paths[i]);
    }
    free(f);
    free(paths);
}

int ct_triage_note_many(ct_session *s, ct_alert *const *v, size_t n, const char *text, const char *label,
                        char oid[41], ct_sbuf *err)
{
    if (ct_triage__need_repo(s, err) < 0) return -1;
    if (!n) {
        ct_sbuf_add(err, "no alert");
        return -1;
    }
    if (!text || !*text) {
        ct_sbuf_add(err, "a note needs its text");
        return -1;
    }
    char *analyst = ct_triage__analyst_of(s, err);
    if (!analyst) return -1;
    ct_note note = {analyst, ct_exc_now(), (char *)text};
    ct_repo_file *f = ct_xcalloc(n, sizeof *f);
    ct_sbuf *paths = ct_xcalloc(n, sizeof *paths);
    for (size_t i = 0; i < n; i++) {
        ct_sbuf_init(&paths[i]);
        ct_note_path(v[i]->id, v[i]->ts, &note, &paths[i]);
        char *body = ct_note_to_file(v[i]->id, &note);
        f[i] = (ct_repo_file){paths[i].buf, body, strlen(body)};
    }
    ct_sbuf msg;
    ct_sbuf_init(&msg);
    subject("note", v, n, label, &msg);
    ct_sbuf_add(&msg, "\n\n");
    ct_triage__note_block("Note", text, &msg);
    ct_sbuf_addc(&msg, '\n');
    bodies(s, v, n, &msg);
    int rc = ct_triage__commit(s, f, n, msg.buf, oid, err);
    files_free(f, paths, n);
    free(analyst);
    ct_sbuf_free(&msg);
    return rc;
}

int ct_triage_note(ct_session *s, ct_alert *a, const char *text, char oid[41], ct_sbuf *err)
{
    return ct_triage_note_many(s, &a, 1, text, NULL, oid, err);
}

int ct_triage_assign_many(ct_session *s, ct_alert *const *v, size_t n, const char *to, const char *label,
                          char oid[41], ct_sbuf *err)
{
    if (ct_triage__need_repo(s, err) < 0) return -1;
    if (!n) {
        ct_sbuf_add(err, "no alert");
        return -1;
    }
    char *analyst = ct_triage__analyst_of(s, err);
    if (!analyst) return -1;
    char *who = NULL;
    if (!to) {
        who = ct_xstrdup(analyst);
    } else if (*to) {
        /* "Name <email>", validated as an identity */
        char *name = NULL, *email = NULL;
        if (ct_repo_identity(s->repo, to, &name, &email, err) < 0) {
            free(analyst);
            return -1;
        }
        ct_sbuf b;
        ct_sbuf_init(&b);
        ct_sbuf_addf(&b, "%s <%s>", name, email);
        who = ct_sbuf_detach(&b);
        ct_sbuf_free(&b);
        free(name);
        free(email);
    } else {
        who = ct_xstrdup("");
    }
    ct_assignment as = {who, analyst, ct_exc_now()};
    ct_repo_file *f = ct_xcalloc(n, sizeof *f);
    ct_sbuf *paths = ct_xcalloc(n, sizeof *paths);
    for (size_t i = 0; i < n; i++) {
        ct_sbuf_init(&paths[i]);
        ct_assignment_path(v[i]->id, v[i]->ts, &paths[i]);
        char *body = ct_assignment_to_file(v[i]->id, &as);
        f[i] = (ct_repo_file){paths[i].buf, body, strlen(body)};
    }
    ct_sbuf msg;
    ct_sbuf_init(&msg);
    subject(*who ? "assign" : "unassign", v, n, label, &msg);
    if (*who) {
        ct_sbuf_add(&msg, " to ");
        ct_san_line(who, 80, &msg);
    }
    ct_sbuf_add(&msg, "\n\n");
    bodies(s, v, n, &msg);
    ct_sbuf_add(&msg, "Assignee: ");
    ct_san_line(*who ? who : "nobody", 0, &msg);
    ct_sbuf_addc(&msg, '\n');
    int rc = ct_triage__commit(s, f, n, msg.buf, oid, err);
    files_free(f, paths, n);
    free(who);
    free(analyst);
    ct_sbuf_free(&msg);
    return rc;
}

int ct_triage_assign(ct_session *s, ct_alert *a, const char *to, char oid[41], ct_sbuf *err)
{
    return ct_triage_assign_many(s, &a, 1, to, NULL, oid, err);
}
