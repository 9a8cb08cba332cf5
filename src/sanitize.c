#include "sanitize.h"
#include "sanitize_ucd.h"

#include <stdint.h>
#include <string.h>

/* Strict UTF-8 decoder (RFC 3629 / Unicode table 3-7): returns the sequence
 * length and stores the code point, or 0 when the bytes at s do not start a
 * well-formed sequence (overlongs, surrogates, > U+10FFFF, truncation). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) { *cp = c; return 1; }
    if (c < 0xC2 || c > 0xF4) return 0;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    uint32_t v;
    if (c < 0xE0) { len = 2; v = c & 0x1F; }
    else if (c < 0xF0) {
        len = 3; v = c & 0x0F;
        if (c == 0xE0) lo = 0xA0;      /* overlong */
        else if (c == 0xED) hi = 0x9F; /* surrogates */
    } else {
        len = 4; v = c & 0x07;
        if (c == 0xF0) lo = 0x90;      /* overlong */
        else if (c == 0xF4) hi = 0x8F; /* > U+10FFFF */
    }
    if (n < len) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    v = (v << 6) | (s[1] & 0x3F);
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static int in_table(const ct_ucd_range *t, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    if (n == 0 || cp < t[0].lo || cp > t[n - 1].hi) return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < t[mid].lo) hi = mid;
        else if (cp > t[mid].hi) lo = mid + 1;
        else return 1;
    }
    return 0;
}

/* Valid code points that must not reach a terminal as themselves: the table
 * generated from the UCD (scripts/gen_unicode.sh: controls, format characters,
 * default-ignorables, bidi controls, private use, unassigned, noncharacters). */
static int cp_is_dangerous(uint32_t cp)
{
    if (cp < 0x7F) return cp < 0x20;
    return in_table(ct_ucd_escape, CT_UCD_ESCAPE_N, cp);
}

/* An emoji variation sequence starting at p (n bytes): a base listed in
 * emoji-variation-sequences.txt followed by U+FE0E (text) or U+FE0F (emoji
 * presentation). Returns the sequence's length in bytes (0: none) and its
 * columns in *w: 2 with U+FE0F, the base's own width with U+FE0E. */
static size_t emoji_vs(const unsigned char *p, size_t n, uint32_t base, size_t blen, int *w);

static const char hexd[] = "0123456789abcdef";

static void add_hex_byte(ct_sbuf *out, unsigned char c)
{
    char e[4] = { '\\', 'x', hexd[c >> 4], hexd[c & 15] };
    ct_sbuf_addn(out, e, 4);
}

/* Columns of one code point as a wcwidth() built on the same UCD draws it
 * (combining marks 0, East Asian wide/full-width and emoji presentation 2).
 * Controls and other escaped code points count 1: they never reach a terminal
 * raw, and callers measuring raw text must not see negative widths. */
static int cp_width(uint32_t cp)
{
    if (cp < 0x300) return 1;
    if (in_table(ct_ucd_zero, CT_UCD_ZERO_N, cp)) return 0;
    if (in_table(ct_ucd_wide, CT_UCD_WIDE_N, cp)) return 2;
    return 1;
}

static size_t emoji_vs(const unsigned char *p, size_t n, uint32_t base, size_t blen, int *w)
{
    uint32_t vs;
    if (base < 0xA9 || n < blen + 3 || p[blen] != 0xEF || p[blen + 1] != 0xB8) return 0;
    if (p[blen + 2] != 0x8E && p[blen + 2] != 0x8F) return 0;
    if (!in_table(ct_ucd_vs_base, CT_UCD_VS_BASE_N, base)) return 0;
    vs = p[blen + 2] == 0x8F ? 0xFE0F : 0xFE0E;
    *w = vs == 0xFE0F ? 2 : cp_width(base);
    return blen + 3;
}

void ct_san_display(const char *s, size_t n, int flags, ct_sbuf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    int multi = flags & CT_SAN_MULTILINE, ascii = flags & CT_SAN_ASCII;
    size_t col = 0; /* column in the current output line, for tab stops */
    size_t i = 0;
    if (!s) return;
    while (i < n) {
        /* fast path: a run of printable ASCII */
        size_t j = i;
        while (j < n && p[j] >= 0x20 && p[j] < 0x7F) j++;
        if (j > i) {
            ct_sbuf_addn(out, s + i, j - i);
            col += j - i;
            i = j;
            continue;
        }
        unsigned char c = p[i];
        if (c < 0x80) { /* C0 control or DEL */
            if (multi && c == '\n') {
                ct_sbuf_addc(out, '\n');
                col = 0;
            } else if (multi && c == '\t') {
                size_t sp = 8 - col % 8;
                for (size_t k = 0; k < sp; k++) ct_sbuf_addc(out, ' ');
                col += sp;
            } else {
                add_hex_byte(out, c);
                col += 4;
            }
            i++;
            continue;
        }
        uint32_t cp;
        int vw;
        size_t len = utf8_decode(p + i, n - i, &cp), vlen;
        if (len == 0) {
            add_hex_byte(out, c);
            col += 4;
            i++;
        } else if (!ascii && (vlen = emoji_vs(p + i, n - i, cp, len, &vw)) > 0) {
            ct_sbuf_addn(out, s + i, vlen); /* an emoji and its presentation selector */
            col += (size_t)vw;
            i += vlen;
        } else if (cp_is_dangerous(cp) || (ascii && cp >= 0x80)) {
            size_t before = out->len;
            ct_sbuf_addf(out, "<U+%04X>", (unsigned)cp);
            col += out->len - before;
            i += len;
        } else {
            ct_sbuf_addn(out, s + i, len);
            col += (size_t)cp_width(cp);
            i += len;
        }
    }
}

