/* esql values: the run's arena, scalars and multi-values, columns read from a
 * normalized ECS document, comparison, hashing and text of values. */
#include "esql_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct esql_chunk {
    esql_chunk *next;
    size_t size, used;
    max_align_t data[];
};

/* 8-byte granules: nothing in the arena needs more (the widest members are
 * 8-byte scalars and pointers), and a scalar takes 40 bytes, not 48. */
void *esql_alloc_in(esql_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    esql_chunk *h = a->head;
    if (!h || h->size - h->used < n) {
        size_t sz = n > 65536 ? n : 65536;
        esql_chunk *k = ct_xmalloc(sizeof *k + sz);
        k->size = sz;
        k->used = 0;
        k->next = h;
        a->head = k;
        a->bytes += sz;
        h = k;
    }
    void *p = (char *)h->data + h->used;
    h->used += n;
    a->used += n;
    return p;
}

void *esql_alloc(esql_ctx *c, size_t n)
{
    return esql_alloc_in(&c->a, n);
}

/* A mark is the total used; rewinding frees whole chunks allocated since and
 * trims the current one (chunks are only ever appended at the head). */
size_t esql_mark(esql_ctx *c)
{
    return c->a.used;
}

void esql_rewind(esql_ctx *c, size_t mark)
{
    while (c->a.head && c->a.used - c->a.head->used >= mark && c->a.used > mark) {
        esql_chunk *k = c->a.head; /* wholly after the mark */
        c->a.used -= k->used;
        c->a.bytes -= k->size;
        c->a.head = k->next;
        free(k);
    }
    if (c->a.head && c->a.used > mark) {
        c->a.head->used -= c->a.used - mark;
        c->a.used = mark;
    }
}

void esql_arena_free(esql_ctx *c)
{
    while (c->a.head) {
        esql_chunk *k = c->a.head;
        c->a.head = k->next;
        free(k);
    }
    memset(&c->a, 0, sizeof c->a);
}

const char *esql_strdup(esql_ctx *c, const char *s, size_t n)
{
    char *d = esql_alloc(c, n + 1);
    if (n) memcpy(d, s, n);
    d[n] = 0;
    return d;
}

void esql_fail(esql_ctx *c, const char *fmt, ...)
{
    if (c->err) return;
    ct_sbuf b;
    ct_sbuf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    ct_sbuf_vaddf(&b, fmt, ap);
    va_end(ap);
    c->err = esql_take(&b);
}

esql_val esql_null(void)
{
    return (esql_val){0, NULL};
}

esql_val esql_one(esql_ctx *c, esql_sc s)
{
    esql_val v = {1, esql_alloc(c, sizeof(esql_sc))};
    v.v[0] = s;
    return v;
}

esql_val esql_str(esql_ctx *c, const char *s, size_t n)
{
    return esql_one(c, (esql_sc){.t = EV_STR, .s = esql_strdup(c, s, n), .n = n});
}

esql_val esql_long(esql_ctx *c, int64_t i)
{
    return esql_one(c, (esql_sc){.t = EV_LONG, .i = i, .d = (double)i});
}

esql_val esql_dbl(esql_ctx *c, double d)
{
    if (!isfinite(d)) return esql_null(); /* as Elasticsearch: NaN and infinities are null */
    return esql_one(c, (esql_sc){.t = EV_DBL, .d = d});
}

esql_val esql_bool(esql_ctx *c, int b)
{
    return esql_one(c, (esql_sc){.t = EV_BOOL, .i = b != 0});
}

esql_val esql_date(esql_ctx *c, int64_t ms)
{
    return esql_one(c, (esql_sc){.t = EV_DATE, .i = ms});
}

/* ---- document columns ---- */

typedef struct vbuf {
    esql_sc *v;
    size_t n, cap;
} vbuf;

