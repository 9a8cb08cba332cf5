/* Unit tests for src/entity.c: which ids are one identity (and only on the
 * evidence docs/CORRELATION.md lists), the records that join them, names that
 * join only while unique, clouds that never share an id, placeholders that
 * are no id, the bound on an identity's size, credentials. Exact sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "entity.h"
#include "evspec.h"

#define SIGNIN "azure.signinlogs"
#define AUDIT "azure.auditlogs"
#define AWS "aws.cloudtrail"
#define GCP "gcp.audit"

static uint32_t of(const ct_entities *E, size_t ev, ct_role r)
{
    return ct_entities_of(E, ev, r);
}

/* the identity's ids are exactly want (as first written, any order) */
static void ids_eq(const ct_entities *E, uint32_t id, const char *const *want, size_t k)
{
    const char *got[CT_ENTITY_MAX_IDS + 1];
    size_t n = ct_entities_ids(E, id, got, CT_ENTITY_MAX_IDS + 1);
    if (n != k) fail_msg("identity %u: %zu ids, want %zu", id, n, k);
    for (size_t i = 0; i < k; i++) {
        size_t seen = 0;
        for (size_t j = 0; j < n; j++) seen += !strcmp(got[j], want[i]);
        if (seen != 1) fail_msg("identity %u: id %s seen %zu times", id, want[i], seen);
    }
}
#define IDS_EQ(E, id, ...) ids_eq((E), (id), (const char *const[]){__VA_ARGS__}, \
    sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

/* A user by object id with UPN, by UPN alone in other case, by id alone in
 * lower case: one identity, joined by the name stated with the id. The
 * application signed in with is a client, not a target, and joins nothing. */
static void test_user_ids_and_upn_case(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t e0 = add(&st, (spec){.ts = T0, .dataset = SIGNIN, .actor_id = "OID-A", .actor_name = "Alice@Contoso.com",
                               .actor_type = "user", .client_app = "Azure Portal"});
    size_t e1 = add(&st, (spec){.ts = T0, .dataset = AUDIT, .actor_id = "ALICE@CONTOSO.COM",
                               .actor_name = "ALICE@CONTOSO.COM", .actor_type = "user"});
    size_t e2 = add(&st, (spec){.ts = T0, .dataset = AUDIT, .actor_id = "oid-a", .actor_type = "user"});
    size_t e3 = add(&st, (spec){.ts = T0, .dataset = SIGNIN, .actor_id = "oid-b", .actor_name = "bob@contoso.com",
                               .actor_type = "user", .client_app = "Azure Portal"});
    ct_entities *E = ct_entities_build(&st);
    uint32_t a = of(E, e0, CT_ROLE_ACTOR);
    assert_true(a != 0);
    assert_int_equal(of(E, e1, CT_ROLE_ACTOR), a);
    assert_int_equal(of(E, e2, CT_ROLE_ACTOR), a);
    assert_true(of(E, e3, CT_ROLE_ACTOR) != a && of(E, e3, CT_ROLE_ACTOR) != 0);
    assert_int_equal(of(E, e0, CT_ROLE_TARGET), 0);
    assert_int_equal(of(E, e3, CT_ROLE_TARGET), 0);
    assert_int_equal(ct_entities_kind(E, a), CT_ENT_ENTRA_USER);
    IDS_EQ(E, a, "OID-A", "Alice@Contoso.com");
    ct_link l[4];
    assert_int_equal(ct_entities_links(E, a, l, 4), 1);
    assert_int_equal(l[0].why, CT_LINK_UNIQUE_NAME);
    assert_int_equal(l[0].event, e0);
    ct_entity_ref r;
    assert_int_equal(ct_entities_ref(E, e0, CT_ROLE_CLIENT_APP, &r), 1);
    assert_string_equal(r.id, "Azure Portal");
    assert_int_equal(r.ident, 0);
    assert_int_equal(r.kind, CT_ENT_APP_NAME);
    assert_int_equal(ct_entities_ref(E, e0, CT_ROLE_TARGET, &r), 0);
    /* identities: alice, bob */
    assert_int_equal(ct_entities_count(E), 2);
    ct_entities_free(E);
    ct_store_free(&st);
}

/* Two managed identities called "Managed Service Identity", two apps called
 * "api": a name stated for two identities joins neither; a record naming
 * only the shared name is an identity of its own. */
