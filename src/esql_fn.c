/* esql functions: the scalar functions of ES|QL that detection rules use, over
 * evaluated arguments (esql_eval.c evaluates them first). Null in, null out,
 * except COALESCE and CASE; a single-value function given a multi-value gives
 * null, as Elasticsearch does (with a warning there); conversions and the
 * case functions apply to each value. Aggregates are in esql_stats.c. */
#include "esql_int.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    F_NONE, F_CASE, F_COALESCE, F_TO_LOWER, F_TO_UPPER, F_TO_STRING, F_CONCAT, F_LENGTH, F_SUBSTRING,
    F_STARTS_WITH, F_ENDS_WITH, F_TRIM, F_LTRIM, F_RTRIM, F_REPLACE, F_SPLIT, F_LOCATE, F_DATE_TRUNC,
    F_DATE_DIFF, F_NOW, F_ROUND, F_ABS, F_TO_LONG, F_TO_INTEGER, F_TO_DOUBLE, F_TO_IP, F_TO_DATETIME,
    F_TO_BOOLEAN, F_CIDR_MATCH, F_MV_COUNT, F_MV_FIRST, F_MV_LAST, F_MV_MIN, F_MV_MAX, F_MV_DEDUPE,
    F_MV_CONCAT, F_MV_SUM, F_MV_CONTAINS, F_MV_SLICE, F_GREATEST, F_LEAST, F_TO_KEYWORD, F_TO_DATEPERIOD,
    F_TO_TIMEDURATION, F_TO_GEOPOINT, F_ST_X, F_ST_Y, F_ST_DISTANCE, F_JSON_EXTRACT, F_FROM_BASE64, F_TO_BASE64,
    F_URL_DECODE, F_CONTAINS, F_SPACE, F_MV_INTERSECTION,
};

static const struct { const char *name; int id; } fns[] = {
    {"case", F_CASE}, {"coalesce", F_COALESCE}, {"to_lower", F_TO_LOWER}, {"to_upper", F_TO_UPPER},
    {"to_string", F_TO_STRING}, {"to_str", F_TO_STRING}, {"concat", F_CONCAT}, {"length", F_LENGTH},
    {"substring", F_SUBSTRING}, {"starts_with", F_STARTS_WITH}, {"ends_with", F_ENDS_WITH}, {"trim", F_TRIM},
    {"ltrim", F_LTRIM}, {"rtrim", F_RTRIM}, {"replace", F_REPLACE}, {"split", F_SPLIT}, {"locate", F_LOCATE},
    {"date_trunc", F_DATE_TRUNC}, {"date_diff", F_DATE_DIFF}, {"now", F_NOW}, {"round", F_ROUND},
    {"abs", F_ABS}, {"to_long", F_TO_LONG}, {"to_integer", F_TO_INTEGER}, {"to_int", F_TO_INTEGER},
    {"to_double", F_TO_DOUBLE}, {"to_dbl", F_TO_DOUBLE}, {"to_ip", F_TO_IP}, {"to_datetime", F_TO_DATETIME},
    {"to_dt", F_TO_DATETIME}, {"to_boolean", F_TO_BOOLEAN}, {"to_bool", F_TO_BOOLEAN},
    {"cidr_match", F_CIDR_MATCH}, {"mv_count", F_MV_COUNT}, {"mv_first", F_MV_FIRST}, {"mv_last", F_MV_LAST},
    {"mv_min", F_MV_MIN}, {"mv_max", F_MV_MAX}, {"mv_dedupe", F_MV_DEDUPE}, {"mv_concat", F_MV_CONCAT},
    {"mv_sum", F_MV_SUM}, {"mv_contains", F_MV_CONTAINS}, {"mv_slice", F_MV_SLICE}, {"greatest", F_GREATEST},
    {"least", F_LEAST}, {"to_keyword", F_TO_KEYWORD}, {"to_dateperiod", F_TO_DATEPERIOD},
    {"to_timeduration", F_TO_TIMEDURATION}, {"to_geopoint", F_TO_GEOPOINT}, {"st_x", F_ST_X}, {"st_y", F_ST_Y},
    {"st_distance", F_ST_DISTANCE}, {"json_extract", F_JSON_EXTRACT}, {"from_base64", F_FROM_BASE64},
    {"to_base64", F_TO_BASE64}, {"url_decode", F_URL_DECODE}, {"contains", F_CONTAINS}, {"space", F_SPACE},
    {"mv_intersection", F_MV_INTERSECTION},
};

