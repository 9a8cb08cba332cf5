/* triage: the analyst's decisions on alerts as files in the rules repo,
 * committed with libgit2, and reading them back to give alerts a status. */
#include "triage.h"

#include <ctype.h>
#include <stdio.h>
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
static const ct_rule *alert_rule(const ct_session *s, const ct_alert *a)
{
    if (a->rule) return a->rule;
    if (!a->rule_id) return NULL;
    for (size_t i = 0; i < s->rules.n; i++)
        if (s->rules.v[i].rule_id && !strcmp(s->rules.v[i].rule_id, a->rule_id)) return &s->rules.v[i];
    return NULL;
}

static const char *alert_stem(const ct_session *s, const ct_alert *a)
{
    const ct_rule *r = alert_rule(s, a);
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

static int same_rule(const ct_session *s, const ct_alert *a, const ct_alert *b)
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

int ct_triage_apply(ct_session *s, ct_sbuf *err)
{
    (void)err;
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
    for (size_t i = 0; i < s->alerts.n; i++) {
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
    return 0;
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

static void alert_body(const ct_session *s, const ct_alert *a, ct_sbuf *out)
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

static void note_block(const char *label, const char *note, ct_sbuf *out)
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

static const char *doc_value(const cJSON *doc, const char *field);

static int need_repo(ct_session *s, ct_sbuf *err)
{
    if (s->repo) return 0;
    ct_sbuf_add(err, "no rules repo open (pass --repo DIR)");
    return -1;
}

/* "Name <email>" of the analyst, or -1 with gitstore's clear message. */
static char *analyst_of(ct_session *s, ct_sbuf *err)
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

static int commit(ct_session *s, const ct_repo_file *files, size_t n, const char *msg, char oid[41],
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
    if (need_repo(s, err) < 0) return -1;
    char *analyst = analyst_of(s, err);
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
    note_block("Note", note, &msg);
    if (note && *note) ct_sbuf_addc(&msg, '\n');
    alert_body(s, a, &msg);
    ct_sbuf_addf(&msg, "Status: %s\n", ct_status_name(st));
    ct_repo_file f = {path.buf, body, strlen(body)};
    int rc = commit(s, &f, 1, msg.buf, oid, err);
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
    const ct_rule *r = alert_rule(s, a);
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
    if (need_repo(s, err) < 0) return -1;
    char tmp[41] = "";
    if (ct_repo_revert(s->repo, commit_id, s->analyst, tmp, err) < 0) return -1;
    if (oid) memcpy(oid, tmp, 41);
    return ct_triage_apply(s, err);
}

/* ---- false positive candidates --------------------------------------------------- */

typedef struct {
    const char *value;
    const char *const *hints;
    const char *provider;  /* "azure" ... (dataset's first segment) */
    ct_sbuf best;
    int best_score;
    int found;
} leaf_search;

static int path_has(const char *path, const char *word)
{
    /* case-insensitive substring */
    size_t n = strlen(word);
    for (const char *p = path; *p; p++)
        if (ct_strncaseeq(p, word, n)) return 1;
    return 0;
}

static void score_leaf(leaf_search *ls, const char *path)
{
    if (!strncmp(path, "credtriage.", 11) || !strcmp(path, "event.original") || !strcmp(path, "message") ||
        !strncmp(path, "related.", 8))
        return;
    int sc = 0;
    size_t pl = strlen(ls->provider);
    if (pl && !strncmp(path, ls->provider, pl) && path[pl] == '.') sc += 100;
    else if (!strncmp(path, "kibana.", 7)) sc -= 50;
    for (size_t i = 0; ls->hints[i]; i++)
        if (path_has(path, ls->hints[i])) {
            sc += 10;
            break;
        }
    if (path_has(path, "modified_properties") || path_has(path, "old_value") || path_has(path, "new_value"))
        sc -= 60;
    if (!ls->found || sc > ls->best_score || (sc == ls->best_score && strlen(path) < ls->best.len)) {
        ct_sbuf_reset(&ls->best);
        ct_sbuf_add(&ls->best, path);
        ls->best_score = sc;
        ls->found = 1;
    }
}

static void walk(const cJSON *v, ct_sbuf *path, leaf_search *ls)
{
    if (cJSON_IsObject(v)) {
        for (const cJSON *c = v->child; c; c = c->next) {
            size_t l = path->len;
            if (l) ct_sbuf_addc(path, '.');
            ct_sbuf_add(path, c->string ? c->string : "");
            walk(c, path, ls);
            path->len = l;
            path->buf[l] = 0;
        }
    } else if (cJSON_IsArray(v)) {
        for (const cJSON *c = v->child; c; c = c->next) walk(c, path, ls);
    } else if (cJSON_IsString(v) && !strcmp(v->valuestring, ls->value)) {
        score_leaf(ls, path->buf);
    }
}

/* Value of the first string leaf whose dotted path (array indexes left out) is field. */
typedef struct { const char *field; const char *value; } path_find;
static void find_walk(const cJSON *v, ct_sbuf *path, path_find *pf)
{
    if (pf->value) return;
    if (cJSON_IsObject(v)) {
        for (const cJSON *c = v->child; c && !pf->value; c = c->next) {
            size_t l = path->len;
            if (l) ct_sbuf_addc(path, '.');
            ct_sbuf_add(path, c->string ? c->string : "");
            if (!strncmp(pf->field, path->buf, path->len) &&
                (pf->field[path->len] == 0 || pf->field[path->len] == '.'))
                find_walk(c, path, pf);
            path->len = l;
            path->buf[l] = 0;
        }
    } else if (cJSON_IsArray(v)) {
        for (const cJSON *c = v->child; c && !pf->value; c = c->next) find_walk(c, path, pf);
    } else if (cJSON_IsString(v) && !strcmp(path->buf, pf->field)) {
        pf->value = v->valuestring;
    }
}

static const char *doc_value(const cJSON *doc, const char *field)
{
    path_find pf = {field, NULL};
    ct_sbuf p;
    ct_sbuf_init(&p);
    find_walk(doc, &p, &pf);
    ct_sbuf_free(&p);
    return pf.value;
}

static const char *const actor_hints[] = {"initiated_by", "user_identity", "authentication_info",
                                          "actor", "userid", "user_id", "caller", "principal", NULL};
static const char *const target_hints[] = {"target", "request_parameters", "resource_name",
                                           "object_id", "objectid", NULL};
static const char *const ua_hints[] = {"agent", NULL};
static const char *const ip_hints[] = {"ip", "address", NULL};
static const char *const cred_hints[] = {"key_type", "keytype", "credential", "type", NULL};

static const struct {
    const char *label;
    enum ct_ef ef;
    const char *ct_field;
    const char *const *hints;
    int checked;
} cand_defs[] = {
    {"actor id", CT_EF_ACTOR_ID, "credtriage.actor.id", actor_hints, 1},
    {"actor", CT_EF_ACTOR_NAME, "credtriage.actor.name", actor_hints, 0},
    {"target id", CT_EF_TARGET_ID, "credtriage.target.id", target_hints, 1},
    {"target", CT_EF_TARGET_NAME, "credtriage.target.name", target_hints, 0},
    {"credential type", CT_EF_CRED_TYPE, "credtriage.credential.type", cred_hints, 0},
    {"user agent", CT_EF_ACTOR_UA, "credtriage.actor.user_agent", ua_hints, 0},
    {"source IP", CT_EF_ACTOR_IP, "credtriage.actor.ip", ip_hints, 0},
};

int ct_triage_fp_candidates(ct_session *s, const ct_alert *a, ct_exc_candidate **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    cJSON *doc = ct_store_event_json(&s->store, a->event);
    if (!doc) return -1;
    const ct_event *e = &s->store.ev[a->event];
    const char *ds = ct_event_str(&s->store, e, CT_EF_DATASET);
    char prov[32] = "";
    if (ds) {
        size_t l = strcspn(ds, ".");
        if (l < sizeof prov) memcpy(prov, ds, l), prov[l] = 0;
    }
    ct_exc_candidate *v = ct_xcalloc(CT_ARRAY_LEN(cand_defs), sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < CT_ARRAY_LEN(cand_defs); i++) {
        const char *val = ct_event_str(&s->store, e, cand_defs[i].ef);
        if (!val || !*val) continue;
        leaf_search ls = {val, cand_defs[i].hints, prov, {0}, 0, 0};
        ct_sbuf_init(&ls.best);
        ct_sbuf path;
        ct_sbuf_init(&path);
        walk(doc, &path, &ls);
        ct_sbuf_free(&path);
        const char *field = ls.found ? ls.best.buf : cand_defs[i].ct_field;
        int dup = 0;
        for (size_t j = 0; j < k; j++) dup |= !strcmp(v[j].field, field) && !strcmp(v[j].value, val);
        if (!dup) {
            v[k].field = ct_xstrdup(field);
            v[k].value = ct_xstrdup(val);
            v[k].label = ct_xstrdup(cand_defs[i].label);
            v[k].checked = cand_defs[i].checked;
            k++;
        }
        ct_sbuf_free(&ls.best);
    }
    cJSON_Delete(doc);
    *out = v;
    *n = k;
    return 0;
}

void ct_exc_candidates_free(ct_exc_candidate *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].field);
        free(c[i].value);
        free(c[i].label);
    }
    free(c);
}

