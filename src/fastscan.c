/* fastscan: the raw record kinds (Azure diagnostic sign-in and audit
 * records, CloudTrail, GCP audit entries) without cJSON, and the dispatch to
 * the ECS documents (fastscan_ecs.c). The validator and the lookups are in
 * fastscan_json.c.
 *
 * Every rule here mirrors the full path (norm_azure.c signin_to_ecs /
 * audit_to_ecs + norm_azure_extract.c, norm_aws.c ct_norm_cloudtrail +
 * ct_extract_cloudtrail, norm_gcp.c ct_norm_gcp + ct_extract_gcp, norm_fields.c
 * ct_fields_from_ecs). Whenever a record is not plainly one of the handled
 * shapes, the answer is 0 and the caller normalizes it the slow way, so
 * declining is always safe; accepting must be exact. In particular the record
 * must be strictly valid JSON (stricter than cJSON: whatever cJSON rejects is
 * declined here too), keys may not hold escapes, a field's string may not
 * hold an escape (but the few that are decoded), and a key that a field is
 * read from may not appear twice. */
#include "fastscan_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

int ct_fast_enabled(void)
{
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("CREDTRIAGE_NOFAST");
        on = !(e && *e && strcmp(e, "0"));
    }
    return on;
}

/* ---- Azure diagnostic sign-in records ---- */

static const char *const az_top[] = {
    "time", "category", "operationName", "callerIpAddress", "properties", "resourceId",
    "operationVersion", "tenantId", "resultType", "resultSignature", "resultDescription",
    "durationMs", "correlationId", "identity", "Level", "location",
};
enum { AZ_TIME, AZ_CAT, AZ_OP, AZ_CALLER_IP, AZ_PROPS, AZ_RESOURCE_ID, AZ_CORR = 12, AZ_IDENTITY = 13 };

static const char *const az_props[] = {
    "id", "service_principal_id", "service_principal_name", "user_id", "user_principal_name",
    "app_id", "app_display_name", "user_display_name", "service_principal_credential_key_id",
    "status", "ipaddress", "ip_address", "user_agent", "resource_display_name", "resource_id",
};
enum { P_ID, P_SPID, P_SPN, P_UID, P_UPN, P_APPID, P_APPDN, P_UDN, P_KEY, P_STATUS, P_IPADDR,
       P_IP_ADDR, P_UA, P_RDN, P_RID, P__N };

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
    if (!ct_fs_fold_is_identity(op)) return 0;

    span P[P__N];
    for (int i = 0; i < P__N; i++) P[i].v = P[i].e = NULL;
    if (is_str(top[AZ_PROPS])) return 0; /* properties as a JSON string */
    if (is_obj(top[AZ_PROPS]) &&
        ct_fs_obj_get(top[AZ_PROPS].v, e, az_props, P__N, P, 1, 0) != GET_OK)
        return 0;
    ct_fstr id, spid, spn, uid, upn, appid, appdn, udn, key, ip1, ip2, ua, rdn, rid;
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
    S(P[P_RDN], &rdn);
    S(P[P_RID], &rid);

    /* outcome from status.error_code (an integer; anything else declines) */
    int has_ec = 0;
    long long ec = 0;
    if (is_str(P[P_STATUS])) return 0;
    if (is_obj(P[P_STATUS])) {
        static const char *const st_keys[] = {"error_code"};
        span ecs;
        if (ct_fs_obj_get(P[P_STATUS].v, e, st_keys, 1, &ecs, 1, 0) != GET_OK) return 0;
        if ((has_ec = ct_fs_int_val(ecs, &ec)) < 0) return 0;
    }

    o->kind = CT_KIND_AZURE_DIAG;
    o->ts = ct_fs_ts_of(t);
    o->is_signin = 1;
    ct_fstr *v = o->v;
    v[CT_EF_DATASET] = lit("azure.signinlogs");
    v[CT_EF_ACTION] = op;
    v[CT_EF_OUTCOME] = lit(!has_ec || ec == 0 ? "success" : "failure");
    v[CT_EF_RECORD_ID] = id;
    ct_fs_signin si = {cat, spid, spn, uid, upn, appid, appdn, udn, key, rdn, rid};
    ct_fs_signin_entities(v, &si);
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
    "correlationId",
    "initiated_by", "additional_details", "user_agent", "target_resources", "correlation_id",
};
enum { AP_ID, AP_RESULT, AP_IB, AP_AD, AP_UA, AP_TR, AP_CORR, AP__READ, AP__N = AP__READ + 5 };

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