static void vb_push(esql_ctx *c, vbuf *b, esql_sc s)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4;
        esql_sc *nv = esql_alloc(c, cap * sizeof *nv);
        if (b->n) memcpy(nv, b->v, b->n * sizeof *nv);
        b->v = nv;
        b->cap = cap;
    }
    b->v[b->n++] = s;
}

/* The date fields of ECS documents (typed date in Elastic's mappings). */
int esql_date_field(const char *name)
{
    static const char *const dates[] = {"@timestamp", "event.created", "event.ingested", "event.start",
                                        "event.end", "credtriage.timestamp"};
    for (size_t i = 0; i < CT_ARRAY_LEN(dates); i++)
        if (!strcmp(name, dates[i])) return 1;
    return 0;
}

esql_sc esql_leaf_str(esql_ctx *c, const char *s, size_t n, int is_date)
{
    int64_t ms;
    if (is_date && ct_time_parse(s, n, &ms) == 0) return (esql_sc){.t = EV_DATE, .i = ms};
    return (esql_sc){.t = EV_STR, .s = esql_strdup(c, s, n), .n = n};
}

esql_sc esql_leaf_num(double d, int is_date)
{
    if (is_date && d == floor(d)) return (esql_sc){.t = EV_DATE, .i = (int64_t)d};
    if (d == floor(d) && fabs(d) < 9.2e18) return (esql_sc){.t = EV_LONG, .i = (int64_t)d, .d = d};
    return (esql_sc){.t = EV_DBL, .d = d};
}

static void leaf(esql_ctx *c, const cJSON *j, int is_date, vbuf *out)
{
    if (cJSON_IsArray(j)) {
        for (const cJSON *k = j->child; k; k = k->next) leaf(c, k, is_date, out);
        return;
    }
    if (cJSON_IsString(j)) vb_push(c, out, esql_leaf_str(c, j->valuestring, strlen(j->valuestring), is_date));
    else if (cJSON_IsNumber(j)) vb_push(c, out, esql_leaf_num(j->valuedouble, is_date));
    else if (cJSON_IsBool(j)) vb_push(c, out, (esql_sc){.t = EV_BOOL, .i = cJSON_IsTrue(j)});
    /* objects and nulls are no values of a column */
}

/* A geo_point field: one point, or an array of points (a pair of numbers is one) */
static void geo_leaf(esql_ctx *c, const cJSON *j, vbuf *out)
{
    esql_sc p;
    if (esql_geo_from_json(j, &p) == 0) {
        vb_push(c, out, p);
    } else if (cJSON_IsArray(j)) {
        for (const cJSON *k = j->child; k; k = k->next)
            if (esql_geo_from_json(k, &p) == 0) vb_push(c, out, p);
    }
}

/* Every split of name into keys: obj["a"]["b.c"], obj["a.b"]["c"], ... */
static void walk(esql_ctx *c, const cJSON *j, const char *name, int is_date, vbuf *out, int depth)
{
    if (depth > 64) return;
    if (cJSON_IsArray(j)) {
        for (const cJSON *k = j->child; k; k = k->next) walk(c, k, name, is_date, out, depth + 1);
        return;
    }
    if (!cJSON_IsObject(j)) return;
    size_t nl = strlen(name);
    for (const cJSON *k = j->child; k; k = k->next) {
        if (!k->string) continue;
        size_t kl = strlen(k->string);
        if (kl > nl || memcmp(k->string, name, kl)) continue;
        if (kl == nl) {
            if (is_date == 2) geo_leaf(c, k, out);
            else if (!cJSON_IsObject(k)) leaf(c, k, is_date, out);
        } else if (name[kl] == '.') {
            walk(c, k, name + kl + 1, is_date, out, depth + 1);
        }
    }
}

esql_val esql_doc_field(esql_ctx *c, const cJSON *doc, const char *name)
{
    vbuf b = {0};
    if (doc) walk(c, doc, name, esql_geo_field(name, strlen(name)) ? 2 : esql_date_field(name), &b, 0);
    return (esql_val){b.n, b.v};
}

typedef struct nbuf {
    const char **v;
    size_t n, cap;
} nbuf;

