/* ui internals: the view stack, the keymap, drawing helpers shared by the views.
 * Every view is one file behind one struct ct_view_ops (like tig's view_ops). */
#ifndef CT_UI_INT_H
#define CT_UI_INT_H
#include <stddef.h>
#include <stdint.h>
#include <curses.h>
#include <pthread.h>
#include "session.h"
#include "triage.h"
#include "util.h"


/* ---- requests (what a key means) ---- */
enum ui_req {
    REQ_NONE = 0,
    REQ_UP, REQ_DOWN, REQ_PGUP, REQ_PGDN, REQ_TOP, REQ_BOTTOM,
    REQ_ENTER, REQ_BACK, REQ_QUIT, REQ_HELP, REQ_DIAG, REQ_REDRAW, REQ_PROMPT,
    REQ_SEARCH, REQ_SEARCH_NEXT, REQ_SEARCH_PREV,
    REQ_NEXT_PANE, REQ_PREV_PANE, REQ_PANE1, REQ_PANE2, REQ_PANE3, REQ_PANE4,
    REQ_TAG, REQ_SORT, REQ_FILTER_STATUS, REQ_GROUP,
    REQ_ACK, REQ_FP, REQ_REMEDIATE, REQ_REOPEN, REQ_HISTORY, REQ_ASSIGN, REQ_NOTE,
    REQ_TOGGLE, REQ_EXCLUDE, REQ_FORCE, REQ_COMMIT, REQ_EDITOR, REQ_REVERT,
    REQ_FOLD, REQ_FOLD_ALL, REQ_LEFT, REQ_RIGHT, REQ_PIVOT, REQ_YANK, REQ_PIPE,
    REQ__COUNT
};

/* keymap scopes (a view's scope bit; UI_SCOPE_ANY for every view) */
enum {
    UI_SCOPE_ANY = 1, UI_SCOPE_LIST = 2 /* scrolling views */, UI_SCOPE_QUEUE = 4,
    UI_SCOPE_ALERT = 8, UI_SCOPE_FORM = 16, UI_SCOPE_HISTORY = 32, UI_SCOPE_PAGER = 64,
};

typedef struct ui_keymap {
    int key;              /* curses key code or character */
    enum ui_req req;
    unsigned scope;
    const char *help;     /* NULL: not listed (an alias listed by the entry before) */
} ui_keymap;
extern const ui_keymap ui_keymap_table[];
/* The request for key in a view of the given scope (view-specific entries first). */
enum ui_req ui_keymap_lookup(int key, unsigned scope);
const char *ui_key_name(int key, char buf[16]);
/* tig-like key names: "<Enter>", "<C-l>", "x"; returns the key or -1. Advances *s. */
int ui_key_parse(const char **s);

/* ---- styled text ---- */
enum { UI_BOLD = 1, UI_UL = 2, UI_REV = 4, UI_DIM = 8 };
enum ui_color {
    UI_C_NONE = 0, UI_C_CRIT, UI_C_HIGH, UI_C_MED, UI_C_LOW, UI_C_TITLE, UI_C_STATUS,
    UI_C_HEAD, UI_C_CODE, UI_C_ADD, UI_C_DEL, UI_C_HUNK, UI_C_MARK, UI_C_OK, UI_C_ERR,
    UI_C__COUNT
};
#define UI_COLOR(c) ((c) << 8)

