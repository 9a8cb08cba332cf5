/* corr_int: the correlation index shared by corr.c (building it) and
 * corr_query.c (the per-alert queries). Internal: only corr*.c include it. */
#ifndef CT_CORR_INT_H
#define CT_CORR_INT_H
#include "corr.h"

/* Events (or alerts) per entity, CSR: items[start[k] .. start[k + 1]) in
 * (time, index) order, each change once. */
typedef struct ct_post {
    uint32_t *start; /* nkeys + 2 offsets */
    uint32_t *items;
} ct_post;

struct ct_corr {
    const ct_store *st;
    size_t nev;               /* events indexed (the store must not grow under the index) */
    ct_entities *E;
    ct_changes *C;
    uint32_t nid;             /* entities are 1..nid */
    ct_post acts;             /* entity -> changes it acted in (its own sign-ins and calls) */
    ct_post targeted;         /* entity -> changes that targeted it */
    ct_post used;             /* credential -> changes that authenticated with it */
    ct_post adds;             /* entity -> credential additions that targeted it */
    uint32_t *tdistinct;      /* entity -> distinct actors among its credential additions */
    /* ct_corr_index_alerts: alert indexes by entity and by credential used */
    const ct_alert *ai_v;
    size_t ai_n;
    ct_post alert_party, alert_used;
};

/* An event's entity in a role, falling back to the one of the event standing
 * for its change (an alert document or an M365 copy may name less). */
uint32_t ct_corr_role(const ct_corr *c, size_t ev, ct_role role);
/* The time an alert is placed at: its own, else its event's. */
int64_t ct_corr_alert_ts(const ct_corr *c, const ct_alert *a);

#endif
