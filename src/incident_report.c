/* incident_report: the case report of one incident for the ticket
 * (`credtriage report INCIDENT_ID [--format md|json]`, incident_report.h):
 * summary, evidence, entities, timeline (its changes and every use of the
 * credentials they created), alerts, and the decisions with their commits.
 * Log and repo text is sanitized; in Markdown it is also escaped, so a name
 * cannot open a link, a table or a code span. */
#include "incident_report.h"

#include <stdlib.h>
#include <string.h>
#include "decisions.h"
#include "sanitize.h"

/* ---- the timeline: the incident's changes and the uses of their credentials ---- */

typedef struct tl_item {
    size_t ev;
    const ct_alert *alert; /* the alert on it, if any */
    int use;               /* authenticated with a credential the incident created */
} tl_item;

static int cmp_tl(const void *pa, const void *pb, const ct_store *st)
{
    const tl_item *a = pa, *b = pb;
    int64_t x = st->ev[a->ev].ts, y = st->ev[b->ev].ts;
    if (x != y) return x < y ? -1 : 1;
    return a->ev < b->ev ? -1 : a->ev > b->ev;
}
static const ct_store *tl_st; /* qsort has no context argument in C11 */
static int cmp_tl_q(const void *a, const void *b) { return cmp_tl(a, b, tl_st); }

static size_t timeline(const ct_session *s, const ct_incident *inc, tl_item **out)
{
    const ct_changes *C = ct_corr_changes(s->corr);
    size_t n = 0, cap = 16;
    tl_item *v = ct_xmalloc(cap * sizeof *v);
    for (size_t j = 0; j < inc->nalerts; j++) {
        const ct_alert *a = &s->alerts.v[inc->alerts[j]];
        if (a->event >= s->store.nev) continue;
        size_t ev = ct_changes_canon(C, a->event);
        ct_corr_result r;
        int have = ct_corr_alert(s->corr, a, NULL, s->window_ms, &r) == 0;
        size_t nu = have ? r.usage.n : 0;
        if (n + 1 + nu > cap) v = ct_xrealloc(v, (cap = 2 * (n + 1 + nu)) * sizeof *v);
        v[n++] = (tl_item){ev, a, 0};
        for (size_t k = 0; k < nu; k++)
            if (s->store.ev[r.usage.events[k]].ts >= s->store.ev[ev].ts) v[n++] = (tl_item){r.usage.events[k], NULL, 1};
        if (have) ct_corr_result_free(&r);
    }
    tl_st = &s->store;
    qsort(v, n, sizeof *v, cmp_tl_q);
    /* one line per change: an alert's entry wins over a use of the same event */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && v[m - 1].ev == v[i].ev) {
            if (!v[m - 1].alert) v[m - 1].alert = v[i].alert;
            v[m - 1].use |= v[i].use;
            continue;
        }
        v[m++] = v[i];
    }
    *out = v;
    return m;
}

/* ---- Markdown ---- */

/* Sanitized, then Markdown's specials escaped. */
static void md(ct_sbuf *out, const char *s)
{
    ct_sbuf t;
    ct_sbuf_init(&t);
    ct_san_displayz(s ? s : "", 0, &t);
    for (const char *p = t.buf; *p; p++) {
        if (strchr("\\`*_{}[]()<>#+!|~", *p)) ct_sbuf_addc(out, '\\');
        ct_sbuf_addc(out, *p);
    }
    ct_sbuf_free(&t);
}

static const char *ent(const ct_store *st, size_t ev, enum ct_ef name, enum ct_ef id)
{
    const char *v = ct_event_str(st, &st->ev[ev], name);
    return v && *v ? v : ct_event_str(st, &st->ev[ev], id);
}

static void md_time(ct_sbuf *out, int64_t ts)
{
    char t[32];
    ct_time_fmt(ts, t);
    ct_sbuf_add(out, ts == CT_TIME_NONE ? "?" : t);
}

