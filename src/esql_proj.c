/* esql projection: the columns a query reads from its documents, found once
 * from the parsed commands (ct_esql_columns in esql.h). A row then keeps
 * only those values and the document is released as soon as its row is
 * built: what a joining rule holds until its STATS is a few columns per
 * event, not a cJSON tree.
 *
 * Walking the commands in order, a name read by an expression is a document
 * column unless an earlier command defined it (EVAL, GROK, RENAME, INLINE
 * STATS, METADATA); KEEP's patterns are kept as patterns. The walk stops at
 * the first command that closes the rows (KEEP, STATS): nothing after it
 * sees the document. A query whose rows stay open to the end prints every
 * column of the document, and KQL() reads the whole document: both keep it.
 * The names read from the first command that needs every row (STATS, SORT,
 * LIMIT) on make the late list: what a held row keeps (esql_hold.c). */
#include "esql_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct walk {
    ct_esql *q;
    char **defined;
    size_t ndefined, capdefined;
    size_t capcols, caplate;
    int late;          /* past the row-at-a-time commands: names read go to q->late too */
} walk;

static int in(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s)) return 1;
    return 0;
}

static void define(walk *w, const char *name)
{
    if (!name || in(w->defined, w->ndefined, name)) return;
    if (w->late) w->q->late_defs++;
    if (w->ndefined == w->capdefined) {
        w->capdefined = w->capdefined ? w->capdefined * 2 : 16;
        w->defined = ct_xrealloc(w->defined, w->capdefined * sizeof *w->defined);
    }
    w->defined[w->ndefined++] = (char *)name; /* borrowed from the plan */
}

static void column(walk *w, const char *name)
{
    ct_esql *q = w->q;
    if (w->late && !in(q->late, q->nlate, name)) { /* defined or not: a held row must keep it */
        if (q->nlate == w->caplate) {
            w->caplate = w->caplate ? w->caplate * 2 : 16;
            q->late = ct_xrealloc(q->late, w->caplate * sizeof *q->late);
        }
        q->late[q->nlate++] = ct_xstrdup(name);
        if (strchr(name, '*')) q->late_patterns = 1;
    }
    if (in(w->defined, w->ndefined, name) || in(q->cols, q->ncols, name)) return;
    if (q->ncols == w->capcols) {
        w->capcols = w->capcols ? w->capcols * 2 : 16;
        q->cols = ct_xrealloc(q->cols, w->capcols * sizeof *q->cols);
    }
    q->cols[q->ncols++] = ct_xstrdup(name);
    if (strchr(name, '*')) q->col_patterns = 1;
}

static void reads(walk *w, const esql_expr *e)
{
    if (!e) return;
    if (e->kind == EX_FIELD) column(w, e->name);
    if (e->kind == EX_CALL && e->name && (!strcmp(e->name, "kql") || !strcmp(e->name, "qstr")))
        w->q->whole_doc = 1;
    for (size_t i = 0; i < e->nkids; i++) reads(w, e->kids[i]);
}

static void reads_assigns(walk *w, const esql_assign *a, size_t n, int defines)
{
    for (size_t i = 0; i < n; i++) {
        reads(w, a[i].e);
        reads(w, a[i].where);
        if (defines) define(w, a[i].name ? a[i].name : a[i].text);
    }
}

/* DISSECT's keys, "%{[?&][+]name[->]}": the append modifier reads the key's
 * value before it sets it, so every key counts as read. */
static void dissect_keys(walk *w, const esql_cmd *c)
{
    const char *p = c->pattern, *end = p ? p + c->patlen : p;
    while (p && (p = strstr(p, "%{")) && p < end) {
        const char *nm = p + 2, *close = memchr(nm, '}', (size_t)(end - nm));
        if (!close) break;
        size_t n = (size_t)(close - nm);
        while (n && (*nm == '?' || *nm == '&' || *nm == '+')) nm++, n--;
        if (n >= 2 && !memcmp(nm + n - 2, "->", 2)) n -= 2;
        if (n) {
            char *k = ct_xstrndup(nm, n);
            column(w, k);
            free(k);
        }
        p = close + 1;
    }
}

/* Command k; 1 when the rows are closed after it. */
static int command(walk *w, esql_cmd *c)
{
    switch (c->kind) {
    case EC_WHERE: reads(w, c->cond); return 0;
    case EC_EVAL: reads_assigns(w, c->as, c->nas, 1); return 0;
    case EC_SORT:
        for (size_t i = 0; i < c->nord; i++) reads(w, c->ord[i].e);
        return 0;
    case EC_LIMIT:
    case EC_DROP: return 0; /* a dropped name reads as null, never from the document */
    case EC_RENAME:
        for (size_t i = 0; i < c->nnames; i++) {
            column(w, c->names[i]);
            define(w, c->names2[i]);
        }
        return 0;
    case EC_MV_EXPAND: /* a single value stays the document's */
        column(w, c->names[0]);
        return 0;
    case EC_DISSECT:
        reads(w, c->cond);
        dissect_keys(w, c);
        return 0;
    case EC_GROK:
        reads(w, c->cond);
        if (!c->re) { /* its columns are known once the pattern is compiled */
            esql_ctx x = {0};
            esql_grok_compile(&x, c);
            free(x.err);
            esql_arena_free(&x);
        }
        for (size_t i = 0; i < c->ngroups; i++) define(w, c->groups[i]);
        return 0;
    case EC_KEEP:
        for (size_t i = 0; i < c->nnames; i++) column(w, c->names[i]);
        return 1;
    case EC_STATS:
    case EC_INLINESTATS:
        reads_assigns(w, c->as, c->nas, c->kind == EC_INLINESTATS);
        reads_assigns(w, c->by, c->nby, 0);
        return c->kind == EC_STATS;
    default: /* ENRICH, LOOKUP JOIN, COMPLETION: refused when run */
        w->q->whole_doc = 1;
        return 1;
    }
}

static void project(ct_esql *q)
{
    q->projected = 1;
    q->late_all = 1;
    if (!q->ncmds || q->cmds[0].kind != EC_FROM) return;
    walk w = {.q = q};
    const esql_cmd *from = &q->cmds[0];
    for (size_t i = 0; i < from->nmeta; i++) {
        if (!strcmp(from->meta[i], "_id")) column(&w, "event.id");
        define(&w, from->meta[i]);
    }
    int closed = 0;
    for (size_t k = 1; k < q->ncmds && !closed && !q->whole_doc; k++) {
        if (!w.late && !esql_streaming(q->cmds[k].kind)) w.late = 1;
        closed = command(&w, &q->cmds[k]);
        /* closed after the rows are held: only what was read up to here matters */
        if (closed && w.late) q->late_all = 0;
    }
    if (!closed) q->whole_doc = 1; /* open rows print every column of their document */
    if (q->whole_doc) q->late_all = 1;
    free(w.defined);
}

int ct_esql_columns(ct_esql *q, const char *const **names, size_t *n)
{
    if (!q->projected) project(q);
    *names = (const char *const *)q->cols;
    *n = q->ncols;
    return !q->whole_doc;
}
