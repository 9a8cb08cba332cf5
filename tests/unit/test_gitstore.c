/* Unit tests for src/gitstore*.c: open, seed, identity, commit, locks and
 * recovery, judged with the real git command (history, revert and sync are
 * in test_gitstore_log.c; the shared set-up in gitstore_util.h).
 *
 * The process runs with HOME and XDG_CONFIG_HOME pointing at an empty temp
 * dir, GIT_CONFIG_NOSYSTEM=1, and libgit2's config search paths pointed at
 * that same dir, so neither git nor libgit2 sees the machine's identity:
 * every identity comes from --analyst or from a repo's own config.
 *
 * The read-only repo case is skipped as root (chmod does not stop root). */
#include "gitstore_util.h"

/* ---- tests -------------------------------------------------------------- */

static void test_default_dir(void **state)
{
    (void)state;
    ct_sbuf b;
    ct_sbuf_init(&b);
    setenv("CREDTRIAGE_REPO", "/srv/rules", 1);
    setenv("XDG_DATA_HOME", "/xdg", 1);
    assert_int_equal(ct_repo_default_dir(&b), 0);
    assert_string_equal(b.buf, "/srv/rules");
    unsetenv("CREDTRIAGE_REPO");
    ct_sbuf_reset(&b);
    assert_int_equal(ct_repo_default_dir(&b), 0);
    assert_string_equal(b.buf, "/xdg/credtriage/rules");
    unsetenv("XDG_DATA_HOME");
    ct_sbuf_reset(&b);
    assert_int_equal(ct_repo_default_dir(&b), 0);
    char *want = fmt("%s/.local/share/credtriage/rules", g_home);
    assert_string_equal(b.buf, want);
    free(want);
    ct_sbuf_free(&b);
}

static void test_seed_new_and_reopen(void **state)
{
    (void)state;
    char *dir = new_dir("deep/new/");
    ct_repo *r = open_ok(dir, ALICE);
    const char *wd = ct_repo_workdir(r);
    assert_non_null(wd);
    assert_true(wd[strlen(wd) - 1] == '/');
    ct_repo_close(r);

    char *cmd = fmt("git -C '%s' log --format='%%an <%%ae>|%%s'", dir);
    expect_out(ALICE "|" SEED_SUBJECT "\n", cmd);
    char *c2 = fmt("git -C '%s' show HEAD:rules/x/a.json", dir);
    expect_out(SEED_A_JSON, c2);
    char *c3 = fmt("git -C '%s' show HEAD:guides/a.md", dir);
    expect_out("# Guide a\n", c3);
    char *c4 = fmt("git -C '%s' status --porcelain", dir);
    expect_out("", c4);
    char *c5 = fmt("git -C '%s' cat-file commit HEAD | tail -n 2", dir);
    expect_out("\n" SEED_SUBJECT "\n", c5); /* exactly one newline at the end */
    fsck_ok(dir);

    /* an existing repo with commits and rules/ is used as it is */
    r = open_ok(dir, BOB);
    ct_repo_close(r);
    expect_out(ALICE "|" SEED_SUBJECT "\n", cmd);
    free(cmd), free(c2), free(c3), free(c4), free(c5);
    free(dir);
}

static void test_seed_empty_dir_unborn_and_no_rules(void **state)
{
    (void)state;
    /* an empty directory */
    char *d1 = new_dir("empty");
    assert_int_equal(mkdir(d1, 0777), 0);
    ct_repo_close(open_ok(d1, ALICE));
    char *c1 = fmt("git -C '%s' log --format=%%s", d1);
    expect_out(SEED_SUBJECT "\n", c1);

    /* git init, no commit yet */
    char *d2 = new_dir("unborn");
    assert_int_equal(sh("git init -q '%s'", d2), 0);
    ct_repo_close(open_ok(d2, ALICE));
    char *c2 = fmt("git -C '%s' log --format=%%s", d2);
    expect_out(SEED_SUBJECT "\n", c2);
    fsck_ok(d2);

    /* commits, but no rules/ */
    char *d3 = new_dir("norules");
    assert_int_equal(sh("git init -q '%s' && echo hi > '%s/README' && git -C '%s' add README && "
                        "git -C '%s' -c user.name=X -c user.email=x@e.org commit -qm readme",
                        d3, d3, d3, d3), 0);
    ct_repo_close(open_ok(d3, ALICE));
    char *c3 = fmt("git -C '%s' log --format=%%s", d3);
    expect_out(SEED_SUBJECT "\nreadme\n", c3);
    char *c3b = fmt("git -C '%s' show HEAD:README", d3);
    expect_out("hi\n", c3b);

    /* a non-empty directory that is no repo is not taken over */
    char *d4 = new_dir("stuff");
    char *f4 = fmt("%s/keep.txt", d4);
    put(f4, "mine\n");
    ct_repo *r = NULL;
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_repo_open(d4, g_seed, ALICE, &r, &err), -1);
    assert_null(r);
    assert_non_null(strstr(err.buf, "not a git repository"));
    ct_sbuf_free(&err);
    free(d1), free(d2), free(d3), free(d4), free(f4);
    free(c1), free(c2), free(c3), free(c3b);
}