/* Could a column whose name starts with path (len bytes; the name itself, or
 * it and more after a '.') be one of cols (names or `*` patterns)? Only a
 * necessary condition: what it rules out no column can match. */
static int may_extend(const char *path, size_t len, char *const *cols, size_t ncols)
{
    for (size_t i = 0; i < ncols; i++) {
        const char *col = cols[i];
        size_t lit = strcspn(col, "*");
        if (!col[lit]) {
            if (!strncmp(col, path, len) && (col[len] == '.' || !col[len]) && strlen(col) >= len) return 1;
        } else if (len >= lit ? !strncmp(col, path, lit) : !strncmp(col, path, len)) {
            return 1;
        }
    }
    return 0;
}

/* only (nonly of them): descend only where one of these columns may be. */
static void names_walk(esql_ctx *c, const cJSON *j, ct_sbuf *path, nbuf *out, int depth, char *const *only,
                       size_t nonly)
{
    if (depth > 64) return;
    if (cJSON_IsArray(j)) {
        for (const cJSON *k = j->child; k; k = k->next) names_walk(c, k, path, out, depth + 1, only, nonly);
        return;
    }
    if (!cJSON_IsObject(j) || esql_geo_field(path->buf ? path->buf : "", path->len)) { /* a geo_point is one column */
        if (cJSON_IsNull(j) || !path->len) return;
        for (size_t i = 0; i < out->n; i++)
            if (!strcmp(out->v[i], path->buf)) return;
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 32;
            const char **nv = esql_alloc(c, cap * sizeof *nv);
            if (out->n) memcpy(nv, out->v, out->n * sizeof *nv);
            out->v = nv;
            out->cap = cap;
        }
        out->v[out->n++] = esql_strdup(c, path->buf, path->len);
        return;
    }
    for (const cJSON *k = j->child; k; k = k->next) {
        size_t keep = path->len;
        if (keep) ct_sbuf_addc(path, '.');
        ct_sbuf_add(path, k->string ? k->string : "");
        if (!only || may_extend(path->buf, path->len, only, nonly)) names_walk(c, k, path, out, depth + 1, only, nonly);
        path->len = keep;
        path->buf[keep] = 0;
    }
}

void esql_doc_names(esql_ctx *c, const cJSON *doc, const char ***names, size_t *n)
{
    nbuf b = {0};
    ct_sbuf path;
    ct_sbuf_init(&path);
    if (doc) names_walk(c, doc, &path, &b, 0, NULL, 0);
    ct_sbuf_free(&path);
    *names = b.v;
    *n = b.n;
}

/* esql_doc_names, of the columns that may be one of cols only. */
static void doc_names_of(esql_ctx *c, const cJSON *doc, char *const *cols, size_t ncols, const char ***names,
                         size_t *n)
{
    nbuf b = {0};
    ct_sbuf path;
    ct_sbuf_init(&path);
    if (doc) names_walk(c, doc, &path, &b, 0, cols, ncols);
    ct_sbuf_free(&path);
    *names = b.v;
    *n = b.n;
}

int esql_pattern_match(const char *p, const char *s)
{
    if (!strchr(p, '*')) return !strcmp(p, s);
    while (*p) {
        if (*p == '*') {
            while (*p == '*') p++;
            if (!*p) return 1;
            for (; *s; s++)
                if (esql_pattern_match(p, s)) return 1;
            return 0;
        }
        if (*p++ != *s++) return 0;
    }
    return !*s;
}

static const esql_col *own(const esql_row *r, const char *name)
{
    for (size_t i = r->ncols; i-- > 0;)
        if (esql_pattern_match(r->cols[i].name, name) && (r->cols[i].hidden || !strcmp(r->cols[i].name, name)))
            return &r->cols[i];
    return NULL;
}

