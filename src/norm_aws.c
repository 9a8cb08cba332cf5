/* norm_aws.c: AWS CloudTrail records (plain, or inside an EventBridge
 * "AWS API Call via CloudTrail" envelope) to the ECS document Elastic's
 * aws.cloudtrail ingest pipeline produces, and the aws.cloudtrail entity
 * extractor (which reads only the ECS document, so Filebeat / Elastic Agent
 * documents go through the same code). */
#include "norm.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- detection ---- */

static const cJSON *eventbridge_detail(const cJSON *rec)
{
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(rec, "detail-type");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(rec, "detail");
    if (!cJSON_IsString(dt) || !cJSON_IsObject(d)) return NULL;
    /* "AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail",
     * "AWS Service Event via CloudTrail", ... */
    if (!strstr(dt->valuestring, "via CloudTrail")) return NULL;
    return d;
}

static int is_cloudtrail_record(const cJSON *r)
{
    if (!cJSON_IsObject(r)) return 0;
    if (!ct_json_str(r, "eventSource") || !ct_json_str(r, "eventName")) return 0;
    return ct_json_str(r, "eventVersion") || ct_json_str(r, "eventTime") ||
           cJSON_GetObjectItemCaseSensitive(r, "userIdentity");
}

int ct_norm_cloudtrail_detect(const cJSON *rec)
{
    const cJSON *d = eventbridge_detail(rec);
    return is_cloudtrail_record(d ? d : rec);
}

/* ---- raw -> ECS ---- */

/* Java's Map/List toString(), as the pipeline's painless script writes
 * aws.cloudtrail.request_parameters ("{userName=Bob}"). Key order is the
 * record's (Java's HashMap order cannot be reproduced). */
static void java_str(const cJSON *v, ct_sbuf *b)
{
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        int obj = cJSON_IsObject(v);
        ct_sbuf_addc(b, obj ? '{' : '[');
        for (const cJSON *c = v->child; c; c = c->next) {
            if (c != v->child) ct_sbuf_add(b, ", ");
            if (obj) {
                ct_sbuf_add(b, c->string ? c->string : "");
                ct_sbuf_addc(b, '=');
            }
            java_str(c, b);
        }
        ct_sbuf_addc(b, obj ? '}' : ']');
    } else if (cJSON_IsString(v)) {
        ct_sbuf_add(b, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (isfinite(d) && d == floor(d) && fabs(d) < 9e15) ct_sbuf_addf(b, "%.0f", d);
        else ct_sbuf_addf(b, "%.17g", d);
    } else if (cJSON_IsBool(v)) {
        ct_sbuf_add(b, cJSON_IsTrue(v) ? "true" : "false");
    } else {
        ct_sbuf_add(b, "null");
    }
}

static void set_date(cJSON *doc, const char *path, const char *s)
{
    int64_t ms;
    if (!s) return;
    if (ct_time_parse(s, strlen(s), &ms) == 0) {
        char t[32];
        ct_time_fmt(ms, t);
        ct_json_set_str(doc, path, t);
    }
}

static void copy_item(cJSON *doc, const char *dst, const cJSON *src, const char *src_path)
{
    const cJSON *v = ct_json_get(src, src_path);
    if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !v->valuestring[0])) return;
    ct_json_set(doc, dst, cJSON_Duplicate(v, 1));
}

static int is_ip(const char *s)
{
    unsigned char buf[16];
    return s && (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1);
}

static void append_unique(cJSON *doc, const char *path, const char *s)
{
    if (!s) return;
    cJSON *arr = (cJSON *)ct_json_get(doc, path);
    if (!cJSON_IsArray(arr)) {
        arr = cJSON_CreateArray();
        ct_json_set(doc, path, arr);
    }
    for (const cJSON *c = arr->child; c; c = c->next)
        if (cJSON_IsString(c) && !strcmp(c->valuestring, s)) return;
    cJSON_AddItemToArray(arr, cJSON_CreateString(s));
}

/* A flattened copy (the object) plus the toString() form, as the pipeline does. */
static void set_flattened(cJSON *doc, const cJSON *r, const char *raw_key, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, raw_key);
    if (!v || cJSON_IsNull(v)) return;
    ct_sbuf b;
    ct_sbuf_init(&b);
    java_str(v, &b);
    char path[128];
    snprintf(path, sizeof path, "aws.cloudtrail.%s", name);
    ct_json_set_str(doc, path, b.buf);
    if (b.len < 32766 && (cJSON_IsObject(v) || cJSON_IsArray(v))) {
        snprintf(path, sizeof path, "aws.cloudtrail.flattened.%s", name);
        ct_json_set(doc, path, cJSON_Duplicate(v, 1));
    }
    ct_sbuf_free(&b);
}

