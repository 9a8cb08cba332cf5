/* sanitize: make attacker-written log text inert before it reaches a terminal,
 * a commit message or a file name.
 *
 * Escape style (ct_san_display), all plain printable ASCII:
 *   - C0 controls and DEL: "\xNN" (two lower-case hex digits), e.g. ESC -> "\x1b",
 *     CR -> "\x0d", NUL -> "\x00". With CT_SAN_MULTILINE, "\n" is kept as the
 *     byte and TAB becomes spaces up to the next 8-column tab stop; without it,
 *     LF -> "\x0a" and TAB -> "\x09".
 *   - Invalid UTF-8 (bad lead byte, stray continuation, truncated sequence,
 *     overlong form, UTF-16 surrogate, > U+10FFFF): "\xNN" for each byte that
 *     cannot start a valid sequence; decoding resynchronises on the next byte.
 *   - Dangerous but valid code points: "<U+XXXX>" (upper-case hex, at least 4
 *     digits). The set is generated from the Unicode Character Database
 *     (scripts/gen_unicode.sh -> sanitize_ucd.h): general categories Cc (C1
 *     U+0080-U+009F), Cf (bidi controls, zero-width characters, U+0600-U+0605,
 *     U+06DD, U+070F, U+FEFF, tags...), Zl/Zp (U+2028/9), Co (private use), Cn
 *     (unassigned, noncharacters such as U+FFFF) and every
 *     Default_Ignorable_Code_Point (U+00AD, U+034F, U+115F, U+1160, U+17B4/5,
 *     U+180B-U+180F, U+3164, U+FFA0, variation selectors...). One exception:
 *     U+FE0E / U+FE0F right after the base of an emoji variation sequence
 *     (U+2764 U+FE0F, a red heart) is kept: it is the emoji, drawn 2 columns.
 *   - Everything else that is valid UTF-8 is copied unchanged. A backslash in the
 *     input is NOT doubled, so literal text "\x1b" and an escaped ESC look the
 *     same; both are inert, which is the point.
 * With CT_SAN_ASCII every non-ASCII code point is escaped too ("<U+00DB>"),
 * for a terminal whose charset is not UTF-8.
 * The output never holds a byte < 0x20 (except '\n' with CT_SAN_MULTILINE),
 * 0x7f, or a C1 code point, and is always valid UTF-8. Linear time.
 *
 * All functions APPEND to `out` (a ct_sbuf initialised by the caller). */
#ifndef CT_SANITIZE_H
#define CT_SANITIZE_H
#include <stddef.h>
#include <stdint.h>
#include "util.h"

enum {
    CT_SAN_MULTILINE = 1, /* keep \n (and turn \t into spaces) */
    CT_SAN_ASCII = 2      /* escape every non-ASCII code point: output is ASCII */
};

void ct_san_display(const char *s, size_t n, int flags, ct_sbuf *out);
void ct_san_displayz(const char *s, int flags, ct_sbuf *out); /* NULL -> "" */

/* A safe file-name component from an id: [A-Za-z0-9._-] kept, every other byte
 * becomes '_', a leading '.' becomes '_', the second '.' of ".." becomes '_',
 * at most 100 bytes, never empty ("_" for NULL or ""). Different ids can map to
 * the same name ("a/b", "a_b"): callers that need uniqueness add a hash. */
#define CT_SAN_FILENAME_MAX 100
void ct_san_filename(const char *s, ct_sbuf *out);

/* Terminal columns of sanitized UTF-8, from the same UCD tables whatever the
 * locale: 0 for combining marks (Mn, Me) and format characters, 2 for East
 * Asian wide/full-width and Emoji_Presentation code points and for an emoji
 * variation base followed by U+FE0F, else 1; each invalid byte 1. Compatible
 * with glibc's wcwidth() (built from the same data) but for the emoji rule. */
int ct_san_width(const char *s);
/* Copy s cut to at most `cols` columns; when cut, "~" is appended and counts
 * in the budget. Zero-width code points following the last kept one are kept.
 * cols <= 0 appends nothing. */
void ct_san_truncate(const char *s, int cols, ct_sbuf *out);
/* One line of hostile text: ct_san_displayz (single line) then ct_san_truncate
 * to cols columns; cols <= 0 keeps it whole. Appends to out. */
void ct_san_line(const char *s, int cols, ct_sbuf *out);

/* The code point starting at s (n bytes available): stores its length in bytes
 * (>= 1 when n > 0; invalid bytes count as one) in *len and returns its column
 * width as ct_san_width counts it. Used by layout code (guide.c, ui/). */
int ct_san_cpwidth(const char *s, size_t n, size_t *len);

/* JSON text for a terminal (`--json` outputs): copies JSON text as printed by
 * cJSON and writes, inside its strings, every code point ct_san_display would
 * escape (C1 controls, bidi controls, zero-width / invisible ones, U+2028/9,
 * tag characters; see above) as \uXXXX (a surrogate pair above U+FFFF); DEL
 * and any raw C0 control but \n and \t (kept for pretty-printed JSON; cJSON
 * escapes C0 inside strings) as \u00XX; and each byte of invalid UTF-8 as
 * \ufffd (JSON cannot hold a raw byte; a lone 0x9b is an 8-bit CSI). The
 * result parses to the same strings (but for invalid UTF-8) and is valid
 * UTF-8 without any control or format character. With CT_SAN_ASCII every
 * non-ASCII code point is written \uXXXX too (the output is ASCII). Appends to
 * out. */
void ct_san_json_text(const char *json, size_t n, int flags, ct_sbuf *out);

/* The bytes of invalid UTF-8 in s (n bytes): each one ct_san_json_text writes
 * as \ufffd (same decoder, same resynchronisation). 0: valid UTF-8. */
size_t ct_san_utf8_bad(const char *s, size_t n);
/* Append s with each of those bytes replaced by U+FFFD: the string a JSON
 * file written through ct_san_json_text reads back as. */
void ct_san_utf8_fix(const char *s, size_t n, ct_sbuf *out);

/* Is the code point one ct_san_display escapes (outside an emoji variation
 * sequence)? For code that builds its own escapes (json.c). */
int ct_san_cp_escaped(uint32_t cp);

#endif