esql_val esql_row_get(esql_ctx *c, const esql_row *r, const char *name)
{
    const esql_col *k = own(r, name);
    if (k) return k->hidden ? esql_null() : esql_col_v(k);
    if (r->closed) return esql_null();
    if (r->doc) return esql_doc_field(c, r->doc, name);
    for (size_t i = 0; i < r->nbase; i++) /* projected: a column not there is null */
        if (!strcmp(r->base[i].name, name)) return esql_col_v(&r->base[i]);
    return esql_null();
}

static int listed(char *const *cols, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (esql_pattern_match(cols[i], name)) return 1;
    return 0;
}

void esql_row_project(esql_ctx *c, esql_row *r, const cJSON *doc, char *const *cols, size_t ncols, int patterns)
{
    esql_col *b = esql_alloc(c, (ncols + 1) * sizeof *b);
    size_t n = 0, cap = ncols + 1;
    if (!patterns) { /* each named column once; absent ones are null anyway */
        for (size_t i = 0; i < ncols; i++) {
            esql_val v = esql_doc_field(c, doc, cols[i]);
            if (v.n) b[n++] = esql_col_make(cols[i], v, 0);
        }
    } else { /* in document order, as KEEP lists what its patterns match */
        const char **names;
        size_t nn;
        doc_names_of(c, doc, cols, ncols, &names, &nn);
        for (size_t k = 0; k < nn; k++) {
            if (!listed(cols, ncols, names[k])) continue;
            if (n == cap) {
                esql_col *nb = esql_alloc(c, cap * 2 * sizeof *nb);
                memcpy(nb, b, n * sizeof *nb);
                b = nb;
                cap *= 2;
            }
            b[n++] = esql_col_make(names[k], esql_doc_field(c, doc, names[k]), 0);
        }
    }
    r->doc = NULL;
    r->base = b;
    r->nbase = n;
}

void esql_row_doc_names(esql_ctx *c, const esql_row *r, const char ***names, size_t *n)
{
    if (r->doc || !r->base) {
        esql_doc_names(c, r->doc, names, n);
        return;
    }
    const char **v = esql_alloc(c, (r->nbase + 1) * sizeof *v);
    for (size_t i = 0; i < r->nbase; i++) v[i] = r->base[i].name;
    *names = v;
    *n = r->nbase;
}

int esql_row_has(const esql_row *r, const char *name)
{
    const esql_col *k = own(r, name);
    return k && !k->hidden;
}

void esql_row_set(esql_ctx *c, esql_row *r, const char *name, esql_val v)
{
    for (size_t i = 0; i < r->ncols; i++) /* a new value replaces the column: it moves last */
        if (!r->cols[i].hidden && !strcmp(r->cols[i].name, name)) {
            memmove(&r->cols[i], &r->cols[i + 1], (r->ncols - i - 1) * sizeof *r->cols);
            r->ncols--;
            break;
        }
    if (r->ncols == r->capcols) {
        size_t cap = r->capcols ? r->capcols + 4 : 8; /* a held row gains a column or two */
        esql_col *nc = esql_alloc(c, cap * sizeof *nc);
        if (r->ncols) memcpy(nc, r->cols, r->ncols * sizeof *nc);
        r->cols = nc;
        r->capcols = cap;
    }
    r->cols[r->ncols++] = esql_col_make(name, v, 0);
}

/* ---- comparison ---- */

static int num(const esql_sc *a)
{
    return a->t == EV_LONG || a->t == EV_DBL;
}

