/* triage: the analyst's decisions on alerts (acknowledge, reopen, remediate,
 * revert) as files in the rules repo, committed with libgit2. False positives
 * are in triage_fp.c; what both share in triage_commit.c; reading the
 * decisions back (every alert's status) in triage_state.c. */
#include "triage_int.h"

#include <stdlib.h>
#include <string.h>
#include "decisions.h"
#include "exceptions.h"
#include "guide.h"
#include "sanitize.h"

/* ---- decisions -------------------------------------------------------------------- */

static const char *ent(const ct_store *st, const ct_event *e, enum ct_ef name, enum ct_ef id)
{
    const char *v = ct_event_str(st, e, name);
    return v ? v : ct_event_str(st, e, id);
}

void ct_triage_alert_parties(const ct_session *s, const ct_alert *a, int cols, ct_sbuf *out)
{
    const ct_event *e = &s->store.ev[a->event];
    const char *actor = ent(&s->store, e, CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID);
    const char *target = ent(&s->store, e, CT_EF_TARGET_NAME, CT_EF_TARGET_ID);
    if (actor) {
        ct_sbuf_add(out, " actor=");
        ct_san_line(actor, cols, out);
    }
    if (target) {
        ct_sbuf_add(out, " target=");
        ct_san_line(target, cols, out);
    }
}

/* "<rule name>: <alert id> actor=... target=..." */
static void alert_line(const ct_session *s, const ct_alert *a, ct_sbuf *out)
{
    ct_san_line(a->rule_name ? a->rule_name : (a->rule_id ? a->rule_id : "unknown rule"), 80, out);
    ct_sbuf_addf(out, ": %s", a->id);
    ct_triage_alert_parties(s, a, 48, out);
}

/* One decision for the alerts v[0..n), all in ONE commit: one decision file
 * each; the message names them all (label: an incident id, or NULL). */
static int write_decisions(ct_session *s, ct_alert *const *v, size_t n, ct_status st, const char *note,
                           char **steps, size_t nsteps, const char *subject_word, const ct_sbuf *extra_body,
                           const char *label, char oid[41], ct_sbuf *err)
{
    if (ct_triage__need_repo(s, err) < 0) return -1;
    if (!n) {
        ct_sbuf_add(err, "no alert");
        return -1;
    }
    char *analyst = ct_triage__analyst_of(s, err);
    if (!analyst) return -1;
    ct_repo_file *files = ct_xcalloc(n, sizeof *files);
    ct_sbuf *paths = ct_xcalloc(n, sizeof *paths);
    char **bodies = ct_xcalloc(n, sizeof *bodies);
    ct_sbuf msg, replaces;
    ct_sbuf_init(&msg);
    ct_sbuf_init(&replaces);
    for (size_t i = 0; i < n; i++) {
        ct_sbuf_init(&paths[i]);
        ct_decision_path(v[i]->id, v[i]->ts, &paths[i]);
    }
    int rc = -1;
    /* decided on HEAD as read now (another analyst's decision is never
     * replaced in silence); another commit in between: read again */
    for (int tries = 0; tries < 5; tries++) {
        char head[41] = "";
        int64_t now = ct_exc_now();
        int refused = 0;
        ct_sbuf_reset(&msg);
        ct_sbuf_reset(&replaces);
        for (size_t i = 0; i < n; i++) {
            free(bodies[i]);
            bodies[i] = NULL;
        }
        for (size_t i = 0; i < n && !refused; i++) {
            ct_decision d;
            memset(&d, 0, sizeof d);
            ct_decision_from_alert(&d, &s->store, v[i]);
            if (ct_triage__decision_base(s, v[i], paths[i].buf, analyst, &d, head, &replaces, err) < 0) {
                refused = 1;
                ct_decision_free(&d);
                break;
            }
            d.status = st;
            d.analyst = ct_xstrdup(analyst);
            d.at = now;
            d.note = note && *note ? ct_xstrdup(note) : NULL;
            d.steps = steps;
            d.nsteps = nsteps;
            bodies[i] = ct_decision_to_file(&d);
            d.steps = NULL;
            d.nsteps = 0;
            ct_decision_free(&d);
            files[i] = (ct_repo_file){paths[i].buf, bodies[i], strlen(bodies[i])};
        }
        if (refused) break;
        ct_sbuf_addf(&msg, "%s: ", subject_word);
        if (n > 1) {
            ct_sbuf_addf(&msg, "%zu alerts", n);
            if (label) {
                ct_sbuf_add(&msg, " of ");
                ct_san_line(label, 40, &msg);
            }
            ct_sbuf_add(&msg, ": ");
        }
        alert_line(s, v[0], &msg);
        if (n > 1) ct_sbuf_addf(&msg, " +%zu", n - 1);
        ct_sbuf_add(&msg, "\n\n");
        if (extra_body && extra_body->len) {
            ct_sbuf_add(&msg, extra_body->buf);
            ct_sbuf_addc(&msg, '\n');
        }
        if (replaces.len) {
            ct_sbuf_add(&msg, replaces.buf);
            ct_sbuf_addc(&msg, '\n');
        }
        ct_triage__note_block("Note", note, &msg);
        if (note && *note) ct_sbuf_addc(&msg, '\n');
        for (size_t i = 0; i < n; i++) {
            if (i) ct_sbuf_addc(&msg, '\n');
            ct_triage__alert_body(s, v[i], &msg);
        }
        ct_sbuf_addf(&msg, "Status: %s\n", ct_status_name(st));
        rc = ct_triage__commit_at(s, files, n, msg.buf, head, oid, err);
        if (rc != -2) break;
        rc = -1;
    }
    if (rc == -1 && !err->len) ct_sbuf_add(err, "the rules repo kept changing; try again");
    for (size_t i = 0; i < n; i++) {
        free(bodies[i]);
        ct_sbuf_free(&paths[i]);
    }
    free(bodies);
    free(paths);
    free(files);
    free(analyst);
    ct_sbuf_free(&msg);
    ct_sbuf_free(&replaces);
    return rc;
}

