/* credtriage history / revert / sync / exceptions / check: the rules repo as
 * the team's audit trail. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out.h"
#include "decisions.h"
#include "exceptions.h"
#include "repofs.h"
#include "sanitize.h"
#include "session.h"
#include "triage.h"

#define COMMON_OPTS {"repo", required_argument, NULL, 'R'}, {"analyst", required_argument, NULL, 'A'}, \
                    {"help", no_argument, NULL, 'h'}

static void put(FILE *f, const char *s, int flags)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_displayz(s, flags, &b);
    ct_out_block(f, b.buf, b.len);
    ct_sbuf_free(&b);
}

static void quiet(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx;
    (void)file;
    (void)line;
    (void)msg;
}

/* A session without FILE operands: the repo and its rules, rule load
 * messages silenced (check reports them its own way). */
static int open_repo(const char *cmd, ct_session *s, ct_session_opts *o, int need_repo)
{
    o->files = NULL;
    o->nfiles = 0;
    o->diag = quiet;
    return ct_cli_open_session(cmd, s, o, need_repo, "no rules repo at %s (pass --repo DIR)");
}

/* The options of a command that takes only COMMON_OPTS (revert, sync, check):
 * -1 to go on with operands from optind, else the exit code (help: CT_EXIT_OK). */
static int common_opts_only(int argc, char **argv, const char *cmd, const char *help, ct_session_opts *o)
{
    static const struct option opts[] = {COMMON_OPTS, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return CT_EXIT_OK;
        } else if (ct_cli_session_opt(c, optarg, o) <= 0) return ct_cli_usage_error(cmd, "bad option");
    }
    return -1;
}

/* ---- history ------------------------------------------------------------------------- */

int ct_cmd_history(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"exceptions", no_argument, NULL, 'x'},
                                         {"decisions", no_argument, NULL, 'd'},
                                         {"show", required_argument, NULL, 's'},
                                         COMMON_OPTS,
                                         {0, 0, 0, 0}};
    ct_session_opts o = {0};
    int json = 0, exc = 0, dec = 0, c;
    long max = 0;
    const char *show = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jxds:n:h", opts, NULL)) != -1) {
        if (c == 'j') json = 1;
        else if (c == 'x') exc = 1;
        else if (c == 'd') dec = 1;
        else if (c == 's') show = optarg;
        else if (c == 'n') {
            char *end;
            max = strtol(optarg, &end, 10);
            if (*end || max < 0) return ct_cli_usage_error("history", "-n takes a count");
        } else if (c == 'h') {
            ct_out_printf(stdout, "usage: credtriage history [--json] [--exceptions|--decisions] [-n N] [--repo DIR]\n"
                   "       credtriage history --show COMMIT [--repo DIR]\n"
                   "The rules repo's commits, newest first: id, author, date, message and the files\n"
                   "changed (who silenced what and why). --show prints one commit's diff.\n");
            return CT_EXIT_OK;
        } else if (ct_cli_session_opt(c, optarg, &o) <= 0) return ct_cli_usage_error("history", "bad option");
    }
    if (optind < argc) return ct_cli_usage_error("history", "unexpected argument '%s'", argv[optind]);
    ct_session s;
    int rc = open_repo("history", &s, &o, 0);
    if (rc) return rc;
    if (!s.repo) {
        ct_cli_put_err("history", "no rules repo (pass --repo DIR)");
        ct_session_close(&s);
        return CT_EXIT_REPO;
    }
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (show) {
        ct_sbuf patch;
        ct_sbuf_init(&patch);
        if (ct_repo_show(s.repo, show, &patch, &err) < 0) {
            ct_cli_put_err("history", err.buf);
            rc = CT_EXIT_NOTFOUND;
        } else {
            /* the diff, sanitized with its lines kept */
            put(stdout, patch.buf, CT_SAN_MULTILINE);
            if (patch.len && patch.buf[patch.len - 1] != '\n') putchar('\n');
        }
        ct_sbuf_free(&patch);
        goto out;
    }
    const char *prefixes[2];
    size_t np = 0;
    if (exc) prefixes[np++] = "exceptions";
    if (dec) prefixes[np++] = "decisions";
    ct_commit_info *ci = NULL;
    size_t n = 0;
    if (ct_repo_history(s.repo, np ? prefixes : NULL, np, (size_t)max, &ci, &n, &err) < 0) {
        ct_cli_put_err("history", err.buf);
        rc = CT_EXIT_REPO;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char t[32];
        ct_time_fmt(ci[i].time_ms, t);
        if (json) {
            cJSON *o2 = cJSON_CreateObject();
            cJSON_AddStringToObject(o2, "id", ci[i].id);
            cJSON_AddStringToObject(o2, "author", ci[i].author_name ? ci[i].author_name : "");
            cJSON_AddStringToObject(o2, "email", ci[i].author_email ? ci[i].author_email : "");
            cJSON_AddStringToObject(o2, "date", t);
            cJSON_AddStringToObject(o2, "summary", ci[i].summary ? ci[i].summary : "");
            cJSON_AddStringToObject(o2, "message", ci[i].message ? ci[i].message : "");
            cJSON *f = cJSON_AddArrayToObject(o2, "files");
            for (size_t k = 0; k < ci[i].nfiles; k++) cJSON_AddItemToArray(f, cJSON_CreateString(ci[i].files[k]));
            ct_cli_print_json_line(o2);
            cJSON_Delete(o2);
            continue;
        }
        t[19] = 0;
        ct_out_printf(stdout, "%.12s %s ", ci[i].id, t);
        put(stdout, ci[i].author_name, 0);
        ct_out_printf(stdout, " <");
        put(stdout, ci[i].author_email, 0);
        ct_out_printf(stdout, ">\n    ");
        put(stdout, ci[i].summary, 0);
        putchar('\n');
        for (size_t k = 0; k < ci[i].nfiles; k++) {
            ct_out_printf(stdout, "      ");
            put(stdout, ci[i].files[k], 0);
            putchar('\n');
        }
    }
    ct_commit_info_free(ci, n);
