#!/usr/bin/env python3
"""Generate the credtriage demo data set into samples/.

Deterministic: fixed seed, fixed base time, Python 3 standard library only.
Running it twice produces byte-identical files (gzip mtime is pinned to 0).

One week, 2026-11-02T00:00Z .. 2026-11-09T00:00Z, tenant "contoso". The records are
made up, modeled on the shapes of Azure Monitor diagnostic exports, Microsoft Graph,
Sentinel / Log Analytics, the Microsoft 365 Unified Audit Log, CloudTrail, EventBridge,
GCP Cloud Audit Logs and Elastic Security alerts. samples/README.md describes the stories.

Usage: python3 scripts/gen_samples.py [OUTDIR]   (default: samples/ next to scripts/)
"""

# Parts 1 and 2 (gen_samples_base.py: ids, times, the directory; gen_samples_entra.py:
# Entra ID and Microsoft 365), imported first, so the draws keep their order.
from gen_samples_entra import *  # noqa: F401,F403


# ======================================================================================
# AWS CloudTrail
# ======================================================================================
ACCOUNT = "111122223333"
CT = []


def iam_user(name, key, mfa="false", created=None):
    return {"type": "IAMUser", "principalId": "AIDA" + hashlib.sha1(name.encode()).hexdigest()[:16].upper(),
            "arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, name), "accountId": ACCOUNT,
            "accessKeyId": key, "userName": name,
            **({"sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                                   "attributes": {"creationDate": ct_time(created), "mfaAuthenticated": mfa}}}
               if created else {})}


def assumed_role(role, session, key, created):
    rid = "AROA" + hashlib.sha1(role.encode()).hexdigest()[:16].upper()
    return {"type": "AssumedRole", "principalId": "%s:%s" % (rid, session),
            "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCOUNT, role, session),
            "accountId": ACCOUNT, "accessKeyId": key,
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": rid,
                                                 "arn": "arn:aws:iam::%s:role/%s" % (ACCOUNT, role),
                                                 "accountId": ACCOUNT, "userName": role},
                               "webIdFederationData": {},
                               "attributes": {"creationDate": ct_time(created), "mfaAuthenticated": "false"}}}


def ct(t, ident, source, name, ip, ua, region="us-east-1", req=None, resp=None, read_only=None,
       error=None, event_type="AwsApiCall", extra=None):
    rec = {
        "eventVersion": "1.09" if event_type == "AwsApiCall" else "1.08",
        "userIdentity": ident,
        "eventTime": ct_time(t),
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": ip,
        "userAgent": ua,
        "requestParameters": req,
        "responseElements": resp,
        "requestID": guid(),
        "eventID": guid(),
        "readOnly": bool(read_only) if read_only is not None else name.startswith(("Describe", "List", "Get")),
        "eventType": event_type,
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if error:
        rec["errorCode"], rec["errorMessage"] = error
    if ua and not ua.endswith("amazonaws.com") and event_type == "AwsApiCall":
        rec["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                             "clientProvidedHostHeader": source.replace(".amazonaws.com", "") +
                             (".amazonaws.com" if source.startswith(("iam", "sts")) else ".%s.amazonaws.com" % region)}
    if extra:
        rec.update(extra)
    CT.append((t, rec))
    return rec


UA_CONSOLE = "AWS Internal"
UA_CLI_BOB = "aws-cli/2.18.4 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe sid/3f1d command/%s"
UA_ATTACKER_AWS = "aws-cli/1.29.2 Python/3.11.2 Linux/6.1.0-kali9-amd64 botocore/1.31.2"
UA_BOTO_CI = "Boto3/1.35.44 md/Botocore#1.35.44 ua/2.0 os/linux#5.10.226-214.880.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.44"

ALICE_IP, BOB_IP, CAROL_IP = "192.0.2.44", "192.0.2.55", "192.0.2.66"
AWS_ATTACKER_IP = "203.0.113.200"
ALICE_SESSION_KEY = "ASIAEXAMPLEALICE0S01"
BOB_OLD_KEY = "AKIAEXAMPLEBOB00OLD1"
BOB_NEW_KEY = "AKIAEXAMPLEBOB7Q2NEW"
CAROL_KEY = "ASIAEXAMPLECAROL0S02"

# ---- Story 3 --------------------------------------------------------------------------
alice_login = T(6, 13, 58, 2)
ct(alice_login,
   {"type": "IAMUser", "principalId": iam_user("alice", "")["principalId"],
    "arn": "arn:aws:iam::%s:user/alice" % ACCOUNT, "accountId": ACCOUNT, "userName": "alice"},
   "signin.amazonaws.com", "ConsoleLogin", ALICE_IP, UA_CHROME_MAC, req=None,
   resp={"ConsoleLogin": "Success"}, read_only=False, event_type="AwsConsoleSignIn",
   extra={"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home",
                                  "MobileVersion": "No", "MFAUsed": "Yes"}})


def alice_ident():
    return iam_user("alice", ALICE_SESSION_KEY, "true", alice_login)



S3_CREATE_KEY_T = T(6, 14, 5, 40)
S3_CREATE_KEY = ct(S3_CREATE_KEY_T, alice_ident(), "iam.amazonaws.com", "CreateAccessKey", ALICE_IP, UA_CONSOLE,
                   req={"userName": "bob"},
                   resp={"accessKey": {"accessKeyId": BOB_NEW_KEY, "status": "Active", "userName": "bob",
                                       "createDate": ct_createdate(S3_CREATE_KEY_T)}},
                   read_only=False, extra={"sessionCredentialFromConsole": "true"})
