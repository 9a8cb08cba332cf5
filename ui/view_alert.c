/* view_alert: one alert — a header (who, what, which credential, when, from
 * where, status) and three panes: the filled investigation guide, the
 * correlation (timelines, sparkline, credential usage, related alerts,
 * history) and the raw record with its ECS document. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "gitstore.h"
#include "guide.h"
#include "notes.h"
#include "sanitize.h"
#include "ui_int.h"

enum { PANE_GUIDE, PANE_CORR, PANE_RAW, PANE_NOTES, PANE__COUNT };
static const char *pane_names[] = {"Guide", "Correlation", "Raw", "Notes"};
enum { LK_EVENT = UI_LK_EVENT, LK_ALERT = UI_LK_ALERT };
#define HEADER_ROWS 6

typedef struct detail {
    ct_alert *a;
    int pane;
    ui_text text[PANE__COUNT];
    int built[PANE__COUNT];
    int built_w;
    char *guide_md;       /* the guide with the alert's values filled in */
    int team_read;        /* the assignment and notes below are read (again after a change) */
    ct_assignment as;     /* as.assignee NULL: no assignment file */
    ct_note *notes;       /* the thread, oldest first */
    size_t nnotes;
} detail;

/* ---- guide values: dotted paths into the event's ECS document ---- */
typedef struct lookup_ctx {
    cJSON *doc;
    char **keep;
    size_t nkeep;
} lookup_ctx;

static const cJSON *jpath(const cJSON *o, const char *p)
{
    if (!o) return NULL;
    if (!*p) return o;
    if (cJSON_IsObject(o)) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, p);
        if (c) return c;
        for (const char *d = strchr(p, '.'); d; d = strchr(d + 1, '.')) {
            char key[256];
            size_t n = (size_t)(d - p);
            if (n >= sizeof key) break;
            memcpy(key, p, n);
            key[n] = 0;
            c = cJSON_GetObjectItemCaseSensitive(o, key);
            if (c) {
                const cJSON *r = jpath(c, d + 1);
                if (r) return r;
            }
        }
        return NULL;
    }
    if (cJSON_IsArray(o)) {
        char *end;
        long idx = strtol(p, &end, 10);
        if (end != p && (*end == '.' || !*end)) return jpath(cJSON_GetArrayItem(o, (int)idx), *end ? end + 1 : end);
        const cJSON *c;
        cJSON_ArrayForEach(c, o) {
            const cJSON *r = jpath(c, p);
            if (r) return r;
        }
    }
    return NULL;
}

static const char *lookup(void *vctx, const char *path)
{
    lookup_ctx *ctx = vctx;
    const cJSON *v = jpath(ctx->doc, path);
    if (!v || cJSON_IsNull(v)) return NULL;
    if (cJSON_IsString(v)) return v->valuestring;
    char *s = NULL;
    if (cJSON_IsBool(v)) s = ct_xstrdup(cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNumber(v)) {
        char buf[64];
        /* range first (hostile logs): casting 1e999 (inf) to long long is undefined behaviour */
        if (fabs(v->valuedouble) < 1e15 && v->valuedouble == (double)(long long)v->valuedouble)
            snprintf(buf, sizeof buf, "%lld", (long long)v->valuedouble);
        else snprintf(buf, sizeof buf, "%g", v->valuedouble);
        s = ct_xstrdup(buf);
    } else if (cJSON_IsArray(v)) {
        ct_sbuf b;
        ct_sbuf_init(&b);
        const cJSON *c;
        cJSON_ArrayForEach(c, v) {
            if (b.len) ct_sbuf_add(&b, ", ");
            if (cJSON_IsString(c)) ct_sbuf_add(&b, c->valuestring);
            else {
                char *u = cJSON_PrintUnformatted(c);
                if (u) ct_sbuf_add(&b, u);
                free(u);
            }
        }
        s = ct_sbuf_detach(&b);
        ct_sbuf_free(&b);
    } else {
        s = cJSON_PrintUnformatted(v);
        if (!s) return NULL;
    }
    ctx->keep = ct_xrealloc(ctx->keep, (ctx->nkeep + 1) * sizeof *ctx->keep);
    ctx->keep[ctx->nkeep++] = s;
    return s;
}

