/* norm_gcp.c: GCP Cloud Audit Log LogEntry records to the ECS document
 * Elastic's gcp.audit ingest pipeline produces, and the gcp.audit entity
 * extractor (ECS document only).
 *
 * Accepted shapes of the AuditLog payload:
 *  - "protoPayload" (Logging API, Pub/Sub sink, GCS sink, gcloud logging read);
 *  - "protopayload_auditlog" (BigQuery sink export: same camelCase sub-keys,
 *    request / response as JSON text in requestJson / responseJson);
 *  - "proto_payload": {"audit_log": {...}} (Log Analytics: snake_case sub-keys);
 *  - "payload" (the older LogEntry form of client libraries and exports, whose
 *    severity may be written as a JSON string literal, "\"NOTICE\"").
 * A protoPayload whose @type is not AuditLog is not ours (the pipeline drops it). */
#include "norm.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDITLOG_TYPE "type.googleapis.com/google.cloud.audit.AuditLog"

static const cJSON *audit_payload(const cJSON *rec, int *snake)
{
    *snake = 0;
    if (!cJSON_IsObject(rec)) return NULL;
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "protoPayload");
    if (!p) p = cJSON_GetObjectItemCaseSensitive(rec, "payload"); /* the older form */
    if (cJSON_IsObject(p)) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "@type");
        if (!t) t = cJSON_GetObjectItemCaseSensitive(p, "at_sign_type"); /* Panther */
        if (cJSON_IsString(t) && strcmp(t->valuestring, AUDITLOG_TYPE)) return NULL;
        if (!t && !ct_json_str(p, "methodName") && !ct_json_str(p, "serviceName")) return NULL;
        return p;
    }
    p = cJSON_GetObjectItemCaseSensitive(rec, "protopayload_auditlog");
    if (cJSON_IsObject(p)) return p;
    p = ct_json_get(rec, "proto_payload.audit_log");
    if (cJSON_IsObject(p)) {
        *snake = 1;
        return p;
    }
    return NULL;
}

int ct_norm_gcp_detect(const cJSON *rec)
{
    int snake;
    return audit_payload(rec, &snake) != NULL;
}

/* A payload field by its camelCase name, or the snake_case one. */
static const cJSON *pget(const cJSON *p, const char *camel, int snake)
{
    const cJSON *v = ct_json_get(p, camel);
    if (v || !snake) return v;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_snake_case(camel, &b);
    v = ct_json_get(p, b.buf);
    ct_sbuf_free(&b);
    return v;
}

