/* exceptions_kibana: the Kibana exception list NDJSON that `exceptions
 * export|import` exchange: lists and items with reproducible ids on export;
 * items matched to the rule pack by list id, rule id or name on import. */
#include "exceptions_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "sanitize.h"
#include "out.h"

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v) cJSON_AddStringToObject(o, k, v);
}

/* ---- Kibana export / import ------------------------------------------------ */

/* A uuid-shaped id derived from text, so an export is reproducible. */
static void uuid_of(const char *a, const char *b, char out[37])
{
    uint64_t h1 = ct_hash64(a, strlen(a));
    h1 = ct_hash64_more(h1, "\0", 1);
    h1 = ct_hash64_more(h1, b, strlen(b));
    uint64_t h2 = ct_hash64_more(h1, "uuid", 4);
    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(h1 >> 32), (unsigned)(h1 >> 16) & 0xffff,
             (unsigned)h1 & 0xfff, (unsigned)(0x8000 | ((h2 >> 48) & 0x3fff)),
             (unsigned long long)(h2 & 0xffffffffffffULL));
}

static const ct_rule *rule_of(const ct_exc_item *it, const ct_ruleset *rs)
{
    if (!rs) return NULL;
    for (size_t i = 0; i < rs->n; i++)
        if (ct_exc_for_rule(it, rs->v[i].rule_id, rs->v[i].stem)) return &rs->v[i];
    return NULL;
}

static char *list_of(const ct_exc_item *it)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    if (it->list_id) ct_sbuf_add(&b, it->list_id);
    else ct_exc_list_id(it->stem ? it->stem : "credtriage", &b);
    char *s = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return s;
}

typedef struct { const ct_exc_item *it; char *list; } exp_row;

static int cmp_row(const void *a, const void *b)
{
    const exp_row *x = a, *y = b;
    int c = strcmp(x->list, y->list);
    return c ? c : strcmp(x->it->item_id, y->it->item_id);
}

static void print_line(cJSON *o, FILE *out)
{
    char *s = cJSON_PrintUnformatted(o);
    ct_out_json(out, s, strlen(s), 1); /* C1, bidi and invisible characters as \uXXXX */
    free(s);
    cJSON_Delete(o);
}

static cJSON *export_item(const ct_exc_item *it, const char *list)
{
    char id[37];
    cJSON *o = cJSON_CreateObject();
    cJSON *cm = cJSON_AddArrayToObject(o, "comments");
    for (size_t i = 0; i < it->ncomments; i++) {
        cJSON *c = cJSON_CreateObject();
        add_str(c, "comment", it->comments[i].comment);
        add_str(c, "created_at", it->comments[i].created_at);
        add_str(c, "created_by", it->comments[i].created_by);
        char num[32];
        snprintf(num, sizeof num, "comment-%zu", i);
        uuid_of(it->item_id, num, id);
        cJSON_AddStringToObject(c, "id", id);
        cJSON_AddItemToArray(cm, c);
    }
    add_str(o, "created_at", it->created_at);
    add_str(o, "created_by", it->created_by);
    cJSON_AddStringToObject(o, "description", it->description ? it->description : "");
    cJSON *en = cJSON_AddArrayToObject(o, "entries");
    for (size_t i = 0; i < it->nentries; i++) cJSON_AddItemToArray(en, ct_exc__entry_json(&it->entries[i]));
    if (it->expire != CT_TIME_NONE) {
        char t[32];
        ct_time_fmt(it->expire, t);
        cJSON_AddStringToObject(o, "expire_time", t);
    }
    uuid_of(list, it->item_id, id);
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "item_id", it->item_id);
    cJSON_AddStringToObject(o, "list_id", list);
    cJSON_AddStringToObject(o, "name", it->name ? it->name : it->item_id);
    cJSON_AddStringToObject(o, "namespace_type", it->namespace_type ? it->namespace_type : "single");
    cJSON_AddArrayToObject(o, "os_types");
    cJSON *tags = cJSON_AddArrayToObject(o, "tags");
    for (size_t i = 0; i < it->ntags; i++) cJSON_AddItemToArray(tags, cJSON_CreateString(it->tags[i]));
    uuid_of("tie_breaker", it->item_id, id);
    cJSON_AddStringToObject(o, "tie_breaker_id", id);
    cJSON_AddStringToObject(o, "type", "simple");
    add_str(o, "updated_at", it->created_at);
    add_str(o, "updated_by", it->created_by);
    return o;
}

