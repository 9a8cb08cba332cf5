/* guide internals shared by guide.c (render), guide_fill.c and guide_steps.c.
 * Not a public header. */
#ifndef CT_GUIDE_INT_H
#define CT_GUIDE_INT_H
#include <md4c.h>
#include "guide.h"

/* the same Markdown dialect for rendering and for finding the steps */
#define MD_FLAGS (MD_FLAG_NOHTML | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH)

/* Decode an entity as md4c hands it over ("&amp;", "&#27;") into raw UTF-8. */
void ct_guide__decode_entity(const char *t, size_t n, ct_sbuf *raw);
/* A link's href: entities decoded, then sanitized for display; malloc'd. */
char *ct_guide__attr_str(const MD_ATTRIBUTE *a);

#endif
