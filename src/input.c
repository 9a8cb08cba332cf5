/* input: what kind of records a file holds (sniffed from its bytes), and
 * the records' places in it (walked with a JSON skipper, no tree built);
 * reading the bytes in is input_open.c. */
#include "input.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 512 /* deeper nesting is refused, not recursed into */

static const char *const fmt_names[] = {
    [CT_FMT_EMPTY] = "empty",        [CT_FMT_NDJSON] = "ndjson",
    [CT_FMT_STREAM] = "json-stream", [CT_FMT_ARRAY] = "json-array",
    [CT_FMT_CLOUDTRAIL] = "cloudtrail-records", [CT_FMT_AZURE] = "azure-records",
    [CT_FMT_GRAPH] = "graph-value",  [CT_FMT_ES_SEARCH] = "es-search",
    [CT_FMT_ES_ARCHIVE] = "es-archive", [CT_FMT_BINARY] = "binary",
};

const char *ct_format_name(ct_format f)
{
    return f <= CT_FMT_BINARY ? fmt_names[f] : "?";
}

/* ---- a JSON skipper: finds value boundaries without building anything ---- */

static const char *ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static const char *skip_string(const char *p, const char *end)
{
    p++; /* opening quote */
    while (p < end) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q) return NULL;
        /* count the backslashes before the quote */
        const char *b = q;
        while (b > p && b[-1] == '\\') b--;
        if (((q - b) & 1) == 0) return q + 1;
        p = q + 1;
    }
    return NULL;
}

/* With rel (a mapped input being sniffed): pages passed are given back every
 * 8 MB, so reading a 1 GB one-line document through does not make it all
 * resident at once. */
#define SNIFF_RELEASE (8u << 20)
static const char *skip_value(const char *p, const char *end, const ct_input *rel)
{
    char stack[MAX_DEPTH];
    int depth = 0;
    const char *rel_from = rel ? rel->data : NULL;
    p = ws(p, end);
    for (;;) {
        if (p >= end) return NULL;
        if (rel && (size_t)(p - rel_from) > SNIFF_RELEASE) {
            ct_input_release(rel, (size_t)(rel_from - rel->data), (size_t)(p - rel_from));
            rel_from = p;
        }
        char c = *p;
        if (c == '"') {
            p = skip_string(p, end);
            if (!p) return NULL;
        } else if (c == '{' || c == '[') {
            if (depth == MAX_DEPTH) return NULL;
            stack[depth++] = c;
            p++;
            p = ws(p, end);
            if (p < end && (*p == (c == '{' ? '}' : ']'))) {
                depth--;
                p++;
            } else if (c == '[') {
                continue;
            } else {
                /* the first key of an object, then its value */
                if (p >= end || *p != '"' || !(p = skip_string(p, end))) return NULL;
                p = ws(p, end);
                if (p >= end || *p != ':') return NULL;
                p = ws(p + 1, end);
                continue;
            }
        } else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
            const char *s = p;
            while (p < end && ((*p && strchr("+-.eE", *p)) || (*p >= '0' && *p <= '9') ||
                               (*p >= 'a' && *p <= 'z')))
                p++;
            if (p == s) return NULL;
        } else {
            return NULL;
        }
        /* after a value: close containers or expect a separator */
        for (;;) {
            if (depth == 0) return p;
            p = ws(p, end);
            if (p >= end) return NULL;
            char top = stack[depth - 1];
            if (*p == (top == '{' ? '}' : ']')) {
                depth--;
                p++;
                continue;
            }
            if (*p != ',') return NULL;
            p = ws(p + 1, end);
            break;
        }
        if (stack[depth - 1] == '{') {
            /* a key and a colon before the next value */
            if (p >= end || *p != '"') return NULL;
            p = skip_string(p, end);
            if (!p) return NULL;
            p = ws(p, end);
            if (p >= end || *p != ':') return NULL;
            p = ws(p + 1, end);
        }
    }
}

/* Before the first value of an object: position after '{' handled by callers. */

