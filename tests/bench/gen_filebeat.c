/* gen_filebeat: a second, independent benchmark corpus: Filebeat / Elastic Agent documents.
 *
 *   gen_filebeat [-n N] [--heavy] [--full] [--array] [--seed S] [--counts FILE]  > FILE
 *
 * N documents (default 1,000,000), one per line, shaped as Elasticsearch stores them after the
 * elastic/integrations ingest pipelines of azure (auditlogs, signinlogs), o365 (audit), aws
 * (cloudtrail) and gcp (audit): written from those pipelines and their
 * _dev/test/pipeline/ *-expected.json files, NOT from credtriage's normalizer, so it checks the
 * project against shapes it did not choose. What it keeps from Elastic:
 *  - azure target_resources and modified_properties become objects keyed "0", "1", ... with
 *    snake_case keys; initiated_by keeps its camelCase sub-keys; additional_details stays an array;
 *  - the operation name exactly as Entra writes it (EN DASH, trailing space) in event.action and
 *    azure.auditlogs.operation_name; o365 keeps Microsoft's trailing period in event.action;
 *  - o365 ExtendedProperties / ModifiedProperties become objects keyed by Name, Actor and Target
 *    stay arrays; cloudtrail request/response as flattened objects and as Java-style strings;
 *    gcp @type renamed proto_name; source.geo / source.as from GeoIP (Elastic's test addresses);
 *  - event.original only where the preserve_original_event tag keeps it; @timestamp first in
 *    most documents, elsewhere where the pipeline's map put it;
 *  - Filebeat module documents (event.module, fileset, agent) and Elastic Agent documents
 *    (data_stream, elastic_agent, event.ingested) mixed.
 * One document per line (NDJSON); --array writes the same documents as one JSON array, as an
 * export of hits may come. --full keeps every field the pipelines write (about 2.1 KB a
 * document instead of 1.2 KB).
 * About 3% of documents raise an alert under the shipped rules (--heavy: about 22%, ~230k alerts
 * per 1M: mostly credential additions, federated credentials, SP creations, access keys, GCP
 * keys), beside near misses (failures, other properties, other reasons). The generator counts
 * the alerts each rule must raise (KQL as Kibana evaluates it, plus credtriage's documented
 * folding of Microsoft operation names: dashes to "-", spaces collapsed and trimmed, one trailing
 * "." on o365) and writes them to stderr and to --counts FILE. Same seed, same bytes.
 *
 * Built from three files: cc -O2 -std=c11 -o gen_filebeat tests/bench/gen_filebeat*.c */
