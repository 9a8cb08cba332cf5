/* sshconfig: what OpenSSH's client configuration says about a host, read as
 * ssh(1) reads it (ssh_config(5)), so that a remote such as `team:rules.git`
 * or `git@gitlab-work:soc/rules.git` reaches the server `git fetch` reaches:
 * HostName, Port, User, IdentityFile, IdentitiesOnly and UserKnownHostsFile
 * of the Host blocks that match, the first value obtained winning (an
 * IdentityFile adds up). Host patterns with * and ? and !negation, Include
 * (globs, relative to ~/.ssh or /etc/ssh), `keyword=value` and quoted
 * arguments; tokens %h %p %r %u %d %% and a leading ~ in the paths. Match
 * blocks other than `Match all` are not evaluated: their options are not
 * applied (said in `skipped`). libssh2, which libgit2 connects with, reads
 * none of this. */
#ifndef CT_SSHCONFIG_H
#define CT_SSHCONFIG_H
#include <stddef.h>
#include "util.h"

typedef struct ct_ssh_host {
    char *hostname;        /* HostName, tokens expanded; NULL: the name as given */
    int port;              /* Port; -1 when not set */
    char *user;            /* User; NULL when not set */
    char **identity;       /* IdentityFile, in order, ~ and tokens expanded */
    size_t nidentity;
    int identities_only;   /* IdentitiesOnly yes */
    char *known_hosts;     /* the first UserKnownHostsFile, expanded; NULL when not set */
    int skipped_match;     /* a Match block was not evaluated */
} ct_ssh_host;

/* Look host up in files (the user's ~/.ssh/config first, then
 * /etc/ssh/ssh_config): missing files are skipped; a file over 1 MiB, an
 * Include deeper than 16, or a line that cannot be read is an error naming
 * file and line (-1 with err). user is the user of the URL (or NULL), for %r. */
int ct_ssh_config_lookup(const char *const *files, size_t nfiles, const char *host, const char *user,
                         ct_ssh_host *out, ct_sbuf *err);
void ct_ssh_host_free(ct_ssh_host *h);
/* 1 if host matches the ssh_config pattern list ("*.corp !bastion.corp") */
int ct_ssh_host_match(const char *patterns, const char *host);

#endif
