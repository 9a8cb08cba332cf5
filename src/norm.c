/* norm: the dispatcher: detect the record's family, let the family build the
 * ECS document, then extract the entities from it (norm_fields.c). The
 * families depend on norm_base.c and json.c, never on this file. */
#include "norm.h"

#include <stdio.h>
#include <string.h>

/* Order matters: alerts carry ECS fields, EventBridge and ECS docs are tried
 * before the raw families that could look alike. */
static const struct family {
    ct_kind kind;
    int (*detect)(const cJSON *);
    int (*norm)(const cJSON *, ct_norm *, char *, size_t);
} families[] = {
    {CT_KIND_ELASTIC_ALERT, ct_norm_alert_detect, ct_norm_alert},
    {CT_KIND_ECS, ct_norm_ecs_detect, ct_norm_ecs},
    {CT_KIND_CLOUDTRAIL, ct_norm_cloudtrail_detect, ct_norm_cloudtrail},
    {CT_KIND_GCP, ct_norm_gcp_detect, ct_norm_gcp},
    {CT_KIND_O365, ct_norm_o365_detect, ct_norm_o365},
    {CT_KIND_AZURE_DIAG, ct_norm_azure_detect, ct_norm_azure},
    {CT_KIND_GRAPH, ct_norm_graph_detect, ct_norm_graph},
    {CT_KIND_SENTINEL, ct_norm_sentinel_detect, ct_norm_sentinel},
};

static void fields_reset(ct_fields *f)
{
    memset(f, 0, sizeof *f);
    f->ts = CT_TIME_NONE;
    f->alert_original_time = CT_TIME_NONE;
    f->alert_risk_score = -1;
}

static int normalize(const cJSON *rec, cJSON *donor, unsigned hints, ct_norm *out, char *err,
                     size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->donor = donor;
    out->hints = hints;
    fields_reset(&out->f);
    if (!cJSON_IsObject(rec)) {
        snprintf(err, errlen, "record is not a JSON object");
        return -1;
    }
    for (size_t i = 0; i < CT_ARRAY_LEN(families); i++) {
        if (!families[i].detect(rec)) continue;
        out->kind = families[i].kind;
        if (families[i].norm(rec, out, err, errlen) < 0) {
            ct_norm_free(out);
            return -1;
        }
        ct_fields_from_ecs(out);
        return 0;
    }
    out->kind = CT_KIND_GENERIC;
    out->doc = ct_norm_adopt(out, rec);
    ct_fields_from_ecs(out);
    return 0;
}

int ct_normalize(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    return normalize(rec, NULL, 0, out, err, errlen);
}

int ct_normalize_take_hint(cJSON *rec, unsigned hints, ct_norm *out, char *err, size_t errlen)
{
    int rc = normalize(rec, rec, hints, out, err, errlen);
    /* not adopted (or the family failed after adopting: then it is the doc,
     * which ct_norm_free already deleted) */
    if (out->donor == rec) cJSON_Delete(rec);
    out->donor = NULL;
    return rc;
}

int ct_normalize_take(cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    return ct_normalize_take_hint(rec, 0, out, err, errlen);
}
