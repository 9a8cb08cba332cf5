/* gitstore: reading the audit trail (history, show), and revert. */
#include "gitstore_int.h"
#include "sanitize.h"

#include <stdlib.h>
#include <string.h>

static int prefix_match(const char *path, const char *const *pre, size_t np)
{
    if (!pre || np == 0) return 1;
    for (size_t i = 0; i < np; i++) {
        if (!pre[i]) continue;
        size_t l = strlen(pre[i]);
        while (l && pre[i][l - 1] == '/') l--;
        if (l == 0) return 1;
        if (strncmp(path, pre[i], l) == 0 && (path[l] == 0 || path[l] == '/')) return 1;
    }
    return 0;
}

void ct_commit_info_free(ct_commit_info *c, size_t n)
{
    if (!c) return;
    for (size_t i = 0; i < n; i++) {
        free(c[i].author_name);
        free(c[i].author_email);
        free(c[i].summary);
        free(c[i].message);
        ct_strv_free(c[i].files, c[i].nfiles);
    }
    free(c);
}

static int commit_files_of(ct_repo *r, git_commit *c, char ***files, size_t *n, ct_sbuf *err)
{
    git_tree *pt = NULL, *t = NULL;
    if (ct_repo__parent_tree(c, &pt, err) < 0) return -1;
    int rc = git_commit_tree(&t, c);
    if (rc < 0) ct_repo__giterr(err, "cannot read the tree of %s", git_oid_tostr_s(git_commit_id(c)));
    else rc = ct_repo__changed_paths(r->repo, pt, t, files, n, err);
    git_tree_free(t);
    git_tree_free(pt);
    return rc < 0 ? -1 : 0;
}

int ct_repo_history(ct_repo *r, const char *const *prefixes, size_t nprefixes, size_t max,
                    ct_commit_info **out, size_t *n, ct_sbuf *err)
{
    *out = NULL;
    *n = 0;
    int unborn = git_repository_head_unborn(r->repo);
    if (unborn < 0) return ct_repo__giterr(err, "cannot read HEAD of %s", r->workdir);
    if (unborn) return 0;
    git_revwalk *walk = NULL;
    if (git_revwalk_new(&walk, r->repo) < 0 ||
        git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
        git_revwalk_push_head(walk) < 0) {
        git_revwalk_free(walk);
        return ct_repo__giterr(err, "cannot walk the history of %s", r->workdir);
    }
    ct_commit_info *v = NULL;
    size_t nv = 0, cap = 0;
    int rc = 0;
    git_oid id;
    while ((max == 0 || nv < max) && (rc = git_revwalk_next(&id, walk)) == 0) {
        git_commit *c = NULL;
        char **files = NULL;
        size_t nf = 0;
        if (git_commit_lookup(&c, r->repo, &id) < 0) {
            rc = ct_repo__giterr(err, "cannot read commit %s", git_oid_tostr_s(&id));
            break;
        }
        if (commit_files_of(r, c, &files, &nf, err) < 0) {
            git_commit_free(c);
            rc = -1;
            break;
        }
        int keep = !prefixes || nprefixes == 0;
        for (size_t i = 0; !keep && i < nf; i++) keep = prefix_match(files[i], prefixes, nprefixes);
        if (!keep) {
            ct_strv_free(files, nf);
            git_commit_free(c);
            continue;
        }
        if (nv == cap) {
            cap = cap ? cap * 2 : 16;
            v = ct_xrealloc(v, cap * sizeof *v);
        }
        ct_commit_info *ci = &v[nv++];
        memset(ci, 0, sizeof *ci);
        git_oid_tostr(ci->id, sizeof ci->id, &id);
        const git_signature *a = git_commit_author(c);
        ci->author_name = ct_xstrdup(a->name ? a->name : "");
        ci->author_email = ct_xstrdup(a->email ? a->email : "");
        ci->time_ms = (int64_t)a->when.time * 1000;
        ci->tz_offset_min = a->when.offset;
        const char *s = git_commit_summary(c);
        ci->summary = ct_xstrdup(s ? s : "");
        const char *m = git_commit_message(c);
        ci->message = ct_xstrdup(m ? m : "");
        ci->files = files;
        ci->nfiles = nf;
        git_commit_free(c);
    }
    git_revwalk_free(walk);
    if (rc == GIT_ITEROVER) rc = 0;
    else if (rc < 0 && err->len == 0) ct_repo__giterr(err, "cannot walk the history");
    if (rc < 0) {
        ct_commit_info_free(v, nv);
        return -1;
    }
    *out = v;
    *n = nv;
    return 0;
}

static int lookup_commit(ct_repo *r, const char *rev, git_commit **out, ct_sbuf *err)
{
    git_object *o = NULL;
    *out = NULL;
    if (!rev || !*rev || *rev == '-') {
        ct_sbuf_add(err, "no commit given");
        return -1;
    }
    if (git_revparse_single(&o, r->repo, rev) < 0)
        return ct_repo__giterr(err, "unknown commit '%s'", rev);
    int rc = git_object_peel((git_object **)out, o, GIT_OBJECT_COMMIT);
    git_object_free(o);
    return rc < 0 ? ct_repo__giterr(err, "'%s' is not a commit", rev) : 0;
}

