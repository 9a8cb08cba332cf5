/* fuzz_sanitize: the display sanitizer, file-name sanitizer, width and
 * truncation, with the invariants sanitize.h promises checked on every output. */
#include <locale.h>

#include "fuzz_common.h"
#include "sanitize.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    setlocale(LC_ALL, "C.UTF-8");
    return 0;
}

/* Valid UTF-8 with no C0 (but \n when allowed), DEL, C1, bidi or zero-width code point. */
static void check_inert(const char *s, size_t n, int allow_nl)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            FZ_CHECK(c >= 0x20 || (allow_nl && c == '\n'));
            FZ_CHECK(c != 0x7f);
            i++;
            continue;
        }
        unsigned cp;
        size_t len;
        if (c >= 0xc2 && c <= 0xdf) { cp = c & 0x1f; len = 2; }
        else if (c >= 0xe0 && c <= 0xef) { cp = c & 0x0f; len = 3; }
        else if (c >= 0xf0 && c <= 0xf4) { cp = c & 0x07; len = 4; }
        else { FZ_CHECK(!"bad UTF-8 lead byte"); return; }
        FZ_CHECK(i + len <= n);
        for (size_t k = 1; k < len; k++) {
            unsigned char cc = (unsigned char)s[i + k];
            FZ_CHECK((cc & 0xc0) == 0x80);
            cp = (cp << 6) | (cc & 0x3f);
        }
        FZ_CHECK(!(len == 3 && cp < 0x800) && !(len == 4 && cp < 0x10000));
        FZ_CHECK(cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff));
        FZ_CHECK(!(cp >= 0x80 && cp <= 0x9f));
        FZ_CHECK(!(cp == 0x61c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
                   (cp >= 0x2066 && cp <= 0x2069)));
        FZ_CHECK(!(cp >= 0x200b && cp <= 0x200d) && cp != 0xfeff && cp != 0x2028 && cp != 0x2029);
        i += len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    ct_sbuf out;
    ct_sbuf_init(&out);
    ct_san_display(s, size, 0, &out);
    check_inert(out.buf, out.len, 0);
    FZ_CHECK(strlen(out.buf) == out.len);
    ct_sbuf_reset(&out);
    ct_san_display(s, size, CT_SAN_MULTILINE, &out);
    check_inert(out.buf, out.len, 1);

    /* file names: [A-Za-z0-9._-], no leading '.', no "..", 1..100 bytes */
    char *z = fz_strndup(data, size);
    ct_sbuf fn;
    ct_sbuf_init(&fn);
    ct_san_filename(z, &fn);
    FZ_CHECK(fn.len >= 1 && fn.len <= CT_SAN_FILENAME_MAX);
    FZ_CHECK(fn.buf[0] != '.');
    FZ_CHECK(!strstr(fn.buf, ".."));
    for (size_t i = 0; i < fn.len; i++) {
        char c = fn.buf[i];
        FZ_CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-');
    }
    ct_sbuf_free(&fn);

    /* width and truncation of sanitized text */
    ct_sbuf_reset(&out);
    ct_san_display(s, size, 0, &out);
    int w = ct_san_width(out.buf);
    FZ_CHECK(w >= 0);
    int cols = size ? data[0] % 90 : 10;
    ct_sbuf t;
    ct_sbuf_init(&t);
    ct_san_truncate(out.buf, cols, &t);
    FZ_CHECK(ct_san_width(t.buf) <= cols);
    if (w <= cols) FZ_CHECK(!strcmp(t.buf, out.buf));
    size_t len;
    if (out.len) {
        ct_san_cpwidth(out.buf, out.len, &len);
        FZ_CHECK(len >= 1 && len <= out.len);
    }
    ct_sbuf_free(&t);
    ct_sbuf_free(&out);
    free(z);
    return 0;
}
