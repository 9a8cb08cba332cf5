/* esql run: the commands over rows. FROM reads the documents one at a time
 * and pushes each through the row-at-a-time commands before the first one
 * that needs every row (STATS, SORT, LIMIT), so a document that a leading
 * WHERE drops costs its arena back at once (ct_esql_run in esql.h). */
#include "esql_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rows {
    esql_row *v;
    size_t n, cap;
} rows;

static esql_row *push(rows *r)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->v = ct_xrealloc(r->v, r->cap * sizeof *r->v);
    }
    esql_row *x = &r->v[r->n++];
    memset(x, 0, sizeof *x);
    return x;
}

int ct_esql_selects(const ct_esql *q, const char *dataset)
{
    if (!q || !q->ncmds || q->cmds[0].kind != EC_FROM || !dataset) return 0;
    const esql_cmd *c = &q->cmds[0];
    char idx[512];
    snprintf(idx, sizeof idx, "logs-%s-default", dataset);
    int in = 0;
    for (size_t i = 0; i < c->nnames; i++) {
        const char *p = c->names[i];
        int ex = p[0] == '-';
        if (ex) p++;
        if (esql_pattern_match(p, idx) || esql_pattern_match(p, "filebeat-credtriage")) in = !ex;
    }
    return in;
}

/* ---- KEEP / DROP / RENAME ---- */

static void keep(esql_ctx *c, const esql_cmd *cmd, esql_row *r)
{
    esql_row nr = {.closed = 1, .ev = r->ev, .nev = r->nev}; /* the document is no longer read */
    const char **docnames = NULL;
    size_t ndoc = 0;
    int listed = 0;
    for (size_t i = 0; i < cmd->nnames; i++) {
        const char *p = cmd->names[i];
        if (!strchr(p, '*')) {
            esql_row_set(c, &nr, p, esql_row_get(c, r, p));
            continue;
        }
        if (!r->closed && !listed) {
            esql_row_doc_names(c, r, &docnames, &ndoc);
            listed = 1;
        }
        for (size_t k = 0; k < ndoc; k++)
            if (esql_pattern_match(p, docnames[k]) && !esql_row_has(&nr, docnames[k])) {
                esql_val v = esql_row_get(c, r, docnames[k]);
                if (v.n || esql_row_has(r, docnames[k])) esql_row_set(c, &nr, docnames[k], v);
            }
        for (size_t k = 0; k < r->ncols; k++)
            if (!r->cols[k].hidden && esql_pattern_match(p, r->cols[k].name) && !esql_row_has(&nr, r->cols[k].name))
                esql_row_set(c, &nr, r->cols[k].name, esql_col_v(&r->cols[k]));
    }
    *r = nr;
}

static void drop(esql_ctx *c, const esql_cmd *cmd, esql_row *r)
{
    for (size_t i = 0; i < cmd->nnames; i++) {
        size_t w = 0;
        for (size_t k = 0; k < r->ncols; k++)
            if (r->cols[k].hidden || !esql_pattern_match(cmd->names[i], r->cols[k].name)) r->cols[w++] = r->cols[k];
        r->ncols = w;
        if (!r->closed) {
            esql_row_set(c, r, cmd->names[i], esql_null());
            r->cols[r->ncols - 1].hidden = 1;
        }
    }
}

static void rename_cols(esql_ctx *c, const esql_cmd *cmd, esql_row *r)
{
    for (size_t i = 0; i < cmd->nnames; i++) {
        esql_val v = esql_row_get(c, r, cmd->names[i]);
        esql_cmd one = {.kind = EC_DROP, .names = &cmd->names[i], .nnames = 1};
        drop(c, &one, r);
        esql_row_set(c, r, cmd->names2[i], v);
    }
}

/* ---- row at a time ---- */

/* Command k and the streaming ones after it, up to end, on row r; the rows
 * that come out are appended to out. */
