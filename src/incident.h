/* incident: related alerts folded into one incident, scored from evidence
 * (docs/INCIDENTS.md).
 *
 * Alerts fold into one incident when
 *   - they are the same change seen by several sources (change.h: the Entra
 *     record and its Microsoft 365 copy, an Elastic alert of its source), or
 *     the same event matched by several rules;
 *   - one used a credential the other's event created (alice's key for bob ->
 *     bob's GetFederationToken and CreateKeyPair made with that key);
 *   - they share an identity closely in time: the same actor within
 *     CT_INCIDENT_ACTOR_GAP, the same target within CT_INCIDENT_ACTOR_GAP, or
 *     the target of one acting as the actor of the other within
 *     CT_INCIDENT_TARGET_ACTS after it.
 * Identity links never go through a shared identity (an actor or target that
 * has alerts with more than CT_INCIDENT_HUB_PEERS distinct counterparts: a
 * first-party app, an automation account) nor through a routine pair (the
 * same actor adding credentials to the same target on a regular schedule):
 * those alerts join only by their change and by credentials.
 *
 * Each incident gets a score from named factors (one weights table,
 * ct_incident_factor_info) and a severity that escalates from it.
 *
 * Built once over a session's alerts; indexes are into that ct_alerts and
 * stay valid while the alerts array is not re-sorted or grown (rebuild after
 * progressive loading finishes). Statuses follow decisions through
 * ct_incidents_refresh (cheap). */
#ifndef CT_INCIDENT_H
#define CT_INCIDENT_H
#include <stdatomic.h>
#include "alerts.h"
#include "corr.h"
#include "entity.h"
#include "store.h"

#define CT_INCIDENT_ACTOR_GAP (60LL * 60 * 1000)        /* same actor / same target: 1 h */
#define CT_INCIDENT_TARGET_ACTS (24LL * 60 * 60 * 1000) /* the target acts within 24 h */
#define CT_INCIDENT_HUB_PEERS 8

/* The evidence factors, in the order of the weights table. */
typedef enum ct_factor {
    CT_FACTOR_SEVERITY,      /* the highest rule severity among its alerts */
    CT_FACTOR_KEY_USED,      /* "key used 17 min later" */
    CT_FACTOR_NEW_IP_APP,    /* "from an IP never seen for this app" */
    CT_FACTOR_OWNER_FIRST,   /* "actor added himself as owner first" */
    CT_FACTOR_CRED_CALLS,    /* "credential-creating calls with the new key" */
    CT_FACTOR_OFF_HOURS,     /* "outside the actor's hours" */
    CT_FACTOR_FIRST_CHANGE,  /* "first time this actor changed this app" */
    CT_FACTOR_ACTOR_NEW_IP,  /* "actor's IP first seen shortly before" */
    CT_FACTOR_ROUTINE,       /* "routine rotation": negative */
    CT_FACTOR__COUNT
} ct_factor;

typedef struct ct_factor_info {
    const char *name;        /* stable key: "key_used", "new_ip_for_app", ... */
    const char *label;       /* what it means, for docs and help */
    int weight;              /* points (CT_FACTOR_KEY_USED, SEVERITY: the largest) */
} ct_factor_info;
const ct_factor_info *ct_incident_factor_info(ct_factor f);

typedef struct ct_incident_reason {
    ct_factor factor;
    int points;              /* what it added (negative for routine) */
    char text[160];          /* the evidence: "key used 17 min later (02:31:02Z)"; log
                                text in it is raw: sanitize before display */
    size_t alert;            /* the alert it was found on (index into ct_alerts) */
} ct_incident_reason;

