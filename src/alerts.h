/* alerts: rules run over the events, plus alerts imported from Elastic alert
 * documents. An alert id is stable: the same input gives the same id. */
#ifndef CT_ALERTS_H
#define CT_ALERTS_H
#include "rules.h"
#include "store.h"

typedef enum ct_status {
    CT_STATUS_OPEN = 0,
    CT_STATUS_ACKNOWLEDGED,
    CT_STATUS_FALSE_POSITIVE,
    CT_STATUS_REMEDIATED,
    CT_STATUS_SUPPRESSED, /* matched a live exception and has no decision of its own */
    CT_STATUS__COUNT
} ct_status;
const char *ct_status_name(ct_status s); /* "open", "acknowledged", "false_positive", "remediated", "suppressed" */
int ct_status_parse(const char *s, ct_status *out);

typedef enum { CT_ORIGIN_RULE = 0, CT_ORIGIN_ELASTIC } ct_origin;

/* Severity order for sorting: low < medium < high < critical. */
int ct_severity_rank(const char *severity);

/* 128 bytes: an alert is its event's index, its rule and the rule's strings
 * (not copies), a few small fields (its seq: 8 bytes of the 128), and
 * pointers for what few alerts have. */
typedef struct ct_alert {
    char id[17];             /* 16 hex digits */
    uint8_t status;          /* ct_status */
    uint8_t origin;          /* ct_origin */
    uint8_t tagged;          /* UI selection */
    uint32_t seq;            /* the order it was added to its list in (ct_alerts_number):
                              * stays with the alert when the list is sorted or merged */
    uint32_t event;          /* index in store->ev: the matching event, or the alert document */
    int64_t ts;              /* the source event's time (original_time for Elastic alerts) */
    const ct_rule *rule;     /* NULL for an imported alert whose rule is not known here */
    const char *rule_id, *rule_name, *severity; /* owned by the rule or the store pool */
    const char *elastic_status; /* kibana.alert.workflow_status of an imported alert (or of the
                                   Elastic alert merged into this one) */
    const char *elastic_user;   /* kibana.alert.workflow_user: who acknowledged or closed it there */
    char *suppressed_by;     /* item_id of the exception that suppresses it (owned) */
    char *decision_by;       /* analyst of the latest decision, if any (owned) */
    /* an ES|QL rule's alert: the row it returned and the events it stands for
     * (for an aggregating rule, every event its group counted; event is the
     * latest of them). NULL / 0 for KQL and imported alerts. (owned) */
    cJSON *esql_row;
    uint32_t *evidence;
    uint32_t nevidence;
    int32_t risk_score;
} ct_alert;

typedef struct ct_alerts {
    ct_alert *v;
    size_t n;
    uint32_t nseq;           /* seqs given so far: every seq is below it */
} ct_alerts;

/* Give v[from, n) the next seqs (progressive loading: the console keeps its
 * order across steps by them). */
void ct_alerts_number(ct_alerts *a, size_t from);
/* Sort v[from, n) by time, then id; alerts equal in both keep their order. */
void ct_alerts_sort(ct_alerts *a, size_t from);
/* The same on v[0, n), on this thread only (the scan's chunks). */
void ct_alerts_sort_run(ct_alert *v, size_t n);
/* An alert id: the hash as 16 lower-case hex digits. */
void ct_alert_hex_id(uint64_t h, char id[17]);
/* v[0, from) and v[from, n) each in order (time, then id): one ordered list,
 * moving only the alerts that must move (new alerts come mostly later).
 * Returns the first index whose alert changed (v[0, it) stayed where it was). */
size_t ct_alerts_merge_tail(ct_alerts *a, size_t from);

/* Run every rule over every event (pre-filtered by dataset and action so a
 * document is only rebuilt for events some rule may match), and import the
 * Elastic alert documents of the store. Sorted by time, then id. */
int ct_scan(const ct_store *st, const ct_ruleset *rs, ct_alerts *out);
/* The parts of ct_scan, for a store that grows (progressive loading): the
 * KQL rule alerts of events [from, to) into out (reset first; sorted by time,
 * then id, alerts equal in both in event order; their statuses open); once every event is loaded, the ES|QL rules' alerts
 * (ct_scan_esql, over the whole store); then, the pieces appended together,
 * import the Elastic alerts, sort, merge duplicates. Same result as ct_scan.
 * ct_scan_finish: out->v[0, nsorted) is in order already (the console keeps
 * it so), the rest is sorted and merged into it; imported alerts get seqs. */
void ct_scan_events(const ct_store *st, const ct_ruleset *rs, size_t from, size_t to,
                    ct_alerts *out);
void ct_scan_finish(const ct_store *st, const ct_ruleset *rs, ct_alerts *out, size_t nsorted);
/* Evaluate rs's rules while st loads (on the trees the full path builds
 * anyway), so the scan skips rebuilding those records: the same alerts,
 * sooner. Call before loading; rs must outlive st's scans. */
void ct_scan_prepare(ct_ruleset *rs, ct_store *st);
/* The rule bits of a record the fast path just took (fx, on these bytes), for
 * the rules prepared by ct_scan_prepare: 1 with *bits set, 0 when left to the
 * scan (not an ECS document, or a tree that could not be built). The hook
 * ct_scan_prepare gives the store; public for the equivalence tests. */
int ct_scan_eval_fast(const ct_ruleset *rs, const char *p, size_t len, const ct_fast *fx, uint32_t *bits);
void ct_alerts_free(ct_alerts *a);
/* alerts_esql.c: the ES|QL rules of rs over the whole store, one alert per
 * row (appended to out, *cap its capacity); a rule that fails to run is
 * reported through diag ("rules/...: message") and raises nothing. */
/* The alert's document for its guide and views: its event's document, plus
 * an ES|QL alert's row, each column at its dotted name ({{Esql.count}}).
 * The caller frees it. */
cJSON *ct_alert_doc(const ct_store *st, const ct_alert *a);
void ct_scan_esql(const ct_store *st, const ct_ruleset *rs, ct_alerts *out, size_t *cap, ct_diag_fn diag,
                  void *ctx);
/* By full id or a unique prefix (at least 4 digits); NULL if none or ambiguous. */
ct_alert *ct_alerts_find(const ct_alerts *a, const char *id);
/* One `scan --json` line: id, rule_id, rule_name, severity, risk_score,
 * timestamp, actor, target, credential, status, origin, event{file,line}. */
cJSON *ct_alert_json(const ct_store *st, const ct_alert *a);
/* Entity objects as in `events --json` ("actor", "target", "credential"). */
cJSON *ct_alert_entity_json(const ct_store *st, const ct_alert *a, const char *which);

#endif
