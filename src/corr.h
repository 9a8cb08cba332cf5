/* corr: correlation of an alert with the loaded events, by the definitions of
 * docs/CORRELATION.md, over the typed entities of entity.h and the changes of
 * change.h (one change, one event). With W the window each side of the alert:
 *   same_target       events in W whose target is the alert's target, or whose
 *                     actor is (the target acts: its sign-ins and calls), plus
 *                     the credential usage;
 *   same_actor        events in W whose actor is the alert's actor, sign-ins
 *                     included;
 *   credential_usage  events in W that authenticated with the credential the
 *                     alert's event created, alerts and credential-creating
 *                     calls included;
 *   related_alerts    other alerts in W whose actor or target is the alert's
 *                     actor or target, or whose event used the created
 *                     credential.
 * Timelines list each change once (by the export standing for it, with the
 * alert's own change in them). The index is built once (linear in the events
 * but for one sort); a query reads a few time-ordered lists. */
#ifndef CT_CORR_H
#define CT_CORR_H
#include "alerts.h"
#include "change.h"
#include "entity.h"
#include "store.h"

typedef struct ct_corr ct_corr;

#define CT_CORR_DEFAULT_WINDOW (7LL * 86400 * 1000) /* each side of the alert */

/* Build the index over st: entities, changes, time-ordered lists. */
ct_corr *ct_corr_build(const ct_store *st);
void ct_corr_free(ct_corr *c);
/* The entity model and the change groups the index was built with. */
const ct_entities *ct_corr_entities(const ct_corr *c);
const ct_changes *ct_corr_changes(const ct_corr *c);

typedef struct ct_cred_usage {
    size_t *events;          /* events that authenticated with the credential, time order */
    size_t n;
    int64_t first_use;       /* CT_TIME_NONE if none */
    size_t failures;
    char **ips;              /* distinct source IPs (owned copies), first-seen order */
    size_t nips;
    char **user_agents;      /* distinct user agents */
    size_t nuas;
} ct_cred_usage;

typedef struct ct_corr_result {
    /* event indexes in time order within the window, one per change (owned) */
    size_t *same_target;
    size_t nsame_target;
    size_t *same_actor;
    size_t nsame_actor;
    ct_cred_usage usage;
    size_t *related_alerts;  /* indexes into the ct_alerts given, time order */
    size_t nrelated;
    int actor_changed_target_before; /* this actor added a credential to this target earlier */
    size_t prior_changes;    /* how many such earlier changes (each counted once) */
    size_t distinct_actors;  /* distinct actors that ever added credentials to this target */
    size_t self_event;       /* the event standing for the alert's change (marked in timelines) */
    int64_t window_from, window_to;
    uint32_t actor, target, credential; /* the entities asked about (entity.h numbers), 0 none */
} ct_corr_result;

/* Correlate one alert; window_ms each side (CT_CORR_DEFAULT_WINDOW when
 * negative). alerts may be NULL (no related alerts). */
int ct_corr_alert(const ct_corr *c, const ct_alert *a, const ct_alerts *alerts, int64_t window_ms,
                  ct_corr_result *out);
void ct_corr_result_free(ct_corr_result *r);
/* Index alerts by their entities, so ct_corr_alert finds related alerts
 * without walking every alert. Used while ct_corr_alert is given the same
 * array with the same count (else it walks them all); call again after
 * alerts are added, removed or moved. */
void ct_corr_index_alerts(ct_corr *c, const ct_alerts *alerts);
/* The same in two parts: built apart, reading c and the alerts only (the
 * console's loader, without its lock), then put in place (with it). */
typedef struct ct_corr_alerts ct_corr_alerts;
ct_corr_alerts *ct_corr_alerts_build(const ct_corr *c, const ct_alerts *alerts);
void ct_corr_alerts_set(ct_corr *c, ct_corr_alerts *x);
/* The number of distinct changes in same_target, same_actor and the usage,
 * the alert's own included: what the console's queue shows for every alert
 * (no allocation; at most the size of those lists). */
size_t ct_corr_count(const ct_corr *c, const ct_alert *a, int64_t window_ms);

/* The parts of one alert's correlation, each on demand and without copies
 * where the index holds them: the same lists in the same order as
 * ct_corr_alert's (incident scoring reads a few of them for 230k alerts). */
typedef struct ct_corr_q {
    size_t ev, self;           /* the alert's event, the event standing for its change */
    int64_t ts, from, to, self_ts;
    uint32_t actor, target, made;
} ct_corr_q;
typedef struct ct_corr_scratch {
    size_t *v;                 /* reused from query to query; free(v) at the end */
    size_t cap;
} ct_corr_scratch;
int ct_corr_q_init(const ct_corr *c, const ct_alert *a, int64_t window_ms, ct_corr_q *q);
/* usage.events, as a view into the index */
size_t ct_corr_q_usage(const ct_corr *c, const ct_corr_q *q, const uint32_t **ev);
/* same_actor, into b->v */
size_t ct_corr_q_same_actor(const ct_corr *c, const ct_corr_q *q, ct_corr_scratch *b);
/* every change entity k acted in, in (time, event) order (a change filed
 * twice is there twice, side by side): what same_actor takes its window of */
size_t ct_corr_acts_of(const ct_corr *c, uint32_t k, const uint32_t **v);
/* the events of same_target whose time is before `before`, in its order, into b->v */
size_t ct_corr_q_same_target_before(const ct_corr *c, const ct_corr_q *q, int64_t before, ct_corr_scratch *b);
/* actor_changed_target_before */
int ct_corr_q_changed_before(const ct_corr *c, const ct_corr_q *q);

#endif
