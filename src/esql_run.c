/* esql run: the commands over rows. FROM reads the documents one at a time
 * and pushes each through the row-at-a-time commands before the first one
 * that needs every row (STATS, SORT, LIMIT), so a document that a leading
 * WHERE drops costs its arena back at once (ct_esql_run in esql.h). */
#include "esql_int.h"

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

/* ---- DISSECT ---- */

typedef struct dkey {
    const char *name;
    size_t nlen;
    int skip, append, pad;
    const char *delim; /* the literal after it */
    size_t dlen;
} dkey;

/* Parse "lit%{key}lit%{key}..." into keys; returns count, -1 on a bad pattern. */
static int dissect_parse(esql_ctx *c, const char *p, size_t n, const char **lead, size_t *leadn, dkey **out)
{
    dkey *k = esql_alloc(c, (n / 3 + 2) * sizeof *k);
    int nk = 0;
    size_t i = 0;
    const char *o = strstr(p, "%{");
    *lead = p;
    *leadn = o ? (size_t)(o - p) : n;
    i = *leadn;
    while (i < n) {
        if (strncmp(p + i, "%{", 2)) return -1;
        const char *e = memchr(p + i, '}', n - i);
        if (!e) return -1;
        const char *nm = p + i + 2;
        size_t nl = (size_t)(e - nm);
        dkey *d = &k[nk++];
        memset(d, 0, sizeof *d);
        if (nl && (*nm == '?' || *nm == '&')) d->skip = *nm == '?', nm++, nl--;
        if (nl && *nm == '+') d->append = 1, nm++, nl--;
        if (nl >= 2 && !memcmp(nm + nl - 2, "->", 2)) d->pad = 1, nl -= 2;
        if (!nl) d->skip = 1;
        d->name = esql_strdup(c, nm, nl);
        d->nlen = nl;
        i = (size_t)(e - p) + 1;
        const char *nx = strstr(p + i, "%{");
        size_t end = nx ? (size_t)(nx - p) : n;
        d->delim = p + i;
        d->dlen = end - i;
        i = end;
    }
    *out = k;
    return nk;
}

