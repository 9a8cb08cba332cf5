/* esql STATS' aggregate states (esql_stats.c): each aggregate keeps a state of
 * its own size (COUNT a counter, MIN/MAX one value, VALUES and COUNT_DISTINCT
 * a set that holds one value inline before it grows), group keys interned.
 * Exact rows on documents made here: sets growing from one value to many,
 * MIN/MAX over mixed types (an incomparable value keeps the first one), SUM
 * staying a long until a double comes, FIRST/LAST, TOP, null and multi-valued
 * keys, thousands of groups (the group table grows) in order of appearance,
 * and the same answers whether STATS reads the rows as FROM makes them or
 * after they were held (a SORT before it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esql.h"
#include "util.h"

typedef struct docs {
    char **v;
    size_t n;
} docs;

static void add(docs *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(docs *d, const char *fmt, ...)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    ct_sbuf_vaddf(&b, fmt, ap);
    va_end(ap);
    d->v = ct_xrealloc(d->v, (d->n + 1) * sizeof *d->v);
    d->v[d->n++] = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
}

static void docs_free(docs *d)
{
    for (size_t i = 0; i < d->n; i++) free(d->v[i]);
    free(d->v);
}

static cJSON *get(void *ctx, size_t i)
{
    return cJSON_Parse(((docs *)ctx)->v[i]);
}

static void put(void *ctx, size_t i, cJSON *d)
{
    (void)ctx;
    (void)i;
    cJSON_Delete(d);
}

static const char *dataset(void *ctx, size_t i)
{
    (void)ctx;
    (void)i;
    return "t";
}

/* The rows as NDJSON, each with its evidence as "#ev=i,j"; "ERROR: ..." on error. */
static char *run(docs *d, const char *query)
{
    char err[512];
    ct_esql *q = ct_esql_parse(query, err, sizeof err);
    ct_sbuf b;
    ct_sbuf_init(&b);
    if (!q) {
        ct_sbuf_addf(&b, "PARSE: %s", err);
    } else {
        ct_esql_result r;
        if (ct_esql_run(q, d->n, get, put, dataset, d, 1722400000000, &r, err, sizeof err) < 0) {
            ct_sbuf_addf(&b, "ERROR: %s", err);
        } else {
            for (size_t i = 0; i < r.n; i++) {
                char *s = cJSON_PrintUnformatted(r.v[i].row);
                ct_sbuf_add(&b, s);
                free(s);
                ct_sbuf_add(&b, " #ev=");
                if (r.v[i].nev > 16) /* many: how many, the first and the last */
                    ct_sbuf_addf(&b, "%zu:%u..%u", r.v[i].nev, r.v[i].ev[0], r.v[i].ev[r.v[i].nev - 1]);
                for (size_t k = 0; k < r.v[i].nev && r.v[i].nev <= 16; k++) ct_sbuf_addf(&b, k ? ",%u" : "%u", r.v[i].ev[k]);
                ct_sbuf_addc(&b, '\n');
            }
            ct_esql_result_free(&r);
        }
        ct_esql_free(q);
    }
    char *s = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return s;
}

static void expect(docs *d, const char *query, const char *want)
{
    char *got = run(d, query);
    if (strcmp(got, want)) fprintf(stderr, "query: %s\ngot:  %.2000s\nwant: %.2000s\n", query, got, want);
    assert_string_equal(got, want);
    free(got);
}

/* the same rows read as FROM makes them and after a SORT held them */
static void expect_both(docs *d, const char *stats, const char *want)
{
    char q[2048];
    snprintf(q, sizeof q, "FROM logs-t-* | %s", stats);
    expect(d, q, want);
    snprintf(q, sizeof q, "FROM logs-t-* | SORT i | %s", stats);
    expect(d, q, want);
}

