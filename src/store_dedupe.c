/* store_dedupe: which loaded records are the same record (store_int.h).
 *
 * A record's id alone does not make it unique: test corpora and anonymised
 * exports reuse ids ("1", "sanitized", one eventID for a whole scenario), and
 * GCP's insertId is unique only with timestamp and logName. So a record is
 * folded into an earlier one only when, beside the same dataset and id,
 *   - its content is the same (a hash of its bytes, JSON whitespace outside
 *     strings ignored), or for GCP the same timestamp and logName; or
 *   - it is another export shape of that record (Entra diagnostic, Graph,
 *     Sentinel, an ECS document, an EventBridge envelope: a different set of
 *     top-level keys) with the same action, actor and target within 2 s.
 * The content is looked at only when an id repeats: the common case (every
 * id new) costs one probe of a table of 64-bit entries, as before. */
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

#define SAME_TIME_MS 2000
#define CHAIN_MAX 64 /* shapes compared per repeat: linear whatever ids repeat */

/* A table entry: bit 63 set when the low half names a member (a group of
 * records sharing the key), else an event; bits 32..61 a piece of the key's
 * hash, which also gives the slot (the key itself is compared on a match),
 * bit 62 always set: 0 is an empty slot. */
#define E_MEMBER (1ull << 63)
#define E_HASH(h) ((((h) >> 32) & 0x3fffffffull) | 0x40000000ull)
#define E_PART(ent) (((ent) >> 32) & 0x7fffffffull)

typedef struct member {
    uint32_t ev, next;  /* next: the member before it (UINT32_MAX: none) */
    uint64_t content;   /* ct_store_content_hash, or GCP's timestamp + logName */
    uint64_t shape;     /* kind and top-level key names */
} member;

struct ct_dedupe {
    uint64_t *tab;
    size_t n, cap;
    uint64_t *exact;    /* set of (key, content) hashes of the members */
    size_t nexact, exact_cap;
    member *m;
    size_t nm, mcap;
};

static void tab_put(uint64_t *tab, size_t cap, uint64_t ent, uint64_t h)
{
    size_t j = h & (cap - 1);
    while (tab[j]) j = (j + 1) & (cap - 1);
    tab[j] = ent;
}

/* The key table's slot for hash piece hp: its 30 bits scaled to the table,
 * whose size is any number (not a power of two), so the table is sized to
 * its keys: filled to at most 70% (at 1M keys 11 MB, not the 16 MB of the
 * next power of two at half full; at 10M 114 MB, not 268 MB). */
static size_t key_slot(uint64_t hp, size_t cap)
{
    return (size_t)(((hp & 0x3fffffffull) * cap) >> 30);
}

void ct_store_dedupe_reserve(ct_store *st, size_t n)
{
    if (!st->dd) st->dd = ct_xcalloc(1, sizeof *st->dd);
    struct ct_dedupe *d = st->dd;
    size_t need = d->n + n;
    if (need * 10 <= d->cap * 7) return;
    /* exact for one big merge, at least 1.5x for many small ones */
    size_t cap = need * 10 / 7 + 1, grow = d->cap + d->cap / 2;
    if (cap < grow) cap = grow;
    if (cap < 4096) cap = 4096;
    uint64_t *tab = ct_xcalloc(cap, sizeof *tab);
    /* the slot comes from the piece of the key's hash kept in the entry */
    for (size_t i = 0; i < d->cap; i++) {
        if (!d->tab[i]) continue;
        size_t j = key_slot(E_PART(d->tab[i]), cap);
        while (tab[j]) j = j + 1 == cap ? 0 : j + 1;
        tab[j] = d->tab[i];
    }
    free(d->tab);
    d->tab = tab;
    d->cap = cap;
}

void ct_store_dedupe_free(ct_store *st)
{
    if (!st->dd) return;
    free(st->dd->tab);
    free(st->dd->exact);
    free(st->dd->m);
    free(st->dd);
    st->dd = NULL;
}

