/* What the normalization unit tests (test_norm_*.c) share: a fixture record
 * read and parsed, normalized, and string checks that print "(null)" for a
 * missing value. Each test is one translation unit, so these are static;
 * define FIX (the fixture folder, with its slash) and include after
 * <cmocka.h>. */
#ifndef CT_NORMUTIL_H
#define CT_NORMUTIL_H
#include <stdio.h>
#include <stdlib.h>
#include "norm.h"
#include "util.h"

/* The fixture FIX/name parsed (the test fails when it cannot be). */
static __attribute__((unused)) cJSON *load(const char *name)
{
    char path[256], *buf;
    size_t len;
    snprintf(path, sizeof path, FIX "%s", name);
    assert_int_equal(ct_read_file(path, &buf, &len), 0);
    cJSON *j = cJSON_ParseWithLength(buf, len);
    free(buf);
    assert_non_null(j);
    return j;
}

/* Normalize the record of a file (its first line when it holds several). */
static __attribute__((unused)) void norm_file(const char *name, ct_norm *n)
{
    cJSON *rec = load(name);
    char err[256] = "";
    assert_int_equal(ct_normalize(rec, n, err, sizeof err), 0);
    cJSON_Delete(rec); /* the norm must not borrow from the record */
    assert_non_null(n->doc);
}

static __attribute__((unused)) const char *or_null(const char *s)
{
    return s ? s : "(null)";
}
#define STR(a, b) assert_string_equal(or_null(a), (b))

#endif
