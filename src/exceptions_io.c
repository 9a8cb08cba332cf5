/* exceptions_io: exception items from and to JSON, and loading the repo's
 * exceptions/<rule stem>/<item_id>.json files. Kibana's exception list NDJSON
 * (`exceptions export|import`) is in exceptions_kibana.c, above this file. */
#include "exceptions_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "json.h"
#include "sanitize.h"
#include "out.h"

/* ---- parsing ------------------------------------------------------------ */

static char *opt_str(const cJSON *o, const char *k, const char *what, int *bad, ct_sbuf *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v || cJSON_IsNull(v)) return NULL;
    if (!cJSON_IsString(v)) {
        if (!*bad) ct_sbuf_addf(err, "%s%s is not a string", what, k);
        *bad = 1;
        return NULL;
    }
    return ct_xstrdup(v->valuestring);
}

static int parse_entry(const cJSON *j, int depth, ct_exc_entry *e, ct_sbuf *err)
{
    memset(e, 0, sizeof *e);
    if (!cJSON_IsObject(j)) {
        ct_sbuf_add(err, "an entry is not an object");
        return -1;
    }
    const char *field = ct_json_str(j, "field");
    if (!field) {
        ct_sbuf_add(err, "an entry has no \"field\"");
        return -1;
    }
    e->field = ct_xstrdup(field);
    const char *type = ct_json_str(j, "type");
    if (!type) {
        ct_sbuf_addf(err, "entry %s: no \"type\"", field);
        return -1;
    }
    if (!strcmp(type, "list")) {
        ct_sbuf_addf(err, "entry %s: type \"list\" (value lists) is not supported", field);
        return -1;
    }
    if (ct_exc__type_parse(type, &e->type) < 0) {
        ct_sbuf_addf(err, "entry %s: unknown type \"%s\" (match, match_any, wildcard, exists, nested)",
                     field, type);
        return -1;
    }
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(j, "operator");
    if (op && cJSON_IsString(op)) {
        if (!strcmp(op->valuestring, "excluded")) e->excluded = 1;
        else if (strcmp(op->valuestring, "included")) {
            ct_sbuf_addf(err, "entry %s: operator must be \"included\" or \"excluded\"", field);
            return -1;
        }
    } else if (e->type != CT_EXC_NESTED) {
        ct_sbuf_addf(err, "entry %s: no \"operator\" (included or excluded)", field);
        return -1;
    }
    const cJSON *val = cJSON_GetObjectItemCaseSensitive(j, "value");
    switch (e->type) {
    case CT_EXC_MATCH:
    case CT_EXC_WILDCARD:
        if (!cJSON_IsString(val) || !*val->valuestring) {
            ct_sbuf_addf(err, "entry %s: %s needs a non-empty string \"value\"", field, type);
            return -1;
        }
        e->values = ct_xmalloc(sizeof(char *));
        e->values[0] = ct_xstrdup(val->valuestring);
        e->nvalues = 1;
        break;
    case CT_EXC_MATCH_ANY: {
        int n = cJSON_IsArray(val) ? cJSON_GetArraySize(val) : 0;
        if (n <= 0) {
            ct_sbuf_addf(err, "entry %s: match_any needs a non-empty array \"value\"", field);
            return -1;
        }
        e->values = ct_xcalloc((size_t)n, sizeof(char *));
        const cJSON *c;
        cJSON_ArrayForEach(c, val) {
            if (!cJSON_IsString(c) || !*c->valuestring) {
                ct_sbuf_addf(err, "entry %s: match_any values must be non-empty strings", field);
                return -1;
            }
            e->values[e->nvalues++] = ct_xstrdup(c->valuestring);
        }
        break;
    }
    case CT_EXC_EXISTS:
        break;
    case CT_EXC_NESTED: {
        const cJSON *subs = cJSON_GetObjectItemCaseSensitive(j, "entries");
        int n = cJSON_IsArray(subs) ? cJSON_GetArraySize(subs) : 0;
        if (depth > 0) {
            ct_sbuf_addf(err, "entry %s: nested inside nested", field);
            return -1;
        }
        if (n <= 0) {
            ct_sbuf_addf(err, "entry %s: nested needs a non-empty \"entries\" array", field);
            return -1;
        }
        e->sub = ct_xcalloc((size_t)n, sizeof *e->sub);
        const cJSON *c;
        cJSON_ArrayForEach(c, subs) {
            if (parse_entry(c, depth + 1, &e->sub[e->nsub], err) < 0) {
                ct_exc_entry_free(&e->sub[e->nsub]);
                return -1;
            }
            e->nsub++;
        }
        break;
    }
    }
    return 0;
}

