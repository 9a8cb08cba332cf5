/* world: an independent ground-truth generator for credtriage's correlation
 * (issue #13). It writes raw cloud audit logs in the shapes the providers
 * document (Entra diagnostic AuditLogs / SignInLogs / ServicePrincipalSignInLogs,
 * Microsoft Graph directoryAudits, Sentinel AuditLogs rows, the Microsoft 365
 * audit log, CloudTrail, GCP Cloud Audit Logs) and, beside them, expected.json:
 * for every alert it plants, the exact record ids each correlation component
 * must hold under the definitions. Nothing here reads credtriage's code;
 * see tests/world/README.md. Plain C11 and libc only. */
#ifndef WORLD_H
#define WORLD_H

#include <stddef.h>
#include <stdint.h>

/* ---- util.c ---------------------------------------------------------- */
typedef struct {
    uint64_t s;
} Rng;
uint64_t rng_next(Rng *r);
uint32_t rng_below(Rng *r, uint32_t n);
Rng rng_from(uint64_t seed, uint64_t stream);

typedef struct {
    char *p;
    size_t n, cap;
} Buf;
void bput(Buf *b, const char *s);
void bputn(Buf *b, const char *s, size_t n);
void bputf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bjs(Buf *b, const char *s);  /* a JSON string, or null for NULL */
char *bdone(Buf *b);              /* the text, owned by the caller; b is reset */

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ids in the providers' shapes, from a generator stream */
char *id_guid(Rng *r);
char *id_upper(Rng *r, const char *prefix, int n); /* AKIA..., AIDA... */
char *id_lowhex(Rng *r, int n);
char *id_lowalnum(Rng *r, int n);
char *id_digits(Rng *r, int n);
char *id_directory(Rng *r, const char *corr); /* Directory_<corr>_<5>_<9 digits> */

/* Time is kept in 100 ns ticks since 1970-01-01 UTC (Entra's 7 digits). */
#define TICK_S 10000000LL
#define TICK_MS 10000LL
#define DAY (86400LL * TICK_S)
#define HOUR (3600LL * TICK_S)
#define MIN (60LL * TICK_S)
int64_t t_at(int day, int h, int m, int s, int frac7); /* day 0 = T0 */
extern int64_t T0;
void t_init(void);
/* formats: 'E' 2027-03-05T02:14:07.2585101Z, 'O' ...2585101+00:00,
 * 'S' ...07Z (CloudTrail), 'N' ...07.258510100Z (GCP, ns), 'M' ...07 (M365, no
 * zone), 'I' ...07.258Z (ISO ms, expected.json), 'B' Nov 6, 2026 2:05:40 PM */
char *tfmt(int64_t t, char form);

/* ---- model.c: entities, records, alerts, truth --------------------------- */
enum {
    K_USER,     /* Entra user: id objectId, id2 UPN */
    K_APP,      /* application + its service principal: id objectId, id2 appId, id3 spId */
    K_SP,       /* service principal with no application in the tenant (managed identity) */
    K_IAMUSER,  /* id arn, id2 principalId (AIDA...), name userName, acct */
    K_SESSION,  /* id assumed-role arn, id2 principalId (AROA...:name), id3 role arn, id4 role id */
    K_ROLE,     /* id role arn, id2 role id */
    K_ROOT,     /* id arn ...:root, id2 account id */
    K_FEDUSER,  /* id federated-user arn, id2 federatedUserId (acct:name) */
    K_GUSER,    /* GCP user principal: id email */
    K_GSA,      /* GCP service account: id email, id2 unique id, acct project */
    K_KEYPAIR,  /* an EC2 key pair: id keyPairId, name keyName (the target of CreateKeyPair) */
};
typedef struct {
    int kind;
    const char *name;
    const char *id, *id2, *id3, *id4;
    const char *acct;
    const char *ip, *ua; /* where and how it usually works */
    const char *key;     /* the credential it usually authenticates with */
} Ent;

enum { F_AUDIT, F_SIGNIN, F_SPSIGNIN, F_CT, F_GCP, F_M365, F_GRAPH, F_SENTINEL, F_COUNT };
extern const char *const file_names[F_COUNT];

typedef struct {
    int64_t t;          /* the time the record states (truncated as its shape does) */
    uint64_t seed;      /* background records: everything derives from it */
    const char *rid;    /* the record's id; NULL for background records */
    const char *used;   /* credential it authenticated with (key id), or NULL */
    const char *made;   /* credential it created, or NULL */
    char *text;         /* rendered record; NULL for background (rendered at write) */
    int actor, target;  /* entity indexes (truth), -1 for none */
    int canon;          /* a copy of another export of the same change: its spec */
    uint16_t kind;      /* background kind */
    uint8_t file;
    int a, b, c;        /* background parameters */
} Spec;

typedef struct {
    int spec;
    const char *stem;  /* rules/<provider>/<stem>.json */
    const char *story; /* short story label */
} Alert;

typedef struct {
    Ent *ents;
    int nents, capents;
    Spec *specs;
    int nspecs, capspecs;
    Alert *alerts;
    int nalerts, capalerts;
    Rng story; /* story stream: the same whatever -n says */
    long n;    /* requested size */
} World;
extern World W;

