/* Unit tests for src/sshconfig.c (OpenSSH client configuration, as
 * ssh_config(5) describes it) and for ct_repo__url_resolve (gitstore_url.c):
 * a scp-like or ssh:// remote naming a Host alias connects where ssh would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitstore_int.h"
#include "sshconfig.h"
#include "testutil.h"

static char dir[64];

static void put(const char *name, const char *text)
{
    char *p = fmt("%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

static int setup(void **st)
{
    (void)st;
    snprintf(dir, sizeof dir, "/tmp/ct-sshcfg-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char *ssh = fmt("%s/.ssh", dir);
    mkdir(ssh, 0700);
    free(ssh);
    setenv("HOME", dir, 1);
    setenv("USER", "analyst", 1);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    sh("rm -rf '%s'", dir);
    return 0;
}

static void lookup(const char *file, const char *host, ct_ssh_host *h)
{
    char *p = fmt("%s/%s", dir, file);
    const char *files[] = {p};
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_ssh_config_lookup(files, 1, host, NULL, h, &err);
    if (rc) fprintf(stderr, "%s\n", err.buf);
    assert_int_equal(rc, 0);
    ct_sbuf_free(&err);
    free(p);
}

static void test_match(void **st)
{
    (void)st;
    assert_true(ct_ssh_host_match("team", "team"));
    assert_true(ct_ssh_host_match("TEAM", "team"));
    assert_false(ct_ssh_host_match("team", "team2"));
    assert_true(ct_ssh_host_match("*.corp !bastion.corp", "git.corp"));
    assert_false(ct_ssh_host_match("*.corp !bastion.corp", "bastion.corp"));
    assert_false(ct_ssh_host_match("!bastion.corp", "git.corp")); /* a negation alone matches nothing */
    assert_true(ct_ssh_host_match("git?.corp,other", "git1.corp"));
    assert_true(ct_ssh_host_match("a b c", "c"));
    assert_true(ct_ssh_host_match("*", "anything"));
    assert_false(ct_ssh_host_match("a*b*c", "abca"));
    assert_true(ct_ssh_host_match("a*b*c", "aXbYbZc"));
}

static void test_first_wins(void **st)
{
    (void)st;
    put(".ssh/config", "# the team's server\n"
                       "Host team rules-*\n"
                       "    HostName 127.0.0.1\n"
                       "    Port=2222\n"
                       "    User git\n"
                       "    IdentityFile ~/.ssh/team_ed25519\n"
                       "    IdentityFile \"%d/keys/%r@%h\"\n"
                       "    IdentitiesOnly yes\n"
                       "    UserKnownHostsFile ~/.ssh/known_hosts.team\n"
                       "Host *\n"
                       "    Port 22\n"
                       "    User nobody\n"
                       "    HostName ignored.example\n"
                       "    IdentityFile ~/.ssh/id_all\n");
    ct_ssh_host h;
    lookup(".ssh/config", "team", &h);
    assert_string_equal(h.hostname, "127.0.0.1");
    assert_int_equal(h.port, 2222);
    assert_string_equal(h.user, "git");
    assert_int_equal(h.nidentity, 3);
    char *want0 = fmt("%s/.ssh/team_ed25519", dir), *want1 = fmt("%s/keys/git@127.0.0.1", dir),
         *want2 = fmt("%s/.ssh/id_all", dir), *kh = fmt("%s/.ssh/known_hosts.team", dir);
    assert_string_equal(h.identity[0], want0);
    assert_string_equal(h.identity[1], want1);
    assert_string_equal(h.identity[2], want2);
    assert_string_equal(h.known_hosts, kh);
    assert_int_equal(h.identities_only, 1);
    free(want0), free(want1), free(want2), free(kh);
    ct_ssh_host_free(&h);
    /* only Host * applies */
    lookup(".ssh/config", "other", &h);
    assert_string_equal(h.hostname, "ignored.example");
    assert_int_equal(h.port, 22);
    assert_string_equal(h.user, "nobody");
    assert_int_equal(h.nidentity, 1);
    assert_int_equal(h.identities_only, 0);
    assert_null(h.known_hosts);
    ct_ssh_host_free(&h);
}

/* ~ and %d follow ct_home_dir: a relative or unset HOME means the password
 * database's home (before: "rel/.ssh/k", or "/.ssh/k" from an Include's ~) */