int esql_cmp(const esql_sc *a, const esql_sc *b)
{
    if (num(a) && num(b)) {
        if (a->t == EV_LONG && b->t == EV_LONG) return a->i < b->i ? -1 : a->i > b->i;
        double x = a->t == EV_LONG ? (double)a->i : a->d, y = b->t == EV_LONG ? (double)b->i : b->d;
        return x < y ? -1 : x > y;
    }
    if (a->t == EV_STR && b->t == EV_STR) {
        size_t n = a->n < b->n ? a->n : b->n;
        int r = n ? memcmp(a->s, b->s, n) : 0;
        if (r) return r < 0 ? -1 : 1;
        return a->n < b->n ? -1 : a->n > b->n;
    }
    /* a date and a string literal: the string is read as a date, as ES|QL casts it */
    if ((a->t == EV_DATE || b->t == EV_DATE) && (a->t == EV_STR || b->t == EV_STR)) {
        const esql_sc *s = a->t == EV_STR ? a : b;
        int64_t ms;
        if (ct_time_parse(s->s, s->n, &ms) < 0) return 2;
        int64_t x = a->t == EV_DATE ? a->i : ms, y = b->t == EV_DATE ? b->i : ms;
        return x < y ? -1 : x > y;
    }
    if (a->t != b->t) return 2;
    if (a->t == EV_DATE || a->t == EV_BOOL || a->t == EV_SPAN) return a->i < b->i ? -1 : a->i > b->i;
    if (a->t == EV_GEO) return a->d == b->d && a->i == b->i ? 0 : 2; /* points are equal or not, never ordered */
    return 2;
}

int esql_sc_eq(const esql_sc *a, const esql_sc *b)
{
    return esql_cmp(a, b) == 0;
}

uint64_t esql_sc_hash(const esql_sc *a)
{
    uint64_t h = ct_hash64(&a->t, sizeof a->t);
    switch (a->t) {
    case EV_STR: return ct_hash64_more(h, a->s, a->n);
    case EV_GEO: return ct_hash64_more(ct_hash64_more(h, &a->i, sizeof a->i), &a->d, sizeof a->d);
    case EV_DBL: {
        if (a->d == floor(a->d) && fabs(a->d) < 9.2e18) { /* equal to a long: hash as one */
            int64_t i = (int64_t)a->d;
            int t = EV_LONG;
            return ct_hash64_more(ct_hash64(&t, sizeof t), &i, sizeof i);
        }
        return ct_hash64_more(h, &a->d, sizeof a->d);
    }
    default: return ct_hash64_more(h, &a->i, sizeof a->i);
    }
}

esql_sc esql_to_str(esql_ctx *c, const esql_sc *a)
{
    char buf[96];
    const char *s = buf;
    switch (a->t) {
    case EV_STR: return *a;
    case EV_BOOL: s = a->i ? "true" : "false"; break;
    case EV_LONG: snprintf(buf, sizeof buf, "%lld", (long long)a->i); break;
    case EV_DBL: esql_java_double(a->d, buf, sizeof buf); break;
    case EV_GEO: esql_geo_wkt(a, buf, sizeof buf); break;
    case EV_DATE: ct_time_fmt(a->i, buf); break;
    case EV_SPAN: snprintf(buf, sizeof buf, "%lldms", (long long)a->i); break;
    default: s = ""; break;
    }
    size_t n = strlen(s);
    return (esql_sc){.t = EV_STR, .s = esql_strdup(c, s, n), .n = n};
}

static cJSON *sc_json(const esql_sc *a)
{
    char buf[96];
    switch (a->t) {
    case EV_BOOL: return cJSON_CreateBool((int)a->i);
    case EV_LONG: return cJSON_CreateNumber((double)a->i);
    case EV_DBL: return cJSON_CreateNumber(a->d);
    case EV_DATE: ct_time_fmt(a->i, buf); return cJSON_CreateString(buf);
    case EV_GEO: esql_geo_wkt(a, buf, sizeof buf); return cJSON_CreateString(buf);
    case EV_STR: {
        char *t = ct_xstrndup(a->s, a->n); /* a NUL inside ends the text */
        cJSON *j = cJSON_CreateString(t);
        free(t);
        return j;
    }
    default: return cJSON_CreateNull();
    }
}

cJSON *esql_val_json(const esql_val *v)
{
    if (!v->n) return cJSON_CreateNull();
    if (v->n == 1) return sc_json(&v->v[0]);
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < v->n; i++) cJSON_AddItemToArray(a, sc_json(&v->v[i]));
    return a;
}

/* ---- IP addresses ---- */

