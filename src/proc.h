/* proc: run a helper program (git credential, ssh-keygen, gpg) with data on
 * its stdin and its stdout and stderr captured, each bounded (1 MiB), never
 * through a shell. */
#ifndef CT_PROC_H
#define CT_PROC_H
#include "util.h"

typedef struct ct_proc {
    const char *const *argv; /* argv[0] is looked up in PATH */
    const char *cwd;         /* NULL: ours */
    const char *const *env;  /* "NAME=value" added to (or replacing in) our environment; NULL-terminated, may be NULL */
    const char *in;          /* written to stdin, then closed; may be NULL */
    size_t inlen;
} ct_proc;

/* 0 when the program ran and exited (its status in *status: the exit code,
 * or 128 + signal); -1 with a message when it could not be run at all
 * (e.g. not installed). out / errout may be NULL (the output is discarded). */
int ct_proc_run(const ct_proc *p, ct_sbuf *out, ct_sbuf *errout, int *status, ct_sbuf *err);

#endif
