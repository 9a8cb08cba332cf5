"""Demo data generator, part 2 of 3 (scripts/gen_samples.py runs it): Entra ID
audit records and sign-ins in their export shapes, and the Microsoft 365 audit
log. Continues gen_samples_base.py, whose names it takes as its own."""

from gen_samples_base import *  # noqa: F401,F403 (one generator in three files)


# ======================================================================================
# Entra ID: audit records (one internal list, rendered to four export shapes)
# ======================================================================================
AUDIT = []  # dicts: t, op, category, opType, initiatedBy, targets, details, corr, id, ip, result


def key_desc(key_id, ktype, name):
    return "[KeyIdentifier=%s,KeyType=%s,KeyUsage=Verify,DisplayName=%s]" % (key_id, ktype, name)


def key_list(items):
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def by_user(u, ip=None):
    return {"user": {"id": u["id"], "displayName": None, "userPrincipalName": u["upn"],
                     "ipAddress": ip or u["ip"], "roles": []}}


def by_app(a):
    return {"app": {"appId": a["appId"], "displayName": a["name"],
                    "servicePrincipalId": a["spId"], "servicePrincipalName": None}}


def audit(t, op, category, op_type, initiated, targets, ua=None, extra_details=None,
          result="success", result_reason=""):
    corr = guid()
    rec = {
        "t": t, "op": op, "category": category, "opType": op_type, "initiatedBy": initiated,
        "targets": targets, "corr": corr, "result": result, "resultReason": result_reason,
        "id": "Directory_%s_%s_%d" % (corr, "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(5)),
                                      rng.randrange(10**8, 10**9)),
        "salt": rng.randrange(10),
    }
    details = []
    if ua:
        details.append({"key": "User-Agent", "value": ua})
    if extra_details:
        details.extend(extra_details)
    rec["details"] = details
    AUDIT.append(rec)
    return rec


def tgt(id_, name, type_, mods=None, upn=None):
    d = {"id": id_, "displayName": name, "type": type_, "modifiedProperties": mods or [],
         "administrativeUnits": []}
    if upn is not None:
        d["userPrincipalName"] = upn
    return d


def mod(name, old, new):
    return {"displayName": name, "oldValue": old, "newValue": new}


OP_CERTS = "Update application \u2013 Certificates and secrets management "

# ---- Story 1: megan.bowen compromised, secret added to payroll-sync -----------------
S1_OWNER = audit(
    T(5, 1, 58, 41), "Add owner to application", "ApplicationManagement", "Assign",
    by_user(MEGAN, ATTACKER_IP1),
    [tgt(MEGAN["id"], None, "User", [
        mod("Application.ObjectID", None, json.dumps(HRPORTAL["objectId"])),
        mod("Application.DisplayName", None, json.dumps(HRPORTAL["name"])),
        mod("Application.AppId", None, json.dumps(HRPORTAL["appId"]))], upn=MEGAN["upn"]),
     tgt(HRPORTAL["objectId"], HRPORTAL["name"], "Application")],
    ua=UA_ATTACKER)

S1_SECRET = audit(
    T(5, 2, 14, 7), OP_CERTS, "ApplicationManagement", "Update",
    by_user(MEGAN, ATTACKER_IP1),
    [tgt(PAYROLL["objectId"], PAYROLL["name"], "Application", [
        mod("KeyDescription",
            key_list([key_desc(PAYROLL_CERT_KEY, "AsymmetricX509Cert", "CN=payroll-sync.contoso.com")]),
            key_list([key_desc(PAYROLL_CERT_KEY, "AsymmetricX509Cert", "CN=payroll-sync.contoso.com"),
                      key_desc(PAYROLL_EVIL_KEY, "Password", "sync-backup")])),
        mod("Included Updated Properties", None, json.dumps("KeyDescription"))])],
    ua=UA_ATTACKER, extra_details=[{"key": "AppId", "value": PAYROLL["appId"]}])

