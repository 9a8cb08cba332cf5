/* queue_draw: the queue's lines for the terminal's width. 80 columns: time,
 * severity, status, the rule (abbreviated, then cut in the middle so "AWS IAM
 * Access Key Created" and "... for Another User" stay apart), actor, target,
 * and who has it in three columns ("BB" for Bob Builder; the detail lines
 * name them in full); from 100 the correlated-events count; from 130 the
 * assignee's name (the team's
 * assignment, else who decided, else who took it in Elastic); from 160 the
 * actor's IP, its country, whether the new credential was used. Incidents show their
 * score, severity, status, alerts and entities, and a line of their reasons.
 * Under the list, detail lines give the selected row in full, wrapped. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gitstore.h"
#include "json.h"
#include "notes.h"
#include "sanitize.h"
#include "queue_int.h"

/* ---- rule names that fit: display abbreviations, then a cut in the middle ---- */
static const char *const abbrev[][2] = {
    {"Microsoft 365 Audit: ", "M365: "},
    {"Application or Service Principal", "App/SP"},
    {"Service Principal", "SP"},
    {"Application", "App"},
    {"Credentials", "Creds"},
    {"Credential", "Cred"},
    {"Service Account", "SA"},
    {"Federated Identity", "Fed. Identity"},
    {"Console Login Profile", "Login Profile"},
    {" Created or Updated", " Created/Updated"},
    {" Created or Imported", " Created/Imported"},
    {" Created or Uploaded", " Created/Uploaded"},
    {"for Another User", "for Other User"},
};

static void replace_all(ct_sbuf *b, const char *from, const char *to)
{
    char *p;
    size_t fl = strlen(from), tl = strlen(to);
    size_t off = 0;
    while ((p = strstr(b->buf + off, from))) {
        size_t at = (size_t)(p - b->buf);
        ct_sbuf rest;
        ct_sbuf_init(&rest);
        ct_sbuf_add(&rest, p + fl);
        b->len = at;
        b->buf[at] = 0;
        ct_sbuf_add(b, to);
        ct_sbuf_add(b, rest.buf);
        ct_sbuf_free(&rest);
        off = at + tl;
    }
}

/* s (raw) fitted to w columns into out (sanitized) */
static void fit_rule(const char *s, int w, ct_sbuf *out)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ui_term_text(s, 0, &b);
    for (size_t i = 0; i < CT_ARRAY_LEN(abbrev) && ct_san_width(b.buf) > w; i++)
        replace_all(&b, abbrev[i][0], abbrev[i][1]);
    if (ct_san_width(b.buf) <= w || w < 9) {
        ct_san_truncate(b.buf, w, out);
        ct_sbuf_free(&b);
        return;
    }
    /* keep the head and the tail: the tails tell similar rules apart */
    int tail = (w - 1) / 2, head = w - 1 - tail, total = ct_san_width(b.buf);
    ct_sbuf h;
    ct_sbuf_init(&h);
    ct_san_truncate(b.buf, head + 1, &h); /* head columns and a "~" */
    if (h.len && h.buf[h.len - 1] == '~') h.buf[--h.len] = 0;
    ct_sbuf_add(out, h.buf);
    ct_sbuf_add(out, ui.utf8 ? "\u2026" : "~");
    int skip = total - tail, col = 0;
    const char *p = b.buf;
    while (*p && col < skip) {
        size_t len;
        col += ct_san_cpwidth(p, strlen(p), &len);
        p += len;
    }
    ct_sbuf_add(out, p);
    ct_sbuf_free(&h);
    ct_sbuf_free(&b);
}

/* ---- the wide columns' values ---- */
static qwide *wide_slot(queue *q, size_t i)
{
    if (q->nwide != ui.s.alerts.n) {
        ui_queue_free_wide(q);
        q->nwide = ui.s.alerts.n;
        q->wide = ct_xcalloc(q->nwide ? q->nwide : 1, sizeof *q->wide);
    }
    return &q->wide[i];
}

/* the assignee's name ("Name" of "Name <email>"), or NULL; read once per
 * alert and again after the repo changed (ui_queue_free_wide) */
