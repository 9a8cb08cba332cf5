/* ui: the console's main loop — terminal setup, loading with a progress bar,
 * the view stack (q pops, Q quits), key dispatch through the keymap, the ':'
 * command line, scripted keys (CREDTRIAGE_SCRIPT), timing traces
 * (CREDTRIAGE_TRACE), and hang-up handling (drafts kept, terminal restored).
 * The status line is in status.c. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <term.h>
#include "out.h"
#include "sanitize.h"
#include "ui.h"
#include "ui_int.h"

#define UI_WCHAR 0x40000000
#define UI_MIN_W 80
#define UI_MIN_H 24

ui_state ui;

static volatile sig_atomic_t got_signal;
static int curses_on;

/* ---- scripted keys and traces ---- */
static char **script_lines;
static size_t script_n, script_i;
static const char *script_pos; /* inside the current key line */
static int script_on;
int ui_script_on(void) { return script_on; }
static FILE *trace_fp;
static double t_start;

double ui_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* the wall clock, for traces compared with another process's (make bench's
 * driver stamps each key it sends with `date +%s%N`) */
static double real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

double ui_since_start_ms(void) { return ui_now_ms() - t_start; }

/* this thread's CPU time: what a step cost, however busy the machine */
double ui_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void ui_trace(const char *fmt, ...)
{
    if (!trace_fp) return;
    va_list ap;
    va_start(ap, fmt);
    flockfile(trace_fp); /* the loader traces too: one line at a time */
    vfprintf(trace_fp, fmt, ap);
    va_end(ap);
    fputc('\n', trace_fp);
    fflush(trace_fp);
    funlockfile(trace_fp);
}

static void script_load(const char *path)
{
    char *data;
    size_t len;
    if (ct_read_file(path, &data, &len) < 0) {
        ui_msg(1, "cannot read CREDTRIAGE_SCRIPT %s: %s", path, strerror(errno));
        return;
    }
    script_on = 1;
    char *p = data;
    while (*p) {
        char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && p[n - 1] == '\r') n--;
        script_lines = ct_xrealloc(script_lines, (script_n + 1) * sizeof *script_lines);
        script_lines[script_n++] = ct_xstrndup(p, n);
        if (!e) break;
        p = e + 1;
    }
    free(data);
}

/* ---- hang-up, terminal restore ---- */
static void on_signal(int sig) { got_signal = sig; }

void ui_restore_terminal(void)
{
    if (curses_on && !isendwin()) endwin();
}

static void hangup_exit(int sig)
{
    for (int i = ui.nstack - 1; i >= 0; i--)
        if (ui.stack[i]->ops->save_draft) ui.stack[i]->ops->save_draft(ui.stack[i]);
    ui_restore_terminal();
    if (sig == SIGTERM || sig == SIGINT)
        fprintf(stderr, "%s: terminated; drafts kept, decisions were committed as made\n", ui.prog);
    _exit(128 + sig);
}

void ui_check_signal(void)
{
    if (got_signal) hangup_exit(got_signal);
}

/* ---- messages, stack ---- */
void ui_msg(int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui.msg, sizeof ui.msg, fmt, ap);
    va_end(ap);
    ui.msg_err = err;
}

void ui_push(const ct_view_ops *ops, void *priv)
{
    if (ui.nstack == (int)CT_ARRAY_LEN(ui.stack)) {
        ui_msg(1, "too many views open: press q to close some");
        if (ops->close) {
            ui_view tmp = {ops, priv, 0, 0};
            ops->close(&tmp);
        }
        return;
    }
    ui_view *v = ct_xcalloc(1, sizeof *v);
    v->ops = ops;
    v->priv = priv;
    v->h = LINES - 3;
    v->w = COLS;
    ui.stack[ui.nstack++] = v;
}

void ui_pop(void)
{
    if (ui.nstack <= 1) {
        ui.quit = 1;
        return;
    }
    ui_view *v = ui.stack[--ui.nstack];
    if (v->ops->close) v->ops->close(v);
    free(v);
}

