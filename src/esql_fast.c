/* esql_fast: an ES|QL query's columns of a stored event without its document
 * (esql_fast.h). What the rebuilt document (ct_store_event_json) holds at a
 * column, read another way:
 *  - credtriage.*: the store's fields (the document's namespace is theirs);
 *  - an ECS document (norm_ecs.c) is the record itself, but for its repairs:
 *    dotted keys unflattened (such records decline), event.dataset and
 *    data_stream.dataset filled from each other (and from kibana.*, which
 *    declines), event.action and three other operation names folded
 *    (ct_norm_action). Any other column is every leaf at the dotted name in
 *    the record's bytes, walked as esql_doc_field walks the tree;
 *  - a raw CloudTrail record (norm_aws.c ct_norm_cloudtrail): the columns of
 *    the fields it copies as they are, each from its key; the java-style
 *    strings of requestParameters / responseElements decline unless absent;
 *  - a raw Azure sign-in (norm_azure.c signin_to_ecs): the event's id, action
 *    (folded), outcome (status.error_code), time and address, from the keys
 *    the record's snake_case folding reads (fastscan.c's shape, exactly).
 * Strings with an escape, records that are not strictly valid JSON (the
 * validator of fastscan_json.c), a key twice where a repaired or copied value
 * is read, and every column not listed here decline. */
#include "esql_fast.h"
#include "fastscan_int.h"

#include <stdlib.h>
#include <string.h>

const ct_esql_stored ct_esql_stored_cols[] = {
    {"credtriage.dataset", CT_EF_DATASET, 0},         {"credtriage.action", CT_EF_ACTION, 0},
    {"credtriage.outcome", CT_EF_OUTCOME, 0},         {"credtriage.actor.id", CT_EF_ACTOR_ID, 0},
    {"credtriage.actor.alt_id", CT_EF_ACTOR_ID2, 0},  {"credtriage.actor.name", CT_EF_ACTOR_NAME, 0},
    {"credtriage.actor.type", CT_EF_ACTOR_TYPE, 0},   {"credtriage.actor.ip", CT_EF_ACTOR_IP, 0},
    {"credtriage.actor.user_agent", CT_EF_ACTOR_UA, 0}, {"credtriage.target.id", CT_EF_TARGET_ID, 0},
    {"credtriage.target.alt_id", CT_EF_TARGET_ID2, 0}, {"credtriage.target.name", CT_EF_TARGET_NAME, 0},
    {"credtriage.target.type", CT_EF_TARGET_TYPE, 0}, {"credtriage.target.app_id", CT_EF_TARGET_APP_ID, 0},
    {"credtriage.credential.id", CT_EF_CRED_ID, 1},   {"credtriage.credential.type", CT_EF_CRED_TYPE, 1},
    {"credtriage.credential.name", CT_EF_CRED_NAME, 1}, {"credtriage.credential.end", CT_EF_CRED_END, 1},
    {"credtriage.credential_used", CT_EF_CRED_USED, 0}, {"credtriage.client_app", CT_EF_CLIENT_APP, 0},
    {"credtriage.resource", CT_EF_RESOURCE, 0},       {"credtriage.named", CT_EF_NAMED, 0},
    {"credtriage.change_id", CT_EF_CHANGE_ID, 0},
};
const size_t ct_esql_nstored = CT_ARRAY_LEN(ct_esql_stored_cols);

