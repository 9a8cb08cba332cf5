/* norm_azure: Azure Monitor diagnostic records of Entra ID (category AuditLogs
 * and the *SignInLogs categories) to the ECS document Elastic's azure
 * integration produces (data streams azure.auditlogs / azure.signinlogs), and
 * the entity extraction of those two datasets.
 *
 * Field names follow the integration's ingest pipelines:
 *  - auditlogs: a fixed list of renames (operationName -> operation_name,
 *    properties.activityDisplayName -> activity_display_name, ...),
 *    targetResources[] -> target_resources.{"0","1",...} with snake_case
 *    sub-keys, initiatedBy -> initiated_by with its sub-keys left camelCase,
 *    callerIpAddress -> source.ip + client.ip.
 *  - signinlogs: every key snake_cased with the regex ([a-z])([A-Z]+) ->
 *    $1_$2 then lower-cased, then a few renames (created_date_time ->
 *    created_at, ...), source.ip from properties.ip_address, event.outcome
 *    from status.error_code.
 * Things the pipelines add from outside the record (geoip, ASN, tags,
 * event.ingested) are not produced. The KeyDescription / federated credential
 * diffs are in norm_azure_keys.c, the entity extraction in norm_azure_extract.c. */
#include "norm_ms.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small JSON helpers ---- */

static void add_dup(cJSON *obj, const char *key, const cJSON *v)
{
    cJSON_AddItemToObject(obj, key, cJSON_Duplicate(v, 1));
}

static int is_ip(const char *s)
{
    unsigned char buf[16];
    if (!s) return 0;
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static void strip_nulls(cJSON *o)
{
    if (!cJSON_IsObject(o) && !cJSON_IsArray(o)) return;
    cJSON *c = o->child;
    while (c) {
        cJSON *next = c->next;
        if (cJSON_IsNull(c) && cJSON_IsObject(o))
            cJSON_Delete(cJSON_DetachItemViaPointer(o, c));
        else
            strip_nulls(c);
        c = next;
    }
}

/* A number, or a string holding one. */
int ct_norm_ms_num_value(const cJSON *v, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return 1;
    }
    if (cJSON_IsString(v) && v->valuestring[0]) {
        char *end;
        double d = strtod(v->valuestring, &end);
        if (*end == 0) {
            *out = d;
            return 1;
        }
    }
    return 0;
}

static void set_timestamp(cJSON *doc, const cJSON *v)
{
    int64_t ms;
    if (cJSON_IsString(v) && ct_time_parse(v->valuestring, strlen(v->valuestring), &ms) == 0) {
        char t[32];
        ct_time_fmt(ms, t);
        ct_json_set_str(doc, "@timestamp", t);
    }
}

static void set_source_ip(cJSON *doc, const char *addr)
{
    if (!addr) return;
    if (!is_ip(addr)) {
        ct_json_set_str(doc, "source.address", addr);
        return;
    }
    ct_json_set_str(doc, "source.ip", addr);
    ct_json_set_str(doc, "client.ip", addr);
    cJSON *rel = cJSON_CreateArray();
    cJSON_AddItemToArray(rel, cJSON_CreateString(addr));
    ct_json_set(doc, "related.ip", rel);
}

static void set_str_array(cJSON *doc, const char *path, const char *v)
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateString(v));
    ct_json_set(doc, path, a);
}

