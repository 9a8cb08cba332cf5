/* world: Microsoft Entra ID records.
 *
 * Shapes (see README.md for the pages):
 * - Azure Monitor diagnostic settings / Event Hub / storage export records of
 *   the AuditLogs, SignInLogs and ServicePrincipalSignInLogs categories: one
 *   record per line, top-level time/resourceId/operationName/category/...,
 *   camelCase `properties` (initiatedBy.user|app, targetResources[] with
 *   modifiedProperties[] whose values are JSON text, additionalDetails[]).
 * - Microsoft Graph directoryAudit resources in {"@odata.context","value"}.
 * - Log Analytics (Sentinel) AuditLogs rows: PascalCase columns, InitiatedBy /
 *   TargetResources / AdditionalDetails as JSON encoded in strings.
 * - Microsoft 365 audit log (Management Activity API), Workload
 *   AzureActiveDirectory: Actor[]/Target[] lists, ModifiedProperties Name /
 *   OldValue / NewValue, CreationTime with no zone, Operation with a "." added. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entra.h"

const char *TENANT = "5f1d6c3a-8e2b-4b7a-9c41-2d7e0a9b6f13";
#define RESID "/tenants/5f1d6c3a-8e2b-4b7a-9c41-2d7e0a9b6f13/providers/Microsoft.aadiam"

/* first-party applications (their public appIds) and the resources they call */
const Client C_PORTAL = {"Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
                         "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013"};
const Client C_GRAPHPS = {"Microsoft Graph PowerShell", "14d82eec-204b-4c2f-b7e8-296a70dab67e",
                          "Microsoft Graph", "00000003-0000-0000-c000-000000000000"};
const Client C_OFFICE = {"OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca",
                         "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"};
const Client C_TEAMS = {"Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
                        "Microsoft Teams Services", "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe"};

Client client_of(int app, const char *resource, const char *resource_id)
{
    return (Client){W.ents[app].name, W.ents[app].id2, resource, resource_id};
}

