/* credtriage ack / reopen / remediate: decisions on alerts, each command ONE
 * commit in the rules repo (fp is in cmd_fp.c; what they share in cmd_pick.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out.h"
#include "decisions.h"
#include "guide.h"
#include "pick.h"
#include "sanitize.h"
#include "session.h"
#include "triage.h"

/* ---- ack / reopen ------------------------------------------------------------------ */

static int simple_decision(int argc, char **argv, const char *cmd)
{
    static const struct option opts[] = {{"note", required_argument, NULL, 'n'}, COMMON_OPTS, {0, 0, 0, 0}};
    ct_session_opts o = {0};
    const char *note = NULL;
    int c, reopen = !strcmp(cmd, "reopen");
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        if (c == 'n') note = optarg;
        else if (c == 'h') {
            if (reopen)
                ct_out_printf(stdout, "usage: credtriage reopen ALERT_ID|INCIDENT_ID... [--note TEXT] [--replace] [--repo DIR] [--analyst ID]\n"
                       "         [--strict] FILE...\n"
                       "Reopen alerts: each decision file says open again (it then wins over an\n"
                       "exception that matches it). ONE commit however many alerts are named (an\n"
                       "incident id names all of its alerts); those already open are left out.\n"
                       CT_CLI_STRICT_HELP "               (and refuses: nothing is written)\n");
            else
                ct_out_printf(stdout, "usage: credtriage ack ALERT_ID|INCIDENT_ID... [--note TEXT] [--replace] [--repo DIR] [--analyst ID]\n"
                       "         [--strict] FILE...\n"
                       "Acknowledge alerts: someone is on it. Writes each alert's decision file\n"
                       "decisions/YYYY/MM/<alert id>.json and commits them as the analyst, in ONE commit\n"
                       "however many alerts are named (an incident id names all of its alerts).\n"
                       CT_CLI_STRICT_HELP "               (and refuses: nothing is written)\n");
            return CT_EXIT_OK;
        } else if (ct_cli_session_opt(c, optarg, &o) <= 0) return ct_cli_usage_error(cmd, "bad option");
    }
    if (optind >= argc) return ct_cli_usage_error(cmd, "no ALERT_ID given");
    int nids = ct_pick_count_ids(argc, argv, optind);
    if (optind + nids >= argc) return ct_cli_usage_error(cmd, "no input FILE given");
    ct_session s;
    int rc = ct_pick_open_session(cmd, &s, &o, argv + optind + nids, argc - optind - nids, 1);
    if (rc) return rc;
    ct_picked p;
    rc = ct_pick(cmd, &s, argv + optind, nids, &p);
    if (rc) {
        ct_pick_free(&p);
        ct_session_close(&s);
        return rc;
    }
    ct_alert *a = p.v[0];
    if (ct_pick_check_identity(cmd, &s) < 0) {
        ct_pick_free(&p);
        ct_session_close(&s);
        return CT_EXIT_REPO;
    }
    size_t already = 0; /* reopen leaves the open ones out */
    for (size_t i = 0; reopen && i < p.n; i++) already += p.v[i]->status == CT_STATUS_OPEN;
    int many = p.n > 1 || p.label;
    char oid[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    rc = reopen ? ct_triage_reopen_many(&s, p.v, p.n, note, p.label, oid, &err)
         : many ? ct_triage_ack_many(&s, p.v, p.n, note, p.label, oid, &err)
                : ct_triage_ack(&s, a, note, oid, &err);
    if (rc < 0) {
        ct_cli_put_err(cmd, err.buf);
        rc = reopen && already == p.n ? CT_EXIT_FINDINGS : CT_EXIT_REPO;
    } else {
        ct_sbuf m;
        ct_sbuf_init(&m);
        if (many) {
            ct_pick_summary(&p, cmd, &m);
            if (already) ct_sbuf_addf(&m, "; %zu already open, left out", already);
        } else {
            ct_sbuf_addf(&m, "%s: ", reopen ? "reopen" : "ack");
            ct_pick_alert_summary(&s, a, &m);
            ct_sbuf_addf(&m, " -> %s", ct_status_name(a->status));
        }
        ct_pick_done(oid, m.buf);
        ct_sbuf_free(&m);
        rc = CT_EXIT_OK;
    }
    ct_sbuf_free(&err);
    ct_pick_free(&p);
    ct_session_close(&s);
    return rc;
}

int ct_cmd_ack(int argc, char **argv)
{
    return simple_decision(argc, argv, "ack");
}

int ct_cmd_reopen(int argc, char **argv)
{
    return simple_decision(argc, argv, "reopen");
}

/* ---- remediate ---------------------------------------------------------------------- */

static const ct_rule *rule_of(ct_session *s, const ct_alert *a)
{
    return a->rule ? a->rule : (a->rule_id ? ct_rules_find(&s->rules, a->rule_id) : NULL);
}

static void print_steps(FILE *f, char **steps, size_t n)
{
    if (!n) ct_out_printf(f, "(the rule's guide has no response steps)\n");
    for (size_t i = 0; i < n; i++) {
        ct_out_printf(f, "  %zu. ", i + 1);
        ct_pick_put(f, steps[i]);
        fputc('\n', f);
    }
}

