/* esql DISSECT: a string split at the pattern's literals into the named
 * columns (Elasticsearch's dissect processor: %{key}, %{?skip}, %{+append},
 * %{key->} padding), on one row (esql_dissect in esql_int.h). */
#include "esql_int.h"

#include <stdlib.h>
#include <string.h>

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

void esql_dissect(esql_ctx *c, const esql_cmd *cmd, esql_row *r)
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

