/* esql: an ES|QL query over input files, result rows as NDJSON; --explain
 * prints the parsed plan. */
#include <stdio.h>

#include "cli.h"
#include "esql.h"
#include "sanitize.h"

#include <getopt.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

static cJSON *get_doc(void *ctx, size_t i)
{
    return ct_store_event_json(ctx, i);
}

static void put_doc(void *ctx, size_t i, cJSON *doc)
{
    (void)ctx;
    (void)i;
    cJSON_Delete(doc);
}

static const char *doc_dataset(void *ctx, size_t i)
{
    const ct_store *st = ctx;
    if (st->ev[i].flags & CT_EVF_ALERT) return NULL; /* Elastic alert documents are not log events */
    return ct_event_str(st, &st->ev[i], CT_EF_DATASET);
}

static int run(ct_esql *q, char *const *files, int nfiles)
{
    ct_store st;
    ct_store_init(&st);
    int rc = ct_cli_load(&st, files, nfiles, 1);
    ct_esql_result res;
    char err[512];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (ct_esql_run(q, st.nev, get_doc, put_doc, doc_dataset, &st, now, &res, err, sizeof err) < 0) {
        ct_cli_put_err("esql", err);
        rc = CT_EXIT_USAGE;
    } else {
        for (size_t i = 0; i < res.n; i++) ct_cli_print_json_line(res.v[i].row);
        fprintf(stderr, "%zu row%s\n", res.n, res.n == 1 ? "" : "s");
        ct_esql_result_free(&res);
    }
    ct_store_free(&st);
    return rc;
}

int ct_cmd_esql(int argc, char **argv)
{
    static const struct option opts[] = {
        {"explain", no_argument, NULL, 'e'}, {"help", no_argument, NULL, 'h'}, CT_CLI_STRICT_OPT, {0, 0, 0, 0}};
    int explain = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "eh", opts, NULL)) != -1) {
        if (c == 'e') explain = 1;
        else if (ct_cli_strict_opt(c)) continue;
        else if (c == 'h') {
            printf("usage: credtriage esql [--explain] [--strict] 'QUERY' FILE...\n"
                   "Run an ES|QL query over the normalized events of the files (FROM's index\n"
                   "patterns pick the datasets) and print the result rows as NDJSON.\n"
                   "--explain prints the parsed plan, one command a line. A syntax error exits 2\n"
                   "with \"line L:C: ...\" as Elasticsearch reports it.\n"
                   CT_CLI_STRICT_HELP);
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
    } else if (optind + 1 >= argc) {
        rc = ct_cli_usage_error("esql", "no input FILE given");
    } else {
        rc = run(q, argv + optind + 1, argc - optind - 1);
    }
    ct_sbuf_free(&b);
    ct_sbuf_free(&s);
    ct_esql_free(q);
    return rc;
}
