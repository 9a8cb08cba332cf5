/* gen: a deterministic generator of cloud audit log records for benchmarks.
 *
 *   gen [-n N] [--ecs] [--seed S]  > FILE.ndjson
 *
 * N records (default 1,000,000), about 1 KB each, one per line: a mix of
 * Azure diagnostic records (Entra ID AuditLogs, ServicePrincipalSignInLogs,
 * SignInLogs), AWS CloudTrail and GCP Cloud Audit Log entries in their raw
 * shapes (as in samples/), or with --ecs the same events already in ECS form
 * (Filebeat-style documents). About 1 in 200 records adds a credential
 * ("Update application – Certificates and secrets management " with the en
 * dash and trailing space, CreateAccessKey, CreateServiceAccountKey). Actors,
 * applications and keys repeat, so correlation has work to do: sign-ins use
 * the keys added earlier. The same seed always gives the same bytes. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }

/* a GUID derived from (kind, n): the same entity always has the same id */
static void guid(char out[37], uint32_t kind, uint64_t n)
{
    uint64_t a = (n + 1) * 0x9E3779B97F4A7C15ull ^ ((uint64_t)kind << 56);
    uint64_t b = a * 0xBF58476D1CE4E5B9ull ^ (a >> 31);
    b ^= b >> 29;
    snprintf(out, 37, "%08" PRIx32 "-%04" PRIx32 "-4%03" PRIx32 "-a%03" PRIx32 "-%012" PRIx64,
             (uint32_t)(a >> 32), (uint32_t)(a >> 16) & 0xffff, (uint32_t)a & 0xfff,
             (uint32_t)(b >> 52) & 0xfff, (uint64_t)(b & 0xffffffffffffull));
}

static void hex(char *out, size_t n, uint64_t seed)
{
    static const char h[] = "0123456789abcdef";
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x >> 27;
        x *= 0x94D049BB133111EBull;
        out[i] = h[(x >> 60) & 15];
    }
    out[n] = 0;
}

#define NUSERS 300
#define NAPPS 500
#define NROLES 40
#define NSA 120
static const char *const first[] = {"megan", "isaiah", "lee", "diego", "adele", "alex", "grady",
                                    "johanna", "lidia", "lynne", "miriam", "nestor", "patti",
                                    "pradeep", "allan", "christie", "debra", "emily", "henrietta",
                                    "irvin"};
static const char *const last[] = {"bowen", "langer", "gu", "siciliani", "vance", "wilber",
                                   "archie", "lauer", "holloway", "robbins", "graham", "wilke",
                                   "fernandez", "gupta", "deyoung", "cline", "hitchcock"};
static const char *const app_words[] = {"ci", "billing", "crm", "etl", "backup", "reporting",
                                        "deploy", "hr", "payroll", "graph", "sync", "monitor"};
static const char *const aws_reads[] = {"DescribeInstances", "GetObject", "ListBuckets",
                                        "DescribeSecurityGroups", "GetCallerIdentity",
                                        "AssumeRole", "ListUsers", "GetParameter", "Decrypt",
                                        "PutObject"};
static const char *const gcp_reads[] = {"storage.objects.get", "storage.objects.create",
                                        "v1.compute.instances.list", "google.iam.admin.v1.GetServiceAccount",
                                        "SetIamPolicy", "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion"};
static const char *const audit_ops[] = {"Update user", "Add member to group", "Update application",
                                        "Add service principal", "Update service principal",
                                        "Reset user password", "Add app role assignment to service principal",
                                        "Consent to application"};
#define CT_LEN_AUDIT (sizeof audit_ops / sizeof audit_ops[0])
static const char *const ips[] = {"192.0.2.", "198.51.100.", "203.0.113."};

static void user_name(char *out, size_t n, unsigned u)
{
    snprintf(out, n, "%s.%s%u@contoso.com", first[u % 20], last[(u / 20) % 17], u / 340);
}
static void app_name(char *out, size_t n, unsigned a)
{
    snprintf(out, n, "%s-%s-%u", app_words[a % 12], app_words[(a / 12) % 12], a / 144);
}
static void ip(char *out, size_t n, unsigned k)
{
    snprintf(out, n, "%s%u", ips[k % 3], 1 + (k / 3) % 250);
}

