/* queue_filter: which alerts the queue shows and in which order — the filters
 * (status, severity, rule, text; :filter and :status parse here), the sort keys
 * of alerts and incidents, and what / matches. view_queue.c builds the rows
 * from them; nothing here knows about rows being drawn. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sanitize.h"
#include "queue_int.h"

const char *ui_queue_actor(size_t i) { return ui_alert_actor(&ui.s.alerts.v[i]); }
const char *ui_queue_target(size_t i) { return ui_alert_target(&ui.s.alerts.v[i]); }

const char *ui_queue_row_label(const queue *q, const qrow *r)
{
    const char *g = q->group == GROUP_ACTOR ? ui_queue_actor(r->alert) : ui_queue_target(r->alert);
    return g ? g : "(unknown)";
}

int ui_queue_cmpstr(const char *a, const char *b)
{
    if (!a) a = "";
    if (!b) b = "";
    return strcasecmp(a, b);
}
#define cmpstr ui_queue_cmpstr

const ct_incident *ui_queue_inc_of(queue *q, size_t alert)
{
    return q->inc_built && alert < q->inc.nalerts ? ct_incidents_of_alert(&q->inc, alert) : NULL;
}

static int inc_score(queue *q, size_t alert)
{
    const ct_incident *in = ui_queue_inc_of(q, alert);
    return in ? in->score : 0;
}

/* ---- sort: qsort has no context, the queue being sorted is kept here ---- */
static queue *sort_q;
static int cmp_alerts(size_t ia, size_t ib)
{
    const ct_alert *a = &ui.s.alerts.v[ia], *b = &ui.s.alerts.v[ib];
    int c = 0;
    if (sort_q->group == GROUP_ACTOR) c = cmpstr(ui_queue_actor(ia), ui_queue_actor(ib));
    else if (sort_q->group == GROUP_TARGET) c = cmpstr(ui_queue_target(ia), ui_queue_target(ib));
    if (c) return c;
    switch (sort_q->sort) {
    case SORT_SCORE: c = inc_score(sort_q, ib) - inc_score(sort_q, ia); break;
    case SORT_SEV: c = ui_sev_rank(b->severity) - ui_sev_rank(a->severity); break;
    case SORT_RULE: c = cmpstr(a->rule_name, b->rule_name); break;
    case SORT_ACTOR: c = cmpstr(ui_queue_actor(ia), ui_queue_actor(ib)); break;
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

/* incidents: by score (the core's order), or by time, severity, rule, actor of the lead */
static int cmp_inc(const void *x, const void *y)
{
    size_t ia = *(const size_t *)x, ib = *(const size_t *)y;
    const ct_incident *a = &sort_q->inc.v[ia], *b = &sort_q->inc.v[ib];
    int c = 0;
    switch (sort_q->sort) {
    case SORT_TIME: c = a->last_ts == b->last_ts ? 0 : a->last_ts > b->last_ts ? -1 : 1; break;
    case SORT_SEV: c = ui_sev_rank(b->severity) - ui_sev_rank(a->severity); break;
    case SORT_RULE: c = cmpstr(ui.s.alerts.v[a->lead].rule_name, ui.s.alerts.v[b->lead].rule_name); break;
    case SORT_ACTOR: c = cmpstr(ui_queue_actor(a->lead), ui_queue_actor(b->lead)); break;
    default: break;
    }
    if (c) return c;
    return ia < ib ? -1 : ia > ib; /* the core's order: score, newest, id */
}

/* ---- the order of every alert, kept from one rebuild to the next ----
 * While loading, each step's alerts are published and the rows rebuilt: a
 * sort of all of them (230k) on every step held keys up to 0.8 s. The queue
 * keeps its order as the alerts' seqs, which stay with an alert when the
 * session merges new ones in (the indexes move), sorts only the alerts it has
 * not seen and merges them in: O(new log new + n) a step. The order is
 * total (ids last), so the result is the full sort's. */
static const uint32_t *sort_pos; /* seq -> alert index */
#define NO_POS UINT32_MAX

static int cmp_seq(const void *x, const void *y)
{
    return cmp_alerts(sort_pos[*(const uint32_t *)x], sort_pos[*(const uint32_t *)y]);
}

static unsigned order_key_inc(queue *q)
{
    /* scores come from the incidents: their generation is part of the key */
    return q->sort == SORT_SCORE && q->inc_built ? q->inc_gen + 1 : 0;
}

/* Newest first (then by id): the session keeps its list by time, then id, so
 * this order is its runs of equal times taken from the last: no sort at all.
 * 0 when the list is not in that order. */
static size_t by_time(queue *q, size_t *idx)
{
    const ct_alerts *al = &ui.s.alerts;
    size_t n = al->n, nv = 0;
    for (size_t i = 1; i < n; i++) {
        const ct_alert *a = &al->v[i - 1], *b = &al->v[i];
        if (a->ts > b->ts || (a->ts == b->ts && strcmp(a->id, b->id) > 0)) return SIZE_MAX;
    }
    for (size_t end = n; end > 0;) {
        size_t start = end - 1;
        while (start > 0 && al->v[start - 1].ts == al->v[end - 1].ts) start--;
        for (size_t i = start; i < end; i++)
            if (ui_queue_visible(q, i)) idx[nv++] = i;
        end = start;
    }
    return nv;
}

size_t ui_queue_ordered(queue *q, size_t *idx)
{
    const ct_alerts *al = &ui.s.alerts;
    size_t n = al->n, nv = 0;
    uint32_t ns = al->nseq;
    sort_q = q;
    /* the order while loading, and the flat list's default: no score yet */
    if (q->group != GROUP_ACTOR && q->group != GROUP_TARGET &&
        (q->sort == SORT_TIME || (q->sort == SORT_SCORE && !q->inc_built))) {
        nv = by_time(q, idx);
        if (nv != SIZE_MAX) return nv;
        nv = 0;
    }
    uint32_t *pos = ct_xrealloc(q->pos, (ns ? ns : 1) * sizeof *pos);
    q->pos = pos;
    memset(pos, 0xff, (size_t)ns * sizeof *pos);
    int ok = n < NO_POS;
    for (size_t i = 0; i < n && ok; i++) {
        uint32_t sq = al->v[i].seq;
        if (sq >= ns || pos[sq] != NO_POS) ok = 0; /* not numbered: sort them all */
        else pos[sq] = (uint32_t)i;
    }
    if (!ok) {
        q->ord_ok = 0;
        for (size_t i = 0; i < n; i++)
            if (ui_queue_visible(q, i)) idx[nv++] = i;
        qsort(idx, nv, sizeof *idx, cmp_idx);
        return nv;
    }
    sort_pos = pos;
    int same = q->ord_ok && q->ord_sort == q->sort && q->ord_group == q->group &&
               q->ord_inc == order_key_inc(q) && ns >= q->ord_nseq;
    uint32_t from = same ? q->ord_nseq : 0;
    size_t nold = same ? q->nord : 0, nf = 0, m = 0;
    uint32_t *fresh = ct_xmalloc(((size_t)(ns - from) + 1) * sizeof *fresh);
    for (uint32_t sq = from; sq < ns; sq++)
        if (pos[sq] != NO_POS) fresh[nf++] = sq;
    qsort(fresh, nf, sizeof *fresh, cmp_seq);
    uint32_t *ord = ct_xmalloc((nold + nf + 1) * sizeof *ord);
    size_t i = 0, j = 0;
    while (i < nold || j < nf) {
        if (i < nold && pos[q->ord[i]] == NO_POS) { /* gone (merged into another) */
            i++;
            continue;
        }
        if (j >= nf || (i < nold && cmp_seq(&q->ord[i], &fresh[j]) <= 0)) ord[m++] = q->ord[i++];
        else ord[m++] = fresh[j++];
    }
    free(fresh);
    free(q->ord);
    q->ord = ord;
    q->nord = m;
    q->ord_nseq = ns;
    q->ord_sort = q->sort;
    q->ord_group = q->group;
    q->ord_inc = order_key_inc(q);
    q->ord_ok = 1;
    for (size_t k = 0; k < m; k++)
        if (ui_queue_visible(q, pos[ord[k]])) idx[nv++] = pos[ord[k]];
    return nv;
}

void ui_queue_free_order(queue *q)
{
    free(q->ord);
    free(q->pos);
    q->ord = q->pos = NULL;
    q->nord = 0;
    q->ord_ok = 0;
}

void ui_queue_sort_incidents(queue *q, size_t *order, size_t n)
{
    sort_q = q;
    if (q->sort == SORT_SCORE) return; /* the core's order, which order keeps (no sort of 200k) */
    qsort(order, n, sizeof *order, cmp_inc);
}

/* ---- filters ---- */
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
    return ci_has(a->rule_name, t) || ci_has(a->rule_id, t) || ci_has(ui_queue_actor(i), t) ||
           ci_has(ui_queue_target(i), t) || ci_has(a->id, t) || ci_has(a->severity, t) ||
           ci_has(ui_status_name(a->status), t);
}

int ui_queue_visible(queue *q, size_t i)
{
    const ct_alert *a = &ui.s.alerts.v[i];
    if (q->status != FILTER_ALL && (int)a->status != q->status) return 0;
    if (q->min_sev && ui_sev_rank(a->severity) < q->min_sev) return 0;
    if (q->rule && !ci_has(a->rule_name, q->rule) && !ci_has(a->rule_id, q->rule)) return 0;
    if (q->text && !alert_matches_text(i, q->text)) return 0;
    return 1;
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

/* :filter ARGS and :status ARGS set the queue's filters (the caller rebuilds) */
void ui_queue_filter_cmd(queue *q, const char *cmd, const char *args)
{
    if (!*args || !strcmp(args, "clear") || !strcmp(args, "reset")) {
        q->status = CT_STATUS_OPEN;
        q->min_sev = 0;
        free(q->rule);
        free(q->text);
        q->rule = q->text = NULL;
        ui_msg(0, "filter: open alerts");
        return;
    }
    char *copy = ct_xstrdup(args), *save = NULL;
    ct_sbuf text;
    ct_sbuf_init(&text);
    int bad = 0;
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
}

/* ---- search: an alert's fields, an incident's id and reasons ---- */
static int alert_matches_search(size_t i)
{
    const ct_alert *a = &ui.s.alerts.v[i];
    const char *f[] = {a->rule_name, a->rule_id, ui_queue_actor(i), ui_queue_target(i), a->id, a->severity,
                       ui_status_name(a->status)};
    for (size_t k = 0; k < CT_ARRAY_LEN(f); k++)
        if (ui_search_match(f[k], NULL, NULL)) return 1;
    return 0;
}

int ui_queue_row_matches_search(queue *q, const qrow *r)
{
    if (r->kind == ROW_ALERT) return alert_matches_search(r->alert);
    if (r->kind == ROW_INC) {
        const ct_incident *in = &q->inc.v[r->inc];
        if (ui_search_match(in->id, NULL, NULL)) return 1;
        for (size_t k = 0; k < in->nreasons; k++)
            if (ui_search_match(in->reasons[k].text, NULL, NULL)) return 1;
        if (r->folded) /* its alerts are hidden: find them through the header */
            for (size_t j = 0; j < in->nalerts; j++)
                if (alert_matches_search(in->alerts[j])) return 1;
    }
    if (r->kind == ROW_GROUP) return ui_search_match(ui_queue_row_label(q, r), NULL, NULL);
    return 0;
}