int esql_ip_parse(const char *s, size_t n, uint8_t a[16], int *prefix)
{
    char buf[64];
    if (n >= sizeof buf) return -1;
    memcpy(buf, s, n);
    buf[n] = 0;
    char *slash = strchr(buf, '/');
    *prefix = -1;
    if (slash) {
        *slash = 0;
        char *end;
        long p = strtol(slash + 1, &end, 10);
        if (*end || end == slash + 1 || p < 0 || p > 128) return -1;
        *prefix = (int)p;
    }
    struct { uint8_t b[16]; } v;
    memset(&v, 0, sizeof v);
    unsigned q[4];
    char tail;
    if (sscanf(buf, "%3u.%3u.%3u.%3u%c", &q[0], &q[1], &q[2], &q[3], &tail) == 4 && q[0] < 256 && q[1] < 256 &&
        q[2] < 256 && q[3] < 256) {
        v.b[10] = v.b[11] = 0xff;
        for (int i = 0; i < 4; i++) v.b[12 + i] = (uint8_t)q[i];
        if (*prefix >= 0) {
            if (*prefix > 32) return -1;
            *prefix += 96;
        }
    } else {
        /* IPv6: groups of hex, one :: */
        uint16_t g[8] = {0};
        int ng = 0, gap = -1;
        const char *p = buf;
        if (p[0] == ':' && p[1] == ':') {
            gap = 0;
            p += 2;
        }
        while (*p) {
            char *end;
            unsigned long x = strtoul(p, &end, 16);
            if (end == p || end - p > 4 || x > 0xffff || ng >= 8) return -1;
            g[ng++] = (uint16_t)x;
            p = end;
            if (!*p) break;
            if (*p != ':') return -1;
            p++;
            if (*p == ':') {
                if (gap >= 0) return -1;
                gap = ng;
                p++;
            }
        }
        if (gap < 0 && ng != 8) return -1;
        int fill = 8 - ng;
        for (int i = 0, o = 0; i < ng; i++) {
            if (i == gap) o += fill;
            v.b[2 * (i + o)] = (uint8_t)(g[i] >> 8);
            v.b[2 * (i + o) + 1] = (uint8_t)g[i];
        }
        if (gap == ng) { /* trailing :: */ }
    }
    memcpy(a, v.b, 16);
    return 0;
}

int esql_in_cidr(const esql_sc *ip, const esql_sc *cidr)
{
    uint8_t a[16], b[16];
    int pa, pb;
    if (ip->t != EV_STR || cidr->t != EV_STR) return 0;
    if (esql_ip_parse(ip->s, ip->n, a, &pa) < 0 || pa >= 0 || esql_ip_parse(cidr->s, cidr->n, b, &pb) < 0) return 0;
    if (pb < 0) pb = 128;
    for (int i = 0; i < pb; i++) {
        int bit = 7 - (i & 7);
        if (((a[i / 8] >> bit) & 1) != ((b[i / 8] >> bit) & 1)) return 0;
    }
    return 1;
}

/* LIKE: `*` any run, `?` one character, `\` escapes the next; whole string. */
int esql_like(const char *p, size_t pn, const char *s, size_t sn)
{
    size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
    while (si < sn) {
        if (pi < pn && p[pi] == '*') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < pn) {
            int esc = p[pi] == '\\' && pi + 1 < pn;
            char pc = esc ? p[pi + 1] : p[pi];
            if ((!esc && pc == '?') || pc == s[si]) {
                if (!esc && pc == '?') { /* one character: a whole UTF-8 sequence */
                    si++;
                    while (si < sn && ((unsigned char)s[si] & 0xC0) == 0x80) si++;
                } else {
                    si++;
                }
                pi += esc ? 2 : 1;
                continue;
            }
        }
        if (star_p == (size_t)-1) return 0;
        pi = star_p;
        si = ++star_s;
    }
    while (pi < pn && p[pi] == '*') pi++;
    return pi == pn;
}
