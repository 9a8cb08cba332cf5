/* fastscan_ecs_cloud: the aws.cloudtrail and gcp.audit fields of an ECS
 * document (Filebeat / Elastic Agent) straight from its bytes, credential
 * operations included: what norm_aws.c ct_extract_cloudtrail and norm_gcp.c
 * ct_extract_gcp give for the same document. fastscan_ecs.c read the generic
 * fields and calls these; whatever they cannot mirror exactly they decline
 * (0), and the full path takes the record. */
#include "fastscan_int.h"

#include <string.h>

/* obj.k[0].k[1]... as a string (ct_json_str), decoded; -1 decline */
static int path_str(span obj, const char *e, const char *const *k, size_t n, ct_fast *o, ct_fstr *out)
{
    span s;
    out->s = NULL;
    out->n = 0;
    if (ct_fs_path_get(obj, e, k, n, &s) != GET_OK) return -1;
    return ct_fs_sdec(s, o, out);
}
#define PATH(obj_, dst, ...)                                                                     \
    do {                                                                                         \
        static const char *const k_[] = {__VA_ARGS__};                                           \
        if (path_str((obj_), e, k_, CT_ARRAY_LEN(k_), o, (dst)) < 0) return 0;                   \
    } while (0)

/* norm_aws.c iam_user_id */
#define IAM_ID(acct_, name_, dst)                                                                \
    do { if (ct_fs_iam_user_id(o, (acct_), (name_), (dst)) < 0) return 0; } while (0)

static int same(ct_fstr a, ct_fstr b)
{
    return a.s && b.s && a.n == b.n && !memcmp(a.s, b.s, a.n);
}

/* ---- aws.cloudtrail (ct_extract_cloudtrail) ---- */

/* A CreateAccessKey or Create/UpdateLoginProfile with no userName: the key
 * or profile is the caller's (self) or the one the response names (who). */
static int caller_target(ct_fast *o, ct_fstr who, ct_fstr type, ct_fstr uname, ct_fstr arn, ct_fstr acct)
{
    ct_fstr *v = o->v;
    if (!who.s && feq(type, "IAMUser")) who = uname;
    if (!who.s) return 1;
    int self = feq(type, "IAMUser") && same(who, uname);
    v[CT_EF_TARGET_NAME] = who;
    if (self && arn.s) {
        v[CT_EF_TARGET_ID] = arn;
        v[CT_EF_TARGET_ID2] = v[CT_EF_ACTOR_ID2];
    } else if (ct_fs_iam_user_id(o, acct, who, &v[CT_EF_TARGET_ID]) < 0) {
        return 0;
    }
    v[CT_EF_TARGET_TYPE] = lit("iam_user");
    return 1;
}

