/* actions: what the queue and the detail view share — acknowledge, reopen,
 * the forms, history, opening alerts / events / pagers. Every action ends with
 * the commit id or the error on the message line. */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "ui_int.h"

const char *ui_alert_actor(const ct_alert *a)
{
    const ct_event *e = &ui.s.store.ev[a->event];
    const char *s = ct_event_str(&ui.s.store, e, CT_EF_ACTOR_NAME);
    if (!s) s = ct_event_str(&ui.s.store, e, CT_EF_ACTOR_ID);
    return s ? s : "-";
}

const char *ui_alert_target(const ct_alert *a)
{
    const ct_event *e = &ui.s.store.ev[a->event];
    const char *s = ct_event_str(&ui.s.store, e, CT_EF_TARGET_NAME);
    if (!s) s = ct_event_str(&ui.s.store, e, CT_EF_TARGET_ID);
    return s ? s : "-";
}

/* Decisions need the rules repo: without one, say what was refused, why the
 * console is read-only, and how to fix it (not a success word). */
int ui_need_repo(const char *verb)
{
    if (ui.s.repo) return 1;
    const char *why = ui.s.readonly_why;
    if (why && *why)
        ui_msg(1, "cannot %s, read-only: %s", verb, why);
    else
        ui_msg(1, "cannot %s: read-only, no rules repo; restart with --repo DIR (and --analyst 'Name <email>')",
               verb);
    return 0;
}

typedef int (*many_fn)(ct_session *, ct_alert *const *, size_t, const char *, const char *, char[41], ct_sbuf *);

/* one decision on the alerts: ONE commit (the core writes a decision file each) */
static void simple_action(ct_alert **v, size_t n, const char *note, many_fn fn, const char *verb,
                          const char *done)
{
    if (!ui_need_repo(verb)) return;
    char oid[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    const char *label = ui.label[0] ? ui.label : NULL;
    size_t already = 0; /* reopen leaves the open ones out */
    for (size_t i = 0; fn == ct_triage_reopen_many && i < n; i++) already += v[i]->status == CT_STATUS_OPEN;
    if (fn(&ui.s, v, n, note, label, oid, &err) < 0)
        ui_msg(1, "cannot %s: %s", verb, err.buf);
    else if (n == 1)
        ui_msg(0, "%s %s: commit %.10s", done, v[0]->id, oid[0] ? oid : "(nothing changed)");
    else {
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_addf(&m, "%s %zu alert%s", done, n - already, n - already == 1 ? "" : "s");
        if (label && n - already > 1) ct_sbuf_addf(&m, " of %s", label);
        ct_sbuf_addf(&m, " in one commit %.10s", oid[0] ? oid : "(nothing changed)");
        if (already) ct_sbuf_addf(&m, " (%zu already open)", already);
        ui_msg(0, "%s", m.buf);
        ct_sbuf_free(&m);
    }
    ct_sbuf_free(&err);
    ui_refresh_all();
    ui_status_update();
}

void ui_act_ack(ct_alert **a, size_t n, const char *note)
{
    simple_action(a, n, note, ct_triage_ack_many, "acknowledge", "acknowledged");
}

void ui_act_reopen(ct_alert **a, size_t n, const char *note)
{
    simple_action(a, n, note, ct_triage_reopen_many, "reopen", "reopened");
}

void ui_act_history(void)
{
    if (!ui_need_repo("show the history")) return;
    ui_push(&ui_history_ops, NULL);
}

/* ---- pagers ---- */
typedef struct pager {
    char *title;
    ui_text text;
    long ev;    /* the event shown (a raw record), -1 for other text */
} pager;

void ui_open_pager(const char *title, ui_text *t)
{
    pager *p = ct_xcalloc(1, sizeof *p);
    p->title = ct_xstrdup(title);
    p->ev = -1;
    p->text = *t;
    memset(t, 0, sizeof *t);
    ui_push(&ui_pager_ops, p);
}

/* cJSON indents with tabs and puts one after each key: two spaces / one space
 * read better in 80 columns (tabs inside strings are escaped, never raw). */
static void add_pretty(ui_text *t, char *pretty)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    int bol = 1;
    for (const char *p = pretty; *p; p++) {
        if (*p == '\t') ct_sbuf_add(&b, bol ? "  " : " ");
        else {
            ct_sbuf_addc(&b, *p);
            bol = *p == '\n';
        }
    }
    ui_text_add_block(t, b.buf, b.len, 0, 0, -1);
    ct_sbuf_free(&b);
}

