/* What the git-backed unit tests share: formatting, running shell commands,
 * and keeping the machine's git identity out of the run. Each test is one
 * translation unit, so these are static; include after <cmocka.h>. */
#ifndef CT_TESTUTIL_H
#define CT_TESTUTIL_H
#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include "util.h"

/* printf into a malloc'd string. */
static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2), unused));
static char *fmt(const char *f, ...)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    va_list ap;
    va_start(ap, f);
    ct_sbuf_vaddf(&b, f, ap);
    va_end(ap);
    char *s = ct_sbuf_detach(&b);
    ct_sbuf_free(&b); /* detach re-initialises b */
    return s;
}

/* Run a shell command; its exit status. */
static int sh(const char *f, ...) __attribute__((format(printf, 1, 2), unused));
static int sh(const char *f, ...)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    va_list ap;
    va_start(ap, f);
    ct_sbuf_vaddf(&b, f, ap);
    va_end(ap);
    int st = system(b.buf);
    ct_sbuf_free(&b);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Run a shell command; its stdout (malloc'd), stderr passed through. */
static char *out(const char *f, ...) __attribute__((format(printf, 1, 2), unused));
static char *out(const char *f, ...)
{
    ct_sbuf b, o;
    ct_sbuf_init(&b);
    ct_sbuf_init(&o);
    va_list ap;
    va_start(ap, f);
    ct_sbuf_vaddf(&b, f, ap);
    va_end(ap);
    FILE *p = popen(b.buf, "r");
    assert_non_null(p);
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, p)) > 0) ct_sbuf_addn(&o, tmp, n);
    pclose(p);
    ct_sbuf_free(&b);
    char *s = ct_sbuf_detach(&o);
    ct_sbuf_free(&o);
    return s;
}

/* No identity from the machine, for git and libgit2 alike: HOME and
 * XDG_CONFIG_HOME are the empty dir home, no system config, none of git's
 * identity or location variables, and libgit2's config search paths point at
 * home. Also initialises libgit2, held for the whole run so these settings
 * survive every ct_repo_close: pair with git_libgit2_shutdown(). */
static void tu_isolate_git(const char *home) __attribute__((unused));
static void tu_isolate_git(const char *home)
{
    setenv("HOME", home, 1);
    setenv("XDG_CONFIG_HOME", home, 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    static const char *const drop[] = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME",
                                       "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
                                       "EMAIL", "CREDTRIAGE_REPO", "XDG_DATA_HOME", "GIT_CONFIG_GLOBAL",
                                       "GIT_CONFIG_SYSTEM"};
    for (size_t i = 0; i < CT_ARRAY_LEN(drop); i++) unsetenv(drop[i]);
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, home);
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, home);
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, home);
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_PROGRAMDATA, home);
}

#endif