# ---- Story 2: svc-deploy rotates ci-pipeline's secret every ~2 days -----------------
S2_ROTATIONS = []
for i, day in enumerate([2, 4, 6, 8]):
    t = T(day, 6, 0, 0) + timedelta(seconds=rng.randrange(5, 90))
    old = CI_KEYS[i]
    new = CI_KEYS[i + 1]
    r = audit(
        t, OP_CERTS, "ApplicationManagement", "Update", by_app(SVCDEPLOY),
        [tgt(CI["objectId"], CI["name"], "Application", [
            mod("KeyDescription",
                key_list([key_desc(old, "Password", "rotated-%d" % (i))]),
                key_list([key_desc(new, "Password", "rotated-%d" % (i + 1))])),
            mod("Included Updated Properties", None, json.dumps("KeyDescription"))])],
        ua=UA_GRAPH_SDK, extra_details=[{"key": "AppId", "value": CI["appId"]}])
    r["callerIp"] = "192.0.2.80"
    S2_ROTATIONS.append((r, old, new))

# ---- Story 5: rare admin adds a service principal + credentials ---------------------
S5_ADD_SP = audit(
    T(6, 15, 40, 12), "Add service principal", "ApplicationManagement", "Add",
    by_user(NESTOR),
    [tgt(REPORTING["spId"], REPORTING["name"], "ServicePrincipal", [
        mod("AccountEnabled", "[]", "[true]"),
        mod("AppPrincipalId", "[]", json.dumps([REPORTING["appId"]])),
        mod("DisplayName", "[]", json.dumps([REPORTING["name"]])),
        mod("ServicePrincipalName", "[]", json.dumps([REPORTING["appId"]])),
        mod("Credential", "[]", "[]"),
        mod("Included Updated Properties", None,
            json.dumps("AccountEnabled, AppPrincipalId, DisplayName, ServicePrincipalName, Credential"))])],
    ua=UA_EDGE_WIN, extra_details=[{"key": "AppId", "value": REPORTING["appId"]}])

S5_SP_CREDS = audit(
    T(6, 15, 43, 55), "Add service principal credentials", "ApplicationManagement", "Update",
    by_user(NESTOR),
    [tgt(REPORTING["spId"], REPORTING["name"], "ServicePrincipal", [
        mod("KeyDescription", "[]",
            key_list([key_desc(REPORTING_CERT_KEY, "AsymmetricX509Cert", "CN=reporting-connector.contoso.com")])),
        mod("Included Updated Properties", None, json.dumps("KeyDescription")),
        mod("TargetId.ServicePrincipalNames", None, json.dumps(REPORTING["appId"]))])],
    ua=UA_EDGE_WIN, extra_details=[{"key": "AppId", "value": REPORTING["appId"]}])

# ---- Story 6: hostile display name --------------------------------------------------
S6_ADD_SP = audit(
    T(3, 17, 22, 9), "Add service principal", "ApplicationManagement", "Add",
    by_user(U["grady.archie"]),
    [tgt(HOSTILE["spId"], HOSTILE_NAME, "ServicePrincipal", [
        mod("AccountEnabled", "[]", "[true]"),
        mod("AppPrincipalId", "[]", json.dumps([HOSTILE["appId"]])),
        mod("DisplayName", "[]", json.dumps([HOSTILE_NAME], ensure_ascii=False)),
        mod("Included Updated Properties", None, json.dumps("AccountEnabled, AppPrincipalId, DisplayName"))])],
    ua=UA_EDGE_WIN, extra_details=[{"key": "AppId", "value": HOSTILE["appId"]}])

