/* gitstore: default location, identity, locking, committing.
 * Open/seed/recover live in gitstore_open.c, history/show/revert/status in
 * gitstore_log.c, sync in gitstore_sync.c; shared internals in gitstore_int.h. */
#include "gitstore_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOCK_NAME "credtriage.lock"
#define LOCK_WAIT_MS 30000
#define INDEX_WAIT_MS 2000
/* Test hook: a process with this variable set dies (_exit) after writing the
 * files and before staging them, as a kill at the worst moment would. */
#define CRASH_HOOK_ENV "CT_GITSTORE_TEST_CRASH_AFTER_WRITE"
#define CRASH_AT_ENV "CT_GITSTORE_TEST_CRASH_AT" /* write | stage | commit (gitstore.h) */

/* Test hook: die like a SIGKILL (no cleanup) at a named step of a commit. */
static void crash_point(const char *step)
{
    const char *e = getenv(CRASH_AT_ENV);
    if (e && !strcmp(e, step)) _exit(99);
}

int ct_repo__giterr(ct_sbuf *err, const char *fmt, ...)
{
    const git_error *e = git_error_last();
    va_list ap;
    va_start(ap, fmt);
    ct_sbuf_vaddf(err, fmt, ap);
    va_end(ap);
    ct_sbuf_addf(err, ": %s", e && e->message ? e->message : "unknown git error");
    return -1;
}

int ct_repo__sys_err(ct_sbuf *err, const char *what, const char *path)
{
    ct_sbuf_addf(err, "%s %s: %s", what, path, strerror(errno));
    return -1;
}

int64_t ct_repo__mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ct_repo__sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

char *ct_repo__path_in(const char *dir, const char *name)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_addf(&b, "%s%s", dir, name);
    char *s = ct_sbuf_detach(&b);
    ct_sbuf_free(&b); /* detach re-initialises b */
    return s;
}

int ct_repo_default_dir(ct_sbuf *out)
{
    const char *e = getenv("CREDTRIAGE_REPO");
    if (e && *e) {
        ct_sbuf_add(out, e);
        return 0;
    }
    e = getenv("XDG_DATA_HOME");
    if (e && *e == '/') { /* the XDG spec says relative values are ignored */
        ct_sbuf_addf(out, "%s/credtriage/rules", e);
        return 0;
    }
    e = getenv("HOME");
    if (e && *e) {
        ct_sbuf_addf(out, "%s/.local/share/credtriage/rules", e);
        return 0;
    }
    return -1;
}

const char *ct_repo_workdir(const ct_repo *r)
{
    return r ? r->workdir : NULL;
}

/* ---- identity ---------------------------------------------------------- */

static char *trim_dup(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    return ct_xstrndup(s, n);
}

static int bad_ident_text(const char *s, int allow_space)
{
    if (!*s) return 1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>') return 1;
        if (!allow_space && *p == ' ') return 1;
    }
    return 0;
}

static int valid_email(const char *e)
{
    const char *at = strchr(e, '@');
    return !bad_ident_text(e, 0) && at && at != e && at[1];
}

static int parse_analyst(const char *a, char **name, char **email, ct_sbuf *err)
{
    const char *lt = strchr(a, '<');
    const char *gt = lt ? strchr(lt, '>') : NULL;
    int ok = lt && gt;
    if (ok) {
        for (const char *p = gt + 1; *p; p++)
            if (*p != ' ' && *p != '\t') ok = 0;
    }
    char *n = ok ? trim_dup(a, (size_t)(lt - a)) : NULL;
    char *e = ok ? trim_dup(lt + 1, (size_t)(gt - lt - 1)) : NULL;
    if (!ok || bad_ident_text(n, 1) || !valid_email(e)) {
        free(n);
        free(e);
        ct_sbuf_add(err, "invalid analyst identity: expected 'Name <email@example.org>' "
                         "(a non-empty name, one email address with an '@', no control "
                         "characters)");
        return -1;
    }
    *name = n;
    *email = e;
    return 0;
}

