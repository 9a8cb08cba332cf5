/* esql: an ES|QL query over input files, result rows as NDJSON; --explain
 * prints the parsed plan. */
#include <stdio.h>

#include "cli.h"
#include "esql.h"
#include "sanitize.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

int ct_cmd_esql(int argc, char **argv)
{
    static const struct option opts[] = {
        {"explain", no_argument, NULL, 'e'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int explain = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "eh", opts, NULL)) != -1) {
        if (c == 'e') explain = 1;
        else if (c == 'h') {
            printf("usage: credtriage esql [--explain] 'QUERY' FILE...\n"
                   "Run an ES|QL query over the normalized events of the files (FROM's index\n"
                   "patterns pick the datasets) and print the result rows as NDJSON.\n"
                   "--explain prints the parsed plan, one command a line. A syntax error exits 2\n"
                   "with \"line L:C: ...\" as Elasticsearch reports it.\n");
            return CT_EXIT_OK;
        } else return ct_cli_usage_error("esql", "bad option");
    }
    if (optind >= argc) return ct_cli_usage_error("esql", "no query given");
    char err[512];
    ct_esql *q = ct_esql_parse(argv[optind], err, sizeof err);
    if (!q) {
        ct_cli_put_err("esql", err);
        return CT_EXIT_USAGE;
    }
    ct_sbuf b, s;
    ct_sbuf_init(&b);
    ct_sbuf_init(&s);
    int rc = CT_EXIT_OK;
    if (explain) {
        ct_esql_explain(q, &b);
        for (char *l = b.buf; l && *l;) { /* a line at a time, each inert */
            char *nl = strchr(l, '\n');
            size_t len = nl ? (size_t)(nl - l) : strlen(l);
            ct_sbuf_reset(&s);
            ct_san_display(l, len, 0, &s);
            printf("%s\n", s.buf ? s.buf : "");
            l += len + (nl != NULL);
        }
    } else {
        rc = ct_cli_usage_error("esql", "running queries is not built yet");
    }
    ct_sbuf_free(&b);
    ct_sbuf_free(&s);
    ct_esql_free(q);
    return rc;
}
