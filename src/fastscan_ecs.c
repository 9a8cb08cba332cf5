/* fastscan_ecs: the fields of documents that are ECS already (Filebeat /
 * Elastic Agent output) of the hot datasets, straight from the bytes. Mirrors
 * what the full path does with such a document: norm_ecs.c ct_norm_ecs, then
 * norm_fields.c ct_fields_from_ecs with the dataset's extractor
 * (norm_azure_extract.c, norm_aws.c, norm_gcp.c) and the generic fallbacks.
 *
 * Declined (the caller then takes the full path): anything that could be an
 * Elastic alert (norm_alert.c reads kibana / signal / _source / value);
 * documents ct_norm_ecs would change where a field is read (a dotted key
 * anywhere is unflattened, an event.action that ct_norm_action folds, an
 * `event` that is not an object is replaced); o365.audit; credential
 * operations (rare, and rules look at them anyway); and, where a field is
 * read, duplicate keys, \u escapes and values of unexpected types. */
#include "fastscan_int.h"

#include <string.h>


static const char *const e_top[] = {"@timestamp", "event", "data_stream", "ecs", "user", "source",
                                    "client", "user_agent", "azure", "aws", "gcp", "cloud",
                                    /* what makes an alert, or a wrapper of one */
                                    "kibana", "signal", "_source", "value"};
enum { E_TS, E_EVENT, E_DS, E_ECS, E_USER, E_SOURCE, E_CLIENT, E_UA, E_AZURE, E_AWS, E_GCP, E_CLOUD,
       E_ALERT, E__N = E_ALERT + 4 };

typedef ct_fs_doc doc;

static int read_common(const span *top, const char *e, ct_fast *o, doc *d)
{
    memset(d, 0, sizeof *d);
    d->e = e;
    d->azure = top[E_AZURE];
    d->aws = top[E_AWS];
    d->gcp = top[E_GCP];
    d->cloud = top[E_CLOUD];
    if (is_obj(top[E_USER])) {
        static const char *const k[] = {"id", "email", "name", "target"};
        span U[4];
        GET(top[E_USER], k, U);
        D(U[0], &d->user_id);
        D(U[1], &d->user_email);
        D(U[2], &d->user_name);
        if (is_obj(U[3])) {
            static const char *const kt[] = {"name", "id"};
            span T[2];
            GET(U[3], kt, T);
            D(T[0], &d->user_target_name);
            D(T[1], &d->user_target_id);
        }
    }
    if (is_obj(top[E_SOURCE])) {
        static const char *const k[] = {"ip", "address"};
        span S_[2];
        GET(top[E_SOURCE], k, S_);
        D(S_[0], &d->source_ip);
        D(S_[1], &d->source_address);
    }
    if (is_obj(top[E_CLIENT])) {
        static const char *const k[] = {"ip", "user"}, *const ku[] = {"email"};
        span C[2], em;
        GET(top[E_CLIENT], k, C);
        D(C[0], &d->client_ip);
        if (is_obj(C[1])) {
            GET(C[1], ku, &em);
            D(em, &d->client_user_email);
        }
    }
    if (is_obj(top[E_UA])) {
        static const char *const k[] = {"original"};
        span u;
        GET(top[E_UA], k, &u);
        D(u, &d->ua);
    }
    return 1;
}

/* ct_fields_from_ecs: what the extractor left unknown */
static void fallbacks(const doc *d, ct_fstr *v)
{
    if (!v[CT_EF_ACTOR_ID].s) v[CT_EF_ACTOR_ID] = d->user_id;
    if (!v[CT_EF_ACTOR_NAME].s) v[CT_EF_ACTOR_NAME] = d->user_email.s ? d->user_email : d->user_name;
    if (!v[CT_EF_ACTOR_IP].s) v[CT_EF_ACTOR_IP] = d->source_ip.s ? d->source_ip : d->client_ip;
    if (!v[CT_EF_ACTOR_IP].s && ct_ip_shaped(d->source_address.s, d->source_address.n))
        v[CT_EF_ACTOR_IP] = d->source_address;
    if (!v[CT_EF_ACTOR_UA].s) v[CT_EF_ACTOR_UA] = d->ua;
    if (!v[CT_EF_TARGET_NAME].s) v[CT_EF_TARGET_NAME] = d->user_target_name;
}

/* the object at azure.<name>, or absent */
static int azure_obj(const doc *d, const char *name, span *out)
{
    const char *k[] = {name};
    return ct_fs_path_get(d->azure, d->e, k, 1, out) == GET_OK;
}

/* ---- azure.signinlogs (ct_extract_azure_signin) ---- */