static void test_identity(void **state)
{
    (void)state;
    char *dir = new_dir("ident");
    ct_repo *r = open_ok(dir, ALICE);
    ct_sbuf err;
    ct_sbuf_init(&err);
    char *n = NULL, *e = NULL;

    assert_int_equal(ct_repo_identity(r, "  Dana Doe   <dana@example.org> ", &n, &e, &err), 0);
    assert_string_equal(n, "Dana Doe");
    assert_string_equal(e, "dana@example.org");
    free(n), free(e);
    const char *bad[] = { "Dana", "<dana@example.org>", "Dana <nope>", "Dana <a@b> junk",
                          "Da\nna <a@b.org>", "Dana <a b@c.org>", "Dana <<a@b.org>>" };
    for (size_t i = 0; i < CT_ARRAY_LEN(bad); i++) {
        ct_sbuf_reset(&err);
        assert_int_equal(ct_repo_identity(r, bad[i], &n, &e, &err), -1);
        assert_null(n);
        assert_non_null(strstr(err.buf, "invalid analyst identity"));
    }

    /* nothing configured anywhere (HOME is empty, system config off) */
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_identity(r, NULL, &n, &e, &err), -1);
    assert_string_equal(err.buf, "no analyst identity: set git config user.name and "
                                 "user.email, or pass --analyst 'Name <email>'");
    ct_sbuf_reset(&err);
    char oid[41];
    assert_int_equal(commit1(r, "rules/x/n.json", "{}\n", "no one", NULL, oid, &err), -1);
    assert_non_null(strstr(err.buf, "no analyst identity"));
    char *nf = fmt("%s/rules/x/n.json", dir);
    assert_int_equal(access(nf, F_OK), -1); /* nothing written */

    /* from the repo's config */
    assert_int_equal(sh("git -C '%s' config user.name 'Carol Config' && "
                        "git -C '%s' config user.email carol@example.org", dir, dir), 0);
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_identity(r, NULL, &n, &e, &err), 0);
    assert_string_equal(n, "Carol Config");
    assert_string_equal(e, "carol@example.org");
    free(n), free(e);
    commit_ok(r, "rules/x/n.json", "{}\n", "by config", NULL);
    char *cmd = fmt("git -C '%s' log -1 --format='%%an <%%ae>|%%cn <%%ce>|%%s'", dir);
    expect_out("Carol Config <carol@example.org>|Carol Config <carol@example.org>|by config\n", cmd);
    /* --analyst wins over config */
    commit_ok(r, "rules/x/n.json", "{\"v\": 2}\n", "by analyst", BOB);
    expect_out(BOB "|" BOB "|by analyst\n", cmd);

    /* C1, bidi and invisible characters are refused, never committed: in
     * --analyst, then in git config (both name and email) */
    static const struct { const char *in, *shown; } hidden[] = {
        { "Eve\xc2\x9b" "31m <eve@example.org>", "Eve<U+009B>31m <eve@example.org>" },
        { "Eve \xe2\x80\xae" "nimda <eve@example.org>", "Eve <U+202E>nimda <eve@example.org>" },
        { "Ev\xcd\x8f" "e <eve@example.org>", "Ev<U+034F>e <eve@example.org>" },
        { "Eve <eve\xe2\x80\x8b@example.org>", "Eve <eve<U+200B>@example.org>" },
        { "Eve\x1b]0;x\x07 <eve@example.org>", "Eve\\x1b]0;x\\x07 <eve@example.org>" },
        { "Eve\xff <eve@example.org>", "Eve\\xff <eve@example.org>" },
    };
    for (size_t i = 0; i < CT_ARRAY_LEN(hidden); i++) {
        ct_sbuf_reset(&err);
        assert_int_equal(ct_repo_identity(r, hidden[i].in, &n, &e, &err), -1);
        assert_null(n);
        char *want = fmt("invalid analyst identity \"%s\": it holds control, bidi, invisible or "
                         "format characters or invalid UTF-8 (shown escaped); use plain text", hidden[i].shown);
        assert_string_equal(err.buf, want);
        free(want);
    }
    /* an emoji is plain text */
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_identity(r, "Dana \xe2\x9d\xa4\xef\xb8\x8f <dana@example.org>", &n, &e, &err), 0);
    assert_string_equal(n, "Dana \xe2\x9d\xa4\xef\xb8\x8f");
    free(n), free(e);
    assert_int_equal(sh("git -C '%s' config user.name \"$(printf 'Mallory\\342\\200\\256x')\"", dir), 0);
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_identity(r, NULL, &n, &e, &err), -1);
    assert_null(n);
    assert_string_equal(err.buf, "invalid git config user.name \"Mallory<U+202E>x\": it holds control, bidi, "
                                 "invisible or format characters or invalid UTF-8 (shown escaped); use plain text");
    assert_int_equal(sh("git -C '%s' config user.name 'Carol Config' && git -C '%s' config user.email "
                        "\"$(printf 'carol\\302\\205@example.org')\"", dir, dir), 0);
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_identity(r, NULL, &n, &e, &err), -1);
    assert_string_equal(err.buf, "invalid git config user.email \"carol<U+0085>@example.org\": it holds control, "
                                 "bidi, invisible or format characters or invalid UTF-8 (shown escaped); use plain text");
    ct_sbuf_reset(&err);
    assert_int_equal(commit1(r, "rules/x/n.json", "{}\n", "by mallory", NULL, oid, &err), -1);
    expect_out(BOB "|" BOB "|by analyst\n", cmd); /* nothing committed */
    ct_repo_close(r);

    /* a new repo cannot be seeded by no one */
    char *d2 = new_dir("noident");
    ct_sbuf_reset(&err);
    r = NULL;
    assert_int_equal(ct_repo_open(d2, g_seed, NULL, &r, &err), -1);
    assert_null(r);
    assert_non_null(strstr(err.buf, "no analyst identity"));
    ct_sbuf_free(&err);
    free(dir), free(d2), free(nf), free(cmd);
}