int ct_repo_identity(ct_repo *r, const char *analyst, char **name, char **email, ct_sbuf *err)
{
    *name = *email = NULL;
    if (analyst && *analyst) return parse_analyst(analyst, name, email, err);
    git_config *cfg = NULL;
    if (git_repository_config_snapshot(&cfg, r->repo) < 0)
        return ct_repo__giterr(err, "cannot read git config of %s", r->workdir);
    const char *n = NULL, *e = NULL;
    int rn = git_config_get_string(&n, cfg, "user.name");
    int re = git_config_get_string(&e, cfg, "user.email");
    int rc = -1;
    if ((rn < 0 && rn != GIT_ENOTFOUND) || (re < 0 && re != GIT_ENOTFOUND)) {
        ct_repo__giterr(err, "cannot read user.name/user.email from git config");
    } else if (rn < 0 || re < 0 || !*n || !*e) {
        ct_sbuf_add(err, "no analyst identity: set git config user.name and user.email, "
                         "or pass --analyst 'Name <email>'");
    } else {
        char *tn = trim_dup(n, strlen(n)), *te = trim_dup(e, strlen(e));
        if (bad_ident_text(tn, 1) || bad_ident_text(te, 0)) {
            ct_sbuf_add(err, "invalid identity in git config user.name/user.email "
                             "(empty, or contains '<', '>' or control characters)");
            free(tn);
            free(te);
        } else {
            *name = tn;
            *email = te;
            rc = 0;
        }
    }
    git_config_free(cfg);
    return rc;
}

int ct_repo__signature(ct_repo *r, const char *analyst, git_signature **sig, ct_sbuf *err)
{
    char *name, *email;
    *sig = NULL;
    if (ct_repo_identity(r, analyst, &name, &email, err) < 0) return -1;
    int rc = git_signature_now(sig, name, email);
    if (rc < 0) ct_repo__giterr(err, "invalid identity '%s <%s>'", name, email);
    free(name);
    free(email);
    return rc < 0 ? -1 : 0;
}

/* ---- locking ------------------------------------------------------------ */

int ct_repo__lock(ct_repo *r, int *fd_out, ct_sbuf *err)
{
    char *path = ct_repo__path_in(r->gitdir, LOCK_NAME);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        ct_repo__sys_err(err, "cannot create lock file", path);
        if (errno == EACCES || errno == EROFS) ct_sbuf_add(err, " (is the repository read-only?)");
        free(path);
        return -1;
    }
    int64_t deadline = ct_repo__mono_ms() + LOCK_WAIT_MS;
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) break;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            ct_repo__sys_err(err, "cannot lock", path);
            goto fail;
        }
        if (ct_repo__mono_ms() > deadline) {
            ct_sbuf_addf(err, "another credtriage process has held %s for more than %d s",
                         path, LOCK_WAIT_MS / 1000);
            goto fail;
        }
        ct_repo__sleep_ms(2);
    }
    free(path);
    *fd_out = fd;
    return 0;
fail:
    close(fd);
    free(path);
    return -1;
}

void ct_repo__unlock(int fd)
{
    if (fd >= 0) close(fd); /* closing drops the flock */
}

/* ---- committing --------------------------------------------------------- */

int ct_repo__check_path(const char *p, ct_sbuf *err)
{
    const char *why = NULL;
    if (!p || !*p) why = "empty path";
    else if (*p == '/') why = "absolute path";
    for (const char *s = p; !why && s && *s;) {
        const char *slash = strchr(s, '/');
        size_t len = slash ? (size_t)(slash - s) : strlen(s);
        if (len == 0) why = "empty path component";
        else if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
            why = "'.' or '..' component";
        else if (len == 4 && ct_strncaseeq(s, ".git", 4)) why = "'.git' component";
        for (size_t i = 0; !why && i < len; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) why = "control character";
        s = slash ? slash + 1 : NULL;
        if (slash && !*s) why = "trailing '/'";
    }
    if (why) ct_sbuf_addf(err, "refusing to write path '%s' in the rules repo: %s", p ? p : "", why);
    return why ? -1 : 0;
}

static int wait_index_unlocked(ct_repo *r, ct_sbuf *err)
{
    char *path = ct_repo__path_in(r->gitdir, "index.lock");
    int64_t deadline = ct_repo__mono_ms() + INDEX_WAIT_MS;
    int rc = 0;
    while (access(path, F_OK) == 0) {
        if (ct_repo__mono_ms() > deadline) {
            ct_sbuf_addf(err, "the git index is locked (%s exists): another git command is "
                              "running in %s; if none is, a crashed one left the file behind "
                              "and it can be removed", path, r->workdir);
            rc = -1;
            break;
        }
        ct_repo__sleep_ms(50);
    }
    free(path);
    return rc;
}

static int write_journal(ct_repo *r, const ct_repo_file *files, size_t n, ct_sbuf *err)
{
    ct_sbuf j;
    ct_sbuf_init(&j);
    for (size_t i = 0; i < n; i++) ct_sbuf_addf(&j, "%s\n", files[i].path);
    char *path = ct_repo__path_in(r->gitdir, CT_REPO_JOURNAL);
    int rc = ct_write_file_atomic(path, j.buf, j.len);
    if (rc < 0) ct_repo__sys_err(err, "cannot write journal", path);
    free(path);
    ct_sbuf_free(&j);
    return rc;
}