static const struct {
    const char *action, *category, *type1, *type2;
} categories[] = {
    {"ConsoleLogin", "authentication", "info", NULL},
    {"AssumeRole", "authentication", "info", NULL},
    {"CreateAccessKey", "iam", "user", "change"},
    {"UpdateAccessKey", "iam", "user", "change"},
    {"DeleteAccessKey", "iam", "user", "change"},
    {"CreateKeyPair", "iam", "admin", "creation"},
    {"CreateUser", "iam", "user", "creation"},
    {"UpdateLoginProfile", "iam", "user", "change"},
    {"ChangePassword", "iam", "user", "change"},
    {"UpdateSSHPublicKey", "iam", "user", "change"},
    {"DeleteSSHPublicKey", "iam", "user", "change"},
};

static void set_categorization(cJSON *doc, const char *action)
{
    cJSON *type = cJSON_CreateArray();
    cJSON *cat = NULL;
    for (size_t i = 0; action && i < CT_ARRAY_LEN(categories); i++) {
        if (strcmp(action, categories[i].action)) continue;
        cat = cJSON_CreateArray();
        cJSON_AddItemToArray(cat, cJSON_CreateString(categories[i].category));
        cJSON_AddItemToArray(type, cJSON_CreateString(categories[i].type1));
        if (categories[i].type2) cJSON_AddItemToArray(type, cJSON_CreateString(categories[i].type2));
        break;
    }
    if (!type->child) cJSON_AddItemToArray(type, cJSON_CreateString("info"));
    if (cat) ct_json_set(doc, "event.category", cat);
    ct_json_set(doc, "event.type", type);
}

static void lower_copy(const char *s, char *out, size_t n)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++) out[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
    out[i] = 0;
}

