/* norm_o365: Microsoft 365 Unified Audit Log records (Management Activity API,
 * Search-UnifiedAuditLog exports) to the ECS document of Elastic's o365
 * integration (data stream o365.audit), and the entity extraction of it.
 *
 * As in the integration's pipeline: Id -> event.id, Workload ->
 * event.provider, Operation -> event.action, RecordType -> event.code (name),
 * ClientIPAddress / ClientIP / ActorIpAddress -> client.ip + source.ip, UserId
 * -> user.id (+ user.email/name/domain), ResultStatus -> event.outcome,
 * ExtendedProperties / Parameters [{Name, Value}] -> {Name: Value},
 * ModifiedProperties [{Name, OldValue, NewValue}] -> {Name_with_dots_and_
 * spaces_as_underscores: {OldValue, NewValue}}, Actor/Target Type and a few
 * numbers as strings, the rest under o365.audit with its PascalCase names.
 * One deliberate difference: o365.audit.Operation is kept (folded), next to
 * event.action. */
#include "norm_ms.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ct_norm_o365_detect(const cJSON *rec)
{
    return ct_json_get(rec, "CreationTime") && ct_json_str(rec, "Operation") &&
           (ct_json_get(rec, "Workload") || ct_json_get(rec, "RecordType"));
}

static const struct { int id; const char *name; } record_types[] = {
    {1, "ExchangeAdmin"}, {2, "ExchangeItem"}, {3, "ExchangeItemGroup"}, {4, "SharePoint"},
    {6, "SharePointFileOperation"}, {7, "OneDrive"}, {8, "AzureActiveDirectory"},
    {9, "AzureActiveDirectoryAccountLogon"}, {10, "DataCenterSecurityCmdlet"},
    {14, "SharePointSharingOperation"}, {15, "AzureActiveDirectoryStsLogon"},
    {18, "SecurityComplianceCenterEOPCmdlet"}, {20, "PowerBIAudit"}, {25, "MicrosoftTeams"},
    {40, "SecurityComplianceAlerts"}, {52, "DataInsightsRestApiAudit"},
    {57, "MicrosoftTeamsAdmin"},
};

static int is_ip(const char *s)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static void append_str(cJSON *doc, const char *path, const char *v)
{
    cJSON *a = (cJSON *)ct_json_get(doc, path);
    if (!cJSON_IsArray(a)) {
        a = cJSON_CreateArray();
        ct_json_set(doc, path, a);
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, a) if (cJSON_IsString(e) && !strcmp(e->valuestring, v)) return;
    cJSON_AddItemToArray(a, cJSON_CreateString(v));
}

/* "1.2.3.4", "::ffff:1.2.3.4", "[v6]:port", "1.2.3.4:port" -> ip (+ port). */
static void client_address(cJSON *doc, const char *raw)
{
    char buf[128];
    if (!raw || !*raw) return;
    snprintf(buf, sizeof buf, "%s", raw);
    char *a = buf, *port = NULL;
    if (!strncmp(a, "::ffff:", 7) && strchr(a + 7, '.')) a += 7;
    if (*a == '[') {
        char *close = strchr(a, ']');
        if (close) {
            *close = 0;
            if (close[1] == ':') port = close + 2;
            a++;
        }
    } else {
        char *colon = strchr(a, ':');
        if (colon && !strchr(colon + 1, ':')) { /* one colon: ipv4:port */
            *colon = 0;
            port = colon + 1;
        }
    }
    if (!is_ip(a)) {
        /* written like IPv4 but invalid (anonymised: "211.9.016.253"): kept
         * as the address, which the analyst is shown, flagged */
        int shaped = ct_ip_shaped(a, strlen(a));
        ct_json_set_str(doc, "client.address", shaped ? a : raw);
        if (shaped) ct_json_set_str(doc, "source.address", a);
        return;
    }
    ct_json_set_str(doc, "client.address", a);
    ct_json_set_str(doc, "client.ip", a);
    ct_json_set_str(doc, "source.ip", a);
    if (port && *port) {
        char *end;
        long p = strtol(port, &end, 10);
        if (!*end && p > 0 && p < 65536) {
            ct_json_set(doc, "client.port", cJSON_CreateNumber((double)p));
            ct_json_set(doc, "source.port", cJSON_CreateNumber((double)p));
        }
    }
    ct_json_set_str(doc, "network.type", strchr(a, ':') ? "ipv6" : "ipv4");
    append_str(doc, "related.ip", a);
}

static void to_string(cJSON *o, const char *k)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (cJSON_IsNumber(v)) {
        char b[32];
        snprintf(b, sizeof b, "%g", v->valuedouble);
        cJSON_ReplaceItemInObjectCaseSensitive(o, k, cJSON_CreateString(b));
    }
}

