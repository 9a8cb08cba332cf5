/* esql evaluation of expressions over a row, with ES|QL's semantics: null
 * propagates through operators and functions; AND/OR/NOT are three-valued;
 * a comparison, IN, LIKE or RLIKE on a multi-valued operand is null (as in
 * Elasticsearch, which also warns); a WHERE keeps a row only when true. */
#include "esql_int.h"
#include "kql.h"

#include <math.h>
#include <string.h>

/* The truth of a value: 1, 0, or -1 for null (and anything not boolean). */
static int truth(const esql_val *v)
{
    if (v->n != 1 || v->v[0].t != EV_BOOL) return -1;
    return (int)v->v[0].i;
}

static esql_val tri(esql_ctx *c, int t)
{
    return t < 0 ? esql_null() : esql_bool(c, t);
}

static esql_val literal(esql_ctx *c, const esql_expr *e)
{
    switch (e->kind) {
    case EX_BOOL: return esql_bool(c, e->op);
    case EX_INT: return esql_long(c, e->ival);
    case EX_DBL: return esql_dbl(c, e->num);
    case EX_STR: return esql_one(c, (esql_sc){.t = EV_STR, .s = e->name, .n = e->len});
    case EX_SPAN: {
        esql_sc sp;
        int rc = esql_span_make(e->name, strlen(e->name), e->ival, &sp);
        if (rc == -2) esql_fail(c, "Unexpected temporal unit: '%s'", e->name);
        else if (rc < 0) esql_fail(c, "time span out of range: %lld %s", (long long)e->ival, e->name);
        return rc < 0 ? esql_null() : esql_one(c, sp);
    }
    case EX_ARRAY: {
        esql_val v = {e->nkids, esql_alloc(c, e->nkids * sizeof(esql_sc))};
        for (size_t i = 0; i < e->nkids; i++) {
            esql_val k = literal(c, e->kids[i]);
            if (k.n != 1) return esql_null();
            v.v[i] = k.v[0];
        }
        return v;
    }
    default: return esql_null();
    }
}

static esql_val arith(esql_ctx *c, int op, const esql_val *x, const esql_val *y)
{
    if (x->n != 1 || y->n != 1) return esql_null();
    const esql_sc *a = &x->v[0], *b = &y->v[0];
    /* date +/- span, span +/- span */
    esql_val sp;
    if (esql_span_arith(c, op, a, b, &sp)) return sp;
    int isnum = (a->t == EV_LONG || a->t == EV_DBL) && (b->t == EV_LONG || b->t == EV_DBL);
    if (!isnum) return esql_null(); /* as a mapping conflict reads: no value */
    if (a->t == EV_LONG && b->t == EV_LONG) {
        int64_t r;
        switch (op) {
        case EOP_ADD: if (__builtin_add_overflow(a->i, b->i, &r)) return esql_null(); break;
        case EOP_SUB: if (__builtin_sub_overflow(a->i, b->i, &r)) return esql_null(); break;
        case EOP_MUL: if (__builtin_mul_overflow(a->i, b->i, &r)) return esql_null(); break;
        case EOP_DIV: if (!b->i || (a->i == INT64_MIN && b->i == -1)) return esql_null(); r = a->i / b->i; break;
        default: if (!b->i || b->i == -1) return b->i ? esql_long(c, 0) : esql_null(); r = a->i % b->i; break;
        }
        return esql_long(c, r);
    }
    double p = a->t == EV_LONG ? (double)a->i : a->d, q = b->t == EV_LONG ? (double)b->i : b->d;
    switch (op) {
    case EOP_ADD: return esql_dbl(c, p + q);
    case EOP_SUB: return esql_dbl(c, p - q);
    case EOP_MUL: return esql_dbl(c, p * q);
    case EOP_DIV: return q == 0 ? esql_null() : esql_dbl(c, p / q);
    default: return q == 0 ? esql_null() : esql_dbl(c, fmod(p, q));
    }
}