/* The raw CloudTrail columns (ct_norm_cloudtrail). */
enum {
    CT_NONE = -1, CT_DATASET, CT_PROVIDER, CT_ACTION, CT_OUTCOME, CT_ID, CT_REGION, CT_ADDRESS, CT_IP,
    CT_UA, CT_TS, CT_UI_TYPE, CT_UI_ARN, CT_UI_KEY, CT_ACCOUNT, CT_USER_NAME, CT_USER_ID,
    CT_REQUEST, CT_RESPONSE, CT_TARGET_NAME,
};
static const struct {
    const char *col;
    int id;
} trail_cols[] = {
    {"event.dataset", CT_DATASET},
    {"data_stream.dataset", CT_DATASET},
    {"event.provider", CT_PROVIDER},
    {"event.action", CT_ACTION},
    {"event.outcome", CT_OUTCOME},
    {"event.id", CT_ID},
    {"cloud.region", CT_REGION},
    {"source.address", CT_ADDRESS},
    {"source.ip", CT_IP},
    {"user_agent.original", CT_UA},
    {"@timestamp", CT_TS},
    {"aws.cloudtrail.user_identity.type", CT_UI_TYPE},
    {"aws.cloudtrail.user_identity.arn", CT_UI_ARN},
    {"aws.cloudtrail.user_identity.access_key_id", CT_UI_KEY},
    {"cloud.account.id", CT_ACCOUNT},
    {"user.name", CT_USER_NAME},
    {"user.id", CT_USER_ID},
    {"aws.cloudtrail.request_parameters", CT_REQUEST},
    {"aws.cloudtrail.response_elements", CT_RESPONSE},
    {"user.target.name", CT_TARGET_NAME},
};

/* ECS columns norm_ecs.c repairs. */
enum { EC_WALK, EC_EDS, EC_DDS, EC_ACTION, EC_NO };

/* The raw Azure sign-in columns (signin_to_ecs). */
enum { SI_NONE = -1, SI_DATASET, SI_ACTION, SI_OUTCOME, SI_ID, SI_TS, SI_IP, SI_ADDRESS };
static const struct {
    const char *col;
    int id;
} signin_cols[] = {
    {"event.dataset", SI_DATASET}, {"data_stream.dataset", SI_DATASET}, {"event.action", SI_ACTION},
    {"event.outcome", SI_OUTCOME}, {"event.id", SI_ID},                 {"@timestamp", SI_TS},
    {"source.ip", SI_IP},          {"client.ip", SI_IP},                {"source.address", SI_ADDRESS},
};

typedef struct col {
    const char *name;
    int stored; /* index into ct_esql_stored_cols, or -1 */
    int trail;  /* CT_* */
    int signin; /* SI_* */
    int ecs;    /* EC_* */
} col;

/* A column walked in an ECS document: the rest of its name from here. */
typedef struct want {
    const char *name;
    size_t nl, k;
} want;

#define WANT_MAX 48

struct ct_esql_fast {
    col *c;
    size_t n;
    want *walk; /* the EC_WALK columns */
    size_t nwalk;
    int any_stored;
    char *buf; /* the record's bytes */
    size_t cap;
    char *win; /* a window of one input's bytes (WINDOW), read in one go */
    size_t woff, wlen;
    uint32_t wsrc;
};

/* Records of a window read with one system call: a part's events come in
 * the order of their files, so one pread serves a few hundred of them. */
#define WINDOW (256 * 1024)

