/* norm_ecs.c: documents that are already ECS (Filebeat / Elastic Agent output,
 * an Elasticsearch _source). Passed through as a deep copy, with three repairs
 * so every path lookup and every Elastic rule works on them:
 *  - flat dotted keys ({"event.dataset": "x"}) are unflattened into objects,
 *    at every level, as Elasticsearch itself reads them;
 *  - event.dataset is filled from data_stream.dataset and the reverse;
 *  - operation names are folded with ct_norm_action() (Entra's en dash and
 *    trailing space, M365's trailing period), since Elastic's rules query the
 *    plain spelling. */
#include "norm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- unflatten ---- */

static int splittable(const char *k)
{
    if (!k || !strchr(k, '.')) return 0;
    /* no empty segment: "a..b", ".a", "a." stay as they are */
    if (k[0] == '.' || k[strlen(k) - 1] == '.' || strstr(k, "..")) return 0;
    return 1;
}

static void merge_into(cJSON *obj, char *path, cJSON *val);

/* Put val (already unflattened) under key in obj; objects merge, on a scalar
 * conflict the value already there wins. */
static void put(cJSON *obj, const char *key, cJSON *val)
{
    cJSON *cur = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cur) {
        cJSON_AddItemToObject(obj, key, val);
        return;
    }
    if (cJSON_IsObject(cur) && cJSON_IsObject(val)) {
        while (val->child) {
            cJSON *c = cJSON_DetachItemViaPointer(val, val->child);
            char *k = ct_xstrdup(c->string ? c->string : "");
            merge_into(cur, k, c);
            free(k);
        }
    }
    cJSON_Delete(val);
}

static void merge_into(cJSON *obj, char *path, cJSON *val)
{
    char *dot = splittable(path) ? strchr(path, '.') : NULL;
    if (!dot) {
        put(obj, path, val);
        return;
    }
    *dot = 0;
    cJSON *next = cJSON_GetObjectItemCaseSensitive(obj, path);
    if (next && !cJSON_IsObject(next)) {
        /* a scalar sits where an object would go: keep the flat key */
        *dot = '.';
        put(obj, path, val);
        return;
    }
    if (!next) next = cJSON_AddObjectToObject(obj, path);
    merge_into(next, dot + 1, val);
}

static void unflatten(cJSON *v, int depth)
{
    if (depth > 64) return;
    if (cJSON_IsArray(v)) {
        for (cJSON *c = v->child; c; c = c->next) unflatten(c, depth + 1);
        return;
    }
    if (!cJSON_IsObject(v)) return;
    int any = 0;
    for (cJSON *c = v->child; c; c = c->next) {
        unflatten(c, depth + 1);
        any |= splittable(c->string);
    }
    if (!any) return; /* the usual case: nothing flat to split here */
    /* detach every dotted key first: one that cannot be split is put back
     * under its flat name and must not be visited again */
    cJSON *todo = cJSON_CreateArray();
    cJSON *c = v->child;
    while (c) {
        cJSON *next = c->next;
        if (splittable(c->string)) cJSON_AddItemToArray(todo, cJSON_DetachItemViaPointer(v, c));
        c = next;
    }
    while (todo->child) {
        c = cJSON_DetachItemViaPointer(todo, todo->child);
        char *k = ct_xstrdup(c->string);
        merge_into(v, k, c);
        free(k);
    }
    cJSON_Delete(todo);
}

/* ---- folding ---- */

/* s is printable ASCII with single spaces between words and no trailing
 * '.': ct_norm_action leaves it as it is (the usual case, no copy made) */
static int folds_to_itself(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (*p == ' ') return 0;
    for (; *p; p++) {
        if (*p < 0x20 || *p > 0x7E) return 0;
        if (*p == ' ' && (p[1] == ' ' || !p[1])) return 0;
        if (*p == '.' && !p[1]) return 0;
    }
    return 1;
}

static void fold_at(cJSON *doc, const char *path)
{
    const cJSON *v = ct_json_get(doc, path);
    if (!cJSON_IsString(v) || folds_to_itself(v->valuestring)) return;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_norm_action(v->valuestring, &b);
    if (strcmp(b.buf, v->valuestring)) ct_json_set_str(doc, path, b.buf);
    ct_sbuf_free(&b);
}

/* ---- the family ---- */

static int has_key(const cJSON *rec, const char *path)
{
    return ct_json_get(rec, path) || cJSON_GetObjectItemCaseSensitive(rec, path);
}

/* An ECS document: its ecs object, or a dataset (event.dataset,
 * data_stream.dataset), which no raw record of another family has, with or
 * without @timestamp (an export that dropped it, a _source of an index whose
 * time field is another). */
int ct_norm_ecs_detect(const cJSON *rec)
{
    if (!cJSON_IsObject(rec)) return 0;
    int ecs = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(rec, "ecs")) || has_key(rec, "ecs.version");
    int ds = has_key(rec, "event.dataset") || has_key(rec, "data_stream.dataset");
    return ecs || ds;
}

/* Without @timestamp, the event's time is when the source created it
 * (event.created), else when Elasticsearch ingested it (event.ingested). The
 * document is left as it is; no time at all stays unknown. */
static void time_without_timestamp(ct_norm *out)
{
    const cJSON *d = out->doc;
    if (ct_json_get(d, "@timestamp") || cJSON_GetObjectItemCaseSensitive(d, "@timestamp")) return;
    static const char *const k[] = {"event.created", "event.ingested"};
    for (size_t i = 0; i < CT_ARRAY_LEN(k); i++) {
        const char *s = ct_json_str(d, k[i]);
        int64_t ms;
        if (s && ct_time_parse(s, strlen(s), &ms) == 0) {
            out->f.ts = ms;
            return;
        }
    }
}

int ct_norm_ecs(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    if (!cJSON_IsObject(rec)) {
        snprintf(err, errlen, "ecs: document is not an object");
        return -1;
    }
    cJSON *doc = ct_norm_adopt(out, rec);
    if (!doc) {
        snprintf(err, errlen, "ecs: cannot copy document");
        return -1;
    }
    out->doc = doc;
    /* a record whose keys the caller saw hold no '.' has nothing to split:
     * the walk over every node cost ~12k instructions a Filebeat document */
    if (!(out->hints & CT_NORM_NO_DOTTED_KEYS)) unflatten(doc, 0);
    ct_norm_ecs_repair(doc);
    time_without_timestamp(out);
    return 0;
}

void ct_norm_ecs_repair(cJSON *doc)
{
    /* an alert whose source event fields were not copied: its original_event */
    if (!ct_json_str(doc, "event.dataset"))
        ct_json_copy_str(doc, "event.dataset", doc, "kibana.alert.original_event.dataset");
    if (!ct_json_str(doc, "event.action"))
        ct_json_copy_str(doc, "event.action", doc, "kibana.alert.original_event.action");
    const char *eds = ct_json_str(doc, "event.dataset");
    const char *dds = ct_json_str(doc, "data_stream.dataset");
    if (!eds && dds) ct_json_set_str(doc, "event.dataset", dds);
    else if (eds && !dds) ct_json_set_str(doc, "data_stream.dataset", eds);
    fold_at(doc, "event.action");
    fold_at(doc, "azure.auditlogs.operation_name");
    fold_at(doc, "azure.auditlogs.properties.activity_display_name");
    fold_at(doc, "o365.audit.Operation");
}