int ct_norm_cloudtrail(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    const cJSON *d = eventbridge_detail(rec);
    const cJSON *r = d ? d : rec;
    if (!cJSON_IsObject(r)) {
        snprintf(err, errlen, "cloudtrail: record is not an object");
        return -1;
    }
    cJSON *doc = cJSON_CreateObject();
    out->doc = doc;

    set_date(doc, "@timestamp", ct_json_str(r, "eventTime"));
    ct_json_set_str(doc, "ecs.version", "8.11.0");
    ct_json_set_str(doc, "event.dataset", "aws.cloudtrail");
    ct_json_set_str(doc, "data_stream.dataset", "aws.cloudtrail");
    ct_json_set_str(doc, "event.kind", "event");
    ct_json_set_str(doc, "cloud.provider", "aws");
    char *orig = cJSON_PrintUnformatted(r);
    if (orig) {
        ct_json_set_str(doc, "event.original", orig);
        cJSON_free(orig);
    }

    copy_item(doc, "aws.cloudtrail.event_version", r, "eventVersion");
    /* userIdentity: only when it is an object (malformed records are tolerated) */
    const cJSON *ui = cJSON_GetObjectItemCaseSensitive(r, "userIdentity");
    if (cJSON_IsObject(ui)) {
        copy_item(doc, "aws.cloudtrail.user_identity.type", ui, "type");
        ct_json_copy_str(doc, "user.name", ui, "userName");
        ct_json_copy_str(doc, "user.id", ui, "principalId");
        ct_json_copy_str(doc, "aws.cloudtrail.user_identity.arn", ui, "arn");
        ct_json_copy_str(doc, "cloud.account.id", ui, "accountId");
        ct_json_copy_str(doc, "aws.cloudtrail.user_identity.access_key_id", ui, "accessKeyId");
        copy_item(doc, "aws.cloudtrail.user_identity.session_context.mfa_authenticated", ui,
                  "sessionContext.attributes.mfaAuthenticated");
        set_date(doc, "aws.cloudtrail.user_identity.session_context.creation_date",
                 ct_json_str(ui, "sessionContext.attributes.creationDate"));
        ct_json_copy_str(doc, "aws.cloudtrail.user_identity.session_context.session_issuer.type",
                         ui, "sessionContext.sessionIssuer.type");
        /* sessionIssuer.userName (assumed roles) overrides user.name, as the pipeline does */
        ct_json_copy_str(doc, "user.name", ui, "sessionContext.sessionIssuer.userName");
        ct_json_copy_str(doc, "aws.cloudtrail.user_identity.session_context.session_issuer.principal_id",
                         ui, "sessionContext.sessionIssuer.principalId");
        ct_json_copy_str(doc, "aws.cloudtrail.user_identity.session_context.session_issuer.arn",
                         ui, "sessionContext.sessionIssuer.arn");
        ct_json_copy_str(doc, "aws.cloudtrail.user_identity.session_context.session_issuer.account_id",
                         ui, "sessionContext.sessionIssuer.accountId");
        ct_json_copy_str(doc, "aws.cloudtrail.user_identity.invoked_by", ui, "invokedBy");
        append_unique(doc, "related.user", ct_json_str(ui, "userName"));
    }
    const char *action = ct_json_str(r, "eventName");
    ct_json_copy_str(doc, "event.provider", r, "eventSource");
    ct_json_set_str(doc, "event.action", action);
    ct_json_copy_str(doc, "aws.cloudtrail.event_category", r, "eventCategory");
    ct_json_copy_str(doc, "cloud.region", r, "awsRegion");
    const char *sip = ct_json_str(r, "sourceIPAddress");
    ct_json_set_str(doc, "source.address", sip);
    if (is_ip(sip)) ct_json_set_str(doc, "source.ip", sip);
    ct_json_copy_str(doc, "user_agent.original", r, "userAgent");
    ct_json_copy_str(doc, "aws.cloudtrail.error_code", r, "errorCode");
    ct_json_copy_str(doc, "aws.cloudtrail.error_message", r, "errorMessage");
    set_flattened(doc, r, "requestParameters", "request_parameters");
    set_flattened(doc, r, "responseElements", "response_elements");
    set_flattened(doc, r, "additionalEventData", "additional_eventdata");
    set_flattened(doc, r, "serviceEventDetails", "service_event_details");
    ct_json_copy_str(doc, "aws.cloudtrail.request_id", r, "requestID");
    ct_json_copy_str(doc, "event.id", r, "eventID");
    ct_json_copy_str(doc, "aws.cloudtrail.event_type", r, "eventType");
    ct_json_copy_str(doc, "aws.cloudtrail.api_version", r, "apiVersion");
    copy_item(doc, "aws.cloudtrail.management_event", r, "managementEvent");
    copy_item(doc, "aws.cloudtrail.read_only", r, "readOnly");
    copy_item(doc, "aws.cloudtrail.resources", r, "resources");
    ct_json_copy_str(doc, "aws.cloudtrail.recipient_account_id", r, "recipientAccountId");
    ct_json_copy_str(doc, "aws.cloudtrail.shared_event_id", r, "sharedEventId");
    ct_json_copy_str(doc, "aws.cloudtrail.vpc_endpoint_id", r, "vpcEndpointId");
    append_unique(doc, "related.user", ct_json_str(doc, "aws.cloudtrail.flattened.request_parameters.userName"));
    append_unique(doc, "related.user", ct_json_str(doc, "aws.cloudtrail.flattened.request_parameters.newUserName"));

    /* outcome: failure when errorCode / errorMessage; ConsoleLogin carries its own */
    const char *outcome = ct_json_str(r, "errorCode") || ct_json_str(r, "errorMessage") ? "failure" : "success";
    char low[32];
    const char *cl = ct_json_str(r, "responseElements.ConsoleLogin");
    if (action && !strcmp(action, "ConsoleLogin") && cl) {
        lower_copy(cl, low, sizeof low);
        outcome = low;
    }
    ct_json_set_str(doc, "event.outcome", outcome);
    set_categorization(doc, action);

    ct_json_copy_str(doc, "user.target.id", doc, "aws.cloudtrail.flattened.response_elements.user.userId");
    ct_json_copy_str(doc, "user.changes.name", doc, "aws.cloudtrail.flattened.request_parameters.newUserName");
    ct_json_copy_str(doc, "group.name", doc, "aws.cloudtrail.flattened.request_parameters.groupName");
    ct_json_copy_str(doc, "group.id", doc, "aws.cloudtrail.flattened.response_elements.group.groupId");
    ct_json_copy_str(doc, "user.target.name", doc, "aws.cloudtrail.flattened.request_parameters.userName");

    return 0;
}

/* ---- aws.cloudtrail entity extraction (ECS document only) ---- */

#define UI "aws.cloudtrail.user_identity."
#define RQ "aws.cloudtrail.flattened.request_parameters."
#define RS "aws.cloudtrail.flattened.response_elements."

static int eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* The account's root user: its identity type, or, where a record shape
 * dropped the type, its ARN ("arn:aws:iam::ACCOUNT:root"). */
