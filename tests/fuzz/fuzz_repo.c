/* fuzz_repo: a hostile rules repo (issue #15) built from the input: rules,
 * guides, exceptions and decisions with any file names, symlinks (to a secret
 * outside the repo, to its folder, to /dev/zero, to each other), FIFOs and
 * directories where files are expected. The loaders (ct_rules_load,
 * ct_exc_load, ct_decisions_load), the audit and a write (a decision through
 * ct_repofs_write) run on it. Invariants: nothing outside the repo is read
 * (the secret never appears in a loaded rule or guide) or written (the
 * outside folder keeps exactly its one file, unchanged); no read blocks (a
 * FIFO or /dev/zero would hang: libFuzzer's timeout); every link is found by
 * the audit.
 *
 * Input: entries of [kind][place][name length][name][content length][content]:
 * kind 0 file, 1 directory, 2 symlink (content picks the target), 3 FIFO;
 * place picks the folder (rules/<p>/, guides/, exceptions/<stem>/,
 * decisions/YYYY/MM/, decisions/, exceptions/, the root). */
#include <ftw.h>
#include <sys/stat.h>

#include "decisions.h"
#include "exceptions.h"
#include "fuzz_common.h"
#include "repofs.h"
#include "rules.h"

#define SECRET "CANARY-SECRET-7f3a9"

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)f;
    return flag == FTW_DP ? rmdir(p) : unlink(p);
}

static void rm_tree(const char *p)
{
    nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The harness's own planting never goes through a link it planted: each
 * folder on the way must be a real directory (made if missing), else the
 * entry is skipped. */
static int plant_dirs(const char *path)
{
    char *d = ct_xstrdup(path);
    int ok = 1;
    for (char *s = strchr(d + 1, '/'); ok && s; s = strchr(s + 1, '/')) {
        *s = 0;
        struct stat st;
        if (lstat(d, &st) < 0) ok = mkdir(d, 0700) == 0;
        else ok = S_ISDIR(st.st_mode);
        *s = '/';
    }
    free(d);
    return ok;
}

static void plant_file(const char *path, const void *data, size_t n)
{
    /* O_NONBLOCK: a FIFO of the same name planted before would block the
     * harness itself (no reader); it fails with ENXIO instead */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK, 0600);
    if (fd < 0) return; /* a directory, a link or a FIFO of the same name: skipped */
    if (write(fd, data, n) < 0) { /* nothing to do */ }
    close(fd);
}

/* The input itself may spell the secret (libFuzzer learns it from the
 * strstr below): what the harness plants never holds it, so a secret in a
 * loaded rule or guide can only have been read from outside the repo. */
static void scrub(char *s, size_t n)
{
    const size_t sl = strlen(SECRET);
    for (char *p = s; n >= sl && (p = memmem(p, n - (size_t)(p - s), SECRET, sl)); p += sl)
        *p = 'c';
}

static const char *const places[] = {"rules/aws/", "rules/azure/", "guides/", "exceptions/r/",
                                     "decisions/2026/11/", "decisions/", "exceptions/", "rules/", ""};

static size_t links;
/* what the audit names is there and is a link, a special file, or a folder
 * whose name credtriage refuses (a control character) */
