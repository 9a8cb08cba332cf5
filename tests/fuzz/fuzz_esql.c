/* fuzz_esql: the ES|QL parser, explain and the evaluator.
 *
 * Input: a QUERY (bytes up to the first NUL). A query either parses and
 * explains, or fails with a "line L:C: " message; a parsed query then runs
 * over the seed documents of tests/fixtures/esql/seed_docs.h (it may fail
 * with a message, never crash). */
#include "fuzz_common.h"
#include "esql.h"

#include "../fixtures/esql/seed_docs.h"

static cJSON *get(void *ctx, size_t i)
{
    (void)ctx;
    return cJSON_Parse(esql_seed_docs[i]);
}

static void put(void *ctx, size_t i, cJSON *d)
{
    (void)ctx;
    (void)i;
    cJSON_Delete(d);
}

static const char *dataset(void *ctx, size_t i)
{
    (void)ctx;
    return esql_seed_dataset(i);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    char *q = ct_xstrndup((const char *)data, size);
    char err[512];
    ct_esql *e = ct_esql_parse(q, err, sizeof err);
    if (e) {
        ct_sbuf b;
        ct_sbuf_init(&b);
        ct_esql_explain(e, &b);
        FZ_CHECK(b.len > 0 && b.buf[b.len - 1] == '\n');
        ct_sbuf_free(&b);
        ct_esql_result r;
        char rerr[512];
        if (ct_esql_run(e, ESQL_SEED_NDOCS, get, put, dataset, NULL, 1722400000000, &r, rerr, sizeof rerr) == 0) {
            FZ_CHECK(r.n <= 1000);
            ct_esql_result_free(&r);
        } else {
            FZ_CHECK(rerr[0] != 0);
        }
        ct_esql_free(e);
    } else {
        FZ_CHECK(!strncmp(err, "line ", 5));
    }
    free(q);
    return 0;
}