/* Fill md with the alert's values (the caller frees). */
char *ui_alert_fill(const ct_alert *a, const char *md)
{
    lookup_ctx ctx = {ct_alert_doc(&ui.s.store, a), NULL, 0};
    char *r = ct_guide_fill(md, ctx.doc ? lookup : NULL, &ctx);
    for (size_t i = 0; i < ctx.nkeep; i++) free(ctx.keep[i]);
    free(ctx.keep);
    cJSON_Delete(ctx.doc);
    return r;
}

static int guide_attr(int ga, int level)
{
    int a = 0;
    if (ga & CT_GA_HEADING) a |= UI_BOLD | UI_COLOR(UI_C_HEAD) | (level == 1 ? UI_UL : 0);
    if (ga & CT_GA_BOLD) a |= UI_BOLD;
    if (ga & CT_GA_ITALIC) a |= UI_UL;
    if (ga & CT_GA_CODE) a |= UI_COLOR(UI_C_CODE);
    if (ga & CT_GA_LINK) a |= UI_UL | UI_COLOR(UI_C_CODE);
    if (ga & CT_GA_BULLET) a |= UI_BOLD;
    return a;
}

static void build_guide(detail *d, int w)
{
    ui_text *t = &d->text[PANE_GUIDE];
    const char *md = d->a->rule ? d->a->rule->guide : NULL;
    if (!md) {
        ui_line_add(ui_text_line(t, 0, -1), "No investigation guide for this rule.", UI_DIM);
        if (!d->a->rule)
            ui_line_add(ui_text_line(t, 0, -1), "(an imported alert whose rule is not in the rules repo)", UI_DIM);
        return;
    }
    if (!d->guide_md) d->guide_md = ui_alert_fill(d->a, md);
    ct_guide_doc doc;
    ct_sbuf md_term; /* wrapped in the console's columns */
    ct_sbuf_init(&md_term);
    ui_term_raw(d->guide_md, &md_term);
    int rc = ct_guide_render(md_term.buf, w - 2, &doc);
    ct_sbuf_free(&md_term);
    if (rc < 0) {
        ui_text_add_block(t, d->guide_md, strlen(d->guide_md), 0, 0, -1);
        return;
    }
    for (size_t i = 0; i < doc.nlines; i++) {
        ui_line *l = ui_text_line(t, 0, -1);
        ui_line_add(l, " ", 0);
        for (size_t j = 0; j < doc.lines[i].nsegs; j++)
            ui_line_add(l, doc.lines[i].segs[j].text, guide_attr(doc.lines[i].segs[j].attr, doc.lines[i].heading_level));
    }
    ct_guide_doc_free(&doc);
}

/* ---- correlation ---- */
static void fmt_delta(int64_t ms, char *buf, size_t n)
{
    int64_t s = (ms < 0 ? -ms : ms) / 1000;
    const char *sign = ms < 0 ? "-" : "+";
    if (s < 3600) snprintf(buf, n, "%s%lldm%02llds", sign, (long long)(s / 60), (long long)(s % 60));
    else if (s < 86400) snprintf(buf, n, "%s%lldh%02lldm", sign, (long long)(s / 3600), (long long)(s / 60 % 60));
    else snprintf(buf, n, "%s%lldd%02lldh", sign, (long long)(s / 86400), (long long)(s / 3600 % 24));
}

/* " Same actor (1 event)", " Credential usage: 3 uses": the count with its noun, singular for 1 */
static void heading(ui_text *t, const char *label, size_t n, const char *noun, int paren)
{
    ui_text_line(t, 0, -1);
    ui_line *l = ui_text_line(t, 0, -1);
    ui_line_addf(l, UI_BOLD | UI_COLOR(UI_C_HEAD), paren ? " %s (%zu %s%s)" : " %s: %zu %s%s", label, n, noun,
                 n == 1 ? "" : "s");
}

