/* world: background volume. Thousands of users sign in every working day to
 * the same first-party apps (and to hr-portal, a story app, as their client),
 * service principals sign in with their keys, admins touch users and apps,
 * CloudTrail has a CI role's sessions and developers, GCP has users and
 * service accounts. None of it involves a story's identities or credentials,
 * and none of it raises an alert. Records are kept compact (kind, time, seed,
 * entities) and rendered only when the files are written. */
#include <stdlib.h>
#include <string.h>

#include "entra.h"
#include "story.h"

static const char *FIRST[] = {"Ava", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Gita", "Hugo", "Ines",
                              "Jonas", "Kenji", "Lucia", "Mateo", "Nadia", "Omar", "Priya", "Quinn",
                              "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zara",
                              "Aiko", "Bruno", "Carmen", "Dev", "Esther", "Felix", "Greta", "Hamid",
                              "Ilse", "Jamal", "Kira", "Leon", "Maya", "Niko"};
static const char *LAST[] = {"Abbott", "Baker", "Castro", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad",
                             "Ito", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov",
                             "Quintero", "Rossi", "Sato", "Tanaka", "Ueda", "Vargas", "Weber", "Xu", "Yilmaz",
                             "Zimmer", "Alvarez", "Brennan", "Costa", "Dalton", "Engel", "Ferreira", "Gupta",
                             "Horvat", "Iqbal", "Janssen", "Kaur", "Larsen", "Mendes", "Nguyen"};
static const char *WORDS[] = {"sync", "ingest", "report", "export", "bridge", "scan", "backup", "index",
                              "notify", "billing", "audit", "crm", "hr", "ledger", "mail", "search"};

static struct {
    int *users, nusers, *sps, nsps, *iam, niam, role, *sess, nsess, *gusers, ngusers, *gsas, ngsas, hr;
} P;
static Rng R; /* the background's own stream: stories never move when -n changes */

static char *bg_ip(void)
{
    if (rng_below(&R, 10) < 7)
        return xfmt("192.0.2.%u", 1 + rng_below(&R, 8)); /* the office's NAT: shared by everybody */
    return xfmt("100.64.%u.%u", rng_below(&R, 256), 1 + rng_below(&R, 254));
}

