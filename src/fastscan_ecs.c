/* fastscan_ecs: the fields of documents that are ECS already (Filebeat /
 * Elastic Agent output) of the hot datasets, straight from the bytes. Mirrors
 * what the full path does with such a document: norm_ecs.c ct_norm_ecs, then
 * norm_fields.c ct_fields_from_ecs with the dataset's extractor (the sign-ins
 * here, the audit logs in fastscan_ecs_audit.c, CloudTrail and GCP in
 * fastscan_ecs_cloud.c) and the generic fallbacks. event.action is folded as
 * ct_norm_action folds it (Entra's en dash and trailing space).
 *
 * Declined (the caller then takes the full path): anything that could be an
 * Elastic alert (norm_alert.c reads kibana / signal / _source / value);
 * documents ct_norm_ecs would change where a field is read (a dotted key
 * anywhere is unflattened, an `event` that is not an object is replaced);
 * o365.audit; what an extractor declines; and, where a field is read,
 * duplicate keys, \u escapes and values of unexpected types. */
#include "fastscan_int.h"
#include "norm.h"

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

/* ---- the document ---- */

/* event.action as ct_norm_ecs folds it and ct_fields_from_ecs reads it
 * (ct_norm_action: dashes, spaces, a trailing '.'), into o->scratch; -1
 * decline (a NUL in it, no room) */
static int fold_action(ct_fast *o, ct_fstr *a)
{
    char buf[512];
    if (a->n >= sizeof buf || memchr(a->s, 0, a->n)) return -1;
    memcpy(buf, a->s, a->n);
    buf[a->n] = 0;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_norm_action(buf, &b);
    int rc = 0;
    if (!b.len) {
        a->s = NULL;
        a->n = 0;
    } else if (o->scratch_used + b.len > sizeof o->scratch) {
        rc = -1;
    } else {
        char *d = o->scratch + o->scratch_used;
        memcpy(d, b.buf, b.len);
        o->scratch_used += b.len;
        a->s = d;
        a->n = (uint32_t)b.len;
    }
    ct_sbuf_free(&b);
    return rc;
}

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
    if (!ct_fs_fold_is_identity(action) && fold_action(o, &action) < 0) return 0;
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
    case 1: ok = ct_fs_ecs_audit(&d, o); break;
    case 2: ok = ct_fs_ecs_cloudtrail(&d, o); break;
    case 3: ok = ct_fs_ecs_gcp(&d, o); break;
    case 4: return 0; /* o365.audit: its extractor is not mirrored */
    default: break;   /* no extractor: the generic fields only */
    }
    if (!ok) return 0;
    fallbacks(&d, v);
    return 1;
}
