/* triage_commit: what every triage action shares: the commit message's
 * alert lines and note block, the repo and analyst it needs, and committing
 * the files as the analyst, then giving every alert its status again
 * (triage_state.c). Called by triage.c and triage_fp.c, calls neither. */
#include "triage_int.h"

#include <stdlib.h>
#include <string.h>
#include "sanitize.h"

void ct_triage__alert_body(const ct_session *s, const ct_alert *a, ct_sbuf *out)
{
    const ct_event *e = &s->store.ev[a->event];
    char t[32];
    ct_time_fmt(a->ts, t);
    ct_sbuf_addf(out, "Alert: %s at %s\nRule: ", a->id, t);
    ct_san_line(a->rule_name ? a->rule_name : "?", 0, out);
    ct_sbuf_add(out, " (");
    ct_san_line(a->rule_id ? a->rule_id : "?", 0, out);
    ct_sbuf_add(out, ")\n");
    static const struct { const char *label; enum ct_ef name, id; } ents[] = {
        {"Actor", CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID},
        {"Target", CT_EF_TARGET_NAME, CT_EF_TARGET_ID},
    };
    for (size_t i = 0; i < CT_ARRAY_LEN(ents); i++) {
        const char *n = ct_event_str(&s->store, e, ents[i].name), *id = ct_event_str(&s->store, e, ents[i].id);
        if (!n && !id) continue;
        ct_sbuf_addf(out, "%s: ", ents[i].label);
        ct_san_line(n ? n : id, 0, out);
        if (n && id && strcmp(n, id)) {
            ct_sbuf_add(out, " (");
            ct_san_line(id, 0, out);
            ct_sbuf_addc(out, ')');
        }
        ct_sbuf_addc(out, '\n');
    }
    const char *cid = ct_event_str(&s->store, e, CT_EF_CRED_ID), *ctype = ct_event_str(&s->store, e, CT_EF_CRED_TYPE);
    if (cid || ctype) {
        ct_sbuf_add(out, "Credential: ");
        ct_san_line(cid ? cid : "?", 0, out);
        if (ctype) {
            ct_sbuf_add(out, " (");
            ct_san_line(ctype, 0, out);
            ct_sbuf_addc(out, ')');
        }
        ct_sbuf_addc(out, '\n');
    }
    ct_sbuf_add(out, "Event: ");
    ct_san_line(ct_event_file(&s->store, e), 0, out);
    char place[64];
    ct_sbuf_addf(out, "%s\n", ct_event_place(e, place));
}

void ct_triage__note_block(const char *label, const char *note, ct_sbuf *out)
{
    if (!note || !*note) return;
    ct_sbuf_addf(out, "%s:\n", label);
    ct_sbuf c;
    ct_sbuf_init(&c);
    ct_san_displayz(note, CT_SAN_MULTILINE, &c);
    for (const char *p = c.buf; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        ct_sbuf_add(out, "  ");
        ct_sbuf_addn(out, p, n);
        ct_sbuf_addc(out, '\n');
        p += n + (nl ? 1 : 0);
    }
    ct_sbuf_free(&c);
}

/* ---- decisions -------------------------------------------------------------------- */

int ct_triage__need_repo(ct_session *s, ct_sbuf *err)
{
    if (s->repo) return 0;
    /* refused, with what would fix it */
    if (s->readonly_why) ct_sbuf_addf(err, "refused: read-only, no rules repo: %s", s->readonly_why);
    else ct_sbuf_add(err, "refused: no rules repo open (pass --repo DIR)");
    return -1;
}

/* "Name <email>" of the analyst, or -1 with gitstore's clear message. */
char *ct_triage__analyst_of(ct_session *s, ct_sbuf *err)
{
    char *name = NULL, *email = NULL;
    if (ct_repo_identity(s->repo, s->analyst, &name, &email, err) < 0) return NULL;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_addf(&b, "%s <%s>", name, email);
    free(name);
    free(email);
    char *r = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return r;
}