#include "gen_filebeat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- aws.cloudtrail ---- */
enum { AW_AKEY_SELF, AW_AKEY_OTHER, AW_LOGIN, AW_STS, AW_EC2, AW_READ, AW_AKEY_FAIL, AW_CONSOLE };
static const char *const accounts[] = {"210987654321", "345678901234", "456789012345"};
static const char *const regions[] = {"us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"};
struct awsread {
    const char *name, *source, *cat;
    int ro;
};
static const struct awsread aws_reads[] = {
    {"DescribeInstances", "ec2.amazonaws.com", "host", 1},
    {"GetObject", "s3.amazonaws.com", "file", 1},
    {"ListBuckets", "s3.amazonaws.com", "file", 1},
    {"AssumeRole", "sts.amazonaws.com", "iam", 0},
    {"GetCallerIdentity", "sts.amazonaws.com", "iam", 1},
    {"ListUsers", "iam.amazonaws.com", "iam", 1},
    {"GetParameter", "ssm.amazonaws.com", "configuration", 1},
    {"Decrypt", "kms.amazonaws.com", "configuration", 1},
    {"PutObject", "s3.amazonaws.com", "file", 0},
    {"DescribeSecurityGroups", "ec2.amazonaws.com", "network", 1},
};
static void iam_user(char *o, unsigned u)
{
    snprintf(o, 64, "%s.%s", given[u % 21], family[(u / 21) % 18]);
}
static void cloudtrail(int kind)
{
    unsigned u = rn(NUSERS), t = rn(NUSERS), acct = rn(3);
    int assumed = kind == AW_AKEY_OTHER || (kind != AW_AKEY_SELF && rn(10) < 2),
        ok = kind != AW_AKEY_FAIL;
    const struct awsread *rd = kind == AW_READ ? &PICK(aws_reads) : NULL;
    static const char *const ec2[] = {"CreateKeyPair", "ImportKeyPair"};
    static const char *const login[] = {"CreateLoginProfile", "UpdateLoginProfile"};
    const char *name = rd                   ? rd->name
                       : kind == AW_LOGIN   ? PICK(login)
                       : kind == AW_STS     ? "GetFederationToken"
                       : kind == AW_EC2     ? PICK(ec2)
                       : kind == AW_CONSOLE ? "ConsoleLogin"
                                            : "CreateAccessKey";
    const char *src = rd                   ? rd->source
                      : kind == AW_STS     ? "sts.amazonaws.com"
                      : kind == AW_EC2     ? "ec2.amazonaws.com"
                      : kind == AW_CONSOLE ? "signin.amazonaws.com"
                                           : "iam.amazonaws.com";
    char actor[64], target[64], arn[160], key[24], id[37], reqid[37], rp[200] = "", re[300] = "";
    int has_target =
        kind == AW_AKEY_OTHER || kind == AW_LOGIN || (kind == AW_AKEY_SELF && rn(10) < 3);
    iam_user(actor, u), iam_user(target, t == u ? t + 1 : t);
    if (assumed)
        snprintf(arn, sizeof arn, "arn:aws:sts::%s:assumed-role/%s/%s", accounts[acct],
                 u % 2 ? "ci-deployer" : "OrganizationAccountAccessRole", actor);
    else
        snprintf(arn, sizeof arn, "arn:aws:iam::%s:user/%s", accounts[acct], actor);
    /* temporary credentials (ASIA...) for a role session, a long-term key (AKIA...) for a user */
    snprintf(key, sizeof key, "%s%016" PRIX64, assumed ? "ASIA" : "AKIA",
             (uint64_t)(mix(u) & 0xFFFFFFFFFFFFFFull));
    guid(id, 0, 0), guid(reqid, 0, 0);
    pick_ip(u);
    head("aws.cloudtrail", "aws", "cloudtrail", "aws-s3");
    O("aws"), O("cloudtrail");
    if (!ok)
        S("error_code", "LimitExceeded"),
            S("error_message", "Cannot exceed quota for AccessKeysPerUser: 2");
    if (!lean) S("event_category", "Management");
    S("event_type", kind == AW_CONSOLE ? "AwsConsoleSignIn" : "AwsApiCall");
    if (!lean) S("event_version", "1.09");
    size_t flat_at = doc.n;
    O("flattened");
    if (kind == AW_AKEY_SELF || kind == AW_AKEY_OTHER || kind == AW_AKEY_FAIL || kind == AW_LOGIN) {
        if (has_target) {
            O("request_parameters"), S("userName", target);
            if (kind == AW_LOGIN) BO("passwordResetRequired", 1);
            E(), snprintf(rp, sizeof rp, "{userName=%s%s}", target,
                          kind == AW_LOGIN ? ", passwordResetRequired=true" : "");
        }
        if (ok) {
            char when[40];
            ts(when, now_ms, 2);
            O("response_elements"), O(kind == AW_LOGIN ? "loginProfile" : "accessKey");
            if (kind != AW_LOGIN)
                SF("accessKeyId", "AKIA%016" PRIX64, (uint64_t)(rnd() & 0xFFFFFFFFFFFFFFull)),
                    S("status", "Active");
            S("userName", has_target ? target : actor), S("createDate", when), E(), E();
            snprintf(re, sizeof re, "{%s={userName=%s, createDate=%s}}",
                     kind == AW_LOGIN ? "loginProfile" : "accessKey", has_target ? target : actor,
                     when);
        }
    } else if (kind == AW_STS) {
        O("request_parameters"), S("name", actor), N("durationSeconds", 3600), E();
        snprintf(rp, sizeof rp, "{name=%s, durationSeconds=3600}", actor);
    } else if (kind == AW_EC2) {
        O("request_parameters"), SF("keyName", "%s-laptop", actor), E();
        snprintf(rp, sizeof rp, "{keyName=%s-laptop}", actor);
    } else if (kind == AW_CONSOLE) {
        O("additional_eventdata"), S("LoginTo", "https://console.aws.amazon.com/console/home");
        S("MobileVersion", "No"), S("MFAUsed", rn(2) ? "Yes" : "No"), E();
        O("response_elements"), S("ConsoleLogin", "Success"), E();
    } else if (!strcmp(rd->source, "s3.amazonaws.com") && strcmp(rd->name, "ListBuckets")) {
        O("request_parameters"), SF("bucketName", "nw-%s-data", words[u % 12]),
            SF("key", "exports/%u.csv", rn(9999)), E();
        snprintf(rp, sizeof rp, "{bucketName=nw-%s-data}", words[u % 12]);
    }
    E();
    if (doc.n == flat_at + 15) doc.n = flat_at, doc.b[doc.n] = 0; /* no empty "flattened":{} */
    if (!lean) S("management_event", "true");
    S("read_only", rd && rd->ro ? "true" : "false");
    S("recipient_account_id", accounts[acct]), S("request_id", reqid);
    if (rp[0]) S("request_parameters", rp);
    if (re[0]) S("response_elements", re);
    if (!lean)
        O("tls_details"), S("cipher_suite", "TLS_AES_128_GCM_SHA256"),
            SF("client_provided_host_header", "%s", src), S("tls_version", "TLSv1.3"), E();
    O("user_identity"), S("access_key_id", key), S("arn", arn);
    if (assumed) {
        O("session_context"), S("creation_date", tsnow), S("mfa_authenticated", "false");
        O("session_issuer"), S("account_id", accounts[acct]),
            SF("arn", "arn:aws:iam::%s:role/%s", accounts[acct],
               u % 2 ? "ci-deployer" : "OrganizationAccountAccessRole");
        SF("principal_id", "AROA%016" PRIX64, (uint64_t)(mix(u + 1) & 0xFFFFFFFFFFFFFFull)),
            S("type", "Role");
        S("user_name", u % 2 ? "ci-deployer" : "OrganizationAccountAccessRole"), E(), E();
    }
    S("type", assumed ? "AssumedRole" : "IAMUser"), E(), E(), E();
    O("cloud"), O("account"), S("id", accounts[acct]), E(), S("provider", "aws"),
        S("region", PICK(regions)), E();
    O("event"), S("action", name),
        AS1("category", rd                   ? rd->cat
                        : kind == AW_CONSOLE ? "authentication"
                                             : "iam");
    S("id", id), S("provider", src);
    A("type"), S(NULL, rd ? "info" : "change");
    if (!rd && kind != AW_EC2) S(NULL, "user");
    EA();
    int pres = keep_original();
    if (pres)
        SF("original",
           "{\"eventVersion\":\"1.09\",\"eventTime\":\"%s\",\"eventSource\":\"%s\",\"eventName\":"
           "\"%s\",\"sourceIPAddress\":\"%s\",\"userIdentity\":{\"type\":\"%s\",\"arn\":\"%s\"},"
           "\"requestID\":\"%s\",\"eventID\":\"%s\"}",
           tsnow, src, name, ipbuf, assumed ? "AssumedRole" : "IAMUser", arn, reqid, id);
    event_common("aws.cloudtrail", "aws", ok ? "success" : "failure"), E();
    O("related"), A("user"), S(NULL, actor);
    if (has_target) S(NULL, target);
    EA(), E();
    source_block("source", 1);
    /* the principal id: AIDA... for a user, AROA...:session for a role session */
    O("user"),
        SF("id", "%s%016" PRIX64 "%s%s", assumed ? "AROA" : "AIDA",
           (uint64_t)(mix(u + 1) & 0xFFFFFFFFFFFFFFull), assumed ? ":" : "", assumed ? actor : "");
    S("name", actor);
    if (has_target) O("target"), S("name", target), E();
    E();
    O("user_agent");
    if (!lean) O("device"), S("name", "Other"), E(), S("name", "aws-cli"), S("version", "2.15");
    SF("original", "aws-cli/2.15.%u Python/3.11.6 Linux/6.1 exe/x86_64", rn(40)), E();
    if (ok && kind == AW_AKEY_SELF) fire(R_AKEY);
    if (ok && kind == AW_AKEY_OTHER)
        fire(R_AKEY), fire(R_AKEY_OTHER); /* a target, not an IAMUser */
    if (kind == AW_LOGIN) fire(R_LOGIN);
    if (kind == AW_STS) fire(R_STS);
    if (kind == AW_EC2) fire(R_EC2);
    finish(pres);
}

