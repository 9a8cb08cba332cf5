/* view_queue: the alert queue — one line per alert (time, severity, status,
 * correlated events, rule, actor, target); sort, status/severity/rule/text
 * filters, search, grouping by actor or target, tags for bulk actions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sanitize.h"
#include "ui_int.h"

enum { SORT_TIME, SORT_SEV, SORT_RULE, SORT_ACTOR, SORT__COUNT };
static const char *sort_names[] = {"time", "severity", "rule", "actor"};
enum { GROUP_NONE, GROUP_ACTOR, GROUP_TARGET, GROUP__COUNT };
static const char *group_names[] = {"none", "actor", "target"};
#define FILTER_ALL (-1)

typedef struct qrow {
    int header;
    size_t alert;       /* alert index; for a header, the first alert of the group */
    const char *label;  /* header: the actor / target */
    size_t count;
} qrow;

typedef struct queue {
    qrow *rows;
    size_t nrows;
    ui_text dummy;
    size_t cur, top;
    int sort, group;
    int status;         /* ct_status or FILTER_ALL */
    int min_sev;
    char *rule, *text;
    size_t *corr;       /* cached ct_corr_count per alert, SIZE_MAX = not yet */
    size_t ncorr;
    size_t ntagged;
    char cur_id[17];    /* the alert under the cursor at the last draw: alerts
                         * are re-sorted when a progressive load ends */
} queue;

static void q_init(ui_view *v);
static queue *Q(ui_view *v)
{
    if (!v->priv) q_init(v);
    return v->priv;
}

static const char *actor_of(size_t i) { return ui_alert_actor(&ui.s.alerts.v[i]); }
static const char *target_of(size_t i) { return ui_alert_target(&ui.s.alerts.v[i]); }

static int cmpstr(const char *a, const char *b)
{
    if (!a) a = "";
    if (!b) b = "";
    return strcasecmp(a, b);
}

static queue *sort_q;
static int cmp_alerts(size_t ia, size_t ib)
{
    const ct_alert *a = &ui.s.alerts.v[ia], *b = &ui.s.alerts.v[ib];
    int c = 0;
    if (sort_q->group == GROUP_ACTOR) c = cmpstr(actor_of(ia), actor_of(ib));
    else if (sort_q->group == GROUP_TARGET) c = cmpstr(target_of(ia), target_of(ib));
    if (c) return c;
    switch (sort_q->sort) {
    case SORT_SEV: c = ui_sev_rank(b->severity) - ui_sev_rank(a->severity); break;
    case SORT_RULE: c = cmpstr(a->rule_name, b->rule_name); break;
    case SORT_ACTOR: c = cmpstr(actor_of(ia), actor_of(ib)); break;
    default: break;
    }
    if (c) return c;
    if (a->ts != b->ts) return a->ts > b->ts ? -1 : 1; /* newest first */
    return strcmp(a->id, b->id);
}

static int cmp_idx(const void *x, const void *y)
{
    return cmp_alerts(*(const size_t *)x, *(const size_t *)y);
}

static int ci_has(const char *hay, const char *needle)
{
    if (!needle || !*needle) return 1;
    if (!hay) return 0;
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (ct_strncaseeq(hay, needle, n)) return 1;
    return 0;
}

static int alert_matches_text(size_t i, const char *t)
{
    const ct_alert *a = &ui.s.alerts.v[i];
    return ci_has(a->rule_name, t) || ci_has(a->rule_id, t) || ci_has(actor_of(i), t) ||
           ci_has(target_of(i), t) || ci_has(a->id, t) || ci_has(a->severity, t) ||
           ci_has(ui_status_name(a->status), t);
}

static int visible(queue *q, size_t i)
{
    const ct_alert *a = &ui.s.alerts.v[i];
    if (q->status != FILTER_ALL && (int)a->status != q->status) return 0;
    if (q->min_sev && ui_sev_rank(a->severity) < q->min_sev) return 0;
    if (q->rule && !ci_has(a->rule_name, q->rule) && !ci_has(a->rule_id, q->rule)) return 0;
    if (q->text && !alert_matches_text(i, q->text)) return 0;
    return 1;
}

