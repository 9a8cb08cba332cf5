/* guide_fill: ct_guide_fill, the {{field.path}} placeholders of a guide replaced
 * with an alert's values, escaped so that they read as text, not Markdown. */
#include "guide_int.h"
#include "sanitize.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ fill */

static int path_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '@' || c == '-';
}

static int md_punct(unsigned char c)
{
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
}

static void fill_value(ct_sbuf *out, const char *val, int in_code, int line_start)
{
    ct_sbuf s;
    ct_sbuf_init(&s);
    ct_san_displayz(val, 0, &s);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.buf[i];
        if (in_code) {
            if (c == '`') ct_sbuf_add(out, "\\x60");
            else ct_sbuf_addc(out, (char)c);
            continue;
        }
        if ((line_start && md_punct(c)) || (c && strchr("\\`*_[]<>&!|~", c)))
            ct_sbuf_addc(out, '\\');
        ct_sbuf_addc(out, (char)c);
    }
    ct_sbuf_free(&s);
}

char *ct_guide_fill(const char *md, ct_guide_lookup lookup, void *ctx)
{
    ct_sbuf out;
    ct_sbuf_init(&out);
    if (!md) md = "";
    size_t i = 0, n = strlen(md);
    int fence = 0;          /* fence char of an open fenced block, 0 if none */
    size_t fence_len = 0;
    size_t span = 0;        /* backtick run length that opened an inline code span */
    int line_start = 1;     /* only blanks so far on this line */
    size_t line_begin = 0;
    while (i < n) {
        char c = md[i];
        if (i == line_begin) {
            /* fence detection at the start of a line (any indentation) */
            size_t j = i;
            while (j < n && (md[j] == ' ' || md[j] == '\t' || md[j] == '>')) j++;
            if (md[j] == '`' || md[j] == '~') {
                size_t k = j;
                while (k < n && md[k] == md[j]) k++;
                if (k - j >= 3) {
                    if (!fence) { fence = md[j]; fence_len = k - j; span = 0; }
                    else if (fence == md[j] && k - j >= fence_len) fence = 0;
                    ct_sbuf_addn(&out, md + i, k - i);
                    i = k;
                    line_start = 0;
                    continue;
                }
            }
            /* a blank line ends any unterminated inline code span */
            size_t b = i;
            while (b < n && (md[b] == ' ' || md[b] == '\t')) b++;
            if (b >= n || md[b] == '\n') span = 0;
        }
        if (c == '\n') {
            ct_sbuf_addc(&out, c);
            i++;
            line_begin = i;
            line_start = 1;
            continue;
        }
        if (c == '`' && !fence) {
            size_t k = i;
            while (k < n && md[k] == '`') k++;
            if (!span) span = k - i;
            else if (span == k - i) span = 0;
            ct_sbuf_addn(&out, md + i, k - i);
            i = k;
            line_start = 0;
            continue;
        }
        if (c == '\\' && !fence && !span && i + 1 < n && md[i + 1] != '\n') {
            ct_sbuf_addn(&out, md + i, 2); /* escaped char: keep both, no placeholder */
            i += 2;
            line_start = 0;
            continue;
        }
        if (c == '{' && i + 1 < n && md[i + 1] == '{') {
            size_t j = i + 2;
            while (j < n && md[j] == ' ') j++;
            size_t ps = j;
            while (j < n && path_char(md[j])) j++;
            size_t pe = j;
            while (j < n && md[j] == ' ') j++;
            if (pe > ps && j + 1 < n && md[j] == '}' && md[j + 1] == '}') {
                char *path = ct_xstrndup(md + ps, pe - ps);
                const char *val = lookup ? lookup(ctx, path) : NULL;
                if (val) {
                    fill_value(&out, val, fence || span, line_start);
                } else {
                    ct_sbuf_add(&out, "(unknown ");
                    ct_sbuf_add(&out, path);
                    ct_sbuf_addc(&out, ')');
                }
                free(path);
                i = j + 2;
                line_start = 0;
                continue;
            }
        }
        if (c != ' ' && c != '\t' && c != '>') line_start = 0;
        ct_sbuf_addc(&out, c);
        i++;
    }
    char *r = ct_sbuf_detach(&out);
    ct_sbuf_free(&out);
    return r;
}