static void test_commit_leaves_other_changes(void **state)
{
    (void)state;
    char *dir = new_dir("dirty");
    ct_repo *r = open_ok(dir, ALICE);
    /* a modified tracked file, a staged new file, an untracked file */
    char *guide = fmt("%s/guides/a.md", dir), *staged = fmt("%s/staged.txt", dir),
         *untracked = fmt("%s/notes.txt", dir);
    put(guide, "# Guide a\nlocal edit\n");
    put(staged, "staged\n");
    put(untracked, "scratch\n");
    assert_int_equal(sh("git -C '%s' add staged.txt", dir), 0);

    commit_ok(r, "rules/x/b.json", "{\"b\": 1}\n", "exception: allow b", ALICE);
    char *c1 = fmt("git -C '%s' log --format='%%an <%%ae>|%%s'", dir);
    expect_out(ALICE "|exception: allow b\n" ALICE "|" SEED_SUBJECT "\n", c1);
    char *c2 = fmt("git -C '%s' show --name-only --format= HEAD", dir);
    expect_out("rules/x/b.json\n", c2);
    char *c3 = fmt("git -C '%s' status --porcelain", dir);
    expect_out(" M guides/a.md\nA  staged.txt\n?? notes.txt\n", c3);
    char *c4 = fmt("git -C '%s' show HEAD:rules/x/b.json", dir);
    expect_out("{\"b\": 1}\n", c4);

    /* several files, one a delete, in nested new directories */
    ct_repo_file fs[] = { { "rules/y/z/c.json", "{}\n", 3 }, { "rules/x/b.json", NULL, 0 } };
    char oid[41];
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_repo_commit_files(r, fs, 2, "two at once\n", ALICE, oid, &err), 0);
    char *c5 = fmt("git -C '%s' show --name-status --format=%%s HEAD", dir);
    expect_out("two at once\n\nD\trules/x/b.json\nA\trules/y/z/c.json\n", c5);
    char *bpath = fmt("%s/rules/x/b.json", dir);
    assert_int_equal(access(bpath, F_OK), -1);

    /* nothing changed: no commit */
    char *before = head_id(dir);
    assert_int_equal(ct_repo_commit_files(r, fs, 2, "again", ALICE, oid, &err), 0);
    assert_string_equal(oid, "");
    char *after = head_id(dir);
    assert_string_equal(before, after);
    expect_out(" M guides/a.md\nA  staged.txt\n?? notes.txt\n", c3);

    /* paths that must never be written */
    const char *bad[] = { "../evil", "/etc/passwd", ".git/config", "rules/../../x", "rules//x",
                          "rules/x/", "", "a/.GIT/b", "rules/\nx" };
    for (size_t i = 0; i < CT_ARRAY_LEN(bad); i++) {
        ct_sbuf_reset(&err);
        assert_int_equal(commit1(r, bad[i], "x", "bad", ALICE, oid, &err), -1);
        assert_non_null(strstr(err.buf, "refusing to write path"));
    }
    ct_sbuf_reset(&err);
    assert_int_equal(commit1(r, "rules/ok.json", "x", "", ALICE, oid, &err), -1);
    fsck_ok(dir);
    ct_repo_close(r);
    ct_sbuf_free(&err);
    free(dir), free(guide), free(staged), free(untracked), free(bpath), free(before), free(after);
    free(c1), free(c2), free(c3), free(c4), free(c5);
}