/* [{Name, Value}] -> {Name: Value} (non-null values only). */
static void name_value_map(cJSON *o, const char *k)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (cJSON_IsString(v)) {
        cJSON *raw = cJSON_CreateObject();
        cJSON_AddItemToObject(raw, "_raw", cJSON_Duplicate(v, 1));
        cJSON_ReplaceItemInObjectCaseSensitive(o, k, raw);
        return;
    }
    if (!cJSON_IsArray(v)) return;
    cJSON *m = cJSON_CreateObject();
    const cJSON *e;
    cJSON_ArrayForEach(e, v) {
        const char *name = ct_json_str(e, "Name");
        const cJSON *val = cJSON_GetObjectItemCaseSensitive(e, "Value");
        if (!name || !val || cJSON_IsNull(val)) continue;
        cJSON_DeleteItemFromObjectCaseSensitive(m, name);
        cJSON_AddItemToObject(m, name, cJSON_Duplicate(val, 1));
    }
    cJSON_ReplaceItemInObjectCaseSensitive(o, k, m);
}

static char *valid_name(const char *s)
{
    char *r = ct_xstrdup(s);
    for (char *p = r; *p; p++)
        if (*p == ' ' || *p == '.') *p = '_';
    return r;
}

static void modified_properties(cJSON *o)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "ModifiedProperties");
    if (cJSON_IsString(v)) {
        cJSON *raw = cJSON_CreateObject();
        cJSON_AddItemToObject(raw, "_raw", cJSON_Duplicate(v, 1));
        cJSON_ReplaceItemInObjectCaseSensitive(o, "ModifiedProperties", raw);
        return;
    }
    if (!cJSON_IsArray(v)) return;
    cJSON *m = cJSON_CreateObject();
    const cJSON *e;
    cJSON_ArrayForEach(e, v) {
        const char *name = NULL;
        const cJSON *nv = NULL, *ov = NULL;
        if (cJSON_IsObject(e)) {
            name = ct_json_str(e, "Name");
            nv = cJSON_GetObjectItemCaseSensitive(e, "NewValue");
            ov = cJSON_GetObjectItemCaseSensitive(e, "OldValue");
            if (!name || !nv || !ov || cJSON_IsNull(nv) || cJSON_IsNull(ov)) continue;
        } else if (cJSON_IsString(e) && e->valuestring[0]) {
            name = e->valuestring;
        } else {
            continue;
        }
        char *vn = valid_name(name);
        cJSON_DeleteItemFromObjectCaseSensitive(m, vn);
        cJSON *item = cJSON_AddObjectToObject(m, vn);
        if (nv) cJSON_AddItemToObject(item, "NewValue", cJSON_Duplicate(nv, 1));
        if (ov) cJSON_AddItemToObject(item, "OldValue", cJSON_Duplicate(ov, 1));
        free(vn);
    }
    if (m->child) {
        cJSON_ReplaceItemInObjectCaseSensitive(o, "ModifiedProperties", m);
    } else {
        cJSON_Delete(m);
        cJSON_DeleteItemFromObjectCaseSensitive(o, "ModifiedProperties");
    }
}

static void types_to_string(cJSON *o, const char *k)
{
    cJSON *a = cJSON_GetObjectItemCaseSensitive(o, k), *e;
    cJSON_ArrayForEach(e, a) if (cJSON_IsObject(e)) to_string(e, "Type");
}

static void set_user(cJSON *doc, const char *prefix, const char *id)
{
    const char *at = id ? strchr(id, '@') : NULL;
    if (!at || strchr(at + 1, '@')) return;
    char path[64];
    snprintf(path, sizeof path, "%s.email", prefix);
    ct_json_set_str(doc, path, id);
    snprintf(path, sizeof path, "%s.domain", prefix);
    ct_json_set_str(doc, path, at + 1);
    char *name = ct_xstrndup(id, (size_t)(at - id));
    snprintf(path, sizeof path, "%s.name", prefix);
    ct_json_set_str(doc, path, name);
    append_str(doc, "related.user", name);
    free(name);
}

