/* alerts: the scan — rules over events, Elastic alert documents imported. */
#include "alerts.h"

#include "arena.h"

#include <stdlib.h>
#include <unistd.h>
#include <string.h>

static const char *const status_names[CT_STATUS__COUNT] = {
    "open", "acknowledged", "false_positive", "remediated", "suppressed",
};

const char *ct_status_name(ct_status s)
{
    return s < CT_STATUS__COUNT ? status_names[s] : "?";
}

int ct_status_parse(const char *s, ct_status *out)
{
    for (int i = 0; i < CT_STATUS__COUNT; i++) {
        if (!strcmp(s, status_names[i])) {
            *out = (ct_status)i;
            return 0;
        }
    }
    /* Kibana's workflow words */
    if (!strcmp(s, "closed")) { *out = CT_STATUS_REMEDIATED; return 0; }
    if (!strcmp(s, "ack")) { *out = CT_STATUS_ACKNOWLEDGED; return 0; }
    return -1;
}

int ct_severity_rank(const char *s)
{
    if (!s) return 0;
    if (ct_strcaseeq(s, "critical")) return 4;
    if (ct_strcaseeq(s, "high")) return 3;
    if (ct_strcaseeq(s, "medium")) return 2;
    if (ct_strcaseeq(s, "low")) return 1;
    return 0;
}

void ct_alerts_free(ct_alerts *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i].suppressed_by);
        free(a->v[i].decision_by);
        cJSON_Delete(a->v[i].esql_row);
        free(a->v[i].evidence);
    }
    free(a->v);
    memset(a, 0, sizeof *a);
}

static ct_alert *push(ct_alerts *a, size_t *cap)
{
    if (a->n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        a->v = ct_xrealloc(a->v, *cap * sizeof *a->v);
    }
    ct_alert *x = &a->v[a->n++];
    memset(x, 0, sizeof *x);
    return x;
}

void ct_alert_hex_id(uint64_t h, char id[17])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) id[i] = hex[(h >> (60 - 4 * i)) & 15];
    id[16] = 0;
}

static int cmp_alert(const void *pa, const void *pb)
{
    const ct_alert *a = pa, *b = pb;
    if (a->ts != b->ts) return a->ts < b->ts ? -1 : 1;
    return strcmp(a->id, b->id);
}

static void import_elastic(const ct_store *st, const ct_ruleset *rs, size_t i, ct_alerts *out,
                           size_t *cap)
{
    ct_norm n;
    ct_arena_begin(); /* the tree is freed below; its strings are interned */
    if (ct_store_norm(st, i, &n) < 0) {
        ct_arena_end();
        return;
    }
    ct_pool *pool = (ct_pool *)&st->pool; /* interning is how strings outlive the norm */
    const ct_fields *f = &n.f;
    const ct_rule *r = ct_rules_find(rs, f->alert_rule_id);
    if (!r && f->alert_rule_name) r = ct_rules_find(rs, f->alert_rule_name);
    ct_alert *x = push(out, cap);
    x->event = i;
    x->rule = r;
    x->origin = CT_ORIGIN_ELASTIC;
    x->rule_id = r ? r->rule_id : ct_pool_str(pool, ct_pool_internz(pool, f->alert_rule_id ? f->alert_rule_id : "unknown"));
    x->rule_name = ct_pool_str(pool, ct_pool_internz(pool, f->alert_rule_name ? f->alert_rule_name : (r ? r->name : "Elastic alert")));
    x->severity = ct_pool_str(pool, ct_pool_internz(pool, f->alert_severity ? f->alert_severity : (r ? r->severity : "medium")));
    /* clamped before the cast: a hostile "risk_score": 1e999 is inf, and an
     * out-of-range double to int conversion is undefined behaviour */
    x->risk_score = f->alert_risk_score >= 0
                        ? (f->alert_risk_score > 1000 ? 1000 : (int)f->alert_risk_score)
                        : (r ? r->risk_score : 0);
    x->ts = f->alert_original_time != CT_TIME_NONE ? f->alert_original_time : st->ev[i].ts;
    x->elastic_status = ct_pool_str(pool, ct_pool_internz(pool, f->alert_status));
    x->elastic_user = ct_pool_str(pool, ct_pool_internz(pool, f->alert_user));
    x->status = CT_STATUS_OPEN;
    if (f->alert_status) {
        if (!strcmp(f->alert_status, "acknowledged")) x->status = CT_STATUS_ACKNOWLEDGED;
        else if (!strcmp(f->alert_status, "closed")) x->status = CT_STATUS_REMEDIATED;
    }
    const char *uuid = f->alert_uuid ? f->alert_uuid : "";
    uint64_t h = ct_hash64("elastic", 8);
    h = ct_hash64_more(h, uuid, strlen(uuid));
    if (!*uuid) {
        size_t len;
        const char *raw = ct_event_raw(st, i, &len);
        h = ct_hash64_more(h, raw, len);
    }
    ct_alert_hex_id(h, x->id);
    ct_norm_free(&n);
    ct_arena_end();
}

