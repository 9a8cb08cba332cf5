/* Unit tests for src/repofs.c: nothing is read or written through a symlink
 * or outside the root, special files and oversized files are refused with a
 * message naming them, writes go through an O_EXCL temporary file in the
 * private directory and leave no debris, a dead writer's debris is cleaned,
 * the audit names every link and special file. Each case runs twice: with
 * openat2 and with the per-component O_NOFOLLOW walk (CT_REPOFS_NO_OPENAT2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "repofs.h"
#include "testutil.h"

static char g_base[] = "/tmp/ct_repofs_XXXXXX";

static char *mkroot(const char *name)
{
    char *root = fmt("%s/%s", g_base, name);
    assert_int_equal(sh("rm -rf '%s' && mkdir -p '%s/.git' '%s/rules/aws' '%s/guides' "
                        "'%s/outside' && printf 'SECRET=1\\n' > '%s/outside/credentials'",
                        root, root, root, root, g_base, g_base), 0);
    return root;
}

static void put(const char *root, const char *rel, const char *text)
{
    char *p = fmt("%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

static void report(void *ctx, const char *rel, const char *msg)
{
    ct_sbuf_addf(ctx, "%s|%s\n", rel, strstr(msg, "symbolic link") ? "link" : "special");
}

static void run_reads(void)
{
    char *root = mkroot("reads");
    put(root, "rules/aws/a.json", "{\"a\":1}\n");
    assert_int_equal(sh("cd '%s' && ln -s '%s/outside/credentials' guides/secret.md && "
                        "ln -s /dev/zero guides/zero.md && ln -s ../../outside rules/evil && "
                        "mkfifo guides/fifo.md && ln -s %s/outside rules/abs",
                        root, g_base, g_base), 0);
    ct_repofs fs;
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_repofs_open(&fs, root, NULL, &err), 0);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(ct_repofs_read(&fs, "rules/aws/a.json", 0, &data, &len, &err), 0);
    assert_string_equal(data, "{\"a\":1}\n");
    assert_int_equal(len, 8);
    free(data);

    static const struct { const char *rel; const char *msg; int e; } bad[] = {
        { "guides/secret.md", "guides/secret.md: a symbolic link is on the path: refused (credtriage "
                              "follows no link inside the rules repo)", ELOOP },
        { "guides/zero.md", "guides/zero.md: a symbolic link is on the path: refused (credtriage "
                            "follows no link inside the rules repo)", ELOOP },
        { "rules/evil/credentials", "rules/evil/credentials: a symbolic link is on the path: refused "
                                    "(credtriage follows no link inside the rules repo)", ELOOP },
        { "rules/abs/credentials", "rules/abs/credentials: a symbolic link is on the path: refused "
                                   "(credtriage follows no link inside the rules repo)", ELOOP },
        { "guides/fifo.md", "guides/fifo.md: a FIFO, not a regular file: refused", EINVAL },
        { "rules", "rules: a directory, not a regular file: refused", EINVAL },
        { "guides/none.md", "guides/none.md: No such file or directory", ENOENT },
        { "rules/../outside/credentials", "", EINVAL },
    };
    for (size_t i = 0; i < CT_ARRAY_LEN(bad); i++) {
        ct_sbuf_reset(&err);
        data = NULL;
        assert_int_equal(ct_repofs_read(&fs, bad[i].rel, 0, &data, &len, &err), -1);
        assert_int_equal(errno, bad[i].e);
        assert_null(data);
        if (*bad[i].msg) assert_string_equal(err.buf, bad[i].msg);
    }
    /* the size limit is judged before reading */
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repofs_read(&fs, "rules/aws/a.json", 4, &data, &len, &err), -1);
    assert_int_equal(errno, EFBIG);
    assert_string_equal(err.buf, "rules/aws/a.json: 8 bytes, over the limit of 4 for a rules repo "
                                 "file (CREDTRIAGE_MAX_REPO_FILE): refused");
    /* a hostile name is named inertly */
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repofs_read(&fs, "guides/\xe2\x80\xae" "evil", 0, &data, &len, &err), -1);
    assert_string_equal(err.buf, "guides/<U+202E>evil: No such file or directory");

    /* listing: a symlinked folder is refused, kinds are not followed */
    size_t n = 0;
    int *kinds = NULL;
    char **v = ct_repofs_list(&fs, "rules", &n, &kinds, &err);
    assert_non_null(v);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], "abs");
    assert_int_equal(kinds[0], CT_FS_LINK);
    assert_string_equal(v[1], "aws");
    assert_int_equal(kinds[1], CT_FS_DIR);
    assert_string_equal(v[2], "evil");
    assert_int_equal(kinds[2], CT_FS_LINK);
    ct_strv_free(v, n);
    free(kinds);
    ct_sbuf_reset(&err);
    assert_null(ct_repofs_list(&fs, "rules/evil", &n, NULL, &err));
    assert_int_equal(n, 0);
    assert_string_equal(err.buf, "rules/evil: a symbolic link is on the path: refused (credtriage "
                                 "follows no link inside the rules repo)");
    ct_sbuf_reset(&err);
    assert_null(ct_repofs_list(&fs, "decisions", &n, NULL, &err));
    assert_string_equal(err.buf, ""); /* missing is not an error */

    /* the audit names each link and special file, nothing else */
    ct_sbuf rep;
    ct_sbuf_init(&rep);
    assert_int_equal(ct_repofs_audit(&fs, report, &rep), 5);
    assert_string_equal(rep.buf,
                        "rules/abs|link\nrules/evil|link\nguides/fifo.md|special\n"
                        "guides/secret.md|link\nguides/zero.md|link\n");
    ct_sbuf_free(&rep);
    ct_repofs_close(&fs);
    ct_sbuf_free(&err);
    free(root);
}

