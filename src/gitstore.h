/* gitstore: the analysts' "rules repo" — triage decisions (rule exceptions,
 * alert decisions) are files in a git repository, committed with libgit2 so
 * that `git log` is the team's audit trail and one decision can be reverted.
 *
 * All functions return 0 on success and -1 with a human-readable message
 * appended to err on failure; git errors never abort the process.
 *
 * Concurrency and crash safety of ct_repo_commit_files():
 *   - processes serialize on an flock of <gitdir>/credtriage.lock around
 *     write + stage + commit, and the commit is built on HEAD as re-read
 *     under that lock, so two committers never lose a commit;
 *   - all or nothing: the commit is built from memory and HEAD moved (only if
 *     it still is the parent) before the work tree is touched; then the files
 *     are written through repofs (beneath the work tree, no symlink followed,
 *     temporary files O_EXCL in <gitdir>/credtriage/tmp) and staged. A failure
 *     before the commit leaves nothing in the work tree;
 *   - the paths are recorded in <gitdir>/credtriage-journal before the commit
 *     and the journal is removed once the work tree is updated; ct_repo_open()
 *     and the next commit bring a leftover journal's paths in the work tree and
 *     index back to HEAD (the commit's files appear if it was made, an
 *     uncommitted write leaves no trace) and commit nothing;
 *   - the commit is HEAD's tree with only the given paths changed: unrelated
 *     changes in the working tree or the index are neither committed nor lost.
 * Recovery needs no identity (it commits nothing); a repo it cannot write
 * leaves the journal for the next try (ct_repo_warning).
 * Test hook: with CT_GITSTORE_TEST_CRASH_AFTER_WRITE set in the environment,
 * a commit _exit()s (99) after writing the files, before staging them. With
 * CT_GITSTORE_TEST_CRASH_AT=prepare|commit|write|stage it _exit()s (99) after
 * writing the journal (before the commit) / after the commit / after writing
 * the work tree / after staging (tests/e2e/faults.sh). */
#ifndef CT_GITSTORE_H
#define CT_GITSTORE_H
#include <stddef.h>
#include <stdint.h>
#include "util.h"

typedef struct ct_repo ct_repo;

/* path relative to the repo root ("rules/x/a.json"); data NULL = delete */
typedef struct ct_repo_file {
    const char *path;
    const char *data;
    size_t len;
} ct_repo_file;

typedef struct ct_commit_info {
    char id[41];
    char *author_name, *author_email;
    int64_t time_ms;       /* author time, ms UTC */
    int tz_offset_min;     /* author's UTC offset in minutes */
    char *summary, *message;
    char **files;          /* paths changed against the first parent */
    size_t nfiles;
} ct_commit_info;

typedef struct ct_repo_status {
    char *branch;          /* NULL if detached */
    int has_upstream;      /* configured upstream, or origin/<branch> exists */
    size_t ahead, behind;  /* against that upstream, as last fetched */
    int detached;
} ct_repo_status;

typedef struct ct_sync_report {
    size_t fetched;        /* upstream commits that were not in the local branch */
    size_t rebased;        /* local commits replayed on top of upstream */
    size_t pushed;         /* commits pushed */
    char **conflicts;      /* paths changed on both sides (sync refused) */
    size_t nconflicts;
    char *remote, *upstream; /* with conflicts: the remote's name, its tracking ref */
} ct_sync_report;

/* $CREDTRIAGE_REPO, else $XDG_DATA_HOME/credtriage/rules, else
 * $HOME/.local/share/credtriage/rules. -1 if none of them is set. */
int ct_repo_default_dir(ct_sbuf *out);

/* Open dir. A missing dir, an empty dir, a repo with no commit yet or a repo
 * whose HEAD has no rules/ directory is created/initialised and seeded with
 * copies of seed_root/rules and seed_root/guides in one commit
 * ("seed: shipped credtriage rules and guides") by the analyst identity.
 * A repo with commits and rules/ is used as it is. A leftover journal of an
 * interrupted ct_repo_commit_files() is settled (see above), and temporary
 * files of killed writers are removed. */
int ct_repo_open(const char *dir, const char *seed_root, const char *analyst, ct_repo **out,
                 ct_sbuf *err);
void ct_repo_close(ct_repo *r);
const char *ct_repo_workdir(const ct_repo *r); /* with a trailing '/' */
/* Set when open found an interrupted write it could not commit yet (e.g. no
 * identity on a read-only command): the files stay in the work tree and the
 * journal stays, so the next open that can commit recovers them. NULL if none. */