ct_esql_fast *ct_esql_fast_new(const char *const *cols, size_t n)
{
    ct_esql_fast *f = ct_xcalloc(1, sizeof *f);
    f->c = ct_xcalloc(n + 1, sizeof *f->c);
    f->n = n;
    for (size_t k = 0; k < n; k++) {
        col *c = &f->c[k];
        c->name = cols[k];
        c->stored = -1;
        c->trail = CT_NONE;
        c->signin = SI_NONE;
        c->ecs = EC_WALK;
        for (size_t t = 0; t < CT_ARRAY_LEN(signin_cols); t++)
            if (!strcmp(cols[k], signin_cols[t].col)) c->signin = signin_cols[t].id;
        for (size_t s = 0; s < ct_esql_nstored; s++)
            if (!strcmp(cols[k], ct_esql_stored_cols[s].col)) c->stored = (int)s;
        for (size_t t = 0; t < CT_ARRAY_LEN(trail_cols); t++)
            if (!strcmp(cols[k], trail_cols[t].col)) c->trail = trail_cols[t].id;
        if (!strcmp(cols[k], "event.dataset")) c->ecs = EC_EDS;
        else if (!strcmp(cols[k], "data_stream.dataset")) c->ecs = EC_DDS;
        else if (!strcmp(cols[k], "event.action")) c->ecs = EC_ACTION;
        else if (!strcmp(cols[k], "azure.auditlogs.operation_name") ||
                 !strcmp(cols[k], "azure.auditlogs.properties.activity_display_name") ||
                 !strcmp(cols[k], "o365.audit.Operation") || !strncmp(cols[k], "credtriage", 10) ||
                 !strncmp(cols[k], "kibana", 6) || !*cols[k])
            c->ecs = EC_NO;
        if (!strncmp(cols[k], "credtriage", 10)) {
            f->any_stored = 1;
            c->trail = CT_NONE;
            c->signin = SI_NONE;
        }
    }
    f->walk = ct_xcalloc(n + 1, sizeof *f->walk);
    for (size_t k = 0; k < n; k++)
        if (f->c[k].ecs == EC_WALK && f->c[k].stored < 0)
            f->walk[f->nwalk++] = (want){cols[k], strlen(cols[k]), k};
    return f;
}

void ct_esql_fast_free(ct_esql_fast *f)
{
    if (!f) return;
    free(f->c);
    free(f->walk);
    free(f->buf);
    free(f->win);
    free(f);
}

/* A stored credtriage column; 0 when it is none of them. */
static int stored(const col *c, const ct_store *st, const ct_event *e, size_t k, ct_esql_cols *out)
{
    if (c->stored < 0) return 0;
    const ct_esql_stored *s = &ct_esql_stored_cols[c->stored];
    const char *v = s->cred && !(e->flags & CT_EVF_CRED_ADD) ? NULL : ct_event_str(st, e, s->f);
    if (v) ct_esql_cols_str(out, k, v, strlen(v));
    return 1;
}

/* ---- the leaves of a validated value, as esql_val.c's leaf() and walk() ---- */

/* A JSON integer as cJSON reads it (strtod of at most 63 bytes); a fraction
 * or exponent declines (cJSON reads it with the locale's decimal point). */
static int number(const char *p, const char *e, double *d)
{
    char b[64];
    size_t n = (size_t)(e - p);
    if (n >= 60 || memchr(p, '.', n) || memchr(p, 'e', n) || memchr(p, 'E', n)) return -1;
    memcpy(b, p, n);
    b[n] = 0;
    *d = strtod(b, NULL);
    return 0;
}

static int leaf(span v, const char *e, ct_esql_cols *out, size_t k)
{
    switch (*v.v) {
    case '[': {
        ARRAY_EACH(v, e, q, qe)
        {
            span x = {q, qe};
            if (leaf(x, e, out, k) < 0) return -1;
        }
        return 0;
    }
    case '"': {
        const char *b = v.v + 1;
        size_t n = (size_t)(v.e - 1 - b);
        if (memchr(b, '\\', n)) return -1;
        ct_esql_cols_str(out, k, b, n);
        return 0;
    }
    case 't': ct_esql_cols_bool(out, k, 1); return 0;
    case 'f': ct_esql_cols_bool(out, k, 0); return 0;
    case '{':
    case 'n': return 0; /* objects and nulls are no values of a column */
    default: {
        double d;
        if (number(v.v, v.e, &d) < 0) return -1;
        ct_esql_cols_num(out, k, d);
        return 0;
    }
    }
}

/* Every column of w at once (n of them): for each member, the leaves of the
 * columns it ends and, in one descent, those it begins. Each column gets its
 * leaves in the order esql_doc_field's walk meets them. */
