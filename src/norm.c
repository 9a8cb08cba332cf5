/* norm: dispatch to the record families, and the helpers they share. */
#include "norm.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ct_norm_str {
    ct_norm_str *next;
    char s[];
};

static const char *const kind_names[CT_KIND__COUNT] = {
    [CT_KIND_GENERIC] = "generic",       [CT_KIND_ECS] = "ecs",
    [CT_KIND_AZURE_DIAG] = "azure-diagnostic", [CT_KIND_GRAPH] = "graph",
    [CT_KIND_SENTINEL] = "sentinel",     [CT_KIND_O365] = "o365",
    [CT_KIND_CLOUDTRAIL] = "cloudtrail", [CT_KIND_GCP] = "gcp",
    [CT_KIND_ELASTIC_ALERT] = "elastic-alert",
};

const char *ct_kind_name(ct_kind k)
{
    return k < CT_KIND__COUNT ? kind_names[k] : "?";
}

const char *ct_norm_keep(ct_norm *n, const char *s, size_t len)
{
    ct_norm_str *k = ct_xmalloc(sizeof *k + len + 1);
    memcpy(k->s, s, len);
    k->s[len] = 0;
    k->next = n->kept;
    n->kept = k;
    return k->s;
}

const char *ct_norm_keepz(ct_norm *n, const char *s)
{
    return s && *s ? ct_norm_keep(n, s, strlen(s)) : NULL;
}

void ct_norm_free(ct_norm *n)
{
    cJSON_Delete(n->doc);
    n->doc = NULL;
    while (n->kept) {
        ct_norm_str *k = n->kept;
        n->kept = k->next;
        free(k);
    }
}

/* Order matters: alerts carry ECS fields, EventBridge and ECS docs are tried
 * before the raw families that could look alike. */
static const struct family {
    ct_kind kind;
    int (*detect)(const cJSON *);
    int (*norm)(const cJSON *, ct_norm *, char *, size_t);
} families[] = {
    {CT_KIND_ELASTIC_ALERT, ct_norm_alert_detect, ct_norm_alert},
    {CT_KIND_ECS, ct_norm_ecs_detect, ct_norm_ecs},
    {CT_KIND_CLOUDTRAIL, ct_norm_cloudtrail_detect, ct_norm_cloudtrail},
    {CT_KIND_GCP, ct_norm_gcp_detect, ct_norm_gcp},
    {CT_KIND_O365, ct_norm_o365_detect, ct_norm_o365},
    {CT_KIND_AZURE_DIAG, ct_norm_azure_detect, ct_norm_azure},
    {CT_KIND_GRAPH, ct_norm_graph_detect, ct_norm_graph},
    {CT_KIND_SENTINEL, ct_norm_sentinel_detect, ct_norm_sentinel},
};

static void fields_reset(ct_fields *f)
{
    memset(f, 0, sizeof *f);
    f->ts = CT_TIME_NONE;
    f->alert_original_time = CT_TIME_NONE;
    f->alert_risk_score = -1;
}

static int normalize(const cJSON *rec, cJSON *donor, ct_norm *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->donor = donor;
    fields_reset(&out->f);
    if (!cJSON_IsObject(rec)) {
        snprintf(err, errlen, "record is not a JSON object");
        return -1;
    }
    for (size_t i = 0; i < CT_ARRAY_LEN(families); i++) {
        if (!families[i].detect(rec)) continue;
        out->kind = families[i].kind;
        if (families[i].norm(rec, out, err, errlen) < 0) {
            ct_norm_free(out);
            return -1;
        }
        return 0;
    }
    out->kind = CT_KIND_GENERIC;
    out->doc = ct_norm_adopt(out, rec);
    ct_fields_from_ecs(out);
    return 0;
}

cJSON *ct_norm_adopt(ct_norm *n, const cJSON *rec)
{
    if (n->donor && n->donor == rec) {
        cJSON *d = n->donor;
        n->donor = NULL;
        return d;
    }
    return cJSON_Duplicate(rec, 1);
}

int ct_normalize(const cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    return normalize(rec, NULL, out, err, errlen);
}

int ct_normalize_take(cJSON *rec, ct_norm *out, char *err, size_t errlen)
{
    int rc = normalize(rec, rec, out, err, errlen);
    /* not adopted (or the family failed after adopting: then it is the doc,
     * which ct_norm_free already deleted) */
    if (out->donor == rec) cJSON_Delete(rec);
    out->donor = NULL;
    return rc;
}

/* ---- JSON helpers ---- */

static const cJSON *child(const cJSON *o, const char *k, size_t klen, int icase)
{
    if (cJSON_IsArray(o)) {
        char *end;
        char tmp[24];
        if (klen == 0 || klen >= sizeof tmp) return NULL;
        memcpy(tmp, k, klen);
        tmp[klen] = 0;
        long idx = strtol(tmp, &end, 10);
        if (*end || idx < 0) return NULL;
        return cJSON_GetArrayItem(o, (int)idx);
    }
    if (!cJSON_IsObject(o)) return NULL;
    for (const cJSON *c = o->child; c; c = c->next) {
        if (!c->string || strlen(c->string) != klen) continue;
        if (icase ? ct_strncaseeq(c->string, k, klen) : !memcmp(c->string, k, klen)) return c;
    }
    return NULL;
}

