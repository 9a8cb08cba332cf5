/* gen_filebeat_doc.c: the document machinery of the Filebeat-shaped corpus generator: random
 * numbers and ids, a small JSON writer, time, entities, the document head and tail, and the
 * alerts each rule must raise. */
#include "gen_filebeat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- randomness and ids (splitmix64: deterministic, independent of gen.c) ---- */
uint64_t seed_state = 0x243F6A8885A308D3ull;
uint64_t mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
uint64_t rnd(void) { return seed_state = mix(seed_state); }
unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }
int chance(unsigned per_mille) { return rn(1000) < per_mille; }

/* a GUID for (kind, n): an entity always has the same one; kind 0 is "fresh" (per event) */
const char *guid(char out[37], unsigned kind, uint64_t n)
{
    uint64_t a = mix(((uint64_t)kind << 48) ^ n ^ 0x5851F42D4C957F2Dull), b = mix(a);
    if (!kind) a = rnd(), b = rnd();
    snprintf(out, 37, "%08" PRIx32 "-%04x-4%03x-%x%03x-%012" PRIx64, (uint32_t)(a >> 32),
             (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff, 8 + (unsigned)(b >> 62),
             (unsigned)(b >> 40) & 0xfff, (uint64_t)(b & 0xffffffffffffull));
    return out;
}
const char *hexid(char *out, int n)
{
    static const char h[] = "0123456789abcdef";
    for (int i = 0; i < n; i++)
        out[i] = h[rn(16)];
    out[n] = 0;
    return out;
}

/* ---- a tiny JSON writer: keys in the order given, strings escaped, UTF-8 kept raw ---- */
struct w doc, orig; /* the document; a raw record for event.original */
struct w *W = &doc;
static void put(const char *s, size_t n)
{
    if (W->n + n + 1 > W->cap) {
        W->cap = (W->n + n + 1) * 2;
        if (!(W->b = realloc(W->b, W->cap))) exit(3);
    }
    memcpy(W->b + W->n, s, n);
    W->n += n;
    W->b[W->n] = 0;
}
static void putz(const char *s) { put(s, strlen(s)); }
static void sep(void)
{
    if (!W->first[W->depth]) put(",", 1);
    W->first[W->depth] = 0;
}
static void jstr(const char *s)
{
    put("\"", 1);
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        char e[8];
        if (c == '"' || c == '\\')
            e[0] = '\\', e[1] = (char)c, put(e, 2);
        else if (c == '\n')
            put("\\n", 2);
        else if (c == '\r')
            put("\\r", 2);
        else if (c < 0x20)
            snprintf(e, sizeof e, "\\u%04x", c), put(e, 6);
        else
            put(p, 1);
    }
    put("\"", 1);
}
static void key(const char *k)
{
    sep();
    if (k) jstr(k), put(":", 1);
}
void O(const char *k) { key(k), put("{", 1), W->first[++W->depth] = 1; }
void A(const char *k) { key(k), put("[", 1), W->first[++W->depth] = 1; }
void E(void) { put("}", 1), W->depth--; }
void EA(void) { put("]", 1), W->depth--; }
void S(const char *k, const char *v) { key(k), jstr(v); }
void NUL(const char *k) { key(k), putz("null"); }
void BO(const char *k, int v) { key(k), putz(v ? "true" : "false"); }
void N(const char *k, long long v)
{
    char t[24];
    snprintf(t, sizeof t, "%lld", v);
    key(k), putz(t);
}
void F(const char *k, double v)
{
    char t[32];
    snprintf(t, sizeof t, "%.4f", v);
    key(k), putz(t);
}
void SF(const char *k, const char *fmt, ...)
{
    char t[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t, sizeof t, fmt, ap);
    va_end(ap);
    S(k, t);
}
void AS1(const char *k, const char *v) { A(k), S(NULL, v), EA(); } /* one-string array */
void begin(struct w *w) { W = w, w->n = 0, w->depth = 0, w->first[0] = 1, put("{", 1); }

