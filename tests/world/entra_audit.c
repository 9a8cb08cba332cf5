/* world: Entra directory audit records, and the same change exported again
 * through Microsoft Graph, Log Analytics (Sentinel) and the Microsoft 365 audit
 * log (definition 3: one change, one event). */
#include <stdlib.h>
#include <string.h>

#include "entra.h"

#define RESID_FMT "/tenants/%s/providers/Microsoft.aadiam"
#define APP_UA "Microsoft Azure Graph Client Library 2.1.18-internal"

static const char *actor_ip(const Audit *a)
{
    return a->ip ? a->ip : W.ents[a->actor].ip;
}

static const char *actor_ua(const Audit *a)
{
    if (a->ua)
        return a->ua;
    return W.ents[a->actor].kind == K_USER ? W.ents[a->actor].ua : APP_UA;
}

/* initiatedBy; graph: the other member is written as null, as Graph does */
static void initiated_by(Buf *b, const Audit *a, int graph)
{
    const Ent *e = &W.ents[a->actor];
    if (e->kind == K_USER) {
        bput(b, graph ? "{\"app\":null,\"user\":{\"id\":" : "{\"user\":{\"id\":");
        bjs(b, e->id);
        bput(b, ",\"displayName\":null,\"userPrincipalName\":");
        bjs(b, e->id2);
        bput(b, ",\"ipAddress\":");
        bjs(b, actor_ip(a));
        bput(b, graph ? ",\"userType\":null,\"homeTenantId\":null,\"homeTenantName\":null}}" : ",\"roles\":[]}}");
        return;
    }
    bput(b, graph ? "{\"user\":null,\"app\":{\"appId\":" : "{\"app\":{\"appId\":");
    bjs(b, e->id2); /* null for a managed identity */
    bput(b, ",\"displayName\":");
    bjs(b, e->name);
    bput(b, ",\"servicePrincipalId\":");
    bjs(b, e->kind == K_APP ? e->id3 : e->id);
    bput(b, ",\"servicePrincipalName\":null}}");
}

static void targets(Buf *b, const Audit *a)
{
    bput(b, "[");
    for (int i = 0; i < a->ntr; i++) {
        const TRes *r = &a->tr[i];
        bput(b, i ? ",{\"id\":" : "{\"id\":");
        bjs(b, r->id);
        bput(b, ",\"displayName\":");
        bjs(b, r->name);
        bputf(b, ",\"type\":\"%s\"", r->type);
        if (r->upn) {
            bput(b, ",\"userPrincipalName\":");
            bjs(b, r->upn);
        }
        bput(b, ",\"modifiedProperties\":[");
        for (int j = 0; j < r->nmp; j++) {
            bput(b, j ? ",{\"displayName\":" : "{\"displayName\":");
            bjs(b, r->mp[j].name);
            bput(b, ",\"oldValue\":");
            bjs(b, r->mp[j].oldv);
            bput(b, ",\"newValue\":");
            bjs(b, r->mp[j].newv);
            bput(b, "}");
        }
        bput(b, "],\"administrativeUnits\":[]}");
    }
    bput(b, "]");
}

static void details(Buf *b, const Audit *a)
{
    bput(b, "[{\"key\":\"User-Agent\",\"value\":");
    bjs(b, actor_ua(a));
    bput(b, "}");
    if (a->add_appid)
        bputf(b, ",{\"key\":\"AppId\",\"value\":\"%s\"}", a->add_appid);
    bput(b, "]");
}

static const char *identity(const Audit *a)
{
    const Ent *e = &W.ents[a->actor];
    return e->kind == K_USER ? e->id2 : e->name;
}

