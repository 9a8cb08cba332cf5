/* rules_io: Kibana rule import/export and the repo's JSON file style. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "json.h"
#include "sanitize.h"
#include "out.h"

static void indent(ct_sbuf *b, int depth)
{
    for (int i = 0; i < depth; i++) ct_sbuf_add(b, "  ");
}

static void pretty(const cJSON *v, ct_sbuf *b, int depth)
{
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        int obj = cJSON_IsObject(v);
        if (!v->child) {
            ct_sbuf_add(b, obj ? "{}" : "[]");
            return;
        }
        ct_sbuf_addc(b, obj ? '{' : '[');
        ct_sbuf_addc(b, '\n');
        for (const cJSON *c = v->child; c; c = c->next) {
            indent(b, depth + 1);
            if (obj) {
                cJSON *k = cJSON_CreateString(c->string ? c->string : "");
                char *ks = cJSON_PrintUnformatted(k);
                ct_san_json_text(ks, strlen(ks), 0, b);
                ct_sbuf_add(b, ": ");
                free(ks);
                cJSON_Delete(k);
            }
            pretty(c, b, depth + 1);
            if (c->next) ct_sbuf_addc(b, ',');
            ct_sbuf_addc(b, '\n');
        }
        indent(b, depth);
        ct_sbuf_addc(b, obj ? '}' : ']');
        return;
    }
    char *s = cJSON_PrintUnformatted(v);
    /* cJSON prints C1, bidi and invisible characters raw: \uXXXX in the repo's
     * files, so `git show` and `cat` never send them to a terminal */
    if (s) ct_san_json_text(s, strlen(s), 0, b);
    else ct_sbuf_add(b, "null");
    free(s);
}

char *ct_json_pretty(const cJSON *v)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    pretty(v, &b, 0);
    ct_sbuf_addc(&b, '\n');
    char *s = ct_sbuf_detach(&b);
    ct_sbuf_free(&b); /* detach re-initialises b: free its new buffer (leaked per call) */
    return s;
}

/* What ct_json_pretty cannot write back as it is: a string or key holding
 * invalid UTF-8 (written \ufffd), a number that is not finite (cJSON prints
 * null). */
static int str_lossy(const char *s)
{
    return s && ct_san_utf8_bad(s, strlen(s)) > 0;
}

static int lossy(const cJSON *v)
{
    if (str_lossy(v->string)) return 1;
    if (cJSON_IsString(v)) return str_lossy(v->valuestring);
    if (cJSON_IsNumber(v)) return !isfinite(v->valuedouble);
    for (const cJSON *c = v->child; c; c = c->next)
        if (lossy(c)) return 1;
    return 0;
}

static char *fixed(const char *s)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_utf8_fix(s, strlen(s), &b);
    char *r = cJSON_malloc(b.len + 1); /* the tree's allocator (cJSON's hooks) */
    if (!r) abort(); /* as ct_xmalloc: allocation failure is not recoverable */
    memcpy(r, b.buf, b.len + 1);
    ct_sbuf_free(&b);
    return r;
}

static void unlossy(cJSON *v)
{
    if (str_lossy(v->string)) {
        char *k = fixed(v->string);
        if (!(v->type & cJSON_StringIsConst)) cJSON_free(v->string);
        v->string = k;
        v->type &= ~cJSON_StringIsConst;
    }
    if (cJSON_IsString(v) && str_lossy(v->valuestring)) {
        char *s = fixed(v->valuestring);
        cJSON_free(v->valuestring);
        v->valuestring = s;
    }
    if (cJSON_IsNumber(v) && !isfinite(v->valuedouble))
        v->type = cJSON_NULL | (v->type & cJSON_StringIsConst);
    for (cJSON *c = v->child; c; c = c->next) unlossy(c);
}

cJSON *ct_json_written_copy(const cJSON *v)
{
    if (!v || !lossy(v)) return NULL;
    cJSON *c = cJSON_Duplicate(v, 1);
    if (!c) abort();
    unlossy(c);
    return c;
}

