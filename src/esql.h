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
 * expecting ...", or "extraneous input 'X' expecting <EOF>" for one token too
 * many at the end, column 1-based in characters.
 *
 * A ct_esql is immutable after parsing except for the evaluator's caches
 * (function ids, compiled patterns), filled on first use: run one query on
 * one thread at a time (ct_esql_run_split reads on other threads with copies). */
#ifndef CT_ESQL_H
#define CT_ESQL_H
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
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

/* ---- running a query ----
 * FROM's index patterns choose the documents: a document of dataset D is in
 * index logs-D-default and in filebeat-* (Filebeat's indices hold every
 * module), so logs-aws.cloudtrail-*, logs-azure.*, logs-*, filebeat-* and
 * logs-aws* select as in a cluster; `-pattern` excludes. METADATA _id is the
 * record's event.id, _index .ds-logs-D-default, _version 1.
 * Columns are ECS names over the normalized document (any split of a dotted
 * name into keys); arrays are multi-values; objects are not columns.
 * ENRICH, LOOKUP JOIN and COMPLETION need a cluster and are refused; an
 * implicit LIMIT 1000 ends the query, as in Elasticsearch. */

typedef struct ct_esql_row {
    cJSON *row;      /* column name -> value (null, a value, or an array of values) */
    uint32_t *ev;    /* the documents the row stands for, sorted, distinct */
    size_t nev;
} ct_esql_row;

typedef struct ct_esql_result {
    ct_esql_row *v;
    size_t n;
} ct_esql_result;

/* Is a document of this dataset in one of the query's FROM indices? */
int ct_esql_selects(const ct_esql *q, const char *dataset);
/* The datasets FROM's patterns name exactly (logs-D-*): 1 with *v and *n set
 * (owned by q) when every selected dataset is among them, else 0 (a
 * wildcard dataset or filebeat-*). */
int ct_esql_datasets(const ct_esql *q, const char *const **v, size_t *n);

/* The columns the query reads from its documents (names, and KEEP patterns
 * with `*`), found from the parsed commands; owned by q. 1 when rows need no
 * more of a document than these, 0 when they need it whole (rows still open
 * at the end print every column; KQL() reads the whole document). */
int ct_esql_columns(ct_esql *q, const char *const **names, size_t *n);

/* Pre-filter: 0 when no document whose fields[i] equal values[i] (exact
 * strings; NULL: not known) can pass the query's leading WHERE commands,
 * whatever its other fields; 1 when one might. */
int ct_esql_may_match(const ct_esql *q, const char *const *fields, const char *const *values, size_t n);

/* What is known of one document before it is built: field holds exactly the
 * one string value, or (value NULL) is absent. */
typedef struct ct_esql_fact {
    const char *field;
    const char *value;
} ct_esql_fact;

/* The same, per document: 0 when a document with these facts cannot pass
 * the leading WHERE commands. raw (rawlen bytes, or NULL) is its record: each
 * of the verbatim fields, wherever it is set, holds only values written
 * there as they are (or \u-escaped), so it cannot equal a plain literal
 * that raw lacks. */
int ct_esql_may_pass(const ct_esql *q, const ct_esql_fact *facts, size_t n, const char *raw, size_t rawlen,
                     const char *const *verbatim, size_t nverbatim);

/* Run q over documents 0..n-1: get(ctx, i) returns document i (or NULL to
 * skip it; the caller owns it and frees it in put(ctx, i, doc) once the
 * query no longer needs it); dataset(ctx, i) its dataset, asked before get.
 * now_ms is NOW(). 0 with the rows in out, else -1 with the reason in err. */
int ct_esql_run(ct_esql *q, size_t n, cJSON *(*get)(void *ctx, size_t i),
                void (*put)(void *ctx, size_t i, cJSON *doc), const char *(*dataset)(void *ctx, size_t i),
                void *ctx, int64_t now_ms, ct_esql_result *out, char *err, size_t errlen);
void ct_esql_result_free(ct_esql_result *r);
/* A document's columns without the document: a caller that can read the
 * query's columns (ct_esql_columns, column k the k-th name) straight from a
 * record gives, for each column, the leaves the normalized document holds
 * there, in document order: strings, numbers, bools (an array's elements one
 * by one; nulls and objects give nothing). */
typedef struct ct_esql_cols ct_esql_cols;
void ct_esql_cols_str(ct_esql_cols *s, size_t k, const char *v, size_t n);
void ct_esql_cols_num(ct_esql_cols *s, size_t k, double d);
void ct_esql_cols_bool(ct_esql_cols *s, size_t k, int b);

/* ct_esql_run, with fill(ctx, i, cols) asked first for each document of a
 * projected query (ct_esql_columns gives 1, no pattern among the columns):
 * 1 when it gave every column of document i (get is not called), 0 when it
 * cannot (what it gave is dropped and get is asked). fill may be NULL. */
int ct_esql_run_cols(ct_esql *q, size_t n, cJSON *(*get)(void *ctx, size_t i),
                     void (*put)(void *ctx, size_t i, cJSON *doc), const char *(*dataset)(void *ctx, size_t i),
                     int (*fill)(void *ctx, size_t i, ct_esql_cols *cols), void *ctx, int64_t now_ms,
                     ct_esql_result *out, char *err, size_t errlen);

/* ct_esql_run_cols over documents [bounds[0], bounds[nchunks]) read in
 * chunks ([bounds[k], bounds[k+1])) by nthreads threads at once, the calling
 * thread one of them; thread t calls the callbacks with ctxs[t], from that
 * thread. Each thread takes the next chunk not taken yet and runs the commands
 * up to the first one that needs every row (STATS, SORT, LIMIT) on its own
 * copy of q; the chunks' rows go on in document order on the calling thread
 * (a STATS right after those commands is fed as each chunk's turn comes), so
 * the result is the one read in one go (also the first run-time error in
 * document order). A query whose rows keep their documents (ct_esql_columns
 * gives 0) or a ROW source: one chunk, one thread, with ctxs[0]. */
int ct_esql_run_split(ct_esql *q, size_t nchunks, const size_t *bounds, size_t nthreads, void *const *ctxs,
                      cJSON *(*get)(void *ctx, size_t i), void (*put)(void *ctx, size_t i, cJSON *doc),
                      const char *(*dataset)(void *ctx, size_t i),
                      int (*fill)(void *ctx, size_t i, ct_esql_cols *cols), int64_t now_ms, ct_esql_result *out,
                      char *err, size_t errlen);

#endif
