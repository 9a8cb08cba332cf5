/* arena: a per-thread bump allocator for the cJSON trees of one record
 * (see arena.c). Scopes nest; everything cJSON allocates inside a scope on
 * this thread is released at its outermost end, so no tree made inside may
 * be used after it. */
#ifndef CT_ARENA_H
#define CT_ARENA_H

void ct_arena_begin(void);
void ct_arena_end(void);
/* 0 under sanitizers or with CT_ARENA=0 in the environment: plain malloc. */
int ct_arena_enabled(void);
/* 1: inside a scope, and every block cJSON took since its outermost begin on
 * this thread came from the chunks, so a tree made inside needs no
 * cJSON_Delete: the end takes it back whole (a record's tree is ~1000 blocks,
 * and freeing them one by one cost 3% of a scan). 0: delete as usual. */
int ct_arena_holds_all(void);

#endif