const char *ct_json_skip(const char *p, const char *end)
{
    return skip_value(p, end, NULL);
}

/* Whether reading in through (sniffing, finding a wrapper's array) gives
 * pages back as it goes: for big mapped inputs, whose pages would otherwise
 * all be resident at once (a 500 MB {"records": [...]} export: 507 MB RSS);
 * smaller ones are not worth faulting in again. */
static const ct_input *sniff_release(const ct_input *in)
{
    return in->mapped && in->len > (64u << 20) ? in : NULL;
}

/* The first '\n' in [p, end), giving pages back behind as skip_value does. */
static const char *find_nl(const char *p, const char *end, const ct_input *rel)
{
    while (p < end) {
        size_t n = (size_t)(end - p) < SNIFF_RELEASE ? (size_t)(end - p) : SNIFF_RELEASE;
        const char *nl = memchr(p, '\n', n);
        if (nl) return nl;
        if (rel) ct_input_release(rel, (size_t)(p - rel->data), n);
        p += n;
    }
    return NULL;
}

/* End of the array element at p by bracket matching alone (no nesting limit,
 * no validation; strings skipped): just after its closing bracket, or, for a
 * non-container, at the next ',', '}' or ']' outside strings. NULL if none. */
static const char *skip_element(const char *p, const char *end)
{
    size_t depth = 0;
    while (p < end) {
        char c = *p;
        if (c == '"') {
            if (!(p = skip_string(p, end))) return NULL;
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0) return p; /* the enclosing container's end */
            if (--depth == 0) return p + 1;
        } else if (c == ',' && depth == 0) {
            return p;
        }
        p++;
    }
    return NULL;
}

static const char *obj_first_value(const char *p, const char *end)
{
    /* p at '{': returns position of the first key's string, or NULL */
    p = ws(p + 1, end);
    return p < end && *p == '"' ? p : NULL;
}

/* Find key in the object at p ('{'); returns the value start and sets *vend. */
/* The value of key in the object at p, or NULL; *vend its end. With vend
 * NULL the value itself is not skipped (the caller walks it anyway): a
 * 500 MB {"records": [...]} is then not read once more just to find its end. */
static const char *obj_find_rel(const char *p, const char *end, const char *key, const char **vend,
                                const ct_input *rel)
{
    size_t klen = strlen(key);
    const char *k = obj_first_value(p, end);
    while (k) {
        const char *kend = skip_string(k, end);
        if (!kend) return NULL;
        const char *v = ws(kend, end);
        if (v >= end || *v != ':') return NULL;
        v = ws(v + 1, end);
        int match = (size_t)(kend - k - 2) == klen && !memcmp(k + 1, key, klen);
        if (match && !vend) return v;
        const char *e = skip_value(v, end, rel);
        if (!e) e = skip_element(v, end); /* too deep: still find the keys after it */
        if (!e) return NULL;
        if (match) {
            *vend = e;
            return v;
        }
        e = ws(e, end);
        if (e >= end || *e != ',') return NULL;
        k = ws(e + 1, end);
        if (k >= end || *k != '"') return NULL;
    }
    return NULL;
}

static const char *obj_find(const char *p, const char *end, const char *key, const char **vend)
{
    return obj_find_rel(p, end, key, vend, NULL);
}

static uint64_t count_lines(const char *from, const char *to)
{
    uint64_t n = 0;
    while (from < to && (from = memchr(from, '\n', (size_t)(to - from)))) n++, from++;
    return n;
}

/* CRs not followed by LF in [from, to): old Mac line ends */
static uint64_t count_lone_cr(const char *from, const char *to, const char *end)
{
    uint64_t n = 0;
    while (from < to && (from = memchr(from, '\r', (size_t)(to - from)))) {
        if (from + 1 >= end || from[1] != '\n') n++;
        from++;
    }
    return n;
}

