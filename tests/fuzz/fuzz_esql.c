/* fuzz_esql: the ES|QL parser and explain.
 *
 * Input: a QUERY (bytes up to the first NUL). A query either parses and
 * explains, or fails with a "line L:C: " message. */
#include "fuzz_common.h"
#include "esql.h"

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
        ct_esql_free(e);
    } else {
        FZ_CHECK(!strncmp(err, "line ", 5));
    }
    free(q);
    return 0;
}
