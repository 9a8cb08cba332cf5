/* norm: turn one parsed log record of any supported kind into an ECS document
 * (the field names Elastic's own integrations produce) plus a compact set of
 * extracted entities (who, what, to which target, which credential).
 *
 * Each record family lives in its own file (norm_azure.c, norm_aws.c, ...) and
 * exposes a detect/normalize pair that ct_normalize() (norm.c, the dispatcher)
 * calls, then the dispatcher extracts the entities (norm_fields.c). Families
 * use the helpers of norm_base.c and json.c, never the dispatcher: the
 * dependencies go norm.c -> norm_fields.c -> families -> norm_base.c -> json.c. */
#ifndef CT_NORM_H
#define CT_NORM_H
#include <cjson/cJSON.h>
#include <stdint.h>
#include "json.h"
#include "util.h"

typedef enum ct_kind {
    CT_KIND_GENERIC = 0,   /* JSON of no known kind: kept as it is, counted unrecognized */
    CT_KIND_ECS,           /* already ECS (Filebeat / Elastic Agent) */
    CT_KIND_AZURE_DIAG,    /* Azure Monitor diagnostic record (AuditLogs, SignInLogs, ServicePrincipalSignInLogs...) */
    CT_KIND_GRAPH,         /* Microsoft Graph directoryAudits / signIns */
    CT_KIND_SENTINEL,      /* Sentinel / Log Analytics AuditLogs, SigninLogs rows (PascalCase) */
    CT_KIND_O365,          /* Microsoft 365 Unified Audit Log */
    CT_KIND_CLOUDTRAIL,    /* AWS CloudTrail, also inside an EventBridge envelope */
    CT_KIND_GCP,           /* GCP Cloud Audit Log (protoPayload, or the older payload) */
    CT_KIND_ELASTIC_ALERT, /* Elastic Security alert document (kibana.alert.*) */
    CT_KIND__COUNT
} ct_kind;

const char *ct_kind_name(ct_kind k); /* "generic", "ecs", "azure-diagnostic", ... */

/* Entities of one record. Every string is borrowed: from the ECS document or
 * from the norm's own storage (ct_norm_keep); valid until ct_norm_free().
 * NULL means unknown; never "" (use ct_norm_set for that rule). */
typedef struct ct_fields {
    int64_t ts;                  /* ms since epoch UTC; CT_TIME_NONE if unknown */
    const char *dataset;         /* event.dataset: azure.auditlogs, azure.signinlogs, aws.cloudtrail, gcp.audit, o365.audit */
    const char *action;          /* normalized operation name (dashes, spaces, trailing '.' folded) */
    const char *outcome;         /* success | failure | unknown */
    const char *actor_id;        /* object id / SP id / IAM ARN / principal email: the most stable id */
    const char *actor_name;      /* UPN, display name, user name */
    const char *actor_type;      /* user | service_principal | managed_identity | application | iam_user | assumed_role | root | aws_service | service_account */
    const char *actor_ip;
    const char *actor_ua;
    const char *target_id;       /* application or SP object id, IAM user name/ARN, service account */
    const char *target_name;
    const char *target_type;     /* application | service_principal | user | iam_user | service_account | key_pair | ... */
    const char *target_app_id;   /* the appId that links a service principal and its application */
    const char *cred_id;         /* on credential additions: key id / access key id / key name */
    const char *cred_type;       /* password | certificate | federated | access_key | login_profile | ssh_key | key_pair | service_account_key | temporary_access_pass | federation_token */
    const char *cred_name;       /* the key's display name where the record shows it */
    const char *cred_end;        /* end date (ISO 8601) where shown */
    const char *cred_used;       /* on sign-ins and API calls: the credential used */
    const char *record_id;       /* the record's own unique id (dedupe key); NULL if none */
    /* more roles (docs/CORRELATION.md): each an id or a name the record states */
    const char *actor_id2;       /* a second id of the actor stated beside actor_id: a service
                                  * principal's appId, a CloudTrail principalId */
    const char *target_id2;      /* a second id of the target: a service account's unique id */
    const char *client_app;      /* the application a user signed in with (name, else appId) */
    const char *resource;        /* what a sign-in or call reached that is not its target */
    const char *named;           /* an identity the change names but does not change (the new
                                  * owner of "Add owner to application") */
    const char *change_id;       /* the id every export of one change carries (Entra and M365
                                  * correlationId) */
    /* Elastic alert documents only */
    const char *alert_uuid, *alert_rule_id, *alert_rule_name, *alert_severity, *alert_status,
        *alert_reason, *alert_user; /* alert_user: kibana.alert.workflow_user, who took it in Elastic */
    int64_t alert_original_time; /* CT_TIME_NONE if not an alert or unknown */
    double alert_risk_score;     /* -1 if unknown */
    int is_credential_add;       /* this record adds a credential (cred_* describe it) */
    int is_signin;               /* a sign-in or an authenticated API call (cred_used may be set) */
} ct_fields;

typedef struct ct_norm_str ct_norm_str;
typedef struct ct_norm {
    ct_kind kind;
    cJSON *doc;                  /* the ECS document; owned */
    ct_fields f;
    ct_norm_str *kept;           /* strings owned by this norm */
    cJSON *donor;                /* ct_normalize_take: the record itself, which a family
                                  * whose document is the record (ECS, generic) adopts
                                  * instead of copying it; NULL once adopted */
    unsigned hints;              /* CT_NORM_*: what the caller knows of the record */
} ct_norm;

/* No key anywhere in the record holds a '.': unflattening (norm_ecs.c) would
 * change nothing, and is skipped. */