int ent_add(const Ent *e);
int spec_add(const Spec *s);
void alert_add(int spec, const char *stem, const char *story);
/* evidence: two ids a record states together (case-insensitive). weak: only
 * Entra's additionalDetails AppId beside an application target */
void ev_link(const char *a, const char *b);
void ev_link_weak(const char *a, const char *b);
void ev_note(const char *id); /* an id a record states (alone) */
int ent_ids(int e, const char **out); /* the ids (not names) of an entity, at most 3 */
int evidence_check(unsigned char *weak);

/* ---- entra.c ------------------------------------------------------------ */
extern const char *TENANT;
typedef struct {
    const char *name, *oldv, *newv; /* values as the record's JSON strings hold them */
} MProp;
typedef struct {
    const char *id, *name, *type, *upn;
    MProp mp[8];
    int nmp;
} TRes;
enum { CP_M365 = 1, CP_GRAPH = 2, CP_SENTINEL = 4, CP_SENTINEL_TWICE = 8 };
typedef struct {
    int64_t t;
    const char *op;       /* exactly as Entra writes it */
    const char *category; /* ApplicationManagement, UserManagement, ... */
    const char *service;  /* loggedByService */
    const char *optype;   /* Add, Update, Assign, ... */
    int failed;
    const char *reason;
    int actor;
    const char *ip, *ua; /* NULL: the actor's usual */
    TRes tr[2];
    int ntr;
    const char *add_appid; /* additionalDetails AppId (the target application's) */
    int target;
    const char *made;
    const char *corr; /* NULL: a new correlation id */
    int copies;       /* CP_* */
    const char *m365_upn; /* the actor's UPN as the M365 copy spells it */
} Audit;
int ev_audit(const Audit *a);
extern int m365_copy_of_last; /* the spec of the last M365 copy ev_audit wrote */
typedef struct {
    const char *name, *appid, *resource, *resource_id;
} Client;
extern const Client C_PORTAL, C_GRAPHPS, C_OFFICE, C_TEAMS;
Client client_of(int app_ent, const char *resource, const char *resource_id);
/* a user's sign-in. upn: NULL for the directory's spelling (case variants are
 * the same user). err 0 success, else an AADSTS code */
int ev_signin(int64_t t, int user, const Client *c, int err, const char *upn, const char *ip,
              const char *method);
/* a service principal's sign-in with one of its credentials */
int ev_spsignin(int64_t t, int sp, const char *keyid, int err, const char *ip, const char *resource);
char *keydesc(const char *const *keys, int n); /* KeyDescription JSON text */
void entra_render_bg_signin(Buf *b, const Spec *s);
void entra_render_bg_spsignin(Buf *b, const Spec *s);
void entra_render_bg_audit(Buf *b, const Spec *s);

/* ---- aws.c -------------------------------------------------------------- */
extern const char *ACCT, *ACCT2;
typedef struct {
    int64_t t;
    int actor;
    const char *key; /* userIdentity.accessKeyId, NULL for console sign-in */
    const char *source, *name, *region, *ip, *ua;
    const char *req, *resp, *extra; /* JSON text: requestParameters, responseElements, more fields */
    const char *err;
    int readonly;
    int target;
    const char *made;
    const char *invoked_by;
} Call;
int ev_ct(const Call *c);
void render_ct(Buf *b, const Call *c, const char *rid, const char *reqid);
void aws_render_bg(Buf *b, const Spec *s);

/* ---- gcp.c -------------------------------------------------------------- */
typedef struct {
    int64_t t;
    int actor;
    const char *key; /* service account key id, or NULL */
    const char *project, *service, *method, *resource_name, *ip, *ua;
    const char *req, *resp;  /* JSON text or NULL */
    const char *res_type, *res_labels; /* resource.type and labels JSON text */
    const char *perm, *perm_res;
    int data_access;
    int target;
    const char *made;
} Gcall;
int ev_gcp(const Gcall *g);
void render_gcp(Buf *b, const Gcall *g, const char *rid);
char *gcp_keyname(const char *project, const char *sa_email, const char *keyid);
void gcp_render_bg(Buf *b, const Spec *s);

/* ---- stories_*.c, background.c ------------------------------------------ */
void stories_entra(void);
void stories_aws(void);
void stories_gcp(void);
void stories_esql(void); /* the ES|QL rules' scenarios (issue #19) */
void background(long count);
void bg_render(Buf *b, const Spec *s);
const char *spec_rid(int i); /* a record's id (background ids are derived on demand) */
enum { BG_SIGNIN = 1, BG_SPSIGNIN, BG_AUDIT, BG_CT, BG_GCP };

/* ---- esql_truth.c: the ES|QL rules' alerts, from the records' facts ----- */
void fact_ct(int spec, const Call *c);
void fact_audit(int spec, const Audit *a);
void fact_spsignin(int spec, int sp, const char *keyid, int err, const char *ip);
void esql_truth(void); /* plants them (alert_add) */

/* ---- truth.c ------------------------------------------------------------ */
int truth_write(const char *dir, long nrecords);

#endif
