/* gen_filebeat.h: what the parts of the Filebeat-shaped corpus generator share (gen_filebeat.c
 * has the overview). gen_filebeat_doc.c: randomness, ids, the JSON writer, time, entities, the
 * document head and tail, the expected-alert counts; gen_filebeat_ms.c: azure auditlogs and
 * signinlogs, o365 audit; gen_filebeat.c: aws cloudtrail, gcp audit, the mix, main. */
#ifndef GEN_FILEBEAT_H
#define GEN_FILEBEAT_H
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>

/* randomness and ids: splitmix64, deterministic for a seed */
extern uint64_t seed_state;
uint64_t mix(uint64_t z);
uint64_t rnd(void);
unsigned rn(unsigned n);
int chance(unsigned per_mille);
#define PICK(a) ((a)[rn(sizeof(a) / sizeof((a)[0]))])
const char *guid(char out[37], unsigned kind, uint64_t n); /* kind 0: a fresh one */
const char *hexid(char *out, int n);

/* the JSON writer: keys in the order given; NULL key inside an array */
struct w {
    char *b;
    size_t n, cap;
    int depth;
    char first[32];
};
extern struct w doc, orig, *W;
void begin(struct w *w);
void O(const char *k); /* open an object */
void A(const char *k); /* open an array */
void E(void);          /* close an object */
void EA(void);         /* close an array */
void S(const char *k, const char *v);
void SF(const char *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void N(const char *k, long long v);
void F(const char *k, double v);
void BO(const char *k, int v);
void NUL(const char *k);
void AS1(const char *k, const char *v); /* an array of one string */

/* time: now_ms advances per document; ts styles: 0 ...00.123Z, 1 ...00.1234567+00:00,
 * 2 ...00Z, 3 ...00.123456789Z */
extern int64_t now_ms;
extern char tsnow[40];
const char *ts(char *out, int64_t ms, int style);

/* entities */
#define NUSERS 400
#define NAPPS 600
#define NSA 150
extern const char *const given[21], *const family[18], *const words[12];
extern const char DOMAIN[], TENANT[];
void upn(char *o, unsigned u);     /* 96 bytes */
void appname(char *o, unsigned a); /* 96 bytes */
struct geo {
    const char *ip, *city, *iso, *country, *continent, *region;
    double lat, lon;
    int asn;
    const char *org;
};
extern const struct geo *G; /* the current document's source address */
extern char ipbuf[40];
void pick_ip(unsigned who);
void source_block(const char *field, int with_geo);

/* the shipped rules, in rules/ order, and the alerts the generator expects of them */
enum {
    R_EC2,
    R_AKEY,
    R_AKEY_OTHER,
    R_LOGIN,
    R_STS,
    R_E_CRED,
    R_E_FED,
    R_E_CREATED,
    R_E_OWNER,
    R_E_SPCRED,
    R_E_TAP,
    R_G_OSLOGIN,
    R_G_SAKEY,
    R_M_CRED,
    R_M_CREATED,
    R_N
};
extern const char *const rule_stem[R_N];
extern uint64_t fired[R_N], alerts_total, near_misses;
extern int ev_alerts;
void fire(int rule);

/* lean (default): trimmed toward the issue corpus's ~950 bytes a document: no agent / input /
 * elastic_agent metadata, GeoIP on a third of documents, fewer redundant fields; 0 (--full):
 * every field the pipelines write (about 2.3 KB a document) */
extern int lean;
/* a document: head() opens it (agent, data_stream or fileset, input, ecs, @timestamp), event
 * objects end with event_common(), finish() closes and writes it */
extern uint64_t evno;
void head(const char *dataset, const char *module, const char *fileset, const char *input);
void event_common(const char *dataset, const char *module, const char *outcome);
int keep_original(void);
void finish(int preserved);

/* gen_filebeat_ms.c */
#define AZ_NALERT 9 /* kinds of azure audit alert, in gen_filebeat_ms.c's table */
#define M365_NALERT 4
void azure_audit_alert(int kind, int success);
void azure_audit_background(void);
void azure_signin(void);
void o365_alert(int kind, int success);
void o365_background(void);
#endif
