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
 * event.action. The entities are extracted by norm_o365_extract.c. */
#include "norm_ms.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A Unified Audit Log record of any workload: its creation time, and an
 * operation, or a workload with the record's id or user (PowerBI, CRM,
 * Yammer and Teams records exported without Operation). A stub with only a
 * time and a record type is not one. */
int ct_norm_o365_detect(const cJSON *rec)
{
    if (!ct_json_get(rec, "CreationTime")) return 0;
    if (ct_json_str(rec, "Operation"))
        return ct_json_get(rec, "Workload") || ct_json_get(rec, "RecordType");
    return ct_json_str(rec, "Workload") && (ct_json_str(rec, "Id") || ct_json_str(rec, "UserId"));
}

/* AuditLogRecordType (the Management Activity API schema), as the
 * integration's pipeline names them in event.code */
static const struct { int id; const char *name; } record_types[] = {
    {1, "ExchangeAdmin"}, {2, "ExchangeItem"}, {3, "ExchangeItemGroup"}, {4, "SharePoint"},
    {6, "SharePointFileOperation"}, {7, "OneDrive"}, {8, "AzureActiveDirectory"},
    {9, "AzureActiveDirectoryAccountLogon"}, {10, "DataCenterSecurityCmdlet"},
    {11, "ComplianceDLPSharePoint"}, {12, "Sway"}, {13, "ComplianceDLPExchange"},
    {14, "SharePointSharingOperation"}, {15, "AzureActiveDirectoryStsLogon"},
    {16, "SkypeForBusinessPSTNUsage"}, {17, "SkypeForBusinessUsersBlocked"},
    {18, "SecurityComplianceCenterEOPCmdlet"}, {19, "ExchangeAggregatedOperation"},
    {20, "PowerBIAudit"}, {21, "CRM"}, {22, "Yammer"}, {23, "SkypeForBusinessCmdlets"},
    {24, "Discovery"}, {25, "MicrosoftTeams"}, {28, "ThreatIntelligence"},
    {29, "MailSubmission"}, {30, "MicrosoftFlow"}, {31, "AeD"}, {32, "MicrosoftStream"},
    {33, "ComplianceDLPSharePointClassification"}, {34, "ThreatFinder"}, {35, "Project"},
    {36, "SharePointListOperation"}, {37, "SharePointCommentOperation"}, {38, "DataGovernance"},
    {39, "Kaizala"}, {40, "SecurityComplianceAlerts"}, {41, "ThreatIntelligenceUrl"},
    {42, "SecurityComplianceInsights"}, {43, "MIPLabel"}, {44, "WorkplaceAnalytics"},
    {45, "PowerAppsApp"}, {46, "PowerAppsPlan"}, {47, "ThreatIntelligenceAtpContent"},
    {48, "LabelContentExplorer"}, {49, "TeamsHealthcare"}, {50, "ExchangeItemAggregated"},
    {51, "HygieneEvent"}, {52, "DataInsightsRestApiAudit"},
    {53, "InformationBarrierPolicyApplication"}, {54, "SharePointListItemOperation"},
    {55, "SharePointContentTypeOperation"}, {56, "SharePointFieldOperation"},
    {57, "MicrosoftTeamsAdmin"}, {58, "HRSignal"}, {59, "MicrosoftTeamsDevice"},
    {60, "MicrosoftTeamsAnalytics"}, {61, "InformationWorkerProtection"}, {62, "Campaign"},
    {63, "DLPEndpoint"}, {64, "AirInvestigation"}, {65, "Quarantine"}, {66, "MicrosoftForms"},
    {67, "ApplicationAudit"}, {68, "ComplianceSupervisionExchange"},
    {69, "CustomerKeyServiceEncryption"}, {70, "OfficeNative"},
    {71, "MipAutoLabelSharePointItem"}, {72, "MipAutoLabelSharePointPolicyLocation"},
    {73, "MicrosoftTeamsShifts"}, {75, "MipAutoLabelExchangeItem"}, {76, "CortanaBriefing"},
    {78, "WDATPAlerts"}, {82, "SensitivityLabelPolicyMatch"}, {83, "SensitivityLabelAction"},
    {84, "SensitivityLabeledFileAction"}, {85, "AttackSim"}, {86, "AirManualInvestigation"},
    {87, "SecurityComplianceRBAC"}, {88, "UserTraining"}, {89, "AirAdminActionInvestigation"},
    {90, "MSTIC"}, {91, "PhysicalBadgingSignal"}, {93, "AipDiscover"},
    {94, "AipSensitivityLabelAction"}, {95, "AipProtectionAction"}, {96, "AipFileDeleted"},
    {97, "AipHeartBeat"}, {98, "MCASAlerts"}, {99, "OnPremisesFileShareScannerDlp"},
    {100, "OnPremisesSharePointScannerDlp"}, {101, "ExchangeSearch"}, {102, "SharePointSearch"},
    {103, "PrivacyInsights"}, {105, "MyAnalyticsSettings"},
    {106, "SecurityComplianceUserChange"}, {107, "ComplianceDLPExchangeClassification"},
    {109, "MipExactDataMatch"}, {113, "MS365DCustomDetection"}, {147, "CoreReportingSettings"},
    {148, "ComplianceConnector"}, {174, "DataShareOperation"},
    {181, "EduDataLakeDownloadOperation"},
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
/* The address part of raw (in buf), its port in *port: 1 when a valid IP. */
static int split_address(const char *raw, char *buf, size_t n, char **addr, char **port_out)
{
    snprintf(buf, n, "%s", raw);
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
    *addr = a;
    *port_out = port;
    return is_ip(a);
}

static void client_address(cJSON *doc, const char *raw)
{
    char buf[128], *a, *port;
    if (!raw || !*raw) return;
    if (!split_address(raw, buf, sizeof buf, &a, &port)) {
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

static void rename_to(cJSON *o, const char *key, cJSON *doc, const char *path)
{
    cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(o, key);
    if (v) ct_json_set(doc, path, v);
}

static int op_in(const char *op, const char *const *list, size_t n)
{
    for (size_t i = 0; op && i < n; i++)
        if (!strcmp(op, list[i])) return 1;
    return 0;
}
#define OP_IN(op, ...) op_in(op, (const char *const[]){__VA_ARGS__}, \
    sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

/* What the integration's pipeline adds for the workloads beyond Entra: file
 * operations of SharePoint / OneDrive (url, file, category file), mailbox
 * access (category email, the access token's id). */
static void workload_fields(cJSON *doc, cJSON *o, const char *code, const char *op)
{
    if (code && (!strcmp(code, "SharePointFileOperation") || !strcmp(code, "SharePointSharingOperation"))) {
        rename_to(o, "ObjectId", doc, "url.original");
        rename_to(o, "SourceRelativeUrl", doc, "file.directory");
        rename_to(o, "SourceFileName", doc, "file.name");
        rename_to(o, "SourceFileExtension", doc, "file.extension");
    }
    if (OP_IN(op, "FileAccessed", "FileDeleted", "FileDownloaded", "FileModified", "FileMoved",
              "FileRenamed", "FileRestored", "FileUploaded", "FolderCopied", "FolderCreated",
              "FolderDeleted", "FolderModified", "FolderMoved", "FolderRenamed", "FolderRestored"))
        append_str(doc, "event.category", "file");
    if (OP_IN(op, "FileAccessed", "FileDownloaded")) append_str(doc, "event.type", "access");
    if (OP_IN(op, "FileModified", "FileMoved", "FileRenamed", "FileRestored", "FolderModified",
              "FolderMoved", "FolderRenamed", "FolderRestored"))
        append_str(doc, "event.type", "change");
    if (OP_IN(op, "FileDeleted", "FolderDeleted")) append_str(doc, "event.type", "deletion");
    if (OP_IN(op, "FileUploaded", "FolderCopied", "FolderCreated")) append_str(doc, "event.type", "creation");
    if (code && !strcmp(code, "ExchangeItemAggregated")) {
        append_str(doc, "event.category", "email");
        append_str(doc, "event.type", "access");
    }
    ct_json_copy_str(doc, "token.id", o, "AppAccessContext.UniqueTokenId");
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
    /* client address: the first valid one of ClientIPAddress, ClientIP,
     * ActorIpAddress (Exchange writes "NOTANIPV4 (10.9000.0.1)" in one and
     * "67.43.156.13:12345" in the other), else the first written */
    static const char *const ipk[] = {"ClientIPAddress", "ClientIP", "ActorIpAddress"};
    size_t pick = CT_ARRAY_LEN(ipk);
    for (size_t i = 0; i < CT_ARRAY_LEN(ipk); i++) {
        const char *s = ct_json_str(o, ipk[i]);
        char buf[128], *a, *port;
        if (!s) continue;
        if (pick == CT_ARRAY_LEN(ipk)) pick = i;
        if (split_address(s, buf, sizeof buf, &a, &port)) {
            pick = i;
            break;
        }
    }
    if (pick < CT_ARRAY_LEN(ipk)) {
        char *copy = ct_xstrdup(ct_json_str(o, ipk[pick]));
        cJSON_DeleteItemFromObjectCaseSensitive(o, ipk[pick]);
        client_address(doc, copy);
        free(copy);
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
        if (record_types[i].id == (int)rtn ||
            (cJSON_IsString(rt) && !strcmp(rt->valuestring, record_types[i].name)))
            code = record_types[i].name; /* Sentinel's OfficeActivity names it */
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
    workload_fields(doc, o, code, op);
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

void ct_norm_ms_from_ual(const cJSON *ual, ct_norm *out)
{
    out->doc = to_ecs(ual);
}

int ct_norm_o365(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    ct_norm_ms_from_ual(rec, out);
    return 0;
}
