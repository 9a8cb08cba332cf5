/* esql check: what Elasticsearch's analyzer and verifier refuse before a
 * query reads any row. A function it does not know is "line L:C: Unknown
 * function [f]" whatever the data (before, a rule whose WHERE dropped every
 * row ran "fine" and failed only on the day a row reached the function);
 * an aggregate outside STATS is refused the same way. */
#include "esql_int.h"

#include <string.h>

static void fail_at(esql_ctx *c, const ct_esql *q, size_t pos, const char *what, const char *name, const char *tail)
{
    esql_lexer lx = {.s = q->text ? q->text : "", .n = q->text ? q->textlen : 0};
    int line, col;
    esql_where(&lx, pos, &line, &col);
    esql_fail(c, "line %d:%d: %s [%s]%s", line, col, what, name, tail);
}

static void walk(esql_ctx *c, const ct_esql *q, const esql_expr *e, int aggs_ok)
{
    if (!e || c->err) return;
    if (e->kind == EX_CALL) {
        const char *f = e->name;
        if (esql_fn_is_agg(f)) {
            if (aggs_ok == 2) return;
            if (!aggs_ok) { /* (inside another aggregate: esql_stats.c names both) */
                fail_at(c, q, e->pos, "aggregate function", f, " not allowed outside STATS command");
                return;
            }
            aggs_ok = 2; /* an aggregate's arguments are per row */
        } else if (strcmp(f, "kql") && strcmp(f, "qstr") && strcmp(f, "match") && esql_fn_id(f) < 0) {
            fail_at(c, q, e->pos, "Unknown function", f, "");
            return;
        }
    }
    for (size_t i = 0; i < e->nkids; i++) walk(c, q, e->kids[i], aggs_ok);
}

int esql_check(esql_ctx *c, const ct_esql *q)
{
    for (size_t k = 0; k < q->ncmds && !c->err; k++) {
        const esql_cmd *cmd = &q->cmds[k];
        int stats = cmd->kind == EC_STATS || cmd->kind == EC_INLINESTATS;
        for (size_t i = 0; i < cmd->nas; i++) {
            walk(c, q, cmd->as[i].e, stats);
            walk(c, q, cmd->as[i].where, 0);
        }
        for (size_t i = 0; i < cmd->nby; i++) walk(c, q, cmd->by[i].e, 0);
        walk(c, q, cmd->cond, 0);
        for (size_t i = 0; i < cmd->nord; i++) walk(c, q, cmd->ord[i].e, 0);
    }
    return c->err ? -1 : 0;
}