static const char *const aggs[] = {"count", "count_distinct", "min", "max", "values", "sum", "avg", "first", "last", "top"};

int esql_fn_id(const char *name)
{
    for (size_t i = 0; i < CT_ARRAY_LEN(fns); i++)
        if (!strcmp(fns[i].name, name)) return fns[i].id;
    return -1;
}

int esql_fn_is_agg(const char *name)
{
    for (size_t i = 0; i < CT_ARRAY_LEN(aggs); i++)
        if (!strcmp(aggs[i], name)) return 1;
    return 0;
}

/* ---- regular expressions ---- */

void *esql_re_compile(esql_ctx *c, const char *pat, size_t n, int whole)
{
    int ec;
    PCRE2_SIZE off;
    uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOTALL;
    if (whole) opts |= PCRE2_ANCHORED | PCRE2_ENDANCHORED;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, n, opts, &ec, &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(ec, msg, sizeof msg);
        esql_fail(c, "invalid regular expression at offset %zu: %s", (size_t)off, (char *)msg);
    }
    return re;
}

int esql_re_match(void *re, const char *s, size_t n)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    return rc >= 0;
}

/* ---- helpers ---- */

static int is_num(const esql_sc *a)
{
    return a->t == EV_LONG || a->t == EV_DBL;
}

static double dbl(const esql_sc *a)
{
    return a->t == EV_LONG || a->t == EV_DATE || a->t == EV_BOOL ? (double)a->i : a->d;
}

/* A keyword read as a number, whole (TO_LONG, TO_DOUBLE): -1 unless it is one
 * finite number with nothing after it. */
static int str_num(const esql_sc *a, double *d)
{
    char *t = ct_xstrndup(a->s, a->n), *end;
    *d = strtod(t, &end);
    int ok = end != t && !*end && isfinite(*d);
    free(t);
    return ok ? 0 : -1;
}

static esql_val mv(esql_ctx *c, size_t n)
{
    esql_val v = {n, n ? esql_alloc(c, n * sizeof(esql_sc)) : NULL};
    return v;
}

/* ---- conversions, one value ---- */

static int convert(esql_ctx *c, int id, const esql_sc *a, esql_sc *out)
{
    switch (id) {
    case F_TO_STRING:
    case F_TO_KEYWORD:
        *out = esql_to_str(c, a);
        return 0;
    case F_TO_LOWER:
    case F_TO_UPPER: {
        if (a->t != EV_STR) return -1;
        char *s = esql_alloc(c, a->n + 1);
        for (size_t i = 0; i < a->n; i++)
            s[i] = (char)(id == F_TO_LOWER ? tolower((unsigned char)a->s[i]) : toupper((unsigned char)a->s[i]));
        s[a->n] = 0;
        *out = (esql_sc){.t = EV_STR, .s = s, .n = a->n};
        return 0;
    }
    case F_TO_LONG:
    case F_TO_INTEGER:
        if (a->t == EV_STR) {
            double d;
            if (str_num(a, &d) < 0) return -1;
            *out = (esql_sc){.t = EV_LONG, .i = (int64_t)d, .d = trunc(d)};
        } else {
            double d = dbl(a);
            if (!isfinite(d) || fabs(d) > 9.2e18) return -1;
            *out = (esql_sc){.t = EV_LONG, .i = a->t == EV_DBL ? (int64_t)d : a->i, .d = trunc(d)};
        }
        return 0;
    case F_TO_DOUBLE:
        if (a->t == EV_STR) {
            double d;
            if (str_num(a, &d) < 0) return -1;
            *out = (esql_sc){.t = EV_DBL, .d = d};
        } else {
            *out = (esql_sc){.t = EV_DBL, .d = dbl(a)};
        }
        return 0;
    case F_TO_IP: {
        uint8_t b[16];
        int p;
        if (a->t != EV_STR || esql_ip_parse(a->s, a->n, b, &p) < 0 || p >= 0) return -1;
        *out = *a;
        return 0;
    }
    case F_TO_DATETIME: {
        int64_t ms;
        if (a->t == EV_DATE) ms = a->i;
        else if (a->t == EV_STR) {
            if (ct_time_parse(a->s, a->n, &ms) < 0) return -1;
        } else if (is_num(a)) ms = (int64_t)dbl(a);
        else return -1;
        *out = (esql_sc){.t = EV_DATE, .i = ms};
        return 0;
    }
    case F_TO_BOOLEAN:
        if (a->t == EV_STR) *out = (esql_sc){.t = EV_BOOL, .i = a->n == 4 && ct_strncaseeq(a->s, "true", 4)};
        else *out = (esql_sc){.t = EV_BOOL, .i = dbl(a) != 0};
        return 0;
    }
    return -1;
}