static void add_json_block(ui_text *t, const char *s, size_t n)
{
    cJSON *j = cJSON_ParseWithLength(s, n);
    if (j) {
        char *pretty = cJSON_Print(j);
        if (pretty) {
            add_pretty(t, pretty);
            free(pretty);
        }
        cJSON_Delete(j);
    } else {
        ui_text_add_block(t, s, n, 0, 0, -1);
    }
}

void ui_event_text(size_t ev, ui_text *t)
{
    const ct_event *e = &ui.s.store.ev[ev];
    ui_line *l = ui_text_line(t, 0, -1);
    char place[64];
    ui_line_addf(l, UI_BOLD | UI_COLOR(UI_C_HEAD), "Raw record  %s%s", ct_event_file(&ui.s.store, e),
                 ct_event_place(e, place));
    size_t len = 0;
    const char *raw = ct_event_raw(&ui.s.store, ev, &len);
    if (raw) add_json_block(t, raw, len);
    else ui_line_add(ui_text_line(t, 0, -1), "(record bytes not available)", UI_DIM);
    ui_text_line(t, 0, -1);
    ui_line_add(ui_text_line(t, 0, -1), "ECS document (credtriage normalization)",
                UI_BOLD | UI_COLOR(UI_C_HEAD));
    cJSON *doc = ct_store_event_json(&ui.s.store, ev);
    if (doc) {
        char *pretty = cJSON_Print(doc);
        if (pretty) {
            add_pretty(t, pretty);
            free(pretty);
        }
        cJSON_Delete(doc);
    } else {
        ui_line_add(ui_text_line(t, 0, -1), "(the record could not be normalized)", UI_DIM);
    }
}

void ui_open_event(size_t ev, const char *title)
{
    ui_text t;
    memset(&t, 0, sizeof t);
    ui_event_text(ev, &t);
    ui_open_pager(title, &t);
    ui_view *v = ui_top();
    if (v && v->ops == &ui_pager_ops) ((pager *)v->priv)->ev = (long)ev;
}

static void p_draw(ui_view *v, int y, int h, int w)
{
    pager *p = v->priv;
    ui_text_draw(&p->text, y, h, w);
}

static void p_title(ui_view *v, ct_sbuf *out)
{
    pager *p = v->priv;
    ct_sbuf_add(out, p->title);
    if (p->text.n) {
        size_t last = p->text.top + (size_t)v->h;
        if (last > p->text.n) last = p->text.n;
        ct_sbuf_addf(out, "  lines %zu-%zu of %zu", p->text.top + 1, last, p->text.n);
        if (p->text.hscroll) ct_sbuf_addf(out, ", from column %zu", p->text.hscroll + 1);
    }
}

static int p_request(ui_view *v, enum ui_req req)
{
    pager *p = v->priv;
    if (req == REQ_ENTER) return ui_text_request(&p->text, REQ_DOWN, v->h);
    if (req == REQ_SEARCH || req == REQ_SEARCH_NEXT || req == REQ_SEARCH_PREV) {
        ui_search_request(req, ui_text_find, &p->text);
        return 1;
    }
    return ui_text_request(&p->text, req, v->h);
}

static void p_close(ui_view *v)
{
    pager *p = v->priv;
    ui_text_clear(&p->text);
    free(p->title);
    free(p);
}

static long p_event(ui_view *v) { return ((pager *)v->priv)->ev; }
static void p_text(ui_view *v, ct_sbuf *out) { ui_text_plain(&((pager *)v->priv)->text, out); }

const ct_view_ops ui_pager_ops = {
    .name = "pager",
    .scope = UI_SCOPE_PAGER | UI_SCOPE_LIST,
    .draw = p_draw,
    .request = p_request,
    .title = p_title,
    .close = p_close,
    .event = p_event,
    .text = p_text,
};
