/* view_events: pivots and getting data out. `p` on a value under the cursor
 * (an identity, an IP, a credential, a client app) or `:events FIELD=VALUE`
 * opens every loaded event carrying it, time-ordered, one line each (like
 * lnav's filtered views; Enter opens the raw record). `y` copies a value to
 * the clipboard with OSC 52 and says what it copied; `|` pipes the view's
 * text to $PAGER. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <unistd.h>
#include "out.h"
#include "sanitize.h"
#include "ui_int.h"

/* ---- one event as a line (the correlation pane's lines too) ---- */
void ui_event_line(ui_text *t, size_t ev, size_t self)
{
    const ct_store *st = &ui.s.store;
    const ct_event *e = &st->ev[ev];
    ui_line *l = ui_text_line(t, UI_LK_EVENT, (long)ev);
    int mark = ev == self;
    ui_line_add(l, mark ? (ui.utf8 ? " \u25b6 " : " > ") : "   ", UI_BOLD | UI_COLOR(UI_C_MARK));
    char tb[32];
    ui_fmt_time(e->ts, 1, tb);
    ui_line_add(l, tb + 5, mark ? UI_BOLD : 0);
    ui_line_add(l, "  ", 0);
    const char *action = ct_event_str(st, e, CT_EF_ACTION);
    ui_line_add(l, action ? action : ct_kind_name((ct_kind)e->kind), mark ? UI_BOLD : 0);
    const char *actor = ct_event_str(st, e, CT_EF_ACTOR_NAME);
    if (!actor) actor = ct_event_str(st, e, CT_EF_ACTOR_ID);
    const char *target = ct_event_str(st, e, CT_EF_TARGET_NAME);
    if (!target) target = ct_event_str(st, e, CT_EF_TARGET_ID);
    if (actor) {
        ui_line_add(l, " by ", UI_DIM);
        ui_line_add(l, actor, 0);
    }
    const char *ip = ct_event_str(st, e, CT_EF_ACTOR_IP);
    if (ip) {
        ui_line_add(l, " from ", UI_DIM);
        ui_line_add(l, ip, 0);
    }
    if (target && (!actor || strcmp(actor, target))) {
        ui_line_add(l, " on ", UI_DIM);
        ui_line_add(l, target, 0);
    }
    const char *out = ct_event_str(st, e, CT_EF_OUTCOME);
    if (out && strcmp(out, "success")) ui_line_addf(l, UI_BOLD | UI_COLOR(UI_C_ERR), " [%s]", out);
    if (e->flags & CT_EVF_CRED_ADD) ui_line_add(l, " +cred", UI_BOLD | UI_COLOR(UI_C_HIGH));
    if (!target) { /* a sign-in: the application signed in with, or the resource reached */
        const char *app = ct_event_str(st, e, CT_EF_CLIENT_APP), *res = ct_event_str(st, e, CT_EF_RESOURCE);
        if (app || res) {
            ui_line_add(l, app ? " via " : " to ", UI_DIM);
            ui_line_add(l, app ? app : res, UI_DIM);
        }
    }
    /* one change seen through several exports is one line */
    size_t nsrc = ui.s.corr ? ct_changes_members(ct_corr_changes(ui.s.corr), ev, NULL, 0) : 1;
    if (nsrc > 1) ui_line_addf(l, UI_DIM, " (%zu sources)", nsrc);
}

void ui_text_plain(const ui_text *t, ct_sbuf *out)
{
    for (size_t i = 0; i < t->n; i++) {
        for (size_t j = 0; j < t->v[i].n; j++) ct_sbuf_add(out, t->v[i].segs[j].text);
        ct_sbuf_addc(out, '\n');
    }
}

