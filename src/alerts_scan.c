/* alerts_scan: the KQL rules over the events, on every core.
 *
 * The events are cut into chunks that the threads take in turn (a thread
 * that finishes early takes more, so none waits on the other at the end).
 * Each chunk's alerts go to their own mapping, grown by mremap (no copy, no
 * freed copy left resident), and are sorted there (time, then id); the
 * chunks are then merged in order into one array, each chunk's pages given
 * back as the merge passes them, so the alerts are held about once, not
 * twice (blocks and their joined copy: 28 MB more at 230k alerts), and no
 * sort of the whole list follows. Ties keep the events' order: the result is
 * the stable sort of the alerts in event order. */
#include "alerts.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "arena.h"

#define CHUNK_EVENTS 16384
#define RUN_FIRST 64 /* alerts: 8 KB, two pages */

typedef struct run {
    ct_alert *v; /* mapped */
    size_t n, cap;
} run;

typedef struct scan_job {
    const ct_store *st;
    const ct_ruleset *rs;
    size_t from, to, nchunks;
    run *runs;
    atomic_size_t next;
} scan_job;

static void map_failed(size_t bytes)
{
    fprintf(stderr, "credtriage: out of memory mapping %zu bytes\n", bytes);
    abort();
}

static ct_alert *run_push(run *r)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : RUN_FIRST;
        void *p = r->cap ? mremap(r->v, r->cap * sizeof *r->v, cap * sizeof *r->v, MREMAP_MAYMOVE)
                         : mmap(NULL, cap * sizeof *r->v, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                                -1, 0);
        if (p == MAP_FAILED) map_failed(cap * sizeof *r->v);
        r->v = p;
        r->cap = cap;
    }
    ct_alert *x = &r->v[r->n++];
    memset(x, 0, sizeof *x);
    return x;
}

static void run_free(run *r)
{
    if (r->cap) munmap(r->v, r->cap * sizeof *r->v);
    memset(r, 0, sizeof *r);
}

/* Stable id: the rule and the event's own identity (its record id, with its
 * content when other records share that id, else its bytes), so the same
 * input gives the same id on every run and machine. */
static void make_id(ct_alert *x, const char *kind, const char *rule_id, const ct_store *st, size_t ev)
{
    const ct_event *e = &st->ev[ev];
    uint64_t h = ct_hash64(kind, strlen(kind) + 1);
    h = ct_hash64_more(h, rule_id, strlen(rule_id) + 1);
    const char *rid = ct_event_str(st, e, CT_EF_RECORD_ID);
    const char *ds = ct_event_str(st, e, CT_EF_DATASET);
    if (rid) {
        if (ds) h = ct_hash64_more(h, ds, strlen(ds) + 1);
        h = ct_hash64_more(h, rid, strlen(rid));
        /* an id that different records share tells none of them apart */
        if (e->flags & CT_EVF_SHARED_ID) {
            uint64_t c = ct_store_content_hash(st, ev);
            h = ct_hash64_more(h, &c, sizeof c);
        }
    } else {
        size_t len;
        const char *raw = ct_event_raw(st, ev, &len);
        h = ct_hash64_more(h, raw, len);
    }
    ct_alert_hex_id(h, x->id);
}

/* Rules over events [from, to) into r. Reads the store only (documents are
 * rebuilt from the original bytes), so chunks run on separate threads. */
static void scan_range(const ct_store *st, const ct_ruleset *rs, size_t from, size_t to, run *out)
{
    for (size_t i = from; i < to; i++) {
        const ct_event *e = &st->ev[i];
        if (e->flags & CT_EVF_ALERT) continue;
        cJSON *doc = NULL;
        int tried = 0;
        char *raw = NULL; /* read only for a rule with a raw pre-filter */
        /* verdicts the load made with this very rule set */
        int pre = (e->flags & CT_EVF_EVALED) && st->eval_ctx == rs && st->eval_stamp == rs->stamp;
        for (size_t r = 0; r < rs->n; r++) {
            const ct_rule *rule = &rs->v[r];
            if (!rule->kql) continue; /* ES|QL rules: ct_scan_esql, over the whole store */
            if (pre && rule->at_load) {
                if (!((e->rules >> r) & 1)) continue;
            } else {
                if (!ct_rule_may_match(rule, e)) continue;
                if (rule->nraw_groups) {
                    if (!raw) {
                        raw = ct_xmalloc(e->len + 1);
                        ct_input_copy(&st->srcs[e->src].in, e->off, e->len, raw);
                    }
                    if (!ct_rule_raw_may_match(rule, e, raw, e->len)) continue;
                }
                if (!tried) {
                    tried = 1;
                    ct_arena_begin(); /* the rebuilt tree is dropped below */
                    doc = ct_store_event_json(st, i);
                }
                if (!doc) break;
                if (!ct_kql_match(rule->kql, doc)) continue;
            }
            ct_alert *x = run_push(out);
            x->event = (uint32_t)i;
            x->rule = rule;
            x->rule_id = rule->rule_id;
            x->rule_name = rule->name;
            x->severity = rule->severity;
            x->risk_score = rule->risk_score;
            x->ts = e->ts;
            x->origin = CT_ORIGIN_RULE;
            make_id(x, "rule", rule->rule_id, st, i);
        }
        if (!ct_arena_holds_all()) cJSON_Delete(doc); /* else the scope's end takes it back */
        if (tried) ct_arena_end();
        free(raw);
    }
}