int ct_repo_show(ct_repo *r, const char *rev, ct_sbuf *patch, ct_sbuf *err)
{
    git_commit *c = NULL;
    git_tree *pt = NULL, *t = NULL;
    git_diff *diff = NULL;
    git_buf buf = { 0 };
    int rc = -1;
    if (lookup_commit(r, rev, &c, err) < 0) return -1;
    if (ct_repo__parent_tree(c, &pt, err) < 0) goto out;
    if (git_commit_tree(&t, c) < 0 || git_diff_tree_to_tree(&diff, r->repo, pt, t, NULL) < 0 ||
        git_diff_to_buf(&buf, diff, GIT_DIFF_FORMAT_PATCH) < 0) {
        ct_repo__giterr(err, "cannot diff commit %s", rev);
        goto out;
    }
    ct_sbuf_addn(patch, buf.ptr ? buf.ptr : "", buf.size);
    rc = 0;
out:
    git_buf_dispose(&buf);
    git_diff_free(diff);
    git_tree_free(t);
    git_tree_free(pt);
    git_commit_free(c);
    return rc;
}

static void list_paths(ct_sbuf *err, char **p, size_t n)
{
    for (size_t i = 0; i < n; i++) ct_sbuf_addf(err, "%s%s", i ? ", " : "", p[i]);
}

/* Under the lock: compute the revert of c against HEAD and commit it. */
static int revert_locked(ct_repo *r, git_commit *c, const git_signature *sig, char oid_out[41],
                         ct_sbuf *err)
{
    git_reference *head = NULL;
    git_commit *h = NULL;
    git_index *idx = NULL;
    git_tree *ht = NULL, *nt = NULL;
    char **paths = NULL, **conf = NULL;
    size_t np = 0, nc = 0;
    ct_repo_file *files = NULL;
    git_blob **blobs = NULL;
    int rc = -1;
    char cid[41];
    git_oid_tostr(cid, sizeof cid, git_commit_id(c));

    if (git_repository_head(&head, r->repo) < 0 ||
        git_reference_peel((git_object **)&h, head, GIT_OBJECT_COMMIT) < 0) {
        ct_repo__giterr(err, "cannot read HEAD");
        goto out;
    }
    if (git_revert_commit(&idx, r->repo, c, h, 0, NULL) < 0) {
        ct_repo__giterr(err, "cannot revert %s", cid);
        goto out;
    }
    if (git_index_has_conflicts(idx)) {
        git_index_conflict_iterator *it = NULL;
        const git_index_entry *anc, *ours, *theirs;
        size_t cap = 0;
        if (git_index_conflict_iterator_new(&it, idx) == 0) {
            while (git_index_conflict_next(&anc, &ours, &theirs, it) == 0) {
                const git_index_entry *e = ours ? ours : theirs ? theirs : anc;
                if (nc == cap) conf = ct_xrealloc(conf, (cap = cap ? cap * 2 : 8) * sizeof *conf);
                conf[nc++] = ct_xstrdup(e->path);
            }
            git_index_conflict_iterator_free(it);
        }
        ct_sbuf_addf(err, "cannot revert %s: later commits changed the same parts of: ", cid);
        list_paths(err, conf, nc);
        ct_sbuf_add(err, " (nothing was changed)");
        goto out;
    }
    git_oid nt_id;
    if (git_index_write_tree_to(&nt_id, idx, r->repo) < 0 || git_commit_tree(&ht, h) < 0 ||
        git_tree_lookup(&nt, r->repo, &nt_id) < 0) {
        ct_repo__giterr(err, "cannot build the revert of %s", cid);
        goto out;
    }
    if (ct_repo__changed_paths(r->repo, ht, nt, &paths, &np, err) < 0) goto out;
    if (np == 0) {
        ct_sbuf_addf(err, "nothing to revert: the changes of %s are no longer in HEAD", cid);
        goto out;
    }
    /* uncommitted edits to those files would be silently overwritten */
    for (size_t i = 0; i < np; i++) {
        unsigned flags = 0;
        int sr = git_status_file(&flags, r->repo, paths[i]);
        if (sr == GIT_ENOTFOUND) continue;
        if (sr < 0) {
            ct_repo__giterr(err, "cannot check %s", paths[i]);
            goto out;
        }
        if (flags & ~(unsigned)GIT_STATUS_IGNORED) {
            ct_sbuf_addf(err, "cannot revert %s: %s has uncommitted changes; commit or discard "
                              "them first (nothing was changed)", cid, paths[i]);
            goto out;
        }
    }
    files = ct_xcalloc(np, sizeof *files);
    blobs = ct_xcalloc(np, sizeof *blobs);
    for (size_t i = 0; i < np; i++) {
        git_tree_entry *te = NULL;
        files[i].path = paths[i];
        int er = git_tree_entry_bypath(&te, nt, paths[i]);
        if (er == GIT_ENOTFOUND) continue; /* deleted by the revert */
        if (er < 0 || git_blob_lookup(&blobs[i], r->repo, git_tree_entry_id(te)) < 0) {
            git_tree_entry_free(te);
            ct_repo__giterr(err, "cannot read %s of the revert", paths[i]);
            goto out;
        }
        git_tree_entry_free(te);
        files[i].data = git_blob_rawcontent(blobs[i]);
        files[i].len = (size_t)git_blob_rawsize(blobs[i]);
        if (!files[i].data) files[i].data = "";
    }
    ct_sbuf msg;
    ct_sbuf_init(&msg);
    /* the subject was written by whoever made that commit: sanitized */
    ct_sbuf_add(&msg, "Revert \"");
    ct_san_displayz(git_commit_summary(c), 0, &msg);
    ct_sbuf_addf(&msg, "\"\n\nThis reverts commit %s.\n", cid);
    rc = ct_repo__commit_paths_locked(r, files, np, msg.buf, sig, git_commit_id(h), oid_out, err);
    ct_sbuf_free(&msg);
out:
    if (blobs)
        for (size_t i = 0; i < np; i++) git_blob_free(blobs[i]);
    free(blobs);
    free(files);
    ct_strv_free(paths, np);
    ct_strv_free(conf, nc);
    git_tree_free(nt);
    git_tree_free(ht);
    git_index_free(idx);
    git_commit_free(h);
    git_reference_free(head);
    return rc;
}

