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

#endif
