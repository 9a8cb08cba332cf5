/* Events built by hand for the entity and correlation tests: a spec names the
 * fields a record would give (ct_fields), add() interns them into a store.
 * Each test is one translation unit, so these are static; include after
 * <cmocka.h>. */
#ifndef CT_EVSPEC_H
#define CT_EVSPEC_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerts.h"
#include "store.h"

#define MIN (60LL * 1000)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)
static const int64_t T0 = 1717999200000LL; /* 2024-06-10T06:00:00Z */

typedef struct spec {
    int64_t ts;
    const char *dataset, *action, *outcome, *record_id, *change_id;
    const char *actor_id, *actor_id2, *actor_name, *actor_type, *ip, *ua;
    const char *target_id, *target_id2, *target_name, *target_type, *app_id;
    const char *cred_id, *cred_type, *cred_used, *client_app, *named;
    int flags;
    uint8_t kind;
} spec;

static size_t add(ct_store *st, spec s) __attribute__((unused));
static size_t add(ct_store *st, spec s)
{
    if (st->nev == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 64;
        st->ev = ct_xrealloc(st->ev, st->cap * sizeof *st->ev);
    }
    ct_event *e = &st->ev[st->nev];
    memset(e, 0, sizeof *e);
    e->ts = s.ts;
    e->flags = (uint8_t)s.flags;
    e->kind = s.kind;
    e->line = (uint32_t)st->nev + 1;
    ct_pool *p = &st->pool;
    uint32_t ids[CT_EF__COUNT] = {0};
    ids[CT_EF_DATASET] = ct_pool_internz(p, s.dataset);
    ids[CT_EF_ACTION] = ct_pool_internz(p, s.action ? s.action : "Sign-in activity");
    ids[CT_EF_OUTCOME] = ct_pool_internz(p, s.outcome ? s.outcome : "success");
    ids[CT_EF_RECORD_ID] = ct_pool_internz(p, s.record_id);
    ids[CT_EF_CHANGE_ID] = ct_pool_internz(p, s.change_id);
    ids[CT_EF_ACTOR_ID] = ct_pool_internz(p, s.actor_id);
    ids[CT_EF_ACTOR_ID2] = ct_pool_internz(p, s.actor_id2);
    ids[CT_EF_ACTOR_NAME] = ct_pool_internz(p, s.actor_name);
    ids[CT_EF_ACTOR_TYPE] = ct_pool_internz(p, s.actor_type);
    ids[CT_EF_ACTOR_IP] = ct_pool_internz(p, s.ip);
    ids[CT_EF_ACTOR_UA] = ct_pool_internz(p, s.ua);
    ids[CT_EF_TARGET_ID] = ct_pool_internz(p, s.target_id);
    ids[CT_EF_TARGET_ID2] = ct_pool_internz(p, s.target_id2);
    ids[CT_EF_TARGET_NAME] = ct_pool_internz(p, s.target_name);
    ids[CT_EF_TARGET_TYPE] = ct_pool_internz(p, s.target_type);
    ids[CT_EF_TARGET_APP_ID] = ct_pool_internz(p, s.app_id);
    ids[CT_EF_CRED_ID] = ct_pool_internz(p, s.cred_id);
    ids[CT_EF_CRED_TYPE] = ct_pool_internz(p, s.cred_type);
    ids[CT_EF_CRED_USED] = ct_pool_internz(p, s.cred_used);
    ids[CT_EF_CLIENT_APP] = ct_pool_internz(p, s.client_app);
    ids[CT_EF_NAMED] = ct_pool_internz(p, s.named);
    ct_event_set_sids(st, e, ids);
    return st->nev++;
}

static ct_alert mk_alert(const ct_store *st, size_t ev, const char *id) __attribute__((unused));
static ct_alert mk_alert(const ct_store *st, size_t ev, const char *id)
{
    ct_alert a;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "%s", id);
    a.event = ev;
    a.ts = st->ev[ev].ts;
    a.rule_name = "test rule";
    a.severity = "high";
    return a;
}

/* v[0..n) holds exactly the k events of want (in any order given, each once). */
#define SET_EQ(v, n, ...) set_eq((v), (n), (const size_t[]){__VA_ARGS__}, \
    sizeof((const size_t[]){__VA_ARGS__}) / sizeof(size_t), __FILE__, __LINE__)
static void set_eq(const size_t *v, size_t n, const size_t *want, size_t k, const char *file, int line)
    __attribute__((unused));
static void set_eq(const size_t *v, size_t n, const size_t *want, size_t k, const char *file, int line)
{
    int ok = n == k;
    for (size_t i = 0; ok && i < k; i++) {
        size_t seen = 0;
        for (size_t j = 0; j < n; j++) seen += v[j] == want[i];
        ok = seen == 1;
    }
    if (!ok) {
        fprintf(stderr, "%s:%d: got {", file, line);
        for (size_t j = 0; j < n; j++) fprintf(stderr, "%s%zu", j ? ", " : "", v[j]);
        fprintf(stderr, "}, want {");
        for (size_t j = 0; j < k; j++) fprintf(stderr, "%s%zu", j ? ", " : "", want[j]);
        fprintf(stderr, "}\n");
        fail();
    }
}

/* in (time, event) order */
static void assert_time_order(const ct_store *st, const size_t *v, size_t n) __attribute__((unused));
static void assert_time_order(const ct_store *st, const size_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        assert_true(st->ev[v[i - 1]].ts < st->ev[v[i]].ts ||
                    (st->ev[v[i - 1]].ts == st->ev[v[i]].ts && v[i - 1] < v[i]));
}

#endif
