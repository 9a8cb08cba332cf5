/* guide: investigation guides (Markdown, one per detection rule) filled with
 * alert values and rendered for the terminal with md4c.
 *
 * Every piece of text that reaches the output goes through ct_san_display, so
 * neither the guide nor a filled-in log value can put a control character,
 * bidi override or invalid UTF-8 on the terminal. */
#ifndef CT_GUIDE_H
#define CT_GUIDE_H
#include <stddef.h>
#include "util.h"

/* Value of an alert field ("user.name", "source.ip"...), NULL if unknown. */
typedef const char *(*ct_guide_lookup)(void *ctx, const char *field_path);

/* Replace every {{ field.path }} (spaces optional; path is [A-Za-z0-9_.@-]+)
 * with lookup's value sanitized by ct_san_display (single line). Unknown fields
 * (or lookup == NULL) become "(unknown field.path)". Text between braces that
 * is not a field path is left as it is.
 * The result is still Markdown meant for ct_guide_render*: outside code, value
 * characters that Markdown would interpret (\ ` * _ [ ] < > & ! | ~, and any
 * ASCII punctuation when the value starts a line) are backslash-escaped so a
 * value can never become a link, emphasis, list or heading; inside a code span
 * or fenced block (detected heuristically) the value is left verbatim except a
 * backtick, written "\x60" so it cannot close the code. md == NULL gives "".
 * Returns a malloc'd string. */
char *ct_guide_fill(const char *md, ct_guide_lookup lookup, void *ctx);

/* Styled rendering: lines of segments, wrapped to `width` columns (width <= 0:
 * no wrapping). Segment text is sanitized UTF-8 without any newline.
 * - headings: every segment has CT_GA_HEADING, the line has heading_level 1..6
 *   (0 on other lines); no "#" markers, no underline.
 * - list markers ("- ", "1. ") are their own segments with CT_GA_BULLET;
 *   nested lists indent, wrapped lines hang under the item text.
 * - block quotes prefix "> " (attr 0); code blocks are indented 4 spaces,
 *   CT_GA_CODE, never wrapped (long lines stay long).
 * - links: the text with CT_GA_LINK, then " (url)" (attr 0) unless the text
 *   already is the url. Images likewise with their alt text.
 * - tables: one line per row, cells separated by " | ", header row bold.
 * - a horizontal rule is a line of '-'; one empty line (nsegs 0, or only quote
 *   markers) separates blocks, except inside tight lists. */
enum { CT_GA_BOLD = 1, CT_GA_ITALIC = 2, CT_GA_CODE = 4, CT_GA_HEADING = 8, CT_GA_LINK = 16,
       CT_GA_BULLET = 32 };
typedef struct ct_guide_seg { char *text; int attr; } ct_guide_seg;
typedef struct ct_guide_line { ct_guide_seg *segs; size_t nsegs; int heading_level; } ct_guide_line;
typedef struct ct_guide_doc { ct_guide_line *lines; size_t nlines; } ct_guide_doc;
int ct_guide_render(const char *md, int width, ct_guide_doc *out); /* 0 ok, -1 parse error */
void ct_guide_doc_free(ct_guide_doc *d);

/* Plain text (for `credtriage show` and tickets), appended to out: level-1
 * headings underlined with '=', level 2 with '-', deeper ones prefixed "### ";
 * lists "- " / "1. "; code indented 4 spaces; wrapped to width; every line ends
 * with '\n'. 0 ok, -1 parse error. */
int ct_guide_render_text(const char *md, int width, ct_sbuf *out);

/* The response steps: the items of the first list under a heading whose text
 * contains "response" or "remediation" (case-insensitive), as single-line plain
 * text (markup removed, links as "text (url)", nested items appended as
 * "item: sub1; sub2"). *n = 0 and *steps = NULL when there is none.
 * 0 ok, -1 parse error. Free with ct_guide_steps_free. */
int ct_guide_response_steps(const char *md, char ***steps, size_t *n);
void ct_guide_steps_free(char **steps, size_t n);

/* 1 if the guide has a level-2 heading ("## ...") whose text contains `name`
 * (case-insensitive), else 0 (also for NULL arguments or a parse error). */
int ct_guide_has_section(const char *md, const char *name);

#endif
