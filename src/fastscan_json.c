/* fastscan_json: the strict JSON validator of the fast extractors and the
 * lookups in a validated record (see fastscan_int.h). Each mirrors one thing
 * the full path does with cJSON and ct_json_*; whatever it cannot mirror
 * exactly, it declines (-1 / GET_DUP / 0), and the caller takes the full path. */
#include "fastscan_int.h"

#include <arpa/inet.h>
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

/* (see fastscan_int.h) */
int ct_fs_obj_get_x(const char *p, const char *e, const char *const *names, size_t n, span *out,
                     int fold, int strict, int icase_guard)
{
    /* the wanted names' lengths, and a bit per length for a quick "not wanted" */
    uint8_t nl[32];
    uint64_t lenmask = 0, first[4] = {0, 0, 0, 0}; /* and per lower-cased first byte */
    if (n > sizeof nl) return GET_UNKNOWN;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        unsigned char c = (unsigned char)names[i][0];
        if (c >= 'A' && c <= 'Z') c += 32;
        nl[i] = (uint8_t)(l < 63 ? l : 63);
        lenmask |= 1ull << nl[i];
        first[c >> 6] |= 1ull << (c & 63);
        out[i].v = out[i].e = NULL;
    }
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
                if (!memcmp(names[i], key, klen)) break;
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

/* ct_norm_action() leaves the string as it is: printable ASCII, single inner
 * spaces, no trailing '.'. Anything else is declined. */
int ct_fs_fold_is_identity(ct_fstr a)
{
    if (!a.s) return 1;
    for (uint32_t i = 0; i < a.n; i++) {
        unsigned char c = (unsigned char)a.s[i];
        if (c < 0x20 || c > 0x7E) return 0;
        if (c == ' ' && (i == 0 || i + 1 == a.n || a.s[i + 1] == ' ')) return 0;
    }
    return a.s[a.n - 1] != '.';
}

/* @timestamp as the full path writes it (parse, format to ms) and reads it back. */
int64_t ct_fs_ts_of(ct_fstr t)
{
    int64_t ms, ms2;
    if (!t.s || ct_time_parse(t.s, t.n, &ms) < 0) return CT_TIME_NONE;
    /* years 0000-9999 format to four digits and read back unchanged */
    if (ms >= -62167219200000LL && ms < 253402300800000LL) return ms;
    char buf[32];
    ct_time_fmt(ms, buf);
    if (ct_time_parse(buf, strlen(buf), &ms2) < 0) return CT_TIME_NONE;
    return ms2;
}