static void flow(esql_ctx *c, ct_esql *q, size_t k, size_t end, esql_row *r, rows *out)
{
    for (; k < end && !c->err; k++) {
        esql_cmd *cmd = &q->cmds[k];
        switch (cmd->kind) {
        case EC_WHERE:
            if (!esql_true(c, cmd->cond, r)) return;
            break;
        case EC_EVAL:
            for (size_t i = 0; i < cmd->nas; i++) {
                const esql_assign *a = &cmd->as[i];
                esql_row_set(c, r, a->name ? a->name : a->text, esql_eval(c, a->e, r));
            }
            break;
        case EC_KEEP: keep(c, cmd, r); break;
        case EC_DROP: drop(c, cmd, r); break;
        case EC_RENAME: rename_cols(c, cmd, r); break;
        case EC_DISSECT: esql_dissect(c, cmd, r); break;
        case EC_GROK: esql_grok(c, cmd, r); break;
        case EC_MV_EXPAND: {
            esql_val v = esql_row_get(c, r, cmd->names[0]);
            if (v.n <= 1) break;
            for (size_t i = 0; i < v.n && !c->err; i++) {
                esql_row x = *r;
                x.cols = esql_alloc(c, (r->ncols + 1) * sizeof *x.cols);
                if (r->ncols) memcpy(x.cols, r->cols, r->ncols * sizeof *x.cols);
                x.capcols = r->ncols + 1;
                esql_row_set(c, &x, cmd->names[0], esql_one(c, v.v[i]));
                flow(c, q, k + 1, end, &x, out);
            }
            return;
        }
        }
    }
    if (!c->err) *push(out) = *r;
}

/* esql_stats_emit's callback: a STATS row through the commands [from, to) */
typedef struct fused {
    esql_ctx *c;
    ct_esql *q;
    size_t from, to;
    rows next;
} fused;

static int fused_row(void *ctx, esql_row *r)
{
    fused *f = ctx;
    size_t before = f->next.n;
    flow(f->c, f->q, f->from, f->to, r, &f->next);
    return f->next.n > before;
}

typedef struct sortkey {
    esql_row row;
    esql_val *k;
    const esql_cmd *cmd;
} sortkey;

static int cmp_rows(const void *pa, const void *pb)
{
    const sortkey *a = pa, *b = pb;
    for (size_t i = 0; i < a->cmd->nord; i++) {
        const esql_order *o = &a->cmd->ord[i];
        int na = !a->k[i].n, nb = !b->k[i].n;
        int nulls_first = o->nulls_first >= 0 ? o->nulls_first : o->desc;
        if (na || nb) {
            if (na && nb) continue;
            return (na ? -1 : 1) * (nulls_first ? 1 : -1);
        }
        int r = esql_cmp(&a->k[i].v[0], &b->k[i].v[0]);
        if (r == 2) r = a->k[i].v[0].t - b->k[i].v[0].t;
        if (r) return o->desc ? -r : r;
    }
    return a->row.nev && b->row.nev ? (a->row.ev[0] > b->row.ev[0]) - (a->row.ev[0] < b->row.ev[0]) : 0;
}

static void sort_rows(esql_ctx *c, const esql_cmd *cmd, rows *rs)
{
    sortkey *v = ct_xcalloc(rs->n + 1, sizeof *v);
    for (size_t i = 0; i < rs->n; i++) {
        v[i].row = rs->v[i];
        v[i].cmd = cmd;
        v[i].k = esql_alloc(c, (cmd->nord + 1) * sizeof *v[i].k);
        for (size_t o = 0; o < cmd->nord; o++) {
            esql_val x = esql_eval(c, cmd->ord[o].e, &rs->v[i]);
            if (x.n > 1) { /* a multi-value sorts by its least (ascending) or greatest value */
                size_t best = 0;
                for (size_t j = 1; j < x.n; j++) {
                    int r = esql_cmp(&x.v[j], &x.v[best]);
                    if (r != 2 && (cmd->ord[o].desc ? r > 0 : r < 0)) best = j;
                }
                x = (esql_val){1, &x.v[best]};
            }
            v[i].k[o] = x;
        }
    }
    qsort(v, rs->n, sizeof *v, cmp_rows);
    for (size_t i = 0; i < rs->n; i++) rs->v[i] = v[i].row;
    free(v);
}

