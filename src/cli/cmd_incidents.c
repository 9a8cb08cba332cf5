/* credtriage incidents: the alerts folded into incidents, ranked by the
 * evidence score (src/incident.h, docs/INCIDENTS.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out.h"
#include "incident.h"
#include "incident_report.h"
#include "session.h"

static void print_san(const char *s)
{
    ct_out_printf(stdout, "%s", s ? s : "");
}

static const char *ent_name(const ct_incident_entity *e)
{
    return e->name && *e->name ? e->name : e->id;
}

static void print_text(const ct_session *s, const ct_incident *inc)
{
    char t[32];
    ct_time_fmt(inc->first_ts, t);
    t[19] = 0;
    const ct_alert *lead = &s->alerts.v[inc->lead];
    ct_cli_print_cell(inc->id, 16);
    ct_out_printf(stdout, "%5d ", inc->score);
    ct_cli_print_cell(inc->severity, 8);
    ct_cli_print_cell(ct_status_name(inc->status), 14);
    ct_out_printf(stdout, "%6zu ", inc->nalerts);
    ct_cli_print_cell(t, 19);
    ct_cli_print_cell(lead->rule_name, 44);
    ct_out_printf(stdout, "\n");
    /* who did what to whom */
    static const struct { ct_role r; const char *label; } roles[] = {
        {CT_ROLE_ACTOR, "actors"}, {CT_ROLE_TARGET, "targets"}, {CT_ROLE_CRED_MADE, "credentials"},
        {CT_ROLE_NAMED, "new owners"}};
    for (size_t k = 0; k < 4; k++) {
        int first = 1;
        for (size_t j = 0; j < inc->nentities; j++) {
            const ct_incident_entity *e = &inc->entities[j];
            if (e->role != roles[k].r) continue;
            ct_out_printf(stdout, "%s", first ? "    " : ", ");
            if (first) ct_out_printf(stdout, "%s: ", roles[k].label);
            print_san(ent_name(e));
            first = 0;
        }
        if (!first) ct_out_printf(stdout, "\n");
    }
    for (size_t j = 0; j < inc->nentities; j++) {
        const ct_incident_entity *e = &inc->entities[j];
        if (!e->shared_peers) continue;
        ct_out_printf(stdout, "    shared identity: ");
        print_san(ent_name(e));
        ct_out_printf(stdout, " has alerts with %u others (more than %d), so alerts are not joined through it\n",
                      (unsigned)e->shared_peers, CT_INCIDENT_HUB_PEERS);
    }
    for (size_t j = 0; j < inc->nreasons; j++) {
        ct_out_printf(stdout, "    %+4d ", inc->reasons[j].points);
        print_san(inc->reasons[j].text);
        ct_out_printf(stdout, "\n");
    }
    for (size_t j = 0; j < inc->nalerts; j++) {
        const ct_alert *a = &s->alerts.v[inc->alerts[j]];
        ct_time_fmt(a->ts, t);
        t[19] = 0;
        ct_out_printf(stdout, "    - %s %s ", a->id, t);
        ct_cli_print_cell(a->rule_name, 44);
        ct_out_printf(stdout, "%s\n", ct_status_name(a->status));
    }
}

int ct_cmd_incidents(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},        {"repo", required_argument, NULL, 'R'},
        {"analyst", required_argument, NULL, 'A'}, {"window", required_argument, NULL, 'W'},
        {"all", no_argument, NULL, 'a'},          {"help", no_argument, NULL, 'h'},
        CT_CLI_STRICT_OPT, {0, 0, 0, 0}};
    ct_session_opts o = {0};
    int json = 0, all = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jah", opts, NULL)) != -1) {
        if (c == 'j') json = 1;
        else if (c == 'a') all = 1;
        else if (c == 'h') {
            ct_out_printf(stdout, "usage: credtriage incidents [--json] [--all] [--window DUR] [--repo DIR] [--strict] FILE...\n"
                   "Fold the alerts into incidents (one change seen by several sources or rules;\n"
                   "alerts linked by a created credential or an identity) and rank them by a score\n"
                   "from named evidence factors (docs/INCIDENTS.md). Incidents whose alerts are all\n"
                   "suppressed are listed only with --all.\n"
                   "  --json   one line per incident: id, score, severity, status, first_seen,\n"
                   "           last_seen, lead_alert, alerts, entities, reasons, links\n"
                   CT_CLI_STRICT_HELP);
            return CT_EXIT_OK;
        } else {
            int r = ct_cli_session_opt(c, optarg, &o);
            if (r < 0) return ct_cli_usage_error("incidents", "bad --window value '%s'", optarg);
            if (!r) return ct_cli_usage_error("incidents", "bad option");
        }
    }
    if (optind >= argc) return ct_cli_usage_error("incidents", "no input FILE given");
    o.files = argv + optind;
    o.nfiles = argc - optind;
    ct_session s;
    int rc = ct_cli_open_session("incidents", &s, &o, 0, NULL);
    if (rc) return rc;
    ct_cli_summary(&s.store, stderr);
    ct_incidents in;
    if (ct_incidents_build(&s.store, &s.alerts, s.corr, s.window_ms, &in) < 0) {
        ct_cli_put_err("incidents", "no correlation index");
        ct_session_close(&s);
        return CT_EXIT_REPO;
    }
    if (!json)
        ct_out_printf(stdout, "%-16s %5s %-8s %-14s %6s %-19s %s\n", "INCIDENT", "SCORE", "SEVERITY", "STATUS", "ALERTS",
               "FIRST", "LEAD RULE");
    size_t shown = 0, open = 0;
    for (size_t k = 0; k < in.n; k++) {
        const ct_incident *inc = &in.v[k];
        if (!all && inc->status == CT_STATUS_SUPPRESSED && !inc->mixed) continue;
        shown++;
        if (inc->status == CT_STATUS_OPEN) open++;
        if (json) {
            cJSON *j = ct_incident_json(&s.store, &s.alerts, inc);
            ct_cli_print_json_line(j);
            cJSON_Delete(j);
        } else {
            print_text(&s, inc);
        }
    }
    ct_out_printf(stderr, "%zu incident%s from %zu alert%s: %zu open\n", in.n, in.n == 1 ? "" : "s", s.alerts.n,
            s.alerts.n == 1 ? "" : "s", open);
    (void)shown;
    rc = s.missing_files ? CT_EXIT_INPUT : CT_EXIT_OK;
    ct_incidents_free(&in);
    ct_session_close(&s);
    return rc;
}

