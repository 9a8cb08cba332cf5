/* gitstore: sync the rules repo with its upstream (fetch, fast-forward or
 * replay local commits in memory, push), and the branch's status against its
 * upstream (ahead/behind). Sync runs under the credtriage lock so no local
 * commit can land in the middle. */
#include "gitstore_int.h"

#include <stdlib.h>
#include <string.h>
#include "sanitize.h"

/* Remotes are resolved from the config by hand rather than with
 * git_remote_lookup()/git_branch_upstream_name(): in libgit2 1.5.1 those leak
 * a PCRE2 match block per config entry while applying url.*.insteadOf
 * (fixed upstream by libgit2 PR #6382). We apply insteadOf ourselves and
 * use anonymous remotes. */

/* The longest url.<base>.insteadOf (or pushInsteadOf) prefix of url,
 * replaced by <base>; NULL when none applies. */
static char *rewrite_url(git_config *cfg, const char *url, const char *key)
{
    git_config_iterator *it = NULL;
    git_config_entry *e;
    size_t best = 0, klen = strlen(key);
    char *res = NULL;
    if (git_config_iterator_new(&it, cfg) < 0) return NULL;
    while (git_config_next(&e, it) == 0) {
        size_t nl = strlen(e->name), vl = e->value ? strlen(e->value) : 0;
        if (nl <= 4 + klen || strncmp(e->name, "url.", 4) != 0 || !vl || vl <= best ||
            !ct_strcaseeq(e->name + nl - klen, key) || strncmp(url, e->value, vl) != 0)
            continue;
        ct_sbuf b;
        ct_sbuf_init(&b);
        ct_sbuf_addn(&b, e->name + 4, nl - 4 - klen);
        ct_sbuf_add(&b, url + vl);
        free(res);
        res = ct_sbuf_detach(&b);
        ct_sbuf_free(&b);
        best = vl;
    }
    git_config_iterator_free(it);
    return res;
}

/* Fetch and push URLs of a configured remote, as git would rewrite them. */
static int remote_urls(ct_repo *r, const char *rname, char **fetch_url, char **push_url,
                       ct_sbuf *err)
{
    git_config *cfg = NULL;
    *fetch_url = *push_url = NULL;
    if (git_repository_config_snapshot(&cfg, r->repo) < 0)
        return ct_repo__giterr(err, "cannot read git config of %s", r->workdir);
    char *url = ct_repo__cfg_str(cfg, "remote.", rname, ".url");
    char *purl = ct_repo__cfg_str(cfg, "remote.", rname, ".pushurl");
    if (!url) {
        ct_sbuf_addf(err, "remote '%s' has no url", rname);
        free(purl);
        git_config_free(cfg);
        return -1;
    }
    char *f = rewrite_url(cfg, url, ".insteadof");
    char *p = purl ? rewrite_url(cfg, purl, ".insteadof") : rewrite_url(cfg, url, ".pushinsteadof");
    *fetch_url = f ? f : ct_xstrdup(url);
    *push_url = p ? p : ct_xstrdup(purl ? purl : *fetch_url);
    free(url);
    free(purl);
    git_config_free(cfg);
    return 0;
}

static int anon_remote(ct_repo *r, const char *url, git_remote **out, ct_sbuf *err)
{
    git_remote_create_options o;
    git_remote_create_options_init(&o, GIT_REMOTE_CREATE_OPTIONS_VERSION);
    o.repository = r->repo;
    o.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
    if (git_remote_create_with_opts(out, url, &o) < 0)
        return ct_repo__giterr(err, "invalid remote url '%s'", url);
    return 0;
}

void ct_sync_report_free(ct_sync_report *rep)
{
    if (!rep) return;
    ct_strv_free(rep->conflicts, rep->nconflicts);
    free(rep->remote);
    free(rep->upstream);
    memset(rep, 0, sizeof *rep);
}

typedef struct strv {
    char **v;
    size_t n, cap;
} strv;