/* 1 if h was added, 0 if it was there */
static int exact_add(struct ct_dedupe *d, uint64_t h)
{
    if ((d->nexact + 1) * 2 > d->exact_cap) {
        size_t cap = d->exact_cap ? d->exact_cap * 2 : 64;
        uint64_t *t = ct_xcalloc(cap, sizeof *t);
        for (size_t i = 0; i < d->exact_cap; i++)
            if (d->exact[i]) tab_put(t, cap, d->exact[i], d->exact[i]);
        free(d->exact);
        d->exact = t;
        d->exact_cap = cap;
    }
    size_t j = h & (d->exact_cap - 1);
    while (d->exact[j]) {
        if (d->exact[j] == h) return 0;
        j = (j + 1) & (d->exact_cap - 1);
    }
    d->exact[j] = h;
    d->nexact++;
    return 1;
}

/* The record's bytes (copied when the file is open, as ct_store_norm does:
 * no page of the mapping is kept resident for it). Free with free_raw. */
static const char *get_raw(const ct_store *st, size_t i, char *stackbuf, size_t cap)
{
    const ct_event *e = &st->ev[i];
    const ct_input *in = &st->srcs[e->src].in;
    if (in->fd < 0) return in->data + e->off;
    char *buf = e->len <= cap ? stackbuf : ct_xmalloc(e->len);
    ct_input_copy(in, e->off, e->len, buf);
    return buf;
}

static void free_raw(const char *raw, const char *stackbuf, const ct_store *st, size_t i)
{
    const ct_input *in = &st->srcs[st->ev[i].src].in;
    if (in->fd >= 0 && raw != stackbuf) free((char *)raw);
}

/* FNV over the bytes outside JSON whitespace (strings kept whole): the same
 * record pretty-printed or on one line hashes the same. Stable (alert ids). */
static uint64_t bytes_hash(const char *p, size_t n)
{
    uint64_t h = ct_hash64("", 0);
    const char *e = p + n;
    while (p < e) {
        const char *s = p;
        int in_str = 0;
        while (p < e) {
            char c = *p;
            if (in_str) {
                if (c == '\\' && p + 1 < e) p++;
                else if (c == '"') in_str = 0;
            } else if (c == '"') {
                in_str = 1;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                break;
            }
            p++;
        }
        if (p > s) h = ct_hash64_more(h, s, (size_t)(p - s));
        while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    }
    return h;
}

uint64_t ct_store_content_hash(const ct_store *st, size_t i)
{
    char buf[16384];
    const char *raw = get_raw(st, i, buf, sizeof buf);
    uint64_t h = bytes_hash(raw, st->ev[i].len);
    free_raw(raw, buf, st, i);
    return h;
}

static int is_gcp(const ct_store *st, const ct_event *e)
{
    const char *ds = ct_event_str(st, e, CT_EF_DATASET);
    return ds && !strncmp(ds, "gcp.", 4);
}

/* Content and shape of event i, read from its bytes. */
static void describe(const ct_store *st, size_t i, member *m)
{
    const ct_event *e = &st->ev[i];
    char buf[16384];
    const char *raw = get_raw(st, i, buf, sizeof buf);
    m->ev = (uint32_t)i;
    m->content = bytes_hash(raw, e->len);
    uint8_t kind = (uint8_t)e->kind;
    m->shape = ct_hash64(&kind, 1);
    cJSON *rec = cJSON_ParseWithLength(raw, e->len);
    free_raw(raw, buf, st, i);
    if (!rec) return;
    /* the set of top-level keys, in any order */
    uint64_t keys = 0;
    for (const cJSON *c = rec->child; c; c = c->next)
        if (c->string) keys += ct_hash64(c->string, strlen(c->string));
    m->shape ^= keys;
    if (is_gcp(st, e)) {
        /* insertId is unique only with timestamp and logName (Filebeat
         * keeps logName as log.logger) */
        const char *ln = ct_json_str(rec, "logName");
        if (!ln) ln = ct_json_str(rec, "log.logger");
        if (!ln) {
            const cJSON *lg = cJSON_GetObjectItemCaseSensitive(rec, "log.logger");
            ln = cJSON_IsString(lg) ? lg->valuestring : NULL;
        }
        uint64_t h = ct_hash64("gcp", 4);
        h = ct_hash64_more(h, &e->ts, sizeof e->ts);
        m->content = ln ? ct_hash64_more(h, ln, strlen(ln)) : h;
    }
    cJSON_Delete(rec);
}

static int64_t dt(const ct_event *a, const ct_event *b)
{
    if (a->ts == CT_TIME_NONE || b->ts == CT_TIME_NONE) return a->ts == b->ts ? 0 : INT64_MAX;
    return a->ts > b->ts ? a->ts - b->ts : b->ts - a->ts;
}

