/* exceptions internals shared by exceptions.c (model, matching),
 * exceptions_io.c (JSON, loading the repo's files) and exceptions_kibana.c
 * (Kibana import/export). Calls go kibana -> io -> model. Not a public header. */
#ifndef CT_EXCEPTIONS_INT_H
#define CT_EXCEPTIONS_INT_H
#include "exceptions.h"

/* "match", "wildcard"... (ct_exc_type_name's names) to the type; -1 if unknown. */
int ct_exc__type_parse(const char *s, ct_exc_type *out);

/* exceptions_io.c: one entry as the JSON of an item's "entries". */
cJSON *ct_exc__entry_json(const ct_exc_entry *e);

#endif
