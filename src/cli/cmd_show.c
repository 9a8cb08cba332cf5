/* credtriage show: one alert with everything around it — summary, the filled
 * investigation guide, the same target, the same actor, the use of the added
 * credential, related alerts and history — as text for a ticket, or as one
 * JSON object. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out.h"
#include "sanitize.h"
#include "show.h"
#include "gitstore.h"
#include "notes.h"

/* ct_sbuf_detach re-initialises the buffer (allocating): free that too. */
static char *take(ct_sbuf *b)
{
    char *s = ct_sbuf_detach(b);
    ct_sbuf_free(b);
    return s;
}

/* ---- text ---- */

/* s made safe for one terminal line, into a fresh buffer. */
static char *safe(const char *s)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_displayz(s ? s : "-", 0, &b);
    return take(&b);
}

static void put_safe(const char *s)
{
    char *t = safe(s);
    ct_out_block(stdout, t, strlen(t));
    free(t);
}

static const char *evs(const ct_store *st, size_t i, enum ct_ef f)
{
    return ct_event_str(st, &st->ev[i], f);
}

static const char *either(const ct_store *st, size_t i, enum ct_ef a, enum ct_ef b)
{
    const char *s = evs(st, i, a);
    return s ? s : evs(st, i, b);
}

/* "name (id; type)" with the parts that exist, sanitized. */
static void put_entity(const char *name, const char *id, const char *type)
{
    if (!name && !id) {
        fputs("-", stdout);
        if (type) {
            fputs(" (", stdout);
            put_safe(type);
            fputs(")", stdout);
        }
        return;
    }
    put_safe(name ? name : id);
    int paren = 0;
    if (name && id && strcmp(name, id)) {
        fputs(" (", stdout);
        put_safe(id);
        paren = 1;
    }
    if (type) {
        fputs(paren ? "; " : " (", stdout);
        put_safe(type);
        paren = 1;
    }
    if (paren) fputs(")", stdout);
}

static void label(const char *l)
{
    ct_out_printf(stdout, "  %-11s ", l);
}

static void heading(const char *title)
{
    size_t n = strlen(title);
    ct_out_printf(stdout, "\n%s\n", title);
    for (size_t i = 0; i < n; i++) putchar('=');
    putchar('\n');
}

