#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void default_diag(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx;
    if (line) fprintf(stderr, "%s:%llu: %s\n", file, (unsigned long long)line, msg);
    else fprintf(stderr, "%s: %s\n", file, msg);
}

void ct_store_init(ct_store *st)
{
    memset(st, 0, sizeof *st);
    ct_pool_init(&st->pool);
    st->diag = default_diag;
}

void ct_store_free(ct_store *st)
{
    for (size_t i = 0; i < st->nsrcs; i++) ct_input_close(&st->srcs[i].in);
    free(st->srcs);
    free(st->ev);
    free(st->seen);
    ct_pool_free(&st->pool);
    memset(st, 0, sizeof *st);
}

/* Open-addressing set of 64-bit keys (0 is the empty slot). */
static int seen_add(ct_store *st, uint64_t h)
{
    if (!h) h = 1;
    if ((st->nseen + 1) * 2 > st->seen_cap) {
        size_t cap = st->seen_cap ? st->seen_cap * 2 : 4096;
        uint64_t *n = ct_xcalloc(cap, sizeof *n);
        for (size_t i = 0; i < st->seen_cap; i++) {
            if (!st->seen[i]) continue;
            size_t j = st->seen[i] & (cap - 1);
            while (n[j]) j = (j + 1) & (cap - 1);
            n[j] = st->seen[i];
        }
        free(st->seen);
        st->seen = n;
        st->seen_cap = cap;
    }
    size_t j = h & (st->seen_cap - 1);
    while (st->seen[j]) {
        if (st->seen[j] == h) return 0;
        j = (j + 1) & (st->seen_cap - 1);
    }
    st->seen[j] = h;
    st->nseen++;
    return 1;
}

typedef struct load_ctx {
    ct_store *st;
    uint32_t src;
    const char *file;
    size_t last_progress;
} load_ctx;

static void bad_record(void *vctx, uint64_t line, const char *msg)
{
    load_ctx *lc = vctx;
    lc->st->stats.skipped++;
    lc->st->diag(lc->st->diag_ctx, lc->file, line, msg);
}

static void intern_fields(ct_store *st, ct_event *e, const ct_fields *f)
{
    const char *v[CT_EF__COUNT] = {
        [CT_EF_DATASET] = f->dataset, [CT_EF_ACTION] = f->action, [CT_EF_OUTCOME] = f->outcome,
        [CT_EF_ACTOR_ID] = f->actor_id, [CT_EF_ACTOR_NAME] = f->actor_name,
        [CT_EF_ACTOR_TYPE] = f->actor_type, [CT_EF_ACTOR_IP] = f->actor_ip,
        [CT_EF_ACTOR_UA] = f->actor_ua, [CT_EF_TARGET_ID] = f->target_id,
        [CT_EF_TARGET_NAME] = f->target_name, [CT_EF_TARGET_TYPE] = f->target_type,
        [CT_EF_TARGET_APP_ID] = f->target_app_id, [CT_EF_CRED_ID] = f->cred_id,
        [CT_EF_CRED_TYPE] = f->cred_type, [CT_EF_CRED_NAME] = f->cred_name,
        [CT_EF_CRED_END] = f->cred_end, [CT_EF_CRED_USED] = f->cred_used,
        [CT_EF_RECORD_ID] = f->record_id,
    };
    for (int i = 0; i < CT_EF__COUNT; i++) e->s[i] = ct_pool_internz(&st->pool, v[i]);
}

static int on_record(void *vctx, const ct_span *sp)
{
    load_ctx *lc = vctx;
    ct_store *st = lc->st;
    const ct_input *in = &st->srcs[lc->src].in;
    const char *p = in->data + sp->off;
    st->stats.records++;
    if (sp->len > UINT32_MAX) {
        bad_record(lc, sp->line, "record larger than 4 GiB skipped");
        return 0;
    }
    cJSON *rec = cJSON_ParseWithLength(p, sp->len);
    if (!rec) {
        char msg[160];
        const char *at = cJSON_GetErrorPtr();
        if (at && at >= p && at <= p + sp->len)
            snprintf(msg, sizeof msg, "malformed JSON near byte %zu of the record", (size_t)(at - p) + 1);
        else
            snprintf(msg, sizeof msg, "malformed JSON (or nested deeper than %d levels)", CJSON_NESTING_LIMIT);
        bad_record(lc, sp->line, msg);
        return 0;
    }
    ct_norm n;
    char err[256] = "";
    int rc = ct_normalize(rec, &n, err, sizeof err);
    cJSON_Delete(rec);
    if (rc < 0) {
        bad_record(lc, sp->line, err[0] ? err : "record could not be normalized");
        return 0;
    }
    if (n.f.record_id) {
        uint64_t h = ct_hash64(n.f.dataset ? n.f.dataset : "", n.f.dataset ? strlen(n.f.dataset) : 0);
        h = ct_hash64_more(h, "\0", 1);
        h = ct_hash64_more(h, n.f.record_id, strlen(n.f.record_id));
        if (!seen_add(st, h)) {
            st->stats.duplicates++;
            ct_norm_free(&n);
            return 0;
        }
    }
    if (st->nev == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 1024;
        st->ev = ct_xrealloc(st->ev, st->cap * sizeof *st->ev);
    }
    ct_event *e = &st->ev[st->nev++];
    memset(e, 0, sizeof *e);
    e->ts = n.f.ts;
    e->off = sp->off;
    e->len = (uint32_t)sp->len;
    e->src = lc->src;
    e->line = sp->line > UINT32_MAX ? UINT32_MAX : (uint32_t)sp->line;
    e->kind = (uint8_t)n.kind;
    e->flags = (uint8_t)((n.f.is_credential_add ? CT_EVF_CRED_ADD : 0) |
                         (n.f.is_signin ? CT_EVF_SIGNIN : 0) |
                         (n.kind == CT_KIND_ELASTIC_ALERT ? CT_EVF_ALERT : 0));
    intern_fields(st, e, &n.f);
    st->stats.by_kind[n.kind]++;
    if (n.kind == CT_KIND_ELASTIC_ALERT) st->stats.alerts++;
    else st->stats.events++;
    if (n.kind == CT_KIND_GENERIC) st->stats.unrecognized++;
    ct_norm_free(&n);
    if (st->progress && sp->off - lc->last_progress > (4u << 20)) {
        lc->last_progress = sp->off;
        st->progress(st->progress_ctx, sp->off, in->len);
    }
    return 0;
}