static void add_events(ui_text *t, const size_t *ev, size_t n, size_t self)
{
    for (size_t i = 0; i < n; i++) ui_event_line(t, ev[i], self);
    if (!n) ui_line_add(ui_text_line(t, 0, -1), "   (none in the window)", UI_DIM);
}

static void build_corr(detail *d, int w)
{
    ui_text *t = &d->text[PANE_CORR];
    t->cursor = 1;
    t->skip_plain = 1; /* the cursor stops on events and alerts, not on headings or blank lines */
    t->detail = 1;
    ct_corr_result r;
    memset(&r, 0, sizeof r);
    if (!ui.s.corr || ct_corr_alert(ui.s.corr, d->a, &ui.s.alerts, ui.s.window_ms, &r) < 0) {
        ui_line_add(ui_text_line(t, 0, -1), "Correlation is not available for this alert.", UI_DIM);
        return;
    }
    const ct_store *st = &ui.s.store;
    char f[32], to[32], b1[32];
    ui_fmt_time(r.window_from, 1, f);
    ui_fmt_time(r.window_to, 1, to);
    ui_line *l = ui_text_line(t, 0, -1);
    ui_line_addf(l, UI_BOLD, " Window %s .. %s", f, to);
    ui_line_addf(l, UI_DIM, "  (:window DUR changes it)");
    /* activity sparkline over the window: every correlated event */
    int bw = w - 14;
    if (bw > 120) bw = 120;
    if (bw > 8 && r.window_to > r.window_from) {
        size_t *cnt = ct_xcalloc((size_t)bw, sizeof *cnt);
        int64_t span = r.window_to - r.window_from;
        const size_t *lists[3] = {r.same_target, r.same_actor, r.usage.events};
        size_t ns[3] = {r.nsame_target, r.nsame_actor, r.usage.n};
        for (int k = 0; k < 3; k++)
            for (size_t i = 0; i < ns[k]; i++) {
                int64_t ts = st->ev[lists[k][i]].ts;
                if (ts == CT_TIME_NONE || ts < r.window_from || ts > r.window_to) continue;
                long b = (long)((double)(ts - r.window_from) / (double)span * bw);
                if (b >= bw) b = bw - 1;
                cnt[b]++;
            }
        ct_sbuf sp;
        ct_sbuf_init(&sp);
        ui_sparkline(cnt, (size_t)bw, &sp);
        l = ui_text_line(t, 0, -1);
        ui_line_add(l, " Activity    ", UI_BOLD);
        ui_line_add(l, sp.buf, UI_COLOR(UI_C_CODE));
        int64_t ats = st->ev[r.self_event].ts;
        if (ats != CT_TIME_NONE && ats >= r.window_from && ats <= r.window_to) {
            long b = (long)((double)(ats - r.window_from) / (double)span * bw);
            if (b >= bw) b = bw - 1;
            ct_sbuf m;
            ct_sbuf_init(&m);
            ct_sbuf_add(&m, "             ");
            for (long i = 0; i < b; i++) ct_sbuf_addc(&m, ' ');
            ct_sbuf_add(&m, ui.utf8 ? "\u25b2 this alert" : "^ this alert");
            ui_line_add(ui_text_line(t, 0, -1), m.buf, UI_COLOR(UI_C_MARK) | UI_BOLD);
            ct_sbuf_free(&m);
        }
        ct_sbuf_free(&sp);
        free(cnt);
    }
    /* credential usage */
    heading(t, "Credential usage", r.usage.n, "use", 0);
    l = ui_text_line(t, 0, -1);
    if (r.usage.first_use == CT_TIME_NONE) {
        ui_line_add(l, "   never used in the loaded data", 0);
    } else {
        char delta[32];
        ui_fmt_time(r.usage.first_use, 1, b1);
        int64_t ats = st->ev[r.self_event].ts;
        ui_line_addf(l, 0, "   first use %s", b1);
        if (ats != CT_TIME_NONE) {
            fmt_delta(r.usage.first_use - ats, delta, sizeof delta);
            ui_line_addf(l, UI_BOLD, " (%s after the addition)", delta);
        }
        l = ui_text_line(t, 0, -1);
        ui_line_addf(l, r.usage.failures ? UI_BOLD | UI_COLOR(UI_C_ERR) : 0, "   %zu failure%s", r.usage.failures,
                     r.usage.failures == 1 ? "" : "s");
        l = ui_text_line(t, 0, -1);
        ui_line_add(l, "   IPs: ", UI_DIM);
        for (size_t i = 0; i < r.usage.nips; i++) {
            if (i) ui_line_add(l, ", ", 0);
            ui_line_add(l, r.usage.ips[i], UI_BOLD);
        }
        for (size_t i = 0; i < r.usage.nuas; i++) {
            l = ui_text_line(t, 0, -1);
            ui_line_add(l, i ? "   " : "   UA: ", UI_DIM);
            ui_line_add(l, r.usage.user_agents[i], 0);
        }
        add_events(t, r.usage.events, r.usage.n, r.self_event);
    }
    /* history */
    ui_text_line(t, 0, -1);
    ui_line_add(ui_text_line(t, 0, -1), " History", UI_BOLD | UI_COLOR(UI_C_HEAD));
    l = ui_text_line(t, 0, -1);
    /* each change once, however many exports carry it */
    if (!r.prior_changes)
        ui_line_add(l, "   first time: no earlier credential addition to this target by this actor",
                    UI_BOLD | UI_COLOR(UI_C_HIGH));
    else
        ui_line_addf(l, 0, "   %zu earlier change%s by this actor", r.prior_changes, r.prior_changes == 1 ? "" : "s");
    l = ui_text_line(t, 0, -1);
    ui_line_addf(l, 0, "   %zu distinct actor%s added credentials to this target", r.distinct_actors,
                 r.distinct_actors == 1 ? "" : "s");
    /* related alerts */
    heading(t, "Related", r.nrelated, "alert", 1);
    for (size_t i = 0; i < r.nrelated; i++) {
        const ct_alert *o = &ui.s.alerts.v[r.related_alerts[i]];
        l = ui_text_line(t, LK_ALERT, (long)r.related_alerts[i]);
        char tb[32];
        ui_fmt_time(o->ts, 0, tb);
        ui_line_addf(l, 0, "   %s ", tb);
        ui_line_add(l, ui_sev_label(o->severity), ui_sev_attr(o->severity));
        ui_line_addf(l, 0, " %-5s ", ui_status_short(o->status));
        ui_line_add(l, o->rule_name ? o->rule_name : o->rule_id, 0);
        ui_line_add(l, " - ", UI_DIM);
        ui_line_add(l, ui_alert_actor(o), 0);
        ui_line_add(l, ui.utf8 ? " \u2192 " : " -> ", UI_DIM);
        ui_line_add(l, ui_alert_target(o), 0);
    }
    if (!r.nrelated) ui_line_add(ui_text_line(t, 0, -1), "   (none)", UI_DIM);
    heading(t, "Same target", r.nsame_target, "event", 1);
    add_events(t, r.same_target, r.nsame_target, r.self_event);
    heading(t, "Same actor", r.nsame_actor, "event", 1);
    add_events(t, r.same_actor, r.nsame_actor, r.self_event);
    ui_text_line(t, 0, -1);
    ui_line_add(ui_text_line(t, 0, -1), " Enter on an event opens its raw record; on an alert, the alert.", UI_DIM);
    ct_corr_result_free(&r);
}

