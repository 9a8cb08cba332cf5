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

#endif
