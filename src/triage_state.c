/* triage_state: reading the analyst's decisions back: the exceptions and
 * decisions loaded from the rules repo, and every alert's status from them
 * (ct_triage_apply). Below the actions (triage.c, triage_fp.c,
 * triage_commit.c), which call it after every commit; it calls none of them. */
#include "triage_int.h"

#include <stdlib.h>
#include <string.h>
#include "decisions.h"
#include "exceptions.h"

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

static void apply_range(ct_session *s, size_t from, size_t to)
{
    struct ct_triage_state *t = s->triage;
    if (to > s->alerts.n) to = s->alerts.n;
    for (size_t i = from; i < to; i++) {
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
    apply_range(s, 0, s->alerts.n);
    return 0;
}

void ct_triage_apply_new(ct_session *s, size_t from)
{
    if (!s->triage) load_state(s);
    apply_range(s, from, s->alerts.n);
}

void ct_triage_reload(ct_session *s)
{
    load_state(s);
}

void ct_triage_apply_range(ct_session *s, size_t from, size_t to)
{
    if (!s->triage) load_state(s);
    apply_range(s, from, to);
}