/* group a: one value; b: two and a repeat; c: seven (the set grows twice); z: none */
static void sets_docs(docs *d)
{
    add(d, "{\"i\":0,\"k\":\"a\",\"v\":\"x\"}");
    add(d, "{\"i\":1,\"k\":\"b\",\"v\":\"q\"}");
    add(d, "{\"i\":2,\"k\":\"b\",\"v\":\"p\"}");
    add(d, "{\"i\":3,\"k\":\"b\",\"v\":\"q\"}");
    for (int j = 0; j < 7; j++) add(d, "{\"i\":%d,\"k\":\"c\",\"v\":%d}", 4 + j, (j * 5) % 7);
    add(d, "{\"i\":11,\"k\":\"c\",\"v\":[3,100]}");
    add(d, "{\"i\":12,\"k\":\"z\"}");
}

static void test_sets(void **state)
{
    (void)state;
    docs d = {0};
    sets_docs(&d);
    expect_both(&d,
                "STATS n = COUNT(*), c = COUNT(v), u = COUNT_DISTINCT(v), vs = VALUES(v), "
                "b = VALUES(v) WHERE k == \"b\" BY k",
                "{\"n\":1,\"c\":1,\"u\":1,\"vs\":\"x\",\"b\":null,\"k\":\"a\"} #ev=0\n"
                "{\"n\":3,\"c\":3,\"u\":2,\"vs\":[\"p\",\"q\"],\"b\":[\"p\",\"q\"],\"k\":\"b\"} #ev=1,2,3\n"
                "{\"n\":8,\"c\":9,\"u\":8,\"vs\":[0,1,2,3,4,5,6,100],\"b\":null,\"k\":\"c\"} #ev=4,5,6,7,8,9,10,11\n"
                "{\"n\":1,\"c\":0,\"u\":0,\"vs\":null,\"b\":null,\"k\":\"z\"} #ev=12\n");
    /* no BY: one group over every row */
    expect_both(&d, "STATS n = COUNT(), ks = VALUES(k), u = COUNT_DISTINCT(v)",
                "{\"n\":13,\"ks\":[\"a\",\"b\",\"c\",\"z\"],\"u\":11} #ev=0,1,2,3,4,5,6,7,8,9,10,11,12\n");
    docs_free(&d);
}

/* the commands after STATS run on each group's row as it is made: the same
 * rows, and the same first error as when every row is made first and each
 * command runs over all of them in turn */
static void test_after_stats(void **state)
{
    (void)state;
    docs d = {0};
    sets_docs(&d);
    expect_both(&d, "STATS n = COUNT(*), vs = VALUES(v) BY k | WHERE n > 1 | EVAL m = n * 2 | MV_EXPAND vs | WHERE vs != 3 | LIMIT 4",
                "{\"n\":8,\"k\":\"c\",\"m\":16,\"vs\":0} #ev=4,5,6,7,8,9,10,11\n" /* b's strings: != 3 is null */
                "{\"n\":8,\"k\":\"c\",\"m\":16,\"vs\":1} #ev=4,5,6,7,8,9,10,11\n"
                "{\"n\":8,\"k\":\"c\",\"m\":16,\"vs\":2} #ev=4,5,6,7,8,9,10,11\n"
                "{\"n\":8,\"k\":\"c\",\"m\":16,\"vs\":4} #ev=4,5,6,7,8,9,10,11\n");
    expect_both(&d, "STATS n = COUNT(*) BY k | WHERE n > 100", "");
    expect_both(&d, "STATS n = COUNT(*) | KEEP n", "{\"n\":13} #ev=0,1,2,3,4,5,6,7,8,9,10,11,12\n");
    /* STATS' own error on the third group comes before the next command's on the first */
    expect_both(&d, "STATS n = COUNT(*), p = CASE(MIN(k) == \"c\", TO_DATEPERIOD(MIN(k)), null) BY k "
                "| EVAL e = CASE(k == \"a\", TO_DATEPERIOD(k), null)",
                "ERROR: Cannot parse [c] to DATE_PERIOD");
    /* the first command's error on the second group before the second command's on the first */
    expect_both(&d, "STATS n = COUNT(*) BY k | EVAL e = CASE(k == \"b\", TO_DATEPERIOD(k), null) "
                "| EVAL f = CASE(k == \"a\", TO_DATEPERIOD(k), null)",
                "ERROR: Cannot parse [b] to DATE_PERIOD");
    expect_both(&d, "STATS n = COUNT(*) BY k | WHERE k != \"a\" | EVAL f = CASE(k == \"z\", TO_DATEPERIOD(k), null) | KEEP n",
                "ERROR: Cannot parse [z] to DATE_PERIOD");
    docs_free(&d);
}