int ct_fs_ecs_cloudtrail(const ct_fs_doc *d, ct_fast *o)
{
    const char *e = d->e;
    ct_fstr *v = o->v;
    ct_fstr action = v[CT_EF_ACTION];
    static const char *const kc[] = {"cloudtrail"};
    span ctl, C[4] = {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}};
    if (ct_fs_path_get(d->aws, e, kc, 1, &ctl) != GET_OK) return 0;
    if (is_obj(ctl)) {
        static const char *const k[] = {"user_identity", "flattened", "recipient_account_id", "error_code"};
        GET(ctl, k, C);
    }
    ct_fstr type = {0}, arn = {0}, invoked = {0}, akid = {0}, req_user = {0}, acct, errc;
    if (is_obj(C[0])) {
        static const char *const k[] = {"type", "arn", "invoked_by", "access_key_id"};
        span U[4];
        GET(C[0], k, U);
        D(U[0], &type);
        D(U[1], &arn);
        D(U[2], &invoked);
        D(U[3], &akid);
    }
    D(C[2], &acct);
    if (!acct.s) PATH(d->cloud, &acct, "account", "id");
    D(C[3], &errc);
    span rq = {NULL, NULL}, rs = {NULL, NULL};
    if (is_obj(C[1])) {
        static const char *const k[] = {"request_parameters", "response_elements"};
        span F[2];
        GET(C[1], k, F);
        rq = F[0];
        rs = F[1];
    }
    PATH(rq, &req_user, "userName");

    int root = ct_fs_aws_is_root(type, arn);
    v[CT_EF_ACTOR_TYPE] = lit(ct_fs_aws_actor_type(type, arn));
    v[CT_EF_ACTOR_ID] = arn.s ? arn : d->user_id;
    if (arn.s && d->user_id.s && !same(arn, d->user_id)) v[CT_EF_ACTOR_ID2] = d->user_id;
    if (root) v[CT_EF_ACTOR_NAME] = lit("root");
    else if (feq(type, "AWSService")) v[CT_EF_ACTOR_NAME] = invoked;
    else v[CT_EF_ACTOR_NAME] = d->user_name;
    v[CT_EF_ACTOR_NAME] = ct_fs_role_session(type, arn, v[CT_EF_ACTOR_NAME]);
    if (!v[CT_EF_ACTOR_ID].s && feq(type, "AWSService")) v[CT_EF_ACTOR_ID] = v[CT_EF_ACTOR_NAME];
    v[CT_EF_ACTOR_IP] = d->source_ip;
    v[CT_EF_ACTOR_UA] = d->ua;
    v[CT_EF_CRED_USED] = akid;
    if (feq(action, "ConsoleLogin") ||
        (type.s && !feq(type, "AWSService") && (akid.s || arn.s || d->user_id.s)))
        o->is_signin = 1;

    /* target: the IAM user named in the request */
    if (!req_user.s) req_user = d->user_target_name;
    if (req_user.s) {
        v[CT_EF_TARGET_NAME] = req_user;
        PATH(rs, &v[CT_EF_TARGET_ID], "user", "arn");
        if (!v[CT_EF_TARGET_ID].s) IAM_ID(acct, req_user, &v[CT_EF_TARGET_ID]);
        v[CT_EF_TARGET_ID2] = d->user_target_id;
        v[CT_EF_TARGET_TYPE] = lit("iam_user");
    }
    ct_fstr outcome = v[CT_EF_OUTCOME];
    int ok = outcome.s ? feq(outcome, "success") : !errc.s;
    if (!action.s) return 1;

    if (feq(action, "CreateAccessKey")) {
        if (!v[CT_EF_TARGET_NAME].s && root) {
            /* the root user's own key */
            v[CT_EF_TARGET_NAME] = lit("root");
            v[CT_EF_TARGET_ID] = arn.s ? arn : lit("root");
            if (arn.s) v[CT_EF_TARGET_ID2] = v[CT_EF_ACTOR_ID2];
            v[CT_EF_TARGET_TYPE] = lit("root");
        } else if (!v[CT_EF_TARGET_NAME].s) {
            ct_fstr who;
            PATH(rs, &who, "accessKey", "userName");
            if (!caller_target(o, who, type, d->user_name, arn, acct)) return 0;
        }
        ct_fstr key;
        PATH(rs, &key, "accessKey", "accessKeyId");
        if (ok && key.s) {
            o->is_credential_add = 1;
            v[CT_EF_CRED_ID] = key;
            v[CT_EF_CRED_TYPE] = lit("access_key");
        }
    } else if (feq(action, "CreateLoginProfile") || feq(action, "UpdateLoginProfile")) {
        if (!v[CT_EF_TARGET_NAME].s) {
            ct_fstr who;
            PATH(rs, &who, "loginProfile", "userName");
            if (!caller_target(o, who, type, d->user_name, arn, acct)) return 0;
        }
        if (ok && v[CT_EF_TARGET_NAME].s) {
            o->is_credential_add = 1;
            v[CT_EF_CRED_ID] = v[CT_EF_TARGET_NAME];
            v[CT_EF_CRED_TYPE] = lit("login_profile");
        }
    } else if (feq(action, "GetFederationToken")) {
        ct_fstr fname, fid, fuid, key, exp;
        PATH(rq, &fname, "name");
        PATH(rs, &fid, "federatedUser", "arn");
        PATH(rs, &fuid, "federatedUser", "federatedUserId");
        if (!fid.s) fid = fuid;
        if (fname.s || fid.s) {
            v[CT_EF_TARGET_NAME] = fname.s ? fname : fid;
            v[CT_EF_TARGET_ID] = fid.s ? fid : fname;
            if (fuid.s && fid.s && !same(fuid, fid)) v[CT_EF_TARGET_ID2] = fuid;
            v[CT_EF_TARGET_TYPE] = lit("federated_user");
        }
        PATH(rs, &key, "credentials", "accessKeyId");
        if (ok && key.s) {
            PATH(rs, &exp, "credentials", "expiration");
            int64_t ms;
            /* norm_aws.c aws_time_iso: a time it reads stays as written;
             * CloudTrail's "Mon d, yyyy h:mm:ss AM" form is left to it */
            if (exp.s && ct_time_parse(exp.s, exp.n, &ms) < 0) return 0;
            o->is_credential_add = 1;
            v[CT_EF_CRED_ID] = key;
            v[CT_EF_CRED_TYPE] = lit("federation_token");
            v[CT_EF_CRED_END] = exp;
            v[CT_EF_CRED_NAME] = fname;
        }
    } else if (feq(action, "CreateKeyPair") || feq(action, "ImportKeyPair")) {
        ct_fstr kname, kid;
        PATH(rs, &kname, "keyName");
        if (!kname.s) PATH(rq, &kname, "keyName");
        PATH(rs, &kid, "keyPairId");
        if (kname.s || kid.s) {
            v[CT_EF_TARGET_NAME] = kname.s ? kname : kid;
            v[CT_EF_TARGET_ID] = kid.s ? kid : kname;
            v[CT_EF_TARGET_TYPE] = lit("key_pair");
        }
        if (ok && (kid.s || kname.s)) {
            o->is_credential_add = 1;
            v[CT_EF_CRED_ID] = kid.s ? kid : kname;
            v[CT_EF_CRED_NAME] = kname;
            v[CT_EF_CRED_TYPE] = lit("key_pair");
        }
    }
    return 1;
}

