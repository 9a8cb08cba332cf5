/* esql expressions: booleanExpression, valueExpression, operatorExpression and
 * primaryExpression of EsqlBaseParser.g4 (parser/Expression.g4), by
 * precedence climbing: OR < AND < NOT < IN/LIKE/RLIKE/IS NULL/comparison <
 * + - < * / % < unary sign < :: cast. */
#include "esql_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef esql_lexer P;

esql_expr *esql_expr_new(int kind, size_t pos)
{
    esql_expr *e = ct_xcalloc(1, sizeof *e);
    e->kind = kind;
    e->pos = pos;
    return e;
}

void esql_expr_add(esql_expr *e, esql_expr *kid)
{
    e->kids = ct_xrealloc(e->kids, (e->nkids + 1) * sizeof *e->kids);
    e->kids[e->nkids++] = kid;
}

/* e->re (a compiled pattern) belongs to the evaluator, which frees it first. */
void esql_expr_free(esql_expr *e)
{
    if (!e) return;
    for (size_t i = 0; i < e->nkids; i++) esql_expr_free(e->kids[i]);
    free(e->kids);
    free(e->name);
    free(e);
}

static esql_expr *bool_expr(P *p);
static esql_expr *value_expr(P *p);

static int deeper(P *p)
{
    if (++p->depth > CT_ESQL_MAX_DEPTH) {
        esql_error(p, esql_peek(p)->pos, "expression nested deeper than %d", CT_ESQL_MAX_DEPTH);
        return 0;
    }
    return 1;
}

/* identifier: UNQUOTED_IDENTIFIER (not a reserved word) | QUOTED_IDENTIFIER */
static int is_ident(P *p)
{
    const esql_tok *t = esql_peek(p);
    if (t->type == ET_QID) return 1;
    return t->type == ET_ID && !esql_reserved(t->text, t->len);
}

char *esql_parse_qname(P *p)
{
    if (!is_ident(p)) {
        esql_expected(p, "{UNQUOTED_IDENTIFIER, QUOTED_IDENTIFIER}");
        return NULL;
    }
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (;;) {
        const esql_tok *t = esql_peek(p);
        ct_sbuf_addn(&b, t->text, t->len);
        esql_advance(p);
        if (esql_peek(p)->type != ET_DOT) break;
        esql_advance(p);
        /* after a dot a keyword is a name part: ECS has source.as.* */
        int ty = esql_peek(p)->type;
        if (ty != ET_ID && ty != ET_QID) {
            esql_expected(p, "{UNQUOTED_IDENTIFIER, QUOTED_IDENTIFIER}");
            ct_sbuf_free(&b);
            return NULL;
        }
        ct_sbuf_addc(&b, '.');
    }
    return esql_take(&b);
}

static esql_expr *string_lit(P *p)
{
    const esql_tok *t = esql_peek(p);
    if (t->type != ET_STR) {
        esql_expected(p, "QUOTED_STRING");
        return NULL;
    }
    esql_expr *e = esql_expr_new(EX_STR, t->pos);
    e->name = ct_xmalloc(t->len + 1);
    memcpy(e->name, t->text, t->len);
    e->name[t->len] = 0;
    e->len = t->len;
    esql_advance(p);
    return e;
}