out:
    ct_sbuf_free(&err);
    ct_session_close(&s);
    return rc;
}

/* ---- revert -------------------------------------------------------------------------- */

int ct_cmd_revert(int argc, char **argv)
{
    ct_session_opts o = {0};
    static const char help[] =
        "usage: credtriage revert COMMIT [--repo DIR] [--analyst ID]\n"
        "Undo one commit of the rules repo (a bad exception, a wrong decision) with a new\n"
        "commit by the analyst; the history keeps both.\n";
    int rc = common_opts_only(argc, argv, "revert", help, &o);
    if (rc >= 0) return rc;
    if (optind >= argc) return ct_cli_usage_error("revert", "no COMMIT given");
    if (optind + 1 < argc) return ct_cli_usage_error("revert", "one COMMIT only");
    const char *rev = argv[optind];
    ct_session s;
    rc = open_repo("revert", &s, &o, 1);
    if (rc) return rc;
    ct_sbuf err, patch;
    ct_sbuf_init(&err);
    ct_sbuf_init(&patch);
    char oid[41] = "";
    if (ct_repo_show(s.repo, rev, &patch, &err) < 0) {
        ct_cli_put_err("revert", err.buf);
        rc = CT_EXIT_NOTFOUND;
    } else {
        char *n = NULL, *e = NULL;
        if (ct_repo_identity(s.repo, s.analyst, &n, &e, &err) < 0) {
            ct_cli_put_err("revert", err.buf);
            rc = CT_EXIT_REPO;
        } else if (ct_triage_revert(&s, rev, oid, &err) < 0) {
            ct_cli_put_err("revert", err.buf);
            rc = strstr(err.buf, "conflict") ? CT_EXIT_FINDINGS : CT_EXIT_REPO;
        } else {
            ct_commit_info *ci = NULL;
            size_t nc = 0;
            ct_out_printf(stdout, "%s ", oid);
            if (ct_repo_history(s.repo, NULL, 0, 1, &ci, &nc, &err) == 0 && nc) put(stdout, ci[0].summary, 0);
            else ct_out_printf(stdout, "revert %s", rev);
            putchar('\n');
            ct_commit_info_free(ci, nc);
        }
        free(n);
        free(e);
    }
    ct_sbuf_free(&err);
    ct_sbuf_free(&patch);
    ct_session_close(&s);
    return rc;
}

/* ---- sync ------------------------------------------------------------------------------ */