static const char *pstr(const cJSON *p, const char *camel, int snake)
{
    const cJSON *v = pget(p, camel, snake);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static void set_time(cJSON *doc, const char *path, const char *s)
{
    int64_t ms;
    if (s && ct_time_parse(s, strlen(s), &ms) == 0) {
        char t[32];
        ct_time_fmt(ms, t);
        ct_json_set_str(doc, path, t);
    }
}

static int is_ip(const char *s)
{
    unsigned char buf[16];
    return s && (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1);
}

static void dup_to(cJSON *doc, const char *path, const cJSON *v)
{
    if (v && !cJSON_IsNull(v)) ct_json_set(doc, path, cJSON_Duplicate(v, 1));
}

int ct_norm_gcp(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    int sn;
    const cJSON *p = audit_payload(rec, &sn);
    if (!p) {
        snprintf(err, errlen, "gcp: no audit log payload");
        return -1;
    }
    cJSON *doc = cJSON_CreateObject();
    out->doc = doc;
    ct_json_set_str(doc, "ecs.version", "8.11.0");
    ct_json_set_str(doc, "event.dataset", "gcp.audit");
    ct_json_set_str(doc, "data_stream.dataset", "gcp.audit");
    char *orig = cJSON_PrintUnformatted(rec);
    if (orig) {
        ct_json_set_str(doc, "event.original", orig);
        cJSON_free(orig);
    }
    ct_json_set_str(doc, "gcp.audit.type", AUDITLOG_TYPE);
    const char *insert_id = ct_json_str(rec, "insertId");
    if (!insert_id) insert_id = ct_json_str(rec, "insert_id");
    ct_json_set_str(doc, "event.id", insert_id);
    const char *logname = ct_json_str(rec, "logName");
    if (!logname) logname = ct_json_str(rec, "log_name");
    ct_json_set_str(doc, "log.logger", logname);
    const char *sev = ct_json_str(rec, "severity");
    char sevbuf[32];
    size_t sl = sev ? strlen(sev) : 0;
    if (sl > 2 && sl < sizeof sevbuf && sev[0] == '"' && sev[sl - 1] == '"') {
        /* "\"NOTICE\"": a JSON string literal written as the value */
        memcpy(sevbuf, sev + 1, sl - 2);
        sevbuf[sl - 2] = 0;
        sev = sevbuf;
    }
    ct_json_set_str(doc, "log.level", sev);
    const char *pct = logname ? strstr(logname, "%2F") : NULL;
    if (pct && pct[3]) ct_json_set_str(doc, "event.provider", pct + 3);
    ct_json_set_str(doc, "event.kind", "event");
    ct_json_set_str(doc, "cloud.provider", "gcp");
    set_time(doc, "@timestamp", ct_json_str(rec, "timestamp"));
    ct_json_copy_str(doc, "cloud.project.id", rec, "resource.labels.project_id");
    ct_json_copy_str(doc, "cloud.instance.id", rec, "resource.labels.instance_id");
    /* A service_account resource states its email and unique id together
     * (evidence that they are one identity, docs/CORRELATION.md); Elastic's
     * pipeline drops these labels, so they go straight to the fields. */
    const char *rtype = ct_json_str(rec, "resource.type");
    if (rtype && !strcmp(rtype, "service_account")) {
        out->f.target_id = ct_norm_keepz(out, ct_json_str(rec, "resource.labels.email_id"));
        out->f.target_id2 = ct_norm_keepz(out, ct_json_str(rec, "resource.labels.unique_id"));
        if (!out->f.target_id) out->f.target_id = out->f.target_id2, out->f.target_id2 = NULL;
        if (out->f.target_id) out->f.target_type = "service_account";
    }

    /* authenticationInfo */
    ct_json_set_str(doc, "gcp.audit.authentication_info.authority_selector",
                    pstr(p, "authenticationInfo.authoritySelector", sn));
    ct_json_set_str(doc, "client.user.email", pstr(p, "authenticationInfo.principalEmail", sn));
    ct_json_set_str(doc, "client.user.id", pstr(p, "authenticationInfo.principalSubject", sn));
    ct_json_set_str(doc, "gcp.audit.authentication_info.service_account_key_name",
                    pstr(p, "authenticationInfo.serviceAccountKeyName", sn));

    /* authorizationInfo, resourceAttributes renamed */
    const cJSON *az = pget(p, "authorizationInfo", sn);
    if (cJSON_IsArray(az)) {
        cJSON *a = cJSON_Duplicate(az, 1);
        for (cJSON *e = a->child; e; e = e->next) {
            cJSON *ra = cJSON_DetachItemFromObjectCaseSensitive(e, "resourceAttributes");
            if (ra) cJSON_AddItemToObject(e, "resource_attributes", ra);
        }
        ct_json_set(doc, "gcp.audit.authorization_info", a);
    }
    dup_to(doc, "gcp.audit.labels", cJSON_GetObjectItemCaseSensitive(rec, "labels"));

    /* requestMetadata (BigQuery / Panther spell callerIp callerIP) */
    const char *ip = pstr(p, "requestMetadata.callerIp", sn);
    if (!ip) ip = ct_json_stri(p, sn ? "request_metadata.caller_ip" : "requestMetadata.callerIp");
    /* source.address as written, source.ip when valid (anonymised exports
     * write addresses such as "211.9.016.253": shown, flagged, not dropped) */
    ct_json_set_str(doc, "source.address", ip);
    if (ip && is_ip(ip)) ct_json_set_str(doc, "source.ip", ip);
    ct_json_set_str(doc, "user_agent.original", pstr(p, "requestMetadata.callerSuppliedUserAgent", sn));

    const char *opid = ct_json_str(rec, "operation.id");
    if (opid && insert_id && strcmp(opid, insert_id))
        ct_json_set_str(doc, "gcp.audit.logentry_operation.id", opid);

    ct_json_set_str(doc, "event.action", pstr(p, "methodName", sn));
    const cJSON *nri = pget(p, "numResponseItems", sn);
    if (cJSON_IsNumber(nri)) ct_json_set(doc, "gcp.audit.num_response_items", cJSON_CreateNumber(nri->valuedouble));
    else if (cJSON_IsString(nri)) ct_json_set(doc, "gcp.audit.num_response_items", cJSON_CreateNumber(atof(nri->valuestring)));

    /* BigQuery exports keep request / response as JSON text */
    cJSON *req_parsed = NULL, *resp_parsed = NULL;
    const cJSON *req = pget(p, "request", sn);
    if (!req) req = req_parsed = ct_json_parse_embedded(pstr(p, "requestJson", sn));
    if (cJSON_IsObject(req)) {
        cJSON *r = cJSON_Duplicate(req, 1);
        cJSON *pol = cJSON_GetObjectItemCaseSensitive(r, "policy");
        if (pol && !cJSON_IsObject(pol)) {
            cJSON_DetachItemViaPointer(r, pol);
            cJSON_AddItemToObject(r, "policy_value", pol);
        }
        ct_json_set(doc, "gcp.audit.request", r);
    }
    const cJSON *resp = pget(p, "response", sn);
    if (!resp) resp = resp_parsed = ct_json_parse_embedded(pstr(p, "responseJson", sn));
    if (cJSON_IsObject(resp)) {
        cJSON *r = cJSON_Duplicate(resp, 1);
        cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "status");
        if (st && !cJSON_IsObject(st)) {
            cJSON_DetachItemViaPointer(r, st);
            cJSON_AddItemToObject(r, "status_value", st);
        }
        ct_json_set(doc, "gcp.audit.response", r);
    }
    cJSON_Delete(req_parsed);
    cJSON_Delete(resp_parsed);
    ct_json_set_str(doc, "gcp.audit.resource_name", pstr(p, "resourceName", sn));
    dup_to(doc, "gcp.audit.resource_location.current_locations",
           pget(p, "resourceLocation.currentLocations", sn));
    ct_json_set_str(doc, "service.name", pstr(p, "serviceName", sn));

    /* status -> outcome */
    const cJSON *code = pget(p, "status.code", sn);
    int have_code = 0;
    double c = 0;
    if (cJSON_IsNumber(code)) { have_code = 1; c = code->valuedouble; }
    else if (cJSON_IsString(code) && code->valuestring[0]) {
        char *end;
        c = strtod(code->valuestring, &end);
        have_code = !*end;
    }
    if (have_code) ct_json_set(doc, "gcp.audit.status.code", cJSON_CreateNumber(c));
    ct_json_set_str(doc, "gcp.audit.status.message", pstr(p, "status.message", sn));
    const char *outcome = "unknown";
    if (have_code) outcome = c == 0 ? "success" : "failure";
    else if (cJSON_IsArray(az) && cJSON_GetArraySize(az) == 1) {
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(az->child, "granted");
        if (cJSON_IsBool(g)) outcome = cJSON_IsTrue(g) ? "success" : "failure";
    }
    ct_json_set_str(doc, "event.outcome", outcome);

    return 0;
}

