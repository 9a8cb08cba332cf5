/* fastscan: fields of Azure sign-in and CloudTrail records without cJSON.
 *
 * Every rule here mirrors the full path (norm_azure.c signin_to_ecs +
 * ct_extract_azure_signin, norm_aws.c ct_norm_cloudtrail +
 * ct_extract_cloudtrail, norm_gcp.c ct_norm_gcp + ct_extract_gcp, norm.c
 * ct_fields_from_ecs). Whenever a record is
 * not plainly one of the handled shapes, the answer is 0 and the caller
 * normalizes it the slow way, so declining is always safe; accepting must be
 * exact. In particular the record must be strictly valid JSON (stricter than
 * cJSON: whatever cJSON rejects is declined here too), keys may not hold
 * escapes, a field's string may not hold an escape, and a key that a field is
 * read from may not appear twice. */
#include "fastscan.h"

#include <arpa/inet.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

int ct_fast_enabled(void)
{
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("CREDTRIAGE_NOFAST");
        on = !(e && *e && strcmp(e, "0"));
    }
    return on;
}

/* ---- strict validation ---- */

static const char *ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The end of every string and container of the record being read, by its
 * offset from the record's start (written by the validator, read by
 * skip_val), so later lookups never rescan a value. Records of 64 KiB and
 * more go without it. */
#define ENDS_MAX 65535u
static _Thread_local uint16_t t_ends[ENDS_MAX + 1];
static _Thread_local const char *t_base;
static _Thread_local int t_have_ends;

static inline void note_end(const char *s, const char *end)
{
    if (t_have_ends) t_ends[s - t_base] = (uint16_t)(end - t_base);
}

/* The first '"', '\\' or control character at or after p, or e. */
static inline const char *str_stop(const char *p, const char *e)
{
#ifdef __SSE2__
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, q), _mm_cmpeq_epi8(x, bs)),
                                 _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl));
        int bits = _mm_movemask_epi8(m);
        if (bits) return p + __builtin_ctz((unsigned)bits);
        p += 16;
    }
#endif
    while (p < e) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\' || c < 0x20) break;
        p++;
    }
    return p;
}

