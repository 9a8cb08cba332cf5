/* norm_azure_extract: the entities (actor, target application, credential,
 * outcome) of azure.auditlogs and azure.signinlogs ECS documents. */
#include "norm_ms.h"

#include <string.h>

/* ---- extraction from the ECS document ---- */

/* additional_details: [{key, value}], or {"0": {key, value}}, or {key: value}. */
static const char *kv_lookup(const cJSON *ad, const char *key)
{
    if (!cJSON_IsArray(ad) && !cJSON_IsObject(ad)) return NULL;
    for (const cJSON *c = ad->child; c; c = c->next) {
        if (cJSON_IsObject(c)) {
            const char *k = ct_json_stri(c, "key");
            if (k && ct_strcaseeq(k, key)) return ct_json_stri(c, "value");
        } else if (cJSON_IsString(c) && c->string && ct_strcaseeq(c->string, key) &&
                   c->valuestring[0]) {
            return c->valuestring;
        }
    }
    return NULL;
}

static const char *str2(const cJSON *o, const char *a, const char *b)
{
    const char *s = ct_json_str(o, a);
    return s ? s : ct_json_str(o, b);
}

/* The first element of "appId;uri;..." (TargetId.ServicePrincipalNames). */
const char *ct_norm_ms_first_spn(ct_norm *n, const char *v)
{
    v = ct_norm_ms_unquote(n, v);
    if (!v) return NULL;
    size_t len = strcspn(v, ";");
    while (len && v[len - 1] == ' ') len--;
    return len ? ct_norm_keep(n, v, len) : NULL;
}

static int action_is(const ct_norm *n, const char *a)
{
    return n->f.action && ct_strcaseeq(n->f.action, a);
}

/* A modified property's value naming one id: a JSON string ("\"x\"") or an
 * array holding one string ("[\"x\"]", as "Add application" writes AppId). */
static const char *one_value(ct_norm *n, const char *v)
{
    if (v && v[0] == '[') {
        cJSON *a = cJSON_Parse(v);
        const char *r = NULL;
        if (cJSON_IsArray(a) && cJSON_GetArraySize(a) == 1 && cJSON_IsString(a->child))
            r = ct_norm_keepz(n, a->child->valuestring);
        cJSON_Delete(a);
        return r;
    }
    return ct_norm_ms_unquote(n, v);
}

static const cJSON *mods_of(const cJSON *t)
{
    const cJSON *m = ct_json_get(t, "modified_properties");
    return m ? m : ct_json_get(t, "modifiedProperties");
}

/* The credential diffs, end date and key type of one target's modified
 * properties. *parsed is set when a KeyDescription / FIC value parsed. */
static int scan_modified(ct_norm *n, const cJSON *mps, int *parsed, const char **end,
                         const char **ktype)
{
    int added = 0;
    if (!cJSON_IsObject(mps) && !cJSON_IsArray(mps)) return 0;
    for (const cJSON *m = mps->child; m; m = m->next) {
        const char *name = str2(m, "display_name", "displayName");
        const char *nv = str2(m, "new_value", "newValue");
        const char *ov = str2(m, "old_value", "oldValue");
        if (!name) continue;
        if (!added && !strcmp(name, "KeyDescription")) {
            int r = ct_norm_ms_key_added(n, ov, nv);
            if (r >= 0) *parsed = 1;
            if (r > 0) added = 1;
        } else if (!added && !strcmp(name, "FederatedIdentityCredentials")) {
            int r = ct_norm_ms_fic_added(n, ov, nv);
            if (r >= 0) *parsed = 1;
            if (r > 0) added = 1;
        } else if (!*end && (!strcmp(name, "KeyEndDate") || !strcmp(name, "EndDate") ||
                             !strcmp(name, "endDateTime"))) {
            *end = ct_norm_ms_unquote(n, nv);
        } else if (!*ktype && !strcmp(name, "KeyType")) {
            *ktype = ct_norm_ms_unquote(n, nv);
        }
    }
    return added;
}

/* The new value of the modified property called name (exactly), or NULL. */
static const char *mod_value(const cJSON *mps, const char *name)
{
    if (!cJSON_IsObject(mps) && !cJSON_IsArray(mps)) return NULL;
    for (const cJSON *m = mps->child; m; m = m->next) {
        const char *k = str2(m, "display_name", "displayName");
        if (k && !strcmp(k, name)) return str2(m, "new_value", "newValue");
    }
    return NULL;
}

