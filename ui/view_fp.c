/* view_fp: the false positive form — the exception entries offered for the
 * alert as checkboxes (included / excluded), a required reason, an optional
 * expiry, "also close every open alert it matches", and a live preview of what
 * the exception would suppress, recomputed on every change. Confirming commits
 * the exception and the decision (ct_triage_fp); the typed reason survives a
 * hang-up or Esc as a draft. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sanitize.h"
#include "ui_int.h"

typedef struct fpform {
    ct_alert **alerts;   /* [0] gives the candidates; the others are tagged alerts */
    size_t nalerts;
    ct_exc_candidate *c;
    size_t nc;
    ui_field reason, expiry;
    int close_matching;
    int force;
    size_t focus, top;
    ct_fp_preview pv;
    int pv_ok;
    char pv_msg[300];
    int committed;
    char draft_note[128]; /* shown while the form is open: the reason is a restored draft */
    char label[32];       /* the incident the decision is for, named in the commit */
} fpform;

static size_t n_items(fpform *f) { return f->nc + 4; }
#define IT_REASON(f) ((f)->nc)
#define IT_EXPIRY(f) ((f)->nc + 1)
#define IT_CLOSE(f) ((f)->nc + 2)
#define IT_COMMIT(f) ((f)->nc + 3)

static int parse_expiry(fpform *f, int64_t *out)
{
    const char *s = f->expiry.text.buf;
    while (*s == ' ') s++;
    *out = CT_TIME_NONE;
    if (!*s) return 0;
    int64_t d;
    if (ct_duration_parse(s, &d) == 0 && d > 0 && s[strlen(s) - 1] > '9') {
        *out = (int64_t)time(NULL) * 1000 + d;
        return 0;
    }
    return ct_time_parse(s, strlen(s), out);
}

static void fill_request(fpform *f, ct_fp_request *rq, const ct_alert *a)
{
    memset(rq, 0, sizeof *rq);
    rq->alert = a;
    rq->entries = f->c;
    rq->nentries = f->nc;
    rq->reason = f->reason.text.buf;
    rq->force = f->force;
    rq->close_matching = f->close_matching;
    if (parse_expiry(f, &rq->expires) < 0) rq->expires = CT_TIME_NONE;
}

static void preview(fpform *f)
{
    f->pv_ok = 0;
    f->pv_msg[0] = 0;
    int64_t e;
    if (parse_expiry(f, &e) < 0) {
        snprintf(f->pv_msg, sizeof f->pv_msg, "expiry: not a date (YYYY-MM-DD) or duration (30d)");
        return;
    }
    size_t checked = 0;
    for (size_t i = 0; i < f->nc; i++) checked += f->c[i].checked != 0;
    if (!checked) {
        snprintf(f->pv_msg, sizeof f->pv_msg, "no entry kept: check at least one (space)");
        return;
    }
    ct_fp_request rq;
    fill_request(f, &rq, f->alerts[0]);
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_triage_fp_preview(&ui.s, &rq, &f->pv, &err) < 0)
        snprintf(f->pv_msg, sizeof f->pv_msg, "%s", err.buf);
    else f->pv_ok = 1;
    ct_sbuf_free(&err);
}

static void save_draft(fpform *f)
{
    if (f->committed || !f->nalerts) return;
    if (f->reason.text.len) ui_draft_save(f->alerts[0]->id, "fp", f->reason.text.buf);
}