ui_view *ui_top(void) { return ui.nstack ? ui.stack[ui.nstack - 1] : NULL; }

void ui_refresh_all(void)
{
    ui.gen++;
    ui.s.replace_others = 0; /* :replace is for the next decision only */
    for (int i = 0; i < ui.nstack; i++)
        if (ui.stack[i]->ops->reload) ui.stack[i]->ops->reload(ui.stack[i]);
}

/* ---- drawing ---- */
int ui_too_small(void) { return LINES < UI_MIN_H || COLS < UI_MIN_W; }

void ui_draw_too_small(void)
{
    erase();
    char buf[128];
    snprintf(buf, sizeof buf, "terminal too small: %dx%d", COLS, LINES);
    int y = LINES / 2 - 1;
    ui_put(y < 0 ? 0 : y, 0, COLS, buf, UI_BOLD, 0);
    snprintf(buf, sizeof buf, "need at least %dx%d (Q quits)", UI_MIN_W, UI_MIN_H);
    ui_put(y + 1, 0, COLS, buf, 0, 0);
}

static int cursor_wanted;

void ui_redraw(void)
{
    if (ui_too_small()) {
        ui_draw_too_small();
        curs_set(0);
        refresh();
        return;
    }
    erase();
    ui_view *v = ui_top();
    /* a message longer than the line wraps onto up to three lines above the
     * bottom (commit ids, refusals and their fix are never cut) */
    ct_sbuf ml[3];
    for (int i = 0; i < 3; i++) ct_sbuf_init(&ml[i]);
    int nml = ui.msg[0] ? ui_wrap(ui.msg, COLS - 1, 2, ml, 3) : 1;
    int h = LINES - 2 - nml;
    ct_sbuf title;
    ct_sbuf_init(&title);
    /* under 100 columns the view's title (filters, counts) needs the room */
    ct_sbuf_add(&title, COLS >= 100 || !v ? " credtriage" : "");
    if (v) {
        ct_sbuf_add(&title, COLS < 100 ? " " : ui.utf8 ? " \u2014 " : " - ");
        if (v->ops->title) v->ops->title(v, &title);
        else ct_sbuf_add(&title, v->ops->name);
    }
    int tattr = UI_COLOR(UI_C_TITLE) | UI_BOLD | (ui.color ? 0 : UI_REV);
    ui_fill(0, 0, COLS, tattr);
    ui_put(0, 0, COLS, title.buf, tattr, 0);
    ct_sbuf_free(&title);
    ui_status_draw(LINES - 1 - nml, COLS);
    for (int i = 0; i < nml; i++) {
        move(LINES - nml + i, 0);
        clrtoeol();
        if (ui.msg[0])
            ui_put(LINES - nml + i, 0, COLS, ml[i].buf, ui.msg_err ? UI_BOLD | UI_COLOR(UI_C_ERR) : 0, 0);
    }
    for (int i = 0; i < 3; i++) ct_sbuf_free(&ml[i]);
    cursor_wanted = 0;
    if (v) {
        v->h = h;
        v->w = COLS;
        v->ops->draw(v, 1, h, COLS);
        int cy, cx;
        getyx(stdscr, cy, cx);
        if (v->ops->scope != UI_SCOPE_FORM) ui_search_highlight(1, h, COLS);
        cursor_wanted = v->ops->scope == UI_SCOPE_FORM && cy > 0 && cy < LINES - 1 - nml;
        if (cursor_wanted) move(cy, cx);
    }
    curs_set(cursor_wanted ? 1 : 0);
    refresh();
}