static int walk(span v, const char *e, const want *w, size_t n, ct_esql_cols *out, int depth)
{
    if (depth > 64) return 0;
    if (*v.v == '[') {
        ARRAY_EACH(v, e, q, qe)
        {
            span x = {q, qe};
            if (walk(x, e, w, n, out, depth + 1) < 0) return -1;
        }
        return 0;
    }
    if (*v.v != '{') return 0;
    ct_fs_member m;
    OBJ_EACH(v, e, m)
    {
        want sub[WANT_MAX];
        size_t ns = 0;
        for (size_t j = 0; j < n; j++) {
            if (m.kn > w[j].nl || (m.kn && m.k[0] != w[j].name[0]) || memcmp(m.k, w[j].name, m.kn)) continue;
            if (m.kn == w[j].nl) {
                if (*m.v.v != '{' && leaf(m.v, e, out, w[j].k) < 0) return -1;
            } else if (w[j].name[m.kn] == '.') {
                sub[ns++] = (want){w[j].name + m.kn + 1, w[j].nl - m.kn - 1, w[j].k};
            }
        }
        if (ns && walk(m.v, e, sub, ns, out, depth + 1) < 0) return -1;
    }
    return 0;
}

/* A non-empty string without escapes (ct_json_str), none, or -1. */
static int text(span s, ct_fstr *out)
{
    return sval(s, out);
}

static void put(ct_esql_cols *out, size_t k, ct_fstr s)
{
    if (s.s) ct_esql_cols_str(out, k, s.s, s.n);
}

/* ---- ECS documents (norm_ecs.c) ---- */

static int fill_ecs(const ct_esql_fast *f, const ct_store *st, const ct_event *ev, span doc, const char *e,
                    ct_esql_cols *out)
{
    static const char *const top[] = {"event", "data_stream", "credtriage", "kibana"};
    span t[4];
    if (ct_fs_obj_get(doc.v, e, top, 4, t, 0, 0) != GET_OK) return 0; /* one of them twice */
    if (t[3].v) return 0; /* kibana.alert.original_event.* may fill the dataset or action */
    if ((t[0].v && !is_obj(t[0])) || (t[1].v && !is_obj(t[1]))) return 0;
    static const char *const ds[] = {"dataset", "action"};
    span ev2[2] = {{0}}, dd[1] = {{0}};
    if (t[0].v && ct_fs_obj_get(t[0].v, e, ds, 2, ev2, 0, 0) != GET_OK) return 0;
    if (t[1].v && ct_fs_obj_get(t[1].v, e, ds, 1, dd, 0, 0) != GET_OK) return 0;
    ct_fstr eds, dds, act;
    if (text(ev2[0], &eds) < 0 || text(dd[0], &dds) < 0 || text(ev2[1], &act) < 0) return 0;
    /* present but no plain string: the repair would replace or keep it */
    if ((ev2[0].v && !eds.s) || (dd[0].v && !dds.s) || (ev2[1].v && !is_str(ev2[1]))) return 0;
    if (!eds.s) eds = dds;
    if (!dds.s) dds = eds;
    for (size_t k = 0; k < f->n; k++) {
        const col *c = &f->c[k];
        if (stored(c, st, ev, k, out)) continue;
        switch (c->ecs) {
        case EC_EDS: put(out, k, eds); break;
        case EC_DDS: put(out, k, dds); break;
        case EC_ACTION:
            if (ev2[1].v) {
                const char *b = ev2[1].v + 1;
                size_t n = (size_t)(ev2[1].e - 1 - b);
                if (memchr(b, '\\', n)) return 0;
                ct_fstr a = {b, (uint32_t)n};
                if (n && ct_fs_fold_is_identity(a)) {
                    ct_esql_cols_str(out, k, b, n);
                } else {
                    char *s = ct_xstrndup(b, n);
                    ct_sbuf fb;
                    ct_sbuf_init(&fb);
                    ct_norm_action(s, &fb);
                    ct_esql_cols_str(out, k, fb.buf, fb.len);
                    ct_sbuf_free(&fb);
                    free(s);
                }
            }
            break;
        case EC_WALK: break; /* below, all at once */
        default: return 0;
        }
    }
    if (f->nwalk > WANT_MAX) { /* one at a time */
        for (size_t j = 0; j < f->nwalk; j++)
            if (walk(doc, e, &f->walk[j], 1, out, 0) < 0) return 0;
        return 1;
    }
    return f->nwalk ? walk(doc, e, f->walk, f->nwalk, out, 0) == 0 : 1;
}