static int decision_at(ct_session *s, const char *ref, const char *path, ct_decision *d)
{
    char id[41], *data = NULL;
    size_t len = 0;
    ct_sbuf err;
    ct_sbuf_init(&err);
    int ok = ct_repo_rev_file(s->repo, ref, path, id, &data, &len, &err) == 1;
    ct_sbuf_free(&err);
    cJSON *j = ok ? cJSON_ParseWithLength(data, len) : NULL;
    ct_sbuf perr;
    ct_sbuf_init(&perr);
    ok = j && ct_decision_from_json(j, d, &perr) == 0;
    ct_sbuf_free(&perr);
    cJSON_Delete(j);
    free(data);
    return ok;
}

static void say_decision(const ct_decision *d, ct_sbuf *out)
{
    char t[32];
    ct_time_fmt(d->at, t);
    ct_sbuf_addf(out, "%s by ", ct_decision_status_word(d->status));
    ct_san_line(d->analyst, 80, out);
    ct_sbuf_addf(out, " at %s", t);
}

/* A decision file changed on both sides: whose decisions they are. 1 if it was one. */
static int describe_conflict(ct_session *s, const ct_sync_report *rep, const char *path)
{
    if (strncmp(path, "decisions/", 10) || !rep->upstream) return 0;
    ct_decision theirs, ours;
    int ht = decision_at(s, rep->upstream, path, &theirs);
    int ho = decision_at(s, "HEAD", path, &ours);
    if (!ht && !ho) return 0;
    ct_sbuf m;
    ct_sbuf_init(&m);
    ct_sbuf_add(&m, "conflict: alert ");
    ct_san_line(ht ? theirs.alert_id : ours.alert_id, 80, &m);
    ct_sbuf_add(&m, ": theirs (");
    ct_san_line(rep->remote, 40, &m);
    ct_sbuf_add(&m, "): ");
    if (ht) say_decision(&theirs, &m);
    else ct_sbuf_add(&m, "none");
    ct_sbuf_add(&m, "; yours: ");
    if (ho) say_decision(&ours, &m);
    else ct_sbuf_add(&m, "none");
    ct_out_printf(stderr, "%s\n", m.buf);
    ct_sbuf_free(&m);
    if (ht) ct_decision_free(&theirs);
    if (ho) ct_decision_free(&ours);
    return 1;
}

static void sync_fs_report(void *ctx, const char *rel, const char *msg)
{
    (void)ctx;
    ct_out_printf(stderr, "sync: warning: %s: %s\n", rel, msg);
}

int ct_cmd_sync(int argc, char **argv)
{
    ct_session_opts o = {0};
    static const char help[] =
        "usage: credtriage sync [--repo DIR] [--analyst ID]\n"
        "fetch, replay local decisions on top, push.\n"
        "Share decisions with the team: fetch the rules repo's upstream (or origin),\n"
        "replay local commits on top of it, and push. A file changed on both sides is a\n"
        "conflict: nothing changes locally and the files are listed.\n";
    int rc = common_opts_only(argc, argv, "sync", help, &o);
    if (rc >= 0) return rc;
    if (optind < argc) return ct_cli_usage_error("sync", "unexpected argument '%s'", argv[optind]);
    ct_session s;
    rc = open_repo("sync", &s, &o, 1);
    if (rc) return rc;
    ct_sbuf err;
    ct_sbuf_init(&err);
    ct_sync_report rep;
    memset(&rep, 0, sizeof rep);
    if (ct_repo_sync(s.repo, s.analyst, &rep, &err) < 0) {
        ct_cli_put_err("sync", err.buf);
        int decided = 0;
        for (size_t i = 0; i < rep.nconflicts; i++) {
            ct_out_printf(stderr, "conflict: ");
            put(stderr, rep.conflicts[i], 0);
            fputc('\n', stderr);
            decided += describe_conflict(&s, &rep, rep.conflicts[i]);
        }
        if (decided)
            ct_out_printf(stderr, "Both decisions stay as they are: nothing was replaced. Keep theirs: "
                                  "revert yours (credtriage history --decisions, credtriage revert "
                                  "COMMIT) and sync; or add a note to the alert (credtriage note). "
                                  "Replace theirs: after syncing, decide again with --replace\n");
        rc = rep.nconflicts ? CT_EXIT_FINDINGS : CT_EXIT_REPO;
    } else {
        ct_sbuf aerr;
        ct_sbuf_init(&aerr);
        ct_triage_apply(&s, &aerr);
        ct_sbuf_free(&aerr);
        ct_commit_info *ci = NULL;
        size_t nc = 0;
        const char *head = "";
        if (ct_repo_history(s.repo, NULL, 0, 1, &ci, &nc, &err) == 0 && nc) head = ci[0].id;
        ct_out_printf(stdout, "%s sync: fetched %zu, rebased %zu, pushed %zu\n", head, rep.fetched, rep.rebased, rep.pushed);
        ct_commit_info_free(ci, nc);
        /* what a teammate pushed and git checked out as it is: a link where
         * credtriage reads or writes is never followed; say so now, not at
         * the next decision */
        ct_repofs fs;
        ct_sbuf ferr;
        ct_sbuf_init(&ferr);
        if (ct_repofs_open(&fs, s.rules_root, NULL, &ferr) == 0) {
            if (ct_repofs_audit(&fs, sync_fs_report, NULL)) {
                ct_out_printf(stderr, "sync: credtriage will not read or write through these; remove them "
                                      "(git rm) or ask who pushed them; credtriage check lists them\n");
                rc = CT_EXIT_FINDINGS;
            }
            ct_repofs_close(&fs);
        }
        ct_sbuf_free(&ferr);
    }
    ct_sync_report_free(&rep);
    ct_sbuf_free(&err);
    ct_session_close(&s);
    return rc;
}

