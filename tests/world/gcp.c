/* world: GCP Cloud Audit Logs, LogEntry objects with an AuditLog protoPayload
 * (Cloud Logging LogEntry reference, AuditLog / AuthenticationInfo reference,
 * IAM's "Example logs for service accounts"). One entry per line, as a sink to
 * Cloud Storage or `gcloud logging read --format=json | jq -c` gives them. */
#include <stdlib.h>
#include <string.h>

#include "world.h"

char *gcp_keyname(const char *project, const char *sa_email, const char *keyid)
{
    return xfmt("//iam.googleapis.com/projects/%s/serviceAccounts/%s/keys/%s", project, sa_email, keyid);
}

void render_gcp(Buf *b, const Gcall *g, const char *rid)
{
    const Ent *e = &W.ents[g->actor];
    char *tn = tfmt(g->t, 'N'), *tr = tfmt(g->t + 3 * TICK_S / 10 + (g->t / 7 % 5000000), 'N');
    bput(b, "{\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\",\"status\":{},"
            "\"authenticationInfo\":{\"principalEmail\":");
    bjs(b, e->id);
    if (g->key) {
        char *kn = gcp_keyname(e->acct, e->id, g->key);
        bput(b, ",\"serviceAccountKeyName\":");
        bjs(b, kn);
        free(kn);
    }
    bputf(b, ",\"principalSubject\":\"%s:%s\"}", e->kind == K_GSA ? "serviceAccount" : "user", e->id);
    bput(b, ",\"requestMetadata\":{\"callerIp\":");
    bjs(b, g->ip ? g->ip : e->ip);
    bput(b, ",\"callerSuppliedUserAgent\":");
    bjs(b, g->ua ? g->ua : e->ua);
    bputf(b, ",\"requestAttributes\":{\"time\":\"%s\",\"auth\":{}},\"destinationAttributes\":{}},"
             "\"serviceName\":\"%s\",\"methodName\":\"%s\",\"authorizationInfo\":[{\"resource\":",
          tn, g->service, g->method);
    bjs(b, g->perm_res ? g->perm_res : g->resource_name);
    bputf(b, ",\"permission\":\"%s\",\"granted\":true,\"resourceAttributes\":{}}],\"resourceName\":", g->perm);
    bjs(b, g->resource_name);
    if (g->req)
        bputf(b, ",\"request\":%s", g->req);
    if (g->resp)
        bputf(b, ",\"response\":%s", g->resp);
    bputf(b, "},\"insertId\":\"%s\",\"resource\":{\"type\":\"%s\",\"labels\":%s},\"timestamp\":\"%s\","
             "\"severity\":\"%s\",\"logName\":\"projects/%s/logs/cloudaudit.googleapis.com%%2F%s\","
             "\"receiveTimestamp\":\"%s\"}",
          rid, g->res_type, g->res_labels, tn, g->data_access ? "INFO" : "NOTICE", g->project,
          g->data_access ? "data_access" : "activity", tr);
    free(tn);
    free(tr);
}

int ev_gcp(const Gcall *in)
{
    Gcall g = *in;
    char *labels = NULL;
    if (!g.res_labels) {
        if (g.target < 0 || W.ents[g.target].kind != K_GSA)
            die("gcp: %s needs resource labels", g.method);
        const Ent *t = &W.ents[g.target];
        /* a service_account resource names both the email and the unique id */
        labels = xfmt("{\"email_id\":\"%s\",\"project_id\":\"%s\",\"unique_id\":\"%s\"}", t->id, t->acct, t->id2);
        g.res_labels = labels;
        g.res_type = "service_account";
        ev_link(t->id, t->id2);
    }
    const char *rid = id_lowalnum(&W.story, 12);
    Buf b = {0};
    render_gcp(&b, &g, rid);
    ev_note(W.ents[g.actor].id);
    Spec s = {.t = g.t, .rid = rid, .used = g.key, .made = g.made, .text = bdone(&b), .actor = g.actor,
              .target = g.target, .canon = -1, .file = F_GCP};
    free(labels);
    return spec_add(&s);
}