static void strv_add(strv *s, const char *p)
{
    if (s->n == s->cap) s->v = ct_xrealloc(s->v, (s->cap = s->cap ? s->cap * 2 : 8) * sizeof *s->v);
    s->v[s->n++] = ct_xstrdup(p);
}

static int notify_conflict(git_checkout_notify_t why, const char *path, const git_diff_file *b,
                           const git_diff_file *t, const git_diff_file *w, void *payload)
{
    (void)why, (void)b, (void)t, (void)w;
    strv_add(payload, path);
    return 0;
}

/* Move the work tree, index and branch from commit `from` to `to`, touching
 * only files that differ between them; refuse before changing anything when
 * one of those has uncommitted changes. */
static int move_branch(ct_repo *r, const char *bref, const git_oid *from, const git_oid *to,
                       const char *why, ct_sbuf *err)
{
    git_commit *fc = NULL, *tc = NULL;
    git_tree *ft = NULL;
    git_reference *ref = NULL;
    strv dirty = { 0 };
    int rc = -1;
    if (git_commit_lookup(&fc, r->repo, from) < 0 || git_commit_lookup(&tc, r->repo, to) < 0 ||
        git_commit_tree(&ft, fc) < 0) {
        ct_repo__giterr(err, "cannot read commits to update the work tree");
        goto out;
    }
    git_checkout_options co;
    git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
    co.checkout_strategy = GIT_CHECKOUT_SAFE;
    co.baseline = ft;
    co.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
    co.notify_cb = notify_conflict;
    co.notify_payload = &dirty;
    int cr = git_checkout_tree(r->repo, (git_object *)tc, &co);
    if (cr < 0) {
        if (dirty.n) {
            ct_sbuf_add(err, "cannot sync: uncommitted changes to ");
            for (size_t i = 0; i < dirty.n; i++) ct_sbuf_addf(err, "%s%s", i ? ", " : "", dirty.v[i]);
            ct_sbuf_add(err, " would be overwritten; commit or discard them first");
        } else {
            ct_repo__giterr(err, "cannot update the work tree");
        }
        goto out;
    }
    if (git_reference_create_matching(&ref, r->repo, bref, to, 1, from, why) < 0) {
        ct_repo__giterr(err, "cannot move %s", bref);
        goto out;
    }
    rc = 0;
out:
    ct_strv_free(dirty.v, dirty.n);
    git_reference_free(ref);
    git_tree_free(ft);
    git_commit_free(tc);
    git_commit_free(fc);
    return rc;
}

static int tree_of(git_repository *repo, const git_oid *commit, git_tree **out)
{
    git_commit *c = NULL;
    int rc = git_commit_lookup(&c, repo, commit);
    if (rc == 0) rc = git_commit_tree(out, c);
    git_commit_free(c);
    return rc;
}

/* Paths changed on both sides since the merge base. */
static int both_changed(ct_repo *r, const git_oid *base, const git_oid *l, const git_oid *u,
                        strv *out, ct_sbuf *err)
{
    git_tree *bt = NULL, *lt = NULL, *ut = NULL;
    char **lp = NULL, **up = NULL;
    size_t nl = 0, nu = 0;
    int rc = -1;
    if (tree_of(r->repo, base, &bt) < 0 || tree_of(r->repo, l, &lt) < 0 ||
        tree_of(r->repo, u, &ut) < 0) {
        ct_repo__giterr(err, "cannot read the trees to sync");
        goto out;
    }
    if (ct_repo__changed_paths(r->repo, bt, lt, &lp, &nl, err) < 0 ||
        ct_repo__changed_paths(r->repo, bt, ut, &up, &nu, err) < 0)
        goto out;
    for (size_t i = 0; i < nl; i++)
        for (size_t j = 0; j < nu; j++)
            if (strcmp(lp[i], up[j]) == 0) strv_add(out, lp[i]);
    rc = 0;
out:
    ct_strv_free(lp, nl);
    ct_strv_free(up, nu);
    git_tree_free(bt);
    git_tree_free(lt);
    git_tree_free(ut);
    return rc;
}