cJSON *ct_json_load(const ct_repofs *fs, const char *rel, ct_sbuf *err)
{
    char *data = NULL;
    size_t len = 0;
    ct_sbuf why;
    ct_sbuf_init(&why);
    if (ct_repofs_read(fs, rel, 0, &data, &len, &why) < 0) {
        ct_sbuf_add(err, "cannot read: ");
        ct_sbuf_add(err, why.buf);
        ct_sbuf_free(&why);
        return NULL;
    }
    ct_sbuf_free(&why);
    cJSON *j = cJSON_ParseWithLength(data, len);
    free(data);
    if (!j) ct_sbuf_add(err, "not valid JSON");
    return j;
}

int ct_json_file_named(const char *name, const char *id, const char *what, ct_sbuf *err)
{
    ct_sbuf want;
    ct_sbuf_init(&want);
    ct_san_filename(id, &want);
    ct_sbuf_add(&want, ".json");
    int ok = !strcmp(want.buf, name);
    if (!ok) ct_sbuf_addf(err, "file name does not match %s \"%s\" (expected %s)", what, id, want.buf);
    ct_sbuf_free(&want);
    return ok;
}

/* Kibana's export order for the fields a rule file keeps. */
static const char *const rule_keys[] = {
    "rule_id", "name", "description", "type", "language", "query", "index", "severity",
    "risk_score", "threat", "references", "tags", "false_positives", "author", "license",
    "version", "from", "interval", "max_signals",
};

static int in_rule_keys(const char *k)
{
    for (size_t i = 0; i < CT_ARRAY_LEN(rule_keys); i++)
        if (!strcmp(rule_keys[i], k)) return 1;
    return 0;
}

static void quiet_diag(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx, (void)file, (void)line, (void)msg;
}

static const char *provider_of(const cJSON *rule)
{
    const char *q = ct_json_str(rule, "query");
    const cJSON *idx = cJSON_GetObjectItemCaseSensitive(rule, "index");
    char *idxs = idx ? cJSON_PrintUnformatted(idx) : NULL;
    const char *p = "imported";
    const char *hay[2] = {q, idxs};
    for (int i = 0; i < 2; i++) {
        if (!hay[i]) continue;
        if (strstr(hay[i], "o365")) p = "o365";
        else if (strstr(hay[i], "azure")) p = "azure";
        else if (strstr(hay[i], "aws")) p = "aws";
        else if (strstr(hay[i], "gcp")) p = "gcp";
        if (strcmp(p, "imported")) break;
    }
    free(idxs);
    return p;
}