static void meta(esql_ctx *c, const esql_cmd *from, const char *ds, const char *src, esql_row *r)
{
    for (size_t i = 0; i < from->nmeta; i++) {
        const char *m = from->meta[i];
        if (!strcmp(m, "_id")) {
            esql_val id = esql_row_get(c, r, "event.id");
            esql_row_set(c, r, m, id.n ? id : esql_long(c, r->ev[0]));
        } else if (!strcmp(m, "_index")) {
            char idx[512];
            snprintf(idx, sizeof idx, ".ds-logs-%s-default", ds ? ds : "unknown");
            esql_row_set(c, r, m, esql_str(c, idx, strlen(idx)));
        } else if (!strcmp(m, "_source") && src) { /* the document as JSON text (JSON_EXTRACT reads it) */
            esql_row_set(c, r, m, esql_str(c, src, strlen(src)));
        } else if (!strcmp(m, "_version")) {
            esql_row_set(c, r, m, esql_long(c, 1));
        } else {
            esql_row_set(c, r, m, esql_null());
        }
    }
}

/* The caller's reader of the documents (ct_esql_run_split in esql.h). */
typedef struct source {
    cJSON *(*get)(void *ctx, size_t i);
    void (*put)(void *ctx, size_t i, cJSON *doc);
    const char *(*dataset)(void *ctx, size_t i);
    int (*fill)(void *ctx, size_t i, ct_esql_cols *cols);
} source;

/* A chunk of the documents, [from, to): read by whichever thread takes it
 * next; its rows are held in that thread's keep arena until they go on, in
 * chunk order, on the calling thread (or fed to STATS as they come when the
 * calling thread reads the next chunk in order itself). */
typedef struct chunk {
    size_t from, to;
    rows rs;
    char *err;  /* the first run-time error in it */
    int state;  /* 0 waiting, 1 being read, 2 read */
    esql_arena keep; /* its held rows, with their strings (strs): freed once fed to STATS */
    struct esql_strs *strs;
} chunk;

typedef struct sched {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    chunk *ch;
    size_t n, next, limit; /* the next chunk to take; none from limit on (an error came before) */
    int feeds;             /* STATS is fed: a chunk's held rows are freed once fed */
} sched;

/* One thread's reader. q is the query or, on the other threads, a copy of it
 * parsed from the same text: the evaluator's caches (function ids, compiled
 * patterns, GROK's match data) are per copy. */
typedef struct part {
    ct_esql *q;
    esql_ctx c;
    esql_grouping *feed; /* the calling thread: the STATS right after the streaming commands */
    int first;
    cJSON **held; /* documents rows still read */
    size_t nheld, capheld;
    void *ctx;
    const source *src;
    sched *s;
    size_t end;
    const char *const *cols;
    size_t ncols;
    int project;
    unsigned char *date; /* fill: which columns are date fields */
    char *last; /* the last dataset seen, and whether FROM selects it */
    int selected;
} part;

/* The query's commands before FROM reads anything: what Elasticsearch's
 * verifier refuses, and the commands that need a cluster. */
static void refuse(esql_ctx *c, ct_esql *q)
{
    esql_check(c, q);
    for (size_t k = 0; k < q->ncmds && !c->err; k++) {
        int kind = q->cmds[k].kind;
        if (kind == EC_ENRICH || kind == EC_LOOKUP_JOIN || kind == EC_COMPLETION || kind == EC_SHOW)
            esql_fail(c, "%s needs an Elasticsearch cluster: not run locally", esql_cmd_name(kind));
    }
}

/* The streaming commands after the source: [1, end). */
static size_t streaming_end(const ct_esql *q)
{
    size_t end = 1;
    while (end < q->ncmds && esql_streaming(q->cmds[end].kind)) end++;
    return end;
}