/* azure-shared-pipeline: cloud.provider, azure.resource.*, azure.subscription_id. */
static void shared_fields(cJSON *doc, const char *rid)
{
    ct_json_set_str(doc, "cloud.provider", "azure");
    if (!rid) return;
    ct_json_set_str(doc, "azure.resource.id", rid);
    char *copy = ct_xstrdup(rid);
    char *seg[32];
    size_t ns = 0;
    for (char *save = NULL, *t = strtok_r(copy, "/", &save); t && ns < CT_ARRAY_LEN(seg);
         t = strtok_r(NULL, "/", &save))
        seg[ns++] = t;
    int have_sub = 0;
    for (size_t i = 0; i + 1 < ns; i++) {
        if (ct_strcaseeq(seg[i], "subscriptions")) {
            ct_json_set_str(doc, "azure.subscription_id", seg[i + 1]);
            have_sub = 1;
        } else if (ct_strcaseeq(seg[i], "resourceGroups")) {
            ct_json_set_str(doc, "azure.resource.group", seg[i + 1]);
        } else if (ct_strcaseeq(seg[i], "providers")) {
            ct_sbuf b;
            ct_sbuf_init(&b);
            size_t j = i + 1;
            /* subscription form: Namespace/type, then the resource name */
            size_t pend = have_sub && ns - j >= 3 ? j + 2 : ns;
            for (; j < pend; j++) {
                if (b.len) ct_sbuf_addc(&b, '/');
                ct_sbuf_add(&b, seg[j]);
            }
            ct_json_set_str(doc, "azure.resource.provider", b.buf);
            ct_sbuf_reset(&b);
            for (; j < ns; j++) {
                if (b.len) ct_sbuf_addc(&b, '/');
                ct_sbuf_add(&b, seg[j]);
            }
            if (b.len) ct_json_set_str(doc, "azure.resource.name", b.buf);
            ct_sbuf_free(&b);
            break;
        }
    }
    free(copy);
}

static void lower_outcome(cJSON *doc)
{
    const char *o = ct_json_str(doc, "event.outcome");
    if (!o) return;
    char buf[32];
    size_t i = 0;
    for (; o[i] && i + 1 < sizeof buf; i++) buf[i] = (char)tolower((unsigned char)o[i]);
    buf[i] = 0;
    ct_json_set_str(doc, "event.outcome", buf);
}

void ct_norm_ms_fold_at(cJSON *doc, const char *path)
{
    const char *s = ct_json_str(doc, path);
    if (!s) return;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_norm_action(s, &b);
    if (b.len && strcmp(b.buf, s)) ct_json_set_str(doc, path, b.buf);
    ct_sbuf_free(&b);
}

int ct_norm_ms_is_signin_category(const char *cat)
{
    static const char suffix[] = "SignInLogs";
    size_t n = cat ? strlen(cat) : 0, m = sizeof suffix - 1;
    return n >= m && ct_strcaseeq(cat + n - m, suffix);
}

/* ---- AuditLogs ---- */

static void audit_targets(cJSON *props_out, const cJSON *arr)
{
    cJSON *tr = cJSON_CreateObject();
    int i = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, arr) {
        char idx[16];
        snprintf(idx, sizeof idx, "%d", i++);
        cJSON *o = cJSON_AddObjectToObject(tr, idx);
        if (!cJSON_IsObject(t)) continue;
        static const char *const ren[][2] = {{"displayName", "display_name"}, {"id", "id"},
                                             {"type", "type"}, {"ipAddress", "ip_address"},
                                             {"userPrincipalName", "user_principal_name"}};
        for (size_t k = 0; k < CT_ARRAY_LEN(ren); k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, ren[k][0]);
            if (v && !cJSON_IsNull(v)) add_dup(o, ren[k][1], v);
        }
        cJSON *mp = cJSON_AddObjectToObject(o, "modified_properties");
        const cJSON *mps = cJSON_GetObjectItemCaseSensitive(t, "modifiedProperties");
        int j = 0;
        const cJSON *m;
        if (cJSON_IsArray(mps)) cJSON_ArrayForEach(m, mps) {
            char jdx[16];
            snprintf(jdx, sizeof jdx, "%d", j++);
            cJSON *mo = cJSON_AddObjectToObject(mp, jdx);
            if (!cJSON_IsObject(m)) continue;
            static const char *const mren[][2] = {{"displayName", "display_name"},
                                                  {"newValue", "new_value"},
                                                  {"oldValue", "old_value"}};
            for (size_t k = 0; k < CT_ARRAY_LEN(mren); k++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, mren[k][0]);
                if (v && !cJSON_IsNull(v)) add_dup(mo, mren[k][1], v);
            }
        }
    }
    cJSON_AddItemToObject(props_out, "target_resources", tr);
}