/* ---- time ---- */
int64_t now_ms = 1714521600000; /* 2024-05-01T00:00:00Z */
static void civil(int64_t ms, int *Y, int *M, int *D, int *h, int *m, int *s)
{
    int64_t sec = ms / 1000, days = sec / 86400, rem = sec % 86400;
    int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    *D = (int)(doy - (153 * mp + 2) / 5 + 1), *M = (int)(mp < 10 ? mp + 3 : mp - 9);
    *Y = (int)(yoe + era * 400 + (*M <= 2)), *h = (int)(rem / 3600), *m = (int)(rem / 60 % 60);
    *s = (int)(rem % 60);
}
/* style 0: 2024-05-01T00:00:00.123Z  1: ...00.1234567+00:00  2: ...00Z  3: ...00.123456789Z */
const char *ts(char *out, int64_t ms, int style)
{
    int Y, M, D, h, m, s, f = (int)(ms % 1000);
    civil(ms, &Y, &M, &D, &h, &m, &s);
    int n = snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d", Y, M, D, h, m, s);
    if (style == 0)
        snprintf(out + n, 40 - n, ".%03dZ", f);
    else if (style == 1)
        snprintf(out + n, 40 - n, ".%03d%04u+00:00", f, rn(10000));
    else if (style == 2)
        snprintf(out + n, 40 - n, "Z");
    else
        snprintf(out + n, 40 - n, ".%03d%06uZ", f, rn(1000000));
    return out;
}

/* ---- entities ---- */
const char *const given[] = {"amara", "bjorn", "chidi", "dana",   "elif",  "farid", "greta",
                             "hiro",  "ines",  "jonas", "kalani", "lucia", "mateo", "nadia",
                             "oskar", "priya", "quinn", "rosa",   "soren", "tamar", "ugo"};
const char *const family[] = {"okafor",   "lindqvist", "haddad", "moreau",   "tanaka", "novak",
                              "castillo", "brennan",   "iyer",   "kowalski", "abara",  "petrov",
                              "schmidt",  "nguyen",    "olsen",  "reyes",    "varga",  "walsh"};
const char *const words[] = {"ledger", "atlas", "beacon", "harbor", "quarry", "summit",
                             "lumen",  "orbit", "relay",  "vault",  "ember",  "cobalt"};
const char DOMAIN[] = "nwlabs.example";
const char TENANT[] = "3f2a9c4e-7b1d-4e8a-9c55-0d6b2e71a4f3";
void upn(char *o, unsigned u)
{
    snprintf(o, 96, "%s.%s%u@%s", given[u % 21], family[(u / 21) % 18], u / 378, DOMAIN);
}
void appname(char *o, unsigned a)
{
    snprintf(o, 96, "%s-%s-%s", words[a % 12], words[(a / 12) % 12], a % 3 ? "api" : "svc");
}
/* addresses from the GeoLite2 test databases Elastic's pipeline tests use */
static const struct geo geos[] = {
    {"81.2.69.%u", "London", "GB", "United Kingdom", "Europe", "England", 51.5142, -0.0931, 0,
     NULL},
    {"89.160.20.%u", "Linköping", "SE", "Sweden", "Europe", "Östergötland County", 58.4167, 15.6167,
     29518, "Bredband2 AB"},
    {"216.160.83.%u", "Milton", "US", "United States", "North America", "Washington", 47.2513,
     -122.3149, 209, "CenturyLink"},
    {"175.16.199.%u", "Changchun", "CN", "China", "Asia", "Jilin Sheng", 43.88, 125.3228, 0, NULL},
    {"67.43.156.%u", NULL, "BT", "Bhutan", "Asia", NULL, 27.5, 90.5, 35908, NULL},
    {"1.128.3.%u", NULL, "AU", "Australia", "Oceania", NULL, -33.494, 143.2104, 1221,
     "Telstra Pty Ltd"},
};
const struct geo *G; /* the current event's source */
char ipbuf[40];
void pick_ip(unsigned who)
{
    G = &geos[who % 6];
    snprintf(ipbuf, sizeof ipbuf, G->ip, 2 + (who * 7 + rn(3)) % 250);
}
void source_block(const char *field, int with_geo)
{
    O(field);
    if (!strcmp(field, "source") && !lean && rn(2)) S("address", ipbuf);
    S("ip", ipbuf);
    if (with_geo && (!lean || rn(4) == 0)) {
        O("geo");
        if (G->city) S("city_name", G->city);
        S("continent_name", G->continent), S("country_iso_code", G->iso);
        S("country_name", G->country);
        O("location"), F("lat", G->lat), F("lon", G->lon), E();
        if (G->region) S("region_name", G->region);
        E();
        if (G->asn && !lean) {
            O("as"), N("number", G->asn);
            if (G->org) O("organization"), S("name", G->org), E();
            E();
        }
    }
    E();
}

