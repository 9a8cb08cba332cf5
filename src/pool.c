#include "pool.h"

#include <stdlib.h>
#include <string.h>
#include "util.h"

#define CHUNK_SIZE (1u << 20)

struct ct_pool_chunk {
    ct_pool_chunk *next;
    size_t used, size;
    char data[];
};

void ct_pool_init(ct_pool *p)
{
    memset(p, 0, sizeof *p);
    p->nslots = 1024;
    p->slots = ct_xcalloc(p->nslots, sizeof *p->slots);
    p->cap = 256;
    p->strs = ct_xmalloc(p->cap * sizeof *p->strs);
    p->lens = ct_xmalloc(p->cap * sizeof *p->lens);
    p->hashes = ct_xmalloc(p->cap * sizeof *p->hashes);
    p->strs[0] = "";
    p->lens[0] = 0;
    p->hashes[0] = 0;
}

void ct_pool_free(ct_pool *p)
{
    while (p->chunks) {
        ct_pool_chunk *c = p->chunks;
        p->chunks = c->next;
        free(c);
    }
    free(p->slots);
    free(p->strs);
    free(p->lens);
    free(p->hashes);
    memset(p, 0, sizeof *p);
}

static char *store_bytes(ct_pool *p, const char *s, size_t len)
{
    ct_pool_chunk *c = p->chunks;
    if (!c || c->size - c->used < len + 1) {
        size_t size = len + 1 > CHUNK_SIZE ? len + 1 : CHUNK_SIZE;
        c = ct_xmalloc(sizeof *c + size);
        c->size = size;
        c->used = 0;
        c->next = p->chunks;
        p->chunks = c;
    }
    char *dst = c->data + c->used;
    memcpy(dst, s, len);
    dst[len] = 0;
    c->used += len + 1;
    p->bytes += len + 1;
    return dst;
}

/* Never 0: a stored hash of 0 marks a string added without hashing. */
static uint64_t pool_hash(const char *s, size_t n)
{
    uint64_t h = ct_hash_end(ct_hash_mix(CT_HASH_SEED, s, n));
    return h ? h : 1;
}

#define SLOT(id, h) ((uint64_t)(id) | ((h) & 0xFFFFFFFF00000000ull))

static void resize(ct_pool *p, size_t n)
{
    uint64_t *slots = ct_xcalloc(n, sizeof *slots);
    for (size_t id = 1; id <= p->nstrs; id++) {
        if (!p->hashes[id]) continue; /* added, not interned */
        size_t i = p->hashes[id] & (n - 1);
        while (slots[i]) i = (i + 1) & (n - 1);
        slots[i] = SLOT(id, p->hashes[id]);
    }
    free(p->slots);
    p->slots = slots;
    p->nslots = n;
}

static void rehash(ct_pool *p)
{
    resize(p, p->nslots * 2);
}

static void grow_ids(ct_pool *p, size_t cap)
{
    p->cap = cap;
    p->strs = ct_xrealloc(p->strs, p->cap * sizeof *p->strs);
    p->lens = ct_xrealloc(p->lens, p->cap * sizeof *p->lens);
    p->hashes = ct_xrealloc(p->hashes, p->cap * sizeof *p->hashes);
}

void ct_pool_reserve_ids(ct_pool *p, size_t n)
{
    if (p->nstrs + 1 + n > p->cap) grow_ids(p, p->nstrs + 1 + n);
}

static uint32_t lookup(const ct_pool *p, const char *s, size_t len, uint64_t h, size_t *at)
{
    uint64_t hi = h & 0xFFFFFFFF00000000ull;
    size_t i = h & (p->nslots - 1);
    uint64_t v;
    while ((v = p->slots[i])) {
        uint32_t id = (uint32_t)v;
        if ((v & 0xFFFFFFFF00000000ull) == hi && p->hashes[id] == h && p->lens[id] == len &&
            !memcmp(p->strs[id], s, len))
            return id;
        i = (i + 1) & (p->nslots - 1);
    }
    *at = i;
    return 0;
}

uint32_t ct_pool_find(const ct_pool *p, const char *s, size_t len)
{
    size_t at;
    return lookup(p, s, len, pool_hash(s, len), &at);
}

