/* gitstore: recovering an interrupted write, seeding and opening the rules repo. */
#include "gitstore_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEED_MESSAGE "seed: shipped credtriage rules and guides\n"

/* ---- recovery, seeding, open -------------------------------------------- */


static int recover(ct_repo *r, ct_sbuf *err)
{
    if (ct_repofs_kind(&r->gitfs, CT_REPO_JOURNAL) == CT_FS_MISSING) {
        ct_repofs_clean_tmp(&r->gitfs); /* debris of killed writers */
        return 0;
    }
    int fd = -1;
    if (ct_repo__lock(r, &fd, err) < 0) return -1;
    int rc = ct_repo__recover_locked(r, err);
    ct_repo__unlock(fd);
    return rc;
}

typedef struct file_vec {
    ct_repo_file *v;
    size_t n, cap;
} file_vec;

static void file_vec_free(file_vec *fv)
{
    for (size_t i = 0; i < fv->n; i++) {
        free((char *)fv->v[i].path);
        free((char *)fv->v[i].data);
    }
    free(fv->v);
}

/* Regular files under root/rel (dot files skipped), as rel/... paths. */
static int collect_files(const char *root, const char *rel, file_vec *fv, ct_sbuf *err)
{
    ct_sbuf dir;
    ct_sbuf_init(&dir);
    ct_sbuf_addf(&dir, "%s/%s", root, rel);
    DIR *d = opendir(dir.buf);
    if (!d) {
        int rc = ct_repo__sys_err(err, "cannot read seed directory", dir.buf);
        ct_sbuf_free(&dir);
        return rc;
    }
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        ct_sbuf full, sub;
        ct_sbuf_init(&full);
        ct_sbuf_init(&sub);
        ct_sbuf_addf(&full, "%s/%s", dir.buf, de->d_name);
        ct_sbuf_addf(&sub, "%s/%s", rel, de->d_name);
        struct stat st;
        if (stat(full.buf, &st) < 0) {
            rc = ct_repo__sys_err(err, "cannot stat", full.buf);
        } else if (S_ISDIR(st.st_mode)) {
            rc = collect_files(root, sub.buf, fv, err);
        } else if (S_ISREG(st.st_mode)) {
            char *data;
            size_t len;
            if (ct_read_file(full.buf, &data, &len) < 0) {
                rc = ct_repo__sys_err(err, "cannot read", full.buf);
            } else {
                if (fv->n == fv->cap) {
                    fv->cap = fv->cap ? fv->cap * 2 : 32;
                    fv->v = ct_xrealloc(fv->v, fv->cap * sizeof *fv->v);
                }
                fv->v[fv->n++] = (ct_repo_file){ ct_sbuf_detach(&sub), data, len };
            }
        }
        ct_sbuf_free(&full);
        ct_sbuf_free(&sub);
    }
    closedir(d);
    ct_sbuf_free(&dir);
    return rc;
}

static int needs_seed(ct_repo *r, int *need, ct_sbuf *err)
{
    git_reference *head = NULL;
    git_commit *c = NULL;
    git_tree *t = NULL;
    git_tree_entry *e = NULL;
    int rc = git_repository_head(&head, r->repo);
    if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
        *need = 1;
        return 0;
    }
    if (rc == 0) rc = git_reference_peel((git_object **)&c, head, GIT_OBJECT_COMMIT);
    if (rc == 0) rc = git_commit_tree(&t, c);
    if (rc == 0) {
        int er = git_tree_entry_bypath(&e, t, "rules");
        if (er == 0 || er == GIT_ENOTFOUND) *need = er == GIT_ENOTFOUND;
        else rc = er;
    }
    if (rc < 0) ct_repo__giterr(err, "cannot read HEAD of %s", r->workdir);
    git_tree_entry_free(e);
    git_tree_free(t);
    git_commit_free(c);
    git_reference_free(head);
    return rc < 0 ? -1 : 0;
}

static int seed(ct_repo *r, const char *seed_root, const char *analyst, ct_sbuf *err)
{
    if (!seed_root || !*seed_root) {
        ct_sbuf_addf(err, "%s has no rules/ yet and no seed directory was given", r->workdir);
        return -1;
    }
    file_vec fv = { 0 };
    int rc = collect_files(seed_root, "rules", &fv, err);
    if (rc == 0) rc = collect_files(seed_root, "guides", &fv, err);
    if (rc == 0 && fv.n == 0) {
        ct_sbuf_addf(err, "nothing to seed: %s/rules and %s/guides hold no files", seed_root,
                     seed_root);
        rc = -1;
    }
    if (rc == 0) {
        char oid[41];
        rc = ct_repo_commit_files(r, fv.v, fv.n, SEED_MESSAGE, analyst, oid, err);
        if (rc < 0) ct_sbuf_add(err, " (while seeding the rules repo)");
    }
    file_vec_free(&fv);
    return rc;
}

