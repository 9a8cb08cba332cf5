/* esql parser: the plan of each construct of EsqlBaseParser.g4, syntax errors
 * at Elasticsearch's line:column, and every ES|QL query of Elastic's
 * detection-rules (tests/fixtures/esql/README.md) accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esql.h"

static char *explain(const char *q)
{
    char err[256];
    ct_esql *e = ct_esql_parse(q, err, sizeof err);
    if (!e) {
        fprintf(stderr, "parse failed: %s: %s\n", q, err);
        return NULL;
    }
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_esql_explain(e, &b);
    ct_esql_free(e);
    char *r = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return r;
}

static const struct {
    const char *q, *want;
} plans[] = {
    {"from logs-aws.cloudtrail-* metadata _id, _version, _index",
     "FROM logs-aws.cloudtrail-* METADATA _id, _version, _index\n"},
    {"FROM logs-o365.audit-*, logs-azure.signinlogs-*, .alerts-security.*\n",
     "FROM logs-o365.audit-*, logs-azure.signinlogs-*, .alerts-security.*\n"},
    {"from \"quoted-*\" | limit 10", "FROM quoted-*\nLIMIT 10\n"},
    /* precedence: NOT > AND > OR; comparison below arithmetic */
    {"row x = 1 | where not a and b or c",
     "ROW x = 1\nWHERE (or (and (not a) b) c)\n"},
    {"row x = 1 | where a or b and not c == 1 + 2 * 3",
     "ROW x = 1\nWHERE (or a (and b (not (== c (+ 1 (* 2 3))))))\n"},
    {"row x = 1 | where (a or b) and c", "ROW x = 1\nWHERE (and (or a b) c)\n"},
    {"row x = 1 | where a - b - c > -1", "ROW x = 1\nWHERE (> (- (- a b) c) -1)\n"},
    {"row x = 1 | where not a in (\"x\", \"y\") and b not in (1)",
     "ROW x = 1\nWHERE (and (not (in a \"x\" \"y\")) (not-in b 1))\n"},
    {"row x = 1 | where a is null or b IS NOT NULL",
     "ROW x = 1\nWHERE (or (is-null a) (is-not-null b))\n"},
    {"row x = 1 | where a like \"A*\" and b not rlike \"\"\"x\\d+\"\"\" and c like (\"a\", \"b?\")",
     "ROW x = 1\nWHERE (and (and (like a \"A*\") (not-rlike b \"x\\\\d+\")) (like c \"a\" \"b?\"))\n"},
    {"row x = 1 | where `weird name`.b == \"t\\\"q\\\\\" and source.as.organization.name == c",
     "ROW x = 1\nWHERE (and (== `weird name.b` \"t\\\"q\\\\\") (== source.as.organization.name c))\n"},
    {"row x = 1 | where @timestamp >= now() - 1 hour and f =~ \"a\"",
     "ROW x = 1\nWHERE (and (>= @timestamp (- (call now) (span 1 hour))) (=~ f \"a\"))\n"},
    {"row x = 1 | eval y = x::string, z = to_lower(a.b), w = 2.5e1, v = [1, 2], u = null, t = true",
     "ROW x = 1\nEVAL y = (cast string x), z = (call to_lower a.b), w = 25.0, v = [1, 2], u = null, t = true\n"},
    {"row x = 1 | eval case(a == 1, \"one\", a > 1, \"more\", \"none\")",
     "ROW x = 1\nEVAL (call case (== a 1) \"one\" (> a 1) \"more\" \"none\")\n"},
    {"row x = 1 | stats n = count(*) where a == 1, count_distinct(b), values(c) by d, e = date_trunc(5 minutes, @timestamp)",
     "ROW x = 1\nSTATS n = (call count *) WHERE (== a 1), (call count_distinct b), (call values c) BY d, e = (call date_trunc (span 5 minutes) @timestamp)\n"},
    {"row x = 1 | stats by a", "ROW x = 1\nSTATS BY a\n"},
    {"row x = 1 | inline stats n = count(*) by a | INLINESTATS m = max(b)",
     "ROW x = 1\nINLINE STATS n = (call count *) BY a\nINLINE STATS m = (call max b)\n"},
    {"row x = 1 | keep @timestamp, source.geo.*, `a b`.c | drop *.x",
     "ROW x = 1\nKEEP @timestamp, source.geo.*, `a b.c`\nDROP *.x\n"},
    {"row x = 1 | rename a.b as c, d AS e", "ROW x = 1\nRENAME a.b AS c, d AS e\n"},
    {"row x = 1 | sort a desc nulls first, b, c asc nulls last",
     "ROW x = 1\nSORT a DESC NULLS FIRST, b ASC, c ASC NULLS LAST\n"},
    {"row x = 1 | mv_expand event.action", "ROW x = 1\nMV_EXPAND event.action\n"},
    {"row x = 1 | dissect a \"%{b} %{c}\" append_separator = \"-\" | grok d \"\"\"%{IP:ip} (?<n>\\d+)\"\"\"",
     "ROW x = 1\nDISSECT a \"%{b} %{c}\" append_separator=\"-\"\nGROK d \"%{IP:ip} (?<n>\\\\d+)\"\n"},
    {"row x = 1 | enrich pol on a with n = b, c", "ROW x = 1\nENRICH pol ON a WITH n = b, c\n"},
    {"row x = 1 | lookup join idx on a, b", "ROW x = 1\nLOOKUP JOIN idx ON a, b\n"},
    {"row x = 1 | completion r = p with { \"inference_id\": \"x\" }",
     "ROW x = 1\nCOMPLETION r = p WITH \"{ \\\"inference_id\\\": \\\"x\\\" }\"\n"},
    {"row x = 1 // a comment | where\n/* block | where */ | where f : \"v\" and kql(\"a:b\")",
     "ROW x = 1\nWHERE (and (match f \"v\") (call kql \"a:b\"))\n"},
    {"row x = 1 | eval y = -(a), z = - 2, w = 9999999999999999999", 
     "ROW x = 1\nEVAL y = (neg a), z = -2, w = 1e+19\n"},
    {"SHOW info", "SHOW INFO\n"},
};

