/* load: the console's files load on a thread of their own, so that the
 * terminal stays live (Q, resize, hang-up). Big files load in steps and each
 * step's alerts are published: the queue is on screen after the first step
 * and fills as the rest loads, the status line saying how far. Every change
 * the loader makes to the session is under ui_mu, which the main thread
 * holds except while it waits for a key (ui.c ui_next_key). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ui_int.h"

static char **diags;
static size_t ndiags;

size_t ui_load_diags(const char *const **v)
{
    *v = (const char *const *)diags;
    return ndiags;
}

static const char *ui_last_diag(void)
{
    return ndiags ? diags[ndiags - 1] : NULL;
}

static double last_progress_draw;
static int load_file_i, load_files_n;
static const char *load_file_name;

static int loading_in_thread;
static _Atomic size_t prog_done, prog_total;
static _Atomic int prog_file, load_done;
static _Atomic unsigned pub_gen;
static unsigned seen_gen;
static pthread_t loader_th;
static int completed; /* the load just ended: ui_load_completed() says so once */

static double load_fraction(int file_i, size_t done, size_t total)
{
    double frac_file = total ? (double)done / (double)total : 0;
    double frac = load_files_n ? ((double)file_i + frac_file) / load_files_n : 1;
    return frac > 1 ? 1 : frac;
}

static void draw_loading(size_t done, size_t total)
{
    if (ui_too_small()) {
        ui_draw_too_small();
        refresh();
        return;
    }
    erase();
    int tattr = UI_COLOR(UI_C_TITLE) | UI_BOLD | (ui.color ? 0 : UI_REV);
    ui_fill(0, 0, COLS, tattr);
    ui_put(0, 0, COLS, " credtriage - loading", tattr, 0);
    int y = LINES / 2 - 2;
    char buf[256];
    if (load_file_i >= load_files_n)
        snprintf(buf, sizeof buf, "running the rules, indexing for correlation...");
    else
        snprintf(buf, sizeof buf, "file %d of %d: %s", load_file_i + 1, load_files_n,
                 load_file_name ? load_file_name : "");
    ui_put(y, 2, COLS - 4, buf, 0, 0);
    ui_put(y + 3, 2, COLS - 4, "Q quits", UI_DIM, 0);
    int bw = COLS - 12;
    double frac = load_fraction(load_file_i, done, total);
    int filled = (int)(frac * bw);
    move(y + 1, 2);
    addch('[');
    for (int i = 0; i < bw; i++) {
        if (i >= filled) addch(' ');
        else if (ui.utf8) addstr("\u2588");
        else addch(ui.acs ? ACS_CKBOARD : '#');
    }
    addch(']');
    snprintf(buf, sizeof buf, " %3d%%", (int)(frac * 100));
    ui_put(y + 1, bw + 4, 6, buf, 0, 0);
    snprintf(ui.progress, sizeof ui.progress, "loading %d%%", (int)(frac * 100));
    ui_status_draw(LINES - 2, COLS);
    refresh();
}

static void on_progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    if (loading_in_thread) {
        atomic_store(&prog_done, done);
        atomic_store(&prog_total, total);
        return;
    }
    ui_check_signal();
    double t = ui_now_ms();
    if (t - last_progress_draw < 50 && done < total) return;
    last_progress_draw = t;
    draw_loading(done, total);
}

static double locked_at, locked_cpu; /* the loader's: how long it holds ui_mu (traces) */

static void hook_lock(void *ctx)
{
    (void)ctx;
    /* a mutex is not fair: a loader that lets go and takes it again at once
     * could keep a key waiting through a whole merge. Let the key go first
     * (bounded: 10 ms) */
    for (int i = 0; i < 200 && ui_mu_wanted(); i++) {
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
    }
    pthread_mutex_lock(&ui_mu);
    locked_at = ui_now_ms();
    locked_cpu = ui_cpu_ms();
}

static _Atomic int finishing; /* the loader is in ct_session_finish */

static void hook_unlock(void *ctx)
{
    (void)ctx;
    /* finishing sorts and merges the alerts under the lock: the main thread
     * must rebuild its rows (alert indexes) before it draws again */
    if (atomic_load(&finishing)) atomic_fetch_add(&pub_gen, 1);
    ui_queue_wide_catch_up(); /* the events merged meanwhile, not at the next frame */
    double held = ui_now_ms() - locked_at;
    if (held >= 1) ui_trace("loader-held %.1f ms cpu=%.1f (%zu alerts)", held, ui_cpu_ms() - locked_cpu, ui.s.alerts.n);
    pthread_mutex_unlock(&ui_mu);
}

static long load_pause_ms; /* $CREDTRIAGE_LOAD_PAUSE_MS: slow storage, for tests and demos */