/* ---- exceptions -------------------------------------------------------------------------- */

static int exc_export(ct_session *s, const char *outpath)
{
    ct_exc_set set;
    ct_exc_load(s->rules_root, &set, NULL, NULL);
    int rc = CT_EXIT_OK;
    if (!outpath || !strcmp(outpath, "-")) {
        if (ct_exc_export(&set, &s->rules, stdout) < 0) rc = CT_EXIT_REPO;
    } else {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        if (!m || ct_exc_export(&set, &s->rules, m) < 0) rc = CT_EXIT_REPO;
        if (m) fclose(m);
        if (rc == CT_EXIT_OK && ct_write_file_atomic(outpath, buf, len) < 0) {
            perror(outpath);
            rc = CT_EXIT_REPO;
        }
        if (rc == CT_EXIT_OK) ct_out_printf(stderr, "exported %zu exception item%s to %s\n", set.n, set.n == 1 ? "" : "s", outpath);
        free(buf);
    }
    ct_exc_set_free(&set);
    return rc;
}

static int exc_import(ct_session *s, const char *path, const char *rule)
{
    ct_exc_set in;
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_exc_import(path, &s->rules, rule, &in, &err) < 0) {
        ct_cli_put_err("exceptions import", err.buf);
        ct_sbuf_free(&err);
        return CT_EXIT_FINDINGS;
    }
    const ct_exc_set *have = ct_triage_exceptions(s);
    int rc = CT_EXIT_OK;
    size_t added = 0, updated = 0;
    ct_repo_file *files = ct_xcalloc(in.n, sizeof *files);
    ct_sbuf *paths = ct_xcalloc(in.n, sizeof *paths);
    char **bodies = ct_xcalloc(in.n, sizeof *bodies);
    ct_sbuf msg;
    ct_sbuf_init(&msg);
    for (size_t i = 0; i < in.n; i++) {
        ct_sbuf_init(&paths[i]);
        ct_exc_path(in.v[i].stem, in.v[i].item_id, &paths[i]);
        int upd = 0;
        /* two items of the file that land in one file (ids equal once sanitized,
         * like fp/1 and fp_1): refused before anything is written */
        for (size_t k = 0; k < i; k++)
            if (!strcmp(paths[k].buf, paths[i].buf)) {
                if (err.len) ct_sbuf_addc(&err, '\n');
                ct_sbuf_add(&err, "items \"");
                ct_san_displayz(in.v[k].item_id, 0, &err);
                ct_sbuf_add(&err, "\" and \"");
                ct_san_displayz(in.v[i].item_id, 0, &err);
                ct_sbuf_add(&err, "\" would both be written to ");
                ct_san_displayz(paths[i].buf, 0, &err);
                ct_sbuf_add(&err, ": rename one of them (nothing was imported)");
                rc = CT_EXIT_FINDINGS;
            }
        for (size_t k = 0; have && k < have->n; k++) {
            if (strcmp(have->v[k].item_id, in.v[i].item_id) && !strcmp(have->v[k].path, paths[i].buf)) {
                if (err.len) ct_sbuf_addc(&err, '\n');
                ct_sbuf_add(&err, "item \"");
                ct_san_displayz(in.v[i].item_id, 0, &err);
                ct_sbuf_add(&err, "\" would overwrite item \"");
                ct_san_displayz(have->v[k].item_id, 0, &err);
                ct_sbuf_add(&err, "\" in ");
                ct_san_displayz(paths[i].buf, 0, &err);
                ct_sbuf_add(&err, ": rename it (nothing was imported)");
                rc = CT_EXIT_FINDINGS;
                continue;
            }
            if (strcmp(have->v[k].item_id, in.v[i].item_id)) continue;
            if (strcmp(have->v[k].path, paths[i].buf)) {
                ct_sbuf_addf(&err, "item %s already exists in %s (another rule)", in.v[i].item_id,
                             have->v[k].path);
                rc = CT_EXIT_FINDINGS;
            }
            upd = 1;
        }
        upd ? updated++ : added++;
        bodies[i] = ct_exc_to_file(&in.v[i]);
        files[i].path = paths[i].buf;
        files[i].data = bodies[i];
        files[i].len = strlen(bodies[i]);
    }
    if (rc != CT_EXIT_OK) {
        ct_cli_put_err("exceptions import", err.buf);
        goto out;
    }
    ct_sbuf_addf(&msg, "import: %zu exception item%s from ", in.n, in.n == 1 ? "" : "s");
    {
        const char *base = strrchr(path, '/');
        ct_san_line(base ? base + 1 : path, 80, &msg);
    }
    ct_sbuf_addf(&msg, "\n\n%zu new, %zu updated:\n", added, updated);
    for (size_t i = 0; i < in.n; i++) {
        ct_sbuf_add(&msg, "  ");
        ct_san_displayz(paths[i].buf, 0, &msg);
        ct_sbuf_add(&msg, ": ");
        ct_san_displayz(in.v[i].name, 0, &msg);
        if (in.v[i].expire != CT_TIME_NONE) {
            char t[32];
            ct_time_fmt(in.v[i].expire, t);
            ct_sbuf_addf(&msg, " (expires %s)", t);
        }
        ct_sbuf_addc(&msg, '\n');
        for (size_t k = 0; k < in.v[i].nentries; k++) {
            ct_sbuf d;
            ct_sbuf_init(&d);
            ct_exc_entry_describe(&in.v[i].entries[k], &d);
            ct_sbuf_add(&msg, "    - ");
            ct_san_displayz(d.buf, 0, &msg);
            ct_sbuf_addc(&msg, '\n');
            ct_sbuf_free(&d);
        }
    }
    char oid[41] = "";
    if (ct_repo_commit_files(s->repo, files, in.n, msg.buf, s->analyst, oid, &err) < 0) {
        ct_cli_put_err("exceptions import", err.buf);
        rc = CT_EXIT_REPO;
        goto out;
    }
    ct_out_printf(stdout, "%s import: %zu exception item%s (%zu new, %zu updated)\n", *oid ? oid : "(no change)", in.n,
           in.n == 1 ? "" : "s", added, updated);