/* The commits that touched the alert's decision file, newest first (*ci: free
 * with ct_commit_info_free); 0 when none or when the history cannot be read
 * (the report then shows no commits for it). */
static size_t decision_commits(ct_session *s, const ct_alert *a, ct_commit_info **ci)
{
    ct_sbuf path, err;
    ct_sbuf_init(&path);
    ct_sbuf_init(&err);
    ct_decision_path(a->id, a->ts, &path);
    const char *pre[1] = {path.buf};
    size_t nci = 0;
    *ci = NULL;
    if (ct_repo_history(s->repo, pre, 1, 0, ci, &nci, &err) < 0) nci = 0;
    ct_sbuf_free(&err);
    ct_sbuf_free(&path);
    return nci;
}

static void md_decisions(ct_session *s, const ct_incident *inc, ct_sbuf *out)
{
    ct_sbuf_add(out, "\n## Decisions\n\n");
    if (!s->repo) {
        ct_sbuf_add(out, "No rules repo: ");
        md(out, s->readonly_why ? s->readonly_why : "read-only");
        ct_sbuf_add(out, "\n");
        return;
    }
    for (size_t j = 0; j < inc->nalerts; j++) {
        const ct_alert *a = &s->alerts.v[inc->alerts[j]];
        const ct_decision *d = ct_triage_decision(s, a->id);
        ct_sbuf_addf(out, "- `%s`: %s", a->id, ct_status_name(a->status));
        if (a->suppressed_by && !d) {
            ct_sbuf_add(out, " (exception ");
            md(out, a->suppressed_by);
            ct_sbuf_add(out, ")");
        }
        if (d) {
            ct_sbuf_add(out, " by ");
            md(out, d->analyst);
            ct_sbuf_add(out, " at ");
            md_time(out, d->at);
            if (d->exception) {
                ct_sbuf_add(out, ", exception ");
                md(out, d->exception);
            }
            if (d->note && *d->note) {
                ct_sbuf_add(out, ": ");
                md(out, d->note);
            }
            for (size_t k = 0; k < d->nsteps; k++) {
                ct_sbuf_add(out, "\n  - step done: ");
                md(out, d->steps[k]);
            }
        }
        ct_sbuf_add(out, "\n");
        ct_commit_info *ci = NULL;
        size_t nci = decision_commits(s, a, &ci);
        for (size_t k = 0; k < nci; k++) {
            ct_sbuf_addf(out, "  - commit `%.12s` ", ci[k].id);
            md_time(out, ci[k].time_ms);
            ct_sbuf_add(out, " ");
            md(out, ci[k].author_name);
            ct_sbuf_add(out, ": ");
            md(out, ci[k].summary);
            ct_sbuf_add(out, "\n");
        }
        ct_commit_info_free(ci, nci);
    }
}