S3_LOGIN_PROFILE = ct(T(6, 14, 8, 13), alice_ident(), "iam.amazonaws.com", "CreateLoginProfile", ALICE_IP, UA_CONSOLE,
                      req={"userName": "svc-reporting", "passwordResetRequired": False},
                      resp={"loginProfile": {"userName": "svc-reporting", "createDate": ct_createdate(T(6, 14, 8, 13)),
                                             "passwordResetRequired": False}},
                      read_only=False, extra={"sessionCredentialFromConsole": "true"})
bob_new = lambda: iam_user("bob", BOB_NEW_KEY)
S3_USES = []
for (d, h, m, s), src, name, req, resp, err in [
    ((6, 14, 31, 5), "sts.amazonaws.com", "GetCallerIdentity", None, None, None),
    ((6, 14, 32, 40), "iam.amazonaws.com", "ListUsers", None, None, None),
    ((6, 14, 33, 2), "iam.amazonaws.com", "ListAttachedUserPolicies", {"userName": "bob"}, None, None),
    ((6, 14, 35, 51), "ec2.amazonaws.com", "DescribeInstances", {"instancesSet": {}, "filterSet": {}}, None, None),
    ((6, 14, 38, 19), "s3.amazonaws.com", "ListBuckets", {"Host": "s3.amazonaws.com"}, None, None),
    ((6, 14, 44, 27), "iam.amazonaws.com", "CreateUser", {"userName": "backup-admin"}, None,
     ("AccessDenied", "User: arn:aws:iam::%s:user/bob is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::%s:user/backup-admin because no identity-based policy allows the iam:CreateUser action" % (ACCOUNT, ACCOUNT))),
]:
    S3_USES.append(ct(T(d, h, m, s), bob_new(), src, name, AWS_ATTACKER_IP, UA_ATTACKER_AWS, req=req, resp=resp, error=err))
S3_FED_T = T(6, 15, 2, 11)
S3_FED = ct(S3_FED_T, bob_new(), "sts.amazonaws.com", "GetFederationToken", AWS_ATTACKER_IP, UA_ATTACKER_AWS,
            req={"name": "bob-ops", "durationSeconds": 129600,
                 "policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"},
            resp={"credentials": {"accessKeyId": "ASIAEXAMPLEFEDB0B001", "sessionToken": "<sensitiveDataRemoved>",
                                  "expiration": ct_createdate(S3_FED_T + timedelta(hours=36))},
                  "federatedUser": {"federatedUserId": "%s:bob-ops" % ACCOUNT,
                                    "arn": "arn:aws:sts::%s:federated-user/bob-ops" % ACCOUNT},
                  "packedPolicySize": 6}, read_only=True)
S3_USES.append(S3_FED)
S3_KEYPAIR = ct(T(6, 15, 10, 37), bob_new(), "ec2.amazonaws.com", "CreateKeyPair", AWS_ATTACKER_IP, UA_ATTACKER_AWS,
                region="us-west-2", req={"keyName": "ops-recovery", "keyType": "ed25519"},
                resp={"requestId": guid(), "keyName": "ops-recovery", "keyPairId": "key-0" + hexid(16),
                      "keyFingerprint": "SHA256:" + hexid(43), "keyMaterial": "<sensitiveDataRemoved>"})
S3_USES.append(S3_KEYPAIR)
# carol changes her own console password (benign UpdateLoginProfile)
carol_login = T(7, 16, 20, 0)
ct(T(7, 16, 24, 9), assumed_role("ContosoEngineers", "carol", CAROL_KEY, carol_login), "iam.amazonaws.com",
   "UpdateLoginProfile", "AWS Internal", "AWS Internal", req={"userName": "carol", "passwordResetRequired": False},
   read_only=False, extra={"sessionCredentialFromConsole": "true"})
# bob's normal day-to-day use of his old key from his desk
for _ in range(10):
    t = rand_time(work_hours=True)
    name, src = rng.choice([("DescribeInstances", "ec2.amazonaws.com"), ("ListBuckets", "s3.amazonaws.com"),
                            ("GetCallerIdentity", "sts.amazonaws.com"), ("DescribeLogGroups", "logs.amazonaws.com")])
    ct(t, iam_user("bob", BOB_OLD_KEY), src, name, BOB_IP, UA_CLI_BOB % name, region="us-west-2")

# ---- AWS noise ------------------------------------------------------------------------
for i in range(42):
    t = BASE + timedelta(hours=4 * i, minutes=rng.randrange(0, 30), seconds=rng.randrange(60))
    sess = "i-0%s" % hexid(16)
    ct(t, {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}, "sts.amazonaws.com", "AssumeRole",
       "ec2.amazonaws.com", "ec2.amazonaws.com",
       req={"roleArn": "arn:aws:iam::%s:role/ci-runner" % ACCOUNT, "roleSessionName": sess},
       resp={"credentials": {"accessKeyId": "ASIA" + hexid(16).upper(), "sessionToken": "<sensitiveDataRemoved>",
                             "expiration": ct_createdate(t + timedelta(hours=6))},
             "assumedRoleUser": {"assumedRoleId": "AROA" + hexid(16).upper() + ":" + sess,
                                 "arn": "arn:aws:sts::%s:assumed-role/ci-runner/%s" % (ACCOUNT, sess)}},
       read_only=True, extra={"sharedEventID": guid()})
    if i % 2 == 0:
        ident = assumed_role("ci-runner", sess, "ASIA" + hexid(16).upper(), t)
        for name, src in [("DescribeInstances", "ec2.amazonaws.com"), ("DescribeSecurityGroups", "ec2.amazonaws.com")]:
            ct(t + timedelta(seconds=rng.randrange(5, 90)), ident, src, name, "192.0.2.80", UA_BOTO_CI,
               region="us-west-2", req={"filterSet": {}})
