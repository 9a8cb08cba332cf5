/* drafts: an action form's text kept per alert and rules repo while it is
 * typed (restored when the form opens again), and $EDITOR for a long note. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sanitize.h"
#include "ui_int.h"

/* ---- drafts ---- */
/* <alert id>.<repo>.<form>.txt: the same alert id in two rules repos (two
 * tenants, a test repo) keeps two drafts; the repo part hashes its real path. */
static int draft_path(const char *alert_id, const char *form, ct_sbuf *out, int mkdir_it)
{
    const char *x = getenv("XDG_STATE_HOME");
    if (x && *x == '/') ct_sbuf_addf(out, "%s/credtriage/drafts", x);
    else if (ct_home_dir(out, NULL) == 0) ct_sbuf_add(out, "/.local/state/credtriage/drafts");
    else return -1;
    if (mkdir_it && ct_mkdirs(out->buf, 0700) < 0) return -1;
    const char *repo = ui.s.repo_dir ? ui.s.repo_dir : "";
    char *real = realpath(repo, NULL);
    const char *key = real ? real : repo;
    ct_sbuf_addc(out, '/');
    ct_san_filename(alert_id, out);
    ct_sbuf_addf(out, ".%016llx.", (unsigned long long)ct_hash64(key, strlen(key)));
    free(real);
    ct_san_filename(form, out);
    ct_sbuf_add(out, ".txt");
    return 0;
}

void ui_draft_save(const char *alert_id, const char *form, const char *text)
{
    ct_sbuf p;
    ct_sbuf_init(&p);
    if (!text || !*text) {
        ct_sbuf_free(&p);
        return;
    }
    if (draft_path(alert_id, form, &p, 1) == 0) (void)ct_write_file_atomic(p.buf, text, strlen(text));
    ct_sbuf_free(&p);
}

char *ui_draft_load(const char *alert_id, const char *form, char note[128])
{
    ct_sbuf p;
    ct_sbuf_init(&p);
    char *data = NULL;
    size_t len;
    note[0] = 0;
    if (draft_path(alert_id, form, &p, 0) == 0 && ct_read_file(p.buf, &data, &len) == 0 && !len) {
        free(data);
        data = NULL;
    }
    struct stat sb;
    if (data && stat(p.buf, &sb) == 0) {
        char t[32];
        ui_fmt_time((int64_t)sb.st_mtime * 1000, 1, t);
        snprintf(note, 128, "restored draft of %s UTC (this rules repo); Ctrl-U clears", t);
    } else if (data) snprintf(note, 128, "restored draft (this rules repo); Ctrl-U clears");
    ct_sbuf_free(&p);
    return data;
}

void ui_draft_remove(const char *alert_id, const char *form)
{
    ct_sbuf p;
    ct_sbuf_init(&p);
    if (draft_path(alert_id, form, &p, 0) == 0) unlink(p.buf);
    ct_sbuf_free(&p);
}

/* ---- $EDITOR, the way git commit does it ---- */
int ui_edit_external(ct_sbuf *text)
{
    const char *ed = getenv("VISUAL");
    if (!ed || !*ed) ed = getenv("EDITOR");
    if (!ed || !*ed) ed = "vi";
    const char *tmpdir = getenv("TMPDIR");
    ct_sbuf path;
    ct_sbuf_init(&path);
    ct_sbuf_addf(&path, "%s/credtriage-note-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(path.buf);
    if (fd < 0) {
        ct_sbuf_free(&path);
        return -1;
    }
    size_t off = 0;
    while (off < text->len) {
        ssize_t w = write(fd, text->buf + off, text->len - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    close(fd);
    def_prog_mode();
    endwin();
    int rc = -1;
    pid_t pid = fork();
    if (pid == 0) {
        setenv("CT_EDITOR", ed, 1);
        execl("/bin/sh", "sh", "-c", "$CT_EDITOR \"$1\"", "sh", path.buf, (char *)NULL);
        _exit(127);
    }
    if (pid > 0) {
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) rc = 0;
    }
    /* back from the editor: the terminal's contents are the editor's (or the
     * shell's), and its size may have changed: repaint every cell of the form */
    reset_prog_mode();
    refresh();
    clearok(curscr, TRUE);
    ui_redraw();
    if (rc == 0) {
        char *data;
        size_t len;
        if (ct_read_file(path.buf, &data, &len) == 0) {
            while (len && (data[len - 1] == '\n' || data[len - 1] == ' ')) len--;
            ct_sbuf_reset(text);
            ct_sbuf_addn(text, data, len);
            free(data);
        } else rc = -1;
    }
    unlink(path.buf);
    ct_sbuf_free(&path);
    return rc;
}
