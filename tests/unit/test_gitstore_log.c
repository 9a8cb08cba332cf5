/* Unit tests for src/gitstore*.c: history and show, revert, sync, judged
 * with the real git command (set-up shared with test_gitstore.c in
 * gitstore_util.h: isolated HOME and git config). */
#include "gitstore_util.h"

/* ---- tests -------------------------------------------------------------- */

static void test_history_and_show(void **state)
{
    (void)state;
    char *dir = new_dir("hist");
    ct_repo *r = open_ok(dir, ALICE);
    commit_ok(r, "rules/x/b.json", "{\"b\": 1}\n", "add b", ALICE);
    commit_ok(r, "guides/b.md", "# b\n", "guide b", BOB);
    commit_ok(r, "rules/xy/c.json", "{\"c\": 1}\n", "add c\n\nbecause reasons", ALICE);

    ct_commit_info *ci = NULL;
    size_t n = 0;
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_repo_history(r, NULL, 0, 0, &ci, &n, &err), 0);
    assert_int_equal(n, 4);
    char *head = head_id(dir);
    assert_memory_equal(ci[0].id, head, 40);
    assert_string_equal(ci[0].summary, "add c");
    assert_string_equal(ci[0].message, "add c\n\nbecause reasons\n");
    assert_string_equal(ci[0].author_name, "Alice Analyst");
    assert_string_equal(ci[0].author_email, "alice@example.org");
    assert_int_equal(ci[0].nfiles, 1);
    assert_string_equal(ci[0].files[0], "rules/xy/c.json");
    int64_t now = (int64_t)time(NULL) * 1000;
    assert_true(ci[0].time_ms <= now && ci[0].time_ms > now - 600000);
    assert_string_equal(ci[1].author_name, "Bob Builder");
    assert_string_equal(ci[3].summary, SEED_SUBJECT);
    assert_int_equal(ci[3].nfiles, 2);
    ct_commit_info_free(ci, n);

    const char *px[] = { "rules/x" };
    assert_int_equal(ct_repo_history(r, px, 1, 0, &ci, &n, &err), 0);
    assert_int_equal(n, 2); /* "add b" and the seed, not rules/xy */
    assert_string_equal(ci[0].summary, "add b");
    assert_string_equal(ci[1].summary, SEED_SUBJECT);
    ct_commit_info_free(ci, n);
    const char *pg[] = { "nothing/", "guides/" };
    assert_int_equal(ct_repo_history(r, pg, 2, 1, &ci, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(ci[0].summary, "guide b");
    ct_commit_info_free(ci, n);

    /* show: the same patch as `git show --format=` (short id accepted) */
    ct_sbuf patch;
    ct_sbuf_init(&patch);
    char shortid[8];
    memcpy(shortid, head, 7);
    shortid[7] = 0;
    assert_int_equal(ct_repo_show(r, shortid, &patch, &err), 0);
    char *want = out("git -C '%s' show --format= %s", dir, shortid);
    assert_non_null(strstr(patch.buf, "+++ b/rules/xy/c.json\n"));
    assert_non_null(strstr(patch.buf, "+{\"c\": 1}\n"));
    assert_string_equal(patch.buf, want);
    free(want);
    ct_sbuf_reset(&patch);
    assert_int_equal(ct_repo_show(r, "HEAD~3", &patch, &err), 0); /* root commit */
    assert_non_null(strstr(patch.buf, "+++ b/rules/x/a.json\n"));
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_show(r, "no-such-rev", &patch, &err), -1);
    assert_non_null(strstr(err.buf, "no-such-rev"));
    ct_sbuf_free(&patch);
    ct_sbuf_free(&err);
    ct_repo_close(r);
    free(dir), free(head);
}

