/* world: the GCP stories and traps (README.md tells each one). */
#include <stdlib.h>
#include <string.h>

#include "story.h"

#define ST_SAKEY "gcp_service_account_key_created"
#define PROJ "contoso-prod"

static char *key_resp(const Ent *sa, const char *key, int64_t t)
{
    long s = (long)(t / TICK_S);
    return xfmt("{\"@type\":\"type.googleapis.com/google.iam.admin.v1.ServiceAccountKey\",\"name\":\"projects/%s/"
                "serviceAccounts/%s/keys/%s\",\"valid_after_time\":{\"seconds\":%ld},\"valid_before_time\":"
                "{\"seconds\":253402300799},\"key_algorithm\":2,\"private_key_type\":2,\"key_origin\":2,\"key_type\":1}",
                sa->acct, sa->id, key, s);
}

/* a call on a service account (the SA is the target); by_uid: name it by its unique id */
static int sa_call(int64_t t, int who, const char *key, int sa, const char *method, const char *perm,
                   const char *ip, const char *ua, const char *req, const char *resp, const char *made, int by_uid)
{
    const Ent *s = &W.ents[sa];
    char *rn = by_uid ? xfmt("projects/-/serviceAccounts/%s", s->id2) : xfmt("projects/%s/serviceAccounts/%s", s->acct, s->id);
    Gcall g = {.t = t, .actor = who, .key = key, .project = s->acct, .service = "iam.googleapis.com",
               .method = method, .resource_name = rn, .ip = ip, .ua = ua, .req = req, .resp = resp,
               .perm = perm, .target = sa, .made = made};
    return ev_gcp(&g);
}

static int plain(int64_t t, int who, const char *key, const char *service, const char *method, const char *rn,
                 const char *perm, const char *res_type, const char *labels, const char *ip, const char *ua)
{
    Gcall g = {.t = t, .actor = who, .key = key, .project = PROJ, .service = service, .method = method,
               .resource_name = rn, .perm = perm, .res_type = res_type, .res_labels = labels, .ip = ip, .ua = ua,
               .data_access = 1, .target = -1};
    return ev_gcp(&g);
}