/* ---- pivot fields ---- */
static const struct {
    const char *name;
    enum ct_ef f[7];
    size_t n;
} fields[] = {
    {"entity", {CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID, CT_EF_ACTOR_ID2, CT_EF_TARGET_NAME, CT_EF_TARGET_ID,
                CT_EF_TARGET_ID2, CT_EF_TARGET_APP_ID}, 7},
    {"actor", {CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID, CT_EF_ACTOR_ID2}, 3},
    {"target", {CT_EF_TARGET_NAME, CT_EF_TARGET_ID, CT_EF_TARGET_ID2, CT_EF_TARGET_APP_ID}, 4},
    {"ip", {CT_EF_ACTOR_IP}, 1},
    {"key", {CT_EF_CRED_ID, CT_EF_CRED_USED, CT_EF_CRED_NAME}, 3},
    {"app", {CT_EF_CLIENT_APP, CT_EF_TARGET_NAME, CT_EF_TARGET_ID, CT_EF_TARGET_APP_ID, CT_EF_RESOURCE}, 5},
};
static const struct { const char *alias, *name; } aliases[] = {
    {"user", "entity"}, {"id", "entity"}, {"credential", "key"}, {"cred", "key"}, {"source.ip", "ip"},
    {"application", "app"},
};

static int field_index(const char *name)
{
    for (size_t i = 0; i < CT_ARRAY_LEN(aliases); i++)
        if (ct_strcaseeq(name, aliases[i].alias)) name = aliases[i].name;
    for (size_t i = 0; i < CT_ARRAY_LEN(fields); i++)
        if (ct_strcaseeq(name, fields[i].name)) return (int)i;
    return -1;
}

static int event_has(size_t ev, int fi, const char *value)
{
    const ct_store *st = &ui.s.store;
    const ct_event *e = &st->ev[ev];
    for (size_t k = 0; k < fields[fi].n; k++) {
        const char *s = ct_event_str(st, e, fields[fi].f[k]);
        if (s && ct_strcaseeq(s, value)) return 1;
    }
    return 0;
}

/* the values of an event one can pivot on or copy (up to max) */
typedef struct pv { const char *field, *value; } pv;

static size_t event_values(size_t ev, pv *out, size_t max)
{
    const ct_store *st = &ui.s.store;
    const ct_event *e = &st->ev[ev];
    static const struct { enum ct_ef f; const char *field; } take[] = {
        {CT_EF_ACTOR_NAME, "entity"}, {CT_EF_ACTOR_ID, "entity"}, {CT_EF_TARGET_NAME, "entity"},
        {CT_EF_TARGET_ID, "entity"}, {CT_EF_ACTOR_IP, "ip"}, {CT_EF_CRED_ID, "key"}, {CT_EF_CRED_USED, "key"},
        {CT_EF_CLIENT_APP, "app"},
    };
    size_t n = 0;
    for (size_t i = 0; i < CT_ARRAY_LEN(take) && n < max; i++) {
        const char *s = ct_event_str(st, e, take[i].f);
        if (!s || !*s) continue;
        int dup = 0;
        for (size_t k = 0; k < n; k++) dup |= !strcmp(out[k].value, s);
        if (dup) continue;
        out[n].field = take[i].field;
        out[n].value = s;
        n++;
    }
    return n;
}

/* Ask which value (digits), unless there is only one. NULL if cancelled. */
static const pv *choose(const char *what, pv *v, size_t n)
{
    if (!n) {
        ui_msg(1, "%s: no value here (on an alert, an incident or an event line)", what);
        return NULL;
    }
    if (n == 1) return &v[0];
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_addf(&b, "%s ", what);
    for (size_t i = 0; i < n; i++) {
        ct_sbuf q;
        ct_sbuf_init(&q);
        ct_san_line(v[i].value, 26, &q);
        ct_sbuf_addf(&b, "[%zu] %s %s  ", i + 1, v[i].field, q.buf);
        ct_sbuf_free(&q);
    }
    ct_sbuf_add(&b, "(Esc cancels)");
    ui_msg(0, "%s", b.buf);
    ct_sbuf_free(&b);
    ui_redraw();
    int key;
    do key = ui_next_key();
    while ((key == KEY_RESIZE || key == UI_KEY_TICK) && (ui_redraw(), 1));
    ui.msg[0] = 0;
    if (key < '1' || key > '0' + (int)n) return NULL;
    return &v[key - '1'];
}

