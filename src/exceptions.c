/* exceptions: Kibana exception list items, compiled to KQL and matched; repo
 * paths. The model, below exceptions_io.c (the repo's files: JSON and
 * loading) and exceptions_kibana.c (Kibana NDJSON export/import). */
#include "exceptions_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "norm.h"
#include "sanitize.h"

static const char *const type_names[] = {"match", "match_any", "wildcard", "exists", "nested"};

const char *ct_exc_type_name(ct_exc_type t)
{
    return (unsigned)t < CT_ARRAY_LEN(type_names) ? type_names[t] : "?";
}

int ct_exc__type_parse(const char *s, ct_exc_type *out)
{
    for (size_t i = 0; i < CT_ARRAY_LEN(type_names); i++)
        if (!strcmp(type_names[i], s)) {
            *out = (ct_exc_type)i;
            return 0;
        }
    return -1;
}

int64_t ct_exc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- freeing ------------------------------------------------------------ */

void ct_exc_entry_free(ct_exc_entry *e)
{
    if (!e) return;
    free(e->field);
    ct_strv_free(e->values, e->nvalues);
    for (size_t i = 0; i < e->nsub; i++) ct_exc_entry_free(&e->sub[i]);
    free(e->sub);
    memset(e, 0, sizeof *e);
}

void ct_exc_item_free(ct_exc_item *it)
{
    if (!it) return;
    free(it->item_id);
    free(it->list_id);
    free(it->rule_id);
    free(it->name);
    free(it->description);
    for (size_t i = 0; i < it->nentries; i++) ct_exc_entry_free(&it->entries[i]);
    free(it->entries);
    for (size_t i = 0; i < it->ncomments; i++) {
        free(it->comments[i].comment);
        free(it->comments[i].created_by);
        free(it->comments[i].created_at);
    }
    free(it->comments);
    free(it->created_by);
    free(it->created_at);
    ct_strv_free(it->tags, it->ntags);
    free(it->namespace_type);
    free(it->stem);
    free(it->path);
    free(it->query);
    ct_kql_free(it->kql);
    memset(it, 0, sizeof *it);
}

