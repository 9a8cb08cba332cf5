/* gitstore: making a commit object, signed the way git signs when its config
 * asks (commit.gpgsign): the commit buffer (git_commit_create_buffer) signed
 * by `ssh-keygen -Y sign -n git` (gpg.format ssh) or `gpg -bsau KEY`
 * (openpgp), stored in the "gpgsig" header (git_commit_create_with_signature),
 * so `git verify-commit` and a server requiring signed commits accept it.
 * A signature that cannot be made is an error: no unsigned commit instead. */
#include "gitstore_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proc.h"
#include "sanitize.h"

/* ~/ in user.signingkey, as git expands it (ct_home_dir); NULL when there is
 * no home directory, the reason in err */
static char *expand_home(const char *p, ct_sbuf *err)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    char *s = NULL;
    if (p[0] != '~' || p[1] != '/' || ct_home_dir(&b, err) == 0) {
        ct_sbuf_add(&b, p[0] == '~' && p[1] == '/' ? p + 1 : p);
        s = ct_sbuf_detach(&b);
    }
    ct_sbuf_free(&b); /* detach leaves a fresh buffer behind */
    return s;
}

typedef struct sign_cfg {
    int sign;
    char *format, *key, *program;
} sign_cfg;

static void sign_cfg_free(sign_cfg *c)
{
    free(c->format), free(c->key), free(c->program);
}

static int read_cfg(ct_repo *r, sign_cfg *c, ct_sbuf *err)
{
    git_config *cfg = NULL;
    memset(c, 0, sizeof *c);
    if (git_repository_config_snapshot(&cfg, r->repo) < 0)
        return ct_repo__giterr(err, "cannot read git config of %s", r->workdir);
    int b = 0;
    int rc = git_config_get_bool(&b, cfg, "commit.gpgsign");
    if (rc < 0 && rc != GIT_ENOTFOUND) {
        git_config_free(cfg);
        return ct_repo__giterr(err, "cannot read commit.gpgsign");
    }
    c->sign = rc == 0 && b;
    if (c->sign) {
        c->format = ct_repo__cfg_str(cfg, "gpg.", "format", "");
        if (!c->format) c->format = ct_xstrdup("openpgp");
        c->key = ct_repo__cfg_str(cfg, "user.", "signingkey", "");
        c->program = !strcmp(c->format, "ssh") ? ct_repo__cfg_str(cfg, "gpg.", "ssh", ".program")
                     : !strcmp(c->format, "openpgp") ? ct_repo__cfg_str(cfg, "gpg.", "openpgp", ".program")
                     : NULL;
        if (!c->program && !strcmp(c->format, "openpgp"))
            c->program = ct_repo__cfg_str(cfg, "gpg.", "program", "");
    }
    git_config_free(cfg);
    return 0;
}

/* The signer's own words, one line, for the message. */
static void said(const ct_sbuf *errout, ct_sbuf *err)
{
    ct_sbuf t;
    ct_sbuf_init(&t);
    for (const char *p = errout->buf; *p; p++) {
        if (!strncmp(p, "[GNUPG:]", 8)) { /* status lines: not for people */
            const char *nl = strchr(p, '\n');
            if (!nl) break;
            p = nl;
            continue;
        }
        ct_sbuf_addc(&t, *p == '\n' ? ' ' : *p);
    }
    if (t.len) {
        ct_sbuf_add(err, ": ");
        ct_san_line(t.buf, 300, err);
    }
    ct_sbuf_free(&t);
}