static void pools(long n)
{
    P.nusers = (int)(n / 50 < 400 ? 400 : n / 50);
    P.users = xmalloc((size_t)P.nusers * sizeof(int));
    for (int i = 0; i < P.nusers; i++) {
        const char *f = FIRST[i % 40], *l = LAST[(i / 40) % 40];
        char *upn = xfmt("%s.%s%d@contoso.com", f, l, i);
        for (char *p = upn; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        Ent e = {.kind = K_USER, .name = xfmt("%s %s", f, l), .id = id_guid(&R), .id2 = upn, .ip = bg_ip(),
                 .ua = i % 3 ? UA_EDGE : UA_MAC};
        P.users[i] = ent_add(&e);
    }
    P.nsps = (int)(n / 8000 < 20 ? 20 : n / 8000);
    P.sps = xmalloc((size_t)P.nsps * sizeof(int));
    for (int i = 0; i < P.nsps; i++) {
        Ent e = {.kind = K_APP, .name = xfmt("svc-%s-%d", WORDS[i % 16], i), .id = id_guid(&R), .id2 = id_guid(&R),
                 .id3 = id_guid(&R), .ip = xfmt("192.0.2.%d", 100 + i % 100), .key = id_guid(&R)};
        P.sps[i] = ent_add(&e);
    }
    P.niam = (int)(n / 20000 < 10 ? 10 : n / 20000);
    P.iam = xmalloc((size_t)P.niam * sizeof(int));
    for (int i = 0; i < P.niam; i++) {
        char *name = xfmt("dev-%s%d", FIRST[i % 40], i);
        Ent e = {.kind = K_IAMUSER, .name = name, .id = xfmt("arn:aws:iam::%s:user/%s", ACCT, name),
                 .id2 = id_upper(&R, "AIDA", 17), .acct = ACCT, .ip = bg_ip(), .ua = UA_AWSCLI,
                 .key = id_upper(&R, "AKIA", 16)};
        P.iam[i] = ent_add(&e);
    }
    Ent role = {.kind = K_ROLE, .name = "ci-runner", .id = xfmt("arn:aws:iam::%s:role/ci-runner", ACCT),
                .id2 = id_upper(&R, "AROA", 17), .acct = ACCT};
    P.role = ent_add(&role);
    P.nsess = 50;
    P.sess = xmalloc((size_t)P.nsess * sizeof(int));
    for (int i = 0; i < P.nsess; i++) {
        char *name = xfmt("i-0%s", id_lowhex(&R, 16));
        Ent e = {.kind = K_SESSION, .name = name, .id = xfmt("arn:aws:sts::%s:assumed-role/ci-runner/%s", ACCT, name),
                 .id2 = xfmt("%s:%s", W.ents[P.role].id2, name), .id3 = W.ents[P.role].id,
                 .id4 = W.ents[P.role].id2, .acct = ACCT, .ip = xfmt("192.0.2.%d", 210 + i % 40),
                 .ua = "aws-sdk-go-v2/1.32.6 os/linux lang/go#1.23.3", .key = id_upper(&R, "ASIA", 16)};
        P.sess[i] = ent_add(&e);
    }
    P.ngusers = (int)(n / 10000 < 30 ? 30 : n / 10000);
    P.gusers = xmalloc((size_t)P.ngusers * sizeof(int));
    for (int i = 0; i < P.ngusers; i++) {
        char *email = xfmt("%s.%s%d@example.com", FIRST[(i + 7) % 40], LAST[(i + 3) % 40], i);
        for (char *p = email; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        Ent e = {.kind = K_GUSER, .name = email, .id = email, .ip = bg_ip(), .ua = UA_GCLOUD};
        P.gusers[i] = ent_add(&e);
    }
    P.ngsas = 12;
    P.gsas = xmalloc((size_t)P.ngsas * sizeof(int));
    for (int i = 0; i < P.ngsas; i++) {
        Ent e = {.kind = K_GSA, .name = xfmt("%s-worker", WORDS[i]),
                 .id = xfmt("%s-worker@contoso-prod.iam.gserviceaccount.com", WORDS[i]), .id2 = id_digits(&R, 21),
                 .acct = "contoso-prod", .ip = xfmt("192.0.2.%d", 150 + i), .ua = UA_GAPI, .key = id_lowhex(&R, 40)};
        P.gsas[i] = ent_add(&e);
    }
}

static int64_t when(int office)
{
    int day = (int)rng_below(&R, NDAYS);
    if (office && weekend(day) && rng_below(&R, 4))
        day = (day + 2) % NDAYS;
    int64_t t = office && rng_below(&R, 10) < 8 ? t_at(day, 15, 0, 0, 0) + (int64_t)rng_below(&R, 10 * 3600) * TICK_S
                                                : t_at(day, 0, 0, 0, 0) + (int64_t)rng_below(&R, 86400) * TICK_S;
    return t + rng_below(&R, (uint32_t)TICK_S);
}

#define PICK(arr, n) (arr)[rng_below(&R, (uint32_t)(n))]

void background(long count)
{
    R = rng_from(1098001, 99);
    P.hr = -1;
    for (int i = 0; i < W.nents; i++)
        if (!strcmp(W.ents[i].name, "hr-portal"))
            P.hr = i;
    if (P.hr < 0)
        die("background: no hr-portal");
    pools(W.n);
    for (long i = 0; i < count; i++) {
        uint32_t k = rng_below(&R, 100);
        Spec s = {.seed = rng_next(&R), .canon = -1, .actor = -1, .target = -1};
        if (k < 46) { /* a user's sign-in */
            s.kind = BG_SIGNIN, s.file = F_SIGNIN, s.t = when(1);
            s.actor = PICK(P.users, P.nusers);
            uint32_t c = rng_below(&R, 100);
            s.a = c < 35 ? 0 : c < 65 ? 1 : c < 80 ? 2 : c < 90 ? 3 : 4;
            s.b = rng_below(&R, 100) < 3;
        } else if (k < 60) { /* a service principal's sign-in */
            s.kind = BG_SPSIGNIN, s.file = F_SPSIGNIN, s.t = when(0);
            s.actor = PICK(P.sps, P.nsps);
            s.used = W.ents[s.actor].key;
        } else if (k < 64) { /* an admin's change */
            s.kind = BG_AUDIT, s.file = F_AUDIT, s.t = when(1);
            s.actor = P.users[rng_below(&R, 12)];
            s.a = (int)rng_below(&R, 5);
            s.target = s.a < 3 ? PICK(P.users, P.nusers) : PICK(P.sps, P.nsps);
        } else if (k < 90) { /* CloudTrail */
            s.kind = BG_CT, s.file = F_CT, s.t = when(k < 80);
            s.t -= s.t % TICK_S;
            s.a = (int)rng_below(&R, 10);
            if (s.a == 0) { /* EC2 assumes the CI role for an instance */
                s.b = (int)rng_below(&R, (uint32_t)P.nsess);
                s.target = P.role;
                s.made = W.ents[P.sess[s.b]].key;
            } else if (s.a < 6) {
                s.actor = PICK(P.sess, P.nsess);
                s.used = W.ents[s.actor].key;
            } else {
                s.actor = PICK(P.iam, P.niam);
                s.used = s.a == 9 ? NULL : W.ents[s.actor].key; /* 9: a console sign-in */
            }
            s.c = (int)rng_below(&R, 6);
        } else { /* GCP */
            s.kind = BG_GCP, s.file = F_GCP, s.t = when(1);
            s.a = (int)rng_below(&R, 2);
            s.actor = s.a ? PICK(P.gsas, P.ngsas) : PICK(P.gusers, P.ngusers);
            s.used = s.a ? W.ents[s.actor].key : NULL;
        }
        spec_add(&s);
    }
}

const char *spec_rid(int i)
{
    Spec *s = &W.specs[i];
    if (!s->rid) {
        Rng r = rng_from(s->seed, 7);
        s->rid = s->kind == BG_AUDIT ? id_directory(&r, id_guid(&r)) : s->kind == BG_GCP ? id_lowalnum(&r, 12) : id_guid(&r);
    }
    return s->rid;
}

static const Client *const CLIENTS[5] = {&C_PORTAL, &C_OFFICE, &C_TEAMS, &C_GRAPHPS, NULL};

void bg_render(Buf *b, const Spec *s)
{
    Rng r = rng_from(s->seed, 7);
    char *rid, *corr = NULL;
    if (s->kind == BG_AUDIT) {
        corr = id_guid(&r);
        rid = id_directory(&r, corr);
    } else {
        rid = s->kind == BG_GCP ? id_lowalnum(&r, 12) : id_guid(&r);
        corr = id_guid(&r);
    }
    const Ent *e = s->actor >= 0 ? &W.ents[s->actor] : NULL;
    switch (s->kind) {
    case BG_SIGNIN: {
        static Client hr;
        if (!hr.name)
            hr = client_of(P.hr, "hr-portal", W.ents[P.hr].id2);
        const Client *c = s->a < 4 ? CLIENTS[s->a] : &hr;
        SignIn x = {s->t, rid, corr, s->actor, c, s->b ? 50126 : 0, NULL, NULL, NULL, NULL, 0};
        render_signin(b, &x);
        break;
    }
    case BG_SPSIGNIN: {
        SpSignIn x = {s->t, rid, corr, s->actor, e->key, 0, NULL,
                      rng_below(&r, 2) ? "Microsoft Graph" : "Windows Azure Service Management API"};
        render_spsignin(b, &x);
        break;
    }
    case BG_AUDIT: {
        static const char *ops[] = {"Update user", "Add member to group", "Reset user password", "Update application",
                                    "Update service principal"};
        const Ent *t = &W.ents[s->target];
        Audit a = {.t = s->t, .op = ops[s->a], .category = s->a < 3 ? (s->a == 1 ? "GroupManagement" : "UserManagement")
                                                                     : "ApplicationManagement",
                   .service = "Core Directory", .optype = s->a == 1 ? "Assign" : "Update", .actor = s->actor,
                   .ntr = 1, .target = s->target};
        if (s->a < 3) {
            a.tr[0] = (TRes){.id = t->id, .type = "User", .upn = t->id2};
            if (s->a == 0)
                a.tr[0].mp[a.tr[0].nmp++] = (MProp){"Department", "[\"Sales\"]", "[\"Marketing\"]"};
        } else {
            a.tr[0] = (TRes){.id = s->a == 3 ? t->id : t->id3, .name = t->name,
                             .type = s->a == 3 ? "Application" : "ServicePrincipal"};
            a.tr[0].mp[a.tr[0].nmp++] = (MProp){s->a == 3 ? "AppAddress" : "TargetId.ServicePrincipalNames", NULL,
                                                s->a == 3 ? "[{\"AddressType\":0,\"Address\":\"https://app.contoso.com/auth\"}]"
                                                          : xfmt("\"%s\"", t->id2)};
            a.add_appid = t->id2;
        }
        render_audit(b, &a, rid, corr);
        if (s->a == 4)
            free((char *)a.tr[0].mp[0].newv);
        break;
    }
    case BG_CT: {
        static const struct {
            const char *src, *name, *region;
        } calls[] = {{"ec2.amazonaws.com", "DescribeInstances", "us-west-2"},
                     {"ec2.amazonaws.com", "DescribeVolumes", "us-west-2"},
                     {"s3.amazonaws.com", "ListBuckets", "us-east-1"},
                     {"ecr.amazonaws.com", "GetAuthorizationToken", "us-west-2"},
                     {"sts.amazonaws.com", "GetCallerIdentity", "us-east-1"},
                     {"logs.amazonaws.com", "DescribeLogGroups", "us-west-2"}};
        Call c = {.t = s->t, .actor = s->actor, .key = s->used, .source = calls[s->c].src, .name = calls[s->c].name,
                  .region = calls[s->c].region, .ip = e ? e->ip : "ec2.amazonaws.com", .ua = e ? e->ua : "ec2.amazonaws.com",
                  .readonly = 1, .target = -1};
        if (s->a == 0) {
            const Ent *x = &W.ents[P.sess[s->b]];
            c.source = "sts.amazonaws.com", c.name = "AssumeRole", c.region = "us-west-2";
            c.invoked_by = "ec2.amazonaws.com";
            char *exp = tfmt(s->t + 6 * HOUR, 'B');
            c.req = xfmt("{\"roleArn\":\"%s\",\"roleSessionName\":\"%s\"}", W.ents[P.role].id, x->name);
            c.resp = xfmt("{\"credentials\":{\"accessKeyId\":\"%s\",\"sessionToken\":\"<sensitiveDataRemoved>\","
                          "\"expiration\":\"%s\"},\"assumedRoleUser\":{\"assumedRoleId\":\"%s\",\"arn\":\"%s\"}}",
                          x->key, exp, x->id2, x->id);
            free(exp);
        } else if (s->a == 9) {
            c.source = "signin.amazonaws.com", c.name = "ConsoleLogin", c.ua = UA_EDGE;
            c.resp = "{\"ConsoleLogin\":\"Success\"}";
            c.extra = "\"additionalEventData\":{\"LoginTo\":\"https://console.aws.amazon.com/console/home\","
                      "\"MobileVersion\":\"No\",\"MFAUsed\":\"Yes\"}";
        }
        char *req = id_guid(&r);
        render_ct(b, &c, rid, req);
        free(req);
        if (s->a == 0) {
            free((char *)c.req);
            free((char *)c.resp);
        }
        break;
    }
    case BG_GCP: {
        Gcall g = {.t = s->t, .actor = s->actor, .key = s->used, .project = "contoso-prod", .data_access = 1,
                   .target = -1};
        if (s->a) {
            g.service = "storage.googleapis.com", g.method = "storage.objects.get";
            g.resource_name = xfmt("projects/_/buckets/contoso-prod-data/objects/part-%05u.parquet", rng_below(&r, 99999));
            g.perm = "storage.objects.get", g.res_type = "gcs_bucket";
            g.res_labels = "{\"bucket_name\":\"contoso-prod-data\",\"location\":\"us\",\"project_id\":\"contoso-prod\"}";
        } else {
            g.service = "compute.googleapis.com", g.method = "v1.compute.instances.list";
            g.resource_name = "projects/contoso-prod/zones/us-central1-a/instances";
            g.perm = "compute.instances.list", g.res_type = "gce_instance";
            g.res_labels = "{\"instance_id\":\"\",\"project_id\":\"contoso-prod\",\"zone\":\"us-central1-a\"}";
        }
        render_gcp(b, &g, rid);
        if (s->a)
            free((char *)g.resource_name);
        break;
    }
    }
    free(rid);
    free(corr);
}

