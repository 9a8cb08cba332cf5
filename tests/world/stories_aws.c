/* world: the AWS stories and traps (README.md tells each one). */
#include <stdlib.h>
#include <string.h>

#include "story.h"

#define ST_KEY "aws_iam_access_key_created"
#define ST_KEY_OTHER "aws_iam_access_key_created_for_another_user"

int aws_call(int64_t t, int who, const char *key, const char *src, const char *name, const char *ip,
                const char *ua, const char *req, const char *resp, int target, const char *made)
{
    const Ent *e = who >= 0 ? &W.ents[who] : NULL;
    Call c = {.t = t, .actor = who, .key = key, .source = src, .name = name, .ip = ip ? ip : e->ip,
              .ua = ua ? ua : e->ua, .req = req, .resp = resp, .target = target, .made = made,
              .readonly = !strncmp(name, "List", 4) || !strncmp(name, "Get", 3) || !strncmp(name, "Describe", 8)};
    if (!strcmp(src, "ec2.amazonaws.com"))
        c.region = "us-west-2";
    return ev_ct(&c);
}

static int console_login(int64_t t, int who, const char *ip)
{
    Call c = {.t = t, .actor = who, .source = "signin.amazonaws.com", .name = "ConsoleLogin",
              .ip = ip ? ip : W.ents[who].ip, .ua = UA_EDGE, .resp = "{\"ConsoleLogin\":\"Success\"}",
              .extra = "\"additionalEventData\":{\"LoginTo\":\"https://console.aws.amazon.com/console/home\","
                       "\"MobileVersion\":\"No\",\"MFAUsed\":\"Yes\"}",
              .target = -1};
    return ev_ct(&c);
}

static char *key_resp(const char *key, const char *user, int64_t t)
{
    if (!user)
        return xfmt("{\"accessKey\":{\"accessKeyId\":\"%s\",\"status\":\"Active\",\"createDate\":\"%s\"}}", key,
                    tfmt(t, 'B'));
    return xfmt("{\"accessKey\":{\"accessKeyId\":\"%s\",\"status\":\"Active\",\"userName\":\"%s\",\"createDate\":\"%s\"}}",
                key, user, tfmt(t, 'B'));
}

int aws_create_key(int64_t t, int who, const char *key, int user, const char *newkey)
{
    const char *uname = user >= 0 ? W.ents[user].name : NULL;
    char *req = uname ? xfmt("{\"userName\":\"%s\"}", uname) : NULL;
    /* without userName the key is the caller's own */
    int target = user >= 0 ? user : who;
    return aws_call(t, who, key, "iam.amazonaws.com", "CreateAccessKey", NULL, NULL, req,
                key_resp(newkey, W.ents[who].kind == K_ROOT && user < 0 ? NULL : W.ents[target].name, t), target,
                newkey);
}

static int assume(int64_t t, int who, const char *key, int role, int session)
{
    const Ent *r = &W.ents[role], *s = &W.ents[session];
    char *req = xfmt("{\"roleArn\":\"%s\",\"roleSessionName\":\"%s\",\"durationSeconds\":3600}", r->id, s->name);
    char *resp = xfmt("{\"credentials\":{\"accessKeyId\":\"%s\",\"sessionToken\":\"<sensitiveDataRemoved>\","
                      "\"expiration\":\"%s\"},\"assumedRoleUser\":{\"assumedRoleId\":\"%s\",\"arn\":\"%s\"}}",
                      s->key, tfmt(t + HOUR, 'B'), s->id2, s->id);
    return aws_call(t, who, key, "sts.amazonaws.com", "AssumeRole", NULL, NULL, req, resp, role, s->key);
}

