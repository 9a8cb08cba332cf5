/* repofs: paths beneath the rules repo's root, never through a symlink
 * (see repofs.h for the why). */
#include "repofs.h"
#include "sanitize.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TMP_SUFFIX ".tmp"
#define AUDIT_DEPTH 6

int ct_repofs_parse_size(const char *s, size_t *out)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-') return -1;
    unsigned shift = 0;
    if (*end == 'k' || *end == 'K') shift = 10, end++;
    else if (*end == 'm' || *end == 'M') shift = 20, end++;
    else if (*end == 'g' || *end == 'G') shift = 30, end++;
    if (*end == 'i' || *end == 'B') end++;
    if (*end == 'B') end++;
    if (*end || (shift && v > (~0ull >> shift))) return -1;
    *out = (size_t)(v << shift);
    return 0;
}

size_t ct_repofs_file_max(void)
{
    size_t v;
    if (ct_repofs_parse_size(getenv("CREDTRIAGE_MAX_REPO_FILE"), &v) == 0 && v > 0) return v;
    return CT_REPOFS_FILE_MAX_DEFAULT;
}

static void name_it(ct_sbuf *err, const char *rel)
{
    ct_san_displayz(rel, 0, err);
}

const char *ct_repofs_rel_problem(const char *rel)
{
    const char *why = NULL;
    if (!rel || !*rel) why = "empty path";
    else if (*rel == '/') why = "absolute path";
    for (const char *s = rel; !why && s && *s;) {
        const char *slash = strchr(s, '/');
        size_t len = slash ? (size_t)(slash - s) : strlen(s);
        if (len == 0) why = "empty path component";
        else if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
            why = "'.' or '..' component";
        for (size_t i = 0; !why && i < len; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) why = "control character";
        s = slash ? slash + 1 : NULL;
        if (slash && !*s) why = "trailing '/'";
    }
    return why;
}

int ct_repofs_check_rel(const char *rel, ct_sbuf *err)
{
    const char *why = ct_repofs_rel_problem(rel);
    if (why && err) {
        ct_sbuf_add(err, "refusing path '");
        name_it(err, rel ? rel : "");
        ct_sbuf_addf(err, "' in the rules repo: %s", why);
    }
    return why ? -1 : 0;
}

/* ---- resolution beneath the root ------------------------------------------------ */

static int no_openat2 = -1; /* -1 unknown, 1 the kernel lacks it (or the test hook says so) */