void render_audit(Buf *b, const Audit *a, const char *rid, const char *corr)
{
    char *te = tfmt(a->t, 'E'), *to = tfmt(a->t, 'O');
    bputf(b, "{\"time\":\"%s\",\"resourceId\":\"" RESID_FMT "\",\"operationName\":", te, TENANT);
    bjs(b, a->op);
    bputf(b, ",\"operationVersion\":\"1.0\",\"category\":\"AuditLogs\",\"tenantId\":\"%s\","
             "\"resultSignature\":\"None\",\"durationMs\":0,\"callerIpAddress\":",
          TENANT);
    bjs(b, actor_ip(a));
    bputf(b, ",\"correlationId\":\"%s\",\"identity\":", corr);
    bjs(b, identity(a));
    bputf(b, ",\"Level\":4,\"properties\":{\"id\":\"%s\",\"category\":\"%s\",\"correlationId\":\"%s\","
             "\"result\":\"%s\",\"resultReason\":",
          rid, a->category, corr, a->failed ? "failure" : "success");
    bjs(b, a->reason ? a->reason : "");
    bput(b, ",\"activityDisplayName\":");
    bjs(b, a->op);
    bputf(b, ",\"activityDateTime\":\"%s\",\"loggedByService\":\"%s\",\"operationType\":\"%s\","
             "\"userAgent\":null,\"initiatedBy\":",
          to, a->service, a->optype);
    initiated_by(b, a, 0);
    bput(b, ",\"targetResources\":");
    targets(b, a);
    bput(b, ",\"additionalDetails\":");
    details(b, a);
    bput(b, "}}");
    free(te);
    free(to);
}

static void render_graph(Buf *b, const Audit *a, const char *rid, const char *corr)
{
    char *te = tfmt(a->t, 'E');
    bputf(b, "{\"id\":\"%s\",\"category\":\"%s\",\"correlationId\":\"%s\",\"result\":\"%s\",\"resultReason\":", rid,
          a->category, corr, a->failed ? "failure" : "success");
    bjs(b, a->reason ? a->reason : "");
    bput(b, ",\"activityDisplayName\":");
    bjs(b, a->op);
    bputf(b, ",\"activityDateTime\":\"%s\",\"loggedByService\":\"%s\",\"operationType\":\"%s\",\"initiatedBy\":",
          te, a->service, a->optype);
    initiated_by(b, a, 1);
    bput(b, ",\"userAgent\":null,\"targetResources\":");
    targets(b, a);
    bput(b, ",\"additionalDetails\":");
    details(b, a);
    bput(b, "}");
    free(te);
}

static void render_sentinel(Buf *b, const Audit *a, const char *rid, const char *corr)
{
    char *te = tfmt(a->t, 'E');
    Buf x = {0};
    bputf(b, "{\"TenantId\":\"%s\",\"SourceSystem\":\"Azure AD\",\"TimeGenerated\":\"%s\",\"ResourceId\":\"" RESID_FMT
             "\",\"OperationName\":",
          TENANT, te, TENANT);
    bjs(b, a->op);
    bputf(b, ",\"OperationVersion\":\"1.0\",\"Category\":\"%s\",\"ResultType\":\"\",\"ResultSignature\":\"None\","
             "\"ResultDescription\":\"\",\"DurationMs\":0,\"CorrelationId\":\"%s\",\"Resource\":\"Microsoft.aadiam\","
             "\"ResourceGroup\":\"Microsoft.aadiam\",\"ResourceProvider\":\"\",\"Identity\":",
          a->category, corr);
    bjs(b, identity(a));
    bput(b, ",\"Level\":\"4\",\"Location\":\"\",\"AdditionalDetails\":");
    details(&x, a);
    bjs(b, x.p);
    free(bdone(&x));
    bputf(b, ",\"Id\":\"%s\",\"InitiatedBy\":", rid);
    initiated_by(&x, a, 0);
    bjs(b, x.p);
    free(bdone(&x));
    bputf(b, ",\"LoggedByService\":\"%s\",\"Result\":\"%s\",\"ResultReason\":", a->service,
          a->failed ? "failure" : "success");
    bjs(b, a->reason ? a->reason : "");
    bput(b, ",\"TargetResources\":");
    targets(&x, a);
    bjs(b, x.p);
    free(bdone(&x));
    bputf(b, ",\"AADTenantId\":\"%s\",\"ActivityDisplayName\":", TENANT);
    bjs(b, a->op);
    bputf(b, ",\"ActivityDateTime\":\"%s\",\"AADOperationType\":\"%s\",\"Type\":\"AuditLogs\"}", te, a->optype);
    free(te);
}