S6_CERT = audit(
    T(3, 17, 25, 31), OP_CERTS, "ApplicationManagement", "Update",
    by_user(U["grady.archie"]),
    [tgt(HOSTILE["objectId"], HOSTILE_NAME, "Application", [
        mod("KeyDescription", "[]",
            key_list([key_desc(HOSTILE_CERT_KEY, "AsymmetricX509Cert", "CN=billing-export")])),
        mod("Included Updated Properties", None, json.dumps("KeyDescription"))])],
    ua=UA_EDGE_WIN, extra_details=[{"key": "AppId", "value": HOSTILE["appId"]}])

# ---- Federated identity credential (benign, but a credential addition) ---------------
FIC_ID = guid()
S_FIC = audit(
    T(4, 18, 3, 27), "Update application", "ApplicationManagement", "Update",
    by_user(LEE),
    [tgt(GHA["objectId"], GHA["name"], "Application", [
        mod("FederatedIdentityCredentials", "[]", json.dumps([{
            "Name": "gh-main", "Issuer": "https://token.actions.githubusercontent.com",
            "Subject": "repo:contoso/infra:ref:refs/heads/main",
            "Audiences": ["api://AzureADTokenExchange"], "Description": "deploy from main",
            "Id": FIC_ID}], separators=(",", ":"))),
        mod("Included Updated Properties", None, json.dumps("FederatedIdentityCredentials"))])],
    ua=UA_EDGE_WIN, extra_details=[{"key": "AppId", "value": GHA["appId"]}])

# ---- Noise ---------------------------------------------------------------------------
AUDIT_STORY_COUNT = len(AUDIT)
for _ in range(20):
    actor = ISAIAH if rng.random() < 0.6 else U["patti.fernandez"]
    target = rng.choice(USERS)
    grp = rng.choice(GROUPS)
    audit(rand_time(work_hours=True), "Add member to group", "GroupManagement", "Assign", by_user(actor),
          [tgt(target["id"], None, "User", [
              mod("Group.ObjectID", None, json.dumps(grp["id"])),
              mod("Group.DisplayName", None, json.dumps(grp["name"]))], upn=target["upn"]),
           tgt(grp["id"], None, "Group")], ua=UA_CHROME_MAC)
for _ in range(6):
    actor = ISAIAH
    target = rng.choice(USERS)
    grp = rng.choice(GROUPS)
    audit(rand_time(work_hours=True), "Remove member from group", "GroupManagement", "Unassign", by_user(actor),
          [tgt(target["id"], None, "User", [
              mod("Group.ObjectID", json.dumps(grp["id"]), None),
              mod("Group.DisplayName", json.dumps(grp["name"]), None)], upn=target["upn"]),
           tgt(grp["id"], None, "Group")], ua=UA_CHROME_MAC)
for _ in range(18):
    target = rng.choice(USERS)
    prop = rng.choice([("StsRefreshTokensValidFrom", '["2026-10-30T17:03:11Z"]', '["%s"]'),
                       ("Department", '["Sales"]', '["Sales & Marketing"]'),
                       ("TelephoneNumber", '["+1 425 555 0100"]', '["+1 425 555 0142"]'),
                       ("LastDirSyncTime", '["2026-11-01T23:50:02Z"]', '["%s"]')])
    t = rand_time()
    new = prop[2] % t.strftime("%Y-%m-%dT%H:%M:%SZ") if "%s" in prop[2] else prop[2]
    audit(t, "Update user", "UserManagement", "Update",
          by_app({"appId": None, "name": "Microsoft Substrate Management", "spId": "0f6fbcd0-40f4-4c7a-bd2b-3f7d6a3f7a41"})
          if rng.random() < 0.5 else by_user(ISAIAH),
          [tgt(target["id"], None, "User", [mod(prop[0], prop[1], new),
                                            mod("Included Updated Properties", None, json.dumps(prop[0]))],
               upn=target["upn"])])
