/* fastscan_fields: what the fast extractors make of the strings they read,
 * each mirroring one helper of the full path (operation-name folding, times,
 * addresses, quoted values, Entra's additional details and object types,
 * CloudTrail's and GCP's principals): fastscan.c and fastscan_ecs*.c share
 * them. Whatever cannot be mirrored exactly is declined (-1). */
#include "fastscan_int.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

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
