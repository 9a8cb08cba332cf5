/* world: the Entra ID stories and traps (README.md tells each one). */
#include <stdlib.h>
#include <string.h>

#include "story.h"

/* as Entra writes it: an EN DASH and a trailing space */
#define OP_CERTS "Update application \xe2\x80\x93 Certificates and secrets management "
#define ST_APPCRED "entra_app_credential_added"
#define ST_SPCRED "entra_sp_credential_added"
#define ST_OWNER "entra_app_owner_added"
#define ST_CREATED "entra_app_or_sp_created"

static const char *cur_ip, *cur_ua; /* set while an attacker drives a session */

static Audit base(int64_t t, const char *op, int actor)
{
    Audit a = {.t = t, .op = op, .category = "ApplicationManagement", .service = "Core Directory",
               .optype = "Update", .actor = actor, .target = -1, .ip = cur_ip, .ua = cur_ua};
    return a;
}

static TRes app_res(int app, int sp)
{
    const Ent *e = &W.ents[app];
    TRes r = {.id = sp ? e->id3 : e->id, .name = e->name, .type = sp ? "ServicePrincipal" : "Application"};
    return r;
}

static void mp(TRes *r, const char *name, const char *oldv, const char *newv)
{
    r->mp[r->nmp++] = (MProp){name, oldv, newv};
}

/* a credential added to an application (sp 0) or a service principal (sp 1) */
int entra_cred_add(int64_t t, int actor, int app, int sp, const char *const *old, int nold,
                    const char *const *new, int nnew, const char *made, int copies, const char *m365_upn)
{
    Audit a = base(t, sp ? "Add service principal credentials" : OP_CERTS, actor);
    a.tr[0] = app_res(app, sp);
    mp(&a.tr[0], "KeyDescription", keydesc(old, nold), keydesc(new, nnew));
    mp(&a.tr[0], "Included Updated Properties", NULL, "\"KeyDescription\"");
    if (sp)
        mp(&a.tr[0], "TargetId.ServicePrincipalNames", NULL, xfmt("\"%s\"", W.ents[app].id2));
    a.ntr = 1;
    a.add_appid = W.ents[app].id2;
    a.target = app;
    a.made = made;
    a.copies = copies;
    a.m365_upn = m365_upn;
    return ev_audit(&a);
}

static int owner_add(int64_t t, int actor, int app, int owner, const char *corr, int copies)
{
    const Ent *e = &W.ents[app], *o = &W.ents[owner];
    Audit a = base(t, "Add owner to application", actor);
    a.optype = "Assign";
    a.corr = corr;
    a.tr[0] = (TRes){.id = o->id, .name = NULL, .type = "User", .upn = o->id2};
    mp(&a.tr[0], "Application.ObjectID", NULL, xfmt("\"%s\"", e->id));
    mp(&a.tr[0], "Application.DisplayName", NULL, xfmt("\"%s\"", e->name));
    mp(&a.tr[0], "Application.AppId", NULL, xfmt("\"%s\"", e->id2));
    a.tr[1] = app_res(app, 0);
    a.ntr = 2;
    a.target = app; /* the application changes; the new owner is named in tr[0] */
    a.copies = copies;
    ev_link(e->id, e->id2); /* Application.ObjectID beside Application.AppId */
    return ev_audit(&a);
}

