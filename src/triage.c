/* triage: the analyst's decisions on alerts as files in the rules repo,
 * committed with libgit2, and reading them back to give alerts a status.
 * False positives (candidates, exception items, preview) are in triage_fp.c. */
#include "triage_int.h"

#include <stdlib.h>
#include <string.h>
#include "decisions.h"
#include "exceptions.h"
#include "guide.h"
#include "sanitize.h"

struct ct_triage_state {
    ct_exc_set exc;
    ct_decision_set dec;
    size_t problems;
    ct_sbuf messages;
    int64_t now;
};

void ct_triage_state_free(struct ct_triage_state *t)
{
    if (!t) return;
    ct_exc_set_free(&t->exc);
    ct_decisions_free(&t->dec);
    ct_sbuf_free(&t->messages);
    free(t);
}

const ct_exc_set *ct_triage_exceptions(const struct ct_session *s)
{
    return s && s->triage ? &s->triage->exc : NULL;
}

const ct_exc_item *ct_triage_exception(const struct ct_session *s, const char *item_id)
{
    if (!s || !s->triage || !item_id) return NULL;
    for (size_t i = 0; i < s->triage->exc.n; i++)
        if (!strcmp(s->triage->exc.v[i].item_id, item_id)) return &s->triage->exc.v[i];
    return NULL;
}

const ct_decision *ct_triage_decision(const struct ct_session *s, const char *alert_id)
{
    if (!s || !s->triage || !alert_id) return NULL;
    return ct_decisions_find(&s->triage->dec, alert_id);
}

const char *ct_triage_problems(const struct ct_session *s)
{
    return s && s->triage ? s->triage->messages.buf : "";
}

/* ---- helpers ---------------------------------------------------------------- */

/* The rule of an alert: its own, else the repo's rule with its rule_id. */
const ct_rule *ct_triage__alert_rule(const ct_session *s, const ct_alert *a)
{
    if (a->rule) return a->rule;
    if (!a->rule_id) return NULL;
    for (size_t i = 0; i < s->rules.n; i++)
        if (s->rules.v[i].rule_id && !strcmp(s->rules.v[i].rule_id, a->rule_id)) return &s->rules.v[i];
    return NULL;
}

static const char *alert_stem(const ct_session *s, const ct_alert *a)
{
    const ct_rule *r = ct_triage__alert_rule(s, a);
    return r ? r->stem : NULL;
}

/* The status an alert has before any repo decision: open, or the workflow
 * status of an imported Elastic alert. */
static ct_status base_status(const ct_alert *a)
{
    if (a->elastic_status) { /* imported, or a local alert Elastic also raised */
        if (!strcmp(a->elastic_status, "acknowledged")) return CT_STATUS_ACKNOWLEDGED;
        if (!strcmp(a->elastic_status, "closed")) return CT_STATUS_REMEDIATED;
    }
    return CT_STATUS_OPEN;
}

int ct_triage__same_rule(const ct_session *s, const ct_alert *a, const ct_alert *b)
{
    if (a->rule_id && b->rule_id) return !strcmp(a->rule_id, b->rule_id);
    const char *x = alert_stem(s, a), *y = alert_stem(s, b);
    return x && y && !strcmp(x, y);
}

static const char *root_of(const ct_session *s)
{
    return s->rules_root ? s->rules_root : ct_repo_workdir(s->repo);
}

typedef struct { ct_session *s; struct ct_triage_state *t; } diag_ctx;

static void collect(void *ctx, const char *file, uint64_t line, const char *msg)
{
    diag_ctx *d = ctx;
    d->t->problems++;
    ct_sbuf_addf(&d->t->messages, "%s: %s\n", file, msg);
    d->s->store.diag(d->s->store.diag_ctx, file, line, msg);
}

/* ---- apply -------------------------------------------------------------------- */

static void load_state(ct_session *s)
{
    ct_triage_state_free(s->triage);
    struct ct_triage_state *t = ct_xcalloc(1, sizeof *t);
    ct_sbuf_init(&t->messages);
    t->now = ct_exc_now();
    s->triage = t;
    if (s->repo) {
        diag_ctx dc = {s, t};
        ct_exc_load(root_of(s), &t->exc, collect, &dc);
        ct_decisions_load(root_of(s), &t->dec, collect, &dc);
    }
}

static void apply_from(ct_session *s, size_t from)
{
    struct ct_triage_state *t = s->triage;
    for (size_t i = from; i < s->alerts.n; i++) {
        ct_alert *a = &s->alerts.v[i];
        free(a->suppressed_by);
        free(a->decision_by);
        a->suppressed_by = a->decision_by = NULL;
        a->status = base_status(a);
        if (!s->repo) continue;
        const char *stem = alert_stem(s, a);
        int any = 0;
        for (size_t k = 0; k < t->exc.n && !any; k++)
            any = ct_exc_for_rule(&t->exc.v[k], a->rule_id, stem) && !ct_exc_expired(&t->exc.v[k], t->now);
        if (any) {
            cJSON *doc = ct_store_event_json(&s->store, a->event);
            const ct_exc_item *it = doc ? ct_exc_set_match(&t->exc, a->rule_id, stem, doc, t->now) : NULL;
            if (it) a->suppressed_by = ct_xstrdup(it->item_id);
            cJSON_Delete(doc);
        }
        const ct_decision *d = ct_decisions_find(&t->dec, a->id);
        if (d) {
            a->status = d->status;
            a->decision_by = ct_xstrdup(d->analyst);
        } else if (a->suppressed_by && a->status == CT_STATUS_OPEN) {
            a->status = CT_STATUS_SUPPRESSED;
        }
    }
}

