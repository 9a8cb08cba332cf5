/* kql evaluation over cJSON documents, and the required-values pre-filter.
 * Semantics are described in kql.h. */
#include "kql_int.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOC_MAX_DEPTH 512

/* ---------- value helpers ---------- */

int kql_number(const char *s, size_t n, double *out)
{
    size_t i = 0;
    if (i < n && s[i] == '-') i++;
    size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i == d) return 0;
    if (i < n && s[i] == '.') {
        d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == d) return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == d) return 0;
    }
    if (i != n || n > 64) return 0;
    char tmp[72];
    memcpy(tmp, s, n);
    tmp[n] = 0;
    *out = strtod(tmp, NULL);
    return 1;
}

int kql_ip_parse(const char *s, size_t n, uint8_t addr[16], int *prefix)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp || memchr(s, 0, n)) return KIP_NONE;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    char *slash = strchr(tmp, '/');
    int pfx = -1;
    if (slash) {
        *slash = 0;
        const char *d = slash + 1;
        if (!*d || strlen(d) > 3) return KIP_NONE;
        pfx = 0;
        for (; *d; d++) {
            if (*d < '0' || *d > '9') return KIP_NONE;
            pfx = pfx * 10 + (*d - '0');
        }
    }
    uint8_t a4[4];
    if (inet_pton(AF_INET, tmp, a4) == 1) {
        if (pfx > 32) return KIP_NONE;
        memset(addr, 0, 10);
        addr[10] = addr[11] = 0xff;
        memcpy(addr + 12, a4, 4);
        *prefix = pfx < 0 ? 128 : pfx + 96;
    } else if (inet_pton(AF_INET6, tmp, addr) == 1) {
        if (pfx > 128) return KIP_NONE;
        *prefix = pfx < 0 ? 128 : pfx;
    } else {
        return KIP_NONE;
    }
    return slash ? KIP_CIDR : KIP_ADDR;
}

static int ip_in(const uint8_t net[16], int prefix, const uint8_t a[16])
{
    int full = prefix / 8, rest = prefix % 8;
    if (memcmp(net, a, (size_t)full)) return 0;
    if (!rest) return 1;
    uint8_t m = (uint8_t)(0xff << (8 - rest));
    return (net[full] & m) == (a[full] & m);
}

/* Linear in the pattern and the value: the pattern is literal pieces between
 * '*'s; the first is a prefix, the last a suffix, and each one between is
 * found leftmost after the previous one (memmem, linear), which is enough for
 * a '*'-only glob. Backtracking was O(pattern x value): a '*' then a 10k
 * literal against a 1 MB value took 16.7 s per event. */
int kql_wild_match(const char *pat, const unsigned char *wild, size_t plen, const char *s, size_t slen)
{
    size_t head = 0;
    while (head < plen && !(wild && wild[head])) head++;
    if (head == plen) return plen == slen && !memcmp(pat, s, plen); /* no '*' */
    if (head > slen || memcmp(pat, s, head)) return 0;
    size_t t = plen; /* after the last '*' */
    while (!wild[t - 1]) t--;
    size_t tail = plen - t;
    if (tail > slen - head || memcmp(pat + t, s + slen - tail, tail)) return 0;
    size_t i = head, end = slen - tail;
    for (size_t p = head; p < t;) {
        while (p < t && wild[p]) p++;
        size_t q = p;
        while (q < t && !wild[q]) q++;
        if (q > p) {
            const char *f = end - i >= q - p ? memmem(s + i, end - i, pat + p, q - p) : NULL;
            if (!f) return 0;
            i = (size_t)(f - s) + (q - p);
        }
        p = q;
    }
    return 1;
}

static void cost(const kql_node *n, size_t *terms, size_t *longest)
{
    if (!n) return;
    if (n->kind == KN_IS || n->kind == KN_EXISTS || n->kind == KN_RANGE) (*terms)++;
    if (n->field.len > *longest) *longest = n->field.len;
    if (n->val.len > *longest) *longest = n->val.len;
    for (size_t i = 0; i < n->nkids; i++) cost(n->kids[i], terms, longest);
}

