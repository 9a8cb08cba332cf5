/* fastscan_json: the strict JSON validator of the fast extractors and the
 * lookups in a validated record (see fastscan_int.h); what is made of the
 * strings read is in fastscan_fields.c. Each mirrors one thing
 * the full path does with cJSON and ct_json_*; whatever it cannot mirror
 * exactly, it declines (-1 / GET_DUP / 0), and the caller takes the full path. */
#include "fastscan_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

_Thread_local uint16_t ct_fs_ends[CT_FS_ENDS_MAX + 1];
_Thread_local const char *ct_fs_base;
_Thread_local int ct_fs_have_ends;
_Thread_local int ct_fs_valid;
/* some key of the record being validated holds a '.' (ECS unflattens those) */
_Thread_local int ct_fs_key_dot;

/* ---- strict validation ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static inline void note_end(const char *s, const char *end)
{
    if (ct_fs_have_ends) ct_fs_ends[s - ct_fs_base] = (uint16_t)(end - ct_fs_base);
}

/* The first '"', '\\' or control character at or after p (with dot, also
 * the first '.'), or e. Always inlined with a constant dot. */
static inline __attribute__((always_inline)) const char *str_stop(const char *p, const char *e,
                                                                  const int dot)
{
#ifdef __SSE2__
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, bs)),
                                 _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl));
        if (dot) m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
        int bits = _mm_movemask_epi8(m);
        if (bits) return p + __builtin_ctz((unsigned)bits);
        p += 16;
    }
#endif
    while (p < e) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\' || c < 0x20 || (dot && c == '.')) break;
        p++;
    }
    return p;
}

/* p at the '"' of a key; the end after the closing quote, or NULL. Keys may
 * not hold escapes; a '.' in one is noted (by the same scan). */
static const char *v_key(const char *p, const char *e)
{
    const char *s = p;
    p++;
    for (;;) {
        p = str_stop(p, e, 1);
        if (p >= e) return NULL;
        if (*p == '"') {
            note_end(s, p + 1);
            return p + 1;
        }
        if (*p != '.') return NULL;
        ct_fs_key_dot = 1;
        p++;
    }
}

/* p at the '"' of a string value; the end after the closing quote, or NULL. */
static const char *v_str(const char *p, const char *e)
{
    const char *s = p;
    p++;
    for (;;) {
        p = str_stop(p, e, 0);
        if (p >= e) return NULL;
        if (*p == '"') {
            note_end(s, p + 1);
            return p + 1;
        }
        if (*p != '\\') return NULL;
        p++;
        if (p >= e) return NULL;
        switch (*p) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            p++;
            break;
        case 'u': {
            if (e - p < 5) return NULL;
            int cp = 0;
            for (int i = 1; i <= 4; i++) {
                int h = hexval(p[i]);
                if (h < 0) return NULL;
                cp = cp * 16 + h;
            }
            /* surrogates and NUL: let cJSON judge them */
            if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return NULL;
            p += 5;
            break;
        }
        default: return NULL;
        }
    }
}

static const char *v_num(const char *p, const char *e)
{
    const char *s = p;
    if (p < e && *p == '-') p++;
    if (p >= e) return NULL;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') while (p < e && *p >= '0' && *p <= '9') p++;
    else return NULL;
    if (p < e && *p == '.') {
        p++;
        if (p >= e || *p < '0' || *p > '9') return NULL;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || *p < '0' || *p > '9') return NULL;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    /* cJSON reads at most 63 characters of a number */
    return p - s > 60 ? NULL : p;
}

static const char *v_value(const char *p, const char *e, int depth)
{
    if (p >= e) return NULL;
    switch (*p) {
    case '"': return v_str(p, e);
    case '{':
    case '[': {
        if (depth >= MAX_DEPTH) return NULL;
        const char *s = p;
        int obj = *p == '{';
        char close = obj ? '}' : ']';
        p = ws(p + 1, e);
        if (p < e && *p == close) {
            note_end(s, p + 1);
            return p + 1;
        }
        for (;;) {
            if (obj) {
                if (p >= e || *p != '"' || !(p = v_key(p, e))) return NULL;
                p = ws(p, e);
                if (p >= e || *p != ':') return NULL;
                p = ws(p + 1, e);
            }
            if (!(p = v_value(p, e, depth + 1))) return NULL;
            p = ws(p, e);
            if (p >= e) return NULL;
            if (*p == close) {
                note_end(s, p + 1);
                return p + 1;
            }
            if (*p != ',') return NULL;
            p = ws(p + 1, e);
        }
    }
    case 't': return e - p >= 4 && !memcmp(p, "true", 4) ? p + 4 : NULL;
    case 'f': return e - p >= 5 && !memcmp(p, "false", 5) ? p + 5 : NULL;
    case 'n': return e - p >= 4 && !memcmp(p, "null", 4) ? p + 4 : NULL;
    default: return v_num(p, e);
    }
}

int ct_fs_validate(const char *p, const char *e, int *key_dot)
{
    ct_fs_key_dot = 0;
    const char *end = v_value(ws(p, e), e, 0);
    *key_dot = ct_fs_key_dot;
    ct_fs_valid = end && ws(end, e) == e;
    return ct_fs_valid;
}

/* ---- lookups in validated JSON ---- */

/* The signinlogs pipeline's key folding ([a-z])([A-Z]+) -> $1_$2, lower-cased;
 * 0 when the folded key does not fit. */
