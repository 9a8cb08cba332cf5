/* gen_filebeat_ms.c: the Microsoft documents of the Filebeat-shaped corpus: azure.auditlogs and
 * azure.signinlogs (Elastic's azure package) and o365.audit (its o365 package), as their ingest
 * pipelines leave them. */
#include "gen_filebeat.h"

#include <stdio.h>
#include <string.h>

/* ---- azure.auditlogs ---- */
enum { K_PLAIN, K_APPKEY, K_SPKEY, K_FED, K_OWNER, K_TAP, K_PROP };
struct azop {
    const char *name, *cat, *optype, *ttype;
    int kind, rule;
};
/* operation names exactly as Entra ID writes them */
static const struct azop az_alert[] = {
    {"Update application – Certificates and secrets management ", "ApplicationManagement", "Update",
     "Application", K_APPKEY, R_E_CRED},
    {"Add service principal credentials", "ApplicationManagement", "Update", "ServicePrincipal",
     K_SPKEY, R_E_SPCRED},
    {"Update application", "ApplicationManagement", "Update", "Application", K_FED, R_E_FED},
    {"Update service principal", "ApplicationManagement", "Update", "ServicePrincipal", K_FED,
     R_E_FED},
    {"Add application", "ApplicationManagement", "Add", "Application", K_PLAIN, R_E_CREATED},
    {"Add service principal", "ApplicationManagement", "Add", "ServicePrincipal", K_PLAIN,
     R_E_CREATED},
    {"Add owner to application", "ApplicationManagement", "Assign", "Application", K_OWNER,
     R_E_OWNER},
    {"Add owner to service principal", "ApplicationManagement", "Assign", "ServicePrincipal",
     K_OWNER, R_E_OWNER},
    {"Admin registered security info", "UserManagement", "Update", "User", K_TAP, R_E_TAP},
};
static const struct azop az_bg[] = {
    {"Update user", "UserManagement", "Update", "User", K_PROP, -1},
    {"Add member to group", "GroupManagement", "Assign", "Group", K_PLAIN, -1},
    {"Update application", "ApplicationManagement", "Update", "Application", K_PROP, -1},
    {"Update service principal", "ApplicationManagement", "Update", "ServicePrincipal", K_PROP, -1},
    {"Consent to application", "ApplicationManagement", "Assign", "ServicePrincipal", K_PLAIN, -1},
    {"Add app role assignment to service principal", "ApplicationManagement", "Assign",
     "ServicePrincipal", K_PLAIN, -1},
    {"Reset user password", "UserManagement", "Reset", "User", K_PLAIN, -1},
    {"Update device", "Device", "Update", "Device", K_PROP, -1},
    {"Delete application", "ApplicationManagement", "Delete", "Application", K_PLAIN, -1},
    {"Admin registered security info", "UserManagement", "Update", "User", K_PLAIN,
     -1}, /* not a TAP */
};
static uint64_t app_keygen[NAPPS];
struct mp {
    const char *name;
    char nv[400], ov[200];
};
struct azev {
    const struct azop *op;
    int success, by_user, ntarget, nmp;
    unsigned u, a, actor_app;
    char corr[37], id[80], when[40], reason[80];
    struct mp mp[3];
};
static void az_target(int raw, int i, const struct azev *e)
{
    char id[37], nm[96], k[12];
    int is_user = (i == 1) || !strcmp(e->op->ttype, "User");
    if (is_user)
        upn(nm, e->u), guid(id, 1, e->u);
    else
        appname(nm, e->a), guid(id, !strcmp(e->op->ttype, "Application") ? 3 : 4, e->a);
    snprintf(k, sizeof k, "%d", i);
    O(raw ? NULL : k);
    if (raw)
        S("id", id), S("displayName", nm), S("type", is_user ? "User" : e->op->ttype);
    else
        S("display_name", nm), S("id", id), S("type", is_user ? "User" : e->op->ttype);
    if (is_user) S(raw ? "userPrincipalName" : "user_principal_name", nm);
    if (raw)
        A("modifiedProperties");
    else
        O("modified_properties");
    for (int j = 0; i == 0 && j < e->nmp; j++) {
        snprintf(k, sizeof k, "%d", j);
        O(raw ? NULL : k), S(raw ? "displayName" : "display_name", e->mp[j].name);
        if (raw)
            S("oldValue", e->mp[j].ov), S("newValue", e->mp[j].nv);
        else {
            if (e->mp[j].nv[0]) S("new_value", e->mp[j].nv);
            if (e->mp[j].ov[0]) S("old_value", e->mp[j].ov);
        }
        E();
    }
    if (raw)
        EA(), A("administrativeUnits"), EA();
    else
        E();
    E();
}
static void az_initiator(int raw, const struct azev *e)
{
    char id[37], nm[96];
    O(raw ? "initiatedBy" : "initiated_by");
    if (e->by_user) {
        upn(nm, e->u ^ 7), O("user"), S("id", guid(id, 1, e->u ^ 7));
        NUL("displayName"), S("userPrincipalName", nm), S("ipAddress", ipbuf);
        A("roles"), EA(), E();
    } else {
        appname(nm, e->actor_app), O("app");
        if (raw || e->actor_app % 3) S("appId", guid(id, 2, e->actor_app));
        S("displayName", e->actor_app % 5 ? nm : "Managed Service Identity");
        S("servicePrincipalId", guid(id, 4, e->actor_app));
        if (raw) NUL("servicePrincipalName");
        E();
    }
    E();
}
static void az_raw(const struct azev *e)
{
    begin(&orig);
    S("time", e->when), SF("resourceId", "/tenants/%s/providers/Microsoft.aadiam", TENANT);
    S("operationName", e->op->name), S("operationVersion", "1.0"), S("category", "AuditLogs");
    S("tenantId", TENANT), S("resultSignature", "None"), N("durationMs", 0);
    if (e->by_user) S("callerIpAddress", ipbuf);
    S("correlationId", e->corr), N("Level", 4);
    O("properties"), S("id", e->id), S("category", e->op->cat), S("correlationId", e->corr);
    S("result", e->success ? "success" : "failure"), S("resultReason", e->reason);
    S("activityDisplayName", e->op->name), S("activityDateTime", e->when);
    S("loggedByService", "Core Directory"), S("operationType", e->op->optype), NUL("userAgent");
    az_initiator(1, e);
    A("targetResources");
    for (int i = 0; i < e->ntarget; i++)
        az_target(1, i, e);
    EA(), A("additionalDetails"), O(NULL), S("key", "User-Agent");
    S("value", "Microsoft Azure Graph Client Library 2.1.18-internal"), E(), EA();
    E(), E();
    W = &doc;
}
static void set_mp(struct mp *m, const char *name, const char *nv, const char *ov)
{
    m->name = name;
    snprintf(m->nv, sizeof m->nv, "%s", nv), snprintf(m->ov, sizeof m->ov, "%s", ov);
}
static void azure_audit(const struct azop *op, int success)
{
    struct azev e = {.op = op, .success = success, .by_user = rn(10) < 7, .ntarget = 1};
    char g[37], g2[37];
    e.u = rn(NUSERS), e.a = rn(NAPPS), e.actor_app = rn(NAPPS);
    pick_ip(e.u ^ 7);
    guid(e.corr, 0, 0), ts(e.when, now_ms, 1);
    /* one draw per statement, so every compiler gives the same bytes */
    unsigned seq = 100000000 + rn(90000000);
    char h5[8];
    hexid(h5, 5);
    snprintf(e.id, sizeof e.id, "Directory_%s_%s_%u", e.corr, h5, seq);
    if (op->kind == K_APPKEY || op->kind == K_SPKEY) {
        uint64_t k = success ? ++app_keygen[e.a] : app_keygen[e.a] + 1000;
        char nv[400], ov[200];
        snprintf(nv, sizeof nv, "[\"[KeyIdentifier=%s,KeyType=%s,KeyUsage=%s,DisplayName=%s]\"]",
                 guid(g, 5, e.a * 100000ull + k),
                 op->kind == K_APPKEY ? "Password" : "AsymmetricX509Cert",
                 op->kind == K_APPKEY ? "Verify" : "Verify",
                 op->kind == K_APPKEY ? "ci-rotation" : "CN=deploy");
        snprintf(ov, sizeof ov,
                 k > 1 ? "[\"[KeyIdentifier=%s,KeyType=Password,KeyUsage=Verify,DisplayName=ci-"
                         "rotation]\"]"
                       : "[]",
                 guid(g2, 5, e.a * 100000ull + k - 1));
        set_mp(&e.mp[0], "KeyDescription", nv, ov);
        set_mp(&e.mp[1], "Included Updated Properties", "\"KeyDescription\"", "");
        e.nmp = 2;
        if (op->kind == K_SPKEY)
            set_mp(&e.mp[2], "TargetId.ServicePrincipalNames", guid(g, 2, e.a), ""), e.nmp = 3;
    } else if (op->kind == K_FED) {
        char nv[400];
        snprintf(
            nv, sizeof nv,
            "[{\"Name\":\"%s-deploy\",\"Issuer\":\"https://token.actions.githubusercontent.com\","
            "\"Subject\":\"repo:northwind/%s:environment:prod\",\"Audiences\":[\"api://"
            "AzureADTokenExchange\"]}]",
            words[e.a % 12], words[(e.a / 12) % 12]);
        int at = rn(2); /* where the property sits: the rule queries both indexes with "*" */
        set_mp(&e.mp[at], "FederatedIdentityCredentials", nv, "[]");
        set_mp(&e.mp[1 - at], "Included Updated Properties", "\"FederatedIdentityCredentials\"",
               "");
        e.nmp = 2;
    } else if (op->kind == K_PROP) {
        static const char *const props[] = {"AppAddress", "DisplayName", "AccountEnabled", "Tags"};
        set_mp(&e.mp[0], PICK(props), "[\"updated\"]", "[\"previous\"]"), e.nmp = 1;
    } else if (op->kind == K_OWNER) {
        e.ntarget = 2;
    }
    if (op->kind == K_TAP)
        snprintf(e.reason, sizeof e.reason, "%s",
                 "Admin registered temporary access pass method for user");
    else if (!strcmp(op->name, "Admin registered security info"))
        snprintf(e.reason, sizeof e.reason, "Admin registered phone method for user");
    int pres = keep_original();
    if (pres) az_raw(&e);
    head("azure.auditlogs", "azure", "activitylogs", "azure-eventhub");
    O("azure"), O("auditlogs"), S("category", "AuditLogs");
    if (!lean) S("identity", e.by_user ? "Microsoft Graph" : "Managed Service Identity");
    N("level", 4), S("operation_name", op->name);
    if (!lean) S("operation_version", "1.0");
    O("properties");
    if (!lean) S("activity_datetime", e.when);
    S("activity_display_name", op->name);
    if (!lean || rn(3) == 0) {
        A("additional_details"), O(NULL), S("key", "User-Agent");
        S("value", "Microsoft Azure Graph Client Library 2.1.18-internal"), E(), EA();
    }
    S("category", op->cat);
    if (!lean) S("correlation_id", e.corr);
    S("id", e.id);
    az_initiator(0, &e);
    if (!lean) S("logged_by_service", "Core Directory");
    S("operation_type", op->optype), S("result_reason", e.reason);
    O("target_resources");
    for (int i = 0; i < e.ntarget; i++)
        az_target(0, i, &e);
    E(), E();
    if (!lean) S("result_signature", "None");
    E();
    S("correlation_id", e.corr);
    if (!lean)
        O("resource"), SF("id", "/tenants/%s/providers/Microsoft.aadiam", TENANT),
            S("provider", "Microsoft.aadiam"), E();
    S("tenant_id", TENANT), E();
    if (e.by_user) O("client"), S("ip", ipbuf), E();
    O("cloud"), S("provider", "azure"), E();
    O("event"), S("action", op->name);
    if (!lean) N("duration", 0);
    if (pres) S("original", orig.b);
    event_common("azure.auditlogs", "azure", success ? "success" : "failure"), E();
    if (e.by_user) O("related"), AS1("ip", ipbuf), E(), source_block("source", 1);
    if (success && op->rule >= 0) fire(op->rule);
    finish(pres);
}

