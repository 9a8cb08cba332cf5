/* fuzz_guide: the Markdown guide renderer (styled and text), the response
 * steps, section lookup, and ct_guide_fill with hostile alert values.
 *
 * Input: MARKDOWN, optionally followed by a NUL byte and the VALUE every
 * {{ field }} is filled with (else a hostile default). Byte 0 also picks the
 * wrap width. Every rendered segment must be inert (no control byte). */
#include <locale.h>

#include "fuzz_common.h"
#include "guide.h"
#include "sanitize.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    setlocale(LC_ALL, "C.UTF-8");
    return 0;
}

static const char *lookup(void *ctx, const char *path)
{
    if (!strcmp(path, "unknown.field")) return NULL;
    return ctx;
}

static void check_text(const char *s, int allow_nl)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        FZ_CHECK(*p >= 0x20 || (allow_nl && *p == '\n'));
        FZ_CHECK(*p != 0x7f);
        /* C1 as UTF-8 (C2 80..C2 9F) and U+202E (E2 80 AE) */
        FZ_CHECK(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f));
        FZ_CHECK(!(p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xae));
    }
}

static void render(const char *md, int width)
{
    ct_guide_doc d;
    memset(&d, 0, sizeof d);
    if (ct_guide_render(md, width, &d) == 0) {
        for (size_t i = 0; i < d.nlines; i++) {
            FZ_CHECK(d.lines[i].heading_level >= 0 && d.lines[i].heading_level <= 6);
            for (size_t k = 0; k < d.lines[i].nsegs; k++) check_text(d.lines[i].segs[k].text, 0);
        }
    }
    ct_guide_doc_free(&d);
    ct_sbuf t;
    ct_sbuf_init(&t);
    if (ct_guide_render_text(md, width, &t) == 0) {
        check_text(t.buf, 1);
        FZ_CHECK(t.len == 0 || t.buf[t.len - 1] == '\n');
    }
    ct_sbuf_free(&t);
    char **steps = NULL;
    size_t n = 0;
    if (ct_guide_response_steps(md, &steps, &n) == 0) {
        for (size_t i = 0; i < n; i++) FZ_CHECK(steps[i] && !strchr(steps[i], '\n'));
        ct_guide_steps_free(steps, n);
    }
    ct_guide_has_section(md, "response");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int width = data[0] % 4 == 0 ? 0 : data[0] % 120;
    const uint8_t *nul = memchr(data, 0, size);
    size_t mdlen = nul ? (size_t)(nul - data) : size;
    char *md = fz_strndup(data, mdlen);
    char *val = nul ? fz_strndup(nul + 1, size - mdlen - 1)
                    : ct_xstrdup("\x1b]8;;http://evil/\x07[x](http://e) *a* `b` \xe2\x80\xae\r\n# h");

    render(md, width);
    char *filled = ct_guide_fill(md, lookup, val);
    FZ_CHECK(filled != NULL);
    render(filled, width);
    free(filled);
    filled = ct_guide_fill(md, NULL, NULL);
    free(filled);
    free(md);
    free(val);
    return 0;
}
