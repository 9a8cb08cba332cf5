/* view_queue: the queue — incidents ranked by score with their alerts beneath
 * (folding), or alerts grouped by actor / target, or a flat list; sort,
 * status/severity/rule/text filters, search, tags for bulk actions. A decision
 * on an incident (or a group) applies to its alerts shown. Drawing is in
 * queue_draw.c, which alerts show and in which order in queue_filter.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sanitize.h"
#include "queue_int.h"

const char *const ui_queue_sort_names[SORT__COUNT] = {"score", "time", "severity", "rule", "actor"};
const char *const ui_queue_group_names[GROUP__COUNT] = {"incident", "actor", "target", "none"};
#define sort_names ui_queue_sort_names
#define group_names ui_queue_group_names

static void q_init(ui_view *v);
static queue *Q(ui_view *v)
{
    if (!v->priv) q_init(v);
    return v->priv;
}

/* ---- incidents: grouped once the load ended (they need the correlation
 * index and every alert; queue_inc.c, on a thread of their own), refreshed
 * after decisions ---- */
static int incidents_on(queue *q) { return q->inc_built && q->group == GROUP_INCIDENT; }

/* ---- folding: by incident id or group label ---- */
static int is_folded(queue *q, const char *key)
{
    for (size_t i = 0; i < q->nfolded; i++)
        if (!strcmp(q->folded[i], key)) return 1;
    return 0;
}

static void set_folded(queue *q, const char *key, int on)
{
    for (size_t i = 0; i < q->nfolded; i++)
        if (!strcmp(q->folded[i], key)) {
            if (!on) {
                free(q->folded[i]);
                q->folded[i] = q->folded[--q->nfolded];
            }
            return;
        }
    if (!on) return;
    q->folded = ct_xrealloc(q->folded, (q->nfolded + 1) * sizeof *q->folded);
    q->folded[q->nfolded++] = ct_xstrdup(key);
}

static const char *row_key(queue *q, const qrow *r)
{
    if (r->kind == ROW_INC || r->kind == ROW_REASONS) return q->inc.v[r->inc].id;
    if (r->kind == ROW_GROUP) return ui_queue_row_label(q, r);
    return NULL;
}

