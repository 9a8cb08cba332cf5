/* alerts_sort: the alert list in order (time, then id), without a second
 * copy of the list. qsort over 128-byte alerts took a merge buffer of the
 * list's size (glibc's msort: 29 MB at 230k alerts, the scan's peak) and
 * moved whole alerts at every merge level; here 32-byte keys are sorted
 * (halves on two threads for a big list, then merged) and the alerts are
 * put in place once, following the permutation's cycles. The order is the
 * stable sort's: equal keys keep their places (the index is the last key). */
#include "alerts.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct skey {
    int64_t ts;
    uint64_t id0, id1; /* the id's 16 bytes, big-endian: strcmp's order */
    uint64_t idx;      /* place before the sort */
} skey;

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

static int key_lt(const skey *a, const skey *b)
{
    if (a->ts != b->ts) return a->ts < b->ts;
    if (a->id0 != b->id0) return a->id0 < b->id0;
    if (a->id1 != b->id1) return a->id1 < b->id1;
    return a->idx < b->idx;
}

/* Bottom-up merge sort of k[0, n) with tmp[0, n); the result in k. */
static void msort_keys(skey *k, skey *tmp, size_t n)
{
    /* runs of 16 by insertion first */
    for (size_t s = 0; s < n; s += 16) {
        size_t e = s + 16 < n ? s + 16 : n;
        for (size_t i = s + 1; i < e; i++) {
            skey x = k[i];
            size_t j = i;
            while (j > s && key_lt(&x, &k[j - 1])) {
                k[j] = k[j - 1];
                j--;
            }
            k[j] = x;
        }
    }
    skey *src = k, *dst = tmp;
    for (size_t w = 16; w < n; w *= 2) {
        for (size_t s = 0; s < n; s += 2 * w) {
            size_t m = s + w < n ? s + w : n, e = s + 2 * w < n ? s + 2 * w : n;
            size_t i = s, j = m, o = s;
            while (i < m && j < e) dst[o++] = key_lt(&src[j], &src[i]) ? src[j++] : src[i++];
            while (i < m) dst[o++] = src[i++];
            while (j < e) dst[o++] = src[j++];
        }
        skey *t = src;
        src = dst;
        dst = t;
    }
    if (src != k) memcpy(k, src, n * sizeof *k);
}

typedef struct half {
    skey *k, *tmp;
    size_t n;
} half;

static void *sort_half(void *arg)
{
    half *h = arg;
    msort_keys(h->k, h->tmp, h->n);
    return NULL;
}

#define PARALLEL_MIN 65536 /* below this a thread costs more than it saves */

static int in_order(const ct_alert *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (v[i - 1].ts > v[i].ts || (v[i - 1].ts == v[i].ts && strcmp(v[i - 1].id, v[i].id) > 0)) return 0;
    return 1;
}

static void sort_alerts(ct_alert *v, size_t n, int parallel)
{
    if (n < 2 || in_order(v, n)) return;
    skey *k = ct_xmalloc(n * sizeof *k), *tmp = ct_xmalloc(n * sizeof *tmp);
    for (size_t i = 0; i < n; i++) {
        /* zero after the id's end: strcmp's order */
        unsigned char id[16] = {0};
        memcpy(id, v[i].id, strnlen(v[i].id, sizeof id));
        k[i] = (skey){v[i].ts, be64(id), be64(id + 8), i};
    }
    if (parallel && n >= PARALLEL_MIN && ct_threads() > 1) {
        half h[2] = {{k, tmp, n / 2}, {k + n / 2, tmp + n / 2, n - n / 2}};
        pthread_t t;
        int started = pthread_create(&t, NULL, sort_half, &h[1]) == 0;
        sort_half(&h[0]);
        if (started) pthread_join(t, NULL);
        else sort_half(&h[1]);
        size_t i = 0, j = n / 2, o = 0;
        while (i < n / 2 && j < n) tmp[o++] = key_lt(&k[j], &k[i]) ? k[j++] : k[i++];
        while (i < n / 2) tmp[o++] = k[i++];
        while (j < n) tmp[o++] = k[j++];
        skey *t2 = k;
        k = tmp;
        tmp = t2;
    } else {
        msort_keys(k, tmp, n);
    }
    free(tmp);
    /* place p takes the alert k[p].idx: follow each cycle once, one alert
     * held aside; a placed key's idx becomes its own place */
    for (size_t p = 0; p < n; p++) {
        if (k[p].idx == p) continue;
        ct_alert held = v[p];
        size_t q = p;
        while (k[q].idx != p) {
            size_t nx = (size_t)k[q].idx;
            v[q] = v[nx];
            k[q].idx = q;
            q = nx;
        }
        v[q] = held;
        k[q].idx = q;
    }
    free(k);
}

void ct_alerts_sort(ct_alerts *a, size_t from)
{
    if (a->n > from + 1) sort_alerts(a->v + from, a->n - from, 1);
}

void ct_alerts_sort_run(ct_alert *v, size_t n)
{
    sort_alerts(v, n, 0);
}
