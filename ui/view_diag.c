/* view_diag: the load's diagnostics, one per line ("FILE:LINE: reason"), so
 * an analyst sees which records were skipped or not recognized and why
 * (issue #14); `D` opens it. The text is sanitized as every line is. */
#include <stdlib.h>
#include "ui_int.h"

typedef struct diagv { ui_text text; size_t shown; } diagv;

static void build(diagv *d)
{
    const char *const *v;
    size_t n = ui_load_diags(&v);
    ui_text_clear(&d->text);
    ui_line_addf(ui_text_line(&d->text, 0, -1), UI_BOLD | UI_COLOR(UI_C_HEAD),
                 "%zu diagnostic%s from loading%s", ui.ndiag, ui.ndiag == 1 ? "" : "s",
                 ui.ndiag > n ? " (the first ones kept)" : "");
    if (!n) ui_line_add(ui_text_line(&d->text, 0, -1), "every record was read", UI_DIM);
    for (size_t i = 0; i < n; i++) ui_line_add(ui_text_line(&d->text, 0, -1), v[i], 0);
    d->shown = n;
}

static diagv *DV(ui_view *v)
{
    if (!v->priv) {
        v->priv = ct_xcalloc(1, sizeof(diagv));
        build(v->priv);
    }
    return v->priv;
}

static void d_draw(ui_view *v, int y, int h, int w)
{
    diagv *d = DV(v);
    const char *const *x;
    if (ui_load_diags(&x) != d->shown) build(d); /* a load still going on adds more */
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

static void d_text(ui_view *v, ct_sbuf *out) { ui_text_plain(&DV(v)->text, out); }

const ct_view_ops ui_diag_ops = {
    .name = "diagnostics",
    .scope = UI_SCOPE_PAGER | UI_SCOPE_LIST,
    .draw = d_draw,
    .request = d_request,
    .title = d_title,
    .close = d_close,
    .text = d_text,
};
