/* triage_fp: marking an alert a false positive: the candidate fields for an
 * exception, the Kibana exception item built from the analyst's choice, the
 * preview of what else it would suppress, and the commit (triage_commit.c). */
#include "triage_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decisions.h"
#include "exceptions.h"
#include "guide.h"
#include "sanitize.h"

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
int ct_triage__fp_item(ct_session *s, const ct_fp_request *rq, const char *analyst, int64_t now,
                      ct_exc_item *it, ct_sbuf *err)
{
    memset(it, 0, sizeof *it);
    it->expire = CT_TIME_NONE;
    const ct_alert *a = rq->alert;
    if (!a) {
        ct_sbuf_add(err, "no alert");
        return -1;
    }
    const ct_rule *r = ct_triage__alert_rule(s, a);
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

void ct_triage__fp_matches(ct_session *s, const ct_alert *a, const ct_exc_item *it, int64_t now,
                           ct_fp_preview *pv, const ct_alert ***matched, size_t *nmatched)
{
    memset(pv, 0, sizeof *pv);
    for (size_t i = 0; i < s->alerts.n; i++) {
        const ct_alert *b = &s->alerts.v[i];
        int mine = ct_triage__same_rule(s, a, b);
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
    if (ct_triage__fp_item(s, rq, "preview", now, &it, err) < 0) return -1;
    ct_triage__fp_matches(s, rq->alert, &it, now, pv, NULL, NULL);
    ct_exc_item_free(&it);
    return 0;
}

int ct_triage_fp(ct_session *s, const ct_fp_request *rq, char oid[41], ct_sbuf *err)
{
    if (ct_triage__need_repo(s, err) < 0) return -1;
    int64_t now = ct_exc_now();
    if (check_request(s, rq, now, err) < 0) return -1;
    char *analyst = ct_triage__analyst_of(s, err);
    if (!analyst) return -1;
    const ct_alert *a = rq->alert;
    ct_exc_item it;
    const ct_alert **matched = NULL;
    size_t nmatched = 0;
    ct_repo_file *files = NULL;
    char **bodies = NULL;
    ct_sbuf *paths = NULL;
    size_t nfiles = 0;
    ct_sbuf msg, replaces, ignored;
    ct_sbuf_init(&msg);
    ct_sbuf_init(&replaces);
    ct_sbuf_init(&ignored);
    char head[41] = "";
    int rc = -1;
    if (ct_triage__fp_item(s, rq, analyst, now, &it, err) < 0) {
        ct_sbuf_free(&replaces);
        ct_sbuf_free(&ignored);
        free(analyst);
        ct_sbuf_free(&msg);
        return -1;
    }
    ct_fp_preview pv;
    ct_triage__fp_matches(s, a, &it, now, &pv, &matched, &nmatched);
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
        ct_sbuf_init(&paths[nfiles]);
        ct_decision_path(b->id, b->ts, &paths[nfiles]);
        /* another analyst's decision is never replaced in silence: the
         * alert's own is checked (refused, or "Replaces ..." said); an open
         * one closed with it was open as HEAD has it */
        if (ct_triage__decision_base(s, b, paths[nfiles].buf, analyst, &d, head,
                                     i == 0 ? &replaces : &ignored, err) < 0) {
            ct_decision_free(&d);
            ct_sbuf_free(&paths[nfiles]);
            free(closed);
            goto out;
        }
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
    if (replaces.len) {
        ct_sbuf_add(&msg, replaces.buf);
        ct_sbuf_addc(&msg, '\n');
    }
    ct_triage__note_block("Reason", rq->reason, &msg);
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
    ct_triage__alert_body(s, a, &msg);
    if (nclosed) {
        ct_sbuf_addf(&msg, "Also closed as false positive (%zu):", nclosed);
        for (size_t i = 0; i < nclosed; i++) ct_sbuf_addf(&msg, " %s", closed[i]->id);
        ct_sbuf_addc(&msg, '\n');
    }
    free(closed);
    rc = ct_triage__commit_at(s, files, nfiles, msg.buf, head, oid, err);
    if (rc == -2) {
        rc = -1;
        ct_sbuf_add(err, "the rules repo changed while the false positive was being written "
                         "(another decision came in): nothing was changed; try again");
    }
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
    ct_sbuf_free(&replaces);
    ct_sbuf_free(&ignored);
    return rc;
}
