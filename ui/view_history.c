/* view_history: the rules repo's commits (author, date, message); Enter shows
 * one commit's diff in a pager with +/- colouring; R reverts it after a y/n
 * confirmation and the statuses are re-applied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui_int.h"

typedef struct history {
    ct_commit_info *c;
    size_t n;
    ui_text text;
} history;

static void load(history *hs)
{
    ct_commit_info_free(hs->c, hs->n);
    hs->c = NULL;
    hs->n = 0;
    size_t cur = hs->text.cur;
    ui_text_clear(&hs->text);
    hs->text.cursor = 1;
    hs->text.cur = cur;
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_repo_history(ui.s.repo, NULL, 0, 500, &hs->c, &hs->n, &err) < 0) {
        ui_msg(1, "history: %s", err.buf);
        hs->n = 0;
    }
    ct_sbuf_free(&err);
    for (size_t i = 0; i < hs->n; i++) {
        ct_commit_info *c = &hs->c[i];
        ui_line *l = ui_text_line(&hs->text, 1, (long)i);
        char tb[32];
        ui_fmt_time(c->time_ms, 1, tb);
        ui_line_addf(l, UI_COLOR(UI_C_MARK), "%.7s ", c->id);
        ui_line_addf(l, 0, "%.16s ", tb);
        char au[24];
        snprintf(au, sizeof au, "%-18.18s ", c->author_name ? c->author_name : "?");
        ui_line_add(l, au, UI_COLOR(UI_C_CODE));
        ui_line_add(l, c->summary ? c->summary : "", 0);
    }
}

static history *HS(ui_view *v)
{
    if (!v->priv) {
        v->priv = ct_xcalloc(1, sizeof(history));
        load(v->priv);
    }
    return v->priv;
}

static void h_draw(ui_view *v, int y, int h, int w)
{
    history *hs = HS(v);
    if (!hs->n) {
        ui_put(y + 1, 2, w - 4, "No commits.", UI_DIM, 0);
        return;
    }
    ui_text_draw(&hs->text, y, h, w);
}

static void h_title(ui_view *v, ct_sbuf *out)
{
    history *hs = HS(v);
    ct_sbuf_addf(out, "History of the rules repo (%zu commit%s)  Enter: diff  R: revert", hs->n, hs->n == 1 ? "" : "s");
}

static void show_diff(history *hs, size_t i)
{
    ct_commit_info *c = &hs->c[i];
    ct_sbuf patch, err;
    ct_sbuf_init(&patch);
    ct_sbuf_init(&err);
    if (ct_repo_show(ui.s.repo, c->id, &patch, &err) < 0) {
        ui_msg(1, "show %.10s: %s", c->id, err.buf);
        goto out;
    }
    ui_text t;
    memset(&t, 0, sizeof t);
    char tb[32];
    ui_fmt_time(c->time_ms, 1, tb);
    ui_line_addf(ui_text_line(&t, 0, -1), UI_BOLD | UI_COLOR(UI_C_MARK), "commit %s", c->id);
    ui_line *l = ui_text_line(&t, 0, -1);
    ui_line_add(l, "Author: ", 0);
    ui_line_add(l, c->author_name ? c->author_name : "", 0);
    ui_line_add(l, " <", 0);
    ui_line_add(l, c->author_email ? c->author_email : "", 0);
    ui_line_add(l, ">", 0);
    ui_line_addf(ui_text_line(&t, 0, -1), 0, "Date:   %s UTC", tb);
    ui_text_line(&t, 0, -1);
    if (c->message) {
        ui_text body;
        memset(&body, 0, sizeof body);
        ui_text_add_block(&t, c->message, strlen(c->message), 0, 0, -1);
        (void)body;
    }
    ui_text_line(&t, 0, -1);
    /* the patch, line by line, coloured by its first character */
    const char *p = patch.buf;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int attr = 0;
        if (!strncmp(p, "+++", 3) || !strncmp(p, "---", 3) || !strncmp(p, "diff ", 5) || !strncmp(p, "index ", 6))
            attr = UI_BOLD;
        else if (*p == '+') attr = UI_COLOR(UI_C_ADD);
        else if (*p == '-') attr = UI_COLOR(UI_C_DEL);
        else if (!strncmp(p, "@@", 2)) attr = UI_COLOR(UI_C_HUNK);
        size_t before = t.n;
        ui_text_add_block(&t, p, n, attr, 0, -1);
        if (t.n == before) ui_text_line(&t, 0, -1);
        if (!e) break;
        p = e + 1;
    }
    char title[80];
    snprintf(title, sizeof title, "Commit %.10s", c->id);
    ui_open_pager(title, &t);
out:
    ct_sbuf_free(&patch);
    ct_sbuf_free(&err);
}

static void revert(history *hs, size_t i)
{
    ct_commit_info *c = &hs->c[i];
    char q[160];
    ct_sbuf sum;
    ct_sbuf_init(&sum);
    ct_sbuf_add(&sum, c->summary ? c->summary : "");
    snprintf(q, sizeof q, "Revert %.7s? (y/n)  \"%.60s\"", c->id, sum.buf);
    ct_sbuf_free(&sum);
    ui_msg(0, "%s", q);
    ui_redraw();
    int key;
    do key = ui_next_key();
    while (key == KEY_RESIZE && (ui_redraw(), 1));
    if (key != 'y' && key != 'Y') {
        ui_msg(0, "revert cancelled");
        return;
    }
    char oid[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_triage_revert(&ui.s, c->id, oid, &err) < 0) ui_msg(1, "revert %.7s refused: %s", c->id, err.buf);
    else ui_msg(0, "reverted %.7s: commit %.10s; statuses re-applied", c->id, oid);
    ct_sbuf_free(&err);
    ui_refresh_all();
    ui_status_update();
}

static int h_request(ui_view *v, enum ui_req req)
{
    history *hs = HS(v);
    if ((req == REQ_ENTER || req == REQ_REVERT) && hs->text.cur < hs->text.n) {
        long i = hs->text.v[hs->text.cur].data;
        if (i < 0 || (size_t)i >= hs->n) return 1;
        if (req == REQ_ENTER) show_diff(hs, (size_t)i);
        else revert(hs, (size_t)i);
        return 1;
    }
    if (req == REQ_SEARCH || req == REQ_SEARCH_NEXT || req == REQ_SEARCH_PREV) {
        ui_search_request(req, ui_text_find, &hs->text);
        return 1;
    }
    if (req == REQ_HISTORY) return 1;
    return ui_text_request(&hs->text, req, v->h);
}

static void h_reload(ui_view *v)
{
    if (v->priv) load(v->priv);
}

static void h_close(ui_view *v)
{
    history *hs = v->priv;
    if (!hs) return;
    ct_commit_info_free(hs->c, hs->n);
    ui_text_clear(&hs->text);
    free(hs);
}

static void h_text(ui_view *v, ct_sbuf *out)
{
    history *hs = v->priv;
    if (hs) ui_text_plain(&hs->text, out);
}

const ct_view_ops ui_history_ops = {
    .name = "history",
    .scope = UI_SCOPE_HISTORY | UI_SCOPE_LIST,
    .draw = h_draw,
    .request = h_request,
    .title = h_title,
    .close = h_close,
    .reload = h_reload,
    .text = h_text,
};