static const char *assignee_of(queue *q, size_t i)
{
    qwide *x = wide_slot(q, i);
    if (x->asg_done) return x->assignee;
    x->asg_done = 1;
    const ct_alert *a = &ui.s.alerts.v[i];
    ct_assignment as;
    char *who = NULL;
    if (ui.s.repo && ct_assignment_load(ct_repo_workdir(ui.s.repo), a->id, a->ts, &as) == 1) {
        if (*as.assignee) who = ct_xstrdup(as.assignee); /* "": unassigned on purpose */
        ct_assignment_free(&as);
    } else if (a->decision_by) {
        who = ct_xstrdup(a->decision_by);
    } else if (a->elastic_status) {
        who = ui_queue_elastic_user(a);
    }
    if (who) {
        char *lt = strchr(who, '<');
        if (lt && lt > who) {
            while (lt > who + 1 && lt[-1] == ' ') lt--;
            *lt = 0;
        }
    }
    x->assignee = who;
    q->nasg += who != NULL;
    return who;
}

/* who has it, in the 80-column queue's three columns: the initials of the
 * first and last words of the name ("Bob Builder" BB, "Anne-Marie de la Cruz"
 * AC, "megan.bowen" MB), else the first three characters of a one-word name
 * ("alice" ali); of an address, its local part. The detail lines have it whole. */
static void who_short(const char *who, char out[32])
{
    static const char sep[] = " ._";
    const char *end = who + strlen(who), *at = strchr(who, '@');
    if (!strchr(who, ' ') && at && at > who) end = at;
    const char *first = NULL, *last = NULL;
    for (const char *p = who; p < end;) {
        while (p < end && strchr(sep, *p)) p++;
        if (p >= end) break;
        if (!first) first = p;
        else last = p;
        while (p < end && !strchr(sep, *p)) p++;
    }
    size_t o = 0;
    for (int k = 0; first && first < end && !strchr(sep, *first) && k < (last ? 1 : 3); k++) {
        size_t n = 1; /* a whole character */
        while (first + n < end && ((unsigned char)first[n] & 0xC0) == 0x80) n++;
        memcpy(out + o, first, n);
        if (last && n == 1 && *first >= 'a' && *first <= 'z') out[o] = (char)(*first - 'a' + 'A');
        o += n, first += n;
    }
    if (last) {
        size_t n = 1;
        while (last + n < end && ((unsigned char)last[n] & 0xC0) == 0x80) n++;
        memcpy(out + o, last, n);
        if (n == 1 && *last >= 'a' && *last <= 'z') out[o] = (char)(*last - 'a' + 'A');
        o += n;
    }
    out[o] = 0;
}

static qwide *wide_of(queue *q, size_t i)
{
    qwide *x = wide_slot(q, i);
    if (x->done) return x;
    x->done = 1;
    const ct_alert *a = &ui.s.alerts.v[i];
    const ct_store *st = &ui.s.store;
    snprintf(x->used, sizeof x->used, "-");
    if (ui.s.corr && ct_event_str(st, &st->ev[a->event], CT_EF_CRED_ID)) {
        /* the key's usage in the window, read in the index (not a whole correlation) */
        ct_corr_q q;
        const uint32_t *uev;
        if (ct_corr_q_init(ui.s.corr, a, ui.s.window_ms, &q) == 0)
            snprintf(x->used, sizeof x->used, "%s", ct_corr_q_usage(ui.s.corr, &q, &uev) ? "yes" : "no");
    }
    ui_queue_country(a->event, x->country);
    return x;
}

void ui_queue_free_wide(queue *q)
{
    for (size_t i = 0; q->nasg && i < q->nwide; i++) free(q->wide[i].assignee);
    q->nasg = 0; /* none held: no walk over every alert's slot (230k) */
    free(q->wide);
    q->wide = NULL;
    q->nwide = 0;
}

/* ---- layout ---- */
typedef struct cols {
    int full, corr, asg, wide, who;
    int tw, rw, aw, gw, iw;
} cols;

static cols layout(int w, int indent)
{
    cols c;
    memset(&c, 0, sizeof c);
    c.full = w >= 110;
    c.corr = w >= 100;
    c.asg = w >= 130;
    c.wide = w >= 160;
    c.who = !c.asg;
    c.tw = c.full ? 19 : 11;
    int fixed = 2 + indent + c.tw + 1 + 5 + 5 + (c.corr ? 5 : 0);
    if (c.asg) fixed += 17;              /* assignee */
    if (c.who) fixed += 4;               /* who has it, 3 columns */
    if (c.wide) fixed += 16 + 3 + 5;     /* IP, country, used? */
    int rest = w - fixed;
    c.rw = rest * (c.wide ? 40 : 48) / 100;
    c.aw = rest * (c.wide ? 30 : 26) / 100;
    c.gw = rest - c.rw - c.aw - 2;
    return c;
}

