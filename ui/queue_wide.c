/* queue_wide: the wide queue's values that other events give: the actor IP's
 * country (the event's own geo, else the first event from the same IP that
 * states one) and an imported Elastic alert's assignee (the workflow_user of
 * the first event with the same source). Both used to scan every event of the
 * store for each row newly shown, O(events) a row: at 1M events a PgDn took
 * seconds. Here the first events of each IP (and of each source) are indexed
 * once, in store order, as the store grows, and what each one's document says
 * is read once: a row costs the documents it needs, at most the same bounded
 * number as before, in the same order, so the values are the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "sanitize.h"
#include "queue_int.h"

/* the documents read per row, as before: the event's own and 23 others (country),
 * 15 others (assignee) */
#define CC_TRIES 24
#define USER_TRIES 16

static const enum ct_ef src_keys[] = {CT_EF_ACTOR_ID, CT_EF_TARGET_ID, CT_EF_CRED_ID, CT_EF_ACTION};
#define NKEY 4

typedef struct bucket {
    uint32_t key[NKEY];
    uint32_t n, cap;
    uint32_t *ev;   /* the first events with this key, in store order */
    char **val;     /* what each one's document says: NULL not read yet, "" nothing */
} bucket;

typedef struct windex {
    bucket *b;
    size_t nb, used;
    size_t upto;    /* events [0, upto) are indexed */
    uint32_t max;   /* events kept per key */
    int nkey;       /* 1: the actor IP; 4: the source (src_keys) */
    int wanted;     /* only the keys put in beforehand are indexed */
    size_t nalerts; /* the alerts whose keys were put in (wanted) */
} windex;

static windex by_ip = {NULL, 0, 0, 0, CC_TRIES + 1, 1, 0, 0};
/* by source: most events have a source of their own, so only the sources of
 * the alerts that came from Elastic are indexed (a few MB, not 1M lists) */
static windex by_src = {NULL, 0, 0, 0, USER_TRIES + 1, NKEY, 1, 0};

static void event_key(const windex *x, const ct_event *e, uint32_t k[NKEY])
{
    memset(k, 0, NKEY * sizeof *k);
    if (x->nkey == 1) k[0] = ct_event_sid(&ui.s.store, e, CT_EF_ACTOR_IP);
    else
        for (int j = 0; j < NKEY; j++) k[j] = ct_event_sid(&ui.s.store, e, src_keys[j]);
}

static uint64_t key_hash(const uint32_t k[NKEY])
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (int j = 0; j < NKEY; j++) h = (h ^ k[j]) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
}

static bucket *find(windex *x, const uint32_t k[NKEY], int add)
{
    if (add && (x->used + 1) * 2 > x->nb) {
        size_t nb = x->nb ? x->nb * 2 : 1024;
        bucket *nbv = ct_xcalloc(nb, sizeof *nbv);
        for (size_t i = 0; i < x->nb; i++) {
            if (!x->b[i].cap) continue;
            size_t p = key_hash(x->b[i].key) & (nb - 1);
            while (nbv[p].cap) p = (p + 1) & (nb - 1);
            nbv[p] = x->b[i];
        }
        free(x->b);
        x->b = nbv;
        x->nb = nb;
    }
    if (!x->nb) return NULL;
    size_t p = key_hash(k) & (x->nb - 1);
    for (; x->b[p].cap; p = (p + 1) & (x->nb - 1))
        if (!memcmp(x->b[p].key, k, sizeof x->b[p].key)) return &x->b[p];
    if (!add) return NULL;
    bucket *b = &x->b[p];
    memcpy(b->key, k, sizeof b->key);
    b->cap = 2;
    b->ev = ct_xmalloc(b->cap * sizeof *b->ev);
    x->used++;
    return b;
}

/* the events loaded since, into their keys' lists (the store only grows) */
static void extend(windex *x)
{
    const ct_store *st = &ui.s.store;
    for (size_t i = x->upto; i < st->nev; i++) {
        uint32_t k[NKEY];
        event_key(x, &st->ev[i], k);
        if (x->nkey == 1 && !k[0]) continue; /* no IP */
        bucket *b = find(x, k, !x->wanted);
        if (!b || b->n >= x->max) continue;
        if (b->n == b->cap) {
            uint32_t cap = b->cap * 2 < x->max ? b->cap * 2 : x->max;
            b->ev = ct_xrealloc(b->ev, cap * sizeof *b->ev);
            if (b->val) {
                b->val = ct_xrealloc(b->val, cap * sizeof *b->val);
                memset(b->val + b->cap, 0, (cap - b->cap) * sizeof *b->val);
            }
            b->cap = cap;
        }
        b->ev[b->n++] = (uint32_t)i;
    }
    x->upto = st->nev;
}

/* The loader's, each time it lets ui_mu go (the store merges a step in parts
 * of 16k events): the events merged since, into the actor IPs' lists. Left
 * to the next frame, a step's 500k events cost that frame (a key's) up to
 * 10 ms. Only once the wide queue has asked for a country (a narrow one
 * never builds the index). */