static int is_root(const char *type, const char *arn)
{
    if (type) return !strcmp(type, "Root");
    return arn && !strncmp(arn, "arn:aws:iam::", 13) && ct_str_ends_with(arn, ":root");
}

static const char *actor_type_of(const char *t, const char *arn)
{
    if (is_root(t, arn)) return "root";
    if (!t) return NULL;
    if (!strcmp(t, "IAMUser")) return "iam_user";
    if (!strcmp(t, "AssumedRole")) return "assumed_role";
    if (!strcmp(t, "Root")) return "root";
    if (!strcmp(t, "AWSService")) return "aws_service";
    if (!strcmp(t, "FederatedUser")) return "federated_user";
    if (!strcmp(t, "AWSAccount")) return "aws_account";
    if (!strcmp(t, "IdentityCenterUser")) return "identity_center_user";
    return NULL;
}

/* CloudTrail writes response times for humans ("May 4, 2024, 12:00:00 AM",
 * "Jan 8, 2020 8:43:06 PM", in UTC); ct_fields wants ISO 8601. A value that
 * is already ISO, or that does not parse, is kept as it is. */
static const char *aws_time_iso(ct_norm *n, const char *s)
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t ms;
    if (!s || ct_time_parse(s, strlen(s), &ms) == 0) return s;
    char m[4] = "", ampm[3] = "";
    int d, y, h, mi, sec;
    if (sscanf(s, "%3s %d, %d, %d:%d:%d %2s", m, &d, &y, &h, &mi, &sec, ampm) != 7 &&
        sscanf(s, "%3s %d, %d %d:%d:%d %2s", m, &d, &y, &h, &mi, &sec, ampm) != 7)
        return s;
    int mo = -1;
    for (int i = 0; i < 12; i++)
        if (!strcmp(m, mon[i])) mo = i + 1;
    if (mo < 0 || h < 1 || h > 12) return s;
    if (!strcmp(ampm, "PM") && h != 12) h += 12;
    if (!strcmp(ampm, "AM") && h == 12) h = 0;
    char iso[64];
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", y, mo, d, h, mi, sec);
    if (ct_time_parse(iso, strlen(iso), &ms) < 0) return s;
    char out[32];
    ct_time_fmt(ms, out);
    return ct_norm_keep(n, out, strlen(out));
}

/* An IAM user named in a call, qualified by the account the call was made in
 * (user names are unique within an account only): its ARN, "arn:aws:iam::
 * ACCOUNT:user/NAME" (the path, when the user has one, is not in the record);
 * the bare name when the account is not known. */
static const char *iam_user_id(ct_norm *n, const char *acct, const char *name)
{
    if (!name || !acct) return name;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_addf(&b, "arn:aws:iam::%s:user/%s", acct, name);
    const char *r = ct_norm_keep(n, b.buf, b.len);
    ct_sbuf_free(&b);
    return r;
}