/* What a thread works out once; ROW's row goes to out. */
static void part_prep(part *p, rows *out)
{
    esql_ctx *c = &p->c;
    ct_esql *q = p->q;
    refuse(c, q);
    p->end = streaming_end(q);
    p->project = ct_esql_columns(q, &p->cols, &p->ncols);
    const esql_cmd *from = &q->cmds[0];
    int whole = 0; /* a geo_point column or METADATA _source: read from the document */
    for (size_t k = 0; k < p->ncols; k++) whole |= esql_geo_field(p->cols[k], strlen(p->cols[k]));
    for (size_t k = 0; from->kind == EC_FROM && k < from->nmeta; k++) whole |= !strcmp(from->meta[k], "_source");
    if (p->project && p->src->fill && !q->col_patterns && !whole) {
        p->date = ct_xcalloc(p->ncols + 1, 1);
        for (size_t k = 0; k < p->ncols; k++) p->date[k] = (unsigned char)esql_date_field(p->cols[k]);
    }
    /* STATS right after the row-at-a-time commands reads each row as FROM makes
     * it, in the same order: no row is held (esql_stats_begin). The calling
     * thread feeds it, from the rows of each chunk in turn. */
    if (p->first && !c->err && from->kind == EC_FROM && p->end < q->ncmds && q->cmds[p->end].kind == EC_STATS)
        p->feed = esql_stats_begin(c, &q->cmds[p->end]);
    if (!c->err && from->kind == EC_ROW && out) { /* (one chunk) */
        esql_row *r = push(out);
        for (size_t i = 0; i < from->nas; i++)
            esql_row_set(c, r, from->as[i].name ? from->as[i].name : from->as[i].text, esql_eval(c, from->as[i].e, r));
        r->closed = 1;
        esql_row one = *r;
        out->n = 0;
        flow(c, q, 1, p->end, &one, out);
    }
}

/* Chunk ch's rows: held in ch->rs, or fed to p->feed as they come (feeding). */
static void part_range(part *p, chunk *ch, int feeding)
{
    esql_ctx *c = &p->c;
    ct_esql *q = p->q;
    const source *s = p->src;
    const esql_cmd *from = &q->cmds[0];
    esql_grouping *feed = feeding ? p->feed : NULL;
    rows *rs = &ch->rs;
    /* rows that go to STATS held in the chunk's own keep arena, freed once fed
     * (the thread's keeps STATS' groups); others stay to the end in the thread's */
    int own = !feed && p->s->feeds;
    esql_arena keep = c->keep;
    struct esql_strs *strs = c->strs;
    if (own) c->keep = (esql_arena){0}, c->strs = NULL;
    for (size_t i = ch->from; !c->err && from->kind == EC_FROM && i < ch->to; i++) {
        const char *ds = s->dataset(p->ctx, i);
        if (!ds) continue;
        if (!p->last || strcmp(ds, p->last)) { /* datasets come in runs: FROM's patterns matched once a run */
            free(p->last);
            p->last = ct_xstrdup(ds);
            p->selected = ct_esql_selects(q, ds);
        }
        if (!p->selected) continue;
        size_t mark = esql_mark(c), before = rs->n;
        esql_row r = {0};
        cJSON *doc = NULL;
        if (p->date) { /* the columns straight from the record, when the caller can */
            ct_esql_cols cs;
            esql_cols_init(&cs, c, p->ncols, p->date);
            if (s->fill(p->ctx, i, &cs)) esql_cols_row(c, &cs, (char *const *)p->cols, &r);
            else esql_rewind(c, mark);
        }
        if (!r.base && !(doc = s->get(p->ctx, i))) continue;
        r.doc = doc;
        char *src = NULL;
        for (size_t k = 0; doc && k < from->nmeta && !src; k++)
            if (!strcmp(from->meta[k], "_source")) src = cJSON_PrintUnformatted(doc);
        if (doc && p->project) { /* the row keeps the columns the query reads, not the document */
            esql_row_project(c, &r, doc, (char *const *)p->cols, p->ncols, q->col_patterns);
            s->put(p->ctx, i, doc);
            doc = NULL;
        }
        r.ev = esql_alloc(c, sizeof *r.ev);
        r.ev[0] = (uint32_t)i;
        r.nev = 1;
        meta(c, from, ds, src, &r);
        free(src);
        flow(c, q, 1, p->end, &r, rs);
        int needed = 0;
        for (size_t k = before; k < rs->n && feed; k++) esql_stats_add(c, feed, &rs->v[k], 0);
        if (feed) rs->n = before;
        for (size_t k = before; k < rs->n; k++) {
            if (!rs->v[k].closed && rs->v[k].doc) needed = 1;
            esql_hold(c, q, &rs->v[k]);
        }
        esql_rewind(c, mark);
        if (!doc) continue;
        if (needed) {
            if (p->nheld == p->capheld) {
                p->capheld = p->capheld ? p->capheld * 2 : 64;
                p->held = ct_xrealloc(p->held, p->capheld * sizeof *p->held);
            }
            p->held[p->nheld++] = doc;
        } else {
            s->put(p->ctx, i, doc);
        }
    }
    if (c->err) ch->err = ct_xstrdup(c->err);
    if (own) {
        ch->keep = c->keep, ch->strs = c->strs;
        c->keep = keep, c->strs = strs;
    }
}

