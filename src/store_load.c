/* store_load: files into the store. A load worker turns records into events
 * in its own pool; big NDJSON is cut at line starts into one piece per core,
 * many files are opened, inflated and walked a few ahead by helper threads,
 * and everything is merged in file order (pool ids remapped, duplicates
 * dropped, diagnostics replayed), so the result is the same as one worker
 * over every file in turn. Hot record kinds take the fast extractor
 * (fastscan.h); the rest is parsed and normalized. Parsed bytes of a mapped
 * file are released as the walk goes, so the resident input stays small. */
#include "store.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "arena.h"
#include "diagnose.h"
#include "fastscan.h"
#include "store_int.h"
#include "store_load_int.h"



#define RELEASE_STEP (8u << 20)

static void worker_diag(worker *w, uint64_t line, const char *msg)
{
    if (w->ndiags == w->diags_cap) {
        w->diags_cap = w->diags_cap ? w->diags_cap * 2 : 16;
        w->diags = ct_xrealloc(w->diags, w->diags_cap * sizeof *w->diags);
    }
    w->diags[w->ndiags].line = line;
    w->diags[w->ndiags].rec = w->cur_rec;
    w->diags[w->ndiags].msg = ct_xstrdup(msg);
    w->ndiags++;
}

static void bad_record(void *vctx, uint64_t line, const char *msg)
{
    worker *w = vctx;
    w->stats.skipped++;
    worker_diag(w, line, msg);
}

static ct_event *worker_push(worker *w, uint64_t dh)
{
    if (w->nev == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 1024;
        w->ev = ct_xrealloc(w->ev, w->cap * sizeof *w->ev);
        w->dh = ct_xrealloc(w->dh, w->cap * sizeof *w->dh);
    }
    w->dh[w->nev] = dh;
    ct_event *e = &w->ev[w->nev++];
    memset(e, 0, sizeof *e);
    e->rec = w->cur_rec > UINT32_MAX ? UINT32_MAX : (uint32_t)w->cur_rec;
    return e;
}

/* Hashed once per record, dataset and record id together. */
static uint64_t dedupe_hash(const char *ds, size_t dsl, const char *rid, size_t ridl)
{
    if (!rid) return 0;
    uint64_t h = ct_hash_mix(CT_HASH_SEED, ds ? ds : "", ds ? dsl : 0);
    return ct_hash_end(ct_hash_mix(h, rid, ridl));
}

static void count_kind(worker *w, ct_kind kind)
{
    w->stats.by_kind[kind]++;
    if (kind == CT_KIND_ELASTIC_ALERT) w->stats.alerts++;
    else w->stats.events++;
    if (kind == CT_KIND_GENERIC) w->stats.unrecognized++;
}

static void place(ct_event *e, const ct_span *sp, uint32_t src, ct_kind kind, int64_t ts,
                  int cred_add, int signin)
{
    e->ts = ts;
    e->off = sp->off;
    e->len = (uint32_t)sp->len;
    e->src = src;
    e->line = sp->line > UINT32_MAX ? UINT32_MAX : (uint32_t)sp->line;
    e->kind = (uint8_t)kind;
    e->flags = (uint8_t)((cred_add ? CT_EVF_CRED_ADD : 0) | (signin ? CT_EVF_SIGNIN : 0) |
                         (kind == CT_KIND_ELASTIC_ALERT ? CT_EVF_ALERT : 0));
}

static void full_path_tree(worker *w, const ct_span *sp, const char *p, int valid);

/* A record of a known kind with no time is loaded, but it sorts nowhere in a
 * timeline, a correlation window or an incident's gaps: never in silence. */
static void untimed(worker *w, const ct_span *sp, ct_kind kind, const char *dataset, size_t dsl)
{
    char msg[320];
    if (kind == CT_KIND_ECS)
        snprintf(msg, sizeof msg, "ECS document%s%.*s%s with no time: none of @timestamp, event.created, "
                 "event.ingested is a valid date; loaded without a time, so it is in no timeline or window",
                 dataset ? " (" : "", dataset ? (int)(dsl > 64 ? 64 : dsl) : 0, dataset ? dataset : "",
                 dataset ? ")" : "");
    else
        snprintf(msg, sizeof msg, "%s record with no time: its time field is missing or not a valid date; "
                 "loaded without a time, so it is in no timeline or window", ct_kind_name(kind));
    worker_diag(w, sp->line, msg);
}