static int write_decision(ct_session *s, ct_alert *a, ct_status st, const char *note, char **steps,
                          size_t nsteps, const char *subject_word, const ct_sbuf *extra_body, char oid[41],
                          ct_sbuf *err)
{
    return write_decisions(s, &a, 1, st, note, steps, nsteps, subject_word, extra_body, NULL, oid, err);
}

int ct_triage_ack_many(ct_session *s, ct_alert *const *v, size_t n, const char *note, const char *label,
                       char oid[41], ct_sbuf *err)
{
    return write_decisions(s, v, n, CT_STATUS_ACKNOWLEDGED, note, NULL, 0, "ack", NULL, label, oid, err);
}

int ct_triage_ack(ct_session *s, ct_alert *a, const char *note, char oid[41], ct_sbuf *err)
{
    return write_decision(s, a, CT_STATUS_ACKNOWLEDGED, note, NULL, 0, "ack", NULL, oid, err);
}

/* "Previous status: acknowledged (by X)" (+ the exception it still matches);
 * with several alerts each line names its alert */
static void previous_status(const ct_alert *a, int name_it, ct_sbuf *extra)
{
    ct_sbuf_add(extra, "Previous status");
    if (name_it) ct_sbuf_addf(extra, " of %s", a->id);
    ct_sbuf_addf(extra, ": %s", ct_status_name(a->status));
    if (a->decision_by) {
        ct_sbuf_add(extra, " (by ");
        ct_san_line(a->decision_by, 0, extra);
        ct_sbuf_addc(extra, ')');
    }
    if (a->suppressed_by) {
        ct_sbuf_add(extra, "\nStill matches exception ");
        ct_san_line(a->suppressed_by, 0, extra);
        ct_sbuf_add(extra, "; this decision keeps the alert open");
    }
    ct_sbuf_addc(extra, '\n');
}

