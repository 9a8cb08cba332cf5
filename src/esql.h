/* esql: Elasticsearch's ES|QL, parsed and run locally over normalized ECS
 * documents.
 *
 * The parser is hand-written after Elasticsearch's EsqlBaseLexer.g4 and
 * EsqlBaseParser.g4 (x-pack/plugin/esql/src/main/antlr): keywords are
 * case-insensitive; precedence NOT > AND > OR, comparison below arithmetic;
 * strings "..." with \t \n \r \" \\ escapes and """...""" raw strings; names
 * are dotted identifiers (`quoted` parts allowed); `//` and `/ * * /` comments.
 * Source commands: FROM (index patterns, METADATA), ROW, SHOW INFO. Processing
 * commands: WHERE, EVAL, KEEP, DROP, RENAME, SORT, LIMIT, STATS ... BY (an
 * aggregate may carry its own WHERE), INLINE STATS, MV_EXPAND, DISSECT, GROK,
 * ENRICH, LOOKUP JOIN, COMPLETION (parsed; ENRICH, LOOKUP JOIN and COMPLETION
 * need a cluster and are refused when run).
 * Syntax errors read as Elasticsearch's: "line L:C: mismatched input 'X'
 * expecting ...", column 1-based in characters.
 *
 * A ct_esql is immutable after parsing except for the evaluator's caches
 * (function ids, compiled patterns), filled on first use: run one query on
 * one thread at a time. */
#ifndef CT_ESQL_H
#define CT_ESQL_H
#include <cjson/cJSON.h>
#include <stddef.h>
#include "util.h"

#define CT_ESQL_MAX_DEPTH 200

typedef struct ct_esql ct_esql;

/* Parse; NULL on error with "line L:C: message" in err. */
ct_esql *ct_esql_parse(const char *query, char *err, size_t errlen);
void ct_esql_free(ct_esql *q);

/* The parsed plan, one command per line, expressions as S-expressions:
 *   FROM logs-aws.cloudtrail-* METADATA _id
 *   WHERE (and (== data_stream.dataset "aws.cloudtrail") (!= user.name user.target.name))
 *   KEEP @timestamp, source.geo.*
 * Ends with a newline. */
void ct_esql_explain(const ct_esql *q, ct_sbuf *out);

#endif
