/* norm_sentinel: Microsoft Sentinel / Log Analytics rows of the AuditLogs,
 * SigninLogs and AAD*SignInLogs tables (and OfficeActivity, rewritten by
 * norm_sentinel_office.c into the M365 record norm_o365.c reads). Columns are PascalCase, and the
 * dynamic columns (InitiatedBy, TargetResources, AdditionalDetails, Status,
 * LocationDetails...) are often exported as JSON encoded in a string. The row
 * is rewritten into the Azure Monitor diagnostic shape (camelCase,
 * "properties") and converted by norm_azure.c, so the ECS document and the
 * record id (Id = properties.id = Graph id) are the same as for the other two
 * Azure kinds. */
#include "norm_ms.h"

#include <stdio.h>
#include <string.h>

static const char *table(const cJSON *rec)
{
    return ct_json_str(rec, "Type");
}

static int is_signin_table(const char *t)
{
    return t && (ct_strcaseeq(t, "SigninLogs") || ct_norm_ms_is_signin_category(t));
}

int ct_norm_sentinel_detect(const cJSON *rec)
{
    if (ct_norm_ms_is_office_row(rec)) return 1;
    const char *t = table(rec);
    if (t && (ct_strcaseeq(t, "AuditLogs") || is_signin_table(t))) return 1;
    if (!ct_json_get(rec, "TimeGenerated")) return 0;
    return ct_json_get(rec, "OperationName") || ct_json_get(rec, "InitiatedBy") ||
           ct_json_get(rec, "TargetResources") || ct_json_get(rec, "ResultType");
}

/* AuditLogs or a sign-in table: by Type when it names one, else (a query
 * replaced or dropped Type: `extend Type = ...`, `project-away Type`) by the
 * audit table's own columns. */
static int row_is_audit(const cJSON *rec)
{
    const char *t = table(rec);
    if (t && ct_strcaseeq(t, "AuditLogs")) return 1;
    if (t && is_signin_table(t)) return 0;
    return ct_json_get(rec, "InitiatedBy") || ct_json_get(rec, "TargetResources") ||
           ct_json_get(rec, "ActivityDisplayName") || ct_json_get(rec, "LoggedByService") ||
           ct_json_get(rec, "AADOperationType");
}

/* A column value: JSON held in a string is decoded. */
static cJSON *value(const cJSON *v)
{
    if (cJSON_IsString(v)) {
        cJSON *p = ct_json_parse_embedded(v->valuestring);
        if (p) return p;
    }
    return cJSON_Duplicate(v, 1);
}

static void put(cJSON *dst, const char *k, const cJSON *rec, const char *col)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, col);
    if (v && !cJSON_IsNull(v) && !cJSON_GetObjectItemCaseSensitive(dst, k))
        cJSON_AddItemToObject(dst, k, value(v));
}

static const char *const audit_top[][2] = {
    {"TimeGenerated", "time"}, {"OperationName", "operationName"},
    {"OperationVersion", "operationVersion"}, {"TenantId", "tenantId"},
    {"AADTenantId", "tenantId"}, {"CorrelationId", "correlationId"},
    {"ResultSignature", "resultSignature"}, {"DurationMs", "durationMs"},
    {"Identity", "identity"}, {"Level", "Level"}, {"ResourceId", "resourceId"},
};
static const char *const audit_props[][2] = {
    {"Id", "id"}, {"Category", "category"}, {"CorrelationId", "correlationId"},
    {"Result", "result"}, {"ResultReason", "resultReason"},
    {"ActivityDisplayName", "activityDisplayName"}, {"OperationName", "activityDisplayName"},
    {"ActivityDateTime", "activityDateTime"}, {"LoggedByService", "loggedByService"},
    {"AADOperationType", "operationType"}, {"InitiatedBy", "initiatedBy"},
    {"TargetResources", "targetResources"}, {"AdditionalDetails", "additionalDetails"},
};

static cJSON *audit_diag(const cJSON *rec)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "category", "AuditLogs");
    for (size_t i = 0; i < CT_ARRAY_LEN(audit_top); i++) put(d, audit_top[i][1], rec, audit_top[i][0]);
    if (!cJSON_GetObjectItemCaseSensitive(d, "time")) put(d, "time", rec, "ActivityDateTime");
    cJSON *p = cJSON_AddObjectToObject(d, "properties");
    for (size_t i = 0; i < CT_ARRAY_LEN(audit_props); i++)
        put(p, audit_props[i][1], rec, audit_props[i][0]);
    const char *ip = ct_json_str(p, "initiatedBy.user.ipAddress");
    if (ip) cJSON_AddStringToObject(d, "callerIpAddress", ip);
    return d;
}