static void screen_dump(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        ui_msg(1, "screen-dump: %s: %s", path, strerror(errno));
        return;
    }
    wchar_t *wbuf = ct_xmalloc(((size_t)COLS + 1) * sizeof *wbuf);
    char *mb = ct_xmalloc(((size_t)COLS + 1) * MB_LEN_MAX + 1);
    for (int y = 0; y < LINES; y++) {
        int n = mvinnwstr(y, 0, wbuf, COLS);
        if (n < 0) n = 0;
        wbuf[n] = 0;
        size_t len = wcstombs(mb, wbuf, ((size_t)COLS + 1) * MB_LEN_MAX);
        if (len == (size_t)-1) {
            /* fall back to the bytes of each cell */
            len = 0;
            for (int x = 0; x < COLS; x++) mb[len++] = (char)(mvinch(y, x) & A_CHARTEXT);
        }
        while (len && mb[len - 1] == ' ') len--;
        fwrite(mb, 1, len, f);
        fputc('\n', f);
    }
    free(wbuf);
    free(mb);
    if (fclose(f) != 0) ui_msg(1, "screen-dump: %s: %s", path, strerror(errno));
    else ui_msg(0, "screen-dump: wrote %s (%dx%d, text)", path, COLS, LINES);
}

/* ---- keys ---- */
static int script_next(void)
{
    for (;;) {
        if (script_pos && *script_pos) return ui_key_parse(&script_pos);
        script_pos = NULL;
        if (script_i >= script_n) {
            script_on = 0;
            ui.quit = 1;
            return 27;
        }
        char *line = script_lines[script_i++];
        if (!*line || *line == '#') continue;
        if (*line == ':') {
            ui_redraw();
            ui_command(line + 1);
            ui_redraw();
            if (ui.quit) return 27;
            continue;
        }
        script_pos = line;
    }
}

pthread_mutex_t ui_mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_int mu_wanted; /* the main thread waits for ui_mu (a key to act on) */

int ui_mu_wanted(void) { return atomic_load(&mu_wanted); }

/* the last key's times in this process (traces): when it was read, how long
 * it then waited for ui_mu (the loader holding it) and for what the loader
 * or the grouping published (the rows rebuilt) before it could act */
static double key_read_ms, key_lock_ms, key_sync_ms, key_cpu_ms;

int ui_next_key(void)
{
    static int err_storm;
    if (script_on) {
        /* scripted keys act on the whole load and its incidents, so runs are repeatable */
        while (ui.loading || ui_queue_grouping()) {
            pthread_mutex_unlock(&ui_mu);
            struct timespec ts = {0, 20 * 1000000L};
            nanosleep(&ts, NULL);
            pthread_mutex_lock(&ui_mu);
            ui_check_signal();
            if (ui_load_sync()) ui_redraw();
            if (!ui.loading && ui_incidents_poll(1)) ui_redraw();
        }
        return script_next();
    }
    for (;;) {
        ui_check_signal();
        int was_loading = ui.loading;
        /* while loading, look at the loader often: new alerts and the end of
         * the load show within 25 ms (the terminal is the only thing waited on) */
        int grouping = !was_loading && ui_queue_grouping();
        if (was_loading) wtimeout(stdscr, 25);
        else wtimeout(stdscr, grouping ? 100 : 500); /* the grouping's progress, then its end */
        wint_t wc;
        double t0 = ui_now_ms();
        pthread_mutex_unlock(&ui_mu);
        int r = wget_wch(stdscr, &wc);
        double t_read = ui_now_ms(), c_read = ui_cpu_ms();
        /* the loader lets go of ui_mu often, and waits while this thread wants it */
        atomic_store(&mu_wanted, 1);
        pthread_mutex_lock(&ui_mu);
        atomic_store(&mu_wanted, 0);
        double t_lock = ui_now_ms();
        ui_check_signal();
        /* new alerts or the end of the load: views reload before a key acts */
        char shown[sizeof ui.progress];
        memcpy(shown, ui.progress, sizeof shown);
        int changed = was_loading && (ui_load_sync() || strcmp(shown, ui.progress));
        /* the incidents: taken between keys (regrouping 230k alerts' rows is
         * tens of ms, which the key that came first would wait for), unless
         * keys keep coming for a second after they were ready */
        static double ready_at;
        if (grouping && ui_queue_grouped()) {
            if (!ready_at) ready_at = t_lock;
            if (r == ERR || t_lock - ready_at > 1000) {
                if (ui_incidents_poll(1)) changed = 1;
                ready_at = 0;
            }
        } else if (grouping && ui_incidents_poll(0)) {
            changed = 1;
        }
        if (r != ERR) {
            key_read_ms = t_read;
            key_cpu_ms = c_read;
            key_lock_ms = t_lock - t_read;
            key_sync_ms = ui_now_ms() - t_lock;
        }
        if (r == ERR) {
            /* a vanished terminal gives ERR at once, again and again */
            if (ui_now_ms() - t0 < (was_loading ? 12 : 50)) {
                if (++err_storm > 50 || errno == EIO) hangup_exit(SIGHUP);
            } else err_storm = 0;
            if (changed) return UI_KEY_TICK; /* redraw: progress, new alerts */
            /* nothing pressed: another analyst's decision may have come in */
            if (!was_loading && ui_watch_tick()) return UI_KEY_TICK;
            continue;
        }
        err_storm = 0;
        if (r == KEY_CODE_YES) return (int)wc;
        return wc < 0x100 ? (int)wc : (int)(wc | UI_WCHAR);
    }
}