/* ---- gcp.audit ---- */
enum { GC_SAKEY, GC_SAKEY_UPLOAD, GC_OSLOGIN, GC_SAKEY_DENIED, GC_READ };
static const char *const projects[] = {"nw-prod-4821", "nw-data-1177", "nw-ci-3090"};
struct gcpread {
    const char *method, *service, *perm;
};
static const struct gcpread gcp_reads[] = {
    {"storage.objects.get", "storage.googleapis.com", "storage.objects.get"},
    {"v1.compute.instances.list", "compute.googleapis.com", "compute.instances.list"},
    {"google.iam.admin.v1.GetServiceAccount", "iam.googleapis.com", "iam.serviceAccounts.get"},
    {"SetIamPolicy", "cloudresourcemanager.googleapis.com",
     "resourcemanager.projects.setIamPolicy"},
    {"google.iam.admin.v1.DeleteServiceAccountKey", "iam.googleapis.com",
     "iam.serviceAccountKeys.delete"},
    {"google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion",
     "secretmanager.googleapis.com", "secretmanager.versions.access"},
};
static void gcp(int kind)
{
    unsigned u = rn(NUSERS), sa = rn(NSA), p = rn(3);
    const struct gcpread *rd = kind == GC_READ ? &PICK(gcp_reads) : NULL;
    const char *method =
        rd ? rd->method
        : kind == GC_OSLOGIN
            ? (rn(4) ? "google.cloud.oslogin.v1.OsLoginService.ImportSshPublicKey"
                     : "google.cloud.oslogin.v1beta.OsLoginService.ImportSshPublicKey")
        : kind == GC_SAKEY_UPLOAD ? "google.iam.admin.v1.UploadServiceAccountKey"
                                  : "google.iam.admin.v1.CreateServiceAccountKey";
    const char *service = rd                   ? rd->service
                          : kind == GC_OSLOGIN ? "oslogin.googleapis.com"
                                               : "iam.googleapis.com";
    int ok = kind != GC_SAKEY_DENIED, by_sa = kind != GC_OSLOGIN && rn(3) == 0,
        data = rd && rd->method[0] != 'S' && !strstr(rd->method, "Key");
    char who[128], saemail[128], res[200], ins[20], kid[48], g[37], nm[96];
    upn(nm, u);
    snprintf(saemail, sizeof saemail, "%s-%u@%s.iam.gserviceaccount.com", words[sa % 12], sa,
             projects[p]);
    snprintf(who, sizeof who, "%s", by_sa ? saemail : nm);
    if (kind == GC_OSLOGIN)
        snprintf(res, sizeof res, "users/%s", nm);
    else if (rd && !strstr(rd->method, "ServiceAccount"))
        snprintf(res, sizeof res, "projects/%s/%s", projects[p], rd->perm);
    else
        snprintf(res, sizeof res, "projects/-/serviceAccounts/%" PRIu64,
                 (uint64_t)(100000000000000000ull + mix(sa) % 900000000000000000ull));
    hexid(ins, 12);
    pick_ip(u);
    head("gcp.audit", "gcp", "audit", "gcp-pubsub");
    O("cloud"), O("project"), S("id", projects[p]), E(), S("provider", "gcp"), E();
    int newer = rn(2);
    if (newer || !lean) O("client"), O("user"), S("email", who), E(), E();
    O("event"), S("action", method);
    A("category"), S(NULL, rd ? "network" : "iam"), S(NULL, "configuration"), EA();
    S("id", ins), S("provider", data ? "data_access" : "activity");
    A("type"), S(NULL, rd ? "access" : "creation"), S(NULL, ok ? "allowed" : "denied"), EA();
    event_common("gcp.audit", "gcp", ok ? "success" : "failure"), E();
    O("gcp"), O("audit"), O("authentication_info"), S("principal_email", who), E();
    A("authorization_info"), O(NULL), BO("granted", ok);
    S("permission", rd                   ? rd->perm
                    : kind == GC_OSLOGIN ? "oslogin.sshPublicKeys.create"
                                         : "iam.serviceAccountKeys.create");
    S("resource", res), O("resource_attributes"), E(), E(), EA();
    if (!lean) O("logentry_operation"), SF("id", "%s", hexid(g, 16)), E();
    S("method_name", method), O("request");
    if (kind == GC_OSLOGIN) {
        S("parent", res), O("ssh_public_key"),
            SF("key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%s %s", hexid(g, 30), nm), E();
        S("proto_name", "type.googleapis.com/google.cloud.oslogin.v1.ImportSshPublicKeyRequest");
    } else if (!rd) {
        SF("name", "projects/-/serviceAccounts/%s", saemail), N("private_key_type", 2);
        SF("proto_name", "type.googleapis.com/google.iam.admin.v1.%sServiceAccountKeyRequest",
           kind == GC_SAKEY_UPLOAD ? "Upload" : "Create");
    } else {
        SF("proto_name", "type.googleapis.com/%s", rd->method), S("resource", res);
    }
    E(), O("request_metadata"), S("caller_ip", ipbuf);
    S("caller_supplied_user_agent",
      by_sa  ? "google-api-go-client/0.5 Terraform/1.7.5,gzip(gfe)"
      : lean ? "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0,gzip(gfe)"
             : "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/124.0 Safari/537.36,gzip(gfe)"),
        E();
    if (ok && (kind == GC_SAKEY || kind == GC_SAKEY_UPLOAD)) {
        snprintf(kid, sizeof kid, "%s", hexid(g, 36)), hexid(kid + 36, 4);
        O("response"),
            SF("name", "projects/%s/serviceAccounts/%s/keys/%s", projects[p], saemail, kid);
        N("key_algorithm", 2), N("key_origin", kind == GC_SAKEY_UPLOAD ? 1 : 2), N("key_type", 1);
        S("proto_name", "type.googleapis.com/google.iam.admin.v1.ServiceAccountKey");
        O("valid_after_time"), N("seconds", now_ms / 1000), E(), E();
    }
    S("resource_name", res);
    if (!lean) S("service_name", service);
    if (!ok)
        O("status"), N("code", 7),
            S("message", "Permission 'iam.serviceAccountKeys.create' denied on resource (or it may "
                         "not exist)."),
            E();
    if (!lean) S("type", "type.googleapis.com/google.cloud.audit.AuditLog");
    E(), E();
    O("log");
    if (!lean) S("level", ok ? "NOTICE" : "ERROR");
    SF("logger", "projects/%s/logs/cloudaudit.googleapis.com%%2F%s", projects[p],
       data ? "data_access" : "activity"),
        E();
    O("related"), A("ip"), S(NULL, ipbuf), EA();
    if (!lean) AS1("user", who);
    E();
    O("service"), S("name", service), E();
    source_block("source", 1);
    if (!newer || !lean) O("user"), S("email", who), E();
    if (!lean)
        O("user_agent"),
            S("original", by_sa ? "google-api-go-client/0.5 Terraform/1.7.5,gzip(gfe)"
                                : "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
                                  "Gecko) Chrome/124.0 Safari/537.36,gzip(gfe)"),
            E();
    if (ok && kind == GC_OSLOGIN) fire(R_G_OSLOGIN);
    if (ok && (kind == GC_SAKEY || kind == GC_SAKEY_UPLOAD)) fire(R_G_SAKEY);
    finish(0);
}

