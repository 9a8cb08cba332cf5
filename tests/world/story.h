/* world: helpers the stories share (entities and routine activity). */
#ifndef WORLD_STORY_H
#define WORLD_STORY_H
#include "world.h"

#define NDAYS 14 /* the logs cover T0 .. T0 + 14 days */
#define UA_EDGE "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
#define UA_MAC "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"
#define UA_FIREFOX_LINUX "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
#define UA_AWSCLI "aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#"
#define UA_KALI "aws-cli/1.29.2 Python/3.11.4 Linux/6.5.0-kali2-amd64 botocore/1.31.2"
#define UA_GCLOUD "google-cloud-sdk gcloud/501.0.0 command/gcloud.iam.service-accounts.keys.create invocation-id/4c1e0b2d5f6a47d8a9b3c2e1f0d9a8b7 environment/None environment-version/None client-os/MACOSX client-os-ver/24.1.0 client-pltf-arch/arm interactive/True from-script/False python/3.12.7 term/xterm-256color,gzip(gfe)"
#define UA_GAPI "google-api-python-client/2.108.0 gdcl/2.108.0 gl-python/3.11.6,gzip(gfe)"

int mk_user(const char *name, const char *upn, const char *ip);
int mk_app(const char *name, const char *ip, const char *key);
int mk_sp_only(const char *name, const char *ip); /* a managed identity: no appId in its records */
int mk_iam(const char *acct, const char *name, const char *ip, const char *ua);
int mk_role(const char *acct, const char *name);
int mk_session(int role, const char *name, const char *ip, const char *ua);
int mk_root(const char *acct, const char *ip);
int mk_feduser(int issuer, const char *name, const char *ip, const char *ua);
int mk_guser(const char *email, const char *ip, const char *ua);
int mk_gsa(const char *project, const char *name, const char *ip, const char *ua);

char *guid(void);           /* story stream */
char *akid(const char *pfx); /* AKIA... / ASIA... */
char *gkey(void);            /* a GCP key id, 40 hex */
uint32_t rnd(uint32_t n);
char *keyspec(const char *id, const char *type, const char *name); /* "id|type|name" for keydesc */
int weekend(int day);

/* a user's sign-ins on working days: per_day of them between 15:00 and 01:00 UTC */
void routine_signins(int user, int day0, int day1, int per_day, const Client *const *cs, int ncs);
/* a service principal signing in every period (jitter up to jit) from `from` to `to` */
void routine_sp(int sp, const char *key, int64_t from, int64_t to, int64_t period, int64_t jit,
                const char *ip, const char *resource);
/* AWS calls by an identity with a key, per_day on working days (or every day) */
void routine_aws(int who, const char *key, int day0, int day1, int per_day, int every_day);
/* GCP calls by a principal (with a key for service accounts), every period */
void routine_gcp(int who, const char *key, int64_t from, int64_t to, int64_t period, int data_write);

/* stories_aws.c: a CloudTrail call; a CreateAccessKey (user -1: the caller's own key, no userName) */
int aws_call(int64_t t, int who, const char *key, const char *src, const char *name, const char *ip,
             const char *ua, const char *req, const char *resp, int target, const char *made);
int aws_create_key(int64_t t, int who, const char *key, int user, const char *newkey);
/* stories_entra.c: a credential added to an application (sp 0) or its service principal (sp 1) */
int entra_cred_add(int64_t t, int actor, int app, int sp, const char *const *old, int nold,
                   const char *const *new, int nnew, const char *made, int copies, const char *m365_upn);

#endif
