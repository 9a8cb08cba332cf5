/* esql json: JSON_EXTRACT, FROM_BASE64 / TO_BASE64 and the other text
 * functions the detection rules call (URL_DECODE, CONTAINS, SPACE), as Elasticsearch's
 * (x-pack/plugin/esql .../scalar/string/JsonExtract.java and JsonPath.java;
 * .../FromBase64.java), for the GKE "CSR for a privileged identity" and the
 * SageMaker lifecycle-script rules.
 *
 * JSON_EXTRACT(string or _source, path): the path is JsonPath's subset of RFC
 * 9535: dot keys (a.b), bracket indices ([0]), quoted bracket keys (['a.b'],
 * ["a"], with \' \" \\ escapes), an optional $ root, spaces inside brackets.
 * A string value comes out unquoted, a number or boolean as its text, an
 * object or array as compact JSON; a JSON null, a missing key, an index out
 * of range, invalid JSON or a bad path give null (Elasticsearch warns). A
 * bad constant path refuses the query, as Elasticsearch refuses it when it
 * plans the query. A key matches the first member of that name, as there. */
#include "esql_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct seg {
    const char *key; /* NULL: an index */
    size_t klen;
    long idx;
} seg;

/* Parse path into segs (arena strings); 0, or -1 with why. */
static int parse_path(esql_ctx *c, const char *s, size_t n, seg **out, size_t *nout, const char **why)
{
    *nout = 0;
    *out = esql_alloc(c, (n + 1) * sizeof **out);
    if (n && s[0] == '$') {
        if (n == 1) return 0;
        if (s[1] == '.') s += 2, n -= 2;
        else if (s[1] == '[') s += 1, n -= 1;
        else return *why = "expected [.] or [[] after [$]", -1;
        if (!n) return 0;
    }
    size_t i = 0;
    int read = 0;
    char *kb = esql_alloc(c, n + 1);
    while (i < n) {
        if (s[i] != '[') { /* a bare key: first, or after a dot */
            if (s[i] == '.') {
                if (!read) return *why = "path cannot start with a dot", -1;
                i++;
                if (i >= n) return *why = "path cannot end with a dot", -1;
                if (s[i] == '.') return *why = "consecutive dots", -1;
            } else if (read) {
                return *why = "expected [.] or [[] before a key", -1;
            }
            size_t b = i;
            while (i < n && s[i] != '.' && s[i] != '[' && s[i] != ']') i++;
            if (i == b) return *why = "empty key name", -1;
            (*out)[(*nout)++] = (seg){s + b, i - b, 0};
            read = 1;
            continue;
        }
        i++; /* [ ... ] */
        while (i < n && s[i] == ' ') i++;
        if (i >= n) return *why = "unclosed bracket", -1;
        if (s[i] == '\'' || s[i] == '"') {
            char q = s[i++];
            size_t k = 0;
            while (i < n && s[i] != q) {
                if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\')) i++;
                kb[k++] = s[i++];
            }
            if (i >= n) return *why = "unclosed quote", -1;
            i++;
            char *key = esql_alloc(c, k + 1);
            memcpy(key, kb, k);
            (*out)[(*nout)++] = (seg){key, k, 0};
        } else {
            size_t b = i;
            while (i < n && isdigit((unsigned char)s[i])) i++;
            if (i == b || i - b > 9) return *why = "expected a non-negative array index", -1;
            (*out)[(*nout)++] = (seg){NULL, 0, strtol(s + b, NULL, 10)};
        }
        while (i < n && s[i] == ' ') i++;
        if (i >= n || s[i] != ']') return *why = "expected []]", -1;
        i++;
        read = 1;
    }
    return 0; /* no segment: the root value */
}

static esql_val extract(esql_ctx *c, const esql_sc *src, const seg *sg, size_t ns)
{
    cJSON *root = cJSON_ParseWithLength(src->s, src->n);
    const cJSON *j = root;
    for (size_t i = 0; j && i < ns; i++) {
        if (sg[i].key && cJSON_IsObject(j)) {
            const cJSON *k = j->child;
            while (k && !(k->string && strlen(k->string) == sg[i].klen && !memcmp(k->string, sg[i].key, sg[i].klen)))
                k = k->next;
            j = k;
        } else if (!sg[i].key && cJSON_IsArray(j)) {
            j = cJSON_GetArrayItem(j, (int)sg[i].idx);
        } else {
            j = NULL;
        }
    }
    esql_val v = esql_null();
    if (cJSON_IsString(j)) {
        v = esql_str(c, j->valuestring, strlen(j->valuestring));
    } else if (cJSON_IsBool(j)) {
        v = esql_str(c, cJSON_IsTrue(j) ? "true" : "false", cJSON_IsTrue(j) ? 4 : 5);
    } else if (j && !cJSON_IsNull(j)) {
        char *t = cJSON_PrintUnformatted(j);
        if (t) v = esql_str(c, t, strlen(t));
        free(t);
    }
    cJSON_Delete(root);
    return v;
}

/* java.util.Base64's basic decoder: the RFC 4648 alphabet, padding optional
 * but exact when present, nothing after it; anything else is no value. */