char *ui_prompt(const char *prompt, const char *initial)
{
    ui_field f;
    ct_sbuf_init(&f.text);
    if (initial) ct_sbuf_add(&f.text, initial);
    f.pos = f.text.len;
    char *res = NULL;
    for (;;) {
        ui_redraw();
        if (!ui_too_small()) {
            move(LINES - 1, 0);
            clrtoeol();
            int pw = ui_put(LINES - 1, 0, COLS, prompt, UI_BOLD, 0);
            ui_field_draw(&f, LINES - 1, pw, COLS - pw - 1, 1);
            curs_set(1);
            refresh();
        }
        int key = ui_next_key();
        if (key == '\n' || key == '\r' || key == KEY_ENTER) {
            res = ct_sbuf_detach(&f.text);
            break;
        }
        if (key == 27 || key == 7 || key == 3 || ui.quit) break;
        if ((key == KEY_BACKSPACE || key == 127 || key == 8) && !f.text.len) break;
        if (key == KEY_RESIZE || key == UI_KEY_TICK) continue;
        ui_field_key(&f, key);
    }
    ct_sbuf_free(&f.text);
    ui.msg[0] = 0;
    return res;
}

int ui_confirm(const char *question)
{
    ui_msg(0, "%s", question);
    ui_redraw();
    int key;
    do key = ui_next_key();
    while ((key == KEY_RESIZE || key == UI_KEY_TICK) && (ui_redraw(), 1));
    ui.msg[0] = 0;
    return key == 'y' || key == 'Y';
}

/* ---- commands ---- */
static ui_view *queue_view(void) { return ui.nstack ? ui.stack[0] : NULL; }

