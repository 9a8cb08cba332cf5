/* out: the one output path (out.h): a printf whose %s arguments go through the
 * sanitizer, then the terminal charset's conversion. */
#include "out.h"

#include <iconv.h>
#include <langinfo.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "sanitize.h"

/* The terminal charset: known once LC_CTYPE was read (or forced). The
 * converter is opened lazily and kept for the process. */
static struct {
    int known, utf8;
    char codeset[64];
    iconv_t cd;
} term = { 0, 0, "", (iconv_t)-1 };

static int is_utf8_name(const char *cs)
{
    return ct_strcaseeq(cs, "UTF-8") || ct_strcaseeq(cs, "UTF8");
}

static void term_set(const char *cs)
{
    if (term.cd != (iconv_t)-1) iconv_close(term.cd);
    term.cd = (iconv_t)-1;
    snprintf(term.codeset, sizeof term.codeset, "%s", cs && *cs ? cs : "ANSI_X3.4-1968");
    term.utf8 = is_utf8_name(term.codeset);
    if (!term.utf8) term.cd = iconv_open(term.codeset, "UTF-8");
    term.known = 1;
}

static void term_init(void)
{
    if (!term.known) term_set(nl_langinfo(CODESET));
}

void ct_out_set_charset(const char *codeset)
{
    if (codeset) term_set(codeset);
    else term.known = 0;
}

int ct_out_utf8(void)
{
    term_init();
    return term.utf8;
}

/* Decode the (valid, sanitized) UTF-8 sequence at p; its length. */
static size_t cp_at(const unsigned char *p, size_t n, uint32_t *cp)
{
    size_t len = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
    if (p[0] < 0xC2 || len > n) { *cp = 0xFFFD; return 1; }
    uint32_t v = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) { *cp = 0xFFFD; return 1; }
        v = (v << 6) | (p[i] & 0x3F);
    }
    *cp = v;
    return len;
}

/* Each non-ASCII code point of sanitized UTF-8 as the terminal charset has it
 * (iconv; refused when it would give a control byte: C0, DEL or 0x80-0x9F),
 * else "<U+XXXX>". as_utf8: write the representable ones as their UTF-8 (the
 * text the console measures and cuts), else in the charset's bytes. */
static void conv(const char *s, size_t n, int as_utf8, ct_sbuf *out)
{
    term_init();
    if (term.utf8) {
        ct_sbuf_addn(out, s, n);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && p[j] < 0x80) j++;
        ct_sbuf_addn(out, s + i, j - i);
        if (j >= n) break;
        uint32_t cp;
        size_t len = cp_at(p + j, n - j, &cp);
        char buf[16];
        size_t got = 0;
        if (term.cd != (iconv_t)-1 && len > 1) {
            char *in = (char *)s + j, *o = buf;
            size_t inl = len, outl = sizeof buf;
            iconv(term.cd, NULL, NULL, NULL, NULL);
            if (iconv(term.cd, &in, &inl, &o, &outl) != (size_t)-1 && inl == 0) {
                got = sizeof buf - outl;
                for (size_t k = 0; k < got; k++) {
                    unsigned char c = (unsigned char)buf[k];
                    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) got = 0;
                }
            }
        }
        if (got && as_utf8) ct_sbuf_addn(out, s + j, len);
        else if (got) ct_sbuf_addn(out, buf, got);
        else ct_sbuf_addf(out, "<U+%04X>", (unsigned)cp);
        i = j + len;
    }
}

void ct_out_conv(const char *s, size_t n, ct_sbuf *out)
{
    conv(s, n, 0, out);
}

void ct_out_repr(const char *s, size_t n, ct_sbuf *out)
{
    conv(s, n, 1, out);
}

/* One hostile string: sanitized on one line, at most prec bytes read (prec < 0:
 * all), padded to width columns (left-aligned with '-'). */
static void add_textn(ct_sbuf *b, const char *s, size_t n, int width, int left)
{
    ct_sbuf t;
    ct_sbuf_init(&t);
    ct_san_display(s, n, 0, &t);
    int pad = width - ct_san_width(t.buf);
    if (pad > 0 && !left) for (int i = 0; i < pad; i++) ct_sbuf_addc(b, ' ');
    ct_sbuf_addn(b, t.buf, t.len);
    if (pad > 0 && left) for (int i = 0; i < pad; i++) ct_sbuf_addc(b, ' ');
    ct_sbuf_free(&t);
}

/* The printf engine: literal text of fmt as it is, %s and %c sanitized, other
 * conversions through snprintf with the same flags, width and precision. */
