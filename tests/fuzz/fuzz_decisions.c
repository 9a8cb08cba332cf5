/* fuzz_decisions: decision files (ct_decision_from_json, to_file and back,
 * path) and the repo loader (decisions/YYYY/MM/<alert id>.json).
 *
 * Input: one decision JSON. */
#include "decisions.h"
#include "fuzz_common.h"

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* member by member, in order (cJSON_Compare looks keys up by name, so an
 * object with a duplicate key never equals itself) */
static int same_json(const cJSON *a, const cJSON *b)
{
    if (a == b) return 1;
    if (!a || !b) return 0;
    char *x = cJSON_PrintUnformatted(a), *y = cJSON_PrintUnformatted(b);
    int same = x && y && !strcmp(x, y);
    free(x);
    free(y);
    return same;
}

/* parse -> write -> parse gives the same decision: every field the file holds */
static int same_decision(const ct_decision *a, const ct_decision *b)
{
    if (!same_str(a->alert_id, b->alert_id) || !same_str(a->rule_id, b->rule_id) ||
        !same_str(a->rule_name, b->rule_name) || a->status != b->status ||
        !same_str(a->analyst, b->analyst) || a->at != b->at || !same_str(a->note, b->note) ||
        !same_str(a->exception, b->exception) || a->nsteps != b->nsteps ||
        !same_str(a->ev_file, b->ev_file) || !same_str(a->ev_dataset, b->ev_dataset) ||
        !same_str(a->ev_record_id, b->ev_record_id) || a->ev_line != b->ev_line ||
        !same_json(a->actor, b->actor) || !same_json(a->target, b->target) ||
        !same_json(a->credential, b->credential) || !same_str(a->based_on, b->based_on) ||
        a->has_prev != b->has_prev)
        return 0;
    for (size_t i = 0; i < a->nsteps; i++)
        if (!same_str(a->steps[i], b->steps[i])) return 0;
    return !a->has_prev || (same_str(a->prev_analyst, b->prev_analyst) &&
                            a->prev_status == b->prev_status && a->prev_at == b->prev_at);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *j = cJSON_ParseWithLength((const char *)data, size);
    if (j) {
        ct_decision d;
        memset(&d, 0, sizeof d);
        ct_sbuf err;
        ct_sbuf_init(&err);
        if (ct_decision_from_json(j, &d, &err) == 0) {
            FZ_CHECK(d.alert_id != NULL);
            char *file = ct_decision_to_file(&d);
            FZ_CHECK(file != NULL && file[strlen(file) - 1] == '\n');
            cJSON *back = cJSON_Parse(file);
            FZ_CHECK(back != NULL);
            ct_decision d2;
            memset(&d2, 0, sizeof d2);
            ct_sbuf_reset(&err);
            FZ_CHECK(ct_decision_from_json(back, &d2, &err) == 0);
            FZ_CHECK(same_decision(&d, &d2));
            char *file2 = ct_decision_to_file(&d2);
            FZ_CHECK(!strcmp(file, file2)); /* and the file is a fixed point */
            free(file2);
            ct_decision_free(&d2);
            cJSON_Delete(back);
            free(file);
            ct_sbuf p;
            ct_sbuf_init(&p);
            ct_decision_path(d.alert_id, d.at, &p);
            FZ_CHECK(!strncmp(p.buf, "decisions/", 10) && fz_path_safe(p.buf));
            FZ_CHECK(strchr(p.buf + 10, '/') && strchr(strchr(p.buf + 10, '/') + 1, '/') &&
                     !strchr(strchr(strchr(p.buf + 10, '/') + 1, '/') + 1, '/'));
            ct_sbuf_free(&p);
        }
        ct_decision_free(&d);
        ct_sbuf_free(&err);
        cJSON_Delete(j);
    }
    char root[512], path[600];
    snprintf(root, sizeof root, "%s/x", fz_tmpdir());
    snprintf(path, sizeof path, "%s/decisions/2024/03/0123456789abcdef.json", root);
    fz_write(path, data, size);
    ct_decision_set set;
    memset(&set, 0, sizeof set);
    ct_decisions_load(root, &set, fz_quiet_diag, NULL);
    ct_decisions_find(&set, "0123456789abcdef");
    ct_decisions_free(&set);
    return 0;
}