void ct_kql_cost(const ct_kql *q, size_t *terms, size_t *longest)
{
    *terms = *longest = 0;
    if (q) cost(q->root, terms, longest);
}

/* JSON text of a number (what a wildcard sees) */
static size_t num_text(double d, char out[40])
{
    if (d == floor(d) && fabs(d) < 1e15) snprintf(out, 40, "%.0f", d);
    else {
        snprintf(out, 40, "%.15g", d);
        if (strtod(out, NULL) != d) snprintf(out, 40, "%.17g", d);
    }
    return strlen(out);
}

/* does one scalar (non-array, non-object) doc value match a literal / wildcard */
static int val_match(const kql_val *v, const cJSON *leaf)
{
    if (v->kind == KV_WILD) {
        char tmp[40];
        const char *s;
        size_t n;
        if (cJSON_IsString(leaf)) s = leaf->valuestring, n = strlen(s);
        else if (cJSON_IsNumber(leaf)) s = tmp, n = num_text(leaf->valuedouble, tmp);
        else if (cJSON_IsTrue(leaf)) s = "true", n = 4;
        else if (cJSON_IsFalse(leaf)) s = "false", n = 5;
        else return 0;
        return kql_wild_match(v->text, v->wild, v->len, s, n);
    }
    if (cJSON_IsString(leaf)) {
        const char *s = leaf->valuestring;
        size_t n = strlen(s);
        if (n == v->len && !memcmp(s, v->text, n)) return 1;
        if (v->ip != KIP_NONE) {
            uint8_t a[16];
            int pfx;
            if (kql_ip_parse(s, n, a, &pfx) == KIP_ADDR) return ip_in(v->addr, v->prefix, a);
        }
        return 0;
    }
    if (cJSON_IsNumber(leaf)) return v->is_num && v->num == leaf->valuedouble;
    if (cJSON_IsTrue(leaf)) return v->len == 4 && !memcmp(v->text, "true", 4);
    if (cJSON_IsFalse(leaf)) return v->len == 5 && !memcmp(v->text, "false", 5);
    if (cJSON_IsNull(leaf)) return v->kind == KV_LIT && v->lit == KL_NULL;
    return 0;
}

static int cmp_ok(int op, int c)
{
    switch (op) {
    case KOP_LT: return c < 0;
    case KOP_LTE: return c <= 0;
    case KOP_GT: return c > 0;
    default: return c >= 0;
    }
}

static int range_match(int op, const kql_val *v, const cJSON *leaf)
{
    double d;
    if (cJSON_IsNumber(leaf)) {
        d = leaf->valuedouble;
        if (!v->is_num) return 0;
        return cmp_ok(op, d < v->num ? -1 : d > v->num ? 1 : 0);
    }
    if (!cJSON_IsString(leaf)) return 0;
    const char *s = leaf->valuestring;
    size_t n = strlen(s);
    if (v->is_num && kql_number(s, n, &d)) return cmp_ok(op, d < v->num ? -1 : d > v->num ? 1 : 0);
    int64_t ms;
    if (v->is_time && ct_time_parse(s, n, &ms) == 0)
        return cmp_ok(op, ms < v->ms ? -1 : ms > v->ms ? 1 : 0);
    size_t m = n < v->len ? n : v->len;
    int c = memcmp(s, v->text, m);
    if (!c) c = n < v->len ? -1 : n > v->len ? 1 : 0;
    return cmp_ok(op, c);
}

int ct_kql_wild_match(const char *pat, const unsigned char *wild, size_t plen, const char *s, size_t slen)
{
    return kql_wild_match(pat, wild, plen, s, slen);
}

/* ---------- document walking ---------- */

typedef int (*visit_fn)(void *ctx, const cJSON *v);

/* every value at `name` (all splits of the dotted name into keys; arrays along
 * the path are looked through); stops at the first cb returning 1 */