static void test_plans(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
        char *got = explain(plans[i].q);
        if (!got || strcmp(got, plans[i].want))
            fprintf(stderr, "query: %s\n got: %s\nwant: %s\n", plans[i].q, got ? got : "(error)", plans[i].want);
        assert_non_null(got);
        assert_string_equal(got, plans[i].want);
        free(got);
    }
}

static const struct {
    const char *q, *err;
} errors[] = {
    {"from a | where x = 1", "line 1:18: mismatched input '=' expecting {<EOF>, '|'}"},
    {"from a | eval", "line 1:14: mismatched input '<EOF>' expecting {QUOTED_STRING, INTEGER_LITERAL, "
                      "DECIMAL_LITERAL, 'false', 'null', '?', 'true', '['}"},
    {"from a\n| wher x", "line 2:3: mismatched input 'wher' expecting {'dissect', 'drop', 'enrich', 'eval', "
                         "'grok', 'keep', 'limit', 'mv_expand', 'rename', 'sort', 'stats', 'where', 'lookup', "
                         "'inline', 'completion'}"},
    {"where x", "line 1:1: mismatched input 'where' expecting {'row', 'from', 'show'}"},
    {"FROM a | WHERE \"unterminated", "line 1:16: token recognition error at: '\"unterminated'"},
    {"from a | where x ~ 1", "line 1:18: token recognition error at: '~'"},
    {"row a = 1 | limit x", "line 1:19: mismatched input 'x' expecting INTEGER_LITERAL"},
    {"from a | sort x nulls middle", "line 1:23: mismatched input 'middle' expecting {'first', 'last'}"},
    {"from a | stats", "line 1:15: mismatched input '<EOF>' expecting {'by', expression}"},
    {"from a | where x in 1", "line 1:21: mismatched input '1' expecting '('"},
    {"from a | where f(x", "line 1:19: mismatched input '<EOF>' expecting {',', ')'}"},
    {"from a | where é == \"x\\q\"", "line 1:16: token recognition error at: 'é'"},
    {"from a | where a == \"x\\q\"", "line 1:21: token recognition error at: '\"x\\q'"},
    {"from a |", "line 1:9: mismatched input '<EOF>' expecting {'dissect', 'drop', 'enrich', 'eval', 'grok', "
                 "'keep', 'limit', 'mv_expand', 'rename', 'sort', 'stats', 'where', 'lookup', 'inline', "
                 "'completion'}"},
    {"", "line 1:1: mismatched input '<EOF>' expecting {'row', 'from', 'show'}"},
};

/* Elasticsearch's own answers, from its parser tests
 * (x-pack/plugin/esql/src/test/java/org/elasticsearch/xpack/esql/parser/
 * StatementParserTests.java, elastic/elasticsearch): the whole message where
 * ours is the same; where ANTLR's error recovery words it otherwise
 * ("extraneous input"), the "line L:C: " it names and the offending token. */