static void print_summary(const ct_session *s, const ct_alert *a)
{
    const ct_store *st = &s->store;
    size_t e = a->event;
    char t[32];
    ct_time_fmt(a->ts, t);
    ct_out_printf(stdout, "Alert %s: ", a->id);
    put_safe(a->rule_name ? a->rule_name : "(unknown rule)");
    putchar('\n');
    label("rule");
    put_safe(a->rule_id ? a->rule_id : "-");
    ct_out_printf(stdout, " (%s)\n", a->origin == CT_ORIGIN_ELASTIC ? "imported Elastic alert" : "credtriage rule");
    label("severity");
    put_safe(a->severity ? a->severity : "-");
    ct_out_printf(stdout, ", risk %d\n", a->risk_score);
    label("status");
    fputs(ct_status_name(a->status), stdout);
    if (a->suppressed_by) {
        fputs(" (exception ", stdout);
        put_safe(a->suppressed_by);
        fputs(")", stdout);
    }
    if (a->decision_by) {
        fputs(", by ", stdout);
        put_safe(a->decision_by);
    }
    if (a->elastic_status) {
        fputs(" (in Elastic: ", stdout);
        put_safe(a->elastic_status);
        if (a->elastic_user) {
            fputs(" by ", stdout);
            put_safe(a->elastic_user);
        }
        fputs(")", stdout);
    }
    putchar('\n');
    if (s->repo) { /* the team's: who has it, and the note thread */
        ct_assignment as;
        const char *root = ct_repo_workdir(s->repo);
        if (ct_assignment_load(root, a->id, a->ts, &as) == 1 && *as.assignee) {
            label("assigned");
            put_safe(as.assignee);
            putchar('\n');
        }
        ct_assignment_free(&as);
        ct_note *notes = NULL;
        size_t nn = 0;
        ct_notes_load(root, a->id, a->ts, &notes, &nn);
        for (size_t i = 0; i < nn; i++) {
            char nt[32];
            ct_time_fmt(notes[i].at, nt);
            label(i ? "" : "notes");
            ct_out_printf(stdout, "%s ", nt);
            put_safe(notes[i].author);
            fputs(": ", stdout);
            put_safe(notes[i].text);
            putchar('\n');
        }
        ct_notes_free(notes, nn);
    }
    label("when");
    ct_out_printf(stdout, "%s\n", t);
    label("who");
    put_entity(evs(st, e, CT_EF_ACTOR_NAME), evs(st, e, CT_EF_ACTOR_ID), evs(st, e, CT_EF_ACTOR_TYPE));
    putchar('\n');
    label("what");
    put_safe(evs(st, e, CT_EF_ACTION));
    const char *outcome = evs(st, e, CT_EF_OUTCOME);
    if (outcome) {
        fputs(" (", stdout);
        put_safe(outcome);
        fputs(")", stdout);
    }
    putchar('\n');
    label("target");
    put_entity(evs(st, e, CT_EF_TARGET_NAME), evs(st, e, CT_EF_TARGET_ID), evs(st, e, CT_EF_TARGET_TYPE));
    const char *app = evs(st, e, CT_EF_TARGET_APP_ID);
    if (app) {
        fputs(", app id ", stdout);
        put_safe(app);
    }
    putchar('\n');
    const char *named = evs(st, e, CT_EF_NAMED);
    if (named) { /* the new owner of "Add owner to application" */
        label("names");
        put_safe(named);
        fputs(" (named by the change, not its target)\n", stdout);
    }
    label("credential");
    const char *cid = evs(st, e, CT_EF_CRED_ID), *ctype = evs(st, e, CT_EF_CRED_TYPE);
    const char *cname = evs(st, e, CT_EF_CRED_NAME), *cend = evs(st, e, CT_EF_CRED_END);
    put_safe(cid ? cid : "-");
    if (ctype || cname || cend) {
        int first = 1;
        fputs(" (", stdout);
        if (ctype) {
            put_safe(ctype);
            first = 0;
        }
        if (cname) {
            fputs(first ? "name \"" : ", name \"", stdout);
            put_safe(cname);
            fputs("\"", stdout);
            first = 0;
        }
        if (cend) {
            fputs(first ? "ends " : ", ends ", stdout);
            put_safe(cend);
        }
        fputs(")", stdout);
    }
    putchar('\n');
    label("from");
    const char *ip = evs(st, e, CT_EF_ACTOR_IP);
    put_safe(ip);
    if (ip && !ct_ip_valid(ip)) fputs(" (as written: not a valid IP address)", stdout);
    const char *ua = evs(st, e, CT_EF_ACTOR_UA);
    if (ua) {
        fputs(", user agent ", stdout);
        put_safe(ua);
    }
    putchar('\n');
    label("record");
    put_safe(ct_event_file(st, &st->ev[e]));
    char place[64];
    ct_out_printf(stdout, "%s\n", ct_event_place(&st->ev[e], place));
    /* the same change through other exports: counted and shown once */
    size_t m[16];
    size_t nm = s->corr ? ct_changes_members(ct_corr_changes(s->corr), e, m, 16) : 0;
    if (nm > 1) {
        label("also in");
        for (size_t i = 0, k = 0; i < nm && i < 16; i++) {
            if (m[i] == e) continue;
            fputs(k++ ? ", " : "", stdout);
            put_safe(ct_event_file(st, &st->ev[m[i]]));
            ct_out_printf(stdout, "%s", ct_event_place(&st->ev[m[i]], place));
        }
        putchar('\n');
    }
}

/* Column layout of an event table: widths from the content, capped. */
enum { COL_TIME, COL_ACTION, COL_ACTOR, COL_TARGET, COL_IP, COL_OUTCOME, COL_SOURCES, NCOLS };
static const char *const col_names[NCOLS] = {"TIME", "ACTION", "ACTOR", "TARGET", "IP", "OUTCOME",
                                             "SOURCES"};
static const int col_caps[NCOLS] = {24, 48, 36, 32, 39, 8, 48};

/* What an event reached: its target, else (a sign-in) the application signed
 * in with or the resource reached. */
static char *target_cell(const ct_store *st, size_t i)
{
    const char *t = either(st, i, CT_EF_TARGET_NAME, CT_EF_TARGET_ID);
    if (t) return safe(t);
    ct_sbuf b;
    ct_sbuf_init(&b);
    const char *app = evs(st, i, CT_EF_CLIENT_APP), *res = evs(st, i, CT_EF_RESOURCE);
    if (app || res) {
        ct_sbuf_add(&b, app ? "via " : "to ");
        ct_san_displayz(app ? app : res, 0, &b);
    } else {
        ct_sbuf_add(&b, "-");
    }
    return take(&b);
}