static int resolve(const cJSON *node, const char *name, size_t len, visit_fn cb, void *ctx, int depth)
{
    if (depth > DOC_MAX_DEPTH) return 0;
    if (cJSON_IsArray(node)) {
        for (const cJSON *e = node->child; e; e = e->next)
            if (resolve(e, name, len, cb, ctx, depth + 1)) return 1;
        return 0;
    }
    if (!cJSON_IsObject(node)) return 0;
    for (const cJSON *c = node->child; c; c = c->next) {
        if (!c->string) continue;
        size_t kl = strlen(c->string);
        if (kl > len || memcmp(c->string, name, kl)) continue;
        if (kl == len) {
            if (cb(ctx, c)) return 1;
        } else if (name[kl] == '.') {
            if (resolve(c, name + kl + 1, len - kl - 1, cb, ctx, depth + 1)) return 1;
        }
    }
    return 0;
}

/* the scalars (and, with objects set, the objects) inside v, arrays flattened */
static int each_elem(const cJSON *v, int objects, visit_fn cb, void *ctx, int depth)
{
    if (depth > DOC_MAX_DEPTH) return 0;
    if (cJSON_IsArray(v)) {
        for (const cJSON *e = v->child; e; e = e->next)
            if (each_elem(e, objects, cb, ctx, depth + 1)) return 1;
        return 0;
    }
    if (cJSON_IsObject(v)) return objects ? cb(ctx, v) : 0;
    return objects ? 0 : cb(ctx, v);
}

typedef int (*path_fn)(void *ctx, const char *path, size_t plen, const cJSON *v);

/* every leaf (or, with objects set, every object) under node with its dotted path */
/* Every leaf (or, with objects, every object) with its full dotted path.
 * lit/litlen: the literal head of a wildcard field name (before its first
 * '*'): a branch whose path already differs from it cannot match, so it is
 * not entered (a.b.*.c over a large document visits only a.b). */
static int walk(const cJSON *node, ct_sbuf *path, int objects, path_fn cb, void *ctx, int depth,
                const char *lit, size_t litlen)
{
    if (depth > DOC_MAX_DEPTH) return 0;
    if (cJSON_IsArray(node)) {
        for (const cJSON *e = node->child; e; e = e->next)
            if (walk(e, path, objects, cb, ctx, depth + 1, lit, litlen)) return 1;
        return 0;
    }
    if (cJSON_IsObject(node)) {
        if (objects && path->len && cb(ctx, path->buf, path->len, node)) return 1;
        size_t keep = path->len;
        for (const cJSON *c = node->child; c; c = c->next) {
            if (!c->string) continue;
            if (keep) ct_sbuf_addc(path, '.');
            ct_sbuf_add(path, c->string);
            size_t common = path->len < litlen ? path->len : litlen;
            int r = memcmp(path->buf, lit ? lit : "", lit ? common : 0)
                        ? 0
                        : walk(c, path, objects, cb, ctx, depth + 1, lit, litlen);
            path->len = keep;
            path->buf[keep] = 0;
            if (r) return 1;
        }
        return 0;
    }
    return objects ? 0 : cb(ctx, path->buf, path->len, node);
}

/* ---------- evaluation ---------- */

static int eval(const kql_node *n, const cJSON *doc);

typedef struct ectx {
    const kql_node *n;
} ectx;

static int leaf_test(const kql_node *n, const cJSON *leaf)
{
    switch (n->kind) {
    case KN_IS: return val_match(&n->val, leaf);
    case KN_EXISTS: return !cJSON_IsNull(leaf);
    case KN_RANGE: return range_match(n->op, &n->val, leaf);
    case KN_NESTED: return eval(n->kids[0], leaf);
    }
    return 0;
}

static int on_elem(void *ctx, const cJSON *v)
{
    return leaf_test(((ectx *)ctx)->n, v);
}

/* not null, not empty, not only nulls; an object exists when a field inside does */
static int has_value(const cJSON *v, int depth)
{
    if (depth > DOC_MAX_DEPTH || !v || cJSON_IsNull(v) || cJSON_IsInvalid(v)) return 0;
    if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        for (const cJSON *e = v->child; e; e = e->next)
            if (has_value(e, depth + 1)) return 1;
        return 0;
    }
    return 1;
}