static void draw_colheads(int y, int w, int indent)
{
    cols c = layout(w, indent);
    int x = 2 + indent, ha = UI_BOLD | UI_UL;
    ui_fill(y, 0, w, 0);
    x += ui_put(y, x, c.tw + 1, "time", ha, 1);
    x += ui_put(y, x, 5, "sev", ha, 1);
    x += ui_put(y, x, 5, "stat", ha, 1);
    if (c.corr) x += ui_put(y, x, 5, "corr", ha, 1);
    x += ui_put(y, x, c.rw + 1, "rule", ha, 1);
    x += ui_put(y, x, c.aw + 1, "actor", ha, 1);
    x += ui_put(y, x, c.gw + 1, "target", ha, 1);
    if (c.wide) {
        x += ui_put(y, x, 16, "actor IP", ha, 1);
        x += ui_put(y, x, 3, "cc", ha, 1);
        x += ui_put(y, x, 5, "used", ha, 1);
    }
    if (c.asg) ui_put(y, x, 17, "assignee", ha, 1);
    if (c.who) ui_put(y, x, 3, "who", ha, 1);
}

static void draw_alert(queue *q, const qrow *row, int y, int w, int indent, int base)
{
    ct_alert *a = &ui.s.alerts.v[row->alert];
    cols c = layout(w, indent);
    char t[32], cnt[16];
    int x = 0;
    x += ui_put(y, x, 2 + indent, a->tagged ? "*" : " ", base | UI_BOLD, 1);
    ui_fmt_time(a->ts, c.full, t);
    x += ui_put(y, x, c.tw + 1, t, base, 1);
    x += ui_put(y, x, 4, ui_sev_label(a->severity), base | ui_sev_attr(a->severity), 1);
    x += ui_put(y, x, 1, " ", base, 1);
    x += ui_put(y, x, 5, ui_status_short(a->status), base | (a->status == CT_STATUS_OPEN ? UI_BOLD : UI_DIM), 1);
    if (c.corr) {
        size_t cc = ui_queue_corr_count(q, row->alert);
        /* four columns: 9999, then 12k, 999k, 12M; "-" until the index is built */
        if (!ui.s.corr) snprintf(cnt, sizeof cnt, "   - ");
        else if (cc < 10000) snprintf(cnt, sizeof cnt, "%4zu ", cc);
        else if (cc < 1000000) snprintf(cnt, sizeof cnt, "%3zuk ", cc / 1000);
        else snprintf(cnt, sizeof cnt, "%3zuM ", cc / 1000000 > 999 ? (size_t)999 : cc / 1000000);
        x += ui_put(y, x, 5, cnt, base, 1);
    }
    ct_sbuf r;
    ct_sbuf_init(&r);
    fit_rule(a->rule_name ? a->rule_name : a->rule_id, c.rw, &r);
    x += ui_put(y, x, c.rw, r.buf, base, 1);
    ct_sbuf_free(&r);
    x += ui_put(y, x, 1, " ", base, 1);
    x += ui_put(y, x, c.aw, ui_queue_actor(row->alert), base, 1);
    x += ui_put(y, x, 1, " ", base, 1);
    x += ui_put(y, x, c.gw, ui_queue_target(row->alert), base, 1);
    if (c.wide) {
        const ct_store *st = &ui.s.store;
        const char *ip = ct_event_str(st, &st->ev[a->event], CT_EF_ACTOR_IP);
        qwide *wd = wide_of(q, row->alert);
        x += ui_put(y, x, 1, " ", base, 1);
        x += ui_put(y, x, 16, ip ? ip : "-", base, 1);
        x += ui_put(y, x, 3, wd->country, base, 1);
        x += ui_put(y, x, 5, wd->used, base | (!strcmp(wd->used, "yes") ? UI_BOLD | UI_COLOR(UI_C_HIGH) : 0), 1);
    } else if (c.asg) {
        x += ui_put(y, x, 1, " ", base, 1);
    }
    if (c.asg) {
        const char *who = assignee_of(q, row->alert);
        ui_put(y, x, w - x, who ? who : "-", base, 0);
    } else if (c.who) {
        const char *who = assignee_of(q, row->alert);
        char sh[32] = "-";
        if (who) who_short(who, sh);
        x += ui_put(y, x, 1, " ", base, 1);
        ui_put(y, x, 3, sh, base, 1);
    }
}