/* a set of 1000 distinct values, each seen twice */
static void test_big_set(void **state)
{
    (void)state;
    docs d = {0};
    for (int j = 0; j < 2000; j++) add(&d, "{\"i\":%d,\"v\":%d}", j, (j * 7919) % 1000);
    expect_both(&d, "STATS u = COUNT_DISTINCT(v), n = MV_COUNT(VALUES(v)), lo = MV_MIN(VALUES(v)), hi = MV_MAX(VALUES(v)), s = MV_SUM(VALUES(v))",
                "{\"u\":1000,\"n\":1000,\"lo\":0,\"hi\":999,\"s\":499500} #ev=2000:0..1999\n");
    docs_free(&d);
}

static void test_min_max(void **state)
{
    (void)state;
    docs d = {0};
    add(&d, "{\"i\":0,\"k\":\"num\",\"v\":3,\"@timestamp\":\"2024-07-30T21:00:00Z\"}");
    add(&d, "{\"i\":1,\"k\":\"num\",\"v\":2.5,\"@timestamp\":\"2024-07-30T20:00:00Z\"}");
    add(&d, "{\"i\":2,\"k\":\"num\",\"v\":[10,-1.0],\"@timestamp\":\"2024-07-30T22:00:00Z\"}");
    add(&d, "{\"i\":3,\"k\":\"str\",\"v\":\"b\"}");
    add(&d, "{\"i\":4,\"k\":\"str\",\"v\":[\"c\",\"a\"]}");
    /* a string first, then numbers: neither compares with it, the first stays */
    add(&d, "{\"i\":5,\"k\":\"mix\",\"v\":\"m\"}");
    add(&d, "{\"i\":6,\"k\":\"mix\",\"v\":5}");
    add(&d, "{\"i\":7,\"k\":\"mix\",\"v\":-7}");
    /* a number first, then a string */
    add(&d, "{\"i\":8,\"k\":\"mix2\",\"v\":4}");
    add(&d, "{\"i\":9,\"k\":\"mix2\",\"v\":\"zz\"}");
    add(&d, "{\"i\":10,\"k\":\"mix2\",\"v\":4.5}");
    add(&d, "{\"i\":11,\"k\":\"none\"}");
    /* equal values of two types (a double made by EVAL, then a long): the first one read is kept */
    add(&d, "{\"i\":12,\"k\":\"tie\",\"v\":2}");
    add(&d, "{\"i\":13,\"k\":\"tie\",\"v\":2}");
    expect_both(&d,
                "EVAL w = CASE(i == 12, v + 0.0, v) | STATS lo = MIN(w), hi = MAX(w), t0 = MIN(@timestamp), t1 = MAX(@timestamp), "
                "s = SUM(w) WHERE k != \"str\" AND k != \"mix\" AND k != \"mix2\" BY k",
                "{\"lo\":-1,\"hi\":10,\"t0\":\"2024-07-30T20:00:00.000Z\",\"t1\":\"2024-07-30T22:00:00.000Z\",\"s\":14.5,\"k\":\"num\"} #ev=0,1,2\n"
                "{\"lo\":\"a\",\"hi\":\"c\",\"t0\":null,\"t1\":null,\"s\":null,\"k\":\"str\"} #ev=3,4\n"
                "{\"lo\":\"m\",\"hi\":\"m\",\"t0\":null,\"t1\":null,\"s\":null,\"k\":\"mix\"} #ev=5,6,7\n"
                "{\"lo\":4,\"hi\":4.5,\"t0\":null,\"t1\":null,\"s\":null,\"k\":\"mix2\"} #ev=8,9,10\n"
                "{\"lo\":null,\"hi\":null,\"t0\":null,\"t1\":null,\"s\":null,\"k\":\"none\"} #ev=11\n"
                "{\"lo\":2,\"hi\":2,\"t0\":null,\"t1\":null,\"s\":4,\"k\":\"tie\"} #ev=12,13\n");
    /* which of the two was kept shows in its text */
    expect_both(&d, "WHERE k == \"tie\" | EVAL w = CASE(i == 12, v + 0.0, v) | STATS lo = MIN(w), hi = MAX(w), s = SUM(w) "
                "| EVAL lo = TO_STRING(lo), hi = TO_STRING(hi), s = TO_STRING(s)",
                "{\"lo\":\"2.0\",\"hi\":\"2.0\",\"s\":\"4.0\"} #ev=12,13\n");
    expect_both(&d, "WHERE k == \"tie\" | EVAL w = CASE(i == 13, v + 0.0, v) | STATS lo = MIN(w), hi = MAX(w), s = SUM(w) "
                "| EVAL lo = TO_STRING(lo), hi = TO_STRING(hi), s = TO_STRING(s)",
                "{\"lo\":\"2\",\"hi\":\"2\",\"s\":\"4.0\"} #ev=12,13\n");
    docs_free(&d);
}