/* ---- raw CloudTrail (norm_aws.c ct_norm_cloudtrail) ---- */

enum { R_SOURCE, R_NAME, R_ID, R_REGION, R_IP, R_UA, R_ERR, R_ERRMSG, R_TIME, R_UI, R_REQ, R_RESP,
       R_DETAIL_TYPE, R_DETAIL, R__N };
static const char *const trail_top[] = {
    "eventSource", "eventName", "eventID", "awsRegion", "sourceIPAddress", "userAgent", "errorCode",
    "errorMessage", "eventTime", "userIdentity", "requestParameters", "responseElements", "detail-type",
    "detail",
};
enum { U_TYPE, U_NAME, U_ARN, U_ACCOUNT, U_KEY, U_PRINCIPAL, U__N };
static const char *const trail_ui[] = {"type", "userName", "arn", "accountId", "accessKeyId", "principalId"};

static int fill_trail(const ct_esql_fast *f, const ct_store *st, const ct_event *ev, span doc, const char *e,
                      ct_esql_cols *out)
{
    span r[R__N], u[U__N];
    if (ct_fs_obj_get(doc.v, e, trail_top, R__N, r, 0, 0) != GET_OK) return 0;
    if (r[R_DETAIL_TYPE].v || r[R_DETAIL].v) return 0; /* an EventBridge envelope, maybe */
    for (int i = 0; i < U__N; i++) u[i].v = u[i].e = NULL;
    int ui = is_obj(r[R_UI]);
    if (ui && ct_fs_obj_get(r[R_UI].v, e, trail_ui, U__N, u, 0, 0) != GET_OK) return 0;
    ct_fstr name, err, errmsg;
    if (text(r[R_NAME], &name) < 0 || text(r[R_ERR], &err) < 0 || text(r[R_ERRMSG], &errmsg) < 0) return 0;
    if (feq(name, "ConsoleLogin")) return 0; /* its outcome is in responseElements */
    for (size_t k = 0; k < f->n; k++) {
        const col *c = &f->c[k];
        if (stored(c, st, ev, k, out)) continue;
        ct_fstr s = {0};
        span v = {0};
        switch (c->trail) {
        case CT_DATASET: s = lit("aws.cloudtrail"); break;
        case CT_PROVIDER: v = r[R_SOURCE]; break;
        case CT_ACTION: s = name; break;
        case CT_OUTCOME: s = lit(err.s || errmsg.s ? "failure" : "success"); break;
        case CT_ID: v = r[R_ID]; break;
        case CT_REGION: v = r[R_REGION]; break;
        case CT_ADDRESS: v = r[R_IP]; break;
        case CT_IP:
            if (text(r[R_IP], &s) < 0) return 0;
            if (!ct_fs_is_ip(s)) s.s = NULL;
            break;
        case CT_UA: v = r[R_UA]; break;
        case CT_TS: {
            ct_fstr t;
            int64_t ms;
            if (text(r[R_TIME], &t) < 0) return 0;
            if (t.s && ct_time_parse(t.s, t.n, &ms) == 0) {
                char b[32];
                ct_time_fmt(ms, b);
                ct_esql_cols_str(out, k, b, strlen(b));
            }
            continue;
        }
        case CT_UI_TYPE: /* copied whatever it is: a string, or nothing */
            if (u[U_TYPE].v && !is_str(u[U_TYPE]) && *u[U_TYPE].v != 'n') return 0;
            v = u[U_TYPE];
            break;
        case CT_UI_ARN: v = u[U_ARN]; break;
        case CT_UI_KEY: v = u[U_KEY]; break;
        case CT_ACCOUNT: v = u[U_ACCOUNT]; break;
        case CT_USER_ID: v = u[U_PRINCIPAL]; break;
        case CT_USER_NAME: { /* sessionContext.sessionIssuer.userName overrides userName */
            static const char *const path[] = {"sessionContext", "sessionIssuer", "userName"};
            span iss = {0};
            if (ui && ct_fs_path_get(r[R_UI], e, path, 3, &iss) != GET_OK) return 0;
            if (text(iss, &s) < 0) return 0;
            if (!s.s) v = u[U_NAME];
            break;
        }
        case CT_REQUEST:
        case CT_RESPONSE: { /* the java-style string of anything but null: the document's */
            span x = r[c->trail == CT_REQUEST ? R_REQ : R_RESP];
            if (x.v && *x.v != 'n') return 0;
            break;
        }
        case CT_TARGET_NAME: { /* the userName of requestParameters' flattened copy */
            span x = r[R_REQ];
            if (!is_obj(x)) break; /* absent, null, or no object: no copy */
            if (x.e - x.v > 5000) return 0; /* a copy is kept below 32766 bytes of its string */
            static const char *const un[] = {"userName"};
            if (ct_fs_obj_get(x.v, e, un, 1, &v, 0, 0) != GET_OK) return 0;
            break;
        }
        default: return 0;
        }
        if (v.v && text(v, &s) < 0) return 0;
        put(out, k, s);
    }
    return 1;
}

