/* gitstore_commit: committing files to the rules repo under the credtriage
 * lock, with a journal so that a writer killed half-way is finished by the
 * next one (recovery, including git's stale lock files). Called by
 * gitstore_open.c, gitstore_log.c and gitstore_sync.c; calls only gitstore.c. */
#include "gitstore_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* ---- recovery ------------------------------------------------------------ */

/* Is some process holding path open? A writer (git, libgit2, us) keeps its
 * lock file open until it renames it into place, so a lock nobody holds was
 * left by a process that died. Unsure (no /proc): say it is held. */
static int lock_is_held(const char *path)
{
    char want[4096];
    if (!realpath(path, want)) return 0; /* gone meanwhile */
    DIR *proc = opendir("/proc");
    if (!proc) return 1;
    int held = 0;
    struct dirent *p;
    while (!held && (p = readdir(proc))) {
        if (p->d_name[0] < '1' || p->d_name[0] > '9') continue;
        char fddir[300];
        snprintf(fddir, sizeof fddir, "/proc/%s/fd", p->d_name);
        DIR *fds = opendir(fddir);
        if (!fds) continue;
        struct dirent *f;
        while (!held && (f = readdir(fds))) {
            if (f->d_name[0] == '.') continue;
            char link[600], target[4096];
            snprintf(link, sizeof link, "%s/%s", fddir, f->d_name);
            ssize_t n = readlink(link, target, sizeof target - 1);
            if (n <= 0) continue;
            target[n] = 0;
            held = !strcmp(target, want);
        }
        closedir(fds);
    }
    closedir(proc);
    return held;
}

static void drop_if_stale(const char *lock, ct_sbuf *msg, const char *rel)
{
    if (access(lock, F_OK) == 0 && !lock_is_held(lock) && unlink(lock) == 0)
        ct_sbuf_addf(msg, "\n(removed %s, left behind by the interrupted write)\n", rel);
}

/* A credtriage write killed while staging or committing leaves git's lock
 * files behind as well as its journal (index.lock, the branch's ref lock);
 * recovery would then wait for locks nobody will release. Called with the
 * credtriage lock held, so no credtriage writer is running; a lock some
 * other process holds open is left alone. */
static void drop_stale_locks(ct_repo *r, ct_sbuf *msg)
{
    static const char *const fixed[] = {"index.lock", "HEAD.lock", "packed-refs.lock"};
    for (size_t i = 0; i < CT_ARRAY_LEN(fixed); i++) {
        char *lock = ct_repo__path_in(r->gitdir, fixed[i]);
        drop_if_stale(lock, msg, fixed[i]);
        free(lock);
    }
    char *heads = ct_repo__path_in(r->gitdir, "refs/heads");
    DIR *d = opendir(heads);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l <= 5 || strcmp(de->d_name + l - 5, ".lock")) continue;
        char rel[512];
        snprintf(rel, sizeof rel, "refs/heads/%s", de->d_name);
        char *lock = ct_repo__path_in(r->gitdir, rel);
        drop_if_stale(lock, msg, rel);
        free(lock);
    }
    if (d) closedir(d);
    free(heads);
}

int ct_repo__recover_locked(ct_repo *r, const char *analyst, ct_sbuf *err)
{
    char *jpath = ct_repo__path_in(r->gitdir, CT_REPO_JOURNAL);
    char *data = NULL;
    ct_repo_file *files = NULL;
    git_signature *sig = NULL;
    int rc = -1;
    if (access(jpath, F_OK) < 0) {
        free(jpath);
        return 0;
    }
    size_t len;
    if (ct_read_file(jpath, &data, &len) < 0) { /* a committer finished meanwhile */
        rc = errno == ENOENT ? 0 : ct_repo__sys_err(err, "cannot read journal", jpath);
        goto out;
    }
    size_t n = 0;
    files = ct_xcalloc(len / 2 + 1, sizeof *files);
    ct_sbuf msg;
    ct_sbuf_init(&msg);
    ct_sbuf_add(&msg, "recover: commit files left by an interrupted credtriage write\n\n");
    for (char *line = data, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl) break; /* a torn last line cannot be trusted */
        *nl = 0;
        if (ct_repo__check_path(line, err) < 0) {
            ct_sbuf_free(&msg);
            ct_sbuf_addf(err, " (in %s)", jpath);
            goto out;
        }
        files[n++].path = line;
        ct_sbuf_addf(&msg, "%s\n", line);
    }
    if (n == 0) {
        ct_repo__remove_journal(r);
        ct_sbuf_free(&msg);
        rc = 0;
        goto out;
    }
    drop_stale_locks(r, &msg);
    if (ct_repo__signature(r, analyst, &sig, err) == 0)
        rc = ct_repo__commit_paths_locked(r, files, n, 0, msg.buf, sig, NULL, NULL, err);
    if (rc < 0) ct_sbuf_add(err, " (while recovering an interrupted write)");
    ct_sbuf_free(&msg);
out:
    git_signature_free(sig);
    free(files);
    free(data);
    free(jpath);
    return rc;
}
