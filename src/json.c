/* json: dotted-path access to cJSON values, shared by the normalization
 * families and by every module that reads or writes JSON documents (rules,
 * exceptions, decisions). Depends on util only. */
#include "json.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"

/* Lookups run for every field of every document the full path reads (~100
 * a document): the type tests are inline, not calls into libcjson. */
static const cJSON *child(const cJSON *o, const char *k, size_t klen, int icase)
{
    int type = o->type & 0xFF;
    if (type == cJSON_Array) {
        char *end;
        char tmp[24];
        if (klen == 0 || klen >= sizeof tmp) return NULL;
        memcpy(tmp, k, klen);
        tmp[klen] = 0;
        long idx = strtol(tmp, &end, 10);
        if (*end || idx < 0) return NULL;
        return cJSON_GetArrayItem(o, (int)idx);
    }
    if (type != cJSON_Object) return NULL;
    /* no strlen of every key: the first byte, then the bytes up to klen
     * (strncmp stops at a shorter key's NUL; k holds none), then the end */
    if (!icase) {
        for (const cJSON *c = o->child; c; c = c->next) {
            const char *s = c->string;
            if (!s || (klen && s[0] != k[0])) continue;
            if (!strncmp(s, k, klen) && !s[klen]) return c;
        }
        return NULL;
    }
    for (const cJSON *c = o->child; c; c = c->next) {
        if (!c->string || strlen(c->string) != klen) continue;
        if (ct_strncaseeq(c->string, k, klen)) return c;
    }
    return NULL;
}

static const cJSON *get(const cJSON *obj, const char *path, int icase)
{
    const cJSON *cur = obj;
    const char *p = path;
    while (cur && *p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        cur = child(cur, p, len, icase);
        p += len + (dot ? 1 : 0);
    }
    return cur;
}

const cJSON *ct_json_get(const cJSON *obj, const char *path)
{
    return get(obj, path, 0);
}

const char *ct_json_str(const cJSON *obj, const char *path)
{
    const cJSON *v = get(obj, path, 0);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

const char *ct_json_stri(const cJSON *obj, const char *path)
{
    const cJSON *v = get(obj, path, 1);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

void ct_json_set(cJSON *doc, const char *path, cJSON *val)
{
    cJSON *cur = doc;
    const char *p = path;
    char key[256];
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len >= sizeof key) len = sizeof key - 1;
        memcpy(key, p, len);
        key[len] = 0;
        if (!dot) {
            if (cJSON_GetObjectItemCaseSensitive(cur, key))
                cJSON_ReplaceItemInObjectCaseSensitive(cur, key, val);
            else
                cJSON_AddItemToObject(cur, key, val);
            return;
        }
        cJSON *next = cJSON_GetObjectItemCaseSensitive(cur, key);
        if (!cJSON_IsObject(next)) {
            if (next) cJSON_DeleteItemFromObjectCaseSensitive(cur, key);
            next = cJSON_AddObjectToObject(cur, key);
        }
        cur = next;
        p = dot + 1;
    }
}

void ct_json_set_str(cJSON *doc, const char *path, const char *s)
{
    if (s) ct_json_set(doc, path, cJSON_CreateString(s));
}

void ct_json_copy_str(cJSON *doc, const char *dst_path, const cJSON *src, const char *src_path)
{
    ct_json_set_str(doc, dst_path, ct_json_str(src, src_path));
}

cJSON *ct_json_parse_embedded(const char *s)
{
    if (!s) return NULL;
    while (isspace((unsigned char)*s)) s++;
    if (*s != '{' && *s != '[') return NULL;
    return cJSON_Parse(s);
}