static int on_value(void *ctx, const cJSON *v)
{
    const kql_node *n = ((ectx *)ctx)->n;
    if (n->kind == KN_EXISTS) return has_value(v, 0);
    return each_elem(v, n->kind == KN_NESTED, on_elem, ctx, 0);
}

static int on_path(void *ctx, const char *path, size_t plen, const cJSON *v)
{
    const kql_node *n = ((ectx *)ctx)->n;
    if (n->field.kind == KF_WILD && !kql_wild_match(n->field.text, n->field.wild, n->field.len, path, plen))
        return 0;
    return leaf_test(n, v);
}

static int field_test(const kql_node *n, const cJSON *doc)
{
    ectx c = {n};
    if (n->field.kind == KF_NAME) return resolve(doc, n->field.text, n->field.len, on_value, &c, 0);
    size_t lit = 0;
    if (n->field.kind == KF_WILD)
        while (lit < n->field.len && !(n->field.wild && n->field.wild[lit])) lit++;
    ct_sbuf path;
    ct_sbuf_init(&path);
    int r = walk(doc, &path, n->kind == KN_NESTED, on_path, &c, 0,
                 n->field.kind == KF_WILD ? n->field.text : NULL, lit);
    ct_sbuf_free(&path);
    return r;
}

static int eval(const kql_node *n, const cJSON *doc)
{
    switch (n->kind) {
    case KN_ALL: return 1;
    case KN_AND:
        for (size_t i = 0; i < n->nkids; i++)
            if (!eval(n->kids[i], doc)) return 0;
        return 1;
    case KN_OR:
        for (size_t i = 0; i < n->nkids; i++)
            if (eval(n->kids[i], doc)) return 1;
        return 0;
    case KN_NOT: return !eval(n->kids[0], doc);
    default: return field_test(n, doc);
    }
}

int ct_kql_match(const ct_kql *q, const cJSON *doc)
{
    if (!q || !doc) return 0;
    return eval(q->root, doc) ? 1 : 0;
}

/* ---------- one-field pre-filter ---------- */

enum { T_NO = 0, T_YES = 1, T_UNKNOWN = 2 };

/* Three-valued evaluation where only `field` is known (its value is in
 * `known`, a one-key document) and every other clause may go either way. */
static int may(const kql_node *n, const char *field, size_t flen, const cJSON *known)
{
    switch (n->kind) {
    case KN_ALL: return T_YES;
    case KN_AND: {
        int r = T_YES;
        for (size_t i = 0; i < n->nkids; i++) {
            int k = may(n->kids[i], field, flen, known);
            if (k == T_NO) return T_NO;
            if (k == T_UNKNOWN) r = T_UNKNOWN;
        }
        return r;
    }
    case KN_OR: {
        int r = T_NO;
        for (size_t i = 0; i < n->nkids; i++) {
            int k = may(n->kids[i], field, flen, known);
            if (k == T_YES) return T_YES;
            if (k == T_UNKNOWN) r = T_UNKNOWN;
        }
        return r;
    }
    case KN_NOT: {
        int k = may(n->kids[0], field, flen, known);
        return k == T_UNKNOWN ? T_UNKNOWN : k == T_YES ? T_NO : T_YES;
    }
    case KN_IS:
    case KN_RANGE:
    case KN_EXISTS:
        /* a clause on exactly this field is decided by the leaf evaluator on
         * the one-key document, so wildcards, numbers and ranges keep their
         * exact meaning */
        if (n->field.kind == KF_NAME && n->field.len == flen && !memcmp(n->field.text, field, flen))
            return eval(n, known) ? T_YES : T_NO;
        return T_UNKNOWN;
    default:
        return T_UNKNOWN;
    }
}

int ct_kql_field_may_match(const ct_kql *q, const char *field, const char *value)
{
    if (!q || !field || !value) return 1;
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddItemToObject(doc, field, cJSON_CreateString(value));
    int r = may(q->root, field, strlen(field), doc);
    cJSON_Delete(doc);
    return r != T_NO;
}

/* ---------- required values ---------- */