static qrow *add_row(queue *q, int kind, size_t alert, size_t inc)
{
    qrow *r = &q->rows[q->nrows++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->alert = (uint32_t)alert;
    r->inc = (uint32_t)inc;
    return r;
}

static const char *row_id(queue *q, const qrow *r)
{
    if (r->kind == ROW_ALERT) return ui.s.alerts.v[r->alert].id;
    const char *k = row_key(q, r);
    return k ? k : "";
}

static void rebuild_incidents(queue *q, const size_t *idx, size_t nv)
{
    /* visible alerts per incident, in the incident's (time) order */
    size_t ni = q->inc.n;
    size_t *shown = ct_xcalloc(ni ? ni : 1, sizeof *shown);
    char *vis = ct_xcalloc(ui.s.alerts.n ? ui.s.alerts.n : 1, 1);
    for (size_t k = 0; k < nv; k++) {
        vis[idx[k]] = 1;
        const ct_incident *in = ui_queue_inc_of(q, idx[k]);
        if (in) shown[in - q->inc.v]++;
    }
    size_t *order = ct_xmalloc((ni ? ni : 1) * sizeof *order), no = 0;
    for (size_t i = 0; i < ni; i++)
        if (shown[i]) order[no++] = i;
    ui_queue_sort_incidents(q, order, no);
    for (size_t o = 0; o < no; o++) {
        const ct_incident *in = &q->inc.v[order[o]];
        qrow *h = add_row(q, ROW_INC, in->lead, order[o]);
        h->count = (uint32_t)shown[order[o]];
        h->folded = is_folded(q, in->id);
        if (h->folded) continue;
        if (in->nreasons) add_row(q, ROW_REASONS, in->lead, order[o]);
        for (size_t j = 0; j < in->nalerts; j++)
            if (vis[in->alerts[j]]) add_row(q, ROW_ALERT, in->alerts[j], order[o]);
    }
    free(order);
    free(vis);
    free(shown);
}

static void rebuild_rows(queue *q);

/* The load published (ui_load_sync): alerts [0, from) are as they were (same
 * place, same status), the rest moved, came or changed. */
void ui_queue_published(ui_view *v, size_t from)
{
    queue *q = Q(v);
    free(q->corr); /* by alert index: they moved */
    q->corr = NULL;
    q->ncorr = 0;
    ui_queue_free_wide(q); /* a country may be known now */
    ui_queue_incidents(q);
    if (!ui_queue_flat_published(q, from)) rebuild_rows(q);
}

static void rebuild(queue *q)
{
    ui_queue_incidents(q);
    rebuild_rows(q);
}

static void rebuild_rows(queue *q)
{
    char keep[sizeof q->cur_id];
    memcpy(keep, q->cur_id, sizeof keep);
    size_t old_cur = q->cur;
    /* until the analyst moves, the cursor stays on the top row: while
     * loading (alerts arrive in file order and are sorted in steps, so not
     * on whichever alert the first frame showed first), up to and including
     * the first rebuild after the load, and at the incidents' first showing
     * (after the load, or grouped on their thread) */
    if (!q->moved && (!q->settled || (incidents_on(q) && !q->inc_shown))) {
        keep[0] = 0;
        old_cur = 0;
        q->top = 0;
    }
    if (!ui.loading) q->settled = 1;
    q->inc_shown |= incidents_on(q);
    size_t n = ui.s.alerts.n, nv = 0;
    if (ui_queue_flat_view(q) && ui_queue_in_order(0)) {
        ui_queue_flat_splice(q, 0, q->nrows);
        nv = q->nrows;
        goto cursor;
    }
    size_t *idx = ct_xmalloc((n ? n : 1) * sizeof *idx);
    if (incidents_on(q)) {
        for (size_t i = 0; i < n; i++)
            if (ui_queue_visible(q, i)) idx[nv++] = i;
    } else {
        nv = ui_queue_ordered(q, idx);
    }
    if (3 * nv + 1 > q->rowcap) {
        free(q->rowbuf);
        q->rowcap = 3 * nv + 1;
        q->rowbuf = ct_xmalloc(q->rowcap * sizeof *q->rowbuf);
    }
    q->rows = q->rowbuf;
    q->rowoff = 0;
    q->flat = 0;
    q->nrows = 0;
    if (incidents_on(q)) rebuild_incidents(q, idx, nv);
    else {
        int grouped = q->group == GROUP_ACTOR || q->group == GROUP_TARGET, in_folded = 0;
        for (size_t k = 0; k < nv; k++) {
            if (grouped) {
                const char *g = q->group == GROUP_ACTOR ? ui_queue_actor(idx[k]) : ui_queue_target(idx[k]);
                const char *pg = k ? (q->group == GROUP_ACTOR ? ui_queue_actor(idx[k - 1]) : ui_queue_target(idx[k - 1])) : NULL;
                if (!k || ui_queue_cmpstr(g, pg)) {
                    qrow *h = add_row(q, ROW_GROUP, idx[k], 0);

                    for (size_t m = k; m < nv; m++) {
                        const char *gm = q->group == GROUP_ACTOR ? ui_queue_actor(idx[m]) : ui_queue_target(idx[m]);
                        if (ui_queue_cmpstr(gm, g)) break;
                        h->count++;
                    }
                    in_folded = h->folded = is_folded(q, ui_queue_row_label(q, h));
                }
                if (in_folded) continue;
            }
            const ct_incident *in = ui_queue_inc_of(q, idx[k]);
            add_row(q, ROW_ALERT, idx[k], in ? (size_t)(in - q->inc.v) : 0);
        }
    }
    free(idx);
    q->nshown = nv;
    q->nincs = 0;
    for (size_t r = 0; r < q->nrows; r++) q->nincs += q->rows[r].kind == ROW_INC;
cursor:
    /* stay on the same alert or incident; if it left the filter, on the same row */
    q->cur = old_cur < q->nrows ? old_cur : (q->nrows ? q->nrows - 1 : 0);
    /* an alert drawn under the cursor since the alerts last changed: found
     * by its index, not by comparing every row's id (650k rows with
     * incidents, each id a look into an incident or an alert elsewhere) */
    int by_index = keep[0] && q->cur_kind == ROW_ALERT && q->cur_gen == ui.gen && q->cur_alert < n &&
                   !strcmp(ui.s.alerts.v[q->cur_alert].id, keep);
    for (size_t r = 0; keep[0] && r < q->nrows; r++) {
        const qrow *w = &q->rows[r];
        if (by_index ? w->kind == ROW_ALERT && w->alert == q->cur_alert
                     : w->kind != ROW_REASONS && !strcmp(row_id(q, w), keep)) {
            q->cur = r;
            break;
        }
    }
    if (q->cur < q->nrows && q->rows[q->cur].kind == ROW_REASONS && q->cur) q->cur--;
    q->ntagged = 0;
    for (size_t i = 0; i < n; i++)
        if (ui.s.alerts.v[i].tagged) q->ntagged++;
}

size_t ui_queue_corr_count(queue *q, size_t i)
{
    if (!ui.s.corr) return 0; /* still loading: nothing to cache yet */
    if (q->ncorr != ui.s.alerts.n) {
        free(q->corr);
        q->ncorr = ui.s.alerts.n;
        q->corr = ct_xmalloc((q->ncorr ? q->ncorr : 1) * sizeof *q->corr);
        for (size_t k = 0; k < q->ncorr; k++) q->corr[k] = SIZE_MAX;
    }
    if (q->corr[i] == SIZE_MAX)
        q->corr[i] = ct_corr_count(ui.s.corr, &ui.s.alerts.v[i], ui.s.window_ms);
    return q->corr[i];
}

static void q_title(ui_view *v, ct_sbuf *out)
{
    queue *q = Q(v);
    /* counted when the rows were built, not on every frame (230k alerts);
     * folded rows hide alerts: shown is what the filter keeps */
    size_t shown = q->nshown, incs = q->nincs;
    ct_sbuf_addf(out, "Alert queue [%s] %zu of %zu", q->status == FILTER_ALL ? "all" : ui_status_name((ct_status)q->status),
                 shown, ui.s.alerts.n);
    if (incidents_on(q)) ct_sbuf_addf(out, ", %zu incident%s", incs, incs == 1 ? "" : "s");
    if (q->ntagged) ct_sbuf_addf(out, ", %zu tagged", q->ntagged);
    if (q->sort != SORT_SCORE) ct_sbuf_addf(out, "  sort:%s", sort_names[q->sort]);
    if (q->group == GROUP_INCIDENT && !q->inc_built)
        ct_sbuf_add(out, ui_queue_grouping() ? (ui.utf8 ? " (grouping incidents\u2026)" : " (grouping incidents...)")
                                             : " (incidents after loading)");
    else if (q->group == GROUP_NONE) ct_sbuf_add(out, " flat");
    else if (q->group != GROUP_INCIDENT) ct_sbuf_addf(out, " group:%s", group_names[q->group]);
    if (q->min_sev) ct_sbuf_addf(out, " sev>=%s", ui_sev_label(q->min_sev == 4 ? "critical" : q->min_sev == 3 ? "high" : q->min_sev == 2 ? "medium" : "low"));
    if (q->rule) ct_sbuf_addf(out, " rule~%s", q->rule);
    if (q->text) ct_sbuf_addf(out, " text~%s", q->text);
}

static void q_draw(ui_view *v, int y, int h, int w)
{
    queue *q = Q(v);
    if (q->cur < q->nrows) {
        memcpy(q->cur_id, row_id(q, &q->rows[q->cur]), sizeof q->cur_id - 1);
        q->cur_kind = q->rows[q->cur].kind;
        q->cur_alert = q->rows[q->cur].alert;
        q->cur_gen = ui.gen;
    } else {
        q->cur_id[0] = 0;
    }
    ui_queue_draw(q, y, h, w);
}

/* the alerts under a row as the filter shows them: the alert; an incident's or
 * a group's alerts (folded or not) */
static size_t alerts_under(queue *q, const qrow *r, ct_alert **v)
{
    size_t n = 0;
    if (r->kind == ROW_ALERT) v[n++] = &ui.s.alerts.v[r->alert];
    else if (r->kind == ROW_INC || r->kind == ROW_REASONS) {
        const ct_incident *in = &q->inc.v[r->inc];
        for (size_t j = 0; j < in->nalerts; j++)
            if (ui_queue_visible(q, in->alerts[j])) v[n++] = &ui.s.alerts.v[in->alerts[j]];
    } else {
        for (size_t i = 0; i < ui.s.alerts.n; i++)
            if (ui_queue_visible(q, i) && !ui_queue_cmpstr(q->group == GROUP_ACTOR ? ui_queue_actor(i) : ui_queue_target(i), ui_queue_row_label(q, r)))
                v[n++] = &ui.s.alerts.v[i];
    }
    return n;
}

/* the alerts a decision acts on: the tagged ones, else those under the cursor */
static size_t tagged_or_current(queue *q, ct_alert ***out)
{
    size_t n = 0;
    ct_alert **v = ct_xmalloc((ui.s.alerts.n + 1) * sizeof *v);
    for (size_t i = 0; i < ui.s.alerts.n; i++)
        if (ui.s.alerts.v[i].tagged && ui_queue_visible(q, i)) v[n++] = &ui.s.alerts.v[i];
    ui.label[0] = 0; /* the commit names the incident a decision is for */
    if (!n && q->cur < q->nrows) {
        const qrow *r = &q->rows[q->cur];
        n = alerts_under(q, r, v);
        if (r->kind == ROW_INC || r->kind == ROW_REASONS) snprintf(ui.label, sizeof ui.label, "%s", q->inc.v[r->inc].id);
    }
    *out = v;
    return n;
}

static size_t tagged_or_current_row(queue *q, ct_alert ***out)
{
    ct_alert **v = ct_xmalloc((ui.s.alerts.n + 1) * sizeof *v);
    *out = v;
    return q->cur < q->nrows ? alerts_under(q, &q->rows[q->cur], v) : 0;
}

static void untag_all(queue *q)
{
    for (size_t i = 0; i < ui.s.alerts.n; i++) ui.s.alerts.v[i].tagged = 0;
    q->ntagged = 0;
}

/* ui_search_fn: the next row matching the search */
static int search(void *ctx, int dir)
{
    queue *q = ctx;
    if (!q->nrows) return 0;
    for (size_t k = 1; k <= q->nrows; k++) {
        size_t r = dir > 0 ? (q->cur + k) % q->nrows : (q->cur + q->nrows - k % q->nrows) % q->nrows;
        if (q->rows[r].kind == ROW_REASONS) continue;
        if (ui_queue_row_matches_search(q, &q->rows[r])) {
            int wrapped = dir > 0 ? r <= q->cur : r >= q->cur;
            q->cur = r;
            return wrapped ? 2 : 1;
        }
    }
    return 0;
}

static void set_status_filter(queue *q, int st)
{
    q->status = st;
    rebuild(q);
}

/* fold (1), unfold (0) or toggle (-1) the incident or group under the cursor */
static void fold(queue *q, int how)
{
    if (q->cur >= q->nrows) return;
    size_t r = q->cur;
    while (r && (q->rows[r].kind == ROW_ALERT || q->rows[r].kind == ROW_REASONS)) r--;
    if (q->rows[r].kind == ROW_ALERT) r = q->cur; /* a flat list: no header above */
    const char *key = row_key(q, &q->rows[r]);
    if (!key) {
        ui_msg(0, "nothing to fold: = groups by incident, actor or target");
        return;
    }
    int on = how < 0 ? !q->rows[r].folded : how;
    set_folded(q, key, on);
    q->cur = r;
    memcpy(q->cur_id, key, strnlen(key, sizeof q->cur_id - 1));
    q->cur_id[strnlen(key, sizeof q->cur_id - 1)] = 0;
    rebuild(q);
}

static void fold_all(queue *q)
{
    int any_open = 0;
    for (size_t r = 0; r < q->nrows; r++)
        if ((q->rows[r].kind == ROW_INC || q->rows[r].kind == ROW_GROUP) && !q->rows[r].folded) any_open = 1;
    for (size_t r = 0; r < q->nrows; r++) {
        const char *key = q->rows[r].kind == ROW_INC || q->rows[r].kind == ROW_GROUP ? row_key(q, &q->rows[r]) : NULL;
        if (key) set_folded(q, key, any_open);
    }
    if (!any_open) {
        for (size_t i = 0; i < q->nfolded; i++) free(q->folded[i]);
        q->nfolded = 0;
    }
    rebuild(q);
    ui_msg(0, any_open ? "folded every group" : "unfolded every group");
}

/* cursor moves skip the reasons line under an incident */
static void step(queue *q, int dir)
{
    size_t c = q->cur;
    for (;;) {
        if (dir > 0 ? c + 1 >= q->nrows : c == 0) return;
        c = dir > 0 ? c + 1 : c - 1;
        if (q->rows[c].kind != ROW_REASONS) break;
    }
    q->cur = c;
}

static int q_request(ui_view *v, enum ui_req req)
{
    queue *q = Q(v);
    int h = v->h - 1 > 0 ? v->h - 1 : 1;
    ct_alert **sel = NULL;
    size_t n;
    if (req == REQ_DOWN || req == REQ_UP || req == REQ_PGDN || req == REQ_PGUP || req == REQ_TOP ||
        req == REQ_BOTTOM || req == REQ_SEARCH || req == REQ_SEARCH_NEXT || req == REQ_SEARCH_PREV)
        q->moved = 1;
    switch (req) {
    case REQ_DOWN: step(q, 1); return 1;
    case REQ_UP: step(q, -1); return 1;
    case REQ_PGDN:
        q->cur = q->cur + (size_t)h < q->nrows ? q->cur + (size_t)h : (q->nrows ? q->nrows - 1 : 0);
        q->top += (size_t)h;
        if (q->top > q->cur) q->top = q->cur;
        return 1;
    case REQ_PGUP:
        q->cur = q->cur > (size_t)h ? q->cur - (size_t)h : 0;
        q->top = q->top > (size_t)h ? q->top - (size_t)h : 0;
        return 1;
    case REQ_TOP: q->cur = 0; return 1;
    case REQ_BOTTOM: q->cur = q->nrows ? q->nrows - 1 : 0; return 1;
    case REQ_ENTER:
        if (q->cur >= q->nrows) return 1;
        if (q->rows[q->cur].kind == ROW_GROUP) fold(q, -1);
        else if ((n = tagged_or_current_row(q, &sel))) {
            /* an incident: its lead alert when the filter shows it, else its first one shown */
            ct_alert *open = sel[0];
            if (q->rows[q->cur].kind != ROW_ALERT)
                for (size_t i = 0; i < n; i++)
                    if (sel[i] == &ui.s.alerts.v[q->inc.v[q->rows[q->cur].inc].lead]) open = sel[i];
            ui_open_alert(open);
        }
        free(sel);
        return 1;
    case REQ_FOLD: fold(q, -1); return 1;
    case REQ_FOLD_ALL: fold_all(q); return 1;
    case REQ_LEFT: fold(q, 1); return 1;
    case REQ_RIGHT: fold(q, 0); return 1;
    case REQ_SORT:
        q->sort = (q->sort + 1) % SORT__COUNT;
        rebuild(q);
        ui_msg(0, "sorted by %s", sort_names[q->sort]);
        return 1;
    case REQ_GROUP:
        q->group = (q->group + 1) % GROUP__COUNT;
        rebuild(q);
        ui_msg(0, "grouped by %s", group_names[q->group]);
        return 1;
    case REQ_FILTER_STATUS: {
        int next = q->status == CT_STATUS_OPEN ? FILTER_ALL
                 : q->status == FILTER_ALL ? CT_STATUS_ACKNOWLEDGED
                 : q->status + 1 >= CT_STATUS__COUNT ? CT_STATUS_OPEN : q->status + 1;
        set_status_filter(q, next);
        ui_msg(0, "status filter: %s", next == FILTER_ALL ? "all" : ui_status_name((ct_status)next));
        return 1;
    }
    case REQ_TAG: {
        if (q->cur >= q->nrows) return 1;
        /* an alert, or every alert of the incident / group (untag when all are tagged) */
        ct_alert **v = ct_xmalloc((ui.s.alerts.n + 1) * sizeof *v);
        size_t k = alerts_under(q, &q->rows[q->cur], v);
        int any_untagged = 0;
        for (size_t i = 0; i < k; i++) any_untagged |= !v[i]->tagged;
        for (size_t i = 0; i < k; i++) {
            q->ntagged += any_untagged && !v[i]->tagged;
            q->ntagged -= !any_untagged && v[i]->tagged;
            v[i]->tagged = any_untagged;
        }
        free(v);
        if (q->rows[q->cur].kind == ROW_ALERT) step(q, 1);
        return 1;
    }
    case REQ_SEARCH:
    case REQ_SEARCH_NEXT:
    case REQ_SEARCH_PREV:
        ui_search_request(req, search, q);
        return 1;
    case REQ_ACK:
    case REQ_REOPEN:
    case REQ_FP:
        n = tagged_or_current(q, &sel);
        if (!n) ui_msg(1, "no alert selected");
        else if (req == REQ_ACK) ui_act_ack(sel, n, NULL);
        else if (req == REQ_REOPEN) ui_act_reopen(sel, n, NULL);
        else ui_act_fp(sel, n);
        if (n && req != REQ_FP) untag_all(q);
        free(sel);
        return 1;
    case REQ_REMEDIATE:
    case REQ_ASSIGN:
    case REQ_NOTE:
        n = tagged_or_current(q, &sel);
        if (!n) ui_msg(1, "no alert selected");
        else if (req == REQ_REMEDIATE) ui_act_remediate(sel, n);
        else if (req == REQ_ASSIGN) ui_act_assign(sel, n, NULL);
        else ui_act_note(sel, n, NULL);
        free(sel);
        return 1;
    default: return 0;
    }
}

static int q_command(ui_view *v, const char *cmd, const char *args)
{
    queue *q = Q(v);
    if (!strcmp(cmd, "sort")) {
        for (int i = 0; i < SORT__COUNT; i++)
            if (!strncasecmp(args, sort_names[i], 3)) {
                q->sort = i;
                rebuild(q);
                ui_msg(0, "sorted by %s", sort_names[i]);
                return 1;
            }
        ui_msg(1, "usage: :sort time|severity|rule|actor");
        return 1;
    }
    if (!strcmp(cmd, "group")) {
        for (int i = 0; i < GROUP__COUNT; i++)
            if (!strncasecmp(args, group_names[i], 3)) {
                q->group = i;
                rebuild(q);
                return 1;
            }
        if (!*args) {
            q->group = (q->group + 1) % GROUP__COUNT;
            rebuild(q);
            return 1;
        }
        ui_msg(1, "usage: :group actor|target|none");
        return 1;
    }
    if (!strcmp(cmd, "filter") || !strcmp(cmd, "status")) {
        ui_queue_filter_cmd(q, cmd, args);
        rebuild(q);
        return 1;
    }
    if (!strcmp(cmd, "ack") || !strcmp(cmd, "reopen")) {
        ct_alert **sel;
        size_t n = tagged_or_current(q, &sel);
        if (!n) ui_msg(1, "no alert selected");
        else if (!strcmp(cmd, "ack")) ui_act_ack(sel, n, *args ? args : NULL);
        else ui_act_reopen(sel, n, *args ? args : NULL);
        if (n) untag_all(q);
        free(sel);
        return 1;
    }
    if (!strcmp(cmd, "assign") || !strcmp(cmd, "unassign") || !strcmp(cmd, "note")) {
        ct_alert **sel;
        size_t n = tagged_or_current(q, &sel);
        if (!n) ui_msg(1, "no alert selected");
        else if (!strcmp(cmd, "note")) ui_act_note(sel, n, *args ? args : NULL);
        else ui_act_assign(sel, n, ui_assign_arg(cmd, args));
        free(sel);
        return 1;
    }
    if (!strcmp(cmd, "untag")) {
        untag_all(q);
        return 1;
    }
    if (!strcmp(cmd, "goto") || !strcmp(cmd, "open")) {
        ct_alert *a = ct_alerts_find(&ui.s.alerts, args);
        if (!a) ui_msg(1, "no alert %s (a unique id prefix of at least 4 digits)", args);
        else {
            for (size_t r = 0; r < q->nrows; r++)
                if (q->rows[r].kind == ROW_ALERT && &ui.s.alerts.v[q->rows[r].alert] == a) q->cur = r;
            if (!strcmp(cmd, "open")) ui_open_alert(a);
        }
        return 1;
    }
    return 0;
}

static void q_refresh(ui_view *v)
{
    queue *q = Q(v);
    free(q->corr);
    q->corr = NULL;
    q->ncorr = 0;
    ui_queue_free_wide(q); /* decisions change the assignee, :window the usage */
    rebuild(q);
}

void ui_queue_rebuild(ui_view *v)
{
    rebuild(Q(v));
}

static void q_close(ui_view *v)
{
    queue *q = v->priv;
    if (!q) return;
    ui_queue_incidents_stop(); /* the session goes next: no thread may read it */
    if (q->inc_built) ct_incidents_free(&q->inc);
    for (size_t i = 0; i < q->nfolded; i++) free(q->folded[i]);
    free(q->folded);
    ui_queue_free_wide(q);
    ui_queue_free_order(q);
    ui_queue_wide_index_free();
    free(q->rowbuf);
    free(q->corr);
    free(q->rule);
    free(q->text);
    free(q);
}

static void q_init(ui_view *v)
{
    queue *q = ct_xcalloc(1, sizeof *q);
    q->status = CT_STATUS_OPEN;
    q->sort = SORT_SCORE;
    q->group = GROUP_INCIDENT;
    v->priv = q;
    rebuild(q);
}

static long q_event(ui_view *v)
{
    queue *q = Q(v);
    if (q->cur >= q->nrows) return -1;
    const qrow *r = &q->rows[q->cur];
    if (r->kind == ROW_GROUP) return -1;
    return (long)ui.s.alerts.v[r->kind == ROW_ALERT ? r->alert : q->inc.v[r->inc].lead].event;
}

static void q_text(ui_view *v, ct_sbuf *out)
{
    queue *q = Q(v);
    ui_queue_text(q, out);
}

const ct_view_ops ui_queue_ops = {
    .name = "queue",
    .scope = UI_SCOPE_QUEUE | UI_SCOPE_LIST,
    .draw = q_draw,
    .request = q_request,
    .command = q_command,
    .title = q_title,
    .close = q_close,
    .reload = q_refresh,
    .event = q_event,
    .text = q_text,
};