static int fast_audit(const span *top, const char *e, ct_fast *o)
{
    ct_fstr t, op, caller, ident;
    S(top[AZ_TIME], &t);
    S(top[AZ_OP], &op);
    S(top[AZ_CALLER_IP], &caller);
    S(top[AZ_IDENTITY], &ident);
    if (is_str(top[AZ_TIME]) && !t.s) return 0;
    if (top[AZ_OP].v && !is_str(top[AZ_OP])) return 0; /* numeric operation names: full path */
    if (!ct_fs_fold_is_identity(op)) return 0;
    /* credential operations are rare: the full path reads their key lists */
    if (fcaseeq(op, "Add service principal credentials")) return 0;
    if (!is_obj(top[AZ_PROPS])) return 0;
    span P[AP__N];
    if (ct_fs_obj_get(top[AZ_PROPS].v, e, au_props, AP__N, P, 0, 0) != GET_OK) return 0;
    for (int i = AP__READ; i < AP__N; i++)
        if (P[i].v) return 0;
    ct_fstr rid, res, corr;
    S(P[AP_ID], &rid);
    S(P[AP_RESULT], &res);
    S(top[AZ_CORR], &corr);
    if (!corr.s) S(P[AP_CORR], &corr);

    /* actor: initiatedBy.user, else initiatedBy.app */
    ct_fstr uid = {0}, upn = {0}, udn = {0}, uip = {0}, spid = {0}, appid = {0}, adn = {0}, aspn = {0};
    if (is_obj(P[AP_IB])) {
        span IB[2];
        if (ct_fs_obj_get(P[AP_IB].v, e, au_ib, 2, IB, 0, 0) != GET_OK) return 0;
        if (is_obj(IB[0])) {
            span U[8];
            if (ct_fs_obj_get(IB[0].v, e, au_user, 8, U, 0, 0) != GET_OK) return 0;
            if (str2(U[0], U[1], &uid) < 0 || str2(U[2], U[3], &upn) < 0 ||
                str2(U[4], U[5], &udn) < 0 || str2(U[6], U[7], &uip) < 0)
                return 0;
        }
        if (is_obj(IB[1])) {
            span A[8];
            if (ct_fs_obj_get(IB[1].v, e, au_app, 8, A, 0, 0) != GET_OK) return 0;
            if (str2(A[0], A[1], &spid) < 0 || str2(A[2], A[3], &appid) < 0 ||
                str2(A[4], A[5], &adn) < 0 || str2(A[6], A[7], &aspn) < 0)
                return 0;
        }
    }
    ct_fstr ua, kv_app;
    int r = ct_fs_kv_find(P[AP_AD], e, "User-Agent", 0, o, &ua);
    if (r < 0) return 0;
    if (!ua.s) S(P[AP_UA], &ua);
    r = ct_fs_kv_find(P[AP_AD], e, "AppId", 0, o, &kv_app);
    if (r < 0) return 0;

    /* targets: one at most (two or more name another identity: full path);
     * every modified property is looked at (credential diffs and the
     * properties that state an appId mapping decline) */
    span tsel = {NULL, NULL};
    ct_fstr mod_app = {0};
    int ntargets = 0, typed = 0;
    if (P[AP_TR].v && *P[AP_TR].v == '[') {
        ARRAY_EACH(P[AP_TR], e, q, qe) {
            span T[AT__N];
            span el = {q, qe};
            if (++ntargets > 1) return 0;
            tsel = el;
            if (*q != '{') continue;
            if (ct_fs_obj_get(q, e, au_target, AT__N, T, 0, 0) != GET_OK) return 0;
            ct_fstr ty;
            S(T[AT_TYPE], &ty);
            typed = fcaseeq(ty, "Application") || fcaseeq(ty, "ServicePrincipal");
            if (!T[AT_MODS].v || *T[AT_MODS].v != '[') continue;
            ARRAY_EACH(T[AT_MODS], e, mq, mqe) {
                if (*mq != '{') continue;
                span M[2];
                ct_fstr name, nv;
                if (ct_fs_obj_get(mq, e, au_mod, 2, M, 0, 0) != GET_OK) return 0;
                S(M[0], &name);
                if (!name.s) continue;
                if (feq(name, "KeyDescription") || feq(name, "FederatedIdentityCredentials") ||
                    feq(name, "AppId") || feq(name, "AppPrincipalId") || feq(name, "Application.AppId") ||
                    feq(name, "Application.ObjectID"))
                    return 0;
                if (mod_app.s || !feq(name, "TargetId.ServicePrincipalNames")) continue;
                if (ct_fs_sdec(M[1], o, &nv) < 0 || ct_fs_unquote(nv, &mod_app) < 0) return 0;
                if (mod_app.s) {
                    uint32_t n = 0;
                    while (n < mod_app.n && mod_app.s[n] != ';') n++;
                    while (n && mod_app.s[n - 1] == ' ') n--;
                    mod_app.n = n;
                    if (!n) mod_app.s = NULL;
                }
            }
        }
    }
    ct_fstr tid = {0}, tname = {0}, ttype = {0};
    if (tsel.v && *tsel.v == '{') {
        span T[AT__N];
        if (ct_fs_obj_get(tsel.v, e, au_target, AT__N, T, 0, 0) != GET_OK) return 0;
        ct_fstr ty;
        S(T[AT_ID], &tid);
        if (str2(T[AT_DN], T[AT_UPN], &tname) < 0) return 0;
        S(T[AT_TYPE], &ty);
        if (ct_fs_object_type(ty, o, &ttype) < 0) return 0;
    }
    ct_fstr app = {0};
    if (typed) app = mod_app.s ? mod_app : kv_app; /* norm_azure_extract.c target_app_id */

    o->kind = CT_KIND_AZURE_DIAG;
    o->ts = ct_fs_ts_of(t);
    ct_fstr *v = o->v;
    v[CT_EF_DATASET] = lit("azure.auditlogs");
    v[CT_EF_ACTION] = op;
    v[CT_EF_OUTCOME] = lit(ct_fs_outcome_word(res));
    v[CT_EF_RECORD_ID] = rid;
    ct_fs_audit au = {uid, upn, udn, uip, spid, appid, adn, aspn, ident,
                      ua, tid, tname, ttype, app, corr};
    ct_fs_audit_entities(v, &au);
    /* ct_fields_from_ecs fallback: source.ip from callerIpAddress */
    if (!v[CT_EF_ACTOR_IP].s && (ct_fs_is_ip(caller) || ct_ip_shaped(caller.s, caller.n)))
        v[CT_EF_ACTOR_IP] = caller; /* an invalid address as source.address: shown */
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
       T_ID, T_RECIPIENT = 20 };