/* ---- the team: who has the alert, and its note thread (issue #18) ---- */
static void read_team(detail *d)
{
    if (d->team_read) return;
    d->team_read = 1;
    ct_assignment_free(&d->as);
    ct_notes_free(d->notes, d->nnotes);
    d->notes = NULL;
    d->nnotes = 0;
    if (!ui.s.repo) return;
    const char *root = ct_repo_workdir(ui.s.repo);
    if (ct_assignment_load(root, d->a->id, d->a->ts, &d->as) != 1) memset(&d->as, 0, sizeof d->as);
    ct_notes_load(root, d->a->id, d->a->ts, &d->notes, &d->nnotes);
}

static void build_notes(detail *d, int w)
{
    ui_text *t = &d->text[PANE_NOTES];
    read_team(d);
    if (!ui.s.repo) {
        ui_line_add(ui_text_line(t, 0, -1), " No rules repo: no assignment or notes (read-only).", UI_DIM);
        return;
    }
    char tb[32];
    ui_line *l = ui_text_line(t, 0, -1);
    ui_line_add(l, " Assigned to ", UI_BOLD);
    if (d->as.assignee && *d->as.assignee) {
        ui_fmt_time(d->as.at, 1, tb);
        ui_line_add(l, d->as.assignee, UI_BOLD | UI_COLOR(UI_C_HEAD));
        l = ui_text_line(t, 0, -1);
        ui_line_addf(l, UI_DIM, "   by %s at %s UTC", d->as.by ? d->as.by : "?", tb);
    } else {
        ui_line_add(l, "nobody", UI_DIM);
        if (d->as.assignee) { /* unassigned on purpose */
            ui_fmt_time(d->as.at, 1, tb);
            l = ui_text_line(t, 0, -1);
            ui_line_addf(l, UI_DIM, "   unassigned by %s at %s UTC", d->as.by ? d->as.by : "?", tb);
        }
    }
    ui_text_line(t, 0, -1);
    l = ui_text_line(t, 0, -1);
    ui_line_addf(l, UI_BOLD | UI_COLOR(UI_C_HEAD), " Notes (%zu)", d->nnotes);
    if (!d->nnotes) ui_line_add(ui_text_line(t, 0, -1), "   (none yet)", UI_DIM);
    ct_sbuf wrapped[64];
    for (int i = 0; i < 64; i++) ct_sbuf_init(&wrapped[i]);
    for (size_t i = 0; i < d->nnotes; i++) {
        ui_fmt_time(d->notes[i].at, 1, tb);
        l = ui_text_line(t, 0, -1);
        ui_line_addf(l, 0, "   %s UTC  ", tb);
        ui_line_add(l, d->notes[i].author, UI_BOLD);
        /* each line of the note wrapped under it (a note from $EDITOR has several) */
        const char *p = d->notes[i].text;
        while (*p) {
            size_t n = strcspn(p, "\n");
            char *line = ct_xstrndup(p, n);
            int k = ui_wrap(line, w - 6 > 10 ? w - 6 : 10, 0, wrapped, 64);
            for (int j = 0; j < k; j++) {
                l = ui_text_line(t, 0, -1);
                ui_line_add(l, "     ", 0);
                ui_line_add(l, wrapped[j].buf, 0);
                ct_sbuf_reset(&wrapped[j]);
            }
            free(line);
            p += n;
            if (*p) p++;
        }
    }
    for (int i = 0; i < 64; i++) ct_sbuf_free(&wrapped[i]);
    ui_text_line(t, 0, -1);
    ui_line_add(ui_text_line(t, 0, -1), " A assigns; c adds a note (committed as you; notes are never changed).", UI_DIM);
}

