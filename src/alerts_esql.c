/* alerts_esql: ES|QL rules over the whole store (ct_scan_esql in alerts.h).
 * Each row a rule returns is one alert: a row that stands for one event (a
 * rule without STATS) is that event's alert, as Kibana raises one per
 * document; an aggregating rule's row stands for every event its group
 * counted, kept as the alert's evidence, and the alert sits on the latest of
 * them (when Kibana's rule would have fired). Events are pre-filtered by the
 * rule's datasets and (dataset, action) verdicts (ct_rules_bind). */
#include "alerts.h"
#include "out.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct run_ctx {
    const ct_store *st;
    const ct_rule *rule;
} run_ctx;

static cJSON *get_doc(void *ctx, size_t i)
{
    const run_ctx *c = ctx;
    return ct_store_event_json(c->st, i);
}

static void put_doc(void *ctx, size_t i, cJSON *doc)
{
    (void)ctx;
    (void)i;
    cJSON_Delete(doc);
}

/* The event's dataset, or NULL to leave it out: an alert document, or an
 * event the rule's pre-filter rules out. */
static const char *dataset_of(void *ctx, size_t i)
{
    const run_ctx *c = ctx;
    const ct_event *e = &c->st->ev[i];
    if (e->flags & CT_EVF_ALERT) return NULL;
    if (!ct_rule_may_match(c->rule, e)) return NULL;
    return ct_event_str(c->st, e, CT_EF_DATASET);
}

/* Stable id: the rule and its row's events (their record ids, else bytes). */
static void row_id(const ct_store *st, const ct_rule *r, const uint32_t *ev, size_t nev, char id[17])
{
    static const char hex[] = "0123456789abcdef";
    uint64_t h = ct_hash64("esql", 5);
    h = ct_hash64_more(h, r->rule_id, strlen(r->rule_id) + 1);
    for (size_t k = 0; k < nev; k++) {
        const ct_event *e = &st->ev[ev[k]];
        const char *rid = ct_event_str(st, e, CT_EF_RECORD_ID), *ds = ct_event_str(st, e, CT_EF_DATASET);
        if (rid) {
            if (ds) h = ct_hash64_more(h, ds, strlen(ds) + 1);
            h = ct_hash64_more(h, rid, strlen(rid) + 1);
            /* an id that different records share tells none of them apart */
            if (e->flags & CT_EVF_SHARED_ID) {
                uint64_t c = ct_store_content_hash(st, ev[k]);
                h = ct_hash64_more(h, &c, sizeof c);
            }
        } else {
            size_t len;
            const char *raw = ct_event_raw(st, ev[k], &len);
            h = ct_hash64_more(h, raw, len);
        }
    }
    for (int i = 0; i < 16; i++) id[i] = hex[(h >> (60 - 4 * i)) & 15];
    id[16] = 0;
}

void ct_scan_esql(const ct_store *st, const ct_ruleset *rs, ct_alerts *out, size_t *cap, ct_diag_fn diag,
                  void *dctx)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    for (size_t ri = 0; ri < rs->n; ri++) {
        const ct_rule *r = &rs->v[ri];
        if (!r->esql || r->match_none) continue;
        run_ctx c = {st, r};
        ct_esql_result res;
        char err[512];
        if (ct_esql_run(r->esql, st->nev, get_doc, put_doc, dataset_of, &c, now, &res, err, sizeof err) < 0) {
            if (diag) diag(dctx, r->path, 0, err);
            else ct_out_printf(stderr, "%s: %s\n", r->path, err);
            continue;
        }
        for (size_t k = 0; k < res.n; k++) {
            ct_esql_row *row = &res.v[k];
            if (!row->nev) continue; /* a row of no event (STATS over nothing) raises nothing */
            size_t latest = row->ev[0];
            for (size_t e = 1; e < row->nev; e++)
                if (st->ev[row->ev[e]].ts >= st->ev[latest].ts) latest = row->ev[e];
            if (out->n == *cap) {
                *cap = *cap ? *cap * 2 : 64;
                out->v = ct_xrealloc(out->v, *cap * sizeof *out->v);
            }
            ct_alert *x = &out->v[out->n++];
            memset(x, 0, sizeof *x);
            x->event = latest;
            x->rule = r;
            x->rule_id = r->rule_id;
            x->rule_name = r->name;
            x->severity = r->severity;
            x->risk_score = r->risk_score;
            x->ts = st->ev[latest].ts;
            x->origin = CT_ORIGIN_RULE;
            row_id(st, r, row->ev, row->nev, x->id);
            x->esql_row = row->row;
            row->row = NULL;
            x->evidence = row->ev;
            x->nevidence = row->nev;
            row->ev = NULL;
            row->nev = 0;
        }
        ct_esql_result_free(&res);
    }
}

/* Set doc's value at a dotted name, making the objects on the way (a
 * non-object in the way: left as it is). */
static void set_path(cJSON *doc, const char *name, const cJSON *v)
{
    cJSON *cur = doc;
    const char *p = name;
    for (;;) {
        const char *dot = strchr(p, '.');
        char *key = ct_xstrndup(p, dot ? (size_t)(dot - p) : strlen(p));
        cJSON *k = cJSON_GetObjectItemCaseSensitive(cur, key);
        if (!dot) {
            if (k) cJSON_DeleteItemFromObjectCaseSensitive(cur, key);
            cJSON_AddItemToObject(cur, key, cJSON_Duplicate(v, 1));
            free(key);
            return;
        }
        if (!k) k = cJSON_AddObjectToObject(cur, key);
        free(key);
        if (!cJSON_IsObject(k)) return;
        cur = k;
        p = dot + 1;
    }
}

cJSON *ct_alert_doc(const ct_store *st, const ct_alert *a)
{
    cJSON *doc = ct_store_event_json(st, a->event);
    if (!doc || !a->esql_row) return doc;
    const cJSON *c;
    cJSON_ArrayForEach(c, a->esql_row)
    {
        if (c->string && !cJSON_IsNull(c)) set_path(doc, c->string, c);
    }
    return doc;
}