static int compare(int op, const esql_val *x, const esql_val *y)
{
    if (x->n != 1 || y->n != 1) return -1;
    const esql_sc *a = &x->v[0], *b = &y->v[0];
    if (op == EOP_CIEQ) {
        if (a->t != EV_STR || b->t != EV_STR) return -1;
        return a->n == b->n && ct_strncaseeq(a->s, b->s, a->n);
    }
    int r = esql_cmp(a, b);
    if (r == 2) return -1; /* a column of another type in this document: null, not a match */
    switch (op) {
    case EOP_EQ: return r == 0;
    case EOP_NEQ: return r != 0;
    case EOP_LT: return r < 0;
    case EOP_LTE: return r <= 0;
    case EOP_GT: return r > 0;
    default: return r >= 0;
    }
}

static esql_val call(esql_ctx *c, esql_expr *e, const esql_row *r)
{
    if (!strcmp(e->name, "case")) { /* CASE(cond, value, ..., [else]): lazy */
        size_t i = 0;
        for (; i + 1 < e->nkids; i += 2) {
            esql_val t = esql_eval(c, e->kids[i], r);
            if (truth(&t) == 1) return esql_eval(c, e->kids[i + 1], r);
        }
        return i < e->nkids ? esql_eval(c, e->kids[i], r) : esql_null();
    }
    if (!strcmp(e->name, "kql") || !strcmp(e->name, "qstr")) {
        /* KQL over the row's document, with credtriage's KQL engine */
        if (e->nkids != 1 || e->kids[0]->kind != EX_STR) {
            esql_fail(c, "function %s: one string literal expected", e->name);
            return esql_null();
        }
        if (!strcmp(e->name, "qstr")) {
            esql_fail(c, "QSTR (Lucene query string) is not supported");
            return esql_null();
        }
        if (!e->aux) {
            char err[256];
            e->aux = ct_kql_parse(e->kids[0]->name, err, sizeof err);
            if (!e->aux) {
                esql_fail(c, "KQL: %s", err);
                return esql_null();
            }
        }
        if (!r->doc || r->closed) {
            esql_fail(c, "KQL function used after the document's columns are gone");
            return esql_null();
        }
        return esql_bool(c, ct_kql_match(e->aux, r->doc));
    }
    for (size_t i = 0; i < c->nagg; i++) /* an aggregate of the group being output */
        if (c->agg_nodes[i] == e) return c->agg_vals[i];
    if (esql_fn_is_agg(e->name)) {
        esql_fail(c, "aggregate function [%s] used outside STATS", e->name);
        return esql_null();
    }
    esql_val stack[8], *args = e->nkids <= 8 ? stack : esql_alloc(c, e->nkids * sizeof *args);
    for (size_t i = 0; i < e->nkids; i++) args[i] = esql_eval(c, e->kids[i], r);
    return esql_fn_call(c, e, args, e->nkids);
}