typedef struct vset {
    const char **v;
    size_t n;
} vset;

static int vset_has(const vset *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x)) return 1;
    return 0;
}

static void vset_add(vset *s, const char *x)
{
    if (vset_has(s, x)) return;
    s->v = ct_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    s->v[s->n++] = x;
}

/* a plain string value that only ever matches byte-identical strings */
static int plain_value(const kql_val *v)
{
    if (v->kind == KV_WILD || v->is_num || v->ip != KIP_NONE) return 0;
    if (v->kind == KV_LIT && v->lit != KL_STR) return 0;
    if (strlen(v->text) != v->len) return 0;
    return strcmp(v->text, "true") && strcmp(v->text, "false");
}

/* 1 with *out filled when n constrains field to a finite set, else 0 */
static int required_k(const kql_node *n, const char *field, size_t flen, vset *out, int wild_ok);

static int required(const kql_node *n, const char *field, size_t flen, vset *out)
{
    return required_k(n, field, flen, out, 0);
}

/* wild_ok: a wildcard field name counts when written exactly as `field` */
static int required_k(const kql_node *n, const char *field, size_t flen, vset *out, int wild_ok)
{
    out->v = NULL;
    out->n = 0;
    if (n->kind == KN_IS) {
        int kind_ok = n->field.kind == KF_NAME || (wild_ok && n->field.kind == KF_WILD);
        if (!kind_ok || n->field.len != flen || memcmp(n->field.text, field, flen) ||
            !plain_value(&n->val))
            return 0;
        vset_add(out, n->val.text);
        return 1;
    }
    if (n->kind == KN_OR) {
        for (size_t i = 0; i < n->nkids; i++) {
            vset k;
            if (!required_k(n->kids[i], field, flen, &k, wild_ok)) {
                free(out->v);
                out->v = NULL;
                out->n = 0;
                return 0;
            }
            for (size_t j = 0; j < k.n; j++) vset_add(out, k.v[j]);
            free(k.v);
        }
        return 1;
    }
    if (n->kind == KN_AND) {
        int have = 0;
        for (size_t i = 0; i < n->nkids; i++) {
            vset k;
            if (!required_k(n->kids[i], field, flen, &k, wild_ok)) continue;
            if (!have) {
                *out = k;
                have = 1;
                continue;
            }
            vset both = {NULL, 0};
            for (size_t j = 0; j < out->n; j++)
                if (vset_has(&k, out->v[j])) vset_add(&both, out->v[j]);
            free(out->v);
            free(k.v);
            *out = both;
        }
        return have;
    }
    return 0;
}

void kql_req_free(kql_req *r)
{
    while (r) {
        kql_req *next = r->next;
        free(r->field);
        free(r->vals);
        free(r);
        r = next;
    }
}

int ct_kql_required_values(const ct_kql *q, const char *field, const char *const **values, size_t *n)
{
    if (!q || !field) return 0;
    struct ct_kql *mq = (struct ct_kql *)q; /* cache only; every ct_kql is heap-allocated */
    kql_req *r;
    for (r = mq->req; r; r = r->next)
        if (!strcmp(r->field, field)) break;
    if (!r) {
        vset s;
        r = ct_xcalloc(1, sizeof *r);
        r->field = ct_xstrdup(field);
        r->ok = required(q->root, field, strlen(field), &s);
        r->vals = s.v;
        r->n = s.n;
        r->next = mq->req;
        mq->req = r;
    }
    if (!r->ok) return 0;
    if (values) *values = (const char *const *)r->vals;
    if (n) *n = r->n;
    return 1;
}

int ct_kql_required_values_as_written(const ct_kql *q, const char *field, char ***values, size_t *n)
{
    *values = NULL;
    *n = 0;
    if (!q || !field) return 0;
    vset v;
    if (!required_k(q->root, field, strlen(field), &v, 1)) return 0;
    *values = ct_xcalloc(v.n ? v.n : 1, sizeof **values);
    for (size_t i = 0; i < v.n; i++) (*values)[i] = ct_xstrdup(v.v[i]);
    *n = v.n;
    free(v.v);
    return 1;
}