static esql_val each(esql_ctx *c, int id, const esql_val *a)
{
    esql_val r = mv(c, a->n);
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++)
        if (convert(c, id, &a->v[i], &r.v[k]) == 0) k++;
    r.n = k;
    return r;
}

static esql_val concat(esql_ctx *c, esql_val *args, size_t n)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (size_t i = 0; i < n; i++) {
        if (args[i].n != 1) {
            ct_sbuf_free(&b);
            return esql_null();
        }
        esql_sc s = esql_to_str(c, &args[i].v[0]);
        ct_sbuf_addn(&b, s.s, s.n);
    }
    esql_val v = esql_str(c, b.buf, b.len);
    ct_sbuf_free(&b);
    return v;
}

/* Characters (code points) to bytes. */
static size_t cp_off(const char *s, size_t n, int64_t cp)
{
    size_t i = 0;
    while (i < n && cp > 0) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
        cp--;
    }
    return i;
}

static size_t cp_len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) k++;
    return k;
}

static esql_val replace(esql_ctx *c, esql_expr *call, const esql_sc *s, const esql_sc *re, const esql_sc *with)
{
    pcre2_code *code = call->re;
    int cached = code != NULL;
    if (!code) {
        code = esql_re_compile(c, re->s, re->n, 0);
        if (!code) return esql_null();
        if (call->nkids > 1 && call->kids[1]->kind == EX_STR) call->re = code, cached = 1;
    }
    PCRE2_SIZE outlen = s->n * 2 + with->n * 4 + 64;
    for (int tries = 0; tries < 6; tries++) {
        PCRE2_UCHAR *buf = ct_xmalloc(outlen);
        PCRE2_SIZE len = outlen;
        int rc = pcre2_substitute(code, (PCRE2_SPTR)s->s, s->n, 0,
                                  PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, NULL, NULL,
                                  (PCRE2_SPTR)with->s, with->n, buf, &len);
        if (rc >= 0) {
            esql_val v = esql_str(c, (const char *)buf, len);
            free(buf);
            if (!cached) pcre2_code_free(code);
            return v;
        }
        free(buf);
        if (rc != PCRE2_ERROR_NOMEMORY) break;
        outlen = len + 1;
    }
    if (!cached) pcre2_code_free(code);
    return esql_null();
}

/* ---- spatial functions (esql_geo.c: the values and the distance) ---- */

static int as_point(const esql_sc *a, esql_sc *out)
{
    if (a->t == EV_GEO) {
        *out = *a;
        return 0;
    }
    return a->t == EV_STR ? esql_geo_parse_wkt(a->s, a->n, out) : -1;
}

static int geo_call(esql_ctx *c, const char *fn, esql_val *a, size_t n, esql_val *out)
{
    if (!strcmp(fn, "to_geopoint")) {
        esql_val r = {0, esql_alloc(c, (a[0].n + 1) * sizeof(esql_sc))};
        for (size_t i = 0; i < a[0].n; i++) /* each value; one that is no point is dropped (a warning there) */
            if (as_point(&a[0].v[i], &r.v[r.n]) == 0) r.n++;
        *out = r;
        return 0;
    }
    if (!strcmp(fn, "st_x") || !strcmp(fn, "st_y")) {
        esql_sc p;
        *out = esql_null();
        if (a[0].n == 1 && as_point(&a[0].v[0], &p) == 0)
            *out = esql_dbl(c, fn[3] == 'x' ? p.d : esql_geo_y(&p));
        return 0;
    }
    if (!strcmp(fn, "st_distance")) {
        *out = esql_null();
        if (n != 2 || !a[0].n || !a[1].n) return 0;
        double best = INFINITY;
        for (size_t i = 0; i < a[0].n; i++)
            for (size_t k = 0; k < a[1].n; k++) {
                esql_sc p, q;
                if (as_point(&a[0].v[i], &p) < 0 || as_point(&a[1].v[k], &q) < 0) return 0;
                double d = esql_geo_distance(&p, &q);
                if (d < best) best = d;
            }
        *out = esql_dbl(c, best);
        return 0;
    }
    return -1;
}