static void test_shared_names_do_not_join(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t m1 = add(&st, (spec){.ts = T0, .dataset = AUDIT, .actor_id = "sp-msi-1",
                               .actor_name = "Managed Service Identity", .actor_type = "managed_identity"});
    size_t m2 = add(&st, (spec){.ts = T0, .dataset = AUDIT, .actor_id = "sp-msi-2",
                               .actor_name = "Managed Service Identity", .actor_type = "managed_identity"});
    size_t m3 = add(&st, (spec){.ts = T0, .dataset = AUDIT, .actor_name = "Managed Service Identity"});
    size_t a1 = add(&st, (spec){.ts = T0, .dataset = SIGNIN, .actor_id = "sp-api-1", .actor_id2 = "app-api-1",
                               .actor_name = "api", .actor_type = "service_principal"});
    size_t a2 = add(&st, (spec){.ts = T0, .dataset = SIGNIN, .actor_id = "sp-api-2", .actor_id2 = "app-api-2",
                               .actor_name = "api", .actor_type = "service_principal"});
    size_t t2 = add(&st, (spec){.ts = T0, .dataset = AUDIT, .actor_id = "u", .target_id = "obj-api-2",
                               .app_id = "app-api-2", .target_name = "api", .target_type = "application"});
    ct_entities *E = ct_entities_build(&st);
    uint32_t i1 = of(E, m1, CT_ROLE_ACTOR), i2 = of(E, m2, CT_ROLE_ACTOR), i3 = of(E, m3, CT_ROLE_ACTOR);
    assert_true(i1 && i2 && i3 && i1 != i2 && i3 != i1 && i3 != i2);
    IDS_EQ(E, i1, "sp-msi-1");
    IDS_EQ(E, i3, "Managed Service Identity");
    uint32_t p1 = of(E, a1, CT_ROLE_ACTOR), p2 = of(E, a2, CT_ROLE_ACTOR);
    assert_true(p1 && p2 && p1 != p2);
    IDS_EQ(E, p1, "sp-api-1", "app-api-1");
    /* the second api's application and service principal: one, by its appId */
    assert_int_equal(of(E, t2, CT_ROLE_TARGET), p2);
    IDS_EQ(E, p2, "sp-api-2", "app-api-2", "obj-api-2");
    assert_int_equal(ct_entities_kind(E, p2), CT_ENT_APPLICATION);
    ct_entities_free(E);
    ct_store_free(&st);
}

/* "Add application" states the object id and appId; a service principal
 * sign-in states the service principal id and appId; an update names the
 * service principal: one identity, with the records that join it. A user
 * signing in to it names it as client, which joins nothing. */
static void test_app_sp_mapping(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t e0 = add(&st, (spec){.ts = T0, .dataset = AUDIT, .action = "Add application", .actor_id = "u-1",
                               .target_id = "obj-app", .app_id = "appid-1", .target_name = "billing",
                               .target_type = "application"});
    size_t e1 = add(&st, (spec){.ts = T0 + MIN, .dataset = SIGNIN, .actor_id = "sp-1", .actor_id2 = "appid-1",
                               .actor_name = "billing", .actor_type = "service_principal"});
    size_t e2 = add(&st, (spec){.ts = T0 + 2 * MIN, .dataset = AUDIT, .action = "Update service principal",
                               .actor_id = "u-1", .target_id = "sp-1", .target_type = "service_principal"});
    size_t e3 = add(&st, (spec){.ts = T0 + 3 * MIN, .dataset = SIGNIN, .actor_id = "u-2",
                               .actor_name = "carol@contoso.com", .client_app = "billing"});
    ct_entities *E = ct_entities_build(&st);
    uint32_t app = of(E, e0, CT_ROLE_TARGET);
    assert_true(app != 0);
    assert_int_equal(of(E, e1, CT_ROLE_ACTOR), app);
    assert_int_equal(of(E, e2, CT_ROLE_TARGET), app);
    assert_int_equal(of(E, e3, CT_ROLE_TARGET), 0);
    assert_true(of(E, e3, CT_ROLE_ACTOR) != app);
    assert_int_equal(ct_entities_kind(E, app), CT_ENT_APPLICATION);
    IDS_EQ(E, app, "obj-app", "appid-1", "billing", "sp-1");
    ct_link l[8];
    size_t n = ct_entities_links(E, app, l, 8);
    assert_int_equal(n, 3);
    int seen[4] = {0};
    for (size_t i = 0; i < n; i++) seen[l[i].why]++;
    assert_int_equal(seen[CT_LINK_APP_MAPPING], 1);
    assert_int_equal(seen[CT_LINK_SAME_RECORD], 1);
    assert_int_equal(seen[CT_LINK_UNIQUE_NAME], 1);
    for (size_t i = 0; i < n; i++)
        if (l[i].why == CT_LINK_APP_MAPPING) assert_int_equal(l[i].event, e0);
    ct_entities_free(E);
    ct_store_free(&st);
}

