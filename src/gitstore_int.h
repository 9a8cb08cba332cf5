/* gitstore internals shared by gitstore.c (helpers, identity, locking),
 * gitstore_commit.c (committing, recovery), gitstore_open.c, gitstore_log.c
 * and gitstore_sync.c. Calls go open/log/sync -> commit -> gitstore.c. */
#ifndef CT_GITSTORE_INT_H
#define CT_GITSTORE_INT_H
#include <git2.h>
#include "gitstore.h"
#include "sshconfig.h"
#include "repofs.h"
#include "sanitize.h"

struct ct_repo {
    git_repository *repo;
    char *workdir; /* with trailing '/' */
    char *gitdir;  /* with trailing '/' */
    char *warning; /* a recovery that could not finish yet (see ct_repo_warning) */
    ct_repofs wtfs;  /* the work tree, temporary files in <gitdir>credtriage/tmp */
    ct_repofs gitfs; /* the git directory (the journal), same temporary files */
};

/* Append "<what>: <libgit2's last error>" to err; returns -1. */
int ct_repo__giterr(ct_sbuf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* flock(<gitdir>/credtriage.lock), waiting up to ~30 s. *fd for unlock. */
int ct_repo__lock(ct_repo *r, int *fd, ct_sbuf *err);
void ct_repo__unlock(int fd);
/* gitstore_commit.c: a leftover journal (a writer died): bring its paths in
 * the work tree and the index back to HEAD (what was committed appears, what
 * was not goes), remove dead writers' temporary files and git's stale locks.
 * Commits nothing. The credtriage lock must be held. 0 when there was nothing
 * to recover. */
int ct_repo__recover_locked(ct_repo *r, ct_sbuf *err);

/* Signature "now" for the analyst identity (see ct_repo_identity). */
int ct_repo__signature(ct_repo *r, const char *analyst, git_signature **sig, ct_sbuf *err);

#define CT_REPO_JOURNAL "credtriage-journal"

/* gitstore_commit.c: the body of ct_repo_commit_files, called with the lock held: commit
 * HEAD + the files (from memory), then write and stage them in the work tree.
 * When expect is non-NULL the commit is refused if HEAD is no longer that commit. */
int ct_repo__commit_paths_locked(ct_repo *r, const ct_repo_file *files, size_t n,
                                 const char *message, const git_signature *sig,
                                 const git_oid *expect, char oid_out[41], ct_sbuf *err);
void ct_repo__remove_journal(ct_repo *r);
/* path relative to the work tree that is safe to write (no .., .git, ...) */
int ct_repo__check_path(const char *p, ct_sbuf *err);

/* small helpers */
int ct_repo__sys_err(ct_sbuf *err, const char *what, const char *path); /* "what path: errno" */
char *ct_repo__path_in(const char *dir, const char *name);              /* dir + name */
int64_t ct_repo__mono_ms(void);
void ct_repo__sleep_ms(long ms);

/* Tree of a commit's first parent (NULL for a root commit). */
int ct_repo__parent_tree(git_commit *c, git_tree **out, ct_sbuf *err);

/* gitstore_status.c: the current branch's upstream: the configured one, else remote "origin"
 * with the same branch name. *remote NULL (and 0) when there is none.
 * *branch_ref "refs/heads/B", *merge_ref the branch on the remote
 * ("refs/heads/M"), *tracking "refs/remotes/R/M". Detached/unborn HEAD: an
 * error. All malloc'd (NULL-safe to free). */
int ct_repo__upstream(ct_repo *r, char **branch_ref, char **remote, char **merge_ref,
                      char **tracking, ct_sbuf *err);

/* gitstore_sign.c: git_commit_create, signed when git's config asks
 * (commit.gpgsign); update_ref NULL or "HEAD" (its branch). -1 with the
 * reason when the signature cannot be made: no unsigned commit instead. */
int ct_repo__commit_create(ct_repo *r, git_oid *out, const char *update_ref,
                           const git_signature *author, const git_signature *committer,
                           const char *encoding, const char *msg, const git_tree *tree,
                           size_t nparents, const git_commit **parents, ct_sbuf *err);

/* gitstore_status.c: the config string fmt1 arg fmt2 ("remote." "origin" ".url"), malloc'd; NULL if unset or empty. */
char *ct_repo__cfg_str(git_config *cfg, const char *fmt1, const char *arg, const char *fmt2);

/* gitstore.c: paths changed between two trees (a NULL = empty tree), malloc'd. */
int ct_repo__changed_paths(git_repository *repo, git_tree *a, git_tree *b, char ***paths,
                           size_t *n, ct_sbuf *err);

/* gitstore_url.c: where url connects. An SSH URL whose host the ssh
 * configuration (~/.ssh/config, /etc/ssh/ssh_config) gives a HostName, Port
 * or User is rewritten to ssh://[user@]host[:port]/path (*u updated); *ssh
 * gets the IdentityFiles and UserKnownHostsFile. Else *conn_url = url. */
int ct_repo__url_resolve(const char *url, ct_repo_url *u, ct_ssh_host *ssh, char **conn_url, ct_sbuf *err);

/* gitstore_cred.c: credentials and host-key checks for one remote URL, shared
 * by a sync's fetch and push (the HTTP credentials are asked once). */
typedef struct ct_repo__cred {
    ct_repo *r;
    char *url;            /* as configured (after url.*.insteadOf) */
    char *conn_url;       /* where it connects: the ssh configuration applied */
    ct_repo_url u;        /* conn_url's parts */
    ct_ssh_host ssh;      /* what the ssh configuration says of the host */
    int attempt;          /* credential requests in this connection */
    int refused;          /* the host key was refused (why says why) */
    int auth_failed;      /* no credential left, or the server refused them */
    int approved;
    char *h_user, *h_pass; /* from git credential fill */
    ct_sbuf tried;        /* the SSH credentials offered */
    ct_sbuf why;          /* the explanation of a refusal */
    ct_sbuf remote_says;  /* the server's side-band messages */
    ct_sbuf ca;           /* HTTPS: the CAs trusted, for messages */
    char *ca_file, *ca_dir; /* HTTPS: those CAs (NULL: the system's) */
    void *push_state;     /* gitstore_sync.c's, during a push */
} ct_repo__cred;
/* HTTPS: trust the CAs git is told to (GIT_SSL_CAINFO, http.sslCAInfo,
 * SSL_CERT_FILE; the CA directory likewise), else the system's. -1 with err. */
int ct_repo__tls_setup(ct_repo__cred *c, ct_sbuf *err);
/* gitstore_tls.c: an address as a host ("10.0.0.5", "::1", "[::1]"): its 4 or
 * 16 bytes (canon, if given, its usual text); 0 for a DNS name */
int ct_repo__tls_host_ip(const char *host, unsigned char out[16], char canon[64]);
/* RFC 6125 for a host that is an address: the DER certificate matches only
 * through an iPAddress subjectAltName equal to it (never a dNSName or the CN);
 * valid is libgit2's verdict, and when it is 0 the chain and date are checked
 * again against cafile/cadir (NULL: the system's CAs). 1 trusted for the
 * address; 0 trusted chain but not issued for it (names gets the certificate's
 * names); -1 not trusted */
int ct_repo__tls_check_ip(const unsigned char *der, size_t len, const char *host, int valid,
                          const char *cafile, const char *cadir, ct_sbuf *names);
/* -1 with err when the ssh configuration cannot be read */
int ct_repo__cred_init(ct_repo__cred *c, ct_repo *r, const char *url, ct_sbuf *err);
void ct_repo__cred_free(ct_repo__cred *c);
/* before each connection (fetch, push) */
void ct_repo__cred_begin(ct_repo__cred *c);
void ct_repo__cred_callbacks(ct_repo__cred *c, git_remote_callbacks *cb);
/* after a successful connection: git credential approve */
void ct_repo__cred_done(ct_repo__cred *c, int ok);
/* "cannot <what>: <why>" for a failed fetch or push; returns -1 */
int ct_repo__remote_error(ct_repo__cred *c, const char *what, ct_sbuf *err);
void ct_repo__remote_says(const ct_repo__cred *c, ct_sbuf *out);

#endif