/* The record's cJSON trees live in this thread's arena (arena.h): nothing of
 * them outlives the call, the event keeps interned copies. valid: the fast
 * path declined the record after its validator passed it. */
static void full_path(worker *w, const ct_span *sp, const char *p, int valid)
{
    ct_arena_begin();
    full_path_tree(w, sp, p, valid);
    ct_arena_end();
}

static void full_path_tree(worker *w, const ct_span *sp, const char *p, int valid)
{
    /* a record the validator passed: its tree from the bytes, in one pass */
    unsigned hints = 0;
    cJSON *rec = valid ? ct_fast_tree(p, sp->len, 1, &hints) : NULL;
    /* the error position from the parse itself: cJSON_GetErrorPtr() is one
     * global, which another loading thread's parse may reset meanwhile */
    const char *at = NULL;
    if (!rec) rec = cJSON_ParseWithLengthOpts(p, sp->len, &at, 0);
    if (!rec) {
        char msg[160];
        if (at && at >= p && at <= p + sp->len)
            snprintf(msg, sizeof msg, "malformed JSON near byte %zu of the record", (size_t)(at - p) + 1);
        else
            snprintf(msg, sizeof msg, "malformed JSON (or nested deeper than %d levels)", CJSON_NESTING_LIMIT);
        bad_record(w, sp->line, msg);
        return;
    }
    ct_norm n;
    char err[256] = "";
    int rc = ct_normalize_take_hint(rec, hints, &n, err, sizeof err); /* consumes rec */
    if (rc < 0) {
        bad_record(w, sp->line, err[0] ? err : "record could not be normalized");
        return;
    }
    const ct_fields *f = &n.f;
    ct_event *e = worker_push(w, dedupe_hash(f->dataset, f->dataset ? strlen(f->dataset) : 0,
                                             f->record_id, f->record_id ? strlen(f->record_id) : 0));
    place(e, sp, w->src, n.kind, f->ts, f->is_credential_add, f->is_signin);
    if (f->ts == CT_TIME_NONE && n.kind != CT_KIND_GENERIC)
        untimed(w, sp, n.kind, f->dataset, f->dataset ? strlen(f->dataset) : 0);
    uint32_t ids[CT_EF__COUNT];
    for (int i = 0; i < CT_EF__COUNT; i++)
        ids[i] = i == CT_EF_RECORD_ID ? 0 : ct_pool_internz(&w->pool, ct_fields_get(f, (enum ct_ef)i));
    ct_event_pack(e, ids, &w->sx, &w->nsx, &w->sx_cap);
    e->si[CT_EF_NINLINE] = ct_rid_add(&w->rid, &w->nrid, &w->rid_cap, f->record_id,
                                      f->record_id ? strlen(f->record_id) : 0);
    if (w->eval && n.kind != CT_KIND_ELASTIC_ALERT) {
        e->rules = w->eval(w->eval_ctx, n.doc, f, n.kind);
        e->flags |= CT_EVF_EVALED;
    }
    count_kind(w, n.kind);
    if (n.kind == CT_KIND_GENERIC) {
        /* kept as an event, but never in silence: which family it looked
         * like and what it lacks */
        ct_sbuf why;
        ct_sbuf_init(&why);
        ct_diagnose_record(n.doc, &why);
        worker_diag(w, sp->line, why.buf);
        ct_sbuf_free(&why);
    }
    if (ct_arena_holds_all()) n.doc = NULL; /* made in full_path's scope: its end takes the tree */
    ct_norm_free(&n);
}

static int on_record(void *vctx, const ct_span *sp);