/* AWS: an IAM user is its ARN and principalId; user names are not keys (bob
 * of two accounts are two); a user ARN with a path is the same user as the
 * ARN a call builds from the account and name. */
static void test_aws_accounts_and_paths(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t b1 = add(&st, (spec){.ts = T0, .dataset = AWS, .actor_id = "arn:aws:iam::111122223333:user/bob",
                               .actor_id2 = "AIDABOB1", .actor_name = "bob", .actor_type = "iam_user"});
    size_t b2 = add(&st, (spec){.ts = T0, .dataset = AWS, .actor_id = "arn:aws:iam::444455556666:user/bob",
                               .actor_id2 = "AIDABOB2", .actor_name = "bob", .actor_type = "iam_user"});
    size_t k = add(&st, (spec){.ts = T0, .dataset = AWS, .action = "CreateAccessKey",
                              .actor_id = "arn:aws:iam::111122223333:user/alice",
                              .target_id = "arn:aws:iam::111122223333:user/bob", .target_name = "bob",
                              .target_type = "iam_user"});
    size_t doc = add(&st, (spec){.ts = T0, .dataset = AWS, .actor_id = "AIDABOB1", .actor_name = "bob"});
    size_t c1 = add(&st, (spec){.ts = T0, .dataset = AWS, .actor_id = "arn:aws:iam::111122223333:user/ops/carol",
                               .actor_id2 = "AIDACAROL", .actor_name = "carol", .actor_type = "iam_user"});
    size_t c2 = add(&st, (spec){.ts = T0, .dataset = AWS, .actor_id = "arn:aws:iam::111122223333:user/alice",
                               .target_id = "arn:aws:iam::111122223333:user/carol", .target_name = "carol"});
    ct_entities *E = ct_entities_build(&st);
    uint32_t bob = of(E, b1, CT_ROLE_ACTOR);
    assert_true(bob != 0);
    assert_int_equal(of(E, k, CT_ROLE_TARGET), bob);
    assert_int_equal(of(E, doc, CT_ROLE_ACTOR), bob);
    assert_true(of(E, b2, CT_ROLE_ACTOR) != bob);
    IDS_EQ(E, bob, "arn:aws:iam::111122223333:user/bob", "AIDABOB1");
    uint32_t carol = of(E, c1, CT_ROLE_ACTOR);
    assert_int_equal(of(E, c2, CT_ROLE_TARGET), carol);
    ct_link l[4];
    size_t n = ct_entities_links(E, carol, l, 4);
    assert_int_equal(n, 2);
    assert_true(l[0].why == CT_LINK_ARN_PATH || l[1].why == CT_LINK_ARN_PATH);
    assert_int_equal(ct_entities_kind(E, carol), CT_ENT_AWS_IAM_USER);
    ct_entities_free(E);
    ct_store_free(&st);
}

/* The same address in GCP and Entra is two principals; placeholders such as
 * "Not Available" or the zero GUID are no id and join nothing. */
static void test_clouds_and_placeholders(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t g = add(&st, (spec){.ts = T0, .dataset = GCP, .actor_id = "alice@example.com",
                              .actor_name = "alice@example.com", .actor_type = "user"});
    size_t m = add(&st, (spec){.ts = T0, .dataset = SIGNIN, .actor_id = "oid-x", .actor_name = "alice@example.com",
                              .actor_type = "user"});
    size_t t1 = add(&st, (spec){.ts = T0, .dataset = "o365.audit", .actor_id = "u", .target_id = "Not Available",
                               .target_name = "app-a"});
    size_t t2 = add(&st, (spec){.ts = T0, .dataset = "o365.audit", .actor_id = "u", .target_id = "Not Available",
                               .target_name = "app-b"});
    size_t t3 = add(&st, (spec){.ts = T0, .dataset = AUDIT, .actor_id = "u",
                               .target_id = "00000000-0000-0000-0000-000000000000", .target_name = "app-c"});
    ct_entities *E = ct_entities_build(&st);
    assert_true(of(E, g, CT_ROLE_ACTOR) != of(E, m, CT_ROLE_ACTOR));
    assert_int_equal(ct_entities_kind(E, of(E, g, CT_ROLE_ACTOR)), CT_ENT_GCP_PRINCIPAL);
    uint32_t a = of(E, t1, CT_ROLE_TARGET), b = of(E, t2, CT_ROLE_TARGET), c = of(E, t3, CT_ROLE_TARGET);
    assert_true(a && b && c && a != b && b != c && a != c);
    IDS_EQ(E, a, "app-a");
    IDS_EQ(E, c, "app-c");
    ct_entities_free(E);
    ct_store_free(&st);
}

