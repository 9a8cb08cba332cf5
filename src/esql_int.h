/* esql internals shared by esql_lex.c (tokens), esql_expr.c (expressions),
 * esql_parse.c (commands), esql_fmt.c (explain) and the evaluator files.
 * Calls go parse -> expr -> lex; fmt and the evaluator read the tree only.
 * Not a public header. */
#ifndef CT_ESQL_INT_H
#define CT_ESQL_INT_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "esql.h"

/* ct_sbuf_detach re-initialises (allocates) the buffer: take the text and free that. */
static inline char *esql_take(ct_sbuf *b)
{
    char *s = ct_sbuf_detach(b);
    ct_sbuf_free(b);
    return s;
}

/* ---- tokens (EsqlBaseLexer.g4, expression mode; case-insensitive keywords) ---- */
enum {
    ET_EOF, ET_PIPE, ET_ID, ET_QID, ET_STR, ET_INT, ET_DEC, ET_PARAM,
    ET_LP, ET_RP, ET_LB, ET_RB, ET_LBRACE, ET_RBRACE, ET_COMMA, ET_DOT,
    ET_ASSIGN, ET_EQ, ET_CIEQ, ET_NEQ, ET_LT, ET_LTE, ET_GT, ET_GTE,
    ET_PLUS, ET_MINUS, ET_STAR, ET_SLASH, ET_PERCENT, ET_CAST, ET_COLON,
    ET_BAD /* a character no rule reads */
};

typedef struct esql_tok {
    int type;
    size_t pos, end;  /* byte span in the query */
    char *text;       /* identifier (unquoted: as written), string value (unescaped) */
    size_t len;
} esql_tok;

typedef struct esql_lexer {
    const char *s;
    size_t n, pos;    /* pos: start of the next token (after skipped space) */
    esql_tok tok;     /* the token at pos, valid when have */
    int have;
    int depth;
    char *err;        /* first error, "line L:C: ..." */
} esql_lexer;