static void test_sum_avg(void **state)
{
    (void)state;
    docs d = {0};
    add(&d, "{\"i\":0,\"k\":\"l\",\"v\":1}");
    add(&d, "{\"i\":1,\"k\":\"l\",\"v\":[2,4]}");
    add(&d, "{\"i\":2,\"k\":\"d\",\"v\":1}");
    add(&d, "{\"i\":3,\"k\":\"d\",\"v\":0.5}");
    add(&d, "{\"i\":4,\"k\":\"n\"}");
    expect_both(&d, "STATS s = SUM(v), a = AVG(v), c = COUNT(v) BY k",
                "{\"s\":7,\"a\":2.3333333333333335,\"c\":3,\"k\":\"l\"} #ev=0,1\n"
                "{\"s\":1.5,\"a\":0.75,\"c\":2,\"k\":\"d\"} #ev=2,3\n"
                "{\"s\":null,\"a\":null,\"c\":0,\"k\":\"n\"} #ev=4\n");
    expect_both(&d, "STATS s = SUM(k)", "ERROR: sum of a non-numeric value");
    /* a later row's error before STATS comes first, as when every row passes
     * the EVAL before STATS reads any: STATS' own error waits */
    expect_both(&d, "EVAL p = CASE(i == 3, TO_DATEPERIOD(k), null) | STATS s = SUM(k)",
                "ERROR: Cannot parse [d] to DATE_PERIOD");
    expect_both(&d, "EVAL p = CASE(i == 9, TO_DATEPERIOD(k), null) | STATS s = SUM(k)",
                "ERROR: sum of a non-numeric value");
    docs_free(&d);
}

static void test_first_last_top(void **state)
{
    (void)state;
    docs d = {0};
    add(&d, "{\"i\":0,\"k\":\"a\",\"v\":\"x0\",\"t\":5}");
    add(&d, "{\"i\":1,\"k\":\"a\",\"v\":[\"x1\",\"y1\"],\"t\":[2,9]}");
    add(&d, "{\"i\":2,\"k\":\"a\",\"v\":\"x2\",\"t\":2}");
    add(&d, "{\"i\":3,\"k\":\"a\",\"v\":\"x3\"}");
    add(&d, "{\"i\":4,\"k\":\"b\",\"v\":\"only\"}");
    add(&d, "{\"i\":5,\"k\":\"b\",\"v\":\"second\"}");
    expect_both(&d,
                "STATS f = FIRST(v, t), l = LAST(v, t), top = TOP(t, 2, \"desc\"), low = TOP(t, 3, \"asc\"), one = TOP(v, 1, \"asc\") BY k",
                "{\"f\":[\"x1\",\"y1\"],\"l\":[\"x1\",\"y1\"],\"top\":[9,5],\"low\":[2,2,5],\"one\":\"x0\",\"k\":\"a\"} #ev=0,1,2,3\n"
                "{\"f\":\"only\",\"l\":\"only\",\"top\":null,\"low\":null,\"one\":\"only\",\"k\":\"b\"} #ev=4,5\n");
    docs_free(&d);
}