static void test_detached_refused(void **state)
{
    (void)state;
    char *dir = new_dir("detached");
    ct_repo *r = open_ok(dir, ALICE);
    commit_ok(r, "rules/x/one.json", "1\n", "one", ALICE);
    assert_int_equal(sh("git -C '%s' checkout -q --detach HEAD~1", dir), 0);
    ct_sbuf err;
    ct_sbuf_init(&err);
    char oid[41];
    assert_int_equal(commit1(r, "rules/x/two.json", "2\n", "two", ALICE, oid, &err), -1);
    assert_non_null(strstr(err.buf, "detached"));
    char *two = fmt("%s/rules/x/two.json", dir);
    assert_int_equal(access(two, F_OK), -1);
    ct_repo_status st;
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_status_get(r, &st, &err), 0);
    assert_true(st.detached);
    assert_null(st.branch);
    ct_repo_status_free(&st);
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_sync(r, ALICE, NULL, &err), -1);
    assert_non_null(strstr(err.buf, "detached"));

    assert_int_equal(sh("git -C '%s' checkout -q -", dir), 0);
    commit_ok(r, "rules/x/two.json", "2\n", "two", ALICE);
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_status_get(r, &st, &err), 0);
    assert_false(st.detached);
    assert_non_null(st.branch);
    assert_false(st.has_upstream);
    ct_repo_status_free(&st);
    ct_repo_close(r);
    ct_sbuf_free(&err);
    free(dir), free(two);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_index_lock(void **state)
{
    (void)state;
    char *dir = new_dir("ilock");
    ct_repo *r = open_ok(dir, ALICE);
    char *lock = fmt("%s/.git/index.lock", dir);
    put(lock, "");
    ct_sbuf err;
    ct_sbuf_init(&err);
    char oid[41];
    int64_t t0 = now_ms();
    assert_int_equal(commit1(r, "rules/x/l.json", "1\n", "locked", ALICE, oid, &err), -1);
    int64_t waited = now_ms() - t0;
    assert_true(waited >= 1900 && waited < 5000);
    assert_non_null(strstr(err.buf, "index.lock"));
    char *cnt = fmt("git -C '%s' rev-list --count HEAD", dir);
    expect_out("1\n", cnt);
    assert_int_equal(unlink(lock), 0);
    commit_ok(r, "rules/x/l.json", "1\n", "unlocked", ALICE);
    expect_out("2\n", cnt);
    char *st = fmt("git -C '%s' status --porcelain", dir);
    expect_out("", st);
    ct_repo_close(r);
    ct_sbuf_free(&err);
    free(dir), free(lock), free(cnt), free(st);
}