/* Space and comments (// to end of line, / * ... * /) skipped. */
void esql_skip(esql_lexer *p);
/* The next expression-mode token (peeked, cached). */
const esql_tok *esql_peek(esql_lexer *p);
void esql_advance(esql_lexer *p);
/* Is the peeked token the (case-insensitive) keyword kw? */
int esql_is_kw(esql_lexer *p, const char *kw);
int esql_accept_kw(esql_lexer *p, const char *kw);
int esql_accept(esql_lexer *p, int type);
/* Reserved words of expression mode: not identifiers when unquoted. */
int esql_reserved(const char *s, size_t n);
/* FROM mode: an index pattern (unquoted source or quoted string); NULL at end. */
char *esql_lex_source(esql_lexer *p);
/* KEEP/DROP/RENAME mode: a dotted name pattern with `*`, backquoted parts unquoted. */
char *esql_lex_pattern(esql_lexer *p);
/* "line L:C: " of byte offset pos (column 1-based, in characters, as ANTLR). */
void esql_where(const esql_lexer *p, size_t pos, int *line, int *col);
/* Record an error at pos (first one wins): "line L:C: msg". */
void esql_error(esql_lexer *p, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "mismatched input 'X' expecting WHAT" at the peeked token. */
void esql_expected(esql_lexer *p, const char *what);
const char *esql_tok_name(int type);

/* ---- expressions ---- */
enum {
    EX_NULL, EX_BOOL, EX_INT, EX_DBL, EX_STR, EX_FIELD, EX_PARAM, EX_SPAN, EX_ARRAY,
    EX_CALL, EX_STAR, EX_MAP,
    EX_NOT, EX_AND, EX_OR, EX_CMP, EX_ARITH, EX_NEG, EX_IN, EX_ISNULL, EX_LIKE, EX_RLIKE,
    EX_CAST, EX_MATCH
};
enum { EOP_EQ, EOP_NEQ, EOP_LT, EOP_LTE, EOP_GT, EOP_GTE, EOP_CIEQ };
enum { EOP_ADD, EOP_SUB, EOP_MUL, EOP_DIV, EOP_MOD };

typedef struct esql_expr esql_expr;
struct esql_expr {
    int kind;
    int op;            /* EOP_*; EX_BOOL: the value */
    int neg;           /* NOT IN, NOT LIKE/RLIKE, IS NOT NULL */
    char *name;        /* field, function (lower case), string value, cast type, span unit */
    size_t len;        /* of name (strings may hold NUL) */
    double num;        /* EX_DBL, EX_INT (also as double) */
    int64_t ival;      /* EX_INT, EX_SPAN count */
    esql_expr **kids;
    size_t nkids;
    size_t pos;        /* byte offset in the query */
    int fn;            /* evaluator: function id, resolved on first use (0 = unknown) */
    void *re;          /* evaluator: compiled pattern (RLIKE, REPLACE), pcre2_code */
    void *aux;         /* evaluator: the parsed query of KQL(), ct_kql */
};

esql_expr *esql_expr_new(int kind, size_t pos);
void esql_expr_add(esql_expr *e, esql_expr *kid);
void esql_expr_free(esql_expr *e);
/* booleanExpression; NULL on error (p->err set). */
esql_expr *esql_parse_bool(esql_lexer *p);
/* primaryExpression (DISSECT/GROK input) */
esql_expr *esql_parse_primary(esql_lexer *p);
/* qualifiedName: dotted identifiers joined with '.', backquotes removed. */
char *esql_parse_qname(esql_lexer *p);
/* constant (for command options, map values) */
esql_expr *esql_parse_constant(esql_lexer *p);

/* ---- commands ---- */
enum {
    EC_FROM, EC_ROW, EC_SHOW, EC_WHERE, EC_EVAL, EC_KEEP, EC_DROP, EC_RENAME, EC_SORT, EC_LIMIT,
    EC_STATS, EC_INLINESTATS, EC_MV_EXPAND, EC_DISSECT, EC_GROK, EC_ENRICH, EC_LOOKUP_JOIN,
    EC_COMPLETION, EC__COUNT
};

typedef struct esql_assign {
    char *name;        /* NULL: unnamed (the expression's text names the column) */
    esql_expr *e;
    esql_expr *where;  /* STATS: per-aggregate filter */
    char *text;        /* the expression as written (column name when unnamed) */
} esql_assign;

typedef struct esql_order {
    esql_expr *e;
    int desc;
    int nulls_first;   /* -1: default (nulls last for asc, first for desc) */
} esql_order;

typedef struct esql_cmd {
    int kind;
    size_t pos;
    esql_assign *as;   /* EVAL, ROW, STATS/INLINE STATS aggregates, ENRICH WITH, COMPLETION target */
    size_t nas;
    esql_assign *by;   /* STATS BY */
    size_t nby;
    esql_expr *cond;   /* WHERE; DISSECT/GROK/COMPLETION input */
    char **names;      /* FROM patterns, KEEP/DROP patterns, RENAME old, MV_EXPAND, LOOKUP ON */
    char **names2;     /* RENAME new names */
    size_t nnames;
    char **meta;       /* FROM METADATA */
    size_t nmeta;
    esql_order *ord;
    size_t nord;
    int64_t limit;
    char *pattern;     /* DISSECT/GROK pattern; ENRICH policy; LOOKUP JOIN index */
    size_t patlen;
    char *sep;         /* DISSECT append_separator */
    char *on;          /* ENRICH ON */
    void *re;          /* GROK: the compiled pattern (pcre2_code), with its names */
    void *md;          /* GROK: match data for re (pcre2_match_data), made once */
    char **groups;     /* GROK: column of each capture group g1..gN (NULL: unnamed) */
    int *gtypes;       /* GROK: 0 keyword, 1 int, 2 float */
    size_t ngroups;
} esql_cmd;

struct ct_esql {
    esql_cmd *cmds;
    size_t ncmds;
    char *text;        /* the query as parsed (positions of run-time errors) */
    size_t textlen;
    char **ds;         /* FROM's exact datasets (logs-D-*), see ct_esql_datasets */
    size_t nds;
    int ds_exact;
    /* the columns rows read from their document (esql_proj.c, on first use) */
    char **cols;
    size_t ncols;
    int col_patterns;  /* some of cols are KEEP patterns (`*`) */
    int whole_doc;     /* rows need the whole document */
    char **late;       /* what the commands after the row-at-a-time ones read (names, patterns) */
    size_t nlate;
    int late_all;      /* ... or they read every column (rows open to the end) */
    int late_patterns; /* some of late are KEEP patterns */
    size_t late_defs;  /* columns the commands after the row-at-a-time ones may add (a held row's room) */
    int projected;     /* cols, col_patterns and whole_doc are known */
};

const char *esql_cmd_name(int kind);

/* ---- evaluation (esql_val.c -> esql_fn.c -> esql_eval.c -> esql_stats.c -> esql_run.c) ---- */
enum { EV_NULL, EV_BOOL, EV_LONG, EV_DBL, EV_STR, EV_DATE, EV_SPAN, EV_GEO };

/* One scalar: i (bool, long, date ms, span ms), d (double; span: months), s/n
 * (string; span: 1 for a DATE_PERIOD, 0 for a TIME_DURATION). A geo_point
 * (EV_GEO) is d = x (longitude) and the bits of y (latitude) in i: see
 * esql_geo_point / esql_geo_y. */
typedef struct esql_sc {
    int t;
    int64_t i;
    double d;
    const char *s;
    size_t n;
} esql_sc;

/* A value: n scalars (0 = null, more than 1 = multi-valued), in the run's arena. */
typedef struct esql_val {
    size_t n;
    esql_sc *v;
} esql_val;

typedef struct esql_chunk esql_chunk;
typedef struct esql_arena {
    esql_chunk *head;
    size_t used, bytes;
} esql_arena;

/* 24 bytes (a held row has one per column it keeps): the value as its
 * scalars and their count; esql_col_v and esql_col_make convert. */
typedef struct esql_col {
    const char *name;  /* in the arena */
    esql_sc *sv;       /* the value's scalars */
    uint32_t n;        /* how many (0: null) */
    uint32_t hidden;   /* dropped (name may be a pattern) */
} esql_col;

static inline esql_val esql_col_v(const esql_col *k)
{
    return (esql_val){k->n, k->sv};
}

static inline esql_col esql_col_make(const char *name, esql_val v, int hidden)
{
    return (esql_col){name, v.v, (uint32_t)v.n, (uint32_t)hidden};
}

/* A row: the document it came from (until STATS or KEEP closes it), or the
 * columns the query reads of it (base), its own columns, and the events it
 * stands for (its evidence). */
typedef struct esql_row { /* 56 bytes: rows held until STATS are many */
    const cJSON *doc;
    const esql_col *base; /* without doc: the document's projected columns, in document order */
    esql_col *cols;
    uint32_t *ev;
    uint32_t nbase, ncols, capcols, nev;
    int closed;
} esql_row;

typedef struct esql_ctx {
    esql_arena a;      /* scratch: a document's rows and intermediate values */
    esql_arena keep;   /* rows held past FROM (esql_hold.c) */
    struct esql_strs *strs; /* the held rows' strings, each stored once */
    int64_t now;
    char *err;         /* first run-time error (the query is refused) */
    /* STATS: the value of each aggregate call node for the group being output */
    esql_expr **agg_nodes;
    esql_val *agg_vals;
    size_t nagg;
} esql_ctx;

/* esql_val.c */
void *esql_alloc(esql_ctx *c, size_t n);
/* the same from another arena (the kept rows', a STATS' groups') */
void *esql_alloc_in(esql_arena *a, size_t n);
size_t esql_mark(esql_ctx *c);
void esql_rewind(esql_ctx *c, size_t mark);
void esql_arena_free(esql_ctx *c);
const char *esql_strdup(esql_ctx *c, const char *s, size_t n);
void esql_fail(esql_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
esql_val esql_null(void);
esql_val esql_one(esql_ctx *c, esql_sc s);
esql_val esql_str(esql_ctx *c, const char *s, size_t n);
esql_val esql_long(esql_ctx *c, int64_t i);
esql_val esql_dbl(esql_ctx *c, double d);
esql_val esql_bool(esql_ctx *c, int b);
esql_val esql_date(esql_ctx *c, int64_t ms);
/* A column of a document: every leaf at the dotted name (any split of it into
 * keys; arrays, also of objects on the way, flattened into a multi-value). */
esql_val esql_doc_field(esql_ctx *c, const cJSON *doc, const char *name);
/* Every leaf column name of doc, in document order, each once. */
void esql_doc_names(esql_ctx *c, const cJSON *doc, const char ***names, size_t *n);
/* The row's document columns: the values of cols (names or `*` patterns, see
 * esql_proj.c) in doc, into the arena (r->base); doc is no longer needed. */
void esql_row_project(esql_ctx *c, esql_row *r, const cJSON *doc, char *const *cols, size_t ncols, int patterns);
/* Every column name of the row's document (or of its projection) in document order. */
void esql_row_doc_names(esql_ctx *c, const esql_row *r, const char ***names, size_t *n);
/* Row columns: the visible value of name (own columns, else the document).
 * Names given to esql_row_set are kept, not copied: they live as long as the
 * plan or the arena. */
esql_val esql_row_get(esql_ctx *c, const esql_row *r, const char *name);
void esql_row_set(esql_ctx *c, esql_row *r, const char *name, esql_val v);
int esql_row_has(const esql_row *r, const char *name); /* an own, visible column */
int esql_pattern_match(const char *pat, const char *name); /* `*` wildcards */
/* Compare two scalars: -1/0/1, or 2 when not comparable. */
int esql_cmp(const esql_sc *a, const esql_sc *b);
int esql_sc_eq(const esql_sc *a, const esql_sc *b);
uint64_t esql_sc_hash(const esql_sc *a);
/* A scalar as text (to_string), into the arena. */
esql_sc esql_to_str(esql_ctx *c, const esql_sc *a);
cJSON *esql_val_json(const esql_val *v);
int esql_like(const char *pat, size_t plen, const char *s, size_t n);
/* An IPv4 (as IPv4-mapped IPv6) or IPv6 address, with an optional /prefix
 * (-1 when none; IPv4 prefixes shifted by 96); 0 or -1. */
int esql_ip_parse(const char *s, size_t n, uint8_t a[16], int *prefix);
int esql_in_cidr(const esql_sc *ip, const esql_sc *cidr); /* ip inside cidr (or equal to an address) */

/* The scalar leaf() makes of a document's string (a date field's: a date when
 * it parses) or number; esql_date_field: name is one of the date fields. */
int esql_date_field(const char *name);
esql_sc esql_leaf_str(esql_ctx *c, const char *s, size_t n, int is_date);
esql_sc esql_leaf_num(double d, int is_date);

/* esql_cols.c: a document's projected columns given by the caller
 * (ct_esql_cols in esql.h): n columns, date[k] when column k is a date field. */
struct ct_esql_cols {
    esql_ctx *c;
    size_t n;
    esql_val *v;
    size_t *cap;
    const unsigned char *date;
};
void esql_cols_init(ct_esql_cols *s, esql_ctx *c, size_t n, const unsigned char *date);
esql_val esql_cols_val(const ct_esql_cols *s, size_t k);
/* r's base: the given columns (names[k] for column k) as esql_row_project makes it. */
void esql_cols_row(esql_ctx *c, const ct_esql_cols *s, char *const *names, esql_row *r);

/* esql_fn.c: regular expressions (PCRE2), compiled once per literal pattern */
void *esql_re_compile(esql_ctx *c, const char *pat, size_t n, int whole);
int esql_re_match(void *re, const char *s, size_t n);
/* esql_fn.c: scalar functions over evaluated arguments; -1 = unknown name */
int esql_fn_id(const char *name);
int esql_fn_is_agg(const char *name);
esql_val esql_fn_call(esql_ctx *c, esql_expr *call, esql_val *args, size_t nargs);

/* esql_check.c: what Elasticsearch's verifier refuses before any row is
 * read: a function it does not know ("line L:C: Unknown function [f]"), an
 * aggregate outside STATS or inside another, an aggregate's wrong arity. 0,
 * or -1 with c->err set. */
int esql_check(esql_ctx *c, const ct_esql *q);

/* esql_geo.c: geo_point values and the spatial functions (TO_GEOPOINT,
 * ST_X, ST_Y, ST_DISTANCE as Elasticsearch computes them). */
static inline esql_sc esql_geo_point(double x, double y)
{
    esql_sc s = {.t = EV_GEO, .d = x};
    memcpy(&s.i, &y, sizeof y);
    return s;
}
static inline double esql_geo_y(const esql_sc *s)
{
    double y;
    memcpy(&y, &s->i, sizeof y);
    return y;
}
/* "POINT (x y)" (WKT, case-insensitive, spaces optional): 0 with *out, or -1. */
int esql_geo_parse_wkt(const char *s, size_t n, esql_sc *out);
/* A geo_point field of a document: {"lat":..,"lon":..}, "lat,lon", WKT, or [lon, lat]: 0 or -1. */
int esql_geo_from_json(const cJSON *j, esql_sc *out);
/* Is name an ECS geo_point field (*.geo.location)? */
int esql_geo_field(const char *name, size_t n);
/* A double as Java's Double.toString writes it (the shortest digits that
 * read back to it; 1.0E7 notation outside [1e-3, 1e7)), into buf (>= 32). */
void esql_java_double(double d, char *buf, size_t size);
/* "POINT (x y)" of a geo_point, into buf (>= 80). */
void esql_geo_wkt(const esql_sc *p, char *buf, size_t size);
/* ST_DISTANCE of two geo_points, in meters, as Elasticsearch: Lucene's
 * SloppyMath.haversinMeters of the points quantized to Lucene's encoding. */
double esql_geo_distance(const esql_sc *p, const esql_sc *q);

/* esql_json.c: JSON_EXTRACT, FROM_BASE64, TO_BASE64; -1 when call is none of them. */
int esql_json_call(esql_ctx *c, esql_expr *call, esql_val *a, size_t n, esql_val *out);

/* esql_eval.c */
esql_val esql_eval(esql_ctx *c, esql_expr *e, const esql_row *r);
/* WHERE: 1 only when the condition is true (null and false drop the row). */
int esql_true(esql_ctx *c, esql_expr *e, const esql_row *r);

/* esql_time.c: time spans (DATE_PERIOD, TIME_DURATION) and calendar math.
 * A span literal's count and unit (0; -1 out of range; -2 no such unit). */
int esql_span_make(const char *unit, size_t n, int64_t count, esql_sc *out);
/* "<int> <unit>" (TO_DATEPERIOD, casts, implicit casting); want: 1 a
 * DATE_PERIOD, 0 a TIME_DURATION, -1 either. 0 or -1. */
int esql_span_parse(const char *s, size_t n, int want, esql_sc *out);
/* a +/- b when either is a span: 1 and *out set (null when undefined);
 * 0 when neither is a span. */
int esql_span_arith(esql_ctx *c, int op, const esql_sc *a, const esql_sc *b, esql_val *out);
esql_val esql_span_neg(esql_ctx *c, const esql_sc *s);
esql_val esql_date_trunc(esql_ctx *c, const esql_sc *span, const esql_sc *d);
esql_val esql_date_diff(esql_ctx *c, const esql_sc *unit, const esql_sc *a, const esql_sc *b);

/* esql_grok.c: GROK's pattern (Elasticsearch's grok library subset and
 * (?<name>...) groups) on the row's input; the named columns are set. */
void esql_grok(esql_ctx *c, esql_cmd *cmd, esql_row *r);
/* esql_dissect.c: DISSECT's pattern on the row's input; the named columns are set. */
void esql_dissect(esql_ctx *c, const esql_cmd *cmd, esql_row *r);
/* Compile cmd's pattern (cmd->re, groups, gtypes); 0 or -1 (c->err set). */
int esql_grok_compile(esql_ctx *c, esql_cmd *cmd);

/* The commands that take one row at a time (FROM feeds each document's row
 * through them before the next document). */
static inline int esql_streaming(int kind)
{
    return kind == EC_WHERE || kind == EC_EVAL || kind == EC_KEEP || kind == EC_DROP || kind == EC_RENAME ||
           kind == EC_DISSECT || kind == EC_GROK || kind == EC_MV_EXPAND;
}

/* esql_hold.c: copy row r into the keep arena with only the columns the later
 * commands read (q's late list); the scratch arena may then be rewound. */
void esql_hold(esql_ctx *c, const ct_esql *q, esql_row *r);
void esql_hold_free(esql_ctx *c);
/* Memory and a scalar (its string copied, once per run) in the keep arena:
 * what STATS keeps across rows while each row's evaluation is rewound. */
void *esql_keep_alloc(esql_ctx *c, size_t n);
esql_sc esql_keep_sc(esql_ctx *c, esql_sc s);

/* A scalar interned in the keep arena (its string too; s is NULL for other
 * types): equal scalars, field for field, are one pointer for the run. */
const esql_sc *esql_keep_scp(esql_ctx *c, const esql_sc *s);

/* esql_stats.c: STATS / INLINE STATS over rows (rows replaced by the groups). */
int esql_stats(esql_ctx *c, const esql_cmd *cmd, esql_row **rows, size_t *nrows);
/* The same one row at a time, in the rows' order: begin, add row ri (a STATS
 * row's evidence is copied; its values may be rewound after), end (as
 * esql_stats on the rows given; an INLINE STATS's rows are the ones added, in
 * order). An error of the STATS is kept until end and given back there only if
 * c has none by then: a FROM that feeds rows as they come reports the error
 * it would have met first when running the commands one after the other. */
typedef struct esql_grouping esql_grouping;
esql_grouping *esql_stats_begin(esql_ctx *c, const esql_cmd *cmd);
void esql_stats_add(esql_ctx *c, esql_grouping *s, const esql_row *r, size_t ri);
int esql_stats_end(esql_ctx *c, esql_grouping *s, esql_row **rows, size_t *nrows);
/* begin and every row added */
esql_grouping *esql_stats_group(esql_ctx *c, const esql_cmd *cmd, const esql_row *rows, size_t nrows);
/* A STATS's rows one at a time, in order, each given to each(ctx, row), which
 * returns whether it kept the row (a row not kept is rewound): the commands
 * after STATS run on a group's row before the next is made. 0; or -1 and
 * nothing kept when an error came up (or there was one): then esql_stats_end
 * makes every row first, as one command after another, and gives the error
 * that comes first that way. The grouping stays for esql_stats_end or
 * esql_stats_free. */
int esql_stats_emit(esql_ctx *c, esql_grouping *s, int (*each)(void *ctx, esql_row *r), void *ctx);
void esql_stats_free(esql_grouping *s);

#endif
