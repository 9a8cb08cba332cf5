/* incident internals shared by incident.c (grouping), incident_score.c
 * (routine pairs and the evidence factors) and incident_json.c. Calls go
 * incident.c -> incident_score.c. Not a public header. */
#ifndef CT_INCIDENT_INT_H
#define CT_INCIDENT_INT_H
#include "incident.h"

typedef struct ct_alert_facts {
    int ok;                    /* its event is loaded */
    int64_t ts;
    size_t canon;              /* the event standing for its change */
    uint32_t actor, target, made, used;
    int ident_links;           /* may link by identity (not routine) */
    int actor_hub, target_hub; /* shared identities: no identity links through them */
    int routine;               /* its (actor, target) pair changes on a regular schedule */
    int routine_changes;       /* how many changes that pair made */
    int64_t routine_period;    /* their median interval */
} ct_alert_facts;

/* The actor's own activity around an alert's change, as read from the
 * correlation's same_actor list (incident_actor.c, one sweep per actor). */
typedef struct ct_actor_facts {
    int ok;                    /* found (the alert has a time and its change a query) */
    uint32_t owner;            /* the first event where the actor made themself owner in the 24 h before, + 1; 0: none */
    uint32_t other_days;       /* events more than 12 h from the change */
    int near;                  /* one of them within an hour of its time of day */
    uint32_t older, ip_older;  /* events more than a day before; of those, from the change's address */
    int64_t ip_first;          /* the time of the first event from the change's address (CT_TIME_NONE: none) */
} ct_actor_facts;

typedef struct ct_incident_facts {
    ct_actor_facts *act;       /* by alert */
    ct_alert_facts *a;
    size_t n;
    uint32_t *hub;             /* by entity number: its distinct counterparts when a shared identity, else 0 */
    unsigned char *asked;      /* by event: its change was scored in the incident at hand */
    ct_corr_scratch *scratch;  /* the correlation lists of the change at hand */
} ct_incident_facts;

/* incident_score.c */
/* The entity in role r of event ev, else of the event standing for its change
 * (an export of the change that names it); 0: none. */
uint32_t ct_incident__role_of(const ct_corr *c, size_t ev, ct_role r);
void ct_incident_routine(ct_incident_facts *F, const ct_store *st, const ct_alerts *alerts, const ct_corr *c);
void ct_incident_score(ct_incident *inc, const ct_incident_facts *F, const ct_store *st, const ct_alerts *alerts,
                       const ct_corr *c, int64_t window_ms);
void ct_incident_facts_free(ct_incident_facts *F);
/* incident_actor.c: F->act for every alert */
void ct_incident_actors(ct_incident_facts *F, const ct_store *st, const ct_alerts *alerts, const ct_corr *c,
                        int64_t window_ms);

#endif
