/* incbench: open FILE... as the console does (shipped rules, no repo: load,
 * rules, ES|QL rules, correlation index, statuses), then time the incident
 * build (src/incident*.c) over every alert, CORRBENCH-style best of
 * INCBENCH_REPEAT runs (default 1). Prints one line of key=value pairs:
 *   open_s events alerts incidents biggest_incident incidents_s incidents_cpu_s
 * Rules come from $CREDTRIAGE_DATADIR (the repo root when run by run.sh); run
 * it with an empty $HOME so no rules repo is found. Built with
 * -DINCBENCH_CALLGRIND, only the build is instrumented:
 *   valgrind --tool=callgrind --instr-atstart=no incbench FILE... */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "incident.h"
#include "session.h"
#ifdef INCBENCH_CALLGRIND /* profile the build alone: valgrind --tool=callgrind --instr-atstart=no */
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

static double now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void quiet(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx, (void)file, (void)line, (void)msg;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: incbench FILE...\n");
        return 2;
    }
    ct_session_opts o = {0};
    o.no_repo = 1;
    o.files = argv + 1;
    o.nfiles = argc - 1;
    o.diag = quiet;
    ct_session s;
    ct_sbuf err;
    ct_sbuf_init(&err);
    double t0 = now(CLOCK_MONOTONIC);
    if (ct_session_open(&s, &o, &err) < 0) {
        fprintf(stderr, "incbench: %s\n", err.buf);
        return 1;
    }
    double t1 = now(CLOCK_MONOTONIC);
    const char *rep = getenv("INCBENCH_REPEAT");
    int repeat = rep && atoi(rep) > 0 ? atoi(rep) : 1;
    double best = 1e30, bestc = 1e30;
    size_t nin = 0, biggest = 0;
    for (int k = 0; k < repeat; k++) {
        ct_incidents in;
        double a = now(CLOCK_MONOTONIC), ac = now(CLOCK_PROCESS_CPUTIME_ID);
        CALLGRIND_START_INSTRUMENTATION;
        int rc = ct_incidents_build(&s.store, &s.alerts, s.corr, s.window_ms, &in);
        CALLGRIND_STOP_INSTRUMENTATION;
        if (rc < 0) {
            fprintf(stderr, "incbench: no correlation index\n");
            return 1;
        }
        double b = now(CLOCK_MONOTONIC), bc = now(CLOCK_PROCESS_CPUTIME_ID);
        if (b - a < best) best = b - a;
        if (bc - ac < bestc) bestc = bc - ac;
        nin = in.n;
        for (size_t j = 0; j < in.n; j++)
            if (in.v[j].nalerts > biggest) biggest = in.v[j].nalerts;
        ct_incidents_free(&in);
    }
    printf("open_s=%.3f events=%zu alerts=%zu incidents=%zu biggest_incident=%zu incidents_s=%.3f "
           "incidents_cpu_s=%.3f\n",
           t1 - t0, s.store.nev, s.alerts.n, nin, biggest, best, bestc);
    ct_session_close(&s);
    ct_sbuf_free(&err);
    return 0;
}
