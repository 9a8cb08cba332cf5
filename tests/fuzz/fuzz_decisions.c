/* fuzz_decisions: decision files (ct_decision_from_json, to_file and back,
 * path) and the repo loader (decisions/YYYY/MM/<alert id>.json).
 *
 * Input: one decision JSON. */
#include "decisions.h"
#include "fuzz_common.h"

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
            FZ_CHECK(!strcmp(d.alert_id, d2.alert_id) && d.status == d2.status);
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