/* Replay the commits of local not in upstream on top of upstream, in memory
 * (nothing but new objects is written). *tip is the new head. */
static int replay(ct_repo *r, const git_oid *local, const git_oid *upstream,
                  const git_signature *committer, git_oid *tip, size_t *count, strv *conf,
                  ct_sbuf *err)
{
    git_revwalk *w = NULL;
    git_commit *onto = NULL;
    int rc = -1;
    *count = 0;
    if (git_revwalk_new(&w, r->repo) < 0 ||
        git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0 ||
        git_revwalk_push(w, local) < 0 || git_revwalk_hide(w, upstream) < 0 ||
        git_commit_lookup(&onto, r->repo, upstream) < 0) {
        ct_repo__giterr(err, "cannot list the local commits to replay");
        goto out;
    }
    git_oid id;
    int wr;
    while ((wr = git_revwalk_next(&id, w)) == 0) {
        git_commit *c = NULL, *nc = NULL;
        git_index *idx = NULL;
        git_tree *t = NULL;
        git_oid tid, nid;
        int ok = 0;
        if (git_commit_lookup(&c, r->repo, &id) < 0) {
            ct_repo__giterr(err, "cannot read commit %s", git_oid_tostr_s(&id));
        } else if (git_commit_parentcount(c) > 1) {
            ct_sbuf_addf(err, "cannot sync: local commit %s is a merge; sync it with git",
                         git_oid_tostr_s(&id));
        } else if (git_cherrypick_commit(&idx, r->repo, c, onto, 0, NULL) < 0) {
            ct_repo__giterr(err, "cannot replay commit %s", git_oid_tostr_s(&id));
        } else if (git_index_has_conflicts(idx)) {
            git_index_conflict_iterator *it = NULL;
            const git_index_entry *a, *o, *t2;
            if (git_index_conflict_iterator_new(&it, idx) == 0) {
                while (git_index_conflict_next(&a, &o, &t2, it) == 0)
                    strv_add(conf, (o ? o : t2 ? t2 : a)->path);
                git_index_conflict_iterator_free(it);
            }
            ct_sbuf_add(err, "cannot sync: local and upstream changes conflict");
        } else if (git_index_write_tree_to(&tid, idx, r->repo) < 0 ||
                   git_tree_lookup(&t, r->repo, &tid) < 0) {
            ct_repo__giterr(err, "cannot replay commit %s", git_oid_tostr_s(&id));
        } else if (git_oid_equal(&tid, git_commit_tree_id(onto))) {
            ok = 1; /* already upstream: dropped, as git rebase does */
        } else {
            const git_commit *parents[1] = { onto };
            if (ct_repo__commit_create(r, &nid, NULL, git_commit_author(c),
                                       committer ? committer : git_commit_committer(c),
                                       git_commit_message_encoding(c), git_commit_message(c), t,
                                       1, parents, err) < 0) {
                ct_sbuf_addf(err, " (replaying commit %s)", git_oid_tostr_s(&id));
            } else if (git_commit_lookup(&nc, r->repo, &nid) < 0) {
                ct_repo__giterr(err, "cannot replay commit %s", git_oid_tostr_s(&id));
            } else {
                git_commit_free(onto);
                onto = nc;
                (*count)++;
                ok = 1;
            }
        }
        git_tree_free(t);
        git_index_free(idx);
        git_commit_free(c);
        if (!ok) goto out;
    }
    if (wr != GIT_ITEROVER) {
        ct_repo__giterr(err, "cannot list the local commits to replay");
        goto out;
    }
    git_oid_cpy(tip, git_commit_id(onto));
    rc = 0;
out:
    git_commit_free(onto);
    git_revwalk_free(w);
    return rc;
}

