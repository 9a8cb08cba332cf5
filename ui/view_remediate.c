/* view_remediate: the guide's response steps as a checklist and a note (typed
 * inline, or written in $EDITOR like a git commit message); confirming commits
 * the decision (ct_triage_remediate). The note survives a hang-up as a draft. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guide.h"
#include "sanitize.h"
#include "ui_int.h"


typedef struct remform {
    ct_alert *a;         /* the alert whose guide gives the steps */
    ct_alert **all;      /* with the other alerts the decision is for (an incident, tagged ones) */
    size_t nall;
    char label[32];      /* the incident, named in the commit message */
    char **steps;
    int *done;
    size_t n;
    ui_field note;
    size_t focus, top;
    int committed;
    char draft_note[128]; /* shown while the form is open: the note is a restored draft */
} remform;

#define IT_NOTE(f) ((f)->n)
#define IT_COMMIT(f) ((f)->n + 1)

static void save_draft(remform *f)
{
    if (!f->committed && f->note.text.len) ui_draft_save(f->a->id, "remediate", f->note.text.buf);
}

static void commit(remform *f)
{
    size_t *idx = ct_xmalloc((f->n + 1) * sizeof *idx), k = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->done[i]) idx[k++] = i + 1;
    char oid[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    const char *note = f->note.text.len ? f->note.text.buf : NULL;
    /* several alerts (an incident, tagged ones): ONE commit */
    int rc = f->nall > 1 ? ct_triage_remediate_many(&ui.s, f->all, f->nall, idx, k, note,
                                                    f->label[0] ? f->label : NULL, oid, &err)
                         : ct_triage_remediate(&ui.s, f->a, idx, k, note, oid, &err);
    free(idx);
    if (rc < 0) {
        ui_msg(1, "remediate refused: %s", err.buf);
        ct_sbuf_free(&err);
        return;
    }
    ct_sbuf_free(&err);
    f->committed = 1;
    ui_draft_remove(f->a->id, "remediate");
    char id[17];
    snprintf(id, sizeof id, "%s", f->a->id);
    size_t n = f->n, nall = f->nall;
    ui_pop(); /* frees f */
    ui_refresh_all();
    ui_status_update();
    if (nall == 1)
        ui_msg(0, "remediated %s (%zu of %zu step%s done): commit %.10s", id, k, n, n == 1 ? "" : "s",
               oid[0] ? oid : "(nothing changed)");
    else
        ui_msg(0, "remediated %zu alerts (%zu of %zu step%s done) in one commit %.10s", nall, k, n, n == 1 ? "" : "s",
               oid[0] ? oid : "(nothing changed)");
}

static void wrap3(const char *s, int row, int w)
{
    ct_sbuf line;
    ct_sbuf_init(&line);
    int width = w - 12;
    for (int k = 0; k < 3 && *s; k++) {
        /* take words while they fit */
        const char *p = s, *cut = NULL;
        while (*p) {
            const char *e = p;
            while (*e && *e != ' ') e++;
            ct_sbuf_reset(&line);
            ct_sbuf_addn(&line, s, (size_t)(e - s));
            if (ct_san_width(line.buf) > width) break;
            cut = e;
            p = *e ? e + 1 : e;
        }
        if (!cut || k == 2) cut = s + strlen(s);
        ct_sbuf_reset(&line);
        ct_sbuf_addn(&line, s, (size_t)(cut - s));
        ui_put(row + k, 10, width, line.buf, UI_DIM, 0);
        s = *cut ? cut + 1 : cut;
    }
    ct_sbuf_free(&line);
}

static void rf_draw(ui_view *v, int y, int h, int w)
{
    remform *f = v->priv;
    int row = y, cy = -1, cx = 0;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_addf(&b, "Remediation of %s", f->a->rule_name ? f->a->rule_name : f->a->rule_id);
    if (f->nall > 1) ct_sbuf_addf(&b, " +%zu alert%s", f->nall - 1, f->nall == 2 ? "" : "s");
    ui_put(row++, 1, w - 2, b.buf, UI_BOLD, 0);
    ui_put(row++, 1, w - 2, "Response steps from the guide (space: done):", UI_DIM, 0);
    int list_h = h - 10;
    if (list_h < 3) list_h = 3;
    if (f->focus < f->n) {
        if (f->focus < f->top) f->top = f->focus;
        if (f->focus >= f->top + (size_t)list_h) f->top = f->focus - (size_t)list_h + 1;
    }
    for (int r = 0; r < list_h; r++, row++) {
        size_t i = f->top + (size_t)r;
        if (i >= f->n) {
            if (!f->n && !r) ui_put(row, 3, w - 4, "(the guide has no response steps)", UI_DIM, 0);
            continue;
        }
        int foc = f->focus == i;
        if (foc) {
            ui_fill(row, 0, w, UI_REV);
            ui_focus_mark(row, 1);
            cy = row;
            cx = 3;
        }
        int base = foc ? UI_REV : 0;
        ui_put(row, 2, 4, f->done[i] ? "[x]" : "[ ]", base | UI_BOLD, 1);
        char num[24];
        snprintf(num, sizeof num, "%zu.", i + 1);
        ui_put(row, 6, 4, num, base, 1);
        ui_put(row, 10, w - 11, f->steps[i], base, 0);
    }
    /* the focused step in full, wrapped over up to three lines */
    if (f->focus < f->n) wrap3(f->steps[f->focus], row, w);
    row += 3;
    row++;
    ui_focus_mark(row, f->focus == IT_NOTE(f));
    int lx = ui_put(row, 2, 7, "Note:", f->focus == IT_NOTE(f) ? UI_BOLD | UI_REV : 0, 1) + 1;
    ui_field_draw(&f->note, row, lx, w - lx - 1, f->focus == IT_NOTE(f));
    if (f->focus == IT_NOTE(f)) getyx(stdscr, cy, cx);
    row++;
    if (f->draft_note[0] && f->note.text.len) ui_put(row++, lx, w - lx - 1, f->draft_note, UI_BOLD | UI_COLOR(UI_C_MARK), 0);
    else ui_put(row++, lx, w - lx - 1, "Ctrl-O: write a long note in $EDITOR", UI_DIM, 0);
    int foc = f->focus == IT_COMMIT(f);
    ui_focus_mark(row, foc);
    ui_put(row, 2, 12, "[ Commit ]", foc ? UI_REV | UI_BOLD : UI_BOLD, 0);
    if (foc) { cy = row; cx = 4; }
    ui_put(row, 15, w - 16, "Ctrl-X commits from anywhere; Esc cancels (the note is kept as a draft)", UI_DIM, 0);
    ct_sbuf_free(&b);
    if (cy >= 0) move(cy, cx);
}