static esql_val from_base64(esql_ctx *c, const esql_sc *x)
{
    char *out = esql_alloc(c, x->n / 4 * 3 + 3);
    size_t o = 0, i = 0;
    uint32_t acc = 0;
    int bitsn = 0, chars = 0;
    for (; i < x->n; i++) {
        unsigned char ch = (unsigned char)x->s[i];
        int v = ch >= 'A' && ch <= 'Z' ? ch - 'A' : ch >= 'a' && ch <= 'z' ? ch - 'a' + 26
              : ch >= '0' && ch <= '9' ? ch - '0' + 52 : ch == '+' ? 62 : ch == '/' ? 63 : -1;
        if (ch == '=') break;
        if (v < 0) return esql_null();
        acc = (acc << 6) | (uint32_t)v;
        bitsn += 6;
        chars++;
        if (bitsn >= 8) {
            bitsn -= 8;
            out[o++] = (char)((acc >> bitsn) & 0xFF);
        }
    }
    if (chars % 4 == 1) return esql_null();
    if (i < x->n) { /* padding: exactly what completes the last unit, then the end */
        size_t pad = chars % 4 == 2 ? 2 : chars % 4 == 3 ? 1 : 0;
        if (!pad || x->n - i != pad) return esql_null();
        for (size_t k = i; k < x->n; k++)
            if (x->s[k] != '=') return esql_null();
    }
    return esql_str(c, out, o);
}

static esql_val to_base64(esql_ctx *c, const esql_sc *x)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = esql_alloc(c, (x->n + 2) / 3 * 4 + 1);
    size_t o = 0;
    const unsigned char *s = (const unsigned char *)x->s;
    for (size_t i = 0; i < x->n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < x->n ? (uint32_t)s[i + 1] << 8 : 0) | (i + 2 < x->n ? s[i + 2] : 0);
        out[o++] = al[v >> 18 & 63];
        out[o++] = al[v >> 12 & 63];
        out[o++] = i + 1 < x->n ? al[v >> 6 & 63] : '=';
        out[o++] = i + 2 < x->n ? al[v & 63] : '=';
    }
    return esql_str(c, out, o);
}

/* java.net.URLDecoder.decode(s, UTF_8): '+' is a space, %XX a byte; a bad
 * escape is an error there (null and a warning) */
static esql_val url_decode(esql_ctx *c, const esql_sc *x)
{
    char *out = esql_alloc(c, x->n + 1);
    size_t o = 0;
    for (size_t i = 0; i < x->n; i++) {
        char ch = x->s[i];
        if (ch == '+') {
            out[o++] = ' ';
        } else if (ch == '%') {
            if (i + 2 >= x->n) return esql_null();
            if (!isxdigit((unsigned char)x->s[i + 1]) || !isxdigit((unsigned char)x->s[i + 2])) return esql_null();
            char h[3] = {x->s[i + 1], x->s[i + 2], 0};
            out[o++] = (char)strtol(h, NULL, 16);
            i += 2;
        } else {
            out[o++] = ch;
        }
    }
    return esql_str(c, out, o);
}

int esql_json_call(esql_ctx *c, esql_expr *call, esql_val *a, size_t n, esql_val *out)
{
    const char *fn = call->name;
    *out = esql_null();
    if (!strcmp(fn, "url_decode")) {
        if (n == 1 && a[0].n == 1 && a[0].v[0].t == EV_STR) *out = url_decode(c, &a[0].v[0]);
        return 0;
    }
    if (!strcmp(fn, "contains")) {
        if (n == 2 && a[0].n == 1 && a[1].n == 1 && a[0].v[0].t == EV_STR && a[1].v[0].t == EV_STR)
            *out = esql_bool(c, !a[1].v[0].n || memmem(a[0].v[0].s, a[0].v[0].n, a[1].v[0].s, a[1].v[0].n) != NULL);
        return 0;
    }
    if (!strcmp(fn, "space")) { /* 0 .. 1 MB of spaces (Space.java's limit); else null */
        if (n == 1 && a[0].n == 1 && a[0].v[0].t == EV_LONG && a[0].v[0].i >= 0 && a[0].v[0].i <= 1048576) {
            char *sp = esql_alloc(c, (size_t)a[0].v[0].i + 1);
            memset(sp, ' ', (size_t)a[0].v[0].i);
            *out = esql_str(c, sp, (size_t)a[0].v[0].i);
        }
        return 0;
    }
    if (!strcmp(fn, "from_base64") || !strcmp(fn, "to_base64")) {
        if (n == 1 && a[0].n == 1 && a[0].v[0].t == EV_STR)
            *out = fn[0] == 'f' ? from_base64(c, &a[0].v[0]) : to_base64(c, &a[0].v[0]);
        return 0;
    }
    if (strcmp(fn, "json_extract")) return -1;
    if (n != 2) return 0;
    /* a constant path is checked once, and a bad one refuses the query */
    if (call->kids[1]->kind == EX_STR) {
        seg *sg;
        size_t ns;
        const char *why;
        if (parse_path(c, call->kids[1]->name, call->kids[1]->len, &sg, &ns, &why) < 0) {
            esql_fail(c, "json_extract: invalid path [%.*s]: %s", (int)(call->kids[1]->len > 80 ? 80 : call->kids[1]->len),
                      call->kids[1]->name, why);
            return 0;
        }
    }
    if (a[0].n != 1 || a[1].n != 1 || a[0].v[0].t != EV_STR || a[1].v[0].t != EV_STR) return 0;
    seg *sg;
    size_t ns;
    const char *why;
    if (parse_path(c, a[1].v[0].s, a[1].v[0].n, &sg, &ns, &why) < 0) return 0;
    *out = extract(c, &a[0].v[0], sg, ns);
    return 0;
}