/* ---- raw Azure sign-ins (norm_azure.c signin_to_ecs) ---- */

/* The top-level keys of a diagnostic record, exactly (as fastscan.c's): any
 * other key declines, so the snake_case copy the document keeps of the record
 * cannot shadow what is read here. */
static const char *const az_top[] = {
    "time", "category", "operationName", "callerIpAddress", "properties", "resourceId",
    "operationVersion", "tenantId", "resultType", "resultSignature", "resultDescription",
    "durationMs", "correlationId", "identity", "Level", "location",
};
enum { A_TIME, A_CAT, A_OP, A_CALLER, A_PROPS, A__N = 16 };
static const char *const az_props[] = {"id", "ipaddress", "ip_address", "status"};
enum { P_ID, P_IP1, P_IP2, P_STATUS, P__N };

static int fill_signin(const ct_esql_fast *f, const ct_store *st, const ct_event *ev, span doc, const char *e,
                       ct_esql_cols *out)
{
    span top[A__N], P[P__N];
    if (ct_fs_obj_get(doc.v, e, az_top, A__N, top, 0, 1) != GET_OK) return 0;
    ct_fstr cat, t, op, caller, id = {0}, ip1 = {0}, ip2 = {0};
    if (text(top[A_CAT], &cat) < 0 || text(top[A_TIME], &t) < 0 || text(top[A_OP], &op) < 0 ||
        text(top[A_CALLER], &caller) < 0)
        return 0;
    if (!cat.s || fcaseeq(cat, "AuditLogs") || cat.n < 10 || !ct_strncaseeq(cat.s + cat.n - 10, "SignInLogs", 10))
        return 0;
    if (is_str(top[A_PROPS])) return 0; /* properties as a JSON string: parsed by the full path */
    int has_ec = 0;
    long long ec = 0;
    if (is_obj(top[A_PROPS])) {
        if (ct_fs_obj_get(top[A_PROPS].v, e, az_props, P__N, P, 1, 0) != GET_OK) return 0;
        if (text(P[P_ID], &id) < 0 || text(P[P_IP1], &ip1) < 0 || text(P[P_IP2], &ip2) < 0) return 0;
        if (is_str(P[P_STATUS])) return 0;
        if (is_obj(P[P_STATUS])) {
            static const char *const ek[] = {"error_code"};
            span x;
            if (ct_fs_obj_get(P[P_STATUS].v, e, ek, 1, &x, 1, 0) != GET_OK) return 0;
            if ((has_ec = ct_fs_int_val(x, &ec)) < 0) return 0;
        }
    }
    ct_fstr addr = ip1.s ? ip1 : ip2.s ? ip2 : caller;
    for (size_t k = 0; k < f->n; k++) {
        const col *c = &f->c[k];
        if (stored(c, st, ev, k, out)) continue;
        switch (c->signin) {
        case SI_DATASET: put(out, k, lit("azure.signinlogs")); break;
        case SI_ACTION: /* folded, unless folding leaves nothing */
            if (!op.s) break;
            if (ct_fs_fold_is_identity(op)) {
                put(out, k, op);
            } else {
                char *s = ct_xstrndup(op.s, op.n);
                ct_sbuf fb;
                ct_sbuf_init(&fb);
                ct_norm_action(s, &fb);
                if (fb.len) ct_esql_cols_str(out, k, fb.buf, fb.len);
                else put(out, k, op);
                ct_sbuf_free(&fb);
                free(s);
            }
            break;
        case SI_OUTCOME:
            if (!has_ec || ec >= 0) put(out, k, lit(!has_ec || ec == 0 ? "success" : "failure"));
            break;
        case SI_ID: put(out, k, id); break;
        case SI_TS: {
            int64_t ms;
            if (t.s && ct_time_parse(t.s, t.n, &ms) == 0) {
                char b[32];
                ct_time_fmt(ms, b);
                ct_esql_cols_str(out, k, b, strlen(b));
            }
            break;
        }
        case SI_IP:
            if (ct_fs_is_ip(addr)) put(out, k, addr);
            break;
        case SI_ADDRESS: put(out, k, addr); break;
        default: return 0;
        }
    }
    return 1;
}