for _ in range(8):
    app = rng.choice([HRPORTAL, APPS["expense-reports"], APPS["sharepoint-archiver"], GHA])
    prop = rng.choice([("AppAddress", "[]", '[{"AddressType":0,"Address":"https://%s.contoso.com/signin-oidc","ReplyAddressClientType":1,"ReplyAddressIndex":null,"IsReplyAddressDefault":false}]'),
                       ("RequiredResourceAccess", "[]", '[{"ResourceAppId":"00000003-0000-0000-c000-000000000000","RequiredAppPermissions":[{"EntitlementId":"e1fe6dd8-ba31-4d61-89e7-88639da4683d","DirectAccessGrant":false,"ImpersonationAccessGrants":[20]}],"EncodingVersion":1}]'),
                       ("DisplayName", '["%s-old"]', '["%s"]')])
    old = prop[1] % app["name"] if "%s" in prop[1] else prop[1]
    new = prop[2] % app["name"] if "%s" in prop[2] else prop[2]
    audit(rand_time(work_hours=True), "Update application", "ApplicationManagement", "Update",
          by_user(rng.choice([LEE, U["alex.wilber"], ISAIAH])),
          [tgt(app["objectId"], app["name"], "Application",
               [mod(prop[0], old, new), mod("Included Updated Properties", None, json.dumps(prop[0]))])],
          ua=UA_EDGE_WIN, extra_details=[{"key": "AppId", "value": app["appId"]}])
for _ in range(4):
    app = rng.choice([HRPORTAL, APPS["expense-reports"], APPS["sharepoint-archiver"]])
    audit(rand_time(work_hours=True), "Update service principal", "ApplicationManagement", "Update",
          by_user(ISAIAH),
          [tgt(app["spId"], app["name"], "ServicePrincipal",
               [mod("AppRoleAssignmentRequired", "[false]", "[true]"),
                mod("Included Updated Properties", None, json.dumps("AppRoleAssignmentRequired"))])],
          ua=UA_CHROME_MAC, extra_details=[{"key": "AppId", "value": app["appId"]}])
for _ in range(3):
    target = rng.choice(USERS)
    audit(rand_time(work_hours=True), "Reset user password", "UserManagement", "Update", by_user(U["patti.fernandez"]),
          [tgt(target["id"], None, "User", [], upn=target["upn"])], ua=UA_EDGE_WIN)
# one failed attempt: an ordinary user tries to add a secret and is refused
audit(T(7, 19, 11, 3), OP_CERTS, "ApplicationManagement", "Update", by_user(U["johanna.lorenz"]),
      [tgt(APPS["expense-reports"]["objectId"], "expense-reports", "Application", [])],
      ua=UA_CHROME_MAC, result="failure", result_reason="Microsoft.Online.Workflows.WorkflowException")

AUDIT.sort(key=lambda r: r["t"])


def entra_diag(r):
    """Azure Monitor diagnostic settings / Event Hub shape (AuditLogs category)."""
    ini = r["initiatedBy"]
    if "user" in ini:
        caller = ini["user"]["ipAddress"]
        identity = ini["user"]["userPrincipalName"]
    else:
        caller = r.get("callerIp")
        identity = ini["app"]["displayName"]
    d = {
        "time": az_time(r["t"], r["salt"]),
        "resourceId": RESOURCE_ID,
        "operationName": r["op"],
        "operationVersion": "1.0",
        "category": "AuditLogs",
        "tenantId": TENANT_ID,
        "resultSignature": "None",
        "durationMs": 0,
        "correlationId": r["corr"],
        "identity": identity,
        "Level": 4,
        "properties": {
            "id": r["id"],
            "category": r["category"],
            "correlationId": r["corr"],
            "result": r["result"],
            "resultReason": r["resultReason"],
            "activityDisplayName": r["op"],
            "activityDateTime": az_time_off(r["t"], r["salt"]),
            "loggedByService": "Core Directory",
            "operationType": r["opType"],
            "userAgent": None,
            "initiatedBy": ini,
            "targetResources": r["targets"],
            "additionalDetails": r["details"],
        },
    }
    if caller:
        d["callerIpAddress"] = caller
    return d