int ct_fs_is_ip(ct_fstr s)
{
    char buf[64];
    unsigned char a[16];
    if (!s.s || s.n >= sizeof buf) return 0;
    memcpy(buf, s.s, s.n);
    buf[s.n] = 0;
    return inet_pton(AF_INET, buf, a) == 1 || inet_pton(AF_INET6, buf, a) == 1;
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

/* ct_norm_ms_unquote: "\"x\"" is x ("" none), anything else stays. */
int ct_fs_unquote(ct_fstr s, ct_fstr *out)
{
    *out = s;
    if (!s.s || s.n < 2 || s.s[0] != '"' || s.s[s.n - 1] != '"') return 0;
    for (uint32_t i = 1; i + 1 < s.n; i++) {
        unsigned char c = (unsigned char)s.s[i];
        if (c == '"' || c == '\\' || c < 0x20) return -1;
    }
    out->s = s.n > 2 ? s.s + 1 : NULL;
    out->n = s.n - 2;
    return 0;
}

/* kv_lookup (norm_azure_extract.c) of one element v (named name in the
 * object form): an object {key, value} matches by its "key" (found
 * case-insensitively: another spelling declines); in the object form a
 * non-empty string matches by its name. 1 found (out set, maybe to none),
 * 0 go on, -1 decline. */
static int kv_one(span v, const char *e, const char *name, size_t nlen, const char *key,
                  ct_fast *o, ct_fstr *out)
{
    static const char *const kv_names[] = {"key", "value"};
    size_t klen = strlen(key);
    if (is_obj(v)) {
        span kv[2];
        ct_fstr k;
        if (ct_fs_obj_get_x(v.v, e, kv_names, 2, kv, 0, 0, 1) != GET_OK || ct_fs_sdec(kv[0], o, &k) < 0)
            return -1;
        if (!k.s || k.n != klen || !ct_strncaseeq(k.s, key, klen)) return 0;
        return ct_fs_sdec(kv[1], o, out) < 0 ? -1 : 1;
    }
    if (!name || !is_str(v) || nlen != klen || !ct_strncaseeq(name, key, klen)) return 0;
    if (ct_fs_sdec(v, o, out) < 0) return -1;
    return out->s != NULL;
}

int ct_fs_kv_find(span ad, const char *e, const char *key, int obj_ok, ct_fast *o, ct_fstr *out)
{
    out->s = NULL;
    out->n = 0;
    int r = 0;
    if (is_arr(ad)) {
        ARRAY_EACH(ad, e, q, qe) {
            span v = {q, qe};
            if ((r = kv_one(v, e, NULL, 0, key, o, out))) return r;
        }
    } else if (is_obj(ad)) {
        if (!obj_ok) return -1;
        ct_fs_member m;
        OBJ_EACH(ad, e, m)
            if ((r = kv_one(m.v, e, m.k, m.kn, key, o, out))) return r;
    }
    return 0;
}

/* ct_norm_ms_object_type */
int ct_fs_object_type(ct_fstr t, ct_fast *o, ct_fstr *out)
{
    static const char *const m[][2] = {{"Application", "application"},
                                       {"ServicePrincipal", "service_principal"},
                                       {"User", "user"},
                                       {"ManagedIdentity", "managed_identity"}};
    *out = lit(NULL);
    if (!t.s) return 0;
    for (size_t i = 0; i < CT_ARRAY_LEN(m); i++)
        if (fcaseeq(t, m[i][0])) {
            *out = lit(m[i][1]);
            return 0;
        }
    char tmp[128];
    if (t.n >= sizeof tmp || memchr(t.s, 0, t.n)) return -1;
    memcpy(tmp, t.s, t.n);
    tmp[t.n] = 0;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_snake_case(tmp, &b);
    int rc = -1;
    if (b.len && o->scratch_used + b.len <= sizeof o->scratch) {
        char *d = o->scratch + o->scratch_used;
        memcpy(d, b.buf, b.len);
        o->scratch_used += b.len;
        out->s = d;
        out->n = (uint32_t)b.len;
        rc = 0;
    }
    ct_sbuf_free(&b);
    return rc;
}

const char *ct_fs_outcome_word(ct_fstr r)
{
    char buf[16];
    if (!r.s) return NULL;
    if (r.n >= sizeof buf) return "unknown";
    memcpy(buf, r.s, r.n);
    buf[r.n] = 0;
    return ct_outcome_word(buf);
}


int ct_fs_aws_is_root(ct_fstr t, ct_fstr arn)
{
    if (t.s) return feq(t, "Root");
    return arn.s && arn.n >= 13 && !memcmp(arn.s, "arn:aws:iam::", 13) &&
           !memcmp(arn.s + arn.n - 5, ":root", 5);
}

const char *ct_fs_aws_actor_type(ct_fstr t, ct_fstr arn)
{
    if (ct_fs_aws_is_root(t, arn)) return "root";
    static const char *const m[][2] = {
        {"IAMUser", "iam_user"}, {"AssumedRole", "assumed_role"}, {"Root", "root"},
        {"AWSService", "aws_service"}, {"FederatedUser", "federated_user"},
        {"AWSAccount", "aws_account"}, {"IdentityCenterUser", "identity_center_user"},
    };
    for (size_t i = 0; i < CT_ARRAY_LEN(m); i++)
        if (feq(t, m[i][0])) return m[i][1];
    return NULL;
}


/* An integer number span: 1 with *v set; 0 when not a number; -1 decline. */
int ct_fs_int_val(span s, long long *v)
{
    if (!s.v || *s.v == 'n' || *s.v == 't' || *s.v == 'f' || *s.v == '{' || *s.v == '[') return 0;
    if (*s.v == '"') return -1;
    char nb[32];
    size_t nl = (size_t)(s.e - s.v);
    if (nl >= sizeof nb - 1) return -1;
    for (size_t i = 0; i < nl; i++)
        if (!((s.v[i] >= '0' && s.v[i] <= '9') || (i == 0 && s.v[i] == '-'))) return -1;
    memcpy(nb, s.v, nl);
    nb[nl] = 0;
    *v = strtoll(nb, NULL, 10);
    return 1;
}

void ct_fs_signin_entities(ct_fstr *v, const ct_fs_signin *s)
{
    int sp = fcaseeq(s->cat, "ServicePrincipalSignInLogs") || fcaseeq(s->cat, "ManagedIdentitySignInLogs") ||
             (!s->uid.s && !s->upn.s && s->spid.s);
    if (sp) {
        int mi = fcaseeq(s->cat, "ManagedIdentitySignInLogs");
        v[CT_EF_ACTOR_ID] = s->spid.s ? s->spid : s->appid;
        if (s->spid.s) v[CT_EF_ACTOR_ID2] = s->appid;
        v[CT_EF_ACTOR_NAME] = s->spn.s ? s->spn : s->appdn;
        v[CT_EF_ACTOR_TYPE] = lit(mi ? "managed_identity" : "service_principal");
    } else {
        v[CT_EF_ACTOR_ID] = s->uid.s ? s->uid : s->upn;
        v[CT_EF_ACTOR_NAME] = s->upn.s ? s->upn : s->udn;
        if (v[CT_EF_ACTOR_ID].s || v[CT_EF_ACTOR_NAME].s) v[CT_EF_ACTOR_TYPE] = lit("user");
        v[CT_EF_CLIENT_APP] = s->appdn.s ? s->appdn : s->appid;
    }
    v[CT_EF_RESOURCE] = s->rdn.s ? s->rdn : s->rid;
    v[CT_EF_CRED_USED] = s->key;
}

void ct_fs_audit_entities(ct_fstr *v, const ct_fs_audit *a)
{
    if (a->uid.s || a->upn.s) {
        v[CT_EF_ACTOR_ID] = a->uid.s ? a->uid : a->upn;
        v[CT_EF_ACTOR_NAME] = a->upn.s ? a->upn : a->udn;
        v[CT_EF_ACTOR_TYPE] = lit("user");
        if (ct_fs_is_ip(a->uip) || ct_ip_shaped(a->uip.s, a->uip.n)) v[CT_EF_ACTOR_IP] = a->uip;
    } else if (a->spid.s || a->appid.s || a->adn.s) {
        int mi = fcaseeq(a->adn, "Managed Service Identity") || fcaseeq(a->ident, "Managed Service Identity");
        v[CT_EF_ACTOR_ID] = a->spid.s ? a->spid : a->appid;
        if (a->spid.s) v[CT_EF_ACTOR_ID2] = a->appid;
        v[CT_EF_ACTOR_NAME] = a->adn.s ? a->adn : a->aspn;
        v[CT_EF_ACTOR_TYPE] = lit(mi ? "managed_identity" : "service_principal");
    }
    v[CT_EF_ACTOR_UA] = a->ua;
    v[CT_EF_TARGET_ID] = a->tid;
    v[CT_EF_TARGET_NAME] = a->tname;
    v[CT_EF_TARGET_TYPE] = a->ttype;
    v[CT_EF_TARGET_APP_ID] = a->app_id;
    v[CT_EF_CHANGE_ID] = a->corr;
}

int ct_fs_iam_user_id(ct_fast *o, ct_fstr acct, ct_fstr name, ct_fstr *out)
{
    *out = name;
    if (!name.s || !acct.s) return 0;
    static const char a[] = "arn:aws:iam::", b[] = ":user/";
    size_t n = sizeof a - 1 + acct.n + sizeof b - 1 + name.n;
    if (o->scratch_used + n > sizeof o->scratch) return -1;
    char *d = o->scratch + o->scratch_used;
    memcpy(d, a, sizeof a - 1);
    memcpy(d + sizeof a - 1, acct.s, acct.n);
    memcpy(d + sizeof a - 1 + acct.n, b, sizeof b - 1);
    memcpy(d + sizeof a - 1 + acct.n + sizeof b - 1, name.s, name.n);
    o->scratch_used += n;
    out->s = d;
    out->n = (uint32_t)n;
    return 0;
}

int ct_fs_gcp_sa_of(ct_fstr rname, ct_fstr *out)
{
    static const char k[] = "serviceAccounts/";
    out->s = NULL;
    out->n = 0;
    for (uint32_t i = 0; rname.s && i + sizeof k - 1 <= rname.n; i++) {
        if (memcmp(rname.s + i, k, sizeof k - 1)) continue;
        const char *p = rname.s + i + sizeof k - 1, *e = rname.s + rname.n, *q = p;
        while (q < e && *q != '/') q++;
        if (q > p && !(q - p == 1 && *p == '-')) {
            out->s = p;
            out->n = (uint32_t)(q - p);
        }
        return 0;
    }
    return 0;
}

void ct_fs_gcp_principal(ct_fast *o, ct_fstr email, ct_fstr keyname)
{
    ct_fstr *v = o->v;
    if (email.s) {
        static const char sa[] = ".gserviceaccount.com";
        v[CT_EF_ACTOR_ID] = v[CT_EF_ACTOR_NAME] = email;
        v[CT_EF_ACTOR_TYPE] = lit(email.n >= sizeof sa - 1 &&
                                          !memcmp(email.s + email.n - (sizeof sa - 1), sa, sizeof sa - 1)
                                      ? "service_account" : "user");
        o->is_signin = 1;
    }
    if (keyname.s) {
        ct_fstr used = keyname;
        for (uint32_t i = keyname.n; i > 0; i--)
            if (keyname.s[i - 1] == '/') {
                used.s = keyname.s + i;
                used.n = keyname.n - i;
                if (!used.n) used.s = NULL;
                break;
            }
        v[CT_EF_CRED_USED] = used;
    }
}
