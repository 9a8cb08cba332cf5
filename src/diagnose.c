/* diagnose: why a record of no known kind was not recognized (diagnose.h).
 * Each family is named by the keys that mark it and the keys its reader
 * needs: the reason says which family the record looked like, which of its
 * marks it has and what is missing, so an analyst can tell a shape we do
 * not read from a broken export. Key names come from the log: sanitized. */
#include "diagnose.h"

#include <string.h>
#include "sanitize.h"

typedef struct family {
    const char *name;
    const char *marks[5];   /* keys that make a record look like the family */
    const char *needs;      /* what the reader needs, in words */
} family;

/* Case-sensitive as the producers write them; the first that has two marks
 * (or one, for the last resort ones) is named. */
static const family families[] = {
    {"Defender XDR advanced hunting", {"Timestamp", "ActionType", "DeviceName", "AccountObjectId", "ReportId"},
     "reader for its tables (Defender XDR rows are not read)"},
    {"CloudTrail LookupEvents output", {"EventName", "EventSource", "CloudTrailEvent", "EventId", "Username"},
     "eventVersion, eventSource and eventName at the top level (the record is the CloudTrailEvent string)"},
    {"AWS CloudTrail", {"eventVersion", "eventSource", "eventName", "userIdentity", "eventTime"},
     "eventSource and eventName"},
    {"GCP Cloud Logging entry", {"logName", "insertId", "jsonPayload", "textPayload", "resource"},
     "protoPayload or payload holding a Cloud Audit Log (jsonPayload and textPayload entries are not audit logs)"},
    {"Microsoft 365 unified audit log", {"CreationTime", "Workload", "RecordType", "Operation", "UserId"},
     "Operation or Workload with Id"},
    {"Sentinel / Log Analytics row", {"TimeGenerated", "Type", "TenantId", "OperationName", "SourceSystem"},
     "a Type (or the columns) of AuditLogs, SigninLogs or OfficeActivity"},
    {"Azure Monitor record", {"operationName", "category", "resourceId", "time", "properties"},
     "category AuditLogs or a *SignInLogs category (Activity Log and other categories are not read)"},
    {"Microsoft Graph audit", {"activityDisplayName", "initiatedBy", "activityDateTime", "targetResources", "createdDateTime"},
     "activityDisplayName with activityDateTime (directoryAudit) or createdDateTime with appId (signIn)"},
    {"ECS document", {"@timestamp", "event", "ecs", "data_stream", "event.dataset"},
     "event.dataset or data_stream.dataset of a known integration"},
    {"Elastic alert", {"kibana.alert.uuid", "kibana.alert.rule.name", "signal", "kibana", "kibana.alert.rule.uuid"},
     "kibana.alert.rule.* with the alert's uuid"},
};

static int has_key(const cJSON *rec, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(rec, k) != NULL;
}

static void add_key(ct_sbuf *out, const char *k)
{
    ct_sbuf clean;
    ct_sbuf_init(&clean);
    ct_san_line(k, 40, &clean);
    ct_sbuf_add(out, clean.buf);
    ct_sbuf_free(&clean);
}

void ct_diagnose_record(const cJSON *rec, ct_sbuf *out)
{
    if (!cJSON_IsObject(rec)) {
        ct_sbuf_add(out, "unrecognized record: not a JSON object");
        return;
    }
    const family *best = NULL;
    int best_n = 0;
    for (size_t i = 0; i < sizeof families / sizeof *families; i++) {
        int n = 0;
        for (int k = 0; k < 5 && families[i].marks[k]; k++) n += has_key(rec, families[i].marks[k]);
        if (n > best_n) best = &families[i], best_n = n;
    }
    if (best && best_n >= 1) {
        ct_sbuf_addf(out, "unrecognized record: looks like %s (has ", best->name);
        int first = 1;
        for (int k = 0; k < 5 && best->marks[k]; k++) {
            if (!has_key(rec, best->marks[k])) continue;
            if (!first) ct_sbuf_add(out, ", ");
            ct_sbuf_add(out, best->marks[k]);
            first = 0;
        }
        ct_sbuf_addf(out, ") but no %s", best->needs);
        return;
    }
    ct_sbuf_add(out, "unrecognized record: no known log family (keys: ");
    int n = 0;
    for (const cJSON *c = rec->child; c && n < 6; c = c->next, n++) {
        if (n) ct_sbuf_add(out, ", ");
        add_key(out, c->string ? c->string : "");
    }
    if (!rec->child) ct_sbuf_add(out, "none");
    else if (cJSON_GetArraySize(rec) > 6) ct_sbuf_add(out, ", ...");
    ct_sbuf_add(out, ")");
}