char *ct_triage_field_value(struct ct_session *s, const ct_alert *a, const char *field)
{
    cJSON *doc = ct_store_event_json(&s->store, a->event);
    if (!doc) return NULL;
    const char *v = doc_value(doc, field);
    char *r = v ? ct_xstrdup(v) : NULL;
    cJSON_Delete(doc);
    return r;
}

static const char *guide_lookup(void *ctx, const char *field)
{
    return doc_value(ctx, field);
}

int ct_triage_response_steps(struct ct_session *s, const ct_alert *a, char ***steps, size_t *n)
{
    *steps = NULL;
    *n = 0;
    const ct_rule *r = alert_rule(s, a);
    if (!r || !r->guide) return 0;
    cJSON *doc = ct_store_event_json(&s->store, a->event);
    char *md = ct_guide_fill(r->guide, doc ? guide_lookup : NULL, doc);
    int rc = ct_guide_response_steps(md, steps, n);
    free(md);
    cJSON_Delete(doc);
    return rc;
}

/* ---- false positive -------------------------------------------------------------- */

/* The checked candidates as entries: a value-less one is "exists"; several
 * values for one field and operator become one match_any. */
static int build_entries(const ct_fp_request *rq, ct_exc_item *it, ct_sbuf *err)
{
    it->entries = ct_xcalloc(rq->nentries + 1, sizeof *it->entries);
    for (size_t i = 0; i < rq->nentries; i++) {
        const ct_exc_candidate *c = &rq->entries[i];
        if (!c->checked) continue;
        if (!c->field || !*c->field) {
            ct_sbuf_add(err, "an entry has no field");
            return -1;
        }
        ct_exc_entry *same = NULL;
        for (size_t k = 0; k < it->nentries; k++) {
            ct_exc_entry *e = &it->entries[k];
            if (!strcmp(e->field, c->field) && e->excluded == c->excluded && c->value &&
                (e->type == CT_EXC_MATCH || e->type == CT_EXC_MATCH_ANY))
                same = e;
        }
        if (same) {
            int have = 0;
            for (size_t k = 0; k < same->nvalues; k++) have |= !strcmp(same->values[k], c->value);
            if (have) continue;
            same->values = ct_xrealloc(same->values, (same->nvalues + 1) * sizeof(char *));
            same->values[same->nvalues++] = ct_xstrdup(c->value);
            same->type = CT_EXC_MATCH_ANY;
            continue;
        }
        ct_exc_entry *e = &it->entries[it->nentries++];
        e->field = ct_xstrdup(c->field);
        e->excluded = c->excluded;
        if (c->value) {
            if (!*c->value) {
                ct_sbuf_addf(err, "entry %s: empty value", c->field);
                return -1;
            }
            e->type = CT_EXC_MATCH;
            e->values = ct_xmalloc(sizeof(char *));
            e->values[0] = ct_xstrdup(c->value);
            e->nvalues = 1;
        } else {
            e->type = CT_EXC_EXISTS;
        }
    }
    if (!it->nentries) {
        ct_sbuf_add(err, "an exception needs at least one entry (one without entries would "
                         "suppress every alert of the rule)");
        return -1;
    }
    return 0;
}

