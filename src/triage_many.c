/* triage_many: a false positive on several alerts (tagged ones, or an
 * incident's) as ONE commit: the alerts grouped by rule and by their resolved
 * entries, one exception per group, a decision for every alert (triage.h).
 * Builds each exception with triage_fp.c, commits with triage_commit.c. */
#include "triage_int.h"

#include <stdlib.h>
#include <string.h>
#include "decisions.h"
#include "exceptions.h"
#include "sanitize.h"

typedef struct group {
    ct_exc_item it;
    size_t *alerts; /* indexes into rq->alerts */
    size_t n;
    ct_fp_preview pv;
    ct_sbuf path;
} group;

static void groups_free(group *g, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        ct_exc_item_free(&g[k].it);
        free(g[k].alerts);
        ct_sbuf_free(&g[k].path);
    }
    free(g);
}

/* The group of alert i: the same rule and the same exception query. */
static int group_of(ct_session *s, const ct_fp_many_request *rq, size_t i, const char *analyst, int64_t now,
                    group **g, size_t *ng, ct_sbuf *err)
{
    ct_fp_request one = {rq->alerts[i], rq->entries[i], rq->nentries[i], rq->reason, rq->expires, rq->force, 0};
    ct_exc_item it;
    if (ct_triage__fp_item(s, &one, analyst, now, &it, err) < 0) return -1;
    for (size_t k = 0; k < *ng; k++) {
        group *x = &(*g)[k];
        if (!strcmp(x->it.rule_id, it.rule_id) && !strcmp(x->it.query, it.query) &&
            ct_triage__same_rule(s, rq->alerts[x->alerts[0]], rq->alerts[i])) {
            x->alerts = ct_xrealloc(x->alerts, (x->n + 1) * sizeof *x->alerts);
            x->alerts[x->n++] = i;
            ct_exc_item_free(&it);
            return 0;
        }
    }
    *g = ct_xrealloc(*g, (*ng + 1) * sizeof **g);
    group *x = &(*g)[(*ng)++];
    memset(x, 0, sizeof *x);
    x->it = it;
    x->alerts = ct_xmalloc(sizeof *x->alerts);
    x->alerts[x->n++] = i;
    ct_sbuf_init(&x->path);
    return 0;
}

static void add_decision(ct_session *s, const ct_alert *b, const char *analyst, int64_t now, const char *item_id,
                         const char *note, ct_repo_file **files, ct_sbuf **paths, size_t *nfiles)
{
    ct_decision d;
    memset(&d, 0, sizeof d);
    ct_decision_from_alert(&d, &s->store, b);
    d.status = CT_STATUS_FALSE_POSITIVE;
    d.analyst = ct_xstrdup(analyst);
    d.at = now;
    d.exception = ct_xstrdup(item_id);
    d.note = ct_xstrdup(note);
    *files = ct_xrealloc(*files, (*nfiles + 1) * sizeof **files);
    *paths = ct_xrealloc(*paths, (*nfiles + 1) * sizeof **paths);
    ct_sbuf_init(&(*paths)[*nfiles]);
    ct_decision_path(b->id, b->ts, &(*paths)[*nfiles]);
    char *body = ct_decision_to_file(&d);
    (*files)[*nfiles] = (ct_repo_file){NULL, body, strlen(body)};
    (*nfiles)++;
    ct_decision_free(&d);
}

static int listed(const ct_fp_many_request *rq, const ct_alert *b)
{
    for (size_t i = 0; i < rq->n; i++)
        if (rq->alerts[i] == b) return 1;
    return 0;
}

static void message(ct_session *s, const ct_fp_many_request *rq, const group *g, size_t ng, size_t nclosed,
                    ct_sbuf *msg)
{
    const ct_alert *a = rq->alerts[0];
    ct_sbuf_addf(msg, "exception%s: %zu alert%s", ng == 1 ? "" : "s", rq->n, rq->n == 1 ? "" : "s");
    if (rq->label) {
        ct_sbuf_add(msg, " of ");
        ct_san_line(rq->label, 40, msg);
    }
    ct_sbuf_add(msg, ": ");
    ct_san_line(a->rule_name ? a->rule_name : g[0].it.stem, 60, msg);
    if (ng > 1) ct_sbuf_addf(msg, " +%zu rule%s", ng - 1, ng == 2 ? "" : "s");
    ct_sbuf_add(msg, "\n\n");
    ct_triage__note_block("Reason", rq->reason, msg);
    for (size_t k = 0; k < ng; k++) {
        const group *x = &g[k];
        ct_sbuf_add(msg, "\nException: ");
        ct_san_line(x->it.item_id, 0, msg);
        ct_sbuf_add(msg, " (");
        ct_san_line(x->path.buf, 0, msg);
        ct_sbuf_add(msg, ")\nRule: ");
        ct_san_line(x->it.stem, 0, msg);
        ct_sbuf_add(msg, "\nEntries (all must match):\n");
        for (size_t i = 0; i < x->it.nentries; i++) {
            ct_sbuf d;
            ct_sbuf_init(&d);
            ct_exc_entry_describe(&x->it.entries[i], &d);
            ct_sbuf_add(msg, "  - ");
            ct_san_line(d.buf, 0, msg);
            ct_sbuf_addc(msg, '\n');
            ct_sbuf_free(&d);
        }
        if (x->it.expire != CT_TIME_NONE) {
            char t[32];
            ct_time_fmt(x->it.expire, t);
            ct_sbuf_addf(msg, "Expires: %s\n", t);
        } else {
            ct_sbuf_add(msg, "Expires: never\n");
        }
        ct_sbuf_addf(msg, "Suppresses: %zu of %zu loaded alerts of the rule\nAlerts:", x->pv.rule_matches,
                     x->pv.rule_total);
        for (size_t i = 0; i < x->n; i++) ct_sbuf_addf(msg, " %s", rq->alerts[x->alerts[i]]->id);
        ct_sbuf_addc(msg, '\n');
    }
    for (size_t i = 0; i < rq->n; i++) {
        ct_sbuf_addc(msg, '\n');
        ct_triage__alert_body(s, rq->alerts[i], msg);
    }
    if (nclosed) ct_sbuf_addf(msg, "\nAlso closed as false positive: %zu matching open alerts\n", nclosed);
}

