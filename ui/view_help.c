/* view_help: generated from the keymap table, so it is never out of date. */
#include <stdlib.h>
#include <string.h>
#include "ui_int.h"

static const struct { unsigned scope; const char *name; } sections[] = {
    {UI_SCOPE_ANY, "Everywhere"},
    {UI_SCOPE_LIST, "Lists and pagers"},
    {UI_SCOPE_QUEUE, "Alert queue"},
    {UI_SCOPE_ALERT, "Alert detail"},
    {UI_SCOPE_FORM, "Forms (false positive, remediation)"},
    {UI_SCOPE_HISTORY, "History"},
};

static const char *commands[] = {
    ":sort time|severity|rule|actor", ":filter [status=S] [sev=high] [rule=TEXT] [TEXT] | clear   (\"quote\" spaces)",
    ":status open|all|acknowledged|false_positive|remediated|suppressed",
    ":group actor|target|none", ":ack [NOTE]   :reopen [NOTE]   (tagged alerts, else the current one)",
    ":assign [Name <email> | none]   :note [TEXT]   (without an argument: the form)",
    ":open ID   :goto ID", ":window DUR   correlation window each side (30m, 12h, 3d, 2w)",
    ":history   :help   :redraw   :quit", ":screen-dump FILE   write the screen as text",
    ":events FIELD=VALUE   every loaded event with that value (entity/user, actor, target, app, ip, key)",
    ":sync   fetch, replay, push the rules repo; says what came in from others",
    ":replace   the next decision may replace another analyst's (its commit says so)",
    "/ searches with a POSIX extended regular expression, case-insensitive; :nohlsearch hides the marks",
};

typedef struct help { ui_text text; int w; } help;

/* key column, then the text wrapped to the width under itself: nothing is cut at 80 columns */
static void add_wrapped(ui_text *t, const char *keys, const char *text, int w)
{
    ct_sbuf lines[4];
    for (int i = 0; i < 4; i++) ct_sbuf_init(&lines[i]);
    int indent = keys ? 25 : 2;
    int n = ui_wrap(text, w - indent - 1, 0, lines, 4);
    for (int i = 0; i < n; i++) {
        ui_line *l = ui_text_line(t, 0, -1);
        ct_sbuf pad;
        ct_sbuf_init(&pad);
        if (keys) ct_sbuf_addf(&pad, "  %-22s ", i ? "" : keys);
        else ct_sbuf_add(&pad, i ? "    " : "  ");
        ui_line_add(l, pad.buf, UI_BOLD);
        ui_line_add(l, lines[i].buf, 0);
        ct_sbuf_free(&pad);
    }
    for (int i = 0; i < 4; i++) ct_sbuf_free(&lines[i]);
}

static void build(help *hp)
{
    ui_text *t = &hp->text;
    ui_text_clear(t);
    for (size_t s = 0; s < CT_ARRAY_LEN(sections); s++) {
        if (s) ui_text_line(t, 0, -1);
        ui_line_add(ui_text_line(t, 0, -1), sections[s].name, UI_BOLD | UI_COLOR(UI_C_HEAD));
        for (const ui_keymap *k = ui_keymap_table; k->key || k->req; k++) {
            if (!(k->scope & sections[s].scope) || !k->help) continue;
            ct_sbuf keys;
            ct_sbuf_init(&keys);
            char kb[16];
            ct_sbuf_add(&keys, ui_key_name(k->key, kb));
            for (const ui_keymap *a = k + 1; (a->key || a->req) && !a->help && a->req == k->req; a++) {
                const char *nm = ui_key_name(a->key, kb);
                if (strstr(keys.buf, nm)) continue; /* <Enter> for \n, \r and KEY_ENTER */
                ct_sbuf_add(&keys, ", ");
                ct_sbuf_add(&keys, nm);
            }
            add_wrapped(t, keys.buf, k->help, hp->w);
            ct_sbuf_free(&keys);
        }
    }
    ui_text_line(t, 0, -1);
    ui_line_add(ui_text_line(t, 0, -1), "Commands (after :)", UI_BOLD | UI_COLOR(UI_C_HEAD));
    for (size_t i = 0; i < CT_ARRAY_LEN(commands); i++) add_wrapped(t, NULL, commands[i], hp->w);
}

static help *H(ui_view *v)
{
    if (!v->priv) {
        help *hp = ct_xcalloc(1, sizeof(help));
        hp->w = COLS;
        v->priv = hp;
        build(hp);
    }
    return v->priv;
}

static void h_draw(ui_view *v, int y, int h, int w)
{
    help *hp = H(v);
    if (hp->w != w) { /* wrapped to the width: again after a resize */
        hp->w = w;
        build(hp);
    }
    ui_text_draw(&hp->text, y, h, w);
}

static int h_request(ui_view *v, enum ui_req req)
{
    if (req == REQ_HELP) return 1;
    return ui_text_request(&H(v)->text, req, v->h);
}

static void h_title(ui_view *v, ct_sbuf *out)
{
    (void)v;
    ct_sbuf_add(out, "Help (q closes)");
}

static void h_close(ui_view *v)
{
    help *hp = v->priv;
    if (!hp) return;
    ui_text_clear(&hp->text);
    free(hp);
}

static void h_text(ui_view *v, ct_sbuf *out) { ui_text_plain(&H(v)->text, out); }

const ct_view_ops ui_help_ops = {
    .name = "help",
    .scope = UI_SCOPE_PAGER | UI_SCOPE_LIST,
    .draw = h_draw,
    .request = h_request,
    .title = h_title,
    .close = h_close,
    .text = h_text,
};