def graph_audit(r):
    """Microsoft Graph /auditLogs/directoryAudits item."""
    ini = json.loads(json.dumps(r["initiatedBy"]))
    if "user" in ini:
        ini["user"]["userType"] = None
        ini["user"]["homeTenantId"] = None
        ini["user"]["homeTenantName"] = None
        ini["app"] = None
    else:
        ini["user"] = None
    targets = []
    for tr in r["targets"]:
        t2 = {"id": tr["id"], "displayName": tr["displayName"], "type": tr["type"],
              "userPrincipalName": tr.get("userPrincipalName"), "groupType": None,
              "modifiedProperties": tr["modifiedProperties"]}
        targets.append(t2)
    return {
        "id": r["id"],
        "category": r["category"],
        "correlationId": r["corr"],
        "result": r["result"],
        "resultReason": r["resultReason"],
        "activityDisplayName": r["op"],
        "activityDateTime": graph_time(r["t"], r["salt"]),
        "loggedByService": "Core Directory",
        "operationType": r["opType"],
        "initiatedBy": ini,
        "targetResources": targets,
        "additionalDetails": r["details"],
    }


def sentinel_row(r):
    """Log Analytics AuditLogs table row, as exported (dynamic columns as JSON strings)."""
    ini = r["initiatedBy"]
    identity = ini["user"]["userPrincipalName"] if "user" in ini else ini["app"]["displayName"]
    js = lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    return {
        "TenantId": WORKSPACE_ID,
        "SourceSystem": "Azure AD",
        "TimeGenerated": az_time(r["t"], r["salt"]),
        "ResourceId": RESOURCE_ID,
        "OperationName": r["op"],
        "OperationVersion": "1.0",
        "Category": r["category"],
        "ResultType": "",
        "ResultSignature": "None",
        "ResultDescription": "",
        "DurationMs": 0,
        "CorrelationId": r["corr"],
        "Resource": "Microsoft.aadiam",
        "ResourceGroup": "Microsoft.aadiam",
        "ResourceProvider": "Microsoft.aadiam",
        "Identity": identity,
        "Level": "4",
        "Location": "",
        "AdditionalDetails": js(r["details"]),
        "Id": r["id"],
        "InitiatedBy": js(ini),
        "LoggedByService": "Core Directory",
        "Result": r["result"],
        "ResultReason": r["resultReason"],
        "TargetResources": js(r["targets"]),
        "AADTenantId": TENANT_ID,
        "ActivityDisplayName": r["op"],
        "ActivityDateTime": az_time(r["t"], r["salt"]),
        "AADOperationType": r["opType"],
        "Type": "AuditLogs",
    }


# ======================================================================================
# Entra ID sign-ins (SignInLogs + ServicePrincipalSignInLogs), {"records": [...]}
# ======================================================================================
SIGNINS = []


