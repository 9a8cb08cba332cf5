/* Unit tests for src/decisions.c's file format: a decision read from a file
 * is the one read back from the file credtriage writes of it (parse -> write
 * -> parse gives the same thing; fuzz_decisions checks the same on any input),
 * and the time bound of ct_time_parse that keeps "at" writable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decisions.h"

#define FFFD "\xef\xbf\xbd"

static void parse(const char *json, ct_decision *d)
{
    cJSON *j = cJSON_Parse(json);
    assert_non_null(j);
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_decision_from_json(j, d, &err);
    if (rc) fprintf(stderr, "%s\n", err.buf);
    assert_int_equal(rc, 0);
    ct_sbuf_free(&err);
    cJSON_Delete(j);
}

/* write d, read it back: the file and the decision read back */
static char *round_trip(const ct_decision *d, ct_decision *back)
{
    char *f = ct_decision_to_file(d);
    parse(f, back);
    char *f2 = ct_decision_to_file(back);
    assert_string_equal(f, f2);
    free(f2);
    return f;
}

/* invalid UTF-8 in a decision's text (a rule name, a note, the event's file
 * name, an entity from a hostile log) was kept raw in memory but written as
 * \ufffd, so what was read back from credtriage's own file was other text
 * (the alert id itself is refused: no id holds such bytes) */
static void test_invalid_utf8_reads_as_written(void **st)
{
    (void)st;
    ct_decision d, b;
    parse("{\"alert_id\":\"0123456789abcdef\",\"rule_name\":\"r\x19\xff}\",\"status\":\"acknowledged\","
          "\"analyst\":\"A <a@b.c>\",\"at\":\"2025-03-01T10:00:00Z\",\"note\":\"n\xf4\x90\x80\x80\","
          "\"event\":{\"file\":\"f\xed\xa0\x80.json\",\"line\":7},\"actor\":{\"name\":\"m\xc3\",\"k\xe0\x80\":1}}",
          &d);
    assert_string_equal(d.rule_name, "r\x19" FFFD "}");
    assert_string_equal(d.note, "n" FFFD FFFD FFFD FFFD);
    assert_string_equal(d.ev_file, "f" FFFD FFFD FFFD ".json");
    char *a = cJSON_PrintUnformatted(d.actor);
    assert_string_equal(a, "{\"name\":\"m" FFFD "\",\"k" FFFD FFFD "\":1}");
    free(a);
    char *f = round_trip(&d, &b);
    assert_string_equal(b.rule_name, d.rule_name);
    assert_string_equal(b.note, d.note);
    assert_string_equal(b.ev_file, d.ev_file);
    a = cJSON_PrintUnformatted(b.actor);
    assert_string_equal(a, "{\"name\":\"m" FFFD "\",\"k" FFFD FFFD "\":1}");
    free(a);
    free(f);
    ct_decision_free(&d);
    ct_decision_free(&b);
}

/* "previous" without "based_on" was read (has_prev) but not written: the
 * decision it replaced was lost at the next write. A note "" is no note. */
static void test_previous_without_based_on_kept(void **st)
{
    (void)st;
    ct_decision d, b;
    parse("{\"alert_id\":\"0123456789abcdef\",\"status\":\"remediated\",\"analyst\":\"A <a@b.c>\","
          "\"at\":\"2025-03-01T10:00:00Z\",\"note\":\"\",\"steps\":[\"s1\"],"
          "\"previous\":{\"analyst\":\"B <b@c.d>\",\"status\":\"acknowledged\",\"at\":\"2025-02-01T09:00:00Z\"},"
          "\"actor\":{\"n\":1e999}}",
          &d);
    assert_null(d.note);
    assert_int_equal(d.has_prev, 1);
    char *f = round_trip(&d, &b);
    assert_string_equal(f, "{\n"
                           "  \"alert_id\": \"0123456789abcdef\",\n"
                           "  \"status\": \"remediated\",\n"
                           "  \"analyst\": \"A <a@b.c>\",\n"
                           "  \"at\": \"2025-03-01T10:00:00.000Z\",\n"
                           "  \"note\": \"\",\n"
                           "  \"steps\": [\n"
                           "    \"s1\"\n"
                           "  ],\n"
                           "  \"event\": {},\n"
                           "  \"actor\": {\n"
                           "    \"n\": null\n"
                           "  },\n"
                           "  \"previous\": {\n"
                           "    \"analyst\": \"B <b@c.d>\",\n"
                           "    \"status\": \"acknowledged\",\n"
                           "    \"at\": \"2025-02-01T09:00:00.000Z\"\n"
                           "  }\n"
                           "}\n");
    assert_int_equal(b.has_prev, 1);
    assert_string_equal(b.prev_analyst, "B <b@c.d>");
    assert_int_equal(b.prev_status, CT_STATUS_ACKNOWLEDGED);
    assert_int_equal(b.prev_at, d.prev_at);
    assert_null(b.based_on);
    assert_null(b.note);
    /* a number cJSON cannot print (1e999 parses as inf) reads as the null it is written as */
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(d.actor, "n")));
    free(f);
    ct_decision_free(&d);
    ct_decision_free(&b);
    /* with based_on and no previous: "previous": null, as before */
    parse("{\"alert_id\":\"a1\",\"status\":\"acknowledged\",\"analyst\":\"A\",\"at\":\"2025-03-01T10:00:00Z\","
          "\"based_on\":\"0123abcd\",\"previous\":null}",
          &d);
    f = round_trip(&d, &b);
    assert_non_null(strstr(f, "\n  \"based_on\": \"0123abcd\",\n  \"previous\": null\n}\n"));
    assert_int_equal(b.has_prev, 0);
    free(f);
    ct_decision_free(&d);
    ct_decision_free(&b);
}

/* ct_time_fmt writes 4-digit years: a time an offset carries out of
 * 0000-9999 is refused by ct_time_parse (and so a decision's "at") */
static void test_time_bounds(void **st)
{
    (void)st;
    int64_t t;
    char out[32];
    static const char *const bad[] = {"9999-12-31T23:30:00-01:00", "0000-01-01T00:30:00+01:00"};
    for (size_t i = 0; i < CT_ARRAY_LEN(bad); i++) assert_int_equal(ct_time_parse(bad[i], strlen(bad[i]), &t), -1);
    static const char *const edge[][2] = {{"9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"},
                                          {"0000-01-01T00:00:00Z", "0000-01-01T00:00:00.000Z"},
                                          {"0000-01-01T01:30:00+01:00", "0000-01-01T00:30:00.000Z"}};
    for (size_t i = 0; i < CT_ARRAY_LEN(edge); i++) {
        assert_int_equal(ct_time_parse(edge[i][0], strlen(edge[i][0]), &t), 0);
        ct_time_fmt(t, out);
        assert_string_equal(out, edge[i][1]);
        int64_t t2;
        assert_int_equal(ct_time_parse(out, strlen(out), &t2), 0);
        assert_int_equal(t2, t);
    }
    cJSON *j = cJSON_Parse("{\"alert_id\":\"a1\",\"status\":\"acknowledged\",\"analyst\":\"A\","
                           "\"at\":\"9999-12-31T23:30:00-01:00\"}");
    ct_decision d;
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_decision_from_json(j, &d, &err), -1);
    assert_string_equal(err.buf, "\"at\" is not an ISO 8601 time");
    ct_sbuf_free(&err);
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_utf8_reads_as_written),
        cmocka_unit_test(test_previous_without_based_on_kept),
        cmocka_unit_test(test_time_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