/* p at '"'; the end after the closing quote, or NULL. Keys may not hold escapes. */
static const char *v_str(const char *p, const char *e, int key)
{
    const char *s = p;
    p++;
    for (;;) {
        p = str_stop(p, e);
        if (p >= e) return NULL;
        if (*p == '"') {
            note_end(s, p + 1);
            return p + 1;
        }
        if (*p != '\\' || key) return NULL;
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
    case '"': return v_str(p, e, 0);
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
                if (p >= e || *p != '"' || !(p = v_str(p, e, 1))) return NULL;
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

/* ---- lookups in validated JSON ---- */

typedef struct span {
    const char *v, *e; /* the value's bytes; v NULL when absent */
} span;

static const char *skip_str(const char *p, const char *e)
{
    p++;
    for (;;) {
        const char *q = memchr(p, '"', (size_t)(e - p));
        if (!q) return e;
        const char *b = q;
        while (b > p && b[-1] == '\\') b--;
        if (((q - b) & 1) == 0) return q + 1;
        p = q + 1;
    }
}

static const char *skip_val(const char *p, const char *e)
{
    if (t_have_ends && (*p == '"' || *p == '{' || *p == '[')) return t_base + t_ends[p - t_base];
    if (*p == '"') return skip_str(p, e);
    if (*p == '{' || *p == '[') {
        int d = 0;
        while (p < e) {
            char c = *p;
            if (c == '"') {
                p = skip_str(p, e);
                continue;
            }
            if (c == '{' || c == '[') d++;
            else if ((c == '}' || c == ']') && --d == 0) return p + 1;
            p++;
        }
        return e;
    }
    while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\t' &&
           *p != '\n' && *p != '\r')
        p++;
    return p;
}

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

enum { GET_OK = 0, GET_DUP = -1, GET_UNKNOWN = -2 };

static int obj_get_x(const char *p, const char *e, const char *const *names, size_t n, span *out,
                     int fold, int strict, int icase_guard);

/* One pass over the members of the object at p: out[i] is the value of the
 * key names[i] (after folding when fold). A second occurrence of a wanted key
 * gives GET_DUP; with strict, a key not in names gives GET_UNKNOWN. */
static int obj_get(const char *p, const char *e, const char *const *names, size_t n, span *out,
                   int fold, int strict)
{
    return obj_get_x(p, e, names, n, out, fold, strict, 0);
}

/* The same, and with icase_guard a key equal to a wanted one but for case
 * also declines (the full path looks some keys up case-insensitively). */
static int obj_get_x(const char *p, const char *e, const char *const *names, size_t n, span *out,
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
        const char *ke = t_have_ends ? t_base + t_ends[p - t_base] - 1 : memchr(k, '"', (size_t)(e - k));
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

static int is_obj(span s) { return s.v && *s.v == '{'; }
static int is_str(span s) { return s.v && *s.v == '"'; }

/* A string field as ct_json_str sees it: NULL for non-strings and "".
 * -1 when the string holds an escape (decline). */
static int sval(span s, ct_fstr *out)
{
    out->s = NULL;
    out->n = 0;
    if (!is_str(s)) return 0;
    const char *b = s.v + 1;
    size_t n = (size_t)(s.e - 1 - b);
    if (memchr(b, '\\', n)) return -1;
    if (n) {
        out->s = b;
        out->n = (uint32_t)n;
    }
    return 0;
}

static ct_fstr lit(const char *s)
{
    ct_fstr f = {s, s ? (uint32_t)strlen(s) : 0};
    return f;
}

static int feq(ct_fstr a, const char *b)
{
    return a.s && strlen(b) == a.n && !memcmp(a.s, b, a.n);
}

static int fcaseeq(ct_fstr a, const char *b)
{
    return a.s && strlen(b) == a.n && ct_strncaseeq(a.s, b, a.n);
}

/* ct_norm_action() leaves the string as it is: printable ASCII, single inner
 * spaces, no trailing '.'. Anything else is declined. */
static int fold_is_identity(ct_fstr a)
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
static int64_t ts_of(ct_fstr t)
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

static int is_ip(ct_fstr s)
{
    char buf[64];
    unsigned char a[16];
    if (!s.s || s.n >= sizeof buf) return 0;
    memcpy(buf, s.s, s.n);
    buf[s.n] = 0;
    return inet_pton(AF_INET, buf, a) == 1 || inet_pton(AF_INET6, buf, a) == 1;
}

#define S(span_, dst) do { if (sval((span_), (dst)) < 0) return 0; } while (0)

/* ---- Azure diagnostic sign-in records ---- */

static const char *const az_top[] = {
    "time", "category", "operationName", "callerIpAddress", "properties", "resourceId",
    "operationVersion", "tenantId", "resultType", "resultSignature", "resultDescription",
    "durationMs", "correlationId", "identity", "Level", "location",
};
enum { AZ_TIME, AZ_CAT, AZ_OP, AZ_CALLER_IP, AZ_PROPS, AZ_RESOURCE_ID, AZ_IDENTITY = 13 };

static const char *const az_props[] = {
    "id", "service_principal_id", "service_principal_name", "user_id", "user_principal_name",
    "app_id", "app_display_name", "user_display_name", "service_principal_credential_key_id",
    "status", "ipaddress", "ip_address", "user_agent",
};
enum { P_ID, P_SPID, P_SPN, P_UID, P_UPN, P_APPID, P_APPDN, P_UDN, P_KEY, P_STATUS, P_IPADDR,
       P_IP_ADDR, P_UA, P__N };

static int signin_category(ct_fstr c)
{
    return c.s && c.n >= 10 && ct_strncaseeq(c.s + c.n - 10, "SignInLogs", 10);
}

static int fast_signin(const span *top, const char *e, ct_fast *o)
{
    ct_fstr cat, t, op, caller;
    S(top[AZ_CAT], &cat);
    if (!signin_category(cat)) return 0; /* AuditLogs and the rest: full path */
    if (!top[AZ_PROPS].v && !top[AZ_OP].v && !top[AZ_RESOURCE_ID].v && !top[AZ_TIME].v) return 0;
    S(top[AZ_TIME], &t);
    S(top[AZ_OP], &op);
    S(top[AZ_CALLER_IP], &caller);
    if (is_str(top[AZ_TIME]) && !t.s) return 0; /* "" time: keep it simple */
    if (!fold_is_identity(op)) return 0;

    span P[P__N];
    for (int i = 0; i < P__N; i++) P[i].v = P[i].e = NULL;
    if (is_str(top[AZ_PROPS])) return 0; /* properties as a JSON string */
    if (is_obj(top[AZ_PROPS]) &&
        obj_get(top[AZ_PROPS].v, e, az_props, P__N, P, 1, 0) != GET_OK)
        return 0;
    ct_fstr id, spid, spn, uid, upn, appid, appdn, udn, key, ip1, ip2, ua;
    S(P[P_ID], &id);
    S(P[P_SPID], &spid);
    S(P[P_SPN], &spn);
    S(P[P_UID], &uid);
    S(P[P_UPN], &upn);
    S(P[P_APPID], &appid);
    S(P[P_APPDN], &appdn);
    S(P[P_UDN], &udn);
    S(P[P_KEY], &key);
    S(P[P_IPADDR], &ip1);
    S(P[P_IP_ADDR], &ip2);
    S(P[P_UA], &ua);

    /* outcome from status.error_code (an integer; anything else declines) */
    int has_ec = 0;
    long long ec = 0;
    if (is_str(P[P_STATUS])) return 0;
    if (is_obj(P[P_STATUS])) {
        static const char *const st_keys[] = {"error_code"};
        span ecs;
        if (obj_get(P[P_STATUS].v, e, st_keys, 1, &ecs, 1, 0) != GET_OK) return 0;
        if (ecs.v && *ecs.v != 'n' && *ecs.v != 't' && *ecs.v != 'f' && *ecs.v != '{' &&
            *ecs.v != '[') {
            if (*ecs.v == '"') return 0;
            char nb[32];
            size_t nl = (size_t)(ecs.e - ecs.v);
            if (nl >= sizeof nb - 1) return 0;
            for (size_t i = 0; i < nl; i++)
                if (!((ecs.v[i] >= '0' && ecs.v[i] <= '9') || (i == 0 && ecs.v[i] == '-'))) return 0;
            memcpy(nb, ecs.v, nl);
            nb[nl] = 0;
            ec = strtoll(nb, NULL, 10);
            has_ec = 1;
        }
    }

    o->kind = CT_KIND_AZURE_DIAG;
    o->ts = ts_of(t);
    o->is_signin = 1;
    ct_fstr *v = o->v;
    v[CT_EF_DATASET] = lit("azure.signinlogs");
    v[CT_EF_ACTION] = op;
    v[CT_EF_OUTCOME] = lit(!has_ec || ec == 0 ? "success" : "failure");
    v[CT_EF_RECORD_ID] = id;
    int sp = fcaseeq(cat, "ServicePrincipalSignInLogs") || fcaseeq(cat, "ManagedIdentitySignInLogs") ||
             (!uid.s && !upn.s && spid.s);
    if (sp) {
        int mi = fcaseeq(cat, "ManagedIdentitySignInLogs");
        v[CT_EF_ACTOR_ID] = spid.s ? spid : appid;
        v[CT_EF_ACTOR_NAME] = spn.s ? spn : appdn;
        v[CT_EF_ACTOR_TYPE] = lit(mi ? "managed_identity" : "service_principal");
        v[CT_EF_TARGET_ID] = spid;
        v[CT_EF_TARGET_NAME] = v[CT_EF_ACTOR_NAME];
        v[CT_EF_TARGET_TYPE] = v[CT_EF_ACTOR_TYPE];
    } else {
        v[CT_EF_ACTOR_ID] = uid.s ? uid : upn;
        v[CT_EF_ACTOR_NAME] = upn.s ? upn : udn;
        if (v[CT_EF_ACTOR_ID].s || v[CT_EF_ACTOR_NAME].s) v[CT_EF_ACTOR_TYPE] = lit("user");
        v[CT_EF_TARGET_ID] = appid;
        v[CT_EF_TARGET_NAME] = appdn;
        if (appid.s) v[CT_EF_TARGET_TYPE] = lit("application");
    }
    v[CT_EF_TARGET_APP_ID] = appid;
    v[CT_EF_CRED_USED] = key;
    v[CT_EF_ACTOR_IP] = ip1.s ? ip1 : ip2.s ? ip2 : caller;
    v[CT_EF_ACTOR_UA] = ua;
    /* ct_fields_from_ecs fallbacks: user.id, then user.name (the UPN's local part) */
    if (!v[CT_EF_ACTOR_ID].s) v[CT_EF_ACTOR_ID] = uid;
    if (!v[CT_EF_ACTOR_NAME].s && upn.s) {
        const char *at = memchr(upn.s, '@', upn.n);
        ct_fstr name = upn;
        if (at && at > upn.s && at + 1 < upn.s + upn.n) name.n = (uint32_t)(at - upn.s);
        v[CT_EF_ACTOR_NAME] = name;
    }
    return 1;
}

/* ---- Azure diagnostic AuditLogs records (norm_azure.c audit_to_ecs +
 * norm_azure_extract.c ct_extract_azure_audit) ---- */

/* The properties keys the extraction reads; the snake_case spellings after
 * AP__READ would shadow the renamed ones in the ECS document: declined. */
static const char *const au_props[] = {
    "id", "result", "initiatedBy", "additionalDetails", "userAgent", "targetResources",
    "initiated_by", "additional_details", "user_agent", "target_resources",
};
enum { AP_ID, AP_RESULT, AP_IB, AP_AD, AP_UA, AP_TR, AP__READ, AP__N = AP__READ + 4 };

static const char *const au_ib[] = {"user", "app"};
static const char *const au_user[] = {"id", "objectId", "userPrincipalName", "user_principal_name",
                                      "displayName", "display_name", "ipAddress", "ip_address"};
static const char *const au_app[] = {"servicePrincipalId", "service_principal_id", "appId", "app_id",
                                     "displayName", "display_name", "servicePrincipalName",
                                     "service_principal_name"};
static const char *const au_target[] = {"displayName", "id", "type", "userPrincipalName",
                                        "modifiedProperties"};
enum { AT_DN, AT_ID, AT_TYPE, AT_UPN, AT_MODS, AT__N };
static const char *const au_mod[] = {"displayName", "newValue"};
static const char *const au_kv[] = {"key", "value"};

/* ct_json_str(a) else ct_json_str(b) */
static int str2(span a, span b, ct_fstr *out)
{
    if (sval(a, out) < 0) return -1;
    if (!out->s && sval(b, out) < 0) return -1;
    return 0;
}

/* A string value decoded (simple escapes only; \u declines) into o->scratch. */
static int sdec(span s, ct_fast *o, ct_fstr *out)
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
static int unquote(ct_fstr s, ct_fstr *out)
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

/* kv_lookup over additionalDetails ([{key, value}]): 1 found (the value may
 * be none), 0 not there, -1 decline. */
static int kv_find(span ad, const char *e, const char *key, ct_fstr *out)
{
    size_t klen = strlen(key);
    out->s = NULL;
    out->n = 0;
    if (!ad.v || *ad.v != '[') return ad.v && *ad.v == '{' ? -1 : 0;
    const char *q = ws(ad.v + 1, e);
    if (q < e && *q == ']') return 0;
    while (q < e) {
        const char *qe = skip_val(q, e);
        if (*q == '{') {
            span kv[2];
            ct_fstr k;
            if (obj_get_x(q, e, au_kv, 2, kv, 0, 0, 1) != GET_OK || sval(kv[0], &k) < 0) return -1;
            if (k.s && k.n == klen && ct_strncaseeq(k.s, key, klen)) return sval(kv[1], out) < 0 ? -1 : 1;
        }
        q = ws(qe, e);
        if (q >= e || *q != ',') break;
        q = ws(q + 1, e);
    }
    return 0;
}

/* ct_norm_ms_object_type */
static int object_type(ct_fstr t, ct_fast *o, ct_fstr *out)
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

static const char *outcome_word(ct_fstr r)
{
    char buf[16];
    if (!r.s) return NULL;
    if (r.n >= sizeof buf) return "unknown";
    memcpy(buf, r.s, r.n);
    buf[r.n] = 0;
    return ct_outcome_word(buf);
}

/* Walk the elements of the array at a ('[' expected): fn per element. */
#define ARRAY_EACH(a, e, q, qe)                                                                   \
    for (const char *q = ws((a).v + 1, e), *qe = q < e && *q != ']' ? skip_val(q, e) : NULL; qe; \
         q = ws(qe, e), q = q < e && *q == ',' ? ws(q + 1, e) : NULL,                             \
                    qe = q && q < e ? skip_val(q, e) : NULL)

static int fast_audit(const span *top, const char *e, ct_fast *o)
{
    ct_fstr t, op, caller, ident;
    S(top[AZ_TIME], &t);
    S(top[AZ_OP], &op);
    S(top[AZ_CALLER_IP], &caller);
    S(top[AZ_IDENTITY], &ident);
    if (is_str(top[AZ_TIME]) && !t.s) return 0;
    if (top[AZ_OP].v && !is_str(top[AZ_OP])) return 0; /* numeric operation names: full path */
    if (!fold_is_identity(op)) return 0;
    /* credential operations are rare: the full path reads their key lists */
    if (fcaseeq(op, "Add service principal credentials")) return 0;
    if (!is_obj(top[AZ_PROPS])) return 0;
    span P[AP__N];
    if (obj_get(top[AZ_PROPS].v, e, au_props, AP__N, P, 0, 0) != GET_OK) return 0;
    for (int i = AP__READ; i < AP__N; i++)
        if (P[i].v) return 0;
    ct_fstr rid, res;
    S(P[AP_ID], &rid);
    S(P[AP_RESULT], &res);

    /* actor: initiatedBy.user, else initiatedBy.app */
    ct_fstr uid = {0}, upn = {0}, udn = {0}, uip = {0}, spid = {0}, appid = {0}, adn = {0}, aspn = {0};
    if (is_obj(P[AP_IB])) {
        span IB[2];
        if (obj_get(P[AP_IB].v, e, au_ib, 2, IB, 0, 0) != GET_OK) return 0;
        if (is_obj(IB[0])) {
            span U[8];
            if (obj_get(IB[0].v, e, au_user, 8, U, 0, 0) != GET_OK) return 0;
            if (str2(U[0], U[1], &uid) < 0 || str2(U[2], U[3], &upn) < 0 ||
                str2(U[4], U[5], &udn) < 0 || str2(U[6], U[7], &uip) < 0)
                return 0;
        }
        if (is_obj(IB[1])) {
            span A[8];
            if (obj_get(IB[1].v, e, au_app, 8, A, 0, 0) != GET_OK) return 0;
            if (str2(A[0], A[1], &spid) < 0 || str2(A[2], A[3], &appid) < 0 ||
                str2(A[4], A[5], &adn) < 0 || str2(A[6], A[7], &aspn) < 0)
                return 0;
        }
    }
    ct_fstr ua, kv_app;
    int r = kv_find(P[AP_AD], e, "User-Agent", &ua);
    if (r < 0) return 0;
    if (!ua.s) S(P[AP_UA], &ua);
    r = kv_find(P[AP_AD], e, "AppId", &kv_app);
    if (r < 0) return 0;

    /* targets: the first application / service principal, else the first;
     * every modified property is looked at (credential diffs decline) */
    span t0 = {NULL, NULL}, tsel = {NULL, NULL};
    ct_fstr mod_app = {0};
    if (P[AP_TR].v && *P[AP_TR].v == '[') {
        ARRAY_EACH(P[AP_TR], e, q, qe) {
            span T[AT__N];
            span el = {q, qe};
            if (!t0.v) t0 = el;
            if (*q != '{') continue;
            if (obj_get(q, e, au_target, AT__N, T, 0, 0) != GET_OK) return 0;
            ct_fstr ty;
            S(T[AT_TYPE], &ty);
            if (!tsel.v && (fcaseeq(ty, "Application") || fcaseeq(ty, "ServicePrincipal"))) tsel = el;
            if (!T[AT_MODS].v || *T[AT_MODS].v != '[') continue;
            ARRAY_EACH(T[AT_MODS], e, mq, mqe) {
                if (*mq != '{') continue;
                span M[2];
                ct_fstr name, nv;
                if (obj_get(mq, e, au_mod, 2, M, 0, 0) != GET_OK) return 0;
                S(M[0], &name);
                if (!name.s) continue;
                if (feq(name, "KeyDescription") || feq(name, "FederatedIdentityCredentials")) return 0;
                if (mod_app.s) continue;
                int spn = feq(name, "TargetId.ServicePrincipalNames");
                if (!spn && !fcaseeq(name, "AppId")) continue;
                if (sdec(M[1], o, &nv) < 0 || unquote(nv, &mod_app) < 0) return 0;
                if (spn && mod_app.s) {
                    uint32_t n = 0;
                    while (n < mod_app.n && mod_app.s[n] != ';') n++;
                    while (n && mod_app.s[n - 1] == ' ') n--;
                    mod_app.n = n;
                    if (!n) mod_app.s = NULL;
                }
            }
        }
    }
    if (!tsel.v) tsel = t0;
    ct_fstr tid = {0}, tname = {0}, ttype = {0};
    if (tsel.v && *tsel.v == '{') {
        span T[AT__N];
        if (obj_get(tsel.v, e, au_target, AT__N, T, 0, 0) != GET_OK) return 0;
        ct_fstr ty;
        S(T[AT_ID], &tid);
        if (str2(T[AT_DN], T[AT_UPN], &tname) < 0) return 0;
        S(T[AT_TYPE], &ty);
        if (object_type(ty, o, &ttype) < 0) return 0;
    }

    o->kind = CT_KIND_AZURE_DIAG;
    o->ts = ts_of(t);
    ct_fstr *v = o->v;
    v[CT_EF_DATASET] = lit("azure.auditlogs");
    v[CT_EF_ACTION] = op;
    v[CT_EF_OUTCOME] = lit(outcome_word(res));
    v[CT_EF_RECORD_ID] = rid;
    if (uid.s || upn.s) {
        v[CT_EF_ACTOR_ID] = uid.s ? uid : upn;
        v[CT_EF_ACTOR_NAME] = upn.s ? upn : udn;
        v[CT_EF_ACTOR_TYPE] = lit("user");
        v[CT_EF_ACTOR_IP] = uip;
    } else if (spid.s || appid.s || adn.s) {
        int mi = fcaseeq(adn, "Managed Service Identity") || fcaseeq(ident, "Managed Service Identity");
        v[CT_EF_ACTOR_ID] = spid.s ? spid : appid;
        v[CT_EF_ACTOR_NAME] = adn.s ? adn : aspn;
        v[CT_EF_ACTOR_TYPE] = lit(mi ? "managed_identity" : "service_principal");
    }
    v[CT_EF_ACTOR_UA] = ua;
    v[CT_EF_TARGET_ID] = tid;
    v[CT_EF_TARGET_NAME] = tname;
    v[CT_EF_TARGET_TYPE] = ttype;
    v[CT_EF_TARGET_APP_ID] = kv_app.s ? kv_app : mod_app;
    /* ct_fields_from_ecs fallback: source.ip from callerIpAddress */
    if (!v[CT_EF_ACTOR_IP].s && is_ip(caller)) v[CT_EF_ACTOR_IP] = caller;
    return 1;
}

static int fast_azure(const span *top, const char *e, ct_fast *o)
{
    ct_fstr cat;
    S(top[AZ_CAT], &cat);
    if (fcaseeq(cat, "AuditLogs")) return fast_audit(top, e, o);
    return fast_signin(top, e, o);
}

/* ---- CloudTrail ---- */

static const char *const ct_top[] = {
    "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "sourceIPAddress",
    "userAgent", "errorCode", "errorMessage", "requestParameters", "responseElements", "eventID",
    "awsRegion", "additionalEventData", "requestID", "readOnly", "resources", "eventType",
    "apiVersion", "managementEvent", "recipientAccountId", "sharedEventID", "vpcEndpointId",
    "eventCategory", "tlsDetails", "serviceEventDetails", "sessionCredentialFromConsole",
};
enum { T_VERSION, T_UI, T_TIME, T_SOURCE, T_NAME, T_SIP, T_UA, T_ERRC, T_ERRM, T_REQ, T_RESP,
       T_ID };

static const char *const ct_ui[] = {"type", "arn", "principalId", "userName", "accessKeyId",
                                    "invokedBy", "sessionContext"};
enum { U_TYPE, U_ARN, U_PID, U_UNAME, U_AKID, U_INVOKED, U_SC, U__N };

static const char *actor_type_of(ct_fstr t)
{
    static const char *const m[][2] = {
        {"IAMUser", "iam_user"}, {"AssumedRole", "assumed_role"}, {"Root", "root"},
        {"AWSService", "aws_service"}, {"FederatedUser", "federated_user"},
        {"AWSAccount", "aws_account"}, {"IdentityCenterUser", "identity_center_user"},
    };
    for (size_t i = 0; i < CT_ARRAY_LEN(m); i++)
        if (feq(t, m[i][0])) return m[i][1];
    return NULL;
}

/* obj.k1.k2... : the value span, or absent; GET_DUP declines. */
static int path_get(span obj, const char *e, const char *const *keys, size_t n, span *out)
{
    out->v = out->e = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!is_obj(obj)) return GET_OK;
        span s;
        if (obj_get(obj.v, e, &keys[i], 1, &s, 0, 0) != GET_OK) return GET_DUP;
        obj = s;
    }
    *out = obj;
    return GET_OK;
}