/* "alice -> bob, svc-reporting +2": actors and targets of an incident */
static void inc_entities(const ct_incident *in, ct_sbuf *b, int max_each)
{
    for (int role = CT_ROLE_ACTOR; role <= CT_ROLE_TARGET; role++) {
        int n = 0, more = 0;
        if (role == CT_ROLE_TARGET) ct_sbuf_add(b, ui.utf8 ? " \u2192 " : " -> ");
        for (size_t k = 0; k < in->nentities; k++) {
            const ct_incident_entity *e = &in->entities[k];
            if ((int)e->role != role) continue;
            if (n >= max_each) { more++; continue; }
            if (n++) ct_sbuf_add(b, ", ");
            ct_sbuf_add(b, e->name ? e->name : e->id ? e->id : "?");
        }
        if (!n) ct_sbuf_add(b, "?");
        if (more) ct_sbuf_addf(b, " +%d", more);
    }
}

static void draw_inc(queue *q, const qrow *row, int y, int w, int base)
{
    const ct_incident *in = &q->inc.v[row->inc];
    cols c = layout(w, 0);
    char b[64];
    int x = ui_put(y, 0, 2, row->folded ? (ui.utf8 ? "\u25b8" : "+") : (ui.utf8 ? "\u25be" : "-"),
                   base | UI_BOLD | UI_COLOR(UI_C_HEAD), 1);
    snprintf(b, sizeof b, "%3d", in->score);
    x += ui_put(y, x, 4, b, base | UI_BOLD, 1);
    x += ui_put(y, x, 5, ui_sev_label(in->severity), base | ui_sev_attr(in->severity), 1);
    x += ui_put(y, x, 5, ui_status_short(in->status), base | (in->status == CT_STATUS_OPEN ? UI_BOLD : UI_DIM), 1);
    if (row->count == in->nalerts) snprintf(b, sizeof b, "%zu alert%s", in->nalerts, in->nalerts == 1 ? "" : "s");
    else snprintf(b, sizeof b, "%zu of %zu alerts", (size_t)row->count, in->nalerts);
    x += ui_put(y, x, (int)strlen(b) + 2, b, base, 1);
    if (c.full) x += ui_put(y, x, 18, in->id, base | UI_DIM, 1);
    ct_sbuf e;
    ct_sbuf_init(&e);
    inc_entities(in, &e, c.wide ? 4 : 2);
    int ew = ct_san_width(e.buf);
    int room = w - x;
    if (ew > room * 3 / 5) ew = room * 3 / 5;
    x += ui_put(y, x, ew, e.buf, base | UI_BOLD, 1) + 2;
    ct_sbuf r;
    ct_sbuf_init(&r);
    fit_rule(ui.s.alerts.v[in->lead].rule_name, w - x, &r);
    ui_put(y, x, w - x, r.buf, base | UI_DIM, 0);
    ct_sbuf_free(&r);
    ct_sbuf_free(&e);
}

static void reasons_text(const ct_incident *in, ct_sbuf *b)
{
    /* first, why one actor's burst may be several incidents */
    for (size_t k = 0; k < in->nentities; k++) {
        const ct_incident_entity *e = &in->entities[k];
        if (!e->shared_peers) continue;
        ct_sbuf_addf(b, "%s is a shared identity (alerts with %u others, more than %d): not joined through it; ",
                     e->name ? e->name : e->id ? e->id : "?", (unsigned)e->shared_peers, CT_INCIDENT_HUB_PEERS);
    }
    for (size_t k = 0; k < in->nreasons; k++) {
        if (k) ct_sbuf_add(b, "; ");
        ct_sbuf_addf(b, "%+d %s", in->reasons[k].points, in->reasons[k].text);
    }
}

static void draw_reasons(queue *q, const qrow *row, int y, int w)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    reasons_text(&q->inc.v[row->inc], &b);
    ui_put(y, 4, w - 4, b.buf, UI_COLOR(UI_C_MARK), 0);
    ct_sbuf_free(&b);
}