int ct_triage_fp_many(ct_session *s, const ct_fp_many_request *rq, char oid[41], size_t *nexceptions,
                      ct_sbuf *err)
{
    if (nexceptions) *nexceptions = 0;
    if (ct_triage__need_repo(s, err) < 0) return -1;
    if (!rq->n) {
        ct_sbuf_add(err, "no alert");
        return -1;
    }
    int64_t now = ct_exc_now();
    char *analyst = ct_triage__analyst_of(s, err);
    if (!analyst) return -1;
    group *g = NULL;
    size_t ng = 0, nfiles = 0, nclosed = 0;
    ct_repo_file *files = NULL;
    ct_sbuf *paths = NULL;
    ct_sbuf msg;
    ct_sbuf_init(&msg);
    int rc = -1;
    for (size_t i = 0; i < rq->n; i++)
        if (group_of(s, rq, i, analyst, now, &g, &ng, err) < 0) goto out;
    for (size_t k = 0; k < ng; k++) {
        group *x = &g[k];
        const ct_alert **matched = NULL;
        size_t nmatched = 0;
        ct_triage__fp_matches(s, rq->alerts[x->alerts[0]], &x->it, now, &x->pv, &matched, &nmatched);
        /* the exception must match every alert of its group */
        for (size_t i = 0; i < x->n; i++) {
            int self = 0;
            for (size_t j = 0; j < nmatched; j++) self |= matched[j] == rq->alerts[x->alerts[i]];
            if (!self) {
                ct_sbuf_addf(err, "the exception does not match alert %s itself (check the entries)",
                             rq->alerts[x->alerts[i]]->id);
                free(matched);
                goto out;
            }
        }
        if (x->pv.rule_total > 1 && x->pv.rule_matches == x->pv.rule_total && !rq->force) {
            ct_sbuf_addf(err, "the exception would suppress every one of the %zu loaded alerts of its rule; "
                              "narrow the entries or force it", x->pv.rule_total);
            free(matched);
            goto out;
        }
        /* one description for the group */
        ct_sbuf d;
        ct_sbuf_init(&d);
        ct_sbuf_addf(&d, "False positive of alert%s", x->n == 1 ? "" : "s");
        for (size_t i = 0; i < x->n; i++) ct_sbuf_addf(&d, "%s %s", i ? "," : "", rq->alerts[x->alerts[i]]->id);
        if (rq->label) ct_sbuf_addf(&d, " (%s)", rq->label);
        free(x->it.description);
        x->it.description = ct_sbuf_detach(&d);
        ct_sbuf_free(&d);
        ct_exc_path(x->it.stem, x->it.item_id, &x->path);
        char *body = ct_exc_to_file(&x->it);
        files = ct_xrealloc(files, (nfiles + 1) * sizeof *files);
        paths = ct_xrealloc(paths, (nfiles + 1) * sizeof *paths);
        ct_sbuf_init(&paths[nfiles]);
        ct_sbuf_add(&paths[nfiles], x->path.buf);
        files[nfiles++] = (ct_repo_file){NULL, body, strlen(body)};
        for (size_t i = 0; i < x->n; i++)
            add_decision(s, rq->alerts[x->alerts[i]], analyst, now, x->it.item_id, rq->reason, &files, &paths, &nfiles);
        if (rq->close_matching)
            for (size_t j = 0; j < nmatched; j++) {
                const ct_alert *b = matched[j];
                if (b->status != CT_STATUS_OPEN || listed(rq, b)) continue;
                ct_sbuf nb;
                ct_sbuf_init(&nb);
                ct_sbuf_addf(&nb, "closed with exception %s: %s", x->it.item_id, rq->reason);
                add_decision(s, b, analyst, now, x->it.item_id, nb.buf, &files, &paths, &nfiles);
                ct_sbuf_free(&nb);
                nclosed++;
            }
        free(matched);
    }
    for (size_t i = 0; i < nfiles; i++) files[i].path = paths[i].buf;
    message(s, rq, g, ng, nclosed, &msg);
    rc = ct_triage__commit(s, files, nfiles, msg.buf, oid, err);
    if (rc == 0 && nexceptions) *nexceptions = ng;
out:
    for (size_t i = 0; i < nfiles; i++) {
        free((char *)files[i].data);
        ct_sbuf_free(&paths[i]);
    }
    free(files);
    free(paths);
    groups_free(g, ng);
    free(analyst);
    ct_sbuf_free(&msg);
    return rc;
}
