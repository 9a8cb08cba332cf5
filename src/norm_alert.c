/* norm_alert.c: Elastic Security alert documents (kibana.alert.*, or signal.*
 * before 8.0). An alert copies the source event's ECS fields, so the document
 * goes through the ECS family (unflatten, dataset, folding) and the dataset
 * extractors see the source event; ct_extract_alert() adds the alert's own
 * fields. Accepted wrappers: a search hit ({"_id", "_source"}) and an
 * es_archiver record ({"type": "doc", "value": {"id", "source"}}). */
#include "norm.h"

#include <stdio.h>
#include <string.h>

static int has_prefix_key(const cJSON *o, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const cJSON *c = cJSON_IsObject(o) ? o->child : NULL; c; c = c->next)
        if (c->string && !strncmp(c->string, prefix, n)) return 1;
    return 0;
}

static int is_alert_doc(const cJSON *s)
{
    if (!cJSON_IsObject(s)) return 0;
    if (has_prefix_key(s, "kibana.alert.")) return 1;
    if (cJSON_IsObject(ct_json_get(s, "kibana.alert"))) return 1;
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(s, "kibana");
    if (has_prefix_key(k, "alert.")) return 1;
    if (cJSON_IsObject(ct_json_get(s, "signal.rule")) || has_prefix_key(s, "signal.rule.")) return 1;
    return 0;
}

/* The alert document inside its wrapper, and the wrapper's id. */
static const cJSON *unwrap(const cJSON *rec, const char **id)
{
    *id = NULL;
    if (is_alert_doc(rec)) return rec;
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(rec, "_source");
    if (is_alert_doc(s)) {
        *id = ct_json_str(rec, "_id");
        return s;
    }
    s = ct_json_get(rec, "value.source");
    if (is_alert_doc(s)) {
        *id = ct_json_str(rec, "value.id");
        return s;
    }
    return NULL;
}

int ct_norm_alert_detect(const cJSON *rec)
{
    const char *id;
    return unwrap(rec, &id) != NULL;
}

int ct_norm_alert(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    const char *id;
    const cJSON *src = unwrap(rec, &id);
    if (!src) {
        snprintf(err, errlen, "alert: no alert document");
        return -1;
    }
    if (ct_norm_ecs(src, out, err, errlen) < 0) return -1;
    /* the hit id is the alert id when the document has no kibana.alert.uuid
     * (ct_extract_alert then reads it from the document, as the record id) */
    if (id && !ct_json_str(out->doc, "kibana.alert.uuid")) ct_json_set_str(out->doc, "kibana.alert.uuid", id);
    return 0;
}

static const char *first(const cJSON *d, const char *a, const char *b, const char *c)
{
    const char *s = ct_json_str(d, a);
    if (!s && b) s = ct_json_str(d, b);
    if (!s && c) s = ct_json_str(d, c);
    return s;
}

void ct_extract_alert(ct_norm *n)
{
    cJSON *d = n->doc;
    ct_fields *f = &n->f;
    f->alert_uuid = first(d, "kibana.alert.uuid", NULL, NULL);
    f->alert_rule_id = first(d, "kibana.alert.rule.rule_id", "kibana.alert.rule.parameters.rule_id",
                             "signal.rule.rule_id");
    f->alert_rule_name = first(d, "kibana.alert.rule.name", "signal.rule.name", NULL);
    f->alert_severity = first(d, "kibana.alert.severity", "kibana.alert.rule.severity",
                              "signal.rule.severity");
    f->alert_status = first(d, "kibana.alert.workflow_status", "signal.status", NULL);
    f->alert_reason = first(d, "kibana.alert.reason", "signal.reason", NULL);
    f->alert_user = first(d, "kibana.alert.workflow_user", NULL, NULL);
    const char *paths[] = {"kibana.alert.risk_score", "kibana.alert.rule.risk_score",
                           "kibana.alert.rule.parameters.risk_score", "signal.rule.risk_score"};
    for (size_t i = 0; i < CT_ARRAY_LEN(paths); i++) {
        const cJSON *v = ct_json_get(d, paths[i]);
        if (cJSON_IsNumber(v)) {
            f->alert_risk_score = v->valuedouble;
            break;
        }
    }
    const char *ot = first(d, "kibana.alert.original_time", "signal.original_time", NULL);
    int64_t ms;
    if (ot && ct_time_parse(ot, strlen(ot), &ms) == 0) {
        f->alert_original_time = ms;
        f->ts = ms; /* the source event's time */
    }
    /* the source event's own id: the alert and its source record are one
     * change (change.h) */
    const char *src = first(d, "kibana.alert.original_event.id", "signal.original_event.id", NULL);
    if (!src) src = f->record_id;
    if (src) f->change_id = src;
    if (f->alert_uuid) f->record_id = f->alert_uuid;
    /* the source event's dataset / action when the alert did not copy them */
    if (!f->dataset)
        f->dataset = first(d, "kibana.alert.original_event.dataset", "signal.original_event.dataset", NULL);
    if (!f->action) {
        const char *a = first(d, "kibana.alert.original_event.action", "signal.original_event.action", NULL);
        if (a) {
            ct_sbuf b;
            ct_sbuf_init(&b);
            ct_norm_action(a, &b);
            f->action = b.len ? ct_norm_keep(n, b.buf, b.len) : NULL;
            ct_sbuf_free(&b);
        }
    }
}