int ui_command(const char *line)
{
    while (*line == ' ' || *line == ':') line++;
    char cmd[64];
    size_t n = strcspn(line, " ");
    if (n >= sizeof cmd) n = sizeof cmd - 1;
    memcpy(cmd, line, n);
    cmd[n] = 0;
    const char *args = line + n;
    while (*args == ' ') args++;
    if (!*cmd) return 0;
    if (!strcmp(cmd, "q") || !strcmp(cmd, "quit") || !strcmp(cmd, "qa")) {
        ui.quit = 1;
        return 1;
    }
    if (!strcmp(cmd, "screen-dump")) {
        if (!*args) ui_msg(1, "usage: :screen-dump FILE");
        else screen_dump(args);
        return 1;
    }
    if (!strcmp(cmd, "nohlsearch") || !strcmp(cmd, "nohl") || !strcmp(cmd, "noh")) {
        ui_search_off();
        return 1;
    }
    if (!strcmp(cmd, "redraw")) {
        clearok(curscr, TRUE);
        return 1;
    }
    if (!strcmp(cmd, "help")) {
        ui_push(&ui_help_ops, NULL);
        return 1;
    }
    if (!strcmp(cmd, "events")) {
        /* :events FIELD=VALUE (quotes not needed: the value is the rest) */
        const char *eq = strchr(args, '=');
        if (!eq || eq == args || !eq[1]) {
            ui_msg(1, "usage: :events FIELD=VALUE (entity, user, actor, target, app, ip, key)");
            return 1;
        }
        char field[32];
        size_t fl = (size_t)(eq - args) < sizeof field - 1 ? (size_t)(eq - args) : sizeof field - 1;
        memcpy(field, args, fl);
        field[fl] = 0;
        const char *val = eq + 1;
        size_t vl = strlen(val);
        char *v = ct_xstrndup(val[0] == '"' && vl > 1 && val[vl - 1] == '"' ? val + 1 : val,
                              val[0] == '"' && vl > 1 && val[vl - 1] == '"' ? vl - 2 : vl);
        ui_open_events(field, v);
        free(v);
        return 1;
    }
    if (!strcmp(cmd, "history")) {
        ui_act_history();
        return 1;
    }
    static const char *const after_load[] = {"ack", "reopen", "fp", "remediate", "open",
                                             "history", "revert", "sync", "window", "replace"};
    for (size_t i = 0; ui.loading && i < CT_ARRAY_LEN(after_load); i++)
        if (!strcmp(cmd, after_load[i])) {
            ui_msg(1, "still %s: :%s works once loading ends", ui.progress, cmd);
            return 1;
        }
    if (!strcmp(cmd, "sync")) {
        ui_watch_sync();
        return 1;
    }
    if (!strcmp(cmd, "replace")) {
        ui.s.replace_others = 1;
        ui_msg(0, "the next decision may replace another analyst's (its commit will say so)");
        return 1;
    }
    if (!strcmp(cmd, "window")) {
        int64_t ms;
        if (ct_duration_parse(args, &ms) < 0 || ms <= 0) {
            ui_msg(1, "usage: :window DURATION (30m, 12h, 3d, 2w)");
            return 1;
        }
        ui.s.window_ms = ms;
        ui_refresh_all();
        ui_msg(0, "correlation window: %s each side", args);
        return 1;
    }
    ui_view *v = ui_top();
    if (v && v->ops->command && v->ops->command(v, cmd, args)) return 1;
    ui_view *q = queue_view();
    if (q && q != v && q->ops->command && q->ops->command(q, cmd, args)) {
        /* :sort, :filter, :group from another view act on the queue: show it */
        while (ui.nstack > 1 && ui_top()->ops->scope != UI_SCOPE_FORM) ui_pop();
        return 1;
    }
    ui_msg(1, "unknown command: %s (? lists the keys and commands)", cmd);
    return 0;
}

static void handle_key(int key)
{
    ui_view *v = ui_top();
    if (!v) return;
    if (key == KEY_RESIZE) {
        clearok(curscr, TRUE);
        return;
    }
    if (ui_too_small()) {
        if (key == 'Q') ui.quit = 1;
        return;
    }
    if (v->ops->input && v->ops->input(v, key)) return;
    enum ui_req req = ui_keymap_lookup(key, v->ops->scope | UI_SCOPE_ANY);
    if (req == REQ_NONE) {
        char kb[16];
        ui_msg(0, "%s: no action here (? for help)", ui_key_name(key, kb));
        return;
    }
    /* While alerts are still coming in, the queue is for browsing: an open
     * alert or a decision needs them all (correlation, statuses, ids). */
    if (ui.loading && (req == REQ_ENTER || req == REQ_ACK || req == REQ_FP || req == REQ_REMEDIATE ||
                       req == REQ_REOPEN || req == REQ_HISTORY) && v->ops == &ui_queue_ops) {
        ui_msg(1, "still %s: opening alerts and decisions wait for the end", ui.progress);
        return;
    }
    ui.msg[0] = 0;
    if (v->ops->request && v->ops->request(v, req)) return;
    switch (req) {
    case REQ_BACK: ui_pop(); break;
    case REQ_QUIT: ui.quit = 1; break;
    case REQ_HELP:
        if (v->ops != &ui_help_ops) ui_push(&ui_help_ops, NULL);
        break;
    case REQ_DIAG:
        if (v->ops != &ui_diag_ops) ui_push(&ui_diag_ops, NULL);
        break;
    case REQ_REDRAW: clearok(curscr, TRUE); break;
    case REQ_PROMPT: {
        char *line = ui_prompt(":", NULL);
        if (line) ui_command(line);
        free(line);
        break;
    }
    case REQ_HISTORY: ui_act_history(); break;
    case REQ_PIVOT: ui_pivot(); break;
    case REQ_YANK: ui_yank(); break;
    case REQ_PIPE: ui_pipe_view(); break;
    default: {
        char kb[16];
        ui_msg(0, "%s: no action in this view", ui_key_name(key, kb));
    }
    }
}