int ct_store_load(ct_store *st, const char *path)
{
    ct_sbuf err, warn;
    ct_sbuf_init(&err);
    ct_sbuf_init(&warn);
    ct_input in;
    if (ct_input_open(path, &in, &err, &warn) < 0) {
        st->diag(st->diag_ctx, path, 0, err.buf + (strncmp(err.buf, path, strlen(path)) ? 0 : strlen(path) + 2));
        ct_sbuf_free(&err);
        ct_sbuf_free(&warn);
        return -1;
    }
    st->srcs = ct_xrealloc(st->srcs, (st->nsrcs + 1) * sizeof *st->srcs);
    uint32_t idx = (uint32_t)st->nsrcs++;
    st->srcs[idx].in = in;
    const ct_input *pin = &st->srcs[idx].in;
    if (warn.len) st->diag(st->diag_ctx, pin->name, 0, warn.buf);
    ct_format fmt = ct_input_sniff(pin);
    st->srcs[idx].fmt = fmt;
    st->stats.bytes += pin->len;
    load_ctx lc = {st, idx, pin->name, 0};
    if (fmt == CT_FMT_EMPTY) st->diag(st->diag_ctx, pin->name, 0, "empty file: no records");
    ct_input_walk(pin, fmt, on_record, bad_record, &lc);
    /* parsed bytes are not needed resident; they fault back in on demand */
    ct_input_release(pin, 0, pin->len);
    if (st->progress) st->progress(st->progress_ctx, pin->len, pin->len);
    ct_sbuf_free(&err);
    ct_sbuf_free(&warn);
    return 0;
}

int ct_store_load_all(ct_store *st, char *const *paths, int n)
{
    int failed = 0;
    for (int i = 0; i < n; i++)
        if (ct_store_load(st, paths[i]) < 0) failed++;
    return failed;
}

const char *ct_event_file(const ct_store *st, const ct_event *e)
{
    return st->srcs[e->src].in.name;
}

const char *ct_event_raw(const ct_store *st, size_t i, size_t *len)
{
    const ct_event *e = &st->ev[i];
    *len = e->len;
    return st->srcs[e->src].in.data + e->off;
}

int ct_store_norm(const ct_store *st, size_t i, ct_norm *out)
{
    size_t len;
    const char *raw = ct_event_raw(st, i, &len);
    cJSON *rec = cJSON_ParseWithLength(raw, len);
    if (!rec) return -1;
    char err[128];
    int rc = ct_normalize(rec, out, err, sizeof err);
    cJSON_Delete(rec);
    return rc;
}

void ct_event_fields(const ct_store *st, size_t i, ct_fields *f)
{
    const ct_event *e = &st->ev[i];
    memset(f, 0, sizeof *f);
    f->ts = e->ts;
    f->alert_original_time = CT_TIME_NONE;
    f->alert_risk_score = -1;
    const char **dst[CT_EF__COUNT] = {
        [CT_EF_DATASET] = &f->dataset, [CT_EF_ACTION] = &f->action, [CT_EF_OUTCOME] = &f->outcome,
        [CT_EF_ACTOR_ID] = &f->actor_id, [CT_EF_ACTOR_NAME] = &f->actor_name,
        [CT_EF_ACTOR_TYPE] = &f->actor_type, [CT_EF_ACTOR_IP] = &f->actor_ip,
        [CT_EF_ACTOR_UA] = &f->actor_ua, [CT_EF_TARGET_ID] = &f->target_id,
        [CT_EF_TARGET_NAME] = &f->target_name, [CT_EF_TARGET_TYPE] = &f->target_type,
        [CT_EF_TARGET_APP_ID] = &f->target_app_id, [CT_EF_CRED_ID] = &f->cred_id,
        [CT_EF_CRED_TYPE] = &f->cred_type, [CT_EF_CRED_NAME] = &f->cred_name,
        [CT_EF_CRED_END] = &f->cred_end, [CT_EF_CRED_USED] = &f->cred_used,
        [CT_EF_RECORD_ID] = &f->record_id,
    };
    for (int k = 0; k < CT_EF__COUNT; k++) *dst[k] = ct_pool_str(&st->pool, e->s[k]);
    f->is_credential_add = !!(e->flags & CT_EVF_CRED_ADD);
    f->is_signin = !!(e->flags & CT_EVF_SIGNIN);
}

cJSON *ct_store_event_json(const ct_store *st, size_t i)
{
    ct_norm n;
    if (ct_store_norm(st, i, &n) < 0) return NULL;
    cJSON *doc = n.doc;
    n.doc = NULL;
    ct_fields f;
    ct_event_fields(st, i, &f);
    cJSON_DeleteItemFromObjectCaseSensitive(doc, "credtriage");
    cJSON_AddItemToObject(doc, "credtriage",
                          ct_fields_to_json(&f, ct_event_file(st, &st->ev[i]), st->ev[i].line));
    ct_norm_free(&n);
    return doc;
}