for _ in range(8):
    t = rand_time(work_hours=True)
    who = rng.choice([("alice", ALICE_IP), ("carol", CAROL_IP)])
    ct(t, {"type": "IAMUser", "principalId": iam_user(who[0], "")["principalId"],
           "arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, who[0]), "accountId": ACCOUNT, "userName": who[0]},
       "signin.amazonaws.com", "ConsoleLogin", who[1], UA_CHROME_MAC, resp={"ConsoleLogin": "Success"},
       read_only=False, event_type="AwsConsoleSignIn",
       extra={"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home",
                                      "MobileVersion": "No", "MFAUsed": "Yes"}})
for _ in range(14):
    t = rand_time(work_hours=True)
    name, src, req = rng.choice([("GetBucketAcl", "s3.amazonaws.com", {"bucketName": "contoso-artifacts", "acl": "", "Host": "contoso-artifacts.s3.amazonaws.com"}),
                                 ("GetBucketPolicy", "s3.amazonaws.com", {"bucketName": "contoso-logs", "policy": "", "Host": "contoso-logs.s3.amazonaws.com"}),
                                 ("ListRoles", "iam.amazonaws.com", None),
                                 ("DescribeVpcs", "ec2.amazonaws.com", {"vpcSet": {}, "filterSet": {}}),
                                 ("ListUsers", "iam.amazonaws.com", None)])
    ct(t, assumed_role("ContosoEngineers", "carol", CAROL_KEY, t - timedelta(minutes=20)), src, name, CAROL_IP,
       UA_CONSOLE if src != "s3.amazonaws.com" else "[S3Console/0.4]", req=req)
# a legitimate self-service key rotation (user creates a key for themselves: not "for another user")
ct(T(3, 21, 15, 2), iam_user("carol", CAROL_KEY, "true", datetime(2026, 11, 3, 21, 2, 44, tzinfo=timezone.utc)), "iam.amazonaws.com", "CreateAccessKey", CAROL_IP, UA_CONSOLE,
   req={"userName": "carol"},
   resp={"accessKey": {"accessKeyId": "AKIAEXAMPLECAROL0NEW", "status": "Active", "userName": "carol",
                       "createDate": ct_createdate(T(3, 21, 15, 2))}}, read_only=False)
CT.sort(key=lambda p: p[0])

# EventBridge copies of some of the story records (same eventID: a consumer must dedupe)
EB = []
for rec in [S3_CREATE_KEY, S3_LOGIN_PROFILE, S3_FED]:
    EB.append({"version": "0", "id": guid(), "detail-type": "AWS API Call via CloudTrail",
               "source": "aws." + rec["eventSource"].split(".")[0], "account": ACCOUNT,
               "time": rec["eventTime"], "region": rec["awsRegion"], "resources": [], "detail": rec})

# ======================================================================================
# GCP Cloud Audit Logs
# ======================================================================================
PROJECT = "contoso-prod"
PROJECT_NUM = "408871234567"
SA = "deploy-bot@contoso-prod.iam.gserviceaccount.com"
SA_UID = "1" + "".join(rng.choice("0123456789") for _ in range(20))
SA_OLD_KEY = hexid(40)
SA_NEW_KEY = hexid(40)
SA_KEYNAME = lambda k: "//iam.googleapis.com/projects/%s/serviceAccounts/%s/keys/%s" % (PROJECT, SA, k)
GCP_USER = "diego.siciliani@contoso.com"
GCP_USER_IP = "192.0.2.13"
GCP_ATTACKER_IP = "203.0.113.145"
UA_GCLOUD = "google-cloud-sdk gcloud/497.0.0 command/gcloud.%s invocation-id/%s environment/None environment-version/None client-os/MACOSX client-os-ver/24.1.0 client-pltf-arch/arm interactive/True from-script/False python/3.12.7 term/xterm-256color (Macintosh; Intel Mac OS X 24.1.0),gzip(gfe)"
UA_GO_SDK = "google-api-go-client/0.5 terraform-provider-google/6.10.0,gzip(gfe)"
UA_PY_SDK = "gl-python/3.10.12 grpc/1.66.2 gax/2.21.0 gapic/2.18.0 gccl/2.18.0,gzip(gfe)"
GCP = []


