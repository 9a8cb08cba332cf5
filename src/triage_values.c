/* triage_values: an alert's values by ECS path: the field picker's values,
 * and the guide's response steps filled with the alert's values (guide
 * placeholders). Used by triage.c (remediate), the CLI and the console. */
#include "triage_int.h"

#include <stdlib.h>
#include <string.h>
#include "decisions.h"
#include "exceptions.h"
#include "guide.h"

/* Value of the first string leaf whose dotted path (array indexes left out) is field. */
typedef struct { const char *field; const char *value; } path_find;
static void find_walk(const cJSON *v, ct_sbuf *path, path_find *pf)
{
    if (pf->value) return;
    if (cJSON_IsObject(v)) {
        for (const cJSON *c = v->child; c && !pf->value; c = c->next) {
            size_t l = path->len;
            if (l) ct_sbuf_addc(path, '.');
            ct_sbuf_add(path, c->string ? c->string : "");
            if (!strncmp(pf->field, path->buf, path->len) &&
                (pf->field[path->len] == 0 || pf->field[path->len] == '.'))
                find_walk(c, path, pf);
            path->len = l;
            path->buf[l] = 0;
        }
    } else if (cJSON_IsArray(v)) {
        for (const cJSON *c = v->child; c && !pf->value; c = c->next) find_walk(c, path, pf);
    } else if (cJSON_IsString(v) && !strcmp(path->buf, pf->field)) {
        pf->value = v->valuestring;
    }
}

static const char *doc_value(const cJSON *doc, const char *field)
{
    path_find pf = {field, NULL};
    ct_sbuf p;
    ct_sbuf_init(&p);
    find_walk(doc, &p, &pf);
    ct_sbuf_free(&p);
    return pf.value;
}

char *ct_triage_field_value(struct ct_session *s, const ct_alert *a, const char *field)
{
    cJSON *doc = ct_store_event_json(&s->store, a->event);
    if (!doc) return NULL;
    const char *v = doc_value(doc, field);
    char *r = v ? ct_xstrdup(v) : NULL;
    cJSON_Delete(doc);
    return r;
}

static const char *guide_lookup(void *ctx, const char *field)
{
    return doc_value(ctx, field);
}

int ct_triage_response_steps(struct ct_session *s, const ct_alert *a, char ***steps, size_t *n)
{
    *steps = NULL;
    *n = 0;
    const ct_rule *r = ct_triage__alert_rule(s, a);
    if (!r || !r->guide) return 0;
    cJSON *doc = ct_alert_doc(&s->store, a);
    char *md = ct_guide_fill(r->guide, doc ? guide_lookup : NULL, doc);
    int rc = ct_guide_response_steps(md, steps, n);
    free(md);
    cJSON_Delete(doc);
    return rc;
}