int ct_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"output", required_argument, NULL, 'o'},
        {"repo", required_argument, NULL, 'R'},   {"analyst", required_argument, NULL, 'A'},
        {"window", required_argument, NULL, 'W'}, {"help", no_argument, NULL, 'h'},
        CT_CLI_STRICT_OPT, {0, 0, 0, 0}};
    ct_session_opts o = {0};
    ct_report_format fmt = CT_REPORT_MD;
    const char *outpath = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        if (c == 'f') {
            if (!strcmp(optarg, "md") || !strcmp(optarg, "markdown")) fmt = CT_REPORT_MD;
            else if (!strcmp(optarg, "json")) fmt = CT_REPORT_JSON;
            else return ct_cli_usage_error("report", "--format takes md or json");
        } else if (c == 'o') outpath = optarg;
        else if (c == 'h') {
            ct_out_printf(stdout,
                          "usage: credtriage report INCIDENT_ID [--format md|json] [-o FILE] [--repo DIR] [--strict] FILE...\n"
                          "The case report of one incident (its id from `credtriage incidents`; an alert id\n"
                          "names its incident): summary, evidence, entities, timeline, alerts, and the\n"
                          "decisions with the commits that made them. Markdown by default; -o writes FILE.\n"
                          CT_CLI_STRICT_HELP);
            return CT_EXIT_OK;
        } else {
            int r = ct_cli_session_opt(c, optarg, &o);
            if (r < 0) return ct_cli_usage_error("report", "bad --window value '%s'", optarg);
            if (!r) return ct_cli_usage_error("report", "bad option");
        }
    }
    if (optind >= argc) return ct_cli_usage_error("report", "no INCIDENT_ID given");
    if (optind + 1 >= argc) return ct_cli_usage_error("report", "no input FILE given");
    const char *id = argv[optind];
    o.files = argv + optind + 1;
    o.nfiles = argc - optind - 1;
    ct_session s;
    int rc = ct_cli_open_session("report", &s, &o, 0, NULL);
    if (rc) return rc;
    ct_incidents in;
    if (ct_incidents_build(&s.store, &s.alerts, s.corr, s.window_ms, &in) < 0) {
        ct_cli_put_err("report", "no correlation index");
        ct_session_close(&s);
        return CT_EXIT_REPO;
    }
    const ct_incident *inc = ct_incidents_find(&in, id);
    if (!inc) {
        ct_alert *a = ct_alerts_find(&s.alerts, id);
        if (a) inc = ct_incidents_of_alert(&in, (size_t)(a - s.alerts.v));
    }
    ct_sbuf out, err;
    ct_sbuf_init(&out);
    ct_sbuf_init(&err);
    if (!inc) {
        ct_sbuf_addf(&err, "no incident or alert '%s' in the loaded files (or the prefix is ambiguous)", id);
        ct_cli_put_err("report", err.buf);
        rc = CT_EXIT_NOTFOUND;
    } else if (ct_incident_report(&s, inc, fmt, &out, &err) < 0) {
        ct_cli_put_err("report", err.buf);
        rc = CT_EXIT_FINDINGS;
    } else if (outpath) {
        if (ct_write_file_atomic(outpath, out.buf, out.len) < 0) {
            ct_cli_put_err("report", "cannot write the report file");
            rc = CT_EXIT_INPUT;
        }
    } else {
        fwrite(out.buf, 1, out.len, stdout);
    }
    ct_sbuf_free(&out);
    ct_sbuf_free(&err);
    ct_incidents_free(&in);
    ct_session_close(&s);
    return rc;
}
