/* Unit tests for src/util.c's ct_home_dir: the one rule for the home
 * directory behind every ~ (rules repo, ssh configuration, keys, signing key,
 * drafts): $HOME when absolute, else the password database, else an error.
 * And its time formatting: ct_time_fmt writes years 0000-9999 itself (no
 * gmtime_r, no snprintf); it must give exactly what gmtime_r and
 * "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" give, and what ct_time_parse reads
 * back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* the formatter as it was: gmtime_r and snprintf */
static void ref_fmt(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int frac = (int)(ms - (int64_t)t * 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    memcpy(out, tmp, 31);
    out[31] = 0;
}

static void same(int64_t ms)
{
    char a[32], b[32];
    memset(a, 'x', sizeof a);
    ct_time_fmt(ms, a);
    ref_fmt(ms, b);
    if (strcmp(a, b)) fail_msg("%lld: %s, gmtime_r gives %s", (long long)ms, a, b);
    int64_t back;
    if (ms >= -62167219200000LL && ms < 253402300800000LL) {
        assert_int_equal(ct_time_parse(a, strlen(a), &back), 0);
        assert_true(back == ms);
    }
}

static void test_fmt_exact(void **st)
{
    (void)st;
    char s[32];
    ct_time_fmt(CT_TIME_NONE, s);
    assert_string_equal(s, "-");
    ct_time_fmt(0, s);
    assert_string_equal(s, "1970-01-01T00:00:00.000Z");
    ct_time_fmt(-1, s);
    assert_string_equal(s, "1969-12-31T23:59:59.999Z");
    ct_time_fmt(1714770000123LL, s);
    assert_string_equal(s, "2024-05-03T21:00:00.123Z");
    ct_time_fmt(951782400000LL, s); /* a leap day of a year divisible by 400 */
    assert_string_equal(s, "2000-02-29T00:00:00.000Z");
    ct_time_fmt(-62167219200000LL, s);
    assert_string_equal(s, "0000-01-01T00:00:00.000Z");
    ct_time_fmt(253402300799999LL, s);
    assert_string_equal(s, "9999-12-31T23:59:59.999Z");
    /* the edges of the range, of days, of eras, month and leap boundaries */
    static const int64_t edges[] = {-62167219200000LL, -62167219199999LL, 253402300799999LL,
                                    253402300800000LL, -62167219200001LL, 0, -1, 1, 86399999, 86400000,
                                    -86400000, -86400001, 951782399999LL, 951868800000LL,
                                    4107542400000LL, -2208988800000LL, -12219292800000LL,
                                    -11676096000000LL, 32503680000000LL, INT64_C(1) << 50,
                                    -(INT64_C(1) << 50)};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) same(edges[i]);
    /* every day of 0000-0003, 1969-1972, 1999-2001 and 9997-9999, at varied times */
    static const int64_t from_days[] = {-719528, -1 - 365, 10592, 2932532 - 3 * 366};
    for (size_t k = 0; k < sizeof from_days / sizeof from_days[0]; k++)
        for (int64_t d = from_days[k]; d < from_days[k] + 4 * 366; d++)
            same(d * 86400000 + (d * 7919 % 86400000 + 86400000) % 86400000);
    /* and a spread over the whole range */
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        same(-62167219200000LL + (int64_t)(x % 315569520000000ull));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_absolute),
        cmocka_unit_test(test_home_fallback),
        cmocka_unit_test(test_home_none),
        cmocka_unit_test(test_home_env),
        cmocka_unit_test(test_fmt_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