static int agree(const ct_store *st, const ct_event *a, const ct_event *b, enum ct_ef f)
{
    uint32_t x = ct_event_sid(st, a, f), y = ct_event_sid(st, b, f);
    return !x || !y || x == y;
}

/* another export shape of the same record */
static int same_record_shape(const ct_store *st, const member *a, const member *b)
{
    if (a->shape == b->shape) return 0;
    const ct_event *x = &st->ev[a->ev], *y = &st->ev[b->ev];
    if (x->si[CT_EF_ACTION] != y->si[CT_EF_ACTION] || dt(x, y) > SAME_TIME_MS) return 0;
    if (is_gcp(st, x) && a->content != b->content) return 0; /* its own identity says no */
    return agree(st, x, y, CT_EF_ACTOR_ID) && agree(st, x, y, CT_EF_TARGET_ID) && agree(st, x, y, CT_EF_CRED_ID);
}

static int same_key(const ct_store *st, const ct_event *a, const ct_event *b)
{
    if (a->si[CT_EF_DATASET] != b->si[CT_EF_DATASET]) return 0;
    return !strcmp(ct_event_rid(st, a), ct_event_rid(st, b));
}

static uint32_t add_member(struct ct_dedupe *d, const member *m, uint32_t next)
{
    if (d->nm == d->mcap) {
        d->mcap = d->mcap ? d->mcap * 2 : 16;
        d->m = ct_xrealloc(d->m, d->mcap * sizeof *d->m);
    }
    d->m[d->nm] = *m;
    d->m[d->nm].next = next;
    return (uint32_t)d->nm++;
}

static uint64_t exact_key(uint64_t key, uint64_t content)
{
    uint64_t h = ct_hash_mix(key, (const char *)&content, sizeof content);
    return ct_hash_end(h);
}

int ct_store_dedupe(ct_store *st, size_t i, uint64_t key)
{
    if (!key || !ct_event_sid(st, &st->ev[i], CT_EF_RECORD_ID)) return 0;
    ct_store_dedupe_reserve(st, 1);
    struct ct_dedupe *d = st->dd;
    uint64_t hp = E_HASH(key);
    size_t j = key_slot(hp, d->cap);
    for (; d->tab[j]; j = j + 1 == d->cap ? 0 : j + 1) {
        uint64_t ent = d->tab[j];
        if (E_PART(ent) != hp) continue;
        uint32_t idx = (uint32_t)ent;
        uint32_t head = ent & E_MEMBER ? idx : UINT32_MAX;
        uint32_t first_ev = ent & E_MEMBER ? d->m[idx].ev : idx;
        if (!same_key(st, &st->ev[first_ev], &st->ev[i])) continue;
        /* the key repeats: compare contents */
        if (head == UINT32_MAX) {
            member m0;
            describe(st, first_ev, &m0);
            exact_add(d, exact_key(key, m0.content));
            head = add_member(d, &m0, UINT32_MAX);
            d->tab[j] = E_MEMBER | (hp << 32) | head;
        }
        member m;
        describe(st, i, &m);
        if (!exact_add(d, exact_key(key, m.content))) return 1;
        size_t walked = 0;
        for (uint32_t k = head; k != UINT32_MAX && walked < CHAIN_MAX; k = d->m[k].next, walked++)
            if (same_record_shape(st, &d->m[k], &m)) return 1;
        /* a different record sharing the id: kept, and every one of them
         * marked so its alerts are told apart by content (alerts.c) */
        int fresh = 1;
        for (uint32_t k = head; k != UINT32_MAX; k = d->m[k].next) {
            if (st->ev[d->m[k].ev].flags & CT_EVF_SHARED_ID) fresh = 0;
            st->ev[d->m[k].ev].flags |= CT_EVF_SHARED_ID;
            if (!fresh) break; /* the older ones were marked with it */
        }
        if (fresh) st->stats.shared_ids++;
        st->ev[i].flags |= CT_EVF_SHARED_ID;
        d->tab[j] = E_MEMBER | (hp << 32) | add_member(d, &m, head);
        return 0;
    }
    d->tab[j] = (hp << 32) | (uint32_t)i;
    d->n++;
    return 0;
}