static const char *const sl_props[] = {
    "id", "service_principal_id", "service_principal_name", "user_id", "user_principal_name",
    "app_id", "app_display_name", "user_display_name", "service_principal_credential_key_id",
    "status", "resource_display_name", "resource_id",
};
enum { SP_ID, SP_SPID, SP_SPN, SP_UID, SP_UPN, SP_APPID, SP_APPDN, SP_UDN, SP_KEY, SP_STATUS, SP_RDN,
       SP_RID, SP__N };

static int ecs_signin(const doc *d, ct_fast *o)
{
    const char *e = d->e;
    span sl, P[SP__N];
    memset(P, 0, sizeof P);
    ct_fstr cat = {0};
    if (!azure_obj(d, "signinlogs", &sl)) return 0;
    if (is_obj(sl)) {
        static const char *const k[] = {"properties", "category"};
        span L[2];
        GET(sl, k, L);
        D(L[1], &cat);
        if (is_obj(L[0])) GET(L[0], sl_props, P);
    }
    ct_fstr rid, spid, spn, uid, upn, appid, appdn, udn, key, rdn, resid;
    D(P[SP_RDN], &rdn);
    D(P[SP_RID], &resid);
    D(P[SP_ID], &rid);
    D(P[SP_SPID], &spid);
    D(P[SP_SPN], &spn);
    D(P[SP_UID], &uid);
    D(P[SP_UPN], &upn);
    D(P[SP_APPID], &appid);
    D(P[SP_APPDN], &appdn);
    D(P[SP_UDN], &udn);
    D(P[SP_KEY], &key);

    ct_fstr *v = o->v;
    o->is_signin = 1;
    if (rid.s) v[CT_EF_RECORD_ID] = rid;
    ct_fs_signin si = {cat, spid, spn, uid, upn, appid, appdn, udn, key, rdn, resid};
    ct_fs_signin_entities(v, &si);
    v[CT_EF_ACTOR_IP] = d->source_ip.s ? d->source_ip : d->source_address;
    v[CT_EF_ACTOR_UA] = d->ua;
    /* status.error_code, a number (or a string holding one: declined here) */
    if (!v[CT_EF_OUTCOME].s && is_obj(P[SP_STATUS])) {
        static const char *const k[] = {"error_code"};
        span ec;
        long long n = 0;
        GET(P[SP_STATUS], k, &ec);
        int r = ct_fs_int_val(ec, &n);
        if (r < 0) return 0;
        if (r) v[CT_EF_OUTCOME] = lit(n == 0 ? "success" : "failure");
    }
    return 1;
}

/* ---- azure.auditlogs (ct_extract_azure_audit) ---- */

static const char *const al_props[] = {"id", "result", "initiated_by", "initiatedBy",
                                       "additional_details", "additionalDetails", "userAgent",
                                       "user_agent", "target_resources", "correlation_id",
                                       "correlationId"};
enum { AL_ID, AL_RESULT, AL_IB, AL_IB2, AL_AD, AL_AD2, AL_UA, AL_UA2, AL_TR, AL_CORR, AL_CORR2, AL__N };
static const char *const al_user[] = {"id", "objectId", "userPrincipalName", "user_principal_name",
                                      "displayName", "display_name", "ipAddress", "ip_address"};
static const char *const al_app[] = {"servicePrincipalId", "service_principal_id", "appId", "app_id",
                                     "displayName", "display_name", "servicePrincipalName",
                                     "service_principal_name"};
static const char *const al_target[] = {"id", "display_name", "user_principal_name", "type",
                                        "modified_properties", "modifiedProperties"};
enum { AT_ID, AT_DN, AT_UPN, AT_TYPE, AT_MODS, AT_MODS2, AT__N };
static const char *const al_mod[] = {"display_name", "displayName", "new_value", "newValue"};

/* str2 with decoding */
static int dec2(span a, span b, ct_fast *o, ct_fstr *out)
{
    if (ct_fs_sdec(a, o, out) < 0) return -1;
    if (!out->s && ct_fs_sdec(b, o, out) < 0) return -1;
    return 0;
}
#define D2(a_, b_, dst) do { if (dec2((a_), (b_), o, (dst)) < 0) return 0; } while (0)

/* One modified property: credential diffs and the properties that state an
 * appId mapping decline (norm_azure_extract.c reads those); the first
 * TargetId.ServicePrincipalNames gives *app. */