void ct_repo__remove_journal(ct_repo *r)
{
    char *path = ct_repo__path_in(r->gitdir, CT_REPO_JOURNAL);
    unlink(path); /* ENOENT is fine; anything else leaves a harmless re-commit */
    free(path);
}

static int write_worktree(ct_repo *r, const ct_repo_file *f, ct_sbuf *err)
{
    char *path = ct_repo__path_in(r->workdir, f->path);
    int rc = 0;
    if (f->data) {
        char *slash = strrchr(path, '/');
        *slash = 0;
        if (ct_mkdirs(path, 0777) < 0) rc = ct_repo__sys_err(err, "cannot create directory", path);
        *slash = '/';
        if (rc == 0 && ct_write_file_atomic(path, f->data, f->len) < 0)
            rc = ct_repo__sys_err(err, "cannot write", path);
    } else {
        if (unlink(path) < 0 && errno != ENOENT) rc = ct_repo__sys_err(err, "cannot remove", path);
        /* drop directories the removal emptied, up to the work tree */
        for (char *slash; rc == 0 && (slash = strrchr(path, '/')) &&
                          (size_t)(slash - path) >= strlen(r->workdir);) {
            *slash = 0;
            if (rmdir(path) < 0) break;
        }
    }
    free(path);
    return rc;
}

/* Stage exactly these paths as they are in the work tree: re-read the index
 * from disk so other staged changes survive, and retry while index.lock is
 * held by someone else. */
static int stage_paths(ct_repo *r, git_index *idx, const ct_repo_file *files, size_t n,
                       ct_sbuf *err)
{
    int64_t deadline = ct_repo__mono_ms() + INDEX_WAIT_MS;
    for (;;) {
        if (git_index_read(idx, 1) < 0) return ct_repo__giterr(err, "cannot read the git index");
        for (size_t i = 0; i < n; i++) {
            struct stat st;
            char *path = ct_repo__path_in(r->workdir, files[i].path);
            int exists = lstat(path, &st) == 0;
            int e = errno;
            free(path);
            if (!exists && e != ENOENT) {
                errno = e;
                return ct_repo__sys_err(err, "cannot stat", files[i].path);
            }
            int rc = exists ? git_index_add_bypath(idx, files[i].path)
                            : git_index_remove_bypath(idx, files[i].path);
            if (rc < 0) return ct_repo__giterr(err, "cannot stage %s", files[i].path);
        }
        int rc = git_index_write(idx);
        if (rc == 0) return 0;
        if (rc != GIT_ELOCKED || ct_repo__mono_ms() > deadline)
            return ct_repo__giterr(err, "cannot write the git index");
        ct_repo__sleep_ms(50);
    }
}

static int empty_tree(git_repository *repo, git_tree **out, ct_sbuf *err)
{
    git_treebuilder *tb = NULL;
    git_oid id;
    int rc = git_treebuilder_new(&tb, repo, NULL);
    if (rc == 0) rc = git_treebuilder_write(&id, tb);
    if (rc == 0) rc = git_tree_lookup(out, repo, &id);
    git_treebuilder_free(tb);
    return rc < 0 ? ct_repo__giterr(err, "cannot create an empty tree") : 0;
}