static int same_source(const ct_store *st, const ct_alert *a, const ct_alert *b)
{
    static const enum ct_ef keys[] = {CT_EF_ACTOR_ID, CT_EF_TARGET_ID, CT_EF_CRED_ID, CT_EF_ACTION};
    const ct_event *x = &st->ev[a->event], *y = &st->ev[b->event];
    for (size_t i = 0; i < CT_ARRAY_LEN(keys); i++)
        if (ct_event_sid(st, x, keys[i]) != ct_event_sid(st, y, keys[i])) return 0;
    return 1;
}

/* An Elastic alert of a rule we also ran, on the same source event (same
 * time, actor, target, credential and action), is the alert seen twice: keep
 * the local one (its id is the one decisions name) and Elastic's workflow
 * status. Alerts are sorted by time, so duplicates sit within one time run. */
static void merge_elastic_duplicates(const ct_store *st, ct_alerts *out)
{
    /* mark first, then compact, so no search sees a half-moved array */
    char *dup = ct_xcalloc(out->n ? out->n : 1, 1);
    for (size_t i = 0; i < out->n; i++) {
        ct_alert *x = &out->v[i];
        if (x->origin != CT_ORIGIN_ELASTIC || !x->rule) continue;
        size_t lo = 0, hi = out->n; /* the first alert at x's time */
        while (lo < hi) {
            size_t m = lo + (hi - lo) / 2;
            if (out->v[m].ts < x->ts) lo = m + 1;
            else hi = m;
        }
        for (size_t j = lo; j < out->n && out->v[j].ts == x->ts; j++) {
            ct_alert *y = &out->v[j];
            if (y->origin != CT_ORIGIN_RULE || y->rule != x->rule || !same_source(st, x, y)) continue;
            y->elastic_status = x->elastic_status;
            y->elastic_user = x->elastic_user;
            if (x->status != CT_STATUS_OPEN) y->status = x->status;
            dup[i] = 1;
            break;
        }
    }
    size_t w = 0;
    for (size_t i = 0; i < out->n; i++)
        if (!dup[i]) out->v[w++] = out->v[i];
    out->n = w;
    free(dup);
}

/* The load's hook (store.h): rule bits for one record's ECS tree. */
static uint32_t eval_at_load(void *ctx, const cJSON *doc, const ct_fields *f, ct_kind kind)
{
    const ct_ruleset *rs = ctx;
    uint32_t bits = 0;
    for (size_t r = 0; r < rs->n && r < CT_RULES_AT_LOAD; r++) {
        const ct_rule *rule = &rs->v[r];
        if (!rule->at_load || !ct_rule_may_match_str(rule, f->dataset, f->action, kind)) continue;
        if (ct_kql_match(rule->kql, doc)) bits |= 1u << r;
    }
    return bits;
}

