/* json: dotted-path access to cJSON values (json.c). Used by the
 * normalization families and by rules, exceptions and decisions. */
#ifndef CT_JSON_H
#define CT_JSON_H
#include <cjson/cJSON.h>

/* Dotted path lookup through objects ("a.b.c"); a numeric segment indexes an
 * array. Keys are matched exactly. NULL when absent. */
const cJSON *ct_json_get(const cJSON *obj, const char *path);
/* The string at path, or NULL (also NULL for "" and for non-strings). */
const char *ct_json_str(const cJSON *obj, const char *path);
/* Like ct_json_str, but also accepts a case-insensitive key at each level
 * (Sentinel and M365 spell the same columns differently). */
const char *ct_json_stri(const cJSON *obj, const char *path);
/* Set a value at a dotted path in doc, creating objects as needed; an existing
 * value there is replaced. Takes ownership of val. */
void ct_json_set(cJSON *doc, const char *path, cJSON *val);
void ct_json_set_str(cJSON *doc, const char *path, const char *s); /* no-op for NULL */
/* Copy the string at src_path of src to dst_path of doc when present. */
void ct_json_copy_str(cJSON *doc, const char *dst_path, const cJSON *src, const char *src_path);
/* Parse a string that holds JSON (Sentinel columns, M365 values); NULL if not JSON. */
cJSON *ct_json_parse_embedded(const char *s);

#endif
