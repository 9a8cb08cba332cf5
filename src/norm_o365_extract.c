/* norm_o365_extract: the entities of an o365.audit document (the Microsoft
 * 365 Unified Audit Log as Elastic's o365 integration maps it, built by
 * norm_o365.c from a UAL record or a Sentinel OfficeActivity row, or shipped
 * by Filebeat): the actor and target of Entra records from Actor[] / Target[]
 * and ExtendedProperties, the credential added from ModifiedProperties, and
 * for the other workloads the application acting with its own credential. */
#include "norm_ms.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* "Application_<guid>" style ids of Actor[] / Target[]: the class and the id. */
static int class_id(const char *s, const char **cls, size_t *cl, const char **id)
{
    static const char *const classes[] = {"Application", "ServicePrincipal", "User", "Group",
                                          "Device"};
    for (size_t i = 0; i < CT_ARRAY_LEN(classes); i++) {
        size_t n = strlen(classes[i]);
        if (!strncmp(s, classes[i], n) && s[n] == '_' && s[n + 1]) {
            *cls = classes[i];
            *cl = n;
            *id = s + n + 1;
            return 1;
        }
    }
    return 0;
}

static void from_list(const cJSON *list, const char **cls, const char **id, const char **upn,
                      const char **name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        const char *s = ct_json_stri(e, "ID");
        const cJSON *t = ct_json_get(e, "Type");
        if (!t) t = ct_json_get(e, "type");
        int type = cJSON_IsNumber(t) ? t->valueint : cJSON_IsString(t) ? atoi(t->valuestring) : -1;
        if (!s) continue;
        const char *c, *i;
        size_t cl;
        if (!*cls && class_id(s, &c, &cl, &i)) {
            *cls = c;
            *id = i;
        } else if (type == 5 && upn && !*upn && strchr(s, '@')) {
            *upn = s;
        } else if (type == 1 && name && !*name) {
            *name = s;
        }
    }
}

static int is_guid(const char *s)
{
    if (!s || strlen(s) != 36) return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i])) return 0;
    }
    return 1;
}

/* The application of a record: AppId (Exchange), ClientAppId, the access
 * context's ClientAppId, ApplicationId (SharePoint, Teams...); a GUID only
 * ("sanitized" and other placeholders are no application). */
static const char *app_of(const cJSON *A)
{
    static const char *const k[] = {"AppId", "ClientAppId", "AppAccessContext.ClientAppId",
                                    "ApplicationId"};
    for (size_t i = 0; i < CT_ARRAY_LEN(k); i++) {
        const char *s = ct_json_str(A, k[i]);
        if (is_guid(s)) return s;
    }
    return NULL;
}

/* UserType: 5 Application, 6 ServicePrincipal (a number, a string holding
 * one, or Sentinel's name for it) */
static int app_user_type(const cJSON *A)
{
    const cJSON *t = ct_json_get(A, "UserType");
    double d;
    if (ct_norm_ms_num_value(t, &d)) return d == 5 || d == 6;
    return cJSON_IsString(t) && (ct_strcaseeq(t->valuestring, "Application") ||
                                 ct_strcaseeq(t->valuestring, "ServicePrincipal"));
}

/* Workloads beyond Entra (Exchange, SharePoint, OneDrive, Teams...): an
 * application acting with its own credential (UserType Application or
 * ServicePrincipal, UserKey its app id, SharePoint's app@sharepoint) is the
 * actor, the mailbox or user it reached the target: so correlation sees an
 * app read mail or files after its new secret. A user acting through an
 * application keeps the user as the actor and names the app as client. */
static void workload_parties(ct_norm *n, const cJSON *A)
{
    ct_fields *f = &n->f;
    const char *app = app_of(A);
    const char *uid = ct_json_str(A, "UserId");
    const char *ukey = ct_json_str(A, "UserKey");
    const char *owner = ct_json_str(A, "MailboxOwnerUPN");
    const char *aname = ct_json_str(A, "ApplicationDisplayName");
    if (!aname) aname = ct_json_str(A, "AppAccessContext.ClientAppName");
    int sp_app = uid && ct_strcaseeq(uid, "app@sharepoint");
    f->resource = ct_json_str(A, "SiteUrl"); /* the site a file operation reached */
    if (app && (app_user_type(A) || sp_app || (ukey && ct_strcaseeq(ukey, app)))) {
        f->actor_id = app;
        f->actor_id2 = NULL;
        f->actor_name = aname; /* none else: user.* is the mailbox owner's */
        f->actor_type = "application";
        f->is_signin = 1; /* a call the application made with its own credential */
        if (!owner && uid && strchr(uid, '@') && !sp_app) owner = uid;
        if (owner) {
            f->target_id = f->target_name = owner;
            f->target_type = "user";
        }
        return;
    }
    if (app) f->client_app = aname ? aname : app;
    /* a delegate reading another's mailbox: that mailbox is the target */
    if (owner && uid && !ct_strcaseeq(owner, uid) && !f->target_id && !f->target_name) {
        f->target_id = f->target_name = owner;
        f->target_type = "user";
    }
}