def gcp(t, log, principal, ip, ua, service, method, resource_name, resource, perms, request=None,
        response=None, key_name=None, severity="NOTICE", status=None, subject=None):
    ns = rng.randrange(1000)
    auth = {"principalEmail": principal}
    if key_name:
        auth["serviceAccountKeyName"] = key_name
    auth["principalSubject"] = subject or (("serviceAccount:" if principal.endswith("gserviceaccount.com") else "user:") + principal)
    pp = {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "status": status or {},
        "authenticationInfo": auth,
        "requestMetadata": {"callerIp": ip, "callerSuppliedUserAgent": ua,
                            "requestAttributes": {"time": gcp_time(t + timedelta(microseconds=rng.randrange(5000, 20000)), rng.randrange(1000)),
                                                  "auth": {}},
                            "destinationAttributes": {}},
        "serviceName": service,
        "methodName": method,
        "authorizationInfo": [{"resource": resource_name, "permission": p, "granted": True,
                               "resourceAttributes": {}} for p in perms],
        "resourceName": resource_name,
    }
    if request is not None:
        pp["request"] = request
    if response is not None:
        pp["response"] = response
    e = {
        "protoPayload": pp,
        "insertId": hexid(12),
        "resource": resource,
        "timestamp": gcp_time(t, ns),
        "severity": severity,
        "logName": "projects/%s/logs/cloudaudit.googleapis.com%%2F%s" % (PROJECT, log),
        "receiveTimestamp": gcp_time(t + timedelta(milliseconds=rng.randrange(300, 1500)), rng.randrange(1000)),
    }
    GCP.append((t, e))
    return e


def res_sa():
    return {"type": "service_account", "labels": {"email_id": SA, "project_id": PROJECT, "unique_id": SA_UID}}


def res_project(service=None, method=None):
    if service:
        return {"type": "audited_resource", "labels": {"service": service, "method": method, "project_id": PROJECT}}
    return {"type": "project", "labels": {"project_id": PROJECT}}


# Story 4
S4_CREATE_T = T(7, 9, 12, 3)
S4_CREATE = gcp(
    S4_CREATE_T, "activity", GCP_USER, GCP_USER_IP, UA_GCLOUD % ("iam.service-accounts.keys.create", guid()),
    "iam.googleapis.com", "google.iam.admin.v1.CreateServiceAccountKey",
    "projects/-/serviceAccounts/%s" % SA_UID, res_sa(), ["iam.serviceAccountKeys.create"],
    request={"@type": "type.googleapis.com/google.iam.admin.v1.CreateServiceAccountKeyRequest",
             "name": "projects/-/serviceAccounts/%s" % SA, "private_key_type": 2},
    response={"@type": "type.googleapis.com/google.iam.admin.v1.ServiceAccountKey",
              "name": "projects/%s/serviceAccounts/%s/keys/%s" % (PROJECT, SA, SA_NEW_KEY),
              "valid_after_time": {"seconds": int(S4_CREATE_T.timestamp())},
              "valid_before_time": {"seconds": 253402300799},
              "key_algorithm": 2, "private_key_type": 2, "key_origin": 2, "key_type": 1})
S4_CREATE["protoPayload"]["authorizationInfo"][0]["resourceAttributes"] = {"name": "projects/-/serviceAccounts/%s" % SA_UID}
S4_USES = [
    gcp(T(7, 9, 38, 44), "data_access", SA, GCP_ATTACKER_IP, UA_PY_SDK, "storage.googleapis.com",
        "storage.buckets.list", "projects/_", {"type": "gcs_bucket", "labels": {"bucket_name": "", "location": "global", "project_id": PROJECT}},
        ["storage.buckets.list"], key_name=SA_KEYNAME(SA_NEW_KEY), severity="INFO"),
    gcp(T(7, 9, 40, 2), "data_access", SA, GCP_ATTACKER_IP, UA_PY_SDK, "secretmanager.googleapis.com",
        "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion",
        "projects/%s/secrets/payroll-db-password/versions/latest" % PROJECT_NUM,
        {"type": "audited_resource", "labels": {"service": "secretmanager.googleapis.com",
                                                "method": "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion",
                                                "project_id": PROJECT}},
        ["secretmanager.versions.access"],
        request={"@type": "type.googleapis.com/google.cloud.secretmanager.v1.AccessSecretVersionRequest",
                 "name": "projects/%s/secrets/payroll-db-password/versions/latest" % PROJECT_NUM},
        key_name=SA_KEYNAME(SA_NEW_KEY), severity="INFO"),
    gcp(T(7, 9, 41, 29), "data_access", SA, GCP_ATTACKER_IP, UA_PY_SDK, "compute.googleapis.com",
        "v1.compute.instances.list", "projects/%s/zones/us-central1-a/instances" % PROJECT,
        {"type": "gce_instance", "labels": {"instance_id": "", "project_id": PROJECT, "zone": "us-central1-a"}},
        ["compute.instances.list"], key_name=SA_KEYNAME(SA_NEW_KEY), severity="INFO"),
]
# deploy-bot's normal use of its old key (from the CI network)
for _ in range(12):
    t = rand_time()
    gcp(t, "data_access", SA, "192.0.2.90", UA_GO_SDK, "storage.googleapis.com", "storage.objects.create",
        "projects/_/buckets/contoso-prod-artifacts/objects/builds/%s.tar.gz" % hexid(8),
        {"type": "gcs_bucket", "labels": {"bucket_name": "contoso-prod-artifacts", "location": "us", "project_id": PROJECT}},
        ["storage.objects.create"], key_name=SA_KEYNAME(SA_OLD_KEY), severity="INFO")
