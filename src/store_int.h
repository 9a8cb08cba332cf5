/* store_int: what the store's files share below store_load.c: telling the
 * same record from different records sharing an id (store_dedupe.c). */
#ifndef CT_STORE_INT_H
#define CT_STORE_INT_H
#include "store.h"

/* Room for n more keys. */
void ct_store_dedupe_reserve(ct_store *st, size_t n);
/* Event i was just appended (its strings in the store's pool) with key, the
 * hash of its dataset and record id (0: it has none). 1: it is the same
 * record as one loaded before, and the caller drops it; 0: kept (marked
 * CT_EVF_SHARED_ID when another record has its id, counted in
 * stats.shared_ids once per id). */
int ct_store_dedupe(ct_store *st, size_t i, uint64_t key);
void ct_store_dedupe_free(ct_store *st);
/* Event e's field ids but its record id's: the inline ones into e, the
 * packed ones appended to the array *sx (*n used, *cap allocated), from
 * e->sx on. */
void ct_event_pack(ct_event *e, const uint32_t ids[CT_EF__COUNT], uint32_t **sx, size_t *n, size_t *cap);

/* A record id of len bytes appended to the blob *rid (*n used, a multiple
 * of 4, *cap allocated): what ct_event.si[CT_EF_NINLINE] holds for it (0 for
 * none: s NULL or empty). */
uint32_t ct_rid_add(char **rid, size_t *n, size_t *cap, const char *s, size_t len);

#endif
