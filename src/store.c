/* store: the events and what reads them back (fields, raw bytes, the ECS
 * document rebuilt on demand); loading files into it is store_load.c. */
#include "store.h"
#include "fastscan.h"
#include "out.h"
#include "store_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void default_diag(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx;
    if (line) ct_out_printf(stderr, "%s:%llu: %s\n", file, (unsigned long long)line, msg);
    else ct_out_printf(stderr, "%s: %s\n", file, msg);
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
    free(st->sx);
    free(st->rid);
    ct_store_dedupe_free(st);
    ct_pool_free(&st->pool);
    memset(st, 0, sizeof *st);
}

/* Which ct_fields member each interned event field holds: the one mapping
 * between the two, read when an event is stored and written back when its
 * fields are asked for. */
static const size_t ef_offset[CT_EF__COUNT] = {
    [CT_EF_DATASET] = offsetof(ct_fields, dataset),
    [CT_EF_ACTION] = offsetof(ct_fields, action),
    [CT_EF_OUTCOME] = offsetof(ct_fields, outcome),
    [CT_EF_ACTOR_ID] = offsetof(ct_fields, actor_id),
    [CT_EF_ACTOR_NAME] = offsetof(ct_fields, actor_name),
    [CT_EF_ACTOR_TYPE] = offsetof(ct_fields, actor_type),
    [CT_EF_ACTOR_IP] = offsetof(ct_fields, actor_ip),
    [CT_EF_ACTOR_UA] = offsetof(ct_fields, actor_ua),
    [CT_EF_TARGET_ID] = offsetof(ct_fields, target_id),
    [CT_EF_TARGET_NAME] = offsetof(ct_fields, target_name),
    [CT_EF_TARGET_TYPE] = offsetof(ct_fields, target_type),
    [CT_EF_TARGET_APP_ID] = offsetof(ct_fields, target_app_id),
    [CT_EF_CRED_ID] = offsetof(ct_fields, cred_id),
    [CT_EF_CRED_TYPE] = offsetof(ct_fields, cred_type),
    [CT_EF_CRED_NAME] = offsetof(ct_fields, cred_name),
    [CT_EF_CRED_END] = offsetof(ct_fields, cred_end),
    [CT_EF_CRED_USED] = offsetof(ct_fields, cred_used),
    [CT_EF_RECORD_ID] = offsetof(ct_fields, record_id),
    [CT_EF_ACTOR_ID2] = offsetof(ct_fields, actor_id2),
    [CT_EF_TARGET_ID2] = offsetof(ct_fields, target_id2),
    [CT_EF_CLIENT_APP] = offsetof(ct_fields, client_app),
    [CT_EF_RESOURCE] = offsetof(ct_fields, resource),
    [CT_EF_NAMED] = offsetof(ct_fields, named),
    [CT_EF_CHANGE_ID] = offsetof(ct_fields, change_id),
};

const char *ct_fields_get(const ct_fields *f, enum ct_ef k)
{
    return *(const char *const *)((const char *)f + ef_offset[k]);
}

const char *ct_event_file(const ct_store *st, const ct_event *e)
{
    return st->srcs[e->src].in.name;
}

const char *ct_event_place(const ct_event *e, char buf[64])
{
    if (e->rec) snprintf(buf, 64, ": record %u (line %u)", e->rec, e->line);
    else snprintf(buf, 64, ":%u", e->line);
    return buf;
}

const char *ct_event_raw(const ct_store *st, size_t i, size_t *len)
{
    const ct_event *e = &st->ev[i];
    *len = e->len;
    return st->srcs[e->src].in.data + e->off;
}

/* Drop the mapped pages holding [off, off+len) (rounded out to whole pages):
 * a record re-read after loading (the scan, the console) would otherwise
 * bring its pages back for good, and scattered records touch most of a file. */
static void release_record(const ct_input *in, size_t off, size_t len)
{
    if (!in->mapped || !len) return;
    static long pg;
    if (!pg) pg = sysconf(_SC_PAGESIZE);
    uintptr_t base = (uintptr_t)in->data, mask = ~((uintptr_t)pg - 1);
    uintptr_t a = (base + off) & mask;
    uintptr_t b = (base + off + len + (uintptr_t)pg - 1) & mask;
    uintptr_t lo = base & mask, hi = (base + in->map_len + (uintptr_t)pg - 1) & mask;
    if (a < lo) a = lo;
    if (b > hi) b = hi;
    if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
}

/* The fast path's tree builder where it can (the same tree, a fraction of
 * cJSON's cost: fastscan.h), else cJSON; CREDTRIAGE_NOFAST: cJSON only. */
static cJSON *parse(const char *p, size_t len, unsigned *hints)
{
    *hints = 0;
    cJSON *rec = ct_fast_enabled() ? ct_fast_tree(p, len, 0, hints) : NULL;
    return rec ? rec : cJSON_ParseWithLength(p, len);
}

