/* store: every loaded event as a compact record of interned entity strings
 * plus the place of its original bytes; the ECS document is rebuilt on
 * demand from those bytes, so no JSON tree is kept per event. */
#ifndef CT_STORE_H
#define CT_STORE_H
#include <stddef.h>
#include <stdint.h>
#include "input.h"
#include "norm.h"
#include "pool.h"

/* Interned entity strings of an event (indexes into ct_event.s). */
enum ct_ef {
    CT_EF_DATASET, CT_EF_ACTION, CT_EF_OUTCOME,
    CT_EF_ACTOR_ID, CT_EF_ACTOR_NAME, CT_EF_ACTOR_TYPE, CT_EF_ACTOR_IP, CT_EF_ACTOR_UA,
    CT_EF_TARGET_ID, CT_EF_TARGET_NAME, CT_EF_TARGET_TYPE, CT_EF_TARGET_APP_ID,
    CT_EF_CRED_ID, CT_EF_CRED_TYPE, CT_EF_CRED_NAME, CT_EF_CRED_END, CT_EF_CRED_USED,
    CT_EF_RECORD_ID,
    /* roles and evidence the correlation reads (entity.h, docs/CORRELATION.md) */
    CT_EF_ACTOR_ID2, CT_EF_TARGET_ID2, CT_EF_CLIENT_APP, CT_EF_RESOURCE, CT_EF_NAMED,
    CT_EF_CHANGE_ID,
    CT_EF__COUNT
};

enum {
    CT_EVF_CRED_ADD = 1,  /* adds a credential */
    CT_EVF_SIGNIN = 2,    /* a sign-in / authenticated call */
    CT_EVF_ALERT = 4,     /* an Elastic alert document, not an event */
    CT_EVF_EVALED = 8,    /* the load's rule hook ran on it: ct_event.rules holds its verdicts */
    CT_EVF_SHARED_ID = 16, /* another record of its dataset has its id (store_dedupe.c) */
};

/* The fields nearly every record has (CT_EF_DATASET .. CT_EF_ACTOR_TYPE, and
 * the record's id) are kept in the event; each of the others is set in a
 * few records only, so an event lists the ones it has (`more`, one bit per
 * field in enum order) and their ids are packed in the store's `sx` array
 * from `sx` on. Read them with ct_event_sid. 72 bytes an event plus 4 per
 * field it has beyond those (136 bytes when all 24 were inline). */
#define CT_EF_NINLINE 6 /* fields 0 .. CT_EF_NINLINE - 1 are inline; CT_EF_RECORD_ID too */

typedef struct ct_event {
    int64_t ts;           /* ms UTC or CT_TIME_NONE */
    uint64_t off;         /* record bytes in the source's data */
    uint32_t len;
    uint32_t src;         /* index into store->srcs */
    uint32_t line;        /* 1-based line of the record's start */
    uint32_t rules;       /* with CT_EVF_EVALED: bit r set when rule r matched at load */
    uint32_t rec;         /* 0: its line locates it; else the record's number in its file
                           * (1-based), for records sharing a line (a one-line
                           * {"Records":[...]}): "FILE: record 17 (line 1)" */
    uint32_t si[CT_EF_NINLINE + 1]; /* the inline fields' ids; [CT_EF_NINLINE]: the record
                           * id's place in the store's rid (ct_event_rid), not a pool id */
    uint32_t sx;          /* where its packed field ids start in the store's sx */
    uint32_t more : 18;   /* which packed fields it has (ct_event_sid) */
    uint32_t flags : 6;   /* CT_EVF_* */
    uint32_t kind : 8;    /* ct_kind */
} ct_event;

typedef struct ct_source {
    ct_input in;
    ct_format fmt;
} ct_source;

typedef struct ct_load_stats {
    size_t records, events, alerts, skipped, duplicates, unrecognized;
    size_t shared_ids;    /* record ids that different records share (all kept) */
    size_t by_kind[CT_KIND__COUNT];
    size_t bytes;
} ct_load_stats;

typedef void (*ct_diag_fn)(void *ctx, const char *file, uint64_t line, const char *msg);
typedef void (*ct_progress_fn)(void *ctx, size_t done_bytes, size_t total_bytes);

struct ct_fast; /* fastscan.h */