static void build(detail *d, int pane, int w)
{
    ui_text *t = &d->text[pane];
    size_t top = t->top, cur = t->cur;
    ui_text_clear(t);
    if (pane == PANE_GUIDE) build_guide(d, w);
    else if (pane == PANE_CORR) build_corr(d, w);
    else if (pane == PANE_NOTES) build_notes(d, w);
    else ui_event_text(d->a->event, t);
    t->top = top;
    t->cur = cur;
    d->built[pane] = 1;
}

static void draw_header(detail *d, int y, int w)
{
    const ct_alert *a = d->a;
    const ct_store *st = &ui.s.store;
    const ct_event *e = &st->ev[a->event];
    int x = ui_put(y, 1, 5, ui_sev_label(a->severity), ui_sev_attr(a->severity), 1) + 1;
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_addf(&b, "[%s]", ui_status_name(a->status));
    int sw = ct_san_width(b.buf);
    if (sw > w / 2) sw = w / 2;
    ui_put(y, x, w - x - sw - 2, a->rule_name ? a->rule_name : a->rule_id, UI_BOLD, 0);
    ui_put(y, w - sw - 1, sw, b.buf, UI_BOLD | (a->status == CT_STATUS_OPEN ? UI_COLOR(UI_C_HIGH) : UI_COLOR(UI_C_OK)), 0);
    /* when, where from */
    ct_sbuf_reset(&b);
    char tb[32];
    ui_fmt_time(a->ts, 1, tb);
    char place[64];
    ct_sbuf_addf(&b, "%s UTC   %s%s", tb, ct_event_file(st, e), ct_event_place(e, place));
    if (a->suppressed_by) ct_sbuf_addf(&b, "   suppressed by exception %s", a->suppressed_by);
    else if (a->decision_by) ct_sbuf_addf(&b, "   decided by %s", a->decision_by);
    ui_put(y + 1, 1, 6, "when", UI_DIM, 1);
    ui_put(y + 1, 7, w - 8, b.buf, 0, 0);
    y++;
    /* who */
    ct_sbuf_reset(&b);
    const char *an = ct_event_str(st, e, CT_EF_ACTOR_NAME), *aid = ct_event_str(st, e, CT_EF_ACTOR_ID);
    const char *at = ct_event_str(st, e, CT_EF_ACTOR_TYPE), *ip = ct_event_str(st, e, CT_EF_ACTOR_IP);
    ct_sbuf_add(&b, an ? an : aid ? aid : "(unknown actor)");
    if (at) ct_sbuf_addf(&b, " (%s)", at);
    if (ip) ct_sbuf_addf(&b, " from %s", ip);
    ui_put(y + 1, 1, 6, "who", UI_DIM, 1);
    ui_put(y + 1, 7, w - 8, b.buf, 0, 0);
    /* what */
    ct_sbuf_reset(&b);
    const char *act = ct_event_str(st, e, CT_EF_ACTION), *tn = ct_event_str(st, e, CT_EF_TARGET_NAME);
    const char *tid = ct_event_str(st, e, CT_EF_TARGET_ID), *tt = ct_event_str(st, e, CT_EF_TARGET_TYPE);
    const char *out = ct_event_str(st, e, CT_EF_OUTCOME);
    ct_sbuf_add(&b, act ? act : "?");
    ct_sbuf_add(&b, " on ");
    ct_sbuf_add(&b, tn ? tn : tid ? tid : "(unknown target)");
    if (tt) ct_sbuf_addf(&b, " (%s)", tt);
    if (out) ct_sbuf_addf(&b, " [%s]", out);
    ui_put(y + 2, 1, 6, "what", UI_DIM, 1);
    ui_put(y + 2, 7, w - 8, b.buf, 0, 0);
    /* credential and when */
    ct_sbuf_reset(&b);
    const char *ct = ct_event_str(st, e, CT_EF_CRED_TYPE), *cid = ct_event_str(st, e, CT_EF_CRED_ID);
    const char *cn = ct_event_str(st, e, CT_EF_CRED_NAME);
    ct_sbuf_addf(&b, "%s", ct ? ct : "credential");
    if (cid) ct_sbuf_addf(&b, " %s", cid);
    if (cn) ct_sbuf_addf(&b, " \"%s\"", cn);
    ui_put(y + 3, 1, 6, "cred", UI_DIM, 1);
    ui_put(y + 3, 7, w - 8, b.buf, 0, 0);
    ct_sbuf_free(&b);
    /* pane tabs; the assignee at the right */
    read_team(d);
    int tx = 1;
    for (int p = 0; p < PANE__COUNT; p++) {
        char lab[48];
        if (p == PANE_NOTES && d->nnotes) snprintf(lab, sizeof lab, " %d %s (%zu) ", p + 1, pane_names[p], d->nnotes);
        else snprintf(lab, sizeof lab, " %d %s ", p + 1, pane_names[p]);
        tx += ui_put(y + 4, tx, w - tx, lab, p == d->pane ? UI_REV | UI_BOLD : UI_DIM, 0) + 1;
    }
    int aw = 0;
    if (d->as.assignee && *d->as.assignee) {
        ct_sbuf who;
        ct_sbuf_init(&who);
        ct_sbuf_add(&who, " assigned: ");
        const char *lt = strchr(d->as.assignee, '<');
        size_t n = lt && lt > d->as.assignee ? (size_t)(lt - d->as.assignee) : strlen(d->as.assignee);
        while (n > 1 && d->as.assignee[n - 1] == ' ') n--;
        ct_sbuf_addn(&who, d->as.assignee, n);
        ct_sbuf_addc(&who, ' ');
        aw = ct_san_width(who.buf);
        if (aw > (w - tx) - 4) aw = (w - tx) - 4 > 0 ? (w - tx) - 4 : 0;
        if (aw) ui_put(y + 4, w - aw - 1, aw, who.buf, UI_BOLD, 0);
        ct_sbuf_free(&who);
    }
    ui_hline(y + 4, tx, w - tx - (aw ? aw + 1 : 0));
}

