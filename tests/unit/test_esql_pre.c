/* esql pre-filter (esql_pre.c): the verdicts on documents known only by a
 * few exact field values and their record's bytes, as scan uses them to
 * leave documents unbuilt. A verdict of 0 must mean the document cannot pass
 * the leading WHEREs (ES|QL's null is not true); 1 that it may. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "esql.h"

static const char *const verbatim[] = {"aws.cloudtrail.user_identity.type", "aws.cloudtrail.user_identity.access_key_id"};

static int pass(const char *query, const ct_esql_fact *f, size_t n, const char *raw)
{
    char err[256];
    ct_esql *q = ct_esql_parse(query, err, sizeof err);
    assert_non_null(q);
    int r = ct_esql_may_pass(q, f, n, raw, raw ? strlen(raw) : 0, verbatim, 2);
    ct_esql_free(q);
    return r;
}

#define F(...) (const ct_esql_fact[]){__VA_ARGS__}, sizeof((const ct_esql_fact[]){__VA_ARGS__}) / sizeof(ct_esql_fact)

static void test_facts(void **state)
{
    (void)state;
    const char *entra = "FROM logs-* | WHERE (event.dataset == \"azure.auditlogs\" AND credtriage.credential.id IS NOT NULL)"
                        " OR (event.dataset == \"azure.signinlogs\" AND credtriage.credential_used IS NOT NULL) | STATS COUNT(*)";
    assert_int_equal(pass(entra, F({"credtriage.credential.id", NULL}, {"credtriage.credential_used", NULL}), NULL), 0);
    assert_int_equal(pass(entra, F({"credtriage.credential.id", NULL}, {"credtriage.credential_used", "k1"}), NULL), 1);
    assert_int_equal(pass(entra, F({"credtriage.credential.id", "k"}, {"credtriage.credential_used", NULL}), NULL), 1);
    /* null is not true: an absent field compared, negated or not, drops the row */
    assert_int_equal(pass("FROM x | WHERE a == \"v\"", F({"a", NULL}), NULL), 0);
    assert_int_equal(pass("FROM x | WHERE NOT (a == \"v\")", F({"a", NULL}), NULL), 0);
    assert_int_equal(pass("FROM x | WHERE a != \"v\" OR b IS NULL", F({"a", NULL}, {"b", "x"}), NULL), 0);
    assert_int_equal(pass("FROM x | WHERE a != \"v\" OR b IS NULL", F({"a", "w"}, {"b", "x"}), NULL), 1);
    assert_int_equal(pass("FROM x | WHERE a IN (\"p\", \"q\")", F({"a", "q"}), NULL), 1);
    assert_int_equal(pass("FROM x | WHERE a NOT IN (\"p\", \"q\")", F({"a", "q"}), NULL), 0);
    assert_int_equal(pass("FROM x | WHERE a LIKE \"AK*\"", F({"a", "ASIA1"}), NULL), 0);
    assert_int_equal(pass("FROM x | WHERE a LIKE \"AK*\" OR c > 1", F({"a", "ASIA1"}), NULL), 1); /* c unknown */
    /* an EVAL that redefines a known field ends what the facts can say */
    assert_int_equal(pass("FROM x | EVAL a = \"v\" | WHERE a == \"v\"", F({"a", "w"}), NULL), 1);
    assert_int_equal(pass("FROM x | EVAL b = 1 | WHERE a == \"v\"", F({"a", "w"}), NULL), 0);
    assert_int_equal(pass("FROM x | STATS n = COUNT(*) BY a | WHERE a == \"v\"", F({"a", "w"}), NULL), 1);
}

static void test_record_bytes(void **state)
{
    (void)state;
    const char *q = "FROM logs-aws.cloudtrail-* | WHERE aws.cloudtrail.user_identity.type == \"IAMUser\""
                    " AND aws.cloudtrail.user_identity.access_key_id LIKE \"AKIA*\" | STATS COUNT(*)";
    const char *role = "{\"userIdentity\":{\"type\":\"AssumedRole\",\"accessKeyId\":\"ASIAXYZ\"}}";
    const char *user = "{\"userIdentity\":{\"type\":\"IAMUser\",\"accessKeyId\":\"AKIAXYZ\"}}";
    const char *user_asia = "{\"userIdentity\":{\"type\":\"IAMUser\",\"accessKeyId\":\"ASIAXYZ\"}}";
    const char *escaped = "{\"userIdentity\":{\"type\":\"IAM\\u0055ser\",\"accessKeyId\":\"AKIAXYZ\"}}";
    assert_int_equal(pass(q, NULL, 0, role), 0);
    assert_int_equal(pass(q, NULL, 0, user), 1);
    assert_int_equal(pass(q, NULL, 0, user_asia), 0);
    assert_int_equal(pass(q, NULL, 0, escaped), 1); /* the bytes prove nothing */
    assert_int_equal(pass(q, NULL, 0, NULL), 1);
    /* a field not listed as verbatim proves nothing by its bytes */
    assert_int_equal(pass("FROM x | WHERE event.provider == \"iam.amazonaws.com\"", NULL, 0, role), 1);
    /* != on a lacking literal may be true */
    assert_int_equal(pass("FROM x | WHERE aws.cloudtrail.user_identity.type != \"IAMUser\"", NULL, 0, role), 1);
    assert_int_equal(pass("FROM x | WHERE NOT aws.cloudtrail.user_identity.type == \"IAMUser\"", NULL, 0, role), 1);
}

static void test_pairs(void **state)
{
    (void)state;
    char err[256];
    ct_esql *q = ct_esql_parse("FROM x | WHERE event.action == \"CreateAccessKey\" AND user.name != user.target.name", err,
                               sizeof err);
    assert_non_null(q);
    const char *const f[] = {"event.dataset", "event.action"};
    const char *const yes[] = {"aws.cloudtrail", "CreateAccessKey"}, *const no[] = {"aws.cloudtrail", "ListUsers"},
                      *const unknown[] = {"aws.cloudtrail", NULL};
    assert_int_equal(ct_esql_may_match(q, f, yes, 2), 1);
    assert_int_equal(ct_esql_may_match(q, f, no, 2), 0);
    assert_int_equal(ct_esql_may_match(q, f, unknown, 2), 1); /* NULL: not known */
    ct_esql_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts),
        cmocka_unit_test(test_record_bytes),
        cmocka_unit_test(test_pairs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