static size_t fold_key(const char *k, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (i > 0 && c >= 'A' && c <= 'Z' && k[i - 1] >= 'a' && k[i - 1] <= 'z') {
            if (o + 1 >= cap) return 0;
            out[o++] = '_';
        }
        if (o + 1 >= cap) return 0;
        out[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return o;
}

/* What a lookup needs of its names, worked out once per names array and
 * thread (the arrays are mostly static; one on the stack may hold other
 * names at the same address next time, so every name's pointer is checked):
 * their lengths, a bit per length and per lower-cased first byte. */
typedef struct name_spec {
    const char *const *names;
    size_t n;
    const char *ptr[32];
    uint8_t nl[32];
    uint64_t lenmask, first[4];
} name_spec;
#define SPEC_SLOTS 64
static _Thread_local name_spec spec_cache[SPEC_SLOTS];

static const name_spec *spec_of(const char *const *names, size_t n)
{
    name_spec *sp = &spec_cache[((uintptr_t)names >> 3) % SPEC_SLOTS];
    if (sp->names == names && sp->n == n) {
        size_t i = 0;
        while (i < n && sp->ptr[i] == names[i]) i++;
        if (i == n) return sp;
    }
    sp->names = names;
    sp->n = n;
    sp->lenmask = 0;
    memset(sp->first, 0, sizeof sp->first);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        unsigned char c = (unsigned char)names[i][0];
        if (c >= 'A' && c <= 'Z') c += 32;
        sp->ptr[i] = names[i];
        sp->nl[i] = (uint8_t)(l < 63 ? l : 63);
        sp->lenmask |= 1ull << sp->nl[i];
        sp->first[c >> 6] |= 1ull << (c & 63);
    }
    return sp;
}

/* (see fastscan_int.h) */
int ct_fs_obj_get_x(const char *p, const char *e, const char *const *names, size_t n, span *out,
                     int fold, int strict, int icase_guard)
{
    if (n > 32) return GET_UNKNOWN;
    const name_spec *sp = spec_of(names, n);
    const uint8_t *nl = sp->nl;
    const uint64_t lenmask = sp->lenmask, *first = sp->first;
    for (size_t i = 0; i < n; i++) out[i].v = out[i].e = NULL;
    p = ws(p + 1, e);
    if (p < e && *p == '}') return GET_OK;
    while (p < e) {
        const char *k = p + 1;
        const char *ke = ct_fs_have_ends ? ct_fs_base + ct_fs_ends[p - ct_fs_base] - 1 : memchr(k, '"', (size_t)(e - k));
        if (!ke) return GET_UNKNOWN;
        p = ws(ke + 1, e);
        p = ws(p + 1, e);
        const char *ve = skip_val(p, e);
        const char *key = k;
        size_t klen = (size_t)(ke - k);
        char fb[64];
        unsigned char c0 = (unsigned char)*k;
        if (c0 >= 'A' && c0 <= 'Z') c0 += 32;
        if (!(first[c0 >> 6] >> (c0 & 63) & 1)) {
            klen = 0; /* no wanted name starts so, folded or not */
        } else if (fold) {
            klen = fold_key(k, klen, fb, sizeof fb);
            key = fb;
        }
        size_t i = 0;
        if (klen && klen < 63 && (lenmask >> klen & 1)) {
            unsigned char k0 = (unsigned char)key[0];
            unsigned char k0l = k0 >= 'A' && k0 <= 'Z' ? k0 + 32 : k0;
            for (; i < n; i++) {
                if (nl[i] != klen) continue;
                unsigned char n0 = (unsigned char)names[i][0];
                if (n0 != k0 && !(icase_guard && (n0 >= 'A' && n0 <= 'Z' ? n0 + 32 : n0) == k0l))
                    continue;
                if (n0 == k0) { /* the rest inline: keys are short */
                    const char *nm = names[i];
                    size_t j = 1;
                    while (j < klen && nm[j] == key[j]) j++;
                    if (j == klen) break;
                }
                if (icase_guard && ct_strncaseeq(names[i], key, klen)) return GET_DUP;
            }
        } else {
            i = n;
        }
        if (i < n) {
            if (out[i].v) return GET_DUP;
            out[i].v = p;
            out[i].e = ve;
        } else if (strict) {
            return GET_UNKNOWN;
        }
        p = ws(ve, e);
        if (p >= e || *p != ',') break;
        p = ws(p + 1, e);
    }
    return GET_OK;
}

/* obj.k1.k2... : the value span, or absent; GET_DUP declines. */
int ct_fs_path_get(span obj, const char *e, const char *const *keys, size_t n, span *out)
{
    out->v = out->e = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!is_obj(obj)) return GET_OK;
        span s;
        if (ct_fs_obj_get(obj.v, e, &keys[i], 1, &s, 0, 0) != GET_OK) return GET_DUP;
        obj = s;
    }
    *out = obj;
    return GET_OK;
}

/* A string value decoded (simple escapes only; \u declines) into o->scratch. */
int ct_fs_sdec(span s, ct_fast *o, ct_fstr *out)
{
    out->s = NULL;
    out->n = 0;
    if (!is_str(s)) return 0;
    const char *b = s.v + 1;
    size_t n = (size_t)(s.e - 1 - b);
    if (!memchr(b, '\\', n)) {
        if (n) {
            out->s = b;
            out->n = (uint32_t)n;
        }
        return 0;
    }
    if (o->scratch_used + n > sizeof o->scratch) return -1;
    char *d0 = o->scratch + o->scratch_used, *d = d0;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        if (c != '\\') {
            *d++ = c;
            continue;
        }
        switch (b[++i]) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '/': *d++ = '/'; break;
        case 'b': *d++ = '\b'; break;
        case 'f': *d++ = '\f'; break;
        case 'n': *d++ = '\n'; break;
        case 'r': *d++ = '\r'; break;
        case 't': *d++ = '\t'; break;
        default: return -1;
        }
    }
    o->scratch_used += (size_t)(d - d0);
    out->s = d0;
    out->n = (uint32_t)(d - d0);
    return 0;
}