static const char *skip_bom(const ct_input *in)
{
    const char *p = in->data;
    if (in->len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
    return p;
}

ct_format ct_input_sniff(const ct_input *in)
{
    const char *end = in->data + in->len;
    const char *p = ws(skip_bom(in), end);
    if (p >= end) return CT_FMT_EMPTY;
    if (*p == '[') {
        /* an array followed by more values is NDJSON whose first line is an
         * array (a hostile line must not turn the records after it into
         * "the rest of one array"); a lone array is the array shape */
        /* a big mapped array gives its pages back as the skip goes: else
         * the whole file is resident before the first record is read */
        const ct_input *rel = sniff_release(in);
        const char *e = rel ? skip_value(p, end, rel) : NULL;
        if (!e) e = ct_json_skip(p, end);
        if (!e) e = skip_element(p, end);
        if (!e || ws(e, end) >= end) return CT_FMT_ARRAY;
        /* more after it: arrays on lines of their own are NDJSON lines;
         * pretty-printed arrays back to back are a stream of values */
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        return nl ? CT_FMT_STREAM : CT_FMT_NDJSON;
    }
    if (*p != '{') return CT_FMT_BINARY;
    const ct_input *rel = sniff_release(in);
    const char *nl = find_nl(p, end, rel);
    const char *line_end = nl ? nl : end;
    const char *v = skip_value(p, line_end, rel);
    int one_line = v != NULL;
    if (v) {
        /* first line holds a whole value: NDJSON, unless it is the only value
         * and one of the wrapper shapes */
        if (ws(v, end) < end) return CT_FMT_NDJSON;
    } else {
        v = skip_value(p, end, rel);
        /* a wrapper holding one too-deep record is still that wrapper */
        if (!v) v = skip_element(p, end);
        if (!v) return CT_FMT_NDJSON; /* broken from the start: report per line */
        if (ws(v, end) < end) {
            const char *ve;
            const char *t = obj_find_rel(p, v, "type", &ve, rel);
            if (t && ve - t == 5 && !memcmp(t, "\"doc\"", 5)) return CT_FMT_ES_ARCHIVE;
            return CT_FMT_STREAM;
        }
    }
    /* the whole value was skipped above: the wrapper's array need not be again */
    const char *ve, *x;
    if ((x = obj_find_rel(p, v, "Records", NULL, rel)) && *x == '[') return CT_FMT_CLOUDTRAIL;
    if ((x = obj_find_rel(p, v, "records", NULL, rel)) && *x == '[') return CT_FMT_AZURE;
    if ((x = obj_find_rel(p, v, "value", NULL, rel)) && *x == '[') return CT_FMT_GRAPH;
    if ((x = obj_find_rel(p, v, "hits", &ve, rel)) && *x == '{') {
        const char *ve2;
        const char *h = obj_find_rel(x, ve, "hits", &ve2, rel);
        if (h && *h == '[') return CT_FMT_ES_SEARCH;
    }
    const char *t = obj_find_rel(p, v, "type", &ve, rel);
    if (t && ve - t == 5 && !memcmp(t, "\"doc\"", 5)) return CT_FMT_ES_ARCHIVE;
    /* one record alone: on one line it is NDJSON; pretty-printed over many
     * lines it must be read as one value, not line by line */
    return one_line ? CT_FMT_NDJSON : CT_FMT_STREAM;
}

typedef struct walk {
    const ct_input *in;
    ct_span_cb cb;
    ct_bad_cb bad;
    void *ctx;
    long long count;
    const char *line_pos; /* line counting cursor */
    uint64_t line;
    int cr;               /* a lone CR ends a line too (streams) */
} walk;

static uint64_t line_at(walk *w, const char *p)
{
    if (p < w->line_pos) {
        w->line_pos = w->in->data;
        w->line = 1;
    }
    w->line += count_lines(w->line_pos, p);
    if (w->cr) w->line += count_lone_cr(w->line_pos, p, w->in->data + w->in->len);
    w->line_pos = p;
    return w->line;
}

static int emit(walk *w, const char *s, const char *e)
{
    ct_span sp = {(size_t)(s - w->in->data), (size_t)(e - s), line_at(w, s)};
    w->count++;
    return w->cb(w->ctx, &sp);
}

/* Elements of the array at p; each element (or its unwrap) is a record. */
static int walk_array(walk *w, const char *p, const char *end,
                      const char *(*unwrap)(const char *, const char *, const char **))
{
    p = ws(p + 1, end);
    if (p < end && *p == ']') return 0;
    while (p < end) {
        const char *e = ct_json_skip(p, end);
        if (!e) {
            /* One element too deep (a hostile 10,000-level record) or broken
             * must not hide the records after it: skip it by bracket matching
             * (no depth limit, strings honoured) when that finds its end. */
            const char *s = skip_element(p, end);
            const char *n = s ? ws(s, end) : NULL;
            if (!n || n >= end || (*n != ',' && *n != ']')) {
                w->bad(w->ctx, line_at(w, p), "malformed JSON array element; rest of the array skipped");
                return 0;
            }
            w->bad(w->ctx, line_at(w, p), "malformed or too deeply nested JSON array element skipped");
            p = n;
            if (*p == ']') return 0;
            p = ws(p + 1, end);
            continue;
        }
        if (*p != '{') {
            w->bad(w->ctx, line_at(w, p), "array element is not a JSON object");
        } else if (unwrap) {
            const char *ue;
            const char *u = unwrap(p, e, &ue);
            if (u && *u == '{') {
                if (emit(w, u, ue)) return -1;
            } else {
                w->bad(w->ctx, line_at(w, p), "search hit without a _source object");
            }
        } else if (emit(w, p, e)) {
            return -1;
        }
        p = ws(e, end);
        if (p < end && *p == ',') p = ws(p + 1, end);
        else if (p < end && *p == ']') return 0;
        else {
            w->bad(w->ctx, line_at(w, p), "expected ',' or ']' in JSON array");
            return 0;
        }
    }
    w->bad(w->ctx, line_at(w, end), "unterminated JSON array");
    return 0;
}

static const char *unwrap_hit(const char *p, const char *e, const char **ve)
{
    return obj_find(p, e, "_source", ve);
}

static const char *unwrap_archive(const char *p, const char *e, const char **ve)
{
    const char *vend;
    const char *v = obj_find(p, e, "value", &vend);
    if (!v || *v != '{') return NULL;
    const char *s = obj_find(v, vend, "source", ve);
    return s ? s : obj_find(v, vend, "_source", ve);
}

uint64_t ct_input_walk_lines(const ct_input *in, size_t from, size_t to, uint64_t first_line,
                            ct_span_cb cb, void *ctx, int *stopped)
{
    const char *p = in->data + from, *end = in->data + to;
    if (from == 0) p = skip_bom(in);
    uint64_t line = first_line;
    *stopped = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *s = ws(p, le);
        if (s < le) {
            const char *e = le;
            while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
            ct_span sp = {(size_t)(s - in->data), (size_t)(e - s), line};
            if (cb(ctx, &sp)) {
                *stopped = 1;
                break;
            }
        }
        /* a lone CR (old Mac) inside ends a line too, as in streams, so the
         * lines after it are numbered as an editor shows them */
        line += 1 + count_lone_cr(p, le, in->data + in->len);
        p = le + 1;
    }
    return line - first_line;
}