static void test_home_rule(void **st)
{
    (void)st;
    put(".ssh/config", "Host team\n"
                       "    IdentityFile ~/.ssh/k\n"
                       "    UserKnownHostsFile %d/kh\n");
    struct passwd *pw = getpwuid(getuid());
    assert_non_null(pw);
    char *want_k = fmt("%s/.ssh/k", pw->pw_dir), *want_kh = fmt("%s/kh", pw->pw_dir);
    const char *homes[] = {"rel", "", NULL};
    for (size_t i = 0; i < 3; i++) {
        if (homes[i]) setenv("HOME", homes[i], 1);
        else unsetenv("HOME");
        ct_ssh_host h;
        lookup(".ssh/config", "team", &h);
        assert_int_equal(h.nidentity, 1);
        assert_string_equal(h.identity[0], want_k);
        assert_string_equal(h.known_hosts, want_kh);
        ct_ssh_host_free(&h);
    }
    setenv("HOME", dir, 1);
    free(want_k), free(want_kh);
}

static void test_include_and_match(void **st)
{
    (void)st;
    char *cd = fmt("%s/.ssh/conf.d", dir);
    mkdir(cd, 0700);
    free(cd);
    put(".ssh/conf.d/10-team.conf", "Host team\n  HostName %h.example.org\n  Port 2200\n");
    put(".ssh/conf.d/20-other.conf", "Host *\n  Port 9999\n  User included\n");
    put(".ssh/inc", "Include conf.d/*.conf\n"
                    "Host team\n"
                    "  Port 1\n"
                    "Match host team exec \"true\"\n"
                    "  User from-match\n"
                    "Match all\n"
                    "  User after-match-all\n");
    ct_ssh_host h;
    lookup(".ssh/inc", "team", &h);
    assert_string_equal(h.hostname, "team.example.org");
    assert_int_equal(h.port, 2200);              /* the included file came first */
    assert_string_equal(h.user, "included");     /* Host * of the included file */
    assert_int_equal(h.skipped_match, 1);
    ct_ssh_host_free(&h);
    /* a missing file is no error; an unbalanced quote is, naming file and line */
    lookup(".ssh/none", "team", &h);
    assert_null(h.hostname);
    assert_int_equal(h.port, -1);
    ct_ssh_host_free(&h);
    put(".ssh/bad", "Host team\n  HostName \"x\n");
    char *p = fmt("%s/.ssh/bad", dir);
    const char *files[] = {p};
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_ssh_config_lookup(files, 1, "team", NULL, &h, &err), -1);
    char *want = fmt("%s:2: unbalanced quotes", p);
    assert_string_equal(err.buf, want);
    free(want);
    ct_sbuf_reset(&err);
    put(".ssh/bad", "Host team\n  Port 70000\n");
    assert_int_equal(ct_ssh_config_lookup(files, 1, "team", NULL, &h, &err), -1);
    want = fmt("%s:2: bad Port value", p);
    assert_string_equal(err.buf, want);
    free(want);
    ct_sbuf_free(&err);
    free(p);
}

static void resolve(const char *url, const char *want_url, const char *host, int port, const char *user)
{
    ct_repo_url u;
    ct_ssh_host h;
    char *conn = NULL;
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_repo_url_parse(url, &u), 0);
    assert_int_equal(ct_repo__url_resolve(url, &u, &h, &conn, &err), 0);
    assert_string_equal(conn, want_url);
    assert_string_equal(u.host, host);
    assert_int_equal(u.port, port);
    if (user) assert_string_equal(u.user, user);
    else assert_null(u.user);
    free(conn);
    ct_ssh_host_free(&h);
    ct_repo_url_free(&u);
    ct_sbuf_free(&err);
}

static void test_resolve(void **st)
{
    (void)st;
    put(".ssh/config", "Host team\n  HostName 127.0.0.1\n  Port 42022\n"
                       "Host gl-work\n  HostName gitlab.example.org\n  User git\n");
    resolve("team:/srv/team.git", "ssh://127.0.0.1:42022/srv/team.git", "127.0.0.1", 42022, NULL);
    resolve("alice@team:rules.git", "ssh://alice@127.0.0.1:42022/~/rules.git", "127.0.0.1", 42022, "alice");
    resolve("team:~/rules.git", "ssh://127.0.0.1:42022/~/rules.git", "127.0.0.1", 42022, NULL);
    resolve("ssh://team:2222/r.git", "ssh://127.0.0.1:2222/r.git", "127.0.0.1", 2222, NULL); /* the URL's port wins */
    resolve("gl-work:soc/rules.git", "ssh://git@gitlab.example.org/~/soc/rules.git", "gitlab.example.org", -1, "git");
    /* nothing in the configuration for it: the URL as it is */
    resolve("git@elsewhere.example:soc/rules.git", "git@elsewhere.example:soc/rules.git", "elsewhere.example", -1, "git");
    resolve("https://team/r.git", "https://team/r.git", "team", -1, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test_setup_teardown(test_first_wins, setup, teardown),
        cmocka_unit_test_setup_teardown(test_home_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_include_and_match, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolve, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