/* ---- gcp.audit (ct_extract_gcp) ---- */

/* norm_gcp.c method_is: action is m, or ends in "." m */
static int method_is(ct_fstr a, const char *m)
{
    size_t n = strlen(m);
    return a.s && a.n >= n && !memcmp(a.s + a.n - n, m, n) && (a.n == n || a.s[a.n - n - 1] == '.');
}

/* norm_gcp.c service_account_of: the segment after "serviceAccounts/" ("-"
 * included); none when there is none or it is empty */
static ct_fstr sa_segment(ct_fstr name)
{
    static const char k[] = "serviceAccounts/";
    ct_fstr r = {0};
    const char *p = name.s ? memmem(name.s, name.n, k, sizeof k - 1) : NULL;
    if (!p) return r;
    p += sizeof k - 1;
    const char *end = name.s + name.n, *q = p;
    while (q < end && *q != '/') q++;
    if (q > p) {
        r.s = p;
        r.n = (uint32_t)(q - p);
    }
    return r;
}

/* the last '/'-segment (none when empty), or the whole string */
static ct_fstr last_segment(ct_fstr s)
{
    for (uint32_t i = s.n; s.s && i > 0; i--)
        if (s.s[i - 1] == '/') {
            ct_fstr r = {i < s.n ? s.s + i : NULL, s.n - i};
            return r;
        }
    return s;
}