int ct_triage_apply(ct_session *s, ct_sbuf *err)
{
    (void)err;
    load_state(s);
    apply_from(s, 0);
    return 0;
}

void ct_triage_apply_new(ct_session *s, size_t from)
{
    if (!s->triage) load_state(s);
    apply_from(s, from);
}

/* ---- commit messages -------------------------------------------------------------- */

static const char *ent(const ct_store *st, const ct_event *e, enum ct_ef name, enum ct_ef id)
{
    const char *v = ct_event_str(st, e, name);
    return v ? v : ct_event_str(st, e, id);
}

/* "<rule name>: <alert id> actor=... target=..." */
static void alert_line(const ct_session *s, const ct_alert *a, ct_sbuf *out)
{
    const ct_event *e = &s->store.ev[a->event];
    ct_san_line(a->rule_name ? a->rule_name : (a->rule_id ? a->rule_id : "unknown rule"), 80, out);
    ct_sbuf_addf(out, ": %s", a->id);
    const char *actor = ent(&s->store, e, CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID);
    const char *target = ent(&s->store, e, CT_EF_TARGET_NAME, CT_EF_TARGET_ID);
    if (actor) {
        ct_sbuf_add(out, " actor=");
        ct_san_line(actor, 48, out);
    }
    if (target) {
        ct_sbuf_add(out, " target=");
        ct_san_line(target, 48, out);
    }
}

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
    ct_sbuf_addf(out, ":%u\n", e->line);
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
    ct_sbuf_add(err, "no rules repo open (pass --repo DIR)");
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

int ct_triage__commit(ct_session *s, const ct_repo_file *files, size_t n, const char *msg, char oid[41],
                        ct_sbuf *err)
{
    char tmp[41] = "";
    if (ct_repo_commit_files(s->repo, files, n, msg, s->analyst, tmp, err) < 0) return -1;
    if (oid) memcpy(oid, tmp, 41);
    ct_sbuf aerr;
    ct_sbuf_init(&aerr);
    int rc = ct_triage_apply(s, &aerr);
    if (rc < 0) ct_sbuf_add(err, aerr.buf);
    ct_sbuf_free(&aerr);
    return rc;
}

static int write_decision(ct_session *s, ct_alert *a, ct_status st, const char *note,
                          char **steps, size_t nsteps, const char *subject_word,
                          const ct_sbuf *extra_body, char oid[41], ct_sbuf *err)
{
    if (ct_triage__need_repo(s, err) < 0) return -1;
    char *analyst = ct_triage__analyst_of(s, err);
    if (!analyst) return -1;
    ct_decision d;
    memset(&d, 0, sizeof d);
    ct_decision_from_alert(&d, &s->store, a);
    d.status = st;
    d.analyst = analyst;
    d.at = ct_exc_now();
    d.note = note && *note ? ct_xstrdup(note) : NULL;
    d.steps = steps;
    d.nsteps = nsteps;
    char *body = ct_decision_to_file(&d);
    d.steps = NULL;
    d.nsteps = 0;
    ct_sbuf path, msg;
    ct_sbuf_init(&path);
    ct_sbuf_init(&msg);
    ct_decision_path(a->id, a->ts, &path);
    ct_sbuf_addf(&msg, "%s: ", subject_word);
    alert_line(s, a, &msg);
    ct_sbuf_add(&msg, "\n\n");
    if (extra_body && extra_body->len) {
        ct_sbuf_add(&msg, extra_body->buf);
        ct_sbuf_addc(&msg, '\n');
    }
    ct_triage__note_block("Note", note, &msg);
    if (note && *note) ct_sbuf_addc(&msg, '\n');
    ct_triage__alert_body(s, a, &msg);
    ct_sbuf_addf(&msg, "Status: %s\n", ct_status_name(st));
    ct_repo_file f = {path.buf, body, strlen(body)};
    int rc = ct_triage__commit(s, &f, 1, msg.buf, oid, err);
    free(body);
    ct_decision_free(&d);
    ct_sbuf_free(&path);
    ct_sbuf_free(&msg);
    return rc;
}

int ct_triage_ack(ct_session *s, ct_alert *a, const char *note, char oid[41], ct_sbuf *err)
{
    return write_decision(s, a, CT_STATUS_ACKNOWLEDGED, note, NULL, 0, "ack", NULL, oid, err);
}

int ct_triage_reopen(ct_session *s, ct_alert *a, const char *note, char oid[41], ct_sbuf *err)
{
    if (a->status == CT_STATUS_OPEN) {
        ct_sbuf_addf(err, "alert %s is already open", a->id);
        return -1;
    }
    ct_sbuf extra;
    ct_sbuf_init(&extra);
    ct_sbuf_addf(&extra, "Previous status: %s", ct_status_name(a->status));
    if (a->decision_by) {
        ct_sbuf_add(&extra, " (by ");
        ct_san_line(a->decision_by, 0, &extra);
        ct_sbuf_addc(&extra, ')');
    }
    if (a->suppressed_by) {
        ct_sbuf_add(&extra, "\nStill matches exception ");
        ct_san_line(a->suppressed_by, 0, &extra);
        ct_sbuf_add(&extra, "; this decision keeps the alert open");
    }
    ct_sbuf_addc(&extra, '\n');
    int rc = write_decision(s, a, CT_STATUS_OPEN, note, NULL, 0, "reopen", &extra, oid, err);
    ct_sbuf_free(&extra);
    return rc;
}

int ct_triage_remediate(ct_session *s, ct_alert *a, const size_t *steps, size_t nsteps,
                        const char *note, char oid[41], ct_sbuf *err)
{
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
    rc = write_decision(s, a, CT_STATUS_REMEDIATED, note, chosen, n, "remediated", &extra, oid, err);
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