static void run_writes(void)
{
    char *root = mkroot("writes");
    char *victim = fmt("%s/outside/bashrc", g_base);
    put(g_base, "outside/bashrc", "# victim\n");
    /* the attack of issue 15: decision folders and temp names planted as symlinks */
    assert_int_equal(sh("cd '%s' && mkdir -p decisions && ln -s '%s/outside' decisions/2026 && "
                        "mkdir -p exceptions/r && ln -s '%s' exceptions/r/x.json.tmp.1 && "
                        "ln -s '%s' exceptions/r/link.json",
                        root, g_base, victim, victim), 0);
    ct_repofs fs;
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_repofs_open(&fs, root, NULL, &err), 0);
    assert_int_equal(ct_repofs_write(&fs, "decisions/2026/05/a.json", "{}\n", 3, &err), -1);
    assert_string_equal(err.buf, "decisions/2026: a symbolic link is on the path: refused "
                                 "(credtriage follows no link inside the rules repo)");
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repofs_write(&fs, "exceptions/r/link.json", "{}\n", 3, &err), -1);
    assert_string_equal(err.buf, "exceptions/r/link.json: a symbolic link where credtriage writes a "
                                 "file: refused");
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repofs_write(&fs, "exceptions/r/x.json", "{\"x\":1}\n", 8, &err), 0);
    assert_string_equal(err.buf, "");
    char *c = out("cat '%s/exceptions/r/x.json' '%s'; ls '%s/outside'; ls -A '%s/.git/credtriage/tmp'",
                  root, victim, g_base, root);
    assert_string_equal(c, "{\"x\":1}\n# victim\nbashrc\ncredentials\n");
    free(c);
    /* overwrite in place, then remove with the emptied folders */
    assert_int_equal(ct_repofs_write(&fs, "a/b/c.json", "1\n", 2, &err), 0);
    assert_int_equal(ct_repofs_write(&fs, "a/b/c.json", "22\n", 3, &err), 0);
    c = out("cat '%s/a/b/c.json'", root);
    assert_string_equal(c, "22\n");
    free(c);
    assert_int_equal(ct_repofs_remove(&fs, "a/b/c.json", &err), 0);
    assert_int_equal(ct_repofs_kind(&fs, "a"), CT_FS_MISSING);
    assert_int_equal(ct_repofs_remove(&fs, "a/b/c.json", &err), 0); /* missing is fine */
    /* a symlinked folder is never entered to remove */
    assert_int_equal(ct_repofs_remove(&fs, "decisions/2026/bashrc", &err), -1);
    c = out("cat '%s'", victim);
    assert_string_equal(c, "# victim\n");
    free(c);
    /* debris of a dead writer goes, a live one's stays */
    put(root, ".git/credtriage/tmp/999999999.0.00000000.tmp", "dead");
    char *live = fmt(".git/credtriage/tmp/%ld.7.00000000.tmp", (long)getpid());
    put(root, live, "live");
    assert_int_equal(ct_repofs_clean_tmp(&fs), 1);
    c = out("ls -A '%s/.git/credtriage/tmp'", root);
    char *want = fmt("%ld.7.00000000.tmp\n", (long)getpid());
    assert_string_equal(c, want);
    free(c), free(want), free(live);
    ct_repofs_close(&fs);
    ct_sbuf_free(&err);
    free(root), free(victim);
}

static void test_openat2(void **state)
{
    (void)state;
    unsetenv("CT_REPOFS_NO_OPENAT2");
    run_reads();
    run_writes();
}

static void test_walk(void **state)
{
    (void)state;
    /* the fallback is chosen once per process: a child runs it */
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        setenv("CT_REPOFS_NO_OPENAT2", "1", 1);
        run_reads();
        run_writes();
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(p, &st, 0), p);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_sizes(void **state)
{
    (void)state;
    size_t v;
    assert_int_equal(ct_repofs_parse_size("4M", &v), 0);
    assert_int_equal(v, 4u << 20);
    assert_int_equal(ct_repofs_parse_size("64k", &v), 0);
    assert_int_equal(v, 65536);
    assert_int_equal(ct_repofs_parse_size("1GiB", &v), 0);
    assert_int_equal(v, 1u << 30);
    assert_int_equal(ct_repofs_parse_size("123", &v), 0);
    assert_int_equal(v, 123);
    assert_int_equal(ct_repofs_parse_size("-1", &v), -1);
    assert_int_equal(ct_repofs_parse_size("4X", &v), -1);
    assert_int_equal(ct_repofs_parse_size("", &v), -1);
    setenv("CREDTRIAGE_MAX_REPO_FILE", "1k", 1);
    assert_int_equal(ct_repofs_file_max(), 1024);
    setenv("CREDTRIAGE_MAX_REPO_FILE", "junk", 1);
    assert_int_equal(ct_repofs_file_max(), CT_REPOFS_FILE_MAX_DEFAULT);
    unsetenv("CREDTRIAGE_MAX_REPO_FILE");
    static const char *const rel_bad[] = { "", "/etc/passwd", "..", "a/../b", "a//b", "a/", "./a",
                                           "a/\x1b]0;x" };
    for (size_t i = 0; i < CT_ARRAY_LEN(rel_bad); i++)
        assert_non_null(ct_repofs_rel_problem(rel_bad[i]));
    assert_null(ct_repofs_rel_problem("decisions/2026/05/x.json"));
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(g_base) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return sh("rm -rf '%s'", g_base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_openat2),
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_sizes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
