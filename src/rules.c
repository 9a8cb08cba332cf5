#include "json.h"
#include "rules.h"
#include "out.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void say(ct_diag_fn diag, void *ctx, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void say(ct_diag_fn diag, void *ctx, const char *file, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (diag) diag(ctx, file, 0, msg);
    else ct_out_printf(stderr, "%s: %s\n", file, msg);
}

/* a positive count from the environment, else def */
static size_t env_limit(const char *name, size_t def)
{
    size_t v;
    return ct_repofs_parse_size(getenv(name), &v) == 0 && v > 0 ? v : def;
}

static char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? ct_xstrdup(v->valuestring) : NULL;
}

static void rule_free(ct_rule *r)
{
    free(r->rule_id);
    free(r->name);
    free(r->description);
    free(r->severity);
    free(r->query);
    free(r->stem);
    free(r->provider);
    free(r->path);
    free(r->guide);
    free(r->guide_path);
    free(r->datasets);
    free(r->actions);
    free(r->pair_keys);
    free(r->pair_may);
    for (size_t g = 0; g < r->nraw_groups; g++) ct_strv_free(r->raw_terms[g], r->nraw_terms[g]);
    for (size_t g = 0; g < r->nload_raw; g++) ct_strv_free(r->load_raw[g], r->nload_raw_terms[g]);
    ct_strv_free(r->load_ds, r->nload_ds);
    ct_strv_free(r->load_act, r->nload_act);
    cJSON_Delete(r->json);
    ct_kql_free(r->kql);
    ct_esql_free(r->esql);
    memset(r, 0, sizeof *r);
}

void ct_rules_free(ct_ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++) rule_free(&rs->v[i]);
    free(rs->v);
    free(rs->root);
    free(rs->load_prune.v);
    memset(rs, 0, sizeof *rs);
}