static void tsfmt(char *out, size_t n, int64_t ms, int digits)
{
    int64_t s = ms / 1000;
    int64_t days = s / 86400, rem = s % 86400;
    /* civil from days (Howard Hinnant) */
    int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
    if (m <= 2) y++;
    if (digits)
        snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%0*dZ", (int)y, (int)m, (int)d,
                 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)(ms % 1000),
                 digits - 3, (int)(rnd() % 10000));
    else
        snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d, (int)(rem / 3600),
                 (int)(rem / 60 % 60), (int)(rem % 60));
}

static const char TENANT[] = "77113639-cb75-4315-b3ac-5b0be470d0f0";

/* per application: the key id it was last given (sign-ins use it) */
static uint64_t app_key_gen[NAPPS];

static void key_id(char out[37], unsigned app)
{
    guid(out, 9, (uint64_t)app * 100000 + app_key_gen[app]);
}

static int ecs;

static void sp_signin(int64_t ms, uint64_t i)
{
    unsigned a = rn(NAPPS) % (50 + rn(NAPPS)); /* a few apps sign in a lot */
    char t[64], id[37], appid[37], spid[37], key[37], corr[37], name[64], addr[24];
    tsfmt(t, sizeof t, ms, 7);
    guid(id, 1, i);
    guid(corr, 2, i);
    guid(appid, 3, a);
    guid(spid, 4, a);
    key_id(key, a);
    app_name(name, sizeof name, a);
    ip(addr, sizeof addr, a * 7 + rn(3));
    int fail = rn(50) == 0;
    if (ecs) {
        printf("{\"@timestamp\":\"%s\",\"event\":{\"dataset\":\"azure.signinlogs\",\"action\":\"Sign-in activity\",\"outcome\":\"%s\",\"kind\":\"event\",\"category\":[\"authentication\"],\"id\":\"%s\"},"
               "\"source\":{\"ip\":\"%s\"},\"cloud\":{\"provider\":\"azure\"},"
               "\"azure\":{\"tenant_id\":\"%s\",\"correlation_id\":\"%s\",\"signinlogs\":{\"category\":\"ServicePrincipalSignInLogs\",\"operation_name\":\"Sign-in activity\",\"result_type\":\"%s\",\"properties\":{\"id\":\"%s\",\"app_id\":\"%s\",\"service_principal_name\":\"%s\",\"service_principal_id\":\"%s\",\"service_principal_credential_key_id\":\"%s\",\"resource_display_name\":\"Windows Azure Service Management API\",\"resource_id\":\"797f4846-ba00-4fd7-ba43-dac1f8f63013\",\"is_interactive\":false,\"token_issuer_type\":\"AzureAD\",\"status\":{\"error_code\":%d},\"risk_state\":\"none\",\"conditional_access_status\":\"notApplied\"}}},"
               "\"geo\":{\"city_name\":\"Quincy\",\"region_name\":\"Washington\",\"country_iso_code\":\"US\"}}\n",
               t, fail ? "failure" : "success", id, addr, TENANT, corr, fail ? "7000215" : "0", id,
               appid, name, spid, key, fail ? 7000215 : 0);
        return;
    }
    printf("{\"time\":\"%s\",\"resourceId\":\"/tenants/%s/providers/Microsoft.aadiam\",\"operationName\":\"Sign-in activity\",\"operationVersion\":\"1.0\",\"category\":\"ServicePrincipalSignInLogs\",\"tenantId\":\"%s\",\"resultType\":\"%s\",\"resultSignature\":\"None\",\"durationMs\":0,\"callerIpAddress\":\"%s\",\"correlationId\":\"%s\",\"Level\":4,\"location\":\"US\","
           "\"properties\":{\"id\":\"%s\",\"createdDateTime\":\"%.27s+00:00\",\"userId\":null,\"appId\":\"%s\",\"ipAddress\":\"%s\",\"status\":{\"errorCode\":%d},\"location\":{\"city\":\"Quincy\",\"state\":\"Washington\",\"countryOrRegion\":\"US\",\"geoCoordinates\":{\"latitude\":47.2343,\"longitude\":-119.8526}},\"correlationId\":\"%s\",\"conditionalAccessStatus\":\"notApplied\",\"appliedConditionalAccessPolicies\":[],\"isInteractive\":false,\"tokenIssuerType\":\"AzureAD\",\"authenticationProcessingDetails\":[{\"key\":\"Azure AD App Authentication Library\",\"value\":\"\"}],\"processingTimeInMilliseconds\":%u,\"riskDetail\":\"none\",\"riskLevelAggregated\":\"none\",\"riskLevelDuringSignIn\":\"none\",\"riskState\":\"none\",\"resourceDisplayName\":\"Windows Azure Service Management API\",\"resourceId\":\"797f4846-ba00-4fd7-ba43-dac1f8f63013\",\"servicePrincipalName\":\"%s\",\"servicePrincipalId\":\"%s\",\"servicePrincipalCredentialKeyId\":\"%s\",\"servicePrincipalCredentialThumbprint\":\"\",\"flaggedForReview\":false,\"isTenantRestricted\":false,\"crossTenantAccessType\":\"none\",\"uniqueTokenIdentifier\":\"%.22s\",\"incomingTokenType\":\"none\",\"authenticationProtocol\":\"none\"}}\n",
           t, TENANT, TENANT, fail ? "7000215" : "0", addr, corr, id, t, appid, addr,
           fail ? 7000215 : 0, corr, 20 + rn(200), name, spid, key, corr);
}