static void rebuild(queue *q)
{
    size_t old_cur = q->cur;
    size_t n = ui.s.alerts.n, nv = 0;
    size_t *idx = ct_xmalloc((n ? n : 1) * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        if (visible(q, i)) idx[nv++] = i;
    sort_q = q;
    qsort(idx, nv, sizeof *idx, cmp_idx);
    free(q->rows);
    q->rows = ct_xmalloc((2 * nv + 1) * sizeof *q->rows);
    q->nrows = 0;
    for (size_t k = 0; k < nv; k++) {
        if (q->group) {
            const char *g = q->group == GROUP_ACTOR ? actor_of(idx[k]) : target_of(idx[k]);
            const char *pg = k ? (q->group == GROUP_ACTOR ? actor_of(idx[k - 1]) : target_of(idx[k - 1])) : NULL;
            if (!k || cmpstr(g, pg)) {
                qrow *h = &q->rows[q->nrows++];
                h->header = 1;
                h->alert = idx[k];
                h->label = g ? g : "(unknown)";
                h->count = 0;
                for (size_t m = k; m < nv; m++) {
                    const char *gm = q->group == GROUP_ACTOR ? actor_of(idx[m]) : target_of(idx[m]);
                    if (cmpstr(gm, g)) break;
                    h->count++;
                }
            }
        }
        qrow *r = &q->rows[q->nrows++];
        r->header = 0;
        r->alert = idx[k];
        r->label = NULL;
        r->count = 0;
    }
    free(idx);
    /* stay on the same alert; if it left the filter (acknowledged, closed), on the same row */
    q->cur = old_cur < q->nrows ? old_cur : (q->nrows ? q->nrows - 1 : 0);
    for (size_t r = 0; q->cur_id[0] && r < q->nrows; r++)
        if (!q->rows[r].header && !strcmp(ui.s.alerts.v[q->rows[r].alert].id, q->cur_id)) {
            q->cur = r;
            break;
        }
    if (q->nrows && q->cur < q->nrows && q->rows[q->cur].header && q->cur + 1 < q->nrows) q->cur++;
    q->ntagged = 0;
    for (size_t i = 0; i < n; i++)
        if (ui.s.alerts.v[i].tagged) q->ntagged++;
}

static size_t corr_count(queue *q, size_t i)
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
    size_t shown = 0;
    for (size_t r = 0; r < q->nrows; r++) shown += !q->rows[r].header;
    ct_sbuf_addf(out, "Alert queue [%s] %zu of %zu", q->status == FILTER_ALL ? "all" : ui_status_name((ct_status)q->status),
                 shown, ui.s.alerts.n);
    if (q->ntagged) ct_sbuf_addf(out, ", %zu tagged", q->ntagged);
    ct_sbuf_addf(out, "  sort:%s", sort_names[q->sort]);
    if (q->group) ct_sbuf_addf(out, " group:%s", group_names[q->group]);
    if (q->min_sev) ct_sbuf_addf(out, " sev>=%s", ui_sev_label(q->min_sev == 4 ? "critical" : q->min_sev == 3 ? "high" : q->min_sev == 2 ? "medium" : "low"));
    if (q->rule) ct_sbuf_addf(out, " rule~%s", q->rule);
    if (q->text) ct_sbuf_addf(out, " text~%s", q->text);
}