#define PER_CHILD 50

static void test_concurrent_commits(void **state)
{
    (void)state;
    char *dir = new_dir("conc");
    ct_repo_close(open_ok(dir, ALICE));
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        pid_t p = fork();
        assert_true(p >= 0);
        if (p == 0) {
            int bad = 0;
            ct_repo *r = NULL;
            ct_sbuf err;
            ct_sbuf_init(&err);
            if (ct_repo_open(dir, g_seed, ALICE, &r, &err) < 0) _exit(2);
            for (int i = 0; i < PER_CHILD && !bad; i++) {
                char path[64], data[64], msg[64], oid[41];
                snprintf(path, sizeof path, "rules/c%d/f%02d.json", k, i);
                snprintf(data, sizeof data, "{\"k\": %d, \"i\": %d}\n", k, i);
                snprintf(msg, sizeof msg, "child %d file %d", k, i);
                if (commit1(r, path, data, msg, k ? BOB : ALICE, oid, &err) < 0 || !oid[0]) {
                    fprintf(stderr, "child %d: %s\n", k, err.buf);
                    bad = 1;
                }
            }
            ct_repo_close(r);
            ct_sbuf_free(&err);
            free(dir);
            _exit(bad);
        }
        kids[k] = p;
    }
    for (int k = 0; k < 2; k++) {
        int st;
        assert_int_equal(waitpid(kids[k], &st, 0), kids[k]);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
    }
    char *c1 = fmt("git -C '%s' rev-list --count HEAD", dir);
    expect_out("101\n", c1);
    char *c2 = fmt("git -C '%s' ls-tree -r --name-only HEAD rules/c0 rules/c1 | wc -l", dir);
    char *n = out("%s", c2);
    assert_int_equal(atoi(n), 2 * PER_CHILD);
    char *c3 = fmt("git -C '%s' status --porcelain", dir);
    expect_out("", c3);
    char *c4 = fmt("git -C '%s' log --format=%%an | sort | uniq -c | awk '{print $1}' | sort -n", dir);
    expect_out("50\n51\n", c4);
    fsck_ok(dir);
    free(dir), free(c1), free(c2), free(c3), free(c4), free(n);
}

/* A child that dies (_exit 99) inside a commit at the step named (gitstore's
 * CT_GITSTORE_TEST_CRASH_AT hook). */
static void crash_child(const char *dir, const char *step)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        ct_repo *r = NULL;
        ct_sbuf err;
        ct_sbuf_init(&err);
        if (ct_repo_open(dir, g_seed, ALICE, &r, &err) < 0) _exit(2);
        setenv("CT_GITSTORE_TEST_CRASH_AT", step, 1);
        ct_repo_file fs[] = { { "rules/x/new.json", "{\"new\": 1}\n", 11 },
                              { "rules/x/a.json", NULL, 0 } };
        char oid[41];
        ct_repo_commit_files(r, fs, 2, "the interrupted decision\n\nits reason", ALICE, oid, &err);
        _exit(3); /* not reached: the hook exits with 99 */
    }
    int st;
    assert_int_equal(waitpid(p, &st, 0), p);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 99);
}