static long current_event(void)
{
    ui_view *v = ui_top();
    return v && v->ops->event ? v->ops->event(v) : -1;
}

/* ---- the events view ---- */
typedef struct evview {
    char *title;
    ui_text text;
} evview;

int ui_open_events(const char *field, const char *value)
{
    int fi = field_index(field);
    if (fi < 0) {
        ui_msg(1, "events: no field %s (entity, user, actor, target, app, ip, key)", field);
        return -1;
    }
    evview *e = ct_xcalloc(1, sizeof *e);
    e->text.cursor = 1;
    e->text.skip_plain = 1;
    e->text.detail = 1;
    size_t n = 0, total = ui.s.store.nev;
    size_t *idx = ct_xmalloc((total ? total : 1) * sizeof *idx);
    for (size_t i = 0; i < total; i++)
        if (event_has(i, fi, value)) idx[n++] = i;
    /* time order (the store is in load order) */
    for (size_t i = 1; i < n; i++) { /* insertion sort keeps equal times in load order */
        size_t x = idx[i], j = i;
        while (j && ui.s.store.ev[idx[j - 1]].ts > ui.s.store.ev[x].ts) { idx[j] = idx[j - 1]; j--; }
        idx[j] = x;
    }
    ui_line *l = ui_text_line(&e->text, 0, -1);
    ui_line_addf(l, UI_BOLD | UI_COLOR(UI_C_HEAD), " %zu event%s with %s=", n, n == 1 ? "" : "s", fields[fi].name);
    ui_line_add(l, value, UI_BOLD | UI_COLOR(UI_C_HEAD));
    ui_line_addf(l, UI_DIM, "  of %zu loaded; Enter opens the raw record, p pivots again", total);
    for (size_t i = 0; i < n; i++) ui_event_line(&e->text, idx[i], (size_t)-1);
    if (!n) ui_line_add(ui_text_line(&e->text, 0, -1), "   (none)", UI_DIM);
    free(idx);
    ct_sbuf t;
    ct_sbuf_init(&t);
    ct_sbuf_addf(&t, "Events %s=", fields[fi].name);
    ct_sbuf_add(&t, value); /* sanitized when drawn */
    ct_sbuf_addf(&t, " (%zu)", n);
    e->title = ct_sbuf_detach(&t);
    ct_sbuf_free(&t);
    ui_push(&ui_events_ops, e);
    return 0;
}

static void ev_draw(ui_view *v, int y, int h, int w)
{
    evview *e = v->priv;
    ui_text_draw(&e->text, y, h, w);
}

static void ev_title(ui_view *v, ct_sbuf *out)
{
    evview *e = v->priv;
    ct_sbuf_add(out, e->title);
}

static int ev_request(ui_view *v, enum ui_req req)
{
    evview *e = v->priv;
    ui_text *t = &e->text;
    if (req == REQ_SEARCH || req == REQ_SEARCH_NEXT || req == REQ_SEARCH_PREV) {
        ui_search_request(req, ui_text_find, t);
        return 1;
    }
    if (req == REQ_ENTER) {
        if (t->cur < t->n && t->v[t->cur].kind == UI_LK_EVENT) {
            char title[64];
            snprintf(title, sizeof title, "Event %ld", t->v[t->cur].data);
            ui_open_event((size_t)t->v[t->cur].data, title);
        }
        return 1;
    }
    return ui_text_request(t, req, v->h);
}

static long ev_event(ui_view *v)
{
    evview *e = v->priv;
    ui_text *t = &e->text;
    return t->cur < t->n && t->v[t->cur].kind == UI_LK_EVENT ? t->v[t->cur].data : -1;
}

static void ev_text(ui_view *v, ct_sbuf *out)
{
    evview *e = v->priv;
    ui_text_plain(&e->text, out);
}

static void ev_close(ui_view *v)
{
    evview *e = v->priv;
    ui_text_clear(&e->text);
    free(e->title);
    free(e);
}

