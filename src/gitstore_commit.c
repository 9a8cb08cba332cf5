/* gitstore_commit: committing files to the rules repo under the credtriage
 * lock, all or nothing. The commit is built from the data in memory (blobs,
 * tree, commit, HEAD moved only if it is still the parent) before the work
 * tree is touched: a failure before that leaves nothing anywhere (an `fp`
 * on a full disk leaves no exception to suppress the alert). Only then are
 * the files written (through repofs: beneath the work tree, no symlink, temp
 * files in .git/credtriage/tmp) and staged. A journal names the paths first;
 * recovery (a writer killed at any point) makes those paths in the work tree
 * and the index match HEAD again: what was committed appears, what was not
 * leaves no trace, and nothing is committed without its author's message.
 * Called by gitstore_open.c, gitstore_log.c and gitstore_sync.c; calls
 * gitstore.c and gitstore_sign.c (the commit object, signed when asked). */
#include "gitstore_int.h"
#include "sanitize.h"

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
 * files to the work tree (after the commit), as a kill at that moment would. */
#define CRASH_HOOK_ENV "CT_GITSTORE_TEST_CRASH_AFTER_WRITE"
#define CRASH_AT_ENV "CT_GITSTORE_TEST_CRASH_AT" /* prepare | commit | write | stage */

/* Test hook: die like a SIGKILL (no cleanup) at a named step of a commit. */
static void crash_point(const char *step)
{
    const char *e = getenv(CRASH_AT_ENV);
    if (e && !strcmp(e, step)) _exit(99);
}

int ct_repo__check_path(const char *p, ct_sbuf *err)
{
    const char *why = ct_repofs_rel_problem(p);
    for (const char *s = p; !why && s; s = strchr(s, '/'), s = s ? s + 1 : NULL)
        if (ct_strncaseeq(s, ".git", 4) && (s[4] == '/' || !s[4])) why = "'.git' component";
    if (why) {
        ct_sbuf_add(err, "refusing to write path '");
        ct_san_displayz(p ? p : "", 0, err);
        ct_sbuf_addf(err, "' in the rules repo: %s", why);
    }
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

/* "parent <oid>|none" then one path a line */
static int write_journal(ct_repo *r, const git_commit *parent, const ct_repo_file *files, size_t n,
                         ct_sbuf *err)
{
    ct_sbuf j;
    ct_sbuf_init(&j);
    char id[41] = "none";
    if (parent) git_oid_tostr(id, sizeof id, git_commit_id(parent));
    ct_sbuf_addf(&j, "parent %s\n", id);
    for (size_t i = 0; i < n; i++) ct_sbuf_addf(&j, "%s\n", files[i].path);
    int rc = ct_repofs_write(&r->gitfs, CT_REPO_JOURNAL, j.buf, j.len, err);
    if (rc < 0) ct_sbuf_add(err, " (the journal; nothing was changed)");
    ct_sbuf_free(&j);
    return rc;
}

void ct_repo__remove_journal(ct_repo *r)
{
    ct_sbuf ignore; /* a journal that stays only makes the next open re-check its paths */
    ct_sbuf_init(&ignore);
    (void)ct_repofs_remove(&r->gitfs, CT_REPO_JOURNAL, &ignore);
    ct_sbuf_free(&ignore);
}

/* Before anything is written: can the work tree take this path? Its folders
 * are made beneath the work tree (a symlinked folder is refused) and what is
 * there must be a regular file or nothing. */
static int check_worktree(ct_repo *r, const ct_repo_file *f, ct_sbuf *err)
{
    const char *slash = strrchr(f->path, '/');
    if (f->data && slash) {
        char *dir = ct_xstrndup(f->path, (size_t)(slash - f->path));
        int rc = ct_repofs_mkdirs(&r->wtfs, dir, err);
        free(dir);
        if (rc < 0) {
            ct_sbuf_add(err, " (nothing was changed)");
            return -1;
        }
    }
    int k = ct_repofs_kind(&r->wtfs, f->path);
    if (k == CT_FS_FILE || k == CT_FS_MISSING) return 0;
    ct_san_displayz(f->path, 0, err);
    ct_sbuf_addf(err, ": %s where credtriage writes a file: refused (nothing was changed)",
                 k == CT_FS_LINK ? "a symbolic link (or one on its path)"
                 : k == CT_FS_DIR ? "a directory" : k == CT_FS_OTHER ? "a special file"
                 : "something unreadable");
    return -1;
}

static int write_worktree(ct_repo *r, const char *path, const char *data, size_t len, ct_sbuf *err)
{
    return data ? ct_repofs_write(&r->wtfs, path, data, len, err)
                : ct_repofs_remove(&r->wtfs, path, err);
}

/* Stage exactly these paths as they are in the work tree: re-read the index
 * from disk so other staged changes survive, and retry while index.lock is
 * held by someone else. */
static int stage_paths(ct_repo *r, git_index *idx, const char *const *paths, size_t n, ct_sbuf *err)
{
    int64_t deadline = ct_repo__mono_ms() + INDEX_WAIT_MS;
    for (;;) {
        if (git_index_read(idx, 1) < 0) return ct_repo__giterr(err, "cannot read the git index");
        for (size_t i = 0; i < n; i++) {
            int k = ct_repofs_kind(&r->wtfs, paths[i]);
            int rc = k == CT_FS_FILE ? git_index_add_bypath(idx, paths[i])
                                     : git_index_remove_bypath(idx, paths[i]);
            if (rc < 0) return ct_repo__giterr(err, "cannot stage %s", paths[i]);
        }
        int rc = git_index_write(idx);
        if (rc == 0) return 0;
        if (rc != GIT_ELOCKED || ct_repo__mono_ms() > deadline)
            return ct_repo__giterr(err, "cannot write the git index");
        ct_repo__sleep_ms(50);
    }
}

/* The first commit's tree: only these files, through an in-memory index
 * (writing an empty base tree would leave a dangling object for git fsck). */
static int first_tree(ct_repo *r, const ct_repo_file *files, size_t n, git_oid *out, ct_sbuf *err)
{
    git_index *tmp = NULL;
    int rc = git_index_new(&tmp), any = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!files[i].data) continue;
        git_index_entry e;
        memset(&e, 0, sizeof e);
        e.path = files[i].path;
        e.mode = GIT_FILEMODE_BLOB;
        rc = git_blob_create_from_buffer(&e.id, r->repo, files[i].data, files[i].len);
        if (rc == 0) rc = git_index_add(tmp, &e);
        any = 1;
    }
    if (rc == 0 && any) rc = git_index_write_tree_to(out, tmp, r->repo);
    git_index_free(tmp);
    if (rc < 0) return ct_repo__giterr(err, "cannot build the first commit's tree (nothing was changed)");
    return any ? 1 : 0;
}