typedef struct push_state {
    ct_sbuf status;   /* the server's reason for refusing the ref */
    int rejected;
} push_state;

static int push_ref_cb(const char *refname, const char *status, void *data)
{
    push_state *ps = ((ct_repo__cred *)data)->push_state;
    (void)refname;
    if (status) {
        ps->rejected = 1;
        ct_san_line(status, 200, &ps->status);
    }
    return 0;
}

/* Push bref to merge. 0 pushed; 1 refused as not a fast-forward (someone
 * pushed meanwhile: fetch, replay and push again); -1 failed, explained. */
static int push(ct_repo__cred *c, git_remote *prm, const char *remote, const char *bref,
                const char *merge, ct_sbuf *err)
{
    ct_sbuf spec;
    ct_sbuf_init(&spec);
    ct_sbuf_addf(&spec, "%s:%s", bref, merge);
    char *specs[1] = { spec.buf };
    git_strarray pa = { specs, 1 };
    git_push_options po;
    git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
    ct_repo__cred_begin(c);
    ct_repo__cred_callbacks(c, &po.callbacks);
    push_state st;
    ct_sbuf_init(&st.status);
    st.rejected = 0;
    po.callbacks.push_update_reference = push_ref_cb;
    /* one payload for every callback: the push state rides in the credentials' */
    c->push_state = &st;
    int pr = git_remote_push(prm, &pa, &po);
    c->push_state = NULL;
    ct_sbuf_free(&spec);
    int rc = 0;
    if (pr == GIT_ENONFASTFORWARD) {
        rc = 1;
    } else if (pr < 0) {
        ct_sbuf what;
        ct_sbuf_init(&what);
        ct_sbuf_addf(&what, "push to '%s'", remote);
        rc = ct_repo__remote_error(c, what.buf, err);
        ct_sbuf_free(&what);
    } else if (st.rejected) {
        if (strstr(st.status.buf, "fast-forward") || strstr(st.status.buf, "fetch first") ||
            strstr(st.status.buf, "stale")) {
            rc = 1;
        } else {
            ct_sbuf_addf(err, "the remote '%s' refused the push of %s: \"%s\"", remote,
                         merge + (strncmp(merge, "refs/heads/", 11) ? 0 : 11), st.status.buf);
            if (c->remote_says.len) {
                ct_sbuf_add(err, " (the server said: ");
                ct_repo__remote_says(c, err);
                ct_sbuf_addc(err, ')');
            }
            ct_sbuf_add(err, ". The branch is protected on the server (it refuses direct pushes, "
                             "or this kind of change); your commits stay here, unpushed: ask the "
                             "server's administrator, or push them for review on another branch");
            rc = -1;
        }
    } else {
        ct_repo__cred_done(c, 1);
    }
    ct_sbuf_free(&st.status);
    return rc;
}

static int count_commits(ct_repo *r, const git_oid *tip, const git_oid *hide, size_t *n)
{
    git_revwalk *w = NULL;
    git_oid id;
    *n = 0;
    int rc = git_revwalk_new(&w, r->repo);
    if (rc == 0) rc = git_revwalk_push(w, tip);
    if (rc == 0 && hide) rc = git_revwalk_hide(w, hide);
    while (rc == 0 && (rc = git_revwalk_next(&id, w)) == 0) (*n)++;
    git_revwalk_free(w);
    return rc == GIT_ITEROVER ? 0 : rc;
}