# OS Login SSH key import (a credential addition on another path)
S4_SSH = gcp(T(3, 15, 47, 30), "activity", "adele.vance@contoso.com", "192.0.2.11",
             UA_GCLOUD % ("compute.os-login.ssh-keys.add", guid()), "oslogin.googleapis.com",
             "google.cloud.oslogin.v1.OsLoginService.ImportSshPublicKey", "users/adele.vance@contoso.com",
             res_project("oslogin.googleapis.com", "google.cloud.oslogin.v1.OsLoginService.ImportSshPublicKey"),
             ["oslogin.sshPublicKeys.create"],
             request={"@type": "type.googleapis.com/google.cloud.oslogin.v1.ImportSshPublicKeyRequest",
                      "parent": "users/adele.vance@contoso.com",
                      "ssh_public_key": {"key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + hexid(40) + " adele@laptop",
                                         "expiration_time_usec": str(int((T(3, 15, 47, 30) + timedelta(days=30)).timestamp()) * 1000000)}},
             response={"@type": "type.googleapis.com/google.cloud.oslogin.v1.ImportSshPublicKeyResponse",
                       "login_profile": {"name": "users/adele.vance@contoso.com"}})
# noise: reads
GCP_READERS = ["adele.vance@contoso.com", "lee.gu@contoso.com", GCP_USER, "alex.wilber@contoso.com"]
for _ in range(30):
    t = rand_time(work_hours=True)
    who = rng.choice(GCP_READERS)
    ip = {"adele.vance@contoso.com": "192.0.2.11", "lee.gu@contoso.com": "192.0.2.14",
          GCP_USER: GCP_USER_IP, "alex.wilber@contoso.com": "192.0.2.12"}[who]
    kind = rng.randrange(4)
    if kind == 0:
        gcp(t, "data_access", who, ip, UA_GCLOUD % ("compute.instances.list", guid()), "compute.googleapis.com",
            "v1.compute.instances.list", "projects/%s/zones/us-central1-a/instances" % PROJECT,
            {"type": "gce_instance", "labels": {"instance_id": "", "project_id": PROJECT, "zone": "us-central1-a"}},
            ["compute.instances.list"], severity="INFO")
    elif kind == 1:
        gcp(t, "data_access", who, ip, UA_CHROME_MAC + ",gzip(gfe)", "cloudresourcemanager.googleapis.com",
            "GetIamPolicy", "projects/%s" % PROJECT, res_project(), ["resourcemanager.projects.getIamPolicy"],
            request={"@type": "type.googleapis.com/google.iam.v1.GetIamPolicyRequest", "resource": "projects/%s" % PROJECT},
            severity="INFO")
    elif kind == 2:
        gcp(t, "data_access", who, ip, UA_GCLOUD % ("iam.service-accounts.list", guid()), "iam.googleapis.com",
            "google.iam.admin.v1.ListServiceAccounts", "projects/%s" % PROJECT, res_project(),
            ["iam.serviceAccounts.list"], severity="INFO")
    else:
        gcp(t, "data_access", who, ip, UA_CHROME_MAC + ",gzip(gfe)", "storage.googleapis.com",
            "storage.buckets.get", "projects/_/buckets/contoso-prod-artifacts",
            {"type": "gcs_bucket", "labels": {"bucket_name": "contoso-prod-artifacts", "location": "us", "project_id": PROJECT}},
            ["storage.buckets.get"], severity="INFO")
# noise: a benign instance start by the GKE/CI service agent
for _ in range(4):
    t = rand_time()
    gcp(t, "activity", "ci-runner@contoso-prod.iam.gserviceaccount.com", "192.0.2.90", UA_GO_SDK,
        "compute.googleapis.com", "v1.compute.instances.start",
        "projects/%s/zones/us-central1-a/instances/build-%s" % (PROJECT, hexid(6)),
        {"type": "gce_instance", "labels": {"instance_id": str(rng.randrange(10**18, 10**19)), "project_id": PROJECT, "zone": "us-central1-a"}},
        ["compute.instances.start"], request={"@type": "type.googleapis.com/compute.instances.start"},
        response={"@type": "type.googleapis.com/operation", "status": "RUNNING", "operationType": "start"})
GCP.sort(key=lambda p: p[0])

# The older BigQuery-sink shape: protopayload_auditlog, requestJson/responseJson strings,
# "callerIp" and a "YYYY-MM-DD HH:MM:SS.ffffff UTC" timestamp. Diego lists keys first.
S4_BQ_T = T(7, 9, 10, 44)
S4_BQ = {
    "logName": "projects/%s/logs/cloudaudit.googleapis.com%%2Fdata_access" % PROJECT,
    "resource": {"type": "service_account", "labels": {"email_id": SA, "project_id": PROJECT, "unique_id": SA_UID}},
    "protopayload_auditlog": {
        "serviceName": "iam.googleapis.com",
        "methodName": "google.iam.admin.v1.ListServiceAccountKeys",
        "resourceName": "projects/-/serviceAccounts/%s" % SA_UID,
        "status": {"code": None, "message": None},
        "authenticationInfo": {"principalEmail": GCP_USER, "authoritySelector": None,
                               "serviceAccountKeyName": None, "principalSubject": "user:" + GCP_USER},
        "authorizationInfo": [{"resource": "projects/-/serviceAccounts/%s" % SA_UID,
                               "permission": "iam.serviceAccountKeys.list", "granted": True}],
        "requestMetadata": {"callerIp": GCP_USER_IP,
                            "callerSuppliedUserAgent": UA_GCLOUD % ("iam.service-accounts.keys.list", guid())},
        "requestJson": json.dumps({"@type": "type.googleapis.com/google.iam.admin.v1.ListServiceAccountKeysRequest",
                                   "name": "projects/-/serviceAccounts/%s" % SA}),
        "responseJson": json.dumps({"@type": "type.googleapis.com/google.iam.admin.v1.ListServiceAccountKeysResponse",
                                    "keys": [{"name": "projects/%s/serviceAccounts/%s/keys/%s" % (PROJECT, SA, SA_OLD_KEY)}]}),
    },
    "textPayload": None,
    "timestamp": bq_time(S4_BQ_T),
    "receiveTimestamp": bq_time(S4_BQ_T + timedelta(milliseconds=611)),
    "severity": "INFO",
    "insertId": hexid(12),
}
GCP.append((S4_BQ_T, S4_BQ))
GCP.sort(key=lambda p: p[0])