static int blank(const char *s)
{
    if (!s) return 1;
    for (; *s; s++)
        if (!isspace((unsigned char)*s)) return 0;
    return 1;
}

/* Build (not write) the exception of a request. */
static int build_item(ct_session *s, const ct_fp_request *rq, const char *analyst, int64_t now,
                      ct_exc_item *it, ct_sbuf *err)
{
    memset(it, 0, sizeof *it);
    it->expire = CT_TIME_NONE;
    const ct_alert *a = rq->alert;
    if (!a) {
        ct_sbuf_add(err, "no alert");
        return -1;
    }
    const ct_rule *r = alert_rule(s, a);
    if (!r) {
        ct_sbuf_addf(err, "the rule of alert %s (%s) is not in the rules repo: an exception needs a rule",
                     a->id, a->rule_id ? a->rule_id : "unknown");
        return -1;
    }
    if (build_entries(rq, it, err) < 0) goto fail;
    it->expire = rq->expires;
    it->rule_id = ct_xstrdup(r->rule_id);
    it->stem = ct_xstrdup(r->stem);
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_exc_list_id(r->stem, &b);
    it->list_id = ct_sbuf_detach(&b);
    char t[32];
    ct_time_fmt(now, t);
    it->created_at = ct_xstrdup(t);
    it->created_by = ct_xstrdup(analyst ? analyst : "");
    /* name: label=value of the entries */
    for (size_t i = 0; i < rq->nentries; i++) {
        const ct_exc_candidate *c = &rq->entries[i];
        if (!c->checked) continue;
        if (b.len) ct_sbuf_add(&b, ", ");
        if (c->excluded) ct_sbuf_add(&b, "not ");
        ct_sbuf_add(&b, c->label && *c->label ? c->label : c->field);
        if (c->value) ct_sbuf_addf(&b, "=%s", c->value);
        else ct_sbuf_add(&b, " exists");
    }
    it->name = ct_sbuf_detach(&b);
    ct_sbuf_addf(&b, "False positive of alert %s (%s)", a->id, r->name ? r->name : r->stem);
    it->description = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    it->comments = ct_xcalloc(1, sizeof *it->comments);
    it->ncomments = 1;
    it->comments[0].comment = ct_xstrdup(rq->reason ? rq->reason : "");
    it->comments[0].created_by = ct_xstrdup(it->created_by);
    it->comments[0].created_at = ct_xstrdup(t);
    it->tags = ct_xcalloc(1, sizeof(char *));
    it->tags[0] = ct_xstrdup("credtriage");
    it->ntags = 1;
    it->namespace_type = ct_xstrdup("single");
    it->item_id = ct_xstrdup("ct-pending");
    if (ct_exc_compile(it, err) < 0) goto fail;
    /* item id: a short hash of what makes it unique */
    uint64_t h = ct_hash64(r->rule_id, strlen(r->rule_id));
    h = ct_hash64_more(h, it->query, strlen(it->query));
    h = ct_hash64_more(h, t, strlen(t));
    h = ct_hash64_more(h, it->created_by, strlen(it->created_by));
    if (rq->reason) h = ct_hash64_more(h, rq->reason, strlen(rq->reason));
    free(it->item_id);
    char id[32];
    snprintf(id, sizeof id, "ct-%012llx", (unsigned long long)(h & 0xffffffffffffULL));
    it->item_id = ct_xstrdup(id);
    return 0;
fail:
    ct_exc_item_free(it);
    return -1;
}