int ct_triage_reopen_many(ct_session *s, ct_alert *const *v, size_t n, const char *note, const char *label,
                          char oid[41], ct_sbuf *err)
{
    /* the alerts still open have nothing to reopen: left out of the commit */
    ct_alert **todo = ct_xmalloc((n ? n : 1) * sizeof *todo);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i]->status != CT_STATUS_OPEN) todo[k++] = v[i];
    int rc = -1;
    if (!k) {
        if (n == 1) ct_sbuf_addf(err, "alert %s is already open", v[0]->id);
        else ct_sbuf_addf(err, "the %zu alerts are already open", n);
    } else {
        ct_sbuf extra;
        ct_sbuf_init(&extra);
        for (size_t i = 0; i < k; i++) previous_status(todo[i], k > 1, &extra);
        rc = write_decisions(s, todo, k, CT_STATUS_OPEN, note, NULL, 0, "reopen", &extra, k > 1 ? label : NULL,
                             oid, err);
        ct_sbuf_free(&extra);
    }
    free(todo);
    return rc;
}

int ct_triage_reopen(ct_session *s, ct_alert *a, const char *note, char oid[41], ct_sbuf *err)
{
    return ct_triage_reopen_many(s, &a, 1, note, NULL, oid, err);
}

int ct_triage_remediate(ct_session *s, ct_alert *a, const size_t *steps, size_t nsteps,
                        const char *note, char oid[41], ct_sbuf *err)
{
    return ct_triage_remediate_many(s, &a, 1, steps, nsteps, note, NULL, oid, err);
}

int ct_triage_remediate_many(ct_session *s, ct_alert *const *v, size_t nv, const size_t *steps, size_t nsteps,
                             const char *note, const char *label, char oid[41], ct_sbuf *err)
{
    if (!nv) {
        ct_sbuf_add(err, "no alert");
        return -1;
    }
    ct_alert *a = v[0]; /* the steps are numbered in the first alert's guide */
    if (!nsteps && (!note || !*note)) {
        ct_sbuf_add(err, "remediated needs the steps taken or a note");
        return -1;
    }
    const ct_rule *r = ct_triage__alert_rule(s, a);
    char **all = NULL;
    size_t nall = 0;
    if (nsteps) {
        if (!r || !r->guide) {
            ct_sbuf_addf(err, "the rule of alert %s has no guide: no response steps to check", a->id);
            return -1;
        }
        if (ct_triage_response_steps(s, a, &all, &nall) < 0) {
            ct_sbuf_addf(err, "cannot read the response steps of the guide of %s", r->stem);
            return -1;
        }
    }
    char **chosen = ct_xcalloc(nsteps + 1, sizeof *chosen);
    ct_sbuf extra;
    ct_sbuf_init(&extra);
    int rc = -1;
    size_t n = 0;
    for (size_t i = 0; i < nsteps; i++) {
        if (steps[i] < 1 || steps[i] > nall) {
            ct_sbuf_addf(err, "no response step %zu (the guide has %zu)", steps[i], nall);
            goto out;
        }
        int dup = 0;
        for (size_t k = 0; k < i; k++) dup |= steps[k] == steps[i];
        if (dup) continue;
        chosen[n++] = all[steps[i] - 1];
    }
    if (n) {
        ct_sbuf_add(&extra, "Steps done:\n");
        for (size_t i = 0; i < n; i++) {
            size_t idx = 0;
            for (size_t k = 0; k < nall; k++)
                if (all[k] == chosen[i]) idx = k + 1;
            ct_sbuf_addf(&extra, "  %zu. ", idx);
            ct_san_line(chosen[i], 0, &extra);
            ct_sbuf_addc(&extra, '\n');
        }
    }
    rc = write_decisions(s, v, nv, CT_STATUS_REMEDIATED, note, chosen, n, "remediated", &extra, label, oid, err);
out:
    free(chosen);
    ct_guide_steps_free(all, nall);
    ct_sbuf_free(&extra);
    return rc;
}

int ct_triage_revert(ct_session *s, const char *commit_id, char oid[41], ct_sbuf *err)
{
    if (ct_triage__need_repo(s, err) < 0) return -1;
    char tmp[41] = "";
    if (ct_repo_revert(s->repo, commit_id, s->analyst, tmp, err) < 0) return -1;
    if (oid) memcpy(oid, tmp, 41);
    return ct_triage_apply(s, err);
}