static void q_draw(ui_view *v, int y, int h, int w)
{
    queue *q = Q(v);
    int full = w >= 110;
    int tw = full ? 19 : 11;
    int fixed = 2 + tw + 1 + 4 + 1 + 4 + 1 + 4 + 1;
    int rest = w - fixed;
    int rw = rest * (full ? 35 : 40) / 100, aw = rest * (full ? 25 : 30) / 100, gw = rest - rw - aw - 2;
    /* column header */
    int hx = 2;
    int ha = UI_BOLD | UI_UL;
    ui_fill(y, 0, w, 0);
    hx += ui_put(y, hx, tw + 1, "time", ha, 1);
    hx += ui_put(y, hx, 5, "sev", ha, 1);
    hx += ui_put(y, hx, 5, "stat", ha, 1);
    hx += ui_put(y, hx, 5, "corr", ha, 1);
    hx += ui_put(y, hx, rw + 1, "rule", ha, 1);
    hx += ui_put(y, hx, aw + 1, "actor", ha, 1);
    ui_put(y, hx, gw, "target", ha, 1);
    y++;
    h--;
    if (h < 1) return;
    if (!q->nrows) {
        q->cur_id[0] = 0;
        ui_put(y + 1, 2, w - 4,
               ui.loading ? "No alerts yet: they appear here as the files load."
               : q->status == CT_STATUS_OPEN ? "No open alerts. F cycles the status filter, :filter clear resets the others."
                                             : "No alerts match the filter. :filter clear resets it.",
               0, 0);
        return;
    }
    if (q->cur >= q->nrows) q->cur = q->nrows - 1;
    if (!q->rows[q->cur].header) memcpy(q->cur_id, ui.s.alerts.v[q->rows[q->cur].alert].id, sizeof q->cur_id);
    /* a filter that shrank the list after G left top past its end: fill the
     * screen first (never blank rows above the last), then keep cur visible */
    if (q->top + (size_t)h > q->nrows) q->top = q->nrows > (size_t)h ? q->nrows - (size_t)h : 0;
    if (q->cur < q->top) q->top = q->cur;
    if (q->cur >= q->top + (size_t)h) q->top = q->cur - (size_t)h + 1;
    for (int r = 0; r < h; r++) {
        size_t ri = q->top + (size_t)r;
        if (ri >= q->nrows) break;
        qrow *row = &q->rows[ri];
        int sel = ri == q->cur;
        int base = sel ? UI_REV : 0;
        if (sel) ui_fill(y + r, 0, w, UI_REV);
        if (row->header) {
            char buf[64];
            ct_sbuf b;
            ct_sbuf_init(&b);
            snprintf(buf, sizeof buf, "%s ", ui.utf8 ? "\u25b8" : ">");
            ct_sbuf_add(&b, buf);
            ct_sbuf_addf(&b, "%s: ", group_names[q->group]);
            ct_sbuf_add(&b, row->label);
            ct_sbuf_addf(&b, "  (%zu)", row->count);
            ui_put(y + r, 0, w, b.buf, base | UI_BOLD | UI_COLOR(UI_C_HEAD), 0);
            ct_sbuf_free(&b);
            continue;
        }
        ct_alert *a = &ui.s.alerts.v[row->alert];
        char t[32], cnt[16];
        int x = 0;
        x += ui_put(y + r, x, 2, a->tagged ? "*" : " ", base | UI_BOLD, 1);
        ui_fmt_time(a->ts, full, t);
        x += ui_put(y + r, x, tw + 1, t, base, 1);
        x += ui_put(y + r, x, 4, ui_sev_label(a->severity), base | ui_sev_attr(a->severity), 1);
        x += ui_put(y + r, x, 1, " ", base, 1);
        x += ui_put(y + r, x, 5, ui_status_short(a->status),
                    base | (a->status == CT_STATUS_OPEN ? UI_BOLD : UI_DIM), 1);
        size_t cc = corr_count(q, row->alert);
        /* four columns: 9999, then 12k, 999k, 12M; "-" until the index is built */
        if (!ui.s.corr) snprintf(cnt, sizeof cnt, "   - ");
        else if (cc < 10000) snprintf(cnt, sizeof cnt, "%4zu ", cc);
        else if (cc < 1000000) snprintf(cnt, sizeof cnt, "%3zuk ", cc / 1000);
        else snprintf(cnt, sizeof cnt, "%3zuM ", cc / 1000000 > 999 ? (size_t)999 : cc / 1000000);
        x += ui_put(y + r, x, 5, cnt, base, 1);
        x += ui_put(y + r, x, rw, a->rule_name ? a->rule_name : a->rule_id, base, 1);
        x += ui_put(y + r, x, 1, " ", base, 1);
        x += ui_put(y + r, x, aw, actor_of(row->alert), base, 1);
        x += ui_put(y + r, x, 1, " ", base, 1);
        ui_put(y + r, x, gw, target_of(row->alert), base, 0);
    }
}

