/* credtriage: one main, sub-commands dispatched from a table. With no
 * sub-command the interactive console opens on the FILE operands. */
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "out.h"

static int cmd_help(int argc, char **argv);

const ct_cmd ct_cmds[] = {
    {"events", ct_cmd_events, "[--json] FILE...", "print the normalized events (ECS + entities)"},
    {"scan", ct_cmd_scan, "[--json] [--all] FILE...", "run the rules: list alerts and their status"},
    {"query", ct_cmd_query, "[--explain] 'KQL' FILE...", "events matching a KQL query (NDJSON)"},
    {"esql", ct_cmd_esql, "[--explain] 'QUERY' FILE...", "an ES|QL query over the events; rows as NDJSON"},
    {"rules", ct_cmd_rules, "list|export|import [FILE]", "the rule pack; Kibana import/export"},
    {"incidents", ct_cmd_incidents, "[--json] [--all] FILE...", "related alerts as incidents, ranked by evidence"},
    {"report", ct_cmd_report, "INCIDENT_ID [--format md|json] FILE...", "an incident's case report for the ticket"},
    {"show", ct_cmd_show, "[--json] [--window DUR] ALERT_ID FILE...", "one alert in context: guide, timelines, key usage"},
    {"ack", ct_cmd_ack, "ID... [--note TEXT] FILE...", "acknowledge alerts or an incident (one commit)"},
    {"fp", ct_cmd_fp, "ID... --entry F[=V]... --reason TEXT FILE...", "false positive: add a rule exception (one commit)"},
    {"remediate", ct_cmd_remediate, "ID... [--step N]... [--note TEXT] FILE...", "mark remediated: steps and/or a note (one commit)"},
    {"reopen", ct_cmd_reopen, "ALERT_ID FILE...", "reopen an alert"},
    {"history", ct_cmd_history, "[--json] [--exceptions|--decisions] [--show C]", "who decided what and why (git log)"},
    {"revert", ct_cmd_revert, "COMMIT", "undo a decision or exception"},
    {"sync", ct_cmd_sync, "", "fetch, replay local decisions on top, push"},
    {"note", ct_cmd_note, "", "append a note to an alert's thread"},
    {"assign", ct_cmd_assign, "", "assign an alert (--to 'Name <email>', --none)"},
    {"exceptions", ct_cmd_exceptions, "list|export [-o F]|import FILE", "rule exceptions; Kibana NDJSON"},
    {"check", ct_cmd_check, "", "validate rules, guides, exceptions, decisions"},
    {"help", cmd_help, "", "this help"},
    {NULL, NULL, NULL, NULL},
};

static void usage(FILE *out)
{
    ct_out_printf(out,
            "usage: %s [--repo DIR] [--analyst 'Name <email>'] FILE...   open the triage console\n"
            "       %s COMMAND [OPTIONS] [FILE...]\n\n"
            "Triage alerts about credentials added to cloud applications, service principals\n"
            "and accounts (MITRE ATT&CK T1098.001) from Entra ID / Azure, Microsoft 365,\n"
            "AWS CloudTrail and GCP audit logs and Elastic alert exports.\n"
            "FILE may be NDJSON, a JSON array, {\"Records\":[...]}, {\"records\":[...]},\n"
            "{\"value\":[...]}, an Elasticsearch _search response, any of them gzipped, or - (stdin).\n\n"
            "commands:\n",
            ct_prog, ct_prog);
    for (const ct_cmd *c = ct_cmds; c->name; c++)
        ct_out_printf(out, "  %-10s %s\n  %-10s   %s\n", c->name, c->usage, "", c->summary);
    ct_out_printf(out,
            "\ncommon options:\n"
            "  --repo DIR         the rules repo (default $CREDTRIAGE_REPO, else\n"
            "                     $XDG_DATA_HOME/credtriage/rules)\n"
            "  --analyst ID       'Name <email>' for commits (default: git config user.name/email)\n"
            "  --strict           a command reading logs exits 6 when a record was skipped\n"
            "                     (malformed) or not recognized; one that writes, writes nothing\n"
            "  -h, --help         help (also: %s COMMAND --help)\n"
            "  -V, --version      version\n\n"
            "exit status:\n"
            "  0 success   1 problems found or action refused   2 usage error\n"
            "  3 an input file could not be read   4 rules repo / git error\n"
            "  5 alert or commit not found\n"
            "  6 --strict: a record was skipped (malformed) or not recognized\n",
            ct_prog);
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    usage(stdout);
    return CT_EXIT_OK;
}

static const ct_cmd *find_cmd(const char *name)
{
    for (const ct_cmd *c = ct_cmds; c->name; c++)
        if (!strcmp(c->name, name)) return c;
    return NULL;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* A fixed threshold: blocks of 256 KB and more are mappings, given back
     * when freed and grown by mremap. glibc's default raises the threshold
     * to the size of each big block freed, after which the loader's
     * per-piece arrays and the store's growing ones come from the heap and
     * their freed copies stay resident (+15 MB at 1M documents). */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    if (argc >= 2) {
        if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
            usage(stdout);
            return CT_EXIT_OK;
        }
        if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
            ct_out_printf(stdout, "credtriage %s\n", CT_VERSION);
            return CT_EXIT_OK;
        }
        const ct_cmd *c = find_cmd(argv[1]);
        if (c) return ct_cli_strict_end(c->run(argc - 1, argv + 1));
    }
    if (argc < 2) {
        usage(stderr);
        return CT_EXIT_USAGE;
    }
    /* no sub-command: the console on the FILE operands */
    if (argv[1][0] == '-' || access(argv[1], F_OK) == 0) return ct_cmd_console(argc, argv);
    return ct_cli_usage_error(NULL, "unknown command '%s'", argv[1]);
}