#define CT_NORM_NO_DOTTED_KEYS 1u

/* ---- the dispatcher (norm.c) ---- */

/* Normalise one record. rec is borrowed (not modified, may be freed after).
 * Returns 0, or -1 with a reason in err (the record is then skipped). A record
 * of no known kind is not an error: kind is CT_KIND_GENERIC and doc a copy. */
int ct_normalize(const cJSON *rec, ct_norm *out, char *err, size_t errlen);
/* The same, consuming rec (freed here, or adopted as the document): saves
 * copying documents that are ECS already. */
int ct_normalize_take(cJSON *rec, ct_norm *out, char *err, size_t errlen);
/* The same, with what the caller knows of rec (CT_NORM_* hints): the result
 * is the same as ct_normalize_take's, only cheaper. */
int ct_normalize_take_hint(cJSON *rec, unsigned hints, ct_norm *out, char *err, size_t errlen);

/* ---- the norm object (norm_base.c) ---- */

void ct_norm_free(ct_norm *n);
/* For a family whose document is rec itself: the donor when rec is it, else a copy. */
cJSON *ct_norm_adopt(ct_norm *n, const cJSON *rec);

/* Keep a copy of s (n bytes) in the norm; returns the copy. */
const char *ct_norm_keep(ct_norm *n, const char *s, size_t len);
const char *ct_norm_keepz(ct_norm *n, const char *s); /* NULL and "" give NULL */

/* ---- helpers shared by the record families (norm_base.c) ---- */

/* Fold an operation name for matching: U+2010..U+2015 and U+2212 to '-',
 * every run of whitespace to one space, leading/trailing whitespace and one
 * trailing '.' removed. The raw spelling stays in event.original. */
void ct_norm_action(const char *in, ct_sbuf *out);

/* camelCase / PascalCase to snake_case, as Elastic's pipelines do ("initiatedBy" -> "initiated_by"). */
void ct_snake_case(const char *in, ct_sbuf *out);

/* Outcome words of every provider to ECS event.outcome (success/failure/unknown). */
const char *ct_outcome_word(const char *s);

/* Record families: detect returns non-zero when the record is theirs;
 * normalize fills out->doc (ECS) and may set fields out->f that the document
 * does not hold; 0 ok, -1 + err. The dispatcher then calls
 * ct_fields_from_ecs(). */
#define CT_NORM_FAMILY(name) \
    int ct_norm_##name##_detect(const cJSON *rec); \
    int ct_norm_##name(const cJSON *rec, ct_norm *out, char *err, size_t errlen);
CT_NORM_FAMILY(alert)      /* norm_alert.c: CT_KIND_ELASTIC_ALERT */
CT_NORM_FAMILY(ecs)        /* norm_ecs.c: CT_KIND_ECS (filebeat/agent docs) */
CT_NORM_FAMILY(cloudtrail) /* norm_aws.c */
CT_NORM_FAMILY(gcp)        /* norm_gcp.c */
CT_NORM_FAMILY(o365)       /* norm_o365.c */
CT_NORM_FAMILY(azure)      /* norm_azure.c: diagnostic records */
CT_NORM_FAMILY(graph)      /* norm_graph.c */
CT_NORM_FAMILY(sentinel)   /* norm_sentinel.c */
#undef CT_NORM_FAMILY
/* ct_norm_ecs's repairs after unflattening (norm_ecs.c), on a document in
 * place: event.dataset and data_stream.dataset filled from each other (or an
 * alert's original_event), the operation names folded. They read and write
 * only event.dataset, event.action, data_stream.dataset,
 * kibana.alert.original_event.{dataset,action},
 * azure.auditlogs.operation_name,
 * azure.auditlogs.properties.activity_display_name and o365.audit.Operation:
 * a document holding only part of a record (fastscan's pruned tree) gets the
 * same values there as the whole one. */
void ct_norm_ecs_repair(cJSON *doc);

/* ---- entities (norm_fields.c) ---- */

/* Entity extraction works on the ECS document, never on the raw record: a
 * raw record is first normalized to ECS, an ECS document from Filebeat is used
 * as it is, and both go through the same extraction. ct_fields_from_ecs()
 * fills the generic fields (@timestamp, event.dataset / data_stream.dataset,
 * event.action folded, event.outcome, source.ip / client.ip,
 * user_agent.original, user.*, event.id) and then calls the extractor of the
 * document's dataset, which fills the rest (actor, target, credential...). */
void ct_fields_from_ecs(ct_norm *n);
void ct_extract_azure_audit(ct_norm *n);   /* azure.auditlogs (norm_azure_extract.c) */
void ct_extract_azure_signin(ct_norm *n);  /* azure.signinlogs (norm_azure_extract.c) */
void ct_extract_o365(ct_norm *n);          /* o365.audit (norm_o365_extract.c) */
void ct_extract_cloudtrail(ct_norm *n);    /* aws.cloudtrail (norm_aws.c) */
void ct_extract_gcp(ct_norm *n);           /* gcp.audit (norm_gcp.c) */
void ct_extract_alert(ct_norm *n);         /* kibana.alert.* (norm_alert.c) */

/* The "credtriage" object of `events --json`: timestamp, dataset, action,
 * outcome, actor{id, alt_id, name, type, ip, user_agent, ip_valid: false when
 * ip is written like an address but invalid}, target{id, alt_id,
 * name, type, app_id}, credential{} (on additions), credential_used,
 * client_app, resource, named, change_id, source{file,line}. Keys in that
 * order, absent ones omitted. */
cJSON *ct_fields_to_json(const ct_fields *f, const char *file, uint64_t line);

#endif
