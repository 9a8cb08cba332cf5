/* credtriage scan / query / rules: detection from the command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out.h"
#include "kql.h"
#include "session.h"
#include "sanitize.h"

int ct_cmd_scan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},      {"all", no_argument, NULL, 'a'},
        {"repo", required_argument, NULL, 'R'}, {"analyst", required_argument, NULL, 'A'},
        {"status", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
        CT_CLI_STRICT_OPT, {0, 0, 0, 0}};
    ct_session_opts o = {0};
    int json = 0, all = 0, c;
    const char *only = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jahs:", opts, NULL)) != -1) {
        if (c == 'j') json = 1;
        else if (c == 'a') all = 1;
        else if (c == 's') only = optarg;
        else if (c == 'h') {
            ct_out_printf(stdout, "usage: credtriage scan [--json] [--all] [--status S] [--strict] [--repo DIR] FILE...\n"
                   "Run the detection rules over the events, merge imported Elastic alerts, and\n"
                   "list the alerts with their triage status. Suppressed alerts (matched by a rule\n"
                   "exception) are counted but listed only with --all.\n"
                   "  --json       one line per alert: id, rule_id, rule_name, severity, risk_score,\n"
                   "               timestamp, actor, target, credential, status, origin, event\n"
                   "  --status S   only alerts with status S (open, acknowledged, false_positive,\n"
                   "               remediated, suppressed)\n"
                   CT_CLI_STRICT_HELP
                   "               (each is reported as FILE:LINE: reason on stderr)\n");
            return CT_EXIT_OK;
        } else if (ct_cli_session_opt(c, optarg, &o) <= 0) return ct_cli_usage_error("scan", "bad option");
    }
    ct_status want = CT_STATUS_OPEN;
    if (only && ct_status_parse(only, &want) < 0)
        return ct_cli_usage_error("scan", "unknown status '%s'", only);
    if (optind >= argc) return ct_cli_usage_error("scan", "no input FILE given");
    o.files = argv + optind;
    o.nfiles = argc - optind;
    o.no_index = 1; /* alerts and statuses only: correlation is for show and the console */
    ct_session s;
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_session_open(&s, &o, &err) < 0) {
        ct_cli_put_err("scan", err.buf);
        ct_sbuf_free(&err);
        ct_session_close(&s);
        return CT_EXIT_REPO;
    }
    ct_cli_summary(&s.store, stderr);
    ct_cli_strict_note(&s.store);
    if (!json)
        ct_out_printf(stdout, "%-16s %-20s %-8s %-44s %-30s %-30s %s\n", "ID", "TIME", "SEVERITY", "RULE", "ACTOR",
               "TARGET", "STATUS");
    /* newest first, as the console's queue */
    size_t *idx = ct_xmalloc((s.alerts.n ? s.alerts.n : 1) * sizeof *idx), shown = 0;
    for (size_t k = s.alerts.n; k-- > 0;) {
        const ct_alert *a = &s.alerts.v[k];
        if (only ? a->status != want : (!all && a->status == CT_STATUS_SUPPRESSED)) continue;
        idx[shown++] = k;
    }
    ct_scan_print_rows(&s, idx, shown, json);
    free(idx);
    size_t counts[CT_STATUS__COUNT];
    ct_session_counts(&s, counts);
    ct_out_printf(stderr, "%zu alert%s: %zu open, %zu acknowledged, %zu false positive, %zu remediated, "
                    "%zu suppressed%s\n",
            s.alerts.n, s.alerts.n == 1 ? "" : "s", counts[CT_STATUS_OPEN], counts[CT_STATUS_ACKNOWLEDGED],
            counts[CT_STATUS_FALSE_POSITIVE], counts[CT_STATUS_REMEDIATED],
            counts[CT_STATUS_SUPPRESSED],
            !all && !only && counts[CT_STATUS_SUPPRESSED] ? " (suppressed not listed: --all)" : "");
    int rc = s.missing_files ? CT_EXIT_INPUT : CT_EXIT_OK;
    ct_sbuf_free(&err);
    ct_session_close(&s);
    return rc;
}