/* the e-mail of "Name <email>": one analyst may write their name two ways */
static int same_analyst(const char *a, const char *b)
{
    const char *ea = a ? strrchr(a, '<') : NULL, *eb = b ? strrchr(b, '<') : NULL;
    if (ea && eb) return ct_strcaseeq(ea, eb);
    return a && b && !strcmp(a, b);
}

static int same_decision(const ct_decision *x, const ct_decision *y)
{
    if (!x || !y) return !x && !y;
    return x->status == y->status && x->at == y->at && x->analyst && y->analyst &&
           !strcmp(x->analyst, y->analyst);
}

int ct_triage__decision_base(ct_session *s, const ct_alert *a, const char *path, const char *me,
                             ct_decision *d, char head[41], ct_sbuf *msg_extra, ct_sbuf *err)
{
    char *data = NULL;
    size_t len = 0;
    int fr = ct_repo_head_file(s->repo, path, head, &data, &len, err);
    if (fr < 0) return -1;
    ct_decision cur;
    int have = 0;
    if (fr == 1) {
        ct_sbuf perr;
        ct_sbuf_init(&perr);
        cJSON *j = cJSON_ParseWithLength(data, len);
        have = j && ct_decision_from_json(j, &cur, &perr) == 0;
        cJSON_Delete(j);
        ct_sbuf_free(&perr);
    }
    free(data);
    free(d->based_on);
    free(d->prev_analyst);
    d->based_on = ct_xstrdup(head);
    d->has_prev = have;
    d->prev_analyst = have ? ct_xstrdup(cur.analyst) : NULL;
    d->prev_status = have ? cur.status : CT_STATUS_OPEN;
    d->prev_at = have ? cur.at : CT_TIME_NONE;
    if (!have) return 0;
    int rc = 0;
    if (!same_analyst(cur.analyst, me)) {
        const ct_decision *seen = ct_triage_decision(s, a->id);
        int after = !same_decision(&cur, seen);
        char t[32];
        ct_time_fmt(cur.at, t);
        if (!s->replace_others && (after || !s->seen_on_screen)) {
            ct_sbuf_addf(err, "alert %s was decided by ", a->id);
            ct_san_line(cur.analyst, 80, err);
            ct_sbuf_addf(err, ": %s at %s", ct_decision_status_word(cur.status), t);
            if (cur.note && *cur.note) {
                ct_sbuf_add(err, " (\"");
                ct_san_line(cur.note, 80, err);
                ct_sbuf_add(err, "\")");
            }
            ct_sbuf_add(err, after ? ", after the state you decided on" : "");
            ct_sbuf_addf(err, ". Nothing was changed. Keep theirs (do nothing), replace it "
                              "explicitly (--replace; in the console :replace, then the action "
                              "again: the commit says whose decision it replaces), or add a "
                              "note (credtriage note %s TEXT)", a->id);
            rc = -1;
        } else {
            ct_sbuf_add(msg_extra, "Replaces the decision of ");
            ct_san_line(cur.analyst, 0, msg_extra);
            ct_sbuf_addf(msg_extra, ": %s at %s\n", ct_decision_status_word(cur.status), t);
        }
    }
    ct_decision_free(&cur);
    return rc;
}

int ct_triage__commit_at(ct_session *s, const ct_repo_file *files, size_t n, const char *msg,
                         const char *head, char oid[41], ct_sbuf *err)
{
    char tmp[41] = "";
    int cr = ct_repo_commit_files_at(s->repo, files, n, msg, s->analyst, head, tmp, err);
    if (cr == -2) return -2;
    if (cr < 0) return -1;
    if (oid) memcpy(oid, tmp, 41);
    ct_sbuf aerr;
    ct_sbuf_init(&aerr);
    int rc = ct_triage_apply(s, &aerr);
    if (rc < 0) ct_sbuf_add(err, aerr.buf);
    ct_sbuf_free(&aerr);
    return rc;
}

int ct_triage__commit(ct_session *s, const ct_repo_file *files, size_t n, const char *msg, char oid[41],
                        ct_sbuf *err)
{
    return ct_triage__commit_at(s, files, n, msg, NULL, oid, err); /* NULL: never -2 */
}
