/* corr: correlation of an alert with the loaded events: the same target, the
 * same actor, the use of the added credential, related alerts and history.
 * The index is built once (linear in the events); a query is a lookup. */
#ifndef CT_CORR_H
#define CT_CORR_H
#include "alerts.h"
#include "store.h"

typedef struct ct_corr ct_corr;

#define CT_CORR_DEFAULT_WINDOW (7LL * 86400 * 1000) /* each side of the alert */

/* Build the index over st (actor, target, credential id, source IP). */
ct_corr *ct_corr_build(const ct_store *st);
void ct_corr_free(ct_corr *c);

typedef struct ct_cred_usage {
    size_t *events;          /* sign-ins / API calls that used the credential, time order */
    size_t n;
    int64_t first_use;       /* CT_TIME_NONE if never used */
    size_t failures;
    char **ips;              /* distinct source IPs (owned copies), first-seen order */
    size_t nips;
    char **user_agents;      /* distinct user agents */
    size_t nuas;
} ct_cred_usage;

typedef struct ct_corr_result {
    /* event indexes in time order, within the window: views into the index
     * (valid while the ct_corr lives), so a query copies nothing */
    const size_t *same_target;
    size_t nsame_target;
    const size_t *same_actor;
    size_t nsame_actor;
    ct_cred_usage usage;
    size_t *related_alerts;  /* indexes into the ct_alerts given, same actor or target, not itself */
    size_t nrelated;
    int actor_changed_target_before; /* this actor added a credential to this target earlier in the loaded data */
    size_t prior_changes;    /* how many such earlier credential additions */
    size_t distinct_actors;  /* distinct actors that ever added credentials to this target */
    size_t self_event;       /* the alert's own event (marked in timelines) */
    int64_t window_from, window_to;
    size_t *owned[2];        /* internal: lists that had to be copied */
} ct_corr_result;

/* Correlate one alert; window_ms each side (CT_CORR_DEFAULT_WINDOW). alerts
 * may be NULL (no related alerts). */
int ct_corr_alert(const ct_corr *c, const ct_alert *a, const ct_alerts *alerts, int64_t window_ms,
                  ct_corr_result *out);
void ct_corr_result_free(ct_corr_result *r);
/* Index alerts by actor and target, so ct_corr_alert finds an alert's related
 * alerts without walking every alert (at 10M events, 300k alerts: most of a
 * query's time). Used while ct_corr_alert is given the same array with the
 * same count; call again after alerts are added, removed or moved. */
void ct_corr_index_alerts(ct_corr *c, const ct_alerts *alerts);
/* Number of correlated events (same target + same actor + usage, deduplicated),
 * cheap enough to show in the queue for every alert. */
size_t ct_corr_count(const ct_corr *c, const ct_alert *a, int64_t window_ms);

#endif