static int add_application(int64_t t, int actor, int app, const char *corr)
{
    const Ent *e = &W.ents[app];
    Audit a = base(t, "Add application", actor);
    a.optype = "Add";
    a.corr = corr;
    a.tr[0] = app_res(app, 0);
    mp(&a.tr[0], "AppId", "[]", xfmt("[\"%s\"]", e->id2));
    mp(&a.tr[0], "AvailableToOtherTenants", "[]", "[false]");
    mp(&a.tr[0], "DisplayName", "[]", xfmt("[\"%s\"]", e->name));
    mp(&a.tr[0], "RequiredResourceAccess", "[]", "[{\"ResourceAppId\":\"00000003-0000-0000-c000-000000000000\",\"RequiredAppPermissions\":[{\"EntitlementId\":\"e1fe6dd8-ba31-4d61-89e7-88639da4683d\",\"DirectAccessGrant\":false,\"ImpersonationAccessGrants\":[20]}],\"EncodingVersion\":1}]");
    mp(&a.tr[0], "Included Updated Properties", NULL, "\"AppId, AvailableToOtherTenants, DisplayName, RequiredResourceAccess\"");
    a.ntr = 1;
    a.target = app;
    ev_link(e->id, e->id2); /* the new object's id beside its AppId */
    return ev_audit(&a);
}

static int add_sp(int64_t t, int actor, int app, const char *corr, int copies)
{
    const Ent *e = &W.ents[app];
    Audit a = base(t, "Add service principal", actor);
    a.optype = "Add";
    a.corr = corr;
    a.tr[0] = app_res(app, 1);
    mp(&a.tr[0], "AccountEnabled", "[]", "[true]");
    mp(&a.tr[0], "AppPrincipalId", "[]", xfmt("[\"%s\"]", e->id2));
    mp(&a.tr[0], "DisplayName", "[]", xfmt("[\"%s\"]", e->name));
    mp(&a.tr[0], "ServicePrincipalName", "[]", xfmt("[\"%s\"]", e->id2));
    mp(&a.tr[0], "Included Updated Properties", NULL, "\"AccountEnabled, AppPrincipalId, DisplayName, ServicePrincipalName\"");
    a.ntr = 1;
    a.add_appid = e->id2;
    a.target = app;
    a.copies = copies;
    ev_link(e->id3, e->id2); /* the new service principal's id beside AppPrincipalId */
    return ev_audit(&a);
}

static int update_sp(int64_t t, int actor, int app, const char *corr)
{
    Audit a = base(t, "Update service principal", actor);
    a.corr = corr;
    a.tr[0] = app_res(app, 1);
    mp(&a.tr[0], "TargetId.ServicePrincipalNames", NULL, xfmt("\"%s\"", W.ents[app].id2));
    a.ntr = 1;
    a.add_appid = W.ents[app].id2;
    a.target = app;
    return ev_audit(&a);
}

static int update_app(int64_t t, int actor, int app, const char *prop, const char *oldv, const char *newv)
{
    Audit a = base(t, "Update application", actor);
    a.tr[0] = app_res(app, 0);
    mp(&a.tr[0], prop, oldv, newv);
    mp(&a.tr[0], "Included Updated Properties", NULL, xfmt("\"%s\"", prop));
    a.ntr = 1;
    a.add_appid = W.ents[app].id2;
    a.target = app;
    return ev_audit(&a);
}

static int user_op(int64_t t, int actor, int user, const char *op, const char *category)
{
    Audit a = base(t, op, actor);
    a.category = category;
    a.tr[0] = (TRes){.id = W.ents[user].id, .name = NULL, .type = "User", .upn = W.ents[user].id2};
    a.ntr = 1;
    a.target = user;
    return ev_audit(&a);
}

#define K1(x) (const char *const[]){x}, 1
#define K2(x, y) (const char *const[]){x, y}, 2
#define K0 NULL, 0