const ct_view_ops ui_events_ops = {
    .name = "events",
    .scope = UI_SCOPE_PAGER | UI_SCOPE_LIST,
    .draw = ev_draw,
    .request = ev_request,
    .title = ev_title,
    .close = ev_close,
    .event = ev_event,
    .text = ev_text,
};

/* ---- p, y, | ---- */
void ui_pivot(void)
{
    long ev = current_event();
    pv v[8];
    size_t n = ev >= 0 ? event_values((size_t)ev, v, 8) : 0;
    const pv *c = choose("pivot:", v, n);
    if (c) ui_open_events(c->field, c->value);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void ui_yank(void)
{
    long ev = current_event();
    pv v[8];
    size_t n = ev >= 0 ? event_values((size_t)ev, v, 8) : 0;
    const pv *c = choose("yank:", v, n);
    if (!c) return;
    /* the clipboard gets the inert (sanitized) text: a value from a log pasted
     * into a shell must not carry escape sequences or bidi controls */
    ct_sbuf s, e;
    ct_sbuf_init(&s);
    ct_sbuf_init(&e);
    ct_san_displayz(c->value, 0, &s);
    ct_sbuf_add(&e, "\033]52;c;");
    const unsigned char *p = (const unsigned char *)s.buf;
    for (size_t i = 0; i < s.len; i += 3) {
        unsigned x = (unsigned)p[i] << 16 | (i + 1 < s.len ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < s.len ? p[i + 2] : 0);
        ct_sbuf_addc(&e, b64[x >> 18 & 63]);
        ct_sbuf_addc(&e, b64[x >> 12 & 63]);
        ct_sbuf_addc(&e, i + 1 < s.len ? b64[x >> 6 & 63] : '=');
        ct_sbuf_addc(&e, i + 2 < s.len ? b64[x & 63] : '=');
    }
    ct_sbuf_add(&e, "\a");
    fflush(stdout);
    ssize_t w = write(STDOUT_FILENO, e.buf, e.len);
    if (w == (ssize_t)e.len) ui_msg(0, "copied %s (OSC 52, %zu bytes): %s", c->field, s.len, s.buf);
    else ui_msg(1, "yank: could not write to the terminal: %s", strerror(errno));
    ct_sbuf_free(&s);
    ct_sbuf_free(&e);
}

void ui_pipe_view(void)
{
    ui_view *v = ui_top();
    if (!v || !v->ops->text) {
        ui_msg(1, "|: this view has no text to pipe");
        return;
    }
    ct_sbuf text;
    ct_sbuf_init(&text);
    v->ops->text(v, &text);
    if (!ui.utf8) { /* the view's text is the console's (sanitized) UTF-8: the pager gets the charset's bytes */
        ct_sbuf conv;
        ct_sbuf_init(&conv);
        ct_out_conv(text.buf, text.len, &conv);
        ct_sbuf_free(&text);
        text = conv;
    }
    const char *pager = getenv("PAGER");
    if (!pager || !*pager) pager = "less";
    def_prog_mode();
    endwin();
    FILE *f = popen(pager, "w");
    int rc = -1;
    if (f) {
        void (*old)(int) = signal(SIGPIPE, SIG_IGN); /* the pager may quit before reading it all */
        fwrite(text.buf, 1, text.len, f);
        rc = pclose(f);
        signal(SIGPIPE, old);
    }
    reset_prog_mode();
    refresh();
    clearok(curscr, TRUE);
    if (!f) ui_msg(1, "|: cannot run %s: %s", pager, strerror(errno));
    else if (rc != 0) ui_msg(1, "|: %s exited with status %d", pager, rc);
    else {
        size_t lines = 0;
        for (size_t i = 0; i < text.len; i++) lines += text.buf[i] == '\n';
        ui_msg(0, "|: %zu line%s piped to %s", lines, lines == 1 ? "" : "s", pager);
    }
    ct_sbuf_free(&text);
}