def user_signin(t, u, ip=None, ua=None, loc=None, err=0, app=None, os_=None, browser=None, risk="none"):
    app = app or rng.choice(USER_APPS)
    sid = guid()
    corr = guid()
    ip = ip or u["ip"]
    fail = {50126: "Error validating credentials due to invalid username or password.",
            50074: "Strong Authentication is required.",
            50140: "This error occurred due to 'Keep me signed in' interrupt when the user was signing in."}
    status = {"errorCode": err}
    if err:
        status["failureReason"] = fail.get(err, "Other.")
    loc_d = LOC[loc or u["loc"]]
    SIGNINS.append((t, {
        "time": az_time(t, 3), "resourceId": RESOURCE_ID, "operationName": "Sign-in activity",
        "operationVersion": "1.0", "category": "SignInLogs", "tenantId": TENANT_ID,
        "resultType": str(err), "resultSignature": "None",
        "resultDescription": status.get("failureReason", ""), "durationMs": 0,
        "callerIpAddress": ip, "correlationId": corr, "identity": u["name"], "Level": 4,
        "location": loc_d["countryOrRegion"],
        "properties": {
            "id": sid, "createdDateTime": az_time_off(t, 3), "userDisplayName": u["name"],
            "userPrincipalName": u["upn"], "userId": u["id"], "appId": app[1],
            "appDisplayName": app[0], "ipAddress": ip, "status": status,
            "clientAppUsed": "Browser", "userAgent": ua or u["ua"],
            "deviceDetail": {"deviceId": "", "operatingSystem": os_ or u["os"], "browser": browser or u["browser"]},
            "location": loc_d, "correlationId": corr,
            "conditionalAccessStatus": "success" if err == 0 else "notApplied",
            "appliedConditionalAccessPolicies": [], "isInteractive": True,
            "tokenIssuerType": "AzureAD", "authenticationRequirement": "multiFactorAuthentication",
            "riskDetail": "none", "riskLevelAggregated": risk, "riskLevelDuringSignIn": risk,
            "riskState": "none" if risk == "none" else "atRisk", "riskEventTypes_v2": [],
            "resourceDisplayName": app[0], "resourceId": app[1], "userType": "Member",
            "crossTenantAccessType": "none", "uniqueTokenIdentifier": hexid(22),
        }}))


def sp_signin(t, a, key_id, ip, loc, err=0, resource=RES_GRAPH):
    sid = guid()
    corr = guid()
    status = {"errorCode": err}
    if err == 53003:
        status["failureReason"] = "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance."
    elif err == 7000215:
        status["failureReason"] = "Invalid client secret is provided."
    loc_d = LOC[loc]
    SIGNINS.append((t, {
        "time": az_time(t, 5), "resourceId": RESOURCE_ID, "operationName": "Sign-in activity",
        "operationVersion": "1.0", "category": "ServicePrincipalSignInLogs", "tenantId": TENANT_ID,
        "resultType": str(err), "resultSignature": "None", "durationMs": 0,
        "callerIpAddress": ip, "correlationId": corr, "Level": 4, "location": loc_d["countryOrRegion"],
        "properties": {
            "id": sid, "createdDateTime": az_time_off(t, 5), "userId": None, "appId": a["appId"],
            "ipAddress": ip, "status": status, "location": loc_d, "correlationId": corr,
            "conditionalAccessStatus": "failure" if err == 53003 else "notApplied",
            "appliedConditionalAccessPolicies": [], "isInteractive": False,
            "tokenIssuerType": "AzureAD",
            "authenticationProcessingDetails": [{"key": "Azure AD App Authentication Library", "value": ""}],
            "processingTimeInMilliseconds": rng.randrange(20, 180),
            "riskDetail": "none", "riskLevelAggregated": "none", "riskLevelDuringSignIn": "none",
            "riskState": "none", "resourceDisplayName": resource[0], "resourceId": resource[1],
            "servicePrincipalName": a["name"], "servicePrincipalId": a["spId"],
            "servicePrincipalCredentialKeyId": key_id,
            "servicePrincipalCredentialThumbprint": CERT_THUMB.get(key_id, ""),
            "flaggedForReview": False, "isTenantRestricted": False, "crossTenantAccessType": "none",
            "uniqueTokenIdentifier": hexid(22), "incomingTokenType": "none", "authenticationProtocol": "none",
        }}))


# Story 1 sign-ins
user_signin(T(5, 1, 49, 12), MEGAN, ATTACKER_IP1, UA_ATTACKER, "amsterdam", err=50126, os_="Linux", browser="Firefox 128.0")
user_signin(T(5, 1, 51, 40), MEGAN, ATTACKER_IP1, UA_ATTACKER, "amsterdam", err=0, app=USER_APPS[3],
            os_="Linux", browser="Firefox 128.0", risk="medium")