void place_of(const char *ip, Place *p)
{
    static const Place home[] = {
        {"Redmond", "Washington", "US", 47.6740, -122.1215},
        {"Portland", "Oregon", "US", 45.5152, -122.6784},
        {"Vancouver", "British Columbia", "CA", 49.2827, -123.1207},
        {"Boise", "Idaho", "US", 43.6150, -116.2023},
    };
    if (!strncmp(ip, "192.0.2.", 8))
        *p = (Place){"Seattle", "Washington", "US", 47.6062, -122.3321};
    else if (!strncmp(ip, "198.51.100.", 11))
        *p = (Place){"Frankfurt am Main", "Hessen", "DE", 50.1109, 8.6821};
    else if (!strncmp(ip, "203.0.113.", 10))
        *p = (Place){"Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041};
    else
        *p = home[(unsigned char)ip[strlen(ip) - 1] % 4];
}

static void top(Buf *b, int64_t t, const char *op, const char *cat, const char *result_type,
                const char *ip, const char *corr, const char *identity, const char *cc)
{
    char *te = tfmt(t, 'E');
    bputf(b, "{\"time\":\"%s\",\"resourceId\":\"" RESID "\",\"operationName\":", te);
    bjs(b, op);
    bputf(b, ",\"operationVersion\":\"1.0\",\"category\":\"%s\",\"tenantId\":\"%s\",", cat, TENANT);
    if (result_type)
        bputf(b, "\"resultType\":\"%s\",", result_type);
    bput(b, "\"resultSignature\":\"None\",\"durationMs\":0,\"callerIpAddress\":");
    bjs(b, ip);
    bputf(b, ",\"correlationId\":\"%s\",\"identity\":", corr);
    bjs(b, identity);
    bput(b, ",\"Level\":4");
    if (cc)
        bputf(b, ",\"location\":\"%s\"", cc);
    free(te);
}

static void geo(Buf *b, const char *ip)
{
    Place p;
    place_of(ip, &p);
    bput(b, "\"location\":{\"city\":");
    bjs(b, p.city);
    bput(b, ",\"state\":");
    bjs(b, p.state);
    bputf(b, ",\"countryOrRegion\":\"%s\",\"geoCoordinates\":{\"latitude\":%.4f,\"longitude\":%.4f}}",
          p.cc, p.lat, p.lon);
}

void render_signin(Buf *b, const SignIn *s)
{
    const Ent *u = &W.ents[s->user];
    const char *ip = s->ip ? s->ip : u->ip;
    Place p;
    place_of(ip, &p);
    char code[16];
    snprintf(code, sizeof code, "%d", s->err);
    top(b, s->t, "Sign-in activity", "SignInLogs", code, ip, s->corr, u->name, p.cc);
    char *to = tfmt(s->t, 'O');
    bputf(b, ",\"properties\":{\"id\":\"%s\",\"createdDateTime\":\"%s\",\"userDisplayName\":", s->rid, to);
    bjs(b, u->name);
    bput(b, ",\"userPrincipalName\":");
    bjs(b, s->upn ? s->upn : u->id2);
    bputf(b, ",\"userId\":\"%s\",\"appId\":\"%s\",\"appDisplayName\":", u->id, s->c->appid);
    bjs(b, s->c->name);
    bput(b, ",\"ipAddress\":");
    bjs(b, ip);
    if (s->err)
        bputf(b, ",\"status\":{\"errorCode\":%d,\"failureReason\":\"%s\"}", s->err,
              s->err == 50126 ? "Invalid username or password or Invalid on-premise username or password."
                              : "Access has been blocked by Conditional Access policies.");
    else
        bput(b, ",\"status\":{\"errorCode\":0}");
    bput(b, ",\"clientAppUsed\":\"Browser\",\"userAgent\":");
    bjs(b, s->ua ? s->ua : u->ua);
    bput(b, ",\"deviceDetail\":{\"deviceId\":\"\",\"operatingSystem\":\"Windows10\",\"browser\":\"Edge 131.0.0\"},");
    geo(b, ip);
    bputf(b, ",\"correlationId\":\"%s\",\"conditionalAccessStatus\":\"%s\",\"appliedConditionalAccessPolicies\":[],"
             "\"isInteractive\":true,\"tokenIssuerType\":\"AzureAD\",\"riskDetail\":\"none\","
             "\"riskLevelAggregated\":\"none\",\"riskLevelDuringSignIn\":\"%s\",\"riskState\":\"none\","
             "\"riskEventTypes_v2\":[],\"resourceDisplayName\":",
          s->corr, s->err ? "failure" : "success", s->risky ? "medium" : "none");
    bjs(b, s->c->resource);
    bputf(b, ",\"resourceId\":\"%s\",\"resourceTenantId\":\"%s\",\"homeTenantId\":\"%s\","
             "\"authenticationDetails\":[{\"authenticationStepDateTime\":\"%s\",\"authenticationMethod\":\"%s\","
             "\"succeeded\":%s,\"authenticationStepRequirement\":\"Primary authentication\"}],"
             "\"authenticationRequirement\":\"%s\",\"servicePrincipalId\":\"\",\"userType\":\"Member\","
             "\"flaggedForReview\":false,\"isTenantRestricted\":false,\"crossTenantAccessType\":\"none\","
             "\"uniqueTokenIdentifier\":\"%.22s\",\"incomingTokenType\":\"none\",\"authenticationProtocol\":\"none\"}}",
          s->c->resource_id, TENANT, TENANT, to, s->method ? s->method : "Password",
          s->err ? "false" : "true", s->method ? "singleFactorAuthentication" : "multiFactorAuthentication",
          s->corr);
    free(to);
}

void render_spsignin(Buf *b, const SpSignIn *s)
{
    const Ent *sp = &W.ents[s->sp];
    const char *ip = s->ip ? s->ip : sp->ip;
    Place p;
    place_of(ip, &p);
    char code[16];
    snprintf(code, sizeof code, "%d", s->err);
    top(b, s->t, "Sign-in activity", "ServicePrincipalSignInLogs", code, ip, s->corr, NULL, p.cc);
    char *to = tfmt(s->t, 'O');
    bputf(b, ",\"properties\":{\"id\":\"%s\",\"createdDateTime\":\"%s\",\"userId\":null,\"appId\":\"%s\","
             "\"ipAddress\":",
          s->rid, to, sp->id2);
    bjs(b, ip);
    bputf(b, ",\"status\":{\"errorCode\":%d},", s->err);
    geo(b, ip);
    bputf(b, ",\"correlationId\":\"%s\",\"conditionalAccessStatus\":\"notApplied\",\"appliedConditionalAccessPolicies\":[],"
             "\"isInteractive\":false,\"tokenIssuerType\":\"AzureAD\",\"processingTimeInMilliseconds\":%d,"
             "\"riskDetail\":\"none\",\"riskLevelAggregated\":\"none\",\"riskLevelDuringSignIn\":\"none\","
             "\"riskState\":\"none\",\"resourceDisplayName\":",
          s->corr, 20 + (int)(s->t / TICK_MS % 80));
    bjs(b, s->resource ? s->resource : "Microsoft Graph");
    bputf(b, ",\"resourceId\":\"%s\",\"servicePrincipalName\":",
          s->resource && !strcmp(s->resource, "Windows Azure Service Management API")
              ? "797f4846-ba00-4fd7-ba43-dac1f8f63013"
              : "00000003-0000-0000-c000-000000000000");
    bjs(b, sp->name);
    bputf(b, ",\"servicePrincipalId\":\"%s\",\"flaggedForReview\":false,\"isTenantRestricted\":false,"
             "\"crossTenantAccessType\":\"none\",\"servicePrincipalCredentialKeyId\":",
          sp->id3);
    bjs(b, s->keyid);
    bputf(b, ",\"uniqueTokenIdentifier\":\"%.22s\",\"incomingTokenType\":\"none\",\"authenticationProtocol\":\"none\"}}",
          s->rid);
    free(to);
}

static int spec_of(int64_t t, int file, const char *rid, int actor, int target, const char *used,
                   const char *made, char *text)
{
    Spec s = {.t = t, .rid = rid, .used = used, .made = made, .text = text, .actor = actor,
              .target = target, .canon = -1, .file = (uint8_t)file};
    return spec_add(&s);
}

int ev_signin(int64_t t, int user, const Client *c, int err, const char *upn, const char *ip,
              const char *method)
{
    SignIn s = {t, id_guid(&W.story), id_guid(&W.story), user, c, err, upn, ip, method, NULL, 0};
    if (ip && !strncmp(ip, "203.0.113.", 10))
        s.risky = 1, s.ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    Buf b = {0};
    render_signin(&b, &s);
    ev_link(W.ents[user].id, s.upn ? s.upn : W.ents[user].id2);
    return spec_of(t, F_SIGNIN, s.rid, user, -1, NULL, NULL, bdone(&b));
}

int ev_spsignin(int64_t t, int sp, const char *keyid, int err, const char *ip, const char *resource)
{
    SpSignIn s = {t, id_guid(&W.story), id_guid(&W.story), sp, keyid, err, ip, resource};
    Buf b = {0};
    render_spsignin(&b, &s);
    ev_link(W.ents[sp].id3, W.ents[sp].id2);
    int idx = spec_of(t, F_SPSIGNIN, s.rid, sp, -1, keyid, NULL, bdone(&b));
    fact_spsignin(idx, sp, keyid, err, ip);
    return idx;
}

char *keydesc(const char *const *keys, int n)
{
    /* each key: "id|type|name" */
    Buf b = {0};
    bput(&b, "[");
    for (int i = 0; i < n; i++) {
        char id[64], type[32], name[64];
        if (sscanf(keys[i], "%63[^|]|%31[^|]|%63[^\n]", id, type, name) != 3)
            die("bad key %s", keys[i]);
        bputf(&b, "%s\"[KeyIdentifier=%s,KeyType=%s,KeyUsage=Verify,DisplayName=%s]\"", i ? "," : "", id,
              type, name);
    }
    bput(&b, "]");
    return bdone(&b);
}