/* Which rules evaluated at load let a (dataset, action) through their
 * pre-filter: a few hundred pairs in a whole corpus, so each thread keeps
 * the last answers rather than comparing strings per rule per record. */
typedef struct pf_slot {
    uint64_t stamp;
    uint32_t mask;
    uint8_t dsn, actn;
    char ds[46], act[144];
} pf_slot;
#define PF_SLOTS 64
static _Thread_local pf_slot pf_cache[PF_SLOTS];

static uint32_t prefilter_mask(const ct_ruleset *rs, const ct_fstr *ds, const ct_fstr *act, ct_kind kind)
{
    char dsb[sizeof pf_cache[0].ds + 1], actb[sizeof pf_cache[0].act + 1];
    int cached = ds->n < sizeof dsb && act->n < sizeof actb && !(ds->s && memchr(ds->s, 0, ds->n)) &&
                 !(act->s && memchr(act->s, 0, act->n));
    if (!cached) return UINT32_MAX; /* judged per rule on the tree's strings below */
    uint64_t h = ct_hash_end(ct_hash_mix(ct_hash_mix(CT_HASH_SEED, ds->s ? ds->s : "", ds->n),
                                         act->s ? act->s : "", act->n));
    pf_slot *sl = &pf_cache[h % PF_SLOTS];
    if (sl->stamp == rs->stamp && sl->dsn == ds->n && sl->actn == act->n &&
        (!ds->n || !memcmp(sl->ds, ds->s, ds->n)) && (!act->n || !memcmp(sl->act, act->s, act->n)))
        return sl->mask;
    if (ds->n) memcpy(dsb, ds->s, ds->n);
    dsb[ds->n] = 0;
    if (act->n) memcpy(actb, act->s, act->n);
    actb[act->n] = 0;
    uint32_t mask = 0;
    for (size_t r = 0; r < rs->n && r < CT_RULES_AT_LOAD; r++)
        if (rs->v[r].at_load &&
            ct_rule_may_match_str(&rs->v[r], ds->s ? dsb : NULL, act->s ? actb : NULL, kind) &&
            ct_rule_pair_may_match_str(&rs->v[r], ds->s ? dsb : NULL, act->s ? actb : NULL))
            mask |= 1u << r;
    sl->stamp = rs->stamp;
    sl->mask = mask;
    sl->dsn = (uint8_t)ds->n;
    sl->actn = (uint8_t)act->n;
    memcpy(sl->ds, dsb, ds->n);
    memcpy(sl->act, actb, act->n);
    return mask;
}

/* The load's hook for an ECS document the fast path took: the rules whose
 * dataset and action pre-filters let it through are matched on the tree of
 * its validated bytes, pruned to the fields they read, with ct_norm_ecs's
 * repairs: what they would see in the full path's document. The raw kinds'
 * documents are built by their families: left to the scan. */
int ct_scan_eval_fast(const ct_ruleset *rs, const char *p, size_t len, const ct_fast *fx, uint32_t *bits)
{
    *bits = 0;
    if (fx->kind != CT_KIND_ECS) return 0;
    uint32_t mask = prefilter_mask(rs, &fx->v[CT_EF_DATASET], &fx->v[CT_EF_ACTION], fx->kind);
    if (!mask) return 1;
    if (mask == UINT32_MAX) return 0; /* a dataset or action too long to cache: the scan's */
    char dsb[sizeof pf_cache[0].ds + 1];
    const ct_fstr *ds = &fx->v[CT_EF_DATASET];
    if (ds->s) memcpy(dsb, ds->s, ds->n);
    dsb[ds->s ? ds->n : 0] = 0;
    cJSON *doc = NULL;
    int tried = 0, ok = 1;
    for (size_t r = 0; r < rs->n && r < CT_RULES_AT_LOAD; r++) {
        const ct_rule *rule = &rs->v[r];
        if (!(mask >> r & 1) || !ct_rule_raw_may_match_str(rule, ds->s ? dsb : NULL, p, len)) continue;
        if (!tried) {
            tried = 1;
            ct_arena_begin();
            doc = ct_fast_tree_pruned(p, len, &rs->load_prune);
            if (doc) ct_norm_ecs_repair(doc);
        }
        if (!doc) {
            ok = 0;
            break;
        }
        if (ct_kql_match(rule->kql, doc)) *bits |= 1u << r;
    }
    if (tried) {
        if (!ct_arena_holds_all()) cJSON_Delete(doc);
        ct_arena_end();
    }
    return ok;
}