static void audit_properties(cJSON *doc, cJSON *pr, const cJSON *props)
{
    static const char *const ren[][2] = {
        {"activityDisplayName", "activity_display_name"},
        {"activityDateTime", "activity_datetime"},
        {"additionalDetails", "additional_details"},
        {"resultReason", "result_reason"},
        {"correlationId", "correlation_id"},
        {"loggedByService", "logged_by_service"},
        {"operationType", "operation_type"},
    };
    for (const cJSON *c = props->child; c; c = c->next) {
        const char *k = c->string;
        if (!k) continue;
        if (!strcmp(k, "result") && cJSON_IsString(c) &&
            (ct_strcaseeq(c->valuestring, "success") || ct_strcaseeq(c->valuestring, "failure"))) {
            ct_json_set_str(doc, "event.outcome", c->valuestring);
            continue;
        }
        if (!strcmp(k, "userAgent") && cJSON_IsNull(c)) continue;
        if (!strcmp(k, "initiatedBy")) {
            cJSON *d = cJSON_Duplicate(c, 1);
            strip_nulls(d);
            cJSON_AddItemToObject(pr, "initiated_by", d);
            continue;
        }
        if (!strcmp(k, "targetResources") && cJSON_IsArray(c)) {
            audit_targets(pr, c);
            continue;
        }
        /* anything else (a targetResources that is not an array included)
         * stays as it is, as the pipeline leaves it */
        const char *dst = k;
        for (size_t i = 0; i < CT_ARRAY_LEN(ren); i++)
            if (!strcmp(k, ren[i][0])) dst = ren[i][1];
        add_dup(pr, dst, c);
    }
}

static cJSON *audit_to_ecs(const cJSON *rec)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *al = cJSON_CreateObject();
    const char *rid = NULL;
    for (const cJSON *c = rec->child; c; c = c->next) {
        const char *k = c->string;
        double d;
        if (!k) continue;
        if (!strcmp(k, "time")) {
            set_timestamp(doc, c);
        } else if (!strcmp(k, "resourceId")) {
            if (cJSON_IsString(c) && c->valuestring[0]) rid = c->valuestring;
        } else if (!strcmp(k, "durationMs")) {
            if (ct_norm_ms_num_value(c, &d)) ct_json_set(doc, "event.duration", cJSON_CreateNumber(d * 1e6));
        } else if (!strcmp(k, "Level") || !strcmp(k, "level")) {
            add_dup(al, "level", c);
        } else if (!strcmp(k, "operationName")) {
            if (cJSON_IsString(c)) {
                ct_json_set_str(doc, "event.action", c->valuestring);
            } else if (cJSON_IsNumber(c)) {
                char b[32];
                snprintf(b, sizeof b, "%g", c->valuedouble);
                ct_json_set_str(doc, "event.action", b);
            }
            add_dup(al, "operation_name", c);
        } else if (!strcmp(k, "resultSignature")) {
            add_dup(al, "result_signature", c);
        } else if (!strcmp(k, "operationVersion")) {
            add_dup(al, "operation_version", c);
        } else if (!strcmp(k, "tenantId")) {
            ct_json_set(doc, "azure.tenant_id", cJSON_Duplicate(c, 1));
        } else if (!strcmp(k, "correlationId")) {
            ct_json_set(doc, "azure.correlation_id", cJSON_Duplicate(c, 1));
        } else if (!strcmp(k, "callerIpAddress")) {
            if (cJSON_IsString(c) && c->valuestring[0]) set_source_ip(doc, c->valuestring);
        } else if (!strcmp(k, "properties")) {
            cJSON *parsed = cJSON_IsString(c) ? ct_json_parse_embedded(c->valuestring) : NULL;
            const cJSON *p = parsed ? parsed : c;
            if (cJSON_IsObject(p)) {
                cJSON *pr = cJSON_AddObjectToObject(al, "properties");
                audit_properties(doc, pr, p);
            } else {
                add_dup(al, "properties", c);
            }
            cJSON_Delete(parsed);
        } else {
            add_dup(al, k, c);
        }
    }
    ct_json_set(doc, "azure.auditlogs", al);
    ct_json_set_str(doc, "event.kind", "event");
    shared_fields(doc, rid);
    lower_outcome(doc);
    ct_json_set_str(doc, "ecs.version", "8.0.0");
    ct_json_set_str(doc, "event.dataset", "azure.auditlogs");
    ct_json_set_str(doc, "data_stream.dataset", "azure.auditlogs");
    ct_json_set_str(doc, "data_stream.type", "logs");
    /* Entra spells some operations with an en dash and a trailing space;
     * Elastic's rules query the hyphen. */
    ct_norm_ms_fold_at(doc, "event.action");
    ct_norm_ms_fold_at(doc, "azure.auditlogs.operation_name");
    ct_norm_ms_fold_at(doc, "azure.auditlogs.properties.activity_display_name");
    return doc;
}

