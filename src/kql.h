/* kql: Kibana Query Language (KQL) parser and local evaluator over cJSON documents.
 *
 * The parser follows Kibana's grammar (packages/kbn-es-query/src/kuery/grammar/
 * grammar.peggy) rule for rule, including its quirks:
 *   - precedence or < and < not; keywords are case-insensitive; `or`/`and` need
 *     whitespace on both sides, `not` needs whitespace after it;
 *   - unquoted values keep inner spaces and are trimmed (`f:foo bar` is the one
 *     value "foo bar"), and stop before a keyword: `f:a or b` is two values, and
 *     `f:cannot x` is a syntax error exactly as in Kibana ("not " is a keyword);
 *   - `not not a` is a syntax error (NOT applies to a sub-query, not to a NOT);
 *   - unquoted escapes: \t \r \n \uXXXX, \ before any of \():<>"*{} and \or \and
 *     \not (\n wins over \not: `\not` is newline + "ot", as in Kibana);
 *   - quoted phrases: only \t \r \n \uXXXX \\ \" are escapes, any other backslash
 *     is kept as it is; `*` inside quotes is a plain character;
 *   - `*` is the only wildcard (`?` is an ordinary character), in values and in
 *     unquoted field names; unquoted `true`, `false`, `null` are typed literals;
 *   - no flattening: `a and b and c` is one and-node, `(a and b) and c` two.
 * Syntax errors: "column N: expected A, B, C but found "x"" (or "... found end of
 * input"), the expectation set Peggy would report at the furthest failure, using
 * Kibana's names (field name, value, literal, whitespace, AND, OR, NOT). For a
 * multi-line query the text is "line L, column N: ...". Nesting deeper than
 * CT_KQL_MAX_DEPTH parentheses/braces is an error too.
 *
 * Evaluation (local, keyword-field semantics):
 *   - field names are dotted paths; every split into existing keys is tried, so
 *     `a.b.c` finds {"a":{"b":{"c":..}}}, {"a.b.c":..}, {"a":{"b.c":..}};
 *     arrays (of values, or of objects along the path) match when any element does;
 *   - `is`: exact, case-sensitive string equality; a value that reads as a number
 *     also matches JSON numbers of equal value; `true`/`false` (quoted or not)
 *     match booleans; unquoted `null` matches JSON null; an IPv4/IPv6 address or
 *     CIDR value matches IP strings that are equal / inside it (IPv4 is compared
 *     as IPv4-mapped IPv6, as Elasticsearch does); wildcards are case-sensitive
 *     over the string (numbers and booleans are matched as their JSON text);
 *   - free text (no field): any leaf of the document (at any depth) matches the
 *     value with the same rules - exact, NOT analysed full-text search, for a
 *     quoted phrase too; use `*word*` for substrings. Bare `*` = some leaf exists;
 *   - `f:*` exists: present, not null, not an empty array (nor only nulls);
 *   - ranges: numeric when both sides read as numbers, else dates when both
 *     parse as ISO 8601 (ct_time_parse), else byte-wise string comparison; date
 *     math (`now-1d`) is not supported (compared as a string);
 *   - `f:{q}`: q holds within one object element at f (names in q relative to it);
 *   - wildcard field names match every leaf whose full dotted path matches.
 *
 * A ct_kql is immutable after parsing except for ct_kql_required_values' cache;
 * ct_kql_match may run concurrently on one query, ct_kql_required_values may not. */
#ifndef CT_KQL_H
#define CT_KQL_H
#include <cjson/cJSON.h>
#include <stddef.h>
#include "util.h"

#define CT_KQL_MAX_DEPTH 256

typedef struct ct_kql ct_kql;

/* Parse; on error returns NULL and writes "column N: expected X but found Y"
 * text to err (when err/errlen allow). Empty or whitespace-only query (or NULL)
 * matches everything. */
ct_kql *ct_kql_parse(const char *query, char *err, size_t errlen);
void ct_kql_free(ct_kql *q);
/* What a query costs to run on every event: its terms (field: value,
 * field: *, ranges) and its longest field name or value, in bytes. */
