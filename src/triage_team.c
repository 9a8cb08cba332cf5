/* triage_team: the team's actions around a decision (issue #18): a note
 * added to an alert's thread (append-only: one new file per note) and the
 * alert's assignee, each one commit by the analyst. Calls triage_commit.c. */
#include "triage_int.h"

#include <stdlib.h>
#include <string.h>
#include "exceptions.h"
#include "notes.h"
#include "sanitize.h"

static void subject(const char *word, const ct_alert *a, ct_sbuf *msg)
{
    ct_sbuf_addf(msg, "%s: ", word);
    ct_san_line(a->rule_name ? a->rule_name : (a->rule_id ? a->rule_id : "unknown rule"), 80, msg);
    ct_sbuf_addf(msg, ": %s", a->id);
}

int ct_triage_note(ct_session *s, ct_alert *a, const char *text, char oid[41], ct_sbuf *err)
{
    if (ct_triage__need_repo(s, err) < 0) return -1;
    if (!text || !*text) {
        ct_sbuf_add(err, "a note needs its text");
        return -1;
    }
    char *analyst = ct_triage__analyst_of(s, err);
    if (!analyst) return -1;
    ct_note n = {analyst, ct_exc_now(), (char *)text};
    ct_sbuf path, msg;
    ct_sbuf_init(&path);
    ct_sbuf_init(&msg);
    ct_note_path(a->id, a->ts, &n, &path);
    char *body = ct_note_to_file(a->id, &n);
    subject("note", a, &msg);
    ct_sbuf_add(&msg, "\n\n");
    ct_triage__note_block("Note", text, &msg);
    ct_sbuf_addc(&msg, '\n');
    ct_triage__alert_body(s, a, &msg);
    ct_repo_file f = {path.buf, body, strlen(body)};
    int rc = ct_triage__commit(s, &f, 1, msg.buf, oid, err);
    free(body);
    free(analyst);
    ct_sbuf_free(&path);
    ct_sbuf_free(&msg);
    return rc;
}

int ct_triage_assign(ct_session *s, ct_alert *a, const char *to, char oid[41], ct_sbuf *err)
{
    if (ct_triage__need_repo(s, err) < 0) return -1;
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
    ct_sbuf path, msg;
    ct_sbuf_init(&path);
    ct_sbuf_init(&msg);
    ct_assignment_path(a->id, a->ts, &path);
    char *body = ct_assignment_to_file(a->id, &as);
    subject(*who ? "assign" : "unassign", a, &msg);
    if (*who) {
        ct_sbuf_add(&msg, " to ");
        ct_san_line(who, 80, &msg);
    }
    ct_sbuf_add(&msg, "\n\n");
    ct_triage__alert_body(s, a, &msg);
    ct_sbuf_add(&msg, "Assignee: ");
    ct_san_line(*who ? who : "nobody", 0, &msg);
    ct_sbuf_addc(&msg, '\n');
    ct_repo_file f = {path.buf, body, strlen(body)};
    int rc = ct_triage__commit(s, &f, 1, msg.buf, oid, err);
    free(body);
    free(who);
    free(analyst);
    ct_sbuf_free(&path);
    ct_sbuf_free(&msg);
    return rc;
}