static void user_signin(int64_t ms, uint64_t i)
{
    unsigned u = rn(NUSERS);
    char t[64], id[37], uid[37], corr[37], upn[80], addr[24];
    tsfmt(t, sizeof t, ms, 7);
    guid(id, 1, i);
    guid(corr, 2, i);
    guid(uid, 5, u);
    user_name(upn, sizeof upn, u);
    ip(addr, sizeof addr, u * 5 + rn(2));
    int fail = rn(20) == 0;
    if (ecs) {
        printf("{\"@timestamp\":\"%s\",\"event\":{\"dataset\":\"azure.signinlogs\",\"action\":\"Sign-in activity\",\"outcome\":\"%s\",\"kind\":\"event\",\"category\":[\"authentication\"],\"id\":\"%s\"},"
               "\"source\":{\"ip\":\"%s\"},\"user\":{\"id\":\"%s\",\"name\":\"%s\",\"email\":\"%s\"},\"user_agent\":{\"original\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.56\"},"
               "\"azure\":{\"tenant_id\":\"%s\",\"correlation_id\":\"%s\",\"signinlogs\":{\"category\":\"SignInLogs\",\"operation_name\":\"Sign-in activity\",\"result_type\":\"%s\",\"properties\":{\"id\":\"%s\",\"user_principal_name\":\"%s\",\"user_id\":\"%s\",\"app_id\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\",\"app_display_name\":\"Azure Portal\",\"client_app_used\":\"Browser\",\"is_interactive\":true,\"authentication_requirement\":\"multiFactorAuthentication\",\"status\":{\"error_code\":%d},\"risk_state\":\"none\",\"conditional_access_status\":\"success\"}}},"
               "\"geo\":{\"city_name\":\"Seattle\",\"region_name\":\"Washington\",\"country_iso_code\":\"US\"}}\n",
               t, fail ? "failure" : "success", id, addr, uid, upn, upn, TENANT, corr,
               fail ? "50126" : "0", id, upn, uid, fail ? 50126 : 0);
        return;
    }
    printf("{\"time\":\"%s\",\"resourceId\":\"/tenants/%s/providers/Microsoft.aadiam\",\"operationName\":\"Sign-in activity\",\"operationVersion\":\"1.0\",\"category\":\"SignInLogs\",\"tenantId\":\"%s\",\"resultType\":\"%s\",\"resultSignature\":\"None\",\"resultDescription\":\"\",\"durationMs\":0,\"callerIpAddress\":\"%s\",\"correlationId\":\"%s\",\"identity\":\"%s\",\"Level\":4,\"location\":\"US\","
           "\"properties\":{\"id\":\"%s\",\"createdDateTime\":\"%.27s+00:00\",\"userDisplayName\":\"%s\",\"userPrincipalName\":\"%s\",\"userId\":\"%s\",\"appId\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\",\"appDisplayName\":\"Azure Portal\",\"ipAddress\":\"%s\",\"status\":{\"errorCode\":%d},\"clientAppUsed\":\"Browser\",\"userAgent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.56\",\"deviceDetail\":{\"deviceId\":\"\",\"operatingSystem\":\"Windows10\",\"browser\":\"Edge 130.0.2849\"},\"location\":{\"city\":\"Seattle\",\"state\":\"Washington\",\"countryOrRegion\":\"US\",\"geoCoordinates\":{\"latitude\":47.6062,\"longitude\":-122.3321}},\"correlationId\":\"%s\",\"conditionalAccessStatus\":\"success\",\"appliedConditionalAccessPolicies\":[],\"isInteractive\":true,\"tokenIssuerType\":\"AzureAD\",\"authenticationRequirement\":\"multiFactorAuthentication\",\"riskDetail\":\"none\",\"riskLevelAggregated\":\"none\",\"riskLevelDuringSignIn\":\"none\",\"riskState\":\"none\",\"riskEventTypes_v2\":[],\"resourceDisplayName\":\"Azure Portal\",\"resourceId\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\",\"userType\":\"Member\",\"crossTenantAccessType\":\"none\",\"uniqueTokenIdentifier\":\"%.22s\"}}\n",
           t, TENANT, TENANT, fail ? "50126" : "0", addr, corr, upn, id, t, upn, upn, uid, addr,
           fail ? 50126 : 0, corr, corr);
}