static int load_rule(ct_ruleset *rs, const ct_repofs *fs, const char *provider, const char *file,
                     ct_diag_fn diag, void *ctx)
{
    ct_sbuf rel, why;
    ct_sbuf_init(&rel);
    ct_sbuf_init(&why);
    ct_sbuf_addf(&rel, "rules/%s/%s", provider, file);
    int rc = -1;
    char *text = NULL;
    cJSON *j = NULL;
    if (ct_repofs_read(fs, rel.buf, 0, &text, NULL, &why) < 0) {
        say(diag, ctx, rel.buf, "cannot read: %s", why.buf);
        goto out;
    }
    j = cJSON_Parse(text);
    if (!cJSON_IsObject(j)) {
        say(diag, ctx, rel.buf, "not a JSON object (malformed JSON)");
        goto out;
    }
    ct_rule r;
    memset(&r, 0, sizeof r);
    r.rule_id = jstr(j, "rule_id");
    r.name = jstr(j, "name");
    r.query = jstr(j, "query");
    const char *type = ct_json_str(j, "type");
    const char *lang = ct_json_str(j, "language");
    if (!r.rule_id || !r.name || !r.query) {
        say(diag, ctx, rel.buf, "missing rule_id, name or query");
        rule_free(&r);
        goto out;
    }
    int esql = lang && !strcmp(lang, "esql") && (!type || !strcmp(type, "esql"));
    if (!esql && ((type && strcmp(type, "query")) || (lang && strcmp(lang, "kuery")))) {
        say(diag, ctx, rel.buf, "rule type %s / language %s not supported (only query / kuery, esql / esql)",
            type ? type : "?", lang ? lang : "?");
        rule_free(&r);
        goto out;
    }
    /* a rule runs on every event: its cost is bounded where it is loaded */
    size_t max_q = env_limit("CREDTRIAGE_MAX_QUERY", 64 << 10), max_t = env_limit("CREDTRIAGE_MAX_TERMS", 1000);
    if (strlen(r.query) > max_q) {
        say(diag, ctx, rel.buf, "query of %zu bytes, over the limit of %zu (CREDTRIAGE_MAX_QUERY): "
            "rule not loaded", strlen(r.query), max_q);
        rule_free(&r);
        goto out;
    }
    char err[512];
    if (esql) r.esql = ct_esql_parse(r.query, err, sizeof err);
    else r.kql = ct_kql_parse(r.query, err, sizeof err);
    if (!r.kql && !r.esql) {
        say(diag, ctx, rel.buf, "query: %s", err);
        rule_free(&r);
        goto out;
    }
    size_t terms = 0, longest = 0;
    if (r.kql) ct_kql_cost(r.kql, &terms, &longest); /* an ES|QL query: bounded by its parser's depth */
    if (terms > max_t) {
        say(diag, ctx, rel.buf, "query of %zu terms, over the limit of %zu (CREDTRIAGE_MAX_TERMS): "
            "rule not loaded", terms, max_t);
        rule_free(&r);
        goto out;
    }
    for (size_t i = 0; i < rs->n; i++) {
        if (!strcmp(rs->v[i].rule_id, r.rule_id)) {
            say(diag, ctx, rel.buf, "duplicate rule_id %s (also in %s)", r.rule_id, rs->v[i].path);
            rule_free(&r);
            goto out;
        }
    }
    r.description = jstr(j, "description");
    r.severity = jstr(j, "severity");
    if (!r.severity) r.severity = ct_xstrdup("medium");
    const cJSON *rsk = cJSON_GetObjectItemCaseSensitive(j, "risk_score");
    r.risk_score = cJSON_IsNumber(rsk) ? rsk->valueint : 0;
    r.stem = ct_xstrndup(file, strlen(file) - 5);
    r.provider = ct_xstrdup(provider);
    r.path = ct_sbuf_detach(&rel);
    /* the guide: guides/<stem>.md, else the rule's note */
    ct_sbuf g;
    ct_sbuf_init(&g);
    ct_sbuf_addf(&g, "guides/%s.md", r.stem);
    ct_sbuf_reset(&why);
    if (ct_repofs_read(fs, g.buf, 0, &r.guide, NULL, &why) == 0) {
        r.guide_path = ct_sbuf_detach(&g);
    } else {
        /* a guide that is there but refused (a symlink to a secret, /dev/zero,
         * too big) is reported, and its content is never used */
        if (errno != ENOENT) say(diag, ctx, g.buf, "guide not loaded: %s", why.buf);
        r.guide = jstr(j, "note");
    }
    ct_sbuf_free(&g);
    r.json = j;
    j = NULL;
    rs->v = ct_xrealloc(rs->v, (rs->n + 1) * sizeof *rs->v);
    rs->v[rs->n++] = r;
    rc = 0;
out:
    cJSON_Delete(j);
    free(text);
    ct_sbuf_free(&rel);
    ct_sbuf_free(&why);
    return rc;
}

int ct_rules_load(const char *root, ct_ruleset *out, ct_diag_fn diag, void *ctx)
{
    static uint64_t stamps;
    memset(out, 0, sizeof *out);
    out->root = ct_xstrdup(root);
    out->stamp = __atomic_add_fetch(&stamps, 1, __ATOMIC_RELAXED);
    ct_repofs fs;
    ct_sbuf err;
    ct_sbuf_init(&err);
    size_t np = 0;
    char **providers = NULL;
    int problems = 0;
    if (ct_repofs_open(&fs, root, NULL, &err) == 0) {
        providers = ct_repofs_list(&fs, "rules", &np, NULL, &err);
        if (!providers) {
            say(diag, ctx, "rules", "%s", err.len ? err.buf : "no rules directory");
            problems++;
        }
    } else {
        say(diag, ctx, "rules", "%s", err.buf);
        ct_sbuf_free(&err);
        return 1;
    }
    for (size_t i = 0; i < np; i++) {
        ct_sbuf sub;
        ct_sbuf_init(&sub);
        ct_sbuf_addf(&sub, "rules/%s", providers[i]);
        size_t nf = 0;
        ct_sbuf_reset(&err);
        char **files = ct_repofs_kind(&fs, sub.buf) == CT_FS_FILE
                           ? NULL : ct_repofs_list(&fs, sub.buf, &nf, NULL, &err);
        if (!files && err.len) {
            say(diag, ctx, sub.buf, "%s", err.buf);
            problems++;
        }
        for (size_t k = 0; k < nf; k++) {
            size_t l = strlen(files[k]);
            if (l <= 5 || strcmp(files[k] + l - 5, ".json")) continue;
            if (load_rule(out, &fs, providers[i], files[k], diag, ctx) < 0) problems++;
        }
        ct_strv_free(files, nf);
        ct_sbuf_free(&sub);
    }
    ct_strv_free(providers, np);
    ct_repofs_close(&fs);
    ct_sbuf_free(&err);
    return problems;
}