int ct_store_norm(const ct_store *st, size_t i, ct_norm *out)
{
    const ct_event *e = &st->ev[i];
    const ct_input *in = &st->srcs[e->src].in;
    cJSON *rec;
    unsigned hints;
    if (in->fd >= 0) {
        char stackbuf[16384];
        char *buf = e->len <= sizeof stackbuf ? stackbuf : ct_xmalloc(e->len);
        ct_input_copy(in, e->off, e->len, buf);
        rec = parse(buf, e->len, &hints);
        if (buf != stackbuf) free(buf);
    } else {
        size_t len;
        const char *raw = ct_event_raw(st, i, &len);
        rec = parse(raw, len, &hints);
        release_record(in, e->off, e->len);
    }
    if (!rec) return -1;
    char err[128];
    return ct_normalize_take_hint(rec, hints, out, err, sizeof err); /* consumes rec */
}

const char *ct_store_record(const ct_store *st, size_t i, char **buf, size_t *cap, size_t *len)
{
    const ct_event *e = &st->ev[i];
    const ct_input *in = &st->srcs[e->src].in;
    if (e->len + 1 > *cap) {
        *cap = e->len + 1 > 2 * *cap ? e->len + 1 : 2 * *cap;
        free(*buf);
        *buf = ct_xmalloc(*cap);
    }
    if (in->fd >= 0) {
        ct_input_copy(in, e->off, e->len, *buf);
    } else {
        memcpy(*buf, in->data + e->off, e->len);
        release_record(in, e->off, e->len);
    }
    (*buf)[e->len] = 0;
    *len = e->len;
    return *buf;
}

_Static_assert(CT_EF__COUNT - CT_EF_NINLINE - 1 <= 18, "ct_event.more has a bit per packed field");
_Static_assert(CT_EF_RECORD_ID >= CT_EF_NINLINE, "the record id is kept inline apart");

void ct_event_pack(ct_event *e, const uint32_t ids[CT_EF__COUNT], uint32_t **sx, size_t *n, size_t *cap)
{
    for (int k = 0; k < CT_EF_NINLINE; k++) e->si[k] = ids[k];
    if (*cap - *n < CT_EF__COUNT) {
        *cap = *cap ? *cap * 2 : 4096;
        *sx = ct_xrealloc(*sx, *cap * sizeof **sx);
    }
    if (*n > UINT32_MAX - CT_EF__COUNT) {
        /* about 800 million events: far beyond what memory holds anyway */
        fprintf(stderr, "credtriage: too many events in one session\n");
        abort();
    }
    e->sx = (uint32_t)*n;
    uint32_t more = 0, bit = 1;
    for (int k = CT_EF_NINLINE; k < CT_EF__COUNT; k++) {
        if (k == CT_EF_RECORD_ID) continue;
        if (ids[k]) {
            more |= bit;
            (*sx)[(*n)++] = ids[k];
        }
        bit <<= 1;
    }
    e->more = more;
}

uint32_t ct_rid_add(char **rid, size_t *n, size_t *cap, const char *s, size_t len)
{
    if (!s || !len) return 0;
    size_t need = (len + 1 + 3) & ~(size_t)3;
    if (*n / 4 + need / 4 >= UINT32_MAX) {
        fprintf(stderr, "credtriage: too many record ids in one session\n");
        abort();
    }
    if (*cap - *n < need) {
        size_t c = *cap ? *cap * 2 : 65536;
        while (c - *n < need) c *= 2;
        *rid = ct_xrealloc(*rid, c);
        *cap = c;
    }
    char *d = *rid + *n;
    memcpy(d, s, len);
    memset(d + len, 0, need - len);
    uint32_t r = (uint32_t)(*n / 4) + 1;
    *n += need;
    return r;
}

void ct_event_set_sids(ct_store *st, ct_event *e, const uint32_t ids[CT_EF__COUNT])
{
    ct_event_pack(e, ids, &st->sx, &st->nsx, &st->sx_cap);
    const char *r = ct_pool_str(&st->pool, ids[CT_EF_RECORD_ID]);
    e->si[CT_EF_NINLINE] = ct_rid_add(&st->rid, &st->nrid, &st->rid_cap, r, r ? strlen(r) : 0);
}

void ct_event_fields(const ct_store *st, size_t i, ct_fields *f)
{
    const ct_event *e = &st->ev[i];
    memset(f, 0, sizeof *f);
    f->ts = e->ts;
    f->alert_original_time = CT_TIME_NONE;
    f->alert_risk_score = -1;
    for (int k = 0; k < CT_EF__COUNT; k++)
        *(const char **)((char *)f + ef_offset[k]) = ct_event_str(st, e, (enum ct_ef)k);
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
    /* the namespace is the store's alone: a flat "credtriage.x" key a record
     * kept (beside a scalar "credtriage") would read as one of its columns */
    for (cJSON *k = doc->child, *next; k; k = next) {
        next = k->next;
        if (k->string && !strncmp(k->string, "credtriage.", 11)) cJSON_Delete(cJSON_DetachItemViaPointer(doc, k));
    }
    cJSON *ct = ct_fields_to_json(&f, ct_event_file(st, &st->ev[i]), st->ev[i].line);
    cJSON *src = cJSON_GetObjectItemCaseSensitive(ct, "source");
    if (st->ev[i].rec && src) cJSON_AddNumberToObject(src, "record", st->ev[i].rec);
    cJSON_AddItemToObject(doc, "credtriage", ct);
    ct_norm_free(&n);
    return doc;
}