static esql_expr *number_lit(P *p, int neg)
{
    const esql_tok *t = esql_peek(p);
    esql_expr *e = esql_expr_new(t->type == ET_INT ? EX_INT : EX_DBL, t->pos);
    errno = 0;
    e->num = strtod(t->text, NULL);
    if (neg) e->num = -e->num;
    if (t->type == ET_INT) {
        errno = 0;
        unsigned long long v = strtoull(t->text, NULL, 10);
        if (errno || v > (unsigned long long)INT64_MAX) {
            e->kind = EX_DBL; /* as Elasticsearch: too big for a long is a double */
        } else {
            e->ival = neg ? -(int64_t)v : (int64_t)v;
        }
    }
    esql_advance(p);
    /* integerValue UNQUOTED_IDENTIFIER: a time span such as 1 hour */
    if (e->kind == EX_INT && esql_peek(p)->type == ET_ID && !esql_reserved(esql_peek(p)->text, esql_peek(p)->len)) {
        e->kind = EX_SPAN;
        e->name = ct_xstrndup(esql_peek(p)->text, esql_peek(p)->len);
        for (char *c = e->name; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        esql_advance(p);
    }
    return e;
}

/* item (, item)* then the closing token: each item a kid of e; NULL (e
 * freed) on error. Array literals [c, ...] and IN (v, ...) lists. */
static esql_expr *list_tail(P *p, esql_expr *e, esql_expr *(*item)(P *), int close, const char *expected)
{
    do {
        esql_expr *k = item(p);
        if (!k) {
            esql_expr_free(e);
            return NULL;
        }
        esql_expr_add(e, k);
    } while (esql_accept(p, ET_COMMA));
    if (!esql_accept(p, close)) {
        esql_expected(p, expected);
        esql_expr_free(e);
        return NULL;
    }
    return e;
}

esql_expr *esql_parse_constant(P *p)
{
    const esql_tok *t = esql_peek(p);
    size_t pos = t->pos;
    if (esql_is_kw(p, "null")) {
        esql_advance(p);
        return esql_expr_new(EX_NULL, pos);
    }
    if (esql_is_kw(p, "true") || esql_is_kw(p, "false")) {
        esql_expr *e = esql_expr_new(EX_BOOL, pos);
        e->op = esql_is_kw(p, "true");
        esql_advance(p);
        return e;
    }
    if (t->type == ET_INT || t->type == ET_DEC) return number_lit(p, 0);
    if ((t->type == ET_MINUS || t->type == ET_PLUS)) {
        int neg = t->type == ET_MINUS;
        esql_advance(p);
        t = esql_peek(p);
        if (t->type == ET_INT || t->type == ET_DEC) return number_lit(p, neg);
        esql_expected(p, "{INTEGER_LITERAL, DECIMAL_LITERAL}");
        return NULL;
    }
    if (t->type == ET_STR) return string_lit(p);
    if (t->type == ET_PARAM) {
        esql_expr *e = esql_expr_new(EX_PARAM, pos);
        e->name = ct_xstrndup(t->text, t->len);
        esql_advance(p);
        return e;
    }
    if (t->type == ET_LB) {
        esql_advance(p);
        return list_tail(p, esql_expr_new(EX_ARRAY, pos), esql_parse_constant, ET_RB, "{',', ']'}");
    }
    esql_expected(p, "{QUOTED_STRING, INTEGER_LITERAL, DECIMAL_LITERAL, 'false', 'null', '?', 'true', '['}");
    return NULL;
}

/* { "key": constant, ... } as a function's last argument */
static esql_expr *map_expr(P *p)
{
    esql_expr *m = esql_expr_new(EX_MAP, esql_peek(p)->pos);
    esql_advance(p);
    do {
        esql_expr *k = string_lit(p), *v = NULL;
        if (k && !esql_accept(p, ET_COLON)) esql_expected(p, "':'");
        else if (k) v = esql_parse_constant(p);
        if (!k || !v) {
            esql_expr_free(k);
            esql_expr_free(m);
            return NULL;
        }
        esql_expr_add(m, k);
        esql_expr_add(m, v);
    } while (esql_accept(p, ET_COMMA));
    if (!esql_accept(p, ET_RBRACE)) {
        esql_expected(p, "{',', '}'}");
        esql_expr_free(m);
        return NULL;
    }
    return m;
}

static esql_expr *call_expr(P *p)
{
    const esql_tok *t = esql_peek(p);
    esql_expr *e = esql_expr_new(EX_CALL, t->pos);
    e->name = ct_xstrndup(t->text, t->len);
    for (char *c = e->name; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    esql_advance(p); /* name */
    esql_advance(p); /* ( */
    if (esql_peek(p)->type == ET_STAR) {
        esql_expr_add(e, esql_expr_new(EX_STAR, esql_peek(p)->pos));
        esql_advance(p);
    } else if (esql_peek(p)->type != ET_RP) {
        do {
            esql_expr *a = esql_peek(p)->type == ET_LBRACE ? map_expr(p) : bool_expr(p);
            if (!a) {
                esql_expr_free(e);
                return NULL;
            }
            esql_expr_add(e, a);
            if (a->kind == EX_MAP) break;
        } while (esql_accept(p, ET_COMMA));
    }
    if (!esql_accept(p, ET_RP)) {
        esql_expected(p, "{',', ')'}");
        esql_expr_free(e);
        return NULL;
    }
    return e;
}

esql_expr *esql_parse_primary(P *p)
{
    if (!deeper(p)) return NULL;
    const esql_tok *t = esql_peek(p);
    esql_expr *e = NULL;
    if (t->type == ET_LP) {
        esql_advance(p);
        e = bool_expr(p);
        if (e && !esql_accept(p, ET_RP)) {
            esql_expected(p, "')'");
            esql_expr_free(e);
            e = NULL;
        }
    } else if ((t->type == ET_ID || t->type == ET_QID || t->type == ET_PARAM) &&
               (t->type == ET_PARAM || is_ident(p) || esql_is_kw(p, "first") || esql_is_kw(p, "last"))) {
        /* identifierOrParameter LP: a function; else a name */
        size_t after = t->end;
        esql_lexer probe = {.s = p->s, .n = p->n, .pos = after};
        int call = esql_peek(&probe)->type == ET_LP;
        free(probe.tok.text);
        free(probe.err);
        if (call && t->type != ET_QID) {
            e = call_expr(p);
        } else if (t->type == ET_PARAM) {
            e = esql_parse_constant(p);
        } else {
            size_t pos = t->pos;
            char *n = esql_parse_qname(p);
            if (n) {
                e = esql_expr_new(EX_FIELD, pos);
                e->name = n;
                e->len = strlen(n);
            }
        }
    } else {
        e = esql_parse_constant(p);
    }
    while (e && esql_peek(p)->type == ET_CAST) {
        size_t pos = esql_peek(p)->pos;
        esql_advance(p);
        if (!is_ident(p)) {
            esql_expected(p, "{UNQUOTED_IDENTIFIER, QUOTED_IDENTIFIER}");
            esql_expr_free(e);
            e = NULL;
            break;
        }
        esql_expr *c = esql_expr_new(EX_CAST, pos);
        c->name = ct_xstrndup(esql_peek(p)->text, esql_peek(p)->len);
        for (char *x = c->name; *x; x++) *x = (char)(*x >= 'A' && *x <= 'Z' ? *x + 32 : *x);
        esql_advance(p);
        esql_expr_add(c, e);
        e = c;
    }
    p->depth--;
    return e;
}

static esql_expr *unary_expr(P *p)
{
    const esql_tok *t = esql_peek(p);
    if (t->type == ET_MINUS || t->type == ET_PLUS) {
        size_t pos = t->pos;
        int neg = t->type == ET_MINUS;
        esql_advance(p);
        if (!deeper(p)) return NULL;
        esql_expr *k = unary_expr(p);
        p->depth--;
        if (!k) return NULL;
        if (!neg) return k;
        if (k->kind == EX_INT || k->kind == EX_DBL) { /* fold a signed literal */
            k->num = -k->num;
            k->ival = -k->ival;
            k->pos = pos;
            return k;
        }
        esql_expr *e = esql_expr_new(EX_NEG, pos);
        esql_expr_add(e, k);
        return e;
    }
    return esql_parse_primary(p);
}

static esql_expr *binary(P *p, int level)
{
    esql_expr *l = level ? binary(p, level - 1) : unary_expr(p);
    while (l) {
        int ty = esql_peek(p)->type, op;
        if (level == 0 && ty == ET_STAR) op = EOP_MUL;
        else if (level == 0 && ty == ET_SLASH) op = EOP_DIV;
        else if (level == 0 && ty == ET_PERCENT) op = EOP_MOD;
        else if (level == 1 && ty == ET_PLUS) op = EOP_ADD;
        else if (level == 1 && ty == ET_MINUS) op = EOP_SUB;
        else break;
        size_t pos = esql_peek(p)->pos;
        esql_advance(p);
        esql_expr *r = level ? binary(p, level - 1) : unary_expr(p);
        if (!r) {
            esql_expr_free(l);
            return NULL;
        }
        esql_expr *e = esql_expr_new(EX_ARITH, pos);
        e->op = op;
        esql_expr_add(e, l);
        esql_expr_add(e, r);
        l = e;
    }
    return l;
}

static esql_expr *value_expr(P *p)
{
    esql_expr *l = binary(p, 1);
    if (!l) return NULL;
    static const int cmp[][2] = {{ET_EQ, EOP_EQ}, {ET_NEQ, EOP_NEQ}, {ET_LT, EOP_LT}, {ET_LTE, EOP_LTE},
                                 {ET_GT, EOP_GT}, {ET_GTE, EOP_GTE}, {ET_CIEQ, EOP_CIEQ}};
    int ty = esql_peek(p)->type;
    for (size_t i = 0; i < CT_ARRAY_LEN(cmp); i++) {
        if (ty != cmp[i][0]) continue;
        esql_expr *e = esql_expr_new(EX_CMP, esql_peek(p)->pos);
        e->op = cmp[i][1];
        esql_advance(p);
        esql_expr *r = binary(p, 1);
        esql_expr_add(e, l);
        if (!r) {
            esql_expr_free(e);
            return NULL;
        }
        esql_expr_add(e, r);
        return e;
    }
    return l;
}

/* valueExpression followed by [NOT] IN (...) | [NOT] LIKE/RLIKE pattern(s) |
 * IS [NOT] NULL | ':' constant (the match operator on a name) */
static esql_expr *predicate(P *p)
{
    esql_expr *v = value_expr(p);
    if (!v) return NULL;
    size_t pos = esql_peek(p)->pos;
    if (esql_peek(p)->type == ET_COLON && (v->kind == EX_FIELD || (v->kind == EX_CAST && v->kids[0]->kind == EX_FIELD))) {
        esql_advance(p);
        esql_expr *c = esql_parse_constant(p);
        if (!c) {
            esql_expr_free(v);
            return NULL;
        }
        esql_expr *e = esql_expr_new(EX_MATCH, pos);
        esql_expr_add(e, v);
        esql_expr_add(e, c);
        return e;
    }
    if (esql_accept_kw(p, "is")) {
        esql_expr *e = esql_expr_new(EX_ISNULL, pos);
        e->neg = esql_accept_kw(p, "not");
        esql_expr_add(e, v);
        if (!esql_accept_kw(p, "null")) {
            esql_expected(p, "{'not', 'null'}");
            esql_expr_free(e);
            return NULL;
        }
        return e;
    }
    int neg = 0;
    if (esql_is_kw(p, "not")) {
        esql_advance(p);
        neg = 1;
        if (!esql_is_kw(p, "in") && !esql_is_kw(p, "like") && !esql_is_kw(p, "rlike")) {
            esql_expected(p, "{'in', 'like', 'rlike'}");
            esql_expr_free(v);
            return NULL;
        }
    }
    if (esql_accept_kw(p, "in")) {
        esql_expr *e = esql_expr_new(EX_IN, pos);
        e->neg = neg;
        esql_expr_add(e, v);
        if (!esql_accept(p, ET_LP)) {
            esql_expected(p, "'('");
            esql_expr_free(e);
            return NULL;
        }
        return list_tail(p, e, value_expr, ET_RP, "{',', ')'}");
    }
    int like = esql_is_kw(p, "like");
    if (like || esql_is_kw(p, "rlike")) {
        esql_advance(p);
        esql_expr *e = esql_expr_new(like ? EX_LIKE : EX_RLIKE, pos);
        e->neg = neg;
        esql_expr_add(e, v);
        int list = esql_accept(p, ET_LP);
        do {
            esql_expr *s = string_lit(p);
            if (!s) {
                esql_expr_free(e);
                return NULL;
            }
            esql_expr_add(e, s);
        } while (list && esql_accept(p, ET_COMMA));
        if (list && !esql_accept(p, ET_RP)) {
            esql_expected(p, "{',', ')'}");
            esql_expr_free(e);
            return NULL;
        }
        return e;
    }
    return v;
}

static esql_expr *not_expr(P *p)
{
    if (esql_is_kw(p, "not")) {
        size_t pos = esql_peek(p)->pos;
        esql_advance(p);
        if (!deeper(p)) return NULL;
        esql_expr *k = not_expr(p);
        p->depth--;
        if (!k) return NULL;
        esql_expr *e = esql_expr_new(EX_NOT, pos);
        esql_expr_add(e, k);
        return e;
    }
    return predicate(p);
}

static esql_expr *logic(P *p, int or)
{
    esql_expr *l = or ? logic(p, 0) : not_expr(p);
    while (l && esql_is_kw(p, or ? "or" : "and")) {
        size_t pos = esql_peek(p)->pos;
        esql_advance(p);
        esql_expr *r = or ? logic(p, 0) : not_expr(p);
        if (!r) {
            esql_expr_free(l);
            return NULL;
        }
        esql_expr *e = esql_expr_new(or ? EX_OR : EX_AND, pos);
        esql_expr_add(e, l);
        esql_expr_add(e, r);
        l = e;
    }
    return l;
}

static esql_expr *bool_expr(P *p)
{
    if (!deeper(p)) return NULL;
    esql_expr *e = logic(p, 1);
    p->depth--;
    return e;
}

esql_expr *esql_parse_bool(P *p)
{
    return bool_expr(p);
}