static cJSON *export_list(const char *list, const ct_rule *r, const ct_exc_item *first)
{
    char id[37];
    ct_sbuf name;
    ct_sbuf_init(&name);
    ct_sbuf_addf(&name, "Exceptions for rule - %s", r ? r->name : (first->stem ? first->stem : list));
    cJSON *o = cJSON_CreateObject();
    add_str(o, "created_at", first->created_at);
    add_str(o, "created_by", first->created_by);
    cJSON_AddStringToObject(o, "description", name.buf);
    uuid_of("list", list, id);
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddBoolToObject(o, "immutable", 0);
    cJSON_AddStringToObject(o, "list_id", list);
    cJSON_AddStringToObject(o, "name", name.buf);
    cJSON_AddStringToObject(o, "namespace_type", "single");
    cJSON_AddArrayToObject(o, "os_types");
    cJSON *tags = cJSON_AddArrayToObject(o, "tags");
    cJSON_AddItemToArray(tags, cJSON_CreateString("default_rule_exception_list"));
    uuid_of("list_tie_breaker", list, id);
    cJSON_AddStringToObject(o, "tie_breaker_id", id);
    cJSON_AddStringToObject(o, "type", "rule_default");
    add_str(o, "updated_at", first->created_at);
    add_str(o, "updated_by", first->created_by);
    cJSON_AddNumberToObject(o, "version", 1);
    ct_sbuf_free(&name);
    return o;
}

int ct_exc_export(const ct_exc_set *s, const ct_ruleset *rs, FILE *out)
{
    exp_row *rows = ct_xcalloc(s->n + 1, sizeof *rows);
    for (size_t i = 0; i < s->n; i++) {
        rows[i].it = &s->v[i];
        rows[i].list = list_of(&s->v[i]);
    }
    qsort(rows, s->n, sizeof *rows, cmp_row);
    size_t lists = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (i == 0 || strcmp(rows[i].list, rows[i - 1].list)) {
            print_line(export_list(rows[i].list, rule_of(rows[i].it, rs), rows[i].it), out);
            lists++;
        }
        print_line(export_item(rows[i].it, rows[i].list), out);
    }
    cJSON *sum = cJSON_CreateObject();
    cJSON_AddNumberToObject(sum, "exported_exception_list_count", (double)lists);
    cJSON_AddNumberToObject(sum, "exported_exception_list_item_count", (double)s->n);
    cJSON_AddNumberToObject(sum, "missing_exception_list_item_count", 0);
    cJSON_AddArrayToObject(sum, "missing_exception_list_items");
    cJSON_AddArrayToObject(sum, "missing_exception_lists");
    cJSON_AddNumberToObject(sum, "missing_exception_lists_count", 0);
    print_line(sum, out);
    for (size_t i = 0; i < s->n; i++) free(rows[i].list);
    free(rows);
    return ferror(out) ? -1 : 0;
}

static const ct_rule *rule_by_stem(const ct_ruleset *rs, const char *stem, size_t n)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strlen(rs->v[i].stem) == n && !strncmp(rs->v[i].stem, stem, n)) return &rs->v[i];
    return NULL;
}

static const ct_rule *rule_by_id(const ct_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i].rule_id && !strcmp(rs->v[i].rule_id, id)) return &rs->v[i];
    return NULL;
}

static const ct_rule *rule_by_name(const ct_ruleset *rs, const char *name)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i].name && !strcmp(rs->v[i].name, name)) return &rs->v[i];
    return NULL;
}

