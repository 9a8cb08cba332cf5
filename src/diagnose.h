/* diagnose: the reason a record of no known kind was not recognized, for
 * its FILE:LINE diagnostic (diagnose.c). */
#ifndef CT_DIAGNOSE_H
#define CT_DIAGNOSE_H
#include <cjson/cJSON.h>
#include "util.h"

/* Append "unrecognized record: looks like FAMILY (has K1, K2) but no WHAT"
 * (or the record's first keys when it looks like nothing known) to out;
 * key names from the record are sanitized. */
void ct_diagnose_record(const cJSON *rec, ct_sbuf *out);

#endif
