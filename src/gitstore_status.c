/* gitstore: where the current branch syncs to (its upstream, as git
 * resolves it) and how far it is ahead of or behind it. */
#include "gitstore_int.h"

#include <stdlib.h>
#include <string.h>

/* Resolved from the config by hand rather than with git_branch_upstream_name():
 * in libgit2 1.5.1 it leaks a PCRE2 match block per config entry while
 * applying url.*.insteadOf (fixed upstream by libgit2 PR #6382). */

char *ct_repo__cfg_str(git_config *cfg, const char *fmt1, const char *arg, const char *fmt2)
{
    ct_sbuf k;
    ct_sbuf_init(&k);
    ct_sbuf_addf(&k, "%s%s%s", fmt1, arg, fmt2);
    const char *v = NULL;
    char *res = git_config_get_string(&v, cfg, k.buf) == 0 && v && *v ? ct_xstrdup(v) : NULL;
    ct_sbuf_free(&k);
    return res;
}

typedef struct track_cb {
    const char *merge;
    char *tracking;
} track_cb;

static int fetchspec_cb(const git_config_entry *e, void *payload)
{
    track_cb *t = payload;
    git_refspec *rs = NULL;
    git_buf b = { 0 };
    if (!t->tracking && git_refspec_parse(&rs, e->value, 1) == 0 &&
        git_refspec_src_matches(rs, t->merge) && git_refspec_transform(&b, rs, t->merge) == 0)
        t->tracking = ct_xstrdup(b.ptr);
    git_buf_dispose(&b);
    git_refspec_free(rs);
    return 0;
}

int ct_repo__upstream(ct_repo *r, char **branch_ref, char **remote, char **merge_ref,
                      char **tracking, ct_sbuf *err)
{
    git_reference *head = NULL;
    git_config *cfg = NULL;
    *branch_ref = *remote = *merge_ref = *tracking = NULL;
    int rc = git_repository_head(&head, r->repo);
    if (rc < 0) return ct_repo__giterr(err, "cannot read HEAD of %s", r->workdir);
    if (!git_reference_is_branch(head)) {
        git_reference_free(head);
        ct_sbuf_addf(err, "HEAD of %s is not on a branch", r->workdir);
        return -1;
    }
    char *bref = ct_xstrdup(git_reference_name(head));
    const char *bname = bref + 11;
    git_reference_free(head);
    if (git_repository_config_snapshot(&cfg, r->repo) < 0) {
        free(bref);
        return ct_repo__giterr(err, "cannot read git config of %s", r->workdir);
    }
    char *rname = ct_repo__cfg_str(cfg, "branch.", bname, ".remote");
    char *merge = rname ? ct_repo__cfg_str(cfg, "branch.", bname, ".merge") : NULL;
    if (rname && (!merge || strcmp(rname, ".") == 0)) { /* half set up, or a local upstream */
        free(rname), free(merge);
        rname = merge = NULL;
    }
    if (!rname) {
        char *url = ct_repo__cfg_str(cfg, "remote.", "origin", ".url");
        if (url) {
            rname = ct_xstrdup("origin");
            merge = ct_xstrdup(bref);
        }
        free(url);
    }
    if (rname) {
        ct_sbuf k;
        ct_sbuf_init(&k);
        ct_sbuf_addf(&k, "remote.%s.fetch", rname);
        track_cb t = { merge, NULL };
        git_config_get_multivar_foreach(cfg, k.buf, NULL, fetchspec_cb, &t);
        if (!t.tracking) { /* no matching fetch refspec: the conventional name */
            ct_sbuf_reset(&k);
            ct_sbuf_addf(&k, "refs/remotes/%s/%s", rname,
                         strncmp(merge, "refs/heads/", 11) == 0 ? merge + 11 : merge);
            t.tracking = ct_xstrdup(k.buf);
        }
        ct_sbuf_free(&k);
        *tracking = t.tracking;
    }
    git_config_free(cfg);
    *branch_ref = bref;
    *remote = rname;
    *merge_ref = merge;
    return 0;
}

void ct_repo_status_free(ct_repo_status *st)
{
    if (!st) return;
    free(st->branch);
    st->branch = NULL;
}

int ct_repo_status_get(ct_repo *r, ct_repo_status *st, ct_sbuf *err)
{
    memset(st, 0, sizeof *st);
    int det = git_repository_head_detached(r->repo);
    if (det < 0) return ct_repo__giterr(err, "cannot read HEAD of %s", r->workdir);
    if (det) {
        st->detached = 1;
        return 0;
    }
    char *bref = NULL, *remote = NULL, *merge = NULL, *tracking = NULL;
    git_oid local, up;
    int rc = 0;
    int unborn = git_repository_head_unborn(r->repo);
    if (unborn) { /* only the branch name, from the symbolic HEAD */
        git_reference *h = NULL;
        if (git_reference_lookup(&h, r->repo, "HEAD") < 0) return ct_repo__giterr(err, "cannot read HEAD");
        const char *t = git_reference_symbolic_target(h);
        if (t && strncmp(t, "refs/heads/", 11) == 0) st->branch = ct_xstrdup(t + 11);
        git_reference_free(h);
        return 0;
    }
    if (ct_repo__upstream(r, &bref, &remote, &merge, &tracking, err) < 0) return -1;
    st->branch = ct_xstrdup(bref + 11);
    if (remote && git_reference_name_to_id(&up, r->repo, tracking) == 0) {
        st->has_upstream = 1;
        if (git_reference_name_to_id(&local, r->repo, bref) < 0 ||
            git_graph_ahead_behind(&st->ahead, &st->behind, r->repo, &local, &up) < 0) {
            rc = ct_repo__giterr(err, "cannot compare %s with %s", bref, tracking);
            ct_repo_status_free(st);
        }
    }
    free(bref);
    free(remote);
    free(merge);
    free(tracking);
    return rc;
}