typedef struct ui_seg { char *text; int attr; } ui_seg;
typedef struct ui_line {
    ui_seg *segs;
    size_t n;
    int kind;             /* view defined (0 = plain) */
    long data;            /* view defined payload (event / alert index) */
} ui_line;
typedef struct ui_text {
    ui_line *v;
    size_t n, cap;
    size_t top, cur;
    int cursor;           /* show a cursor line (else pure scrolling) */
    int skip_plain;       /* the cursor stops only on lines of a kind (not blank lines, headings) */
    size_t hscroll;       /* columns scrolled sideways (pagers: the raw view) */
    int detail;           /* with a cursor: the selected line in full under the list */
} ui_text;
void ui_text_clear(ui_text *t);
ui_line *ui_text_line(ui_text *t, int kind, long data);
/* Sanitize (single line) and append to the line. */
void ui_line_add(ui_line *l, const char *s, int attr);
void ui_line_addf(ui_line *l, int attr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sanitize with CT_SAN_MULTILINE and add one line per text line. */
void ui_text_add_block(ui_text *t, const char *s, size_t n, int attr, int kind, long data);
void ui_text_draw(ui_text *t, int y, int h, int w);
/* Scrolling requests on a ui_text of visible height h; 1 if handled. */
int ui_text_request(ui_text *t, enum ui_req req, int h);
/* ---- search (search.c): ui.search as a case-insensitive POSIX ERE ---- */
/* find the next match in direction dir: 0 none, 1 found, 2 found after wrapping */
typedef int (*ui_search_fn)(void *ctx, int dir);
/* REQ_SEARCH (prompts), REQ_SEARCH_NEXT / _PREV: run find, say not found / wrapped */
void ui_search_request(enum ui_req req, ui_search_fn find, void *ctx);
int ui_text_find(void *ctx, int dir); /* ctx: a ui_text */
/* 1 if s matches the current search (byte offsets of the match in *so, *eo) */
int ui_search_match(const char *s, size_t *so, size_t *eo);
void ui_search_highlight(int y, int h, int w); /* mark the matches drawn on those rows */
void ui_search_off(void);                       /* :nohlsearch */

/* ---- drawing ---- */
/* The console's text for s (raw, hostile): sanitized (flags as ct_san_display),
 * an emoji's variation selector dropped (ncurses and the terminal would not
 * agree on its width), and, when the terminal charset is not UTF-8, every code
 * point it cannot show as "<U+XXXX>". Still UTF-8, measured by ct_san_width;
 * ui_put converts it to the charset's bytes. Appends. */
void ui_term_text(const char *s, int flags, ct_sbuf *out);
void ui_term_textn(const char *s, size_t n, int flags, ct_sbuf *out);
/* For text a core renderer lays out and sanitizes itself (a guide's markdown):
 * the same but for the sanitizing (an emoji's selector dropped, what the
 * charset lacks as "<U+XXXX>"), so that its widths are the console's. */
void ui_term_raw(const char *s, ct_sbuf *out);
attr_t ui_attr(int attr);
/* Draw s (any text: it is sanitized) at y,x within w columns, padded with
 * spaces when pad. Returns the columns used. */
int ui_put(int y, int x, int w, const char *s, int attr, int pad);
void ui_fill(int y, int x, int w, int attr);
/* Word-wrap s (sanitized) to w columns into up to max lines (initialised
 * ct_sbufs; lines after the first indented by indent); the last line is cut
 * with "~" when the text is longer. Returns the lines used (>= 1). */
int ui_wrap(const char *s, int w, int indent, ct_sbuf *out, int max);
void ui_hline(int y, int x, int w);
const char *ui_sev_label(const char *sev);
int ui_sev_attr(const char *sev);
const char *ui_status_short(ct_status st);
const char *ui_status_name(ct_status st);
int ui_sev_rank(const char *sev);
/* Sparkline of counts (n buckets) into out, UTF-8 blocks or ASCII. */
void ui_sparkline(const size_t *counts, size_t n, ct_sbuf *out);
void ui_fmt_time(int64_t ms, int full, char out[32]);

/* ---- views ---- */
struct ui_view;
typedef struct ct_view_ops {
    const char *name;
    unsigned scope;
    void (*draw)(struct ui_view *v, int y, int h, int w);
    /* a raw key before the keymap (text fields); 1 = consumed */
    int (*input)(struct ui_view *v, int key);
    /* a request from the keymap; 1 = handled */
    int (*request)(struct ui_view *v, enum ui_req req);
    /* a ':' command the view knows; 1 = handled */
    int (*command)(struct ui_view *v, const char *cmd, const char *args);
    void (*title)(struct ui_view *v, ct_sbuf *out);
    void (*save_draft)(struct ui_view *v); /* hang-up / leaving: keep typed text */
    void (*close)(struct ui_view *v);
    /* the data changed (a commit, a revert, :window): rebuild */
    void (*reload)(struct ui_view *v);
    /* the event under the cursor (p pivots, y yanks its values), -1 if none */
    long (*event)(struct ui_view *v);
    /* the view's text as plain lines (| pipes it to $PAGER) */
    void (*text)(struct ui_view *v, ct_sbuf *out);
} ct_view_ops;

typedef struct ui_view {
    const ct_view_ops *ops;
    void *priv;
    int h, w;             /* body size at the last draw */
} ui_view;

extern const ct_view_ops ui_queue_ops, ui_alert_ops, ui_fp_ops, ui_remediate_ops,
    ui_history_ops, ui_help_ops, ui_pager_ops, ui_events_ops, ui_diag_ops, ui_team_ops;

/* ---- pivots and data out (view_events.c) ---- */
enum { UI_LK_EVENT = 1, UI_LK_ALERT = 2 }; /* ui_line kinds: data is an event / alert index */
void ui_event_line(ui_text *t, size_t ev, size_t self); /* one event, self marked */
void ui_text_plain(const ui_text *t, ct_sbuf *out);
/* every loaded event whose FIELD (entity/user, actor, target, app, ip, key) is value */
int ui_open_events(const char *field, const char *value);
void ui_pivot(void);     /* p: choose a value of the event under the cursor, open its events */
void ui_yank(void);      /* y: choose a value, copy it with OSC 52, say what was copied */
void ui_pipe_view(void); /* |: the top view's text to $PAGER */

/* the console */
typedef struct ui_state {
    const char *prog;      /* the program's name, for messages on stderr */
    ct_session s;
    int session_ok;
    int loading;           /* alerts are still being added (progressive load): browse only */
    int color, utf8, acs;
    ui_view *stack[16];
    int nstack;
    char msg[512];
    int msg_err;
    int quit;
    unsigned gen;          /* bumped after every change of alert statuses */
    /* status line */
    char *branch;
    int has_upstream;
    size_t ahead, behind;
    char *identity;
    char progress[128];
    size_t ndiag;
    char search[256];      /* last / search */
    char label[32];        /* the incident a decision on several alerts is for ("" if tagged alerts) */
} ui_state;
extern ui_state ui;

void ui_msg(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_push(const ct_view_ops *ops, void *priv);
/* The load's diagnostics kept so far (load.c), "FILE:LINE: reason" each. */
size_t ui_load_diags(const char *const **v);
void ui_pop(void);
ui_view *ui_top(void);
void ui_refresh_all(void);         /* statuses changed: every view refreshes */
void ui_status_update(void);       /* re-read branch, ahead/behind */
void ui_status_draw(int y, int w);
/* Read a line on the message row (prompt), with the main loop's key source.
 * Returns a malloc'd string, or NULL when cancelled. */
char *ui_prompt(const char *prompt, const char *initial);
/* The next key from the script or the terminal; UI_KEY_TICK while loading
 * when nothing was pressed but the loader published (redraw, no key). */
int ui_next_key(void);
#define UI_KEY_TICK (KEY_MAX + 1)
void ui_redraw(void);              /* draw everything now */
int ui_command(const char *line); /* run one ':' command */

/* actions shared by the queue and the detail view */
void ui_act_ack(ct_alert **a, size_t n, const char *note);
void ui_act_reopen(ct_alert **a, size_t n, const char *note);
void ui_act_fp(ct_alert **a, size_t n);
void ui_act_remediate(ct_alert **a, size_t n); /* the form of a[0], committed for each */
void ui_act_history(void);
/* view_team.c: the assign and note forms for the alerts (one commit); with
 * to / text (the : commands) committed at once without a form */
void ui_act_assign(ct_alert **a, size_t n, const char *to);
void ui_act_note(ct_alert **a, size_t n, const char *text);
/* the `to` of :assign ARGS / :unassign: NULL (the form), "" (nobody) or ARGS */
const char *ui_assign_arg(const char *cmd, const char *args);
void ui_open_alert(ct_alert *a);
void ui_open_event(size_t ev, const char *title);
void ui_open_pager(const char *title, ui_text *t); /* takes t's lines */
void ui_event_text(size_t ev, ui_text *t); /* raw record + ECS document, pretty */
char *ui_alert_fill(const ct_alert *a, const char *md); /* guide with the alert's values */
/* The alert's display entities (sanitized by the drawing code). */
const char *ui_alert_actor(const ct_alert *a);
const char *ui_alert_target(const ct_alert *a);

/* text field (forms) */
typedef struct ui_field { ct_sbuf text; size_t pos; } ui_field;
/* 1 for a key that types a character (not Space): in a form it goes to a text field */
int ui_key_types(int key);
/* the focus marker in column 0 of a form row (blank when not focused) */
void ui_focus_mark(int y, int focused);
/* Ask a y/n question on the message line; 1 for y. */
int ui_confirm(const char *question);
/* 1 if key edited the field */
int ui_field_key(ui_field *f, int key);
void ui_field_draw(ui_field *f, int y, int x, int w, int focused);

/* drafts: $XDG_STATE_HOME/credtriage/drafts/<alert id>.<rules repo>.<form>.txt */
void ui_draft_save(const char *alert_id, const char *form, const char *text);
/* NULL if none; else the text, and note says it was restored and when */
char *ui_draft_load(const char *alert_id, const char *form, char note[128]);
void ui_draft_remove(const char *alert_id, const char *form);

/* ---- the console's main loop (ui.c) as the loader (load.c) uses it ---- */
extern pthread_mutex_t ui_mu; /* the session's lock: held by the main thread but while it waits */
int ui_mu_wanted(void); /* the main thread is waiting for ui_mu: the loader lets it go first */
double ui_now_ms(void);
double ui_since_start_ms(void); /* since the console started (traces) */
double ui_cpu_ms(void);         /* the calling thread's CPU time (traces) */
int ui_too_small(void);
void ui_draw_too_small(void);
void ui_check_signal(void);    /* a hang-up or termination: drafts kept, exit */
void ui_restore_terminal(void);
int ui_script_on(void);
void ui_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- loading (load.c) ---- */
/* Fill o's loading callbacks and hooks (and the test knobs
 * CREDTRIAGE_LOAD_STEP, CREDTRIAGE_LOAD_PAUSE_MS). */
void ui_load_setup(ct_session_opts *o);
void ui_load_screen(void);               /* the loading screen, before the session opens */
/* 1 if there is a rules repo; else says why `verb` is refused and how to fix it */
int ui_need_repo(const char *verb);
/* Start loading and show the loading screen (Q quits) until the first alerts
 * or the end; returns with ui_mu held. -1 with *err when finishing failed. */
int ui_load_start(const char **err);
/* Main thread, ui_mu held: take what the loader published. 1 if anything
 * changed (views reloaded); at the end: finish the session, leave loading. */
int ui_load_sync(void);
int ui_load_completed(void);             /* 1 once, just after the load ended */
void ui_load_free(void);

/* ---- incidents grouped on a thread (queue_inc.c) ---- */
int ui_queue_grouping(void);  /* 1 while the incidents are being grouped */
int ui_queue_grouped(void);   /* 1 when the grouping has ended and its incidents wait to be taken */
/* Main thread: the grouping's progress into ui.progress; when it has ended
 * and take, the queue takes the incidents. 1 if the screen should be drawn again. */
int ui_incidents_poll(int take);
/* the load published: alerts [0, from) are unchanged, the queue's rows are
 * made again for the rest (ui_load_sync, with ui_mu held) */
void ui_queue_published(ui_view *v, size_t from);
/* the loader's, with ui_mu held, before it lets go: the wide queue's index
 * of the actor IPs follows the store (queue_wide.c) */
void ui_queue_wide_catch_up(void);

/* ---- watching the rules repo (watch.c) ---- */
/* From the key loop when nothing was pressed: 1 if the repo changed (HEAD
 * moved: statuses re-read, views refreshed, the notice on the message line). */
int ui_watch_tick(void);
/* The state the statuses were read from: called when the session opens. */
void ui_watch_start(void);
/* Re-read the statuses now and say what came in from others, after what. */
void ui_watch_reread(const char *what);
void ui_watch_sync(void); /* :sync */
void ui_watch_free(void);

/* $EDITOR on text; returns 0 and replaces text, -1 on failure */
int ui_edit_external(ct_sbuf *text);

#endif