int ct_repo_revert(ct_repo *r, const char *rev, const char *analyst, char oid_out[41],
                   ct_sbuf *err)
{
    git_commit *c = NULL;
    git_signature *sig = NULL;
    int fd = -1, rc = -1;
    if (oid_out) oid_out[0] = 0;
    if (lookup_commit(r, rev, &c, err) < 0) return -1;
    if (git_commit_parentcount(c) > 1) {
        ct_sbuf_addf(err, "%s is a merge commit; reverting merges is not supported", rev);
        goto out;
    }
    int det = git_repository_head_detached(r->repo);
    if (det != 0) {
        if (det < 0) ct_repo__giterr(err, "cannot read HEAD");
        else ct_sbuf_addf(err, "HEAD of %s is detached (not on a branch): check out a branch "
                               "before reverting", r->workdir);
        goto out;
    }
    if (ct_repo__signature(r, analyst, &sig, err) < 0) goto out;
    if (ct_repo__lock(r, &fd, err) < 0) goto out;
    rc = revert_locked(r, c, sig, oid_out, err);
    ct_repo__unlock(fd);
out:
    git_signature_free(sig);
    git_commit_free(c);
    return rc;
}

int ct_repo_head_file(ct_repo *r, const char *path, char head_id[41], char **data, size_t *len,
                      ct_sbuf *err)
{
    return ct_repo_rev_file(r, "HEAD", path, head_id, data, len, err);
}

int ct_repo_head_id(ct_repo *r, char out[41])
{
    git_oid id;
    out[0] = 0;
    int hr = git_reference_name_to_id(&id, r->repo, "HEAD");
    if (hr == GIT_ENOTFOUND || hr == GIT_EUNBORNBRANCH) return 0;
    if (hr < 0) return -1;
    git_oid_tostr(out, 41, &id);
    return 0;
}

int ct_repo_rev_file(ct_repo *r, const char *rev, const char *path, char head_id[41], char **data,
                     size_t *len, ct_sbuf *err)
{
    git_oid id;
    git_commit *c = NULL;
    git_tree *t = NULL;
    git_tree_entry *te = NULL;
    git_blob *b = NULL;
    head_id[0] = 0;
    *data = NULL;
    *len = 0;
    int hr = git_reference_name_to_id(&id, r->repo, rev);
    if (hr == GIT_ENOTFOUND || hr == GIT_EUNBORNBRANCH) return 0;
    if (hr < 0) return ct_repo__giterr(err, "cannot read %s of %s", rev, r->workdir);
    git_oid_tostr(head_id, 41, &id);
    int rc = -1;
    if (git_commit_lookup(&c, r->repo, &id) < 0 || git_commit_tree(&t, c) < 0) {
        ct_repo__giterr(err, "cannot read HEAD of %s", r->workdir);
        goto out;
    }
    int er = git_tree_entry_bypath(&te, t, path);
    if (er == GIT_ENOTFOUND || (er == 0 && git_tree_entry_type(te) != GIT_OBJECT_BLOB)) {
        rc = 0;
        goto out;
    }
    if (er < 0 || git_blob_lookup(&b, r->repo, git_tree_entry_id(te)) < 0) {
        ct_repo__giterr(err, "cannot read %s of HEAD", path);
        goto out;
    }
    *len = (size_t)git_blob_rawsize(b);
    if (*len > (4u << 20)) {
        ct_sbuf_addf(err, "%s of HEAD is over 4 MiB", path);
        *len = 0;
        goto out;
    }
    *data = ct_xmalloc(*len + 1);
    memcpy(*data, git_blob_rawcontent(b), *len);
    (*data)[*len] = 0;
    rc = 1;
out:
    git_blob_free(b);
    git_tree_entry_free(te);
    git_tree_free(t);
    git_commit_free(c);
    return rc;
}