void ui_queue_wide_catch_up(void)
{
    if (by_ip.nb) extend(&by_ip);
}

static const char *doc_str(const cJSON *doc, const char *path)
{
    const char *s = ct_json_str(doc, path);
    if (s) return s;
    const cJSON *flat = cJSON_GetObjectItemCaseSensitive(doc, path); /* "kibana.alert.x" as one key */
    return cJSON_IsString(flat) && *flat->valuestring ? flat->valuestring : NULL;
}

/* What a document says is kept as "=VALUE", or "" when it says nothing. */
/* the country event i's document states, sanitized */
static char *read_cc(size_t i)
{
    cJSON *doc = ct_store_event_json(&ui.s.store, i);
    const char *cc = doc ? doc_str(doc, "geo.country_iso_code") : NULL;
    if (!cc && doc) cc = doc_str(doc, "source.geo.country_iso_code");
    ct_sbuf b;
    ct_sbuf_init(&b);
    if (cc) {
        ct_sbuf_addc(&b, '=');
        ct_san_line(cc, 6, &b);
    }
    cJSON_Delete(doc);
    char *r = ct_sbuf_detach(&b);
    ct_sbuf_free(&b); /* detach leaves a fresh buffer */
    return r ? r : ct_xstrdup("");
}

static char *read_user(size_t i)
{
    cJSON *doc = ct_store_event_json(&ui.s.store, i);
    const char *u = doc ? doc_str(doc, "kibana.alert.workflow_user") : NULL;
    ct_sbuf b;
    ct_sbuf_init(&b);
    if (u) ct_sbuf_addf(&b, "=%s", u);
    cJSON_Delete(doc);
    char *r = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return r ? r : ct_xstrdup("");
}

/* by_src: the sources of every alert that came from Elastic, put in when one
 * is asked for first (after the load: imported alerts come at its end) */
static void want_sources(windex *x)
{
    const ct_alerts *al = &ui.s.alerts;
    const ct_store *st = &ui.s.store;
    if (x->nalerts == al->n && x->b) return;
    for (size_t i = 0; i < x->nb; i++) { /* the lists again, from the first event */
        bucket *b = &x->b[i];
        for (uint32_t j = 0; b->val && j < b->n; j++) free(b->val[j]);
        free(b->val);
        b->val = NULL;
        b->n = 0;
    }
    for (size_t i = 0; i < al->n; i++) {
        if (!al->v[i].elastic_status) continue;
        uint32_t k[NKEY];
        event_key(x, &st->ev[al->v[i].event], k);
        find(x, k, 1);
    }
    x->nalerts = al->n;
    x->upto = 0;
}

/* The first value among ev's own document and those of the other events with
 * its key, in store order, reading at most tries documents (NULL: none). */
static const char *first_value(windex *x, size_t ev, int tries, char *(*read)(size_t), char **own)
{
    const ct_store *st = &ui.s.store;
    *own = read(ev); /* the event's own first; not kept (a row reads it once) */
    if (**own) return *own + 1;
    tries--;
    uint32_t k[NKEY];
    event_key(x, &st->ev[ev], k);
    if (x->wanted && !find(x, k, 0)) x->nalerts = SIZE_MAX; /* a source not put in yet */
    if (x->wanted) want_sources(x);
    extend(x);
    bucket *b = find(x, k, 0);
    if (b && !b->val) b->val = ct_xcalloc(b->cap, sizeof *b->val);
    for (uint32_t j = 0; b && j < b->n && tries > 0; j++) {
        if (b->ev[j] == ev) continue;
        tries--;
        if (!b->val[j]) b->val[j] = read(b->ev[j]);
        if (*b->val[j]) return b->val[j] + 1;
    }
    return NULL;
}

void ui_queue_country(size_t ev, char out[8])
{
    const ct_store *st = &ui.s.store;
    snprintf(out, 8, "-");
    if (!ct_event_str(st, &st->ev[ev], CT_EF_ACTOR_IP)) return;
    char *own;
    const char *cc = first_value(&by_ip, ev, CC_TRIES, read_cc, &own);
    if (cc) snprintf(out, 8, "%s", cc);
    free(own);
}

char *ui_queue_elastic_user(const ct_alert *a)
{
    char *own;
    const char *u = first_value(&by_src, a->event, USER_TRIES, read_user, &own);
    char *r = u ? ct_xstrdup(u) : NULL;
    free(own);
    return r;
}

static void windex_free(windex *x)
{
    for (size_t i = 0; i < x->nb; i++) {
        bucket *b = &x->b[i];
        if (!b->cap) continue;
        for (uint32_t j = 0; b->val && j < b->n; j++) free(b->val[j]);
        free(b->val);
        free(b->ev);
    }
    free(x->b);
    x->b = NULL;
    x->nb = x->used = x->upto = x->nalerts = 0;
}

void ui_queue_wide_index_free(void)
{
    windex_free(&by_ip);
    windex_free(&by_src);
}