/* Fetch merge into tracking. */
static int fetch(ct_repo__cred *c, git_remote *rm, const char *remote, const char *merge,
                 const char *tracking, ct_sbuf *err)
{
    ct_sbuf spec;
    ct_sbuf_init(&spec);
    ct_sbuf_addf(&spec, "+%s:%s", merge, tracking);
    char *specs[1] = { spec.buf };
    git_strarray fs = { specs, 1 };
    git_fetch_options fo;
    git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
    ct_repo__cred_begin(c);
    ct_repo__cred_callbacks(c, &fo.callbacks);
    int fr = git_remote_fetch(rm, &fs, &fo, "credtriage sync: fetch");
    ct_sbuf_free(&spec);
    if (fr < 0) {
        ct_sbuf what;
        ct_sbuf_init(&what);
        ct_sbuf_addf(&what, "fetch from '%s'", remote);
        ct_repo__remote_error(c, what.buf, err);
        ct_sbuf_free(&what);
        return -1;
    }
    ct_repo__cred_done(c, 1);
    return 0;
}

/* Bring the local branch onto upstream: fast-forward, or replay the local
 * commits on it. *tip the new local head; *has_up 0 when the remote has no
 * such branch yet. */
static int integrate(ct_repo *r, const char *analyst, const char *remote, const char *bref,
                     const char *tracking, ct_sync_report *rep, git_oid *tip, git_oid *up,
                     int *has_up, ct_sbuf *err)
{
    git_oid local;
    strv conf = { 0 };
    git_signature *sig = NULL;
    size_t err_mark = err->len;
    int rc = -1;
    if (git_reference_name_to_id(&local, r->repo, bref) < 0)
        return ct_repo__giterr(err, "cannot read %s", bref);
    *has_up = git_reference_name_to_id(up, r->repo, tracking) == 0;
    git_oid_cpy(tip, &local);
    if (!*has_up) return 0;
    size_t ahead, behind;
    if (git_graph_ahead_behind(&ahead, &behind, r->repo, &local, up) < 0)
        return ct_repo__giterr(err, "cannot compare %s with %s", bref, tracking);
    rep->fetched += behind;
    if (behind && !ahead) {
        if (move_branch(r, bref, &local, up, "credtriage sync: fast-forward", err) < 0) return -1;
        git_oid_cpy(tip, up);
        return 0;
    }
    if (!behind) return 0;
    git_oid base;
    size_t rebased = 0;
    if (git_merge_base(&base, r->repo, &local, up) < 0) {
        ct_repo__giterr(err, "cannot find where %s and %s diverged", bref, tracking);
        goto out;
    }
    if (both_changed(r, &base, &local, up, &conf, err) < 0) goto out;
    ct_sbuf ignored; /* no identity: replayed commits keep their committer */
    ct_sbuf_init(&ignored);
    ct_repo__signature(r, analyst, &sig, &ignored);
    ct_sbuf_free(&ignored);
    if (conf.n == 0 && replay(r, &local, up, sig, tip, &rebased, &conf, err) < 0 && !conf.n)
        goto out;
    if (conf.n) {
        err->len = err_mark; /* the conflict list says it better */
        err->buf[err_mark] = 0;
        ct_sbuf_addf(err, "cannot sync: both this repo and '%s' changed ", remote);
        for (size_t i = 0; i < conf.n; i++) ct_sbuf_addf(err, "%s%s", i ? ", " : "", conf.v[i]);
        ct_sbuf_add(err, "; local history and files are unchanged — resolve it with "
                         "git (pull --rebase) and sync again");
        rep->conflicts = conf.v;
        rep->nconflicts = conf.n;
        free(rep->remote), free(rep->upstream);
        rep->remote = ct_xstrdup(remote);
        rep->upstream = ct_xstrdup(tracking);
        conf.v = NULL;
        conf.n = 0;
        goto out;
    }
    if (move_branch(r, bref, &local, tip, "credtriage sync: replay on upstream", err) < 0) goto out;
    rep->rebased += rebased;
    rc = 0;
out:
    ct_strv_free(conf.v, conf.n);
    git_signature_free(sig);
    return rc;
}

