/* alerts_esql: ES|QL rules over the whole store (ct_scan_esql in alerts.h).
 * Each row a rule returns is one alert: a row that stands for one event (a
 * rule without STATS) is that event's alert, as Kibana raises one per
 * document; an aggregating rule's row stands for every event its group
 * counted, kept as the alert's evidence, and the alert sits on the latest of
 * them (when Kibana's rule would have fired). Events are pre-filtered by the
 * rule's datasets and (dataset, action) verdicts (ct_rules_bind) and their
 * stored fields (ct_esql_may_pass); the query's columns are then read from
 * the record without a document (esql_fast.c), where the query's own WHEREs
 * test exact values; a record that reader declines is judged by its bytes too
 * before it is rebuilt as a document, of which the query keeps only the
 * columns it reads (esql_proj.c). The store is read in chunks by a thread
 * per core (ct_esql_run_split), each thread with its own reader. */
#include "alerts.h"
#include "esql_fast.h"
#include "out.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct run_ctx {
    const ct_store *st;
    const ct_rule *rule;
    int raw;          /* the rule reads a verbatim field: look at the record's bytes */
    char *buf;        /* the record's bytes */
    size_t cap;
    uint8_t facts[32]; /* the ct_esql_stored_cols the query reads */
    size_t nfacts;
    ct_esql_fast *fast; /* reads the query's columns without a document, when it can */
    const char *last_ds; /* the last event's dataset, and whether FROM selects it */
    int last_sel;
} run_ctx;

/* Fields whose values every normalizer copies from the record as written
 * (CloudTrail's userIdentity.type and .accessKeyId, or the ECS document's own
 * field): a value the record's bytes lack is not theirs. Kept short on
 * purpose: a field wrongly listed here would hide alerts. */
static const char *const verbatim[] = {
    "aws.cloudtrail.user_identity.type",
    "aws.cloudtrail.user_identity.access_key_id",
};

/* Can event i pass the rule's leading WHERE commands, judging by its stored
 * fields and, with raw, its record's bytes? Saves reading the record (or
 * rebuilding the document) of those that cannot. */
static int may_pass(run_ctx *c, size_t i, const ct_event *e, int raw)
{
    if (!c->nfacts && !raw) return 1; /* the query reads none of them */
    ct_esql_fact f[32];
    for (size_t k = 0; k < c->nfacts; k++) {
        const ct_esql_stored *s = &ct_esql_stored_cols[c->facts[k]];
        f[k].field = s->col;
        f[k].value = s->cred && !(e->flags & CT_EVF_CRED_ADD) ? NULL : ct_event_str(c->st, e, s->f);
    }
    size_t len = 0;
    const char *p = raw ? ct_store_record(c->st, i, &c->buf, &c->cap, &len) : NULL;
    return ct_esql_may_pass(c->rule->esql, f, c->nfacts, p, len, verbatim, CT_ARRAY_LEN(verbatim));
}

/* The document of a candidate the fast reader could not read: unless it
 * cannot pass the leading WHEREs (judging by its stored fields and bytes). */
static cJSON *get_doc(void *ctx, size_t i)
{
    run_ctx *c = ctx;
    if (c->raw && !may_pass(c, i, &c->st->ev[i], 1)) return NULL;
    return ct_store_event_json(c->st, i);
}

/* The columns, read without the document: the query's own WHEREs then test
 * exact values, no pre-filter needed. */
static int fill_cols(void *ctx, size_t i, ct_esql_cols *cols)
{
    run_ctx *c = ctx;
    return ct_esql_fast_fill(c->fast, c->st, i, cols);
}

static void put_doc(void *ctx, size_t i, cJSON *doc)
{
    (void)ctx;
    (void)i;
    cJSON_Delete(doc);
}

/* A candidate's dataset, or NULL to leave the event out: an alert document,
 * or an event the rule's (dataset, action) verdicts or FROM rule out. */
static const char *dataset_of(void *ctx, size_t i)
{
    run_ctx *c = ctx;
    const ct_event *e = &c->st->ev[i];
    if (e->flags & CT_EVF_ALERT) return NULL;
    if (!ct_rule_may_match(c->rule, e)) return NULL;
    const char *ds = ct_event_str(c->st, e, CT_EF_DATASET);
    if (ds != c->last_ds) { /* interned: one string per dataset */
        c->last_ds = ds;
        c->last_sel = ct_esql_selects(c->rule->esql, ds);
    }
    return c->last_sel && may_pass(c, i, e, 0) ? ds : NULL;
}

#define ESQL_THREADS 8
#define ESQL_CHUNKS 64

/* The events in chunks of at least 4,096 (at most 64 of them), read by one
 * thread per core, each taking the next chunk: the thread that ends its
 * chunks first takes more, while the calling thread also passes each
 * chunk's rows on to STATS in order. */
static size_t esql_chunks(size_t nev, size_t *nthreads)
{
    size_t n = nev / 4096;
    if (n > ESQL_CHUNKS) n = ESQL_CHUNKS;
    if (!n) n = 1;
    size_t t = ct_threads();
    if (t > ESQL_THREADS) t = ESQL_THREADS;
    *nthreads = t < n ? t : n;
    if (!*nthreads) *nthreads = 1;
    return n;
}

/* Does column (a name or a `*` pattern) cover field? */
static int covers(const char *col, const char *field)
{
    size_t n = strcspn(col, "*");
    return col[n] ? !strncmp(col, field, n) : !strcmp(col, field);
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
        run_ctx c = {.st = st, .rule = r};
        const char *const *cols;
        size_t ncols;
        int proj = ct_esql_columns(r->esql, &cols, &ncols);
        for (size_t k = 0; k < ncols; k++)
            for (size_t v = 0; v < CT_ARRAY_LEN(verbatim); v++)
                if (covers(cols[k], verbatim[v])) c.raw = 1;
        for (size_t s = 0; s < ct_esql_nstored && s < sizeof c.facts; s++) {
            int reads = !proj;
            for (size_t k = 0; k < ncols && !reads; k++) reads = covers(cols[k], ct_esql_stored_cols[s].col);
            if (reads) c.facts[c.nfacts++] = (uint8_t)s;
        }
        if (!proj) c.raw = 1; /* reads anything */
        /* the events in chunks, read by a thread per core, each with its own reader */
        size_t np, nch = esql_chunks(st->nev, &np), bounds[ESQL_CHUNKS + 1];
        run_ctx pc[ESQL_THREADS];
        void *ctxs[ESQL_THREADS];
        for (size_t k = 0; k < np; k++) {
            pc[k] = c;
            pc[k].fast = proj ? ct_esql_fast_new(cols, ncols) : NULL;
            ctxs[k] = &pc[k];
        }
        for (size_t k = 0; k < nch; k++) bounds[k] = st->nev * k / nch;
        bounds[nch] = st->nev;
        ct_esql_result res;
        char err[512];
        int rc = ct_esql_run_split(r->esql, nch, bounds, np, ctxs, get_doc, put_doc, dataset_of, fill_cols, now,
                                   &res, err, sizeof err);
        for (size_t k = 0; k < np; k++) {
            free(pc[k].buf);
            ct_esql_fast_free(pc[k].fast);
        }
        if (rc < 0) {
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