int ct_exc_import(const char *path, const ct_ruleset *rs, const char *force_rule, ct_exc_set *out,
                  ct_sbuf *err)
{
    out->v = NULL;
    out->n = 0;
    char *data = NULL;
    size_t len = 0;
    if (ct_read_file(path, &data, &len) < 0) {
        ct_sbuf_addf(err, "%s: %s", path, strerror(errno));
        return -1;
    }
    const ct_rule *forced = NULL;
    if (force_rule) {
        forced = ct_rules_find(rs, force_rule);
        if (!forced) {
            ct_sbuf_addf(err, "no rule \"%s\" in the rules repo", force_rule);
            free(data);
            return -1;
        }
    }
    /* lines */
    size_t nlines = 0;
    char **lines = NULL;
    for (char *p = data, *nl; p < data + len; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(data + len - p));
        if (!nl) nl = data + len;
        *nl = '\0';
        lines = ct_xrealloc(lines, (nlines + 1) * sizeof *lines);
        lines[nlines++] = p;
    }
    cJSON **js = ct_xcalloc(nlines + 1, sizeof *js);
    int bad = 0;
    for (size_t i = 0; i < nlines; i++) {
        const char *p = lines[i];
        while (*p == ' ' || *p == '\t' || *p == '\r') p++;
        if (!*p) continue;
        js[i] = cJSON_Parse(p);
        if (!js[i] || !cJSON_IsObject(js[i])) {
            if (err->len) ct_sbuf_addc(err, '\n');
            ct_sbuf_addf(err, "%s:%zu: not a JSON object", path, i + 1);
            bad = 1;
        }
    }
    for (size_t i = 0; i < nlines; i++) {
        const cJSON *j = js[i];
        if (!cJSON_IsObject(j)) continue;
        if (cJSON_GetObjectItemCaseSensitive(j, "exported_exception_list_count")) continue;
        if (!cJSON_GetObjectItemCaseSensitive(j, "item_id") &&
            !cJSON_GetObjectItemCaseSensitive(j, "entries"))
            continue; /* a list line */
        ct_exc_item it;
        ct_sbuf e;
        ct_sbuf_init(&e);
        const ct_rule *r = NULL;
        if (ct_exc_from_json(j, &it, &e) < 0) {
            if (err->len) ct_sbuf_addc(err, '\n');
            ct_sbuf_addf(err, "%s:%zu: %s", path, i + 1, e.buf);
            ct_sbuf_free(&e);
            bad = 1;
            continue;
        }
        ct_sbuf_free(&e);
        if (forced) r = forced;
        if (!r && it.rule_id) r = rule_by_id(rs, it.rule_id);
        if (!r && it.list_id && ct_str_ends_with(it.list_id, "-exceptions"))
            r = rule_by_stem(rs, it.list_id, strlen(it.list_id) - strlen("-exceptions"));
        if (!r && it.list_id) {
            /* the list line's name: "Exceptions for rule - NAME" */
            for (size_t k = 0; k < nlines && !r; k++) {
                const char *lid = ct_json_str(js[k], "list_id"), *nm = ct_json_str(js[k], "name");
                static const char pfx[] = "Exceptions for rule - ";
                if (!lid || !nm || cJSON_GetObjectItemCaseSensitive(js[k], "item_id")) continue;
                if (strcmp(lid, it.list_id) || strncmp(nm, pfx, sizeof pfx - 1)) continue;
                r = rule_by_name(rs, nm + sizeof pfx - 1);
            }
        }
        if (!r) {
            if (err->len) ct_sbuf_addc(err, '\n');
            ct_sbuf_addf(err, "%s:%zu: item %s: list \"%s\" names no rule of the repo (use --rule RULE)",
                         path, i + 1, it.item_id, it.list_id ? it.list_id : "(none)");
            ct_exc_item_free(&it);
            bad = 1;
            continue;
        }
        for (size_t k = 0; k < out->n; k++)
            if (!strcmp(out->v[k].item_id, it.item_id)) {
                if (err->len) ct_sbuf_addc(err, '\n');
                ct_sbuf_addf(err, "%s:%zu: duplicate item_id \"%s\"", path, i + 1, it.item_id);
                bad = 1;
            }
        free(it.rule_id);
        it.rule_id = ct_xstrdup(r->rule_id);
        free(it.stem);
        it.stem = ct_xstrdup(r->stem);
        free(it.list_id);
        ct_sbuf l;
        ct_sbuf_init(&l);
        ct_exc_list_id(r->stem, &l);
        it.list_id = ct_sbuf_detach(&l);
        ct_sbuf_free(&l);
        out->v = ct_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
        out->v[out->n++] = it;
    }
    for (size_t i = 0; i < nlines; i++) cJSON_Delete(js[i]);
    free(js);
    free(lines);
    free(data);
    if (bad) {
        ct_exc_set_free(out);
        return -1;
    }
    if (!out->n) {
        ct_sbuf_addf(err, "%s: no exception list items", path);
        return -1;
    }
    return 0;
}