static int sync_locked(ct_repo *r, const char *analyst, ct_sync_report *rep, ct_sbuf *err)
{
    char *bref = NULL, *remote = NULL, *merge = NULL, *tracking = NULL;
    git_remote *rm = NULL, *prm = NULL;
    char *furl = NULL, *purl = NULL;
    ct_repo__cred fc, pc;
    int have_cred = 0;
    int rc = -1;
    if (ct_repo__upstream(r, &bref, &remote, &merge, &tracking, err) < 0) return -1;
    if (!remote) {
        ct_sbuf_addf(err, "cannot sync: branch %s has no upstream and there is no remote "
                          "'origin' (git remote add origin URL)", bref + 11);
        goto out;
    }
    if (remote_urls(r, remote, &furl, &purl, err) < 0) goto out;
    have_cred = 1;
    ct_sbuf again; /* the same ssh configuration error a second time: said once */
    ct_sbuf_init(&again);
    int bad = ct_repo__cred_init(&fc, r, furl, err) < 0;
    bad |= ct_repo__cred_init(&pc, r, purl, bad ? &again : err) < 0;
    ct_sbuf_free(&again);
    if (bad || ct_repo__tls_setup(&fc, err) < 0 || ct_repo__tls_setup(&pc, err) < 0) goto out;
    /* connect where the ssh configuration says (a Host alias: its HostName, Port, User) */
    if (anon_remote(r, fc.conn_url, &rm, err) < 0 || anon_remote(r, pc.conn_url, &prm, err) < 0) goto out;
    /* a push refused as not a fast-forward means someone pushed since our
     * fetch: fetch, replay and push again, a few times */
    for (int round = 0;; round++) {
        git_oid tip, up;
        int has_up = 0;
        if (fetch(&fc, rm, remote, merge, tracking, err) < 0 ||
            integrate(r, analyst, remote, bref, tracking, rep, &tip, &up, &has_up, err) < 0)
            goto out;
        if (has_up && git_oid_equal(&tip, &up)) break;
        if (count_commits(r, &tip, has_up ? &up : NULL, &rep->pushed) < 0) {
            ct_repo__giterr(err, "cannot count the commits to push");
            goto out;
        }
        int pr = push(&pc, prm, remote, bref, merge, err);
        if (pr < 0) {
            rep->pushed = 0;
            goto out;
        }
        if (pr == 1) {
            rep->pushed = 0;
            if (round < 4) continue;
            ct_sbuf_addf(err, "cannot push to '%s': it kept moving (someone pushes at the same "
                              "time); your commits are replayed on its latest state, sync again",
                         remote);
            goto out;
        }
        /* an anonymous remote does not move the remote-tracking branch itself */
        git_reference *tr = NULL;
        if (git_reference_create(&tr, r->repo, tracking, &tip, 1, "credtriage sync: push") < 0) {
            ct_repo__giterr(err, "pushed, but cannot update %s", tracking);
            goto out;
        }
        git_reference_free(tr);
        break;
    }
    rc = 0;
out:
    if (have_cred) {
        ct_repo__cred_free(&fc);
        ct_repo__cred_free(&pc);
    }
    free(furl);
    free(purl);
    git_remote_free(prm);
    git_remote_free(rm);
    free(bref);
    free(remote);
    free(merge);
    free(tracking);
    return rc;
}

int ct_repo_sync(ct_repo *r, const char *analyst, ct_sync_report *report, ct_sbuf *err)
{
    ct_sync_report local;
    ct_sync_report *rep = report ? report : &local;
    memset(rep, 0, sizeof *rep);
    int det = git_repository_head_detached(r->repo);
    if (det != 0) {
        if (det < 0) return ct_repo__giterr(err, "cannot read HEAD of %s", r->workdir);
        ct_sbuf_addf(err, "cannot sync: HEAD of %s is detached (not on a branch)", r->workdir);
        return -1;
    }
    int fd;
    if (ct_repo__lock(r, &fd, err) < 0) return -1;
    int rc = sync_locked(r, analyst, rep, err);
    ct_repo__unlock(fd);
    if (!report) ct_sync_report_free(&local);
    return rc;
}