/* ---- the mix ---- */
/* what an alerting event is, per mille of alerting events */
static const struct {
    int w;
    char ds, kind;
} alert_mix[] = {
    {240, 'a', 0},
    {120, 'a', 1},
    {60, 'a', 2},
    {60, 'a', 3},
    {60, 'a', 4},
    {40, 'a', 5},
    {15, 'a', 6},
    {15, 'a', 7},
    {20, 'a', 8},
    {30, 'o', 0},
    {30, 'o', 1},
    {15, 'o', 2},
    {15, 'o', 3},
    {60, 'w', AW_AKEY_SELF},
    {50, 'w', AW_AKEY_OTHER},
    {30, 'w', AW_LOGIN},
    {20, 'w', AW_STS},
    {20, 'w', AW_EC2},
    {65, 'g', GC_SAKEY},
    {15, 'g', GC_SAKEY_UPLOAD},
    {20, 'g', GC_OSLOGIN},
};
static void one_alert(void)
{
    unsigned r = rn(1000), acc = 0;
    for (size_t i = 0; i < sizeof alert_mix / sizeof alert_mix[0]; i++) {
        if (r >= (acc += (unsigned)alert_mix[i].w)) continue;
        int k = alert_mix[i].kind;
        if (alert_mix[i].ds == 'a')
            azure_audit_alert(k, 1);
        else if (alert_mix[i].ds == 'o')
            o365_alert(k, 1);
        else if (alert_mix[i].ds == 'w')
            cloudtrail(k);
        else
            gcp(k);
        return;
    }
}
/* background, near misses included: the same operations failing, other properties, reasons */
static void one_background(void)
{
    unsigned r = rn(1000);
    if (r < 140)
        azure_audit_background();
    else if (r < 300)
        azure_signin();
    else if (r < 380)
        o365_background();
    else if (r < 390)
        near_misses++, cloudtrail(AW_AKEY_FAIL);
    else if (r < 410)
        cloudtrail(AW_CONSOLE);
    else if (r < 880)
        cloudtrail(AW_READ);
    else if (r < 870)
        near_misses++, gcp(GC_SAKEY_DENIED);
    else
        gcp(GC_READ);
}