static void row_cells(const ct_session *s, size_t i, char *cells[NCOLS])
{
    const ct_store *st = &s->store;
    char t[32];
    ct_time_fmt(st->ev[i].ts, t);
    cells[COL_TIME] = safe(t);
    cells[COL_ACTION] = safe(evs(st, i, CT_EF_ACTION));
    cells[COL_ACTOR] = safe(either(st, i, CT_EF_ACTOR_NAME, CT_EF_ACTOR_ID));
    cells[COL_TARGET] = target_cell(st, i);
    cells[COL_IP] = safe(evs(st, i, CT_EF_ACTOR_IP));
    cells[COL_OUTCOME] = safe(evs(st, i, CT_EF_OUTCOME));
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_show_sources_text(s, i, &b); /* ASCII kind names */
    cells[COL_SOURCES] = take(&b);
}

static void print_events(const ct_session *s, const size_t *v, size_t n, size_t self)
{
    if (!n) {
        ct_out_printf(stdout, "  (none)\n");
        return;
    }
    char *(*cells)[NCOLS] = ct_xmalloc(n * sizeof *cells);
    int w[NCOLS], ncols = NCOLS - 1; /* SOURCES only when a change has several */
    for (int c = 0; c < NCOLS; c++) w[c] = (int)strlen(col_names[c]);
    for (size_t r = 0; r < n; r++) {
        row_cells(s, v[r], cells[r]);
        if (cells[r][COL_SOURCES][0]) ncols = NCOLS;
        for (int c = 0; c < NCOLS; c++) {
            int cw = ct_san_width(cells[r][c]);
            if (cw > w[c]) w[c] = cw < col_caps[c] ? cw : col_caps[c];
        }
    }
    ct_sbuf cut;
    ct_sbuf_init(&cut);
    fputs("  ", stdout);
    for (int c = 0; c < ncols; c++)
        ct_out_printf(stdout, c == ncols - 1 ? "%-*s\n" : "%-*s  ", c == ncols - 1 ? 0 : w[c], col_names[c]);
    ct_sbuf line;
    ct_sbuf_init(&line);
    for (size_t r = 0; r < n; r++) {
        ct_sbuf_reset(&line);
        ct_sbuf_add(&line, v[r] == self ? "> " : "  ");
        for (int c = 0; c < NCOLS; c++) {
            if (c < ncols) {
                ct_sbuf_reset(&cut);
                ct_san_truncate(cells[r][c], w[c], &cut);
                ct_sbuf_add(&line, cut.buf);
                int pad = w[c] - ct_san_width(cut.buf);
                if (c < ncols - 1) ct_sbuf_addf(&line, "%*s  ", pad > 0 ? pad : 0, "");
            }
            free(cells[r][c]);
        }
        while (line.len && line.buf[line.len - 1] == ' ') line.buf[--line.len] = 0;
        ct_out_printf(stdout, "%s\n", line.buf);
    }
    ct_sbuf_free(&line);
    ct_sbuf_free(&cut);
    free(cells);
}

static void fmt_window(const ct_corr_result *r, int64_t window_ms, char *buf, size_t len)
{
    char from[32], to[32];
    ct_time_fmt(r->window_from, from);
    ct_time_fmt(r->window_to, to);
    long long h = (long long)(window_ms / 3600000);
    if (window_ms % 86400000 == 0 && window_ms >= 86400000)
        snprintf(buf, len, "%lldd each side, %s .. %s", h / 24, from, to);
    else if (window_ms % 3600000 == 0 && window_ms)
        snprintf(buf, len, "%lldh each side, %s .. %s", h, from, to);
    else
        snprintf(buf, len, "%llds each side, %s .. %s", (long long)(window_ms / 1000), from, to);
}