const ct_rule *ct_rules_find(const ct_ruleset *rs, const char *key)
{
    if (!key) return NULL;
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->v[i].rule_id, key)) return &rs->v[i];
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->v[i].stem, key)) return &rs->v[i];
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->v[i].name, key)) return &rs->v[i];
    return NULL;
}

static int has_rules(const char *dir)
{
    ct_sbuf p;
    ct_sbuf_init(&p);
    ct_sbuf_addf(&p, "%s/rules", dir);
    struct stat st;
    int ok = stat(p.buf, &st) == 0 && S_ISDIR(st.st_mode);
    ct_sbuf_free(&p);
    return ok;
}

int ct_rules_shipped_root(ct_sbuf *out)
{
    const char *env = getenv("CREDTRIAGE_DATADIR");
    if (env && *env && has_rules(env)) {
        ct_sbuf_add(out, env);
        return 0;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        /* build tree: <root>/build/credtriage, and build-asan/ too */
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash) break;
            *slash = 0;
            if (up == 1 && has_rules(exe)) {
                ct_sbuf_add(out, exe);
                return 0;
            }
            /* installed: <prefix>/bin/credtriage next to <prefix>/share/credtriage,
             * whatever PREFIX the binary was built with (make install PREFIX=...) */
            if (up == 1) {
                ct_sbuf share;
                ct_sbuf_init(&share);
                ct_sbuf_addf(&share, "%s/share/credtriage", exe);
                int ok = has_rules(share.buf);
                if (ok) ct_sbuf_add(out, share.buf);
                ct_sbuf_free(&share);
                if (ok) return 0;
            }
        }
    }
    if (has_rules(CT_DATADIR)) {
        ct_sbuf_add(out, CT_DATADIR);
        return 0;
    }
    return -1;
}

/* The folded required values of the first of fields that has a finite set,
 * as strings; *none when that set is empty. */
static char **load_values(const ct_kql *q, const char *const *fields, size_t nfields, size_t *n,
                          int *none)
{
    *n = 0;
    for (size_t f = 0; f < nfields; f++) {
        const char *const *vals;
        size_t nv;
        if (!ct_kql_required_values(q, fields[f], &vals, &nv)) continue;
        if (nv == 0) {
            *none = 1;
            return NULL;
        }
        char **v = ct_xmalloc(nv * sizeof *v);
        ct_sbuf folded;
        ct_sbuf_init(&folded);
        for (size_t i = 0; i < nv; i++) {
            ct_sbuf_reset(&folded);
            ct_norm_action(vals[i], &folded);
            v[i] = ct_xstrdup(folded.buf);
        }
        ct_sbuf_free(&folded);
        *n = nv;
        return v;
    }
    return NULL;
}

/* The same values interned in st's pool, as the ids events carry. */
static uint32_t *bind_values(ct_store *st, const ct_kql *q, const char *const *fields,
                             size_t nfields, size_t *n, int *none)
{
    char **vals = load_values(q, fields, nfields, n, none);
    if (!vals) return NULL;
    uint32_t *ids = ct_xmalloc(*n * sizeof *ids);
    /* interning keeps a value no event has, so the filter stays exact */
    for (size_t i = 0; i < *n; i++) ids[i] = ct_pool_internz(&st->pool, vals[i]);
    ct_strv_free(vals, *n);
    return ids;
}

/* The fields that hold an event's folded action, and the dataset each is
 * produced for (NULL: every dataset). */
static const struct {
    const char *field, *dataset;
} action_fields[] = {
    {"event.action", NULL},
    {"azure.auditlogs.operation_name", "azure.auditlogs"},
    {"azure.auditlogs.properties.activity_display_name", "azure.auditlogs"},
    {"azure.signinlogs.operation_name", "azure.signinlogs"},
    {"o365.audit.Operation", "o365.audit"},
    {"gcp.audit.method_name", "gcp.audit"},
};

static uint64_t pair_key(uint32_t ds, uint32_t act)
{
    return (((uint64_t)ds << 32) | act) + 1;
}