esql_val esql_eval(esql_ctx *c, esql_expr *e, const esql_row *r)
{
    if (c->err) return esql_null();
    switch (e->kind) {
    case EX_NULL: return esql_null();
    case EX_BOOL: case EX_INT: case EX_DBL: case EX_STR: case EX_SPAN: case EX_ARRAY:
        return literal(c, e);
    case EX_FIELD: return esql_row_get(c, r, e->name);
    case EX_PARAM: esql_fail(c, "query parameters (%s) are not supported", e->name); return esql_null();
    case EX_CALL: return call(c, e, r);
    case EX_NOT: {
        esql_val v = esql_eval(c, e->kids[0], r);
        int t = truth(&v);
        return tri(c, t < 0 ? -1 : !t);
    }
    case EX_AND:
    case EX_OR: {
        esql_val l = esql_eval(c, e->kids[0], r);
        int a = truth(&l);
        if (e->kind == EX_AND && a == 0) return esql_bool(c, 0);
        if (e->kind == EX_OR && a == 1) return esql_bool(c, 1);
        esql_val rv = esql_eval(c, e->kids[1], r);
        int b = truth(&rv);
        if (e->kind == EX_AND) return b == 0 ? esql_bool(c, 0) : tri(c, a < 0 || b < 0 ? -1 : 1);
        return b == 1 ? esql_bool(c, 1) : tri(c, a < 0 || b < 0 ? -1 : 0);
    }
    case EX_CMP: {
        esql_val a = esql_eval(c, e->kids[0], r), b = esql_eval(c, e->kids[1], r);
        return tri(c, compare(e->op, &a, &b));
    }
    case EX_ARITH: {
        esql_val a = esql_eval(c, e->kids[0], r), b = esql_eval(c, e->kids[1], r);
        return arith(c, e->op, &a, &b);
    }
    case EX_NEG: {
        esql_val a = esql_eval(c, e->kids[0], r);
        if (a.n == 1 && a.v[0].t == EV_SPAN) return esql_span_neg(c, &a.v[0]);
        esql_val z = esql_long(c, 0);
        return arith(c, EOP_SUB, &z, &a);
    }
    case EX_IN: {
        esql_val v = esql_eval(c, e->kids[0], r);
        if (v.n != 1) return esql_null();
        int sawnull = 0;
        for (size_t i = 1; i < e->nkids; i++) {
            esql_val k = esql_eval(c, e->kids[i], r);
            if (k.n != 1) {
                sawnull = 1;
                continue;
            }
            if (esql_cmp(&v.v[0], &k.v[0]) == 0) return esql_bool(c, !e->neg);
        }
        return sawnull ? esql_null() : esql_bool(c, e->neg);
    }
    case EX_ISNULL: {
        esql_val v = esql_eval(c, e->kids[0], r);
        return esql_bool(c, (v.n == 0) != e->neg);
    }
    case EX_LIKE:
    case EX_RLIKE: {
        esql_val v = esql_eval(c, e->kids[0], r);
        if (v.n != 1 || v.v[0].t != EV_STR) return esql_null();
        int hit = 0;
        for (size_t i = 1; i < e->nkids && !hit; i++) {
            const esql_expr *p = e->kids[i];
            if (e->kind == EX_LIKE) {
                hit = esql_like(p->name, p->len, v.v[0].s, v.v[0].n);
            } else {
                if (!p->re) ((esql_expr *)p)->re = esql_re_compile(c, p->name, p->len, 1);
                if (!p->re) return esql_null();
                hit = esql_re_match(p->re, v.v[0].s, v.v[0].n);
            }
        }
        return esql_bool(c, hit != e->neg);
    }
    case EX_CAST: {
        static const struct { const char *t, *fn; } casts[] = {
            {"string", "to_string"}, {"keyword", "to_string"}, {"text", "to_string"}, {"long", "to_long"},
            {"integer", "to_integer"}, {"int", "to_integer"}, {"double", "to_double"}, {"ip", "to_ip"},
            {"datetime", "to_datetime"}, {"date", "to_datetime"}, {"boolean", "to_boolean"},
            {"bool", "to_boolean"}, {"date_period", "to_dateperiod"}, {"time_duration", "to_timeduration"},
            {"geo_point", "to_geopoint"},
        };
        for (size_t i = 0; i < CT_ARRAY_LEN(casts); i++)
            if (!strcmp(casts[i].t, e->name)) {
                esql_val v = esql_eval(c, e->kids[0], r);
                esql_expr fake = {.kind = EX_CALL, .name = (char *)casts[i].fn};
                return esql_fn_call(c, &fake, &v, 1);
            }
        esql_fail(c, "unsupported cast to [%s]", e->name);
        return esql_null();
    }
    case EX_MATCH: {
        /* field : "text": full-text match; locally, a case-insensitive equality
         * of any of the field's values (keyword fields match exactly) */
        esql_val v = esql_eval(c, e->kids[0], r), q = esql_eval(c, e->kids[1], r);
        if (!v.n || q.n != 1) return esql_bool(c, 0);
        esql_sc qs = esql_to_str(c, &q.v[0]);
        for (size_t i = 0; i < v.n; i++) {
            esql_sc s = esql_to_str(c, &v.v[i]);
            if (s.n == qs.n && ct_strncaseeq(s.s, qs.s, s.n)) return esql_bool(c, 1);
        }
        return esql_bool(c, 0);
    }
    case EX_STAR:
        esql_fail(c, "* outside COUNT(*)");
        return esql_null();
    }
    esql_fail(c, "unsupported expression");
    return esql_null();
}

int esql_true(esql_ctx *c, esql_expr *e, const esql_row *r)
{
    esql_val v = esql_eval(c, e, r);
    return truth(&v) == 1;
}