static void count_matches(ct_session *s, const ct_alert *a, const ct_exc_item *it, int64_t now,
                          ct_fp_preview *pv, const ct_alert ***matched, size_t *nmatched)
{
    memset(pv, 0, sizeof *pv);
    for (size_t i = 0; i < s->alerts.n; i++) {
        const ct_alert *b = &s->alerts.v[i];
        int mine = same_rule(s, a, b);
        if (mine) pv->rule_total++;
        cJSON *doc = ct_store_event_json(&s->store, b->event);
        int m = doc && ct_exc_match(it, doc, now);
        cJSON_Delete(doc);
        if (!m) continue;
        pv->total_matches++;
        if (mine) {
            pv->rule_matches++;
            if (matched) {
                *matched = ct_xrealloc(*matched, (*nmatched + 1) * sizeof **matched);
                (*matched)[(*nmatched)++] = b;
            }
        }
    }
}

static int check_request(ct_session *s, const ct_fp_request *rq, int64_t now, ct_sbuf *err)
{
    if (!rq->alert) {
        ct_sbuf_add(err, "no alert");
        return -1;
    }
    if (blank(rq->reason)) {
        ct_sbuf_add(err, "a reason is required for a false positive (it is the exception's comment)");
        return -1;
    }
    if (rq->expires != CT_TIME_NONE && rq->expires <= now) {
        ct_sbuf_add(err, "the expiry is in the past");
        return -1;
    }
    (void)s;
    return 0;
}

