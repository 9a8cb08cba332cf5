/* fastscan_ecs_audit: the azure.auditlogs fields of an ECS document (Filebeat
 * / Elastic Agent) from its bytes, credential operations included: what
 * norm_azure_extract.c ct_extract_azure_audit gives for the same document.
 * The members are read here; the decisions on their values (the key lists'
 * diff, federated credentials, key types, quoted values, object types) are
 * the full path's own helpers (norm_ms.h), called on the same strings, so
 * they cannot drift apart. fastscan_ecs.c reads the generic fields and calls
 * this; whatever it cannot read exactly it declines (0). */
#include "fastscan_int.h"
#include "norm_ms.h"

#include <stdlib.h>
#include <string.h>

/* The strings handed to the helpers: NUL-terminated copies, in a buffer of
 * the call (a record needing more is declined). */
typedef struct zpool {
    char buf[8192];
    size_t used;
} zpool;

/* s as a C string (NULL for none), in zp; -1 when it does not fit */
static int zdup(zpool *zp, ct_fstr s, const char **out)
{
    *out = NULL;
    if (!s.s) return 0;
    if (zp->used + s.n + 1 > sizeof zp->buf || memchr(s.s, 0, s.n)) return -1;
    char *d = zp->buf + zp->used;
    memcpy(d, s.s, s.n);
    d[s.n] = 0;
    zp->used += s.n + 1;
    *out = d;
    return 0;
}

/* ct_json_str(o, a), else ct_json_str(o, b), decoded */
static int dec2(span a, span b, ct_fast *o, ct_fstr *out)
{
    if (ct_fs_sdec(a, o, out) < 0) return -1;
    if (!out->s && ct_fs_sdec(b, o, out) < 0) return -1;
    return 0;
}
#define D2(a_, b_, dst) do { if (dec2((a_), (b_), o, (dst)) < 0) return 0; } while (0)
#define Z(s_, dst) do { if (zdup(zp, (s_), (dst)) < 0) return 0; } while (0)

/* a C string the helpers returned, copied into o->scratch; -1 when full */
static int keep(ct_fast *o, const char *s, ct_fstr *out)
{
    out->s = NULL;
    out->n = 0;
    if (!s || !*s) return 0;
    size_t n = strlen(s);
    if (o->scratch_used + n > sizeof o->scratch) return -1;
    char *d = o->scratch + o->scratch_used;
    memcpy(d, s, n);
    o->scratch_used += n;
    out->s = d;
    out->n = (uint32_t)n;
    return 0;
}
#define KEEP(s_, dst) do { if (keep(o, (s_), (dst)) < 0) return 0; } while (0)

/* One modified property: display name, new and old value (str2 of each
 * spelling), as C strings. */
typedef struct mod {
    const char *name, *nv, *ov;
} mod;

/* One target resource: whether it is an object, its fields, and its
 * modified properties mods[m0, m1). */
typedef struct tgt {
    int obj;
    ct_fstr id, dn, upn, upn2, type;
    size_t m0, m1;
} tgt;

#define MAX_TGT 16
#define MAX_MOD 64

typedef struct audit {
    tgt t[MAX_TGT];
    size_t nt;
    mod m[MAX_MOD];
    size_t nm;
    long i0; /* the target ct_json_get(trs, "0") gives, or -1 */
} audit;

static const char *const al_target[] = {"id", "display_name", "user_principal_name", "type",
                                        "modified_properties", "modifiedProperties", "userPrincipalName"};
enum { AT_ID, AT_DN, AT_UPN, AT_TYPE, AT_MODS, AT_MODS2, AT_UPN2, AT__N };
static const char *const al_mod[] = {"display_name", "displayName", "new_value", "newValue",
                                     "old_value", "oldValue"};

static int read_mod(const char *e, span m, ct_fast *o, zpool *zp, audit *a)
{
    if (a->nm == MAX_MOD) return 0;
    mod *x = &a->m[a->nm++];
    memset(x, 0, sizeof *x);
    if (!is_obj(m)) return 1;
    span M[6];
    ct_fstr name, nv, ov;
    GET(m, al_mod, M);
    D2(M[0], M[1], &name);
    D2(M[2], M[3], &nv);
    D2(M[4], M[5], &ov);
    Z(name, &x->name);
    Z(nv, &x->nv);
    Z(ov, &x->ov);
    return 1;
}

