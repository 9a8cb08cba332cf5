/* fuzz_input: bytes as a log file -> sniffing, decoding (gzip too), record
 * walking, normalization of every record kind, the store, the ECS rebuild,
 * `events --json` objects, every shipped rule's KQL over the documents (the
 * scan path), and the correlation of the alerts (entities, changes, index).
 *
 * Input layout: byte 0 selects how the rest reaches ct_store_load:
 *   mode % 4 == 0: as it is (the fuzzer may still write a gzip header itself)
 *   mode % 4 == 1: gzip-compressed
 *   mode % 4 == 2: gzip-compressed, then truncated in the middle
 *   mode % 4 == 3: two gzip members (first half, second half)
 * The file is a memfd passed as /proc/self/fd/N (a regular file: mapped). */
#include <zlib.h>

#include "alerts.h"
#include "corr.h"
#include "fuzz_common.h"
#include "input.h"
#include "norm.h"
#include "rules.h"
#include "store.h"

static ct_ruleset rules;
static int have_rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    have_rules = ct_rules_load(fz_root(), &rules, fz_quiet_diag, NULL) == 0 && rules.n > 0;
    if (!have_rules) fprintf(stderr, "fuzz_input: no rules under %s (run from the repo root)\n", fz_root());
    return 0;
}

static void gz_append(ct_sbuf *out, const uint8_t *d, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) abort();
    size_t cap = deflateBound(&z, n) + 64;
    char *buf = ct_xmalloc(cap);
    z.next_in = (Bytef *)d;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) abort();
    ct_sbuf_addn(out, buf, cap - z.avail_out);
    deflateEnd(&z);
    free(buf);
}

static int has(const size_t *v, size_t n, size_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x) return 1;
    return 0;
}

/* The correlation of the first alerts: its lists hold the alert's own change,
 * each event once, and the queue's count is their union. */
static void correlate(const ct_store *st, const ct_alerts *al)
{
    ct_corr *c = ct_corr_build(st);
    ct_corr_index_alerts(c, al);
    for (size_t i = 0; i < al->n && i < 16; i++) {
        ct_corr_result r;
        FZ_CHECK(ct_corr_alert(c, &al->v[i], al, CT_CORR_DEFAULT_WINDOW, &r) == 0);
        FZ_CHECK(has(r.same_target, r.nsame_target, r.self_event));
        FZ_CHECK(has(r.same_actor, r.nsame_actor, r.self_event));
        size_t n = 0, cap = r.nsame_target + r.nsame_actor + r.usage.n;
        size_t *u = ct_xmalloc((cap ? cap : 1) * sizeof *u);
        const size_t *l[3] = {r.same_target, r.same_actor, r.usage.events};
        size_t ln[3] = {r.nsame_target, r.nsame_actor, r.usage.n};
        for (int k = 0; k < 3; k++)
            for (size_t j = 0; j < ln[k]; j++) {
                FZ_CHECK(l[k][j] < st->nev);
                FZ_CHECK(!has(l[k], j, l[k][j])); /* each once */
                if (!has(u, n, l[k][j])) u[n++] = l[k][j];
            }
        FZ_CHECK(ct_corr_count(c, &al->v[i], CT_CORR_DEFAULT_WINDOW) == n);
        free(u);
        for (size_t j = 0; j < r.nrelated; j++) FZ_CHECK(r.related_alerts[j] != i && r.related_alerts[j] < al->n);
        ct_corr_result_free(&r);
    }
    ct_corr_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned mode = data[0] % 4;
    data++, size--;
    ct_sbuf file;
    ct_sbuf_init(&file);
    switch (mode) {
    case 0: ct_sbuf_addn(&file, (const char *)data, size); break;
    case 1: gz_append(&file, data, size); break;
    case 2: gz_append(&file, data, size); file.len = file.len / 2 + 1; break;
    case 3: gz_append(&file, data, size / 2); gz_append(&file, data + size / 2, size - size / 2); break;
    }

    /* ct_json_skip on the bare bytes (its own contract: NULL or an end inside) */
    const char *end = ct_json_skip(file.buf, file.buf + file.len);
    FZ_CHECK(!end || (end >= file.buf && end <= file.buf + file.len));

    int fd = memfd_create("ct-fuzz-input", 0);
    if (fd < 0) { perror("memfd_create"); abort(); }
    size_t off = 0;
    while (off < file.len) {
        ssize_t w = write(fd, file.buf + off, file.len - off);
        if (w <= 0) abort();
        off += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    ct_store st;
    ct_store_init(&st);
    st.diag = fz_quiet_diag;
    ct_store_load(&st, path);
    close(fd);

    FZ_CHECK(st.nev <= st.stats.records);
    size_t lim = st.nev < 64 ? st.nev : 64;
    for (size_t i = 0; i < lim; i++) {
        size_t len;
        const char *raw = ct_event_raw(&st, i, &len);
        FZ_CHECK(raw && len > 0);
        ct_fields f;
        ct_event_fields(&st, i, &f);
        cJSON *j = ct_store_event_json(&st, i);
        if (j) {
            char *s = cJSON_PrintUnformatted(j);
            free(s);
            cJSON_Delete(j);
        }
        ct_norm n;
        memset(&n, 0, sizeof n);
        if (ct_store_norm(&st, i, &n) == 0 && have_rules) {
            for (size_t r = 0; r < rules.n; r++) ct_kql_match(rules.v[r].kql, n.doc);
        }
        ct_norm_free(&n);
    }
    if (have_rules) {
        ct_rules_bind(&rules, &st);
        ct_alerts al;
        memset(&al, 0, sizeof al);
        if (ct_scan(&st, &rules, &al) == 0) {
            for (size_t i = 0; i < al.n && i < 16; i++) {
                cJSON *j = ct_alert_json(&st, &al.v[i]);
                cJSON_Delete(j);
            }
            correlate(&st, &al);
        }
        ct_alerts_free(&al);
    }
    ct_store_free(&st);
    ct_sbuf_free(&file);
    return 0;
}