out:
    for (size_t i = 0; i < in.n; i++) {
        ct_sbuf_free(&paths[i]);
        free(bodies[i]);
    }
    free(paths);
    free(bodies);
    free(files);
    ct_sbuf_free(&msg);
    ct_sbuf_free(&err);
    ct_exc_set_free(&in);
    return rc;
}

static int exc_list(ct_session *s, int json)
{
    const ct_exc_set *set = ct_triage_exceptions(s);
    int64_t now = ct_exc_now();
    for (size_t i = 0; set && i < set->n; i++) {
        const ct_exc_item *it = &set->v[i];
        int expired = ct_exc_expired(it, now);
        if (json) {
            cJSON *o = ct_exc_to_json(it);
            cJSON_AddStringToObject(o, "path", it->path ? it->path : "");
            cJSON_AddStringToObject(o, "query", it->query ? it->query : "");
            cJSON_AddBoolToObject(o, "expired", expired);
            ct_cli_print_json_line(o);
            cJSON_Delete(o);
            continue;
        }
        ct_out_printf(stdout, "%-18s %-8s ", it->item_id, expired ? "expired" : "live");
        put(stdout, it->stem, 0);
        ct_out_printf(stdout, ": ");
        put(stdout, it->name, 0);
        if (it->expire != CT_TIME_NONE) {
            char t[32];
            ct_time_fmt(it->expire, t);
            ct_out_printf(stdout, " (expire%s %s)", expired ? "d" : "s", t);
        }
        ct_out_printf(stdout, "\n    ");
        put(stdout, it->query, 0);
        putchar('\n');
    }
    return CT_EXIT_OK;
}

