/* store_merge: a walked piece of input joined to the store (store_load.c
 * walks): its pool's new strings copied, its events, packed ids and record
 * ids appended with their ids mapped, duplicates dropped, its diagnostics
 * replayed, in parts between which a console reading the store gets in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "store_int.h"
#include "store_load_int.h"

void ct_load_lock(ct_store *st)
{
    if (st->lock) st->lock(st->hook_ctx);
}

void ct_load_unlock(ct_store *st)
{
    if (st->unlock) st->unlock(st->hook_ctx);
}

/* Give back the whole pages of [p + from, p + to): events already copied out
 * of a worker's array, so the array and the store's copy of it are never
 * both resident (about 50 MB at 1M events). The array is still freed
 * normally; these bytes are not read again. */
static void drop_copied(const void *p, size_t from, size_t to)
{
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)p + from + pg - 1) & ~(pg - 1), b = ((uintptr_t)p + to) & ~(pg - 1);
    if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
}


/* Called with the store's lock held (a console reading it meanwhile): let
 * the reader in every so often. A step of 500k events took 0.6 s to merge,
 * and the console's keys waited that long. Readers only look at events below
 * nev and at strings those use, which stay where they are. */
#define MERGE_PART 16384
static void merge_yield(ct_store *st, size_t i)
{
    if (st->lock && i && i % MERGE_PART == 0) {
        ct_load_unlock(st);
        ct_load_lock(st);
    }
}

/* Append w's events to the store in order; line_base is added to NDJSON
 * piece-relative line numbers, rec_base to record numbers. */
