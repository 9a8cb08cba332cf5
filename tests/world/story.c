/* world: entities and routine activity for the stories. Everything here draws
 * from the story stream, so the stories are the same whatever -n says. */
#include <stdlib.h>
#include <string.h>

#include "story.h"

char *guid(void)
{
    return id_guid(&W.story);
}

char *akid(const char *pfx)
{
    return id_upper(&W.story, pfx, 16);
}

char *gkey(void)
{
    return id_lowhex(&W.story, 40);
}

uint32_t rnd(uint32_t n)
{
    return rng_below(&W.story, n);
}

char *keyspec(const char *id, const char *type, const char *name)
{
    return xfmt("%s|%s|%s", id, type, name);
}

int weekend(int day)
{
    return day % 7 == 5 || day % 7 == 6; /* T0 is a Monday */
}

int mk_user(const char *name, const char *upn, const char *ip)
{
    Ent e = {.kind = K_USER, .name = name, .id = guid(), .id2 = upn, .ip = ip, .ua = UA_EDGE};
    return ent_add(&e);
}

int mk_app(const char *name, const char *ip, const char *key)
{
    Ent e = {.kind = K_APP, .name = name, .id = guid(), .id2 = guid(), .id3 = guid(), .ip = ip, .key = key};
    return ent_add(&e);
}

int mk_sp_only(const char *name, const char *ip)
{
    Ent e = {.kind = K_SP, .name = name, .id = guid(), .ip = ip};
    return ent_add(&e);
}

int mk_iam(const char *acct, const char *name, const char *ip, const char *ua)
{
    Ent e = {.kind = K_IAMUSER, .name = name, .id = xfmt("arn:aws:iam::%s:user/%s", acct, name),
             .id2 = id_upper(&W.story, "AIDA", 17), .acct = acct, .ip = ip, .ua = ua, .key = akid("AKIA")};
    return ent_add(&e);
}

int mk_role(const char *acct, const char *name)
{
    Ent e = {.kind = K_ROLE, .name = name, .id = xfmt("arn:aws:iam::%s:role/%s", acct, name),
             .id2 = id_upper(&W.story, "AROA", 17), .acct = acct};
    return ent_add(&e);
}

int mk_session(int role, const char *name, const char *ip, const char *ua)
{
    const Ent *r = &W.ents[role];
    Ent e = {.kind = K_SESSION, .name = name,
             .id = xfmt("arn:aws:sts::%s:assumed-role/%s/%s", r->acct, r->name, name),
             .id2 = xfmt("%s:%s", r->id2, name), .id3 = r->id, .id4 = r->id2, .acct = r->acct,
             .ip = ip, .ua = ua, .key = akid("ASIA")};
    return ent_add(&e);
}

int mk_root(const char *acct, const char *ip)
{
    Ent e = {.kind = K_ROOT, .name = "root", .id = xfmt("arn:aws:iam::%s:root", acct), .id2 = acct,
             .acct = acct, .ip = ip, .ua = UA_EDGE};
    return ent_add(&e);
}

int mk_feduser(int issuer, const char *name, const char *ip, const char *ua)
{
    const Ent *u = &W.ents[issuer];
    Ent e = {.kind = K_FEDUSER, .name = name, .id = xfmt("arn:aws:sts::%s:federated-user/%s", u->acct, name),
             .id2 = xfmt("%s:%s", u->acct, name), .id3 = u->id, .id4 = u->id2, .acct = u->acct, .ip = ip,
             .ua = ua, .key = akid("ASIA")};
    return ent_add(&e);
}

int mk_guser(const char *email, const char *ip, const char *ua)
{
    Ent e = {.kind = K_GUSER, .name = email, .id = email, .ip = ip, .ua = ua};
    return ent_add(&e);
}