static void test_crash_recovery(void **state)
{
    (void)state;
    /* killed before the commit: nothing of it anywhere, before or after recovery,
     * and recovery commits nothing */
    char *dir = new_dir("crash-prepare");
    ct_repo_close(open_ok(dir, ALICE));
    crash_child(dir, "prepare");
    char *journal = fmt("%s/.git/credtriage-journal", dir);
    assert_int_equal(access(journal, F_OK), 0);
    char *c1 = fmt("git -C '%s' rev-list --count HEAD", dir);
    expect_out("1\n", c1);
    char *st = fmt("git -C '%s' status --porcelain", dir);
    expect_out("", st);
    ct_repo *ro = open_ok(dir, NULL); /* no identity needed: recovery commits nothing */
    assert_null(ct_repo_warning(ro));
    ct_repo_close(ro);
    assert_int_equal(access(journal, F_OK), -1);
    expect_out("1\n", c1);
    expect_out("", st);
    char *tmp = fmt("ls -A '%s/.git/credtriage/tmp' | wc -l", dir);
    expect_out("0\n", tmp);
    fsck_ok(dir);
    free(dir), free(journal), free(c1), free(st), free(tmp);

    /* killed after the commit, before the work tree was written or staged:
     * the commit stands with its author and message, recovery brings the work
     * tree and the index to it */
    static const char *const after[] = { "commit", "write", "stage" };
    for (size_t k = 0; k < CT_ARRAY_LEN(after); k++) {
        dir = new_dir(after[k]);
        ct_repo_close(open_ok(dir, ALICE));
        crash_child(dir, after[k]);
        journal = fmt("%s/.git/credtriage-journal", dir);
        assert_int_equal(access(journal, F_OK), 0);
        c1 = fmt("git -C '%s' log -1 --format='%%an|%%B'", dir);
        expect_out("Alice Analyst|the interrupted decision\n\nits reason\n\n", c1);
        /* a write killed while staging also leaves git's lock files; nobody
         * holds them open, so recovery removes them instead of waiting */
        char *ilock = fmt("%s/.git/index.lock", dir);
        char *hlock = fmt("%s/.git/refs/heads/master.lock", dir);
        FILE *lf = fopen(ilock, "w");
        fclose(lf);
        lf = fopen(hlock, "w");
        fclose(lf);
        ct_repo *r = open_ok(dir, NULL); /* recovery */
        assert_null(ct_repo_warning(r));
        ct_repo_close(r);
        assert_int_equal(access(ilock, F_OK), -1);
        assert_int_equal(access(hlock, F_OK), -1);
        assert_int_equal(access(journal, F_OK), -1);
        char *c2 = fmt("git -C '%s' rev-list --count HEAD", dir);
        expect_out("2\n", c2);
        char *c3 = fmt("cat '%s/rules/x/new.json'; test -e '%s/rules/x/a.json' || echo gone", dir, dir);
        expect_out("{\"new\": 1}\ngone\n", c3);
        st = fmt("git -C '%s' status --porcelain", dir);
        expect_out("", st);
        fsck_ok(dir);
        free(ilock), free(hlock), free(dir), free(journal), free(c1), free(c2), free(c3), free(st);
    }
}

static void test_read_only(void **state)
{
    (void)state;
    if (geteuid() == 0) skip(); /* root writes through a-w; nothing to test */
    char *dir = new_dir("ro");
    ct_repo_close(open_ok(dir, ALICE));
    assert_int_equal(sh("chmod -R a-w '%s'", dir), 0);
    ct_repo *r = open_ok(dir, ALICE); /* reading still works */
    ct_commit_info *ci;
    size_t n;
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_repo_history(r, NULL, 0, 0, &ci, &n, &err), 0);
    assert_int_equal(n, 1);
    ct_commit_info_free(ci, n);
    char oid[41];
    assert_int_equal(commit1(r, "rules/x/ro.json", "{}\n", "ro", ALICE, oid, &err), -1);
    assert_non_null(strstr(err.buf, "read-only"));
    ct_repo_close(r);
    assert_int_equal(sh("chmod -R u+w '%s'", dir), 0);
    char *cnt = fmt("git -C '%s' rev-list --count HEAD", dir);
    expect_out("1\n", cnt);
    ct_sbuf_free(&err);
    free(dir), free(cnt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_dir),
        cmocka_unit_test(test_seed_new_and_reopen),
        cmocka_unit_test(test_seed_empty_dir_unborn_and_no_rules),
        cmocka_unit_test(test_identity),
        cmocka_unit_test(test_commit_leaves_other_changes),
        cmocka_unit_test(test_detached_refused),
        cmocka_unit_test(test_index_lock),
        cmocka_unit_test(test_concurrent_commits),
        cmocka_unit_test(test_crash_recovery),
        cmocka_unit_test(test_read_only),
    };
    return cmocka_run_group_tests_name("gitstore", tests, group_setup, group_teardown);
}