/* ---- terminal ---- */
static void init_colors(void)
{
    const char *nc = getenv("NO_COLOR");
    if ((nc && *nc) || !has_colors()) return;
    if (start_color() == ERR) return;
    int bg = COLOR_BLACK;
    if (use_default_colors() == OK) bg = -1;
    ui.color = 1;
    init_pair(UI_C_CRIT, COLOR_WHITE, COLOR_RED);
    init_pair(UI_C_HIGH, COLOR_RED, bg);
    init_pair(UI_C_MED, COLOR_YELLOW, bg);
    init_pair(UI_C_LOW, COLOR_CYAN, bg);
    init_pair(UI_C_TITLE, COLOR_WHITE, COLOR_BLUE);
    init_pair(UI_C_STATUS, COLOR_BLACK, COLOR_CYAN);
    init_pair(UI_C_HEAD, COLOR_YELLOW, bg);
    init_pair(UI_C_CODE, COLOR_CYAN, bg);
    init_pair(UI_C_ADD, COLOR_GREEN, bg);
    init_pair(UI_C_DEL, COLOR_RED, bg);
    init_pair(UI_C_HUNK, COLOR_MAGENTA, bg);
    init_pair(UI_C_MARK, COLOR_YELLOW, bg);
    init_pair(UI_C_OK, COLOR_GREEN, bg);
    init_pair(UI_C_ERR, COLOR_RED, bg);
}

static void start_curses(void)
{
    ui.utf8 = ct_out_utf8(); /* the charset out.c converts to: one answer for both */
    if (!getenv("ESCDELAY")) set_escdelay(25);
    initscr();
    curses_on = 1;
    atexit(ui_restore_terminal);
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    wtimeout(stdscr, 500);
    init_colors();
    if (ui.utf8) ui.acs = 1;
    else {
        const char *acsc = tigetstr("acsc");
        ui.acs = acsc && acsc != (char *)-1 && *acsc;
    }
}