# ======================================================================================
# Elastic Security alerts (_search response)
# ======================================================================================
# Names, rule_ids and queries match the project's rules/ (azure/entra_app_credential_added,
# azure/entra_sp_credential_added, aws/aws_iam_access_key_created_for_another_user); the rule
# saved-object uuids are made up. Copied here so the generator does not read rules/.
TAGS_AZ = ["Domain: Cloud", "Domain: Identity", "Data Source: Azure", "Data Source: Microsoft Entra ID",
           "Data Source: Microsoft Entra ID Audit Logs", "Use Case: Identity and Access Audit",
           "Tactic: Persistence", "Resources: Investigation Guide"]
RULES = {
    "entra-app-cred": {"name": "Entra ID Application Credential Added", "uuid": guid(),
                       "rule_id": "cdb614db-c4f5-486f-bc52-21f409265851",
                       "severity": "medium", "risk": 47, "index": ["filebeat-*", "logs-azure*"], "tags": TAGS_AZ,
                       "query": "event.dataset:azure.auditlogs and azure.auditlogs.operation_name:\"Update application - Certificates and secrets management\" and event.outcome:(success or Success)"},
    "entra-sp-cred": {"name": "Entra ID Service Principal Credentials Added", "uuid": guid(),
                      "rule_id": "972bce31-d929-4dc4-9204-ac51fc158c6c",
                      "severity": "medium", "risk": 47, "index": ["filebeat-*", "logs-azure*"],
                      "tags": TAGS_AZ + ["Tactic: Privilege Escalation"],
                      "query": "event.dataset:azure.auditlogs and azure.auditlogs.operation_name:\"Add service principal credentials\" and event.outcome:(success or Success)"},
    "aws-key-other": {"name": "AWS IAM Access Key Created for Another User", "uuid": guid(),
                      "rule_id": "63c03d0d-13b4-4f90-ab53-90d7ed6335ec",
                      "severity": "medium", "risk": 47, "index": ["filebeat-*", "logs-aws*"],
                      "tags": ["Domain: Cloud", "Data Source: AWS", "Data Source: Amazon Web Services",
                               "Data Source: AWS CloudTrail", "Use Case: Identity and Access Audit",
                               "Tactic: Persistence", "Resources: Investigation Guide", "Tactic: Privilege Escalation"],
                      "query": "event.dataset:aws.cloudtrail and event.provider:iam.amazonaws.com and event.action:CreateAccessKey and event.outcome:success and user.target.name:*"},
}


def ecs_azure_audit(r):
    """The ECS document Elastic's azure.auditlogs pipeline would have produced (abridged)."""
    ini = r["initiatedBy"]
    targets = {}
    for i, tr in enumerate(r["targets"]):
        targets[str(i)] = {"display_name": tr["displayName"], "id": tr["id"], "type": tr["type"],
                           "modified_properties": {str(j): {"display_name": m["displayName"],
                                                            "old_value": m["oldValue"], "new_value": m["newValue"]}
                                                   for j, m in enumerate(tr["modifiedProperties"])}}
    doc = {
        "@timestamp": es_time(r["t"]),
        "azure": {"tenant_id": TENANT_ID, "correlation_id": r["corr"],
                  "auditlogs": {"category": "AuditLogs", "identity": ini.get("user", {}).get("userPrincipalName", ""),
                                "level": 4, "operation_name": r["op"], "operation_version": "1.0",
                                "result_signature": "None",
                                "properties": {"activity_datetime": az_time_off(r["t"], r["salt"]),
                                               "activity_display_name": r["op"], "category": r["category"],
                                               "correlation_id": r["corr"], "id": r["id"],
                                               "initiated_by": ini, "logged_by_service": "Core Directory",
                                               "operation_type": r["opType"], "result_reason": r["resultReason"],
                                               "target_resources": targets,
                                               "additional_details": r["details"]}}},
        "cloud": {"provider": "azure"},
        "event": {"action": r["op"], "category": ["iam"], "kind": "event", "outcome": r["result"],
                  "type": ["change"], "dataset": "azure.auditlogs", "module": "azure", "id": r["id"]},
        "data_stream": {"dataset": "azure.auditlogs", "namespace": "default", "type": "logs"},
        "ecs": {"version": "8.11.0"},
        "tags": ["forwarded", "azure-auditlogs"],
    }
    if "user" in ini:
        ip = ini["user"]["ipAddress"]
        doc["client"] = {"ip": ip}
        doc["source"] = {"ip": ip}
        doc["related"] = {"ip": [ip]}
        doc["user"] = {"name": ini["user"]["userPrincipalName"].split("@")[0],
                       "domain": "contoso.com", "email": ini["user"]["userPrincipalName"],
                       "id": ini["user"]["id"]}
    return doc, "logs-azure.auditlogs-default"


