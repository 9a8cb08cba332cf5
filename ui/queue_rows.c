/* queue_rows: the queue's list by time (newest first, one time's alerts by
 * id), the order while loading. After a load step its rows are made again
 * only from the first alert that changed on: a step costs the rows of its
 * alerts (and of those it moved), not of every alert (230k). Below
 * view_queue.c (rows, folding, requests). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "queue_int.h"

int ui_queue_flat_view(queue *q)
{
    return !q->inc_built && q->group != GROUP_ACTOR && q->group != GROUP_TARGET &&
           (q->sort == SORT_TIME || q->sort == SORT_SCORE);
}

/* the session's list is in order (time, then id) over [from, n) */
int ui_queue_in_order(size_t from)
{
    const ct_alerts *al = &ui.s.alerts;
    for (size_t i = from + 1; i < al->n; i++) {
        const ct_alert *a = &al->v[i - 1], *b = &al->v[i];
        if (a->ts > b->ts || (a->ts == b->ts && strcmp(a->id, b->id) > 0)) return 0;
    }
    return 1;
}

/* Rows [0, r) give way to the rows of alerts [start, n) the filters keep;
 * rows [r, nrows) stay where they are in the buffer (start begins a time, so
 * the rows of the alerts from it on are the first ones). The new rows are
 * written backwards in front of the kept ones, into room left there. */
void ui_queue_flat_splice(queue *q, size_t start, size_t r)
{
    const ct_alerts *al = &ui.s.alerts;
    size_t n = al->n, keep = q->nrows - r, most = n - start, tail = q->rowoff + r;
    if (!q->flat) keep = 0, tail = q->rowcap; /* rows of another kind: none kept */
    if ((tail < most || !q->rowbuf) && q->rowbuf && q->rowcap - keep >= most) {
        memmove(q->rowbuf + q->rowcap - keep, q->rows + r, keep * sizeof *q->rows); /* room enough behind */
        tail = q->rowcap - keep;
    } else if (tail < most || !q->rowbuf) {
        size_t cap = 2 * (keep + most) + 1024;
        qrow *nb = ct_xmalloc(cap * sizeof *nb);
        if (keep) memcpy(nb + cap - keep, q->rows + r, keep * sizeof *nb);
        free(q->rowbuf);
        q->rowbuf = nb;
        q->rowcap = cap;
        tail = cap - keep;
    }
    size_t w = tail;
    for (size_t s = start; s < n;) {
        size_t e = s + 1;
        while (e < n && al->v[e].ts == al->v[s].ts) e++;
        for (size_t i = e; i-- > s;)
            if (ui_queue_visible(q, i)) q->rowbuf[--w] = (qrow){.kind = ROW_ALERT, .alert = (uint32_t)i};
        s = e;
    }
    q->rowoff = w;
    q->rows = q->rowbuf + w;
    q->nrows = tail - w + keep;
    q->nshown = q->nrows;
    q->nincs = 0;
    q->flat = 1;
}


/* $CREDTRIAGE_CHECK_ROWS (tests): after each load step, the rows made again
 * only in part must be those of the whole list (ui_queue_ordered's order),
 * the cursor on the alert it was on; traced as rows-check ok / FAIL */
static int check_rows = -1;
static void check_flat(queue *q)
{
    size_t n = ui.s.alerts.n, *idx = ct_xmalloc((n ? n : 1) * sizeof *idx), nv = ui_queue_ordered(q, idx), bad = SIZE_MAX;
    for (size_t r = 0; r < nv && r < q->nrows && bad == SIZE_MAX; r++)
        if (q->rows[r].kind != ROW_ALERT || q->rows[r].alert != idx[r]) bad = r;
    if (nv != q->nrows && bad == SIZE_MAX) bad = nv < q->nrows ? nv : q->nrows;
    int cur_ok = 1, shown = 0; /* an alert that left the list: any row will do */
    for (size_t k = 0; q->moved && q->cur_id[0] && k < nv && !shown; k++)
        shown = !strcmp(ui.s.alerts.v[idx[k]].id, q->cur_id);
    if (shown) cur_ok = q->cur < q->nrows && !strcmp(ui.s.alerts.v[q->rows[q->cur].alert].id, q->cur_id);
    if (bad == SIZE_MAX && cur_ok) ui_trace("rows-check ok %zu rows", q->nrows);
    else ui_trace("rows-check FAIL at row %zu of %zu (%zu expected)%s", bad, q->nrows, nv, cur_ok ? "" : ", cursor moved off its alert");
    free(idx);
}

/* The rows after a load step, made again only from the time of the first
 * alert that changed (the session's changed_from) on: 0 when the rows are
 * not the list by time (the caller makes them all again). */
int ui_queue_flat_published(queue *q, size_t from)
{
    const ct_alerts *al = &ui.s.alerts;
    size_t n = al->n, start = from < n ? from : n;
    while (start > 0 && start < n && al->v[start - 1].ts == al->v[start].ts) start--;
    if (!q->flat || !ui_queue_flat_view(q) || !ui_queue_in_order(start ? start - 1 : 0)) return 0;
    /* the rows of alerts from start on come first (partitioned) */
    size_t lo = 0, hi = q->nrows;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (q->rows[m].alert >= start) lo = m + 1;
        else hi = m;
    }
    size_t r = lo, cur = q->cur, before = q->nrows;
    ui_queue_flat_splice(q, start, r);
    size_t made = q->nrows - (before - r);
    if (!q->moved && !q->settled) { /* until the analyst moves: the top row */
        q->cur = q->top = 0;
    } else if (cur >= r) {
        q->cur = cur - r + made; /* the same alert, not moved */
    } else {
        q->cur = cur < q->nrows ? cur : (q->nrows ? q->nrows - 1 : 0);
        for (size_t k = 0; q->cur_id[0] && k < made; k++)
            if (!strcmp(al->v[q->rows[k].alert].id, q->cur_id)) {
                q->cur = k;
                break;
            }
    }
    if (!ui.loading) q->settled = 1;
    if (check_rows < 0) check_rows = getenv("CREDTRIAGE_CHECK_ROWS") != NULL;
    if (check_rows) check_flat(q);
    return 1;
}
