/* cmd_show_guide: the alert's investigation guide filled with its event's
 * values, as plain text for `credtriage show` (show.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guide.h"
#include "sanitize.h"
#include "out.h"
#include "show.h"

#define GUIDE_WIDTH 80

/* ct_sbuf_detach re-initialises the buffer (allocating): free that too. */
static char *take(ct_sbuf *b)
{
    char *s = ct_sbuf_detach(b);
    ct_sbuf_free(b);
    return s;
}

/* ---- guide values: a dotted path over the event's JSON, flat or nested ---- */

typedef struct guide_ctx {
    const cJSON *doc;
    char **kept; /* strings handed out, freed at the end */
    size_t nkept, cap;
} guide_ctx;

/* Each level may spell part of the path as one flat key ("event.action" inside
 * an object) or nest it; a numeric segment indexes an array. */
static const cJSON *resolve(const cJSON *v, const char *path)
{
    if (!v) return NULL;
    if (!*path) return v;
    if (cJSON_IsArray(v)) {
        char *end;
        unsigned long idx = strtoul(path, &end, 10);
        if (end == path || (*end && *end != '.')) return NULL;
        const cJSON *item = cJSON_GetArrayItem(v, (int)idx);
        return resolve(item, *end ? end + 1 : end);
    }
    if (!cJSON_IsObject(v)) return NULL;
    /* the longest key that is a prefix of the path at a segment boundary wins */
    const cJSON *best = NULL;
    size_t best_len = 0;
    for (const cJSON *c = v->child; c; c = c->next) {
        if (!c->string) continue;
        size_t l = strlen(c->string);
        if (l <= best_len || strncmp(path, c->string, l) || (path[l] && path[l] != '.')) continue;
        const cJSON *r = resolve(c, path[l] ? path + l + 1 : path + l);
        if (r) {
            best = r;
            best_len = l;
        }
    }
    return best;
}

static const char *keep(guide_ctx *g, char *s)
{
    if (g->nkept == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 16;
        g->kept = ct_xrealloc(g->kept, g->cap * sizeof *g->kept);
    }
    return g->kept[g->nkept++] = s;
}

static void scalar_text(const cJSON *v, ct_sbuf *out)
{
    if (cJSON_IsString(v)) ct_sbuf_add(out, v->valuestring);
    else if (cJSON_IsBool(v)) ct_sbuf_add(out, cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        /* range first: casting 1e999 (inf) to long long is undefined behaviour */
        if (d > -1e15 && d < 1e15 && d == (double)(long long)d) ct_sbuf_addf(out, "%lld", (long long)d);
        else ct_sbuf_addf(out, "%g", d);
    }
}

static const char *guide_lookup(void *vctx, const char *path)
{
    guide_ctx *g = vctx;
    const cJSON *v = resolve(g->doc, path);
    if (!v || cJSON_IsNull(v)) return NULL;
    ct_sbuf b;
    ct_sbuf_init(&b);
    if (cJSON_IsArray(v)) {
        const cJSON *it;
        cJSON_ArrayForEach(it, v)
        {
            if (cJSON_IsObject(it) || cJSON_IsArray(it) || cJSON_IsNull(it)) continue;
            if (b.len) ct_sbuf_add(&b, ", ");
            scalar_text(it, &b);
        }
    } else if (cJSON_IsObject(v)) {
        char *s = cJSON_PrintUnformatted(v);
        if (s) ct_sbuf_add(&b, s);
        free(s);
    } else {
        scalar_text(v, &b);
    }
    if (!b.len) {
        ct_sbuf_free(&b);
        return NULL;
    }
    return keep(g, take(&b));
}

char *ct_show_guide_text(const ct_session *s, const ct_alert *a)
{
    const char *md = a->rule ? a->rule->guide : NULL;
    if (!md) return ct_xstrdup("");
    cJSON *doc = ct_alert_doc(&s->store, a);
    guide_ctx g = {doc, NULL, 0, 0};
    char *filled = ct_guide_fill(md, guide_lookup, &g);
    ct_sbuf out;
    ct_sbuf_init(&out);
    if (ct_guide_render_text(filled, GUIDE_WIDTH, &out) < 0) {
        ct_sbuf_reset(&out);
        ct_san_displayz(filled, CT_SAN_MULTILINE, &out); /* the Markdown as it is, made inert */
        ct_sbuf_addc(&out, '\n');
    }
    free(filled);
    for (size_t i = 0; i < g.nkept; i++) free(g.kept[i]);
    free(g.kept);
    cJSON_Delete(doc);
    return take(&out);
}