static int dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d) return 0;
    struct dirent *de;
    int empty = 1;
    while (empty && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) empty = 0;
    closedir(d);
    return empty;
}

static char *with_slash(const char *p)
{
    size_t n = strlen(p);
    char *s = ct_xmalloc(n + 2);
    memcpy(s, p, n + 1);
    if (n == 0 || p[n - 1] != '/') memcpy(s + n, "/", 2);
    return s;
}

/* A new rules repo is seeded by a commit, so it needs an author: check that
 * one is known (--analyst, else user.name and user.email in the global git
 * config) BEFORE anything is created, so that no empty repo is left behind. */
static int identity_known(const char *analyst, const char *dir, ct_sbuf *err)
{
    if (analyst && *analyst) return 0;
    git_config *cfg = NULL;
    const char *n = NULL, *e = NULL;
    int ok = 0;
    if (git_config_open_default(&cfg) == 0) {
        git_config *snap = NULL;
        if (git_config_snapshot(&snap, cfg) == 0) {
            ok = git_config_get_string(&n, snap, "user.name") == 0 && *n &&
                 git_config_get_string(&e, snap, "user.email") == 0 && *e;
            git_config_free(snap);
        }
        git_config_free(cfg);
    }
    if (ok) return 0;
    ct_sbuf_addf(err, "no analyst identity: set git config user.name and user.email, or pass --analyst "
                      "'Name <email>' (needed to create the rules repo %s; nothing was created)", dir);
    return -1;
}

int ct_repo_open(const char *dir, const char *seed_root, const char *analyst, ct_repo **out,
                 ct_sbuf *err)
{
    *out = NULL;
    if (!dir || !*dir) {
        ct_sbuf_add(err, "no rules repo directory given");
        return -1;
    }
    git_libgit2_init(); /* balanced by git_libgit2_shutdown in ct_repo_close */
    /* objects and refs survive a power cut, not only a kill */
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    ct_repo *r = ct_xcalloc(1, sizeof *r);
    r->wtfs.rootfd = r->wtfs.tmpfd = r->gitfs.rootfd = r->gitfs.tmpfd = -1;
    struct stat st;
    if (stat(dir, &st) < 0) {
        if (errno != ENOENT) {
            ct_repo__sys_err(err, "cannot create rules repo directory", dir);
            goto fail;
        }
        if (identity_known(analyst, dir, err) < 0) goto fail;
        if (ct_mkdirs(dir, 0777) < 0) {
            ct_repo__sys_err(err, "cannot create rules repo directory", dir);
            goto fail;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        ct_sbuf_addf(err, "%s exists and is not a directory", dir);
        goto fail;
    }
    int rc = git_repository_open_ext(&r->repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
    if (rc == GIT_ENOTFOUND) {
        if (!dir_is_empty(dir)) {
            ct_sbuf_addf(err, "%s is not a git repository and not empty: refusing to use it "
                              "as the rules repo", dir);
            goto fail;
        }
        if (identity_known(analyst, dir, err) < 0) goto fail;
        rc = git_repository_init(&r->repo, dir, 0);
    }
    if (rc < 0) {
        ct_repo__giterr(err, "cannot open rules repo %s", dir);
        goto fail;
    }
    if (git_repository_is_bare(r->repo)) {
        ct_sbuf_addf(err, "%s is a bare repository; the rules repo needs a work tree", dir);
        goto fail;
    }
    r->workdir = with_slash(git_repository_workdir(r->repo));
    r->gitdir = with_slash(git_repository_path(r->repo));
    if (ct_repofs_open(&r->wtfs, r->workdir, r->gitdir, err) < 0 ||
        ct_repofs_open(&r->gitfs, r->gitdir, r->gitdir, err) < 0)
        goto fail;
    ct_sbuf rerr;
    ct_sbuf_init(&rerr);
    if (recover(r, &rerr) < 0) {
        /* Not fatal: nothing is lost (files and journal stay), and reading
         * the alerts must not depend on being able to commit. */
        r->warning = ct_sbuf_detach(&rerr);
    }
    ct_sbuf_free(&rerr);
    int need = 0;
    if (needs_seed(r, &need, err) < 0) goto fail;
    if (need && seed(r, seed_root, analyst, err) < 0) goto fail;
    *out = r;
    return 0;
fail:
    ct_repo_close(r);
    return -1;
}

const char *ct_repo_warning(const ct_repo *r)
{
    return r->warning;
}

void ct_repo_close(ct_repo *r)
{
    if (!r) return;
    git_repository_free(r->repo);
    ct_repofs_close(&r->wtfs);
    ct_repofs_close(&r->gitfs);
    free(r->workdir);
    free(r->gitdir);
    free(r->warning);
    free(r);
    git_libgit2_shutdown();
}
