/* corrbench: load FILE..., run the rules, build the correlation index and
 * time ct_corr_alert over every alert (over 40,000 alerts: an evenly spaced
 * sample of about 40,000, so 10M events take minutes, not most of an hour).
 * Prints one line of key=value pairs:
 *   load_s scan_s index_s events alerts timed window corr_median_us corr_p99_us corr_max_us
 *   count_median_us count_max_us (ct_corr_count, the queue's column) correlated
 * Rules come from $CREDTRIAGE_DATADIR (the repo root when run by run.sh); the
 * window each side is $CORRBENCH_WINDOW (30m, 1d, ...; default 7d). Each alert
 * is correlated CORRBENCH_REPEAT times (default 3) and its best time kept, so
 * a busy shared machine's spikes do not pass for the query's cost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "alerts.h"
#include "corr.h"
#include "incident.h"
#include "rules.h"
#include "store.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void quiet(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx, (void)file, (void)line, (void)msg;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: corrbench FILE...\n");
        return 2;
    }
    ct_sbuf root;
    ct_sbuf_init(&root);
    if (ct_rules_shipped_root(&root) < 0) {
        fprintf(stderr, "corrbench: no rules (set CREDTRIAGE_DATADIR)\n");
        return 1;
    }
    ct_ruleset rs;
    ct_rules_load(root.buf, &rs, NULL, NULL);
    ct_store st;
    ct_store_init(&st);
    st.diag = quiet;
    double t0 = now();
    ct_store_load_all(&st, argv + 1, argc - 1);
    double t1 = now();
    ct_rules_bind(&rs, &st);
    ct_alerts al;
    ct_scan(&st, &rs, &al);
    double t2 = now();
    ct_corr *c = ct_corr_build(&st);
    ct_corr_index_alerts(c, &al); /* as ct_session_finish does */
    double t3 = now();
    int64_t window = CT_CORR_DEFAULT_WINDOW;
    const char *w = getenv("CORRBENCH_WINDOW");
    if (w && *w && ct_duration_parse(w, &window) < 0) {
        fprintf(stderr, "corrbench: bad CORRBENCH_WINDOW '%s'\n", w);
        return 2;
    }
    const char *rep = getenv("CORRBENCH_REPEAT");
    int repeat = rep && atoi(rep) > 0 ? atoi(rep) : 3;
    double *d = ct_xcalloc(al.n + 1, sizeof *d), *dc = ct_xcalloc(al.n + 1, sizeof *dc);
    size_t correlated = 0, nt = 0, stride = al.n > 40000 ? al.n / 40000 + 1 : 1;
    for (size_t i = 0; i < al.n; i += stride) {
        double best = 1e30, bestc = 1e30;
        for (int k = 0; k < repeat; k++) {
            ct_corr_result r;
            double a = now();
            if (ct_corr_alert(c, &al.v[i], &al, window, &r) == 0) {
                if (!k) correlated += r.nsame_target + r.nsame_actor + r.usage.n;
                ct_corr_result_free(&r);
            }
            double b = now();
            volatile size_t cnt = ct_corr_count(c, &al.v[i], window);
            (void)cnt;
            double e = now();
            if (b - a < best) best = b - a;
            if (e - b < bestc) bestc = e - b;
        }
        dc[nt] = bestc * 1e6;
        d[nt++] = best * 1e6;
    }
    qsort(d, nt, sizeof *d, cmp_d);
    qsort(dc, nt, sizeof *dc, cmp_d);
    /* incidents over every alert (src/incident.c): the grouping and one
     * correlation query per change of an incident */
    double i0 = now(), c0 = cpu();
    ct_incidents in;
    ct_incidents_build(&st, &al, c, window, &in);
    double i1 = now(), c1 = cpu();
    size_t biggest = 0;
    for (size_t k = 0; k < in.n; k++)
        if (in.v[k].nalerts > biggest) biggest = in.v[k].nalerts;
    printf("load_s=%.3f scan_s=%.3f index_s=%.3f events=%zu alerts=%zu timed=%zu window=%s pool_strings=%zu "
           "corr_median_us=%.1f corr_p99_us=%.1f corr_max_us=%.1f count_median_us=%.1f count_max_us=%.1f "
           "correlated=%zu incidents_s=%.3f incidents_cpu_s=%.3f incidents=%zu biggest_incident=%zu\n",
           t1 - t0, t2 - t1, t3 - t2, st.nev, al.n, nt, w && *w ? w : "7d", st.pool.nstrs,
           nt ? d[nt / 2] : 0.0, nt ? d[nt * 99 / 100] : 0.0, nt ? d[nt - 1] : 0.0, nt ? dc[nt / 2] : 0.0,
           nt ? dc[nt - 1] : 0.0, correlated, i1 - i0, c1 - c0, in.n, biggest);
    ct_incidents_free(&in);
    free(d);
    free(dc);
    ct_corr_free(c);
    ct_alerts_free(&al);
    ct_rules_free(&rs);
    ct_store_free(&st);
    ct_sbuf_free(&root);
    return 0;
}