static void *scan_chunks(void *arg)
{
    scan_job *j = arg;
    for (;;) {
        size_t c = atomic_fetch_add(&j->next, 1);
        if (c >= j->nchunks) return NULL;
        size_t from = j->from + c * CHUNK_EVENTS;
        size_t to = j->to - from > CHUNK_EVENTS ? from + CHUNK_EVENTS : j->to;
        scan_range(j->st, j->rs, from, to, &j->runs[c]);
        ct_alerts_sort_run(j->runs[c].v, j->runs[c].n);
    }
}

/* The alerts' pages before v[upto] given back (a run the merge has passed). */
static void run_release(run *r, size_t upto)
{
    long pg = sysconf(_SC_PAGESIZE);
    uintptr_t a = (uintptr_t)r->v, b = ((uintptr_t)(r->v + upto)) & ~((uintptr_t)pg - 1);
    if (b > a) madvise(r->v, b - a, MADV_DONTNEED);
}

/* runs[h[k]]'s head before runs[h[m]]'s: by time, id, then chunk order */
static int head_lt(const run *runs, const size_t *pos, size_t a, size_t b)
{
    const ct_alert *x = &runs[a].v[pos[a]], *y = &runs[b].v[pos[b]];
    if (x->ts != y->ts) return x->ts < y->ts;
    int c = strcmp(x->id, y->id);
    return c ? c < 0 : a < b;
}

static void sift(const run *runs, const size_t *pos, size_t *h, size_t n, size_t k)
{
    for (;;) {
        size_t l = 2 * k + 1, m = k;
        if (l < n && head_lt(runs, pos, h[l], h[m])) m = l;
        if (l + 1 < n && head_lt(runs, pos, h[l + 1], h[m])) m = l + 1;
        if (m == k) return;
        size_t t = h[k];
        h[k] = h[m];
        h[m] = t;
        k = m;
    }
}

#define RELEASE_EVERY 512 /* alerts: 64 KB */

/* The sorted runs into out->v, in order, each run's pages given back as the
 * merge passes them. */
static void merge_runs(run *runs, size_t nruns, ct_alerts *out)
{
    size_t total = 0, nh = 0;
    for (size_t c = 0; c < nruns; c++) total += runs[c].n;
    out->v = total ? ct_xmalloc(total * sizeof *out->v) : NULL;
    size_t *pos = ct_xcalloc(nruns ? nruns : 1, sizeof *pos), *h = ct_xmalloc((nruns ? nruns : 1) * sizeof *h);
    for (size_t c = 0; c < nruns; c++)
        if (runs[c].n) h[nh++] = c;
        else run_free(&runs[c]);
    for (size_t k = nh / 2; k-- > 0;) sift(runs, pos, h, nh, k);
    while (nh) {
        size_t c = h[0];
        out->v[out->n++] = runs[c].v[pos[c]++];
        if (pos[c] == runs[c].n) {
            run_free(&runs[c]);
            h[0] = h[--nh];
        } else if (pos[c] % RELEASE_EVERY == 0) {
            run_release(&runs[c], pos[c]);
        }
        sift(runs, pos, h, nh, 0);
    }
    free(pos);
    free(h);
}

static size_t scan_threads(size_t nev)
{
    return nev < 50000 ? 1 : ct_threads(); /* below that, not worth a thread */
}

void ct_scan_events(const ct_store *st, const ct_ruleset *rs, size_t from, size_t to, ct_alerts *out)
{
    memset(out, 0, sizeof *out);
    size_t n = to > from ? to - from : 0;
    scan_job j = {st, rs, from, to, (n + CHUNK_EVENTS - 1) / CHUNK_EVENTS, NULL, 0};
    j.runs = ct_xcalloc(j.nchunks ? j.nchunks : 1, sizeof *j.runs);
    size_t nt = scan_threads(n);
    if (nt > j.nchunks) nt = j.nchunks ? j.nchunks : 1;
    pthread_t tids[16];
    int started[16] = {0};
    for (size_t t = 1; t < nt; t++) started[t] = pthread_create(&tids[t], NULL, scan_chunks, &j) == 0;
    scan_chunks(&j); /* a thread that did not start leaves its chunks to this one */
    for (size_t t = 1; t < nt; t++)
        if (started[t]) pthread_join(tids[t], NULL);
    merge_runs(j.runs, j.nchunks, out);
    free(j.runs);
}

int ct_scan(const ct_store *st, const ct_ruleset *rs, ct_alerts *out)
{
    ct_scan_events(st, rs, 0, st->nev, out);
    size_t cap = out->n, sorted = out->n;
    ct_scan_esql(st, rs, out, &cap, NULL, NULL); /* over the whole store, once it is loaded */
    ct_alerts_number(out, 0);
    ct_scan_finish(st, rs, out, sorted);
    return 0;
}
