/* fuzz_stream: bytes as a stream of JSON values -> the sniff, the walk of
 * every format, and ct_input_walk_range (what an NDJSON line holding more
 * than one value is read with). Invariants: every record span lies inside
 * the input, starts with '{', is one whole JSON value (the skipper reads it
 * to its last byte), spans come in order without overlapping, and line
 * numbers never go back and never pass the number of line ends + 1. */
#include "fuzz_common.h"
#include "input.h"

typedef struct chk {
    const ct_input *in;
    size_t next_off;
    uint64_t last_line, max_line;
    long long spans;
} chk;

static int on_span(void *ctx, const ct_span *sp)
{
    chk *c = ctx;
    FZ_CHECK(sp->off <= c->in->len && sp->len <= c->in->len - sp->off);
    FZ_CHECK(sp->len >= 2);
    const char *p = c->in->data + sp->off;
    FZ_CHECK(p[0] == '{');
    FZ_CHECK(ct_json_skip(p, p + sp->len) == p + sp->len);
    FZ_CHECK(sp->off >= c->next_off);
    c->next_off = sp->off + sp->len;
    FZ_CHECK(sp->line >= c->last_line && sp->line <= c->max_line);
    c->last_line = sp->line;
    c->spans++;
    return 0;
}

static void on_bad(void *ctx, uint64_t line, const char *msg)
{
    chk *c = ctx;
    FZ_CHECK(msg && *msg);
    FZ_CHECK(line <= c->max_line);
}

/* line ends: LF, CRLF or a lone CR */
static uint64_t lines_of(const char *d, size_t n)
{
    uint64_t k = 1;
    for (size_t i = 0; i < n; i++)
        if (d[i] == '\n' || (d[i] == '\r' && (i + 1 >= n || d[i + 1] != '\n'))) k++;
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ct_input in;
    memset(&in, 0, sizeof in);
    in.name = (char *)"fuzz";
    in.data = (const char *)data;
    in.len = size;
    in.fd = -1;
    uint64_t max = lines_of(in.data, size);
    ct_format fmt = ct_input_sniff(&in);
    FZ_CHECK(fmt <= CT_FMT_BINARY);
    chk c = {&in, 0, 0, max, 0};
    /* NDJSON spans are lines (whatever they hold): the store checks each
     * with ct_input_one_record and reads the others with walk_range */
    if (fmt != CT_FMT_NDJSON) {
        long long n = ct_input_walk(&in, fmt, on_span, on_bad, &c);
        FZ_CHECK(n == c.spans);
    }
    chk r = {&in, 0, 1, max, 0};
    long long n = ct_input_walk_range(&in, 0, size, 1, on_span, on_bad, &r);
    FZ_CHECK(n == r.spans);
    /* a lone record is read as such, or the stream walker finds it */
    if (size && ct_input_one_record(in.data, size) && ct_json_skip(in.data, in.data + size)) {
        const char *p = in.data;
        while (p < in.data + size && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
        if (p < in.data + size && *p == '{') FZ_CHECK(r.spans == 1);
    }
    return 0;
}
