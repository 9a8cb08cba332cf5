/* Shared helpers of the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
 * Harnesses run from the repo root (the shipped rules are read from "."),
 * or from $CT_FUZZ_ROOT. */
#ifndef CT_FUZZ_COMMON_H
#define CT_FUZZ_COMMON_H
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static inline void fz_quiet_diag(void *ctx, const char *file, uint64_t line, const char *msg)
{
    (void)ctx; (void)file; (void)line; (void)msg;
}

/* Die loudly: an invariant of the code under test does not hold. */
#define FZ_CHECK(cond)                                                                       \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);     \
            abort();                                                                         \
        }                                                                                    \
    } while (0)

/* A private scratch directory for the process (on tmpfs when available). */
static inline const char *fz_tmpdir(void)
{
    static char dir[256];
    if (dir[0]) return dir;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/ct-fuzz-%ld-XXXXXX", base, (long)getpid());
    if (!mkdtemp(dir)) { perror("mkdtemp"); abort(); }
    return dir;
}

/* Write bytes to path (creating parent dirs), abort on failure. */
static inline void fz_write(const char *path, const void *data, size_t n)
{
    char *dup = ct_xstrdup(path);
    char *slash = strrchr(dup, '/');
    if (slash) { *slash = 0; ct_mkdirs(dup, 0700); }
    free(dup);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) { perror(path); abort(); }
    const char *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; perror("write"); abort(); }
        p += w; n -= (size_t)w;
    }
    close(fd);
}

/* A repo-relative path is safe: no empty, "." or ".." component, not absolute. */
static inline int fz_path_safe(const char *p)
{
    if (!*p || *p == '/') return 0;
    for (;;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return 0;
        if (!p[n]) return 1;
        p += n + 1;
    }
}

/* NUL-terminated heap copy of fuzz bytes. */
static inline char *fz_strndup(const uint8_t *d, size_t n)
{
    char *s = ct_xmalloc(n + 1);
    memcpy(s, d, n);
    s[n] = 0;
    return s;
}

/* Root holding rules/ and guides/ (the shipped pack). */
static inline const char *fz_root(void)
{
    const char *r = getenv("CT_FUZZ_ROOT");
    return r && *r ? r : ".";
}

#endif