esql_val esql_fn_call(esql_ctx *c, esql_expr *call, esql_val *a, size_t n)
{
    if (!call->fn) call->fn = esql_fn_id(call->name);
    int id = call->fn;
    static const struct { int id; int min, max; } arity[] = {
        {F_TO_LOWER, 1, 1}, {F_TO_UPPER, 1, 1}, {F_TO_STRING, 1, 1}, {F_LENGTH, 1, 1}, {F_SUBSTRING, 2, 3},
        {F_STARTS_WITH, 2, 2}, {F_ENDS_WITH, 2, 2}, {F_TRIM, 1, 1}, {F_LTRIM, 1, 1}, {F_RTRIM, 1, 1},
        {F_REPLACE, 3, 3}, {F_SPLIT, 2, 2}, {F_LOCATE, 2, 3}, {F_DATE_TRUNC, 2, 2}, {F_DATE_DIFF, 3, 3},
        {F_NOW, 0, 0}, {F_ROUND, 1, 2}, {F_TO_DATEPERIOD, 1, 1}, {F_TO_TIMEDURATION, 1, 1}, {F_ABS, 1, 1}, {F_CIDR_MATCH, 2, 64}, {F_MV_COUNT, 1, 1},
        {F_MV_CONTAINS, 2, 2}, {F_MV_SLICE, 2, 3}, {F_MV_CONCAT, 2, 2}, {F_CONCAT, 1, 64}, {F_COALESCE, 1, 64},
        {F_TO_GEOPOINT, 1, 1}, {F_ST_X, 1, 1}, {F_ST_Y, 1, 1}, {F_ST_DISTANCE, 2, 2},
        {F_JSON_EXTRACT, 2, 2}, {F_FROM_BASE64, 1, 1}, {F_TO_BASE64, 1, 1},
        {F_URL_DECODE, 1, 1}, {F_CONTAINS, 2, 2}, {F_SPACE, 1, 1}, {F_MV_INTERSECTION, 2, 2},
    };
    for (size_t i = 0; i < CT_ARRAY_LEN(arity); i++)
        if (arity[i].id == id && (n < (size_t)arity[i].min || n > (size_t)arity[i].max)) {
            esql_fail(c, "function %s: wrong number of arguments (%zu)", call->name, n);
            return esql_null();
        }
    esql_val geo;
    if (id >= F_TO_GEOPOINT && id <= F_ST_DISTANCE && geo_call(c, call->name, a, n, &geo) == 0) return geo;
    if (id >= F_JSON_EXTRACT && id <= F_SPACE && esql_json_call(c, call, a, n, &geo) == 0) return geo;
    switch (id) {
    case F_COALESCE:
        for (size_t i = 0; i < n; i++)
            if (a[i].n) return a[i];
        return esql_null();
    case F_CASE: /* cond, value, ..., [else]: evaluated by esql_eval lazily; here already decided */
        return n ? a[0] : esql_null();
    case F_NOW:
        return esql_date(c, c->now);
    case F_MV_COUNT:
        return a[0].n ? esql_long(c, (int64_t)a[0].n) : esql_null();
    case F_MV_FIRST:
        return a[0].n ? esql_one(c, a[0].v[0]) : esql_null();
    case F_MV_LAST:
        return a[0].n ? esql_one(c, a[0].v[a[0].n - 1]) : esql_null();
    case F_MV_MIN:
    case F_MV_MAX:
    case F_GREATEST:
    case F_LEAST: {
        const esql_sc *best = NULL;
        int want = id == F_MV_MIN || id == F_LEAST ? -1 : 1;
        for (size_t k = 0; k < n; k++) {
            if ((id == F_GREATEST || id == F_LEAST) && !a[k].n) return esql_null();
            for (size_t i = 0; i < a[k].n; i++)
                if (!best || esql_cmp(&a[k].v[i], best) == want) best = &a[k].v[i];
            if (id == F_MV_MIN || id == F_MV_MAX) break;
        }
        return best ? esql_one(c, *best) : esql_null();
    }
    case F_MV_DEDUPE: {
        esql_val r = mv(c, a[0].n);
        size_t k = 0;
        for (size_t i = 0; i < a[0].n; i++) {
            size_t j = 0;
            while (j < k && !esql_sc_eq(&r.v[j], &a[0].v[i])) j++;
            if (j == k) r.v[k++] = a[0].v[i];
        }
        r.n = k;
        return r;
    }
    case F_MV_CONCAT: {
        if (!a[0].n || a[1].n != 1) return esql_null();
        ct_sbuf b;
        ct_sbuf_init(&b);
        esql_sc sep = esql_to_str(c, &a[1].v[0]);
        for (size_t i = 0; i < a[0].n; i++) {
            if (i) ct_sbuf_addn(&b, sep.s, sep.n);
            esql_sc s = esql_to_str(c, &a[0].v[i]);
            ct_sbuf_addn(&b, s.s, s.n);
        }
        esql_val v = esql_str(c, b.buf, b.len);
        ct_sbuf_free(&b);
        return v;
    }
    case F_MV_SUM: {
        if (!a[0].n) return esql_null();
        int all_long = 1;
        double s = 0;
        int64_t si = 0;
        for (size_t i = 0; i < a[0].n; i++) {
            if (!is_num(&a[0].v[i])) return esql_null();
            if (a[0].v[i].t != EV_LONG) all_long = 0;
            s += dbl(&a[0].v[i]);
            si += a[0].v[i].i;
        }
        return all_long ? esql_long(c, si) : esql_dbl(c, s);
    }
    case F_MV_CONTAINS: {
        if (!a[0].n) return esql_null();
        for (size_t j = 0; j < a[1].n; j++) {
            size_t i = 0;
            while (i < a[0].n && !esql_sc_eq(&a[0].v[i], &a[1].v[j])) i++;
            if (i == a[0].n) return esql_bool(c, 0);
        }
        return esql_bool(c, 1);
    }
    case F_MV_INTERSECTION: { /* the first's values, each once, that the second has too; none: null */
        esql_val r = mv(c, a[0].n);
        size_t k = 0;
        for (size_t i = 0; i < a[0].n; i++) {
            size_t j = 0, d = 0;
            while (j < a[1].n && !esql_sc_eq(&a[1].v[j], &a[0].v[i])) j++;
            while (d < k && !esql_sc_eq(&r.v[d], &a[0].v[i])) d++;
            if (j < a[1].n && d == k) r.v[k++] = a[0].v[i];
        }
        r.n = k;
        return k ? r : esql_null();
    }
    case F_MV_SLICE: {
        if (!a[0].n || a[1].n != 1 || (n > 2 && a[2].n != 1)) return esql_null();
        int64_t s = (int64_t)dbl(&a[1].v[0]), e = n > 2 ? (int64_t)dbl(&a[2].v[0]) : s, len = (int64_t)a[0].n;
        if (s < 0) s += len;
        if (e < 0) e += len;
        if (s < 0) s = 0;
        if (e >= len) e = len - 1;
        if (s > e || s >= len) return esql_null();
        return (esql_val){(size_t)(e - s + 1), a[0].v + s};
    }
    case F_TO_LOWER: case F_TO_UPPER: case F_TO_STRING: case F_TO_KEYWORD: case F_TO_LONG:
    case F_TO_INTEGER: case F_TO_DOUBLE: case F_TO_IP: case F_TO_DATETIME: case F_TO_BOOLEAN:
        return each(c, id, &a[0]);
    case F_CONCAT:
        return concat(c, a, n);
    case F_CIDR_MATCH: {
        if (a[0].n != 1) return esql_null();
        for (size_t k = 1; k < n; k++)
            for (size_t i = 0; i < a[k].n; i++)
                if (esql_in_cidr(&a[0].v[0], &a[k].v[i])) return esql_bool(c, 1);
        return esql_bool(c, 0);
    }
    }
    if (id <= 0) {
        esql_fail(c, "Unknown function [%s]", call->name);
        return esql_null();
    }
    /* single-valued arguments from here on */
    for (size_t i = 0; i < n; i++)
        if (a[i].n != 1) return esql_null();
    const esql_sc *x = n ? &a[0].v[0] : NULL;
    switch (id) {
    case F_LENGTH:
        return x->t == EV_STR ? esql_long(c, (int64_t)cp_len(x->s, x->n)) : esql_null();
    case F_SUBSTRING: {
        if (x->t != EV_STR) return esql_null();
        int64_t len = (int64_t)cp_len(x->s, x->n), start = (int64_t)dbl(&a[1].v[0]);
        int64_t cnt = n > 2 ? (int64_t)dbl(&a[2].v[0]) : len;
        if (start < 0) start = len + start + 1; /* negative: from the end */
        if (start < 1) start = 1;
        if (cnt < 0) cnt = 0;
        size_t b = cp_off(x->s, x->n, start - 1), e = b + cp_off(x->s + b, x->n - b, cnt);
        return esql_str(c, x->s + b, e - b);
    }
    case F_STARTS_WITH:
    case F_ENDS_WITH: {
        const esql_sc *y = &a[1].v[0];
        if (x->t != EV_STR || y->t != EV_STR) return esql_null();
        if (y->n > x->n) return esql_bool(c, 0);
        const char *at = id == F_STARTS_WITH ? x->s : x->s + x->n - y->n;
        return esql_bool(c, !memcmp(at, y->s, y->n));
    }
    case F_TRIM:
    case F_LTRIM:
    case F_RTRIM: {
        if (x->t != EV_STR) return esql_null();
        size_t b = 0, e = x->n;
        if (id != F_RTRIM) while (b < e && isspace((unsigned char)x->s[b])) b++;
        if (id != F_LTRIM) while (e > b && isspace((unsigned char)x->s[e - 1])) e--;
        return esql_str(c, x->s + b, e - b);
    }
    case F_REPLACE:
        if (x->t != EV_STR || a[1].v[0].t != EV_STR || a[2].v[0].t != EV_STR) return esql_null();
        return replace(c, call, x, &a[1].v[0], &a[2].v[0]);
    case F_SPLIT: {
        const esql_sc *d = &a[1].v[0];
        if (x->t != EV_STR || d->t != EV_STR || !d->n) return esql_null();
        esql_val r = mv(c, x->n + 1);
        size_t k = 0, b = 0;
        for (size_t i = 0; i + d->n <= x->n;) {
            if (!memcmp(x->s + i, d->s, d->n)) {
                r.v[k++] = (esql_sc){.t = EV_STR, .s = x->s + b, .n = i - b};
                i += d->n;
                b = i;
            } else {
                i++;
            }
        }
        r.v[k++] = (esql_sc){.t = EV_STR, .s = x->s + b, .n = x->n - b};
        r.n = k;
        return r;
    }
    case F_LOCATE: {
        const esql_sc *y = &a[1].v[0];
        if (x->t != EV_STR || y->t != EV_STR) return esql_null();
        int64_t from = n > 2 ? (int64_t)dbl(&a[2].v[0]) : 1;
        size_t b = cp_off(x->s, x->n, from > 1 ? from - 1 : 0);
        const char *hit = y->n ? memmem(x->s + b, x->n - b, y->s, y->n) : x->s + b;
        return esql_long(c, hit ? (int64_t)cp_len(x->s, (size_t)(hit - x->s)) + 1 : 0);
    }
    case F_TO_DATEPERIOD:
    case F_TO_TIMEDURATION: {
        /* a span of the right kind, or a string that spells one; anything else is an error there */
        int want = id == F_TO_DATEPERIOD;
        esql_sc sp;
        if (x->t == EV_SPAN && (int)(x->n & 1) == want) return *a;
        if (x->t == EV_STR && esql_span_parse(x->s, x->n, want, &sp) == 0) return esql_one(c, sp);
        esql_sc t = esql_to_str(c, x);
        esql_fail(c, "Cannot parse [%.*s] to %s", (int)(t.n > 60 ? 60 : t.n), t.s, want ? "DATE_PERIOD" : "TIME_DURATION");
        return esql_null();
    }
    case F_DATE_TRUNC:
        return esql_date_trunc(c, x, &a[1].v[0]);
    case F_DATE_DIFF:
        return esql_date_diff(c, x, &a[1].v[0], &a[2].v[0]);
    case F_ROUND: {
        if (!is_num(x)) return esql_null();
        int64_t dec = n > 1 ? (int64_t)dbl(&a[1].v[0]) : 0;
        if (x->t == EV_LONG && dec >= 0) return *a;
        double p = pow(10, (double)dec), v = round(dbl(x) * p) / p;
        return x->t == EV_LONG ? esql_long(c, (int64_t)v) : esql_dbl(c, v);
    }
    case F_ABS:
        if (x->t == EV_LONG) return x->i == INT64_MIN ? esql_null() : esql_long(c, x->i < 0 ? -x->i : x->i);
        return x->t == EV_DBL ? esql_dbl(c, fabs(x->d)) : esql_null();
    }
    esql_fail(c, "Unknown function [%s]", call->name);
    return esql_null();
}