/* ---- SignInLogs ---- */

/* The signinlogs pipeline's key folding: ([a-z])([A-Z]+) -> $1_$2, lower-cased. */
static void signin_key(const char *k, ct_sbuf *out)
{
    ct_sbuf_reset(out);
    for (size_t i = 0; k[i]; i++) {
        unsigned char c = (unsigned char)k[i];
        if (i > 0 && c >= 'A' && c <= 'Z' && k[i - 1] >= 'a' && k[i - 1] <= 'z')
            ct_sbuf_addc(out, '_');
        ct_sbuf_addc(out, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    }
}

static cJSON *snake_dup(const cJSON *v, ct_sbuf *kb)
{
    if (cJSON_IsObject(v)) {
        cJSON *o = cJSON_CreateObject();
        for (const cJSON *c = v->child; c; c = c->next) {
            if (!c->string) continue;
            cJSON *cv = snake_dup(c, kb);
            signin_key(c->string, kb);
            cJSON_AddItemToObject(o, kb->buf, cv);
        }
        return o;
    }
    if (cJSON_IsArray(v)) {
        cJSON *a = cJSON_CreateArray();
        const cJSON *c;
        cJSON_ArrayForEach(c, v)
            cJSON_AddItemToArray(a, cJSON_IsObject(c) ? snake_dup(c, kb) : cJSON_Duplicate(c, 1));
        return a;
    }
    return cJSON_Duplicate(v, 1);
}

static cJSON *take(cJSON *o, const char *k)
{
    return cJSON_IsObject(o) ? cJSON_DetachItemFromObjectCaseSensitive(o, k) : NULL;
}

static void move(cJSON *doc, cJSON *from, const char *k, const char *dst)
{
    cJSON *v = take(from, k);
    if (!v) return;
    if (cJSON_IsNull(v)) {
        cJSON_Delete(v);
        return;
    }
    ct_json_set(doc, dst, v);
}

static cJSON *signin_to_ecs(const cJSON *rec)
{
    ct_sbuf kb;
    ct_sbuf_init(&kb);
    cJSON *s = snake_dup(rec, &kb);
    ct_sbuf_free(&kb);
    cJSON *doc = cJSON_CreateObject();
    cJSON *p = cJSON_GetObjectItemCaseSensitive(s, "properties");
    if (cJSON_IsString(p)) { /* properties given as a JSON string */
        cJSON *parsed = ct_json_parse_embedded(p->valuestring);
        if (cJSON_IsObject(parsed)) {
            ct_sbuf_init(&kb);
            cJSON *sp = snake_dup(parsed, &kb);
            ct_sbuf_free(&kb);
            cJSON_ReplaceItemInObjectCaseSensitive(s, "properties", sp);
        }
        cJSON_Delete(parsed);
        p = cJSON_GetObjectItemCaseSensitive(s, "properties");
    }
    if (!cJSON_IsObject(p)) p = NULL;

    cJSON *t = take(s, "time");
    set_timestamp(doc, t);
    cJSON_Delete(t);
    cJSON *rid = take(s, "resource_id");
    const char *rids = cJSON_IsString(rid) && rid->valuestring[0] ? rid->valuestring : NULL;

    /* source IP: properties.ipaddress, properties.ip_address, caller_ip_address */
    const char *addr = ct_json_str(p, "ipaddress");
    if (!addr) addr = ct_json_str(p, "ip_address");
    if (!addr) addr = ct_json_str(s, "caller_ip_address");
    if (addr) {
        ct_json_set_str(doc, "source.address", addr);
        if (is_ip(addr)) {
            ct_json_set_str(doc, "source.ip", addr);
            ct_json_set_str(doc, "client.ip", addr);
            set_str_array(doc, "related.ip", addr);
        }
    }
    cJSON_Delete(take(p, "ipaddress"));
    cJSON_Delete(take(p, "ip_address"));
    cJSON_Delete(take(s, "caller_ip_address"));

    cJSON *lv = take(s, "level");
    if (cJSON_IsString(lv)) {
        ct_json_set_str(doc, "log.level", lv->valuestring);
    } else if (cJSON_IsNumber(lv)) {
        char b[32];
        snprintf(b, sizeof b, "%g", lv->valuedouble);
        ct_json_set_str(doc, "log.level", b);
    }
    cJSON_Delete(lv);
    cJSON *du = take(s, "duration_ms");
    double d;
    if (ct_norm_ms_num_value(du, &d)) ct_json_set(doc, "event.duration", cJSON_CreateNumber(d * 1e6));
    cJSON_Delete(du);
    move(doc, s, "location", "geo.country_iso_code");
    const char *op = ct_json_str(s, "operation_name");
    ct_json_set_str(doc, "event.action", op);
    move(doc, s, "tenant_id", "azure.tenant_id");
    move(doc, s, "correlation_id", "azure.correlation_id");
    if (p) {
        static const char *const ren[][2] = {
            {"created_date_time", "created_at"},
            {"processing_time_in_milliseconds", "processing_time_ms"},
            {"risk_level_during_sign_in", "risk_level_during_signin"},
        };
        for (size_t i = 0; i < CT_ARRAY_LEN(ren); i++) {
            cJSON *v = take(p, ren[i][0]);
            if (v) cJSON_AddItemToObject(p, ren[i][1], v);
        }
        cJSON *st = cJSON_GetObjectItemCaseSensitive(p, "status");
        if (cJSON_IsString(st)) { /* status as a JSON string */
            cJSON *parsed = ct_json_parse_embedded(st->valuestring);
            if (cJSON_IsObject(parsed)) {
                ct_sbuf_init(&kb);
                cJSON_ReplaceItemInObjectCaseSensitive(p, "status", snake_dup(parsed, &kb));
                ct_sbuf_free(&kb);
            }
            cJSON_Delete(parsed);
            st = cJSON_GetObjectItemCaseSensitive(p, "status");
        }
        const char *reason = ct_json_str(st, "failure_reason");
        const char *details = ct_json_str(st, "additional_details");
        if (reason && details) {
            ct_sbuf m;
            ct_sbuf_init(&m);
            ct_sbuf_addf(&m, "%s (%s)", reason, details);
            ct_json_set_str(doc, "message", m.buf);
            ct_sbuf_free(&m);
        } else if (reason || details) {
            ct_json_set_str(doc, "message", reason ? reason : details);
        }
        cJSON_Delete(take(st, "failure_reason"));
        cJSON_Delete(take(st, "additional_details"));
        cJSON *loc = take(p, "location");
        if (cJSON_IsObject(loc)) {
            /* as ECS defines them: a state is a region; countryOrRegion is
             * an ISO code, as the top-level location is */
            move(doc, loc, "city", "geo.city_name");
            move(doc, loc, "state", "geo.region_name");
            if (!ct_json_get(doc, "geo.country_iso_code"))
                move(doc, loc, "country_or_region", "geo.country_iso_code");
            cJSON *gc = cJSON_GetObjectItemCaseSensitive(loc, "geo_coordinates");
            move(doc, gc, "latitude", "geo.location.lat");
            move(doc, gc, "longitude", "geo.location.lon");
        }
        cJSON_Delete(loc);
        cJSON *apd = cJSON_GetObjectItemCaseSensitive(p, "authentication_processing_details");
        if (cJSON_IsArray(apd)) {
            cJSON *m = cJSON_CreateObject();
            const cJSON *e;
            cJSON_ArrayForEach(e, apd) {
                const char *k = ct_json_str(e, "key");
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "value");
                if (k && v) add_dup(m, k, v);
            }
            if (m->child)
                cJSON_ReplaceItemInObjectCaseSensitive(p, "authentication_processing_details", m);
            else
                cJSON_Delete(m);
        }
    }
    ct_json_set_str(doc, "event.kind", "event");
    set_str_array(doc, "event.category", "authentication");
    set_str_array(doc, "event.type", "info");
    double ec = 0;
    const cJSON *ecv = ct_json_get(p, "status.error_code");
    int has_ec = ct_norm_ms_num_value(ecv, &ec);
    ct_json_set_str(doc, "event.outcome", !has_ec || ec == 0 ? "success" : ec > 0 ? "failure" : NULL);
    ct_json_copy_str(doc, "event.id", p, "id");
    const char *upn = ct_json_str(p, "user_principal_name");
    if (upn) {
        const char *at = strchr(upn, '@');
        if (at && at > upn && at[1]) {
            char *name = ct_xstrndup(upn, (size_t)(at - upn));
            ct_json_set_str(doc, "user.name", name);
            ct_json_set_str(doc, "user.domain", at + 1);
            free(name);
        } else {
            ct_json_set_str(doc, "user.name", upn);
        }
    }
    ct_json_copy_str(doc, "user.full_name", p, "user_display_name");
    cJSON *uid = cJSON_GetObjectItemCaseSensitive(p, "user_id");
    if (cJSON_IsNull(uid)) cJSON_Delete(take(p, "user_id"));
    ct_json_copy_str(doc, "user.id", p, "user_id");
    move(doc, p, "user_agent", "user_agent.original");
    ct_json_set(doc, "azure.signinlogs", s);
    shared_fields(doc, rids);
    cJSON_Delete(rid);
    ct_json_set_str(doc, "ecs.version", "8.0.0");
    ct_json_set_str(doc, "event.dataset", "azure.signinlogs");
    ct_json_set_str(doc, "data_stream.dataset", "azure.signinlogs");
    ct_json_set_str(doc, "data_stream.type", "logs");
    ct_norm_ms_fold_at(doc, "event.action");
    return doc;
}

