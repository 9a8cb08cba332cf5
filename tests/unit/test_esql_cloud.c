/* Every cloud ES|QL query of elastic/detection-rules (tests/fixtures/esql:
 * the rules under integrations/aws*, azure*, gcp, o365, and any other whose
 * FROM reads logs-aws*, logs-azure*, logs-gcp* or logs-o365*) runs in the
 * evaluator without a refusal Elasticsearch would not make: no "Unknown
 * function", no run-time error. The documents are the shipped rules'
 * positive fixtures and the cloud fixtures of tests/fixtures/esql, so most
 * queries see rows of their own dataset; unknown functions are refused
 * before any row is read (esql_check.c), so the verdict does not depend on
 * which rows pass a WHERE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esql.h"
#include "json.h"
#include "store.h"

static void quiet(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx, (void)file, (void)line, (void)msg;
}

static cJSON *get(void *ctx, size_t i)
{
    return ct_store_event_json(ctx, i);
}

static void put(void *ctx, size_t i, cJSON *d)
{
    (void)ctx, (void)i;
    cJSON_Delete(d);
}

static const char *dataset(void *ctx, size_t i)
{
    const ct_store *st = ctx;
    if (st->ev[i].flags & CT_EVF_ALERT) return NULL;
    return ct_event_str(st, &st->ev[i], CT_EF_DATASET);
}

static int is_cloud(const char *path, const char *query)
{
    static const char *const dirs[] = {"rules/integrations/aws", "rules/integrations/azure", "rules/integrations/gcp/",
                                       "rules/integrations/o365/"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (!strncmp(path, dirs[i], strlen(dirs[i]))) return 1;
    /* FROM's patterns: the text up to the first pipe */
    const char *bar = strchr(query, '|');
    size_t n = bar ? (size_t)(bar - query) : strlen(query);
    static const char *const idx[] = {"logs-aws", "logs-azure", "logs-gcp", "logs-o365"};
    for (size_t i = 0; i < sizeof idx / sizeof *idx; i++)
        if (memmem(query, n, idx[i], strlen(idx[i]))) return 1;
    return 0;
}

static void test_cloud_queries_run(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    st.diag = quiet;
    glob_t g;
    assert_int_equal(glob("tests/fixtures/rules/*.pos.ndjson", 0, NULL, &g), 0);
    glob("tests/fixtures/esql/cloud/*.ndjson", GLOB_APPEND, NULL, &g);
    glob("tests/fixtures/esql/cloud/*.json", GLOB_APPEND, NULL, &g);
    for (size_t i = 0; i < g.gl_pathc; i++) ct_store_load(&st, g.gl_pathv[i]);
    globfree(&g);
    assert_true(st.nev >= 36);

    FILE *f = fopen("tests/fixtures/esql/detection-rules-queries.ndjson", "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0, ncloud = 0, nrows = 0;
    ct_sbuf refused;
    ct_sbuf_init(&refused);
    while (getline(&line, &cap, f) > 0) {
        cJSON *o = cJSON_Parse(line);
        assert_non_null(o);
        const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(o, "path"));
        const char *query = cJSON_GetStringValue(cJSON_GetObjectItem(o, "query"));
        assert_non_null(path);
        assert_non_null(query);
        if (is_cloud(path, query)) {
            ncloud++;
            char err[512];
            ct_esql *q = ct_esql_parse(query, err, sizeof err);
            if (!q) {
                ct_sbuf_addf(&refused, "%s: parse: %s\n", path, err);
            } else {
                ct_esql_result r;
                if (ct_esql_run(q, st.nev, get, put, dataset, &st, 1722400000000, &r, err, sizeof err) < 0) {
                    ct_sbuf_addf(&refused, "%s: %s\n", path, err);
                } else {
                    nrows += r.n;
                    ct_esql_result_free(&r);
                }
                ct_esql_free(q);
            }
        }
        cJSON_Delete(o);
    }
    free(line);
    fclose(f);
    ct_store_free(&st);
    /* 77 of the 212: 71 under integrations/aws*, azure*, gcp and o365, 6 elsewhere reading their logs */
    assert_int_equal(ncloud, 77);
    if (refused.len) fprintf(stderr, "%s", refused.buf);
    assert_string_equal(refused.len ? refused.buf : "", "");
    ct_sbuf_free(&refused);
    (void)nrows;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cloud_queries_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