void ct_input_split_lines(const ct_input *in, size_t n, size_t *cuts)
{
    ct_input_split_range(in, 0, in->len, n, cuts);
}

void ct_input_split_range(const ct_input *in, size_t from, size_t to, size_t n, size_t *cuts)
{
    cuts[0] = from;
    for (size_t k = 1; k < n; k++) {
        size_t at = from + (to - from) / n * k;
        if (at < cuts[k - 1]) at = cuts[k - 1];
        const char *nl = at < to ? memchr(in->data + at, '\n', to - at) : NULL;
        cuts[k] = nl ? (size_t)(nl - in->data) + 1 : to;
    }
    cuts[n] = to;
}

size_t ct_input_line_after(const ct_input *in, size_t at)
{
    if (at >= in->len) return in->len;
    const char *nl = memchr(in->data + at, '\n', in->len - at);
    return nl ? (size_t)(nl - in->data) + 1 : in->len;
}

typedef struct count_cb_ctx {
    walk *w;
} count_cb_ctx;

static int count_cb(void *ctx, const ct_span *sp)
{
    walk *w = ((count_cb_ctx *)ctx)->w;
    w->count++;
    return w->cb(w->ctx, sp);
}

static int walk_ndjson(walk *w)
{
    count_cb_ctx c = {w};
    int stopped;
    ct_input_walk_lines(w->in, 0, w->in->len, 1, count_cb, &c, &stopped);
    return stopped ? -1 : 0;
}

