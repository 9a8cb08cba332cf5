/* What the sub-commands share: the program's name, usage errors, loading the
 * FILE operands with its summary line, table cells and JSON lines on stdout,
 * the session commands' common options, error lines and opening the session.
 * Below main.c and every cmd_*.c: it calls none of them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out.h"
#include "sanitize.h"
#include "session.h"
#include "exceptions.h"
#include "triage.h"

const char *ct_prog = "credtriage";

int ct_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    ct_out_printf(stderr, "%s%s%s: ", ct_prog, cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    ct_out_vprintf(stderr, fmt, ap);
    va_end(ap);
    ct_out_printf(stderr, "\nTry '%s%s%s --help'.\n", ct_prog, cmd ? " " : "", cmd ? cmd : "");
    return CT_EXIT_USAGE;
}

void ct_cli_summary(const ct_store *st, FILE *out)
{
    const ct_load_stats *s = &st->stats;
    ct_out_printf(out, "loaded %zu event%s, %zu alert document%s from %zu file%s", s->events,
                  s->events == 1 ? "" : "s", s->alerts, s->alerts == 1 ? "" : "s", st->nsrcs, st->nsrcs == 1 ? "" : "s");
    ct_out_printf(out, "; skipped %zu malformed, %zu duplicate%s, %zu unrecognized", s->skipped,
                  s->duplicates, s->duplicates == 1 ? "" : "s", s->unrecognized);
    ct_out_printf(out, "; %zu id%s shared by different records", s->shared_ids, s->shared_ids == 1 ? "" : "s");
    int first = 1;
    for (int k = 1; k < CT_KIND__COUNT; k++) {
        if (!s->by_kind[k]) continue;
        ct_out_printf(out, "%s%s %zu", first ? " (" : ", ", ct_kind_name((ct_kind)k), s->by_kind[k]);
        first = 0;
    }
    ct_out_printf(out, "%s\n", first ? "" : ")");
}

/* ---- --strict (cli.h) ---- */
static int strict;
static size_t strict_skipped, strict_unrecognized;

int ct_cli_strict_opt(int c)
{
    if (c != 'S') return 0;
    strict = 1;
    return 1;
}

void ct_cli_strict_note(const ct_store *st)
{
    strict_skipped += st->stats.skipped;
    strict_unrecognized += st->stats.unrecognized;
}

static void strict_say(const char *cmd, const char *then)
{
    ct_out_printf(stderr, "%s%s%s: --strict: %zu record%s skipped, %zu unrecognized (see the lines above)%s\n",
                  ct_prog, cmd ? " " : "", cmd ? cmd : "", strict_skipped, strict_skipped == 1 ? "" : "s",
                  strict_unrecognized, then);
}

int ct_cli_strict_refuse(const char *cmd)
{
    if (!strict || !(strict_skipped || strict_unrecognized)) return CT_EXIT_OK;
    ct_sbuf then;
    ct_sbuf_init(&then);
    ct_sbuf_addf(&then, "; %s refused", cmd);
    strict_say(cmd, then.buf);
    ct_sbuf_free(&then);
    strict_skipped = strict_unrecognized = 0; /* said once */
    return CT_EXIT_SKIPPED;
}

int ct_cli_strict_end(int rc)
{
    if (rc != CT_EXIT_OK || !strict || !(strict_skipped || strict_unrecognized)) return rc;
    strict_say(NULL, "");
    return CT_EXIT_SKIPPED;
}

int ct_cli_load(ct_store *st, char *const *files, int nfiles, int summary)
{
    int failed = ct_store_load_all(st, files, nfiles);
    if (summary) ct_cli_summary(st, stderr);
    ct_cli_strict_note(st);
    return failed ? CT_EXIT_INPUT : CT_EXIT_OK;
}

/* The cells that are not printable ASCII that fits (rule names cut to their
 * column, names in other scripts) repeat from row to row: their finished
 * bytes are kept, by content and width (a cache per thread that formats). */
#define CELL_CACHE 64
#define CELL_KEY_MAX 128
struct ct_cli_cells {
    struct cell {
        int width;
        char key[CELL_KEY_MAX];
        char *out;
        size_t len;
    } c[CELL_CACHE];
};

ct_cli_cells *ct_cli_cells_new(void)
{
    return ct_xcalloc(1, sizeof(ct_cli_cells));
}

void ct_cli_cells_free(ct_cli_cells *cc)
{
    if (!cc) return;
    for (size_t i = 0; i < CELL_CACHE; i++) free(cc->c[i].out);
    free(cc);
}