static void test_keys(void **state)
{
    (void)state;
    docs d = {0};
    add(&d, "{\"i\":0,\"a\":\"x\",\"b\":1}");
    add(&d, "{\"i\":1,\"a\":[\"x\",\"y\"],\"b\":1}");
    add(&d, "{\"i\":2,\"b\":1}");
    add(&d, "{\"i\":3,\"a\":null,\"b\":2}");
    add(&d, "{\"i\":4,\"a\":\"y\",\"b\":1.0}");
    expect_both(&d, "STATS n = COUNT(*) BY a, b",
                "{\"n\":2,\"a\":\"x\",\"b\":1} #ev=0,1\n"
                "{\"n\":2,\"a\":\"y\",\"b\":1} #ev=1,4\n"
                "{\"n\":1,\"a\":null,\"b\":1} #ev=2\n"
                "{\"n\":1,\"a\":null,\"b\":2} #ev=3\n");
    /* INLINE STATS: every row gains its group's values */
    expect_both(&d, "INLINE STATS n = COUNT(*), m = MAX(i) BY b | KEEP i, n, m",
                "{\"i\":0,\"n\":4,\"m\":4} #ev=0\n{\"i\":1,\"n\":4,\"m\":4} #ev=1\n{\"i\":2,\"n\":4,\"m\":4} #ev=2\n"
                "{\"i\":3,\"n\":1,\"m\":3} #ev=3\n{\"i\":4,\"n\":4,\"m\":4} #ev=4\n");
    docs_free(&d);
}

/* 5000 groups, group g of g % 3 + 1 rows, in order of first appearance */
static void test_many_groups(void **state)
{
    (void)state;
    docs d = {0};
    static int at[4][3]; /* the rows of the first four groups */
    for (int r = 0; r < 3; r++)
        for (int g = 0; g < 5000; g++)
            if (g % 3 >= r) {
                if (g < 4) at[g][r] = (int)d.n;
                add(&d, "{\"i\":%zu,\"g\":\"grp-%d\",\"r\":%d}", d.n, g, r);
            }
    expect_both(&d,
                "STATS n = COUNT(*), lo = MIN(r), hi = MAX(r), rs = VALUES(r) BY g "
                "| STATS groups = COUNT(*), rows = SUM(n), three = COUNT(*) WHERE n == 3 AND hi == 2 AND MV_COUNT(rs) == 3, "
                "zero = COUNT(*) WHERE lo == 0, g0 = MIN(g), g1 = MAX(g)",
                "{\"groups\":5000,\"rows\":9999,\"three\":1666,\"zero\":5000,\"g0\":\"grp-0\",\"g1\":\"grp-999\"} #ev=9999:0..9998\n");
    char want[4096] = "";
    for (int g = 0; g < 4; g++) {
        size_t n = strlen(want);
        snprintf(want + n, sizeof want - n, "{\"n\":%d,\"g\":\"grp-%d\"} #ev=", g % 3 + 1, g);
        for (int r = 0; r <= g % 3; r++) {
            n = strlen(want);
            snprintf(want + n, sizeof want - n, r ? ",%d" : "%d", at[g][r]);
        }
        strcat(want, "\n");
    }
    expect(&d, "FROM logs-t-* | STATS n = COUNT(*) BY g | LIMIT 4", want);
    docs_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sets),        cmocka_unit_test(test_big_set),    cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_sum_avg),     cmocka_unit_test(test_first_last_top), cmocka_unit_test(test_keys),
        cmocka_unit_test(test_many_groups), cmocka_unit_test(test_after_stats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