static int rf_input(ui_view *v, int key)
{
    remform *f = v->priv;
    if (f->focus != IT_NOTE(f)) {
        /* typing on a checkbox row: the text is meant for the note, never a command */
        if (!ui_key_types(key)) return 0;
        f->focus = IT_NOTE(f);
        ui_field_key(&f->note, key);
        ui_msg(0, "typing goes to the note (Space toggles a step, Tab moves, Esc cancels)");
        return 1;
    }
    if (key == 27 || key == '\t' || key == '\n' || key == '\r' || key == KEY_ENTER || key == KEY_UP ||
        key == KEY_DOWN || key == KEY_BTAB || key == 24 || key == 12)
        return 0;
    return ui_field_key(&f->note, key);
}

static int rf_request(ui_view *v, enum ui_req req)
{
    remform *f = v->priv;
    switch (req) {
    case REQ_DOWN: if (f->focus < IT_COMMIT(f)) f->focus++; return 1;
    case REQ_UP: if (f->focus) f->focus--; return 1;
    case REQ_TOGGLE:
    case REQ_EXCLUDE:
        if (f->focus < f->n) f->done[f->focus] = !f->done[f->focus];
        return 1;
    case REQ_ENTER:
        if (f->focus < f->n) f->done[f->focus] = !f->done[f->focus];
        else if (f->focus == IT_NOTE(f)) f->focus++;
        else commit(f);
        return 1;
    case REQ_COMMIT: commit(f); return 1;
    case REQ_EDITOR:
        if (ui_edit_external(&f->note.text) == 0) {
            f->note.pos = f->note.text.len;
            f->focus = IT_NOTE(f);
            ui_msg(0, "note from $EDITOR: %zu bytes", f->note.text.len);
        } else ui_msg(1, "$EDITOR failed; the note is unchanged");
        return 1;
    case REQ_FORCE: return 1;
    case REQ_BACK:
        save_draft(f);
        if (f->note.text.len) ui_msg(0, "cancelled; the note is kept as a draft for alert %s", f->a->id);
        ui_pop();
        return 1;
    default: return 0;
    }
}

static void rf_title(ui_view *v, ct_sbuf *out)
{
    remform *f = v->priv;
    ct_sbuf_addf(out, "Remediate: alert %s", f->a->id);
}

static void rf_save(ui_view *v) { save_draft(v->priv); }

static void rf_close(ui_view *v)
{
    remform *f = v->priv;
    ct_guide_steps_free(f->steps, f->n);
    free(f->done);
    ct_sbuf_free(&f->note.text);
    free(f->all);
    free(f);
}

void ui_act_remediate(ct_alert **all, size_t nall)
{
    if (!ui_need_repo("record a remediation")) return;
    remform *f = ct_xcalloc(1, sizeof *f);
    ct_alert *a = all[0];
    f->a = a;
    f->all = ct_xmalloc(nall * sizeof *f->all);
    memcpy(f->all, all, nall * sizeof *all);
    f->nall = nall;
    snprintf(f->label, sizeof f->label, "%s", ui.label);
    ct_sbuf_init(&f->note.text);
    const char *md = a->rule ? a->rule->guide : NULL;
    if (md) {
        char *filled = ui_alert_fill(a, md);
        if (ct_guide_response_steps(filled, &f->steps, &f->n) < 0) {
            f->steps = NULL;
            f->n = 0;
        }
        free(filled);
    }
    f->done = ct_xcalloc(f->n + 1, sizeof *f->done);
    char *d = ui_draft_load(a->id, "remediate", f->draft_note);
    if (d) {
        ct_sbuf_add(&f->note.text, d);
        f->note.pos = f->note.text.len;
        free(d);
        ui_msg(0, "restored the draft note for alert %s (Ctrl-U clears it)", a->id);
    }
    ui_push(&ui_remediate_ops, f);
}

const ct_view_ops ui_remediate_ops = {
    .name = "remediate",
    .scope = UI_SCOPE_FORM,
    .draw = rf_draw,
    .input = rf_input,
    .request = rf_request,
    .title = rf_title,
    .save_draft = rf_save,
    .close = rf_close,
};