static int walk_open(int dirfd, const char *rel, int flags, unsigned mode)
{
    /* one O_NOFOLLOW step per component: a symlink anywhere is ELOOP */
    char *p = ct_xstrdup(rel);
    int cur = dirfd, rc = -1;
    char *s = p;
    for (char *slash; (slash = strchr(s, '/'));) {
        *slash = 0;
        int fd = openat(cur, s, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        struct stat st; /* a link here is ELOOP, whatever the open said */
        if (fd < 0 && e == ENOTDIR && fstatat(cur, s, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
            e = ELOOP;
        if (cur != dirfd) close(cur);
        if (fd < 0) {
            free(p);
            errno = e;
            return -1;
        }
        cur = fd;
        s = slash + 1;
    }
    rc = openat(cur, s, flags | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
    int e = errno;
    if (cur != dirfd) close(cur);
    free(p);
    errno = e;
    return rc;
}

static int open_parent(int rootfd, const char *rel, const char **base);

static int open_beneath_raw(int dirfd, const char *rel, int flags, unsigned mode)
{
    if (ct_repofs_check_rel(rel, NULL) < 0) {
        errno = EINVAL;
        return -1;
    }
    if (no_openat2 < 0) {
        const char *e = getenv("CT_REPOFS_NO_OPENAT2"); /* test hook: the fallback walk */
        no_openat2 = e && *e == '1';
    }
#ifdef SYS_openat2
    if (!no_openat2) {
        struct open_how how;
        memset(&how, 0, sizeof how);
        how.flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC);
        how.mode = (flags & O_CREAT) ? mode : 0;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
        long fd;
        do fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
        while (fd < 0 && (errno == EAGAIN || errno == EINTR));
        if (fd >= 0 || errno != ENOSYS) return (int)fd;
        no_openat2 = 1;
    }
#endif
    return walk_open(dirfd, rel, flags, mode);
}

/* O_DIRECTORY on a final symlink says ENOTDIR: say ELOOP, as for any other link */
static int open_beneath(int dirfd, const char *rel, int flags, unsigned mode)
{
    int fd = open_beneath_raw(dirfd, rel, flags, mode);
    if (fd < 0 && errno == ENOTDIR) {
        const char *base;
        struct stat st;
        int pfd = open_parent(dirfd, rel, &base);
        int link = pfd >= 0 && fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
        if (pfd >= 0) close(pfd);
        errno = link ? ELOOP : ENOTDIR;
    }
    return fd;
}

int ct_repofs_openat(const ct_repofs *fs, const char *rel, int flags, unsigned mode)
{
    return open_beneath(fs->rootfd, rel, flags, mode);
}

/* The directory holding rel and rel's last component. */
static int open_parent(int rootfd, const char *rel, const char **base)
{
    const char *slash = strrchr(rel, '/');
    *base = slash ? slash + 1 : rel;
    if (!slash) return fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
    char *dir = ct_xstrndup(rel, (size_t)(slash - rel));
    int fd = open_beneath(rootfd, dir, O_RDONLY | O_DIRECTORY, 0);
    int e = errno;
    free(dir);
    errno = e;
    return fd;
}

static int kind_of(mode_t m)
{
    return S_ISREG(m) ? CT_FS_FILE : S_ISDIR(m) ? CT_FS_DIR : S_ISLNK(m) ? CT_FS_LINK : CT_FS_OTHER;
}

int ct_repofs_kind(const ct_repofs *fs, const char *rel)
{
    const char *base;
    int pfd = open_parent(fs->rootfd, rel, &base);
    if (pfd < 0) return errno == ENOENT ? CT_FS_MISSING : errno == ELOOP ? CT_FS_LINK : CT_FS_ERROR;
    struct stat st;
    int rc = fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW);
    int e = errno;
    close(pfd);
    if (rc < 0) return e == ENOENT ? CT_FS_MISSING : CT_FS_ERROR;
    return kind_of(st.st_mode);
}

/* "rel: why" for a failed open beneath the root */
static int open_error(ct_sbuf *err, const char *rel, int e)
{
    if (err) {
        name_it(err, rel);
        if (e == ELOOP)
            ct_sbuf_add(err, ": a symbolic link is on the path: refused (credtriage follows no "
                             "link inside the rules repo)");
        else if (e == EXDEV)
            ct_sbuf_add(err, ": leads outside the rules repo: refused");
        else
            ct_sbuf_addf(err, ": %s", strerror(e));
    }
    errno = e;
    return -1;
}

static const char *kind_name(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : S_ISLNK(m) ? "a symbolic link"
         : "not a regular file";
}

int ct_repofs_read(const ct_repofs *fs, const char *rel, size_t max, char **out, size_t *len,
                   ct_sbuf *err)
{
    if (!max) max = ct_repofs_file_max();
    int fd = open_beneath(fs->rootfd, rel, O_RDONLY | O_NONBLOCK, 0);
    if (fd < 0) return open_error(err, rel, errno);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return open_error(err, rel, e);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        if (err) {
            name_it(err, rel);
            ct_sbuf_addf(err, ": %s, not a regular file: refused", kind_name(st.st_mode));
        }
        errno = EINVAL;
        return -1;
    }
    if ((unsigned long long)st.st_size > max) {
        close(fd);
        if (err) {
            name_it(err, rel);
            ct_sbuf_addf(err, ": %llu bytes, over the limit of %zu for a rules repo file "
                              "(CREDTRIAGE_MAX_REPO_FILE): refused",
                         (unsigned long long)st.st_size, max);
        }
        errno = EFBIG;
        return -1;
    }
    /* the size may change under us: read at most max + 1 and judge that */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = ct_xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap > max) break;
            cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            buf = ct_xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return open_error(err, rel, e);
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    if (n > max) {
        free(buf);
        if (err) {
            name_it(err, rel);
            ct_sbuf_addf(err, ": grew over the limit of %zu bytes while read: refused", max);
        }
        errno = EFBIG;
        return -1;
    }
    buf[n] = 0;
    *out = buf;
    if (len) *len = n;
    return 0;
}

char **ct_repofs_list(const ct_repofs *fs, const char *rel, size_t *n, int **kinds, ct_sbuf *err)
{
    *n = 0;
    if (kinds) *kinds = NULL;
    int fd = rel && *rel ? open_beneath(fs->rootfd, rel, O_RDONLY | O_DIRECTORY, 0)
                         : fcntl(fs->rootfd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        if (errno != ENOENT) open_error(err, rel, errno);
        else errno = ENOENT;
        return NULL;
    }
    DIR *d = fdopendir(fd);
    if (!d) {
        open_error(err, rel, errno);
        close(fd);
        return NULL;
    }
    char **v = ct_dir_names(d, n);
    if (kinds && *n) {
        *kinds = ct_xcalloc(*n, sizeof **kinds);
        for (size_t i = 0; i < *n; i++) {
            struct stat st;
            (*kinds)[i] = fstatat(dirfd(d), v[i], &st, AT_SYMLINK_NOFOLLOW) < 0 ? CT_FS_ERROR
                                                                                : kind_of(st.st_mode);
        }
    }
    closedir(d);
    if (!v) v = ct_xcalloc(1, sizeof *v); /* an empty directory is not a missing one */
    return v;
}