int ct_ui_run(ct_session_opts *opts, const char *prog)
{
    t_start = ui_now_ms();
    ct_session_opts o = *opts;
    ui.prog = prog;
    const char *tp = getenv("CREDTRIAGE_TRACE");
    if (tp && *tp) trace_fp = fopen(tp, "a");
    ui_trace("start at=%.3f", real_ms());
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    ui_load_setup(&o);

    start_curses();
    const char *sp = getenv("CREDTRIAGE_SCRIPT");
    if (sp && *sp) script_load(sp);

    ui_load_screen();
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc_begin = ct_session_begin(&ui.s, &o, &err);
    if (rc_begin < 0 && !o.repo_dir && !getenv("CREDTRIAGE_REPO")) {
        /* The default repo could not be created (typically: no analyst
         * identity yet). Reading alerts must not depend on it: go on with the
         * shipped rules, read-only, and say why actions are disabled. */
        char *why = ct_sbuf_detach(&err); /* kept by the session as readonly_why */
        ct_session_close(&ui.s);
        o.need_repo = 0;
        o.no_repo = 1;
        o.readonly_why = why;
        rc_begin = ct_session_begin(&ui.s, &o, &err);
        free(why);
    }
    if (rc_begin < 0) {
        ui_restore_terminal();
        ct_out_printf(stderr, "%s: ", ui.prog); /* the error may quote repo or log text */
        ct_out_block(stderr, err.buf, err.len);
        fputc('\n', stderr);
        ct_sbuf_free(&err);
        ui_load_free();
        return -1;
    }
    ui.session_ok = 1;
    ui.s.seen_on_screen = 1; /* the console shows each alert's decision */
    const char *finish_err;
    if (ui_load_start(&finish_err) < 0) { /* returns with ui_mu held */
        ui_restore_terminal();
        ct_out_printf(stderr, "%s: ", ui.prog);
        ct_out_block(stderr, finish_err, strlen(finish_err));
        fputc('\n', stderr);
        pthread_mutex_unlock(&ui_mu);
        ct_session_close(&ui.s);
        ui_load_free();
        ct_sbuf_free(&err);
        return -1;
    }
    ui_status_update();
    ui_watch_start(); /* HEAD as the statuses were read */
    if (ui.loading)
        ui_msg(0, "loading: alerts appear as the files are read; opening one and actions wait for the end");
    ui_push(&ui_queue_ops, NULL);
    ui_redraw();
    ui_trace("start->first-queue-frame %.1f ms (%zu alerts, %s) at=%.3f", ui_now_ms() - t_start, ui.s.alerts.n,
             ui.loading ? ui.progress : "loaded", real_ms());
    if (ui_load_completed())
        ui_trace("start->complete-queue-frame %.1f ms (%zu alerts)", ui_now_ms() - t_start, ui.s.alerts.n);

    while (!ui.quit) {
        int key = ui_next_key();
        double t0 = ui_now_ms(), c0 = ui_cpu_ms();
        if (ui.quit) break;
        if (key != UI_KEY_TICK) handle_key(key);
        if (ui.quit) break;
        ui_redraw();
        if (ui_load_completed()) {
            ui_status_update();
            ui_trace("start->complete-queue-frame %.1f ms (%zu alerts)", ui_now_ms() - t_start, ui.s.alerts.n);
        }
        char kb[16];
        /* at=: when the frame was on the terminal, to compare with when the key was sent */
        /* key->frame: handling and drawing; read: from the key's reading
         * to the frame (lock: waiting for the loader, sync: taking what it
         * published) */
        if (key != UI_KEY_TICK) {
            double t1 = ui_now_ms(), c1 = ui_cpu_ms();
            /* cpu: this thread's CPU time from the reading to the frame */
            ui_trace("key->frame %.3f ms %s at=%.3f read=%.3f lock=%.3f sync=%.3f cpu=%.3f", t1 - t0,
                     ui_key_name(key, kb), real_ms(), script_on ? t1 - t0 : t1 - key_read_ms,
                     script_on ? 0 : key_lock_ms, script_on ? 0 : key_sync_ms, c1 - (script_on ? c0 : key_cpu_ms));
        }
    }
    if (ui.loading) {
        /* the loader still owns the session: leave without touching it */
        ui_restore_terminal();
        fprintf(stderr, "%s: quit while loading\n", ui.prog);
        _exit(0);
    }
    while (ui.nstack) {
        ui_view *v = ui.stack[--ui.nstack];
        if (v->ops->save_draft) v->ops->save_draft(v);
        if (v->ops->close) v->ops->close(v);
        free(v);
    }
    ui_restore_terminal();
    pthread_mutex_unlock(&ui_mu);
    ct_session_close(&ui.s);
    ct_sbuf_free(&err);
    ui_load_free();
    ui_watch_free();
    free(ui.branch);
    free(ui.identity);
    for (size_t i = 0; i < script_n; i++) free(script_lines[i]);
    free(script_lines);
    if (trace_fp) fclose(trace_fp);
    return 0;
}
