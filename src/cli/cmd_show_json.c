/* cmd_show_json: `credtriage show --json`, one JSON object on one line:
 * alert, guide, same_target, same_actor, credential_usage (ECS documents with
 * their "credtriage" object, and its "sources" where a change came through
 * several exports), usage_summary, related_alerts, history, identities.
 *
 * An event's document is rebuilt from its record (ct_store_event_json), which
 * is most of the time a busy alert takes: each event is built once however
 * many lists hold it, on every core, and the object is written as text
 * pieces rather than one tree printed at the end. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out.h"
#include "sanitize.h"
#include "show.h"

/* a value as one line of JSON text made safe for the terminal */
static void put_json(const cJSON *v, ct_sbuf *out)
{
    char *p = cJSON_PrintUnformatted(v);
    if (!p) {
        ct_sbuf_add(out, "null");
        return;
    }
    ct_san_json_text(p, strlen(p), ct_out_utf8() ? 0 : CT_SAN_ASCII, out);
    free(p);
}

static char *doc_text(const ct_session *s, size_t ev)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    cJSON *doc = ct_store_event_json(&s->store, ev);
    if (!doc) {
        ct_sbuf_add(&b, "null");
    } else {
        cJSON *ct = cJSON_GetObjectItemCaseSensitive(doc, "credtriage");
        cJSON *src = ct_show_sources_json(s, ev);
        if (src && cJSON_IsObject(ct)) cJSON_AddItemToObject(ct, "sources", src);
        else cJSON_Delete(src);
        put_json(doc, &b);
        cJSON_Delete(doc);
    }
    char *t = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return t;
}

typedef struct docs {
    const ct_session *s;
    const size_t *ev; /* sorted, distinct */
    char **text;
    size_t n, step, first;
} docs;

static void *docs_run(void *arg)
{
    docs *d = arg;
    for (size_t k = d->first; k < d->n; k += d->step) d->text[k] = doc_text(d->s, d->ev[k]);
    return NULL;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* every event of the three lists, once, with its document's text */
static size_t build_docs(const ct_session *s, const ct_corr_result *r, size_t **ev_out, char ***text_out)
{
    size_t n = r->nsame_target + r->nsame_actor + r->usage.n, m = 0;
    size_t *ev = ct_xmalloc((n ? n : 1) * sizeof *ev);
    memcpy(ev, r->same_target, r->nsame_target * sizeof *ev);
    memcpy(ev + r->nsame_target, r->same_actor, r->nsame_actor * sizeof *ev);
    memcpy(ev + r->nsame_target + r->nsame_actor, r->usage.events, r->usage.n * sizeof *ev);
    qsort(ev, n, sizeof *ev, cmp_size);
    for (size_t i = 0; i < n; i++)
        if (!m || ev[m - 1] != ev[i]) ev[m++] = ev[i];
    char **text = ct_xcalloc(m ? m : 1, sizeof *text);
    size_t nt = m < 256 ? 1 : ct_threads();
    if (nt > 8) nt = 8;
    docs d[8];
    pthread_t tid[8];
    int started[8] = {0};
    for (size_t t = 0; t < nt; t++) {
        d[t] = (docs){s, ev, text, m, nt, t};
        if (t) started[t] = pthread_create(&tid[t], NULL, docs_run, &d[t]) == 0;
    }
    docs_run(&d[0]);
    for (size_t t = 1; t < nt; t++) {
        if (started[t]) pthread_join(tid[t], NULL);
        else docs_run(&d[t]); /* no thread: done here */
    }
    *ev_out = ev;
    *text_out = text;
    return m;
}

static void put_events(const size_t *v, size_t n, const size_t *ev, char **text, size_t m, ct_sbuf *out)
{
    ct_sbuf_addc(out, '[');
    for (size_t i = 0; i < n; i++) {
        const size_t *hit = bsearch(&v[i], ev, m, sizeof *ev, cmp_size);
        if (i) ct_sbuf_addc(out, ',');
        ct_sbuf_add(out, hit ? text[hit - ev] : "null");
    }
    ct_sbuf_addc(out, ']');
}

static cJSON *string_array(char **v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
    return arr;
}

void ct_show_print_json(const ct_session *s, const ct_alert *a, const ct_corr_result *r, const char *guide)
{
    const ct_store *st = &s->store;
    size_t *ev;
    char **text;
    size_t m = build_docs(s, r, &ev, &text);
    ct_sbuf out;
    ct_sbuf_init(&out);

    cJSON *v = ct_alert_json(st, a);
    ct_sbuf_add(&out, "{\"alert\":");
    put_json(v, &out);
    cJSON_Delete(v);
    v = cJSON_CreateString(guide);
    ct_sbuf_add(&out, ",\"guide\":");
    put_json(v, &out);
    cJSON_Delete(v);
    ct_sbuf_add(&out, ",\"same_target\":");
    put_events(r->same_target, r->nsame_target, ev, text, m, &out);
    ct_sbuf_add(&out, ",\"same_actor\":");
    put_events(r->same_actor, r->nsame_actor, ev, text, m, &out);
    ct_sbuf_add(&out, ",\"credential_usage\":");
    put_events(r->usage.events, r->usage.n, ev, text, m, &out);

    cJSON *us = cJSON_CreateObject();
    if (r->usage.first_use != CT_TIME_NONE) {
        char t[32];
        ct_time_fmt(r->usage.first_use, t);
        cJSON_AddStringToObject(us, "first_use", t);
    } else {
        cJSON_AddNullToObject(us, "first_use");
    }
    cJSON_AddNumberToObject(us, "count", (double)r->usage.n);
    cJSON_AddNumberToObject(us, "failures", (double)r->usage.failures);
    cJSON_AddItemToObject(us, "ips", string_array(r->usage.ips, r->usage.nips));
    cJSON_AddItemToObject(us, "user_agents", string_array(r->usage.user_agents, r->usage.nuas));
    ct_sbuf_add(&out, ",\"usage_summary\":");
    put_json(us, &out);
    cJSON_Delete(us);

    cJSON *rel = cJSON_CreateArray();
    for (size_t i = 0; i < r->nrelated; i++)
        cJSON_AddItemToArray(rel, ct_alert_json(st, &s->alerts.v[r->related_alerts[i]]));
    ct_sbuf_add(&out, ",\"related_alerts\":");
    put_json(rel, &out);
    cJSON_Delete(rel);

    cJSON *h = cJSON_CreateObject();
    cJSON_AddBoolToObject(h, "actor_changed_target_before", r->actor_changed_target_before);
    cJSON_AddNumberToObject(h, "prior_changes", (double)r->prior_changes);
    cJSON_AddNumberToObject(h, "distinct_actors", (double)r->distinct_actors);
    ct_sbuf_add(&out, ",\"history\":");
    put_json(h, &out);
    cJSON_Delete(h);

    cJSON *ids = cJSON_CreateObject();
    cJSON_AddItemToObject(ids, "actor", ct_show_identity_json(s, r->actor));
    cJSON_AddItemToObject(ids, "target", ct_show_identity_json(s, r->target));
    cJSON_AddItemToObject(ids, "credential", ct_show_identity_json(s, r->credential));
    ct_sbuf_add(&out, ",\"identities\":");
    put_json(ids, &out);
    cJSON_Delete(ids);
    ct_sbuf_add(&out, "}\n");
    fwrite(out.buf, 1, out.len, stdout);
    ct_sbuf_free(&out);
    for (size_t i = 0; i < m; i++) free(text[i]);
    free(text);
    free(ev);
}