void ct_load_merge(ct_store *st, worker *w, const char *file, uint64_t line_base, uint64_t rec_base)
{
    uint32_t *map = NULL;
    if (st->pool.nstrs == 0) {
        ct_pool_free(&st->pool);
        st->pool = w->pool;
        ct_pool_init(&w->pool);
    } else {
        map = ct_xmalloc((w->pool.nstrs + 1) * sizeof *map);
        ct_pool_reserve_ids(&st->pool, w->pool.nstrs);
        map[0] = 0; /* no string (and a worker may have none) */
        /* the new strings copied: a piece's pool repeats the strings
         * common to every piece (taking its bytes kept every repeat) */
        for (size_t id = 1; id <= w->pool.nstrs; id += MERGE_PART) {
            merge_yield(st, id - 1);
            ct_pool_merge_copy(&st->pool, &w->pool, map, id, id + MERGE_PART);
        }
    }
    for (size_t i = 0; i < w->ndiags; i++) {
        if (!w->diags[i].rec) {
            st->diag(st->diag_ctx, file, w->diags[i].line + line_base, w->diags[i].msg);
            continue;
        }
        /* "FILE: record N (line L): msg", as ct_event_place locates events */
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_addf(&m, "record %llu (line %llu): %s", (unsigned long long)(w->diags[i].rec + rec_base),
                     (unsigned long long)(w->diags[i].line + line_base), w->diags[i].msg);
        st->diag(st->diag_ctx, file, 0, m.buf);
        ct_sbuf_free(&m);
    }
    ct_store_dedupe_reserve(st, w->nev);
    /* the packed field ids: the first worker's taken as they are, the next
     * ones appended (their events' offsets moved by sx_base below), mapped
     * to the store's pool, copied pages given back as they go */
    size_t sx_base = st->nsx;
    if (st->nsx == 0 && !map) {
        free(st->sx);
        st->sx = w->sx;
        st->nsx = w->nsx;
        st->sx_cap = w->sx_cap;
        w->sx = NULL;
        w->nsx = w->sx_cap = 0;
    } else if (w->nsx) {
        if (st->nsx + w->nsx > UINT32_MAX) {
            fprintf(stderr, "credtriage: too many events in one session\n");
            abort();
        }
        if (st->sx_cap < st->nsx + w->nsx) {
            size_t need = st->nsx + w->nsx, grow = st->sx_cap + st->sx_cap / 2;
            st->sx_cap = need > grow ? need : grow;
            st->sx = ct_xrealloc(st->sx, st->sx_cap * sizeof *st->sx);
        }
        for (size_t k = 0; k < w->nsx; k++) {
            merge_yield(st, k); /* readers look only below nsx */
            st->sx[st->nsx + k] = map ? map[w->sx[k]] : w->sx[k];
            if ((k + 1) % 65536 == 0) drop_copied(w->sx, (k + 1 - 65536) * sizeof *w->sx, (k + 1) * sizeof *w->sx);
        }
        st->nsx += w->nsx;
    }
    /* the record ids likewise (their places moved by rid_base) */
    size_t rid_base = st->nrid / 4;
    if (st->nrid == 0) {
        free(st->rid);
        st->rid = w->rid;
        st->nrid = w->nrid;
        st->rid_cap = w->rid_cap;
        w->rid = NULL;
        w->nrid = w->rid_cap = 0;
    } else if (w->nrid) {
        if ((st->nrid + w->nrid) / 4 >= UINT32_MAX) {
            fprintf(stderr, "credtriage: too many record ids in one session\n");
            abort();
        }
        if (st->rid_cap < st->nrid + w->nrid) {
            size_t need = st->nrid + w->nrid, grow = st->rid_cap + st->rid_cap / 2;
            st->rid_cap = need > grow ? need : grow;
            st->rid = ct_xrealloc(st->rid, st->rid_cap);
        }
        for (size_t k = 0; k < w->nrid; k += 1u << 20) {
            merge_yield(st, k ? MERGE_PART : 0); /* readers look only below nrid */
            size_t n = w->nrid - k < (1u << 20) ? w->nrid - k : 1u << 20;
            memcpy(st->rid + st->nrid + k, w->rid + k, n);
            drop_copied(w->rid, k, k + n);
        }
        st->nrid += w->nrid;
    }
    if (st->nev == 0 && w->nev) {
        /* the first events: take the worker's array (compacted in place
         * below) rather than copy it, so two arrays of every event never
         * coexist; at 1M events that is ~50 MB of peak memory */
        free(st->ev);
        st->ev = w->ev;
        st->cap = w->cap;
        w->ev = NULL;
        w->cap = 0;
    } else if (st->cap < st->nev + w->nev) {
        /* 1.5x for many small merges; exact when one piece joins another */
        size_t need = st->nev + w->nev, grow = st->cap + st->cap / 2;
        st->cap = need > grow ? need : grow;
        st->ev = ct_xrealloc(st->ev, st->cap * sizeof *st->ev);
    }
    for (size_t i = 0; i < w->nev; i++) {
        merge_yield(st, i);
        const ct_event *src = w->ev ? &w->ev[i] : &st->ev[i]; /* adopted: compacted in place */
        ct_event *e = &st->ev[st->nev];
        if (e != src) *e = *src;
        if (w->ev && (i + 1) % 32768 == 0)
            drop_copied(w->ev, (i + 1 - 32768) * sizeof *w->ev, (i + 1) * sizeof *w->ev);
        if (map)
            for (int k = 0; k < CT_EF_NINLINE; k++) e->si[k] = map[e->si[k]];
        e->sx += (uint32_t)sx_base;
        if (e->si[CT_EF_NINLINE]) e->si[CT_EF_NINLINE] += (uint32_t)rid_base;
        if (line_base) {
            uint64_t l = (uint64_t)e->line + line_base;
            e->line = l > UINT32_MAX ? UINT32_MAX : (uint32_t)l;
        }
        if (e->rec && rec_base) {
            uint64_t r = (uint64_t)e->rec + rec_base;
            e->rec = r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
        }
        /* the source's place: the record's bytes are read when its id repeats */
        if (w->dh[i] && ct_store_dedupe(st, st->nev, w->dh[i])) {
            st->stats.duplicates++;
            ct_kind k = (ct_kind)e->kind;
            /* the serial path never counted a duplicate as an event */
            w->stats.by_kind[k]--;
            if (k == CT_KIND_ELASTIC_ALERT) w->stats.alerts--;
            else w->stats.events--;
            if (k == CT_KIND_GENERIC) w->stats.unrecognized--;
            continue;
        }
        st->nev++;
    }
    st->stats.records += w->stats.records;
    st->stats.events += w->stats.events;
    st->stats.alerts += w->stats.alerts;
    st->stats.skipped += w->stats.skipped;
    st->stats.unrecognized += w->stats.unrecognized;
    for (int k = 0; k < CT_KIND__COUNT; k++) st->stats.by_kind[k] += w->stats.by_kind[k];
    free(map);
}
