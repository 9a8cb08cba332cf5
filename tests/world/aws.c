/* world: AWS CloudTrail records (the record contents and userIdentity element
 * pages of the CloudTrail user guide). Times have whole seconds, as CloudTrail
 * writes them; the truth uses the same truncated time. */
#include <stdlib.h>
#include <string.h>

#include "world.h"

const char *ACCT = "111122223333", *ACCT2 = "444455556666";

static const char *tail(const char *arn)
{
    const char *s = strrchr(arn, '/');
    return s ? s + 1 : arn;
}

static void identity(Buf *b, const Call *c)
{
    if (c->actor < 0) {
        bputf(b, "{\"type\":\"AWSService\",\"invokedBy\":\"%s\"}", c->invoked_by);
        return;
    }
    const Ent *e = &W.ents[c->actor];
    const char *key = c->key ? c->key : "";
    switch (e->kind) {
    case K_IAMUSER:
        bputf(b, "{\"type\":\"IAMUser\",\"principalId\":\"%s\",\"arn\":\"%s\",\"accountId\":\"%s\","
                 "\"accessKeyId\":\"%s\",\"userName\":\"%s\"",
              e->id2, e->id, e->acct, key, e->name);
        if (!strncmp(key, "ASIA", 4)) /* a console session's temporary key */
            bput(b, ",\"sessionContext\":{\"sessionIssuer\":{},\"webIdFederationData\":{},"
                    "\"attributes\":{\"creationDate\":\"2027-03-01T00:00:00Z\",\"mfaAuthenticated\":\"true\"}}");
        bput(b, "}");
        return;
    case K_SESSION:
        bputf(b, "{\"type\":\"AssumedRole\",\"principalId\":\"%s\",\"arn\":\"%s\",\"accountId\":\"%s\","
                 "\"accessKeyId\":\"%s\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\","
                 "\"principalId\":\"%s\",\"arn\":\"%s\",\"accountId\":\"%s\",\"userName\":\"%s\"},"
                 "\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"2027-03-01T00:00:00Z\","
                 "\"mfaAuthenticated\":\"false\"}}}",
              e->id2, e->id, e->acct, key, e->id4, e->id3, e->acct, tail(e->id3));
        return;
    case K_ROOT:
        bputf(b, "{\"type\":\"Root\",\"principalId\":\"%s\",\"arn\":\"%s\",\"accountId\":\"%s\","
                 "\"accessKeyId\":\"%s\"}",
              e->id2, e->id, e->acct, key);
        return;
    case K_FEDUSER:
        bputf(b, "{\"type\":\"FederatedUser\",\"principalId\":\"%s\",\"arn\":\"%s\",\"accountId\":\"%s\","
                 "\"accessKeyId\":\"%s\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"IAMUser\","
                 "\"principalId\":\"%s\",\"arn\":\"%s\",\"accountId\":\"%s\",\"userName\":\"%s\"},"
                 "\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"2027-03-01T00:00:00Z\","
                 "\"mfaAuthenticated\":\"false\"}}}",
              e->id2, e->id, e->acct, key, e->id4, e->id3, e->acct, tail(e->id3));
        return;
    }
    die("entity %s cannot call AWS", e->name);
}

void render_ct(Buf *b, const Call *c, const char *rid, const char *reqid)
{
    char *ts = tfmt(c->t, 'S');
    int console = !strcmp(c->name, "ConsoleLogin");
    bput(b, "{\"eventVersion\":\"1.09\",\"userIdentity\":");
    identity(b, c);
    bputf(b, ",\"eventTime\":\"%s\",\"eventSource\":\"%s\",\"eventName\":\"%s\",\"awsRegion\":\"%s\","
             "\"sourceIPAddress\":",
          ts, c->source, c->name, c->region ? c->region : "us-east-1");
    bjs(b, c->ip);
    bput(b, ",\"userAgent\":");
    bjs(b, c->ua);
    if (c->err)
        bputf(b, ",\"errorCode\":\"%s\",\"errorMessage\":\"User is not authorized to perform this operation\"", c->err);
    bputf(b, ",\"requestParameters\":%s,\"responseElements\":%s", c->req ? c->req : "null",
          c->resp ? c->resp : "null");
    if (c->extra)
        bputf(b, ",%s", c->extra);
    bputf(b, ",\"requestID\":\"%s\",\"eventID\":\"%s\",\"readOnly\":%s,\"eventType\":\"%s\","
             "\"managementEvent\":true,\"recipientAccountId\":\"%s\",\"eventCategory\":\"Management\"",
          reqid, rid, c->readonly ? "true" : "false", console ? "AwsConsoleSignIn" : "AwsApiCall",
          c->actor >= 0 ? W.ents[c->actor].acct : ACCT);
    if (!console && c->actor >= 0)
        bputf(b, ",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\","
                 "\"clientProvidedHostHeader\":\"%s\"}",
              c->source);
    bput(b, "}");
    free(ts);
}

int ev_ct(const Call *in)
{
    Call c = *in;
    c.t -= c.t % TICK_S;
    const char *rid = id_guid(&W.story);
    char *reqid = id_guid(&W.story);
    Buf b = {0};
    render_ct(&b, &c, rid, reqid);
    free(reqid);
    if (c.actor >= 0) {
        const Ent *e = &W.ents[c.actor];
        ev_link(e->id, e->id2);
    }
    if (c.target >= 0)
        ev_note(W.ents[c.target].id);
    Spec s = {.t = c.t, .rid = rid, .used = c.key && *c.key ? c.key : NULL, .made = c.made,
              .text = bdone(&b), .actor = c.actor, .target = c.target, .canon = -1, .file = F_CT};
    int idx = spec_add(&s);
    fact_ct(idx, &c);
    return idx;
}
