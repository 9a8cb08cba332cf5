/* exceptions internals shared by exceptions.c (model, matching, loading) and
 * exceptions_io.c (JSON, Kibana import/export). Not a public header. */
#ifndef CT_EXCEPTIONS_INT_H
#define CT_EXCEPTIONS_INT_H
#include "exceptions.h"

/* "match", "wildcard"... (ct_exc_type_name's names) to the type; -1 if unknown. */
int ct_exc__type_parse(const char *s, ct_exc_type *out);

#endif
