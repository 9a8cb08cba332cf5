/* fastscan_int: what the fastscan modules share (fastscan.c: raw records,
 * fastscan_ecs*.c: ECS documents): the strict validator (fastscan_json.c),
 * the helpers of the fields (fastscan_fields.c) and
 * the lookups in a record it validated. Internal: only fastscan*.c include it,
 * and esql_fast.c (the ES|QL columns read from a record's bytes).
 *
 * The lookups assume a validated record: they skip values without checking
 * them again. The tiny ones are static inline here because they run for
 * every member of every object looked at. */
#ifndef CT_FASTSCAN_INT_H
#define CT_FASTSCAN_INT_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "fastscan.h"
#include "util.h"

typedef struct span {
    const char *v, *e; /* the value's bytes; v NULL when absent */
} span;

enum { GET_OK = 0, GET_DUP = -1, GET_UNKNOWN = -2 };

/* The end of every string and container of the record being read, by its
 * offset from the record's start (written by the validator, read by
 * skip_val), so later lookups never rescan a value. Records of 64 KiB and
 * more go without it. */
#define CT_FS_ENDS_MAX 65535u
extern _Thread_local uint16_t ct_fs_ends[CT_FS_ENDS_MAX + 1];
extern _Thread_local const char *ct_fs_base;
extern _Thread_local int ct_fs_have_ends;
extern _Thread_local int ct_fs_valid; /* the record passed ct_fs_validate */
extern _Thread_local int ct_fs_key_dot; /* and some key of it holds a '.' */

/* Start on the record at p (len bytes): before validating it. */
static inline void ct_fs_begin(const char *p, size_t len)
{
    ct_fs_base = p;
    ct_fs_have_ends = len <= CT_FS_ENDS_MAX;
    ct_fs_valid = 0;
}

/* The record p..e is one strictly valid JSON value (whatever cJSON rejects
 * is rejected too; keys may not hold escapes), with only whitespace after it:
 * 1, and *key_dot set when some key anywhere holds a '.'; else 0. */
int ct_fs_validate(const char *p, const char *e, int *key_dot);

static inline const char *ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static inline const char *skip_str(const char *p, const char *e)
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