static void print_usage(const ct_session *s, const ct_alert *a, const ct_corr_result *r)
{
    const ct_store *st = &s->store;
    const ct_cred_usage *u = &r->usage;
    const char *cid = evs(st, a->event, CT_EF_CRED_ID);
    heading("Credential usage");
    if (!cid) {
        ct_out_printf(stdout, "  the alert's event names no credential id: its use cannot be traced\n");
        return;
    }
    fputs("  credential ", stdout);
    put_safe(cid);
    if (!u->n) {
        char to[32];
        ct_time_fmt(r->window_to, to);
        ct_out_printf(stdout, ": no use seen in the window (through %s)\n", to);
        return;
    }
    char first[32];
    ct_time_fmt(u->first_use, first);
    ct_out_printf(stdout, ": used %zu time%s in the window, %zu failure%s\n", u->n, u->n == 1 ? "" : "s",
           u->failures, u->failures == 1 ? "" : "s");
    ct_out_printf(stdout, "  first use   %s", first);
    if (a->ts != CT_TIME_NONE && u->first_use != CT_TIME_NONE) {
        int64_t d = (u->first_use - a->ts) / 1000;
        const char *when = d < 0 ? "before" : "after";
        if (d < 0) d = -d;
        if (d < 3600) ct_out_printf(stdout, " (%lldm %llds %s)", (long long)(d / 60), (long long)(d % 60), when);
        else if (d < 86400) ct_out_printf(stdout, " (%lldh %lldm %s)", (long long)(d / 3600), (long long)(d % 3600 / 60), when);
        else ct_out_printf(stdout, " (%lldd %lldh %s)", (long long)(d / 86400), (long long)(d % 86400 / 3600), when);
    }
    putchar('\n');
    ct_out_printf(stdout, "  %zu address%s ", u->nips, u->nips == 1 ? "" : "es");
    for (size_t i = 0; i < u->nips; i++) {
        fputs(i ? ", " : "", stdout);
        put_safe(u->ips[i]);
    }
    putchar('\n');
    ct_out_printf(stdout, "  %zu user agent%s", u->nuas, u->nuas == 1 ? "" : "s");
    for (size_t i = 0; i < u->nuas; i++) {
        fputs(i ? "; " : ": ", stdout);
        put_safe(u->user_agents[i]);
    }
    putchar('\n');
    print_events(s, u->events, u->n, r->self_event);
}

static void print_related(const ct_session *s, const ct_corr_result *r)
{
    char title[96];
    snprintf(title, sizeof title, "Related alerts (%zu: same actor or target, or the new credential)", r->nrelated);
    heading(title);
    if (!r->nrelated) {
        ct_out_printf(stdout, "  (none)\n");
        return;
    }
    ct_out_printf(stdout, "  %-16s  %-24s  %-8s  %-14s  %s\n", "ID", "TIME", "SEVERITY", "STATUS", "RULE");
    for (size_t i = 0; i < r->nrelated; i++) {
        const ct_alert *o = &s->alerts.v[r->related_alerts[i]];
        char t[32];
        ct_time_fmt(o->ts, t);
        char *sev = safe(o->severity);
        ct_out_printf(stdout, "  %-16s  %-24s  %-8s  %-14s  ", o->id, t, sev, ct_status_name(o->status));
        free(sev);
        put_safe(o->rule_name ? o->rule_name : o->rule_id);
        putchar('\n');
    }
}

static void print_history(const ct_corr_result *r)
{
    heading("History (all loaded data, each change once)");
    if (!r->actor_changed_target_before)
        ct_out_printf(stdout, "  first time this actor changed credentials of this target\n");
    else
        ct_out_printf(stdout, "  %zu earlier change%s by this actor\n", r->prior_changes, r->prior_changes == 1 ? "" : "s");
    ct_out_printf(stdout, "  %zu distinct actor%s added credentials to this target\n", r->distinct_actors,
           r->distinct_actors == 1 ? "" : "s");
}

static void print_text(const ct_session *s, const ct_alert *a, const ct_corr_result *r,
                       const char *guide, int64_t window_ms)
{
    char win[128], title[192];
    print_summary(s, a);
    heading("Investigation guide");
    if (*guide) ct_out_block(stdout, guide, strlen(guide));
    else ct_out_printf(stdout, "  (no investigation guide for this rule)\n");
    fmt_window(r, window_ms, win, sizeof win);
    snprintf(title, sizeof title, "Same target (%zu event%s; %s)", r->nsame_target,
             r->nsame_target == 1 ? "" : "s", win);
    heading(title);
    print_events(s, r->same_target, r->nsame_target, r->self_event);
    snprintf(title, sizeof title, "Same actor (%zu event%s; %s)", r->nsame_actor,
             r->nsame_actor == 1 ? "" : "s", win);
    heading(title);
    print_events(s, r->same_actor, r->nsame_actor, r->self_event);
    print_usage(s, a, r);
    print_related(s, r);
    print_history(r);
    heading("Identities (the ids correlated as one, and the records that join them)");
    ct_show_identity_text(s, "actor", r->actor);
    ct_show_identity_text(s, "target", r->target);
}

