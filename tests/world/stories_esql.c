/* world: scenarios for the pack's three ES|QL rules (issue #19), each with its
 * near misses (README.md tells each one). Their ES|QL alerts are not planted
 * here: esql_truth.c works them out, over these and every other story, from
 * what the records state. The KQL alerts these records raise are planted. */
#include <stdlib.h>
#include <string.h>

#include "story.h"

#define OP_CERTS "Update application \xe2\x80\x93 Certificates and secrets management "

static void aws_scenarios(void)
{
    int frank = mk_iam(ACCT, "frank", "192.0.2.64", UA_AWSCLI);
    int gina = mk_iam(ACCT, "gina", "192.0.2.65", UA_AWSCLI);
    int ivan = mk_iam(ACCT, "ivan", "192.0.2.66", UA_AWSCLI);
    int judy = mk_iam(ACCT, "judy", "192.0.2.67", UA_AWSCLI);
    int kate = mk_iam(ACCT, "kate", "192.0.2.68", UA_AWSCLI);
    int who[] = {frank, gina, ivan, judy, kate};
    for (int i = 0; i < 5; i++)
        routine_aws(who[i], W.ents[who[i]].key, 0, NDAYS - 1, 3, 0);

    /* e01: frank makes a key for gina (for another user); gina uses it */
    char *kg = akid("AKIA");
    alert_add(aws_create_key(t_at(11, 15, 12, 9, 0), frank, W.ents[frank].key, gina, kg),
              "aws_iam_access_key_created", "e01-frank-key-for-gina");
    aws_call(t_at(11, 15, 40, 2, 0), gina, kg, "s3.amazonaws.com", "ListBuckets", NULL, NULL, NULL, NULL, -1, NULL);
    /* e05: frank tries again for ivan and is denied: no alert of any rule */
    {
        Call c = {.t = t_at(11, 15, 20, 44, 0), .actor = frank, .key = W.ents[frank].key,
                  .source = "iam.amazonaws.com", .name = "CreateAccessKey", .ip = W.ents[frank].ip, .ua = UA_AWSCLI,
                  .req = "{\"userName\":\"ivan\"}", .err = "AccessDenied", .target = ivan};
        ev_ct(&c);
    }
    /* e02: ivan makes a key naming himself (the same user: not for another
     * user) and first uses it 61 minutes later (too late to be "subsequently used") */
    char *ki = akid("AKIA");
    alert_add(aws_create_key(t_at(11, 16, 0, 0, 0), ivan, W.ents[ivan].key, ivan, ki),
              "aws_iam_access_key_created", "e02-ivan-names-himself");
    aws_call(t_at(11, 17, 1, 0, 0), ivan, ki, "ec2.amazonaws.com", "DescribeInstances", NULL, NULL, NULL, NULL, -1, NULL);
    aws_call(t_at(11, 17, 30, 5, 0), ivan, ki, "s3.amazonaws.com", "ListBuckets", NULL, NULL, NULL, NULL, -1, NULL);
    /* e03: judy makes her own key (no userName) and uses it exactly 3600 s
     * later (the bound is inclusive), again, and the next morning: every use
     * is the alert's evidence, so it sits on the last one */
    char *kj = akid("AKIA");
    int64_t t3 = t_at(12, 9, 30, 0, 0);
    alert_add(aws_create_key(t3, judy, W.ents[judy].key, -1, kj), "aws_iam_access_key_created", "e03-judy-own-key");
    aws_call(t3 + HOUR, judy, kj, "sts.amazonaws.com", "GetCallerIdentity", "203.0.113.160", UA_KALI, NULL, NULL, -1,
             NULL);
    aws_call(t3 + HOUR + 5 * MIN, judy, kj, "iam.amazonaws.com", "ListUsers", "203.0.113.160", UA_KALI, NULL, NULL, -1,
             NULL);
    aws_call(t_at(13, 8, 2, 44, 0), judy, kj, "s3.amazonaws.com", "ListBuckets", "203.0.113.160", UA_KALI, NULL, NULL,
             -1, NULL);
    /* e04: kate's own key, first used 3601 s later: one second too late */
    char *kk = akid("AKIA");
    int64_t t4 = t_at(12, 11, 0, 0, 0);
    alert_add(aws_create_key(t4, kate, W.ents[kate].key, -1, kk), "aws_iam_access_key_created", "e04-kate-own-key");
    aws_call(t4 + HOUR + TICK_S, kate, kk, "ec2.amazonaws.com", "DescribeInstances", NULL, NULL, NULL, NULL, -1, NULL);
}