void ct_exc_set_free(ct_exc_set *s)
{
    for (size_t i = 0; i < s->n; i++) ct_exc_item_free(&s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

/* ---- KQL ------------------------------------------------------------------ */

static void field_kql(const char *f, ct_sbuf *out)
{
    ct_kql_escape(f, 0, out);
}

static void wildcard_kql(const char *v, ct_sbuf *out)
{
    /* KQL trims unquoted values: leading/trailing spaces cannot be expressed
     * unquoted, and a quoted value has no wildcard; keep the inner text. */
    while (*v == ' ') v++;
    size_t n = strlen(v);
    while (n && v[n - 1] == ' ') n--;
    char *t = ct_xstrndup(v, n);
    if (!*t) ct_sbuf_add(out, "*");
    else ct_kql_escape(t, 1, out);
    free(t);
}

void ct_exc_entry_kql(const ct_exc_entry *e, ct_sbuf *out)
{
    if (e->excluded) ct_sbuf_add(out, "not (");
    field_kql(e->field, out);
    ct_sbuf_addc(out, ':');
    switch (e->type) {
    case CT_EXC_MATCH:
        ct_kql_quote(e->nvalues ? e->values[0] : "", out);
        break;
    case CT_EXC_MATCH_ANY:
        ct_sbuf_addc(out, '(');
        for (size_t i = 0; i < e->nvalues; i++) {
            if (i) ct_sbuf_add(out, " or ");
            ct_kql_quote(e->values[i], out);
        }
        ct_sbuf_addc(out, ')');
        break;
    case CT_EXC_WILDCARD:
        wildcard_kql(e->nvalues ? e->values[0] : "", out);
        break;
    case CT_EXC_EXISTS:
        ct_sbuf_addc(out, '*');
        break;
    case CT_EXC_NESTED:
        ct_sbuf_addc(out, '{');
        for (size_t i = 0; i < e->nsub; i++) {
            if (i) ct_sbuf_add(out, " and ");
            ct_exc_entry_kql(&e->sub[i], out);
        }
        ct_sbuf_addc(out, '}');
        break;
    }
    if (e->excluded) ct_sbuf_addc(out, ')');
}

static int entry_ok(const ct_exc_entry *e, ct_sbuf *err)
{
    if (!e->field || !*e->field) {
        ct_sbuf_add(err, "an entry has an empty field name");
        return -1;
    }
    if ((e->type == CT_EXC_MATCH || e->type == CT_EXC_WILDCARD) &&
        (e->nvalues != 1 || !e->values[0] || !*e->values[0])) {
        ct_sbuf_addf(err, "entry %s: %s needs one non-empty value", e->field, ct_exc_type_name(e->type));
        return -1;
    }
    if (e->type == CT_EXC_MATCH_ANY && !e->nvalues) {
        ct_sbuf_addf(err, "entry %s: match_any needs values", e->field);
        return -1;
    }
    if (e->type == CT_EXC_NESTED) {
        if (!e->nsub) {
            ct_sbuf_addf(err, "entry %s: nested needs entries", e->field);
            return -1;
        }
        for (size_t i = 0; i < e->nsub; i++)
            if (entry_ok(&e->sub[i], err) < 0) return -1;
    }
    return 0;
}

/* s as the repo file holds it: invalid UTF-8 as U+FFFD */
static void written_str(char **s)
{
    if (!*s || !ct_san_utf8_bad(*s, strlen(*s))) return;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_utf8_fix(*s, strlen(*s), &b);
    free(*s);
    *s = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
}

static void written_entry(ct_exc_entry *e)
{
    written_str(&e->field);
    for (size_t i = 0; i < e->nvalues; i++) written_str(&e->values[i]);
    for (size_t i = 0; i < e->nsub; i++) written_entry(&e->sub[i]);
}

int ct_exc_compile(ct_exc_item *it, ct_sbuf *err)
{
    free(it->query);
    it->query = NULL;
    ct_kql_free(it->kql);
    it->kql = NULL;
    if (!it->nentries) {
        ct_sbuf_addf(err, "item %s: no entries (an exception without entries would match every alert)",
                     it->item_id ? it->item_id : "?");
        return -1;
    }
    ct_sbuf q;
    ct_sbuf_init(&q);
    for (size_t i = 0; i < it->nentries; i++) {
        written_entry(&it->entries[i]);
        if (entry_ok(&it->entries[i], err) < 0) {
            ct_sbuf_free(&q);
            return -1;
        }
        if (i) ct_sbuf_add(&q, " and ");
        ct_sbuf_addc(&q, '(');
        ct_exc_entry_kql(&it->entries[i], &q);
        ct_sbuf_addc(&q, ')');
    }
    char perr[256];
    it->kql = ct_kql_parse(q.buf, perr, sizeof perr);
    if (!it->kql) {
        ct_sbuf_addf(err, "item %s: cannot compile to KQL (%s): %s", it->item_id ? it->item_id : "?",
                     perr, q.buf);
        ct_sbuf_free(&q);
        return -1;
    }
    it->query = ct_sbuf_detach(&q);
    ct_sbuf_free(&q);
    return 0;
}

void ct_exc_entry_describe(const ct_exc_entry *e, ct_sbuf *out)
{
    if (e->excluded) ct_sbuf_add(out, "not ");
    ct_sbuf_add(out, e->field);
    switch (e->type) {
    case CT_EXC_MATCH:
        ct_sbuf_addf(out, " is \"%s\"", e->values[0]);
        break;
    case CT_EXC_MATCH_ANY:
        ct_sbuf_add(out, " is one of ");
        for (size_t i = 0; i < e->nvalues; i++) ct_sbuf_addf(out, "%s\"%s\"", i ? ", " : "", e->values[i]);
        break;
    case CT_EXC_WILDCARD:
        ct_sbuf_addf(out, " matches %s", e->values[0]);
        break;
    case CT_EXC_EXISTS:
        ct_sbuf_add(out, " exists");
        break;
    case CT_EXC_NESTED:
        ct_sbuf_add(out, " has {");
        for (size_t i = 0; i < e->nsub; i++) {
            if (i) ct_sbuf_add(out, " and ");
            ct_exc_entry_describe(&e->sub[i], out);
        }
        ct_sbuf_addc(out, '}');
        break;
    }
}

int ct_exc_expired(const ct_exc_item *it, int64_t now_ms)
{
    return it->expire != CT_TIME_NONE && it->expire <= now_ms;
}

static int match_written(const ct_exc_item *it, const cJSON *doc, int64_t now_ms)
{
    if (!it->kql || ct_exc_expired(it, now_ms)) return 0;
    return ct_kql_match(it->kql, doc);
}

int ct_exc_match(const ct_exc_item *it, const cJSON *doc, int64_t now_ms)
{
    cJSON *w = ct_json_written_copy(doc); /* NULL: doc is already in that form */
    int m = match_written(it, w ? w : doc, now_ms);
    cJSON_Delete(w);
    return m;
}

void ct_exc_path(const char *stem, const char *item_id, ct_sbuf *out)
{
    ct_sbuf_add(out, "exceptions/");
    ct_san_filename(stem, out);
    ct_sbuf_addc(out, '/');
    ct_san_filename(item_id, out);
    ct_sbuf_add(out, ".json");
}

void ct_exc_list_id(const char *stem, ct_sbuf *out)
{
    ct_sbuf_addf(out, "%s-exceptions", stem);
}

int ct_exc_for_rule(const ct_exc_item *it, const char *rule_id, const char *stem)
{
    if (it->rule_id && rule_id) return !strcmp(it->rule_id, rule_id);
    if (it->stem && stem) return !strcmp(it->stem, stem);
    return 0;
}

const ct_exc_item *ct_exc_set_match(const ct_exc_set *s, const char *rule_id, const char *stem,
                                    const cJSON *doc, int64_t now_ms)
{
    cJSON *w = ct_json_written_copy(doc); /* once for every item (ct_exc_match) */
    const ct_exc_item *found = NULL;
    for (size_t i = 0; i < s->n && !found; i++)
        if (ct_exc_for_rule(&s->v[i], rule_id, stem) && match_written(&s->v[i], w ? w : doc, now_ms))
            found = &s->v[i];
    cJSON_Delete(w);
    return found;
}
