/* norm_graph: Microsoft Graph directoryAudits and signIns records (the items of
 * a {"value": [...]} export). A Graph record is the "properties" object of the
 * Azure Monitor diagnostic record of the same event, so it is wrapped into that
 * shape and goes through the diagnostic converter (norm_azure.c): the ECS
 * document, and the record id used for dedupe, are the same. */
#include "norm_ms.h"

#include <stdio.h>
#include <string.h>

static int is_audit(const cJSON *rec)
{
    return ct_json_str(rec, "activityDisplayName") && ct_json_get(rec, "activityDateTime");
}

static int is_signin(const cJSON *rec)
{
    return ct_json_get(rec, "createdDateTime") &&
           (ct_json_get(rec, "userPrincipalName") || ct_json_get(rec, "appId") ||
            ct_json_get(rec, "servicePrincipalId")) &&
           (ct_json_get(rec, "status") || ct_json_get(rec, "ipAddress"));
}

int ct_norm_graph_detect(const cJSON *rec)
{
    /* a diagnostic record carries these under "properties", Sentinel in PascalCase */
    if (ct_json_get(rec, "properties") || ct_json_get(rec, "TimeGenerated")) return 0;
    const char *t = ct_json_str(rec, "@odata.type");
    if (t && (!strcmp(t, "#microsoft.graph.directoryAudit") || !strcmp(t, "#microsoft.graph.signIn")))
        return 1;
    return is_audit(rec) || is_signin(rec);
}

static void copy(cJSON *dst, const char *k, const cJSON *src, const char *sk)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, sk);
    if (v && !cJSON_IsNull(v)) cJSON_AddItemToObject(dst, k, cJSON_Duplicate(v, 1));
}

static int has_type(const cJSON *rec, const char *type)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(rec, "signInEventTypes"), *e;
    cJSON_ArrayForEach(e, a) if (cJSON_IsString(e) && ct_strcaseeq(e->valuestring, type)) return 1;
    return 0;
}

static const char *signin_category(const cJSON *rec)
{
    if (has_type(rec, "servicePrincipal")) return "ServicePrincipalSignInLogs";
    if (has_type(rec, "managedIdentity")) return "ManagedIdentitySignInLogs";
    if (has_type(rec, "nonInteractiveUser")) return "NonInteractiveUserSignInLogs";
    if (ct_json_str(rec, "servicePrincipalId") && !ct_json_str(rec, "userId") &&
        !ct_json_str(rec, "userPrincipalName"))
        return "ServicePrincipalSignInLogs";
    return "SignInLogs";
}

int ct_norm_graph(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    cJSON *diag = cJSON_CreateObject();
    const char *t = ct_json_str(rec, "@odata.type");
    int audit = t ? !strcmp(t, "#microsoft.graph.directoryAudit") : is_audit(rec);
    if (audit) {
        copy(diag, "time", rec, "activityDateTime");
        copy(diag, "operationName", rec, "activityDisplayName");
        cJSON_AddStringToObject(diag, "category", "AuditLogs");
        copy(diag, "correlationId", rec, "correlationId");
        const char *ip = ct_json_str(rec, "initiatedBy.user.ipAddress");
        if (ip) cJSON_AddStringToObject(diag, "callerIpAddress", ip);
    } else {
        copy(diag, "time", rec, "createdDateTime");
        cJSON_AddStringToObject(diag, "operationName", "Sign-in activity");
        cJSON_AddStringToObject(diag, "category", signin_category(rec));
        copy(diag, "correlationId", rec, "correlationId");
        const cJSON *ec = ct_json_get(rec, "status.errorCode");
        if (cJSON_IsNumber(ec)) {
            char b[32];
            snprintf(b, sizeof b, "%d", ec->valueint);
            cJSON_AddStringToObject(diag, "resultType", b);
        }
    }
    cJSON *props = cJSON_Duplicate(rec, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(props, "@odata.type");
    cJSON_AddItemToObject(diag, "properties", props);
    int r = ct_norm_ms_from_diag(diag, out, err, errlen);
    cJSON_Delete(diag);
    return r;
}