static int fast_cloudtrail(const span *top, const char *e, ct_fast *o)
{
    ct_fstr src, name, ver, tm, sip, ua, errc, errm, evid;
    S(top[T_SOURCE], &src);
    S(top[T_NAME], &name);
    S(top[T_VERSION], &ver);
    S(top[T_TIME], &tm);
    if (!src.s || !name.s || !(ver.s || tm.s || top[T_UI].v)) return 0;
    static const char *const special[] = {"ConsoleLogin", "CreateAccessKey", "CreateLoginProfile",
                                          "UpdateLoginProfile", "GetFederationToken",
                                          "CreateKeyPair", "ImportKeyPair"};
    for (size_t i = 0; i < CT_ARRAY_LEN(special); i++)
        if (feq(name, special[i])) return 0;
    if (!fold_is_identity(name)) return 0;
    S(top[T_SIP], &sip);
    S(top[T_UA], &ua);
    S(top[T_ERRC], &errc);
    S(top[T_ERRM], &errm);
    S(top[T_ID], &evid);

    ct_fstr type = {0}, arn = {0}, pid = {0}, uname = {0}, akid = {0}, invoked = {0};
    if (is_obj(top[T_UI])) {
        span U[U__N];
        if (obj_get(top[T_UI].v, e, ct_ui, U__N, U, 0, 0) != GET_OK) return 0;
        S(U[U_TYPE], &type);
        S(U[U_ARN], &arn);
        S(U[U_PID], &pid);
        S(U[U_UNAME], &uname);
        S(U[U_AKID], &akid);
        S(U[U_INVOKED], &invoked);
        static const char *const issuer[] = {"sessionIssuer", "userName"};
        span is;
        if (path_get(U[U_SC], e, issuer, 2, &is) != GET_OK) return 0;
        ct_fstr iname;
        S(is, &iname);
        if (iname.s) uname = iname;
    }
    /* request / response: the pipeline flattens them only when their Java
     * toString() is under 32766 bytes; long ones are declined */
    ct_fstr req_user = {0}, target_uid = {0};
    if (is_obj(top[T_REQ])) {
        if (top[T_REQ].e - top[T_REQ].v > 3000) return 0;
        static const char *const k[] = {"userName"};
        span s;
        if (path_get(top[T_REQ], e, k, 1, &s) != GET_OK) return 0;
        S(s, &req_user);
    }
    if (is_obj(top[T_RESP])) {
        if (top[T_RESP].e - top[T_RESP].v > 3000) return 0;
        static const char *const k[] = {"user", "userId"};
        span s;
        if (path_get(top[T_RESP], e, k, 2, &s) != GET_OK) return 0;
        S(s, &target_uid);
    }

    o->kind = CT_KIND_CLOUDTRAIL;
    o->ts = ts_of(tm);
    ct_fstr *v = o->v;
    v[CT_EF_DATASET] = lit("aws.cloudtrail");
    v[CT_EF_ACTION] = name;
    v[CT_EF_OUTCOME] = lit(errc.s || errm.s ? "failure" : "success");
    v[CT_EF_RECORD_ID] = evid;
    v[CT_EF_ACTOR_TYPE] = lit(actor_type_of(type));
    v[CT_EF_ACTOR_ID] = arn.s ? arn : pid;
    if (feq(type, "Root")) v[CT_EF_ACTOR_NAME] = lit("root");
    else if (feq(type, "AWSService")) v[CT_EF_ACTOR_NAME] = invoked;
    else v[CT_EF_ACTOR_NAME] = uname;
    if (!v[CT_EF_ACTOR_ID].s && feq(type, "AWSService")) v[CT_EF_ACTOR_ID] = v[CT_EF_ACTOR_NAME];
    if (is_ip(sip)) v[CT_EF_ACTOR_IP] = sip;
    v[CT_EF_ACTOR_UA] = ua;
    v[CT_EF_CRED_USED] = akid;
    if (type.s && !feq(type, "AWSService") && (akid.s || arn.s || pid.s)) o->is_signin = 1;
    if (req_user.s) {
        v[CT_EF_TARGET_NAME] = req_user;
        v[CT_EF_TARGET_ID] = target_uid.s ? target_uid : req_user;
        v[CT_EF_TARGET_TYPE] = lit("iam_user");
    }
    /* ct_fields_from_ecs fallbacks */
    if (!v[CT_EF_ACTOR_ID].s) v[CT_EF_ACTOR_ID] = pid;
    if (!v[CT_EF_ACTOR_NAME].s) v[CT_EF_ACTOR_NAME] = uname;
    return 1;
}