static int is_app_type(const char *ty)
{
    return ty && (ct_strcaseeq(ty, "Application") || ct_strcaseeq(ty, "ServicePrincipal"));
}

/* The appId of the target `sel`, only where the record states it about that
 * object (docs/CORRELATION.md, evidence): the target's own AppId (Add
 * application), AppPrincipalId (Add service principal) or first
 * ServicePrincipalNames entry; an Application.AppId beside an
 * Application.ObjectID naming it (Add owner to application); or
 * additionalDetails' AppId when the record has one application or service
 * principal among its targets. */
static const char *target_app_id(ct_norm *n, const cJSON *trs, const cJSON *sel, const cJSON *ad,
                                 int napps)
{
    const cJSON *mps = mods_of(sel);
    const char *r = one_value(n, mod_value(mps, "AppId"));
    if (!r) r = one_value(n, mod_value(mps, "AppPrincipalId"));
    if (!r) r = ct_norm_ms_first_spn(n, mod_value(mps, "TargetId.ServicePrincipalNames"));
    if (r) return r;
    const char *sid = ct_json_str(sel, "id");
    if (sid && (cJSON_IsObject(trs) || cJSON_IsArray(trs)))
        for (const cJSON *t = trs->child; t; t = t->next) {
            const cJSON *tm = mods_of(t);
            const char *oid = one_value(n, mod_value(tm, "Application.ObjectID"));
            const char *aid = mod_value(tm, "Application.AppId");
            if (aid && oid && ct_strcaseeq(oid, sid)) return one_value(n, aid);
        }
    return napps == 1 ? kv_lookup(ad, "AppId") : NULL;
}

void ct_extract_azure_audit(ct_norm *n)
{
    const cJSON *d = n->doc;
    ct_fields *f = &n->f;
    const cJSON *P = ct_json_get(d, "azure.auditlogs.properties");
    if (!cJSON_IsObject(P)) P = NULL;
    const char *rid = ct_json_str(P, "id");
    if (rid) f->record_id = rid;
    if (!f->outcome) f->outcome = ct_outcome_word(ct_json_str(P, "result"));
    f->change_id = ct_json_str(d, "azure.correlation_id");
    if (!f->change_id) f->change_id = str2(P, "correlation_id", "correlationId");

    /* actor */
    const cJSON *ib = ct_json_get(P, "initiated_by");
    if (!ib) ib = ct_json_get(P, "initiatedBy");
    const cJSON *u = ct_json_get(ib, "user"), *app = ct_json_get(ib, "app");
    const char *uid = str2(u, "id", "objectId");
    const char *upn = str2(u, "userPrincipalName", "user_principal_name");
    const char *spid = str2(app, "servicePrincipalId", "service_principal_id");
    const char *appid = str2(app, "appId", "app_id");
    if (uid || upn) {
        f->actor_id = uid ? uid : upn;
        f->actor_name = upn ? upn : str2(u, "displayName", "display_name");
        f->actor_type = "user";
        /* an address (even an invalid, anonymised one), not "<Redacted>" */
        const char *ip = str2(u, "ipAddress", "ip_address");
        if (ct_ip_shown(ip)) f->actor_ip = ip;
    } else if (spid || appid || str2(app, "displayName", "display_name")) {
        const char *dn = str2(app, "displayName", "display_name");
        const char *ident = ct_json_str(d, "azure.auditlogs.identity");
        f->actor_id = spid ? spid : appid;
        if (spid) f->actor_id2 = appid; /* the record states both: one identity */
        f->actor_name = dn ? dn : str2(app, "servicePrincipalName", "service_principal_name");
        int mi = (dn && ct_strcaseeq(dn, "Managed Service Identity")) ||
                 (ident && ct_strcaseeq(ident, "Managed Service Identity"));
        f->actor_type = mi ? "managed_identity" : "service_principal";
    }
    const cJSON *ad = ct_json_get(P, "additional_details");
    if (!ad) ad = ct_json_get(P, "additionalDetails");
    f->actor_ua = kv_lookup(ad, "User-Agent");
    if (!f->actor_ua) f->actor_ua = str2(P, "userAgent", "user_agent");

    /* target: the first application or service principal among the target
     * resources (for "Add owner to application" resource 0 is the new owner,
     * the application comes second), else the first resource. A user beside
     * an application target is named, not targeted. */
    const cJSON *trs = ct_json_get(P, "target_resources");
    const cJSON *t0 = ct_json_get(trs, "0"), *sel = NULL, *other = NULL;
    int napps = 0;
    if (cJSON_IsObject(trs) || cJSON_IsArray(trs))
        for (const cJSON *t = trs->child; t; t = t->next) {
            if (is_app_type(ct_json_str(t, "type"))) {
                napps++;
                if (!sel) sel = t;
            } else if (!other && cJSON_IsObject(t)) {
                other = t;
            }
        }
    if (sel) t0 = sel;
    if (cJSON_IsObject(t0)) {
        f->target_id = ct_json_str(t0, "id");
        f->target_name = str2(t0, "display_name", "user_principal_name");
        f->target_type = ct_norm_ms_object_type(n, ct_json_str(t0, "type"));
        if (sel) f->target_app_id = target_app_id(n, trs, sel, ad, napps);
    }
    if (sel && other) {
        f->named = str2(other, "user_principal_name", "userPrincipalName");
        if (!f->named) f->named = str2(other, "display_name", "id");
    }

    /* credentials: every target's modified properties, the first target first */
    int parsed = 0, added = 0;
    const char *end = NULL, *ktype = NULL;
    if (cJSON_IsObject(trs) || cJSON_IsArray(trs))
        for (const cJSON *t = trs->child; t; t = t->next) {
            if (scan_modified(n, mods_of(t), &parsed, &end, &ktype)) added = 1;
            if (added) break;
        }
    if (added) {
        f->is_credential_add = 1;
    } else if (!parsed && action_is(n, "Add service principal credentials")) {
        /* the operation says so, but the key list is missing or unreadable */
        f->is_credential_add = 1;
        f->cred_type = ct_norm_ms_cred_type(n, ktype);
    }
    if (f->is_credential_add && !f->cred_end) f->cred_end = end;
}

