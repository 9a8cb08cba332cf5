/* fastscan_tree: the cJSON tree of a record the strict validator passed,
 * built straight from its bytes.
 *
 * cJSON's own parser costs about 40 instructions a byte (a two-pass string
 * copy, strncmp for every literal, a byte-at-a-time whitespace loop): on the
 * Filebeat-shaped corpus a quarter of the scan. A record the validator passed
 * is known good, and the validator noted the end of every string and
 * container (ct_fs_ends), so one pass can allocate each node and string at
 * its final size. The tree is the one cJSON_ParseWithLength makes of the
 * same bytes, node for node: the same types, keys, strings (escapes decoded,
 * \u to UTF-8), numbers (strtod of the same characters, valueint saturated),
 * member order, duplicates, and the child's prev pointing at the last
 * sibling (tests/unit/test_fastscan_tree.c compares both on every record).
 * Nodes come from cJSON_malloc, so cJSON_Delete and the arena (arena.h)
 * treat them as cJSON's own. What the validator declines (surrogates, \u0000,
 * depth over 64, records of 64 KiB and more) is left to cJSON: NULL. */
#include "fastscan_int.h"

#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

static int hexv(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10; /* the validator passed only hex digits */
}

/* p at the '"', qe after the closing one; NULL on allocation failure. */
static char *str_of(const char *p, const char *qe)
{
    const char *s = p + 1, *e = qe - 1;
    size_t n = (size_t)(e - s);
    char *out = cJSON_malloc(n + 1);
    if (!out) return NULL;
    const char *bs = memchr(s, '\\', n);
    if (!bs) {
        memcpy(out, s, n);
        out[n] = 0;
        return out;
    }
    char *o = out;
    while (s < e) {
        bs = memchr(s, '\\', (size_t)(e - s));
        if (!bs) bs = e;
        memcpy(o, s, (size_t)(bs - s));
        o += bs - s;
        s = bs;
        if (s >= e) break;
        char c = s[1];
        s += 2;
        switch (c) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp = (unsigned)(hexv(s[0]) << 12 | hexv(s[1]) << 8 | hexv(s[2]) << 4 | hexv(s[3]));
            s += 4;
            /* no surrogates here: the validator declines them */
            if (cp < 0x80) {
                *o++ = (char)cp;
            } else if (cp < 0x800) {
                *o++ = (char)(0xC0 | cp >> 6);
                *o++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *o++ = (char)(0xE0 | cp >> 12);
                *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *o++ = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default: *o++ = c; break; /* '"', '\\', '/' */
        }
    }
    *o = 0;
    return out;
}

/* The end of the value at p (validated: containers and strings from the
 * validator's table, literals and numbers by their bytes). */
static const char *val_end(const char *p, const char *e)
{
    if (*p == '"' || *p == '{' || *p == '[') return ct_fs_base + ct_fs_ends[p - ct_fs_base];
    return skip_val(p, e);
}

static cJSON *node(void)
{
    cJSON *n = cJSON_malloc(sizeof *n);
    if (n) memset(n, 0, sizeof *n);
    return n;
}

static int fill(cJSON *it, const char *p, const char *e);

/* The members or elements of the container at p into it. */
static int fill_container(cJSON *it, const char *p, const char *e)
{
    int obj = *p == '{';
    it->type = obj ? cJSON_Object : cJSON_Array;
    cJSON *head = NULL, *last = NULL;
    p = ws(p + 1, e);
    if (*p == '}' || *p == ']') return 0;
    for (;;) {
        cJSON *c = node();
        if (!c) return -1;
        if (last) {
            last->next = c;
            c->prev = last;
        } else {
            head = c;
            it->child = c;
        }
        last = c;
        if (obj) {
            const char *ke = val_end(p, e);
            if (!(c->string = str_of(p, ke))) return -1;
            p = ws(ws(ke, e) + 1, e); /* past ':' */
        }
        const char *ve = val_end(p, e);
        if (fill(c, p, ve) < 0) return -1;
        p = ws(ve, e);
        if (*p != ',') break;
        p = ws(p + 1, e);
    }
    head->prev = last;
    return 0;
}

static int fill(cJSON *it, const char *p, const char *e)
{
    switch (*p) {
    case '"':
        it->type = cJSON_String;
        return (it->valuestring = str_of(p, e)) ? 0 : -1;
    case '{':
    case '[': return fill_container(it, p, e);
    case 't': it->type = cJSON_True; it->valueint = 1; return 0;
    case 'f': it->type = cJSON_False; return 0;
    case 'n': it->type = cJSON_NULL; return 0;
    default: {
        /* cJSON: strtod of the number's characters (at most 63: the
         * validator allows 60), valueint saturated */
        char buf[64];
        size_t n = (size_t)(e - p);
        if (n >= sizeof buf) return -1;
        memcpy(buf, p, n);
        buf[n] = 0;
        char *dot = memchr(buf, '.', n);
        if (dot) *dot = *localeconv()->decimal_point; /* as cJSON does, for strtod */
        double d = strtod(buf, NULL);
        it->type = cJSON_Number;
        it->valuedouble = d;
        it->valueint = d >= INT_MAX ? INT_MAX : d <= (double)INT_MIN ? INT_MIN : (int)d;
        return 0;
    }
    }
}

cJSON *ct_fast_tree(const char *p, size_t len, int validated, unsigned *hints)
{
    const char *e = p + len;
    if (!validated) {
        ct_fs_begin(p, len);
        int key_dot;
        if (!ct_fs_have_ends || !ct_fs_validate(p, e, &key_dot)) return NULL;
    }
    if (!ct_fs_have_ends || ct_fs_base != p) return NULL;
    const char *v = ws(p, e);
    cJSON *root = node();
    if (!root) return NULL;
    if (fill(root, v, val_end(v, e)) < 0) {
        cJSON_Delete(root);
        return NULL;
    }
    if (hints) *hints = ct_fs_key_dot ? 0 : CT_NORM_NO_DOTTED_KEYS;
    return root;
}
