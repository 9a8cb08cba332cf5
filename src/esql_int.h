/* esql internals shared by esql_lex.c (tokens), esql_expr.c (expressions),
 * esql_parse.c (commands), esql_fmt.c (explain) and the evaluator files.
 * Calls go parse -> expr -> lex; fmt and the evaluator read the tree only.
 * Not a public header. */
#ifndef CT_ESQL_INT_H
#define CT_ESQL_INT_H
#include <stddef.h>
#include <stdint.h>
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
    void *re;          /* evaluator: compiled pattern of RLIKE/LIKE */
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
} esql_cmd;

struct ct_esql {
    esql_cmd *cmds;
    size_t ncmds;
};

const char *esql_cmd_name(int kind);

#endif