/* What an object value is: a record, or an envelope holding records. */
enum { V_BAD = -1, V_RECORD, V_ARRAY, V_HITS, V_ARCHIVE };

static int key_is(const char *k, const char *kend, const char *name)
{
    size_t n = strlen(name);
    return (size_t)(kend - k - 2) == n && !memcmp(k + 1, name, n);
}

/* The object at p ('{'), its keys read once: *vend its end; for an
 * envelope *arr (and *arr_end) its array of records. */
static int object_kind(const char *p, const char *end, const char **vend, const char **arr,
                       const char **arr_end)
{
    const char *hits = NULL, *hits_end = NULL;
    int doc = 0;
    *arr = NULL;
    const char *q = ws(p + 1, end);
    if (q < end && *q == '}') {
        *vend = q + 1;
        return V_RECORD;
    }
    for (;;) {
        if (q >= end || *q != '"') return V_BAD;
        const char *kend = skip_string(q, end);
        if (!kend) return V_BAD;
        const char *v = ws(kend, end);
        if (v >= end || *v != ':') return V_BAD;
        v = ws(v + 1, end);
        const char *e = skip_value(v, end, NULL);
        if (!e) return V_BAD;
        if (*v == '[' && !*arr && (key_is(q, kend, "Records") || key_is(q, kend, "records") ||
                                   key_is(q, kend, "value"))) {
            *arr = v;
            *arr_end = e;
        } else if (*v == '{' && key_is(q, kend, "hits")) {
            hits = v;
            hits_end = e;
        } else if (key_is(q, kend, "type") && e - v == 5 && !memcmp(v, "\"doc\"", 5)) {
            doc = 1;
        }
        q = ws(e, end);
        if (q < end && *q == '}') break;
        if (q >= end || *q != ',') return V_BAD;
        q = ws(q + 1, end);
    }
    *vend = q + 1;
    if (*arr) return V_ARRAY;
    if (hits) {
        const char *h = obj_find(hits, hits_end, "hits", arr_end);
        if (h && *h == '[') {
            *arr = h;
            return V_HITS;
        }
    }
    const char *ue;
    if (doc && unwrap_archive(p, *vend, &ue)) return V_ARCHIVE;
    return V_RECORD;
}

int ct_input_one_record(const char *p, size_t len)
{
    const char *end = p + len, *e, *arr, *arr_end;
    p = ws(p, end);
    if (p < end && *p != '{') return p + 1 < end && !ct_json_skip(p, end); /* too deep: the parser says so */
    if (p >= end) return 0;
    int k = object_kind(p, end, &e, &arr, &arr_end);
    if (k == V_BAD) return 1; /* malformed: the parser says where */
    return k == V_RECORD && ws(e, end) == end;
}

/* After a value that could not be read at p: the next line that starts a
 * value in its first column ('{' or '['), or end. */
static const char *resync(const char *p, const char *end)
{
    for (;;) {
        while (p < end && *p != '\n' && *p != '\r') p++;
        while (p < end && (*p == '\n' || *p == '\r')) p++;
        if (p >= end || *p == '{' || *p == '[') return p;
    }
}

/* Any number of JSON values back to back in [p, end): records, envelopes
 * ({"Records"|"records"|"value": [...]}, a _search response, es_archive
 * entries) and arrays of records, on one line or many, any line ends. */