static void d_draw(ui_view *v, int y, int h, int w)
{
    detail *d = v->priv;
    if (d->built_w != w) {
        /* the guide wraps to the width */
        d->built[PANE_GUIDE] = d->built[PANE_CORR] = 0;
        d->built_w = w;
    }
    if (!d->built[d->pane]) build(d, d->pane, w);
    draw_header(d, y, w);
    v->h = h - HEADER_ROWS;
    ui_text_draw(&d->text[d->pane], y + HEADER_ROWS, h - HEADER_ROWS, w);
}

static void d_title(ui_view *v, ct_sbuf *out)
{
    detail *d = v->priv;
    ct_sbuf_addf(out, "Alert %s  %s", d->a->id, pane_names[d->pane]);
    ui_text *t = &d->text[d->pane];
    if (t->n) ct_sbuf_addf(out, "  %zu%%", t->n <= (size_t)v->h ? 100 : (t->top + (size_t)v->h) * 100 / t->n);
    if (t->hscroll) ct_sbuf_addf(out, "  from column %zu", t->hscroll + 1);
}

static int d_request(ui_view *v, enum ui_req req)
{
    detail *d = v->priv;
    ui_text *t = &d->text[d->pane];
    ct_alert *one[1] = {d->a};
    switch (req) {
    case REQ_NEXT_PANE: d->pane = (d->pane + 1) % PANE__COUNT; return 1;
    case REQ_PREV_PANE: d->pane = (d->pane + PANE__COUNT - 1) % PANE__COUNT; return 1;
    case REQ_PANE1: d->pane = PANE_GUIDE; return 1;
    case REQ_PANE2: d->pane = PANE_CORR; return 1;
    case REQ_PANE3: d->pane = PANE_RAW; return 1;
    case REQ_PANE4: d->pane = PANE_NOTES; return 1;
    case REQ_ENTER:
        if (t->cursor && t->cur < t->n) {
            ui_line *l = &t->v[t->cur];
            if (l->kind == LK_EVENT) {
                char title[64];
                snprintf(title, sizeof title, "Event %ld (from alert %s)", l->data, d->a->id);
                ui_open_event((size_t)l->data, title);
            } else if (l->kind == LK_ALERT) {
                ui_open_alert(&ui.s.alerts.v[l->data]);
            }
            return 1;
        }
        return ui_text_request(t, REQ_DOWN, v->h);
    case REQ_SEARCH:
    case REQ_SEARCH_NEXT:
    case REQ_SEARCH_PREV:
        ui_search_request(req, ui_text_find, t);
        return 1;
    case REQ_ACK: ui_act_ack(one, 1, NULL); return 1;
    case REQ_REOPEN: ui_act_reopen(one, 1, NULL); return 1;
    case REQ_FP: ui_act_fp(one, 1); return 1;
    case REQ_REMEDIATE: ui_act_remediate(one, 1); return 1;
    case REQ_ASSIGN: ui_act_assign(one, 1, NULL); return 1;
    case REQ_NOTE: ui_act_note(one, 1, NULL); return 1;
    default: return ui_text_request(t, req, v->h);
    }
}