/* ---- family entry points ---- */

int ct_norm_ms_from_diag(const cJSON *diag, ct_norm *out, char *err, size_t errlen)
{
    const char *cat = ct_json_str(diag, "category");
    if (!cJSON_IsObject(diag) || !cat) {
        snprintf(err, errlen, "Azure record without a category");
        return -1;
    }
    if (ct_strcaseeq(cat, "AuditLogs"))
        out->doc = audit_to_ecs(diag);
    else if (ct_norm_ms_is_signin_category(cat))
        out->doc = signin_to_ecs(diag);
    else {
        snprintf(err, errlen, "Azure record of an unsupported category");
        return -1;
    }
    return 0;
}

int ct_norm_azure_detect(const cJSON *rec)
{
    const char *cat = ct_json_str(rec, "category");
    if (!cat || !(ct_strcaseeq(cat, "AuditLogs") || ct_norm_ms_is_signin_category(cat))) return 0;
    return cJSON_GetObjectItemCaseSensitive(rec, "properties") ||
           cJSON_GetObjectItemCaseSensitive(rec, "operationName") ||
           cJSON_GetObjectItemCaseSensitive(rec, "resourceId") ||
           cJSON_GetObjectItemCaseSensitive(rec, "time");
}

int ct_norm_azure(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    return ct_norm_ms_from_diag(rec, out, err, errlen);
}