static int read_record(worker *w, const ct_span *sp)
{
    const char *p = w->in->data + sp->off;
    w->stats.records++;
    if (sp->len > w->max_record) {
        char msg[160];
        snprintf(msg, sizeof msg, "record of %zu bytes, over the limit of %zu "
                                  "(CREDTRIAGE_MAX_RECORD): skipped", (size_t)sp->len, w->max_record);
        bad_record(w, sp->line, msg);
        return 0;
    }
    ct_fast fx;
    fx.valid = 0;
    if (w->fast && ct_fast_extract(p, sp->len, &fx)) {
        const ct_fstr *v = fx.v;
        ct_event *e = worker_push(w, dedupe_hash(v[CT_EF_DATASET].s, v[CT_EF_DATASET].n,
                                                 v[CT_EF_RECORD_ID].s, v[CT_EF_RECORD_ID].n));
        place(e, sp, w->src, fx.kind, fx.ts, fx.is_credential_add, fx.is_signin);
        if (fx.ts == CT_TIME_NONE && fx.kind != CT_KIND_GENERIC)
            untimed(w, sp, fx.kind, v[CT_EF_DATASET].s, v[CT_EF_DATASET].n);
        uint32_t ids[CT_EF__COUNT];
        ids[CT_EF_RECORD_ID] = 0;
        for (int i = 0; i < CT_EF__COUNT; i++) {
            if (i == CT_EF_RECORD_ID) continue;
            const char *q = v[i].s;
            /* a static string (dataset, outcome, entity types) repeats from
             * record to record at the same address: reuse its id */
            int stat = q && (q < p || q >= p + sp->len) &&
                       (q < fx.scratch || q >= fx.scratch + sizeof fx.scratch);
            if (stat && q == w->lit_s[i] && v[i].n == w->lit_n[i]) {
                ids[i] = w->lit_id[i];
                continue;
            }
            ids[i] = ct_pool_intern(&w->pool, q, v[i].n);
            if (stat) {
                w->lit_s[i] = q;
                w->lit_n[i] = v[i].n;
                w->lit_id[i] = ids[i];
            }
        }
        ct_event_pack(e, ids, &w->sx, &w->nsx, &w->sx_cap);
        /* a record's own id is unique: stored apart, not interned (store.h) */
        e->si[CT_EF_NINLINE] = ct_rid_add(&w->rid, &w->nrid, &w->rid_cap, v[CT_EF_RECORD_ID].s,
                                          v[CT_EF_RECORD_ID].n);
        count_kind(w, fx.kind);
        uint32_t bits;
        if (w->eval_fast && w->eval_fast(w->eval_ctx, p, sp->len, &fx, &bits)) {
            e->rules = bits;
            e->flags |= CT_EVF_EVALED;
        }
    } else if (w->split && !(fx.valid && ct_fast_plain_record(p, sp->len)) &&
               !ct_input_one_record(p, sp->len)) {
        /* a line holding several values, an envelope or an array of
         * records, or a value and garbage: each record counts, the line not */
        w->stats.records--;
        w->split = 0;
        ct_input_walk_range(w->in, sp->off, sp->off + sp->len, sp->line, on_record, bad_record, w);
        w->split = 1;
        return 0;
    } else {
        full_path(w, sp, p, fx.valid);
    }
    /* the bytes ahead: mapped in steps, never past this piece's end (the
     * next piece's thread may have walked and let go of them already);
     * behind us: parsed, let them go */
    if (sp->off + sp->len + RELEASE_STEP / 2 > w->populated && w->populated < w->to) {
        size_t from = w->populated > sp->off ? w->populated : sp->off;
        size_t n = w->to - from < RELEASE_STEP ? w->to - from : RELEASE_STEP;
        ct_input_populate(w->in, from, n);
        w->populated = from + n;
    }
    if (sp->off > w->released + RELEASE_STEP) {
        ct_input_release(w->in, w->released, sp->off - w->released);
        w->released = sp->off;
    }
    if (w->st && w->st->progress && sp->off - w->last_progress > (4u << 20)) {
        w->last_progress = sp->off;
        /* the calling thread's piece stands for its whole step's progress */
        size_t span = w->to - w->from;
        size_t done = w->pfrom + (span ? (size_t)((double)(sp->off - w->from) / (double)span *
                                                  (double)(w->pto - w->pfrom))
                                       : w->pto - w->pfrom);
        w->st->progress(w->st->progress_ctx, done, w->in->len);
    }
    return 0;
}