static const char *const ct_ui[] = {"type", "arn", "principalId", "userName", "accessKeyId",
                                    "invokedBy", "sessionContext", "accountId"};
enum { U_TYPE, U_ARN, U_PID, U_UNAME, U_AKID, U_INVOKED, U_SC, U_ACCT, U__N };

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
    if (!ct_fs_fold_is_identity(name)) return 0;
    S(top[T_SIP], &sip);
    S(top[T_UA], &ua);
    S(top[T_ERRC], &errc);
    S(top[T_ERRM], &errm);
    S(top[T_ID], &evid);

    ct_fstr type = {0}, arn = {0}, pid = {0}, uname = {0}, akid = {0}, invoked = {0}, acct = {0};
    S(top[T_RECIPIENT], &acct);
    if (is_obj(top[T_UI])) {
        span U[U__N];
        if (ct_fs_obj_get(top[T_UI].v, e, ct_ui, U__N, U, 0, 0) != GET_OK) return 0;
        S(U[U_TYPE], &type);
        S(U[U_ARN], &arn);
        S(U[U_PID], &pid);
        S(U[U_UNAME], &uname);
        S(U[U_AKID], &akid);
        S(U[U_INVOKED], &invoked);
        if (!acct.s) S(U[U_ACCT], &acct);
        static const char *const issuer[] = {"sessionIssuer", "userName"};
        span is;
        if (ct_fs_path_get(U[U_SC], e, issuer, 2, &is) != GET_OK) return 0;
        ct_fstr iname;
        S(is, &iname);
        if (iname.s) uname = iname;
    }
    /* request / response: the pipeline flattens them only when their Java
     * toString() is under 32766 bytes; long ones are declined */
    ct_fstr req_user = {0}, target_uid = {0}, target_arn = {0};
    if (is_obj(top[T_REQ])) {
        if (top[T_REQ].e - top[T_REQ].v > 3000) return 0;
        static const char *const k[] = {"userName"};
        span s;
        if (ct_fs_path_get(top[T_REQ], e, k, 1, &s) != GET_OK) return 0;
        S(s, &req_user);
    }
    if (is_obj(top[T_RESP])) {
        if (top[T_RESP].e - top[T_RESP].v > 3000) return 0;
        static const char *const k[] = {"user", "userId"}, *const ka[] = {"user", "arn"};
        span s;
        if (ct_fs_path_get(top[T_RESP], e, k, 2, &s) != GET_OK) return 0;
        S(s, &target_uid);
        if (ct_fs_path_get(top[T_RESP], e, ka, 2, &s) != GET_OK) return 0;
        S(s, &target_arn);
    }

    o->kind = CT_KIND_CLOUDTRAIL;
    o->ts = ct_fs_ts_of(tm);
    ct_fstr *v = o->v;
    v[CT_EF_DATASET] = lit("aws.cloudtrail");
    v[CT_EF_ACTION] = name;
    v[CT_EF_OUTCOME] = lit(errc.s || errm.s ? "failure" : "success");
    v[CT_EF_RECORD_ID] = evid;
    v[CT_EF_ACTOR_TYPE] = lit(ct_fs_aws_actor_type(type, arn));
    v[CT_EF_ACTOR_ID] = arn.s ? arn : pid;
    if (arn.s && pid.s && !(arn.n == pid.n && !memcmp(arn.s, pid.s, arn.n))) v[CT_EF_ACTOR_ID2] = pid;
    if (ct_fs_aws_is_root(type, arn)) v[CT_EF_ACTOR_NAME] = lit("root");
    else if (feq(type, "AWSService")) v[CT_EF_ACTOR_NAME] = invoked;
    else v[CT_EF_ACTOR_NAME] = uname;
    v[CT_EF_ACTOR_NAME] = ct_fs_role_session(type, arn, v[CT_EF_ACTOR_NAME]);
    if (!v[CT_EF_ACTOR_ID].s && feq(type, "AWSService")) v[CT_EF_ACTOR_ID] = v[CT_EF_ACTOR_NAME];
    if (ct_fs_is_ip(sip) || ct_ip_shaped(sip.s, sip.n)) v[CT_EF_ACTOR_IP] = sip; /* shown as written */
    v[CT_EF_ACTOR_UA] = ua;
    v[CT_EF_CRED_USED] = akid;
    if (type.s && !feq(type, "AWSService") && (akid.s || arn.s || pid.s)) o->is_signin = 1;
    if (req_user.s) { /* norm_aws.c iam_user_id */
        v[CT_EF_TARGET_NAME] = req_user;
        if (target_arn.s) v[CT_EF_TARGET_ID] = target_arn;
        else if (ct_fs_iam_user_id(o, acct, req_user, &v[CT_EF_TARGET_ID]) < 0) return 0;
        v[CT_EF_TARGET_ID2] = target_uid;
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
enum { G_PP, G_INSERT, G_TS, G_RESOURCE };

static const char *const g_pp[] = {"@type", "authenticationInfo", "requestMetadata", "methodName",
                                   "status", "authorizationInfo", "at_sign_type", "resourceName"};
enum { GP_TYPE, GP_AUTHN, GP_RM, GP_METHOD, GP_STATUS, GP_AUTHZ, GP_ATSIGN, GP_RNAME, GP__N };

static int fast_gcp(const span *top, const char *e, ct_fast *o)
{
    if (!is_obj(top[G_PP])) return 0;
    span P[GP__N];
    if (ct_fs_obj_get_x(top[G_PP].v, e, g_pp, GP__N, P, 0, 0, 1) != GET_OK) return 0;
    ct_fstr type, method, insert, ts;
    S(P[GP_TYPE], &type);
    if (P[GP_ATSIGN].v || !feq(type, "type.googleapis.com/google.cloud.audit.AuditLog")) return 0;
    S(P[GP_METHOD], &method);
    S(top[G_INSERT], &insert);
    S(top[G_TS], &ts);
    if (!ct_fs_fold_is_identity(method)) return 0;
    /* credential methods take the full path */
    for (uint32_t i = 0; method.s && i + 17 <= method.n; i++)
        if (!memcmp(method.s + i, "ServiceAccountKey", 17)) return 0;
    for (uint32_t i = 0; method.s && i + 18 <= method.n; i++)
        if (!memcmp(method.s + i, "ImportSshPublicKey", 18)) return 0;

    ct_fstr email = {0}, keyname = {0}, ip = {0}, ua = {0};
    if (is_obj(P[GP_AUTHN])) {
        static const char *const k[] = {"principalEmail", "serviceAccountKeyName"};
        span A[2];
        if (ct_fs_obj_get_x(P[GP_AUTHN].v, e, k, 2, A, 0, 0, 0) != GET_OK) return 0;
        S(A[0], &email);
        S(A[1], &keyname);
    }
    if (is_obj(P[GP_RM])) {
        static const char *const k[] = {"callerIp", "callerSuppliedUserAgent"};
        span R[2];
        if (ct_fs_obj_get_x(P[GP_RM].v, e, k, 2, R, 0, 0, 1) != GET_OK) return 0;
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
        if (ct_fs_obj_get_x(P[GP_STATUS].v, e, k, 1, &c, 0, 0, 0) != GET_OK) return 0;
        int r = ct_fs_int_val(c, &code);
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
                if (ct_fs_obj_get_x(q, e, k, 1, &g, 0, 0, 0) != GET_OK) return 0;
                if (g.v && g.e - g.v == 4 && !memcmp(g.v, "true", 4)) outcome = "success";
                else if (g.v && g.e - g.v == 5 && !memcmp(g.v, "false", 5)) outcome = "failure";
            }
        }
    }

    o->kind = CT_KIND_GCP;
    o->ts = ct_fs_ts_of(ts);
    ct_fstr *v = o->v;
    v[CT_EF_DATASET] = lit("gcp.audit");
    v[CT_EF_ACTION] = method;
    v[CT_EF_OUTCOME] = lit(outcome);
    v[CT_EF_RECORD_ID] = insert;
    ct_fs_gcp_principal(o, email, keyname);
    if (ct_fs_is_ip(ip) || ct_ip_shaped(ip.s, ip.n)) v[CT_EF_ACTOR_IP] = ip; /* shown as written */
    v[CT_EF_ACTOR_UA] = ua;
    /* the target (norm_gcp.c): a service_account resource's email and unique
     * id, else the account the resource name names */
    ct_fstr rname, rtype = {0}, email_id = {0}, unique_id = {0};
    S(P[GP_RNAME], &rname);
    if (is_obj(top[G_RESOURCE])) {
        static const char *const k[] = {"type", "labels"}, *const kl[] = {"email_id", "unique_id"};
        span R[2], L[2];
        if (ct_fs_obj_get_x(top[G_RESOURCE].v, e, k, 2, R, 0, 0, 0) != GET_OK) return 0;
        S(R[0], &rtype);
        if (feq(rtype, "service_account") && is_obj(R[1])) {
            if (ct_fs_obj_get_x(R[1].v, e, kl, 2, L, 0, 0, 0) != GET_OK) return 0;
            S(L[0], &email_id);
            S(L[1], &unique_id);
        }
    }
    if (feq(rtype, "service_account")) {
        v[CT_EF_TARGET_ID] = email_id.s ? email_id : unique_id;
        if (email_id.s) v[CT_EF_TARGET_ID2] = unique_id;
    }
    if (!v[CT_EF_TARGET_ID].s) ct_fs_gcp_sa_of(rname, &v[CT_EF_TARGET_ID]);
    if (v[CT_EF_TARGET_ID].s) {
        v[CT_EF_TARGET_TYPE] = lit("service_account");
        v[CT_EF_TARGET_NAME] = v[CT_EF_TARGET_ID];
    }
    return 1;
}