static int from_json(const cJSON *j, ct_exc_item *out, ct_sbuf *err)
{
    memset(out, 0, sizeof *out);
    out->expire = CT_TIME_NONE;
    if (!cJSON_IsObject(j)) {
        ct_sbuf_add(err, "not a JSON object");
        return -1;
    }
    int bad = 0;
    const char *id = ct_json_str(j, "item_id");
    if (!id) {
        ct_sbuf_add(err, "no \"item_id\"");
        return -1;
    }
    out->item_id = ct_xstrdup(id);
    const char *type = ct_json_str(j, "type");
    if (type && strcmp(type, "simple")) {
        ct_sbuf_addf(err, "item %s: type \"%s\" is not supported (only \"simple\")", id, type);
        goto fail;
    }
    out->list_id = opt_str(j, "list_id", "", &bad, err);
    out->rule_id = opt_str(j, "rule_id", "", &bad, err);
    out->name = opt_str(j, "name", "", &bad, err);
    out->description = opt_str(j, "description", "", &bad, err);
    out->created_by = opt_str(j, "created_by", "", &bad, err);
    out->created_at = opt_str(j, "created_at", "", &bad, err);
    out->namespace_type = opt_str(j, "namespace_type", "", &bad, err);
    if (bad) goto fail;
    if (!out->name) out->name = ct_xstrdup(id);
    if (!out->namespace_type) out->namespace_type = ct_xstrdup("single");
    if (strcmp(out->namespace_type, "single") && strcmp(out->namespace_type, "agnostic")) {
        ct_sbuf_addf(err, "item %s: namespace_type must be \"single\" or \"agnostic\"", id);
        goto fail;
    }
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(j, "expire_time");
    if (ex && !cJSON_IsNull(ex)) {
        if (!cJSON_IsString(ex) ||
            ct_time_parse(ex->valuestring, strlen(ex->valuestring), &out->expire) < 0) {
            ct_sbuf_addf(err, "item %s: expire_time is not an ISO 8601 time", id);
            goto fail;
        }
    }
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(j, "entries");
    int n = cJSON_IsArray(entries) ? cJSON_GetArraySize(entries) : 0;
    if (n <= 0) {
        ct_sbuf_addf(err, "item %s: no entries (an exception without entries would match every alert)",
                     id);
        goto fail;
    }
    out->entries = ct_xcalloc((size_t)n, sizeof *out->entries);
    const cJSON *c;
    cJSON_ArrayForEach(c, entries) {
        ct_sbuf e;
        ct_sbuf_init(&e);
        if (parse_entry(c, 0, &out->entries[out->nentries], &e) < 0) {
            ct_exc_entry_free(&out->entries[out->nentries]);
            ct_sbuf_addf(err, "item %s: %s", id, e.buf);
            ct_sbuf_free(&e);
            goto fail;
        }
        ct_sbuf_free(&e);
        out->nentries++;
    }
    const cJSON *comments = cJSON_GetObjectItemCaseSensitive(j, "comments");
    if (comments && !cJSON_IsNull(comments)) {
        if (!cJSON_IsArray(comments)) {
            ct_sbuf_addf(err, "item %s: comments is not an array", id);
            goto fail;
        }
        int nc = cJSON_GetArraySize(comments);
        out->comments = ct_xcalloc((size_t)nc + 1, sizeof *out->comments);
        cJSON_ArrayForEach(c, comments) {
            const char *text = ct_json_str(c, "comment");
            if (!cJSON_IsObject(c) || !text) {
                ct_sbuf_addf(err, "item %s: a comment has no \"comment\" text", id);
                goto fail;
            }
            ct_exc_comment *cm = &out->comments[out->ncomments++];
            cm->comment = ct_xstrdup(text);
            const char *by = ct_json_str(c, "created_by"), *at = ct_json_str(c, "created_at");
            cm->created_by = by ? ct_xstrdup(by) : NULL;
            cm->created_at = at ? ct_xstrdup(at) : NULL;
        }
    }
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(j, "tags");
    if (tags && !cJSON_IsNull(tags)) {
        if (!cJSON_IsArray(tags)) {
            ct_sbuf_addf(err, "item %s: tags is not an array", id);
            goto fail;
        }
        out->tags = ct_xcalloc((size_t)cJSON_GetArraySize(tags) + 1, sizeof(char *));
        cJSON_ArrayForEach(c, tags) {
            if (!cJSON_IsString(c)) {
                ct_sbuf_addf(err, "item %s: a tag is not a string", id);
                goto fail;
            }
            out->tags[out->ntags++] = ct_xstrdup(c->valuestring);
        }
    }
    if (ct_exc_compile(out, err) < 0) goto fail;
    return 0;
fail:
    ct_exc_item_free(out);
    return -1;
}