static void entra_audit(int64_t ms, uint64_t i, int cred)
{
    unsigned a = rn(NAPPS), u = rn(NUSERS);
    int by_app = rn(3) == 0;
    char t[64], id[37], corr[37], uid[37], upn[80], appobj[37], appid[37], spid[37], name[64],
        addr[24], key[37], oldkey[37], actor_app[64], actor_appid[37], actor_sp[37], suffix[8];
    tsfmt(t, sizeof t, ms, 7);
    guid(corr, 2, i);
    hex(suffix, 5, i);
    snprintf(id, sizeof id, "Directory_%.8s_%s", corr, suffix);
    guid(uid, 5, u);
    user_name(upn, sizeof upn, u);
    guid(appobj, 6, a);
    guid(appid, 3, a);
    guid(spid, 4, a);
    app_name(name, sizeof name, a);
    ip(addr, sizeof addr, u * 5);
    unsigned aa = a % 17; /* automation apps that change other apps */
    app_name(actor_app, sizeof actor_app, aa);
    guid(actor_appid, 3, aa);
    guid(actor_sp, 4, aa);
    const char *op = cred ? "Update application \xE2\x80\x93 Certificates and secrets management "
                          : audit_ops[rn(CT_LEN_AUDIT)];
    char initiated[1024];
    if (by_app)
        snprintf(initiated, sizeof initiated,
                 "{\"app\":{\"appId\":\"%s\",\"displayName\":\"%s\",\"servicePrincipalId\":\"%s\",\"servicePrincipalName\":null}}",
                 actor_appid, actor_app, actor_sp);
    else
        snprintf(initiated, sizeof initiated,
                 "{\"user\":{\"id\":\"%s\",\"displayName\":null,\"userPrincipalName\":\"%s\",\"ipAddress\":\"%s\",\"roles\":[]}}",
                 uid, upn, addr);
    char mod[2048];
    if (cred) {
        key_id(oldkey, a);
        app_key_gen[a]++;
        key_id(key, a);
        snprintf(mod, sizeof mod,
                 "[{\"displayName\":\"KeyDescription\",\"oldValue\":\"[\\\"[KeyIdentifier=%s,KeyType=Password,KeyUsage=Verify,DisplayName=rotated-%u]\\\"]\",\"newValue\":\"[\\\"[KeyIdentifier=%s,KeyType=Password,KeyUsage=Verify,DisplayName=rotated-%u]\\\"]\"},{\"displayName\":\"Included Updated Properties\",\"oldValue\":null,\"newValue\":\"\\\"KeyDescription\\\"\"}]",
                 oldkey, (unsigned)app_key_gen[a] - 1, key, (unsigned)app_key_gen[a]);
    } else {
        snprintf(mod, sizeof mod,
                 "[{\"displayName\":\"StsRefreshTokensValidFrom\",\"oldValue\":\"[\\\"2026-10-30T17:03:11Z\\\"]\",\"newValue\":\"[\\\"%.20s\\\"]\"},{\"displayName\":\"Included Updated Properties\",\"oldValue\":null,\"newValue\":\"\\\"StsRefreshTokensValidFrom\\\"\"}]",
                 t);
    }
    const char *ttype = cred || rn(2) ? "Application" : "User";
    int user_target = !strcmp(ttype, "User");
    if (ecs) {
        printf("{\"@timestamp\":\"%s\",\"event\":{\"dataset\":\"azure.auditlogs\",\"action\":\"%s\",\"outcome\":\"success\",\"kind\":\"event\",\"id\":\"%s\"},"
               "\"source\":{\"ip\":\"%s\"},\"cloud\":{\"provider\":\"azure\"},"
               "\"azure\":{\"tenant_id\":\"%s\",\"correlation_id\":\"%s\",\"auditlogs\":{\"category\":\"AuditLogs\",\"operation_name\":\"%s\",\"identity\":\"%s\",\"properties\":{\"id\":\"%s\",\"category\":\"ApplicationManagement\",\"result\":\"success\",\"activity_display_name\":\"%s\",\"logged_by_service\":\"Core Directory\",\"operation_type\":\"Update\",\"initiated_by\":%s,\"target_resources\":{\"0\":{\"id\":\"%s\",\"display_name\":\"%s\",\"type\":\"%s\",\"modified_properties\":%s}}}}}}\n",
               t, op, id, addr, TENANT, corr, op, by_app ? actor_app : upn, id, op, initiated,
               user_target ? uid : appobj, user_target ? upn : name, ttype, mod);
        return;
    }
    printf("{\"time\":\"%s\",\"resourceId\":\"/tenants/%s/providers/Microsoft.aadiam\",\"operationName\":\"%s\",\"operationVersion\":\"1.0\",\"category\":\"AuditLogs\",\"tenantId\":\"%s\",\"resultSignature\":\"None\",\"durationMs\":0,\"correlationId\":\"%s\",\"identity\":\"%s\",\"Level\":4,"
           "\"properties\":{\"id\":\"%s\",\"category\":\"%s\",\"correlationId\":\"%s\",\"result\":\"success\",\"resultReason\":\"\",\"activityDisplayName\":\"%s\",\"activityDateTime\":\"%.27s+00:00\",\"loggedByService\":\"Core Directory\",\"operationType\":\"Update\",\"userAgent\":null,\"initiatedBy\":%s,"
           "\"targetResources\":[{\"id\":\"%s\",\"displayName\":%s%s%s,\"type\":\"%s\",\"modifiedProperties\":%s,\"administrativeUnits\":[]%s%s%s}],"
           "\"additionalDetails\":[{\"key\":\"User-Agent\",\"value\":\"Microsoft Azure Graph Client Library 2.1.18-internal\"},{\"key\":\"AppId\",\"value\":\"%s\"}]},\"callerIpAddress\":\"%s\"}\n",
           t, TENANT, op, TENANT, corr, by_app ? actor_app : upn, id,
           user_target ? "UserManagement" : "ApplicationManagement", corr, op, t, initiated,
           user_target ? uid : appobj, user_target ? "" : "\"", user_target ? "null" : name,
           user_target ? "" : "\"", ttype, mod, user_target ? ",\"userPrincipalName\":\"" : "",
           user_target ? upn : "", user_target ? "\"" : "", appid, addr);
}

