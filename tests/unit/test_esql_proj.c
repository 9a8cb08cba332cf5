/* esql projection (esql_proj.c): the exact columns each shipped ES|QL rule
 * reads from its documents, in the order the query first reads them, the
 * queries that need the whole document, and what a row held past FROM keeps
 * (the late list, esql_hold.c). A column missing here would read as null in
 * scan; an extra one costs memory per held row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "esql.h"
#include "esql_int.h"
#include "json.h"
#include "util.h"

/* "a,b,c" of q's columns, or "WHOLE" when it needs the whole document. */
static char *columns(const char *query)
{
    char err[512];
    ct_esql *q = ct_esql_parse(query, err, sizeof err);
    assert_non_null(q);
    const char *const *v;
    size_t n;
    ct_sbuf b;
    ct_sbuf_init(&b);
    if (!ct_esql_columns(q, &v, &n)) ct_sbuf_add(&b, "WHOLE");
    else
        for (size_t i = 0; i < n; i++) ct_sbuf_addf(&b, "%s%s", i ? "," : "", v[i]);
    /* what a row held past FROM keeps (esql_hold.c) */
    ct_sbuf_add(&b, " | late:");
    if (q->late_all) ct_sbuf_add(&b, "ALL");
    else
        for (size_t i = 0; i < q->nlate; i++) ct_sbuf_addf(&b, "%s%s", i ? "," : "", q->late[i]);
    ct_esql_free(q);
    char *s = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return s;
}

static char *rule_columns(const char *path)
{
    char *buf;
    size_t len;
    assert_int_equal(ct_read_file(path, &buf, &len), 0);
    cJSON *j = cJSON_ParseWithLength(buf, len);
    assert_non_null(j);
    const char *query = ct_json_str(j, "query");
    assert_non_null(query);
    char *s = columns(query);
    cJSON_Delete(j);
    free(buf);
    return s;
}

static void expect(char *got, const char *want)
{
    assert_string_equal(got, want);
    free(got);
}

static void test_shipped_rules(void **state)
{
    (void)state;
    expect(rule_columns("rules/aws/aws_iam_user_created_access_keys_for_another_user.json"),
           "event.id,data_stream.dataset,event.provider,event.action,event.outcome,user.name,user.target.name,"
           "@timestamp,cloud.account.id,cloud.region,source.address,source.ip,user_agent.original,"
           "aws.cloudtrail.request_parameters,aws.cloudtrail.response_elements,aws.cloudtrail.user_identity.arn,"
           "aws.cloudtrail.user_identity.type,aws.cloudtrail.user_identity.access_key_id,source.geo.* | late:ALL");
    expect(rule_columns("rules/aws/aws_iam_user_self_created_access_key_subsequently_used.json"),
           "data_stream.dataset,event.provider,event.action,event.outcome,aws.cloudtrail.user_identity.type,"
           "aws.cloudtrail.user_identity.access_key_id,aws.cloudtrail.response_elements,user.target.name,user.name,"
           "aws.cloudtrail.user_identity.arn,@timestamp,source.ip,user_agent.original,cloud.account.id"
           " | late:Esql.aws_cloudtrail_self_access_key_creation_flag,Esql.aws_cloudtrail_created_access_key_use_flag,"
           "Esql_priv.aws_cloudtrail_user_identity_access_key_id_creator,"
           "Esql_priv.aws_cloudtrail_response_elements_access_key_access_key_id,aws.cloudtrail.user_identity.access_key_id,"
           "@timestamp,source.ip,user_agent.original,event.action,cloud.account.id,aws.cloudtrail.user_identity.arn,"
           "Esql_priv.aws_cloudtrail_access_key_id_correlation");
    expect(rule_columns("rules/azure/entra_id_credential_added_then_used_from_a_new_address.json"),
           "event.id,event.dataset,event.action,event.outcome,credtriage.credential.id,credtriage.credential_used,"
           "@timestamp,credtriage.actor.id,source.ip,credtriage.actor.name,credtriage.target.name"
           " | late:@timestamp,Esql.added,Esql.credential_id,credtriage.actor.id,source.ip,Esql.added_at,"
           "Esql.address_first_seen,credtriage.actor.name,credtriage.target.name");
}

static void test_defined_and_whole(void **state)
{
    (void)state;
    /* EVAL, RENAME and GROK define columns; DROP reads nothing; STATS closes */
    expect(columns("FROM logs-* | EVAL x = a + 1, y = x * 2 | RENAME b AS c | WHERE c > y AND d IS NULL"
                   " | GROK e \"%{WORD:w} (?<v>[0-9]+)\" | DROP f | STATS n = COUNT(*) BY w, v, g | WHERE h > 0"),
           "a,b,d,e,g | late:w,v,g");
    expect(columns("FROM logs-* | DISSECT msg \"%{+k} %{?skip}-%{z->}\" | KEEP k, z, other.*"),
           "msg,k,skip,z,other.* | late:ALL");
    expect(columns("FROM logs-* METADATA _index | INLINE STATS m = MIN(t) BY u | WHERE m > t | KEEP m"),
           "t,u | late:t,u,m");
    expect(columns("FROM logs-* | WHERE a == 1"), "WHOLE | late:ALL"); /* open rows print every column */
    expect(columns("FROM logs-* | WHERE KQL(\"a:1\") | KEEP b"), "WHOLE | late:ALL"); /* KQL reads the document */
    expect(columns("FROM logs-* | MV_EXPAND a | SORT b | LIMIT 3 | STATS COUNT(*)"), "a,b | late:b");
    expect(columns("ROW a = 1 | EVAL b = a"), " | late:ALL");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_rules),
        cmocka_unit_test(test_defined_and_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