static int extract(const char *p, size_t len, ct_fast *o)
{
    memset(o, 0, offsetof(ct_fast, scratch));
    o->ts = CT_TIME_NONE;
    const char *e = p + len;
    ct_fs_begin(p, len);
    p = ws(p, e);
    if (p >= e || *p != '{') return 0;
    /* documents that are ECS already (Filebeat, Elastic Agent) lead with
     * @timestamp, which no raw record has */
    const char *k = ws(p + 1, e);
    if ((size_t)(e - k) > 12 && !memcmp(k, "\"@timestamp\"", 12)) return ct_fs_ecs(p, e, o);
    int key_dot;
    if (!ct_fs_validate(p, e, &key_dot)) return 0;
    span top[CT_ARRAY_LEN(ct_top)];
    int rc = ct_fs_obj_get(p, e, az_top, CT_ARRAY_LEN(az_top), top, 0, 1);
    if (rc == GET_OK) return fast_azure(top, e, o);
    if (rc == GET_DUP) return 0;
    rc = ct_fs_obj_get(p, e, ct_top, CT_ARRAY_LEN(ct_top), top, 0, 1);
    if (rc == GET_OK) return fast_cloudtrail(top, e, o);
    if (rc == GET_DUP) return 0;
    rc = ct_fs_obj_get(p, e, g_top, CT_ARRAY_LEN(g_top), top, 0, 1);
    if (rc == GET_OK) return fast_gcp(top, e, o);
    if (rc == GET_DUP) return 0;
    /* an ECS document whose @timestamp is not first (Elastic's pipelines
     * write either order): no raw shape above allows its keys */
    return key_dot ? 0 : ct_fs_ecs_valid(p, e, o);
}

int ct_fast_extract(const char *p, size_t len, ct_fast *o)
{
    int r = extract(p, len, o);
    o->valid = ct_fs_valid;
    return r;
}

/* After ct_fast_extract on these bytes set valid: 1 when the record is surely
 * one plain record (an object none of whose top-level keys could make it an
 * envelope, a search response or an archive entry: input.c object_kind), so
 * the loader need not read its keys again; 0: ask input.c. */
int ct_fast_plain_record(const char *p, size_t len)
{
    if (!ct_fs_valid || !ct_fs_have_ends || ct_fs_base != p) return 0;
    const char *e = p + len;
    span o = {ws(p, e), e};
    if (!is_obj(o)) return 0;
    static const char *const wrap[] = {"Records", "records", "value", "hits", "type"};
    ct_fs_member m;
    OBJ_EACH(o, e, m) {
        for (size_t i = 0; i < CT_ARRAY_LEN(wrap); i++)
            if (m.kn == strlen(wrap[i]) && !memcmp(m.k, wrap[i], m.kn)) return 0;
    }
    return 1;
}