int ct_cmd_remediate(int argc, char **argv)
{
    static const struct option opts[] = {{"note", required_argument, NULL, 'n'},
                                         {"step", required_argument, NULL, 's'},
                                         {"list-steps", no_argument, NULL, 'l'},
                                         COMMON_OPTS,
                                         {0, 0, 0, 0}};
    ct_session_opts o = {0};
    const char *note = NULL;
    size_t *steps = NULL, nsteps = 0;
    int c, list = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:s:lh", opts, NULL)) != -1) {
        if (c == 'n') note = optarg;
        else if (c == 'l') list = 1;
        else if (c == 's') {
            /* N, or a list "1,3,4" */
            for (char *p = optarg; *p;) {
                char *end;
                long v = strtol(p, &end, 10);
                if (end == p || v < 1 || (*end && *end != ',')) {
                    free(steps);
                    return ct_cli_usage_error("remediate", "--step takes step numbers (1, 2, ... or 1,3)");
                }
                steps = ct_xrealloc(steps, (nsteps + 1) * sizeof *steps);
                steps[nsteps++] = (size_t)v;
                p = *end ? end + 1 : end;
            }
        } else if (c == 'h') {
            ct_out_printf(stdout, "usage: credtriage remediate ALERT_ID|INCIDENT_ID... [--step N]... [--note TEXT] [--repo DIR]\n"
                   "         [--analyst ID] [--strict] FILE...\n"
                   "       credtriage remediate ALERT_ID --list-steps FILE...\n"
                   "Mark alerts remediated with the response steps of the rule's guide that were\n"
                   "done (numbers as --list-steps shows them), a note, or both: at least one of\n"
                   "--step and --note. ONE commit however many alerts are named (an incident id\n"
                   "names all of its alerts; the steps are numbered in the first alert's guide).\n"
                   CT_CLI_STRICT_HELP "               (and refuses: nothing is written)\n");
            free(steps);
            return CT_EXIT_OK;
        } else if (ct_cli_session_opt(c, optarg, &o) <= 0) {
            free(steps);
            return ct_cli_usage_error("remediate", "bad option");
        }
    }
    if (optind >= argc) {
        free(steps);
        return ct_cli_usage_error("remediate", "no ALERT_ID given");
    }
    int nids = ct_pick_count_ids(argc, argv, optind);
    if (optind + nids >= argc) {
        free(steps);
        return ct_cli_usage_error("remediate", "no input FILE given");
    }
    ct_session s;
    int rc = ct_pick_open_session("remediate", &s, &o, argv + optind + nids, argc - optind - nids, !list);
    if (rc) {
        free(steps);
        return rc;
    }
    ct_picked p;
    rc = ct_pick("remediate", &s, argv + optind, nids, &p);
    if (rc) {
        ct_pick_free(&p);
        free(steps);
        ct_session_close(&s);
        return rc;
    }
    ct_alert *a = p.v[0];
    const ct_rule *r = rule_of(&s, a);
    char **all = NULL;
    size_t nall = 0;
    ct_triage_response_steps(&s, a, &all, &nall);
    if (list || (!nsteps && (!note || !*note))) {
        FILE *f = list ? stdout : stderr;
        ct_out_printf(f, "response steps of ");
        ct_pick_put(f, r ? r->name : a->rule_id);
        ct_out_printf(f, ":\n");
        print_steps(f, all, nall);
        ct_guide_steps_free(all, nall);
        free(steps);
        ct_pick_free(&p);
        ct_session_close(&s);
        if (list) return CT_EXIT_OK;
        return ct_cli_usage_error("remediate", "give the --step numbers done and a --note");
    }
    for (size_t i = 0; i < nsteps; i++)
        if (steps[i] > nall) {
            ct_out_printf(stderr, "credtriage remediate: no response step %zu; the guide's steps are:\n", steps[i]);
            print_steps(stderr, all, nall);
            ct_guide_steps_free(all, nall);
            free(steps);
            ct_pick_free(&p);
            ct_session_close(&s);
            return CT_EXIT_FINDINGS;
        }
    ct_guide_steps_free(all, nall);
    if (ct_pick_check_identity("remediate", &s) < 0) {
        free(steps);
        ct_pick_free(&p);
        ct_session_close(&s);
        return CT_EXIT_REPO;
    }
    char oid[41] = "";
    ct_sbuf err;
    ct_sbuf_init(&err);
    int many = p.n > 1 || p.label;
    if ((many ? ct_triage_remediate_many(&s, p.v, p.n, steps, nsteps, note, p.label, oid, &err)
              : ct_triage_remediate(&s, a, steps, nsteps, note, oid, &err)) < 0) {
        ct_cli_put_err("remediate", err.buf);
        rc = CT_EXIT_REPO;
    } else {
        ct_sbuf m;
        ct_sbuf_init(&m);
        if (many) {
            ct_pick_summary(&p, "remediated", &m);
        } else {
            ct_sbuf_add(&m, "remediated: ");
            ct_pick_alert_summary(&s, a, &m);
            ct_sbuf_addf(&m, " -> %s", ct_status_name(a->status));
        }
        ct_sbuf_addf(&m, " (%zu step%s)", nsteps, nsteps == 1 ? "" : "s");
        ct_pick_done(oid, m.buf);
        ct_sbuf_free(&m);
        rc = CT_EXIT_OK;
    }
    ct_sbuf_free(&err);
    free(steps);
    ct_pick_free(&p);
    ct_session_close(&s);
    return rc;
}