/* Every record: numbered when it shares its line with another (the one
 * before it is numbered then too), so a one-line CloudTrail file's records
 * are located by number, not all as line 1. */
static int on_record(void *vctx, const ct_span *sp)
{
    worker *w = vctx;
    uint64_t ord = w->nrec + 1;
    int shared = w->nrec && sp->line == w->prev_line;
    size_t ev0 = w->nev, d0 = w->ndiags;
    w->cur_rec = shared ? ord : 0;
    int rc = read_record(w, sp);
    w->cur_rec = 0; /* the walker's own diagnostics between records: by line */
    if (w->nrec != ord - 1) return rc; /* a line of several records: numbered inside */
    w->nrec = ord;
    if (shared && !w->prev_shared) {
        for (size_t i = w->prev_ev0; i < w->prev_ev1; i++) w->ev[i].rec = (uint32_t)(ord - 1 > UINT32_MAX ? UINT32_MAX : ord - 1);
        for (size_t i = w->prev_d0; i < w->prev_d1; i++) w->diags[i].rec = ord - 1;
    }
    w->prev_line = sp->line;
    w->prev_ev0 = ev0;
    w->prev_ev1 = w->nev;
    w->prev_d0 = d0;
    w->prev_d1 = w->ndiags;
    w->prev_shared = shared;
    return rc;
}

static void worker_init(worker *w, const ct_store *st, const ct_input *in, uint32_t src,
                        size_t from, size_t to)
{
    memset(w, 0, sizeof *w);
    w->eval = st->eval;
    w->eval_fast = st->eval_fast;
    w->eval_ctx = st->eval_ctx;
    w->in = in;
    w->src = src;
    w->from = from;
    w->to = to;
    w->released = from;
    w->populated = from;
    w->last_progress = from;
    w->max_record = ct_input_max_record();
    w->pfrom = 0;
    w->pto = in->len;
    w->fast = ct_fast_enabled();
    ct_pool_init(&w->pool);
    /* up to one new string in three records of ~1.5 KB (their own ids are
     * kept apart): size the id arrays once instead of doubling them up */
    if (to - from > (16u << 20)) ct_pool_reserve_ids(&w->pool, (to - from) / 4096);
}

static void worker_free(worker *w)
{
    for (size_t i = 0; i < w->ndiags; i++) free(w->diags[i].msg);
    free(w->diags);
    free(w->ev);
    free(w->dh);
    free(w->sx);
    free(w->rid);
    ct_pool_free(&w->pool);
}

static void *worker_run(void *arg)
{
    worker *w = arg;
    int stopped;
    w->split = 1;
    w->lines = ct_input_walk_lines(w->in, w->from, w->to, 0, on_record, w, &stopped);
    if (w->to > w->released) ct_input_release(w->in, w->released, w->to - w->released);
    return NULL;
}

static int walk_one(void *vctx, const ct_span *sp)
{
    return on_record(vctx, sp);
}

static size_t load_threads(size_t len)
{
    return len < (4u << 20) ? 1 : ct_threads();
}

/* NDJSON bytes [from, to) (line starts) in chunks that the threads take in
 * turn: a thread done early takes the next chunk, so none waits on the other
 * at the end (one piece per thread left a core idle for up to 10% of the
 * load). Chunks shrink towards the end (a quarter of what is left per
 * thread, 1-32 MB) so the last ones are short. Each chunk is merged into the
 * store as soon as every chunk before it is, by the thread that finished it
 * (or the one merging already), while the other thread goes on loading: the
 * merge overlaps the load instead of following it, and a merged chunk's
 * memory goes at once. The merge is in chunk order, each chunk with its own
 * pool, so ids, lines, diagnostics and duplicates come out as one worker
 * over the whole range gives them. *line_base is the line number of from,
 * and advances; *rec_base the records before from, likewise. */
#define CHUNK_MIN (1u << 20)
#define CHUNK_MAX (32u << 20)