static int d_command(ui_view *v, const char *cmd, const char *args)
{
    detail *d = v->priv;
    ct_alert *one[1] = {d->a};
    if (!strcmp(cmd, "ack")) ui_act_ack(one, 1, *args ? args : NULL);
    else if (!strcmp(cmd, "reopen")) ui_act_reopen(one, 1, *args ? args : NULL);
    else if (!strcmp(cmd, "fp")) ui_act_fp(one, 1);
    else if (!strcmp(cmd, "remediate")) ui_act_remediate(one, 1);
    else if (!strcmp(cmd, "assign") || !strcmp(cmd, "unassign")) ui_act_assign(one, 1, ui_assign_arg(cmd, args));
    else if (!strcmp(cmd, "note")) ui_act_note(one, 1, *args ? args : NULL);
    else if (!strcmp(cmd, "pane") && *args >= '1' && *args <= '4') d->pane = *args - '1';
    else return 0;
    return 1;
}

/* the event under the cursor of the correlation pane, else the alert's own */
static long d_event(ui_view *v)
{
    detail *d = v->priv;
    ui_text *t = &d->text[d->pane];
    if (d->pane == PANE_CORR && t->cur < t->n) {
        if (t->v[t->cur].kind == LK_EVENT) return t->v[t->cur].data;
        if (t->v[t->cur].kind == LK_ALERT) return (long)ui.s.alerts.v[t->v[t->cur].data].event;
    }
    return (long)d->a->event;
}