static const struct {
    const char *q, *es, *ours;
} es_errors[] = {
    {"FROM cluster:\"index|pattern\"", "line 1:14: mismatched input '\"index|pattern\"' expecting UNQUOTED_SOURCE", NULL},
    {"FROM *,\"-foo\"::data", "line 1:14: mismatched input '::' expecting {<EOF>, '|', ',', 'metadata'}", NULL},
    {"FROM *, \"-foo\"::data", "line 1:15: mismatched input '::' expecting {<EOF>, '|', ',', 'metadata'}", NULL},
    {"FROM cluster:\"foo\"::data", "line 1:14: mismatched input '\"foo\"' expecting UNQUOTED_SOURCE", NULL},
    {"row a = 1 metadata _index", "line 1:20: extraneous input '_index' expecting <EOF>", NULL},
    /* StatementParserTests: testSpaceNotAllowedInIdPattern / ...Keep (ES asserts the KEEP one with
     * containsString("extraneous input 'b'"): the column and expected set are ANTLR's rule) */
    {"ROW a = 1| RENAME a AS this is `not okay`", "line 1:29: mismatched input 'is' expecting {<EOF>, '|', ',', '.'}", NULL},
    {"ROW a = 1, b = 1| KEEP a b", "line 1:26: extraneous input 'b' expecting <EOF>", NULL},
};

static void test_es_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof es_errors / sizeof es_errors[0]; i++) {
        char err[512];
        ct_esql *e = ct_esql_parse(es_errors[i].q, err, sizeof err);
        const char *want = es_errors[i].ours ? es_errors[i].ours : es_errors[i].es;
        if (e || strcmp(err, want)) fprintf(stderr, "query: %s\n got: %s\n", es_errors[i].q, e ? "(parsed)" : err);
        assert_null(e);
        assert_string_equal(err, want);
        /* the column is Elasticsearch's in every case */
        const char *colon = strchr(es_errors[i].es + 5, ':');
        colon = strchr(colon + 1, ':');
        assert_memory_equal(err, es_errors[i].es, (size_t)(colon - es_errors[i].es) + 1);
    }
}

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        char err[512];
        ct_esql *e = ct_esql_parse(errors[i].q, err, sizeof err);
        if (e || strcmp(err, errors[i].err)) fprintf(stderr, "query: %s\n got: %s\n", errors[i].q, e ? "(parsed)" : err);
        assert_null(e);
        assert_string_equal(err, errors[i].err);
    }
}

static void test_depth(void **state)
{
    (void)state;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_add(&b, "row x = 1 | where ");
    for (int i = 0; i < 5000; i++) ct_sbuf_addc(&b, '(');
    ct_sbuf_addc(&b, 'a');
    for (int i = 0; i < 5000; i++) ct_sbuf_addc(&b, ')');
    char err[256];
    ct_esql *e = ct_esql_parse(b.buf, err, sizeof err);
    assert_null(e);
    assert_non_null(strstr(err, "nested deeper than 200"));
    ct_sbuf_reset(&b);
    ct_sbuf_add(&b, "row x = 1 | where ");
    for (int i = 0; i < 5000; i++) ct_sbuf_add(&b, "not ");
    ct_sbuf_addc(&b, 'a');
    e = ct_esql_parse(b.buf, err, sizeof err);
    assert_null(e);
    ct_sbuf_free(&b);
}

/* Every ES|QL query of elastic/detection-rules parses. */
static void test_detection_rules(void **state)
{
    (void)state;
    FILE *f = fopen("tests/fixtures/esql/detection-rules-queries.ndjson", "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0, n = 0, ok = 0;
    while (getline(&line, &cap, f) > 0) {
        cJSON *j = cJSON_Parse(line);
        assert_non_null(j);
        const char *q = cJSON_GetStringValue(cJSON_GetObjectItem(j, "query"));
        assert_non_null(q);
        char err[512];
        ct_esql *e = ct_esql_parse(q, err, sizeof err);
        if (!e) fprintf(stderr, "%s: %s\n", cJSON_GetStringValue(cJSON_GetObjectItem(j, "path")), err);
        else ok++;
        n++;
        ct_esql_free(e);
        cJSON_Delete(j);
    }
    free(line);
    fclose(f);
    assert_int_equal(n, 212);
    assert_int_equal(ok, 212);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plans),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_es_errors),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_detection_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