def ecs_cloudtrail(rec, t):
    ui = rec["userIdentity"]
    return {
        "@timestamp": es_time(t),
        "aws": {"cloudtrail": {
            "event_type": rec["eventType"], "event_version": rec["eventVersion"],
            "event_category": "Management", "management_event": True, "read_only": rec["readOnly"],
            "recipient_account_id": ACCOUNT, "request_id": rec["requestID"],
            "flattened": {"request_parameters": rec["requestParameters"],
                          "response_elements": rec["responseElements"]},
            "user_identity": {"access_key_id": ui.get("accessKeyId"), "arn": ui["arn"], "type": ui["type"],
                              "session_context": {"mfa_authenticated": "true",
                                                  "creation_date": es_time(alice_login)}}}},
        "cloud": {"provider": "aws", "account": {"id": ACCOUNT}, "region": rec["awsRegion"]},
        "event": {"action": rec["eventName"], "category": ["iam"], "kind": "event", "outcome": "success",
                  "type": ["user", "creation"], "provider": rec["eventSource"], "id": rec["eventID"],
                  "dataset": "aws.cloudtrail", "module": "aws"},
        "source": {"address": rec["sourceIPAddress"], "ip": rec["sourceIPAddress"]},
        "user": {"name": ui["userName"], "id": ui["principalId"], "target": {"name": "bob"},
                 "changes": {"name": "bob"}},
        "user_agent": {"original": rec["userAgent"]},
        "related": {"user": ["alice", "bob", BOB_NEW_KEY], "ip": [rec["sourceIPAddress"]]},
        "data_stream": {"dataset": "aws.cloudtrail", "namespace": "default", "type": "logs"},
        "ecs": {"version": "8.11.0"},
    }, "logs-aws.cloudtrail-default"


def alert(rule_key, doc, index, orig_time, fired, status, reason, extra=None):
    rule = RULES[rule_key]
    auuid = hashlib.sha256(("%s|%s|%s" % (rule["uuid"], doc["event"]["id"], SEED)).encode()).hexdigest()
    src = dict(doc)
    src.update({
        "@timestamp": es_time(fired),
        "kibana.version": "8.15.3",
        "kibana.space_ids": ["default"],
        "kibana.alert.rule.category": "Custom Query Rule",
        "kibana.alert.rule.consumer": "siem",
        "kibana.alert.rule.execution.uuid": guid(),
        "kibana.alert.rule.name": rule["name"],
        "kibana.alert.rule.producer": "siem",
        "kibana.alert.rule.rule_type_id": "siem.queryRule",
        "kibana.alert.rule.uuid": rule["uuid"],
        "kibana.alert.rule.rule_id": rule["rule_id"],
        "kibana.alert.rule.type": "query",
        "kibana.alert.rule.severity": rule["severity"],
        "kibana.alert.rule.risk_score": rule["risk"],
        "kibana.alert.rule.tags": rule["tags"],
        "kibana.alert.rule.threat": [{"framework": "MITRE ATT&CK",
                                      "tactic": {"id": "TA0003", "name": "Persistence", "reference": "https://attack.mitre.org/tactics/TA0003/"},
                                      "technique": [{"id": "T1098", "name": "Account Manipulation",
                                                     "reference": "https://attack.mitre.org/techniques/T1098/",
                                                     "subtechnique": [{"id": "T1098.001", "name": "Additional Cloud Credentials",
                                                                       "reference": "https://attack.mitre.org/techniques/T1098/001/"}]}]}],
        "kibana.alert.rule.parameters": {
            "description": rule["name"], "risk_score": rule["risk"], "severity": rule["severity"],
            "rule_id": rule["rule_id"], "type": "query", "language": "kuery", "query": rule["query"],
            "index": rule["index"],
            "from": "now-25m", "to": "now", "interval": "5m", "max_signals": 100, "version": 1,
            "immutable": False, "exceptions_list": [], "references": [],
            "threat": [], "filters": [], "author": ["credtriage demo"], "license": ""},
        "kibana.alert.rule.created_at": "2026-10-20T16:00:00.000Z",
        "kibana.alert.rule.created_by": "elastic",
        "kibana.alert.rule.enabled": True,
        "kibana.alert.rule.interval": "5m",
        "kibana.alert.rule.from": "now-25m",
        "kibana.alert.rule.to": "now",
        "kibana.alert.rule.version": 1,
        "kibana.alert.ancestors": [{"id": hexid(20), "type": "event", "index": ".ds-%s-2026.11.01-000001" % index, "depth": 0}],
        "kibana.alert.status": "active",
        "kibana.alert.workflow_status": status,
        "kibana.alert.depth": 1,
        "kibana.alert.reason": reason,
        "kibana.alert.severity": rule["severity"],
        "kibana.alert.risk_score": rule["risk"],
        "kibana.alert.original_time": es_time(orig_time),
        "kibana.alert.original_event.action": doc["event"]["action"],
        "kibana.alert.original_event.category": doc["event"]["category"],
        "kibana.alert.original_event.dataset": doc["event"]["dataset"],
        "kibana.alert.original_event.id": doc["event"]["id"],
        "kibana.alert.original_event.kind": "event",
        "kibana.alert.original_event.outcome": doc["event"]["outcome"],
        "kibana.alert.uuid": auuid,
        "kibana.alert.last_detected": es_time(fired),
        "kibana.alert.start": es_time(fired),
        "kibana.alert.intended_timestamp": es_time(fired),
        "event.kind": "signal",
    })
    src["event"] = dict(doc["event"])
    del src["event"]["kind"]
    if extra:
        src.update(extra)
    return {"_index": ".internal.alerts-security.alerts-default-000001", "_id": auuid, "_score": 1.0, "_source": src}