/* ---- writing ------------------------------------------------------------------------- */

/* mkdir -p beneath dirfd; returns an fd of the last directory. */
static int mkdirs_at(int dirfd, const char *rel, ct_sbuf *err)
{
    char *p = ct_xstrdup(rel);
    int cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    for (char *s = p, *slash; cur >= 0 && s; s = slash ? slash + 1 : NULL) {
        slash = strchr(s, '/');
        if (slash) *slash = 0;
        if (mkdirat(cur, s, 0777) < 0 && errno != EEXIST) {
            int e = errno;
            close(cur);
            cur = -1;
            open_error(err, p, e);
            break;
        }
        int fd = openat(cur, s, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        struct stat st;
        if (fd < 0 && e == ENOTDIR && fstatat(cur, s, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISLNK(st.st_mode))
            e = ELOOP;
        close(cur);
        cur = fd;
        if (fd < 0) {
            if (e == ENOTDIR) {
                name_it(err, p);
                ct_sbuf_add(err, ": not a directory: refused");
            } else {
                open_error(err, p, e);
            }
            errno = e;
        }
        if (slash) *slash = '/';
    }
    free(p);
    return cur;
}

int ct_repofs_mkdirs(const ct_repofs *fs, const char *rel, ct_sbuf *err)
{
    if (ct_repofs_check_rel(rel, err) < 0) return -1;
    int fd = mkdirs_at(fs->rootfd, rel, err);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

static int open_tmpdir(ct_repofs *fs, ct_sbuf *err)
{
    if (fs->tmpfd >= 0) return 0;
    int gfd = fs->gitdir ? open(fs->gitdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                         : open_beneath(fs->rootfd, ".git", O_RDONLY | O_DIRECTORY, 0);
    if (gfd < 0) {
        ct_sbuf_add(err, "no private directory for temporary files: ");
        return open_error(err, fs->gitdir ? fs->gitdir : ".git", errno);
    }
    fs->tmpfd = mkdirs_at(gfd, "credtriage/tmp", err);
    close(gfd);
    return fs->tmpfd < 0 ? -1 : 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -1;
        off += (size_t)w;
    }
    return 0;
}

int ct_repofs_write(ct_repofs *fs, const char *rel, const char *data, size_t len, ct_sbuf *err)
{
    if (ct_repofs_check_rel(rel, err) < 0) return -1;
    if (open_tmpdir(fs, err) < 0) return -1;
    const char *slash = strrchr(rel, '/'), *base = slash ? slash + 1 : rel;
    int pfd;
    if (slash) {
        char *dir = ct_xstrndup(rel, (size_t)(slash - rel));
        pfd = mkdirs_at(fs->rootfd, dir, err);
        free(dir);
    } else {
        pfd = fcntl(fs->rootfd, F_DUPFD_CLOEXEC, 0);
    }
    if (pfd < 0) return -1;
    struct stat st;
    if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
        close(pfd);
        name_it(err, rel);
        ct_sbuf_addf(err, ": %s where credtriage writes a file: refused", kind_name(st.st_mode));
        errno = EEXIST;
        return -1;
    }
    static unsigned seq;
    char name[96];
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 16; tries++) {
        snprintf(name, sizeof name, "%ld.%u.%08lx" TMP_SUFFIX, (long)getpid(), seq++,
                 (unsigned long)(random() & 0xffffffff));
        fd = openat(fs->tmpfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST) break;
    }
    int rc = -1, e = 0;
    if (fd < 0) {
        e = errno;
        ct_sbuf_add(err, "cannot create a temporary file for ");
    } else {
        if (write_all(fd, data, len) < 0 || fsync(fd) < 0) e = errno;
        if (close(fd) < 0 && !e) e = errno;
        if (!e && renameat(fs->tmpfd, name, pfd, base) < 0) e = errno;
        if (e) {
            unlinkat(fs->tmpfd, name, 0);
            ct_sbuf_add(err, "cannot write ");
        } else {
            (void)fsync(pfd); /* the rename itself survives a power cut */
            rc = 0;
        }
    }
    close(pfd);
    if (rc < 0) {
        name_it(err, rel);
        ct_sbuf_addf(err, ": %s", strerror(e));
        errno = e;
    }
    return rc;
}

int ct_repofs_remove(const ct_repofs *fs, const char *rel, ct_sbuf *err)
{
    if (ct_repofs_check_rel(rel, err) < 0) return -1;
    char *p = ct_xstrdup(rel);
    const char *base;
    int pfd = open_parent(fs->rootfd, p, &base);
    int rc = 0;
    if (pfd < 0) {
        if (errno != ENOENT) rc = open_error(err, rel, errno);
    } else {
        struct stat st;
        if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
            name_it(err, rel);
            ct_sbuf_add(err, ": a directory where credtriage removes a file: refused");
            rc = -1;
        } else if (unlinkat(pfd, base, 0) < 0 && errno != ENOENT) {
            rc = open_error(err, rel, errno);
        }
        close(pfd);
    }
    /* drop the directories the removal emptied (rmdir fails on a non-empty one) */
    for (char *slash; rc == 0 && (slash = strrchr(p, '/'));) {
        *slash = 0;
        const char *b;
        int fd = open_parent(fs->rootfd, p, &b);
        if (fd < 0) break;
        int gone = unlinkat(fd, b, AT_REMOVEDIR) == 0;
        close(fd);
        if (!gone) break;
    }
    free(p);
    return rc;
}