static void test_revert(void **state)
{
    (void)state;
    char *dir = new_dir("revert");
    ct_repo *r = open_ok(dir, ALICE);
    commit_ok(r, "rules/x/b.json", "{\"b\": 1}\n", "exception: allow b", ALICE);
    char *bid = head_id(dir);
    bid[40] = 0;
    commit_ok(r, "rules/x/other.json", "{}\n", "other", ALICE);
    char *untracked = fmt("%s/notes.txt", dir);
    put(untracked, "scratch\n");

    ct_sbuf err;
    ct_sbuf_init(&err);
    char oid[41];
    char shortid[10];
    memcpy(shortid, bid, 9);
    shortid[9] = 0;
    int rc = ct_repo_revert(r, shortid, BOB, oid, &err);
    if (rc) fprintf(stderr, "revert: %s\n", err.buf);
    assert_int_equal(rc, 0);
    assert_int_equal(strlen(oid), 40);
    char *bpath = fmt("%s/rules/x/b.json", dir);
    assert_int_equal(access(bpath, F_OK), -1);
    char *c1 = fmt("git -C '%s' log -1 --format='%%an <%%ae>|%%B'", dir);
    char *want = fmt(BOB "|Revert \"exception: allow b\"\n\nThis reverts commit %s.\n\n", bid);
    expect_out(want, c1);
    char *c2 = fmt("git -C '%s' ls-tree -r --name-only HEAD rules/x", dir);
    expect_out("rules/x/a.json\nrules/x/other.json\n", c2);
    char *c3 = fmt("git -C '%s' status --porcelain", dir);
    expect_out("?? notes.txt\n", c3);

    /* a revert that conflicts with a later change: refused, nothing touched */
    commit_ok(r, "rules/x/c.json", "{\"v\": 1}\n", "c v1", ALICE);
    char *c1id = head_id(dir);
    c1id[40] = 0;
    commit_ok(r, "rules/x/c.json", "{\"v\": 2}\n", "c v2", ALICE);
    char *before = head_id(dir);
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_revert(r, c1id, ALICE, oid, &err), -1);
    assert_non_null(strstr(err.buf, "rules/x/c.json"));
    char *after = head_id(dir);
    assert_string_equal(before, after);
    char *cpath = fmt("%s/rules/x/c.json", dir);
    char *cdata = slurp(cpath);
    assert_string_equal(cdata, "{\"v\": 2}\n");
    expect_out("?? notes.txt\n", c3);

    /* uncommitted edits to a file the revert would change: refused */
    char *other = fmt("%s/rules/x/other.json", dir);
    put(other, "{\"local\": true}\n");
    char *otherid = out("git -C '%s' log -1 --format=%%H -- rules/x/other.json", dir);
    otherid[40] = 0;
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_revert(r, otherid, ALICE, oid, &err), -1);
    assert_non_null(strstr(err.buf, "uncommitted"));
    char *odata = slurp(other);
    assert_string_equal(odata, "{\"local\": true}\n");
    fsck_ok(dir);
    ct_repo_close(r);
    ct_sbuf_free(&err);
    free(dir), free(bid), free(untracked), free(bpath), free(c1), free(want), free(c2), free(c3);
    free(c1id), free(before), free(after), free(cpath), free(cdata), free(other), free(otherid);
    free(odata);
}

static ct_sync_report sync_ok(ct_repo *r, const char *analyst)
{
    ct_sync_report rep;
    ct_sbuf err;
    ct_sbuf_init(&err);
    int rc = ct_repo_sync(r, analyst, &rep, &err);
    if (rc) fprintf(stderr, "sync: %s\n", err.buf);
    assert_int_equal(rc, 0);
    assert_int_equal(rep.nconflicts, 0);
    ct_sbuf_free(&err);
    return rep;
}