/* ---- command ---- */

static size_t prefix_matches(const ct_alerts *al, const char *id)
{
    size_t n = 0, len = strlen(id);
    for (size_t i = 0; i < al->n; i++)
        if (!strncmp(al->v[i].id, id, len)) n++;
    return n;
}

int ct_cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},         {"window", required_argument, NULL, 'W'},
        {"repo", required_argument, NULL, 'R'},   {"analyst", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},         CT_CLI_STRICT_OPT, {0, 0, 0, 0}};
    ct_session_opts o = {0};
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
        if (c == 'j') json = 1;
        else if (c == 'h') {
            ct_out_printf(stdout, "usage: credtriage show [--json] [--window DUR] [--repo DIR] [--strict] ALERT_ID FILE...\n"
                   "One alert with its context: summary, the investigation guide filled with the\n"
                   "alert's values, within the window: the same target (its changes, its own\n"
                   "sign-ins and calls), the same actor, every use of the added credential, related\n"
                   "alerts; the history; the ids correlated as one identity and the records that\n"
                   "join them. A change exported several times is one line (docs/CORRELATION.md).\n"
                   "ALERT_ID is the id `scan` prints, or a unique prefix of it (4+ digits).\n"
                   "  --json         one JSON object: alert, guide, same_target, same_actor,\n"
                   "                 credential_usage, usage_summary, related_alerts, history,\n"
                   "                 identities\n"
                   "  --window DUR   correlation window each side of the alert (30m, 1h, 3d, 2w;\n"
                   "                 default 7d)\n"
                   "  --repo DIR     the rules repo (default $CREDTRIAGE_REPO, else the default dir)\n"
                   CT_CLI_STRICT_HELP);
            return CT_EXIT_OK;
        } else {
            int r = ct_cli_session_opt(c, optarg, &o);
            if (r < 0) return ct_cli_usage_error("show", "bad duration '%s' (use e.g. 30m, 1h, 3d, 2w)", optarg);
            if (r == 0) return ct_cli_usage_error("show", "unknown option");
        }
    }
    if (o.window_set && o.window_ms < 0) return ct_cli_usage_error("show", "negative window");
    if (optind >= argc) return ct_cli_usage_error("show", "no ALERT_ID given");
    const char *id = argv[optind++];
    if (optind >= argc) return ct_cli_usage_error("show", "no input FILE given");
    o.files = argv + optind;
    o.nfiles = argc - optind;

    ct_session s;
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_session_open(&s, &o, &err) < 0) {
        fputs("credtriage show: ", stderr);
        char *m = safe(err.buf);
        ct_out_printf(stderr, "%s\n", m);
        free(m);
        ct_sbuf_free(&err);
        ct_session_close(&s);
        return CT_EXIT_REPO;
    }
    ct_sbuf_free(&err);
    ct_cli_strict_note(&s.store);
    int rc = s.missing_files ? CT_EXIT_INPUT : CT_EXIT_OK;
    ct_alert *a = ct_alerts_find(&s.alerts, id);
    if (!a) {
        char *sid = safe(id);
        size_t n = strlen(id) >= 4 ? prefix_matches(&s.alerts, id) : 0;
        if (n > 1)
            ct_out_printf(stderr, "credtriage show: '%s' is ambiguous (%zu alerts start with it); give more digits\n", sid, n);
        else if (strlen(id) < 4)
            ct_out_printf(stderr, "credtriage show: '%s' is too short: give at least 4 digits of the alert id\n", sid);
        else
            ct_out_printf(stderr, "credtriage show: no alert '%s' in the loaded data (%zu alerts; see `credtriage scan`)\n",
                    sid, s.alerts.n);
        free(sid);
        ct_session_close(&s);
        return CT_EXIT_NOTFOUND;
    }
    ct_corr_result r;
    if (!s.corr || ct_corr_alert(s.corr, a, &s.alerts, s.window_ms, &r) < 0) {
        ct_out_printf(stderr, "credtriage show: alert %s could not be correlated\n", a->id);
        ct_session_close(&s);
        return CT_EXIT_FINDINGS;
    }
    char *guide = ct_show_guide_text(&s, a);
    if (json) ct_show_print_json(&s, a, &r, guide);
    else print_text(&s, a, &r, guide, s.window_ms);
    free(guide);
    ct_corr_result_free(&r);
    ct_session_close(&s);
    return rc;
}
