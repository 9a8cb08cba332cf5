/* esql_fast: an ES|QL query's columns of a stored event read without
 * rebuilding its document: the credtriage.* columns from the store's fields,
 * the others from the record's bytes with the fast path's JSON reader
 * (fastscan_int.h), for the record kinds whose columns are known exactly:
 * ECS documents (Filebeat, Elastic Agent) without dotted keys, and raw
 * CloudTrail records. A column whose value only the full normalizer knows,
 * or a record of another shape, declines: the caller rebuilds the document.
 * tests/unit/test_esql_fast.c compares every column so read with the rebuilt
 * document's over samples, fixtures and generated corpora. */
#ifndef CT_ESQL_FAST_H
#define CT_ESQL_FAST_H
#include <stddef.h>
#include "esql.h"
#include "store.h"

/* The credtriage.* columns of a rebuilt document, exactly: ct_store_event_json
 * writes them from these stored fields (and nothing else under that name);
 * cred: only on a credential addition. */
typedef struct ct_esql_stored {
    const char *col;
    enum ct_ef f;
    int cred;
} ct_esql_stored;
extern const ct_esql_stored ct_esql_stored_cols[];
extern const size_t ct_esql_nstored;

typedef struct ct_esql_fast ct_esql_fast;

/* A reader of these columns (a query's, ct_esql_columns; names, no patterns). */
ct_esql_fast *ct_esql_fast_new(const char *const *cols, size_t n);
void ct_esql_fast_free(ct_esql_fast *f);
/* Give event i's columns to out (column k: cols[k]): 1, or 0 when one of
 * them needs the document (out may hold some values then). */
int ct_esql_fast_fill(ct_esql_fast *f, const ct_store *st, size_t i, ct_esql_cols *out);

#endif