/* The work tree and the index of these paths as in HEAD (after a commit, and
 * in recovery). */
static int sync_paths(ct_repo *r, const char *const *paths, size_t n, ct_sbuf *err)
{
    git_reference *head = NULL;
    git_commit *c = NULL;
    git_tree *t = NULL;
    git_index *idx = NULL;
    int rc = git_repository_head(&head, r->repo);
    if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) rc = 0; /* nothing committed yet */
    else if (rc == 0 && (git_reference_peel((git_object **)&c, head, GIT_OBJECT_COMMIT) < 0 ||
                         git_commit_tree(&t, c) < 0))
        rc = -1;
    if (rc < 0) ct_repo__giterr(err, "cannot read HEAD of %s", r->workdir);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        git_tree_entry *te = NULL;
        git_blob *b = NULL;
        int er = t ? git_tree_entry_bypath(&te, t, paths[i]) : GIT_ENOTFOUND;
        if (er == 0 && git_tree_entry_type(te) == GIT_OBJECT_BLOB &&
            git_tree_entry_filemode(te) != GIT_FILEMODE_LINK &&
            git_blob_lookup(&b, r->repo, git_tree_entry_id(te)) == 0) {
            rc = write_worktree(r, paths[i], git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), err);
        } else if (er == GIT_ENOTFOUND) {
            rc = write_worktree(r, paths[i], NULL, 0, err);
        } else if (er == 0 && git_tree_entry_filemode(te) == GIT_FILEMODE_LINK) {
            ct_san_displayz(paths[i], 0, err);
            ct_sbuf_add(err, ": a symbolic link in HEAD: left alone");
            rc = -1;
        } else {
            rc = ct_repo__giterr(err, "cannot read %s of HEAD", paths[i]);
        }
        git_blob_free(b);
        git_tree_entry_free(te);
    }
    if (rc == 0) crash_point("write");
    if (rc == 0 && getenv(CRASH_HOOK_ENV)) _exit(99);
    if (rc == 0 && git_repository_index(&idx, r->repo) < 0)
        rc = ct_repo__giterr(err, "cannot open the git index");
    if (rc == 0) rc = stage_paths(r, idx, paths, n, err);
    if (rc == 0) crash_point("stage");
    git_index_free(idx);
    git_tree_free(t);
    git_commit_free(c);
    git_reference_free(head);
    return rc < 0 ? -1 : 0;
}