/* p at a value: the end of it. */
static inline const char *skip_val(const char *p, const char *e)
{
    if (ct_fs_have_ends && (*p == '"' || *p == '{' || *p == '[')) return ct_fs_base + ct_fs_ends[p - ct_fs_base];
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

/* One pass over the members of the object at p: out[i] is the value of the
 * key names[i] (after the signinlogs pipeline's key folding when fold). A
 * second occurrence of a wanted key gives GET_DUP; with strict, a key not in
 * names gives GET_UNKNOWN; with icase_guard, a key equal to a wanted one but
 * for case gives GET_DUP too (the full path looks some keys up
 * case-insensitively). At most 32 names. */
int ct_fs_obj_get_x(const char *p, const char *e, const char *const *names, size_t n, span *out,
                    int fold, int strict, int icase_guard);

static inline int ct_fs_obj_get(const char *p, const char *e, const char *const *names, size_t n,
                                span *out, int fold, int strict)
{
    return ct_fs_obj_get_x(p, e, names, n, out, fold, strict, 0);
}

/* The members of an object one by one, in order. */
typedef struct ct_fs_member {
    const char *k; /* the key's bytes (no escapes: the validator saw to it) */
    size_t kn;
    span v;
} ct_fs_member;

static inline const char *ct_fs_member_next(const char *p, const char *e, ct_fs_member *m)
{
    const char *ke = skip_str(p, e) - 1;
    m->k = p + 1;
    m->kn = (size_t)(ke - m->k);
    p = ws(ws(ke + 1, e) + 1, e); /* past ':' */
    m->v.v = p;
    m->v.e = skip_val(p, e);
    p = ws(m->v.e, e);
    return p < e && *p == ',' ? ws(p + 1, e) : NULL;
}

/* for each member m of the object span o */
#define OBJ_EACH(o, e, m)                                                                        \
    for (const char *nx_ = ws((o).v + 1, e), *cur_ = *nx_ == '"' ? nx_ : NULL;                 \
         cur_ && ((nx_ = ct_fs_member_next(cur_, e, &(m))), 1); cur_ = nx_)

/* for each element q..qe of the array span a */
#define ARRAY_EACH(a, e, q, qe)                                                                   \
    for (const char *q = ws((a).v + 1, e), *qe = q < e && *q != ']' ? skip_val(q, e) : NULL; qe; \
         q = ws(qe, e), q = q < e && *q == ',' ? ws(q + 1, e) : NULL,                             \
                    qe = q && q < e ? skip_val(q, e) : NULL)

/* obj.keys[0].keys[1]... : the value span, or absent (through anything but
 * objects too: the paths read never have a numeric segment); GET_DUP declines. */
int ct_fs_path_get(span obj, const char *e, const char *const *keys, size_t n, span *out);

static inline int is_obj(span s) { return s.v && *s.v == '{'; }
static inline int is_arr(span s) { return s.v && *s.v == '['; }
static inline int is_str(span s) { return s.v && *s.v == '"'; }

/* A string field as ct_json_str sees it: NULL for non-strings and "".
 * -1 when the string holds an escape (decline). */
static inline int sval(span s, ct_fstr *out)
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

/* ct_json_str(a) else ct_json_str(b) */
static inline int str2(span a, span b, ct_fstr *out)
{
    if (sval(a, out) < 0) return -1;
    if (!out->s && sval(b, out) < 0) return -1;
    return 0;
}

/* The same as sval, with the simple escapes decoded into o->scratch (\u and
 * a full scratch decline: -1). */
int ct_fs_sdec(span s, ct_fast *o, ct_fstr *out);

static inline ct_fstr lit(const char *s)
{
    ct_fstr f = {s, s ? (uint32_t)strlen(s) : 0};
    return f;
}

static inline int feq(ct_fstr a, const char *b)
{
    return a.s && strlen(b) == a.n && !memcmp(a.s, b, a.n);
}

/* An assumed role acts as ROLE/SESSION, the end of its ARN (norm_aws.c's
 * ct_extract_cloudtrail); anything else keeps name. */
static inline ct_fstr ct_fs_role_session(ct_fstr type, ct_fstr arn, ct_fstr name)
{
    if (!feq(type, "AssumedRole") || !arn.s) return name;
    const char *ar = memmem(arn.s, arn.n, ":assumed-role/", 14);
    if (!ar) return name;
    uint32_t off = (uint32_t)(ar + 14 - arn.s);
    if (off >= arn.n || !memchr(arn.s + off, '/', arn.n - off)) return name;
    ct_fstr r = {arn.s + off, arn.n - off};
    return r;
}

static inline int fcaseeq(ct_fstr a, const char *b)
{
    return a.s && strlen(b) == a.n && ct_strncaseeq(a.s, b, a.n);
}

/* a holds needle somewhere */
static inline int fhas(ct_fstr a, const char *needle)
{
    size_t n = strlen(needle);
    for (uint32_t i = 0; a.s && i + n <= a.n; i++)
        if (!memcmp(a.s + i, needle, n)) return 1;
    return 0;
}

/* ct_norm_action() leaves the string as it is. */
int ct_fs_fold_is_identity(ct_fstr a);
/* @timestamp as the raw path's normalizer writes it and reads it back. */
int64_t ct_fs_ts_of(ct_fstr t);
int ct_fs_is_ip(ct_fstr s);
/* ct_norm_ms_unquote: "\"x\"" is x ("" none), anything else stays; -1 decline. */
int ct_fs_unquote(ct_fstr s, ct_fstr *out);
/* ct_norm_ms_object_type (into o->scratch); -1 decline. */
int ct_fs_object_type(ct_fstr t, ct_fast *o, ct_fstr *out);
/* ct_outcome_word */
const char *ct_fs_outcome_word(ct_fstr r);
/* CloudTrail userIdentity.type to ct_fields.actor_type */
/* norm_aws.c actor_type_of / is_root: Root, or no type and a root ARN */
const char *ct_fs_aws_actor_type(ct_fstr t, ct_fstr arn);
int ct_fs_aws_is_root(ct_fstr t, ct_fstr arn);
/* An integer number span: 1 with *v set; 0 when not a number; -1 decline
 * (a string, or a number that is not a plain integer). */
int ct_fs_int_val(span s, long long *v);
/* The Entra additionalDetails lookup (norm_azure_extract.c kv_lookup) of key:
 * 1 found (the value may be none; decoded as by ct_fs_sdec), 0 not there,
 * -1 decline. The object form
 * ({"0": {key, value}} or {key: value}) only with obj_ok, else it declines. */
int ct_fs_kv_find(span ad, const char *e, const char *key, int obj_ok, ct_fast *o, ct_fstr *out);

/* A sign-in's properties as read (raw or ECS spelling alike). */
typedef struct ct_fs_signin {
    ct_fstr cat, spid, spn, uid, upn, appid, appdn, udn, key, rdn, rid;
} ct_fs_signin;
/* Its actor, client application, resource and credential used into v, as
 * ct_extract_azure_signin decides them (service principal or user). */
void ct_fs_signin_entities(ct_fstr *v, const ct_fs_signin *s);

/* An Entra audit record's initiator and target as read (raw or ECS). */
typedef struct ct_fs_audit {
    ct_fstr uid, upn, udn, uip;            /* initiated by a user */
    ct_fstr spid, appid, adn, aspn, ident; /* or by an app (identity: the record's) */
    ct_fstr ua, tid, tname, ttype, app_id, corr;
} ct_fs_audit;
/* Its actor (user, service principal or managed identity), user agent and
 * target into v, as ct_extract_azure_audit decides them. */
void ct_fs_audit_entities(ct_fstr *v, const ct_fs_audit *a);

/* ct_extract_cloudtrail's iam_user_id: "arn:aws:iam::ACCT:user/NAME" (into
 * o->scratch), or the name when the account is unknown; -1 decline. */
int ct_fs_iam_user_id(ct_fast *o, ct_fstr acct, ct_fstr name, ct_fstr *out);
/* norm_gcp.c service_account_of: the <sa> of ".../serviceAccounts/<sa>[/...]",
 * none for "-" (always 0). */
int ct_fs_gcp_sa_of(ct_fstr rname, ct_fstr *out);

/* A GCP audit entry's principal (actor, a sign-in) and the service account
 * key it used (the last segment of the key name), as ct_extract_gcp. */
void ct_fs_gcp_principal(ct_fast *o, ct_fstr email, ct_fstr keyname);

/* The ECS documents (fastscan_ecs.c): p at the '{' of a record whose first
 * key is "@timestamp", not validated yet. */
int ct_fs_ecs(const char *p, const char *e, ct_fast *o);
/* The same, for a record the caller has validated (no dotted keys). */
int ct_fs_ecs_valid(const char *p, const char *e, ct_fast *o);

#define S(span_, dst) do { if (sval((span_), (dst)) < 0) return 0; } while (0)
/* a string as ct_json_str gives it, simple escapes decoded (o: the ct_fast) */
#define D(span_, dst) do { if (ct_fs_sdec((span_), o, (dst)) < 0) return 0; } while (0)
/* the members names_ of the object obj_ (e: the record's end) */
#define GET(obj_, names_, out_) \
    do { if (ct_fs_obj_get((obj_).v, e, names_, CT_ARRAY_LEN(names_), out_, 0, 0) != GET_OK) return 0; } while (0)

/* An ECS document as fastscan_ecs.c read it: what ct_fields_from_ecs and the
 * extractors read outside the dataset's object. */
typedef struct ct_fs_doc {
    const char *e;
    span azure, aws, gcp, cloud;
    ct_fstr user_id, user_email, user_name, user_target_name, user_target_id;
    ct_fstr source_ip, source_address, client_ip, client_user_email, ua;
} ct_fs_doc;
/* The aws.cloudtrail and gcp.audit extractors (fastscan_ecs_cloud.c): o->v
 * holds the generic fields (dataset, action, outcome, record id); 1 with the
 * rest filled as ct_extract_cloudtrail / ct_extract_gcp would, 0 decline. */
int ct_fs_ecs_cloudtrail(const ct_fs_doc *d, ct_fast *o);
int ct_fs_ecs_gcp(const ct_fs_doc *d, ct_fast *o);
/* The same for azure.auditlogs (fastscan_ecs_audit.c, ct_extract_azure_audit). */
int ct_fs_ecs_audit(const ct_fs_doc *d, ct_fast *o);

#endif