/* What is read is what ct_exc_to_file writes back (invalid UTF-8 becomes
 * U+FFFD here, not only on the next write): the item compiled from a file
 * is the one compiled from the file credtriage writes of it. */
int ct_exc_from_json(const cJSON *j, ct_exc_item *out, ct_sbuf *err)
{
    cJSON *w = ct_json_written_copy(j);
    int rc = from_json(w ? w : j, out, err);
    cJSON_Delete(w);
    return rc;
}

/* ---- serializing ---------------------------------------------------------- */

cJSON *ct_exc__entry_json(const ct_exc_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "field", e->field);
    if (e->type != CT_EXC_NESTED || e->excluded)
        cJSON_AddStringToObject(o, "operator", e->excluded ? "excluded" : "included");
    cJSON_AddStringToObject(o, "type", ct_exc_type_name(e->type));
    switch (e->type) {
    case CT_EXC_MATCH:
    case CT_EXC_WILDCARD:
        cJSON_AddStringToObject(o, "value", e->values[0]);
        break;
    case CT_EXC_MATCH_ANY: {
        cJSON *a = cJSON_AddArrayToObject(o, "value");
        for (size_t i = 0; i < e->nvalues; i++) cJSON_AddItemToArray(a, cJSON_CreateString(e->values[i]));
        break;
    }
    case CT_EXC_EXISTS:
        break;
    case CT_EXC_NESTED: {
        cJSON *a = cJSON_AddArrayToObject(o, "entries");
        for (size_t i = 0; i < e->nsub; i++) cJSON_AddItemToArray(a, ct_exc__entry_json(&e->sub[i]));
        break;
    }
    }
    return o;
}

static void add_str(cJSON *o, const char *k, const char *v)
{
    if (v) cJSON_AddStringToObject(o, k, v);
}

cJSON *ct_exc_to_json(const ct_exc_item *it)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "item_id", it->item_id);
    add_str(o, "list_id", it->list_id);
    add_str(o, "rule_id", it->rule_id);
    cJSON_AddStringToObject(o, "type", "simple");
    add_str(o, "name", it->name ? it->name : it->item_id);
    cJSON_AddStringToObject(o, "description", it->description ? it->description : "");
    cJSON *en = cJSON_AddArrayToObject(o, "entries");
    for (size_t i = 0; i < it->nentries; i++) cJSON_AddItemToArray(en, ct_exc__entry_json(&it->entries[i]));
    if (it->expire != CT_TIME_NONE) {
        char t[32];
        ct_time_fmt(it->expire, t);
        cJSON_AddStringToObject(o, "expire_time", t);
    }
    cJSON *cm = cJSON_AddArrayToObject(o, "comments");
    for (size_t i = 0; i < it->ncomments; i++) {
        cJSON *c = cJSON_CreateObject();
        add_str(c, "comment", it->comments[i].comment);
        add_str(c, "created_by", it->comments[i].created_by);
        add_str(c, "created_at", it->comments[i].created_at);
        cJSON_AddItemToArray(cm, c);
    }
    add_str(o, "created_by", it->created_by);
    add_str(o, "created_at", it->created_at);
    cJSON *tags = cJSON_AddArrayToObject(o, "tags");
    for (size_t i = 0; i < it->ntags; i++) cJSON_AddItemToArray(tags, cJSON_CreateString(it->tags[i]));
    cJSON_AddStringToObject(o, "namespace_type", it->namespace_type ? it->namespace_type : "single");
    cJSON_AddArrayToObject(o, "os_types");
    return o;
}