/* A new id for a string already stored (in this pool's chunks, or in
 * chunks about to be joined to them); with a hash h, in slot i of the table
 * (where lookup stopped), else added unhashed. */
static uint32_t append(ct_pool *p, const char *stored, uint32_t len, uint64_t h, size_t i)
{
    if (p->nstrs + 1 >= p->cap) grow_ids(p, p->cap * 2);
    uint32_t id = (uint32_t)++p->nstrs;
    p->strs[id] = stored;
    p->lens[id] = len;
    p->hashes[id] = h;
    if (h) {
        p->slots[i] = SLOT(id, h);
        if (++p->nhashed * 2 > p->nslots) rehash(p);
    }
    return id;
}

static uint32_t intern_h(ct_pool *p, const char *s, size_t len, uint64_t h)
{
    size_t i;
    uint32_t found = lookup(p, s, len, h, &i);
    return found ? found : append(p, store_bytes(p, s, len), (uint32_t)len, h, i);
}

uint32_t ct_pool_add(ct_pool *p, const char *s, size_t len)
{
    return s && len ? append(p, store_bytes(p, s, len), (uint32_t)len, 0, 0) : 0;
}

uint32_t ct_pool_intern(ct_pool *p, const char *s, size_t len)
{
    if (!s || !len) return 0;
    return intern_h(p, s, len, pool_hash(s, len));
}

/* src's ids [from, to) mapped into dst; a string new to dst is copied into
 * dst's chunks when copy, else it stays where it is (its chunk moves later) */
static void merge_range(ct_pool *dst, const ct_pool *src, uint32_t *map, size_t from, size_t to, int copy)
{
    map[0] = 0;
    for (size_t id = from ? from : 1; id < to && id <= src->nstrs; id++) {
        const char *s = src->strs[id];
        uint32_t len = src->lens[id];
        uint64_t h = src->hashes[id];
        size_t i = 0;
        uint32_t found = h ? lookup(dst, s, len, h, &i) : 0;
        map[id] = found ? found : append(dst, copy ? store_bytes(dst, s, len) : s, len, h, i);
    }
}

void ct_pool_merge_ids(ct_pool *dst, const ct_pool *src, uint32_t *map, size_t from, size_t to)
{
    merge_range(dst, src, map, from, to, 0);
}

void ct_pool_merge_copy(ct_pool *dst, const ct_pool *src, uint32_t *map, size_t from, size_t to)
{
    merge_range(dst, src, map, from, to, 1);
}

void ct_pool_merge_take(ct_pool *dst, ct_pool *src, uint32_t *map)
{
    ct_pool_merge_ids(dst, src, map, 1, (size_t)src->nstrs + 1);
    ct_pool_merge_chunks(dst, src);
}

void ct_pool_merge_chunks(ct_pool *dst, ct_pool *src)
{
    /* src's chunks behind dst's current one, which keeps filling */
    if (src->chunks) {
        ct_pool_chunk *last = src->chunks;
        while (last->next) last = last->next;
        if (dst->chunks) {
            last->next = dst->chunks->next;
            dst->chunks->next = src->chunks;
        } else {
            dst->chunks = src->chunks;
        }
        dst->bytes += src->bytes;
        src->chunks = NULL;
        src->bytes = 0;
    }
}

uint32_t ct_pool_internz(ct_pool *p, const char *s)
{
    return s ? ct_pool_intern(p, s, strlen(s)) : 0;
}

uint32_t ct_pool_lower(ct_pool *p, uint32_t id)
{
    if (!id) return 0;
    size_t len = p->lens[id];
    const char *s = p->strs[id];
    size_t i = 0;
    while (i < len && !(s[i] >= 'A' && s[i] <= 'Z')) i++;
    if (i == len) return id;
    char stackbuf[256] = {0}; /* (initialised: silences a -O1 sanitizer build false positive) */
    char *tmp = len < sizeof stackbuf ? stackbuf : ct_xmalloc(len + 1);
    for (size_t j = 0; j < len; j++)
        tmp[j] = (char)(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]);
    uint32_t r = ct_pool_intern(p, tmp, len);
    if (tmp != stackbuf) free(tmp);
    return r;
}