size_t ct_repofs_clean_tmp(ct_repofs *fs)
{
    ct_sbuf ignore;
    ct_sbuf_init(&ignore);
    size_t n = 0;
    if (open_tmpdir(fs, &ignore) == 0) {
        int fd = fcntl(fs->tmpfd, F_DUPFD_CLOEXEC, 0);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (!ct_str_ends_with(de->d_name, TMP_SUFFIX)) continue;
            long pid = strtol(de->d_name, NULL, 10);
            /* a live writer's file is left alone; a reused pid only delays the cleaning */
            if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM)) continue;
            if (unlinkat(dirfd(d), de->d_name, 0) == 0) n++;
        }
        if (d) closedir(d);
        else if (fd >= 0) close(fd);
    }
    ct_sbuf_free(&ignore);
    return n;
}

/* ---- open, close, audit ------------------------------------------------------------- */

int ct_repofs_open(ct_repofs *fs, const char *root, const char *gitdir, ct_sbuf *err)
{
    memset(fs, 0, sizeof *fs);
    fs->tmpfd = -1;
    fs->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fs->rootfd < 0) {
        ct_sbuf_add(err, "cannot open ");
        return open_error(err, root, errno);
    }
    fs->root = ct_xstrdup(root);
    fs->gitdir = gitdir ? ct_xstrdup(gitdir) : NULL;
    return 0;
}

void ct_repofs_close(ct_repofs *fs)
{
    if (fs->rootfd >= 0) close(fs->rootfd);
    if (fs->tmpfd >= 0) close(fs->tmpfd);
    free(fs->root);
    free(fs->gitdir);
    memset(fs, 0, sizeof *fs);
    fs->rootfd = fs->tmpfd = -1;
}

static size_t audit_dir(const ct_repofs *fs, const char *rel, int depth, ct_repofs_report_fn report,
                        void *ctx)
{
    size_t n = 0, found = 0;
    int *kinds = NULL;
    ct_sbuf err;
    ct_sbuf_init(&err);
    char **names = ct_repofs_list(fs, rel, &n, &kinds, &err);
    if (!names && err.len) { /* e.g. a control character in its name */
        report(ctx, rel, err.buf);
        found++;
    }
    for (size_t i = 0; i < n; i++) {
        ct_sbuf sub;
        ct_sbuf_init(&sub);
        ct_sbuf_addf(&sub, "%s/%s", rel, names[i]);
        if (kinds[i] == CT_FS_LINK) {
            report(ctx, sub.buf, "a symbolic link: credtriage refuses to read or write through it");
            found++;
        } else if (kinds[i] == CT_FS_OTHER) {
            report(ctx, sub.buf, "a special file (device, FIFO or socket): refused");
            found++;
        } else if (kinds[i] == CT_FS_DIR) {
            if (depth < AUDIT_DEPTH) found += audit_dir(fs, sub.buf, depth + 1, report, ctx);
        }
        ct_sbuf_free(&sub);
    }
    free(kinds);
    ct_strv_free(names, n);
    ct_sbuf_free(&err);
    return found;
}

size_t ct_repofs_audit(const ct_repofs *fs, ct_repofs_report_fn report, void *ctx)
{
    static const char *const tops[] = {"rules", "guides", "exceptions", "decisions"};
    size_t found = 0;
    for (size_t i = 0; i < CT_ARRAY_LEN(tops); i++) {
        int k = ct_repofs_kind(fs, tops[i]);
        if (k == CT_FS_LINK || k == CT_FS_OTHER) {
            report(ctx, tops[i], k == CT_FS_LINK ? "a symbolic link: credtriage refuses to read or "
                                                   "write through it"
                                                 : "a special file (device, FIFO or socket): refused");
            found++;
        } else if (k == CT_FS_DIR) {
            found += audit_dir(fs, tops[i], 1, report, ctx);
        }
    }
    return found;
}