int ct_rules_import(const char *ndjson_path, const char *root, size_t *imported, ct_sbuf *err)
{
    char *text;
    *imported = 0;
    if (ct_read_file(ndjson_path, &text, NULL) < 0) {
        ct_sbuf_addf(err, "%s: %s", ndjson_path, strerror(errno));
        return -1;
    }
    int rc = 0;
    size_t lineno = 0;
    ct_repofs fs;
    if (ct_repofs_open(&fs, root, NULL, err) < 0) {
        free(text);
        return -1;
    }
    /* a rule already in the repo (same rule_id) is updated in place */
    ct_ruleset have;
    ct_rules_load(root, &have, quiet_diag, NULL);
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        lineno++;
        cJSON *j = cJSON_Parse(line);
        if (!j) {
            if (line[strspn(line, " \t\r")]) {
                ct_out_printf(stderr, "%s:%zu: malformed JSON, skipped\n", ndjson_path, lineno);
                rc = -1;
            }
            continue;
        }
        const char *rid = ct_json_str(j, "rule_id");
        const char *name = ct_json_str(j, "name");
        const char *type = ct_json_str(j, "type");
        if (!rid || !name) { /* the export's summary line, or not a rule */
            cJSON_Delete(j);
            continue;
        }
        if (type && strcmp(type, "query") && strcmp(type, "esql")) {
            ct_out_printf(stderr, "%s:%zu: rule %s is of type %s, only query and esql rules run here; skipped\n",
                    ndjson_path, lineno, rid, type);
            cJSON_Delete(j);
            continue;
        }
        cJSON *out = cJSON_CreateObject();
        for (size_t i = 0; i < CT_ARRAY_LEN(rule_keys); i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, rule_keys[i]);
            if (v) cJSON_AddItemToObject(out, rule_keys[i], cJSON_Duplicate(v, 1));
        }
        (void)in_rule_keys;
        ct_sbuf stem, path;
        ct_sbuf_init(&stem);
        ct_sbuf_init(&path);
        /* the file name comes from the sanitized name: lower case, '_' separated */
        ct_sbuf lower;
        ct_sbuf_init(&lower);
        for (const char *c = name; *c; c++) {
            char ch = *c;
            if (ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
            ct_sbuf_addc(&lower, (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ? ch : '_');
        }
        ct_san_filename(lower.buf, &stem);
        ct_sbuf_free(&lower);
        const char *prov = provider_of(j);
        const ct_rule *old = ct_rules_find(&have, rid);
        if (old && !strcmp(old->rule_id, rid)) {
            prov = old->provider;
            ct_sbuf_reset(&stem);
            ct_sbuf_add(&stem, old->stem);
        }
        ct_sbuf_addf(&path, "rules/%s/%s.json", prov, stem.buf);
        char *body = ct_json_pretty(out);
        ct_sbuf werr;
        ct_sbuf_init(&werr);
        if (ct_repofs_write(&fs, path.buf, body, strlen(body), &werr) < 0) {
            if (err->len) ct_sbuf_addc(err, '\n');
            ct_sbuf_add(err, werr.buf);
            rc = -1;
        } else {
            (*imported)++;
            printf("rules/%s/%s.json\n", prov, stem.buf);
        }
        free(body);
        const char *note = ct_json_str(j, "note");
        if (note) {
            ct_sbuf g, t;
            ct_sbuf_init(&g);
            ct_sbuf_init(&t);
            ct_sbuf_addf(&g, "guides/%s.md", stem.buf);
            ct_sbuf_add(&t, note);
            if (!t.len || t.buf[t.len - 1] != '\n') ct_sbuf_addc(&t, '\n');
            ct_sbuf_reset(&werr);
            if (ct_repofs_write(&fs, g.buf, t.buf, t.len, &werr) == 0) {
                printf("guides/%s.md\n", stem.buf);
            } else {
                if (err->len) ct_sbuf_addc(err, '\n');
                ct_sbuf_add(err, werr.buf);
                rc = -1;
            }
            ct_sbuf_free(&g);
            ct_sbuf_free(&t);
        }
        ct_sbuf_free(&werr);
        ct_sbuf_free(&stem);
        ct_sbuf_free(&path);
        cJSON_Delete(out);
        cJSON_Delete(j);
    }
    ct_rules_free(&have);
    ct_repofs_close(&fs);
    free(text);
    return rc;
}

int ct_rules_export(const ct_ruleset *rs, FILE *out)
{
    for (size_t i = 0; i < rs->n; i++) {
        cJSON *j = cJSON_Duplicate(rs->v[i].json, 1);
        if (rs->v[i].guide) {
            cJSON_DeleteItemFromObjectCaseSensitive(j, "note");
            cJSON_AddStringToObject(j, "note", rs->v[i].guide);
        }
        if (!cJSON_GetObjectItemCaseSensitive(j, "enabled")) cJSON_AddBoolToObject(j, "enabled", 1);
        char *s = cJSON_PrintUnformatted(j);
        ct_out_json(out, s, strlen(s), 1); /* C1, bidi and invisible characters as \uXXXX */
        free(s);
        cJSON_Delete(j);
    }
    fprintf(out, "{\"exported_count\":%zu,\"exported_rules_count\":%zu,\"missing_rules\":[],"
                 "\"missing_rules_count\":0,\"exported_exception_list_count\":0,"
                 "\"exported_exception_list_item_count\":0,\"missing_exception_list_item_count\":0,"
                 "\"missing_exception_list_items\":[],\"missing_exception_lists\":[],"
                 "\"missing_exception_lists_count\":0}\n",
            rs->n, rs->n);
    return ferror(out) ? -1 : 0;
}
