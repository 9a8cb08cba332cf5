/* rules: detection rules (Kibana rule export shape, KQL) and their guides,
 * loaded from a root holding rules/<provider>/<stem>.json and guides/<stem>.md. */
#ifndef CT_RULES_H
#define CT_RULES_H
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include "esql.h"
#include "fastscan.h"
#include "kql.h"
#include "repofs.h"
#include "store.h"

typedef struct ct_rule {
    char *rule_id, *name, *description, *severity, *query;
    int risk_score;
    char *stem;        /* file name without .json: names the guide and the exceptions folder */
    char *provider;    /* the rules/<provider>/ folder */
    char *path;        /* relative to the root: rules/<provider>/<stem>.json */
    char *guide;       /* Markdown: guides/<stem>.md, else the rule's "note"; NULL if none */
    char *guide_path;  /* relative path of the guide file, NULL if from note / none */
    cJSON *json;       /* the rule file as loaded (export writes it back) */
    ct_kql *kql;       /* a KQL rule's query; NULL for an ES|QL rule */
    ct_esql *esql;     /* an ES|QL rule's query ("language": "esql"); NULL for KQL */
    /* pre-filter derived from the query: NULL = no constraint */
    uint32_t *datasets, *actions; /* interned in the store pool used by ct_rules_bind */
    size_t ndatasets, nactions;
    int match_none;    /* the query can never match (an empty required set) */
    /* verdicts per (dataset, action) pair seen in the store: can an event
     * with that dataset and action match at all? (wildcards, negations) */
    uint64_t *pair_keys; /* (dataset id << 32 | action id) + 1; 0 = empty slot */
    uint8_t *pair_may;
    size_t pair_cap;
    /* raw-bytes pre-filter: for fields whose value the normalizer copies
     * verbatim from the record, the record must contain one of each group's
     * literal values (see ct_rule_raw_may_match) */
    char **raw_terms[4];
    size_t nraw_terms[4];
    size_t nraw_groups;
    uint32_t raw_dataset; /* the dataset those fields belong to (pool id) */
    /* evaluated while loading (ct_rules_prepare_load): the rule reads nothing
     * under "credtriage", so the loader's tree will do; its dataset and
     * action pre-filter as folded strings (no pool exists yet) */
    int at_load;
    char **load_ds, **load_act; /* NULL: no constraint */
    size_t nload_ds, nload_act;
    int load_none;
    char **load_raw[4];          /* the raw pre-filter's groups, likewise */
    size_t nload_raw_terms[4], nload_raw;
} ct_rule;

typedef struct ct_ruleset {
    ct_rule *v;
    size_t n;
    char *root;
    uint64_t stamp;    /* distinct per ct_rules_load: verdicts made with another set are void */
    ct_fast_prune load_prune; /* the fields the rules evaluated at load read (alerts.c) */
} ct_ruleset;

/* Load every rules/ * / *.json under root. A bad file is reported through diag
 * ("FILE: reason") and skipped; returns the number of such problems. */
int ct_rules_load(const char *root, ct_ruleset *out, ct_diag_fn diag, void *ctx);
void ct_rules_free(ct_ruleset *rs);
/* By rule_id, else by stem, else by exact name. */
const ct_rule *ct_rules_find(const ct_ruleset *rs, const char *key);
/* Where the shipped rules are: next to the binary when run from the build
 * tree (<dir of exe>/.. holding rules/), else CT_DATADIR. */
int ct_rules_shipped_root(ct_sbuf *out);
/* Compute the pre-filter ids against st's pool (call after loading events). */
void ct_rules_bind(ct_ruleset *rs, ct_store *st);
/* Could rule r match event e, judging by dataset and folded action only? */
int ct_rule_may_match(const ct_rule *r, const ct_event *e);
/* Could it, judging by the record's bytes (raw, len)? 1 when r has no raw
 * pre-filter, when e is not of its dataset, or when the record uses \u
 * escapes (then the bytes prove nothing). */
int ct_rule_raw_may_match(const ct_rule *r, const ct_event *e, const char *raw, size_t len);

/* The scan's verdict per (dataset, action) pair (ct_rules_bind) for a KQL
 * rule, from the strings: 0 when no event with them can match. Thread-safe. */
int ct_rule_pair_may_match_str(const ct_rule *r, const char *dataset, const char *action);
/* ct_rule_raw_may_match for a rule prepared by ct_rules_prepare_load, by
 * the record's dataset as a string. Thread-safe. */
int ct_rule_raw_may_match_str(const ct_rule *r, const char *dataset, const char *raw, size_t len);

/* At most this many rules are evaluated while loading (ct_event.rules). */
#define CT_RULES_AT_LOAD 32
/* Decide which rules can be evaluated on the loader's tree and their string
 * pre-filters. Single-threaded, before loading. Returns how many can. */
size_t ct_rules_prepare_load(ct_ruleset *rs);
/* Could an event of this dataset, folded action and kind match r (a rule
 * prepared by ct_rules_prepare_load)? Thread-safe. */
int ct_rule_may_match_str(const ct_rule *r, const char *dataset, const char *action, ct_kind kind);

/* Kibana import/export (NDJSON of rule objects; the guide travels in "note"). */
int ct_rules_import(const char *ndjson_path, const char *root, size_t *imported, ct_sbuf *err);
int ct_rules_export(const ct_ruleset *rs, FILE *out);
/* Pretty JSON with stable key order and a trailing newline, as files in the repo are written. */
char *ct_json_pretty(const cJSON *v);
/* NULL when v reads back from ct_json_pretty's text as it is; else a copy
 * (cJSON_Delete it) that does: each byte of invalid UTF-8 in a string or key
 * U+FFFD, a number that is not finite null. The readers of repo files
 * (decisions, exceptions) parse this, so what they hold is what they write:
 * parse -> write -> parse gives the same thing. */
cJSON *ct_json_written_copy(const cJSON *v);
/* Read (beneath the root, no symlink, size-limited: repofs.h) and parse a repo
 * file; NULL with "cannot read: ..." / "not valid JSON" in err. */
cJSON *ct_json_load(const ct_repofs *fs, const char *rel, ct_sbuf *err);
/* Is name "<sanitized id>.json"? If not, says so in err ("file name does not
 * match <what> ..."). Files in the repo are named from their ids only. */
int ct_json_file_named(const char *name, const char *id, const char *what, ct_sbuf *err);

#endif