/* ---- gcp.audit entity extraction (ECS document only) ---- */

static int method_is(const char *action, const char *m)
{
    if (!action) return 0;
    size_t a = strlen(action), b = strlen(m);
    return a >= b && !strcmp(action + a - b, m) && (a == b || action[a - b - 1] == '.');
}

static const char *last_segment(ct_norm *n, const char *s)
{
    if (!s) return NULL;
    const char *slash = strrchr(s, '/');
    return slash ? ct_norm_keepz(n, slash + 1) : s;
}

/* ".../serviceAccounts/<sa>[/keys/...]" -> <sa> */
static const char *service_account_of(ct_norm *n, const char *name)
{
    if (!name) return NULL;
    const char *p = strstr(name, "serviceAccounts/");
    if (!p) return NULL;
    p += strlen("serviceAccounts/");
    size_t len = strcspn(p, "/");
    return len ? ct_norm_keep(n, p, len) : NULL;
}

/* valid_before_time: {"seconds": N} (or a bare number), or an RFC 3339 string */
static const char *gcp_time(ct_norm *n, const cJSON *v)
{
    if (cJSON_IsObject(v)) v = cJSON_GetObjectItemCaseSensitive(v, "seconds");
    char t[32];
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && fabs(v->valuedouble) < 1e13) {
        ct_time_fmt((int64_t)v->valuedouble * 1000, t);
        return ct_norm_keepz(n, t);
    }
    if (cJSON_IsString(v) && v->valuestring[0]) {
        int64_t ms;
        char *end;
        double secs = strtod(v->valuestring, &end);
        if (!*end && fabs(secs) < 1e13) {
            ct_time_fmt((int64_t)secs * 1000, t);
            return ct_norm_keepz(n, t);
        }
        if (ct_time_parse(v->valuestring, strlen(v->valuestring), &ms) == 0) return v->valuestring;
    }
    return NULL;
}

