/* esql cols: a document's projected columns given without the document
 * (ct_esql_cols in esql.h). A caller that reads the query's columns straight
 * from a record hands over each column's leaves; they become scalars exactly
 * as esql_doc_field makes them from the normalized document (a date field's
 * string a date when it parses, numbers long or double), so a row built from
 * them is the row the document would have given. */
#include "esql_int.h"

#include <string.h>

void esql_cols_init(ct_esql_cols *s, esql_ctx *c, size_t n, const unsigned char *date)
{
    s->c = c;
    s->n = n;
    s->date = date;
    s->v = esql_alloc(c, (n + 1) * sizeof *s->v);
    s->cap = esql_alloc(c, (n + 1) * sizeof *s->cap);
    memset(s->v, 0, (n + 1) * sizeof *s->v);
    memset(s->cap, 0, (n + 1) * sizeof *s->cap);
}

static void push(ct_esql_cols *s, size_t k, esql_sc x)
{
    if (k >= s->n) return;
    esql_val *v = &s->v[k];
    if (v->n == s->cap[k]) {
        size_t cap = s->cap[k] ? s->cap[k] * 2 : 1;
        esql_sc *nv = esql_alloc(s->c, cap * sizeof *nv);
        if (v->n) memcpy(nv, v->v, v->n * sizeof *nv);
        v->v = nv;
        s->cap[k] = cap;
    }
    v->v[v->n++] = x;
}

void ct_esql_cols_str(ct_esql_cols *s, size_t k, const char *v, size_t n)
{
    if (k < s->n) push(s, k, esql_leaf_str(s->c, v, n, s->date[k]));
}

void ct_esql_cols_num(ct_esql_cols *s, size_t k, double d)
{
    if (k < s->n) push(s, k, esql_leaf_num(d, s->date[k]));
}

void ct_esql_cols_bool(ct_esql_cols *s, size_t k, int b)
{
    push(s, k, (esql_sc){.t = EV_BOOL, .i = b != 0});
}

esql_val esql_cols_val(const ct_esql_cols *s, size_t k)
{
    return k < s->n ? s->v[k] : esql_null();
}

void esql_cols_row(esql_ctx *c, const ct_esql_cols *s, char *const *names, esql_row *r)
{
    esql_col *b = esql_alloc(c, (s->n + 1) * sizeof *b);
    size_t n = 0;
    for (size_t k = 0; k < s->n; k++)
        if (s->v[k].n) b[n++] = esql_col_make(names[k], s->v[k], 0); /* absent ones are null anyway */
    r->doc = NULL;
    r->base = b;
    r->nbase = n;
}
