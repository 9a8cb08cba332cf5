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
#include "kql.h"

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

/* ---- the pruned tree (ct_fast_tree_pruned) ---- */

enum { KEEP_NONE, KEEP_WAY, KEEP_ALL };

/* Does field f need the value at path q (qn bytes, segments joined by '.';
 * scalar: the value is no object or array): all of it (q is f or under it; a
 * wildcard's literal start is in q), the way to something under it, or
 * nothing. A wildcard read by its leaves keeps a scalar only where its path
 * matches, and goes on into every container under its literal start. */
static int keep_of(const ct_fast_field *f, const char *q, size_t qn, int scalar)
{
    size_t head = f->mask ? f->lit : f->len;
    if (qn < head) {
        if (memcmp(f->t, q, qn)) return KEEP_NONE;
        return f->t[qn] == '.' || (f->leaves && !scalar) ? KEEP_WAY : KEEP_NONE;
    }
    if (memcmp(f->t, q, head)) return KEEP_NONE;
    if (f->leaves) {
        if (!scalar) return KEEP_WAY;
        /* the literal end first, as ct_kql_wild_match tests it */
        if (qn - head < f->tail || memcmp(q + qn - f->tail, f->t + f->len - f->tail, f->tail)) return KEEP_NONE;
        return ct_kql_wild_match(f->t, f->mask, f->len, q, qn) ? KEEP_ALL : KEEP_NONE;
    }
    return f->mask || qn == head || q[head] == '.' ? KEEP_ALL : KEEP_NONE;
}

/* The fields still on the way at a container (indexes into pr->v). */
typedef struct alive {
    uint8_t i[64];
    size_t n;
} alive;

#define PATH_MAX_LEN 480

static int fill_pruned(cJSON *it, const char *p, const char *e, const ct_fast_prune *pr, char *path,
                       size_t pn, const alive *al);

static cJSON *link_node(cJSON *it, cJSON **head, cJSON **last)
{
    cJSON *c = node();
    if (!c) return NULL;
    if (*last) {
        (*last)->next = c;
        c->prev = *last;
    } else {
        *head = c;
        it->child = c;
    }
    *last = c;
    return c;
}

/* The container at p: an object's members each kept by their path for the
 * fields in al, an array's elements at the array's own path (KQL looks
 * through arrays): containers pruned alike, scalars kept. */
static int fill_pruned(cJSON *it, const char *p, const char *e, const ct_fast_prune *pr, char *path,
                       size_t pn, const alive *al)
{
    int obj = *p == '{';
    it->type = obj ? cJSON_Object : cJSON_Array;
    cJSON *head = NULL, *last = NULL;
    p = ws(p + 1, e);
    if (*p == '}' || *p == ']') return 0;
    for (;;) {
        const char *ke = NULL, *v = p;
        if (obj) {
            ke = val_end(p, e);
            v = ws(ws(ke, e) + 1, e); /* past ':' */
        }
        const char *ve = val_end(v, e);
        int scalar = *v != '{' && *v != '[', k = KEEP_WAY;
        size_t qn = pn;
        alive next = *al;
        if (obj) {
            size_t kn = (size_t)(ke - p - 2);
            if (pn + 1 + kn > PATH_MAX_LEN) {
                k = KEEP_ALL; /* too long to judge: kept whole */
            } else {
                if (pn) path[qn++] = '.';
                memcpy(path + qn, p + 1, kn);
                qn += kn;
                k = KEEP_NONE;
                next.n = 0;
                for (size_t j = 0; j < al->n && k != KEEP_ALL; j++) {
                    const ct_fast_field *f = &pr->v[al->i[j]];
                    /* the first byte of the key against the field's there */
                    size_t at = pn ? pn + 1 : 0;
                    size_t head = f->mask ? f->lit : f->len;
                    if (kn && at < head && f->t[at] != p[1]) continue;
                    int r = keep_of(f, path, qn, scalar);
                    if (r > k) k = r;
                    if (r == KEEP_WAY) next.i[next.n++] = al->i[j];
                }
            }
        }
        if (k != KEEP_NONE) {
            cJSON *c = link_node(it, &head, &last);
            if (!c) return -1;
            if (obj && !(c->string = str_of(p, ke))) return -1;
            int rc = k == KEEP_ALL || scalar ? fill(c, v, ve) : fill_pruned(c, v, ve, pr, path, qn, &next);
            if (rc < 0) return -1;
        }
        p = ws(ve, e);
        if (*p != ',') break;
        p = ws(p + 1, e);
    }
    if (head) head->prev = last;
    return 0;
}

cJSON *ct_fast_tree_pruned(const char *p, size_t len, const ct_fast_prune *pr)
{
    if (pr->all || pr->n > 64) return ct_fast_tree(p, len, 1, NULL);
    const char *e = p + len;
    if (!ct_fs_valid || !ct_fs_have_ends || ct_fs_base != p) return NULL;
    const char *v = ws(p, e);
    cJSON *root = node();
    if (!root) return NULL;
    char path[PATH_MAX_LEN + 1];
    alive al;
    al.n = pr->n;
    for (size_t j = 0; j < pr->n; j++) al.i[j] = (uint8_t)j;
    int rc = *v == '{' || *v == '[' ? fill_pruned(root, v, val_end(v, e), pr, path, 0, &al)
                                    : fill(root, v, val_end(v, e));
    if (rc < 0) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
