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
 *     digits): C1 controls U+0080-U+009F, bidi controls (U+061C, U+200E, U+200F,
 *     U+202A-U+202E, U+2066-U+2069), invisible / zero-width (U+00AD, U+180E,
 *     U+200B-U+200D, U+2060-U+2064, U+206A-U+206F, U+FEFF, U+FFF9-U+FFFB, the
 *     tag characters U+E0000-U+E007F) and U+2028 / U+2029.
 *   - Everything else that is valid UTF-8 is copied unchanged. A backslash in the
 *     input is NOT doubled, so literal text "\x1b" and an escaped ESC look the
 *     same; both are inert, which is the point.
 * The output never holds a byte < 0x20 (except '\n' with CT_SAN_MULTILINE),
 * 0x7f, or a C1 code point, and is always valid UTF-8. Linear time.
 *
 * All functions APPEND to `out` (a ct_sbuf initialised by the caller). */
#ifndef CT_SANITIZE_H
#define CT_SANITIZE_H
#include <stddef.h>
#include "util.h"

enum { CT_SAN_MULTILINE = 1 }; /* keep \n (and turn \t into spaces) */

void ct_san_display(const char *s, size_t n, int flags, ct_sbuf *out);
void ct_san_displayz(const char *s, int flags, ct_sbuf *out); /* NULL -> "" */

/* A safe file-name component from an id: [A-Za-z0-9._-] kept, every other byte
 * becomes '_', a leading '.' becomes '_', the second '.' of ".." becomes '_',
 * at most 100 bytes, never empty ("_" for NULL or ""). Different ids can map to
 * the same name ("a/b", "a_b"): callers that need uniqueness add a hash. */
#define CT_SAN_FILENAME_MAX 100
void ct_san_filename(const char *s, ct_sbuf *out);

/* Terminal columns of sanitized UTF-8: wcwidth() per code point, -1 counted as
 * 1, each invalid byte as 1. Needs a UTF-8 LC_CTYPE for non-ASCII widths. */
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
 * UTF-8 without any control or format character. Appends to out. */
void ct_san_json_text(const char *json, size_t n, ct_sbuf *out);

#endif