void ct_san_displayz(const char *s, int flags, ct_sbuf *out)
{
    if (!s) return;
    ct_san_display(s, strlen(s), flags, out);
}

void ct_san_filename(const char *s, ct_sbuf *out)
{
    size_t start = out->len, k = 0;
    char prev = 0;
    for (; s && s[k] && k < CT_SAN_FILENAME_MAX; k++) {
        char c = s[k];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) c = '_';
        if (c == '.' && (k == 0 || prev == '.')) c = '_';
        ct_sbuf_addc(out, c);
        prev = c;
    }
    if (out->len == start) ct_sbuf_addc(out, '_');
}

int ct_san_cpwidth(const char *s, size_t n, size_t *len)
{
    uint32_t cp;
    if (n == 0) { *len = 0; return 0; }
    size_t l = utf8_decode((const unsigned char *)s, n, &cp);
    if (l == 0) { *len = 1; return 1; }
    int vw;
    size_t vlen = emoji_vs((const unsigned char *)s, n, cp, l, &vw);
    if (vlen) { *len = vlen; return vw; }
    *len = l;
    return cp_width(cp);
}

int ct_san_width(const char *s)
{
    if (!s) return 0;
    size_t n = strlen(s), i = 0, len;
    long w = 0;
    while (i < n) {
        w += ct_san_cpwidth(s + i, n - i, &len);
        i += len;
    }
    return w > INT32_MAX ? INT32_MAX : (int)w;
}

void ct_san_truncate(const char *s, int cols, ct_sbuf *out)
{
    if (!s || cols <= 0) return;
    size_t n = strlen(s), i = 0, len;
    /* does it fit whole? stop counting as soon as it does not */
    long w = 0;
    while (i < n && w <= cols) {
        w += ct_san_cpwidth(s + i, n - i, &len);
        i += len;
    }
    if (w <= cols && i >= n) {
        ct_sbuf_addn(out, s, n);
        return;
    }
    long budget = cols - 1, used = 0;
    i = 0;
    while (i < n) {
        int cw = ct_san_cpwidth(s + i, n - i, &len);
        if (used + cw > budget) break;
        used += cw;
        i += len;
    }
    ct_sbuf_addn(out, s, i);
    ct_sbuf_addc(out, '~');
}

void ct_san_line(const char *s, int cols, ct_sbuf *out)
{
    ct_sbuf c;
    ct_sbuf_init(&c);
    ct_san_displayz(s, 0, &c);
    if (cols > 0) ct_san_truncate(c.buf, cols, out);
    else ct_sbuf_add(out, c.buf);
    ct_sbuf_free(&c);
}

int ct_san_cp_escaped(uint32_t cp)
{
    return cp_is_dangerous(cp);
}

void ct_san_json_text(const char *json, size_t n, int flags, ct_sbuf *out)
{
    const unsigned char *p = (const unsigned char *)json;
    size_t i = 0;
    if (!json) return;
    while (i < n) {
        size_t j = i;
        while (j < n && ((p[j] >= 0x20 && p[j] < 0x7F) || p[j] == '\n' || p[j] == '\t')) j++;
        if (j > i) {
            ct_sbuf_addn(out, json + i, j - i);
            i = j;
            continue;
        }
        uint32_t cp;
        size_t len = p[i] < 0x80 ? 1 : utf8_decode(p + i, n - i, &cp);
        if (p[i] < 0x80) { /* DEL, or a C0 control cJSON would have escaped */
            ct_sbuf_addf(out, "\\u%04x", (unsigned)p[i]);
        } else if (len == 0) {
            ct_sbuf_add(out, "\\ufffd");
            len = 1;
        } else if (cp_is_dangerous(cp) || (flags & CT_SAN_ASCII)) {
            if (cp > 0xFFFF) {
                uint32_t v = cp - 0x10000;
                ct_sbuf_addf(out, "\\u%04x\\u%04x", (unsigned)(0xD800 + (v >> 10)),
                             (unsigned)(0xDC00 + (v & 0x3FF)));
            } else {
                ct_sbuf_addf(out, "\\u%04x", (unsigned)cp);
            }
        } else {
            ct_sbuf_addn(out, json + i, len);
        }
        i += len;
    }
}

size_t ct_san_utf8_bad(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t bad = 0;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t len = p[i] < 0x80 ? 1 : utf8_decode(p + i, n - i, &cp);
        if (!len) { bad++; len = 1; }
        i += len;
    }
    return bad;
}

void ct_san_utf8_fix(const char *s, size_t n, ct_sbuf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t len = p[i] < 0x80 ? 1 : utf8_decode(p + i, n - i, &cp);
        if (len) {
            ct_sbuf_addn(out, s + i, len);
            i += len;
        } else {
            ct_sbuf_add(out, "\xef\xbf\xbd"); /* U+FFFD */
            i++;
        }
    }
}