typedef struct ct_store {
    ct_pool pool;
    ct_event *ev;
    size_t nev, cap;
    uint32_t *sx;              /* the events' packed field ids (ct_event.sx) */
    size_t nsx, sx_cap;
    /* the events' record ids, each NUL-terminated from a multiple of 4 bytes
     * (ct_event_rid): unique strings that are never looked up, kept out of
     * the pool and its 20 bytes of arrays per string */
    char *rid;
    size_t nrid, rid_cap;
    ct_source *srcs;
    size_t nsrcs;
    ct_load_stats stats;
    ct_diag_fn diag;           /* default: "FILE:LINE: msg" on stderr */
    void *diag_ctx;
    ct_progress_fn progress;
    void *progress_ctx;
    void (*on_file)(void *progress_ctx, size_t i); /* ct_store_load_all: file i merges next */
    struct ct_dedupe *dd;      /* which records are the same record (store_dedupe.c) */
    /* Progressive loading (the console shows alerts while a big file loads):
     * with step_bytes, NDJSON is read in steps (the first of step_bytes, each
     * next one twice as big), and on_events runs after each step's
     * events are appended, in file order. lock / unlock bracket every change
     * of the events, sources, stats and pool, for readers on other threads. */
    size_t step_bytes;
    size_t threads;            /* ct_store_load_all's helper threads; 0: ct_threads() */
    void (*on_events)(void *ctx);
    void (*lock)(void *ctx);
    void (*unlock)(void *ctx);
    void *hook_ctx;
    /* Rules evaluated while loading (alerts.h, ct_scan_prepare): records the
     * full path parses anyway are matched on the tree in hand, so the scan
     * need not parse them again. Called on loading threads; returns the
     * bits of the matching rules. The ECS document lacks the "credtriage"
     * object, which the hook's rules do not read. */
    uint32_t (*eval)(void *ctx, const cJSON *doc, const ct_fields *f, ct_kind kind);
    /* The same for a record the fast path took (fastscan.h; p, len its
     * bytes, fx what it read): 1 with *bits set, 0 when not judged here
     * (the scan then rebuilds the document where a rule may match). */
    int (*eval_fast)(void *ctx, const char *p, size_t len, const struct ct_fast *fx, uint32_t *bits);
    void *eval_ctx;
    uint64_t eval_stamp;       /* the rule set's stamp the verdicts belong to */
} ct_store;

void ct_store_init(ct_store *st);
void ct_store_free(ct_store *st);
/* Load one file ("-" = stdin). A file that cannot be opened gives -1 and a
 * diagnostic; bad records inside a file are diagnosed and skipped (0). */
int ct_store_load(ct_store *st, const char *path);
/* Load every path, in order (helper threads open, inflate and walk the next
 * files while the earlier ones are merged); the same result as ct_store_load
 * on each. Returns the number of files that could not be opened. */
int ct_store_load_all(ct_store *st, char *const *paths, int n);

/* Event e's record id (NULL: none). */
static inline const char *ct_event_rid(const ct_store *st, const ct_event *e)
{
    uint32_t r = e->si[CT_EF_NINLINE];
    return r ? st->rid + ((size_t)r - 1) * 4 : NULL;
}
/* Event e's string id of field f (0: none). For CT_EF_RECORD_ID not a pool
 * id but a number that only this record's id has (0: none). */
static inline uint32_t ct_event_sid(const ct_store *st, const ct_event *e, enum ct_ef f)
{
    if ((unsigned)f < CT_EF_NINLINE) return e->si[f];
    if (f == CT_EF_RECORD_ID) return e->si[CT_EF_NINLINE];
    uint32_t bit = 1u << ((unsigned)f - CT_EF_NINLINE - (f > CT_EF_RECORD_ID));
    if (!(e->more & bit)) return 0;
    return st->sx[e->sx + (uint32_t)__builtin_popcount(e->more & (bit - 1))];
}
static inline const char *ct_event_str(const ct_store *st, const ct_event *e, enum ct_ef f)
{
    if (f == CT_EF_RECORD_ID) return ct_event_rid(st, e);
    return ct_pool_str(&st->pool, ct_event_sid(st, e, f));
}
/* Give event e (of st, or appended to it next) the pool's string ids ids[f]
 * of every field f: the packed ones are appended to st->sx, the record id's
 * string copied to st->rid. */
void ct_event_set_sids(ct_store *st, ct_event *e, const uint32_t ids[CT_EF__COUNT]);
const char *ct_event_file(const ct_store *st, const ct_event *e);
/* What follows the file name to locate the record: ":LINE", or
 * ": record N (line L)" when records share the line. */
const char *ct_event_place(const ct_event *e, char buf[64]);
/* The original bytes of event i. */
const char *ct_event_raw(const ct_store *st, size_t i, size_t *len);
/* A copy of event i's bytes in *buf (grown as needed, *cap its size; NUL
 * added), without keeping the file's pages resident; returns *buf. */
const char *ct_store_record(const ct_store *st, size_t i, char **buf, size_t *cap, size_t *len);
/* A stable hash of event i's content (its bytes, JSON whitespace outside
 * strings ignored): what tells apart records sharing an id. */
uint64_t ct_store_content_hash(const ct_store *st, size_t i);
/* Rebuild event i's normalized form (ECS doc + fields); 0 ok. */
int ct_store_norm(const ct_store *st, size_t i, ct_norm *out);
/* The member of f that event field k holds (dataset, actor_id, ...). */
const char *ct_fields_get(const ct_fields *f, enum ct_ef k);
/* Fill f with the event's interned fields (strings owned by the store). */
void ct_event_fields(const ct_store *st, size_t i, ct_fields *f);
/* One `events --json` line object: the ECS doc plus "credtriage". NULL on error. */
cJSON *ct_store_event_json(const ct_store *st, size_t i);

#endif