void ct_extract_cloudtrail(ct_norm *n)
{
    const cJSON *d = n->doc;
    ct_fields *f = &n->f;
    const char *type = ct_json_str(d, UI "type");
    const char *arn = ct_json_str(d, UI "arn");
    const char *action = ct_json_str(d, "event.action");
    const char *uname = ct_json_str(d, "user.name");
    const char *pid = ct_json_str(d, "user.id");
    const char *acct = ct_json_str(d, "aws.cloudtrail.recipient_account_id");
    if (!acct) acct = ct_json_str(d, "cloud.account.id");

    f->actor_type = actor_type_of(type, arn);
    int root = is_root(type, arn);
    f->actor_id = arn ? arn : pid;
    if (arn && pid && strcmp(arn, pid)) f->actor_id2 = pid; /* ARN and principalId: one identity */
    if (root) f->actor_name = "root";
    else if (eq(type, "AWSService")) f->actor_name = ct_json_str(d, UI "invoked_by");
    else f->actor_name = uname; /* IAM user name, or the session issuer (role) name */
    /* an assumed role acts as ROLE/SESSION (carol's session of ContosoEngineers), as its ARN
     * says: the role alone hides who it was, and equals no target */
    const char *ar = eq(type, "AssumedRole") && arn ? strstr(arn, ":assumed-role/") : NULL;
    if (ar && ar[14] && strchr(ar + 14, '/')) f->actor_name = ar + 14;
    if (!f->actor_id && eq(type, "AWSService")) f->actor_id = f->actor_name;
    if (!f->actor_ip) f->actor_ip = ct_json_str(d, "source.ip");
    if (!f->actor_ua) f->actor_ua = ct_json_str(d, "user_agent.original");
    f->cred_used = ct_json_str(d, UI "access_key_id");

    int authenticated = type && !eq(type, "AWSService") &&
                        (f->cred_used || arn || ct_json_str(d, "user.id"));
    if (eq(action, "ConsoleLogin") || authenticated) f->is_signin = 1;

    /* target: the IAM user named in the request */
    const char *req_user = ct_json_str(d, RQ "userName");
    if (!req_user) req_user = ct_json_str(d, "user.target.name");
    if (req_user) {
        f->target_name = req_user;
        f->target_id = ct_json_str(d, RS "user.arn");
        if (!f->target_id) f->target_id = iam_user_id(n, acct, req_user);
        f->target_id2 = ct_json_str(d, "user.target.id");
        f->target_type = "iam_user";
    }

    const char *outcome = ct_json_str(d, "event.outcome");
    int ok = outcome ? !strcmp(outcome, "success")
                     : !ct_json_str(d, "aws.cloudtrail.error_code");
    if (!action) return;

    if (!strcmp(action, "CreateAccessKey")) {
        if (!f->target_name && root) {
            /* no userName: the root user's own key, whatever name the response
             * gives it (an account alias where one is set): typed root in
             * every record shape, as the root user's calls are */
            f->target_name = "root";
            f->target_id = arn ? arn : "root";
            if (arn) f->target_id2 = f->actor_id2;
            f->target_type = "root";
        } else if (!f->target_name) { /* no userName: the key is for the caller */
            const char *who = ct_json_str(d, RS "accessKey.userName");
            if (!who && eq(type, "IAMUser")) who = uname;
            if (who) { /* the caller's own key: its identity is the target */
                int self = eq(type, "IAMUser") && eq(who, uname);
                f->target_name = who;
                f->target_id = self && arn ? arn : iam_user_id(n, acct, who);
                if (self && arn) f->target_id2 = f->actor_id2;
                f->target_type = "iam_user";
            }
        }
        const char *key = ct_json_str(d, RS "accessKey.accessKeyId");
        if (ok && key) {
            f->is_credential_add = 1;
            f->cred_id = key;
            f->cred_type = "access_key";
        }
    } else if (!strcmp(action, "CreateLoginProfile") || !strcmp(action, "UpdateLoginProfile")) {
        if (!f->target_name) {
            const char *who = ct_json_str(d, RS "loginProfile.userName");
            if (!who && eq(type, "IAMUser")) who = uname;
            if (who) {
                int self = eq(type, "IAMUser") && eq(who, uname);
                f->target_name = who;
                f->target_id = self && arn ? arn : iam_user_id(n, acct, who);
                if (self && arn) f->target_id2 = f->actor_id2;
                f->target_type = "iam_user";
            }
        }
        if (ok && f->target_name) {
            f->is_credential_add = 1;
            f->cred_id = f->target_name;
            f->cred_type = "login_profile";
        }
    } else if (!strcmp(action, "GetFederationToken")) {
        const char *fname = ct_json_str(d, RQ "name");
        const char *fid = ct_json_str(d, RS "federatedUser.arn");
        if (!fid) fid = ct_json_str(d, RS "federatedUser.federatedUserId");
        const char *fuid = ct_json_str(d, RS "federatedUser.federatedUserId");
        if (fname || fid) {
            f->target_name = fname ? fname : fid;
            f->target_id = fid ? fid : fname;
            if (fuid && fid && strcmp(fuid, fid)) f->target_id2 = fuid;
            f->target_type = "federated_user";
        }
        const char *key = ct_json_str(d, RS "credentials.accessKeyId");
        if (ok && key) {
            f->is_credential_add = 1;
            f->cred_id = key;
            f->cred_type = "federation_token";
            f->cred_end = aws_time_iso(n, ct_json_str(d, RS "credentials.expiration"));
            f->cred_name = fname;
        }
    } else if (!strcmp(action, "CreateKeyPair") || !strcmp(action, "ImportKeyPair")) {
        const char *kname = ct_json_str(d, RS "keyName");
        if (!kname) kname = ct_json_str(d, RQ "keyName");
        const char *kid = ct_json_str(d, RS "keyPairId");
        if (kname || kid) {
            f->target_name = kname ? kname : kid;
            f->target_id = kid ? kid : kname;
            f->target_type = "key_pair";
        }
        if (ok && (kid || kname)) {
            f->is_credential_add = 1;
            f->cred_id = kid ? kid : kname;
            f->cred_name = kname;
            f->cred_type = "key_pair";
        }
    }
}