static uint64_t alerting_events;

int main(int argc, char **argv)
{
    uint64_t n = 1000000;
    unsigned alert_pm = 30; /* per mille of documents that raise an alert */
    const char *counts = NULL;
    int array = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            n = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--heavy"))
            alert_pm = 219;
        else if (!strcmp(argv[i], "--full"))
            lean = 0;
        else if (!strcmp(argv[i], "--array"))
            array = 1;
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed_state ^= mix(strtoull(argv[++i], NULL, 10));
        else if (!strcmp(argv[i], "--counts") && i + 1 < argc)
            counts = argv[++i];
        else {
            fprintf(stderr, "usage: gen_filebeat [-n N] [--heavy] [--full] [--array] [--seed S] "
                            "[--counts FILE] > FILE\n");
            return 2;
        }
    }
    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    uint64_t bytes = 0;
    if (array) fputs("[\n", stdout);
    for (evno = 0; evno < n; evno++) {
        if (array && evno) fputc(',', stdout);
        now_ms += 50 + rn(400);
        ev_alerts = 0;
        if (rn(1000) < alert_pm)
            one_alert();
        else
            one_background();
        if (ev_alerts) alerting_events++;
        bytes += doc.n;
    }
    if (array) fputs("]\n", stdout);
    if (fflush(stdout)) return perror("gen_filebeat: stdout"), 1;
    for (int pass = 0; pass < 2; pass++) {
        FILE *f = pass ? (counts ? fopen(counts, "w") : NULL) : stderr;
        if (pass && counts && !f) return perror(counts), 1;
        if (!f) continue;
        fprintf(f, "# gen_filebeat -n %" PRIu64 "%s: alerts each shipped rule must raise\n", n,
                alert_pm > 30 ? " --heavy" : "");
        for (int r = 0; r < R_N; r++)
            fprintf(f, "%s %" PRIu64 "\n", rule_stem[r], fired[r]);
        fprintf(f,
                "alerts %" PRIu64 "\nalerting_events %" PRIu64 "\nnear_misses %" PRIu64
                "\nevents %" PRIu64 "\nbytes %" PRIu64 "\n",
                alerts_total, alerting_events, near_misses, n, bytes);
        if (pass && fclose(f)) return perror(counts), 1;
    }
    return 0;
}