int ct_repo__commit_paths_locked(ct_repo *r, const ct_repo_file *files, size_t n,
                               const char *message, const git_signature *sig,
                               const git_oid *expect, char oid_out[41], ct_sbuf *err)
{
    git_reference *head = NULL;
    git_commit *parent = NULL;
    git_tree *base = NULL, *tree = NULL;
    git_tree_update *ups = NULL;
    const char **paths = NULL;
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
    for (size_t i = 0; i < n; i++)
        if (check_worktree(r, &files[i], err) < 0) goto out;
    git_oid tree_id, commit_id;
    paths = ct_xcalloc(n ? n : 1, sizeof *paths);
    for (size_t i = 0; i < n; i++) paths[i] = files[i].path;
    if (!parent) {
        int fr = first_tree(r, files, n, &tree_id, err);
        if (fr < 0) goto out;
        if (fr == 0) { /* nothing to commit */
            rc = 0;
            goto out;
        }
        goto have_tree;
    }
    if (git_commit_tree(&base, parent) < 0) {
        ct_repo__giterr(err, "cannot read the tree of HEAD");
        goto out;
    }
    ups = ct_xcalloc(n ? n : 1, sizeof *ups);
    size_t nups = 0;
    for (size_t i = 0; i < n; i++) {
        if (files[i].data) {
            ups[nups].action = GIT_TREE_UPDATE_UPSERT;
            if (git_blob_create_from_buffer(&ups[nups].id, r->repo, files[i].data, files[i].len) < 0) {
                ct_repo__giterr(err, "cannot store %s (nothing was changed)", files[i].path);
                goto out;
            }
            ups[nups].filemode = GIT_FILEMODE_BLOB;
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
    if (git_tree_create_updated(&tree_id, r->repo, base, nups, ups) < 0) {
        ct_repo__giterr(err, "cannot build the commit tree (nothing was changed)");
        goto out;
    }
    if (git_oid_equal(&tree_id, git_tree_id(base))) { /* nothing changed in HEAD */
        rc = sync_paths(r, paths, n, err); /* a hand-edited copy becomes HEAD's again */
        goto out;
    }
have_tree:
    if (git_tree_lookup(&tree, r->repo, &tree_id) < 0) {
        ct_repo__giterr(err, "cannot read the new tree");
        goto out;
    }
    /* the last gate of every commit message: whatever a caller quoted (log
     * text, a reverted subject written by someone else), `git log` shows no
     * control, C1, bidi or invisible character; the sanitized form is a fixed
     * point, so messages built from sanitized parts are unchanged */
    ct_sbuf sm;
    ct_sbuf_init(&sm);
    ct_san_displayz(message, CT_SAN_MULTILINE, &sm);
    if (sm.len == 0 || sm.buf[sm.len - 1] != '\n') ct_sbuf_addc(&sm, '\n');
    msg = ct_sbuf_detach(&sm);
    ct_sbuf_free(&sm);
    if (write_journal(r, parent, files, n, err) < 0) goto out;
    crash_point("prepare");
    const git_commit *parents[1] = { parent };
    /* HEAD moves only if it still is parent: the commit is the one atomic
     * step; signed when git's config asks (a signature that cannot be made
     * refuses the commit, and nothing was written yet) */
    if (ct_repo__commit_create(r, &commit_id, "HEAD", sig, sig, NULL, msg, tree, parent ? 1 : 0,
                               parents, err) < 0) {
        ct_sbuf_add(err, " (nothing was changed)");
        ct_repo__remove_journal(r);
        goto out;
    }
    crash_point("commit"); /* committed, the work tree not yet updated */
    if (oid_out) git_oid_tostr(oid_out, 41, &commit_id);
    if (sync_paths(r, paths, n, err) < 0) {
        /* the journal stays: the next open brings the work tree to HEAD */
        char id[41];
        git_oid_tostr(id, sizeof id, &commit_id);
        ct_sbuf_addf(err, " (committed as %.12s, but the work tree could not be updated; the "
                          "next credtriage run finishes it)", id);
        goto out;
    }
    ct_repo__remove_journal(r);
    rc = 0;
out:
    free(msg);
    free(ups);
    free(paths);
    git_tree_free(tree);
    git_tree_free(base);
    git_commit_free(parent);
    git_reference_free(head);
    return rc;
}

int ct_repo_commit_files(ct_repo *r, const ct_repo_file *files, size_t n, const char *message,
                         const char *analyst, char oid_out[41], ct_sbuf *err)
{
    return ct_repo_commit_files_at(r, files, n, message, analyst, NULL, oid_out, err);
}

int ct_repo_commit_files_at(ct_repo *r, const ct_repo_file *files, size_t n, const char *message,
                            const char *analyst, const char *expect_head, char oid_out[41],
                            ct_sbuf *err)
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
    for (size_t i = 0; i < n; i++) {
        if (ct_repo__check_path(files[i].path, err) < 0) return -1;
        for (size_t k = 0; k < i; k++)
            if (!strcmp(files[i].path, files[k].path)) {
                ct_sbuf_add(err, "two of the files to commit are the same path '");
                ct_san_displayz(files[i].path, 0, err);
                ct_sbuf_add(err, "' (nothing was changed)");
                return -1;
            }
    }
    git_signature *sig;
    if (ct_repo__signature(r, analyst, &sig, err) < 0) return -1;
    int fd, rc = -1;
    if (ct_repo__lock(r, &fd, err) == 0) {
        /* a writer that died since we opened left a journal: settle its paths first */
        rc = ct_repo__recover_locked(r, err);
        git_oid want, now;
        if (rc == 0 && expect_head) {
            /* the state the caller decided on must still be HEAD ("": none yet) */
            int hr = git_reference_name_to_id(&now, r->repo, "HEAD");
            int same = *expect_head ? hr == 0 && git_oid_fromstr(&want, expect_head) == 0 &&
                                          git_oid_equal(&want, &now)
                                    : hr < 0;
            if (!same) rc = -2;
        }
        if (rc == 0)
            rc = ct_repo__commit_paths_locked(r, files, n, message, sig, NULL, oid_out, err);
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

int ct_repo__recover_locked(ct_repo *r, ct_sbuf *err)
{
    char *data = NULL;
    const char **paths = NULL;
    size_t len, n = 0;
    ct_sbuf why;
    ct_sbuf_init(&why);
    ct_repofs_clean_tmp(&r->gitfs);
    if (ct_repofs_kind(&r->gitfs, CT_REPO_JOURNAL) == CT_FS_MISSING) {
        ct_sbuf_free(&why);
        return 0;
    }
    int rc = -1;
    if (ct_repofs_read(&r->gitfs, CT_REPO_JOURNAL, 0, &data, &len, &why) < 0) {
        if (errno == ENOENT) rc = 0; /* a committer finished meanwhile */
        else ct_sbuf_addf(err, "cannot read the journal of an interrupted write: %s", why.buf);
        goto out;
    }
    paths = ct_xcalloc(len / 2 + 1, sizeof *paths);
    for (char *line = data, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl) break; /* a torn last line cannot be trusted */
        *nl = 0;
        if (!strncmp(line, "parent ", 7)) continue;
        if (ct_repo__check_path(line, err) < 0) {
            ct_sbuf_add(err, " (in .git/" CT_REPO_JOURNAL ")");
            goto out;
        }
        paths[n++] = line;
    }
    ct_sbuf msg;
    ct_sbuf_init(&msg);
    drop_stale_locks(r, &msg);
    ct_sbuf_free(&msg);
    /* committed or not, the paths become what HEAD says: the commit's files
     * appear, an uncommitted write leaves nothing */
    rc = n ? sync_paths(r, paths, n, err) : 0;
    if (rc == 0) ct_repo__remove_journal(r);
    else ct_sbuf_add(err, " (while recovering an interrupted write)");
out:
    free(paths);
    free(data);
    ct_sbuf_free(&why);
    return rc;
}