static cJSON *to_ecs(const cJSON *rec)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *o = cJSON_Duplicate(rec, 1);
    ct_json_set_str(doc, "ecs.version", "8.11.0");
    ct_json_set_str(doc, "event.kind", "event");
    append_str(doc, "event.type", "info");
    append_str(doc, "event.category", "web");
    const char *ct = ct_json_str(o, "CreationTime");
    int64_t ms;
    if (ct && ct_time_parse(ct, strlen(ct), &ms) == 0) { /* no zone: UTC */
        char t[32];
        ct_time_fmt(ms, t);
        ct_json_set_str(doc, "@timestamp", t);
    }
    cJSON *v;
    if ((v = cJSON_DetachItemFromObjectCaseSensitive(o, "Id"))) ct_json_set(doc, "event.id", v);
    /* client address: the first of ClientIPAddress, ClientIP, ActorIpAddress */
    static const char *const ipk[] = {"ClientIPAddress", "ClientIP", "ActorIpAddress"};
    for (size_t i = 0; i < CT_ARRAY_LEN(ipk); i++) {
        const char *s = ct_json_str(o, ipk[i]);
        if (!s) continue;
        char *copy = ct_xstrdup(s);
        cJSON_DeleteItemFromObjectCaseSensitive(o, ipk[i]);
        client_address(doc, copy);
        free(copy);
        break;
    }
    const cJSON *uid = cJSON_GetObjectItemCaseSensitive(o, "UserId");
    if (cJSON_IsString(uid) && uid->valuestring[0]) ct_json_set_str(doc, "user.id", uid->valuestring);
    if ((v = cJSON_DetachItemFromObjectCaseSensitive(o, "Workload"))) ct_json_set(doc, "event.provider", v);
    const char *op = ct_json_str(o, "Operation");
    if (op) ct_json_set_str(doc, "event.action", op);
    if ((v = cJSON_DetachItemFromObjectCaseSensitive(o, "OrganizationId"))) {
        if (cJSON_IsString(v))
            for (char *p = v->valuestring; *p; p++) *p = (char)tolower((unsigned char)*p);
        ct_json_set(doc, "organization.id", v);
        ct_json_copy_str(doc, "host.id", doc, "organization.id");
    }
    if ((v = cJSON_DetachItemFromObjectCaseSensitive(o, "UserAgent")))
        ct_json_set(doc, "user_agent.original", v);
    const cJSON *rt = cJSON_GetObjectItemCaseSensitive(o, "RecordType");
    double rtn = cJSON_IsNumber(rt) ? rt->valuedouble
                 : cJSON_IsString(rt) ? strtod(rt->valuestring, NULL) : -1;
    const char *code = NULL;
    for (size_t i = 0; i < CT_ARRAY_LEN(record_types); i++)
        if (record_types[i].id == (int)rtn) code = record_types[i].name;
    ct_json_set_str(doc, "event.code", code);
    const char *rs = ct_json_str(o, "ResultStatus");
    const char *outcome = "success";
    if (rs && (ct_strcaseeq(rs, "failed") || ct_strcaseeq(rs, "false"))) outcome = "failure";
    ct_json_set_str(doc, "event.outcome", outcome);
    name_value_map(o, "Parameters");
    name_value_map(o, "ExtendedProperties");
    modified_properties(o);
    if (code && !strcmp(code, "AzureActiveDirectory")) {
        ct_json_copy_str(doc, "user.target.id", o, "ObjectId");
        static const char *const user_ops[][3] = {
            {"Add user.", "added-user-account", "creation"},
            {"Update user.", "modified-user-account", "change"},
            {"Delete user.", "deleted-user-account", "deletion"},
        };
        for (size_t i = 0; op && i < CT_ARRAY_LEN(user_ops); i++) {
            if (strcmp(op, user_ops[i][0])) continue;
            ct_json_set_str(doc, "event.action", user_ops[i][1]);
            append_str(doc, "event.category", "iam");
            append_str(doc, "event.type", "user");
            append_str(doc, "event.type", user_ops[i][2]);
        }
    }
    if (code && !strcmp(code, "AzureActiveDirectoryStsLogon")) {
        append_str(doc, "event.category", "authentication");
        append_str(doc, "event.type", "start");
        append_str(doc, "event.type", "access");
    }
    set_user(doc, "user", ct_json_str(doc, "user.id"));
    set_user(doc, "user.target", ct_json_str(doc, "user.target.id"));
    const char *ua = ct_json_str(o, "ExtendedProperties.UserAgent");
    if (ua) {
        ct_json_set_str(doc, "user_agent.original", ua);
        cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "ExtendedProperties"),
                                                "UserAgent");
    }
    if (!ct_json_get(doc, "host.name")) ct_json_copy_str(doc, "host.name", doc, "user.domain");
    static const char *const strs[] = {"AzureActiveDirectoryEventType", "RecordType", "UserType",
                                       "Version", "InternalLogonType", "LogonType"};
    for (size_t i = 0; i < CT_ARRAY_LEN(strs); i++) to_string(o, strs[i]);
    types_to_string(o, "Actor");
    types_to_string(o, "Target");
    ct_json_set(doc, "o365.audit", o);
    ct_json_set_str(doc, "event.dataset", "o365.audit");
    ct_json_set_str(doc, "data_stream.dataset", "o365.audit");
    ct_json_set_str(doc, "data_stream.type", "logs");
    /* M365 appends a period to operation names ("Add service principal credentials.") */
    ct_norm_ms_fold_at(doc, "event.action");
    ct_norm_ms_fold_at(doc, "o365.audit.Operation");
    return doc;
}

int ct_norm_o365(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    out->doc = to_ecs(rec);
    return 0;
}

/* ---- extraction ---- */

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