int mk_gsa(const char *project, const char *name, const char *ip, const char *ua)
{
    Ent e = {.kind = K_GSA, .name = name, .id = xfmt("%s@%s.iam.gserviceaccount.com", name, project),
             .id2 = id_digits(&W.story, 21), .acct = project, .ip = ip, .ua = ua, .key = gkey()};
    return ent_add(&e);
}

void routine_signins(int user, int day0, int day1, int per_day, const Client *const *cs, int ncs)
{
    for (int d = day0; d <= day1; d++) {
        if (weekend(d))
            continue;
        for (int i = 0; i < per_day; i++) {
            int64_t t = t_at(d, 15, 0, 0, 0) + (int64_t)rnd(10 * 3600) * TICK_S + rnd(10000000);
            ev_signin(t, user, cs[rnd((uint32_t)ncs)], 0, NULL, NULL, NULL);
        }
    }
}

void routine_sp(int sp, const char *key, int64_t from, int64_t to, int64_t period, int64_t jit,
                const char *ip, const char *resource)
{
    for (int64_t t = from; t < to; t += period)
        ev_spsignin(t + (jit ? (int64_t)rnd((uint32_t)(jit / TICK_MS)) * TICK_MS : 0) + rnd(10000), sp, key, 0,
                    ip, resource);
}

void routine_aws(int who, const char *key, int day0, int day1, int per_day, int every_day)
{
    static const struct {
        const char *src, *name, *region;
    } calls[] = {
        {"s3.amazonaws.com", "ListBuckets", "us-east-1"},
        {"ec2.amazonaws.com", "DescribeInstances", "us-west-2"},
        {"ec2.amazonaws.com", "DescribeSecurityGroups", "us-west-2"},
        {"sts.amazonaws.com", "GetCallerIdentity", "us-east-1"},
        {"lambda.amazonaws.com", "ListFunctions20150331", "us-west-2"},
        {"cloudformation.amazonaws.com", "DescribeStacks", "us-west-2"},
    };
    const Ent *e = &W.ents[who];
    for (int d = day0; d <= day1; d++) {
        if (!every_day && weekend(d))
            continue;
        for (int i = 0; i < per_day; i++) {
            int k = (int)rnd(6);
            Call c = {.t = t_at(d, 15, 0, 0, 0) + (int64_t)rnd(9 * 3600) * TICK_S, .actor = who, .key = key,
                      .source = calls[k].src, .name = calls[k].name, .region = calls[k].region,
                      .ip = e->ip, .ua = e->ua, .readonly = 1, .target = -1};
            ev_ct(&c);
        }
    }
}

void routine_gcp(int who, const char *key, int64_t from, int64_t to, int64_t period, int data_write)
{
    const Ent *e = &W.ents[who];
    for (int64_t t = from; t < to; t += period) {
        Gcall g = {.t = t + (int64_t)rnd(600) * TICK_S + rnd(10000000), .actor = who, .key = key,
                   .project = e->acct ? e->acct : "contoso-prod", .ip = e->ip, .ua = e->ua, .target = -1};
        if (data_write) {
            char *obj = xfmt("projects/_/buckets/%s-artifacts/objects/build-%u.tar.gz", g.project, rnd(100000));
            g.service = "storage.googleapis.com";
            g.method = "storage.objects.create";
            g.resource_name = obj;
            g.perm = "storage.objects.create";
            g.res_type = "gcs_bucket";
            g.res_labels = xfmt("{\"bucket_name\":\"%s-artifacts\",\"location\":\"us\",\"project_id\":\"%s\"}",
                                g.project, g.project);
            g.data_access = 1;
        } else {
            g.service = "compute.googleapis.com";
            g.method = "v1.compute.instances.list";
            g.resource_name = xfmt("projects/%s/zones/us-central1-a/instances", g.project);
            g.perm = "compute.instances.list";
            g.res_type = "gce_instance";
            g.res_labels = xfmt("{\"instance_id\":\"\",\"project_id\":\"%s\",\"zone\":\"us-central1-a\"}", g.project);
            g.data_access = 1;
        }
        ev_gcp(&g);
    }
}
