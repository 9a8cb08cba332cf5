/* incident_json: one incident as the JSON object `incidents --json` prints
 * and `report --format json` embeds (incident.h). Strings from the logs go in
 * as JSON strings (cJSON escapes every control character). */
#include "incident_int.h"

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v) cJSON_AddStringToObject(o, k, v);
    else cJSON_AddNullToObject(o, k);
}

static void add_time(cJSON *o, const char *k, int64_t ts)
{
    char t[32];
    if (ts == CT_TIME_NONE) {
        cJSON_AddNullToObject(o, k);
        return;
    }
    ct_time_fmt(ts, t);
    cJSON_AddStringToObject(o, k, t);
}

cJSON *ct_incident_json(const ct_store *st, const ct_alerts *alerts, const ct_incident *inc)
{
    (void)st;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", inc->id);
    cJSON_AddNumberToObject(o, "score", inc->score);
    cJSON_AddStringToObject(o, "severity", inc->severity);
    cJSON_AddStringToObject(o, "status", ct_status_name(inc->status));
    if (inc->mixed) cJSON_AddTrueToObject(o, "mixed_status");
    add_time(o, "first_seen", inc->first_ts);
    add_time(o, "last_seen", inc->last_ts);
    cJSON_AddStringToObject(o, "lead_alert", alerts->v[inc->lead].id);
    cJSON *al = cJSON_AddArrayToObject(o, "alerts");
    for (size_t j = 0; j < inc->nalerts; j++) {
        const ct_alert *a = &alerts->v[inc->alerts[j]];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "id", a->id);
        add_str(x, "rule_name", a->rule_name);
        add_str(x, "severity", a->severity);
        add_time(x, "timestamp", a->ts);
        cJSON_AddStringToObject(x, "status", ct_status_name(a->status));
        cJSON_AddStringToObject(x, "origin", a->origin == CT_ORIGIN_ELASTIC ? "elastic" : "rule");
        if (a->elastic_user) cJSON_AddStringToObject(x, "elastic_user", a->elastic_user);
        cJSON_AddItemToArray(al, x);
    }
    cJSON *en = cJSON_AddArrayToObject(o, "entities");
    for (size_t j = 0; j < inc->nentities; j++) {
        const ct_incident_entity *e = &inc->entities[j];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "role", ct_role_name(e->role));
        cJSON_AddStringToObject(x, "kind", ct_ent_kind_name(e->kind));
        add_str(x, "id", e->id);
        add_str(x, "name", e->name);
        if (e->shared_peers) cJSON_AddNumberToObject(x, "shared_with", e->shared_peers);
        cJSON_AddItemToArray(en, x);
    }
    cJSON *rs = cJSON_AddArrayToObject(o, "reasons");
    for (size_t j = 0; j < inc->nreasons; j++) {
        const ct_incident_reason *r = &inc->reasons[j];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "factor", ct_incident_factor_info(r->factor)->name);
        cJSON_AddNumberToObject(x, "points", r->points);
        cJSON_AddStringToObject(x, "text", r->text);
        cJSON_AddStringToObject(x, "alert", alerts->v[r->alert].id);
        cJSON_AddItemToArray(rs, x);
    }
    cJSON *ls = cJSON_AddArrayToObject(o, "links");
    for (size_t j = 0; j < inc->nlinks; j++) {
        const ct_incident_link *l = &inc->links[j];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "kind", ct_incident_link_name(l->kind));
        cJSON_AddStringToObject(x, "from", alerts->v[l->a].id);
        cJSON_AddStringToObject(x, "to", alerts->v[l->b].id);
        cJSON_AddItemToArray(ls, x);
    }
    return o;
}