static void cloudtrail(int64_t ms, uint64_t i, int cred)
{
    unsigned u = rn(NUSERS) % 60, v = rn(60), role = rn(NROLES);
    char t[64], evid[37], reqid[37], ak[24], newak[24], addr[24];
    tsfmt(t, sizeof t, ms, 0);
    guid(evid, 7, i);
    guid(reqid, 8, i);
    hex(ak, 16, u * 31 + 7);
    for (char *c = ak; *c; c++) *c = (char)(*c >= 'a' ? *c - 32 : *c);
    hex(newak, 16, i);
    for (char *c = newak; *c; c++) *c = (char)(*c >= 'a' ? *c - 32 : *c);
    ip(addr, sizeof addr, 100 + u);
    char uname[32], vname[32];
    snprintf(uname, sizeof uname, "%s%u", first[u % 20], u / 20);
    snprintf(vname, sizeof vname, "%s%u", first[v % 20], v / 20);
    char ident[2048];
    int assumed = !cred && rn(2);
    if (assumed)
        snprintf(ident, sizeof ident,
                 "{\"type\":\"AssumedRole\",\"principalId\":\"AROA3E386BEDEBCD%04u:i-0adc4b9ab602f%04u\",\"arn\":\"arn:aws:sts::111122223333:assumed-role/role-%u/i-0adc4b9ab602f%04u\",\"accountId\":\"111122223333\",\"accessKeyId\":\"ASIA%s\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"AROA3E386BEDEBCD%04u\",\"arn\":\"arn:aws:iam::111122223333:role/role-%u\",\"accountId\":\"111122223333\",\"userName\":\"role-%u\"},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"%s\",\"mfaAuthenticated\":\"false\"}}}",
                 role, role, role, role, ak, role, role, role, t);
    else
        snprintf(ident, sizeof ident,
                 "{\"type\":\"IAMUser\",\"principalId\":\"AIDA28B92B56EE6%04u\",\"arn\":\"arn:aws:iam::111122223333:user/%s\",\"accountId\":\"111122223333\",\"accessKeyId\":\"AKIA%s\",\"userName\":\"%s\",\"sessionContext\":{\"sessionIssuer\":{},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"%s\",\"mfaAuthenticated\":\"true\"}}}",
                 u, uname, ak, uname, t);
    const char *name = cred ? "CreateAccessKey" : aws_reads[rn(10)];
    const char *src = cred || !strncmp(name, "List", 4) || !strncmp(name, "GetC", 4) ? "iam" : "ec2";
    char req[512], resp[512];
    if (cred) {
        snprintf(req, sizeof req, "{\"userName\":\"%s\"}", vname);
        snprintf(resp, sizeof resp,
                 "{\"accessKey\":{\"accessKeyId\":\"AKIA%s\",\"status\":\"Active\",\"userName\":\"%s\",\"createDate\":\"Nov 3, 2026 9:15:02 PM\"}}",
                 newak, vname);
    } else {
        snprintf(req, sizeof req, "{\"filterSet\":{},\"maxResults\":%u}", 50 + rn(50));
        snprintf(resp, sizeof resp, "null");
    }
    int denied = !cred && rn(40) == 0;
    if (ecs) {
        printf("{\"@timestamp\":\"%s\",\"event\":{\"dataset\":\"aws.cloudtrail\",\"action\":\"%s\",\"provider\":\"%s.amazonaws.com\",\"outcome\":\"%s\",\"kind\":\"event\",\"id\":\"%s\"},"
               "\"source\":{\"address\":\"%s\",\"ip\":\"%s\"},\"cloud\":{\"provider\":\"aws\",\"region\":\"us-east-1\",\"account\":{\"id\":\"111122223333\"}},"
               "\"user\":{\"id\":\"%s\",\"name\":\"%s\"%s%s%s},\"user_agent\":{\"original\":\"Boto3/1.35.44 md/Botocore#1.35.44 ua/2.0 os/linux#5.10.226 md/arch#x86_64 lang/python#3.12.6\"},"
               "\"aws\":{\"cloudtrail\":{\"event_version\":\"1.09\",\"event_type\":\"AwsApiCall\",\"request_id\":\"%s\",\"user_identity\":{\"type\":\"%s\",\"arn\":\"%s\",\"access_key_id\":\"%s%s\"},\"request_parameters\":\"%s\",\"response_elements\":\"%s\"%s}}}\n",
               t, name, src, denied ? "failure" : "success", evid, addr, addr,
               assumed ? "AROA" : uname, assumed ? "role" : uname,
               cred ? ",\"target\":{\"name\":\"" : "", cred ? vname : "", cred ? "\"}" : "", reqid,
               assumed ? "AssumedRole" : "IAMUser",
               assumed ? "arn:aws:sts::111122223333:assumed-role/role" : "arn:aws:iam::111122223333:user",
               assumed ? "ASIA" : "AKIA", ak, cred ? "{userName=x}" : "{}", cred ? "{accessKey=x}" : "",
               denied ? ",\"error_code\":\"AccessDenied\"" : "");
        return;
    }
    printf("{\"eventVersion\":\"1.09\",\"userIdentity\":%s,\"eventTime\":\"%s\",\"eventSource\":\"%s.amazonaws.com\",\"eventName\":\"%s\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"%s\",\"userAgent\":\"Boto3/1.35.44 md/Botocore#1.35.44 ua/2.0 os/linux#5.10.226 md/arch#x86_64 lang/python#3.12.6\",%s\"requestParameters\":%s,\"responseElements\":%s,\"requestID\":\"%s\",\"eventID\":\"%s\",\"readOnly\":%s,\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\",\"eventCategory\":\"Management\",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\",\"clientProvidedHostHeader\":\"%s.amazonaws.com\"}}\n",
           ident, t, src, name, addr,
           denied ? "\"errorCode\":\"AccessDenied\",\"errorMessage\":\"User is not authorized to perform this operation\"," : "",
           req, resp, reqid, evid, cred ? "false" : "true", src);
}