typedef struct chunk_job {
    ct_store *st;
    const ct_input *pin;
    uint32_t idx;
    size_t to, nt;
    pthread_mutex_t mu;       /* guards what follows */
    size_t cursor;            /* the next chunk's first byte */
    worker **w;               /* carved chunks (NULL once merged) */
    unsigned char *done;      /* walked, waiting for the chunks before it */
    size_t nchunks, cap, merged, merged_to;
    int merging;              /* a thread is merging (outside mu) */
    uint64_t line_base, rec_base;
} chunk_job;

/* The next chunk, or NULL when none is left. */
static worker *chunk_take(chunk_job *j)
{
    pthread_mutex_lock(&j->mu);
    worker *w = NULL;
    if (j->cursor < j->to) {
        size_t rem = j->to - j->cursor, want = j->nt > 1 ? rem / (j->nt * 4) : rem;
        if (want < CHUNK_MIN) want = CHUNK_MIN;
        if (j->nt > 1 && want > CHUNK_MAX) want = CHUNK_MAX;
        size_t end = rem > want ? ct_input_line_after(j->pin, j->cursor + want - 1) : j->to;
        if (end > j->to) end = j->to;
        if (j->nchunks == j->cap) {
            j->cap = j->cap ? j->cap * 2 : 64;
            j->w = ct_xrealloc(j->w, j->cap * sizeof *j->w);
            j->done = ct_xrealloc(j->done, j->cap);
        }
        w = ct_xmalloc(sizeof *w);
        worker_init(w, j->st, j->pin, j->idx, j->cursor, end);
        j->w[j->nchunks] = w;
        j->done[j->nchunks++] = 0;
        j->cursor = end;
    }
    pthread_mutex_unlock(&j->mu);
    return w;
}

/* Chunk w is walked: merge it and every walked chunk after it, in order,
 * unless a chunk before it is not walked yet (its thread merges then) or
 * another thread is merging (it takes this one too before it stops). */
static void chunk_done(chunk_job *j, worker *w)
{
    pthread_mutex_lock(&j->mu);
    for (size_t c = j->merged; c < j->nchunks; c++)
        if (j->w[c] == w) j->done[c] = 1;
    if (!j->merging) {
        j->merging = 1;
        while (j->merged < j->nchunks && j->done[j->merged]) {
            worker *m = j->w[j->merged];
            pthread_mutex_unlock(&j->mu);
            /* the duplicate table grown before the lock (only the merging
             * thread reads it; its rehash is O(events)): for the whole step
             * at the first chunk, by its events per byte, then as needed */
            size_t want = m->nev;
            if (!j->merged && m->to > m->from)
                want = (size_t)((double)m->nev * 1.05 * (double)(j->to - m->from) / (double)(m->to - m->from));
            ct_store_dedupe_reserve(j->st, want);
            ct_load_lock(j->st);
            ct_load_merge(j->st, m, j->pin->name, j->line_base, j->rec_base);
            ct_load_unlock(j->st);
            j->line_base += m->lines;
            j->rec_base += m->nrec;
            size_t end = m->to;
            worker_free(m);
            free(m);
            pthread_mutex_lock(&j->mu);
            j->w[j->merged++] = NULL;
            j->merged_to = end;
        }
        j->merging = 0;
    }
    pthread_mutex_unlock(&j->mu);
}

static void *chunk_run(void *arg)
{
    chunk_job *j = arg;
    worker *w;
    while ((w = chunk_take(j))) {
        worker_run(w);
        chunk_done(j, w);
    }
    return NULL;
}

static void load_lines(ct_store *st, const ct_input *pin, uint32_t idx, size_t from, size_t to,
                       uint64_t *line_base, uint64_t *rec_base)
{
    chunk_job j;
    memset(&j, 0, sizeof j);
    j.st = st;
    j.pin = pin;
    j.idx = idx;
    j.to = to;
    j.nt = load_threads(to - from);
    j.cursor = from;
    j.merged_to = from;
    j.line_base = *line_base;
    j.rec_base = *rec_base;
    pthread_mutex_init(&j.mu, NULL);
    pthread_t *tids = ct_xcalloc(j.nt, sizeof *tids);
    int *started = ct_xcalloc(j.nt, sizeof *started);
    for (size_t k = 1; k < j.nt; k++) started[k] = pthread_create(&tids[k], NULL, chunk_run, &j) == 0;
    /* this thread loads too (alone when no helper started); progress is
     * told from here only, the thread the caller's hook expects */
    worker *w;
    while ((w = chunk_take(&j))) {
        worker_run(w);
        chunk_done(&j, w);
        if (st->progress) {
            pthread_mutex_lock(&j.mu);
            size_t done = j.merged_to;
            pthread_mutex_unlock(&j.mu);
            st->progress(st->progress_ctx, done, pin->len);
        }
    }
    for (size_t k = 1; k < j.nt; k++)
        if (started[k]) pthread_join(tids[k], NULL);
    /* every chunk was merged by the thread that finished last */
    *line_base = j.line_base;
    *rec_base = j.rec_base;
    pthread_mutex_destroy(&j.mu);
    free(j.w);
    free(j.done);
    free(started);
    free(tids);
}

