/* What the gitstore unit tests share (test_gitstore.c, test_gitstore_log.c):
 * a temp root, a fake seed, an isolated HOME, and helpers that judge the repo
 * with the real git command. Included once per test binary. */
#ifndef CT_TEST_GITSTORE_UTIL_H
#define CT_TEST_GITSTORE_UTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gitstore.h"
#include "testutil.h"

#define ALICE "Alice Analyst <alice@example.org>"
#define BOB "Bob Builder <bob@example.org>"
#define SEED_SUBJECT "seed: shipped credtriage rules and guides"
#define SEED_A_JSON "{\n  \"name\": \"a\"\n}\n"

static char g_root[64] __attribute__((unused));  /* everything lives under here */
static char g_seed[128] __attribute__((unused)); /* fake seed_root with rules/x/a.json and guides/a.md */
static char g_home[128] __attribute__((unused)); /* empty HOME / XDG_CONFIG_HOME */
static int g_count __attribute__((unused));

/* ---- helpers ------------------------------------------------------------ */

static inline void expect_out(const char *want, const char *cmd)
{
    char *got = out("%s", cmd);
    if (strcmp(got, want) != 0) fprintf(stderr, "command: %s\n", cmd);
    assert_string_equal(got, want);
    free(got);
}

static inline void put(const char *path, const char *data)
{
    char *dir = ct_xstrdup(path);
    *strrchr(dir, '/') = 0;
    assert_int_equal(ct_mkdirs(dir, 0777), 0);
    free(dir);
    assert_int_equal(ct_write_file_atomic(path, data, strlen(data)), 0);
}

static inline char *slurp(const char *path)
{
    char *d = NULL;
    if (ct_read_file(path, &d, NULL) < 0) return NULL;
    return d;
}

/* A fresh, not yet existing directory path under the temp root. */
static inline char *new_dir(const char *what)
{
    return fmt("%s/%s%d", g_root, what, ++g_count);
}

static inline ct_repo *open_ok(const char *dir, const char *analyst)
{
    ct_repo *r = NULL;
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_repo_open(dir, g_seed, analyst, &r, &err);
    if (rc != 0) fprintf(stderr, "ct_repo_open(%s): %s\n", dir, err.buf);
    assert_int_equal(rc, 0);
    assert_non_null(r);
    ct_sbuf_free(&err);
    return r;
}

static inline int commit1(ct_repo *r, const char *path, const char *data, const char *msg,
                   const char *analyst, char oid[41], ct_sbuf *err)
{
    ct_repo_file f = { path, data, data ? strlen(data) : 0 };
    return ct_repo_commit_files(r, &f, 1, msg, analyst, oid, err);
}

static inline void commit_ok(ct_repo *r, const char *path, const char *data, const char *msg,
                      const char *analyst)
{
    ct_sbuf err;
    ct_sbuf_init(&err);
    char oid[41];
    int rc = commit1(r, path, data, msg, analyst, oid, &err);
    if (rc != 0) fprintf(stderr, "commit %s: %s\n", path, err.buf);
    assert_int_equal(rc, 0);
    assert_int_equal(strlen(oid), 40);
    ct_sbuf_free(&err);
}

static inline void fsck_ok(const char *dir)
{
    assert_int_equal(sh("git -C '%s' fsck --strict >/dev/null 2>&1", dir), 0);
}

static inline char *head_id(const char *dir)
{
    return out("git -C '%s' rev-parse HEAD", dir);
}

/* ---- setup -------------------------------------------------------------- */

static inline int group_setup(void **state)
{
    (void)state;
    strcpy(g_root, "/tmp/ct_gitstore_XXXXXX");
    if (!mkdtemp(g_root)) return -1;
    snprintf(g_seed, sizeof g_seed, "%s/seed", g_root);
    snprintf(g_home, sizeof g_home, "%s/home", g_root);
    if (ct_mkdirs(g_home, 0777) < 0) return -1;
    char *p = fmt("%s/rules/x/a.json", g_seed);
    put(p, SEED_A_JSON);
    free(p);
    p = fmt("%s/guides/a.md", g_seed);
    put(p, "# Guide a\n");
    free(p);

    tu_isolate_git(g_home);
    return 0;
}

static inline int group_teardown(void **state)
{
    (void)state;
    git_libgit2_shutdown();
    if (g_root[0]) {
        sh("chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", g_root, g_root);
    }
    return 0;
}

#endif