static void gcp(int64_t ms, uint64_t i, int cred)
{
    unsigned u = rn(NUSERS), sa = rn(NSA);
    int by_sa = rn(2);
    char t[64], rt[64], ins[16], upn[80], sa_email[96], key[48], addr[24];
    tsfmt(t, sizeof t, ms, 9);
    tsfmt(rt, sizeof rt, ms + 1000, 9);
    hex(ins, 12, i);
    user_name(upn, sizeof upn, u);
    snprintf(sa_email, sizeof sa_email, "svc-%u@contoso-prod.iam.gserviceaccount.com", sa);
    hex(key, 40, i);
    ip(addr, sizeof addr, 40 + u);
    const char *principal = by_sa && !cred ? sa_email : upn;
    const char *method = cred ? "google.iam.admin.v1.CreateServiceAccountKey" : gcp_reads[rn(6)];
    const char *service = cred ? "iam.googleapis.com" : !strncmp(method, "storage", 7) ? "storage.googleapis.com" : "compute.googleapis.com";
    char authn[1024];
    if (by_sa && !cred) {
        char k2[48];
        hex(k2, 40, sa);
        snprintf(authn, sizeof authn,
                 "{\"principalEmail\":\"%s\",\"serviceAccountKeyName\":\"//iam.googleapis.com/projects/contoso-prod/serviceAccounts/%s/keys/%s\",\"principalSubject\":\"serviceAccount:%s\"}",
                 sa_email, sa_email, k2, sa_email);
    } else {
        snprintf(authn, sizeof authn, "{\"principalEmail\":\"%s\",\"principalSubject\":\"user:%s\"}", upn, upn);
    }
    if (ecs) {
        printf("{\"@timestamp\":\"%s\",\"event\":{\"dataset\":\"gcp.audit\",\"action\":\"%s\",\"provider\":\"activity\",\"outcome\":\"success\",\"kind\":\"event\",\"id\":\"%s\"},"
               "\"source\":{\"ip\":\"%s\"},\"client\":{\"user\":{\"email\":\"%s\"}},\"user\":{\"email\":\"%s\"},\"user_agent\":{\"original\":\"google-cloud-sdk gcloud/497.0.0 command/gcloud.iam.service-accounts.keys.create\"},"
               "\"cloud\":{\"provider\":\"gcp\",\"project\":{\"id\":\"contoso-prod\"}},\"service\":{\"name\":\"%s\"},"
               "\"gcp\":{\"audit\":{\"type\":\"type.googleapis.com/google.cloud.audit.AuditLog\",\"method_name\":\"%s\",\"resource_name\":\"projects/-/serviceAccounts/%s\",\"authentication_info\":{\"principal_email\":\"%s\"}%s%s%s}}}\n",
               t, method, ins, addr, principal, principal, service, method, sa_email, principal,
               cred ? ",\"response\":{\"name\":\"projects/contoso-prod/serviceAccounts/" : "",
               cred ? sa_email : "", cred ? "/keys/0\"}" : "");
        return;
    }
    char body[4096];
    if (cred)
        snprintf(body, sizeof body,
                 "\"authorizationInfo\":[{\"resource\":\"projects/-/serviceAccounts/1939457314666%08u\",\"permission\":\"iam.serviceAccountKeys.create\",\"granted\":true,\"resourceAttributes\":{\"name\":\"projects/-/serviceAccounts/1939457314666%08u\"}}],\"resourceName\":\"projects/-/serviceAccounts/1939457314666%08u\",\"request\":{\"@type\":\"type.googleapis.com/google.iam.admin.v1.CreateServiceAccountKeyRequest\",\"name\":\"projects/-/serviceAccounts/%s\",\"private_key_type\":2},\"response\":{\"@type\":\"type.googleapis.com/google.iam.admin.v1.ServiceAccountKey\",\"name\":\"projects/contoso-prod/serviceAccounts/%s/keys/%s\",\"valid_after_time\":{\"seconds\":1794042723},\"valid_before_time\":{\"seconds\":253402300799},\"key_algorithm\":2,\"private_key_type\":2,\"key_origin\":2,\"key_type\":1}},\"insertId\":\"%s\",\"resource\":{\"type\":\"service_account\",\"labels\":{\"email_id\":\"%s\",\"project_id\":\"contoso-prod\",\"unique_id\":\"1939457314666%08u\"}}",
                 sa, sa, sa, sa_email, sa_email, key, ins, sa_email, sa);
    else
        snprintf(body, sizeof body,
                 "\"authorizationInfo\":[{\"resource\":\"projects/_/buckets/contoso-prod-artifacts/objects/builds/%.8s.tar.gz\",\"permission\":\"%s\",\"granted\":true,\"resourceAttributes\":{}}],\"resourceName\":\"projects/_/buckets/contoso-prod-artifacts/objects/builds/%.8s.tar.gz\"},\"insertId\":\"%s\",\"resource\":{\"type\":\"gcs_bucket\",\"labels\":{\"bucket_name\":\"contoso-prod-artifacts\",\"location\":\"us\",\"project_id\":\"contoso-prod\"}}",
                 key, method, key, ins);
    printf("{\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\",\"status\":{},\"authenticationInfo\":%s,\"requestMetadata\":{\"callerIp\":\"%s\",\"callerSuppliedUserAgent\":\"google-cloud-sdk gcloud/497.0.0 command/gcloud.iam.service-accounts.keys.create invocation-id/7ccc98d3 environment/None client-os/LINUX interactive/False,gzip(gfe)\",\"requestAttributes\":{\"time\":\"%s\",\"auth\":{}},\"destinationAttributes\":{}},\"serviceName\":\"%s\",\"methodName\":\"%s\",%s,\"timestamp\":\"%s\",\"severity\":\"%s\",\"logName\":\"projects/contoso-prod/logs/cloudaudit.googleapis.com%%2F%s\",\"receiveTimestamp\":\"%s\"}\n",
           authn, addr, t, service, method, body, t, cred ? "NOTICE" : "INFO",
           cred ? "activity" : "data_access", rt);
}

