/* out: the one output path for text bound for a terminal or a text file. Every
 * printer of the command line, the core's default diagnostics and the console's
 * messages after endwin write through it, so no byte of log or repo text reaches
 * stdout or stderr without the sanitizer (sanitize.h).
 *
 * The format strings are the program's own; every %s argument is hostile text:
 * sanitized on one line (ct_san_display: controls, C1, bidi, invisible
 * characters made visible), padded to its width in terminal columns (%-20s),
 * its precision still a bound on the bytes read (%.*s of a counted buffer).
 * %c is sanitized too; numbers print as printf prints them.
 *
 * Then the terminal's charset (LC_CTYPE's, read when first used: call
 * setlocale first) decides what is printed raw: with UTF-8 the sanitized text
 * as it is; otherwise each non-ASCII code point is written in that charset when
 * it holds it (iconv) and none of its bytes is in 0x80-0x9F (C1 controls for an
 * 8-bit terminal), else as "<U+XXXX>". So U+00DB is never the bytes C3 9B,
 * whose 0x9B an ISO-8859-1 terminal takes for CSI. */
#ifndef CT_OUT_H
#define CT_OUT_H
#include <stdarg.h>
#include <stdio.h>
#include "util.h"

/* Force the terminal charset ("UTF-8", "ISO-8859-1", "ANSI_X3.4-1968"...);
 * NULL: read LC_CTYPE's again at the next use. For tests. */
void ct_out_set_charset(const char *codeset);
/* Is the terminal charset UTF-8? */
int ct_out_utf8(void);

/* Format (the rules above) and append to b, converted to the terminal charset. */
void ct_out_vaddf(ct_sbuf *b, const char *fmt, va_list ap);
void ct_out_addf(ct_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, UTF-8 whatever the locale: commit messages and repo files. */
void ct_out_vaddf_utf8(ct_sbuf *b, const char *fmt, va_list ap);
void ct_out_addf_utf8(ct_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Format and write to f; returns -1 on a write error. */
int ct_out_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ct_out_vprintf(FILE *f, const char *fmt, va_list ap);
/* Hostile text of several lines (a guide, a note): newlines kept, tabs
 * expanded, everything else as %s. */
int ct_out_block(FILE *f, const char *s, size_t n);
/* JSON text as cJSON prints it (ct_san_json_text: C1, bidi and invisible
 * characters as \uXXXX; every non-ASCII one too when the charset is not UTF-8),
 * then a newline when nl. */
int ct_out_json(FILE *f, const char *json, size_t n, int nl);
/* Sanitized UTF-8 (the sanitizer's output) to the terminal charset: appends. */
void ct_out_conv(const char *s, size_t n, ct_sbuf *out);
/* The same text still in UTF-8, with what the terminal charset cannot show
 * already "<U+XXXX>": what ct_out_conv will write, in columns ct_san_width
 * counts (the console measures and cuts this, then converts). Appends. */
void ct_out_repr(const char *s, size_t n, ct_sbuf *out);

#endif