static const cJSON *get(const cJSON *obj, const char *path, int icase)
{
    const cJSON *cur = obj;
    const char *p = path;
    while (cur && *p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        cur = child(cur, p, len, icase);
        p += len + (dot ? 1 : 0);
    }
    return cur;
}

const cJSON *ct_json_get(const cJSON *obj, const char *path)
{
    return get(obj, path, 0);
}

const char *ct_json_str(const cJSON *obj, const char *path)
{
    const cJSON *v = get(obj, path, 0);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

const char *ct_json_stri(const cJSON *obj, const char *path)
{
    const cJSON *v = get(obj, path, 1);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

void ct_json_set(cJSON *doc, const char *path, cJSON *val)
{
    cJSON *cur = doc;
    const char *p = path;
    char key[256];
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len >= sizeof key) len = sizeof key - 1;
        memcpy(key, p, len);
        key[len] = 0;
        if (!dot) {
            if (cJSON_GetObjectItemCaseSensitive(cur, key))
                cJSON_ReplaceItemInObjectCaseSensitive(cur, key, val);
            else
                cJSON_AddItemToObject(cur, key, val);
            return;
        }
        cJSON *next = cJSON_GetObjectItemCaseSensitive(cur, key);
        if (!cJSON_IsObject(next)) {
            if (next) cJSON_DeleteItemFromObjectCaseSensitive(cur, key);
            next = cJSON_AddObjectToObject(cur, key);
        }
        cur = next;
        p = dot + 1;
    }
}

void ct_json_set_str(cJSON *doc, const char *path, const char *s)
{
    if (s) ct_json_set(doc, path, cJSON_CreateString(s));
}

void ct_json_copy_str(cJSON *doc, const char *dst_path, const cJSON *src, const char *src_path)
{
    ct_json_set_str(doc, dst_path, ct_json_str(src, src_path));
}

cJSON *ct_json_parse_embedded(const char *s)
{
    if (!s) return NULL;
    while (isspace((unsigned char)*s)) s++;
    if (*s != '{' && *s != '[') return NULL;
    return cJSON_Parse(s);
}

/* ---- text folding ---- */

static int is_dash(const unsigned char *s, size_t *adv)
{
    /* U+2010..U+2015 = E2 80 90..95; U+2212 = E2 88 92 */
    if (s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x90 && s[2] <= 0x95) { *adv = 3; return 1; }
    if (s[0] == 0xE2 && s[1] == 0x88 && s[2] == 0x92) { *adv = 3; return 1; }
    return 0;
}

static int is_space(const unsigned char *s, size_t *adv)
{
    if (*s == ' ' || (*s >= '\t' && *s <= '\r')) { *adv = 1; return 1; }
    if (s[0] == 0xC2 && s[1] == 0xA0) { *adv = 2; return 1; } /* NBSP */
    return 0;
}

void ct_norm_action(const char *in, ct_sbuf *out)
{
    ct_sbuf_reset(out);
    if (!in) return;
    const unsigned char *s = (const unsigned char *)in;
    int pending_space = 0;
    while (*s) {
        size_t adv;
        if (is_space(s, &adv)) {
            pending_space = out->len > 0;
            s += adv;
            continue;
        }
        if (pending_space) ct_sbuf_addc(out, ' ');
        pending_space = 0;
        if (is_dash(s, &adv)) {
            ct_sbuf_addc(out, '-');
            s += adv;
        } else {
            ct_sbuf_addc(out, (char)*s++);
        }
    }
    if (out->len && out->buf[out->len - 1] == '.') {
        out->buf[--out->len] = 0;
        while (out->len && out->buf[out->len - 1] == ' ') out->buf[--out->len] = 0;
    }
}

void ct_snake_case(const char *in, ct_sbuf *out)
{
    ct_sbuf_reset(out);
    for (size_t i = 0; in[i]; i++) {
        unsigned char c = (unsigned char)in[i];
        if (isupper(c)) {
            int prev_lower = i > 0 && (islower((unsigned char)in[i - 1]) || isdigit((unsigned char)in[i - 1]));
            int next_lower = in[i + 1] && islower((unsigned char)in[i + 1]);
            int prev_upper = i > 0 && isupper((unsigned char)in[i - 1]);
            if (i > 0 && (prev_lower || (prev_upper && next_lower))) ct_sbuf_addc(out, '_');
            ct_sbuf_addc(out, (char)tolower(c));
        } else {
            ct_sbuf_addc(out, (char)c);
        }
    }
}