static int sign_buffer(ct_repo *r, const sign_cfg *c, const git_signature *committer,
                       const char *buf, size_t len, ct_sbuf *sig, ct_sbuf *err)
{
    ct_sbuf errout, keyfile_note;
    ct_sbuf_init(&errout);
    ct_sbuf_init(&keyfile_note);
    char tmpl[] = "/tmp/credtriage-signkey-XXXXXX";
    int tmpfd = -1;
    char *key = NULL;
    int rc = -1, status = -1;
    if (!strcmp(c->format, "ssh")) {
        if (!c->key) {
            ct_sbuf_add(err, "cannot sign the commit: commit.gpgsign is set with gpg.format ssh, "
                             "but user.signingkey is not (git config user.signingkey "
                             "~/.ssh/id_ed25519.pub)");
            goto out;
        }
        const char *argv[9] = {c->program ? c->program : "ssh-keygen", "-Y", "sign", "-n", "git",
                               "-f", NULL, NULL, NULL};
        const char *k = c->key;
        if (!strncmp(k, "key::", 5)) k += 5;
        if (!strncmp(k, "ssh-", 4) || !strncmp(k, "ecdsa-", 6) || !strncmp(k, "sk-", 3)) {
            /* a literal public key: its private half is in the agent (git's -U) */
            tmpfd = mkstemp(tmpl);
            if (tmpfd < 0 || write(tmpfd, k, strlen(k)) != (ssize_t)strlen(k) || write(tmpfd, "\n", 1) != 1) {
                ct_repo__sys_err(err, "cannot sign the commit: cannot write", tmpl);
                goto out;
            }
            argv[6] = tmpl;
            argv[7] = "-U";
        } else {
            ct_sbuf why;
            ct_sbuf_init(&why);
            key = expand_home(k, &why);
            if (!key) {
                ct_sbuf_add(err, "cannot sign the commit: user.signingkey ");
                ct_san_line(k, 200, err);
                ct_sbuf_addf(err, ": %s", why.buf);
            }
            ct_sbuf_free(&why);
            if (!key) goto out;
            if (access(key, R_OK) < 0) {
                ct_sbuf_add(err, "cannot sign the commit: user.signingkey ");
                ct_san_line(key, 200, err);
                ct_sbuf_add(err, " cannot be read");
                goto out;
            }
            argv[6] = key;
        }
        ct_proc p = {argv, r->workdir, NULL, buf, len};
        if (ct_proc_run(&p, sig, &errout, &status, err) < 0) goto out;
    } else if (!strcmp(c->format, "openpgp")) {
        ct_sbuf ident;
        ct_sbuf_init(&ident);
        ct_sbuf_addf(&ident, "%s <%s>", committer->name, committer->email);
        const char *argv[] = {c->program ? c->program : "gpg", "--status-fd=2", "-bsau",
                              c->key ? c->key : ident.buf, NULL};
        ct_proc p = {argv, r->workdir, NULL, buf, len};
        int pr = ct_proc_run(&p, sig, &errout, &status, err);
        ct_sbuf_free(&ident);
        if (pr < 0) goto out;
        if (status == 0 && !strstr(errout.buf, "[GNUPG:] SIG_CREATED ")) status = -1;
    } else {
        ct_sbuf_add(err, "cannot sign the commit: gpg.format ");
        ct_san_line(c->format, 40, err);
        ct_sbuf_add(err, " is not supported (ssh or openpgp)");
        goto out;
    }
    if (status != 0 || !sig->len) {
        ct_sbuf_addf(err, "cannot sign the commit (commit.gpgsign, gpg.format %s): the signer "
                          "failed (exit %d)", c->format, status);
        said(&errout, err);
        goto out;
    }
    rc = 0;
out:
    if (tmpfd >= 0) {
        close(tmpfd);
        unlink(tmpl);
    }
    free(key);
    ct_sbuf_free(&errout);
    ct_sbuf_free(&keyfile_note);
    return rc;
}

/* Point update_ref ("HEAD": the branch it names) at id, from parent (NULL:
 * a new branch), as git_commit_create would. */
static int move_ref(ct_repo *r, const char *update_ref, const git_oid *id, const git_commit *parent,
                    const char *msg, ct_sbuf *err)
{
    git_reference *h = NULL, *out = NULL;
    char *name = NULL;
    if (!strcmp(update_ref, "HEAD")) {
        if (git_reference_lookup(&h, r->repo, "HEAD") < 0) return ct_repo__giterr(err, "cannot read HEAD");
        const char *t = git_reference_symbolic_target(h);
        name = ct_xstrdup(t ? t : "HEAD");
        git_reference_free(h);
    } else {
        name = ct_xstrdup(update_ref);
    }
    ct_sbuf log;
    ct_sbuf_init(&log);
    const char *nl = strchr(msg, '\n');
    ct_sbuf_addf(&log, "commit%s: ", parent ? "" : " (initial)");
    ct_sbuf_addn(&log, msg, nl ? (size_t)(nl - msg) : strlen(msg));
    int rc = parent ? git_reference_create_matching(&out, r->repo, name, id, 1, git_commit_id(parent), log.buf)
                    : git_reference_create(&out, r->repo, name, id, 0, log.buf);
    if (rc < 0) ct_repo__giterr(err, "cannot move %s", name);
    git_reference_free(out);
    ct_sbuf_free(&log);
    free(name);
    return rc < 0 ? -1 : 0;
}

int ct_repo__commit_create(ct_repo *r, git_oid *out, const char *update_ref,
                           const git_signature *author, const git_signature *committer,
                           const char *encoding, const char *msg, const git_tree *tree,
                           size_t nparents, const git_commit **parents, ct_sbuf *err)
{
    sign_cfg c;
    if (read_cfg(r, &c, err) < 0) return -1;
    if (!c.sign) {
        sign_cfg_free(&c);
        if (git_commit_create(out, r->repo, update_ref, author, committer, encoding, msg, tree,
                              nparents, parents) < 0)
            return ct_repo__giterr(err, "cannot commit to %s", r->workdir);
        return 0;
    }
    git_buf buf = { 0 };
    ct_sbuf sig;
    ct_sbuf_init(&sig);
    int rc = -1;
    if (git_commit_create_buffer(&buf, r->repo, author, committer, encoding, msg, tree, nparents,
                                 parents) < 0) {
        ct_repo__giterr(err, "cannot build the commit");
    } else if (sign_buffer(r, &c, committer, buf.ptr, buf.size, &sig, err) == 0) {
        if (git_commit_create_with_signature(out, r->repo, buf.ptr, sig.buf, NULL) < 0)
            ct_repo__giterr(err, "cannot write the signed commit");
        else if (!update_ref || move_ref(r, update_ref, out, nparents ? parents[0] : NULL, msg, err) == 0)
            rc = 0;
    }
    git_buf_dispose(&buf);
    ct_sbuf_free(&sig);
    sign_cfg_free(&c);
    return rc;
}