static void test_sync(void **state)
{
    (void)state;
    char *bare = new_dir("remote.git");
    char *a = new_dir("cloneA");
    char *b = new_dir("cloneB");
    assert_int_equal(sh("git init -q --bare '%s'", bare), 0);
    ct_repo *ra = open_ok(a, ALICE);
    assert_int_equal(sh("git -C '%s' remote add origin '%s'", a, bare), 0);
    ct_sync_report rep = sync_ok(ra, ALICE); /* first push */
    assert_int_equal(rep.pushed, 1);
    ct_sync_report_free(&rep);
    assert_int_equal(sh("git clone -q '%s' '%s' 2>/dev/null", bare, b), 0);
    ct_repo *rb = open_ok(b, BOB);
    char *cnt = fmt("git -C '%s' rev-list --count HEAD", b);
    expect_out("1\n", cnt);

    /* non-conflicting divergence: replayed and pushed, both converge */
    commit_ok(ra, "rules/x/from_a.json", "{\"a\": 1}\n", "a: add", ALICE);
    char *dirty = fmt("%s/notes.txt", a);
    put(dirty, "scratch\n");
    commit_ok(rb, "rules/x/from_b.json", "{\"b\": 1}\n", "b: add", BOB);
    commit_ok(rb, "guides/b.md", "# b\n", "b: guide", BOB);
    rep = sync_ok(rb, BOB); /* only ahead */
    assert_int_equal(rep.pushed, 2);
    assert_int_equal(rep.fetched, 0);
    ct_sync_report_free(&rep);

    ct_repo_status st;
    ct_sbuf err;
    ct_sbuf_init(&err);
    assert_int_equal(ct_repo_status_get(ra, &st, &err), 0);
    assert_true(st.has_upstream);
    assert_int_equal(st.ahead, 1);
    assert_int_equal(st.behind, 0); /* not fetched yet */
    ct_repo_status_free(&st);

    rep = sync_ok(ra, ALICE); /* diverged */
    assert_int_equal(rep.fetched, 2);
    assert_int_equal(rep.rebased, 1);
    assert_int_equal(rep.pushed, 1);
    ct_sync_report_free(&rep);
    rep = sync_ok(rb, BOB); /* only behind: fast-forward */
    assert_int_equal(rep.fetched, 1);
    assert_int_equal(rep.rebased, 0);
    assert_int_equal(rep.pushed, 0);
    ct_sync_report_free(&rep);

    char *ha = head_id(a), *hb = head_id(b), *hr = out("git -C '%s' rev-parse HEAD", bare);
    assert_string_equal(ha, hb);
    assert_string_equal(ha, hr);
    char *la = fmt("git -C '%s' log --format='%%an|%%s'", a);
    expect_out("Alice Analyst|a: add\nBob Builder|b: guide\nBob Builder|b: add\nAlice Analyst|" SEED_SUBJECT "\n", la);
    char *fb = fmt("%s/rules/x/from_a.json", b), *fa = fmt("%s/rules/x/from_b.json", a);
    char *da = slurp(fa), *db = slurp(fb);
    assert_string_equal(da, "{\"b\": 1}\n");
    assert_string_equal(db, "{\"a\": 1}\n");
    char *sa = fmt("git -C '%s' status --porcelain", a), *sb = fmt("git -C '%s' status --porcelain", b);
    expect_out("?? notes.txt\n", sa);
    expect_out("", sb);
    assert_int_equal(ct_repo_status_get(ra, &st, &err), 0);
    assert_int_equal(st.ahead, 0);
    assert_int_equal(st.behind, 0);
    ct_repo_status_free(&st);
    fsck_ok(a);
    fsck_ok(b);
    fsck_ok(bare);

    /* the same file changed on both sides: refused, local left as it was */
    commit_ok(ra, "rules/x/a.json", "{\"name\": \"A\"}\n", "a: edit", ALICE);
    commit_ok(rb, "rules/x/a.json", "{\"name\": \"B\"}\n", "b: edit", BOB);
    commit_ok(rb, "rules/x/b_only.json", "{}\n", "b: more", BOB);
    ct_sync_report_free(&rep);
    rep = sync_ok(rb, BOB);
    ct_sync_report_free(&rep);
    char *before = head_id(a);
    ct_sbuf_reset(&err);
    assert_int_equal(ct_repo_sync(ra, ALICE, &rep, &err), -1);
    assert_int_equal(rep.nconflicts, 1);
    assert_string_equal(rep.conflicts[0], "rules/x/a.json");
    assert_non_null(strstr(err.buf, "rules/x/a.json"));
    ct_sync_report_free(&rep);
    char *after = head_id(a);
    assert_string_equal(before, after);
    char *aj = fmt("%s/rules/x/a.json", a);
    char *ajd = slurp(aj);
    assert_string_equal(ajd, "{\"name\": \"A\"}\n");
    char *bo = fmt("%s/rules/x/b_only.json", a);
    assert_int_equal(access(bo, F_OK), -1);
    expect_out("?? notes.txt\n", sa);
    fsck_ok(a);

    ct_repo_close(ra);
    ct_repo_close(rb);
    ct_sbuf_free(&err);
    free(bare), free(a), free(b), free(cnt), free(dirty), free(ha), free(hb), free(hr), free(la);
    free(fa), free(fb), free(da), free(db), free(sa), free(sb), free(before), free(after);
    free(aj), free(ajd), free(bo);
}

static void test_sync_without_remote(void **state)
{
    (void)state;
    char *dir = new_dir("lonely");
    ct_repo *r = open_ok(dir, ALICE);
    ct_sbuf err;
    ct_sbuf_init(&err);
    ct_sync_report rep;
    assert_int_equal(ct_repo_sync(r, ALICE, &rep, &err), -1);
    assert_non_null(strstr(err.buf, "no upstream"));
    ct_sync_report_free(&rep);
    ct_repo_close(r);
    ct_sbuf_free(&err);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_and_show),
        cmocka_unit_test(test_revert),
        cmocka_unit_test(test_sync),
        cmocka_unit_test(test_sync_without_remote),
    };
    return cmocka_run_group_tests_name("gitstore_log", tests, group_setup, group_teardown);
}