char *ct_exc_to_file(const ct_exc_item *it)
{
    cJSON *o = ct_exc_to_json(it);
    char *s = ct_json_pretty(o);
    cJSON_Delete(o);
    return s;
}

/* ---- the repo's items ------------------------------------------------------ */

static void report(ct_diag_fn diag, void *ctx, const char *file, const char *msg)
{
    if (diag) diag(ctx, file, 0, msg);
    else ct_out_printf(stderr, "%s: %s\n", file, msg);
}

static int load_one(const ct_repofs *fs, const char *stem, const char *name, ct_exc_set *out,
                    ct_diag_fn diag, void *ctx)
{
    ct_sbuf rel, err;
    ct_sbuf_init(&rel);
    ct_sbuf_init(&err);
    ct_sbuf_addf(&rel, "exceptions/%s/%s", stem, name);
    int rc = -1;
    ct_exc_item it;
    cJSON *j = ct_json_load(fs, rel.buf, &err);
    if (!j) goto done;
    if (ct_exc_from_json(j, &it, &err) < 0) goto done;
    if (!ct_json_file_named(name, it.item_id, "item_id", &err)) {
        ct_exc_item_free(&it);
        goto done;
    }
    for (size_t i = 0; i < out->n; i++)
        if (!strcmp(out->v[i].item_id, it.item_id)) {
            ct_sbuf_addf(&err, "duplicate item_id \"%s\" (also in %s)", it.item_id, out->v[i].path);
            ct_exc_item_free(&it);
            goto done;
        }
    it.stem = ct_xstrdup(stem);
    it.path = ct_xstrdup(rel.buf);
    out->v = ct_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
    out->v[out->n++] = it;
    rc = 0;
done:
    if (rc < 0) report(diag, ctx, rel.buf, err.buf);
    cJSON_Delete(j);
    ct_sbuf_free(&rel);
    ct_sbuf_free(&err);
    return rc;
}

size_t ct_exc_load(const char *root, ct_exc_set *out, ct_diag_fn diag, void *ctx)
{
    out->v = NULL;
    out->n = 0;
    size_t problems = 0, nstems = 0;
    ct_repofs fs;
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_repofs_open(&fs, root, NULL, &err) < 0) {
        report(diag, ctx, "exceptions", err.buf);
        ct_sbuf_free(&err);
        return 1;
    }
    int *kinds = NULL;
    char **stems = ct_repofs_list(&fs, "exceptions", &nstems, &kinds, &err);
    if (!stems && err.len) {
        report(diag, ctx, "exceptions", err.buf);
        problems++;
    }
    for (size_t i = 0; i < nstems; i++) {
        ct_sbuf sd;
        ct_sbuf_init(&sd);
        ct_sbuf_addf(&sd, "exceptions/%s", stems[i]);
        if (kinds[i] == CT_FS_LINK) {
            report(diag, ctx, sd.buf, "a symbolic link: refused (credtriage follows no link inside "
                                      "the rules repo)");
            problems++;
        } else if (kinds[i] != CT_FS_DIR) {
            if (ct_str_ends_with(stems[i], ".json")) {
                report(diag, ctx, sd.buf, "not in a rule folder (exceptions/<rule stem>/<item_id>.json)");
                problems++;
            }
        } else {
            size_t nf = 0;
            ct_sbuf_reset(&err);
            char **files = ct_repofs_list(&fs, sd.buf, &nf, NULL, &err);
            if (!files && err.len) {
                report(diag, ctx, sd.buf, err.buf);
                problems++;
            }
            for (size_t k = 0; k < nf; k++)
                if (ct_str_ends_with(files[k], ".json") && load_one(&fs, stems[i], files[k], out, diag, ctx) < 0)
                    problems++;
            ct_strv_free(files, nf);
        }
        ct_sbuf_free(&sd);
    }
    free(kinds);
    ct_strv_free(stems, nstems);
    ct_repofs_close(&fs);
    ct_sbuf_free(&err);
    return problems;
}