static void d_text(ui_view *v, ct_sbuf *out)
{
    detail *d = v->priv;
    if (!d->built[d->pane]) build(d, d->pane, d->built_w ? d->built_w : COLS);
    ui_text_plain(&d->text[d->pane], out);
}

static void d_reload(ui_view *v)
{
    detail *d = v->priv;
    d->built[PANE_CORR] = 0; /* statuses of related alerts, the window */
    d->built[PANE_NOTES] = 0; /* an assignment or a note came in */
    d->team_read = 0;
}

static void d_close(ui_view *v)
{
    detail *d = v->priv;
    for (int p = 0; p < PANE__COUNT; p++) ui_text_clear(&d->text[p]);
    free(d->guide_md);
    ct_assignment_free(&d->as);
    ct_notes_free(d->notes, d->nnotes);
    free(d);
}

void ui_open_alert(ct_alert *a)
{
    detail *d = ct_xcalloc(1, sizeof *d);
    d->a = a;
    ui_push(&ui_alert_ops, d);
}

const ct_view_ops ui_alert_ops = {
    .name = "alert",
    .scope = UI_SCOPE_ALERT | UI_SCOPE_LIST,
    .draw = d_draw,
    .request = d_request,
    .command = d_command,
    .title = d_title,
    .close = d_close,
    .reload = d_reload,
    .event = d_event,
    .text = d_text,
};