int ct_cmd_query(int argc, char **argv)
{
    static const struct option opts[] = {
        {"explain", no_argument, NULL, 'e'}, {"help", no_argument, NULL, 'h'}, CT_CLI_STRICT_OPT, {0, 0, 0, 0}};
    int explain = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "eh", opts, NULL)) != -1) {
        if (c == 'e') explain = 1;
        else if (ct_cli_strict_opt(c)) continue;
        else if (c == 'h') {
            ct_out_printf(stdout, "usage: credtriage query [--explain] [--strict] 'KQL' FILE...\n"
                   "Print the events matching a Kibana Query Language query, as NDJSON (the lines\n"
                   "of `events --json`). --explain prints the parsed query in canonical form:\n"
                   "(all) (and A B ...) (or A B ...) (not A) (is FIELD VALUE) (exists FIELD)\n"
                   "(range FIELD lt|lte|gt|gte VALUE) (nested FIELD A)\n"
                   CT_CLI_STRICT_HELP);
            return CT_EXIT_OK;
        } else return ct_cli_usage_error("query", "bad option");
    }
    if (optind >= argc) return ct_cli_usage_error("query", "no query given");
    char err[512];
    ct_kql *q = ct_kql_parse(argv[optind], err, sizeof err);
    if (!q) {
        ct_out_printf(stderr, "credtriage query: %s\n", err);
        return CT_EXIT_USAGE;
    }
    if (explain) {
        ct_sbuf b;
        ct_sbuf_init(&b);
        ct_kql_explain(q, &b);
        ct_sbuf_addc(&b, '\n');
        ct_out_block(stdout, b.buf, b.len);
        ct_sbuf_free(&b);
        ct_kql_free(q);
        return CT_EXIT_OK;
    }
    if (optind + 1 >= argc) {
        ct_kql_free(q);
        return ct_cli_usage_error("query", "no input FILE given");
    }
    ct_store st;
    ct_store_init(&st);
    int rc = ct_cli_load(&st, argv + optind + 1, argc - optind - 1, 1);
    size_t matched = 0;
    for (size_t i = 0; i < st.nev; i++) {
        cJSON *doc = ct_store_event_json(&st, i);
        if (doc && ct_kql_match(q, doc)) {
            ct_cli_print_json_line(doc);
            matched++;
        }
        cJSON_Delete(doc);
    }
    ct_out_printf(stderr, "%zu matching event%s\n", matched, matched == 1 ? "" : "s");
    ct_store_free(&st);
    ct_kql_free(q);
    return rc;
}

int ct_cmd_rules(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        ct_out_printf(stdout, "usage: credtriage rules list|export [--repo DIR]\n"
               "       credtriage rules import FILE.ndjson [--repo DIR] [--analyst ID]\n"
               "list: the rules in use; export: a Kibana rule export (NDJSON, guides in \"note\");\n"
               "import: Kibana rule export -> rules/<provider>/<name>.json and guides/<name>.md\n"
               "(into the repo's working tree; review and commit them with git).\n");
        return argc < 2 ? CT_EXIT_USAGE : CT_EXIT_OK;
    }
    const char *sub = argv[1];
    static const struct option opts[] = {{"repo", required_argument, NULL, 'R'},
                                         {"analyst", required_argument, NULL, 'A'},
                                         {0, 0, 0, 0}};
    ct_session_opts o = {0};
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (ct_cli_session_opt(c, optarg, &o) <= 0) return ct_cli_usage_error("rules", "bad option");
    o.need_repo = !strcmp(sub, "import");
    ct_session s;
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = CT_EXIT_OK;
    if (ct_session_begin(&s, &o, &err) < 0) {
        ct_cli_put_err("rules", err.buf);
        rc = CT_EXIT_REPO;
    } else if (!strcmp(sub, "list")) {
        /* columns as wide as their widest cell (in terminal columns), so the names line up */
        int w[3] = {0, 0, 0};
        for (size_t i = 0; i < s.rules.n; i++) {
            const char *c[3] = {s.rules.v[i].rule_id, s.rules.v[i].severity, s.rules.v[i].path};
            for (int k = 0; k < 3; k++) {
                ct_sbuf t;
                ct_sbuf_init(&t);
                ct_san_displayz(c[k], 0, &t);
                int cw = ct_san_width(t.buf);
                if (cw > w[k]) w[k] = cw;
                ct_sbuf_free(&t);
            }
        }
        char fmt[64];
        snprintf(fmt, sizeof fmt, "%%-%ds %%-%ds %%-%ds %%s\n", w[0], w[1], w[2]);
        for (size_t i = 0; i < s.rules.n; i++)
            ct_out_printf(stdout, fmt, s.rules.v[i].rule_id, s.rules.v[i].severity, s.rules.v[i].path,
                          s.rules.v[i].name);
    } else if (!strcmp(sub, "export")) {
        if (ct_rules_export(&s.rules, stdout) < 0) rc = CT_EXIT_FINDINGS;
    } else if (!strcmp(sub, "import")) {
        if (optind >= argc) rc = ct_cli_usage_error("rules", "import needs FILE.ndjson");
        size_t n = 0;
        for (int i = optind; i < argc && rc == CT_EXIT_OK; i++) {
            if (ct_rules_import(argv[i], s.rules_root, &n, &err) < 0) {
                ct_cli_put_err("rules import", err.len ? err.buf : "some records were skipped");
                rc = CT_EXIT_FINDINGS;
            }
            ct_out_printf(stderr, "imported %zu rules into %s\n", n, s.rules_root);
        }
    } else {
        rc = ct_cli_usage_error("rules", "unknown sub-command '%s'", sub);
    }
    ct_sbuf_free(&err);
    if (rc != CT_EXIT_REPO) ct_session_close(&s);
    return rc;
}