void stories_gcp(void)
{
    int diego = mk_guser("diego.siciliani@example.com", "192.0.2.13", UA_GCLOUD);
    int fiona = mk_guser("fiona.gallagher@example.com", "192.0.2.31", UA_GCLOUD);
    int hank = mk_guser("hank.meyer@example.com", "192.0.2.32", UA_GCLOUD);
    int bot = mk_gsa(PROJ, "deploy-bot", "192.0.2.91", UA_GAPI);
    int devbot = mk_gsa("contoso-dev", "deploy-bot", "192.0.2.93", UA_GAPI); /* same account name, other project */
    int bsa = mk_gsa(PROJ, "backup-sa", "192.0.2.94", UA_GAPI);
    int etl = mk_gsa(PROJ, "etl-sa", "192.0.2.95", UA_GAPI);
    int64_t end = t_at(NDAYS, 0, 0, 0, 0);
    routine_gcp(bot, W.ents[bot].key, t_at(0, 0, 0, 0, 0), end, 30 * MIN, 1);
    routine_gcp(devbot, W.ents[devbot].key, t_at(0, 0, 10, 0, 0), end, 30 * MIN, 1);
    routine_gcp(bsa, W.ents[bsa].key, t_at(0, 2, 0, 0, 0), end, 8 * HOUR, 1);
    routine_gcp(diego, NULL, t_at(0, 15, 0, 0, 0), end, 6 * HOUR, 0);
    routine_gcp(fiona, NULL, t_at(0, 16, 0, 0, 0), end, 8 * HOUR, 0);
    routine_gcp(hank, NULL, t_at(0, 17, 0, 0, 0), end, 8 * HOUR, 0);

    /* ---- s26-s27: diego makes a key for deploy-bot; it is used from outside, to make another ---- */
    char *kg1 = gkey(), *kg2 = gkey();
    const Ent *b = &W.ents[bot];
    sa_call(t_at(7, 9, 10, 44, 3317790), diego, NULL, bot, "google.iam.admin.v1.ListServiceAccountKeys",
            "iam.serviceAccountKeys.list", NULL, NULL, NULL, NULL, NULL, 0);
    int64_t t26 = t_at(7, 9, 12, 3, 9418140);
    char *req = xfmt("{\"@type\":\"type.googleapis.com/google.iam.admin.v1.CreateServiceAccountKeyRequest\","
                     "\"name\":\"projects/-/serviceAccounts/%s\",\"private_key_type\":2}", b->id);
    alert_add(sa_call(t26, diego, NULL, bot, "google.iam.admin.v1.CreateServiceAccountKey",
                      "iam.serviceAccountKeys.create", NULL, NULL, req, key_resp(b, kg1, t26), kg1, 1),
              ST_SAKEY, "s26-key-for-deploy-bot");
    const char *atk = "203.0.113.145";
    plain(t_at(7, 9, 38, 44, 1022330), bot, kg1, "storage.googleapis.com", "storage.buckets.list", "projects/_/buckets",
          "storage.buckets.list", "gcs_bucket", "{\"bucket_name\":\"\",\"location\":\"global\",\"project_id\":\"" PROJ "\"}",
          atk, UA_GAPI);
    plain(t_at(7, 9, 40, 2, 5512300), bot, kg1, "secretmanager.googleapis.com",
          "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion",
          "projects/402281902812/secrets/payroll-db-password/versions/latest", "secretmanager.versions.access",
          "audited_resource",
          "{\"method\":\"google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion\",\"project_id\":\"" PROJ
          "\",\"service\":\"secretmanager.googleapis.com\"}",
          atk, UA_GAPI);
    plain(t_at(7, 9, 41, 29, 8830114), bot, kg1, "compute.googleapis.com", "v1.compute.instances.list",
          "projects/" PROJ "/zones/us-central1-a/instances", "compute.instances.list", "gce_instance",
          "{\"instance_id\":\"\",\"project_id\":\"" PROJ "\",\"zone\":\"us-central1-a\"}", atk, UA_GAPI);
    const Ent *bs = &W.ents[bsa];
    int64_t t27 = t_at(7, 10, 5, 17, 2290007);
    char *req2 = xfmt("{\"@type\":\"type.googleapis.com/google.iam.admin.v1.CreateServiceAccountKeyRequest\","
                      "\"name\":\"projects/-/serviceAccounts/%s\",\"private_key_type\":2}", bs->id);
    alert_add(sa_call(t27, bot, kg1, bsa, "google.iam.admin.v1.CreateServiceAccountKey", "iam.serviceAccountKeys.create",
                      atk, UA_GAPI, req2, key_resp(bs, kg2, t27), kg2, 1),
              ST_SAKEY, "s27-key-made-with-new-sa-key");
    /* hank looks at deploy-bot by its unique id: the same service account */
    sa_call(t_at(7, 16, 0, 9, 1000200), hank, NULL, bot, "google.iam.admin.v1.GetServiceAccount",
            "iam.serviceAccounts.get", NULL, NULL, NULL, NULL, NULL, 1);
    /* just inside and just outside s26's window */
    plain(t26 + DAY - 30 * TICK_S, bot, kg1, "compute.googleapis.com", "v1.compute.instances.list",
          "projects/" PROJ "/zones/us-central1-a/instances", "compute.instances.list", "gce_instance",
          "{\"instance_id\":\"\",\"project_id\":\"" PROJ "\",\"zone\":\"us-central1-a\"}", atk, UA_GAPI);
    plain(t26 + DAY + 37 * TICK_S, bot, kg1, "compute.googleapis.com", "v1.compute.instances.list",
          "projects/" PROJ "/zones/us-central1-a/instances", "compute.instances.list", "gce_instance",
          "{\"instance_id\":\"\",\"project_id\":\"" PROJ "\",\"zone\":\"us-central1-a\"}", atk, UA_GAPI);

    /* ---- s28: fiona imports an SSH key into her own OS Login profile ---- */
    {
        char *rn = xfmt("users/%s", W.ents[fiona].id);
        char *labels = xfmt("{\"method\":\"google.cloud.oslogin.v1.OsLoginService.ImportSshPublicKey\","
                            "\"project_id\":\"%s\",\"service\":\"oslogin.googleapis.com\"}", PROJ);
        Gcall g = {.t = t_at(10, 15, 47, 30, 1733021), .actor = fiona, .project = PROJ,
                   .service = "oslogin.googleapis.com", .method = "google.cloud.oslogin.v1.OsLoginService.ImportSshPublicKey",
                   .resource_name = rn, .perm = "oslogin.sshPublicKeys.create", .res_type = "audited_resource",
                   .res_labels = labels, .data_access = 1, .target = fiona,
                   .req = xfmt("{\"@type\":\"type.googleapis.com/google.cloud.oslogin.v1.ImportSshPublicKeyRequest\","
                               "\"parent\":\"%s\",\"sshPublicKey\":{\"key\":\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq\"}}", rn)};
        alert_add(ev_gcp(&g), "gcp_oslogin_ssh_key_imported", "s28-oslogin-ssh-key");
    }

    /* ---- s29: hank uploads a key for etl-sa; etl-sa moves to it ---- */
    char *kg3 = gkey();
    const Ent *e = &W.ents[etl];
    int64_t t29 = t_at(11, 16, 22, 10, 5030051);
    routine_gcp(etl, e->key, t_at(0, 0, 45, 0, 0), t29 + 2 * HOUR, HOUR, 1);
    char *req3 = xfmt("{\"@type\":\"type.googleapis.com/google.iam.admin.v1.UploadServiceAccountKeyRequest\","
                      "\"name\":\"projects/-/serviceAccounts/%s\",\"public_key_data\":\"LS0tLS1CRUdJTi\"}", e->id);
    alert_add(sa_call(t29, hank, NULL, etl, "google.iam.admin.v1.UploadServiceAccountKey",
                      "iam.serviceAccountKeys.upload", NULL, NULL, req3, key_resp(e, kg3, t29), kg3, 0),
              ST_SAKEY, "s29-uploaded-key-for-etl-sa");
    routine_gcp(etl, kg3, t29 + 35 * MIN, end, HOUR, 1);
}
