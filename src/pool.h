/* pool: string interning. Every distinct string is stored once and named by a
 * small integer, so the per-event record stays compact and entity comparison
 * is an integer compare. Id 0 is "no string". */
#ifndef CT_POOL_H
#define CT_POOL_H
#include <stddef.h>
#include <stdint.h>

typedef struct ct_pool_chunk ct_pool_chunk;
typedef struct ct_pool {
    uint64_t *slots;          /* open addressing: string id (low 32 bits, 0 = empty) and
                               * the high half of its hash, so probes rarely touch the string */
    size_t nslots;
    const char **strs;        /* id -> string (NUL-terminated, in chunks) */
    uint32_t *lens;
    uint64_t *hashes;
    size_t nstrs, cap;
    size_t nhashed;           /* strings in slots (the rest were added unhashed) */
    ct_pool_chunk *chunks;
    size_t bytes;             /* string bytes held, for memory reports */
} ct_pool;

void ct_pool_init(ct_pool *p);
void ct_pool_free(ct_pool *p);
uint32_t ct_pool_intern(ct_pool *p, const char *s, size_t len);
uint32_t ct_pool_internz(ct_pool *p, const char *s); /* NULL or "" -> 0 */
/* Store a string that is (almost) never repeated and never looked up, such
 * as a record's own id: a new id every time, kept out of the hash table so
 * a million of them cost no probing and no cache misses. ct_pool_find does
 * not see it. NULL or "" -> 0. */
uint32_t ct_pool_add(ct_pool *p, const char *s, size_t len);
/* Lookup without inserting: 0 if absent. */
uint32_t ct_pool_find(const ct_pool *p, const char *s, size_t len);
static inline const char *ct_pool_str(const ct_pool *p, uint32_t id)
{
    return id && id <= p->nstrs ? p->strs[id] : NULL;
}
/* Case-folded form of id's string (ASCII lower case), interned: UPNs and
 * emails compare case-insensitively through it. */
uint32_t ct_pool_lower(ct_pool *p, uint32_t id);
/* Room for n more ids without growing (a loader that knows its input size;
 * the hash table grows with the strings interned). */
void ct_pool_reserve_ids(ct_pool *p, size_t n);
/* Move every string of src into dst, taking src's string bytes rather than
 * copying them (src's stored hashes are reused; src keeps its ids but no
 * strings: only ct_pool_free it afterwards). map[id] is the dst id of src's
 * id (map has src->nstrs + 1 entries). */
void ct_pool_merge_take(ct_pool *dst, ct_pool *src, uint32_t *map);
/* ct_pool_merge_take in parts (a caller that lets readers in between): src's
 * ids [from, to) mapped, in id order, then src's bytes handed over last */
void ct_pool_merge_ids(ct_pool *dst, const ct_pool *src, uint32_t *map, size_t from, size_t to);
void ct_pool_merge_chunks(ct_pool *dst, ct_pool *src);
/* The same as ct_pool_merge_ids, but the strings new to dst are copied into
 * dst's chunks and src keeps its own: only what dst lacks is kept twice
 * until src is freed, never a string dst has (a loader merging many small
 * pieces, each repeating the common strings, would keep every repeat). */
void ct_pool_merge_copy(ct_pool *dst, const ct_pool *src, uint32_t *map, size_t from, size_t to);

#endif
