/* exceptions: rule exceptions as Kibana exception list items.
 *
 * A file exceptions/<rule stem>/<item_id>.json in the rules repo holds one
 * item: {item_id, list_id, rule_id, type "simple", name, description,
 * entries[], expire_time?, comments[], created_by, created_at, tags,
 * namespace_type, os_types}. Entries are {field, operator included|excluded,
 * type match|match_any|wildcard|exists|nested, value} (nested: "entries"
 * instead of "value").
 *
 * Applied as Kibana applies them: the entries of one item are ANDed, the
 * items of a rule are ORed, `excluded` negates its entry (so it holds when the
 * field is absent), and an item whose expire_time has passed no longer applies.
 * Each item is compiled to one KQL query (match -> f:"v", match_any ->
 * f:("a" or "b"), wildcard -> f:v* unquoted, exists -> f:*, excluded ->
 * not (...), nested -> f:{...}) evaluated by ct_kql_match. */
#ifndef CT_EXCEPTIONS_H
#define CT_EXCEPTIONS_H
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include "alerts.h"
#include "kql.h"
#include "rules.h"
#include "store.h"
#include "util.h"

typedef enum ct_exc_type {
    CT_EXC_MATCH = 0,
    CT_EXC_MATCH_ANY,
    CT_EXC_WILDCARD,
    CT_EXC_EXISTS,
    CT_EXC_NESTED,
} ct_exc_type;
const char *ct_exc_type_name(ct_exc_type t); /* "match", "match_any", ... */

typedef struct ct_exc_entry {
    char *field;
    ct_exc_type type;
    int excluded;                 /* operator "excluded" */
    char **values;                /* match/wildcard: 1; match_any: >= 1; exists/nested: 0 */
    size_t nvalues;
    struct ct_exc_entry *sub;     /* nested: the entries inside (ANDed) */
    size_t nsub;
} ct_exc_entry;

typedef struct ct_exc_comment {
    char *comment, *created_by, *created_at;
} ct_exc_comment;

typedef struct ct_exc_item {
    char *item_id, *list_id, *rule_id, *name, *description;
    ct_exc_entry *entries;
    size_t nentries;
    int64_t expire;               /* ms UTC, CT_TIME_NONE: never */
    ct_exc_comment *comments;
    size_t ncomments;
    char *created_by, *created_at;
    char **tags;
    size_t ntags;
    char *namespace_type;         /* "single" */
    /* not serialized */
    char *stem;                   /* rule stem (the exceptions/<stem>/ folder) */
    char *path;                   /* file relative to the repo root, when loaded */
    char *query;                  /* compiled KQL */
    ct_kql *kql;
} ct_exc_item;

void ct_exc_entry_free(ct_exc_entry *e);
void ct_exc_item_free(ct_exc_item *it);

/* Parse and validate an item object (Kibana extra keys such as id, _version,
 * tie_breaker_id, updated_* are ignored) and compile it. 0, or -1 + reason. */
int ct_exc_from_json(const cJSON *j, ct_exc_item *out, ct_sbuf *err);
/* The repo file object, keys in the fixed order above. */
cJSON *ct_exc_to_json(const ct_exc_item *it);
/* Pretty JSON with a trailing newline (malloc'd). */
char *ct_exc_to_file(const ct_exc_item *it);
/* (Re)build it->query and it->kql from the entries. 0, or -1 + reason
 * (no entries, an empty field, a value-less match...). The entries' fields and
 * values are first put in the form the repo file holds (invalid UTF-8 as
 * U+FFFD, ct_json_written_copy's rule), so an item built from an event matches
 * as the one read back from its file does. */
int ct_exc_compile(ct_exc_item *it, ct_sbuf *err);
/* One entry as KQL, appended to out. */
void ct_exc_entry_kql(const ct_exc_entry *e, ct_sbuf *out);
/* One entry for people: `field is "v"`, `field is one of "a", "b"`,
 * `field matches v*`, `field exists`, `not ...` (raw, unsanitized). */
void ct_exc_entry_describe(const ct_exc_entry *e, ct_sbuf *out);

int ct_exc_expired(const ct_exc_item *it, int64_t now_ms);
/* 1 when doc matches the item and it has not expired at now_ms. doc's strings
 * are compared in the written form (invalid UTF-8 as U+FFFD), as the item's
 * are: an exception on a value holding invalid UTF-8 still matches the raw
 * event after the repo round trip. doc itself is not changed. */
int ct_exc_match(const ct_exc_item *it, const cJSON *doc, int64_t now_ms);

/* The items of a repo. */
typedef struct ct_exc_set {
    ct_exc_item *v;
    size_t n;
} ct_exc_set;
void ct_exc_set_free(ct_exc_set *s);
/* Load every exceptions/<stem>/<file>.json under root. A file that is not a
 * valid item (or whose name is not its item_id) is reported through diag as
 * "FILE: reason" and skipped; returns the number of such problems. */
size_t ct_exc_load(const char *root, ct_exc_set *out, ct_diag_fn diag, void *ctx);
/* Does the item belong to the rule (rule_id, else the folder stem)? */
int ct_exc_for_rule(const ct_exc_item *it, const char *rule_id, const char *stem);
/* The first live item of the rule that matches doc, or NULL. */
const ct_exc_item *ct_exc_set_match(const ct_exc_set *s, const char *rule_id, const char *stem,
                                    const cJSON *doc, int64_t now_ms);

/* Repo path of an item: exceptions/<stem>/<item_id>.json (sanitized names). */
void ct_exc_path(const char *stem, const char *item_id, ct_sbuf *out);
/* "<stem>-exceptions" */
void ct_exc_list_id(const char *stem, ct_sbuf *out);

/* Kibana exception list export (NDJSON): for each rule with items one
 * rule_default list line, its items, then the summary line. Deterministic. */
int ct_exc_export(const ct_exc_set *s, const ct_ruleset *rs, FILE *out);
/* Read a Kibana export: every item is tied to a rule (its rule_id, else the
 * list's "<stem>-exceptions" id, else the list name "Exceptions for rule -
 * NAME", else force_rule when given) and gets stem/rule_id/list_id set.
 * A line that cannot be used is an error "FILE:LINE: reason" (all are
 * reported; -1 when any). */
int ct_exc_import(const char *path, const ct_ruleset *rs, const char *force_rule,
                  ct_exc_set *out, ct_sbuf *err);

/* Now, ms UTC. */
int64_t ct_exc_now(void);

/* The items loaded by the last ct_triage_apply of a session (triage.c). */
struct ct_session;
const ct_exc_set *ct_triage_exceptions(const struct ct_session *s);
const ct_exc_item *ct_triage_exception(const struct ct_session *s, const char *item_id);
/* The alert's value of an ECS field (dotted path as in its `events --json`
 * document, array indexes left out; credtriage.* too), malloc'd, or NULL. */
char *ct_triage_field_value(struct ct_session *s, const ct_alert *a, const char *field);

#endif
