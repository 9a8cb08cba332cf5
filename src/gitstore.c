/* gitstore: default location, identity, locking, and the small helpers every
 * gitstore file uses (errors, paths, trees). The bottom of the git store:
 * committing (and recovering an interrupted commit) is in gitstore_commit.c,
 * open/seed in gitstore_open.c, history/show/revert in gitstore_log.c, sync
 * and status in gitstore_sync.c; shared internals in gitstore_int.h. Calls go
 * open, log, sync -> commit -> this file. */
#include "gitstore_int.h"
#include "sanitize.h"

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
    if (ct_home_dir(out, NULL) < 0) return -1;
    ct_sbuf_add(out, "/.local/share/credtriage/rules");
    return 0;
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

/* An identity is written into every commit and shown by `git log`: refuse what
 * the sanitizer would have to escape (C1 controls, bidi controls, invisible
 * and format characters, invalid UTF-8) rather than commit it. Says which. */
static int hidden_chars(const char *what, const char *s, ct_sbuf *err)
{
    ct_sbuf v;
    ct_sbuf_init(&v);
    ct_san_displayz(s, 0, &v);
    int bad = strcmp(v.buf, s) != 0;
    if (bad)
        ct_sbuf_addf(err, "invalid %s \"%s\": it holds control, bidi, invisible or format "
                          "characters or invalid UTF-8 (shown escaped); use plain text", what, v.buf);
    ct_sbuf_free(&v);
    return bad;
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
    if (hidden_chars("analyst identity", a, err)) return -1;
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
        if (hidden_chars("git config user.name", tn, err) || hidden_chars("git config user.email", te, err)) {
            free(tn);
            free(te);
        } else if (bad_ident_text(tn, 1) || bad_ident_text(te, 0)) {
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

int ct_repo__changed_paths(git_repository *repo, git_tree *a, git_tree *b, char ***paths,
                           size_t *n, ct_sbuf *err)
{
    git_diff *diff = NULL;
    *paths = NULL;
    *n = 0;
    if (git_diff_tree_to_tree(&diff, repo, a, b, NULL) < 0)
        return ct_repo__giterr(err, "cannot compare trees");
    size_t nd = git_diff_num_deltas(diff);
    char **v = ct_xcalloc(nd ? nd : 1, sizeof *v);
    for (size_t i = 0; i < nd; i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        v[i] = ct_xstrdup(d->new_file.path ? d->new_file.path : d->old_file.path);
    }
    git_diff_free(diff);
    *paths = v;
    *n = nd;
    return 0;
}