int ct_cmd_exceptions(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"rule", required_argument, NULL, 'r'},
                                         {"json", no_argument, NULL, 'j'},
                                         COMMON_OPTS,
                                         {0, 0, 0, 0}};
    ct_session_opts o = {0};
    const char *outpath = NULL, *rule = NULL;
    int c, json = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:r:jh", opts, NULL)) != -1) {
        if (c == 'o') outpath = optarg;
        else if (c == 'r') rule = optarg;
        else if (c == 'j') json = 1;
        else if (c == 'h') {
            ct_out_printf(stdout, "usage: credtriage exceptions list [--json] [--repo DIR]\n"
                   "       credtriage exceptions export [-o FILE] [--repo DIR]\n"
                   "       credtriage exceptions import FILE.ndjson [--rule RULE] [--repo DIR] [--analyst ID]\n"
                   "The rule exceptions of the rules repo (exceptions/<rule>/<item_id>.json) as Kibana\n"
                   "exception lists: export writes the NDJSON of Kibana's exception list export (one\n"
                   "rule_default list per rule, its items, the summary line); import commits the items\n"
                   "of such a file, each tied to its rule by list id \"<rule stem>-exceptions\", the list\n"
                   "name \"Exceptions for rule - NAME\", or --rule.\n");
            return CT_EXIT_OK;
        } else if (ct_cli_session_opt(c, optarg, &o) <= 0) return ct_cli_usage_error("exceptions", "bad option");
    }
    if (optind >= argc) return ct_cli_usage_error("exceptions", "list, export or import?");
    const char *sub = argv[optind];
    int rc;
    ct_session s;
    if (!strcmp(sub, "export") || !strcmp(sub, "list")) {
        if (optind + 1 < argc) return ct_cli_usage_error("exceptions", "unexpected argument '%s'", argv[optind + 1]);
        if ((rc = open_repo("exceptions", &s, &o, 0))) return rc;
        rc = !strcmp(sub, "list") ? exc_list(&s, json) : exc_export(&s, outpath);
    } else if (!strcmp(sub, "import")) {
        if (optind + 1 >= argc) return ct_cli_usage_error("exceptions", "import: no FILE given");
        if (optind + 2 < argc) return ct_cli_usage_error("exceptions", "import: one FILE only");
        if ((rc = open_repo("exceptions", &s, &o, 1))) return rc;
        char *n = NULL, *e = NULL;
        ct_sbuf err;
        ct_sbuf_init(&err);
        if (ct_repo_identity(s.repo, s.analyst, &n, &e, &err) < 0) {
            ct_cli_put_err("exceptions import", err.buf);
            rc = CT_EXIT_REPO;
        } else {
            rc = exc_import(&s, argv[optind + 1], rule);
        }
        free(n);
        free(e);
        ct_sbuf_free(&err);
    } else {
        return ct_cli_usage_error("exceptions", "unknown sub-command '%s' (list, export, import)", sub);
    }
    ct_session_close(&s);
    return rc;
}

/* ---- check -------------------------------------------------------------------------------- */

typedef struct {
    size_t n;
} check_ctx;

static void check_diag(void *ctx, const char *file, uint64_t line, const char *msg)
{
    check_ctx *c = ctx;
    c->n++;
    put(stdout, file, 0);
    if (line) ct_out_printf(stdout, ":%llu", (unsigned long long)line);
    ct_out_printf(stdout, ": ");
    put(stdout, msg, 0);
    putchar('\n');
}