static void m365_ext(Buf *b, const char *name, const char *value, int first)
{
    bput(b, first ? "{\"Name\":" : ",{\"Name\":");
    bjs(b, name);
    bput(b, ",\"Value\":");
    bjs(b, value);
    bput(b, "}");
}

static void render_m365(Buf *b, const Audit *a, const char *rid, const char *corr, const char *actor_upn)
{
    const Ent *e = &W.ents[a->actor];
    const TRes *r = &a->tr[0];
    char *tm = tfmt(a->t, 'M');
    const char *upn = actor_upn ? actor_upn : e->id2;
    bputf(b, "{\"CreationTime\":\"%s\",\"Id\":\"%s\",\"Operation\":", tm, rid);
    char *op = xfmt("%s.", a->op); /* the audit log adds a period to every Entra operation */
    bjs(b, op);
    bputf(b, ",\"OrganizationId\":\"%s\",\"RecordType\":8,\"ResultStatus\":\"Success\",\"UserKey\":", TENANT);
    bjs(b, e->kind == K_USER ? "10032001A4B5C6D7@contoso.com" : "Not Available");
    bput(b, ",\"UserType\":0,\"Version\":1,\"Workload\":\"AzureActiveDirectory\",\"ClientIP\":");
    bjs(b, actor_ip(a));
    bput(b, ",\"ObjectId\":\"Not Available\",\"UserId\":");
    if (e->kind == K_USER)
        bjs(b, upn);
    else
        bputf(b, "\"ServicePrincipal_%s\"", e->id3);
    bput(b, ",\"AzureActiveDirectoryEventType\":1,\"ExtendedProperties\":[");
    Buf ad = {0};
    bput(&ad, "{\"User-Agent\":");
    bjs(&ad, actor_ua(a));
    if (a->add_appid)
        bputf(&ad, ",\"AppId\":\"%s\"", a->add_appid);
    bput(&ad, "}");
    m365_ext(b, "additionalDetails", ad.p, 1);
    free(bdone(&ad));
    m365_ext(b, "extendedAuditEventCategory", r->type, 0);
    m365_ext(b, "correlationId", corr, 0);
    m365_ext(b, "actorObjectId", e->kind == K_USER ? e->id : e->id3, 0);
    if (e->kind == K_USER)
        m365_ext(b, "actorUPN", upn, 0);
    m365_ext(b, "targetObjectId", r->id, 0);
    m365_ext(b, "targetName", r->name, 0);
    m365_ext(b, "resultType", "Success", 0);
    m365_ext(b, "auditEventCategory", a->category, 0);
    bput(b, "],\"ModifiedProperties\":[");
    for (int j = 0; j < r->nmp; j++) {
        bput(b, j ? ",{\"Name\":" : "{\"Name\":");
        bjs(b, r->mp[j].name);
        bput(b, ",\"NewValue\":");
        bjs(b, r->mp[j].newv ? r->mp[j].newv : "");
        bput(b, ",\"OldValue\":");
        bjs(b, r->mp[j].oldv ? r->mp[j].oldv : "");
        bput(b, "}");
    }
    bput(b, "],\"Actor\":[");
    if (e->kind == K_USER) {
        bput(b, "{\"ID\":");
        bjs(b, upn);
        bputf(b, ",\"Type\":5},{\"ID\":\"10032001A4B5C6D7\",\"Type\":3},{\"ID\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\","
                 "\"Type\":2},{\"ID\":\"User_%s\",\"Type\":2},{\"ID\":\"%s\",\"Type\":2},{\"ID\":\"User\",\"Type\":2}]",
              e->id, e->id);
    } else {
        bputf(b, "{\"ID\":");
        bjs(b, e->name);
        bputf(b, ",\"Type\":1},{\"ID\":\"%s\",\"Type\":2},{\"ID\":\"ServicePrincipal_%s\",\"Type\":2},"
                 "{\"ID\":\"%s\",\"Type\":2},{\"ID\":\"ServicePrincipal\",\"Type\":2}]",
              e->id2 ? e->id2 : "", e->id3, e->id3);
    }
    bputf(b, ",\"ActorContextId\":\"%s\",\"ActorIpAddress\":", TENANT);
    bjs(b, actor_ip(a));
    bputf(b, ",\"InterSystemsId\":\"%s\",\"IntraSystemId\":\"%s\",\"SupportTicketId\":\"\",\"Target\":[", corr, rid);
    bputf(b, "{\"ID\":\"%s_%s\",\"Type\":2},{\"ID\":\"%s\",\"Type\":2},{\"ID\":\"%s\",\"Type\":2},{\"ID\":", r->type, r->id,
          r->id, r->type);
    bjs(b, r->name);
    bput(b, ",\"Type\":1}");
    if (a->add_appid)
        bputf(b, ",{\"ID\":\"%s\",\"Type\":2}", a->add_appid);
    bputf(b, "],\"TargetContextId\":\"%s\"}", TENANT);
    free(op);
    free(tm);
}