int ct_repo__commit_paths_locked(ct_repo *r, const ct_repo_file *files, size_t n, int write,
                               const char *message, const git_signature *sig,
                               const git_oid *expect, char oid_out[41], ct_sbuf *err)
{
    git_reference *head = NULL;
    git_commit *parent = NULL;
    git_tree *base = NULL, *tree = NULL;
    git_index *idx = NULL;
    git_tree_update *ups = NULL;
    char *msg = NULL;
    int rc = -1;
    if (oid_out) oid_out[0] = 0;

    int det = git_repository_head_detached(r->repo);
    if (det < 0) return ct_repo__giterr(err, "cannot read HEAD of %s", r->workdir);
    if (det) {
        ct_sbuf_addf(err, "HEAD of %s is detached (not on a branch): check out a branch "
                          "before committing triage decisions", r->workdir);
        return -1;
    }
    int hr = git_repository_head(&head, r->repo);
    if (hr < 0 && hr != GIT_EUNBORNBRANCH) return ct_repo__giterr(err, "cannot read HEAD");
    if (hr == 0 && git_reference_peel((git_object **)&parent, head, GIT_OBJECT_COMMIT) < 0) {
        ct_repo__giterr(err, "cannot resolve HEAD to a commit");
        goto out;
    }
    if (expect && (!parent || !git_oid_equal(expect, git_commit_id(parent)))) {
        ct_sbuf_add(err, "the repository changed while the commit was being prepared; "
                         "try again");
        goto out;
    }
    if (wait_index_unlocked(r, err) < 0) goto out;
    if (write) {
        if (write_journal(r, files, n, err) < 0) goto out;
        for (size_t i = 0; i < n; i++)
            if (write_worktree(r, &files[i], err) < 0) goto out; /* journal stays: recovery */
        if (getenv(CRASH_HOOK_ENV)) _exit(99);
        crash_point("write");
    }
    if (git_repository_index(&idx, r->repo) < 0) {
        ct_repo__giterr(err, "cannot open the git index");
        goto out;
    }
    if (stage_paths(r, idx, files, n, err) < 0) goto out;
    crash_point("stage");

    if (parent ? git_commit_tree(&base, parent) < 0 : empty_tree(r->repo, &base, err) < 0) {
        if (parent) ct_repo__giterr(err, "cannot read the tree of HEAD");
        goto out;
    }
    ups = ct_xcalloc(n ? n : 1, sizeof *ups);
    size_t nups = 0;
    for (size_t i = 0; i < n; i++) {
        const git_index_entry *e = git_index_get_bypath(idx, files[i].path, 0);
        if (e) {
            ups[nups].action = GIT_TREE_UPDATE_UPSERT;
            git_oid_cpy(&ups[nups].id, &e->id);
            ups[nups].filemode = (git_filemode_t)e->mode;
            ups[nups++].path = files[i].path;
        } else {
            git_tree_entry *te = NULL;
            if (git_tree_entry_bypath(&te, base, files[i].path) == 0) {
                git_tree_entry_free(te);
                ups[nups].action = GIT_TREE_UPDATE_REMOVE;
                ups[nups++].path = files[i].path;
            }
        }
    }
    git_oid tree_id, commit_id;
    if (git_tree_create_updated(&tree_id, r->repo, base, nups, ups) < 0) {
        ct_repo__giterr(err, "cannot build the commit tree");
        goto out;
    }
    if (git_oid_equal(&tree_id, git_tree_id(base))) { /* nothing changed */
        ct_repo__remove_journal(r);
        rc = 0;
        goto out;
    }
    if (git_tree_lookup(&tree, r->repo, &tree_id) < 0) {
        ct_repo__giterr(err, "cannot read the new tree");
        goto out;
    }
    size_t ml = strlen(message);
    msg = ct_xmalloc(ml + 2);
    memcpy(msg, message, ml + 1);
    if (ml == 0 || message[ml - 1] != '\n') memcpy(msg + ml, "\n", 2);
    const git_commit *parents[1] = { parent };
    if (git_commit_create(&commit_id, r->repo, "HEAD", sig, sig, NULL, msg, tree,
                          parent ? 1 : 0, parents) < 0) {
        ct_repo__giterr(err, "cannot commit to %s", r->workdir);
        goto out;
    }
    crash_point("commit"); /* committed, journal not yet removed */
    ct_repo__remove_journal(r);
    if (oid_out) git_oid_tostr(oid_out, 41, &commit_id);
    rc = 0;
out:
    free(msg);
    free(ups);
    git_tree_free(tree);
    git_tree_free(base);
    git_index_free(idx);
    git_commit_free(parent);
    git_reference_free(head);
    return rc;
}

int ct_repo_commit_files(ct_repo *r, const ct_repo_file *files, size_t n, const char *message,
                         const char *analyst, char oid_out[41], ct_sbuf *err)
{
    if (oid_out) oid_out[0] = 0;
    if (!r || !files || n == 0) {
        ct_sbuf_add(err, "nothing to commit: no files given");
        return -1;
    }
    if (!message || !*message || *message == '\n') {
        ct_sbuf_add(err, "refusing to commit without a message");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (ct_repo__check_path(files[i].path, err) < 0) return -1;
    git_signature *sig;
    if (ct_repo__signature(r, analyst, &sig, err) < 0) return -1;
    int fd, rc = -1;
    if (ct_repo__lock(r, &fd, err) == 0) {
        /* A writer that died since we opened left a journal: commit its files
         * first, or writing ours would drop its paths from the journal. */
        rc = ct_repo__recover_locked(r, analyst, err);
        if (rc == 0)
            rc = ct_repo__commit_paths_locked(r, files, n, 1, message, sig, NULL, oid_out, err);
        ct_repo__unlock(fd);
    }
    git_signature_free(sig);
    return rc;
}

int ct_repo__parent_tree(git_commit *c, git_tree **out, ct_sbuf *err)
{
    *out = NULL;
    if (git_commit_parentcount(c) == 0) return 0;
    git_commit *p = NULL;
    int rc = git_commit_parent(&p, c, 0);
    if (rc == 0) rc = git_commit_tree(out, p);
    git_commit_free(p);
    return rc < 0 ? ct_repo__giterr(err, "cannot read the parent of %s",
                                    git_oid_tostr_s(git_commit_id(c))) : 0;
}