S1_SP_SIGNINS = [
    (T(5, 2, 31, 2), ATTACKER_IP1, "amsterdam", 0),
    (T(5, 2, 36, 48), ATTACKER_IP1, "amsterdam", 0),
    (T(5, 2, 44, 15), ATTACKER_IP2, "frankfurt", 53003),
    (T(5, 2, 51, 30), ATTACKER_IP2, "frankfurt", 0),
    (T(5, 3, 2, 9), ATTACKER_IP2, "frankfurt", 0),
    (T(5, 3, 9, 57), ATTACKER_IP1, "amsterdam", 0),
]
for t, ip, loc, err in S1_SP_SIGNINS:
    sp_signin(t, PAYROLL, PAYROLL_EVIL_KEY, ip, loc, err)
# payroll-sync's normal nightly job, with its certificate, from the usual address
for day in range(2, 9):
    sp_signin(T(day, 4, 0, rng.randrange(0, 59)), PAYROLL, PAYROLL_CERT_KEY, "192.0.2.50", "azure-wus2")

# Story 2 sign-ins: ci-pipeline every ~4 h with whichever key is current; svc-deploy before rotating
rot_times = [r["t"] for r, _, _ in S2_ROTATIONS]
t = BASE + timedelta(minutes=17)
while t < END:
    t2 = t + timedelta(seconds=rng.randrange(0, 600), microseconds=rng.randrange(0, 1000000))
    idx = sum(1 for rt in rot_times if rt < t2)
    sp_signin(t2, CI, CI_KEYS[idx], rng.choice(["192.0.2.80", "192.0.2.81"]), "azure-wus2", resource=RES_ARM)
    t += timedelta(hours=4)
for r, _, _ in S2_ROTATIONS:
    sp_signin(r["t"] - timedelta(seconds=rng.randrange(20, 50)), SVCDEPLOY, SVCDEPLOY_CERT_KEY, "192.0.2.80", "azure-wus2")

# Story 5: the new connector starts signing in
sp_signin(T(6, 16, 2, 40), REPORTING, REPORTING_CERT_KEY, "192.0.2.60", "chicago")
sp_signin(T(7, 16, 2, 41), REPORTING, REPORTING_CERT_KEY, "192.0.2.60", "chicago")

# Background user sign-ins (megan included: from her usual place, with her usual browser)
for _ in range(95):
    u = rng.choice(USERS)
    err = 0
    x = rng.random()
    if x < 0.05:
        err = 50126
    elif x < 0.09:
        err = 50074
    user_signin(rand_time(work_hours=True), u, err=err)

SIGNINS.sort(key=lambda p: p[0])

# ======================================================================================
# Microsoft 365 Unified Audit Log (Workload AzureActiveDirectory)
# ======================================================================================
M365 = []