int main(int argc, char **argv)
{
    uint64_t n = 1000000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) n = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--ecs")) ecs = 1;
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) rng_state ^= strtoull(argv[++i], NULL, 10) * 0x9E3779B97F4A7C15ull;
        else {
            fprintf(stderr, "usage: gen [-n N] [--ecs] [--seed S] > FILE\n");
            return 2;
        }
    }
    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    int64_t ms = 1793577600000LL; /* 2026-11-02T00:00:00Z */
    /* one day, whatever N: the time step shrinks as N grows */
    int64_t step = 86400000LL / (int64_t)(n ? n : 1);
    if (step < 1) step = 1;
    for (uint64_t i = 0; i < n; i++) {
        ms += step / 2 + (int64_t)rn((unsigned)step + 1);
        int cred = rn(200) == 0;
        unsigned k = rn(100);
        if (cred) {
            unsigned c = rn(3);
            if (c == 0) entra_audit(ms, i, 1);
            else if (c == 1) cloudtrail(ms, i, 1);
            else gcp(ms, i, 1);
        } else if (k < 25) sp_signin(ms, i);
        else if (k < 40) user_signin(ms, i);
        else if (k < 60) entra_audit(ms, i, 0);
        else if (k < 85) cloudtrail(ms, i, 0);
        else gcp(ms, i, 0);
    }
    return fflush(stdout) ? 1 : 0;
}