void ct_extract_o365(ct_norm *n)
{
    const cJSON *d = n->doc;
    ct_fields *f = &n->f;
    const cJSON *A = ct_json_get(d, "o365.audit");
    const cJSON *X = ct_json_get(A, "ExtendedProperties");
    const cJSON *M = ct_json_get(A, "ModifiedProperties");

    /* actor */
    const char *cls = NULL, *id = NULL, *upn = NULL, *aname = NULL;
    from_list(ct_json_get(A, "Actor"), &cls, &id, &upn, &aname);
    const char *xcls = ct_json_stri(X, "actorObjectClass");
    const char *xid = ct_json_stri(X, "actorObjectId");
    const char *xupn = ct_json_stri(X, "actorUPN");
    if (xcls) cls = xcls;
    f->actor_id = xid ? xid : id;
    f->actor_name = xupn ? xupn : upn;
    /* a service principal has no UPN: its display name (Actor Type 1) reads
     * better than UserId's "ServicePrincipal_<guid>" */
    if (!f->actor_name) f->actor_name = aname;
    if (!f->actor_name) f->actor_name = ct_json_str(A, "UserId");
    if (!f->actor_id) f->actor_id = f->actor_name;
    if (cls) f->actor_type = ct_norm_ms_object_type(n, cls);
    else if (f->actor_name && strchr(f->actor_name, '@')) f->actor_type = "user";
    f->actor_ip = ct_json_str(d, "client.ip");
    const char *adj = ct_json_stri(X, "additionalDetails");
    cJSON *ad = ct_json_parse_embedded(adj);
    const char *adua = ct_json_stri(ad, "User-Agent");
    if (adua) f->actor_ua = ct_norm_keepz(n, adua);
    const char *adapp = ct_json_stri(ad, "AppId");
    if (adapp) f->target_app_id = ct_norm_keepz(n, adapp);
    cJSON_Delete(ad);

    /* the id the Entra records of the same change carry (one change, one event) */
    f->change_id = ct_json_stri(X, "correlationId");
    const char *wl = ct_json_str(A, "Workload");
    if (!f->change_id && wl && ct_strcaseeq(wl, "AzureActiveDirectory"))
        f->change_id = ct_json_str(A, "InterSystemsId");

    /* target */
    const char *tcls = NULL, *tid = NULL, *tname = NULL;
    from_list(ct_json_get(A, "Target"), &tcls, &tid, NULL, &tname);
    const char *xtid = ct_json_stri(X, "targetObjectId");
    const char *xtname = ct_json_stri(X, "targetName");
    const char *xtcls = ct_json_stri(X, "extendedAuditEventCategory");
    f->target_id = xtid ? xtid : tid;
    f->target_name = xtname ? xtname : tname;
    f->target_type = ct_norm_ms_object_type(n, tcls ? tcls : xtcls);
    const char *provider = ct_json_str(d, "event.provider"); /* the record's Workload */
    if (!provider || !ct_strcaseeq(provider, "AzureActiveDirectory")) workload_parties(n, A);

    /* "Add owner to application": the application is in the modified
     * properties, the new owner is the target list's user: named, not
     * targeted (as in the Entra record) */
    const char *aoid = ct_norm_ms_unquote(n, ct_json_str(M, "Application_ObjectID.NewValue"));
    if (aoid) {
        f->named = f->target_name ? f->target_name : f->target_id;
        f->target_id = aoid;
        f->target_name = ct_norm_ms_unquote(n, ct_json_str(M, "Application_DisplayName.NewValue"));
        f->target_type = "application";
        f->target_app_id = ct_norm_ms_unquote(n, ct_json_str(M, "Application_AppId.NewValue"));
    }

    /* modified properties: credentials, app id */
    int parsed = 0, added = 0;
    const char *kd_new = ct_json_str(M, "KeyDescription.NewValue");
    const char *kd_old = ct_json_str(M, "KeyDescription.OldValue");
    if (kd_new || kd_old) {
        int r = ct_norm_ms_key_added(n, kd_old, kd_new);
        parsed = r >= 0;
        added = r > 0;
    }
    const char *fic_new = ct_json_str(M, "FederatedIdentityCredentials.NewValue");
    if (!added && fic_new) {
        int r = ct_norm_ms_fic_added(n, ct_json_str(M, "FederatedIdentityCredentials.OldValue"), fic_new);
        parsed |= r >= 0;
        added = r > 0;
    }
    if (!f->target_app_id) {
        const char *spn = ct_json_str(M, "TargetId_ServicePrincipalNames.NewValue");
        f->target_app_id = spn ? ct_norm_ms_first_spn(n, spn)
                               : ct_norm_ms_unquote(n, ct_json_str(M, "AppId.NewValue"));
    }
    if (added) {
        f->is_credential_add = 1;
    } else if (!parsed && f->action && ct_strcaseeq(f->action, "Add service principal credentials")) {
        f->is_credential_add = 1;
        f->cred_type = ct_norm_ms_cred_type(n, ct_norm_ms_unquote(n, ct_json_str(M, "KeyType.NewValue")));
    }
    if (f->is_credential_add && !f->cred_end) {
        const char *e = ct_json_str(M, "KeyEndDate.NewValue");
        if (!e) e = ct_json_str(M, "EndDate.NewValue");
        f->cred_end = ct_norm_ms_unquote(n, e);
    }
}