/* Why two alerts are in one incident. */
typedef enum ct_link_kind {
    CT_ILINK_SAME_CHANGE,    /* one change, several sources or rules */
    CT_ILINK_CREDENTIAL,     /* b used the credential a created */
    CT_ILINK_SAME_ACTOR,     /* same actor within the gap */
    CT_ILINK_SAME_TARGET,    /* same target within the gap */
    CT_ILINK_TARGET_ACTS,    /* a's target is b's actor, b after a */
} ct_link_kind;
const char *ct_incident_link_name(ct_link_kind k); /* "same_change", "credential", ... */

typedef struct ct_incident_link {
    ct_link_kind kind;
    size_t a, b;             /* alert indexes */
} ct_incident_link;

typedef struct ct_incident_entity {
    ct_role role;            /* actor, target, credential_made, or named (a new owner) */
    ct_ent_kind kind;
    uint32_t ident;          /* entity.h number (0: not numbered) */
    const char *id, *name;   /* as the record writes them (store strings, raw) */
    uint32_t shared_peers;   /* an actor or target with alerts involving more than
                                CT_INCIDENT_HUB_PEERS others: how many (a shared
                                identity, not used to join alerts); else 0 */
} ct_incident_entity;

typedef struct ct_incident {
    char id[21];             /* "INC-" + the first 12 digits of its earliest alert's id */
    size_t *alerts;          /* alert indexes, time order */
    size_t nalerts;
    size_t lead;             /* the alert to title it by (highest severity, then earliest) */
    int64_t first_ts, last_ts;
    int score;               /* 0..100 */
    const char *severity;    /* "low", "medium", "high", "critical" */
    ct_status status;        /* open when any alert is open, else the status all share */
    int mixed;               /* closed alerts with different statuses (status is then the lead's) */
    ct_incident_reason *reasons; /* score factors, highest points first */
    size_t nreasons;
    ct_incident_link *links; /* a spanning set: what joined each alert */
    size_t nlinks;
    ct_incident_entity *entities; /* distinct actors, targets, created credentials, new owners */
    size_t nentities;
} ct_incident;

typedef struct ct_incidents {
    ct_incident *v;          /* by score (highest first), then newest first, then id */
    size_t n;
    size_t *of_alert;        /* alert index -> incident index */
    size_t nalerts;
} ct_incidents;

/* Build the incidents of alerts over st with the correlation index c
 * (required: the session must not have been opened with no_index).
 * window_ms: the correlation window each side (< 0: default). 0, or -1
 * without an index. */
int ct_incidents_build(const ct_store *st, const ct_alerts *alerts, const ct_corr *c, int64_t window_ms,
                       ct_incidents *out);

/* The same grouping for a caller on another thread (the console groups while
 * the analyst browses): reads only what does not change after the load (the
 * store, the index, the alerts' events, times, rules, severities and ids),
 * never the statuses, which the caller gives with ct_incidents_refresh.
 * ctl may be NULL; else done / total say how far it got (incidents scored)
 * and setting stop ends it early (-1, out empty). */
typedef struct ct_incidents_ctl {
    atomic_int stop;
    atomic_size_t done, total;
} ct_incidents_ctl;
int ct_incidents_group(const ct_store *st, const ct_alerts *alerts, const ct_corr *c, int64_t window_ms,
                       ct_incidents_ctl *ctl, ct_incidents *out);
void ct_incidents_free(ct_incidents *in);
/* Re-derive each incident's status from its alerts (after a decision). */
void ct_incidents_refresh(ct_incidents *in, const ct_alerts *alerts);
/* By id ("INC-..." in full or a unique prefix of at least 8 characters,
 * case-insensitive); NULL if none or ambiguous. */
ct_incident *ct_incidents_find(const ct_incidents *in, const char *id);
/* The incident holding alert index i. */
ct_incident *ct_incidents_of_alert(const ct_incidents *in, size_t i);

/* One `incidents --json` line: id, score, severity, status, first/last time,
 * alerts (id, rule, status, time), entities, reasons, links. */
cJSON *ct_incident_json(const ct_store *st, const ct_alerts *alerts, const ct_incident *inc);

#endif