/* A chunk's held rows, once no longer read. */
static void chunk_free_rows(chunk *ch)
{
    esql_ctx t = {.keep = ch->keep, .strs = ch->strs};
    esql_hold_free(&t);
    ch->keep = (esql_arena){0};
    ch->strs = NULL;
}

/* Chunk j read (under the lock): an error in it ends the taking after it. */
static void chunk_done(sched *s, size_t j)
{
    s->ch[j].state = 2;
    if (s->ch[j].err && j + 1 < s->limit) s->limit = j + 1;
    pthread_cond_broadcast(&s->cv);
}

/* Another thread: chunks in turn, until none is left (or an error came). */
static void *part_main(void *arg)
{
    part *p = arg;
    sched *s = p->s;
    part_prep(p, NULL);
    pthread_mutex_lock(&s->mu);
    while (!p->c.err && s->next < s->limit) {
        size_t j = s->next++;
        s->ch[j].state = 1;
        pthread_mutex_unlock(&s->mu);
        part_range(p, &s->ch[j], 0);
        pthread_mutex_lock(&s->mu);
        chunk_done(s, j);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* A read chunk's rows go on: to STATS, or after the rows so far. */
static void take(part *p0, chunk *ch, rows *rs)
{
    for (size_t i = 0; i < ch->rs.n && p0->feed; i++) esql_stats_add(&p0->c, p0->feed, &ch->rs.v[i], 0);
    if (!p0->feed && ch->rs.n) {
        if (rs->n + ch->rs.n > rs->cap) {
            rs->cap = (rs->n + ch->rs.n) * 2;
            rs->v = ct_xrealloc(rs->v, rs->cap * sizeof *rs->v);
        }
        memcpy(rs->v + rs->n, ch->rs.v, ch->rs.n * sizeof *rs->v);
        rs->n += ch->rs.n;
    }
    free(ch->rs.v);
    ch->rs = (rows){0};
    if (p0->feed) chunk_free_rows(ch); /* what STATS keeps of them is its own */
}

/* The calling thread: chunks in turn too, and every read chunk's rows on in
 * chunk order as soon as the chunks before it have gone on (the chunk next in
 * order, read here, feeds STATS directly). */
static void run_chunks(part *p0, sched *s, rows *rs)
{
    size_t fed = 0;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (fed < s->limit && s->ch[fed].state == 2) {
            pthread_mutex_unlock(&s->mu);
            take(p0, &s->ch[fed], rs);
            pthread_mutex_lock(&s->mu);
            fed++;
        }
        if (fed >= s->limit || p0->c.err) break;
        if (s->next < s->limit) {
            size_t j = s->next++;
            s->ch[j].state = 1;
            pthread_mutex_unlock(&s->mu);
            part_range(p0, &s->ch[j], j == fed);
            pthread_mutex_lock(&s->mu);
            chunk_done(s, j);
            continue;
        }
        pthread_cond_wait(&s->cv, &s->mu);
    }
    pthread_mutex_unlock(&s->mu);
}

/* The commands from end on, over every row, on part 0's context (a STATS
 * at end was fed as rows came: feed). */
static void rest(esql_ctx *c, ct_esql *q, size_t end, esql_grouping *feed, rows *rs)
{
    for (size_t k = end; k < q->ncmds && !c->err; k++) {
        esql_cmd *cmd = &q->cmds[k];
        if (cmd->kind == EC_STATS || cmd->kind == EC_INLINESTATS) {
            esql_grouping *g = k == end && feed ? feed : esql_stats_group(c, cmd, rs->v, rs->n);
            feed = NULL;
            /* the row-at-a-time commands after STATS on each group's row as it is made */
            size_t to = k + 1;
            while (to < q->ncmds && esql_streaming(q->cmds[to].kind)) to++;
            fused f = {c, q, k + 1, to, {0}};
            if (to > k + 1 && !esql_stats_emit(c, g, fused_row, &f)) {
                esql_stats_free(g);
                free(rs->v);
                *rs = f.next;
                k = to - 1;
                continue;
            }
            free(f.next.v);
            esql_stats_end(c, g, &rs->v, &rs->n);
            rs->cap = rs->n;
        } else if (cmd->kind == EC_SORT) {
            sort_rows(c, cmd, rs);
        } else if (cmd->kind == EC_LIMIT) {
            if ((size_t)cmd->limit < rs->n) rs->n = (size_t)cmd->limit;
        } else {
            rows next = {0};
            for (size_t i = 0; i < rs->n && !c->err; i++) {
                size_t mark = esql_mark(c), before = next.n;
                flow(c, q, k, k + 1, &rs->v[i], &next);
                /* a row dropped leaves nothing; a WHERE changes no row it keeps */
                if (next.n == before || cmd->kind == EC_WHERE) esql_rewind(c, mark);
            }
            free(rs->v);
            *rs = next;
        }
    }
    if (feed) esql_stats_free(feed); /* an error stopped FROM */
}

static void output(esql_ctx *c, rows *rs, ct_esql_result *out)
{
    if (rs->n > 1000) rs->n = 1000; /* Elasticsearch's implicit LIMIT 1000 */
    out->v = ct_xcalloc(rs->n + 1, sizeof *out->v);
    for (size_t i = 0; i < rs->n; i++) {
        esql_row *r = &rs->v[i];
        cJSON *o = cJSON_CreateObject();
        if (!r->closed) {
            const char **names;
            size_t nn;
            esql_row_doc_names(c, r, &names, &nn);
            for (size_t k = 0; k < nn; k++)
                if (!esql_row_has(r, names[k]) && esql_row_get(c, r, names[k]).n) {
                    esql_val v = esql_row_get(c, r, names[k]);
                    cJSON_AddItemToObject(o, names[k], esql_val_json(&v));
                }
        }
        for (size_t k = 0; k < r->ncols; k++)
            if (!r->cols[k].hidden) {
                esql_val v = esql_col_v(&r->cols[k]);
                cJSON_AddItemToObject(o, r->cols[k].name, esql_val_json(&v));
            }
        out->v[i].row = o;
        out->v[i].ev = ct_xmalloc((r->nev + 1) * sizeof *r->ev);
        if (r->nev) memcpy(out->v[i].ev, r->ev, r->nev * sizeof *r->ev); /* r->ev is NULL when empty */
        out->v[i].nev = r->nev;
    }
    out->n = rs->n;
}

int ct_esql_run(ct_esql *q, size_t n, cJSON *(*get)(void *ctx, size_t i),
                void (*put)(void *ctx, size_t i, cJSON *doc), const char *(*dataset)(void *ctx, size_t i),
                void *ctx, int64_t now_ms, ct_esql_result *out, char *err, size_t errlen)
{
    return ct_esql_run_cols(q, n, get, put, dataset, NULL, ctx, now_ms, out, err, errlen);
}

int ct_esql_run_cols(ct_esql *q, size_t n, cJSON *(*get)(void *ctx, size_t i),
                     void (*put)(void *ctx, size_t i, cJSON *doc), const char *(*dataset)(void *ctx, size_t i),
                     int (*fill)(void *ctx, size_t i, ct_esql_cols *cols), void *ctx, int64_t now_ms,
                     ct_esql_result *out, char *err, size_t errlen)
{
    size_t bounds[2] = {0, n};
    return ct_esql_run_split(q, 1, bounds, 1, &ctx, get, put, dataset, fill, now_ms, out, err, errlen);
}

#define THREADS_MAX 16

int ct_esql_run_split(ct_esql *q, size_t nchunks, const size_t *bounds, size_t nthreads, void *const *ctxs,
                      cJSON *(*get)(void *ctx, size_t i), void (*put)(void *ctx, size_t i, cJSON *doc),
                      const char *(*dataset)(void *ctx, size_t i),
                      int (*fill)(void *ctx, size_t i, ct_esql_cols *cols), int64_t now_ms, ct_esql_result *out,
                      char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (err && errlen) err[0] = 0;
    const char *const *cols;
    size_t ncols;
    if (!nchunks) nchunks = 1, bounds = (const size_t[]){0, 0};
    size_t lo = bounds[0], hi = bounds[nchunks];
    if (nthreads > THREADS_MAX) nthreads = THREADS_MAX;
    if (nthreads > nchunks) nthreads = nchunks;
    /* rows that keep their documents, or a ROW source: one chunk, in order */
    if (q->cmds[0].kind != EC_FROM || !ct_esql_columns(q, &cols, &ncols)) nchunks = nthreads = 1;
    if (!nthreads) nthreads = 1;
    source src = {get, put, dataset, fill};
    sched s = {.n = nchunks, .limit = nchunks};
    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.cv, NULL);
    s.ch = ct_xcalloc(nchunks + 1, sizeof *s.ch);
    for (size_t k = 0; k < nchunks; k++) {
        s.ch[k].from = nchunks == 1 ? lo : bounds[k];
        s.ch[k].to = nchunks == 1 ? hi : bounds[k + 1];
    }
    part p[THREADS_MAX];
    pthread_t tid[THREADS_MAX];
    int started[THREADS_MAX] = {0};
    memset(p, 0, sizeof p);
    for (size_t k = 0; k < nthreads; k++) {
        p[k] = (part){.q = q, .c = {.now = now_ms}, .first = !k, .ctx = ctxs[k], .src = &src, .s = &s};
        if (k && !(p[k].q = ct_esql_parse(q->text, NULL, 0))) p[k].q = q; /* parsed once already */
    }
    part_prep(&p[0], &s.ch[0].rs);
    s.feeds = p[0].feed != NULL;
    for (size_t k = 1; k < nthreads && !p[0].c.err; k++)
        if (p[k].q != q) started[k] = pthread_create(&tid[k], NULL, part_main, &p[k]) == 0;
    rows rs = {0};
    if (!p[0].c.err) run_chunks(&p[0], &s, &rs);
    for (size_t k = 1; k < nthreads; k++)
        if (started[k]) pthread_join(tid[k], NULL);
    /* the first error in document order is the run's, as when read in one go */
    esql_ctx *c = &p[0].c;
    for (size_t k = 0; k < nchunks; k++)
        if (s.ch[k].err) {
            free(c->err);
            c->err = ct_xstrdup(s.ch[k].err);
            break;
        }
    rest(c, q, streaming_end(q), p[0].feed, &rs);
    if (!c->err) output(c, &rs, out);
    free(rs.v);
    int rc = 0;
    if (c->err) {
        if (err && errlen) snprintf(err, errlen, "%s", c->err);
        rc = -1;
    }
    for (size_t k = 0; k < nchunks; k++) {
        free(s.ch[k].rs.v);
        free(s.ch[k].err);
        chunk_free_rows(&s.ch[k]);
    }
    free(s.ch);
    pthread_mutex_destroy(&s.mu);
    pthread_cond_destroy(&s.cv);
    for (size_t k = 0; k < nthreads; k++) {
        for (size_t i = 0; i < p[k].nheld; i++) put(p[k].ctx, (size_t)-1, p[k].held[i]);
        free(p[k].held);
        free(p[k].date);
        free(p[k].last);
        free(p[k].c.err);
        esql_arena_free(&p[k].c);
        esql_hold_free(&p[k].c);
        if (p[k].q != q) ct_esql_free(p[k].q);
    }
    return rc;
}

void ct_esql_result_free(ct_esql_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        cJSON_Delete(r->v[i].row);
        free(r->v[i].ev);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}
