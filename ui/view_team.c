/* view_team: the team's forms (issue #18). A assigns the alert (tagged ones,
 * an incident's) to 'Name <email>' (empty: nobody), c adds a note to its
 * thread (typed inline or in $EDITOR, kept as a draft on Esc or a hang-up).
 * They commit through the same core functions as `credtriage assign` and
 * `credtriage note` (ct_triage_assign_many, ct_triage_note_many): one commit
 * whatever the number of alerts. The alert view's 4th pane shows the result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gitstore.h"
#include "notes.h"
#include "sanitize.h"
#include "ui_int.h"

enum { FORM_ASSIGN, FORM_NOTE };

typedef struct teamform {
    int kind;
    ct_alert *a;          /* the alert named in the title (the first one) */
    ct_alert **all;       /* every alert the form is for */
    size_t nall;
    char label[32];       /* the incident, named in the commit message */
    ui_field text;
    int focus;            /* 0: the field, 1: [ Commit ] */
    int committed;
    char draft_note[128]; /* the note is a restored draft */
    ct_sbuf now;          /* assign: who has it now; note: the thread's size */
    ct_note *notes;       /* note, one alert: the thread, oldest first */
    size_t nnotes;
} teamform;

static const char *form_name(const teamform *f) { return f->kind == FORM_ASSIGN ? "assign" : "note"; }

static void save_draft(teamform *f)
{
    if (f->kind == FORM_NOTE && !f->committed && f->text.text.len) ui_draft_save(f->a->id, "note", f->text.text.buf);
}