void ct_kql_cost(const ct_kql *q, size_t *terms, size_t *longest);

/* 1 when doc matches, 0 when not (also for NULL arguments). */
int ct_kql_match(const ct_kql *q, const cJSON *doc);

/* Canonical form, no trailing newline, appended to out:
 *   (all) (and A B ...) (or A B ...) (not A) (is FIELD VALUE) (exists FIELD)
 *   (range FIELD lt|lte|gt|gte VALUE) (nested FIELD A)
 * FIELD: JSON string, ~JSON string for a wildcard name, * for free text.
 * VALUE: JSON string (unquoted literal), 'JSON-escaped text' (quoted phrase; a
 * single quote inside is not escaped), ~JSON string (wildcard; a literal, escaped
 * `*` inside a wildcard value is written \u002a), or the raw text for numbers,
 * true, false and null. `*:*` and the empty query print (all); bare `*` prints
 * (exists *). */
void ct_kql_explain(const ct_kql *q, ct_sbuf *out);

/* Quote a value as a KQL quoted phrase (escapes \ and "), appended to out. */
void ct_kql_quote(const char *value, ct_sbuf *out);

/* Escape a value as an unquoted KQL literal (special characters, \t \r \n, and
 * the keywords or/and/not where they would be read as keywords), keeping '*'
 * as a wildcard when keep_wildcards is set. Leading/trailing spaces cannot be
 * expressed unquoted (KQL trims them): use ct_kql_quote for such values. */
void ct_kql_escape(const char *value, int keep_wildcards, ct_sbuf *out);

/* Pre-filter support: when every document q can match must have `field` (exact
 * name) equal to one of a finite set of literal strings, returns 1 and sets
 * *values / *n (owned by q, valid while q lives; *n may be 0 = matches nothing).
 * Derived from and/or trees of plain `is` clauses on that field (quoted or not);
 * values that could also match non-identical data (wildcards, numbers, true,
 * false, null, IP addresses/CIDRs) make it return 0. Otherwise returns 0. */
int ct_kql_required_values(const ct_kql *q, const char *field, const char *const **values,
                           size_t *n);

/* One-field pre-filter: 0 when no document whose `field` (exact name, a
 * single string) equals `value` can match q, whatever its other fields; 1
 * when one might. Unlike ct_kql_required_values it decides wildcards,
 * numbers, ranges and negations too. Thread-safe. */
int ct_kql_field_may_match(const ct_kql *q, const char *field, const char *value);

/* Like ct_kql_required_values, for a field written exactly as `field` in the
 * query, wildcard field names included (a.*.b). The values are copies: free
 * each and the array. Not cached; thread-safe. */
int ct_kql_required_values_as_written(const ct_kql *q, const char *field, char ***values,
                                      size_t *n);

/* Could q read the field `prefix` or any field under it (prefix.x...)? 1 for
 * free text, and for a wildcard field name whose literal start allows it.
 * Lets a caller evaluate q on a document lacking that subtree. Thread-safe. */
int ct_kql_reads_under(const ct_kql *q, const char *prefix);
/* Every field q reads, each given to add: its name (len bytes, NUL bytes
 * possible), the length of its literal start (before a wildcard's first '*';
 * len for a plain name), its wildcard marks (NULL for a plain name: see
 * ct_kql_wild_match) and, for a wildcard name, whether only the leaves
 * (strings, numbers, booleans, nulls) whose full dotted path it matches are
 * read (1: a term, exists, range; 0: a nested query, which reads objects).
 * Returns 1 when q also reads free text (every leaf), else 0. */
typedef void (*ct_kql_field_fn)(void *ctx, const char *name, size_t len, size_t lit,
                                const unsigned char *wild, int leaves);
int ct_kql_fields(const ct_kql *q, ct_kql_field_fn add, void *ctx);
/* Does the dotted path s match the wildcard name pat (plen bytes, wild[i]
 * set where pat[i] is a '*'; NULL: none) as the evaluator matches leaves? */
int ct_kql_wild_match(const char *pat, const unsigned char *wild, size_t plen, const char *s, size_t slen);
#endif