const char *ct_outcome_word(const char *s)
{
    if (!s) return NULL;
    static const char *const ok[] = {"success", "succeeded", "true", "0", "ok"};
    static const char *const bad[] = {"failure", "failed", "fail", "false", "error", "denied"};
    for (size_t i = 0; i < CT_ARRAY_LEN(ok); i++)
        if (ct_strcaseeq(s, ok[i])) return "success";
    for (size_t i = 0; i < CT_ARRAY_LEN(bad); i++)
        if (ct_strcaseeq(s, bad[i])) return "failure";
    return "unknown";
}

/* ---- generic ECS extraction ---- */

static const char *first_str(const cJSON *doc, const char *const *paths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = ct_json_str(doc, paths[i]);
        if (s) return s;
        /* Filebeat sometimes writes flat dotted keys */
        const cJSON *flat = cJSON_GetObjectItemCaseSensitive(doc, paths[i]);
        if (cJSON_IsString(flat) && flat->valuestring[0]) return flat->valuestring;
    }
    return NULL;
}
#define FIRST(doc, ...) first_str(doc, (const char *const[]){__VA_ARGS__}, \
    sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

void ct_fields_from_ecs(ct_norm *n)
{
    const cJSON *d = n->doc;
    ct_fields *f = &n->f;
    const char *ts = FIRST(d, "@timestamp");
    int64_t ms;
    if (f->ts == CT_TIME_NONE && ts && ct_time_parse(ts, strlen(ts), &ms) == 0) f->ts = ms;
    if (!f->dataset) f->dataset = FIRST(d, "event.dataset", "data_stream.dataset");
    if (!f->action) {
        const char *a = FIRST(d, "event.action");
        if (a) {
            ct_sbuf b;
            ct_sbuf_init(&b);
            ct_norm_action(a, &b);
            f->action = b.len ? ct_norm_keep(n, b.buf, b.len) : NULL;
            ct_sbuf_free(&b);
        }
    }
    if (!f->outcome) f->outcome = FIRST(d, "event.outcome");
    if (!f->record_id) f->record_id = FIRST(d, "event.id");
    const char *ds = f->dataset ? f->dataset : "";
    if (!strcmp(ds, "azure.auditlogs")) ct_extract_azure_audit(n);
    else if (!strcmp(ds, "azure.signinlogs")) ct_extract_azure_signin(n);
    else if (!strcmp(ds, "o365.audit")) ct_extract_o365(n);
    else if (!strcmp(ds, "aws.cloudtrail")) ct_extract_cloudtrail(n);
    else if (!strcmp(ds, "gcp.audit")) ct_extract_gcp(n);
    if (n->kind == CT_KIND_ELASTIC_ALERT) ct_extract_alert(n);
    /* generic fallbacks for whatever the dataset extractor left unknown */
    if (!f->actor_id) f->actor_id = FIRST(d, "user.id");
    if (!f->actor_name) f->actor_name = FIRST(d, "user.email", "user.name");
    if (!f->actor_ip) f->actor_ip = FIRST(d, "source.ip", "client.ip");
    if (!f->actor_ua) f->actor_ua = FIRST(d, "user_agent.original");
    if (!f->target_name) f->target_name = FIRST(d, "user.target.name");
}

/* ---- the "credtriage" object ---- */

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v) cJSON_AddStringToObject(o, k, v);
}

static cJSON *entity(const char *const *kv, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i + 1 < n; i += 2) add_str(o, kv[i], kv[i + 1]);
    if (!o->child) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *ct_fields_to_json(const ct_fields *f, const char *file, uint64_t line)
{
    cJSON *o = cJSON_CreateObject();
    if (f->ts != CT_TIME_NONE) {
        char t[32];
        ct_time_fmt(f->ts, t);
        cJSON_AddStringToObject(o, "timestamp", t);
    }
    add_str(o, "dataset", f->dataset);
    add_str(o, "action", f->action);
    add_str(o, "outcome", f->outcome);
    const char *actor[] = {"id", f->actor_id, "name", f->actor_name, "type", f->actor_type,
                           "ip", f->actor_ip, "user_agent", f->actor_ua};
    const char *target[] = {"id", f->target_id, "name", f->target_name, "type", f->target_type};
    const char *cred[] = {"id", f->cred_id, "type", f->cred_type, "name", f->cred_name,
                          "end", f->cred_end};
    cJSON *e;
    if ((e = entity(actor, CT_ARRAY_LEN(actor)))) cJSON_AddItemToObject(o, "actor", e);
    if ((e = entity(target, CT_ARRAY_LEN(target)))) cJSON_AddItemToObject(o, "target", e);
    if (f->is_credential_add && (e = entity(cred, CT_ARRAY_LEN(cred))))
        cJSON_AddItemToObject(o, "credential", e);
    add_str(o, "credential_used", f->cred_used);
    if (file) {
        cJSON *src = cJSON_AddObjectToObject(o, "source");
        cJSON_AddStringToObject(src, "file", file);
        cJSON_AddNumberToObject(src, "line", (double)line);
    }
    return o;
}