/* ---- the detail lines: the selected row in full ---- */
static void detail(queue *q, int y, int w)
{
    ui_hline(y, 0, w);
    if (q->cur >= q->nrows) return;
    const qrow *row = &q->rows[q->cur];
    ct_sbuf l[QUEUE_DETAIL_ROWS];
    for (int i = 0; i < QUEUE_DETAIL_ROWS; i++) ct_sbuf_init(&l[i]);
    const ct_store *st = &ui.s.store;
    if (row->kind == ROW_INC || row->kind == ROW_REASONS) {
        const ct_incident *in = &q->inc.v[row->inc];
        char f[32], t[32];
        ui_fmt_time(in->first_ts, 0, f);
        ui_fmt_time(in->last_ts, 0, t);
        ct_sbuf_addf(&l[0], "%s  score %d %s %s, %zu alert%s, %s .. %s", in->id, in->score,
                     ui_sev_label(in->severity), ui_status_name(in->status), in->nalerts, in->nalerts == 1 ? "" : "s",
                     f, strncmp(f, t, 5) ? t : t + 6);
        ct_sbuf r;
        ct_sbuf_init(&r);
        reasons_text(in, &r);
        ct_sbuf wrapped[QUEUE_DETAIL_ROWS - 1];
        for (int i = 0; i < QUEUE_DETAIL_ROWS - 1; i++) ct_sbuf_init(&wrapped[i]);
        int n = ui_wrap(r.buf, w - 2, 0, wrapped, QUEUE_DETAIL_ROWS - 1);
        for (int i = 0; i < n; i++) ct_sbuf_add(&l[i + 1], wrapped[i].buf);
        for (int i = 0; i < QUEUE_DETAIL_ROWS - 1; i++) ct_sbuf_free(&wrapped[i]);
        ct_sbuf_free(&r);
    } else if (row->kind == ROW_ALERT) {
        const ct_alert *a = &ui.s.alerts.v[row->alert];
        const ct_event *e = &st->ev[a->event];
        ct_sbuf_addf(&l[0], "%s  (%s %s, alert %s)", a->rule_name ? a->rule_name : a->rule_id,
                     ui_sev_label(a->severity), ui_status_name(a->status), a->id);
        const char *at = ct_event_str(st, e, CT_EF_ACTOR_TYPE), *ip = ct_event_str(st, e, CT_EF_ACTOR_IP);
        const char *tt = ct_event_str(st, e, CT_EF_TARGET_TYPE);
        ct_sbuf_add(&l[1], ui_queue_actor(row->alert));
        if (at) ct_sbuf_addf(&l[1], " (%s)", at);
        if (ip) ct_sbuf_addf(&l[1], " from %s", ip);
        ct_sbuf_add(&l[1], ui.utf8 ? " \u2192 " : " -> ");
        ct_sbuf_add(&l[1], ui_queue_target(row->alert));
        if (tt) ct_sbuf_addf(&l[1], " (%s)", tt);
        const char *who = assignee_of(q, row->alert); /* first: the 80-column queue has it in 3 columns */
        if (who) ct_sbuf_addf(&l[2], "%s has it; ", who);
        const char *ct = ct_event_str(st, e, CT_EF_CRED_TYPE), *cid = ct_event_str(st, e, CT_EF_CRED_ID);
        if (ct || cid) ct_sbuf_addf(&l[2], "%s %s; ", ct ? ct : "credential", cid ? cid : "");
        if (ui.s.corr) {
            size_t cc = ui_queue_corr_count(q, row->alert);
            ct_sbuf_addf(&l[2], "%zu correlated event%s", cc, cc == 1 ? "" : "s");
        }
        const ct_incident *in = q->inc_built ? ct_incidents_of_alert(&q->inc, row->alert) : NULL;
        if (in) ct_sbuf_addf(&l[2], "; %s score %d", in->id, in->score);
    } else {
        ct_sbuf_addf(&l[0], "%s: %s  (%zu alert%s)", ui_queue_group_names[q->group], ui_queue_row_label(q, row), (size_t)row->count,
                     row->count == 1 ? "" : "s");
        ct_sbuf_add(&l[1], "Enter or z folds / unfolds; t tags the group; a, f, r act on its alerts");
    }
    for (int i = 0; i < QUEUE_DETAIL_ROWS; i++) {
        ui_put(y + 1 + i, 1, w - 2, l[i].buf, i == 0 ? UI_BOLD : 0, 0);
        ct_sbuf_free(&l[i]);
    }
}