static int copy_spec(const Spec *main, int idx, int file, int64_t t, const char *rid, char *text)
{
    Spec s = *main;
    s.t = t;
    s.rid = rid;
    s.text = text;
    s.canon = idx;
    s.file = (uint8_t)file;
    return spec_add(&s);
}

int m365_copy_of_last; /* the spec of the last M365 copy ev_audit wrote */

int ev_audit(const Audit *a)
{
    const char *corr = a->corr ? a->corr : id_guid(&W.story);
    const char *rid = id_directory(&W.story, corr);
    Buf b = {0};
    render_audit(&b, a, rid, corr);
    Spec s = {.t = a->t, .rid = rid, .made = a->made, .text = bdone(&b), .actor = a->actor,
              .target = a->target, .canon = -1, .file = F_AUDIT};
    int idx = spec_add(&s);
    fact_audit(idx, a);

    const Ent *e = &W.ents[a->actor];
    if (e->kind == K_USER)
        ev_link(e->id, e->id2);
    else if (e->kind == K_APP)
        ev_link(e->id3, e->id2);
    else
        ev_note(e->id);
    for (int i = 0; i < a->ntr; i++) {
        const TRes *r = &a->tr[i];
        if (r->upn)
            ev_link(r->id, r->upn);
        else
            ev_note(r->id);
        if (a->add_appid && (!strcmp(r->type, "Application") || !strcmp(r->type, "ServicePrincipal")))
            ev_link_weak(r->id, a->add_appid);
    }

    if (a->copies & CP_GRAPH) {
        render_graph(&b, a, rid, corr);
        copy_spec(&s, idx, F_GRAPH, a->t, rid, bdone(&b));
    }
    for (int k = 0; k < ((a->copies & CP_SENTINEL_TWICE) ? 2 : (a->copies & CP_SENTINEL) ? 1 : 0); k++) {
        render_sentinel(&b, a, rid, corr);
        copy_spec(&s, idx, F_SENTINEL, a->t, rid, bdone(&b));
    }
    if (a->copies & CP_M365) {
        const char *mid = id_guid(&W.story);
        int64_t t = a->t - a->t % TICK_S; /* CreationTime has whole seconds */
        Audit c = *a;
        c.t = t;
        render_m365(&b, &c, mid, corr, a->m365_upn);
        m365_copy_of_last = copy_spec(&s, idx, F_M365, t, mid, bdone(&b));
    }
    return idx;
}