void stories_aws(void)
{
    int alice = mk_iam(ACCT, "alice", "192.0.2.44", UA_AWSCLI);
    int bob = mk_iam(ACCT, "bob", "192.0.2.55", UA_AWSCLI);
    int bob2 = mk_iam(ACCT2, "bob", "192.0.2.56", UA_AWSCLI); /* another account's bob */
    int backup = mk_iam(ACCT, "svc-backup", "192.0.2.57", "aws-sdk-go-v2/1.32.6 os/linux lang/go#1.23.3");
    int carol = mk_iam(ACCT, "carol", "192.0.2.58", UA_AWSCLI);
    int dsvc = mk_iam(ACCT, "deploy-svc", "192.0.2.59", "aws-sdk-java/2.29.15 Linux/6.1 OpenJDK_64-Bit_Server_VM/21");
    int report = mk_iam(ACCT, "svc-reporting", "192.0.2.61", UA_EDGE);
    int dave = mk_iam(ACCT, "dave", "192.0.2.62", UA_AWSCLI);
    int erin = mk_iam(ACCT, "erin", "192.0.2.63", UA_AWSCLI);
    int root = mk_root(ACCT, "203.0.113.210");
    int orgadmin = mk_role(ACCT, "OrgAdmin");
    int s_alice = mk_session(orgadmin, "alice-break-glass", "192.0.2.44", UA_AWSCLI);
    int s_dave = mk_session(orgadmin, "dave.ops", "192.0.2.62", UA_AWSCLI);
    int s_erin = mk_session(orgadmin, "erin.ops", "192.0.2.63", UA_AWSCLI);
    int fed = mk_feduser(bob, "bob-ops", "203.0.113.200", UA_KALI);

    routine_aws(alice, W.ents[alice].key, 0, NDAYS - 1, 6, 0);
    routine_aws(bob, W.ents[bob].key, 0, NDAYS - 1, 10, 0);
    routine_aws(bob2, W.ents[bob2].key, 0, NDAYS - 1, 10, 0);
    routine_aws(backup, W.ents[backup].key, 0, NDAYS - 1, 3, 1);
    routine_aws(carol, W.ents[carol].key, 0, NDAYS - 1, 5, 0);
    routine_aws(dsvc, W.ents[dsvc].key, 0, NDAYS - 1, 24, 1);
    routine_aws(dave, W.ents[dave].key, 0, NDAYS - 1, 4, 0);
    routine_aws(erin, W.ents[erin].key, 0, NDAYS - 1, 4, 0);
    for (int d = 0; d < NDAYS; d++)
        if (!weekend(d)) {
            console_login(t_at(d, 16, (int)rnd(50), (int)rnd(60), 0), alice, NULL);
            console_login(t_at(d, 17, (int)rnd(50), (int)rnd(60), 0), bob, NULL);
        }

    /* ---- s16-s19: alice makes a key for bob; it is used from outside to make more ---- */
    char *alice_console = akid("ASIA"), *k1 = akid("AKIA"), *k2 = akid("AKIA");
    const char *kf = W.ents[fed].key;
    int64_t t16 = t_at(6, 14, 5, 40, 0);
    console_login(t_at(6, 13, 58, 2, 0), alice, NULL);
    alert_add(aws_create_key(t16, alice, alice_console, bob, k1), ST_KEY, "s16-alice-key-for-bob");
    {
        char *req = xfmt("{\"userName\":\"%s\",\"passwordResetRequired\":true}", W.ents[report].name);
        char *resp = xfmt("{\"loginProfile\":{\"userName\":\"%s\",\"createDate\":\"%s\",\"passwordResetRequired\":true}}",
                          W.ents[report].name, tfmt(t_at(6, 14, 8, 13, 0), 'B'));
        alert_add(aws_call(t_at(6, 14, 8, 13, 0), alice, alice_console, "iam.amazonaws.com", "CreateLoginProfile", NULL,
                       UA_EDGE, req, resp, report, NULL),
                  "aws_iam_login_profile_created_or_updated", "s23-login-profile-svc-reporting");
    }
    console_login(t_at(6, 16, 30, 11, 0), report, "203.0.113.200");
    aws_call(t_at(6, 16, 33, 40, 0), report, akid("ASIA"), "s3.amazonaws.com", "ListBuckets", "203.0.113.200", UA_EDGE,
         NULL, NULL, -1, NULL);
    const char *atk = "203.0.113.200";
    aws_call(t_at(6, 14, 31, 10, 0), bob, k1, "sts.amazonaws.com", "GetCallerIdentity", atk, UA_KALI, NULL, NULL, -1, NULL);
    aws_call(t_at(6, 14, 33, 40, 0), bob, k1, "iam.amazonaws.com", "ListUsers", atk, UA_KALI, NULL, NULL, -1, NULL);
    aws_call(t_at(6, 14, 35, 5, 0), bob, k1, "iam.amazonaws.com", "ListAttachedUserPolicies", atk, UA_KALI,
         "{\"userName\":\"bob\"}", NULL, bob, NULL);
    aws_call(t_at(6, 14, 40, 20, 0), bob, k1, "ec2.amazonaws.com", "DescribeInstances", atk, UA_KALI, NULL, NULL, -1, NULL);
    aws_call(t_at(6, 14, 44, 2, 0), bob, k1, "s3.amazonaws.com", "ListBuckets", atk, UA_KALI, NULL, NULL, -1, NULL);
    {
        Call c = {.t = t_at(6, 14, 47, 33, 0), .actor = bob, .key = k1, .source = "iam.amazonaws.com",
                  .name = "CreateUser", .ip = atk, .ua = UA_KALI, .req = "{\"userName\":\"backup-admin\"}",
                  .err = "AccessDenied", .target = -1};
        ev_ct(&c);
    }
    alert_add(aws_create_key(t_at(6, 14, 52, 30, 0), bob, k1, backup, k2), ST_KEY, "s17-key-made-with-new-key");
    {
        char *resp = xfmt("{\"credentials\":{\"accessKeyId\":\"%s\",\"sessionToken\":\"<sensitiveDataRemoved>\","
                          "\"expiration\":\"%s\"},\"federatedUser\":{\"federatedUserId\":\"%s\",\"arn\":\"%s\"},"
                          "\"packedPolicySize\":6}",
                          kf, tfmt(t_at(7, 3, 2, 11, 0), 'B'), W.ents[fed].id2, W.ents[fed].id);
        alert_add(aws_call(t_at(6, 15, 2, 11, 0), bob, k1, "sts.amazonaws.com", "GetFederationToken", atk, UA_KALI,
                       "{\"name\":\"bob-ops\",\"durationSeconds\":43200,\"policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\","
                       "\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":\\\"*\\\",\\\"Resource\\\":\\\"*\\\"}]}\"}",
                       resp, fed, kf),
                  "aws_sts_get_federation_token", "s18-federation-token-with-new-key");
    }
    /* like "Add application", CreateKeyPair's target is what it creates: the key pair */
    Ent kpe = {.kind = K_KEYPAIR, .name = "ops-recovery", .id = "key-0c2b7e5f1a9d3e4b6", .acct = ACCT};
    int kp = ent_add(&kpe);
    alert_add(aws_call(t_at(6, 15, 10, 37, 0), bob, k1, "ec2.amazonaws.com", "CreateKeyPair", atk, UA_KALI,
                   "{\"keyName\":\"ops-recovery\",\"keyType\":\"rsa\",\"keyFormat\":\"pem\"}",
                   "{\"requestId\":\"9d1f3b0e-4c2a-4e8b-9a7d-2f6e1c0b5a43\",\"keyName\":\"ops-recovery\","
                   "\"keyFingerprint\":\"1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f\","
                   "\"keyPairId\":\"key-0c2b7e5f1a9d3e4b6\",\"keyMaterial\":\"<sensitiveDataRemoved>\"}",
                   kp, NULL),
              "aws_ec2_key_pair_created_or_imported", "s19-key-pair-with-new-key");
    aws_call(t_at(6, 15, 20, 5, 0), fed, kf, "s3.amazonaws.com", "ListBuckets", NULL, NULL, NULL, NULL, -1, NULL);
    aws_call(t_at(6, 15, 25, 44, 0), fed, kf, "ec2.amazonaws.com", "DescribeInstances", NULL, NULL, NULL, NULL, -1, NULL);
    aws_call(t_at(6, 15, 31, 19, 0), fed, kf, "secretsmanager.amazonaws.com", "ListSecrets", NULL, NULL, NULL, NULL, -1, NULL);
    aws_call(t_at(7, 3, 10, 0, 0), backup, k2, "s3.amazonaws.com", "ListBuckets", atk, UA_KALI, NULL, NULL, -1, NULL);
    /* just inside and just outside s16's window: bob's new key and his old one */
    aws_call(t16 + DAY - 30 * TICK_S, bob, k1, "sts.amazonaws.com", "GetCallerIdentity", atk, UA_KALI, NULL, NULL, -1, NULL);
    aws_call(t16 + DAY + 30 * TICK_S, bob, k1, "s3.amazonaws.com", "ListBuckets", atk, UA_KALI, NULL, NULL, -1, NULL);
    aws_call(t16 - DAY + 30 * TICK_S, bob, W.ents[bob].key, "ec2.amazonaws.com", "DescribeInstances", NULL, NULL, NULL,
         NULL, -1, NULL);
    aws_call(t16 - DAY - 30 * TICK_S, bob, W.ents[bob].key, "ec2.amazonaws.com", "DescribeInstances", NULL, NULL, NULL,
         NULL, -1, NULL);

    /* ---- s20: a role session (assumed-role ARN) makes a key for deploy-svc; other sessions of the role ---- */
    char *kd = akid("AKIA");
    assume(t_at(8, 9, 2, 51, 0), dave, W.ents[dave].key, orgadmin, s_dave);
    assume(t_at(8, 10, 4, 9, 0), erin, W.ents[erin].key, orgadmin, s_erin);
    assume(t_at(8, 11, 12, 40, 0), alice, W.ents[alice].key, orgadmin, s_alice);
    for (int i = 0; i < 20; i++) {
        aws_call(t_at(8, 9, 10 + 2 * i, 3, 0), s_dave, W.ents[s_dave].key, "ec2.amazonaws.com", "DescribeInstances", NULL,
             NULL, NULL, NULL, -1, NULL);
        aws_call(t_at(8, 10, 10 + 2 * i, 7, 0), s_erin, W.ents[s_erin].key, "iam.amazonaws.com", "ListRoles", NULL, NULL,
             NULL, NULL, -1, NULL);
    }
    const char *sk = W.ents[s_alice].key;
    aws_call(t_at(8, 11, 14, 2, 0), s_alice, sk, "iam.amazonaws.com", "ListUsers", NULL, NULL, NULL, NULL, -1, NULL);
    aws_call(t_at(8, 11, 16, 30, 0), s_alice, sk, "iam.amazonaws.com", "GetUser", NULL, NULL, "{\"userName\":\"deploy-svc\"}",
         NULL, dsvc, NULL);
    int s20 = aws_create_key(t_at(8, 11, 20, 0, 0), s_alice, sk, dsvc, kd);
    alert_add(s20, ST_KEY, "s20-role-session-key-for-deploy-svc");
    alert_add(s20, ST_KEY_OTHER, "s21-role-session-key-for-deploy-svc-other");
    aws_call(t_at(8, 11, 25, 41, 0), s_alice, sk, "iam.amazonaws.com", "ListAccessKeys", NULL, NULL,
         "{\"userName\":\"deploy-svc\"}", NULL, dsvc, NULL);
    const char *ext = "198.51.100.77";
    aws_call(t_at(8, 12, 0, 12, 0), dsvc, kd, "sts.amazonaws.com", "GetCallerIdentity", ext, UA_KALI, NULL, NULL, -1, NULL);
    aws_call(t_at(8, 12, 5, 40, 0), dsvc, kd, "s3.amazonaws.com", "ListBuckets", ext, UA_KALI, NULL, NULL, -1, NULL);
    aws_call(t_at(8, 12, 40, 9, 0), dsvc, kd, "ec2.amazonaws.com", "DescribeInstances", ext, UA_KALI, NULL, NULL, -1, NULL);

    /* ---- s22: root creates its own access key and uses it ---- */
    console_login(t_at(2, 17, 44, 3, 0), root, "192.0.2.45");
    console_login(t_at(9, 20, 25, 11, 0), root, NULL);
    char *kr = akid("AKIA"), *rootc = akid("ASIA");
    alert_add(aws_create_key(t_at(9, 20, 30, 0, 0), root, rootc, -1, kr), ST_KEY, "s22-root-own-key");
    aws_call(t_at(9, 20, 41, 7, 0), root, kr, "sts.amazonaws.com", "GetCallerIdentity", NULL, UA_KALI, NULL, NULL, -1, NULL);
    aws_call(t_at(9, 20, 50, 33, 0), root, kr, "iam.amazonaws.com", "ListUsers", NULL, UA_KALI, NULL, NULL, -1, NULL);
    aws_call(t_at(9, 21, 30, 2, 0), root, kr, "ec2.amazonaws.com", "DescribeRegions", NULL, UA_KALI, NULL, NULL, -1, NULL);

    /* ---- s24: carol makes a key for herself and moves to it ---- */
    char *kc = akid("AKIA");
    alert_add(aws_create_key(t_at(10, 10, 15, 0, 0), carol, W.ents[carol].key, -1, kc), ST_KEY, "s24-carol-own-key");
    for (int i = 0; i < 4; i++)
        aws_call(t_at(10, 10, 30 + 7 * i, 11, 0), carol, kc, "ec2.amazonaws.com", "DescribeInstances", NULL, NULL, NULL,
             NULL, -1, NULL);
}