static void entra_scenarios(void)
{
    int nora = mk_user("Nora Quist", "nora.quist@contoso.com", "192.0.2.31");
    char *kv0 = guid(), *kv1 = guid(), *kh0 = guid(), *kh1 = guid(), *kb0 = guid(), *kb1 = guid();
    int vendor = mk_app("vendor-sync", "192.0.2.90", kv0);
    int hrx = mk_app("hr-export", "192.0.2.91", kh0);
    int bill = mk_app("billing-sync", "192.0.2.92", kb0);
    int64_t end = t_at(NDAYS, 0, 0, 0, 0);
    routine_sp(vendor, kv0, t_at(0, 1, 20, 0, 0), end, 2 * HOUR, 60 * TICK_S, NULL, NULL);
    routine_sp(hrx, kh0, t_at(0, 2, 40, 0, 0), end, 3 * HOUR, 60 * TICK_S, NULL, NULL);
    routine_sp(bill, kb0, t_at(0, 3, 10, 0, 0), end, 4 * HOUR, 60 * TICK_S, NULL, NULL);
    /* billing-sync's disaster-recovery site signs in once a day with the old key */
    routine_sp(bill, kb0, t_at(0, 23, 5, 0, 0), end, DAY, 60 * TICK_S, "198.51.100.40", NULL);

    /* e06: nora adds a secret to vendor-sync; it signs in with it from a new
     * address 12 and 31 minutes later (the alert, on the second), from its
     * usual address (known: not evidence) and 75 minutes later (too late) */
    int64_t t6 = t_at(12, 14, 20, 5, 2210445);
    alert_add(entra_cred_add(t6, nora, vendor, 0, (const char *const[]){keyspec(kv0, "Password", "old")}, 1,
                             (const char *const[]){keyspec(kv0, "Password", "old"), keyspec(kv1, "Password", "v2")}, 2,
                             kv1, 0, NULL),
              "entra_app_credential_added", "e06-secret-on-vendor-sync");
    ev_spsignin(t6 + 12 * MIN + 3310021, vendor, kv1, 0, "203.0.113.150", NULL);
    ev_spsignin(t6 + 31 * MIN + 7700420, vendor, kv1, 0, "203.0.113.150", NULL);
    ev_spsignin(t6 + 40 * MIN + 1200007, vendor, kv1, 0, NULL, NULL);
    ev_spsignin(t6 + 75 * MIN + 5400112, vendor, kv1, 0, "203.0.113.150", NULL);
    /* e07: a secret on hr-export, first used from a new address 61 minutes later */
    int64_t t7 = t_at(12, 16, 5, 0, 1100230);
    alert_add(entra_cred_add(t7, nora, hrx, 0, (const char *const[]){keyspec(kh0, "Password", "old")}, 1,
                             (const char *const[]){keyspec(kh0, "Password", "old"), keyspec(kh1, "Password", "v2")}, 2,
                             kh1, 0, NULL),
              "entra_app_credential_added", "e07-secret-on-hr-export");
    ev_spsignin(t7 + 61 * MIN + 2000333, hrx, kh1, 0, "203.0.113.151", NULL);
    /* e08: a secret on billing-sync, used within the hour, but only from
     * addresses billing-sync signed in from before (its DR site, its own) */
    int64_t t8 = t_at(13, 9, 0, 12, 4500001);
    alert_add(entra_cred_add(t8, nora, bill, 0, (const char *const[]){keyspec(kb0, "Password", "old")}, 1,
                             (const char *const[]){keyspec(kb0, "Password", "old"), keyspec(kb1, "Password", "v2")}, 2,
                             kb1, 0, NULL),
              "entra_app_credential_added", "e08-secret-on-billing-sync");
    ev_spsignin(t8 + 10 * MIN + 500123, bill, kb1, 0, "198.51.100.40", NULL);
    ev_spsignin(t8 + 25 * MIN + 800321, bill, kb1, 0, NULL, NULL);
}

void stories_esql(void)
{
    aws_scenarios();
    entra_scenarios();
}