static int read_target(const char *e, span t, ct_fast *o, zpool *zp, audit *a)
{
    if (a->nt == MAX_TGT) return 0;
    tgt *x = &a->t[a->nt++];
    memset(x, 0, sizeof *x);
    x->m0 = x->m1 = a->nm;
    if (!is_obj(t)) return 1;
    x->obj = 1;
    span T[AT__N];
    GET(t, al_target, T);
    D(T[AT_ID], &x->id);
    D(T[AT_DN], &x->dn);
    D(T[AT_UPN], &x->upn);
    D(T[AT_UPN2], &x->upn2);
    D(T[AT_TYPE], &x->type);
    span mps = T[AT_MODS].v ? T[AT_MODS] : T[AT_MODS2]; /* mods_of */
    if (is_arr(mps)) {
        ARRAY_EACH(mps, e, q, qe) {
            span m = {q, qe};
            if (!read_mod(e, m, o, zp, a)) return 0;
        }
    } else if (is_obj(mps)) {
        ct_fs_member m;
        OBJ_EACH(mps, e, m)
            if (!read_mod(e, m.v, o, zp, a)) return 0;
    }
    x->m1 = a->nm;
    return 1;
}

/* target_resources: every target, and which one ct_json_get(trs, "0") is */
static int read_targets(const char *e, span trs, ct_fast *o, zpool *zp, audit *a)
{
    a->i0 = -1;
    if (is_arr(trs)) {
        ARRAY_EACH(trs, e, q, qe) {
            span t = {q, qe};
            if (a->i0 < 0) a->i0 = (long)a->nt;
            if (!read_target(e, t, o, zp, a)) return 0;
        }
    } else if (is_obj(trs)) {
        ct_fs_member m;
        OBJ_EACH(trs, e, m) {
            if (m.kn == 1 && m.k[0] == '0') {
                if (a->i0 >= 0) return 0; /* a second "0": cJSON reads the first */
                a->i0 = (long)a->nt;
            }
            if (!read_target(e, m.v, o, zp, a)) return 0;
        }
    }
    return 1;
}

/* norm_azure_extract.c mod_value: the new value of the first property named
 * name exactly, or NULL */
static const char *mod_value(const audit *a, const tgt *t, const char *name)
{
    for (size_t i = t->m0; i < t->m1; i++)
        if (a->m[i].name && !strcmp(a->m[i].name, name)) return a->m[i].nv;
    return NULL;
}

/* norm_azure_extract.c one_value */
static const char *one_value(ct_norm *n, const char *v)
{
    if (v && v[0] == '[') {
        cJSON *arr = cJSON_Parse(v);
        const char *r = NULL;
        if (cJSON_IsArray(arr) && cJSON_GetArraySize(arr) == 1 && cJSON_IsString(arr->child))
            r = ct_norm_keepz(n, arr->child->valuestring);
        cJSON_Delete(arr);
        return r;
    }
    return ct_norm_ms_unquote(n, v);
}

static int is_app_type(ct_fstr ty)
{
    return fcaseeq(ty, "Application") || fcaseeq(ty, "ServicePrincipal");
}

/* norm_azure_extract.c target_app_id */
static const char *target_app_id(ct_norm *n, const audit *a, const tgt *sel, const char *kv_app, int napps)
{
    const char *r = one_value(n, mod_value(a, sel, "AppId"));
    if (!r) r = one_value(n, mod_value(a, sel, "AppPrincipalId"));
    if (!r) r = ct_norm_ms_first_spn(n, mod_value(a, sel, "TargetId.ServicePrincipalNames"));
    if (r) return r;
    if (sel->id.s)
        for (size_t i = 0; i < a->nt; i++) {
            const char *oid = one_value(n, mod_value(a, &a->t[i], "Application.ObjectID"));
            const char *aid = mod_value(a, &a->t[i], "Application.AppId");
            if (aid && oid && strlen(oid) == sel->id.n && ct_strncaseeq(oid, sel->id.s, sel->id.n))
                return one_value(n, aid);
        }
    return napps == 1 ? kv_app : NULL;
}

/* norm_azure_extract.c scan_modified over one target */
static int scan_modified(ct_norm *n, const audit *a, const tgt *t, int *parsed, const char **end,
                         const char **ktype)
{
    int added = 0;
    for (size_t i = t->m0; i < t->m1; i++) {
        const mod *m = &a->m[i];
        if (!m->name) continue;
        if (!added && !strcmp(m->name, "KeyDescription")) {
            int r = ct_norm_ms_key_added(n, m->ov, m->nv);
            if (r >= 0) *parsed = 1;
            if (r > 0) added = 1;
        } else if (!added && !strcmp(m->name, "FederatedIdentityCredentials")) {
            int r = ct_norm_ms_fic_added(n, m->ov, m->nv);
            if (r >= 0) *parsed = 1;
            if (r > 0) added = 1;
        } else if (!*end && (!strcmp(m->name, "KeyEndDate") || !strcmp(m->name, "EndDate") ||
                             !strcmp(m->name, "endDateTime"))) {
            *end = ct_norm_ms_unquote(n, m->nv);
        } else if (!*ktype && !strcmp(m->name, "KeyType")) {
            *ktype = ct_norm_ms_unquote(n, m->nv);
        }
    }
    return added;
}