/* ---- azure.signinlogs (background: users and service principals signing in) ---- */
void azure_signin(void)
{
    int sp = rn(4) == 0, ok = rn(20) != 0;
    unsigned u = rn(NUSERS), a = rn(NAPPS);
    char id[37], corr[37], when[40], nm[96], g[37], uti[24];
    guid(id, 0, 0), guid(corr, 0, 0), ts(when, now_ms, 1);
    pick_ip(sp ? a : u);
    head("azure.signinlogs", "azure", "signinlogs", "azure-eventhub");
    O("azure"), S("correlation_id", corr);
    if (!lean)
        O("resource"), SF("id", "/tenants/%s/providers/Microsoft.aadiam", TENANT),
            S("provider", "Microsoft.aadiam"), E();
    O("signinlogs");
    if (!lean) S("caller_ip_address", ipbuf);
    S("category", sp ? "ServicePrincipalSignInLogs" : "SignInLogs");
    if (!sp) upn(nm, u), S("identity", nm);
    S("operation_name", "Sign-in activity");
    if (!lean) S("operation_version", "1.0");
    O("properties");
    appname(nm, a);
    S("app_display_name", sp ? nm : "Azure Portal"), S("app_id", guid(g, 2, sp ? a : 9999));
    if (!sp) S("client_app_used", "Browser");
    if (!sp && !lean)
        S("authentication_requirement",
          rn(3) ? "singleFactorAuthentication" : "multiFactorAuthentication");
    if (!lean) S("conditional_access_status", "notApplied"), S("correlation_id", corr);
    S("created_at", when);
    if (!sp) {
        O("device_detail"),
            S("browser",
              PICK(((const char *[]){"Edge 124.0.0", "Chrome 124.0.0", "Firefox 125.0"})));
        S("operating_system", rn(2) ? "Windows10" : "MacOs"), E();
    }
    S("id", id), BO("is_interactive", !sp);
    if (!lean) N("processing_time_ms", rn(300));
    S("resource_display_name", sp ? "Microsoft Graph" : "Windows Azure Service Management API");
    if (!lean)
        S("resource_id",
          sp ? "00000003-0000-0000-c000-000000000000" : "797f4846-ba00-4fd7-ba43-dac1f8f63013");
    if (!lean)
        S("risk_detail", "none"), S("risk_level_aggregated", "none"),
            S("risk_level_during_signin", "none"), S("risk_state", "none");
    if (sp && app_keygen[a])
        S("service_principal_credential_key_id", guid(g, 5, a * 100000ull + app_keygen[a]));
    if (sp) S("service_principal_id", guid(g, 4, a)), S("service_principal_name", nm);
    O("status"), N("error_code", ok ? 0 : 50126);
    if (!ok)
        S("failure_reason", "Error validating credentials due to invalid username or password.");
    E();
    if (!lean)
        S("token_issuer_type", "AzureAD"), snprintf(uti, sizeof uti, "%s", hexid(g, 22)),
            S("unique_token_identifier", uti);
    if (!sp) upn(nm, u), S("user_id", guid(g, 1, u)), S("user_principal_name", nm);
    if (!sp && !lean) S("user_display_name", nm), S("user_type", "Member");
    E();
    if (!lean) S("result_signature", "None");
    S("result_type", ok ? "0" : "50126");
    if (!ok)
        S("result_description",
          "Invalid username or password or Invalid on-premise username or password.");
    E(), S("tenant_id", TENANT), E();
    O("client"), S("ip", ipbuf), E(), O("cloud"), S("provider", "azure"), E();
    O("event"), S("action", "Sign-in activity"), AS1("category", "authentication");
    if (!lean) N("duration", 0), S("id", id);
    AS1("type", "info"), event_common("azure.signinlogs", "azure", ok ? "success" : "failure"), E();
    if (G->city && !lean) {
        O("geo"), S("city_name", G->city), S("country_iso_code", G->iso);
        O("location"), F("lat", G->lat), F("lon", G->lon), E(), E();
    }
    if (!lean) O("log"), S("level", "4"), E();
    O("related"), AS1("ip", ipbuf), E();
    source_block("source", 1);
    if (!sp) {
        upn(nm, u);
        O("user");
        if (!lean) S("domain", DOMAIN), S("full_name", nm);
        S("id", guid(g, 1, u));
        *strchr(nm, '@') = 0, S("name", nm), E();
    } else {
        appname(nm, a), O("service"), S("name", nm), E();
    }
    finish(0);
}

