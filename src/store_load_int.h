/* store_load_int: what store_load.c (the walk of the files) and
 * store_merge.c (joining a walked piece to the store) share. */
#ifndef CT_STORE_LOAD_INT_H
#define CT_STORE_LOAD_INT_H
#include "fastscan.h"
#include "store.h"

typedef struct diag_rec {
    uint64_t line;
    uint64_t rec;             /* the record's number in the piece when records share its line */
    char *msg;
} diag_rec;

typedef struct worker {
    const ct_input *in;
    uint32_t src;
    size_t from, to;          /* NDJSON piece, or the whole input */
    int fast;
    ct_pool pool;
    ct_event *ev;
    uint64_t *dh;             /* dedupe hash per event, 0 = no record id */
    size_t nev, cap;
    uint32_t *sx;             /* the events' packed field ids (ct_event.sx) */
    size_t nsx, sx_cap;
    char *rid;                /* their record ids (ct_store.rid) */
    size_t nrid, rid_cap;
    diag_rec *diags;
    size_t ndiags, diags_cap;
    ct_load_stats stats;      /* records, events, alerts, skipped, unrecognized, by_kind */
    uint64_t lines;           /* lines passed (NDJSON pieces) */
    size_t released;          /* input released up to here */
    size_t populated;         /* input mapped ahead up to here */
    uint32_t (*eval)(void *, const cJSON *, const ct_fields *, ct_kind); /* ct_store.eval */
    int (*eval_fast)(void *, const char *, size_t, const struct ct_fast *, uint32_t *);
    void *eval_ctx;
    const char *lit_s[CT_EF__COUNT]; /* last static string per field, and its id */
    uint32_t lit_n[CT_EF__COUNT], lit_id[CT_EF__COUNT];
    /* progress: only the worker on the calling thread reports */
    ct_store *st;
    size_t last_progress;
    size_t pfrom, pto;        /* the bytes this worker's progress stands for */
    size_t max_record;        /* CREDTRIAGE_MAX_RECORD */
    int split;                /* spans are NDJSON lines, which may hold more than one record */
    /* records sharing a line are numbered (ct_event.rec): records so far in
     * this piece, the one being read (0: its line locates it), and what the
     * previous one left, to number it too once the next shares its line */
    uint64_t nrec, cur_rec, prev_line;
    size_t prev_ev0, prev_ev1, prev_d0, prev_d1;
    int prev_shared;
} worker;

/* Append w's events to the store in order (its strings copied into the
 * store's pool, duplicates dropped, diagnostics replayed through st->diag);
 * line_base is added to NDJSON piece-relative line numbers, rec_base to
 * record numbers. With the store's lock held (ct_load_lock). */
void ct_load_merge(ct_store *st, worker *w, const char *file, uint64_t line_base, uint64_t rec_base);
/* st->lock / st->unlock, when set (progressive loading) */
void ct_load_lock(ct_store *st);
void ct_load_unlock(ct_store *st);

#endif