static size_t tagged_or_current(queue *q, ct_alert ***out)
{
    size_t n = 0;
    ct_alert **v = ct_xmalloc((ui.s.alerts.n + 1) * sizeof *v);
    for (size_t r = 0; r < q->nrows; r++)
        if (!q->rows[r].header && ui.s.alerts.v[q->rows[r].alert].tagged)
            v[n++] = &ui.s.alerts.v[q->rows[r].alert];
    if (!n && q->cur < q->nrows && !q->rows[q->cur].header) v[n++] = &ui.s.alerts.v[q->rows[q->cur].alert];
    *out = v;
    return n;
}

static void untag_all(queue *q)
{
    for (size_t i = 0; i < ui.s.alerts.n; i++) ui.s.alerts.v[i].tagged = 0;
    q->ntagged = 0;
}

static int alert_matches_search(size_t i)
{
    const ct_alert *a = &ui.s.alerts.v[i];
    const char *f[] = {a->rule_name, a->rule_id, actor_of(i), target_of(i), a->id, a->severity,
                       ui_status_name(a->status)};
    for (size_t k = 0; k < CT_ARRAY_LEN(f); k++)
        if (ui_search_match(f[k], NULL, NULL)) return 1;
    return 0;
}

/* ui_search_fn: the next alert row matching the search */
static int search(void *ctx, int dir)
{
    queue *q = ctx;
    if (!q->nrows) return 0;
    for (size_t k = 1; k <= q->nrows; k++) {
        size_t r = dir > 0 ? (q->cur + k) % q->nrows : (q->cur + q->nrows - k % q->nrows) % q->nrows;
        if (q->rows[r].header) continue;
        if (alert_matches_search(q->rows[r].alert)) {
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

static int q_request(ui_view *v, enum ui_req req)
{
    queue *q = Q(v);
    int h = v->h - 1 > 0 ? v->h - 1 : 1;
    ct_alert **sel = NULL;
    size_t n;
    switch (req) {
    case REQ_DOWN: if (q->cur + 1 < q->nrows) q->cur++; return 1;
    case REQ_UP: if (q->cur) q->cur--; return 1;
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
        if (q->cur < q->nrows && !q->rows[q->cur].header) ui_open_alert(&ui.s.alerts.v[q->rows[q->cur].alert]);
        return 1;
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
    case REQ_TAG:
        if (q->cur >= q->nrows) return 1;
        if (q->rows[q->cur].header) {
            /* tag (or untag) the whole group */
            int any_untagged = 0;
            for (size_t r = q->cur + 1; r < q->nrows && !q->rows[r].header; r++)
                any_untagged |= !ui.s.alerts.v[q->rows[r].alert].tagged;
            for (size_t r = q->cur + 1; r < q->nrows && !q->rows[r].header; r++) {
                ct_alert *a = &ui.s.alerts.v[q->rows[r].alert];
                q->ntagged += any_untagged && !a->tagged;
                q->ntagged -= !any_untagged && a->tagged;
                a->tagged = any_untagged;
            }
        } else {
            ct_alert *a = &ui.s.alerts.v[q->rows[q->cur].alert];
            a->tagged = !a->tagged;
            if (a->tagged) q->ntagged++;
            else q->ntagged--;
        }
        if (q->cur + 1 < q->nrows) q->cur++;
        return 1;
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
        if (q->cur < q->nrows && !q->rows[q->cur].header) ui_act_remediate(&ui.s.alerts.v[q->rows[q->cur].alert]);
        return 1;
    default: return 0;
    }
}

static int parse_sev(const char *s)
{
    if (!strncasecmp(s, "crit", 4)) return 4;
    if (!strncasecmp(s, "high", 4)) return 3;
    if (!strncasecmp(s, "med", 3)) return 2;
    if (!strncasecmp(s, "low", 3)) return 1;
    return -1;
}

/* Space-separated tokens; double quotes group ("rule=Entra ID" or rule="Entra ID"). */
static char *next_token(char *s, char **save)
{
    char *p = s ? s : *save;
    while (*p == ' ') p++;
    if (!*p) return NULL;
    char *tok = p, *out = p;
    int q = 0;
    for (; *p && (q || *p != ' '); p++) {
        if (*p == '"') q = !q;
        else *out++ = *p;
    }
    *save = *p ? p + 1 : p;
    *out = 0;
    return tok;
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
        if (!*args || !strcmp(args, "clear") || !strcmp(args, "reset")) {
            q->status = CT_STATUS_OPEN;
            q->min_sev = 0;
            free(q->rule);
            free(q->text);
            q->rule = q->text = NULL;
            rebuild(q);
            ui_msg(0, "filter: open alerts");
            return 1;
        }
        char *copy = ct_xstrdup(args), *save = NULL;
        ct_sbuf text;
        ct_sbuf_init(&text);
        int bad = 0;
        (void)save;
        for (char *tok = next_token(copy, &save); tok; tok = next_token(NULL, &save)) {
            char *eq = strchr(tok, '=');
            const char *val = eq ? eq + 1 : tok;
            size_t kl = eq ? (size_t)(eq - tok) : 0;
            if (eq && kl && tok[kl - 1] == '>') kl--;
            ct_status st;
            if (!strcmp(cmd, "status") || (eq && !strncmp(tok, "status", kl) && kl)) {
                if (!strcmp(val, "all")) q->status = FILTER_ALL;
                else if (ct_status_parse(val, &st) == 0) q->status = (int)st;
                else if (!strcmp(val, "fp")) q->status = CT_STATUS_FALSE_POSITIVE;
                else bad = 1;
            } else if (eq && kl && (!strncmp(tok, "severity", kl) || !strncmp(tok, "sev", kl))) {
                int s = !strcmp(val, "any") ? 0 : parse_sev(val);
                if (s < 0) bad = 1;
                else q->min_sev = s;
            } else if (eq && kl && !strncmp(tok, "rule", kl)) {
                free(q->rule);
                q->rule = *val ? ct_xstrdup(val) : NULL;
            } else if (eq && kl && !strncmp(tok, "text", kl)) {
                if (text.len) ct_sbuf_addc(&text, ' ');
                ct_sbuf_add(&text, val);
            } else {
                if (text.len) ct_sbuf_addc(&text, ' ');
                ct_sbuf_add(&text, tok);
            }
        }
        if (text.len) {
            free(q->text);
            q->text = ct_sbuf_detach(&text);
        }
        ct_sbuf_free(&text);
        free(copy);
        if (bad) ui_msg(1, "usage: :filter [status=open|all|acknowledged|false_positive|remediated|suppressed] [sev=high] [rule=TEXT] [TEXT] | clear");
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
    if (!strcmp(cmd, "untag")) {
        untag_all(q);
        return 1;
    }
    if (!strcmp(cmd, "goto") || !strcmp(cmd, "open")) {
        ct_alert *a = ct_alerts_find(&ui.s.alerts, args);
        if (!a) ui_msg(1, "no alert %s (a unique id prefix of at least 4 digits)", args);
        else {
            for (size_t r = 0; r < q->nrows; r++)
                if (!q->rows[r].header && &ui.s.alerts.v[q->rows[r].alert] == a) q->cur = r;
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
    rebuild(q);
}

static void q_close(ui_view *v)
{
    queue *q = v->priv;
    if (!q) return;
    free(q->rows);
    free(q->corr);
    free(q->rule);
    free(q->text);
    free(q);
}

static void q_init(ui_view *v)
{
    queue *q = ct_xcalloc(1, sizeof *q);
    q->status = CT_STATUS_OPEN;
    v->priv = q;
    rebuild(q);
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
};