/* One id stated beside 70 others: the identity stops at CT_ENTITY_MAX_IDS
 * ids and the joins beyond are refused and counted. */
static void test_bounded(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    char id2[32];
    size_t ev[70];
    for (int k = 0; k < 70; k++) {
        snprintf(id2, sizeof id2, "spoke-%02d", k);
        ev[k] = add(&st, (spec){.ts = T0 + k, .dataset = AWS, .actor_id = "hub", .actor_id2 = id2});
    }
    ct_entities *E = ct_entities_build(&st);
    uint32_t hub = of(E, ev[0], CT_ROLE_ACTOR);
    const char *ids[80];
    assert_int_equal(ct_entities_ids(E, hub, ids, 80), CT_ENTITY_MAX_IDS);
    assert_int_equal(ct_entities_refused(E), 70 + 1 - CT_ENTITY_MAX_IDS);
    ct_link l[80];
    assert_int_equal(ct_entities_links(E, hub, l, 80), CT_ENTITY_MAX_IDS - 1);
    ct_entities_free(E);
    ct_store_free(&st);
}

/* Credentials: the one created and the one authenticated with are one key
 * (case-insensitive) within a cloud; only an addition creates one. */
static void test_credentials(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    size_t add_ev = add(&st, (spec){.ts = T0, .dataset = AUDIT, .actor_id = "u", .target_id = "sp",
                                   .cred_id = "KEY-1", .cred_type = "password", .flags = CT_EVF_CRED_ADD});
    size_t use = add(&st, (spec){.ts = T0 + MIN, .dataset = SIGNIN, .actor_id = "sp", .cred_used = "key-1",
                                .flags = CT_EVF_SIGNIN});
    size_t not_add = add(&st, (spec){.ts = T0, .dataset = AUDIT, .actor_id = "u", .target_id = "sp",
                                    .cred_id = "KEY-2"});
    size_t aws = add(&st, (spec){.ts = T0, .dataset = AWS, .actor_id = "arn:aws:iam::1:user/x", .cred_used = "KEY-1"});
    ct_entities *E = ct_entities_build(&st);
    uint32_t k = of(E, add_ev, CT_ROLE_CRED_MADE);
    assert_true(k != 0);
    assert_int_equal(of(E, use, CT_ROLE_CRED_USED), k);
    assert_int_equal(of(E, not_add, CT_ROLE_CRED_MADE), 0);
    assert_true(of(E, aws, CT_ROLE_CRED_USED) != k);
    assert_int_equal(ct_entities_kind(E, k), CT_ENT_APP_CREDENTIAL);
    assert_int_equal(ct_entities_kind(E, of(E, aws, CT_ROLE_CRED_USED)), CT_ENT_ACCESS_KEY);
    /* the service principal the key belongs to is not the key */
    assert_true(of(E, use, CT_ROLE_ACTOR) != k);
    assert_int_equal(of(E, use, CT_ROLE_ACTOR), of(E, add_ev, CT_ROLE_TARGET));
    ct_entities_free(E);
    ct_store_free(&st);
}

static void test_empty(void **state)
{
    (void)state;
    ct_store st;
    ct_store_init(&st);
    ct_entities *E = ct_entities_build(&st);
    assert_int_equal(ct_entities_count(E), 0);
    assert_int_equal(ct_entities_of(E, 0, CT_ROLE_ACTOR), 0);
    ct_entity_ref r;
    assert_int_equal(ct_entities_ref(E, 0, CT_ROLE_ACTOR, &r), 0);
    ct_entities_free(E);
    ct_store_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_ids_and_upn_case),
        cmocka_unit_test(test_shared_names_do_not_join),
        cmocka_unit_test(test_app_sp_mapping),
        cmocka_unit_test(test_aws_accounts_and_paths),
        cmocka_unit_test(test_clouds_and_placeholders),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_credentials),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests_name("entity", tests, NULL, NULL);
}
