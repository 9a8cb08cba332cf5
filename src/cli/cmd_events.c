/* credtriage events: the normalized events, as a table or as NDJSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "out.h"

int ct_cmd_events(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'},
        CT_CLI_STRICT_OPT, {0, 0, 0, 0}};
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
        if (c == 'j') json = 1;
        else if (ct_cli_strict_opt(c)) continue;
        else if (c == 'h') {
            ct_out_printf(stdout, "usage: credtriage events [--json] [--strict] FILE...\n"
                   "Print every event normalized to ECS with its extracted entities.\n"
                   "  --json       one line per event: the ECS document plus a \"credtriage\" object\n"
                   CT_CLI_STRICT_HELP);
            return CT_EXIT_OK;
        } else return ct_cli_usage_error("events", "unknown option");
    }
    if (optind >= argc) return ct_cli_usage_error("events", "no input FILE given");
    ct_store st;
    ct_store_init(&st);
    int rc = ct_cli_load(&st, argv + optind, argc - optind, 1);
    if (!json)
        ct_out_printf(stdout, "%-24s %-16s %-40s %-8s %-28s %-28s %s\n", "TIME", "DATASET", "ACTION", "OUTCOME",
               "ACTOR", "TARGET", "CREDENTIAL");
    for (size_t i = 0; i < st.nev; i++) {
        const ct_event *e = &st.ev[i];
        if (json) {
            cJSON *doc = ct_store_event_json(&st, i);
            if (doc) ct_cli_print_json_line(doc);
            cJSON_Delete(doc);
            continue;
        }
        char t[32];
        ct_time_fmt(e->ts, t);
        const char *actor = ct_event_str(&st, e, CT_EF_ACTOR_NAME);
        const char *target = ct_event_str(&st, e, CT_EF_TARGET_NAME);
        const char *cred = ct_event_str(&st, e, (e->flags & CT_EVF_CRED_ADD) ? CT_EF_CRED_ID : CT_EF_CRED_USED);
        ct_cli_print_cell(t, 24);
        ct_cli_print_cell(ct_event_str(&st, e, CT_EF_DATASET), 16);
        ct_cli_print_cell(ct_event_str(&st, e, CT_EF_ACTION), 40);
        ct_cli_print_cell(ct_event_str(&st, e, CT_EF_OUTCOME), 8);
        ct_cli_print_cell(actor ? actor : ct_event_str(&st, e, CT_EF_ACTOR_ID), 28);
        ct_cli_print_cell(target ? target : ct_event_str(&st, e, CT_EF_TARGET_ID), 28);
        if (cred) ct_out_printf(stdout, "%s", (e->flags & CT_EVF_CRED_ADD) ? "+" : "used ");
        ct_cli_print_cell(cred, 36);
        putchar('\n');
    }
    ct_store_free(&st);
    return rc;
}
