/* fuzz_kql: the KQL parser, explain, required-values pre-filter and the
 * evaluator, plus quote/escape round trips.
 *
 * Input: QUERY, optionally followed by a NUL byte and a JSON document to
 * evaluate against (else a fixed Azure audit document). */
#include "fuzz_common.h"
#include "kql.h"

static const char default_doc[] =
    "{\"@timestamp\":\"2024-03-01T10:00:00Z\",\"event\":{\"dataset\":\"azure.auditlogs\","
    "\"action\":\"Add service principal credentials\",\"outcome\":\"success\"},"
    "\"source\":{\"ip\":\"10.1.2.3\"},\"user\":{\"name\":\"a@b.c\"},\"n\":42,\"t\":true,"
    "\"z\":null,\"arr\":[1,\"x\",{\"k\":\"v\"}],\"a.b\":{\"c\":\"d\"}}";

static void roundtrip(const char *field, const char *v, size_t vlen)
{
    /* a value quoted by ct_kql_quote parses and matches a document holding it */
    if (memchr(v, 0, vlen)) return;
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, field, v);
    ct_sbuf q;
    ct_sbuf_init(&q);
    ct_sbuf_addf(&q, "%s:", field);
    ct_kql_quote(v, &q);
    char err[256];
    ct_kql *k = ct_kql_parse(q.buf, err, sizeof err);
    FZ_CHECK(k != NULL);
    FZ_CHECK(ct_kql_match(k, doc) == 1);
    ct_kql_free(k);
    /* and the unquoted escape, when it can express the value: not empty and no
     * whitespace at either end (KQL trims JS whitespace, NBSP and U+2000.. too,
     * so only values starting and ending with printable ASCII are checked) */
    size_t vl = strlen(v);
    int edge = !vl || (unsigned char)v[0] <= 0x20 || (unsigned char)v[0] >= 0x7f ||
               (unsigned char)v[vl - 1] <= 0x20 || (unsigned char)v[vl - 1] >= 0x7f;
    if (!edge) {
        ct_sbuf_reset(&q);
        ct_sbuf_addf(&q, "%s:", field);
        ct_kql_escape(v, 0, &q);
        k = ct_kql_parse(q.buf, err, sizeof err);
        FZ_CHECK(k != NULL);
        ct_kql_free(k);
    }
    ct_sbuf_free(&q);
    cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t qlen = nul ? (size_t)(nul - data) : size;
    char *query = fz_strndup(data, qlen);
    cJSON *doc = NULL;
    if (nul) doc = cJSON_ParseWithLength((const char *)nul + 1, size - qlen - 1);
    if (!doc) doc = cJSON_Parse(default_doc);

    char err[256];
    err[0] = 0;
    ct_kql *q = ct_kql_parse(query, err, sizeof err);
    if (q) {
        ct_kql_match(q, doc);
        ct_sbuf ex;
        ct_sbuf_init(&ex);
        ct_kql_explain(q, &ex);
        ct_sbuf_free(&ex);
        const char *const *vals;
        size_t n;
        if (ct_kql_required_values(q, "event.action", &vals, &n)) {
            for (size_t i = 0; i < n; i++) FZ_CHECK(vals[i] != NULL);
        }
        ct_kql_required_values(q, "event.dataset", &vals, &n);
        ct_kql_free(q);
    } else {
        FZ_CHECK(err[0] != 0);
    }
    if (qlen <= 4096) roundtrip("f", query, qlen);
    cJSON_Delete(doc);
    free(query);
    return 0;
}