d1, i1 = ecs_azure_audit(S1_SECRET)
d2, i2 = ecs_azure_audit(S5_SP_CREDS)
d3, i3 = ecs_cloudtrail(S3_CREATE_KEY, S3_CREATE_KEY_T)
ALERTS = [
    alert("entra-app-cred", d1, i1, S1_SECRET["t"], S1_SECRET["t"] + timedelta(minutes=4, seconds=12), "open",
          "event with source %s by megan.bowen@contoso.com created medium alert Entra ID Application Credential Added." % ATTACKER_IP1),
    alert("aws-key-other", d3, i3, S3_CREATE_KEY_T, S3_CREATE_KEY_T + timedelta(minutes=3, seconds=51), "open",
          "event with source %s by alice created medium alert AWS IAM Access Key Created for Another User." % ALICE_IP),
    alert("entra-sp-cred", d2, i2, S5_SP_CREDS["t"], S5_SP_CREDS["t"] + timedelta(minutes=2, seconds=40), "acknowledged",
          "event with source %s by nestor.wilke@contoso.com created medium alert Entra ID Service Principal Credentials Added." % NESTOR["ip"],
          extra={"kibana.alert.workflow_user": "isaiah.langer", "kibana.alert.workflow_status_updated_at": es_time(T(6, 16, 30, 0))}),
]


# ======================================================================================
# Output
# ======================================================================================
def dump(obj, pretty=False):
    if pretty:
        return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def ndjson(objs):
    return "".join(dump(o) + "\n" for o in objs)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "samples")
    os.makedirs(out, exist_ok=True)

    def w(name, text):
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)

    counts = {}
    entra = [entra_diag(r) for r in AUDIT]
    w("entra-audit.ndjson", ndjson(entra))
    counts["entra-audit.ndjson"] = len(entra)

    signins = {"records": [rec for _, rec in SIGNINS]}
    w("entra-signins.json", dump(signins, pretty=True))
    counts["entra-signins.json"] = len(signins["records"])

    graph_recs = [S1_OWNER, S1_SECRET, S2_ROTATIONS[1][0], S5_SP_CREDS, S_FIC]
    graph_recs += [a for a in AUDIT if a["op"] == "Add member to group"][:2]
    graph_recs.sort(key=lambda r: r["t"], reverse=True)  # Graph returns newest first
    graph = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits",
             "value": [graph_audit(r) for r in graph_recs]}
    w("graph-directoryaudits.json", dump(graph, pretty=True))
    counts["graph-directoryaudits.json"] = len(graph["value"])

    sent_recs = [S1_OWNER, S1_SECRET, S6_ADD_SP, S5_ADD_SP, S5_SP_CREDS] + [x[0] for x in S2_ROTATIONS[:2]]
    sent_recs += [a for a in AUDIT if a["op"] in ("Update user", "Remove member from group")][:4]
    sent_recs.sort(key=lambda r: r["t"])
    rows = [sentinel_row(r) for r in sent_recs]
    dup_at = sent_recs.index(S1_SECRET)
    rows.insert(dup_at + 1, dict(rows[dup_at]))  # the export repeats this row
    w("sentinel-auditlogs.json", dump(rows, pretty=True))
    counts["sentinel-auditlogs.json"] = len(rows)

    w("m365-audit.ndjson", ndjson([r for _, r in M365]))
    counts["m365-audit.ndjson"] = len(M365)

    raw = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(dump({"Records": [r for _, r in CT]}).encode("utf-8") + b"\n")
    with open(os.path.join(out, "cloudtrail.json.gz"), "wb") as f:
        f.write(raw.getvalue())
    counts["cloudtrail.json.gz"] = len(CT)

    w("eventbridge.ndjson", ndjson(EB))
    counts["eventbridge.ndjson"] = len(EB)

    w("gcp-audit.ndjson", ndjson([e for _, e in GCP]))
    counts["gcp-audit.ndjson"] = len(GCP)

    es = {"took": 7, "timed_out": False,
          "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
          "hits": {"total": {"value": len(ALERTS), "relation": "eq"}, "max_score": 1.0, "hits": ALERTS}}
    w("elastic-alerts.json", dump(es, pretty=True))
    counts["elastic-alerts.json"] = len(ALERTS)

    total = 0
    for k, v in counts.items():
        print("%-28s %4d" % (k, v))
        total += v
    print("%-28s %4d" % ("total", total))


if __name__ == "__main__":
    main()