int ct_triage_fp_preview(ct_session *s, const ct_fp_request *rq, ct_fp_preview *pv, ct_sbuf *err)
{
    memset(pv, 0, sizeof *pv);
    int64_t now = ct_exc_now();
    if (!rq->alert) {
        ct_sbuf_add(err, "no alert");
        return -1;
    }
    ct_exc_item it;
    if (build_item(s, rq, "preview", now, &it, err) < 0) return -1;
    count_matches(s, rq->alert, &it, now, pv, NULL, NULL);
    ct_exc_item_free(&it);
    return 0;
}

int ct_triage_fp(ct_session *s, const ct_fp_request *rq, char oid[41], ct_sbuf *err)
{
    if (need_repo(s, err) < 0) return -1;
    int64_t now = ct_exc_now();
    if (check_request(s, rq, now, err) < 0) return -1;
    char *analyst = analyst_of(s, err);
    if (!analyst) return -1;
    const ct_alert *a = rq->alert;
    ct_exc_item it;
    const ct_alert **matched = NULL;
    size_t nmatched = 0;
    ct_repo_file *files = NULL;
    char **bodies = NULL;
    ct_sbuf *paths = NULL;
    size_t nfiles = 0;
    ct_sbuf msg;
    ct_sbuf_init(&msg);
    int rc = -1;
    if (build_item(s, rq, analyst, now, &it, err) < 0) {
        free(analyst);
        ct_sbuf_free(&msg);
        return -1;
    }
    ct_fp_preview pv;
    count_matches(s, a, &it, now, &pv, &matched, &nmatched);
    int self = 0;
    for (size_t i = 0; i < nmatched; i++) self |= matched[i] == a;
    if (!self) {
        ct_sbuf_addf(err, "the exception does not match alert %s itself (check the entries)", a->id);
        goto out;
    }
    if (pv.rule_total > 1 && pv.rule_matches == pv.rule_total && !rq->force) {
        ct_sbuf_addf(err, "the exception would suppress every one of the %zu loaded alerts of its rule; "
                          "narrow the entries or force it", pv.rule_total);
        goto out;
    }
    /* files: the exception, the alert's decision, and with close_matching the others' */
    size_t cap = 2 + nmatched;
    files = ct_xcalloc(cap, sizeof *files);
    bodies = ct_xcalloc(cap, sizeof *bodies);
    paths = ct_xcalloc(cap, sizeof *paths);
    ct_sbuf_init(&paths[0]);
    ct_exc_path(it.stem, it.item_id, &paths[0]);
    bodies[0] = ct_exc_to_file(&it);
    nfiles = 1;
    const ct_alert **closed = ct_xcalloc(nmatched + 1, sizeof *closed);
    size_t nclosed = 0;
    for (size_t i = 0; i <= nmatched; i++) {
        const ct_alert *b = i == 0 ? a : matched[i - 1];
        if (i > 0) {
            if (b == a || !rq->close_matching) continue;
            if (b->status != CT_STATUS_OPEN) continue;
            closed[nclosed++] = b;
        }
        ct_decision d;
        memset(&d, 0, sizeof d);
        ct_decision_from_alert(&d, &s->store, b);
        d.status = CT_STATUS_FALSE_POSITIVE;
        d.analyst = ct_xstrdup(analyst);
        d.at = now;
        d.exception = ct_xstrdup(it.item_id);
        if (b == a) {
            d.note = ct_xstrdup(rq->reason);
        } else {
            ct_sbuf nb;
            ct_sbuf_init(&nb);
            ct_sbuf_addf(&nb, "closed with exception %s from alert %s: %s", it.item_id, a->id, rq->reason);
            d.note = ct_sbuf_detach(&nb);
            ct_sbuf_free(&nb);
        }
        ct_sbuf_init(&paths[nfiles]);
        ct_decision_path(b->id, b->ts, &paths[nfiles]);
        bodies[nfiles] = ct_decision_to_file(&d);
        nfiles++;
        ct_decision_free(&d);
    }
    for (size_t i = 0; i < nfiles; i++) {
        files[i].path = paths[i].buf;
        files[i].data = bodies[i];
        files[i].len = strlen(bodies[i]);
    }
    /* message */
    ct_sbuf_add(&msg, "exception: ");
    ct_san_line(a->rule_name ? a->rule_name : it.stem, 80, &msg);
    ct_sbuf_add(&msg, ": ");
    {
        ct_sbuf sum;
        ct_sbuf_init(&sum);
        for (size_t i = 0; i < rq->nentries; i++) {
            const ct_exc_candidate *c = &rq->entries[i];
            if (!c->checked) continue;
            if (sum.len) ct_sbuf_addc(&sum, ' ');
            if (c->excluded) ct_sbuf_add(&sum, "not ");
            if (c->label && *c->label) {
                for (const char *p = c->label; *p; p++)
                    ct_sbuf_addc(&sum, *p == ' ' ? '-' : (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p);
            } else {
                ct_san_line(c->field, 60, &sum);
            }
            if (c->value) {
                ct_sbuf_addc(&sum, '=');
                ct_san_line(c->value, 48, &sum);
            } else {
                ct_sbuf_add(&sum, " exists");
            }
        }
        ct_san_truncate(sum.buf, 120, &msg);
        ct_sbuf_free(&sum);
    }
    ct_sbuf_add(&msg, "\n\n");
    note_block("Reason", rq->reason, &msg);
    ct_sbuf_add(&msg, "\nEntries (all must match):\n");
    for (size_t i = 0; i < it.nentries; i++) {
        ct_sbuf d;
        ct_sbuf_init(&d);
        ct_exc_entry_describe(&it.entries[i], &d);
        ct_sbuf_add(&msg, "  - ");
        ct_san_line(d.buf, 0, &msg);
        ct_sbuf_addc(&msg, '\n');
        ct_sbuf_free(&d);
    }
    if (it.expire != CT_TIME_NONE) {
        char t[32];
        ct_time_fmt(it.expire, t);
        ct_sbuf_addf(&msg, "Expires: %s\n", t);
    } else {
        ct_sbuf_add(&msg, "Expires: never\n");
    }
    ct_sbuf_addf(&msg, "Exception: %s (%s)\n", it.item_id, paths[0].buf);
    ct_sbuf_addf(&msg, "Suppresses: %zu of %zu loaded alerts of the rule%s\n", pv.rule_matches,
                 pv.rule_total, rq->force && pv.rule_matches == pv.rule_total ? " (forced)" : "");
    alert_body(s, a, &msg);
    if (nclosed) {
        ct_sbuf_addf(&msg, "Also closed as false positive (%zu):", nclosed);
        for (size_t i = 0; i < nclosed; i++) ct_sbuf_addf(&msg, " %s", closed[i]->id);
        ct_sbuf_addc(&msg, '\n');
    }
    free(closed);
    rc = commit(s, files, nfiles, msg.buf, oid, err);
out:
    for (size_t i = 0; i < nfiles; i++) {
        ct_sbuf_free(&paths[i]);
        free(bodies[i]);
    }
    free(paths);
    free(bodies);
    free(files);
    free(matched);
    ct_exc_item_free(&it);
    free(analyst);
    ct_sbuf_free(&msg);
    return rc;
}