static size_t slot_in(const uint64_t *keys, size_t cap, uint64_t key)
{
    size_t i = (size_t)(key * 0x9E3779B97F4A7C15ULL) & (cap - 1);
    while (keys[i] && keys[i] != key) i = (i + 1) & (cap - 1);
    return i;
}

static size_t pair_slot(const ct_rule *r, uint64_t key)
{
    return slot_in(r->pair_keys, r->pair_cap, key);
}

/* Could an event of this dataset and action match r? Decided once per
 * distinct pair with the one-field evaluator, so wildcard actions
 * (google.iam.admin.v*.CreateServiceAccountKey) filter as well as literals. */
int ct_rule_pair_may_match_str(const ct_rule *r, const char *dss, const char *as)
{
    if (!as) return 1;
    for (size_t f = 0; f < CT_ARRAY_LEN(action_fields); f++) {
        if (action_fields[f].dataset && (!dss || strcmp(dss, action_fields[f].dataset))) continue;
        if (!ct_kql_field_may_match(r->kql, action_fields[f].field, as)) return 0;
    }
    return 1;
}

static int pair_verdict(const ct_rule *r, const ct_store *st, uint32_t ds, uint32_t act)
{
    return ct_rule_pair_may_match_str(r, ct_pool_str(&st->pool, ds), ct_pool_str(&st->pool, act));
}

/* The distinct (dataset, action) pairs of the store's events, found once
 * for all rules: *n keys in a malloc'd array. */
static uint64_t *distinct_pairs(const ct_store *st, size_t *n)
{
    size_t cap = 256, used = 0;
    uint64_t *set = ct_xcalloc(cap, sizeof *set);
    for (size_t i = 0; i < st->nev; i++) {
        const ct_event *e = &st->ev[i];
        uint64_t key = pair_key(e->si[CT_EF_DATASET], e->si[CT_EF_ACTION]);
        size_t k = slot_in(set, cap, key);
        if (set[k]) continue;
        if ((used + 1) * 2 > cap) { /* grow, then find the slot again */
            uint64_t *old = set;
            size_t oc = cap;
            cap *= 2;
            set = ct_xcalloc(cap, sizeof *set);
            for (size_t j = 0; j < oc; j++)
                if (old[j]) set[slot_in(set, cap, old[j])] = old[j];
            free(old);
            k = slot_in(set, cap, key);
        }
        set[k] = key;
        used++;
    }
    uint64_t *v = ct_xmalloc((used ? used : 1) * sizeof *v);
    size_t m = 0;
    for (size_t j = 0; j < cap; j++)
        if (set[j]) v[m++] = set[j];
    free(set);
    *n = m;
    return v;
}

static void bind_pairs(ct_rule *r, const ct_store *st, const uint64_t *pairs, size_t n)
{
    free(r->pair_keys);
    free(r->pair_may);
    r->pair_cap = 256;
    while (r->pair_cap < 2 * n) r->pair_cap *= 2;
    r->pair_keys = ct_xcalloc(r->pair_cap, sizeof *r->pair_keys);
    r->pair_may = ct_xcalloc(r->pair_cap, 1);
    for (size_t i = 0; i < n; i++) {
        uint64_t key = pairs[i] - 1;
        size_t k = pair_slot(r, pairs[i]);
        r->pair_keys[k] = pairs[i];
        r->pair_may[k] = (uint8_t)pair_verdict(r, st, (uint32_t)(key >> 32), (uint32_t)key);
    }
}

/* Fields whose values Entra's records carry verbatim (the normalizers copy
 * them; they are neither folded nor derived), so a required value must be in
 * the record's bytes. Kept short on purpose: a field wrongly listed here
 * would hide alerts. */
static const char *const verbatim_fields[] = {
    "azure.auditlogs.properties.target_resources.*.modified_properties.*.display_name",
    "azure.auditlogs.properties.result_reason",
};

/* A literal JSON writes as it is, and that no folding touches. */
static int raw_safe(const char *v)
{
    if (!*v) return 0;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("_.:()-", *p)))
            return 0;
    return 1;
}