static void count_link(void *ctx, const char *rel, const char *msg)
{
    (void)msg;
    char p[2048];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", (const char *)ctx, rel);
    FZ_CHECK(lstat(p, &st) == 0);
    FZ_CHECK(!S_ISREG(st.st_mode));
    FZ_CHECK(!S_ISDIR(st.st_mode) || ct_repofs_rel_problem(rel));
    links++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char root[512], out[512], p[2048], t[1200];
    snprintf(root, sizeof root, "%s/repo", fz_tmpdir());
    snprintf(out, sizeof out, "%s/outside", fz_tmpdir());
    rm_tree(root);
    rm_tree(out);
    mkdir(out, 0700);
    snprintf(p, sizeof p, "%s/credentials", out);
    fz_write(p, SECRET "\n", strlen(SECRET) + 1);
    snprintf(p, sizeof p, "%s/.git/x", root);
    fz_write(p, "", 0);
    snprintf(p, sizeof p, "%s/rules/aws/ok.json", root);
    static const char ok[] = "{\"rule_id\":\"r\",\"name\":\"n\",\"query\":\"a:b\"}\n";
    fz_write(p, ok, sizeof ok - 1);
    size_t planted = 0;
    for (size_t i = 0; i + 4 <= size;) {
        unsigned kind = data[i] % 4, place = data[i + 1] % CT_ARRAY_LEN(places), nl = data[i + 2] % 48;
        i += 3;
        if (i + nl + 1 > size) break;
        char name[64];
        size_t k = 0;
        for (size_t j = 0; j < nl; j++)
            if (data[i + j] != '/' && data[i + j] != 0) name[k++] = (char)data[i + j];
        name[k] = 0;
        scrub(name, k);
        i += nl;
        size_t cl = data[i++];
        if (i + cl > size) cl = size - i;
        char c[256];
        memcpy(c, data + i, cl);
        scrub(c, cl);
        i += cl;
        if (!k || !strcmp(name, ".") || !strcmp(name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s%s", root, places[place], name);
        if (!plant_dirs(p)) continue;
        if (kind == 0) {
            plant_file(p, c, cl);
        } else if (kind == 1) {
            mkdir(p, 0700);
        } else if (kind == 2) {
            static const char *const targets[] = {"credentials", "", "/dev/zero", "../ok.json",
                                                  ".", "../../outside/credentials"};
            unsigned which = cl ? (unsigned char)c[0] % CT_ARRAY_LEN(targets) : 0;
            if (which < 2) snprintf(t, sizeof t, "%s/%s", out, targets[which]);
            else snprintf(t, sizeof t, "%s", targets[which]);
            if (symlink(t, p) == 0) planted++;
        } else {
            if (mkfifo(p, 0600) == 0) planted++;
        }
    }
    ct_ruleset rs;
    ct_rules_load(root, &rs, fz_quiet_diag, NULL);
    for (size_t i = 0; i < rs.n; i++) {
        FZ_CHECK(!rs.v[i].guide || !strstr(rs.v[i].guide, SECRET));
        FZ_CHECK(!strstr(rs.v[i].query, SECRET));
    }
    ct_rules_free(&rs);
    ct_exc_set es;
    ct_exc_load(root, &es, fz_quiet_diag, NULL);
    ct_exc_set_free(&es);
    ct_decision_set ds;
    ct_decisions_load(root, &ds, fz_quiet_diag, NULL);
    ct_decisions_free(&ds);
    ct_repofs fs;
    ct_sbuf err;
    ct_sbuf_init(&err);
    FZ_CHECK(ct_repofs_open(&fs, root, NULL, &err) == 0);
    links = 0;
    FZ_CHECK(ct_repofs_audit(&fs, count_link, root) == links);
    static const char *const writes[] = {"decisions/2026/11/a.json", "exceptions/r/x.json",
                                         "guides/x.md", "rules/aws/ok.json"};
    for (size_t i = 0; i < CT_ARRAY_LEN(writes); i++) {
        struct stat a, b;
        snprintf(p, sizeof p, "%s/%s", root, writes[i]);
        int was_link = lstat(p, &a) == 0 && S_ISLNK(a.st_mode);
        ct_sbuf_reset(&err);
        int rc = ct_repofs_write(&fs, writes[i], "{}\n", 3, &err);
        /* a link where a file is written stays the link: refused, not replaced */
        if (was_link) FZ_CHECK(rc < 0 && lstat(p, &b) == 0 && S_ISLNK(b.st_mode) && a.st_ino == b.st_ino);
        if (rc == 0) FZ_CHECK(lstat(p, &b) == 0 && S_ISREG(b.st_mode));
    }
    ct_repofs_close(&fs);
    ct_sbuf_free(&err);
    /* outside: exactly its one file, unchanged */
    size_t n = 0;
    char **names = ct_list_dir(out, &n);
    FZ_CHECK(n == 1 && !strcmp(names[0], "credentials"));
    ct_strv_free(names, n);
    snprintf(p, sizeof p, "%s/credentials", out);
    char *sec = NULL;
    size_t sl = 0;
    FZ_CHECK(ct_read_file(p, &sec, &sl) == 0 && sl == strlen(SECRET) + 1 && !memcmp(sec, SECRET, sl - 1));
    free(sec);
    return 0;
}
