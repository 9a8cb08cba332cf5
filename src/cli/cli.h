/* cli: the command line (src/cli): exit codes, the command table (main.c), the
 * sub-commands (cmd_*.c) and what they share (cmd_common.c). Nothing in the
 * core or in ui/ includes this. */
#ifndef CT_CLI_H
#define CT_CLI_H
#include "store.h"

enum {
    CT_EXIT_OK = 0,
    CT_EXIT_FINDINGS = 1, /* check found problems; a refused action */
    CT_EXIT_USAGE = 2,    /* bad command line */
    CT_EXIT_INPUT = 3,    /* an input file could not be read */
    CT_EXIT_REPO = 4,     /* the rules repo or git failed */
    CT_EXIT_NOTFOUND = 5, /* the alert or commit named does not exist */
    CT_EXIT_SKIPPED = 6,  /* --strict: a record was skipped or not recognized */
};

typedef struct ct_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;   /* one line: arguments */
    const char *summary; /* one line: what it does */
} ct_cmd;

extern const ct_cmd ct_cmds[];
extern const char *ct_prog;

/* Load the FILE... operands into st with diagnostics on stderr and a summary
 * line when verbose; returns CT_EXIT_OK or CT_EXIT_INPUT (some file missing). */
int ct_cli_load(ct_store *st, char *const *files, int nfiles, int summary);
void ct_cli_summary(const ct_store *st, FILE *out);
/* --strict, one option with one meaning for every command that reads logs
 * (events, scan, query, esql, incidents, report, show, ack, fp, remediate,
 * reopen, note, assign): a record skipped (malformed) or not recognized, each
 * with its FILE:LINE diagnostic, makes the command exit CT_EXIT_SKIPPED after
 * its output; a command about to write to the rules repo writes nothing.
 * Every option table lists CT_CLI_STRICT_OPT and hands 'S' to
 * ct_cli_strict_opt (ct_cli_session_opt does); every load reports its counts
 * (ct_cli_load, ct_cli_open_session, ct_cli_strict_note); main.c ends every
 * command through ct_cli_strict_end. */
#define CT_CLI_STRICT_OPT {"strict", no_argument, NULL, 'S'}
#define CT_CLI_STRICT_HELP "  --strict     exit 6 when any record was skipped (malformed) or not recognized\n"
int ct_cli_strict_opt(int c);                  /* 1 if c is 'S' (--strict), now set */
void ct_cli_strict_note(const ct_store *st);   /* a load's skipped and unrecognized records */
/* before a write: CT_EXIT_SKIPPED (said on stderr, nothing written) under
 * --strict when a load lost records, else CT_EXIT_OK */
int ct_cli_strict_refuse(const char *cmd);
/* rc, or CT_EXIT_SKIPPED (said on stderr) when rc is CT_EXIT_OK, --strict was
 * given and a load lost records */
int ct_cli_strict_end(int rc);
int ct_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a cJSON value as one line to stdout. */
void ct_cli_print_json_line(const cJSON *v);
/* A table cell on stdout: s (NULL: "-") sanitized, cut and padded to width
 * columns, then one space. */
void ct_cli_print_cell(const char *s, int width);
/* The same, and ct_cli_print_json_line's line, appended to a buffer: for
 * rows formatted on several threads, each with its own cells cache (the
 * finished bytes of the cells that needed the sanitizer). Append only in a
 * UTF-8 locale or for JSON: the charset converter is one for the process. */
typedef struct ct_cli_cells ct_cli_cells;
ct_cli_cells *ct_cli_cells_new(void);
void ct_cli_cells_free(ct_cli_cells *cc);
void ct_cli_cell_add(ct_sbuf *b, ct_cli_cells *cc, const char *s, int width);
void ct_cli_json_line_add(ct_sbuf *out, const cJSON *v);
/* cmd_scan_print.c: scan's rows for the alerts s->alerts.v[idx[0..n)], in
 * that order: the table's (json 0) or --json lines, on stdout. */
struct ct_session;
void ct_scan_print_rows(const struct ct_session *s, const size_t *idx, size_t n, int json);

/* cmd_console.c: no sub-command, the console on the FILE operands. */
int ct_cmd_console(int argc, char **argv);
int ct_cmd_events(int argc, char **argv);
int ct_cmd_scan(int argc, char **argv);
int ct_cmd_query(int argc, char **argv);
int ct_cmd_rules(int argc, char **argv);
int ct_cmd_esql(int argc, char **argv);
int ct_cmd_show(int argc, char **argv);
int ct_cmd_incidents(int argc, char **argv);
int ct_cmd_report(int argc, char **argv);
int ct_cmd_ack(int argc, char **argv);
int ct_cmd_fp(int argc, char **argv);
int ct_cmd_remediate(int argc, char **argv);
int ct_cmd_reopen(int argc, char **argv);
int ct_cmd_history(int argc, char **argv);
int ct_cmd_revert(int argc, char **argv);
int ct_cmd_sync(int argc, char **argv);
int ct_cmd_note(int argc, char **argv);
int ct_cmd_assign(int argc, char **argv);
int ct_cmd_exceptions(int argc, char **argv);
int ct_cmd_check(int argc, char **argv);
/* cmd_common.c: what the session commands share. */
/* --repo (R), --analyst (A), --window (W) into session options: the char if
 * handled, 0 if not one of these, -1 on a bad value. */
struct ct_session_opts;
struct ct_session;
int ct_cli_session_opt(int c, const char *arg, struct ct_session_opts *o);
/* "credtriage CMD: MSG" on stderr, MSG sanitized (it may quote log text). */
void ct_cli_put_err(const char *cmd, const char *msg);
/* Open s with o (o->files set by the caller); 0 ok, else CT_EXIT_REPO with the
 * error printed and s closed. When need_repo and no repo could be opened, the
 * error is no_repo_fmt, whose one %s (it may have none) is the repo dir. */
int ct_cli_open_session(const char *cmd, struct ct_session *s, struct ct_session_opts *o, int need_repo,
                        const char *no_repo_fmt);

/* fp's --entry FIELD[=VALUE] / --exclude FIELD[=VALUE] arguments. */
typedef struct {
    char *spec;
    int excluded;
} entry_arg;
struct ct_alert;
struct ct_exc_candidate;
struct ct_sbuf;
/* Resolve them against alert a's candidates into checked entries (out has
 * nargs slots); 0, or -1 with a message. */
int ct_cli_resolve_entries(struct ct_session *s, const struct ct_alert *a, const struct ct_exc_candidate *cands,
                           size_t ncands, const entry_arg *args, size_t nargs, struct ct_exc_candidate *out,
                           struct ct_sbuf *err);
void ct_cli_print_candidates(FILE *f, const struct ct_exc_candidate *c, size_t n);
/* An ISO date/time or a duration from now (30d); 0 ok. */
int ct_cli_parse_expiry(const char *s, int64_t *out);

#endif