static void commit(fpform *f)
{
    if (!ui_need_repo("mark a false positive")) return;
    const char *r = f->reason.text.buf;
    while (*r == ' ') r++;
    if (!*r) {
        ui_msg(1, "a reason is required");
        f->focus = IT_REASON(f);
        return;
    }
    int64_t e;
    if (parse_expiry(f, &e) < 0) {
        ui_msg(1, "expiry: not a date (YYYY-MM-DD) or a duration (30d)");
        f->focus = IT_EXPIRY(f);
        return;
    }
    char oid[41] = "", last[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    size_t ok = 0, nexc = 0;
    if (f->nalerts > 1) {
        /* several alerts (an incident, tagged ones): ONE commit; each alert's
         * entries are the ones checked here, found among its own candidates by
         * label (an M365 twin names the same actor under another field) */
        ct_exc_candidate **cand = ct_xcalloc(f->nalerts, sizeof *cand);
        size_t *ncand = ct_xcalloc(f->nalerts, sizeof *ncand);
        cand[0] = f->c;
        ncand[0] = f->nc;
        for (size_t i = 1; i < f->nalerts; i++) {
            if (ct_triage_fp_candidates(&ui.s, f->alerts[i], &cand[i], &ncand[i]) < 0) {
                cand[i] = NULL;
                ncand[i] = 0;
            }
            for (size_t k = 0; k < ncand[i]; k++) {
                cand[i][k].checked = 0;
                for (size_t j = 0; j < f->nc; j++)
                    if (f->c[j].checked && cand[i][k].label && f->c[j].label &&
                        !strcmp(cand[i][k].label, f->c[j].label)) {
                        cand[i][k].checked = 1;
                        cand[i][k].excluded = f->c[j].excluded;
                    }
            }
        }
        ct_fp_many_request rq;
        memset(&rq, 0, sizeof rq);
        rq.alerts = f->alerts;
        rq.n = f->nalerts;
        rq.entries = (const ct_exc_candidate *const *)cand;
        rq.nentries = ncand;
        rq.reason = f->reason.text.buf;
        rq.expires = e;
        rq.force = f->force;
        rq.close_matching = f->close_matching;
        rq.label = f->label[0] ? f->label : NULL;
        if (ct_triage_fp_many(&ui.s, &rq, last, &nexc, &err) == 0) ok = f->nalerts;
        for (size_t i = 1; i < f->nalerts; i++) ct_exc_candidates_free(cand[i], ncand[i]);
        free(cand);
        free(ncand);
    } else {
        ct_fp_request rq;
        fill_request(f, &rq, f->alerts[0]);
        if (ct_triage_fp(&ui.s, &rq, oid, &err) == 0) {
            ok = 1;
            nexc = 1;
            memcpy(last, oid, sizeof last);
        }
    }
    if (err.len) {
        int every = strstr(err.buf, "every") != NULL || strstr(err.buf, "force") != NULL;
        ui_msg(1, "refused: %s%s", err.buf, every && !f->force ? "; Ctrl-F forces (asks first)" : "");
        if (every) f->focus = IT_COMMIT(f);
        if (ok) ui_refresh_all();
        ct_sbuf_free(&err);
        return;
    }
    ct_sbuf_free(&err);
    f->committed = 1;
    ui_draft_remove(f->alerts[0]->id, "fp");
    for (size_t i = 0; i < ui.s.alerts.n; i++) ui.s.alerts.v[i].tagged = 0;
    size_t supp = f->pv_ok ? f->pv.total_matches : 0;
    char id[17], label[32];
    snprintf(id, sizeof id, "%s", f->alerts[0]->id);
    snprintf(label, sizeof label, "%s", f->label);
    ui_pop(); /* frees f */
    ui_refresh_all();
    ui_status_update();
    if (ok == 1)
        ui_msg(0, "false positive %s: commit %.10s (exception suppresses %zu alert%s)", id,
               last[0] ? last : "(nothing changed)", supp, supp == 1 ? "" : "s");
    else
        ui_msg(0, "false positive on %zu alerts%s%s: %zu exception%s in one commit %.10s", ok, label[0] ? " of " : "",
               label, nexc, nexc == 1 ? "" : "s", last[0] ? last : "(nothing changed)");
}

static void fp_draw(ui_view *v, int y, int h, int w)
{
    fpform *f = v->priv;
    const ct_alert *a = f->alerts[0];
    int cy = -1, cx = 0;
    int row = y;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_addf(&b, "Rule exception for %s", a->rule_name ? a->rule_name : a->rule_id);
    if (f->nalerts > 1) ct_sbuf_addf(&b, " +%zu alert%s", f->nalerts - 1, f->nalerts == 2 ? "" : "s");
    ui_put(row++, 1, w - 2, b.buf, UI_BOLD, 0);
    ui_put(row++, 1, w - 2, "Entries (Space: keep, !: is / is not); the exception matches when all kept entries do:",
           UI_DIM, 0);
    int list_h = h - 10;
    if (list_h < 3) list_h = 3;
    if (f->focus < f->nc) {
        if (f->focus < f->top) f->top = f->focus;
        if (f->focus >= f->top + (size_t)list_h) f->top = f->focus - (size_t)list_h + 1;
    }
    for (int r = 0; r < list_h; r++) {
        size_t i = f->top + (size_t)r;
        if (i >= f->nc) {
            if (!f->nc && r == 0) ui_put(row, 3, w - 4, "(no entries offered for this alert)", UI_DIM, 0);
            row++;
            continue;
        }
        ct_exc_candidate *c = &f->c[i];
        int foc = f->focus == i;
        int base = foc ? UI_REV : 0;
        if (foc) {
            ui_fill(row, 0, w, UI_REV);
            ui_focus_mark(row, 1);
            cy = row;
            cx = 3;
        }
        int x = 2;
        x += ui_put(row, x, 4, c->checked ? "[x]" : "[ ]", base | UI_BOLD, 1);
        char lab[40];
        snprintf(lab, sizeof lab, "%-16.16s", c->label ? c->label : "");
        x += ui_put(row, x, 17, lab, base | UI_BOLD, 1);
        x += ui_put(row, x, 8, c->excluded ? "is not" : "is", base | (c->excluded ? UI_COLOR(UI_C_ERR) : 0), 1);
        ct_sbuf_reset(&b);
        ct_sbuf_add(&b, c->value ? c->value : "(exists)");
        ct_sbuf_add(&b, "  ");
        ct_sbuf_add(&b, c->field ? c->field : "");
        ui_put(row, x, w - x, b.buf, base, 0);
        row++;
    }
    row++;
    /* reason */
    ui_focus_mark(row, f->focus == IT_REASON(f));
    int lx = ui_put(row, 2, 27, "Reason (required):", f->focus == IT_REASON(f) ? UI_BOLD | UI_REV : 0, 1) + 1;
    ui_field_draw(&f->reason, row, lx, w - lx - 1, f->focus == IT_REASON(f));
    if (f->focus == IT_REASON(f)) getyx(stdscr, cy, cx);
    row++;
    ui_focus_mark(row, f->focus == IT_EXPIRY(f));
    lx = ui_put(row, 2, 27, "Expires (YYYY-MM-DD, 30d):", f->focus == IT_EXPIRY(f) ? UI_BOLD | UI_REV : 0, 1) + 1;
    ui_field_draw(&f->expiry, row, lx, 24, f->focus == IT_EXPIRY(f));
    if (f->focus == IT_EXPIRY(f)) getyx(stdscr, cy, cx);
    ui_put(row, lx + 25, w - lx - 26, "empty: never", UI_DIM, 0);
    row++;
    int foc = f->focus == IT_CLOSE(f);
    ct_sbuf_reset(&b);
    ct_sbuf_addf(&b, "%s also close every open alert it matches", f->close_matching ? "[x]" : "[ ]");
    ui_focus_mark(row, foc);
    ui_put(row, 2, w - 3, b.buf, foc ? UI_REV | UI_BOLD : 0, 0);
    if (foc) { cy = row; cx = 3; }
    row++;
    foc = f->focus == IT_COMMIT(f);
    ui_focus_mark(row, foc);
    ui_put(row, 2, 12, "[ Commit ]", foc ? UI_REV | UI_BOLD : UI_BOLD, 0);
    if (foc) { cy = row; cx = 4; }
    ui_put(row, 15, w - 16, "Ctrl-X commits from anywhere; Esc cancels (the reason is kept as a draft)", UI_DIM, 0);
    row++;
    if (f->draft_note[0] && f->reason.text.len) ui_put(row, 1, w - 2, f->draft_note, UI_BOLD | UI_COLOR(UI_C_MARK), 0);
    row++;
    /* the live preview */
    ct_sbuf_reset(&b);
    int pattr = UI_BOLD;
    if (f->pv_ok) {
        ct_sbuf_addf(&b, "Preview: suppresses %zu of %zu alert%s of this rule, %zu in total", f->pv.rule_matches,
                     f->pv.rule_total, f->pv.rule_total == 1 ? "" : "s", f->pv.total_matches);
        if (f->pv.rule_total && f->pv.rule_matches == f->pv.rule_total) {
            ct_sbuf_add(&b, "  - EVERY alert of the rule");
            pattr |= UI_COLOR(UI_C_ERR);
        }
        if (f->force) ct_sbuf_add(&b, "  [force]");
    } else {
        ct_sbuf_addf(&b, "Preview: %s", f->pv_msg);
        pattr = UI_COLOR(UI_C_ERR);
    }
    if (row < y + h) ui_put(row, 1, w - 2, b.buf, pattr, 0);
    ct_sbuf_free(&b);
    if (cy >= 0) move(cy, cx);
}

static int fp_input(ui_view *v, int key)
{
    fpform *f = v->priv;
    ui_field *fld = f->focus == IT_REASON(f) ? &f->reason : f->focus == IT_EXPIRY(f) ? &f->expiry : NULL;
    if (!fld) {
        /* typing on a checkbox row: the text is meant for the reason, never a command */
        if (!ui_key_types(key) || (key == '!' && f->focus < f->nc)) return 0;
        f->focus = IT_REASON(f);
        ui_field_key(&f->reason, key);
        ui_msg(0, "typing goes to the reason (Space toggles, ! negates an entry, Tab moves, Esc cancels)");
        return 1;
    }
    if (key == 27 || key == '\t' || key == '\n' || key == '\r' || key == KEY_ENTER || key == KEY_UP ||
        key == KEY_DOWN || key == KEY_BTAB || key == 24 || key == 12)
        return 0;
    if (ui_field_key(fld, key)) {
        if (fld == &f->expiry) preview(f);
        return 1;
    }
    return 0;
}

static void toggle(fpform *f, int exclude)
{
    if (f->focus < f->nc) {
        if (exclude) f->c[f->focus].excluded = !f->c[f->focus].excluded;
        else f->c[f->focus].checked = !f->c[f->focus].checked;
        preview(f);
    } else if (f->focus == IT_CLOSE(f) && !exclude) {
        f->close_matching = !f->close_matching;
        preview(f);
    }
}

static int fp_request(ui_view *v, enum ui_req req)
{
    fpform *f = v->priv;
    switch (req) {
    case REQ_DOWN: if (f->focus + 1 < n_items(f)) f->focus++; return 1;
    case REQ_UP: if (f->focus) f->focus--; return 1;
    case REQ_TOGGLE: toggle(f, 0); return 1;
    case REQ_EXCLUDE: toggle(f, 1); return 1;
    case REQ_ENTER:
        if (f->focus == IT_COMMIT(f)) commit(f);
        else if (f->focus == IT_REASON(f) || f->focus == IT_EXPIRY(f)) f->focus++;
        else toggle(f, 0);
        return 1;
    case REQ_COMMIT: commit(f); return 1;
    case REQ_FORCE:
        if (!ui_confirm("Force: commit even if the exception suppresses EVERY alert of the rule? (y/n)")) {
            ui_msg(0, "not forced");
            return 1;
        }
        f->force = 1;
        preview(f);
        commit(f);
        return 1;
    case REQ_EDITOR:
        if (ui_edit_external(&f->reason.text) == 0) {
            f->reason.pos = f->reason.text.len;
            f->focus = IT_REASON(f);
            ui_msg(0, "reason from $EDITOR: %zu bytes", f->reason.text.len);
        } else ui_msg(1, "$EDITOR failed; the reason is unchanged");
        return 1;
    case REQ_BACK:
        save_draft(f);
        if (f->reason.text.len) ui_msg(0, "cancelled; the reason is kept as a draft for alert %s", f->alerts[0]->id);
        ui_pop();
        return 1;
    default: return 0;
    }
}

static void fp_title(ui_view *v, ct_sbuf *out)
{
    fpform *f = v->priv;
    ct_sbuf_addf(out, "False positive: alert %s", f->alerts[0]->id);
}

static void fp_save(ui_view *v) { save_draft(v->priv); }

static void fp_close(ui_view *v)
{
    fpform *f = v->priv;
    ct_exc_candidates_free(f->c, f->nc);
    ct_sbuf_free(&f->reason.text);
    ct_sbuf_free(&f->expiry.text);
    free(f->alerts);
    free(f);
}

static void fp_reload(ui_view *v) { preview(v->priv); }

void ui_act_fp(ct_alert **a, size_t n)
{
    if (!ui_need_repo("mark a false positive")) return;
    fpform *f = ct_xcalloc(1, sizeof *f);
    f->alerts = ct_xmalloc(n * sizeof *f->alerts);
    memcpy(f->alerts, a, n * sizeof *a);
    f->nalerts = n;
    snprintf(f->label, sizeof f->label, "%s", n > 1 ? ui.label : "");
    ct_sbuf_init(&f->reason.text);
    ct_sbuf_init(&f->expiry.text);
    if (ct_triage_fp_candidates(&ui.s, a[0], &f->c, &f->nc) < 0) {
        f->c = NULL;
        f->nc = 0;
    }
    f->close_matching = 0;
    char *d = ui_draft_load(a[0]->id, "fp", f->draft_note);
    if (d) {
        ct_sbuf_add(&f->reason.text, d);
        f->reason.pos = f->reason.text.len;
        free(d);
        ui_msg(0, "restored the draft reason for alert %s (Ctrl-U clears it)", a[0]->id);
    }
    f->focus = 0;
    preview(f);
    ui_push(&ui_fp_ops, f);
}

const ct_view_ops ui_fp_ops = {
    .name = "false positive",
    .scope = UI_SCOPE_FORM,
    .draw = fp_draw,
    .input = fp_input,
    .request = fp_request,
    .title = fp_title,
    .save_draft = fp_save,
    .close = fp_close,
    .reload = fp_reload,
};