static void dissect(esql_ctx *c, const esql_cmd *cmd, esql_row *r)
{
    const char *lead;
    size_t leadn;
    dkey *k;
    int nk = dissect_parse(c, cmd->pattern, cmd->patlen, &lead, &leadn, &k);
    if (nk < 0) {
        esql_fail(c, "Invalid pattern for dissect: [%s]", cmd->pattern);
        return;
    }
    esql_val in = esql_eval(c, cmd->cond, r);
    const char **vals = esql_alloc(c, (size_t)(nk + 1) * sizeof *vals);
    size_t *lens = esql_alloc(c, (size_t)(nk + 1) * sizeof *lens);
    int ok = in.n == 1 && in.v[0].t == EV_STR;
    const char *s = ok ? in.v[0].s : NULL;
    size_t n = ok ? in.v[0].n : 0, pos = 0;
    if (ok && (leadn > n || memcmp(s, lead, leadn))) ok = 0;
    pos = leadn;
    for (int i = 0; ok && i < nk; i++) {
        size_t end;
        if (!k[i].dlen) {
            end = i == nk - 1 ? n : pos; /* no delimiter: the rest, or nothing */
        } else {
            const char *hit = memmem(s + pos, n - pos, k[i].delim, k[i].dlen);
            if (!hit) {
                ok = 0;
                break;
            }
            end = (size_t)(hit - s);
        }
        vals[i] = s + pos;
        lens[i] = end - pos;
        pos = end + k[i].dlen;
        if (k[i].pad)
            while (k[i].dlen && pos + k[i].dlen <= n && !memcmp(s + pos, k[i].delim, k[i].dlen)) pos += k[i].dlen;
    }
    for (int i = 0; i < nk; i++) {
        if (k[i].skip) continue;
        if (!ok) {
            esql_row_set(c, r, k[i].name, esql_null());
            continue;
        }
        if (k[i].append) {
            esql_val prev = esql_row_get(c, r, k[i].name);
            if (prev.n == 1 && prev.v[0].t == EV_STR) {
                ct_sbuf b;
                ct_sbuf_init(&b);
                ct_sbuf_addn(&b, prev.v[0].s, prev.v[0].n);
                ct_sbuf_add(&b, cmd->sep ? cmd->sep : "");
                ct_sbuf_addn(&b, vals[i], lens[i]);
                esql_row_set(c, r, k[i].name, esql_str(c, b.buf, b.len));
                ct_sbuf_free(&b);
                continue;
            }
        }
        esql_row_set(c, r, k[i].name, esql_str(c, vals[i], lens[i]));
    }
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
        case EC_DISSECT: dissect(c, cmd, r); break;
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
    memset(out, 0, sizeof *out);
    if (err && errlen) err[0] = 0;
    esql_ctx c = {.now = now_ms};
    rows rs = {0};
    esql_check(&c, q);
    for (size_t k = 0; k < q->ncmds && !c.err; k++) {
        int kind = q->cmds[k].kind;
        if (kind == EC_ENRICH || kind == EC_LOOKUP_JOIN || kind == EC_COMPLETION || kind == EC_SHOW)
            esql_fail(&c, "%s needs an Elasticsearch cluster: not run locally", esql_cmd_name(kind));
    }
    size_t end = 1;
    while (end < q->ncmds && esql_streaming(q->cmds[end].kind)) end++;
    const char *const *cols;
    size_t ncols;
    int project = ct_esql_columns(q, &cols, &ncols);
    char *last = NULL; /* the last dataset seen, and whether FROM selects it */
    int selected = 0;
    cJSON **held = NULL; /* documents rows still read */
    size_t nheld = 0, capheld = 0;
    const esql_cmd *from = &q->cmds[0];
    unsigned char *date = NULL; /* fill: which columns are date fields */
    int whole = 0; /* a geo_point column or METADATA _source: read from the document */
    for (size_t k = 0; k < ncols; k++) whole |= esql_geo_field(cols[k], strlen(cols[k]));
    for (size_t k = 0; from->kind == EC_FROM && k < from->nmeta; k++) whole |= !strcmp(from->meta[k], "_source");
    if (project && fill && !q->col_patterns && !whole) {
        date = ct_xcalloc(ncols + 1, 1);
        for (size_t k = 0; k < ncols; k++) date[k] = (unsigned char)esql_date_field(cols[k]);
    }
    /* STATS right after the row-at-a-time commands reads each row as FROM makes
     * it, in the same order: no row is held (esql_stats_begin) */
    esql_grouping *feed = NULL;
    if (!c.err && from->kind == EC_FROM && end < q->ncmds && q->cmds[end].kind == EC_STATS)
        feed = esql_stats_begin(&c, &q->cmds[end]);
    if (!c.err && from->kind == EC_ROW) {
        esql_row *r = push(&rs);
        for (size_t i = 0; i < from->nas; i++)
            esql_row_set(&c, r, from->as[i].name ? from->as[i].name : from->as[i].text, esql_eval(&c, from->as[i].e, r));
        r->closed = 1;
        esql_row one = *r;
        rs.n = 0;
        flow(&c, q, 1, end, &one, &rs);
    }
    for (size_t i = 0; !c.err && from->kind == EC_FROM && i < n; i++) {
        const char *ds = dataset(ctx, i);
        if (!ds) continue;
        if (!last || strcmp(ds, last)) { /* datasets come in runs: FROM's patterns matched once a run */
            free(last);
            last = ct_xstrdup(ds);
            selected = ct_esql_selects(q, ds);
        }
        if (!selected) continue;
        size_t mark = esql_mark(&c), before = rs.n;
        esql_row r = {0};
        cJSON *doc = NULL;
        if (date) { /* the columns straight from the record, when the caller can */
            ct_esql_cols s;
            esql_cols_init(&s, &c, ncols, date);
            if (fill(ctx, i, &s)) esql_cols_row(&c, &s, (char *const *)cols, &r);
            else esql_rewind(&c, mark);
        }
        if (!r.base && !(doc = get(ctx, i))) continue;
        r.doc = doc;
        char *src = NULL;
        for (size_t k = 0; doc && k < from->nmeta && !src; k++)
            if (!strcmp(from->meta[k], "_source")) src = cJSON_PrintUnformatted(doc);
        if (doc && project) { /* the row keeps the columns the query reads, not the document */
            esql_row_project(&c, &r, doc, (char *const *)cols, ncols, q->col_patterns);
            put(ctx, i, doc);
            doc = NULL;
        }
        r.ev = esql_alloc(&c, sizeof *r.ev);
        r.ev[0] = (uint32_t)i;
        r.nev = 1;
        meta(&c, from, ds, src, &r);
        free(src);
        flow(&c, q, 1, end, &r, &rs);
        int needed = 0;
        for (size_t k = before; k < rs.n && feed; k++) esql_stats_add(&c, feed, &rs.v[k], 0);
        if (feed) rs.n = before;
        for (size_t k = before; k < rs.n; k++) {
            if (!rs.v[k].closed && rs.v[k].doc) needed = 1;
            esql_hold(&c, q, &rs.v[k]);
        }
        esql_rewind(&c, mark);
        if (!doc) continue;
        if (needed) {
            if (nheld == capheld) {
                capheld = capheld ? capheld * 2 : 64;
                held = ct_xrealloc(held, capheld * sizeof *held);
            }
            held[nheld++] = doc;
        } else {
            put(ctx, i, doc);
        }
    }
    int limited = 0;
    for (size_t k = end; k < q->ncmds && !c.err; k++) {
        esql_cmd *cmd = &q->cmds[k];
        if (cmd->kind == EC_STATS || cmd->kind == EC_INLINESTATS) {
            esql_grouping *g = k == end && feed ? feed : esql_stats_group(&c, cmd, rs.v, rs.n);
            feed = NULL;
            /* the row-at-a-time commands after STATS on each group's row as it is made */
            size_t to = k + 1;
            while (to < q->ncmds && esql_streaming(q->cmds[to].kind)) to++;
            fused f = {&c, q, k + 1, to, {0}};
            if (to > k + 1 && !esql_stats_emit(&c, g, fused_row, &f)) {
                esql_stats_free(g);
                free(rs.v);
                rs = f.next;
                k = to - 1;
                continue;
            }
            free(f.next.v);
            esql_stats_end(&c, g, &rs.v, &rs.n);
            rs.cap = rs.n;
        } else if (cmd->kind == EC_SORT) {
            sort_rows(&c, cmd, &rs);
        } else if (cmd->kind == EC_LIMIT) {
            if ((size_t)cmd->limit < rs.n) rs.n = (size_t)cmd->limit;
            limited = 1;
        } else {
            rows next = {0};
            for (size_t i = 0; i < rs.n && !c.err; i++) {
                size_t mark = esql_mark(&c), before = next.n;
                flow(&c, q, k, k + 1, &rs.v[i], &next);
                /* a row dropped leaves nothing; a WHERE changes no row it keeps */
                if (next.n == before || cmd->kind == EC_WHERE) esql_rewind(&c, mark);
            }
            free(rs.v);
            rs = next;
        }
    }
    (void)limited;
    if (feed) esql_stats_free(feed); /* an error stopped FROM */
    if (rs.n > 1000) rs.n = 1000; /* Elasticsearch's implicit LIMIT 1000 */
    if (!c.err) {
        out->v = ct_xcalloc(rs.n + 1, sizeof *out->v);
        for (size_t i = 0; i < rs.n; i++) {
            esql_row *r = &rs.v[i];
            cJSON *o = cJSON_CreateObject();
            if (!r->closed) {
                const char **names;
                size_t nn;
                esql_row_doc_names(&c, r, &names, &nn);
                for (size_t k = 0; k < nn; k++)
                    if (!esql_row_has(r, names[k]) && esql_row_get(&c, r, names[k]).n) {
                        esql_val v = esql_row_get(&c, r, names[k]);
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
        out->n = rs.n;
    }
    for (size_t i = 0; i < nheld; i++) put(ctx, (size_t)-1, held[i]);
    free(held);
    free(date);
    free(last);
    free(rs.v);
    int rc = 0;
    if (c.err) {
        if (err && errlen) snprintf(err, errlen, "%s", c.err);
        free(c.err);
        rc = -1;
    }
    esql_arena_free(&c);
    esql_hold_free(&c);
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