static int eval_at_load_fast(void *ctx, const char *p, size_t len, const struct ct_fast *fx, uint32_t *bits)
{
    return ct_scan_eval_fast(ctx, p, len, fx, bits);
}

static void prune_add(void *ctx, const char *t, size_t len, size_t lit, const unsigned char *wild, int leaves)
{
    ct_fast_prune *pr = ctx;
    if (!wild) leaves = 0;
    for (size_t i = 0; i < pr->n; i++) {
        const ct_fast_field *f = &pr->v[i];
        if (f->len == len && f->lit == lit && !f->mask == !wild && f->leaves == leaves &&
            !memcmp(f->t, t, len) && (!wild || !memcmp(f->mask, wild, len)))
            return;
    }
    size_t tail = 0;
    while (wild && tail < len && !wild[len - 1 - tail]) tail++;
    pr->v = ct_xrealloc(pr->v, (pr->n + 1) * sizeof *pr->v);
    pr->v[pr->n++] = (ct_fast_field){t, len, lit, wild, leaves, tail};
}

void ct_scan_prepare(ct_ruleset *rs, ct_store *st)
{
    if (getenv("CT_EVAL_AT_LOAD") && !strcmp(getenv("CT_EVAL_AT_LOAD"), "0")) return;
    if (!ct_rules_prepare_load(rs)) return;
    /* the fields of the rules evaluated at load, and those the repairs
     * read to fill the two datasets from each other */
    ct_fast_prune *pr = &rs->load_prune;
    free(pr->v);
    memset(pr, 0, sizeof *pr);
    prune_add(pr, "event.dataset", 13, 13, NULL, 0);
    prune_add(pr, "data_stream.dataset", 19, 19, NULL, 0);
    for (size_t r = 0; r < rs->n && r < CT_RULES_AT_LOAD; r++)
        if (rs->v[r].at_load && ct_kql_fields(rs->v[r].kql, prune_add, pr)) pr->all = 1;
    st->eval = eval_at_load;
    st->eval_fast = ct_fast_enabled() ? eval_at_load_fast : NULL;
    st->eval_ctx = rs;
    st->eval_stamp = rs->stamp;
}

void ct_alerts_number(ct_alerts *a, size_t from)
{
    for (size_t i = from; i < a->n; i++) a->v[i].seq = a->nseq++;
}

size_t ct_alerts_merge_tail(ct_alerts *a, size_t from)
{
    if (from >= a->n) return a->n;
    if (!from || cmp_alert(&a->v[from - 1], &a->v[from]) <= 0) return from;
    /* the prefix's alerts after the tail's first move up: merge from the end */
    size_t lo = 0, hi = from; /* the first prefix alert after the tail's first */
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (cmp_alert(&a->v[m], &a->v[from]) <= 0) lo = m + 1;
        else hi = m;
    }
    size_t k = a->n - from;
    ct_alert *t = ct_xmalloc(k * sizeof *t);
    memcpy(t, a->v + from, k * sizeof *t);
    size_t i = from, j = k, w = a->n; /* one past the next to take */
    while (j > 0) {
        if (i > lo && cmp_alert(&a->v[i - 1], &t[j - 1]) > 0) a->v[--w] = a->v[--i];
        else a->v[--w] = t[--j];
    }
    free(t);
    return lo;
}