/* 1 when committed: the form is closed (f freed) */
static int commit(teamform *f)
{
    char oid[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    const char *label = f->label[0] ? f->label : NULL;
    int rc;
    if (f->kind == FORM_ASSIGN)
        rc = ct_triage_assign_many(&ui.s, f->all, f->nall, f->text.text.buf, label, oid, &err);
    else
        rc = ct_triage_note_many(&ui.s, f->all, f->nall, f->text.text.buf, label, oid, &err);
    if (rc < 0) {
        ui_msg(1, "%s refused: %s", form_name(f), err.buf);
        ct_sbuf_free(&err);
        return 0;
    }
    ct_sbuf_free(&err);
    f->committed = 1;
    if (f->kind == FORM_NOTE) ui_draft_remove(f->a->id, "note");
    ct_sbuf m;
    ct_sbuf_init(&m);
    if (f->kind == FORM_ASSIGN) {
        ct_sbuf_add(&m, f->text.text.len ? "assigned " : "unassigned ");
        if (f->nall == 1) ct_sbuf_add(&m, f->a->id);
        else ct_sbuf_addf(&m, "%zu alerts", f->nall);
        if (f->text.text.len) {
            ct_sbuf_add(&m, " to ");
            ct_san_line(f->text.text.buf, 60, &m);
        }
    } else if (f->nall == 1) {
        ct_sbuf_addf(&m, "note added to %s", f->a->id);
    } else {
        ct_sbuf_addf(&m, "note added to %zu alerts", f->nall);
    }
    ct_sbuf_addf(&m, ": commit %.10s", oid[0] ? oid : "(nothing changed)");
    ui_pop(); /* frees f */
    ui_refresh_all();
    ui_status_update();
    ui_msg(0, "%s", m.buf);
    ct_sbuf_free(&m);
    return 1;
}

/* "Name <email>" or "nobody"; the same for every alert, else a count */
static void who_has_it(teamform *f)
{
    const char *root = ct_repo_workdir(ui.s.repo);
    char *first = NULL;
    size_t assigned = 0;
    int same = 1;
    ct_assignment as;
    for (size_t i = 0; i < f->nall; i++) {
        ct_alert *a = f->all[i];
        char *who = NULL;
        if (ct_assignment_load(root, a->id, a->ts, &as) == 1) {
            if (*as.assignee) who = ct_xstrdup(as.assignee);
            if (f->nall == 1 && who) {
                char t[32];
                ui_fmt_time(as.at, 1, t);
                ct_sbuf_add(&f->now, "Now: ");
                ct_sbuf_add(&f->now, who);
                ct_sbuf_add(&f->now, ", by ");
                ct_sbuf_add(&f->now, as.by);
                ct_sbuf_addf(&f->now, " at %s UTC", t);
            }
            ct_assignment_free(&as);
        }
        assigned += who != NULL;
        if (i == 0) first = who;
        else {
            if (!first != !who || (first && who && strcmp(first, who))) same = 0;
            free(who);
        }
    }
    if (!f->now.len) {
        if (!assigned) ct_sbuf_add(&f->now, f->nall == 1 ? "Now: nobody" : "Now: nobody has any of them");
        else if (same) ct_sbuf_addf(&f->now, "Now: %s, all %zu", first, f->nall);
        else ct_sbuf_addf(&f->now, "Now: %zu of the %zu alerts are assigned", assigned, f->nall);
    }
    free(first);
}

static void fd_draw(ui_view *v, int y, int h, int w)
{
    teamform *f = v->priv;
    int row = y, cy = -1, cx = 0;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_add(&b, f->kind == FORM_ASSIGN ? "Assign " : "Note on ");
    if (f->nall == 1) ct_sbuf_addf(&b, "alert %s: ", f->a->id);
    else ct_sbuf_addf(&b, "%zu alerts%s%s: ", f->nall, f->label[0] ? " of " : "", f->label);
    ct_sbuf_add(&b, f->a->rule_name ? f->a->rule_name : f->a->rule_id);
    ui_put(row++, 1, w - 2, b.buf, UI_BOLD, 0);
    ui_put(row++, 1, w - 2, f->now.buf, UI_DIM, 0);
    row++;
    int foc = f->focus == 0;
    ui_focus_mark(row, foc);
    int lx = ui_put(row, 2, 7, f->kind == FORM_ASSIGN ? "To:" : "Note:", foc ? UI_BOLD | UI_REV : 0, 1) + 2;
    ui_field_draw(&f->text, row, lx, w - lx - 1, foc);
    if (foc) getyx(stdscr, cy, cx);
    row++;
    if (f->kind == FORM_ASSIGN)
        ui_put(row++, lx, w - lx - 1, "'Name <email>'; empty: nobody (unassign); Ctrl-U clears", UI_DIM, 0);
    else if (f->draft_note[0] && f->text.text.len)
        ui_put(row++, lx, w - lx - 1, f->draft_note, UI_BOLD | UI_COLOR(UI_C_MARK), 0);
    else
        ui_put(row++, lx, w - lx - 1, "Ctrl-O: write a long note in $EDITOR", UI_DIM, 0);
    row++;
    foc = f->focus == 1;
    ui_focus_mark(row, foc);
    ui_put(row, 2, 12, "[ Commit ]", foc ? UI_REV | UI_BOLD : UI_BOLD, 0);
    if (foc) { cy = row; cx = 4; }
    ui_put(row, 15, w - 16,
           f->kind == FORM_NOTE ? "Ctrl-X commits from anywhere; Esc cancels (the note is kept as a draft)"
                                : "Ctrl-X commits from anywhere; Esc cancels",
           UI_DIM, 0);
    row += 2;
    /* the thread so far, newest last, as much as fits */
    if (f->kind == FORM_NOTE && f->nnotes && row < y + h) {
        ui_put(row++, 1, w - 2, "The thread (newest last):", UI_BOLD, 0);
        size_t room = (size_t)(y + h - row), first = f->nnotes > room ? f->nnotes - room : 0;
        for (size_t i = first; i < f->nnotes && row < y + h; i++, row++) {
            char t[32];
            ui_fmt_time(f->notes[i].at, 0, t);
            ct_sbuf_reset(&b);
            ct_sbuf_addf(&b, "%s  %s: %s", t, f->notes[i].author, f->notes[i].text);
            ui_put(row, 2, w - 3, b.buf, 0, 0);
        }
    }
    ct_sbuf_free(&b);
    if (cy >= 0) move(cy, cx);
}

static int fd_input(ui_view *v, int key)
{
    teamform *f = v->priv;
    if (f->focus != 0) {
        /* typing on [ Commit ]: the text is meant for the field, never a command */
        if (!ui_key_types(key)) return 0;
        f->focus = 0;
        return ui_field_key(&f->text, key);
    }
    if (key == 27 || key == '\t' || key == '\n' || key == '\r' || key == KEY_ENTER || key == KEY_UP ||
        key == KEY_DOWN || key == KEY_BTAB || key == 24 || key == 12 || key == 15)
        return 0;
    return ui_field_key(&f->text, key);
}

static int fd_request(ui_view *v, enum ui_req req)
{
    teamform *f = v->priv;
    switch (req) {
    case REQ_DOWN: f->focus = 1; return 1;
    case REQ_UP: f->focus = 0; return 1;
    case REQ_ENTER:
        if (f->focus == 0) f->focus = 1;
        else commit(f);
        return 1;
    case REQ_COMMIT: commit(f); return 1;
    case REQ_EDITOR:
        if (f->kind != FORM_NOTE) return 1;
        if (ui_edit_external(&f->text.text) == 0) {
            f->text.pos = f->text.text.len;
            f->focus = 0;
            ui_msg(0, "note from $EDITOR: %zu bytes", f->text.text.len);
        } else ui_msg(1, "$EDITOR failed; the note is unchanged");
        return 1;
    case REQ_TOGGLE:
    case REQ_EXCLUDE:
    case REQ_FORCE: return 1;
    case REQ_BACK:
        save_draft(f);
        if (f->kind == FORM_NOTE && f->text.text.len)
            ui_msg(0, "cancelled; the note is kept as a draft for alert %s", f->a->id);
        else ui_msg(0, "%s cancelled", form_name(f));
        ui_pop();
        return 1;
    default: return 0;
    }
}

static void fd_title(ui_view *v, ct_sbuf *out)
{
    teamform *f = v->priv;
    ct_sbuf_addf(out, "%s: alert %s", f->kind == FORM_ASSIGN ? "Assign" : "Note", f->a->id);
    if (f->nall > 1) ct_sbuf_addf(out, " +%zu", f->nall - 1);
}

static void fd_save(ui_view *v) { save_draft(v->priv); }

static void fd_close(ui_view *v)
{
    teamform *f = v->priv;
    ct_sbuf_free(&f->text.text);
    ct_sbuf_free(&f->now);
    ct_notes_free(f->notes, f->nnotes);
    free(f->all);
    free(f);
}

const ct_view_ops ui_team_ops = {
    .name = "team",
    .scope = UI_SCOPE_FORM,
    .draw = fd_draw,
    .input = fd_input,
    .request = fd_request,
    .title = fd_title,
    .save_draft = fd_save,
    .close = fd_close,
};

static teamform *form_new(int kind, ct_alert **all, size_t nall)
{
    teamform *f = ct_xcalloc(1, sizeof *f);
    f->kind = kind;
    f->a = all[0];
    f->all = ct_xmalloc(nall * sizeof *f->all);
    memcpy(f->all, all, nall * sizeof *all);
    f->nall = nall;
    snprintf(f->label, sizeof f->label, "%s", ui.label);
    ct_sbuf_init(&f->text.text);
    ct_sbuf_init(&f->now);
    return f;
}

const char *ui_assign_arg(const char *cmd, const char *args)
{
    if (!strcmp(cmd, "unassign") || !strcmp(args, "none") || !strcmp(args, "nobody")) return "";
    return *args ? args : NULL;
}

void ui_act_assign(ct_alert **all, size_t nall, const char *to)
{
    if (!ui_need_repo("assign")) return;
    teamform *f = form_new(FORM_ASSIGN, all, nall);
    if (to) { /* :assign NAME <EMAIL> commits at once */
        ct_sbuf_add(&f->text.text, to);
        ui_push(&ui_team_ops, f);
        if (!commit(f)) ui_pop();
        return;
    }
    /* to yourself unless changed, as `credtriage assign` without --to */
    if (ui.identity && strchr(ui.identity, '<')) ct_sbuf_add(&f->text.text, ui.identity);
    f->text.pos = f->text.text.len;
    who_has_it(f);
    ui_push(&ui_team_ops, f);
}

void ui_act_note(ct_alert **all, size_t nall, const char *text)
{
    if (!ui_need_repo("add a note")) return;
    teamform *f = form_new(FORM_NOTE, all, nall);
    if (text) { /* :note TEXT commits at once */
        ct_sbuf_add(&f->text.text, text);
        ui_push(&ui_team_ops, f);
        if (!commit(f)) ui_pop();
        return;
    }
    if (nall == 1) {
        ct_notes_load(ct_repo_workdir(ui.s.repo), f->a->id, f->a->ts, &f->notes, &f->nnotes);
        ct_sbuf_addf(&f->now, "The thread has %zu note%s", f->nnotes, f->nnotes == 1 ? "" : "s");
    } else {
        ct_sbuf_addf(&f->now, "Each of the %zu alerts gets the note in its thread", nall);
    }
    char *d = ui_draft_load(f->a->id, "note", f->draft_note);
    if (d) {
        ct_sbuf_add(&f->text.text, d);
        f->text.pos = f->text.text.len;
        free(d);
        ui_msg(0, "restored the draft note for alert %s (Ctrl-U clears it)", f->a->id);
    }
    ui_push(&ui_team_ops, f);
}
