/* norm_sentinel_office: Microsoft Sentinel / Log Analytics rows of the
 * OfficeActivity table (the Microsoft 365 audit log as Sentinel stores it),
 * rewritten into the Management Activity API record they were made from, so
 * the o365 family builds the same o365.audit document and entities for both.
 *
 * The table renames a few fields (OfficeWorkload, OfficeId, OfficeObjectId,
 * Client_IPAddress, Logon_Type, Site_, Site_Url, AzureActiveDirectory_
 * EventType), writes RecordType and UserType as names, keeps its own columns
 * (Type, TenantId, SourceSystem, _ResourceId) and exports the dynamic columns
 * (Actor, ExtendedProperties, ModifiedProperties, Parameters, Item...) as JSON
 * text. TimeGenerated is the record's CreationTime. */
#include "norm_ms.h"

#include <string.h>

int ct_norm_ms_is_office_row(const cJSON *rec)
{
    const char *t = ct_json_str(rec, "Type");
    if (t && ct_strcaseeq(t, "OfficeActivity")) return 1;
    /* a query replaced or dropped Type: the table's own columns say it */
    return ct_json_get(rec, "TimeGenerated") && ct_json_str(rec, "Operation") &&
           (ct_json_str(rec, "OfficeWorkload") || ct_json_str(rec, "OfficeId"));
}

static const char *const renamed[][2] = {
    {"TimeGenerated", "CreationTime"}, {"OfficeWorkload", "Workload"}, {"OfficeId", "Id"},
    {"OfficeObjectId", "ObjectId"}, {"Client_IPAddress", "ClientIPAddress"},
    {"Logon_Type", "LogonType"}, {"Site_", "Site"}, {"Site_Url", "SiteUrl"},
    {"AzureActiveDirectory_EventType", "AzureActiveDirectoryEventType"},
    {"OrganizationId_", "OrganizationId"}, {"UserId_", "UserId"}, {"ClientIP_", "ClientIP"},
    {"AADTarget", "Target"},
};
static const char *const dropped[] = {"Type", "TenantId", "SourceSystem", "_ResourceId",
                                      "_BilledSize", "_IsBillable", "MG", "ManagementGroupName",
                                      "Computer", "RawEventData"};
/* dynamic columns: JSON held in a string is decoded */
static const char *const dynamic[] = {
    "Actor", "Target", "ExtendedProperties", "ModifiedProperties", "Parameters", "Item",
    "AffectedItems", "Folders", "Folder", "DestFolder", "AppAccessContext", "OperationProperties",
    "ExchangeMetaData", "SharePointMetaData", "PolicyDetails", "Members",
};

cJSON *ct_norm_ms_office_to_ual(const cJSON *row)
{
    cJSON *u = cJSON_CreateObject();
    for (const cJSON *c = row->child; c; c = c->next) {
        const char *k = c->string;
        int skip = !k || cJSON_IsNull(c);
        for (size_t i = 0; i < CT_ARRAY_LEN(dropped) && !skip; i++) skip = !strcmp(k, dropped[i]);
        if (skip) continue;
        const char *dst = k;
        for (size_t i = 0; i < CT_ARRAY_LEN(renamed); i++)
            if (!strcmp(k, renamed[i][0])) dst = renamed[i][1];
        /* the plain column wins over its suffixed twin */
        if (cJSON_GetObjectItemCaseSensitive(u, dst)) {
            if (dst == k) cJSON_DeleteItemFromObjectCaseSensitive(u, dst);
            else continue;
        }
        cJSON *v = NULL;
        for (size_t i = 0; i < CT_ARRAY_LEN(dynamic) && !v; i++)
            if (!strcmp(dst, dynamic[i]) && cJSON_IsString(c)) v = ct_json_parse_embedded(c->valuestring);
        if (!v) v = cJSON_Duplicate(c, 1);
        if (cJSON_IsString(v) && !v->valuestring[0]) { /* Log Analytics writes "" for none */
            cJSON_Delete(v);
            continue;
        }
        cJSON_AddItemToObject(u, dst, v);
    }
    return u;
}