static void cell_write(const char *s, int width, ct_sbuf *to)
{
    ct_sbuf cut;
    ct_sbuf_init(&cut);
    ct_san_line(s, width, &cut);
    int pad = width - ct_san_width(cut.buf);
    for (int i = 0; i < pad; i++) ct_sbuf_addc(&cut, ' ');
    ct_sbuf_addc(&cut, ' ');
    /* already sanitized: only the charset's conversion is left (a scan of
     * 230k alerts prints two million cells; formatting each again cost more
     * than the rules) */
    if (ct_out_utf8()) {
        ct_sbuf_addn(to, cut.buf, cut.len);
    } else {
        ct_out_conv(cut.buf, cut.len, to);
    }
    ct_sbuf_free(&cut);
}

void ct_cli_cell_add(ct_sbuf *b, ct_cli_cells *cc, const char *s, int width)
{
    if (!s) s = "-";
    /* printable ASCII that fits: sanitizing and measuring give it back as it
     * is, one column a byte (most cells; a scan of 230k alerts prints two
     * million of them) */
    size_t n = 0;
    uint64_t h = 1469598103934665603ull;
    while ((unsigned char)s[n] >= 0x20 && (unsigned char)s[n] < 0x7F) n++;
    if (!s[n] && width > 0 && n <= (size_t)width && ct_out_utf8()) {
        static const char spaces[] = "                                                                ";
        ct_sbuf_addn(b, s, n);
        /* the padding and the space after the cell */
        for (size_t pad = (size_t)width - n + 1; pad;) {
            size_t k = pad < sizeof spaces - 1 ? pad : sizeof spaces - 1;
            ct_sbuf_addn(b, spaces, k);
            pad -= k;
        }
        return;
    }
    n += strlen(s + n);
    struct cell *c = NULL;
    if (n < CELL_KEY_MAX) {
        for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
        h ^= (uint64_t)(unsigned)width * 0x9E3779B97F4A7C15ull;
        c = &cc->c[(h ^ h >> 29) % CELL_CACHE];
        if (c->out && c->width == width && !strcmp(c->key, s)) {
            ct_sbuf_addn(b, c->out, c->len);
            return;
        }
    }
    ct_sbuf t;
    ct_sbuf_init(&t);
    cell_write(s, width, &t);
    ct_sbuf_addn(b, t.buf, t.len);
    if (c) { /* keep it, in place of what was in its slot */
        free(c->out);
        c->width = width;
        memcpy(c->key, s, n + 1);
        c->out = t.buf;
        c->len = t.len;
        return;
    }
    ct_sbuf_free(&t);
}

void ct_cli_print_cell(const char *s, int width)
{
    /* the process's table printer: one thread, its cache and buffer kept */
    static ct_cli_cells *cells;
    static ct_sbuf b;
    if (!cells) {
        cells = ct_cli_cells_new();
        ct_sbuf_init(&b);
    }
    b.len = 0;
    ct_cli_cell_add(&b, cells, s, width);
    fwrite(b.buf, 1, b.len, stdout);
}

void ct_cli_json_line_add(ct_sbuf *out, const cJSON *v)
{
    char *s = cJSON_PrintUnformatted(v);
    if (s) {
        /* cJSON escapes C0 but prints C1, bidi overrides (U+202E) and
         * zero-width characters raw: escape them as \uXXXX (hostile logs). */
        ct_san_json_text(s, strlen(s), ct_out_utf8() ? 0 : CT_SAN_ASCII, out);
        ct_sbuf_addc(out, '\n');
        free(s);
    }
}

void ct_cli_print_json_line(const cJSON *v)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_cli_json_line_add(&b, v);
    fwrite(b.buf, 1, b.len, stdout);
    ct_sbuf_free(&b);
}

/* Options every session command shares. Returns the option char handled, 0 if not ours. */
int ct_cli_session_opt(int c, const char *arg, struct ct_session_opts *o)
{
    switch (c) {
    case 'S': return ct_cli_strict_opt(c) ? c : 0;
    case 'R': o->repo_dir = arg; return c;
    case 'A': o->analyst = arg; return c;
    case 'P': o->replace_others = 1; return c;
    case 'W':
        if (ct_duration_parse(arg, &o->window_ms) < 0) return -1;
        o->window_set = 1;
        return c;
    }
    return 0;
}

void ct_cli_put_err(const char *cmd, const char *msg)
{
    ct_out_printf(stderr, "credtriage %s: ", cmd);
    ct_out_block(stderr, msg ? msg : "", msg ? strlen(msg) : 0);
    fputc('\n', stderr);
}