static int audit_mod(span m, const char *e, ct_fast *o, ct_fstr *app)
{
    if (!is_obj(m)) return 1;
    span M[4];
    ct_fstr name, nv;
    GET(m, al_mod, M);
    D2(M[0], M[1], &name);
    if (!name.s) return 1;
    if (feq(name, "KeyDescription") || feq(name, "FederatedIdentityCredentials") || feq(name, "AppId") ||
        feq(name, "AppPrincipalId") || feq(name, "Application.AppId") || feq(name, "Application.ObjectID"))
        return 0;
    if (app->s || !feq(name, "TargetId.ServicePrincipalNames")) return 1;
    D2(M[2], M[3], &nv);
    if (ct_fs_unquote(nv, app) < 0) return 0;
    if (app->s) { /* ct_norm_ms_first_spn */
        uint32_t n = 0;
        while (n < app->n && app->s[n] != ';') n++;
        while (n && app->s[n - 1] == ' ') n--;
        app->n = n;
        if (!n) app->s = NULL;
    }
    return 1;
}

/* The one target resource: is it an application / service principal, and its
 * modified properties. */
static int audit_target(span t, const char *e, ct_fast *o, int *typed, ct_fstr *app)
{
    if (!is_obj(t)) return 1;
    span T[AT__N];
    ct_fstr ty;
    GET(t, al_target, T);
    D(T[AT_TYPE], &ty);
    *typed = fcaseeq(ty, "Application") || fcaseeq(ty, "ServicePrincipal");
    span mps = T[AT_MODS].v ? T[AT_MODS] : T[AT_MODS2];
    if (is_arr(mps)) {
        ARRAY_EACH(mps, e, q, qe) {
            span m = {q, qe};
            if (!audit_mod(m, e, o, app)) return 0;
        }
    } else if (is_obj(mps)) {
        ct_fs_member m;
        OBJ_EACH(mps, e, m)
            if (!audit_mod(m.v, e, o, app)) return 0;
    }
    return 1;
}

static int ecs_audit(const doc *d, ct_fast *o)
{
    const char *e = d->e;
    span al, P[AL__N];
    memset(P, 0, sizeof P);
    ct_fstr ident = {0};
    if (!azure_obj(d, "auditlogs", &al)) return 0;
    if (is_obj(al)) {
        static const char *const k[] = {"properties", "identity"};
        span L[2];
        GET(al, k, L);
        D(L[1], &ident);
        if (is_obj(L[0])) GET(L[0], al_props, P);
    }
    ct_fstr *v = o->v;
    /* credential operations are rare: the full path reads their key lists */
    if (fcaseeq(v[CT_EF_ACTION], "Add service principal credentials")) return 0;
    ct_fstr rid, res, corr = {0};
    D(P[AL_ID], &rid);
    D(P[AL_RESULT], &res);
    span acorr;
    static const char *const kcorr[] = {"correlation_id"};
    if (ct_fs_path_get(d->azure, e, kcorr, 1, &acorr) != GET_OK) return 0;
    D(acorr, &corr);
    if (!corr.s) D2(P[AL_CORR], P[AL_CORR2], &corr);

    /* actor: initiated_by (present, whatever its type) else initiatedBy */
    ct_fstr uid = {0}, upn = {0}, udn = {0}, uip = {0}, spid = {0}, appid = {0}, adn = {0}, aspn = {0};
    span ib = P[AL_IB].v ? P[AL_IB] : P[AL_IB2];
    if (is_obj(ib)) {
        static const char *const k[] = {"user", "app"};
        span IB[2];
        GET(ib, k, IB);
        if (is_obj(IB[0])) {
            span U[8];
            GET(IB[0], al_user, U);
            D2(U[0], U[1], &uid);
            D2(U[2], U[3], &upn);
            D2(U[4], U[5], &udn);
            D2(U[6], U[7], &uip);
        }
        if (is_obj(IB[1])) {
            span A[8];
            GET(IB[1], al_app, A);
            D2(A[0], A[1], &spid);
            D2(A[2], A[3], &appid);
            D2(A[4], A[5], &adn);
            D2(A[6], A[7], &aspn);
        }
    }
    span ad = P[AL_AD].v ? P[AL_AD] : P[AL_AD2];
    ct_fstr ua, kv_app;
    if (ct_fs_kv_find(ad, e, "User-Agent", 1, o, &ua) < 0) return 0;
    if (!ua.s) D2(P[AL_UA], P[AL_UA2], &ua);
    if (ct_fs_kv_find(ad, e, "AppId", 1, o, &kv_app) < 0) return 0;

    /* one target resource at most (two or more name another identity: full
     * path); its modified properties are looked at */
    span trs = P[AL_TR], t0 = {NULL, NULL};
    ct_fstr mod_app = {0};
    int typed = 0, ntargets = 0;
    if (is_arr(trs)) {
        ARRAY_EACH(trs, e, q, qe) {
            span t = {q, qe};
            if (++ntargets > 1) return 0;
            t0 = t;
            if (!audit_target(t, e, o, &typed, &mod_app)) return 0;
        }
    } else if (is_obj(trs)) {
        ct_fs_member m;
        OBJ_EACH(trs, e, m) {
            if (++ntargets > 1) return 0;
            if (!audit_target(m.v, e, o, &typed, &mod_app)) return 0;
            /* resource "0", or the application / service principal */
            if (typed || (m.kn == 1 && m.k[0] == '0')) t0 = m.v;
        }
    }
    ct_fstr tid = {0}, tname = {0}, ttype = {0};
    if (is_obj(t0)) {
        span T[AT__N];
        ct_fstr ty;
        GET(t0, al_target, T);
        D(T[AT_ID], &tid);
        D2(T[AT_DN], T[AT_UPN], &tname);
        D(T[AT_TYPE], &ty);
        if (ct_fs_object_type(ty, o, &ttype) < 0) return 0;
    }
    ct_fstr app = {0};
    if (typed) app = mod_app.s ? mod_app : kv_app; /* norm_azure_extract.c target_app_id */

    if (rid.s) v[CT_EF_RECORD_ID] = rid;
    if (!v[CT_EF_OUTCOME].s) v[CT_EF_OUTCOME] = lit(ct_fs_outcome_word(res));
    ct_fs_audit au = {uid, upn, udn, uip, spid, appid, adn, aspn, ident,
                      ua, tid, tname, ttype, app, corr};
    ct_fs_audit_entities(v, &au);
    return 1;
}