/* The target, the application, the one named beside it and the credential
 * (ct_extract_azure_audit after the actor), the helpers' strings in n until
 * copied into o. */
static int targets_and_credential(const audit *a, ct_fast *o, ct_norm *n, const char *kv_app)
{
    ct_fstr *v = o->v;
    const tgt *sel = NULL, *other = NULL;
    int napps = 0;
    for (size_t i = 0; i < a->nt; i++) {
        if (is_app_type(a->t[i].type)) {
            napps++;
            if (!sel) sel = &a->t[i];
        } else if (!other && a->t[i].obj) {
            other = &a->t[i];
        }
    }
    const tgt *t0 = sel ? sel : a->i0 >= 0 ? &a->t[a->i0] : NULL;
    if (t0 && t0->obj) {
        v[CT_EF_TARGET_ID] = t0->id;
        v[CT_EF_TARGET_NAME] = t0->dn.s ? t0->dn : t0->upn;
        if (ct_fs_object_type(t0->type, o, &v[CT_EF_TARGET_TYPE]) < 0) return 0;
        if (sel) KEEP(target_app_id(n, a, sel, kv_app, napps), &v[CT_EF_TARGET_APP_ID]);
    }
    if (sel && other) {
        v[CT_EF_NAMED] = other->upn.s ? other->upn : other->upn2;
        if (!v[CT_EF_NAMED].s) v[CT_EF_NAMED] = other->dn.s ? other->dn : other->id;
    }
    /* credentials: every target's modified properties, the first target first */
    int parsed = 0, added = 0;
    const char *end = NULL, *ktype = NULL;
    for (size_t i = 0; i < a->nt && !added; i++)
        if (scan_modified(n, a, &a->t[i], &parsed, &end, &ktype)) added = 1;
    ct_fields *f = &n->f;
    if (added) {
        o->is_credential_add = 1;
    } else if (!parsed && fcaseeq(v[CT_EF_ACTION], "Add service principal credentials")) {
        /* the operation says so, but the key list is missing or unreadable */
        o->is_credential_add = 1;
        f->cred_type = ct_norm_ms_cred_type(n, ktype);
    }
    if (o->is_credential_add && !f->cred_end) f->cred_end = end;
    KEEP(f->cred_id, &v[CT_EF_CRED_ID]);
    KEEP(f->cred_type, &v[CT_EF_CRED_TYPE]);
    KEEP(f->cred_name, &v[CT_EF_CRED_NAME]);
    KEEP(f->cred_end, &v[CT_EF_CRED_END]);
    return 1;
}

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

/* What the helpers need around them: a buffer of strings, a norm for theirs. */
typedef struct scratch {
    zpool zp;
    audit a;
    ct_norm n;
} scratch;

static int audit_fields(const ct_fs_doc *d, ct_fast *o, scratch *sc)
{
    const char *e = d->e;
    zpool *zp = &sc->zp;
    span al, P[AL__N];
    memset(P, 0, sizeof P);
    ct_fstr ident = {0};
    static const char *const kal[] = {"auditlogs"};
    if (ct_fs_path_get(d->azure, e, kal, 1, &al) != GET_OK) return 0;
    if (is_obj(al)) {
        static const char *const k[] = {"properties", "identity"};
        span L[2];
        GET(al, k, L);
        D(L[1], &ident);
        if (is_obj(L[0])) GET(L[0], al_props, P);
    }
    ct_fstr *v = o->v;
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
    const char *kv_appz;
    if (ct_fs_kv_find(ad, e, "User-Agent", 1, o, &ua) < 0) return 0;
    if (!ua.s) D2(P[AL_UA], P[AL_UA2], &ua);
    if (ct_fs_kv_find(ad, e, "AppId", 1, o, &kv_app) < 0) return 0;
    Z(kv_app, &kv_appz);
    if (!read_targets(e, P[AL_TR], o, zp, &sc->a)) return 0;

    if (rid.s) v[CT_EF_RECORD_ID] = rid;
    if (!v[CT_EF_OUTCOME].s) v[CT_EF_OUTCOME] = lit(ct_fs_outcome_word(res));
    ct_fs_audit au = {uid, upn, udn, uip, spid, appid, adn, aspn, ident, ua, {0}, {0}, {0}, {0}, corr};
    ct_fs_audit_entities(v, &au);
    return targets_and_credential(&sc->a, o, &sc->n, kv_appz);
}

int ct_fs_ecs_audit(const ct_fs_doc *d, ct_fast *o)
{
    scratch *sc = ct_xmalloc(sizeof *sc);
    sc->zp.used = 0;
    sc->a.nt = sc->a.nm = 0;
    memset(&sc->n, 0, sizeof sc->n);
    int ok = audit_fields(d, o, sc);
    ct_norm_free(&sc->n);
    free(sc);
    return ok;
}