void ct_scan_finish(const ct_store *st, const ct_ruleset *rs, ct_alerts *out, size_t nsorted)
{
    size_t cap = out->n, n0 = out->n;
    /* imported alerts intern their strings in the store's pool: one thread */
    for (size_t i = 0; i < st->nev; i++)
        if (st->ev[i].flags & CT_EVF_ALERT) import_elastic(st, rs, i, out, &cap);
    ct_alerts_number(out, n0);
    if (nsorted > n0) nsorted = n0;
    ct_alerts_sort(out, nsorted);
    ct_alerts_merge_tail(out, nsorted);
    merge_elastic_duplicates(st, out);
}

ct_alert *ct_alerts_find(const ct_alerts *a, const char *id)
{
    size_t len = strlen(id);
    if (len < 4 || len > 16) return NULL;
    ct_alert *hit = NULL;
    for (size_t i = 0; i < a->n; i++) {
        if (strncmp(a->v[i].id, id, len)) continue;
        if (len == 16) return &a->v[i];
        if (hit) return NULL; /* ambiguous */
        hit = &a->v[i];
    }
    return hit;
}

cJSON *ct_alert_entity_json(const ct_store *st, const ct_alert *a, const char *which)
{
    ct_fields f;
    ct_event_fields(st, a->event, &f);
    cJSON *all = ct_fields_to_json(&f, NULL, 0);
    cJSON *e = cJSON_DetachItemFromObjectCaseSensitive(all, which);
    cJSON_Delete(all);
    return e;
}

cJSON *ct_alert_json(const ct_store *st, const ct_alert *a)
{
    cJSON *o = cJSON_CreateObject();
    char t[32];
    ct_time_fmt(a->ts, t);
    cJSON_AddStringToObject(o, "id", a->id);
    cJSON_AddStringToObject(o, "rule_id", a->rule_id ? a->rule_id : "");
    cJSON_AddStringToObject(o, "rule_name", a->rule_name ? a->rule_name : "");
    cJSON_AddStringToObject(o, "severity", a->severity ? a->severity : "");
    cJSON_AddNumberToObject(o, "risk_score", a->risk_score);
    cJSON_AddStringToObject(o, "timestamp", t);
    static const char *const ents[] = {"actor", "target", "credential"};
    for (size_t i = 0; i < CT_ARRAY_LEN(ents); i++) {
        cJSON *e = ct_alert_entity_json(st, a, ents[i]);
        cJSON_AddItemToObject(o, ents[i], e ? e : cJSON_CreateObject());
    }
    cJSON_AddStringToObject(o, "status", ct_status_name(a->status));
    cJSON_AddStringToObject(o, "origin", a->origin == CT_ORIGIN_ELASTIC ? "elastic" : "rule");
    if (a->elastic_status) cJSON_AddStringToObject(o, "elastic_status", a->elastic_status);
    if (a->elastic_user) cJSON_AddStringToObject(o, "elastic_user", a->elastic_user);
    cJSON *ev = cJSON_AddObjectToObject(o, "event");
    cJSON_AddStringToObject(ev, "file", ct_event_file(st, &st->ev[a->event]));
    cJSON_AddNumberToObject(ev, "line", st->ev[a->event].line);
    if (st->ev[a->event].rec) cJSON_AddNumberToObject(ev, "record", st->ev[a->event].rec);
    if (a->esql_row) { /* an ES|QL rule's alert: its row and the events it stands for */
        cJSON_AddItemToObject(o, "esql_row", cJSON_Duplicate(a->esql_row, 1));
        cJSON *evs = cJSON_AddArrayToObject(o, "evidence");
        for (size_t k = 0; k < a->nevidence; k++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "file", ct_event_file(st, &st->ev[a->evidence[k]]));
            cJSON_AddNumberToObject(e, "line", st->ev[a->evidence[k]].line);
            if (st->ev[a->evidence[k]].rec) cJSON_AddNumberToObject(e, "record", st->ev[a->evidence[k]].rec);
            cJSON_AddItemToArray(evs, e);
        }
    }
    return o;
}
