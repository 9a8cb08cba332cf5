/* The console's command line: `credtriage [--repo DIR] [--analyst ID]
 * [--window DUR] FILE...` parsed here, then ui/ runs it (ui.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "out.h"
#include "session.h"
#include "ui.h"

static void usage(FILE *out)
{
    ct_out_printf(out, "usage: %s [--repo DIR] [--analyst 'Name <email>'] [--window DUR] FILE...\n",
            ct_prog);
}

int ct_cmd_console(int argc, char **argv)
{
    static const struct option lo[] = {
        {"repo", required_argument, NULL, 'r'}, {"analyst", required_argument, NULL, 'a'},
        {"window", required_argument, NULL, 'w'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    ct_session_opts o;
    memset(&o, 0, sizeof o);
    o.need_repo = 1;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
        switch (c) {
        case 'r': o.repo_dir = optarg; break;
        case 'a': o.analyst = optarg; break;
        case 'w':
            if (ct_duration_parse(optarg, &o.window_ms) < 0 || o.window_ms <= 0)
                return ct_cli_usage_error(NULL, "bad --window '%s' (30m, 12h, 3d, 2w)", optarg);
            o.window_set = 1;
            break;
        case 'h': usage(stdout); return CT_EXIT_OK;
        default: usage(stderr); return CT_EXIT_USAGE;
        }
    }
    if (optind >= argc) return ct_cli_usage_error(NULL, "no FILE to triage");
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        ct_out_printf(stderr, "%s: the console needs a terminal; use a sub-command for batch work\n", ct_prog);
        return CT_EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++)
        if (!strcmp(argv[i], "-")) {
            ct_out_printf(stderr, "%s: the console reads keys from the terminal, not a file from stdin\n",
                    ct_prog);
            return CT_EXIT_USAGE;
        }
    o.files = argv + optind;
    o.nfiles = argc - optind;
    return ct_ui_run(&o, ct_prog) < 0 ? CT_EXIT_REPO : CT_EXIT_OK;
}