void ui_queue_draw(queue *q, int y, int h, int w)
{
    int incidents = q->nrows && (q->rows[0].kind == ROW_INC);
    int indent = incidents ? 2 : 0;
    draw_colheads(y, w, indent);
    y++;
    h--;
    int dh = h > 12 ? QUEUE_DETAIL_ROWS + 1 : 0;
    h -= dh;
    if (h < 1) return;
    if (!q->nrows) {
        ui_put(y + 1, 2, w - 4,
               ui.loading ? "No alerts yet: they appear here as the files load."
               : q->status == CT_STATUS_OPEN ? "No open alerts. F cycles the status filter, :filter clear resets the others."
                                             : "No alerts match the filter. :filter clear resets it.",
               0, 0);
        return;
    }
    if (q->cur >= q->nrows) q->cur = q->nrows - 1;
    /* a filter that shrank the list after G left top past its end: fill the
     * screen first (never blank rows above the last), then keep cur visible */
    if (q->top + (size_t)h > q->nrows) q->top = q->nrows > (size_t)h ? q->nrows - (size_t)h : 0;
    if (q->cur < q->top) q->top = q->cur;
    if (q->cur >= q->top + (size_t)h) q->top = q->cur - (size_t)h + 1;
    /* an incident's header stays with its reasons line */
    if (q->cur == q->top + (size_t)h - 1 && q->rows[q->cur].kind == ROW_INC && q->cur + 1 < q->nrows &&
        q->rows[q->cur + 1].kind == ROW_REASONS)
        q->top++;
    for (int r = 0; r < h; r++) {
        size_t ri = q->top + (size_t)r;
        if (ri >= q->nrows) break;
        const qrow *row = &q->rows[ri];
        int sel = ri == q->cur;
        int base = sel ? UI_REV : 0;
        if (sel) ui_fill(y + r, 0, w, UI_REV);
        if (row->kind == ROW_INC) draw_inc(q, row, y + r, w, base);
        else if (row->kind == ROW_REASONS) draw_reasons(q, row, y + r, w);
        else if (row->kind == ROW_GROUP) {
            ct_sbuf b;
            ct_sbuf_init(&b);
            ct_sbuf_addf(&b, "%s %s: ", row->folded ? (ui.utf8 ? "\u25b8" : "+") : (ui.utf8 ? "\u25be" : "-"),
                         ui_queue_group_names[q->group]);
            ct_sbuf_add(&b, ui_queue_row_label(q, row));
            ct_sbuf_addf(&b, "  (%zu alert%s)", (size_t)row->count, row->count == 1 ? "" : "s");
            ui_put(y + r, 0, w, b.buf, base | UI_BOLD | UI_COLOR(UI_C_HEAD), 0);
            ct_sbuf_free(&b);
        } else draw_alert(q, row, y + r, w, incidents ? 2 : 0, base);
    }
    if (dh) detail(q, y + h, w);
}

void ui_queue_text(queue *q, ct_sbuf *out)
{
    const ct_store *st = &ui.s.store;
    for (size_t r = 0; r < q->nrows; r++) {
        const qrow *row = &q->rows[r];
        ct_sbuf l;
        ct_sbuf_init(&l);
        if (row->kind == ROW_INC) {
            const ct_incident *in = &q->inc.v[row->inc];
            ct_sbuf_addf(&l, "%s  score %d %s %s  %zu alert%s  ", in->id, in->score, ui_sev_label(in->severity),
                         ui_status_name(in->status), in->nalerts, in->nalerts == 1 ? "" : "s");
            inc_entities(in, &l, 64);
        } else if (row->kind == ROW_REASONS) {
            ct_sbuf_add(&l, "    ");
            reasons_text(&q->inc.v[row->inc], &l);
        } else if (row->kind == ROW_GROUP) {
            ct_sbuf_addf(&l, "%s: %s  (%zu alert%s)", ui_queue_group_names[q->group], ui_queue_row_label(q, row), (size_t)row->count,
                         row->count == 1 ? "" : "s");
        } else {
            const ct_alert *a = &ui.s.alerts.v[row->alert];
            const char *ip = ct_event_str(st, &st->ev[a->event], CT_EF_ACTOR_IP);
            char t[32];
            ui_fmt_time(a->ts, 1, t);
            ct_sbuf_addf(&l, "    %s  %s  %-4s %-5s %s  %s -> %s  %s", a->id, t, ui_sev_label(a->severity),
                         ui_status_short(a->status), a->rule_name ? a->rule_name : a->rule_id,
                         ui_queue_actor(row->alert), ui_queue_target(row->alert), ip ? ip : "-");
        }
        ct_san_displayz(l.buf, 0, out); /* one line each: log text is inert in the pager too */
        ct_sbuf_addc(out, '\n');
        ct_sbuf_free(&l);
    }
}
