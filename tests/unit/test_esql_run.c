/* esql evaluation: ES|QL's null and multi-value semantics, the functions and
 * commands rules use, FROM's index patterns over datasets, and Elastic's
 * "IAM user created access keys for another user" on real Stratus Red Team
 * records (exactly one row on the detonation, none on an unrelated one). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esql.h"
#include "json.h"
#include "store.h"

#include "../fixtures/esql/seed_docs.h"

static cJSON *get(void *ctx, size_t i)
{
    (void)ctx;
    return cJSON_Parse(esql_seed_docs[i]);
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
    return esql_seed_dataset(i);
}

/* The rows as NDJSON, each with its evidence as "#ev=i,j"; "ERROR: ..." on
 * error; the documents read in nparts parts at bounds (ct_esql_run_split), or
 * in one go (nparts 0). */
static char *run_parts(const char *query, size_t nparts, const size_t *bounds)
{
    char err[512];
    ct_esql *q = ct_esql_parse(query, err, sizeof err);
    ct_sbuf b;
    ct_sbuf_init(&b);
    if (!q) {
        ct_sbuf_addf(&b, "PARSE: %s", err);
    } else {
        ct_esql_result r;
        void *ctxs[8] = {0};
        int rc = nparts ? ct_esql_run_split(q, nparts, bounds, nparts < 3 ? nparts : 3, ctxs, get, put, dataset, NULL,
                                            1722400000000, &r, err, sizeof err)
                        : ct_esql_run(q, ESQL_SEED_NDOCS, get, put, dataset, NULL, 1722400000000, &r, err, sizeof err);
        if (rc < 0) {
            ct_sbuf_addf(&b, "ERROR: %s", err);
        } else {
            for (size_t i = 0; i < r.n; i++) {
                char *s = cJSON_PrintUnformatted(r.v[i].row);
                ct_sbuf_add(&b, s);
                free(s);
                ct_sbuf_add(&b, " #ev=");
                for (size_t k = 0; k < r.v[i].nev; k++) ct_sbuf_addf(&b, k ? ",%u" : "%u", r.v[i].ev[k]);
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

static char *run(const char *query)
{
    return run_parts(query, 0, NULL);
}

static const struct {
    const char *q, *want;
} cases[] = {
    /* null propagates; AND/OR/NOT are three-valued */
    {"row a = 1, b = null | eval c = a + 1, d = b + 1, e = a == 1 and b == 1, f = a == 1 or b == 1, g = not (b == 1), h = a == 2 and b == 1",
     "{\"a\":1,\"b\":null,\"c\":2,\"d\":null,\"e\":null,\"f\":true,\"g\":null,\"h\":false} #ev=\n"},
    {"row a = 7, b = 2 | eval q = a / b, r = a % b, x = a / 0, d = 7.0 / 2, o = 9223372036854775807 + 1",
     "{\"a\":7,\"b\":2,\"q\":3,\"r\":1,\"x\":null,\"d\":3.5,\"o\":null} #ev=\n"},
    /* FROM picks datasets; WHERE drops null and false */
    {"from logs-aws.cloudtrail-* | keep user.name", "{\"user.name\":\"Alice\"} #ev=0\n{\"user.name\":\"carol\"} #ev=1\n"},
    {"from logs-azure.* | keep user.name", "{\"user.name\":\"dave@example.com\"} #ev=2\n"},
    {"from filebeat-*, -logs-azure* | stats n = count(*)", "{\"n\":2} #ev=0,1\n"},
    {"from logs-gcp.audit-* | stats n = count(*)", "{\"n\":0} #ev=\n"},
    {"from logs-* | where user.name != user.target.name | keep user.name, user.target.name",
     "{\"user.name\":\"Alice\",\"user.target.name\":\"bob\"} #ev=0\n"},
    /* multi-values: comparison is null, MV functions see every value */
    {"from logs-* | where tags == \"x\" | keep user.name", "{\"user.name\":\"dave@example.com\"} #ev=2\n"},
    {"from logs-* | where mv_count(tags) == 2 | eval f = mv_first(tags), j = mv_concat(tags, \"+\") | keep f, j",
     "{\"f\":\"x\",\"j\":\"x+y\"} #ev=0\n"},
    {"from logs-* | mv_expand tags | keep tags, user.name",
     "{\"tags\":\"x\",\"user.name\":\"Alice\"} #ev=0\n{\"tags\":\"y\",\"user.name\":\"Alice\"} #ev=0\n"
     "{\"tags\":null,\"user.name\":\"carol\"} #ev=1\n{\"tags\":\"x\",\"user.name\":\"dave@example.com\"} #ev=2\n"},
    /* LIKE, RLIKE, IN, IS NULL, =~ */
    {"from logs-* | where user.name like \"*@example.com\" or user.name rlike \"[Aa]l.c[e]\" | keep user.name",
     "{\"user.name\":\"Alice\"} #ev=0\n{\"user.name\":\"dave@example.com\"} #ev=2\n"},
    {"from logs-* | where user.name not in (\"Alice\", \"carol\") and user.target.name is null | keep user.name",
     "{\"user.name\":\"dave@example.com\"} #ev=2\n"},
    {"from logs-* | where user.name =~ \"alice\" | keep user.name", "{\"user.name\":\"Alice\"} #ev=0\n"},
    {"row s = \"a?c\" | eval l1 = s like \"a\\\\?c\", l2 = \"abc\" like \"a\\\\?c\", l3 = \"abc\" like \"a?c\"",
     "{\"s\":\"a?c\",\"l1\":true,\"l2\":false,\"l3\":true} #ev=\n"},
    /* functions */
    {"from logs-aws.cloudtrail-* | eval l = to_lower(user.name), u = to_upper(user.name), c = concat(user.name, \"/\", event.action), "
     "s = substring(event.action, 7, 6), n2 = length(user.name), k = coalesce(user.target.name, \"none\"), "
     "z = case(n > 4, \"big\", n > 3, \"mid\", \"small\"), cm = cidr_match(to_ip(source.ip), \"10.0.0.0/8\", \"172.16.0.0/12\") "
     "| keep l, u, c, s, n2, k, z, cm",
     "{\"l\":\"alice\",\"u\":\"ALICE\",\"c\":\"Alice/CreateAccessKey\",\"s\":\"Access\",\"n2\":5,\"k\":\"bob\",\"z\":\"small\",\"cm\":true} #ev=0\n"
     "{\"l\":\"carol\",\"u\":\"CAROL\",\"c\":\"carol/CreateAccessKey\",\"s\":\"Access\",\"n2\":5,\"k\":\"carol\",\"z\":\"big\",\"cm\":false} #ev=1\n"},
    {"from logs-aws* | eval h = date_trunc(1 hour, @timestamp), d = date_diff(\"minutes\", @timestamp, \"2024-07-31T00:00:00Z\"::datetime), "
     "old = @timestamp < now() - 1 day, r = replace(user.name, \"[aeiou]\", \"_\") | keep h, d, old, r",
     "{\"h\":\"2024-07-30T21:00:00.000Z\",\"d\":126,\"old\":false,\"r\":\"Al_c_\"} #ev=0\n"
     "{\"h\":\"2024-07-30T22:00:00.000Z\",\"d\":110,\"old\":false,\"r\":\"c_r_l\"} #ev=1\n"},
    /* STATS ... BY; aggregates with their own WHERE; expressions over aggregates */
    {"from logs-* | stats n = count(*), u = count_distinct(user.name), v = values(event.action), "
     "lo = min(@timestamp), hi = max(n), s = sum(n), a = round(avg(n), 1), self = count(*) where user.name == user.target.name "
     "by data_stream.dataset | sort data_stream.dataset",
     "{\"n\":2,\"u\":2,\"v\":\"CreateAccessKey\",\"lo\":\"2024-07-30T21:53:13.000Z\",\"hi\":4.5,\"s\":7.5,\"a\":3.8,\"self\":1,"
     "\"data_stream.dataset\":\"aws.cloudtrail\"} #ev=0,1\n"
     "{\"n\":1,\"u\":1,\"v\":\"Add service principal credentials\",\"lo\":\"2024-07-31T01:00:00.000Z\",\"hi\":null,\"s\":null,"
     "\"a\":null,\"self\":0,\"data_stream.dataset\":\"azure.auditlogs\"} #ev=2\n"},
    {"from logs-* | stats n = count(*) by tags | sort n desc, tags",
     "{\"n\":2,\"tags\":\"x\"} #ev=0,2\n{\"n\":1,\"tags\":\"y\"} #ev=0\n{\"n\":1,\"tags\":null} #ev=1\n"},
    {"from logs-aws* | inline stats total = count(*) | keep user.name, total",
     "{\"user.name\":\"Alice\",\"total\":2} #ev=0\n{\"user.name\":\"carol\",\"total\":2} #ev=1\n"},
    /* SORT, LIMIT, RENAME, DROP */
    {"from logs-* | sort @timestamp desc | limit 2 | rename user.name as who | keep who",
     "{\"who\":\"dave@example.com\"} #ev=2\n{\"who\":\"carol\"} #ev=1\n"},
    {"from logs-azure* | drop event.*, data_stream.*, @timestamp, tags | keep user.*", "{\"user.name\":\"dave@example.com\"} #ev=2\n"},
    /* DISSECT and GROK */
    {"from logs-aws* | where user.name == \"Alice\" | grok aws.cloudtrail.response_elements \"\"\".*accessKeyId=(?<Esql.key_id>AKIA[A-Z0-9]{16}).*\"\"\" "
     "| dissect user.name \"%{first}l%{rest}\" | grok source.ip \"%{IP:addr} %{INT:x:int}\" | keep Esql.key_id, first, rest, addr",
     "{\"Esql.key_id\":\"AKIAABCDEFGHIJKLMNOP\",\"first\":\"A\",\"rest\":\"ice\",\"addr\":null} #ev=0\n"},
    /* refusals */
    {"from logs-* | eval x = no_such_fn(1)", "ERROR: line 1:24: Unknown function [no_such_fn]"},
    /* refused before any row is read, as Elasticsearch's verifier: no row reaches the call */
    {"from logs-* | where event.action == \"none\" | eval x = no_such_fn(1)", "ERROR: line 1:55: Unknown function [no_such_fn]"},
    {"from logs-* | enrich policy", "ERROR: ENRICH needs an Elasticsearch cluster: not run locally"},
    {"from logs-* | where grok_me == 1 | stats x = values(count(*))", "ERROR: aggregate [count] inside aggregate [values]"},
    {"row a = 1 | eval x = count(*)", "ERROR: line 1:22: aggregate function [count] not allowed outside STATS command"},
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < CT_ARRAY_LEN(cases); i++) {
        char *got = run(cases[i].q);
        if (strcmp(got, cases[i].want)) fprintf(stderr, "query: %s\n got: %s\nwant: %s\n", cases[i].q, got, cases[i].want);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
}

/* Read in chunks by threads (ct_esql_run_split), every query gives the rows
 * (and errors) it gives read in one go: two chunks (two threads) cut at every
 * document, three and four chunks (three threads) at a spread of cuts, empty
 * chunks included. */
static void test_split(void **state)
{
    (void)state;
    size_t n = ESQL_SEED_NDOCS, runs = 0;
    for (size_t i = 0; i < CT_ARRAY_LEN(cases); i++) {
        size_t b[5];
        for (size_t cut = 0; cut <= n; cut++) {
            b[0] = 0, b[1] = cut, b[2] = n;
            char *got = run_parts(cases[i].q, 2, b);
            if (strcmp(got, cases[i].want)) fprintf(stderr, "query: %s cut %zu\n got: %s\nwant: %s\n", cases[i].q, cut, got, cases[i].want);
            assert_string_equal(got, cases[i].want);
            free(got);
            runs++;
        }
        for (size_t a = 0; a <= n; a += 2)
            for (size_t c = a; c <= n; c += 3) {
                b[0] = 0, b[1] = a, b[2] = c, b[3] = n;
                char *got = run_parts(cases[i].q, 3, b);
                assert_string_equal(got, cases[i].want);
                free(got);
                b[0] = 0, b[1] = a / 2, b[2] = a, b[3] = c, b[4] = n;
                got = run_parts(cases[i].q, 4, b);
                assert_string_equal(got, cases[i].want);
                free(got);
                runs += 2;
            }
    }
    assert_true(runs > CT_ARRAY_LEN(cases) * (n + 1));
}

/* Calendar spans, against java.time's answers in UTC (esql_time.c names the
 * Elasticsearch code each follows). D is a Wednesday; now() is
 * 2024-07-31T04:26:40Z. */
#define D(s) "to_datetime(\"" s "\")"
static const struct {
    const char *q, *want;
} calendar[] = {
    /* date +/- period: months first, the day clamped to the month's length */
    {"row a = " D("2024-01-31T10:00:00Z") " | eval b = a + 1 month, c = a + 1 month + 1 month, d = a + 2 months, "
     "e = a + (1 month + 1 day), f = " D("2023-01-31T10:00:00Z") " + 1 mo, g = " D("2024-03-31T10:00:00Z") " - 1 month, "
     "h = " D("2024-03-31T10:00:00Z") " + -1 month | keep b, c, d, e, f, g, h",
     "{\"b\":\"2024-02-29T10:00:00.000Z\",\"c\":\"2024-03-29T10:00:00.000Z\",\"d\":\"2024-03-31T10:00:00.000Z\","
     "\"e\":\"2024-03-01T10:00:00.000Z\",\"f\":\"2023-02-28T10:00:00.000Z\",\"g\":\"2024-02-29T10:00:00.000Z\","
     "\"h\":\"2024-02-29T10:00:00.000Z\"} #ev=\n"},
    {"row a = " D("2024-02-29T23:59:59.999Z") " | eval y1 = a + 1 year, y0 = a - 1 yr, y4 = a + 4 years, "
     "q1 = " D("2024-05-31T00:00:00Z") " + 1 quarter, q2 = " D("2024-11-30T00:00:00Z") " + 1 q, w = a + 1 week, "
     "dd = a - 2 days, t = a + 36 hours, m = 1 MONTH + a | keep y1, y0, y4, q1, q2, w, dd, t, m",
     "{\"y1\":\"2025-02-28T23:59:59.999Z\",\"y0\":\"2023-02-28T23:59:59.999Z\",\"y4\":\"2028-02-29T23:59:59.999Z\","
     "\"q1\":\"2024-08-31T00:00:00.000Z\",\"q2\":\"2025-02-28T00:00:00.000Z\",\"w\":\"2024-03-07T23:59:59.999Z\","
     "\"dd\":\"2024-02-27T23:59:59.999Z\",\"t\":\"2024-03-02T11:59:59.999Z\",\"m\":\"2024-03-29T23:59:59.999Z\"} #ev=\n"},
    {"row n = now() | eval m = now() - 1 month, y = now() - 1 year, p = now() + \"3 days\"::date_period, "
     "d = now() - to_timeduration(\"90 minutes\") | keep m, y, p, d",
     "{\"m\":\"2024-06-30T04:26:40.000Z\",\"y\":\"2023-07-31T04:26:40.000Z\",\"p\":\"2024-08-03T04:26:40.000Z\","
     "\"d\":\"2024-07-31T02:56:40.000Z\"} #ev=\n"},
    {"from logs-* | where @timestamp > now() - 6 hours - 30 minutes and @timestamp <= now() + 1 month | stats n = count(*)",
     "{\"n\":2} #ev=1,2\n"},
    /* DATE_TRUNC: calendar units to their start, a week to Monday, other
     * counts of days and durations since 1970, of months and years since 0001 */
    {"row a = " D("2024-11-20T13:45:30.123Z") " | eval y = date_trunc(1 year, a), q = date_trunc(1 quarter, a), "
     "m = date_trunc(1 month, a), w = date_trunc(1 week, a), w7 = date_trunc(7 days, a), d = date_trunc(1 day, a), "
     "h = date_trunc(1 hour, a), mi = date_trunc(15 minutes, a), s = date_trunc(\"1 month\", a) | keep y, q, m, w, w7, d, h, mi, s",
     "{\"y\":\"2024-01-01T00:00:00.000Z\",\"q\":\"2024-10-01T00:00:00.000Z\",\"m\":\"2024-11-01T00:00:00.000Z\","
     "\"w\":\"2024-11-18T00:00:00.000Z\",\"w7\":\"2024-11-18T00:00:00.000Z\",\"d\":\"2024-11-20T00:00:00.000Z\","
     "\"h\":\"2024-11-20T13:00:00.000Z\",\"mi\":\"2024-11-20T13:45:00.000Z\",\"s\":\"2024-11-01T00:00:00.000Z\"} #ev=\n"},
    {"row a = " D("2024-11-20T13:45:30.123Z") " | eval m5 = date_trunc(5 months, a), y2 = date_trunc(2 years, a), "
     "y5 = date_trunc(5 years, a), q4 = date_trunc(4 quarters, a), w2 = date_trunc(2 weeks, a), d3 = date_trunc(3 days, a), "
     "h168 = date_trunc(168 hours, a) | keep m5, y2, y5, q4, w2, d3, h168",
     "{\"m5\":\"2024-10-01T00:00:00.000Z\",\"y2\":\"2023-01-01T00:00:00.000Z\",\"y5\":\"2021-01-01T00:00:00.000Z\","
     "\"q4\":\"2024-01-01T00:00:00.000Z\",\"w2\":\"2024-11-07T00:00:00.000Z\",\"d3\":\"2024-11-19T00:00:00.000Z\","
     "\"h168\":\"2024-11-14T00:00:00.000Z\"} #ev=\n"},
    {"row a = " D("1969-12-31T23:59:59.999Z") " | eval d = date_trunc(1 day, a), w = date_trunc(1 week, a), "
     "m = date_trunc(1 month, a) | keep d, w, m",
     "{\"d\":\"1969-12-31T00:00:00.000Z\",\"w\":\"1969-12-29T00:00:00.000Z\",\"m\":\"1969-12-01T00:00:00.000Z\"} #ev=\n"},
    /* DATE_DIFF: whole calendar units only when fully elapsed, time units toward zero, an int */
    {"row a = " D("2024-01-31T10:00:00Z") " | eval m0 = date_diff(\"month\", a, " D("2024-02-29T10:00:00Z") "), "
     "m1 = date_diff(\"mm\", " D("2024-01-29T10:00:00Z") ", " D("2024-02-29T10:00:00Z") "), "
     "m1b = date_diff(\"m\", a, " D("2024-03-31T09:59:59Z") "), m2 = date_diff(\"MONTHS\", a, " D("2024-03-31T10:00:00Z") "), "
     "n2 = date_diff(\"month\", " D("2024-03-31T10:00:00Z") ", a), n0 = date_diff(\"month\", " D("2024-02-29T10:00:00Z") ", a), "
     "y0 = date_diff(\"year\", " D("2024-02-29T00:00:00Z") ", " D("2025-02-28T00:00:00Z") "), "
     "y4 = date_diff(\"yy\", " D("2024-02-29T00:00:00Z") ", " D("2028-02-29T00:00:00Z") "), "
     "q2 = date_diff(\"quarter\", " D("2024-01-15T00:00:00Z") ", " D("2024-10-14T00:00:00Z") ") | keep m0, m1, m1b, m2, n2, n0, y0, y4, q2",
     "{\"m0\":0,\"m1\":1,\"m1b\":1,\"m2\":2,\"n2\":-2,\"n0\":0,\"y0\":0,\"y4\":4,\"q2\":2} #ev=\n"},
    {"row a = " D("2024-01-01T23:00:00Z") ", b = " D("2024-01-10T01:30:00Z") " | eval d = date_diff(\"day\", a, b), "
     "y = date_diff(\"y\", a, b), dw = date_diff(\"dw\", a, b), w = date_diff(\"ww\", a, b), h = date_diff(\"hh\", b, a), "
     "mi = date_diff(\"n\", a, b), s = date_diff(\"seconds\", a, b), ms = date_diff(\"ms\", a, b), "
     "us = date_diff(\"mcs\", a, b), ns = date_diff(\"ns\", a, b) | keep d, y, dw, w, h, mi, s, ms, us, ns",
     "{\"d\":8,\"y\":8,\"dw\":8,\"w\":1,\"h\":-194,\"mi\":11670,\"s\":700200,\"ms\":700200000,\"us\":null,\"ns\":null} #ev=\n"},
    /* refusals, as Elasticsearch refuses the query */
    {"row a = 1 day + 1 hour", "ERROR: a DATE_PERIOD and a TIME_DURATION cannot be combined (+)"},
    {"row a = now() + 1 fortnight", "ERROR: Unexpected temporal unit: 'fortnight'"},
    {"row a = date_trunc(\"month\", now())", "ERROR: DATE_TRUNC: cannot parse [month] to DATE_PERIOD or TIME_DURATION"},
    {"row a = date_trunc(0 hours, now())", "ERROR: DATE_TRUNC: Zero or negative time interval is not supported"},
    {"row a = date_trunc(1 month + 1 day, now())", "ERROR: DATE_TRUNC: Time interval with multiple periods is not supported"},
    /* a period keeps years, months and days apart, as java.time.Period: 1 year + 1 month is P1Y1M (two
     * units: refused), 13 months is P13M, 1 week + 1 day is P8D; any negative unit is "negative" */
    {"row a = date_trunc(1 year + 1 month, now())", "ERROR: DATE_TRUNC: Time interval with multiple periods is not supported"},
    {"row a = date_trunc(1 quarter + 1 year, now())", "ERROR: DATE_TRUNC: Time interval with multiple periods is not supported"},
    {"row a = date_trunc(1 year - 1 month, now())", "ERROR: DATE_TRUNC: Zero or negative time interval is not supported"},
    {"row a = date_trunc(1 year - 1 year, now())", "ERROR: DATE_TRUNC: Zero or negative time interval is not supported"},
    {"row t = " D("2024-05-17T10:59:00Z") " | eval a = date_trunc(13 months, t), b = date_trunc(1 year + 1 month - 1 month, t), "
     "c = date_trunc(1 week + 1 day, t), d = date_trunc(1 hour + 30 minutes, t), e = " D("2024-01-31T00:00:00Z") " + (1 year + 1 month) "
     "| keep a, b, c, d, e",
     "{\"a\":\"2023-08-01T00:00:00.000Z\",\"b\":\"2024-01-01T00:00:00.000Z\",\"c\":\"2024-05-13T00:00:00.000Z\","
     "\"d\":\"2024-05-17T10:30:00.000Z\",\"e\":\"2025-02-28T00:00:00.000Z\"} #ev=\n"},
    {"row a = to_dateperiod(\"1 hour\")", "ERROR: Cannot parse [1 hour] to DATE_PERIOD"},
    /* ES|QL has no DATE_ADD (Elasticsearch SQL's): date + span is how it adds */
    {"row a = date_add(\"month\", 1, now())", "ERROR: line 1:9: Unknown function [date_add]"},
    {"row a = date_diff(\"fortnights\", now(), now())",
     "ERROR: A value of [YEAR, QUARTER, MONTH, DAYOFYEAR, DAY, WEEK, WEEKDAY, HOUR, MINUTE, SECOND, MILLISECOND, "
     "MICROSECOND, NANOSECOND] or their aliases is required; received [fortnights]"},
};
#undef D

static void test_calendar(void **state)
{
    (void)state;
    for (size_t i = 0; i < CT_ARRAY_LEN(calendar); i++) {
        char *got = run(calendar[i].q);
        if (strcmp(got, calendar[i].want)) fprintf(stderr, "query: %s\n got: %s\nwant: %s\n", calendar[i].q, got, calendar[i].want);
        assert_string_equal(got, calendar[i].want);
        free(got);
    }
}

static cJSON *sget(void *ctx, size_t i)
{
    return ct_store_event_json(ctx, i);
}

static const char *sds(void *ctx, size_t i)
{
    const ct_store *st = ctx;
    return ct_event_str(st, &st->ev[i], CT_EF_DATASET);
}

/* The functions the cloud rules of detection-rules call (#19), with
 * Elasticsearch's answers: FIRST/LAST are its stats_first_last.csv-spec
 * cases (x-pack/plugin/esql/qa/testFixtures), the distance is its docs'
 * ST_DISTANCE example (Copenhagen airport to city, 7339.573896618216 m: cJSON
 * prints the same double with 17 digits), FROM_BASE64 its docs' "elastic". */
#define FL_ROWS                                                                                                        \
    "row row = [\"2025-11-25T00:00:00.000Z | alpha | \", \"2025-11-25T00:00:01.000Z | alpha | 2\", "                  \
    "\"2025-11-25T00:00:02.000Z | bravo | \", \"2025-11-25T00:00:03.000Z | alpha | 4\", "                             \
    "\"2025-11-25T00:00:04.000Z | bravo | 5\", \"2025-11-25T00:00:05.000Z | charlie | 6\", "                          \
    "\"2025-11-25T00:00:06.000Z | delta | \"] | mv_expand row | dissect row \"\"\"%{@timestamp} | %{name} | %{number}\"\"\" " \
    "| keep @timestamp, name, number | eval @timestamp = to_datetime(@timestamp), name = trim(name), number = to_long(number) "
static const struct {
    const char *q, *want;
} cloud[] = {
    {FL_ROWS "| stats first_val = first(number, @timestamp)", "{\"first_val\":null} #ev=\n"},
    {FL_ROWS "| stats last_val = last(number, @timestamp) by name | sort name",
     "{\"last_val\":4,\"name\":\"alpha\"} #ev=\n{\"last_val\":5,\"name\":\"bravo\"} #ev=\n"
     "{\"last_val\":6,\"name\":\"charlie\"} #ev=\n{\"last_val\":null,\"name\":\"delta\"} #ev=\n"},
    {FL_ROWS "| stats first_val = first(@timestamp, number), last_val = last(@timestamp, number)",
     "{\"first_val\":\"2025-11-25T00:00:01.000Z\",\"last_val\":\"2025-11-25T00:00:05.000Z\"} #ev=\n"},
    /* a multi-valued field comes out whole; a multi-valued sort key counts by its least (first) / greatest (last) */
    {"row k = [1, 2, 3] | mv_expand k | eval v = case(k == 2, [7, 8], k), s = case(k == 3, [0, 9], k) "
     "| stats f = first(v, s), l = last(v, s), c = count()",
     "{\"f\":3,\"l\":3,\"c\":3} #ev=\n"},
    {"from logs-aws.cloudtrail-* | stats f = first(user.name, @timestamp), l = last(user.name, @timestamp), "
     "n = count() by event.action",
     "{\"f\":\"Alice\",\"l\":\"carol\",\"n\":2,\"event.action\":\"CreateAccessKey\"} #ev=0,1\n"},
    {"row a = to_geopoint(\"POINT(12.6493508684508 55.6285017221528)\"), b = to_geopoint(\"POINT(12.5683 55.6761)\") "
     "| eval d = st_distance(a, b), z = st_distance(a, a), x = st_x(a), y = st_y(b), s = to_string(b)",
     "{\"a\":\"POINT (12.6493508684508 55.6285017221528)\",\"b\":\"POINT (12.5683 55.6761)\",\"d\":7339.5738966182162,"
     "\"z\":0,\"x\":12.6493508684508,\"y\":55.6761,\"s\":\"POINT (12.5683 55.6761)\"} #ev=\n"},
    /* what is no point (or off the globe) is dropped; multi-valued: the least distance; ST_X of several: null */
    {"row a = to_geopoint([\"POINT(0 0)\", \"POINT (10 0)\", \"nonsense\", \"POINT(0 91)\"]), b = \"POINT(11 0)\"::geo_point "
     "| eval d = st_distance(a, b) < st_distance(a, \"POINT(0 0)\"::geo_point) + 111200, n = mv_count(a), x = st_x(a), "
     "e = st_distance(a, null)",
     "{\"a\":[\"POINT (0.0 0.0)\",\"POINT (10.0 0.0)\"],\"b\":\"POINT (11.0 0.0)\",\"d\":true,\"n\":2,\"x\":null,\"e\":null} #ev=\n"},
    {"row j = \"{\\\"a\\\":{\\\"b\\\":[1,{\\\"c\\\":\\\"x\\\"}],\\\"d.e\\\":true,\\\"n\\\":null}}\" | eval p1 = json_extract(j, \"a.b[1].c\"), "
     "p2 = json_extract(j, \"$.a.b\"), p3 = json_extract(j, \"[\\\"a\\\"][ 'b' ][0]\"), p4 = json_extract(j, \"a['d.e']\"), "
     "p5 = json_extract(j, \"a.n\"), p6 = json_extract(j, \"a.zz\"), p7 = json_extract(j, \"a.b[5]\"), "
     "p8 = json_extract(\"not json\", \"a\"), p9 = json_extract(j, \"$\") | drop j",
     "{\"p1\":\"x\",\"p2\":\"[1,{\\\"c\\\":\\\"x\\\"}]\",\"p3\":\"1\",\"p4\":\"true\",\"p5\":null,\"p6\":null,\"p7\":null,"
     "\"p8\":null,\"p9\":\"{\\\"a\\\":{\\\"b\\\":[1,{\\\"c\\\":\\\"x\\\"}],\\\"d.e\\\":true,\\\"n\\\":null}}\"} #ev=\n"},
    {"row j = \"{}\" | eval x = json_extract(j, \"a..b\")", "ERROR: json_extract: invalid path [a..b]: consecutive dots"},
    {"from logs-aws.cloudtrail-* metadata _source | eval t = json_extract(_source, \"user.target.name\"), "
     "k = json_extract(_source, \"tags\") | keep t, k",
     "{\"t\":\"bob\",\"k\":\"[\\\"x\\\",\\\"y\\\"]\"} #ev=0\n{\"t\":\"carol\",\"k\":null} #ev=1\n"},
    {"row a = from_base64(\"ZWxhc3RpYw==\"), b = to_base64(\"elastic\"), c = from_base64(\"ZWxhc3RpYw\"), "
     "d = from_base64(\"ZWxhc3RpYw=\"), e = from_base64(\"ZWxh c3RpYw==\"), f = from_base64(\"Zg==\")",
     "{\"a\":\"elastic\",\"b\":\"ZWxhc3RpYw==\",\"c\":\"elastic\",\"d\":null,\"e\":null,\"f\":\"f\"} #ev=\n"},
    /* the text and multi-value functions of the non-cloud rules (URL_DECODE: java.net.URLDecoder;
     * MV_INTERSECTION: ES docs' [1..5] and [2..6]); TOP keeps repeats */
    {"row a = url_decode(\"https%3A%2F%2Fexample.com%2F%3Fq%3Da+b\"), b = url_decode(\"bad%zz\"), c = url_decode(\"%4\"), "
     "d = contains(\"alpn-h2\", \"alpn\"), e = contains(\"x\", \"y\"), f = length(space(3)), "
     "g = mv_intersection([1, 2, 3, 4, 5], [2, 3, 4, 5, 6]), h = mv_intersection([true, false, false, false], [false]), "
     "i = mv_intersection([1], [2])",
     "{\"a\":\"https://example.com/?q=a b\",\"b\":null,\"c\":null,\"d\":true,\"e\":false,\"f\":3,\"g\":[2,3,4,5],"
     "\"h\":false,\"i\":null} #ev=\n"},
    {"row a = [3, 1, 2, 3, 5] | mv_expand a | stats t = top(a, 3, \"asc\"), d = top(a, 2, \"desc\"), u = top(a, 10, \"asc\")",
     "{\"t\":[1,2,3],\"d\":[5,3],\"u\":[1,2,3,3,5]} #ev=\n"},
    /* doubles as text: Java's Double.toString */
    {"row a = to_string(1.0E7), b = to_string(0.0001), c = to_string(0.001), d = to_string(123.456), "
     "e = to_string(1234567.0), f = to_string(-2.5), g = to_string(100.0)",
     "{\"a\":\"1.0E7\",\"b\":\"1.0E-4\",\"c\":\"0.001\",\"d\":\"123.456\",\"e\":\"1234567.0\",\"f\":\"-2.5\",\"g\":\"100.0\"} #ev=\n"},
};
#undef FL_ROWS

static void test_cloud_functions(void **state)
{
    (void)state;
    for (size_t i = 0; i < CT_ARRAY_LEN(cloud); i++) {
        char *got = run(cloud[i].q);
        if (strcmp(got, cloud[i].want)) fprintf(stderr, "query: %s\n got: %s\nwant: %s\n", cloud[i].q, got, cloud[i].want);
        assert_string_equal(got, cloud[i].want);
        free(got);
    }
}

/* Elastic's rule text, unchanged (tests/fixtures/esql/detection-rules-queries.ndjson). */
static char *elastic_query(const char *stem)
{
    FILE *f = fopen("tests/fixtures/esql/detection-rules-queries.ndjson", "r");
    assert_non_null(f);
    char *line = NULL, *q = NULL;
    size_t cap = 0;
    while (!q && getline(&line, &cap, f) > 0) {
        cJSON *j = cJSON_Parse(line);
        if (strstr(cJSON_GetStringValue(cJSON_GetObjectItem(j, "path")), stem))
            q = ct_xstrdup(cJSON_GetStringValue(cJSON_GetObjectItem(j, "query")));
        cJSON_Delete(j);
    }
    free(line);
    fclose(f);
    assert_non_null(q);
    return q;
}

static size_t run_file(const char *query, const char *file, char *first_row, size_t n)
{
    ct_store st;
    ct_store_init(&st);
    assert_true(ct_store_load(&st, file) >= 0);
    char err[256];
    ct_esql *q = ct_esql_parse(query, err, sizeof err);
    assert_non_null(q);
    ct_esql_result r;
    assert_int_equal(ct_esql_run(q, st.nev, sget, put, sds, &st, 0, &r, err, sizeof err), 0);
    size_t rows = r.n;
    if (first_row && rows) {
        const cJSON *row = r.v[0].row;
        snprintf(first_row, n, "%s -> %s", cJSON_GetStringValue(cJSON_GetObjectItem(row, "user.name")),
                 cJSON_GetStringValue(cJSON_GetObjectItem(row, "user.target.name")));
    }
    ct_esql_result_free(&r);
    ct_esql_free(q);
    ct_store_free(&st);
    return rows;
}

static void test_stratus(void **state)
{
    (void)state;
    char *q = elastic_query("persistence_iam_user_created_access_keys_for_another_user.toml");
    char row[256] = "";
    assert_int_equal(run_file(q, "tests/fixtures/real/aws/stratus-iam-backdoor-user.json", row, sizeof row), 1);
    assert_string_equal(row, "christophe -> stratus-red-team-backdoor-u-user");
    assert_int_equal(run_file(q, "tests/fixtures/real/aws/stratus-cloudtrail-stop.json", NULL, 0), 0);
    assert_int_equal(run_file(q, "tests/fixtures/real/aws/stratus-iam-create-user-login-profile.json", NULL, 0), 0);
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_cloud_functions),
        cmocka_unit_test(test_stratus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