int ct_cli_open_session(const char *cmd, struct ct_session *s, struct ct_session_opts *o, int need_repo,
                        const char *no_repo_fmt)
{
    o->need_repo = need_repo;
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_session_open(s, o, &err) < 0) {
        ct_cli_put_err(cmd, err.buf);
        ct_sbuf_free(&err);
        ct_session_close(s);
        return CT_EXIT_REPO;
    }
    ct_sbuf_free(&err);
    ct_cli_strict_note(&s->store);
    if (need_repo && !s->repo) {
        /* ct_session_open succeeds without a repo (scan runs on the shipped
         * rules), so a command that needs one refuses here. */
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_addf(&m, no_repo_fmt, s->repo_dir ? s->repo_dir : "?");
        ct_cli_put_err(cmd, m.buf);
        ct_sbuf_free(&m);
        ct_session_close(s);
        return CT_EXIT_REPO;
    }
    /* a session with a repo to write to: under --strict, lost records refuse it here */
    int rc = need_repo ? ct_cli_strict_refuse(cmd) : CT_EXIT_OK;
    if (rc) ct_session_close(s);
    return rc;
}

/* ---- fp: the --entry / --exclude arguments (cli.h) ---- */

/* "actor id", "actor-id", "actor_id", "ACTOR ID" are one label. */
static int label_eq(const char *label, const char *arg)
{
    for (; *label && *arg; label++, arg++) {
        char a = *label == ' ' ? '-' : *label, b = (*arg == ' ' || *arg == '_') ? '-' : *arg;
        if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = (char)(b - 'A' + 'a');
        if (a != b) return 0;
    }
    return !*label && !*arg;
}

/* Resolve the --entry/--exclude arguments into checked candidates. 0 ok. */
int ct_cli_resolve_entries(ct_session *s, const ct_alert *a, const ct_exc_candidate *cands, size_t ncands,
                           const entry_arg *args, size_t nargs, ct_exc_candidate *out, ct_sbuf *err)
{
    for (size_t i = 0; i < nargs; i++) {
        const char *spec = args[i].spec;
        const char *eq = strchr(spec, '=');
        char *field = eq ? ct_xstrndup(spec, (size_t)(eq - spec)) : ct_xstrdup(spec);
        ct_exc_candidate *c = &out[i];
        memset(c, 0, sizeof *c);
        c->checked = 1;
        c->excluded = args[i].excluded;
        const ct_exc_candidate *lab = NULL;
        for (size_t k = 0; k < ncands && !lab; k++)
            if (label_eq(cands[k].label, field)) lab = &cands[k];
        if (lab) {
            c->field = ct_xstrdup(lab->field);
            c->label = ct_xstrdup(lab->label);
            c->value = ct_xstrdup(eq ? eq + 1 : lab->value);
            free(field);
            continue;
        }
        if (!strchr(field, '.')) {
            ct_sbuf_addf(err, "'%s' is neither a candidate label of this alert nor a dotted field name "
                              "(see --dry-run)", field);
            free(field);
            return -1;
        }
        c->field = field;
        for (size_t k = 0; k < ncands; k++)
            if (!strcmp(cands[k].field, field)) c->label = ct_xstrdup(cands[k].label);
        if (eq) {
            c->value = ct_xstrdup(eq + 1);
        } else {
            c->value = ct_triage_field_value(s, a, field);
            if (!c->value && !c->excluded) {
                ct_sbuf_addf(err, "the alert has no value for %s (give FIELD=VALUE)", field);
                return -1;
            }
            /* --exclude FIELD the alert does not have: the field must be absent */
        }
        if (c->value && !*c->value) {
            ct_sbuf_addf(err, "empty value for %s", field);
            return -1;
        }
    }
    return 0;
}

void ct_cli_print_candidates(FILE *f, const ct_exc_candidate *c, size_t n)
{
    ct_out_printf(f, "candidate entries (--entry LABEL, --entry FIELD[=VALUE], --exclude FIELD[=VALUE]):\n");
    for (size_t i = 0; i < n; i++) {
        ct_sbuf lab;
        ct_sbuf_init(&lab);
        for (const char *p = c[i].label; *p; p++) ct_sbuf_addc(&lab, *p == ' ' ? '-' : *p);
        ct_out_printf(f, "  %-16s %s = \"%s\"\n", lab.buf, c[i].field, c[i].value ? c[i].value : "");
        ct_sbuf_free(&lab);
    }
}

int ct_cli_parse_expiry(const char *s, int64_t *out)
{
    if (ct_time_parse(s, strlen(s), out) == 0) return 0;
    int64_t d;
    if (ct_duration_parse(s, &d) == 0 && d > 0) {
        *out = ct_exc_now() + d;
        return 0;
    }
    return -1;
}

