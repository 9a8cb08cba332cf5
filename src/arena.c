/* arena: cJSON's nodes for one record from a per-thread bump allocator.
 *
 * Loading parses, normalizes and frees one record at a time, and a scan
 * rebuilds the documents that may alert the same way: cJSON allocates a node
 * and a string for every member, so malloc and free were a quarter of the
 * instructions on Filebeat-shaped input (docs/PERF.md). Between
 * ct_arena_begin() and ct_arena_end() a thread's cJSON allocations come from
 * its own chunks and freeing them costs nothing; the end resets the chunks.
 * Outside a scope, and for big blocks, cJSON gets plain malloc, and free()
 * tells the two apart by address, so a tree made outside may be freed
 * inside and the other way round. What is made inside must not outlive the
 * scope (the callers free or drop the record's tree before the end).
 *
 * Under AddressSanitizer and valgrind the arena would hide use-after-free in
 * cJSON trees, so a sanitizer build and CT_ARENA=0 keep plain malloc. */
#include "arena.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define CT_ARENA_OFF 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define CT_ARENA_OFF 1
#endif
#endif
#ifndef CT_ARENA_OFF
#define CT_ARENA_OFF 0
#endif

enum {
    CHUNK = 256 * 1024,     /* a record's tree is a few KB; big ones take more chunks */
    BIG = 16 * 1024,        /* blocks above this go to malloc */
    KEEP = 4 * 1024 * 1024, /* chunks kept between records, per thread */
};

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} chunk;

typedef struct arena {
    chunk *head;  /* the chunk being filled; older ones follow */
    size_t total; /* bytes of all chunks */
    int depth;
} arena;

static int installed;
static pthread_key_t key;
static _Thread_local arena t_arena;
static _Thread_local int t_registered;
static _Thread_local size_t t_big; /* blocks given malloc's in this outermost scope */

static int owns(const arena *a, const void *p)
{
    const unsigned char *q = p;
    for (const chunk *c = a->head; c; c = c->next)
        if (q >= c->data && q < c->data + c->cap) return 1;
    return 0;
}

static void *arena_malloc(size_t n)
{
    arena *a = &t_arena;
    if (!a->depth) return malloc(n);
    if (n > BIG) {
        t_big++;
        return malloc(n);
    }
    n = (n + 15) & ~(size_t)15;
    chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        /* the next chunk: an older, empty one if the list has it (after a reset
         * every chunk is empty and the head is the first) */
        chunk *nc = c ? c->next : NULL;
        if (nc && nc->used == 0 && nc->cap >= n) {
            /* move it to the head: the full one goes behind it */
            c->next = nc->next;
            nc->next = c;
            a->head = nc;
            c = nc;
        } else {
            nc = malloc(sizeof *nc + CHUNK);
            if (!nc) return NULL; /* cJSON reports the failure */
            nc->used = 0;
            nc->cap = CHUNK;
            nc->next = c;
            a->head = nc;
            a->total += CHUNK;
            c = nc;
            if (!t_registered) { /* the thread's chunks go when it ends */
                t_registered = 1;
                pthread_setspecific(key, a);
            }
        }
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

static void arena_free(void *p)
{
    if (!p) return;
    arena *a = &t_arena;
    if (a->head && owns(a, p)) return; /* reclaimed at the end of the scope */
    free(p);
}

static void free_chunks(arena *a)
{
    for (chunk *c = a->head, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    a->head = NULL;
    a->total = 0;
}

static void thread_end(void *v)
{
    free_chunks(v);
}

__attribute__((constructor)) static void install(void)
{
    /* before main, on one thread: cJSON's hooks are one global */
    if (CT_ARENA_OFF) return;
    const char *env = getenv("CT_ARENA");
    if (env && !strcmp(env, "0")) return;
    if (pthread_key_create(&key, thread_end) != 0) return;
    cJSON_Hooks h = {arena_malloc, arena_free};
    cJSON_InitHooks(&h);
    installed = 1;
}

int ct_arena_enabled(void)
{
    return installed;
}

void ct_arena_begin(void)
{
    if (!installed) return;
    if (t_arena.depth++ == 0) t_big = 0;
}

int ct_arena_holds_all(void)
{
    return installed && t_arena.depth > 0 && t_big == 0;
}

void ct_arena_end(void)
{
    arena *a = &t_arena;
    if (!installed || a->depth == 0 || --a->depth > 0) return;
    if (a->total > KEEP) { /* one huge record: do not keep what it took */
        free_chunks(a);
        return;
    }
    for (chunk *c = a->head; c; c = c->next) c->used = 0;
}