/* ---- the rules and what the generator expects of them ---- */
const char *const rule_stem[R_N] = {"aws_ec2_key_pair_created_or_imported",
                                    "aws_iam_access_key_created",
                                    "aws_iam_access_key_created_for_another_user",
                                    "aws_iam_login_profile_created_or_updated",
                                    "aws_sts_get_federation_token",
                                    "entra_app_credential_added",
                                    "entra_app_federated_credential_added",
                                    "entra_app_or_sp_created",
                                    "entra_app_owner_added",
                                    "entra_sp_credential_added",
                                    "entra_temporary_access_pass_created",
                                    "gcp_oslogin_ssh_key_imported",
                                    "gcp_service_account_key_created",
                                    "m365_app_credential_added",
                                    "m365_app_or_sp_created"};
uint64_t fired[R_N], alerts_total, near_misses;
int ev_alerts;
void fire(int r) { fired[r]++, alerts_total++, ev_alerts++; }

/* ---- common document parts ---- */
static int agent_doc; /* 1: Elastic Agent (logs-*), 0: Filebeat module (filebeat-*) */
char tsnow[40];
uint64_t evno;
int lean = 1;
void head(const char *dataset, const char *module, const char *fileset, const char *input)
{
    begin(&doc);
    agent_doc = rn(10) < (lean ? 4 : 6);
    int ts_first = rn(10) < 7;
    ts(tsnow, now_ms, 0);
    if (ts_first) S("@timestamp", tsnow);
    char id[37], eid[37];
    if (!lean) {
        O("agent");
        SF("name", "%s-%02u", agent_doc ? "ea" : "fb", (unsigned)(evno % 7));
        S("id", guid(id, 11, evno % 7)), S("ephemeral_id", guid(eid, 12, evno % 7));
        S("type", "filebeat"), S("version", agent_doc ? "8.13.4" : "8.11.3");
        E();
    }
    O("ecs"), S("version", "8.11.0"), E();
    if (!ts_first) S("@timestamp", tsnow);
    if (agent_doc) {
        O("data_stream"), S("namespace", "default"), S("type", "logs"), S("dataset", dataset), E();
        if (!lean) O("elastic_agent"), S("id", id), BO("snapshot", 0), S("version", "8.13.4"), E();
    } else if (!lean) {
        O("fileset"), S("name", fileset), E();
        O("service"), S("type", module), E();
    }
    if (!lean) O("input"), S("type", input), E();
}
void event_common(const char *dataset, const char *module, const char *outcome)
{
    S("kind", "event");
    if (outcome) S("outcome", outcome);
    S("dataset", dataset);
    if (agent_doc && !lean) {
        char t[40];
        S("agent_id_status", "verified"), S("ingested", ts(t, now_ms + 2000 + rn(60000), 3));
    } else if (!agent_doc) {
        S("module", module);
    }
}
int keep_original(void) { return chance(lean ? 25 : 60); }
void finish(int preserved)
{
    if (preserved)
        AS1("tags", "preserve_original_event");
    else if (!agent_doc && !lean)
        A("tags"), S(NULL, "forwarded"), EA();
    E();
    put("\n", 1);
    fwrite(doc.b, 1, doc.n, stdout);
}