/* The groups of r's raw pre-filter into terms / nterms (at most 4). */
static size_t raw_groups(const ct_rule *r, char **terms[4], size_t nterms[4])
{
    size_t ng = 0;
    for (size_t f = 0; f < CT_ARRAY_LEN(verbatim_fields) && ng < 4; f++) {
        char **vals;
        size_t n;
        if (!ct_kql_required_values_as_written(r->kql, verbatim_fields[f], &vals, &n)) continue;
        int ok = n > 0;
        for (size_t i = 0; i < n && ok; i++) ok = raw_safe(vals[i]);
        if (!ok) {
            ct_strv_free(vals, n);
            continue;
        }
        terms[ng] = vals;
        nterms[ng++] = n;
    }
    return ng;
}

static void bind_raw(ct_rule *r, ct_store *st)
{
    for (size_t g = 0; g < r->nraw_groups; g++) ct_strv_free(r->raw_terms[g], r->nraw_terms[g]);
    r->raw_dataset = ct_pool_internz(&st->pool, "azure.auditlogs");
    r->nraw_groups = raw_groups(r, r->raw_terms, r->nraw_terms);
}

/* memmem by the first byte (memchr) and memcmp: glibc's memmem took ~5
 * instructions a byte of the record for each term */
static int has_bytes(const char *s, size_t len, const char *t, size_t tn)
{
    const char *e = s + len;
    while ((size_t)(e - s) >= tn && tn) {
        const char *q = memchr(s, t[0], (size_t)(e - s) - tn + 1);
        if (!q) return 0;
        if (!memcmp(q + 1, t + 1, tn - 1)) return 1;
        s = q + 1;
    }
    return !tn;
}

/* every group has a term in raw (no \u escapes there: else 1) */
static int raw_terms_in(char **const *terms, const size_t *nterms, size_t ng, const char *raw, size_t len)
{
    if (ng && has_bytes(raw, len, "\\u", 2)) return 1;
    for (size_t g = 0; g < ng; g++) {
        int any = 0;
        for (size_t i = 0; i < nterms[g] && !any; i++)
            any = has_bytes(raw, len, terms[g][i], strlen(terms[g][i]));
        if (!any) return 0;
    }
    return 1;
}

int ct_rule_raw_may_match_str(const ct_rule *r, const char *dataset, const char *raw, size_t len)
{
    if (!r->nload_raw || !dataset || strcmp(dataset, "azure.auditlogs")) return 1;
    return raw_terms_in(r->load_raw, r->nload_raw_terms, r->nload_raw, raw, len);
}

int ct_rule_raw_may_match(const ct_rule *r, const ct_event *e, const char *raw, size_t len)
{
    if (!r->nraw_groups || e->si[CT_EF_DATASET] != r->raw_dataset) return 1;
    return raw_terms_in(r->raw_terms, r->nraw_terms, r->nraw_groups, raw, len);
}

/* An ES|QL rule: its FROM's exact datasets, and a verdict per (dataset,
 * action) pair from its leading WHERE commands (ct_esql_may_match). */
static void bind_esql(ct_rule *r, ct_store *st, const uint64_t *pairs, size_t npairs)
{
    const char *const *ds;
    size_t nds;
    r->ndatasets = 0;
    if (ct_esql_datasets(r->esql, &ds, &nds)) {
        r->datasets = ct_xcalloc(nds + 1, sizeof *r->datasets);
        for (size_t k = 0; k < nds; k++) r->datasets[r->ndatasets++] = ct_pool_internz(&st->pool, ds[k]);
        if (!nds) r->match_none = 1;
    }
    free(r->pair_keys);
    free(r->pair_may);
    r->pair_cap = 16;
    while (r->pair_cap < npairs * 2) r->pair_cap *= 2;
    r->pair_keys = ct_xcalloc(r->pair_cap, sizeof *r->pair_keys);
    r->pair_may = ct_xcalloc(r->pair_cap, 1);
    for (size_t p = 0; p < npairs; p++) {
        uint32_t dsid = (uint32_t)((pairs[p] - 1) >> 32), act = (uint32_t)(pairs[p] - 1);
        const char *d = ct_pool_str(&st->pool, dsid), *a = ct_pool_str(&st->pool, act);
        const char *const f[] = {"event.dataset", "data_stream.dataset", "event.action"};
        const char *const v[] = {d, d, a};
        size_t k = pair_slot(r, pairs[p]);
        r->pair_keys[k] = pairs[p];
        r->pair_may[k] = (uint8_t)ct_esql_may_match(r->esql, f, v, 3);
    }
}