/* ---- GCP Cloud Audit Log entries (protoPayload, camelCase) ---- */

static const char *const g_top[] = {"protoPayload", "insertId", "timestamp", "resource", "severity",
                                    "logName", "receiveTimestamp", "labels"};
enum { G_PP, G_INSERT, G_TS };

static const char *const g_pp[] = {"@type", "authenticationInfo", "requestMetadata", "methodName",
                                   "status", "authorizationInfo", "at_sign_type"};
enum { GP_TYPE, GP_AUTHN, GP_RM, GP_METHOD, GP_STATUS, GP_AUTHZ, GP_ATSIGN, GP__N };

/* An integer number span: 1 with *v set; 0 when not a number; -1 decline. */
static int int_val(span s, long long *v)
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

static int fast_gcp(const span *top, const char *e, ct_fast *o)
{
    if (!is_obj(top[G_PP])) return 0;
    span P[GP__N];
    if (obj_get_x(top[G_PP].v, e, g_pp, GP__N, P, 0, 0, 1) != GET_OK) return 0;
    ct_fstr type, method, insert, ts;
    S(P[GP_TYPE], &type);
    if (P[GP_ATSIGN].v || !feq(type, "type.googleapis.com/google.cloud.audit.AuditLog")) return 0;
    S(P[GP_METHOD], &method);
    S(top[G_INSERT], &insert);
    S(top[G_TS], &ts);
    if (!fold_is_identity(method)) return 0;
    /* credential methods take the full path */
    for (uint32_t i = 0; method.s && i + 17 <= method.n; i++)
        if (!memcmp(method.s + i, "ServiceAccountKey", 17)) return 0;
    for (uint32_t i = 0; method.s && i + 18 <= method.n; i++)
        if (!memcmp(method.s + i, "ImportSshPublicKey", 18)) return 0;

    ct_fstr email = {0}, keyname = {0}, ip = {0}, ua = {0};
    if (is_obj(P[GP_AUTHN])) {
        static const char *const k[] = {"principalEmail", "serviceAccountKeyName"};
        span A[2];
        if (obj_get_x(P[GP_AUTHN].v, e, k, 2, A, 0, 0, 0) != GET_OK) return 0;
        S(A[0], &email);
        S(A[1], &keyname);
    }
    if (is_obj(P[GP_RM])) {
        static const char *const k[] = {"callerIp", "callerSuppliedUserAgent"};
        span R[2];
        if (obj_get_x(P[GP_RM].v, e, k, 2, R, 0, 0, 1) != GET_OK) return 0;
        S(R[0], &ip);
        S(R[1], &ua);
    }
    /* outcome: status.code, else the one authorizationInfo's granted */
    const char *outcome = "unknown";
    int have_code = 0;
    long long code = 0;
    if (is_obj(P[GP_STATUS])) {
        static const char *const k[] = {"code"};
        span c;
        if (obj_get_x(P[GP_STATUS].v, e, k, 1, &c, 0, 0, 0) != GET_OK) return 0;
        int r = int_val(c, &code);
        if (r < 0) return 0;
        have_code = r;
    }
    if (have_code) {
        outcome = code == 0 ? "success" : "failure";
    } else if (P[GP_AUTHZ].v && *P[GP_AUTHZ].v == '[') {
        const char *q = ws(P[GP_AUTHZ].v + 1, e);
        if (q < e && *q != ']') {
            const char *qe = skip_val(q, e);
            const char *after = ws(qe, e);
            if (after < e && *after == ']' && *q == '{') { /* exactly one element, an object */
                static const char *const k[] = {"granted"};
                span g;
                if (obj_get_x(q, e, k, 1, &g, 0, 0, 0) != GET_OK) return 0;
                if (g.v && g.e - g.v == 4 && !memcmp(g.v, "true", 4)) outcome = "success";
                else if (g.v && g.e - g.v == 5 && !memcmp(g.v, "false", 5)) outcome = "failure";
            }
        }
    }

    o->kind = CT_KIND_GCP;
    o->ts = ts_of(ts);
    ct_fstr *v = o->v;
    v[CT_EF_DATASET] = lit("gcp.audit");
    v[CT_EF_ACTION] = method;
    v[CT_EF_OUTCOME] = lit(outcome);
    v[CT_EF_RECORD_ID] = insert;
    if (email.s) {
        static const char sa[] = ".gserviceaccount.com";
        v[CT_EF_ACTOR_ID] = v[CT_EF_ACTOR_NAME] = email;
        v[CT_EF_ACTOR_TYPE] = lit(email.n >= sizeof sa - 1 &&
                                          !memcmp(email.s + email.n - (sizeof sa - 1), sa, sizeof sa - 1)
                                      ? "service_account" : "user");
        o->is_signin = 1;
    }
    if (is_ip(ip)) v[CT_EF_ACTOR_IP] = ip;
    v[CT_EF_ACTOR_UA] = ua;
    if (keyname.s) {
        const char *slash = NULL;
        for (uint32_t i = keyname.n; i > 0; i--)
            if (keyname.s[i - 1] == '/') { slash = keyname.s + i - 1; break; }
        ct_fstr used = keyname;
        if (slash) {
            used.s = slash + 1;
            used.n = (uint32_t)(keyname.s + keyname.n - used.s);
            if (!used.n) used.s = NULL;
        }
        v[CT_EF_CRED_USED] = used;
    }
    return 1;
}

