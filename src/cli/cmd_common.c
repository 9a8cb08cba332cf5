/* What the session commands share: their common options, error lines and
 * opening the session. */
#include <stdio.h>
#include "cli.h"
#include "sanitize.h"
#include "session.h"

/* Options every session command shares. Returns the option char handled, 0 if not ours. */
int ct_cli_session_opt(int c, const char *arg, struct ct_session_opts *o)
{
    switch (c) {
    case 'R': o->repo_dir = arg; return c;
    case 'A': o->analyst = arg; return c;
    case 'W':
        if (ct_duration_parse(arg, &o->window_ms) < 0) return -1;
        o->window_set = 1;
        return c;
    }
    return 0;
}

void ct_cli_put_err(const char *cmd, const char *msg)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_displayz(msg, CT_SAN_MULTILINE, &b);
    fprintf(stderr, "credtriage %s: %s\n", cmd, b.buf);
    ct_sbuf_free(&b);
}

int ct_cli_open_session(const char *cmd, struct ct_session *s, struct ct_session_opts *o, int need_repo,
                        const char *no_repo_fmt)
{
    o->need_repo = need_repo;
    ct_sbuf err;
    ct_sbuf_init(&err);
    if (ct_session_open(s, o, &err) < 0) {
        ct_cli_put_err(cmd, err.buf);
        ct_sbuf_free(&err);
        ct_session_close(s);
        return CT_EXIT_REPO;
    }
    ct_sbuf_free(&err);
    if (need_repo && !s->repo) {
        /* ct_session_open succeeds without a repo (scan runs on the shipped
         * rules), so a command that needs one refuses here. */
        ct_sbuf m;
        ct_sbuf_init(&m);
        ct_sbuf_addf(&m, no_repo_fmt, s->repo_dir ? s->repo_dir : "?");
        ct_cli_put_err(cmd, m.buf);
        ct_sbuf_free(&m);
        ct_session_close(s);
        return CT_EXIT_REPO;
    }
    return 0;
}