static int walk_values(walk *w, const char *p, const char *end)
{
    for (;;) {
        p = ws(p, end);
        if (p >= end) return 0;
        const char *e = NULL, *arr, *arr_end;
        int k = V_BAD;
        if (*p == '{') k = object_kind(p, end, &e, &arr, &arr_end);
        else if (*p == '[' && (e = ct_json_skip(p, end))) k = V_ARRAY, arr = p, arr_end = e;
        else if ((e = ct_json_skip(p, end))) {
            w->bad(w->ctx, line_at(w, p), "value is not a JSON object");
            p = e;
            continue;
        }
        if (k == V_BAD) {
            const char *n = resync(p, end);
            char msg[160];
            uint64_t line = line_at(w, p);
            if (n < end)
                snprintf(msg, sizeof msg, "malformed JSON value or garbage; skipped to line %llu",
                         (unsigned long long)line_at(w, n));
            else
                snprintf(msg, sizeof msg, "malformed, truncated or trailing non-JSON text (%zu bytes) skipped",
                         (size_t)(end - p));
            w->bad(w->ctx, line, msg);
            p = n;
            continue;
        }
        int rc = 0;
        switch (k) {
        case V_RECORD: rc = emit(w, p, e); break;
        case V_ARRAY: rc = walk_array(w, arr, arr_end, NULL); break;
        case V_HITS: rc = walk_array(w, arr, arr_end, unwrap_hit); break;
        case V_ARCHIVE: {
            const char *ue;
            const char *u = unwrap_archive(p, e, &ue);
            if (u && *u == '{') rc = emit(w, u, ue);
            else w->bad(w->ctx, line_at(w, p), "archive entry without value.source");
            break;
        }
        }
        if (rc) return -1;
        p = e;
    }
}

long long ct_input_walk_range(const ct_input *in, size_t from, size_t to, uint64_t first_line,
                              ct_span_cb cb, ct_bad_cb bad, void *ctx)
{
    walk w = {in, cb, bad, ctx, 0, in->data + from, first_line, 1};
    int rc = walk_values(&w, in->data + from, in->data + to);
    return rc ? -1 : w.count;
}

long long ct_input_walk(const ct_input *in, ct_format fmt, ct_span_cb cb, ct_bad_cb bad, void *ctx)
{
    walk w = {in, cb, bad, ctx, 0, in->data, 1, fmt != CT_FMT_NDJSON};
    const char *end = in->data + in->len;
    const char *p = ws(skip_bom(in), end);
    const char *ve, *x = NULL;
    int rc = 0;
    switch (fmt) {
    case CT_FMT_EMPTY: return 0;
    case CT_FMT_BINARY:
        bad(ctx, 1, "not JSON text (binary or unknown format)");
        return 0;
    case CT_FMT_NDJSON: rc = walk_ndjson(&w); break;
    case CT_FMT_STREAM:
    case CT_FMT_ES_ARCHIVE: rc = walk_values(&w, p, end); break;
    case CT_FMT_ARRAY: rc = walk_array(&w, p, end, NULL); break;
    case CT_FMT_CLOUDTRAIL:
    case CT_FMT_AZURE:
    case CT_FMT_GRAPH: {
        const char *key = fmt == CT_FMT_CLOUDTRAIL ? "Records" : fmt == CT_FMT_AZURE ? "records" : "value";
        /* bounded by the input's end: the array ends at its ']' (the sniff
         * found the document whole), and is read once, here */
        x = obj_find(p, end, key, NULL);
        if (x) rc = walk_array(&w, x, end, NULL);
        break;
    }
    case CT_FMT_ES_SEARCH: {
        const char *ve2;
        const ct_input *rel = sniff_release(in);
        x = obj_find_rel(p, end, "hits", &ve, rel);
        const char *h = x ? obj_find_rel(x, ve, "hits", &ve2, rel) : NULL;
        if (h) rc = walk_array(&w, h, ve2, unwrap_hit);
        break;
    }
    }
    return rc ? -1 : w.count;
}