static const cJSON *get2(const cJSON *d, const char *a, const char *b)
{
    const cJSON *v = ct_json_get(d, a);
    return v ? v : ct_json_get(d, b);
}

static const char *str2(const cJSON *d, const char *a, const char *b)
{
    const char *s = ct_json_str(d, a);
    return s ? s : ct_json_str(d, b);
}

void ct_extract_gcp(ct_norm *n)
{
    const cJSON *d = n->doc;
    ct_fields *f = &n->f;
    const char *email = ct_json_str(d, "client.user.email");
    if (!email) email = ct_json_str(d, "gcp.audit.authentication_info.principal_email"); /* Filebeat module */
    if (email) {
        f->actor_id = email;
        f->actor_name = email;
        f->actor_type = ct_str_ends_with(email, ".gserviceaccount.com") ? "service_account" : "user";
        f->is_signin = 1;
    }
    f->actor_ip = ct_json_str(d, "source.ip");
    if (!f->actor_ip) f->actor_ip = ct_json_str(d, "gcp.audit.request_metadata.caller_ip");
    f->actor_ua = ct_json_str(d, "user_agent.original");
    if (!f->actor_ua) f->actor_ua = ct_json_str(d, "gcp.audit.request_metadata.caller_supplied_user_agent");
    /* the key id (last segment of the key name), as cred_id is on additions */
    f->cred_used = last_segment(n, ct_json_str(d, "gcp.audit.authentication_info.service_account_key_name"));

    const char *action = ct_json_str(d, "event.action");
    const char *outcome = ct_json_str(d, "event.outcome");
    int failed = outcome && !strcmp(outcome, "failure");
    const char *rname = ct_json_str(d, "gcp.audit.resource_name");

    /* a call on a service account (by email or unique id) targets it */
    if (!f->target_id) {
        const char *sa = service_account_of(n, rname);
        if (sa && strcmp(sa, "-")) {
            f->target_id = sa;
            f->target_type = "service_account";
        }
    }
    if (method_is(action, "CreateServiceAccountKey") || method_is(action, "UploadServiceAccountKey")) {
        const char *key_name = ct_json_str(d, "gcp.audit.response.name");
        const char *sa = service_account_of(n, key_name);
        if (!sa) sa = service_account_of(n, ct_json_str(d, "gcp.audit.request.name"));
        if (!sa) sa = service_account_of(n, rname);
        if (sa && !strcmp(sa, "-")) sa = NULL;
        if (sa) {
            /* the resource's unique id stays only when it is this account's */
            if (f->target_id2 && !(f->target_id && ct_strcaseeq(f->target_id, sa)) &&
                !ct_strcaseeq(f->target_id2, sa))
                f->target_id2 = NULL;
            f->target_id = sa;
            f->target_name = sa;
            f->target_type = "service_account";
        }
        const char *kid = key_name && strstr(key_name, "/keys/") ? last_segment(n, key_name) : NULL;
        if (!failed && kid) {
            f->is_credential_add = 1;
            f->cred_id = kid;
            f->cred_type = "service_account_key";
            f->cred_end = gcp_time(n, get2(d, "gcp.audit.response.valid_before_time",
                                           "gcp.audit.response.validBeforeTime"));
        }
    } else if (method_is(action, "ImportSshPublicKey")) {
        const char *parent = ct_json_str(d, "gcp.audit.request.parent");
        const char *user = parent && !strncmp(parent, "users/", 6) ? parent + 6 : parent;
        if (!user && rname) user = !strncmp(rname, "users/", 6) ? rname + 6 : rname;
        if (user) {
            user = ct_norm_keep(n, user, strcspn(user, "/"));
            f->target_id = f->target_name = user;
            f->target_type = "user";
        }
        const char *fp = str2(d, "gcp.audit.request.sshPublicKey.fingerprint",
                              "gcp.audit.request.ssh_public_key.fingerprint");
        if (!fp) fp = str2(d, "gcp.audit.response.fingerprint", "gcp.audit.response.sshPublicKey.fingerprint");
        if (!failed) {
            f->is_credential_add = 1;
            f->cred_id = fp;
            f->cred_type = "ssh_key";
        }
    }
    if (f->target_id && !f->target_name) f->target_name = f->target_id;
    /* (no resource: resource names are mostly one per call, an object's
     * path, and would fill the string pool; the record keeps them) */
}
