/* ui: the interactive triage console (ncurses). The command line (src/cli)
 * parses the console's options and calls it; ui includes nothing of the CLI. */
#ifndef CT_UI_H
#define CT_UI_H
#include "session.h"

/* Open the console on opts (files, repo, analyst, window; need_repo set) and
 * run it until the analyst quits. prog names the program in messages on
 * stderr. Needs a terminal on stdin and stdout. Returns 0, or -1 when the
 * session could not be opened (the reason printed on stderr). */
int ct_ui_run(ct_session_opts *opts, const char *prog);

#endif