static void problem(check_ctx *c, const char *file, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(check_ctx *c, const char *file, const char *fmt, ...)
{
    ct_sbuf m;
    ct_sbuf_init(&m);
    va_list ap;
    va_start(ap, fmt);
    ct_sbuf_vaddf(&m, fmt, ap);
    va_end(ap);
    check_diag(c, file, 0, m.buf);
    ct_sbuf_free(&m);
}

static void check_fs_report(void *ctx, const char *rel, const char *msg)
{
    check_diag(ctx, rel, 0, msg);
}

int ct_cmd_check(int argc, char **argv)
{
    ct_session_opts o = {0};
    static const char help[] =
        "usage: credtriage check [--repo DIR]\n"
        "Check the rules repo: every rule parses and has a guide, every exception is a\n"
        "valid item naming an existing rule, every decision file is valid, no duplicate\n"
        "rule ids or item ids, no symbolic link or special file under rules/, guides/,\n"
        "exceptions/ or decisions/. Prints \"FILE: reason\" lines and exits 1, or \"ok\".\n";
    int rc = common_opts_only(argc, argv, "check", help, &o);
    if (rc >= 0) return rc;
    if (optind < argc) return ct_cli_usage_error("check", "unexpected argument '%s'", argv[optind]);
    ct_session s;
    rc = open_repo("check", &s, &o, 0);
    if (rc) return rc;
    check_ctx cc = {0};
    const char *root = s.rules_root;
    {   /* symlinks and special files where credtriage reads or writes */
        ct_repofs fs;
        ct_sbuf ferr;
        ct_sbuf_init(&ferr);
        if (ct_repofs_open(&fs, root, NULL, &ferr) == 0) {
            ct_repofs_audit(&fs, check_fs_report, &cc);
            ct_repofs_close(&fs);
        } else {
            check_diag(&cc, ".", 0, ferr.buf);
        }
        ct_sbuf_free(&ferr);
    }
    ct_ruleset rs;
    memset(&rs, 0, sizeof rs);
    ct_rules_load(root, &rs, check_diag, &cc);
    if (!rs.n) problem(&cc, "rules/", "no rules");
    for (size_t i = 0; i < rs.n; i++) {
        const ct_rule *r = &rs.v[i];
        if (!r->guide || !*r->guide) problem(&cc, r->path, "no guide (guides/%s.md)", r->stem);
        for (size_t k = 0; k < i; k++) {
            if (r->rule_id && rs.v[k].rule_id && !strcmp(r->rule_id, rs.v[k].rule_id))
                problem(&cc, r->path, "duplicate rule_id %s (also in %s)", r->rule_id, rs.v[k].path);
            if (!strcmp(r->stem, rs.v[k].stem))
                problem(&cc, r->path, "duplicate rule stem %s (also in %s)", r->stem, rs.v[k].path);
        }
    }
    ct_exc_set set;
    ct_exc_load(root, &set, check_diag, &cc);
    for (size_t i = 0; i < set.n; i++) {
        const ct_exc_item *it = &set.v[i];
        const ct_rule *r = NULL;
        for (size_t k = 0; k < rs.n && !r; k++)
            if (!strcmp(rs.v[k].stem, it->stem)) r = &rs.v[k];
        if (!r) problem(&cc, it->path, "no rule %s (rules/*/%s.json) for this exception", it->stem, it->stem);
        else if (it->rule_id && r->rule_id && strcmp(it->rule_id, r->rule_id))
            problem(&cc, it->path, "rule_id %s is not the rule_id of %s (%s)", it->rule_id, r->path, r->rule_id);
    }
    ct_decision_set ds;
    ct_decisions_load(root, &ds, check_diag, &cc);
    for (size_t i = 0; i < ds.n; i++) {
        const ct_decision *d = &ds.v[i];
        if (!d->exception) continue;
        int found = 0;
        for (size_t k = 0; k < set.n && !found; k++) found = !strcmp(set.v[k].item_id, d->exception);
        if (!found) problem(&cc, d->path, "names exception %s, which does not exist", d->exception);
    }
    if (!cc.n) ct_out_printf(stdout, "ok\n");
    ct_decisions_free(&ds);
    ct_exc_set_free(&set);
    ct_rules_free(&rs);
    ct_session_close(&s);
    return cc.n ? CT_EXIT_FINDINGS : CT_EXIT_OK;
}
