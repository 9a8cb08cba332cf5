/* norm_fields: the entities (ct_fields) of an ECS document: the generic ECS
 * fields, then the extractor of the document's dataset (in each family's
 * file), then generic fallbacks; and the "credtriage" object of `events
 * --json`. Called by the dispatcher (norm.c) after a family built the
 * document; the families never call it. */
#include "norm.h"

#include <string.h>

static const char *first_str(const cJSON *doc, const char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = ct_json_str(doc, paths[i]);
        if (s) return s;
        /* Filebeat sometimes writes flat dotted keys */
        const cJSON *flat = cJSON_GetObjectItemCaseSensitive(doc, paths[i]);
        if (cJSON_IsString(flat) && flat->valuestring[0]) return flat->valuestring;
    }
    return NULL;
}
#define FIRST(doc, ...) first_str(doc, (const char *const[]){__VA_ARGS__}, \
    sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

void ct_fields_from_ecs(ct_norm *n)
{
    const cJSON *d = n->doc;
    ct_fields *f = &n->f;
    const char *ts = FIRST(d, "@timestamp");
    int64_t ms;
    if (f->ts == CT_TIME_NONE && ts && ct_time_parse(ts, strlen(ts), &ms) == 0) f->ts = ms;
    if (!f->dataset) f->dataset = FIRST(d, "event.dataset", "data_stream.dataset");
    if (!f->action) {
        const char *a = FIRST(d, "event.action");
        if (a) {
            ct_sbuf b;
            ct_sbuf_init(&b);
            ct_norm_action(a, &b);
            f->action = b.len ? ct_norm_keep(n, b.buf, b.len) : NULL;
            ct_sbuf_free(&b);
        }
    }
    if (!f->outcome) f->outcome = FIRST(d, "event.outcome");
    if (!f->record_id) f->record_id = FIRST(d, "event.id");
    const char *ds = f->dataset ? f->dataset : "";
    if (!strcmp(ds, "azure.auditlogs")) ct_extract_azure_audit(n);
    else if (!strcmp(ds, "azure.signinlogs")) ct_extract_azure_signin(n);
    else if (!strcmp(ds, "o365.audit")) ct_extract_o365(n);
    else if (!strcmp(ds, "aws.cloudtrail")) ct_extract_cloudtrail(n);
    else if (!strcmp(ds, "gcp.audit")) ct_extract_gcp(n);
    if (n->kind == CT_KIND_ELASTIC_ALERT) ct_extract_alert(n);
    /* generic fallbacks for whatever the dataset extractor left unknown;
     * where an application acted (o365.audit), user.* is the user it reached */
    int app_acted = f->actor_type && !strcmp(f->actor_type, "application") && !strcmp(ds, "o365.audit");
    if (!f->actor_id && !app_acted) f->actor_id = FIRST(d, "user.id");
    if (!f->actor_name && !app_acted) f->actor_name = FIRST(d, "user.email", "user.name");
    if (!f->actor_ip) f->actor_ip = FIRST(d, "source.ip", "client.ip");
    if (!f->actor_ip) { /* an address written like IPv4 but invalid: shown, flagged */
        const char *a = FIRST(d, "source.address");
        if (a && ct_ip_shaped(a, strlen(a))) f->actor_ip = a;
    }
    if (!f->actor_ua) f->actor_ua = FIRST(d, "user_agent.original");
    if (!f->target_name) f->target_name = FIRST(d, "user.target.name");
}

/* ---- the "credtriage" object ---- */

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v) cJSON_AddStringToObject(o, k, v);
}

static cJSON *entity(const char *const *kv, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i + 1 < n; i += 2) add_str(o, kv[i], kv[i + 1]);
    if (!o->child) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *ct_fields_to_json(const ct_fields *f, const char *file, uint64_t line)
{
    cJSON *o = cJSON_CreateObject();
    if (f->ts != CT_TIME_NONE) {
        char t[32];
        ct_time_fmt(f->ts, t);
        cJSON_AddStringToObject(o, "timestamp", t);
    }
    add_str(o, "dataset", f->dataset);
    add_str(o, "action", f->action);
    add_str(o, "outcome", f->outcome);
    const char *actor[] = {"id", f->actor_id, "alt_id", f->actor_id2, "name", f->actor_name,
                           "type", f->actor_type, "ip", f->actor_ip, "user_agent", f->actor_ua};
    const char *target[] = {"id", f->target_id, "alt_id", f->target_id2, "name", f->target_name,
                            "type", f->target_type, "app_id", f->target_app_id};
    const char *cred[] = {"id", f->cred_id, "type", f->cred_type, "name", f->cred_name,
                          "end", f->cred_end};
    cJSON *e;
    if ((e = entity(actor, CT_ARRAY_LEN(actor)))) {
        /* an address shown as written that is no valid IP (anonymised exports) */
        if (f->actor_ip && !ct_ip_valid(f->actor_ip)) cJSON_AddFalseToObject(e, "ip_valid");
        cJSON_AddItemToObject(o, "actor", e);
    }
    if ((e = entity(target, CT_ARRAY_LEN(target)))) cJSON_AddItemToObject(o, "target", e);
    if (f->is_credential_add && (e = entity(cred, CT_ARRAY_LEN(cred))))
        cJSON_AddItemToObject(o, "credential", e);
    add_str(o, "credential_used", f->cred_used);
    add_str(o, "client_app", f->client_app);
    add_str(o, "resource", f->resource);
    add_str(o, "named", f->named);
    add_str(o, "change_id", f->change_id);
    if (file) {
        cJSON *src = cJSON_AddObjectToObject(o, "source");
        cJSON_AddStringToObject(src, "file", file);
        cJSON_AddNumberToObject(src, "line", (double)line);
    }
    return o;
}