/* Sign-in columns that sit at the top of a diagnostic record; the others go
 * to "properties" under their own name (the sign-in pipeline snake_cases every
 * key, so PascalCase and camelCase give the same field). */
static const char *const signin_top[][2] = {
    {"TimeGenerated", "time"}, {"OperationName", "operationName"},
    {"OperationVersion", "operationVersion"}, {"Category", "category"},
    {"TenantId", "tenantId"}, {"ResultType", "resultType"},
    {"ResultSignature", "resultSignature"}, {"DurationMs", "durationMs"},
    {"Identity", "identity"}, {"Level", "level"}, {"Location", "location"},
};
static const char *const signin_rename[][2] = {
    {"LocationDetails", "location"}, {"ConditionalAccessPolicies", "appliedConditionalAccessPolicies"},
    {"IPAddress", "ipAddress"}, {"ResourceIdentity", "resourceId"},
};
static const char *const signin_drop[] = {"Type", "SourceSystem", "_ResourceId", "TenantId",
                                          "AADTenantId"};

static const char *table_category(const cJSON *rec)
{
    const char *t = table(rec);
    if (t && ct_strcaseeq(t, "SigninLogs")) return "SignInLogs";
    if (t && is_signin_table(t)) /* AADServicePrincipalSignInLogs -> ServicePrincipalSignInLogs */
        return !strncmp(t, "AAD", 3) ? t + 3 : t;
    /* Type replaced or dropped: a service principal's sign-in names its key
     * or has a service principal and no user */
    if (ct_json_get(rec, "ServicePrincipalCredentialKeyId") ||
        (ct_json_str(rec, "ServicePrincipalId") && !ct_json_str(rec, "UserPrincipalName")))
        return "ServicePrincipalSignInLogs";
    return "SignInLogs";
}

static cJSON *signin_diag(const cJSON *rec)
{
    cJSON *d = cJSON_CreateObject();
    for (size_t i = 0; i < CT_ARRAY_LEN(signin_top); i++) put(d, signin_top[i][1], rec, signin_top[i][0]);
    const char *cat = ct_json_str(d, "category");
    if (!cat || !ct_norm_ms_is_signin_category(cat)) {
        cJSON_DeleteItemFromObjectCaseSensitive(d, "category");
        cJSON_AddStringToObject(d, "category", table_category(rec));
    }
    if (!cJSON_GetObjectItemCaseSensitive(d, "time")) put(d, "time", rec, "CreatedDateTime");
    if (!cJSON_GetObjectItemCaseSensitive(d, "tenantId")) put(d, "tenantId", rec, "AADTenantId");
    cJSON *p = cJSON_AddObjectToObject(d, "properties");
    for (const cJSON *c = rec->child; c; c = c->next) {
        const char *k = c->string;
        int skip = 0;
        if (!k) continue;
        for (size_t i = 0; i < CT_ARRAY_LEN(signin_top) && !skip; i++)
            skip = !strcmp(k, signin_top[i][0]) && strcmp(k, "CorrelationId");
        for (size_t i = 0; i < CT_ARRAY_LEN(signin_drop) && !skip; i++)
            skip = !strcmp(k, signin_drop[i]);
        if (!strcmp(k, "ResourceId")) {
            /* the tenant path of the diagnostic record, or the resource's id */
            if (cJSON_IsString(c) && c->valuestring[0] == '/')
                cJSON_AddStringToObject(d, "resourceId", c->valuestring);
            else
                put(p, "resourceId", rec, k);
            continue;
        }
        if (skip) continue;
        const char *dst = k;
        for (size_t i = 0; i < CT_ARRAY_LEN(signin_rename); i++)
            if (!strcmp(k, signin_rename[i][0])) dst = signin_rename[i][1];
        if (!strcmp(k, "CorrelationId")) put(d, "correlationId", rec, k);
        put(p, dst, rec, k);
    }
    return d;
}

int ct_norm_sentinel(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    if (ct_norm_ms_is_office_row(rec)) { /* OfficeActivity: the M365 audit log */
        cJSON *ual = ct_norm_ms_office_to_ual(rec);
        ct_norm_ms_from_ual(ual, out);
        cJSON_Delete(ual);
        return 0;
    }
    cJSON *diag = row_is_audit(rec) ? audit_diag(rec) : signin_diag(rec);
    int r = ct_norm_ms_from_diag(diag, out, err, errlen);
    cJSON_Delete(diag);
    return r;
}