def m365_rec(r, op):
    ini = r["initiatedBy"]
    ext = [{"Name": "additionalDetails", "Value": json.dumps({d["key"]: d["value"] for d in r["details"]})},
           {"Name": "extendedAuditEventCategory", "Value": r["targets"][0]["type"]}]
    if "user" in ini:
        u = ini["user"]
        uid = u["userPrincipalName"]
        actor = [{"ID": uid, "Type": 5}, {"ID": "100320" + hexid(10).upper(), "Type": 3},
                 {"ID": "User_" + u["id"], "Type": 2}, {"ID": u["id"], "Type": 2}, {"ID": "User", "Type": 2}]
        ip = u["ipAddress"]
        utype = 0
        ext.append({"Name": "actorUPN", "Value": uid})
    else:
        a = ini["app"]
        uid = "ServicePrincipal_" + a["servicePrincipalId"]
        actor = [{"ID": a["displayName"], "Type": 1}, {"ID": a["appId"], "Type": 2},
                 {"ID": "ServicePrincipal_" + a["servicePrincipalId"], "Type": 2},
                 {"ID": a["servicePrincipalId"], "Type": 2}, {"ID": "ServicePrincipal", "Type": 2}]
        ip = r.get("callerIp", "")
        utype = 6
    tg = r["targets"][0]
    kind = tg["type"]
    target = [{"ID": "%s_%s" % (kind, tg["id"]), "Type": 2}, {"ID": tg["id"], "Type": 2},
              {"ID": kind, "Type": 2}]
    if tg["displayName"]:
        target.append({"ID": tg["displayName"], "Type": 1})
    return {
        "CreationTime": m365_time(r["t"]),
        "Id": guid(),
        "Operation": op,
        "OrganizationId": TENANT_ID,
        "RecordType": 8,
        "ResultStatus": "Success" if r["result"] == "success" else "Failure",
        "UserKey": uid if utype else "100320" + hexid(10).upper() + "@contoso.com",
        "UserType": utype,
        "Version": 1,
        "Workload": "AzureActiveDirectory",
        "ClientIP": ip,
        "ObjectId": tg["id"],
        "UserId": uid,
        "AzureActiveDirectoryEventType": 1,
        "ExtendedProperties": ext + [{"Name": "correlationId", "Value": r["corr"]},
                                     {"Name": "resultType", "Value": "Success"},
                                     {"Name": "auditEventCategory", "Value": r["category"]}],
        "ModifiedProperties": [{"Name": m["displayName"], "NewValue": m["newValue"] or "",
                                "OldValue": m["oldValue"] or ""} for m in tg["modifiedProperties"]],
        "Actor": actor,
        "ActorContextId": TENANT_ID,
        "ActorIpAddress": ip,
        "InterSystemsId": guid(),
        "IntraSystemId": guid(),
        "SupportTicketId": "",
        "Target": target,
        "TargetContextId": TENANT_ID,
    }


for r in [S1_OWNER, S1_SECRET, S5_ADD_SP, S5_SP_CREDS, S6_CERT] + [x[0] for x in S2_ROTATIONS]:
    M365.append((r["t"], m365_rec(r, r["op"].rstrip(" ") + " ." if r["op"] == OP_CERTS else r["op"] + ".")))
# noise: some of the directory noise mirrored into the UAL, plus STS logons
for r in [a for a in AUDIT if a["op"] in ("Update user", "Add member to group")][:10]:
    M365.append((r["t"], m365_rec(r, r["op"] + ".")))
for _ in range(8):
    u = rng.choice(USERS)
    t = rand_time(work_hours=True)
    M365.append((t, {
        "CreationTime": m365_time(t), "Id": guid(), "Operation": "UserLoggedIn",
        "OrganizationId": TENANT_ID, "RecordType": 15, "ResultStatus": "Success",
        "UserKey": u["id"], "UserType": 0, "Version": 1, "Workload": "AzureActiveDirectory",
        "ClientIP": u["ip"], "ObjectId": "00000003-0000-0ff1-ce00-000000000000", "UserId": u["upn"],
        "AzureActiveDirectoryEventType": 1,
        "ExtendedProperties": [{"Name": "ResultStatusDetail", "Value": "Success"},
                               {"Name": "UserAgent", "Value": u["ua"]},
                               {"Name": "RequestType", "Value": "OAuth2:Authorize"}],
        "ModifiedProperties": [], "Actor": [{"ID": u["id"], "Type": 0}, {"ID": u["upn"], "Type": 5}],
        "ActorContextId": TENANT_ID, "ActorIpAddress": u["ip"], "InterSystemsId": guid(),
        "IntraSystemId": guid(), "SupportTicketId": "",
        "Target": [{"ID": "00000003-0000-0ff1-ce00-000000000000", "Type": 0}],
        "TargetContextId": TENANT_ID, "ApplicationId": "4765445b-32c6-49b0-83e6-1d93765276ca",
        "ErrorNumber": "0"}))
M365.sort(key=lambda p: p[0])