/* ---- the document ---- */

int ct_fs_ecs(const char *p, const char *e, ct_fast *o)
{
    int key_dot;
    if (!ct_fs_validate(p, e, &key_dot) || key_dot) return 0;
    return ct_fs_ecs_valid(p, e, o);
}

int ct_fs_ecs_valid(const char *p, const char *e, ct_fast *o)
{
    span top[E__N];
    if (ct_fs_obj_get(p, e, e_top, E__N, top, 0, 0) != GET_OK) return 0;
    for (int i = E_ALERT; i < E__N; i++)
        if (top[i].v) return 0;
    if (top[E_EVENT].v && !is_obj(top[E_EVENT])) return 0;
    span EV[4] = {{NULL, NULL}, {NULL, NULL}, {NULL, NULL}, {NULL, NULL}}, DS = {NULL, NULL};
    if (is_obj(top[E_EVENT])) {
        static const char *const k[] = {"dataset", "action", "outcome", "id"};
        GET(top[E_EVENT], k, EV);
    }
    if (is_obj(top[E_DS])) {
        static const char *const k[] = {"dataset"};
        GET(top[E_DS], k, &DS);
    }
    /* ct_norm_ecs_detect (an ecs object, or a dataset);
     * else another family (or none) would have it */
    if (!top[E_TS].v) return 0; /* no @timestamp: the full path reads event.created */
    if (!is_obj(top[E_ECS]) && !(EV[0].v || DS.v)) return 0;

    ct_fstr ts, eds, dds, action, outcome, evid;
    D(top[E_TS], &ts);
    D(EV[0], &eds);
    D(DS, &dds);
    D(EV[1], &action);
    D(EV[2], &outcome);
    D(EV[3], &evid);
    if (!ct_fs_fold_is_identity(action)) return 0;
    doc d;
    if (!read_common(top, e, o, &d)) return 0;

    int64_t ms;
    o->kind = CT_KIND_ECS;
    if (ts.s && ct_time_parse(ts.s, ts.n, &ms) == 0) o->ts = ms;
    ct_fstr *v = o->v;
    ct_fstr ds = eds.s ? eds : dds; /* event.dataset, filled from data_stream.dataset */
    v[CT_EF_DATASET] = ds;
    v[CT_EF_ACTION] = action;
    v[CT_EF_OUTCOME] = outcome;
    v[CT_EF_RECORD_ID] = evid;
    /* the known datasets as static strings: the store reuses their ids */
    static const char *const known[] = {"azure.signinlogs", "azure.auditlogs", "aws.cloudtrail",
                                        "gcp.audit", "o365.audit"};
    size_t k = 0;
    while (k < CT_ARRAY_LEN(known) && !feq(ds, known[k])) k++;
    if (k < CT_ARRAY_LEN(known)) v[CT_EF_DATASET] = lit(known[k]);
    int ok = 1;
    switch (k) {
    case 0: ok = ecs_signin(&d, o); break;
    case 1: ok = ecs_audit(&d, o); break;
    case 2: ok = ct_fs_ecs_cloudtrail(&d, o); break;
    case 3: ok = ct_fs_ecs_gcp(&d, o); break;
    case 4: return 0; /* o365.audit: its extractor is not mirrored */
    default: break;   /* no extractor: the generic fields only */
    }
    if (!ok) return 0;
    fallbacks(&d, v);
    return 1;
}
