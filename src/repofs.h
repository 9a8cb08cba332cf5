/* repofs: every read and write inside the rules repo (rules, guides,
 * exceptions, decisions, the journal) goes through here, because the repo's
 * content is written by others (teammates, or whoever holds a teammate's
 * account) and arrives by `git pull`.
 *
 *   - A path is resolved beneath its root and never through a symbolic link:
 *     openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS),
 *     or, where the kernel lacks openat2 (ENOSYS), one O_NOFOLLOW openat per
 *     component. "..", "." and empty components are refused outright.
 *   - A read takes regular files only (fstat after an O_NONBLOCK open, so a
 *     FIFO cannot block) and refuses a file over the size limit before
 *     reading it (CREDTRIAGE_MAX_REPO_FILE, default 4 MiB).
 *   - A write creates its temporary file O_CREAT|O_EXCL|O_NOFOLLOW in a private
 *     directory (<gitdir>/credtriage/tmp), fsyncs it and renameat()s it over
 *     the target, whose parent directories are made with mkdirat beneath the
 *     root. A symlink, directory or special file at the target is refused.
 *     Temporary files of dead processes (kill -9) are removed by
 *     ct_repofs_open's cleaning.
 * Messages name the offending path, sanitized. */
#ifndef CT_REPOFS_H
#define CT_REPOFS_H
#include <stddef.h>
#include "util.h"

#define CT_REPOFS_FILE_MAX_DEFAULT ((size_t)4 << 20)

/* The largest repo file read: $CREDTRIAGE_MAX_REPO_FILE (bytes, or with a
 * k/M/G suffix), else CT_REPOFS_FILE_MAX_DEFAULT. */
size_t ct_repofs_file_max(void);
/* Parses "123", "64k", "4M", "1G" (binary units). -1 when malformed. */
int ct_repofs_parse_size(const char *s, size_t *out);

/* A root directory opened once (the root itself may be reached through a
 * symlink: it is the analyst's own setting). tmpdir: the private directory
 * for temporary files, created under gitdir on the first write; NULL gitdir
 * puts it in <root>/.git when that is a directory. */
typedef struct ct_repofs {
    int rootfd;
    int tmpfd; /* -1 until the first write */
    char *root, *gitdir;
} ct_repofs;

int ct_repofs_open(ct_repofs *fs, const char *root, const char *gitdir, ct_sbuf *err);
void ct_repofs_close(ct_repofs *fs);

/* Open rel beneath fs's root, following no symlink (errno ELOOP on one,
 * EXDEV on an escape, EINVAL on a "..", "." or empty component). */
int ct_repofs_openat(const ct_repofs *fs, const char *rel, int flags, unsigned mode);

/* What is at rel (not following a final symlink). */
enum { CT_FS_MISSING, CT_FS_FILE, CT_FS_DIR, CT_FS_LINK, CT_FS_OTHER, CT_FS_ERROR };
int ct_repofs_kind(const ct_repofs *fs, const char *rel);

/* Read the regular file rel (NUL-terminated). -1 with a message naming rel
 * appended to err, errno ENOENT when it does not exist (callers with an
 * optional file test that and may ignore the message). max 0 = the limit. */
int ct_repofs_read(const ct_repofs *fs, const char *rel, size_t max, char **out, size_t *len,
                   ct_sbuf *err);

/* Names in the directory rel (sorted, without dot files); NULL and *n = 0
 * when it is missing; NULL with a message when it is a symlink or cannot be
 * read. kinds (may be NULL) receives each entry's CT_FS_* (not followed). */
char **ct_repofs_list(const ct_repofs *fs, const char *rel, size_t *n, int **kinds,
                      ct_sbuf *err);

/* mkdir -p rel beneath the root (no component may be a symlink). */
int ct_repofs_mkdirs(const ct_repofs *fs, const char *rel, ct_sbuf *err);
/* Replace rel atomically with data (temporary file + fsync + renameat). */
int ct_repofs_write(ct_repofs *fs, const char *rel, const char *data, size_t len, ct_sbuf *err);
/* Remove the file rel (a missing one is fine), then its parents that became
 * empty, up to (not including) the root. */
int ct_repofs_remove(const ct_repofs *fs, const char *rel, ct_sbuf *err);

/* Remove temporary files whose writer process is gone; how many. */
size_t ct_repofs_clean_tmp(ct_repofs *fs);

/* Report (diag-style: file, message) every symlink and special file under the
 * top-level directories credtriage reads (rules, guides, exceptions,
 * decisions), and those directories themselves. Returns how many. */
typedef void (*ct_repofs_report_fn)(void *ctx, const char *rel, const char *msg);
size_t ct_repofs_audit(const ct_repofs *fs, ct_repofs_report_fn report, void *ctx);

/* A path relative to a root: non-empty, not absolute, no ".", ".." or
 * empty component, no control byte. 0 ok, else -1 with the reason in err. */
int ct_repofs_check_rel(const char *rel, ct_sbuf *err);
/* The same check: NULL when fine, else the reason. */
const char *ct_repofs_rel_problem(const char *rel);

#endif
