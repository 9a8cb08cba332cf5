/* fuzz_exceptions: exception items (ct_exc_from_json, compile, to_file and
 * back, match), the repo loader (exceptions/<stem>/<item_id>.json) and the
 * Kibana NDJSON import, all from the same bytes.
 *
 * Input: one item JSON (also read as an NDJSON export for the import). */
#include "exceptions.h"
#include "fuzz_common.h"

static ct_ruleset rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    ct_rules_load(fz_root(), &rules, fz_quiet_diag, NULL);
    return 0;
}

static const char doc_text[] =
    "{\"event\":{\"dataset\":\"azure.auditlogs\",\"action\":\"Add service principal credentials\"},"
    "\"user\":{\"name\":\"a@b.c\"},\"source\":{\"ip\":\"10.0.0.1\"},\"tags\":[\"x\",\"y\"]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *doc = cJSON_Parse(doc_text);
    cJSON *j = cJSON_ParseWithLength((const char *)data, size);
    if (j) {
        ct_exc_item it;
        memset(&it, 0, sizeof it);
        ct_sbuf err;
        ct_sbuf_init(&err);
        if (ct_exc_from_json(j, &it, &err) == 0) {
            FZ_CHECK(it.kql != NULL && it.query != NULL);
            ct_exc_match(&it, doc, 0);
            ct_exc_match(&it, doc, INT64_MAX);
            ct_sbuf d;
            ct_sbuf_init(&d);
            for (size_t i = 0; i < it.nentries; i++) ct_exc_entry_describe(&it.entries[i], &d);
            ct_sbuf_free(&d);
            /* what we write we can read back, to the same query */
            char *file = ct_exc_to_file(&it);
            FZ_CHECK(file != NULL);
            cJSON *back = cJSON_Parse(file);
            FZ_CHECK(back != NULL);
            ct_exc_item it2;
            memset(&it2, 0, sizeof it2);
            ct_sbuf_reset(&err);
            FZ_CHECK(ct_exc_from_json(back, &it2, &err) == 0);
            FZ_CHECK(!strcmp(it.query, it2.query) && it.expire == it2.expire);
            char *file2 = ct_exc_to_file(&it2);
            FZ_CHECK(!strcmp(file, file2)); /* the file is a fixed point */
            free(file2);
            ct_exc_item_free(&it2);
            cJSON_Delete(back);
            free(file);
            ct_sbuf p;
            ct_sbuf_init(&p);
            ct_exc_path("stem/../x", it.item_id, &p);
            FZ_CHECK(!strncmp(p.buf, "exceptions/", 11) && fz_path_safe(p.buf));
            ct_sbuf_free(&p);
        }
        ct_exc_item_free(&it);
        ct_sbuf_free(&err);
        cJSON_Delete(j);
    }

    /* the repo loader: exceptions/fuzz/fuzz-item.json */
    char root[512], path[600];
    snprintf(root, sizeof root, "%s/x", fz_tmpdir());
    snprintf(path, sizeof path, "%s/exceptions/fuzz/fuzz-item.json", root);
    fz_write(path, data, size);
    ct_exc_set set;
    memset(&set, 0, sizeof set);
    ct_exc_load(root, &set, fz_quiet_diag, NULL);
    ct_exc_set_match(&set, "r", "fuzz", doc, 0);
    ct_exc_set_free(&set);

    /* the Kibana import of the same bytes as NDJSON */
    snprintf(path, sizeof path, "%s/import.ndjson", fz_tmpdir());
    fz_write(path, data, size);
    ct_exc_set imp;
    memset(&imp, 0, sizeof imp);
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_exc_import(path, &rules, NULL, &imp, &err) == 0) {
        FILE *null = fopen("/dev/null", "w");
        if (null) {
            ct_exc_export(&imp, &rules, null);
            fclose(null);
        }
    }
    ct_exc_set_free(&imp);
    ct_sbuf_free(&err);
    cJSON_Delete(doc);
    return 0;
}