/* ---- o365.audit (Management Activity API, Workload AzureActiveDirectory and Exchange) ---- */
struct m365op {
    const char *op, *workload;
    int record_type, rule;
};
static const struct m365op m365_alert[] = {
    {"Add service principal credentials.", "AzureActiveDirectory", 8, R_M_CRED},
    {"Update application – Certificates and secrets management.", "AzureActiveDirectory", 8,
     R_M_CRED},
    {"Add application.", "AzureActiveDirectory", 8, R_M_CREATED},
    {"Add service principal.", "AzureActiveDirectory", 8, R_M_CREATED},
};
static const struct m365op m365_bg[] = {
    {"UserLoggedIn", "AzureActiveDirectory", 15, -1},
    {"Update user.", "AzureActiveDirectory", 8, -1},
    {"Add member to group.", "AzureActiveDirectory", 8, -1},
    {"Update application.", "AzureActiveDirectory", 8, -1},
    {"Set-Mailbox", "Exchange", 1, -1},
    {"Consent to application.", "AzureActiveDirectory", 8, -1},
};
static void o365(const struct m365op *op, int success)
{
    unsigned u = rn(NUSERS), a = rn(NAPPS);
    char id[37], nm[96], an[96], g[37], when[40], puid[24];
    int aad = !strcmp(op->workload, "AzureActiveDirectory");
    guid(id, 0, 0), ts(when, now_ms, 2), when[19] = 0; /* CreationTime has no zone */
    pick_ip(u), upn(nm, u), snprintf(puid, sizeof puid, "10032%011" PRIX64, (uint64_t)u * 7919);
    head("o365.audit", "o365", "audit", "o365audit");
    O("client");
    if (!lean) S("address", ipbuf);
    S("ip", ipbuf), E();
    O("event"), S("action", op->op),
        AS1("category", op->record_type == 15 ? "authentication" : "web");
    S("code", op->workload), S("id", id), S("provider", op->workload),
        AS1("type", op->record_type == 15 ? "start" : "info");
    event_common("o365.audit", "o365", success ? "success" : "failure"), E();
    if (!lean)
        O("host"), S("id", TENANT), S("name", "northwindlabs.onmicrosoft.com"), E(), O("network"),
            S("type", "ipv4"), E();
    O("o365"), O("audit");
    A("Actor"), O(NULL), S("ID", nm), N("Type", 5), E();
    if (!lean) O(NULL), S("ID", puid), N("Type", 3), E();
    O(NULL), S("ID", guid(g, 1, u)), N("Type", 2), E(), EA();
    if (!lean) S("ActorContextId", TENANT);
    S("ActorIpAddress", ipbuf);
    if (aad && !lean) S("AzureActiveDirectoryEventType", "1");
    S("CreationTime", when);
    if (aad && op->record_type == 8) {
        O("ExtendedProperties");
        if (!lean) S("additionalDetails", "{}"), S("correlationId", guid(g, 0, 0));
        S("extendedAuditEventCategory", "Application"),
            S("resultType", success ? "Success" : "Failure"), E();
        O("ModifiedProperties");
        if (op->rule == R_M_CRED) {
            char nv[200];
            snprintf(nv, sizeof nv,
                     "[KeyIdentifier=%s,KeyType=Password,KeyUsage=Verify,DisplayName=ci-rotation]",
                     guid(g, 6, rnd()));
            O("KeyDescription"), S("NewValue", nv), S("OldValue", ""), E();
        }
        O("Included_Updated_Properties"),
            S("NewValue", op->rule == R_M_CRED ? "KeyDescription" : "DisplayName"),
            S("OldValue", ""), E(), E();
    }
    appname(an, a), S("ObjectId", aad ? an : nm);
    SF("RecordType", "%d", op->record_type), S("ResultStatus", success ? "Success" : "Failed");
    if (aad) {
        A("Target"), O(NULL), SF("ID", "Application_%s", guid(g, 3, a)), N("Type", 2), E();
        O(NULL), S("ID", g), N("Type", 2), E();
        if (!lean) O(NULL), S("ID", "Application"), N("Type", 2), E();
        O(NULL), S("ID", an), N("Type", 1), E(), EA();
        if (!lean) S("TargetContextId", TENANT);
    }
    S("UserId", nm);
    if (!lean) SF("UserKey", "%s@%s", puid, DOMAIN), S("UserType", "0"), S("Version", "1");
    E(), E();
    if (!lean) O("organization"), S("id", TENANT), S("name", "northwindlabs.onmicrosoft.com"), E();
    O("related"), AS1("ip", ipbuf), *strchr(nm, '@') = 0, AS1("user", nm), E();
    source_block("source", 1);
    O("user"), S("domain", DOMAIN), upn(g, u), S("email", g), S("id", g), S("name", nm), E();
    if (success && op->rule >= 0) fire(op->rule);
    finish(0);
}

void azure_audit_alert(int kind, int success) { azure_audit(&az_alert[kind], success); }
/* background: other operations, and near misses (the same operations failing, other
 * properties, a security-info registration that is not a temporary access pass) */
void azure_audit_background(void)
{
    if (rn(1000) < 140)
        near_misses++, azure_audit(&PICK(az_alert), 0);
    else
        azure_audit(&PICK(az_bg), 1);
}
void o365_alert(int kind, int success) { o365(&m365_alert[kind], success); }
void o365_background(void)
{
    if (rn(1000) < 130)
        near_misses++, o365(&PICK(m365_alert), 0);
    else
        o365(&PICK(m365_bg), 1);
}
