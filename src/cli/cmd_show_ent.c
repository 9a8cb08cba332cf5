/* cmd_show_ent: the sources of a change and the identities of an alert, for
 * both forms of `credtriage show` (show.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sanitize.h"
#include "out.h"
#include "show.h"

#define MAX_SOURCES 32
#define MAX_IDS 16

size_t ct_show_sources_text(const ct_session *s, size_t ev, ct_sbuf *out)
{
    if (!s->corr) return 1;
    size_t m[MAX_SOURCES];
    size_t n = ct_changes_members(ct_corr_changes(s->corr), ev, m, MAX_SOURCES);
    if (n < 2) return n;
    /* kinds in order of first appearance, with counts */
    int count[CT_KIND__COUNT + 1] = {0}, order[CT_KIND__COUNT + 1], norder = 0;
    for (size_t i = 0; i < n && i < MAX_SOURCES; i++) {
        const ct_event *e = &s->store.ev[m[i]];
        int k = e->flags & CT_EVF_ALERT ? CT_KIND_ELASTIC_ALERT : e->kind;
        if (k < 0 || k >= CT_KIND__COUNT) k = CT_KIND_GENERIC;
        if (!count[k]++) order[norder++] = k;
    }
    for (int j = 0; j < norder; j++) {
        ct_sbuf_add(out, j ? ", " : "");
        ct_sbuf_add(out, ct_kind_name((ct_kind)order[j]));
        if (count[order[j]] > 1) ct_sbuf_addf(out, " x%d", count[order[j]]);
    }
    return n;
}

cJSON *ct_show_sources_json(const ct_session *s, size_t ev)
{
    if (!s->corr) return NULL;
    size_t m[MAX_SOURCES];
    size_t n = ct_changes_members(ct_corr_changes(s->corr), ev, m, MAX_SOURCES);
    if (n < 2) return NULL;
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n && i < MAX_SOURCES; i++) {
        const ct_event *e = &s->store.ev[m[i]];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", e->flags & CT_EVF_ALERT ? "elastic-alert" : ct_kind_name((ct_kind)e->kind));
        cJSON_AddStringToObject(o, "file", ct_event_file(&s->store, e));
        cJSON_AddNumberToObject(o, "line", e->line);
        if (e->rec) cJSON_AddNumberToObject(o, "record", e->rec);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

cJSON *ct_show_identity_json(const ct_session *s, uint32_t ident)
{
    const ct_entities *E = s->corr ? ct_corr_entities(s->corr) : NULL;
    if (!E || !ident) return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", ct_ent_kind_name(ct_entities_kind(E, ident)));
    const char *ids[MAX_IDS];
    size_t n = ct_entities_ids(E, ident, ids, MAX_IDS);
    cJSON *a = cJSON_AddArrayToObject(o, "ids");
    for (size_t i = 0; i < n && i < MAX_IDS; i++) cJSON_AddItemToArray(a, cJSON_CreateString(ids[i]));
    ct_link links[MAX_IDS];
    n = ct_entities_links(E, ident, links, MAX_IDS);
    a = cJSON_AddArrayToObject(o, "links");
    for (size_t i = 0; i < n && i < MAX_IDS; i++) {
        const ct_event *e = &s->store.ev[links[i].event];
        cJSON *l = cJSON_CreateObject();
        cJSON_AddStringToObject(l, "a", links[i].a);
        cJSON_AddStringToObject(l, "b", links[i].b);
        cJSON_AddStringToObject(l, "why", ct_link_why_name(links[i].why));
        cJSON_AddStringToObject(l, "file", ct_event_file(&s->store, e));
        cJSON_AddNumberToObject(l, "line", e->line);
        if (e->rec) cJSON_AddNumberToObject(l, "record", e->rec);
        cJSON_AddItemToArray(a, l);
    }
    return o;
}

static void put(const char *t)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_displayz(t, 0, &b);
    ct_out_block(stdout, b.buf, b.len);
    ct_sbuf_free(&b);
}

void ct_show_identity_text(const ct_session *s, const char *label, uint32_t ident)
{
    const ct_entities *E = s->corr ? ct_corr_entities(s->corr) : NULL;
    ct_out_printf(stdout, "  %-11s ", label);
    if (!E || !ident) {
        ct_out_printf(stdout, "(none)\n");
        return;
    }
    const char *ids[MAX_IDS];
    size_t n = ct_entities_ids(E, ident, ids, MAX_IDS);
    ct_out_printf(stdout, "%s; ", ct_ent_kind_name(ct_entities_kind(E, ident)));
    for (size_t i = 0; i < n && i < MAX_IDS; i++) {
        fputs(i ? ", " : "", stdout);
        put(ids[i]);
    }
    if (n > MAX_IDS) ct_out_printf(stdout, ", ... (%zu ids)", n);
    putchar('\n');
    ct_link links[MAX_IDS];
    n = ct_entities_links(E, ident, links, MAX_IDS);
    for (size_t i = 0; i < n && i < MAX_IDS; i++) {
        const ct_event *e = &s->store.ev[links[i].event];
        ct_out_printf(stdout, "  %-11s   ", "");
        put(links[i].a);
        fputs(" = ", stdout);
        put(links[i].b);
        ct_out_printf(stdout, ": %s (", ct_link_why_name(links[i].why));
        put(ct_event_file(&s->store, e));
        char place[64];
        ct_out_printf(stdout, "%s)\n", ct_event_place(e, place));
    }
    if (n > MAX_IDS) ct_out_printf(stdout, "  %-11s   ... (%zu joins)\n", "", n);
}