void stories_entra(void)
{
    const Client *office[] = {&C_OFFICE, &C_PORTAL, &C_TEAMS};
    const Client *admin[] = {&C_PORTAL, &C_GRAPHPS, &C_OFFICE};
    int megan = mk_user("Megan Bowen", "megan.bowen@contoso.com", "192.0.2.10");
    int adele = mk_user("Adele Vance", "adele.vance@contoso.com", "192.0.2.11");
    int lee = mk_user("Lee Gu", "lee.gu@contoso.com", "192.0.2.14");
    int nestor = mk_user("Nestor Wilke", "nestor.wilke@contoso.com", "192.0.2.16");
    int grady = mk_user("Grady Archie", "grady.archie@contoso.com", "192.0.2.19");
    int isaiah = mk_user("Isaiah Langer", "isaiah.langer@contoso.com", "192.0.2.21");
    int johanna = mk_user("Johanna Lorenz", "johanna.lorenz@contoso.com", "192.0.2.22");
    int patti = mk_user("Patti Fernandez", "patti.fernandez@contoso.com", "192.0.2.23");
    int alex1 = mk_user("Alex Wilber", "alex.wilber@contoso.com", "192.0.2.24");
    int alex2 = mk_user("Alex Wilber", "awilber@contoso.com", "192.0.2.25"); /* same display name */
    int users[] = {megan, adele, lee, nestor, grady, isaiah, johanna, patti, alex1, alex2};
    int per_day[] = {3, 2, 3, 1, 2, 2, 2, 3, 2, 6};
    for (int i = 0; i < 10; i++)
        routine_signins(users[i], 0, NDAYS - 1, per_day[i], i == 2 || i == 4 ? admin : office, 3);

    /* ---- s01-s03: megan is phished; owner of hr-portal, secret on payroll-sync, a TAP ---- */
    char *kp0 = guid(), *kp1 = guid(), *kh0 = guid();
    int payroll = mk_app("payroll-sync", "192.0.2.50", kp0);
    int hr = mk_app("hr-portal", "192.0.2.52", kh0);
    routine_sp(payroll, kp0, t_at(0, 4, 0, 7, 0), t_at(NDAYS, 0, 0, 0, 0), DAY, 90 * TICK_S, NULL, NULL);
    routine_sp(hr, kh0, t_at(0, 1, 10, 0, 0), t_at(NDAYS, 0, 0, 0, 0), 3 * HOUR, 120 * TICK_S, NULL, NULL);
    Client hrc = client_of(hr, "hr-portal", W.ents[hr].id2);
    const Client *hrcs[] = {&hrc};
    routine_signins(megan, 0, NDAYS - 1, 1, hrcs, 1); /* users open hr-portal: it is their client app */
    routine_signins(adele, 0, NDAYS - 1, 1, hrcs, 1);
    routine_signins(patti, 0, NDAYS - 1, 1, hrcs, 1);
    /* megan's UPN with capitals, as some clients send it: the same user */
    ev_signin(t_at(3, 16, 4, 51, 1234567), megan, &C_OFFICE, 0, "Megan.Bowen@Contoso.com", NULL, NULL);
    ev_signin(t_at(4, 18, 22, 9, 7654321), megan, &C_TEAMS, 0, "MEGAN.BOWEN@contoso.com", NULL, NULL);
    ev_signin(t_at(4, 1, 49, 12, 3051770), megan, &C_PORTAL, 50126, NULL, "203.0.113.66", NULL);
    ev_signin(t_at(4, 1, 51, 40, 9917020), megan, &C_PORTAL, 0, NULL, "203.0.113.66", NULL);
    int64_t t2 = t_at(4, 2, 14, 7, 2585101);
    /* megan's sign-ins just inside and just outside the window of s02 */
    ev_signin(t2 - DAY + 30 * TICK_S, megan, &C_OFFICE, 0, NULL, NULL, NULL);
    ev_signin(t2 - DAY - 30 * TICK_S, megan, &C_OFFICE, 0, NULL, NULL, NULL);
    ev_signin(t2 + DAY - 30 * TICK_S, megan, &C_TEAMS, 0, NULL, NULL, NULL);
    ev_signin(t2 + DAY + 30 * TICK_S, megan, &C_TEAMS, 0, NULL, NULL, NULL);
    cur_ip = "203.0.113.66", cur_ua = UA_FIREFOX_LINUX;
    /* read from Graph too: one change, one event */
    alert_add(owner_add(t_at(4, 1, 58, 41, 5502114), megan, hr, megan, NULL, CP_GRAPH), ST_OWNER,
              "s01-owner-self-added");
    const char *old2[] = {keyspec(kp0, "AsymmetricX509Cert", "CN=payroll-sync")};
    const char *new2[] = {keyspec(kp0, "AsymmetricX509Cert", "CN=payroll-sync"), keyspec(kp1, "Password", "sync-backup")};
    int s2 = entra_cred_add(t2, megan, payroll, 0, old2, 1, new2, 2, kp1, CP_M365 | CP_GRAPH | CP_SENTINEL_TWICE,
                      "Megan.Bowen@contoso.com");
    alert_add(s2, ST_APPCRED, "s02-secret-on-payroll-sync");
    alert_add(m365_copy_of_last, "m365_app_credential_added", "s02m-secret-on-payroll-sync-m365");
    static const int use_min[] = {16, 22, 55, 37, 48};
    static const char *use_ip[] = {"203.0.113.66", "203.0.113.66", "203.0.113.66", "198.51.100.23", "198.51.100.23"};
    for (int i = 0; i < 5; i++)
        ev_spsignin(t2 + use_min[i] * MIN + rnd(60) * TICK_S, payroll, kp1, 0, use_ip[i], NULL);
    ev_spsignin(t2 + DAY - 30 * TICK_S, payroll, kp1, 0, "198.51.100.23", NULL);
    ev_spsignin(t2 + DAY + 30 * TICK_S, payroll, kp1, 0, "198.51.100.23", NULL);
    {
        Audit a = base(t_at(4, 2, 40, 19, 8840912), "Admin registered security info", megan);
        a.category = "UserManagement";
        a.service = "Authentication Methods";
        a.optype = "Add";
        a.reason = "Admin registered temporary access pass method for user";
        a.tr[0] = (TRes){.id = W.ents[adele].id, .name = "Adele Vance", .type = "User",
                         .upn = "Adele.Vance@contoso.com"};
        a.ntr = 1;
        a.target = adele;
        alert_add(ev_audit(&a), "entra_temporary_access_pass_created", "s03-tap-for-adele");
    }
    cur_ip = cur_ua = NULL;
    ev_signin(t_at(4, 3, 5, 12, 4410021), adele, &C_OFFICE, 0, NULL, "203.0.113.66", "Temporary Access Pass");

    /* ---- s04: svc-deploy (an app, initiatedBy.app) rotates ci-pipeline's secret ---- */
    char *ks = guid(), *kc[5];
    for (int i = 0; i < 5; i++)
        kc[i] = guid();
    int deployer = mk_app("svc-deploy", "192.0.2.80", ks);
    int ci = mk_app("ci-pipeline", "192.0.2.81", kc[0]);
    routine_sp(deployer, ks, t_at(0, 0, 55, 0, 0), t_at(NDAYS, 0, 0, 0, 0), 6 * HOUR, 60 * TICK_S, NULL,
               "Windows Azure Service Management API");
    int64_t rot[4] = {t_at(2, 6, 0, 37, 9241410), t_at(4, 6, 0, 49, 2220619), t_at(6, 6, 0, 20, 298755),
                      t_at(7, 5, 50, 2, 3645635)};
    int64_t from = t_at(0, 0, 20, 0, 0);
    for (int i = 0; i < 4; i++) {
        routine_sp(ci, kc[i], from, rot[i], 4 * HOUR, 300 * TICK_S, "192.0.2.81", NULL);
        from += ((rot[i] - from) / (4 * HOUR) + 1) * 4 * HOUR;
        ev_spsignin(rot[i] - 5 * MIN, deployer, ks, 0, NULL, "Windows Azure Service Management API");
        const char *o[] = {keyspec(kc[i], "Password", xfmt("rotated-%d", i))};
        const char *n[] = {keyspec(kc[i + 1], "Password", xfmt("rotated-%d", i + 1))};
        alert_add(entra_cred_add(rot[i], deployer, ci, 0, o, 1, n, 1, kc[i + 1], 0, NULL), ST_APPCRED,
                  xfmt("s04-rotation-%d", i + 1));
    }
    routine_sp(ci, kc[4], from, t_at(NDAYS, 0, 0, 0, 0), 4 * HOUR, 300 * TICK_S, "192.0.2.81", NULL);

    /* ---- s05-s07: lee creates "api" (app + sp), adds a secret two days later; another "api" ---- */
    char *ka1 = guid(), *ka2 = guid();
    int api1 = mk_app("api", "192.0.2.84", ka1);
    int api2 = mk_app("api", "192.0.2.85", ka2); /* another team's app, same display name */
    char *corr = guid();
    alert_add(add_application(t_at(3, 10, 0, 12, 1180334), lee, api1, corr), ST_CREATED, "s05-add-application-api");
    alert_add(owner_add(t_at(3, 10, 0, 12, 1180334), lee, api1, lee, corr, 0), ST_OWNER, "s05o-creator-owner-of-api");
    alert_add(add_sp(t_at(3, 10, 0, 13, 6021984), lee, api1, corr, 0), ST_CREATED, "s06-add-sp-api");
    int64_t t7 = t_at(5, 14, 0, 5, 4404112);
    alert_add(entra_cred_add(t7, lee, api1, 0, K0, K1(keyspec(ka1, "Password", "prod")), ka1, 0, NULL), ST_APPCRED,
              "s07-secret-on-api");
    routine_sp(api1, ka1, t7 + 30 * MIN, t_at(NDAYS, 0, 0, 0, 0), HOUR, 120 * TICK_S, NULL, NULL);
    routine_sp(api2, ka2, t_at(0, 0, 17, 0, 0), t_at(NDAYS, 0, 0, 0, 0), HOUR, 120 * TICK_S, NULL, NULL);
    update_app(t_at(5, 15, 2, 44, 5510023), patti, api2, "AppAddress",
               "[{\"AddressType\":0,\"Address\":\"https://api.contoso.com/signin\",\"ReplyAddressClientType\":1}]",
               "[{\"AddressType\":0,\"Address\":\"https://api2.contoso.com/signin\",\"ReplyAddressClientType\":1}]");

    /* ---- s12: lee adds a federated credential to gh-actions-deployer ---- */
    char *kg = guid();
    int gh = mk_app("gh-actions-deployer", "192.0.2.86", kg);
    routine_sp(gh, kg, t_at(0, 2, 0, 0, 0), t_at(NDAYS, 0, 0, 0, 0), DAY, 600 * TICK_S, NULL,
               "Windows Azure Service Management API");
    {
        Audit a = base(t_at(5, 16, 10, 44, 2214701), "Update application", lee);
        a.tr[0] = app_res(gh, 0);
        mp(&a.tr[0], "FederatedIdentityCredentials", "[]",
           "[{\"Name\":\"gh-main\",\"Issuer\":\"https://token.actions.githubusercontent.com\","
           "\"Subject\":\"repo:contoso/infra:ref:refs/heads/main\",\"Audiences\":[\"api://AzureADTokenExchange\"],"
           "\"Id\":\"a0daa677-66de-42dd-be6b-791f6dbc1fe1\"}]");
        mp(&a.tr[0], "Included Updated Properties", NULL, "\"FederatedIdentityCredentials\"");
        a.ntr = 1;
        a.add_appid = W.ents[gh].id2;
        a.target = gh;
        alert_add(ev_audit(&a), "entra_app_federated_credential_added", "s12-federated-credential");
    }

    /* ---- s08-s09: rare admin nestor adds a service principal, then a certificate ---- */
    char *kr1 = guid();
    int conn = mk_app("contoso-reporting-connector", "192.0.2.60", kr1);
    W.ents[conn].id = W.ents[conn].id3; /* only its service principal lives in this tenant */
    char *c8 = guid();
    int s8 = add_sp(t_at(6, 15, 40, 12, 4409120), nestor, conn, c8, CP_M365);
    alert_add(s8, ST_CREATED, "s08-add-sp-connector");
    alert_add(m365_copy_of_last, "m365_app_or_sp_created", "s08m-add-sp-connector-m365");
    alert_add(entra_cred_add(t_at(6, 15, 43, 55, 1790021), nestor, conn, 1, K0,
                       K1(keyspec(kr1, "AsymmetricX509Cert", "CN=reporting-connector")), kr1, CP_SENTINEL, NULL),
              ST_SPCRED, "s09-cert-on-connector");
    ev_spsignin(t_at(6, 16, 2, 19, 5044100), conn, kr1, 0, NULL, NULL);
    ev_spsignin(t_at(7, 16, 2, 3, 1200456), conn, kr1, 0, NULL, NULL);

    /* ---- s10: telemetry-ingest signs in every two minutes; grady adds a certificate ---- */
    char *kt0 = guid(), *kt1 = guid();
    int tele = mk_app("telemetry-ingest", "192.0.2.70", kt0);
    routine_sp(tele, kt0, t_at(0, 0, 0, 40, 0), t_at(NDAYS, 0, 0, 0, 0), 2 * MIN, 15 * TICK_S, NULL, NULL);
    int64_t t10 = t_at(9, 11, 0, 31, 4415560);
    alert_add(entra_cred_add(t10, grady, tele, 1, K1(keyspec(kt0, "AsymmetricX509Cert", "CN=telemetry")),
                       K2(keyspec(kt0, "AsymmetricX509Cert", "CN=telemetry"),
                          keyspec(kt1, "AsymmetricX509Cert", "CN=telemetry-2027")),
                       kt1, 0, NULL),
              ST_SPCRED, "s10-cert-on-busy-telemetry-ingest");
    routine_sp(tele, kt1, t10 + 10 * MIN, t_at(NDAYS, 0, 0, 0, 0), 5 * MIN, 20 * TICK_S, "192.0.2.71", NULL);
    /* grady runs a Graph PowerShell script as himself every two minutes for three days */
    for (int64_t t = t_at(8, 0, 1, 5, 0); t < t_at(11, 0, 0, 0, 0); t += 2 * MIN)
        ev_signin(t + rnd(20) * TICK_S + rnd(10000000), grady, &C_GRAPHPS, 0, NULL, "192.0.2.200", NULL);

    /* ---- s14: grady adds patti as owner of finance-bot (new owner is not the actor) ---- */
    char *kf = guid();
    int fin = mk_app("finance-bot", "192.0.2.87", kf);
    routine_sp(fin, kf, t_at(0, 7, 0, 0, 0), t_at(NDAYS, 0, 0, 0, 0), DAY, 300 * TICK_S, NULL, NULL);
    alert_add(owner_add(t_at(9, 11, 30, 45, 6650031), grady, fin, patti, NULL, 0), ST_OWNER,
              "s14-owner-patti-on-finance-bot");

    /* ---- s11: a managed identity adds a certificate; another one, with the same name, works too ---- */
    char *kb0 = guid(), *kb1 = guid(), *kbp = guid();
    int msi1 = mk_sp_only("Managed Service Identity", "192.0.2.90");
    int msi2 = mk_sp_only("Managed Service Identity", "192.0.2.92");
    int btest = mk_app("billing-test-wus", "192.0.2.75", kb0);
    int bprod = mk_app("billing-prod-wus", "192.0.2.77", kbp);
    routine_sp(btest, kb0, t_at(0, 0, 5, 0, 0), t_at(NDAYS, 0, 0, 0, 0), HOUR, 60 * TICK_S, NULL,
               "Windows Azure Service Management API");
    routine_sp(bprod, kbp, t_at(0, 0, 35, 0, 0), t_at(NDAYS, 0, 0, 0, 0), HOUR, 60 * TICK_S, NULL,
               "Windows Azure Service Management API");
    int64_t t11 = t_at(8, 18, 15, 2, 5168093);
    char *c11 = guid();
    update_sp(t_at(8, 18, 15, 2, 3875429), msi1, btest, guid());
    {
        const char *o[] = {keyspec(kb0, "AsymmetricX509Cert", "CN=billing-test-wus")};
        const char *n[] = {keyspec(kb0, "AsymmetricX509Cert", "CN=billing-test-wus"),
                           keyspec(kb1, "AsymmetricX509Cert", "CN=billing-test-wus")};
        Audit a = base(t11, "Add service principal credentials", msi1);
        a.tr[0] = app_res(btest, 1);
        mp(&a.tr[0], "KeyDescription", keydesc(o, 1), keydesc(n, 2));
        mp(&a.tr[0], "Included Updated Properties", NULL, "\"KeyDescription\"");
        mp(&a.tr[0], "TargetId.ServicePrincipalNames", NULL,
           xfmt("\"%s;https://identity.azure.net/N8CUySpCeRFU3iB/PEuFlON4zd8+n8d3qgzrF1MviSY=\"", W.ents[btest].id2));
        a.ntr = 1;
        a.add_appid = W.ents[btest].id2;
        a.target = btest;
        a.made = kb1;
        a.corr = c11;
        alert_add(ev_audit(&a), ST_SPCRED, "s11-managed-identity-adds-cert");
    }
    update_sp(t11, msi1, btest, c11);
    update_sp(t_at(8, 22, 3, 17, 1100020), msi1, btest, guid());
    update_sp(t_at(8, 19, 0, 4, 2200031), msi2, bprod, guid());
    update_sp(t_at(9, 9, 0, 9, 3300042), msi2, bprod, guid());
    routine_sp(btest, kb1, t11 + 20 * MIN, t_at(NDAYS, 0, 0, 0, 0), HOUR, 60 * TICK_S, "192.0.2.76",
               "Windows Azure Service Management API");

    /* ---- s13: isaiah adds a secret to expense-reports that is never used; johanna fails to ---- */
    char *ke0 = guid(), *ke1 = guid();
    int exp = mk_app("expense-reports", "192.0.2.88", ke0);
    routine_sp(exp, ke0, t_at(0, 3, 0, 0, 0), t_at(NDAYS, 0, 0, 0, 0), 6 * HOUR, 300 * TICK_S, NULL, NULL);
    alert_add(entra_cred_add(t_at(10, 9, 0, 40, 1023370), isaiah, exp, 0, K1(keyspec(ke0, "Password", "prod")),
                       K2(keyspec(ke0, "Password", "prod"), keyspec(ke1, "Password", "backup")), ke1, 0, NULL),
              ST_APPCRED, "s13-key-never-used");
    {
        Audit a = base(t_at(10, 19, 11, 3, 4021220), OP_CERTS, johanna);
        a.failed = 1;
        a.reason = "Insufficient privileges to complete the operation.";
        a.tr[0] = app_res(exp, 0);
        a.ntr = 1;
        a.add_appid = W.ents[exp].id2;
        a.target = exp;
        ev_audit(&a); /* failed: no alert, still an event on the target */
    }

    /* ---- s15: Alex Wilber registers demo-app; the other Alex Wilber is busy that day ---- */
    int demo = mk_app("demo-app", "192.0.2.24", NULL);
    char *c15 = guid();
    alert_add(add_application(t_at(11, 13, 0, 0, 5500012), alex1, demo, c15), ST_CREATED, "s15-add-application-demo");
    alert_add(owner_add(t_at(11, 13, 0, 0, 5500012), alex1, demo, alex1, c15, 0), ST_OWNER, "s15o-creator-owner-of-demo");
    for (int i = 0; i < 6; i++)
        user_op(t_at(11, 9 + i, 7 * i, 3, 1000000 * i), alex2, i % 2 ? johanna : isaiah,
                i % 3 ? "Update user" : "Reset user password", "UserManagement");
}
