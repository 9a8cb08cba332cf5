/* view_diag: the load's diagnostics, one per line ("FILE:LINE: reason"), so
 * an analyst sees which records were skipped or not recognized and why
 * (issue #14); `D` opens it. A diagnostic wider than the terminal wraps, its
 * continuation indented, so nothing is cut at 80 columns; `|` and `y` get the
 * lines whole. The text is sanitized as every line is. */
#include <stdlib.h>
#include "ui_int.h"

#define DIAG_WRAP_ROWS 32 /* a diagnostic's rows at most (it is a few hundred bytes) */

typedef struct diagv { ui_text text; size_t shown; int w; } diagv;

static void build(diagv *d, int w)
{
    const char *const *v;
    size_t n = ui_load_diags(&v);
    size_t top = d->text.top;
    ui_text_clear(&d->text);
    ui_line_addf(ui_text_line(&d->text, 0, -1), UI_BOLD | UI_COLOR(UI_C_HEAD),
                 "%zu diagnostic%s from loading%s", ui.ndiag, ui.ndiag == 1 ? "" : "s",
                 ui.ndiag > n ? " (the first ones kept)" : "");
    if (!n) ui_line_add(ui_text_line(&d->text, 0, -1), "every record was read", UI_DIM);
    ct_sbuf rows[DIAG_WRAP_ROWS];
    for (int k = 0; k < DIAG_WRAP_ROWS; k++) ct_sbuf_init(&rows[k]);
    for (size_t i = 0; i < n; i++) {
        int k = ui_wrap(v[i], w > 12 ? w : 12, 4, rows, DIAG_WRAP_ROWS);
        for (int j = 0; j < k; j++) ui_line_add(ui_text_line(&d->text, 0, -1), rows[j].buf, 0);
    }
    for (int k = 0; k < DIAG_WRAP_ROWS; k++) ct_sbuf_free(&rows[k]);
    d->text.top = top < d->text.n ? top : 0;
    d->shown = n;
    d->w = w;
}

static diagv *DV(ui_view *v)
{
    if (!v->priv) {
        v->priv = ct_xcalloc(1, sizeof(diagv));
        build(v->priv, v->w > 0 ? v->w : COLS);
    }
    return v->priv;
}

static void d_draw(ui_view *v, int y, int h, int w)
{
    diagv *d = DV(v);
    const char *const *x;
    /* a load still going on adds more; a resize wraps again */
    if (ui_load_diags(&x) != d->shown || w != d->w) build(d, w);
    ui_text_draw(&d->text, y, h, w);
}

static int d_request(ui_view *v, enum ui_req req)
{
    if (req == REQ_DIAG) return 1;
    return ui_text_request(&DV(v)->text, req, v->h);
}

static void d_title(ui_view *v, ct_sbuf *out)
{
    (void)v;
    ct_sbuf_add(out, "Load diagnostics (q closes)");
}

static void d_close(ui_view *v)
{
    diagv *d = v->priv;
    if (!d) return;
    ui_text_clear(&d->text);
    free(d);
}

/* for | and y: each diagnostic whole, one per line, as scan prints it */
static void d_text(ui_view *v, ct_sbuf *out)
{
    (void)v;
    const char *const *x;
    size_t n = ui_load_diags(&x);
    ct_sbuf_addf(out, "%zu diagnostic%s from loading%s\n", ui.ndiag, ui.ndiag == 1 ? "" : "s",
                 ui.ndiag > n ? " (the first ones kept)" : "");
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (size_t i = 0; i < n; i++) { /* sanitized as the lines drawn are */
        ct_sbuf_reset(&b);
        ui_term_text(x[i], 0, &b);
        ct_sbuf_add(out, b.buf);
        ct_sbuf_addc(out, '\n');
    }
    ct_sbuf_free(&b);
}

const ct_view_ops ui_diag_ops = {
    .name = "diagnostics",
    .scope = UI_SCOPE_PAGER | UI_SCOPE_LIST,
    .draw = d_draw,
    .request = d_request,
    .title = d_title,
    .close = d_close,
    .text = d_text,
};