int ct_fast_extract(const char *p, size_t len, ct_fast *o)
{
    memset(o, 0, offsetof(ct_fast, scratch));
    o->ts = CT_TIME_NONE;
    const char *e = p + len;
    t_base = p;
    t_have_ends = len <= ENDS_MAX;
    p = ws(p, e);
    if (p >= e || *p != '{') return 0;
    /* documents that are ECS already (Filebeat, Elastic Agent) lead with
     * @timestamp, which no raw record has: they go to the full path, so
     * skip validating them here (returning 0 is always correct) */
    const char *k = ws(p + 1, e);
    if ((size_t)(e - k) > 12 && !memcmp(k, "\"@timestamp\"", 12)) return 0;
    const char *end = v_value(p, e, 0);
    if (!end || ws(end, e) != e) return 0;
    span top[CT_ARRAY_LEN(ct_top)];
    int rc = obj_get(p, e, az_top, CT_ARRAY_LEN(az_top), top, 0, 1);
    if (rc == GET_OK) return fast_azure(top, e, o);
    if (rc == GET_DUP) return 0;
    rc = obj_get(p, e, ct_top, CT_ARRAY_LEN(ct_top), top, 0, 1);
    if (rc == GET_OK) return fast_cloudtrail(top, e, o);
    if (rc == GET_DUP) return 0;
    rc = obj_get(p, e, g_top, CT_ARRAY_LEN(g_top), top, 0, 1);
    if (rc == GET_OK) return fast_gcp(top, e, o);
    return 0;
}