/* Create / UploadServiceAccountKey: the account the key is for, the key */
static int gcp_key_added(const ct_fs_doc *d, span au, ct_fstr rname, ct_fast *o)
{
    const char *e = d->e;
    ct_fstr *v = o->v;
    span resp = {NULL, NULL}, req = {NULL, NULL};
    if (is_obj(au)) {
        static const char *const k[] = {"response", "request"};
        span R[2];
        GET(au, k, R);
        resp = R[0];
        req = R[1];
    }
    ct_fstr key_name, req_name, sa;
    PATH(resp, &key_name, "name");
    sa = sa_segment(key_name);
    if (!sa.s) {
        PATH(req, &req_name, "name");
        sa = sa_segment(req_name);
    }
    if (!sa.s) sa = sa_segment(rname);
    if (feq(sa, "-")) sa.s = NULL;
    if (sa.s) {
        v[CT_EF_TARGET_ID] = v[CT_EF_TARGET_NAME] = sa;
        v[CT_EF_TARGET_TYPE] = lit("service_account");
    }
    ct_fstr kid = {0};
    if (key_name.s && memmem(key_name.s, key_name.n, "/keys/", 6)) kid = last_segment(key_name);
    if (!feq(v[CT_EF_OUTCOME], "failure") && kid.s) {
        /* the key's end (valid_before_time) is left to the full path */
        static const char *const kb[] = {"valid_before_time", "validBeforeTime"};
        span B[2];
        if (is_obj(resp)) {
            GET(resp, kb, B);
            if (B[0].v || B[1].v) return 0;
        }
        o->is_credential_add = 1;
        v[CT_EF_CRED_ID] = kid;
        v[CT_EF_CRED_TYPE] = lit("service_account_key");
    }
    return 1;
}

int ct_fs_ecs_gcp(const ct_fs_doc *d, ct_fast *o)
{
    const char *e = d->e;
    ct_fstr *v = o->v;
    /* OS Login keys are left to the full path */
    if (method_is(v[CT_EF_ACTION], "ImportSshPublicKey")) return 0;
    static const char *const ka[] = {"audit"};
    span au, G[2] = {{NULL, NULL}, {NULL, NULL}};
    ct_fstr rname = {0};
    if (ct_fs_path_get(d->gcp, e, ka, 1, &au) != GET_OK) return 0;
    if (is_obj(au)) {
        static const char *const k[] = {"authentication_info", "request_metadata", "resource_name"};
        span G3[3];
        GET(au, k, G3);
        G[0] = G3[0];
        G[1] = G3[1];
        D(G3[2], &rname);
    }
    ct_fstr email = {0}, keyname = {0}, ip = {0}, ua = {0};
    if (is_obj(G[0])) {
        static const char *const k[] = {"principal_email", "service_account_key_name"};
        span A[2];
        GET(G[0], k, A);
        D(A[0], &email);
        D(A[1], &keyname);
    }
    if (is_obj(G[1])) {
        static const char *const k[] = {"caller_ip", "caller_supplied_user_agent"};
        span R[2];
        GET(G[1], k, R);
        D(R[0], &ip);
        D(R[1], &ua);
    }
    if (d->client_user_email.s) email = d->client_user_email;
    ct_fs_gcp_principal(o, email, keyname);
    v[CT_EF_ACTOR_IP] = d->source_ip.s ? d->source_ip : ip;
    v[CT_EF_ACTOR_UA] = d->ua.s ? d->ua : ua;
    ct_fs_gcp_sa_of(rname, &v[CT_EF_TARGET_ID]); /* norm_gcp.c ct_extract_gcp */
    if (v[CT_EF_TARGET_ID].s) {
        v[CT_EF_TARGET_NAME] = v[CT_EF_TARGET_ID];
        v[CT_EF_TARGET_TYPE] = lit("service_account");
    }
    if (method_is(v[CT_EF_ACTION], "CreateServiceAccountKey") ||
        method_is(v[CT_EF_ACTION], "UploadServiceAccountKey"))
        return gcp_key_added(d, au, rname, o);
    return 1;
}