const char *ct_repo_warning(const ct_repo *r);

/* Who commits: analyst "Name <email>" when given (validated), else git config
 * user.name + user.email (repo, global, XDG and system config). Never made
 * up: with neither, an error. *name and *email are malloc'd. */
int ct_repo_identity(ct_repo *r, const char *analyst, char **name, char **email, ct_sbuf *err);

/* Write the files atomically (creating directories; data NULL removes),
 * stage only those paths and commit them on the current branch with the
 * analyst as author and committer. message gets a trailing newline if it
 * lacks one. Nothing changed: no commit, 0, oid_out "". Detached HEAD is
 * refused; a held index.lock is waited for ~2 s. oid_out may be NULL. */
int ct_repo_commit_files(ct_repo *r, const ct_repo_file *files, size_t n, const char *message,
                         const char *analyst, char oid_out[41], ct_sbuf *err);

/* The same, only if HEAD is still expect_head (40 hex; "" = no commit yet):
 * -2, nothing written and no message, when another commit came in between
 * (the caller re-reads and decides again). expect_head NULL: no condition. */
int ct_repo_commit_files_at(ct_repo *r, const ct_repo_file *files, size_t n, const char *message,
                            const char *analyst, const char *expect_head, char oid_out[41],
                            ct_sbuf *err);
/* path as HEAD has it: 1 and *data (malloc'd, NUL-terminated) / *len, 0 when
 * HEAD has no such file (or no commit), -1 on error. head_id gets HEAD's
 * commit id ("" when none). */
int ct_repo_head_file(ct_repo *r, const char *path, char head_id[41], char **data, size_t *len,
                      ct_sbuf *err);
/* The same at a ref ("refs/remotes/origin/main"); head_id its commit. */
int ct_repo_rev_file(ct_repo *r, const char *ref, const char *path, char head_id[41], char **data,
                     size_t *len, ct_sbuf *err);
/* HEAD's commit id ("" when none); -1 when it cannot be read. */
int ct_repo_head_id(ct_repo *r, char out[41]);

/* Commits from HEAD backwards, newest first; only those touching a path
 * under one of the prefixes ("rules/x" matches rules/x and rules/x/...;
 * NULL/0 = all); at most max (0 = all). Free with ct_commit_info_free. */
int ct_repo_history(ct_repo *r, const char *const *prefixes, size_t nprefixes, size_t max,
                    ct_commit_info **out, size_t *n, ct_sbuf *err);
void ct_commit_info_free(ct_commit_info *c, size_t n);

/* Unified diff of one commit against its first parent (like
 * `git show --format= REV`), appended to patch; rev may be a short id. */
int ct_repo_show(ct_repo *r, const char *rev, ct_sbuf *patch, ct_sbuf *err);

/* Commit the reverse of rev on the current branch: "Revert \"<summary>\"",
 * blank line, "This reverts commit <id>.", the analyst as author. Refused,
 * with the working tree untouched, if it conflicts with later commits or
 * with uncommitted changes to the same files. */
int ct_repo_revert(ct_repo *r, const char *rev, const char *analyst, char oid_out[41],
                   ct_sbuf *err);

int ct_repo_status_get(ct_repo *r, ct_repo_status *st, ct_sbuf *err);
void ct_repo_status_free(ct_repo_status *st);

/* A remote URL as git reads it: scheme://[user@]host[:port]/path, scp-like
 * [user@]host:path (scheme "ssh", scp_like set) or a local path (scheme
 * "file"). port -1 when not given. 0, or -1 when it is not a URL. */
typedef struct ct_repo_url {
    char *scheme, *user, *host, *path;
    int port;
    int scp_like;
} ct_repo_url;
int ct_repo_url_parse(const char *url, ct_repo_url *out);
void ct_repo_url_free(ct_repo_url *u);

/* Sync the current branch with its upstream (or remote "origin", same branch
 * name): fetch; fast-forward when only behind; when diverged, replay the
 * local commits on top of upstream — a file changed on both sides is a
 * conflict: nothing local changes, the paths are listed in
 * report->conflicts and -1 is returned; then push. report may be NULL;
 * free it with ct_sync_report_free. */
int ct_repo_sync(ct_repo *r, const char *analyst, ct_sync_report *report, ct_sbuf *err);
void ct_sync_report_free(ct_sync_report *rep);

#endif
