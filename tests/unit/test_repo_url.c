/* Unit tests for ct_repo_url_parse (src/gitstore_cred.c): the remote URL
 * forms git accepts, which decide the host and port checked against
 * known_hosts and the credentials asked of git's helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "gitstore.h"

static void expect(const char *url, const char *scheme, const char *user, const char *host,
                   int port, const char *path, int scp)
{
    ct_repo_url u;
    assert_int_equal(ct_repo_url_parse(url, &u), 0);
    assert_string_equal(u.scheme, scheme);
    if (user) assert_string_equal(u.user, user);
    else assert_null(u.user);
    if (host) assert_string_equal(u.host, host);
    else assert_null(u.host);
    assert_int_equal(u.port, port);
    assert_string_equal(u.path, path);
    assert_int_equal(u.scp_like, scp);
    ct_repo_url_free(&u);
}

static void test_urls(void **st)
{
    (void)st;
    expect("ssh://git@127.0.0.1:2222/srv/team.git", "ssh", "git", "127.0.0.1", 2222, "/srv/team.git", 0);
    expect("ssh://example.org/team.git", "ssh", NULL, "example.org", -1, "/team.git", 0);
    expect("git@github.com:soc/rules.git", "ssh", "git", "github.com", -1, "soc/rules.git", 1);
    expect("github.com:soc/rules.git", "ssh", NULL, "github.com", -1, "soc/rules.git", 1);
    expect("git@[::1]:soc/rules.git", "ssh", "git", "::1", -1, "soc/rules.git", 1);
    expect("ssh://git@[::1]:2200/r.git", "ssh", "git", "::1", 2200, "/r.git", 0);
    expect("HTTPS://alice:pw@git.example.org:8443/soc/rules.git", "https", "alice", "git.example.org", 8443,
           "/soc/rules.git", 0);
    expect("http://127.0.0.1:8080", "http", NULL, "127.0.0.1", 8080, "/", 0);
    expect("/srv/git/team.git", "file", NULL, NULL, -1, "/srv/git/team.git", 0);
    expect("./team:x.git", "file", NULL, NULL, -1, "./team:x.git", 0);
    expect("file:///srv/git/team.git", "file", NULL, NULL, -1, "/srv/git/team.git", 0);
}

static void test_bad(void **st)
{
    (void)st;
    ct_repo_url u;
    assert_int_equal(ct_repo_url_parse("ssh://host:99999/r.git", &u), -1);
    assert_int_equal(ct_repo_url_parse("ssh://host:22x/r.git", &u), -1);
    assert_int_equal(ct_repo_url_parse("ssh://:22/r.git", &u), -1);
    assert_int_equal(ct_repo_url_parse("ssh://[::1/r.git", &u), -1);
    assert_int_equal(ct_repo_url_parse("git@:r.git", &u), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