/* Event i's record (NUL-terminated, in f->buf), through the window when its
 * input is read with pread (ct_store_record reads each record with one). */
static const char *record(ct_esql_fast *f, const ct_store *st, size_t i, size_t *len)
{
    const ct_event *e = &st->ev[i];
    const ct_input *in = &st->srcs[e->src].in;
    if (in->fd < 0 || e->len >= WINDOW || e->off + e->len > in->len) return ct_store_record(st, i, &f->buf, &f->cap, len);
    if (!f->win || f->wsrc != e->src || e->off < f->woff || e->off + e->len > f->woff + f->wlen) {
        if (!f->win) f->win = ct_xmalloc(WINDOW);
        f->wlen = in->len - e->off < WINDOW ? in->len - e->off : WINDOW;
        f->woff = e->off;
        f->wsrc = e->src;
        ct_input_copy(in, f->woff, f->wlen, f->win);
    }
    if (e->len + 1 > f->cap) {
        f->cap = e->len + 1 > 2 * f->cap ? e->len + 1 : 2 * f->cap;
        free(f->buf);
        f->buf = ct_xmalloc(f->cap);
    }
    memcpy(f->buf, f->win + (e->off - f->woff), e->len);
    f->buf[e->len] = 0;
    *len = e->len;
    return f->buf;
}

int ct_esql_fast_fill(ct_esql_fast *f, const ct_store *st, size_t i, ct_esql_cols *out)
{
    if (!ct_fast_enabled()) return 0;
    const ct_event *ev = &st->ev[i];
    if (ev->kind != CT_KIND_ECS && ev->kind != CT_KIND_CLOUDTRAIL && ev->kind != CT_KIND_AZURE_DIAG) return 0;
    size_t len;
    const char *p = record(f, st, i, &len), *e = p + len;
    int key_dot;
    ct_fs_begin(p, len);
    if (!ct_fs_validate(p, e, &key_dot)) return 0;
    if (key_dot && ev->kind == CT_KIND_ECS) return 0; /* unflattened in the document */
    span doc = {ws(p, e), e};
    if (!is_obj(doc)) return 0;
    doc.e = skip_val(doc.v, e);
    if (ev->kind == CT_KIND_ECS) return fill_ecs(f, st, ev, doc, e, out);
    if (ev->kind == CT_KIND_CLOUDTRAIL) return fill_trail(f, st, ev, doc, e, out);
    return fill_signin(f, st, ev, doc, e, out);
}