/* One file's load: opened, sniffed and (when small) walked into a worker,
 * possibly on a helper thread; then finished on the loading thread, in file
 * order, where it becomes a source of the store. */
typedef struct file_job {
    const char *path;
    int opened, walked;
    ct_input in;
    ct_format fmt;
    ct_sbuf err, warn;
    worker w;
} file_job;

#define SRC_UNSET UINT32_MAX /* a worker walked before its file had a source index */

static int is_big(const ct_store *st, const file_job *j)
{
    return j->fmt == CT_FMT_NDJSON && (st->step_bytes || load_threads(j->in.len) > 1);
}

/* No store access: safe on any thread. */
static void job_prepare(const ct_store *st, file_job *j, int walk)
{
    ct_sbuf_init(&j->err);
    ct_sbuf_init(&j->warn);
    j->opened = ct_input_open(j->path, &j->in, &j->err, &j->warn) == 0;
    if (!j->opened) return;
    j->fmt = ct_input_sniff(&j->in);
    if (!walk || is_big(st, j)) return;
    worker_init(&j->w, st, &j->in, SRC_UNSET, 0, j->in.len);
    j->w.split = j->fmt == CT_FMT_NDJSON;
    ct_input_walk(&j->in, j->fmt, walk_one, bad_record, &j->w);
    j->walked = 1;
}

/* On the loading thread, in file order. 0, or -1 when it could not be opened. */
static int job_finish(ct_store *st, file_job *j)
{
    int rc = 0;
    if (!j->opened) {
        const char *m = j->err.buf;
        st->diag(st->diag_ctx, j->path, 0, m + (strncmp(m, j->path, strlen(j->path)) ? 0 : strlen(j->path) + 2));
        rc = -1;
        goto out;
    }
    ct_load_lock(st);
    st->srcs = ct_xrealloc(st->srcs, (st->nsrcs + 1) * sizeof *st->srcs);
    uint32_t idx = (uint32_t)st->nsrcs++;
    st->srcs[idx].in = j->in; /* the mapping moves; a walked worker is done with it */
    const ct_input *pin = &st->srcs[idx].in;
    ct_format fmt = j->fmt;
    if (j->warn.len) st->diag(st->diag_ctx, pin->name, 0, j->warn.buf);
    st->srcs[idx].fmt = fmt;
    st->stats.bytes += pin->len;
    if (fmt == CT_FMT_EMPTY) st->diag(st->diag_ctx, pin->name, 0, "empty file: no records");
    ct_load_unlock(st);
    if (is_big(st, j)) {
        uint64_t base = 1, rbase = 0;
        size_t step = st->step_bytes ? st->step_bytes : pin->len;
        for (size_t from = 0; from < pin->len;) {
            size_t to = pin->len - from > step ? ct_input_line_after(pin, from + step - 1) : pin->len;
            load_lines(st, pin, idx, from, to, &base, &rbase);
            if (st->progress && to < pin->len) st->progress(st->progress_ctx, to, pin->len);
            if (st->on_events) st->on_events(st->hook_ctx);
            from = to;
            if (step <= SIZE_MAX / 2) step *= 2; /* O(log n) steps: each rebinds the rules over all events */
        }
    } else {
        worker *w = &j->w;
        if (!j->walked) {
            worker_init(w, st, pin, idx, 0, pin->len);
            w->st = st;
            w->split = fmt == CT_FMT_NDJSON;
            ct_input_walk(pin, fmt, walk_one, bad_record, w);
        } else {
            for (size_t i = 0; i < w->nev; i++) w->ev[i].src = idx;
        }
        ct_load_lock(st);
        ct_load_merge(st, w, pin->name, 0, 0);
        ct_load_unlock(st);
        worker_free(w);
        if (st->on_events) st->on_events(st->hook_ctx);
    }
    /* parsed bytes are not needed resident; they fault back in on demand */
    ct_input_release(pin, 0, pin->len);
    if (st->progress) st->progress(st->progress_ctx, pin->len, pin->len);
out:
    ct_sbuf_free(&j->err);
    ct_sbuf_free(&j->warn);
    return rc;
}

