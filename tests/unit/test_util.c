/* Unit tests for src/util.c's ct_home_dir: the one rule for the home
 * directory behind every ~ (rules repo, ssh configuration, keys, signing key,
 * drafts): $HOME when absolute, else the password database, else an error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* the password database's home of this process's user, read independently */
static const char *pw_home(void)
{
    struct passwd *pw = getpwuid(getuid());
    assert_non_null(pw);
    assert_true(pw->pw_dir[0] == '/');
    return pw->pw_dir;
}

static void expect_home(const char *home_env, const char *want)
{
    ct_sbuf out, err;
    ct_sbuf_init(&out);
    ct_sbuf_init(&err);
    ct_sbuf_add(&out, "pre:");
    assert_int_equal(ct_home_dir_of(home_env, (unsigned)getuid(), &out, &err), 0);
    assert_true(!strncmp(out.buf, "pre:", 4)); /* appended, not replaced */
    assert_string_equal(out.buf + 4, want);
    assert_string_equal(err.buf, "");
    ct_sbuf_free(&out);
    ct_sbuf_free(&err);
}

static void test_home_absolute(void **st)
{
    (void)st;
    expect_home("/srv/analyst", "/srv/analyst");
    expect_home("/", "/");
}

/* unset, empty and relative HOME all fall back to the password database: never
 * "" (a ~/x would become /x) nor "/" nor the relative value */
static void test_home_fallback(void **st)
{
    (void)st;
    char *want = strdup(pw_home());
    expect_home(NULL, want);
    expect_home("", want);
    expect_home("relative/home", want);
    expect_home("~", want);
    free(want);
}

/* no HOME and no passwd entry: an error with its reason, out untouched */
static void test_home_none(void **st)
{
    (void)st;
    unsigned uid = 3999999999u;
    if (getpwuid((uid_t)uid)) skip();
    static const struct {
        const char *home, *why;
    } cases[] = {
        {NULL, "no home directory: $HOME is not set and user id 3999999999 has no home in the password database"},
        {"", "no home directory: $HOME is empty and user id 3999999999 has no home in the password database"},
        {"rel", "no home directory: $HOME is not an absolute path and user id 3999999999 has no home in the "
                "password database"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ct_sbuf out, err;
        ct_sbuf_init(&out);
        ct_sbuf_init(&err);
        ct_sbuf_add(&out, "keep");
        assert_int_equal(ct_home_dir_of(cases[i].home, uid, &out, &err), -1);
        assert_string_equal(out.buf, "keep");
        assert_string_equal(err.buf, cases[i].why);
        assert_int_equal(ct_home_dir_of(cases[i].home, uid, &out, NULL), -1); /* err may be NULL */
        ct_sbuf_free(&out);
        ct_sbuf_free(&err);
    }
}

/* ct_home_dir reads the process's HOME */
static void test_home_env(void **st)
{
    (void)st;
    char *want = strdup(pw_home());
    const struct {
        const char *set;
        const char *want;
    } cases[] = {{"/home/from-env", "/home/from-env"}, {NULL, want}, {"", want}, {"relative", want}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].set) setenv("HOME", cases[i].set, 1);
        else unsetenv("HOME");
        ct_sbuf out;
        ct_sbuf_init(&out);
        assert_int_equal(ct_home_dir(&out, NULL), 0);
        assert_string_equal(out.buf, cases[i].want);
        ct_sbuf_free(&out);
    }
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_absolute),
        cmocka_unit_test(test_home_fallback),
        cmocka_unit_test(test_home_none),
        cmocka_unit_test(test_home_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