static void format(ct_sbuf *b, const char *fmt, va_list ap)
{
    const char *p = fmt;
    while (*p) {
        const char *q = strchr(p, '%');
        if (!q) { ct_sbuf_add(b, p); break; }
        ct_sbuf_addn(b, p, (size_t)(q - p));
        p = q + 1;
        if (*p == '%') { ct_sbuf_addc(b, '%'); p++; continue; }
        char spec[64];
        size_t k = 0;
        spec[k++] = '%';
        int left = 0, width = -1;
        long prec = -1;
        while (*p && strchr("-+ #0", *p)) {
            if (*p == '-') left = 1;
            if (k < 20) spec[k++] = *p;
            p++;
        }
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) { left = 1; width = -width; }
            p++;
        } else if (*p >= '0' && *p <= '9') {
            width = (int)strtol(p, (char **)&p, 10);
        }
        if (*p == '.') {
            p++;
            if (*p == '*') { prec = va_arg(ap, int); p++; }
            else prec = strtol(p, (char **)&p, 10);
            if (prec < 0) prec = -1;
        }
        if (left && !memchr(spec, '-', k)) spec[k++] = '-';
        if (width >= 0) k += (size_t)snprintf(spec + k, sizeof spec - k, "%d", width); /* clang: no "" format */
        if (prec >= 0) k += (size_t)snprintf(spec + k, sizeof spec - k, ".%ld", prec);
        char len[3] = "";
        size_t nl = 0;
        while (*p && strchr("hlLqjzt", *p) && nl < 2) len[nl++] = *p++;
        len[nl] = 0;
        char conv = *p ? *p++ : 0;
        memcpy(spec + k, len, nl);
        k += nl;
        spec[k++] = conv;
        spec[k] = 0;
        char num[128];
        num[0] = 0;
        switch (conv) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            add_textn(b, s, prec < 0 ? strlen(s) : strnlen(s, (size_t)prec), width, left);
            continue;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            add_textn(b, &c, 1, width, left);
            continue;
        }
        case 'd': case 'i':
            if (!strcmp(len, "l")) snprintf(num, sizeof num, spec, va_arg(ap, long));
            else if (!strcmp(len, "ll")) snprintf(num, sizeof num, spec, va_arg(ap, long long));
            else if (!strcmp(len, "z")) snprintf(num, sizeof num, spec, va_arg(ap, ssize_t));
            else if (!strcmp(len, "j")) snprintf(num, sizeof num, spec, va_arg(ap, intmax_t));
            else if (!strcmp(len, "t")) snprintf(num, sizeof num, spec, va_arg(ap, ptrdiff_t));
            else snprintf(num, sizeof num, spec, va_arg(ap, int));
            break;
        case 'u': case 'x': case 'X': case 'o':
            if (!strcmp(len, "l")) snprintf(num, sizeof num, spec, va_arg(ap, unsigned long));
            else if (!strcmp(len, "ll")) snprintf(num, sizeof num, spec, va_arg(ap, unsigned long long));
            else if (!strcmp(len, "z")) snprintf(num, sizeof num, spec, va_arg(ap, size_t));
            else if (!strcmp(len, "j")) snprintf(num, sizeof num, spec, va_arg(ap, uintmax_t));
            else if (!strcmp(len, "t")) snprintf(num, sizeof num, spec, va_arg(ap, ptrdiff_t));
            else snprintf(num, sizeof num, spec, va_arg(ap, unsigned));
            break;
        case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
            if (!strcmp(len, "L")) snprintf(num, sizeof num, spec, va_arg(ap, long double));
            else snprintf(num, sizeof num, spec, va_arg(ap, double));
            break;
        case 'p': snprintf(num, sizeof num, spec, va_arg(ap, void *)); break;
        default:
            /* %n or an unknown conversion: a bug in our own format string */
            ct_sbuf_add(b, "%?");
            if (!conv) return;
            continue;
        }
        ct_sbuf_add(b, num);
    }
}

void ct_out_vaddf_utf8(ct_sbuf *b, const char *fmt, va_list ap)
{
    format(b, fmt, ap);
}

void ct_out_addf_utf8(ct_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format(b, fmt, ap);
    va_end(ap);
}

void ct_out_vaddf(ct_sbuf *b, const char *fmt, va_list ap)
{
    if (ct_out_utf8()) {
        format(b, fmt, ap);
        return;
    }
    ct_sbuf t;
    ct_sbuf_init(&t);
    format(&t, fmt, ap);
    ct_out_conv(t.buf, t.len, b);
    ct_sbuf_free(&t);
}

void ct_out_addf(ct_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ct_out_vaddf(b, fmt, ap);
    va_end(ap);
}

static int put(FILE *f, const ct_sbuf *b)
{
    return (b->len && fwrite(b->buf, 1, b->len, f) != b->len) ? -1 : 0;
}

int ct_out_vprintf(FILE *f, const char *fmt, va_list ap)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_out_vaddf(&b, fmt, ap);
    int rc = put(f, &b);
    ct_sbuf_free(&b);
    return rc;
}

int ct_out_printf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ct_out_vprintf(f, fmt, ap);
    va_end(ap);
    return rc;
}

int ct_out_block(FILE *f, const char *s, size_t n)
{
    ct_sbuf t, b;
    ct_sbuf_init(&t);
    ct_sbuf_init(&b);
    ct_san_display(s, n, CT_SAN_MULTILINE, &t);
    ct_out_conv(t.buf, t.len, &b);
    int rc = put(f, &b);
    ct_sbuf_free(&t);
    ct_sbuf_free(&b);
    return rc;
}

int ct_out_json(FILE *f, const char *json, size_t n, int nl)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_json_text(json, n, ct_out_utf8() ? 0 : CT_SAN_ASCII, &b);
    if (nl) ct_sbuf_addc(&b, '\n');
    int rc = put(f, &b);
    ct_sbuf_free(&b);
    return rc;
}