int ct_store_load(ct_store *st, const char *path)
{
    file_job j;
    memset(&j, 0, sizeof j);
    j.path = path;
    job_prepare(st, &j, 0);
    return job_finish(st, &j);
}

/* Many files (a day of CloudTrail is hundreds of small .json.gz): helper
 * threads open, inflate and walk the next few while this thread merges them
 * in order, so they load on every core. Big NDJSON files are still cut into
 * pieces here, as ct_store_load does. */
typedef struct many {
    const ct_store *st;
    file_job *jobs;
    size_t n, next, finished;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int *ready;
} many;

#define MANY_AHEAD 8 /* prepared files waiting for the merge, at most */

static void *many_run(void *arg)
{
    many *m = arg;
    for (;;) {
        pthread_mutex_lock(&m->mu);
        while (m->next < m->n && m->next >= m->finished + MANY_AHEAD) pthread_cond_wait(&m->cv, &m->mu);
        size_t i = m->next < m->n ? m->next++ : SIZE_MAX;
        pthread_mutex_unlock(&m->mu);
        if (i == SIZE_MAX) return NULL;
        job_prepare(m->st, &m->jobs[i], 1);
        pthread_mutex_lock(&m->mu);
        m->ready[i] = 1;
        pthread_cond_broadcast(&m->cv);
        pthread_mutex_unlock(&m->mu);
    }
}

int ct_store_load_all(ct_store *st, char *const *paths, int n)
{
    size_t nt = st->threads ? st->threads : ct_threads();
    int failed = 0;
    if (n < 2 || nt < 2) {
        for (int i = 0; i < n; i++) {
            if (st->on_file) st->on_file(st->progress_ctx, (size_t)i);
            if (ct_store_load(st, paths[i]) < 0) failed++;
        }
        return failed;
    }
    (void)ct_fast_enabled(); /* its one-time reading of the environment, before any helper */
    many m = {st, ct_xcalloc((size_t)n, sizeof(file_job)), (size_t)n, 0, 0,
              PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, ct_xcalloc((size_t)n, sizeof(int))};
    for (int i = 0; i < n; i++) m.jobs[i].path = paths[i];
    pthread_t *tids = ct_xcalloc(nt, sizeof *tids);
    size_t started = 0;
    for (size_t t = 0; t < nt; t++)
        if (pthread_create(&tids[started], NULL, many_run, &m) == 0) started++;
    for (size_t i = 0; i < (size_t)n; i++) {
        pthread_mutex_lock(&m.mu);
        if (!started && m.next == i) m.next++; /* no helper: prepare it here */
        else while (!m.ready[i]) pthread_cond_wait(&m.cv, &m.mu);
        pthread_mutex_unlock(&m.mu);
        if (!m.ready[i]) job_prepare(st, &m.jobs[i], 0);
        if (st->on_file) st->on_file(st->progress_ctx, i);
        if (job_finish(st, &m.jobs[i]) < 0) failed++;
        pthread_mutex_lock(&m.mu);
        m.finished = i + 1;
        pthread_cond_broadcast(&m.cv);
        pthread_mutex_unlock(&m.mu);
    }
    for (size_t t = 0; t < started; t++) pthread_join(tids[t], NULL);
    pthread_mutex_destroy(&m.mu);
    pthread_cond_destroy(&m.cv);
    free(tids);
    free(m.ready);
    free(m.jobs);
    return failed;
}