void ct_rules_bind(ct_ruleset *rs, ct_store *st)
{
    static const char *const dataset_fields[] = {"event.dataset", "data_stream.dataset"};
    const char *names[CT_ARRAY_LEN(action_fields)];
    for (size_t f = 0; f < CT_ARRAY_LEN(action_fields); f++) names[f] = action_fields[f].field;
    size_t npairs;
    uint64_t *pairs = distinct_pairs(st, &npairs);
    for (size_t i = 0; i < rs->n; i++) {
        ct_rule *r = &rs->v[i];
        free(r->datasets);
        free(r->actions);
        r->datasets = r->actions = NULL;
        r->match_none = 0;
        if (r->esql) {
            bind_esql(r, st, pairs, npairs);
            continue;
        }
        r->datasets = bind_values(st, r->kql, dataset_fields, CT_ARRAY_LEN(dataset_fields),
                                  &r->ndatasets, &r->match_none);
        r->actions = bind_values(st, r->kql, names, CT_ARRAY_LEN(names), &r->nactions,
                                 &r->match_none);
        bind_pairs(r, st, pairs, npairs);
        bind_raw(r, st);
    }
    free(pairs);
}

static int in_set(const uint32_t *v, size_t n, uint32_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x) return 1;
    return 0;
}

int ct_rule_may_match(const ct_rule *r, const ct_event *e)
{
    if (r->match_none) return 0;
    if (r->datasets && !in_set(r->datasets, r->ndatasets, e->si[CT_EF_DATASET])) return 0;
    /* a document of no known kind may hold the action under any field */
    if (e->kind == CT_KIND_GENERIC) return 1;
    if (r->actions && !in_set(r->actions, r->nactions, e->si[CT_EF_ACTION])) return 0;
    if (r->pair_cap) {
        size_t k = pair_slot(r, pair_key(e->si[CT_EF_DATASET], e->si[CT_EF_ACTION]));
        if (r->pair_keys[k] && !r->pair_may[k]) return 0;
    }
    return 1;
}

size_t ct_rules_prepare_load(ct_ruleset *rs)
{
    static const char *const dataset_fields[] = {"event.dataset", "data_stream.dataset"};
    const char *names[CT_ARRAY_LEN(action_fields)];
    for (size_t f = 0; f < CT_ARRAY_LEN(action_fields); f++) names[f] = action_fields[f].field;
    size_t n = 0;
    for (size_t i = 0; i < rs->n; i++) {
        ct_rule *r = &rs->v[i];
        ct_strv_free(r->load_ds, r->nload_ds);
        ct_strv_free(r->load_act, r->nload_act);
        r->load_ds = r->load_act = NULL;
        r->nload_ds = r->nload_act = 0;
        r->load_none = 0;
        for (size_t g = 0; g < r->nload_raw; g++) ct_strv_free(r->load_raw[g], r->nload_raw_terms[g]);
        r->nload_raw = 0;
        r->at_load = i < CT_RULES_AT_LOAD && r->kql && !ct_kql_reads_under(r->kql, "credtriage");
        if (!r->at_load) continue;
        r->load_ds = load_values(r->kql, dataset_fields, CT_ARRAY_LEN(dataset_fields),
                                 &r->nload_ds, &r->load_none);
        r->load_act = load_values(r->kql, names, CT_ARRAY_LEN(names), &r->nload_act, &r->load_none);
        r->nload_raw = raw_groups(r, r->load_raw, r->nload_raw_terms);
        n++;
    }
    return n;
}

static int in_strs(char *const *v, size_t n, const char *x)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], x)) return 1;
    return 0;
}

int ct_rule_may_match_str(const ct_rule *r, const char *dataset, const char *action, ct_kind kind)
{
    if (r->load_none) return 0;
    if (r->load_ds && !in_strs(r->load_ds, r->nload_ds, dataset ? dataset : "")) return 0;
    if (kind == CT_KIND_GENERIC) return 1; /* the action may be under any field */
    if (r->load_act && !in_strs(r->load_act, r->nload_act, action ? action : "")) return 0;
    return 1;
}