static void report_md(ct_session *s, const ct_incident *inc, ct_sbuf *out)
{
    const ct_store *st = &s->store;
    const ct_alert *lead = &s->alerts.v[inc->lead];
    ct_sbuf_addf(out, "# Incident %s: ", inc->id);
    md(out, lead->rule_name ? lead->rule_name : lead->rule_id);
    ct_sbuf_addf(out, "\n\n## Summary\n\n- Score: %d (%s)\n- Status: %s%s\n- First seen: ", inc->score, inc->severity,
                 ct_status_name(inc->status), inc->mixed ? " (mixed)" : "");
    md_time(out, inc->first_ts);
    ct_sbuf_add(out, "\n- Last seen: ");
    md_time(out, inc->last_ts);
    ct_sbuf_addf(out, "\n- Alerts: %zu\n", inc->nalerts);
    if (lead->event < st->nev) {
        ct_sbuf_add(out, "- Lead: ");
        md(out, ent(st, lead->event, CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID));
        ct_sbuf_add(out, " -> ");
        md(out, ent(st, lead->event, CT_EF_TARGET_NAME, CT_EF_TARGET_ID));
        ct_sbuf_add(out, "\n");
    }
    ct_sbuf_add(out, "\n## Evidence\n\n");
    for (size_t j = 0; j < inc->nreasons; j++) {
        ct_sbuf_addf(out, "- %+d %s: ", inc->reasons[j].points, ct_incident_factor_info(inc->reasons[j].factor)->name);
        md(out, inc->reasons[j].text);
        ct_sbuf_add(out, "\n");
    }
    ct_sbuf_add(out, "\n## Entities\n\n");
    for (size_t j = 0; j < inc->nentities; j++) {
        const ct_incident_entity *e = &inc->entities[j];
        ct_sbuf_addf(out, "- %s (%s): ", ct_role_name(e->role), ct_ent_kind_name(e->kind));
        md(out, e->name && *e->name ? e->name : e->id);
        if (e->name && e->id && strcmp(e->name, e->id)) {
            ct_sbuf_add(out, " (");
            md(out, e->id);
            ct_sbuf_add(out, ")");
        }
        if (e->shared_peers)
            ct_sbuf_addf(out, ": a shared identity, with alerts involving %u others (more than %d), so alerts "
                              "are not joined into this incident through it",
                         (unsigned)e->shared_peers, CT_INCIDENT_HUB_PEERS);
        ct_sbuf_add(out, "\n");
    }
    ct_sbuf_add(out, "\n## Timeline\n\n");
    tl_item *tl = NULL;
    size_t ntl = timeline(s, inc, &tl);
    for (size_t j = 0; j < ntl; j++) {
        size_t ev = tl[j].ev;
        ct_sbuf_add(out, "- ");
        md_time(out, st->ev[ev].ts);
        ct_sbuf_add(out, " ");
        md(out, ct_event_str(st, &st->ev[ev], CT_EF_ACTION));
        ct_sbuf_add(out, " by ");
        md(out, ent(st, ev, CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID));
        const char *t = ent(st, ev, CT_EF_TARGET_NAME, CT_EF_TARGET_ID), *ip = ct_event_str(st, &st->ev[ev], CT_EF_ACTOR_IP);
        const char *oc = ct_event_str(st, &st->ev[ev], CT_EF_OUTCOME);
        if (t) {
            ct_sbuf_add(out, " on ");
            md(out, t);
        }
        if (ip) {
            ct_sbuf_add(out, " from ");
            md(out, ip);
        }
        if (oc && strcmp(oc, "success")) {
            ct_sbuf_add(out, " (");
            md(out, oc);
            ct_sbuf_add(out, ")");
        }
        if (tl[j].alert) ct_sbuf_addf(out, " [alert `%s`]", tl[j].alert->id);
        if (tl[j].use) ct_sbuf_add(out, " [with the new credential]");
        ct_sbuf_add(out, "\n");
    }
    free(tl);
    ct_sbuf_add(out, "\n## Alerts\n\n");
    for (size_t j = 0; j < inc->nalerts; j++) {
        const ct_alert *a = &s->alerts.v[inc->alerts[j]];
        ct_sbuf_addf(out, "- `%s` ", a->id);
        md_time(out, a->ts);
        ct_sbuf_add(out, " ");
        md(out, a->severity);
        ct_sbuf_add(out, " ");
        md(out, a->rule_name ? a->rule_name : a->rule_id);
        ct_sbuf_addf(out, ": %s (", ct_status_name(a->status));
        md(out, ct_event_file(st, &st->ev[a->event]));
        char place[64];
        ct_sbuf_addf(out, "%s)\n", ct_event_place(&st->ev[a->event], place));
    }
    md_decisions(s, inc, out);
}

/* ---- JSON ---- */