void ct_extract_azure_signin(ct_norm *n)
{
    const cJSON *d = n->doc;
    ct_fields *f = &n->f;
    const cJSON *P = ct_json_get(d, "azure.signinlogs.properties");
    if (!cJSON_IsObject(P)) P = NULL;
    const char *cat = ct_json_str(d, "azure.signinlogs.category");
    f->is_signin = 1;
    const char *rid = ct_json_str(P, "id");
    if (rid) f->record_id = rid;
    const char *spid = ct_json_str(P, "service_principal_id");
    const char *spn = ct_json_str(P, "service_principal_name");
    const char *uid = ct_json_str(P, "user_id");
    const char *upn = ct_json_str(P, "user_principal_name");
    const char *app_id = ct_json_str(P, "app_id");
    int sp = (cat && (ct_strcaseeq(cat, "ServicePrincipalSignInLogs") ||
                      ct_strcaseeq(cat, "ManagedIdentitySignInLogs"))) ||
             (!uid && !upn && spid);
    if (sp) {
        int mi = cat && ct_strcaseeq(cat, "ManagedIdentitySignInLogs");
        f->actor_id = spid ? spid : app_id;
        if (spid) f->actor_id2 = app_id; /* servicePrincipalId beside appId: one identity */
        f->actor_name = spn ? spn : ct_json_str(P, "app_display_name");
        f->actor_type = mi ? "managed_identity" : "service_principal";
    } else {
        f->actor_id = uid ? uid : upn;
        f->actor_name = upn ? upn : ct_json_str(P, "user_display_name");
        if (f->actor_id || f->actor_name) f->actor_type = "user";
        /* the application signed in with is the client, not a target */
        f->client_app = ct_json_str(P, "app_display_name");
        if (!f->client_app) f->client_app = app_id;
    }
    f->resource = ct_json_str(P, "resource_display_name");
    if (!f->resource) f->resource = ct_json_str(P, "resource_id");
    f->cred_used = ct_json_str(P, "service_principal_credential_key_id");
    f->actor_ip = str2(d, "source.ip", "source.address");
    f->actor_ua = ct_json_str(d, "user_agent.original");
    if (!f->outcome) {
        double ec;
        const cJSON *v = ct_json_get(P, "status.error_code");
        if (ct_norm_ms_num_value(v, &ec)) f->outcome = ec == 0 ? "success" : "failure";
    }
}