/* The store's hook after each step: the session scans the new events; when
 * that gave alerts or progress, publish them to the main thread. */
static void hook_events(void *ctx)
{
    (void)ctx;
    if (!ct_session_scan_new(&ui.s)) return;
    atomic_fetch_add(&pub_gen, 1);
    if (load_pause_ms > 0) {
        struct timespec ts = {load_pause_ms / 1000, (load_pause_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

typedef struct loader {
    ct_session_opts *o;
    int missing;
    int finish_rc;
    ct_sbuf err;
} loader;
static loader L;

/* The loader: every file (alerts published step by step), the correlation
 * index, then ct_session_finish (the ES|QL rules over the whole store,
 * unlocked; sorting, Elastic alerts, statuses under the lock, each locked
 * part published): the console browses all along. */
static void on_file(void *ctx, size_t i)
{
    (void)ctx;
    atomic_store(&prog_file, (int)i);
    atomic_store(&prog_done, 0);
    atomic_store(&prog_total, 1);
    if (!loading_in_thread) {
        load_file_i = (int)i;
        load_file_name = (int)i < L.o->nfiles ? L.o->files[i] : NULL;
        draw_loading(0, 1);
    }
}

static void *loader_main(void *arg)
{
    (void)arg;
    /* several files at once: helpers read the next ones while one merges */
    L.missing = ct_session_add_files(&ui.s, L.o->files, L.o->nfiles);
    atomic_store(&prog_file, L.o->nfiles);
    if (!loading_in_thread) {
        load_file_i = L.o->nfiles;
        draw_loading(1, 1);
    }
    ct_session_index(&ui.s);
    atomic_store(&finishing, 1);
    L.finish_rc = ct_session_finish(&ui.s, &L.err);
    atomic_store(&finishing, 0);
    atomic_store(&load_done, 1);
    return NULL;
}

/* The main thread until the first alerts are published (or the load ends):
 * the loading screen, live; Q (or Ctrl-C) quits at once. */
static void wait_for_loader(void)
{
    wtimeout(stdscr, ui_script_on() ? 20 : 100);
    while (!atomic_load(&load_done) && !atomic_load(&pub_gen)) {
        int fi = atomic_load(&prog_file);
        load_file_i = fi;
        load_file_name = fi < L.o->nfiles ? L.o->files[fi] : NULL;
        draw_loading(atomic_load(&prog_done), atomic_load(&prog_total));
        if (ui_script_on()) {
            struct timespec ts = {0, 20 * 1000000L};
            nanosleep(&ts, NULL);
            ui_check_signal();
            continue;
        }
        wint_t wc;
        int r = wget_wch(stdscr, &wc);
        ui_check_signal();
        if (r == ERR) continue;
        if (r == OK && (wc == 'Q' || wc == 'q' || wc == 3)) {
            /* the loader owns the session: leave without touching it */
            ui_restore_terminal();
            fprintf(stderr, "%s: quit while loading\n", ui.prog);
            _exit(0);
        }
        if (r == KEY_CODE_YES && wc == KEY_RESIZE) continue;
        if (r == OK && wc == 12) clearok(curscr, TRUE); /* Ctrl-L */
    }
    wtimeout(stdscr, 500);
}

static void loaded_message(void)
{
    if (!ui.s.repo && ui.s.readonly_why)
        ui_msg(1, "read-only, no rules repo: %s", ui.s.readonly_why);
    else if (L.missing || ui.ndiag)
        ui_msg(L.missing != 0, "%d file%s could not be read, %zu diagnostic%s%s%s", L.missing,
               L.missing == 1 ? "" : "s", ui.ndiag, ui.ndiag == 1 ? "" : "s",
               ui_last_diag() ? ": " : "", ui_last_diag() ? ui_last_diag() : "");
    else
        ui_msg(0, "%zu alert%s from %zu event%s in %d file%s (? for help)", ui.s.alerts.n,
               ui.s.alerts.n == 1 ? "" : "s", ui.s.store.stats.events, ui.s.store.stats.events == 1 ? "" : "s",
               L.o->nfiles, L.o->nfiles == 1 ? "" : "s");
}

/* Main thread, ui_mu held: take what the loader published. 1 if anything
 * changed (views were reloaded). At the end of the load: join the loader,
 * finish the session (sort, Elastic alerts, statuses) and leave loading. */
int ui_load_sync(void)
{
    if (!ui.loading) return 0;
    unsigned g = atomic_load(&pub_gen);
    int done = atomic_load(&load_done);
    int fi = atomic_load(&prog_file);
    double frac = load_fraction(fi, atomic_load(&prog_done), atomic_load(&prog_total));
    snprintf(ui.progress, sizeof ui.progress, "loading %d%%, %zu alert%s so far", (int)(frac * 100),
             ui.s.alerts.n, ui.s.alerts.n == 1 ? "" : "s");
    /* changed_from: what the loader changed, even before it says so (pub_gen) */
    if (g == seen_gen && !done && ui.s.changed_from >= ui.s.alerts.n) return 0;
    seen_gen = g;
    size_t from = ui.s.changed_from; /* what the loader changed since the last look */
    ui.s.changed_from = ui.s.alerts.n;
    if (done) {
        if (loading_in_thread) {
            /* the loader may wait for ui_mu on its way out */
            pthread_mutex_unlock(&ui_mu);
            pthread_join(loader_th, NULL);
            pthread_mutex_lock(&ui_mu);
            loading_in_thread = 0;
        }
        /* no other thread now: the session's hooks would wait for ui_mu, held here */
        ui.s.lock = ui.s.unlock = NULL;
        ui.s.store.lock = ui.s.store.unlock = NULL;
        ui.s.store.on_events = NULL;
        ui.loading = 0;
        ui.progress[0] = 0;
        if (L.finish_rc < 0) {
            ui_msg(1, "%s", L.err.buf);
        } else {
            loaded_message();
        }
        completed = 1;
        wtimeout(stdscr, 500);
    }
    double t0 = ui_now_ms(), c0 = ui_cpu_ms();
    /* the views again; the queue only its rows from the first changed alert on */
    ui.gen++;
    ui.s.replace_others = 0; /* as ui_refresh_all: :replace is for the next decision only */
    for (int i = 0; i < ui.nstack; i++) {
        if (ui.stack[i]->ops == &ui_queue_ops) ui_queue_published(ui.stack[i], from);
        else if (ui.stack[i]->ops->reload) ui.stack[i]->ops->reload(ui.stack[i]);
    }
    ui_trace("publish-rebuild %.1f ms cpu=%.1f (%zu alerts, from %zu)", ui_now_ms() - t0, ui_cpu_ms() - c0,
             ui.s.alerts.n, from);
    return 1;
}


static void on_diag(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx;
    ct_sbuf b;
    ct_sbuf_init(&b);
    if (file && line) ct_sbuf_addf(&b, "%s:%llu: %s", file, (unsigned long long)line, msg ? msg : "");
    else if (file) ct_sbuf_addf(&b, "%s: %s", file, msg ? msg : "");
    else ct_sbuf_add(&b, msg ? msg : "");
    if (ndiags < 1000) {
        diags = ct_xrealloc(diags, (ndiags + 1) * sizeof *diags);
        diags[ndiags++] = ct_sbuf_detach(&b);
    }
    ui.ndiag++;
    ct_sbuf_free(&b);
}

/* ---- what ui.c calls ---- */

void ui_load_setup(ct_session_opts *o)
{
    L.o = o;
    ct_sbuf_init(&L.err);
    load_files_n = o->nfiles;
    o->diag = on_diag;
    o->progress = on_progress;
    o->on_file = on_file;
    /* big files load in steps, the first small so the queue shows at once
     * (4 MB: ~3,000 documents, ~50 ms; each next step twice as big) */
    o->step_bytes = 4u << 20;
    const char *stepv = getenv("CREDTRIAGE_LOAD_STEP"); /* bytes; for tests */
    if (stepv && *stepv && atol(stepv) > 0) o->step_bytes = (size_t)atol(stepv);
    const char *pausev = getenv("CREDTRIAGE_LOAD_PAUSE_MS");
    if (pausev && *pausev) load_pause_ms = atol(pausev);
    o->lock = hook_lock;
    o->unlock = hook_unlock;
    o->on_events = hook_events;
}

void ui_load_screen(void)
{
    draw_loading(0, 0);
}

int ui_load_start(const char **errmsg)
{
    ui.loading = 1;
    loading_in_thread = 1; /* set before the thread starts: it reads it */
    if (pthread_create(&loader_th, NULL, loader_main, NULL) == 0) {
        wait_for_loader();
    } else {
        loading_in_thread = 0;
        loader_main(NULL);
    }
    pthread_mutex_lock(&ui_mu);
    seen_gen = atomic_load(&pub_gen);
    ui_load_sync(); /* at the end of a short load: finished already */
    *errmsg = L.err.buf;
    return L.finish_rc;
}

int ui_load_completed(void)
{
    int c = completed;
    completed = 0;
    return c;
}

void ui_load_free(void)
{
    ct_sbuf_free(&L.err);
    for (size_t i = 0; i < ndiags; i++) free(diags[i]);
    free(diags);
    diags = NULL;
    ndiags = 0;
}