static cJSON *report_json(ct_session *s, const ct_incident *inc)
{
    const ct_store *st = &s->store;
    cJSON *o = ct_incident_json(st, &s->alerts, inc);
    cJSON *tj = cJSON_AddArrayToObject(o, "timeline");
    tl_item *tl = NULL;
    size_t ntl = timeline(s, inc, &tl);
    for (size_t j = 0; j < ntl; j++) {
        size_t ev = tl[j].ev;
        cJSON *x = cJSON_CreateObject();
        char t[32];
        ct_time_fmt(st->ev[ev].ts, t);
        cJSON_AddStringToObject(x, "timestamp", t);
        static const struct { const char *k; enum ct_ef f; } fs[] = {
            {"action", CT_EF_ACTION}, {"outcome", CT_EF_OUTCOME}, {"actor", CT_EF_ACTOR_NAME},
            {"actor_id", CT_EF_ACTOR_ID}, {"target", CT_EF_TARGET_NAME}, {"target_id", CT_EF_TARGET_ID},
            {"ip", CT_EF_ACTOR_IP}};
        for (size_t k = 0; k < sizeof fs / sizeof *fs; k++) {
            const char *v = ct_event_str(st, &st->ev[ev], fs[k].f);
            if (v) cJSON_AddStringToObject(x, fs[k].k, v);
        }
        if (tl[j].alert) cJSON_AddStringToObject(x, "alert", tl[j].alert->id);
        cJSON_AddBoolToObject(x, "uses_new_credential", tl[j].use);
        cJSON *src = cJSON_AddObjectToObject(x, "source");
        cJSON_AddStringToObject(src, "file", ct_event_file(st, &st->ev[ev]));
        cJSON_AddNumberToObject(src, "line", st->ev[ev].line);
        if (st->ev[ev].rec) cJSON_AddNumberToObject(src, "record", st->ev[ev].rec);
        cJSON_AddItemToArray(tj, x);
    }
    free(tl);
    cJSON *dj = cJSON_AddArrayToObject(o, "decisions");
    for (size_t j = 0; s->repo && j < inc->nalerts; j++) {
        const ct_alert *a = &s->alerts.v[inc->alerts[j]];
        const ct_decision *d = ct_triage_decision(s, a->id);
        cJSON *x = d ? ct_decision_to_json(d) : cJSON_CreateObject();
        cJSON_DeleteItemFromObject(x, "alert_id");
        cJSON_AddStringToObject(x, "alert", a->id);
        cJSON_AddStringToObject(x, "status_now", ct_status_name(a->status));
        ct_commit_info *ci = NULL;
        size_t nci = decision_commits(s, a, &ci);
        cJSON *cj = cJSON_AddArrayToObject(x, "commits");
        for (size_t k = 0; k < nci; k++) {
            cJSON *c = cJSON_CreateObject();
            char t[32];
            ct_time_fmt(ci[k].time_ms, t);
            cJSON_AddStringToObject(c, "id", ci[k].id);
            cJSON_AddStringToObject(c, "author", ci[k].author_name ? ci[k].author_name : "");
            cJSON_AddStringToObject(c, "time", t);
            cJSON_AddStringToObject(c, "summary", ci[k].summary ? ci[k].summary : "");
            cJSON_AddItemToArray(cj, c);
        }
        ct_commit_info_free(ci, nci);
        if (d || cJSON_GetArraySize(cj)) cJSON_AddItemToArray(dj, x);
        else cJSON_Delete(x);
    }
    return o;
}

int ct_incident_report(ct_session *s, const ct_incident *inc, ct_report_format fmt, ct_sbuf *out, ct_sbuf *err)
{
    if (!s || !inc || !s->corr) {
        ct_sbuf_add(err, "no incident (or no correlation index)");
        return -1;
    }
    if (fmt == CT_REPORT_JSON) {
        cJSON *o = report_json(s, inc);
        char *txt = cJSON_Print(o);
        ct_san_json_text(txt, strlen(txt), 0, out);
        ct_sbuf_addc(out, '\n');
        free(txt);
        cJSON_Delete(o);
    } else {
        report_md(s, inc, out);
    }
    return 0;
}
