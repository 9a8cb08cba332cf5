/* credtriage note / assign (issue #18): a note appended to an alert's thread
 * and the alert's assignee, each one commit in the rules repo. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out.h"
#include "session.h"
#include "triage.h"

static const struct option note_opts[] = {{"repo", required_argument, NULL, 'R'},
                                          {"analyst", required_argument, NULL, 'A'},
                                          {"help", no_argument, NULL, 'h'},
                                          CT_CLI_STRICT_OPT,
                                          {0, 0, 0, 0}};
static const struct option assign_opts[] = {{"to", required_argument, NULL, 't'},
                                            {"none", no_argument, NULL, 'N'},
                                            {"repo", required_argument, NULL, 'R'},
                                            {"analyst", required_argument, NULL, 'A'},
                                            {"help", no_argument, NULL, 'h'},
                                            CT_CLI_STRICT_OPT,
                                            {0, 0, 0, 0}};

/* open the session on files, find the alert; 0 or an exit code */
static int open_alert(const char *cmd, ct_session *s, ct_session_opts *o, const char *id, char **files,
                      int nfiles, ct_alert **a)
{
    o->files = files;
    o->nfiles = nfiles;
    int rc = ct_cli_open_session(cmd, s, o, 1, "no rules repo (pass --repo DIR)");
    if (rc) return rc;
    *a = ct_alerts_find(&s->alerts, id);
    if (!*a) {
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_addf(&m, "no alert '%s' in the loaded files (or the prefix is ambiguous)", id);
        ct_cli_put_err(cmd, m.buf);
        ct_sbuf_free(&m);
        ct_session_close(s);
        return CT_EXIT_NOTFOUND;
    }
    return 0;
}

static int done(const char *cmd, ct_session *s, int rc, const char *oid, const ct_sbuf *err, const char *what)
{
    if (rc < 0) {
        ct_cli_put_err(cmd, err->buf);
        ct_session_close(s);
        return CT_EXIT_REPO;
    }
    ct_out_printf(stdout, "%s %s\n", oid, what);
    ct_session_close(s);
    return CT_EXIT_OK;
}

int ct_cmd_note(int argc, char **argv)
{
    ct_session_opts o = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", note_opts, NULL)) != -1) {
        if (c == 'h') {
            ct_out_printf(stdout, "usage: credtriage note ALERT_ID TEXT [--repo DIR] [--analyst ID] [--strict] FILE...\n"
                                  "Append a note to the alert's thread: one new file\n"
                                  "notes/YYYY/MM/<alert id>/<time>-<hash>.json, committed as the analyst.\n"
                                  "Notes are never changed or removed; show and the console list them.\n"
                                  CT_CLI_STRICT_HELP "               (and refuses: nothing is written)\n");
            return CT_EXIT_OK;
        } else if (ct_cli_session_opt(c, optarg, &o) <= 0) {
            return ct_cli_usage_error("note", "bad option");
        }
    }
    if (argc - optind < 3) return ct_cli_usage_error("note", "give ALERT_ID, TEXT and FILE...");
    ct_session s;
    ct_alert *a = NULL;
    int rc = open_alert("note", &s, &o, argv[optind], argv + optind + 2, argc - optind - 2, &a);
    if (rc) return rc;
    ct_sbuf err;
    ct_sbuf_init(&err);
    char oid[41] = "";
    rc = ct_triage_note(&s, a, argv[optind + 1], oid, &err);
    ct_sbuf what;
    ct_sbuf_init(&what);
    ct_sbuf_addf(&what, "note: alert %s", a->id);
    rc = done("note", &s, rc, oid, &err, what.buf);
    ct_sbuf_free(&what);
    ct_sbuf_free(&err);
    return rc;
}

int ct_cmd_assign(int argc, char **argv)
{
    ct_session_opts o = {0};
    const char *to = NULL;
    int none = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", assign_opts, NULL)) != -1) {
        if (c == 't') to = optarg;
        else if (c == 'N') none = 1;
        else if (c == 'h') {
            ct_out_printf(stdout, "usage: credtriage assign ALERT_ID [--to 'Name <email>' | --none] [--repo DIR] [--analyst ID]\n"
                                  "         [--strict] FILE...\n"
                                  "Assign the alert (to yourself without --to; --none: to nobody). Writes\n"
                                  "assignments/YYYY/MM/<alert id>.json, committed as the analyst.\n"
                                  CT_CLI_STRICT_HELP "               (and refuses: nothing is written)\n");
            return CT_EXIT_OK;
        } else if (ct_cli_session_opt(c, optarg, &o) <= 0) {
            return ct_cli_usage_error("assign", "bad option");
        }
    }
    if (to && none) return ct_cli_usage_error("assign", "--to and --none exclude each other");
    if (argc - optind < 2) return ct_cli_usage_error("assign", "give ALERT_ID and FILE...");
    ct_session s;
    ct_alert *a = NULL;
    int rc = open_alert("assign", &s, &o, argv[optind], argv + optind + 1, argc - optind - 1, &a);
    if (rc) return rc;
    ct_sbuf err;
    ct_sbuf_init(&err);
    char oid[41] = "";
    rc = ct_triage_assign(&s, a, none ? "" : to, oid, &err);
    ct_sbuf what;
    ct_sbuf_init(&what);
    ct_sbuf_addf(&what, "assign: alert %s", a->id);
    rc = done("assign", &s, rc, oid, &err, what.buf);
    ct_sbuf_free(&what);
    ct_sbuf_free(&err);
    return rc;
}
