/* queue_inc: the queue's incidents, grouped on a thread of their own once the
 * load has ended, so the console never waits for them: until they are ready
 * the queue lists the alerts newest first and the status line says
 * "grouping incidents 40%"; then the queue regroups in place. The grouping
 * (ct_incidents_group) reads only what the load left fixed (store, index,
 * the alerts' events, times, rules and ids), never the statuses, which
 * decisions change meanwhile: they are read on this thread when the result
 * is taken (ct_incidents_refresh). A :window change regroups; the incidents
 * shown stay until the new ones are ready. A few alerts (SYNC_MAX) are
 * grouped at once, as before: that takes milliseconds, and the first frame
 * after the load then shows the incidents (no regrouping under the cursor). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "queue_int.h"

#define SYNC_MAX 1000

static struct {
    int running;                /* a thread was started and not joined */
    pthread_t th;
    atomic_int done;
    ct_incidents_ctl ctl;
    /* what it was asked: the result is current when these still hold */
    ct_alerts alerts;
    int64_t window;
    ct_incidents out;
    int rc;
    double t0;
    long pause_ms;              /* $CREDTRIAGE_GROUP_PAUSE_MS: a slow machine, for tests */
} job;

static void *grouper(void *arg)
{
    (void)arg;
    for (long t = 0; t < job.pause_ms && !atomic_load(&job.ctl.stop); t += 10) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    job.rc = ct_incidents_group(&ui.s.store, &job.alerts, ui.s.corr, job.window, &job.ctl, &job.out);
    atomic_store(&job.done, 1);
    return NULL;
}

/* the finished job's result into q, if it is still for these alerts and window */
static void adopt(queue *q)
{
    int cur = job.alerts.v == ui.s.alerts.v && job.alerts.n == ui.s.alerts.n && job.window == ui.s.window_ms;
    if (job.rc < 0) return;
    if (!cur) {
        ct_incidents_free(&job.out);
        return;
    }
    if (q->inc_built) ct_incidents_free(&q->inc);
    q->inc = job.out;
    q->inc_built = 1;
    q->inc_gen++;
    q->inc_nalerts = job.alerts.n;
    q->inc_window = job.window;
    q->inc_fresh = 0; /* their statuses: read by ui_queue_incidents, next */
    ui_trace("incidents-ready %.1f ms (%zu incidents, grouped in %.1f ms)", ui_since_start_ms(), q->inc.n,
             ui_now_ms() - job.t0);
}

void ui_queue_incidents(queue *q)
{
    if (ui.loading || !ui.s.corr) return;
    if (job.running) {
        if (!atomic_load(&job.done)) return; /* still grouping: the rows as they are */
        pthread_join(job.th, NULL);
        job.running = 0;
        ui.progress[0] = 0; /* "grouping incidents" */
        adopt(q);
    }
    if (q->inc_built && q->inc_nalerts == ui.s.alerts.n && q->inc_window == ui.s.window_ms) {
        /* the incidents' statuses from their alerts' (every alert, in score
         * order: tens of ms at 230k), only when statuses may have changed
         * (ui.gen: decisions, another analyst's), not for a sort or a fold */
        if (!q->inc_fresh || q->inc_status_gen != ui.gen) ct_incidents_refresh(&q->inc, &ui.s.alerts);
        q->inc_fresh = 1;
        q->inc_status_gen = ui.gen;
        return;
    }
    const char *pv = getenv("CREDTRIAGE_GROUP_PAUSE_MS");
    job.pause_ms = pv && *pv ? atol(pv) : 0;
    job.alerts = ui.s.alerts;
    job.window = ui.s.window_ms;
    atomic_store(&job.done, 0);
    atomic_store(&job.ctl.stop, 0);
    atomic_store(&job.ctl.done, 0);
    atomic_store(&job.ctl.total, 0);
    job.t0 = ui_now_ms();
    if ((ui.s.alerts.n > SYNC_MAX || job.pause_ms > 0) && pthread_create(&job.th, NULL, grouper, NULL) == 0) {
        job.running = 1;
        snprintf(ui.progress, sizeof ui.progress, "grouping incidents 0%%");
        return;
    }
    grouper(NULL);
    adopt(q);
}

int ui_queue_grouping(void)
{
    return job.running;
}

int ui_queue_grouped(void)
{
    return job.running && atomic_load(&job.done);
}

int ui_incidents_poll(int take)
{
    if (!job.running) return 0;
    size_t done = atomic_load(&job.ctl.done), total = atomic_load(&job.ctl.total);
    if (!atomic_load(&job.done) || !take) {
        char prev[sizeof ui.progress];
        memcpy(prev, ui.progress, sizeof prev);
        snprintf(ui.progress, sizeof ui.progress, "grouping incidents %d%%",
                 total ? (int)(100.0 * (double)done / (double)total) : 0);
        return strcmp(prev, ui.progress) != 0;
    }
    ui.progress[0] = 0;
    /* the queue, at the bottom of the stack, takes the result and regroups */
    double t0 = ui_now_ms(), c0 = ui_cpu_ms();
    if (ui.nstack && ui.stack[0]->ops == &ui_queue_ops) ui_queue_rebuild(ui.stack[0]);
    ui_trace("incidents-taken %.1f ms cpu=%.1f", ui_now_ms() - t0, ui_cpu_ms() - c0);
    return 1;
}

void ui_queue_incidents_stop(void)
{
    if (!job.running) return;
    atomic_store(&job.ctl.stop, 1);
    pthread_join(job.th, NULL);
    job.running = 0;
    if (job.rc == 0) ct_incidents_free(&job.out);
}
