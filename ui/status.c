/* ui status: the console's bottom line: the rules repo's branch, ahead/behind
 * its upstream, the analyst identity and the last message. */
#include <stdlib.h>
#include <string.h>
#include "sanitize.h"
#include "ui_int.h"

void ui_status_update(void)
{
    free(ui.branch);
    ui.branch = NULL;
    ui.has_upstream = 0;
    ui.ahead = ui.behind = 0;
    if (!ui.session_ok || !ui.s.repo) return;
    ct_repo_status st;
    ct_sbuf err;
    ct_sbuf_init(&err);
    memset(&st, 0, sizeof st);
    if (ct_repo_status_get(ui.s.repo, &st, &err) == 0) {
        ui.branch = ct_xstrdup(st.branch ? st.branch : "(detached)");
        ui.has_upstream = st.has_upstream;
        ui.ahead = st.ahead;
        ui.behind = st.behind;
        ct_repo_status_free(&st);
    }
    if (!ui.identity) {
        char *name = NULL, *email = NULL;
        ct_sbuf_reset(&err);
        if (ct_repo_identity(ui.s.repo, ui.s.analyst, &name, &email, &err) == 0) {
            ct_sbuf b;
            ct_sbuf_init(&b);
            ct_sbuf_addf(&b, "%s <%s>", name, email);
            ui.identity = ct_sbuf_detach(&b);
            ct_sbuf_free(&b);
        } else {
            ui.identity = ct_xstrdup("no identity: use --analyst");
        }
        free(name);
        free(email);
    }
    ct_sbuf_free(&err);
}

void ui_status_draw(int y, int w)
{
    ct_sbuf path, br, r, l;
    ct_sbuf_init(&path);
    ct_sbuf_init(&br);
    ct_sbuf_init(&r);
    ct_sbuf_init(&l);
    const char *dir = ui.s.repo_dir;
    ct_sbuf home;
    ct_sbuf_init(&home);
    if (dir && ct_home_dir(&home, NULL) == 0 && !strncmp(dir, home.buf, home.len) && dir[home.len] == '/')
        ct_sbuf_addf(&path, "~%s", dir + home.len);
    else ct_sbuf_add(&path, dir ? dir : "(no repo)");
    ct_sbuf_free(&home);
    if (ui.s.repo && ui.branch) {
        ct_sbuf_addf(&br, " [%s", ui.branch);
        if (ui.has_upstream) {
            if (ui.utf8) ct_sbuf_addf(&br, " \u2191%zu \u2193%zu", ui.ahead, ui.behind);
            else ct_sbuf_addf(&br, " +%zu/-%zu", ui.ahead, ui.behind);
        }
        ct_sbuf_addc(&br, ']');
    } else if (ui.session_ok && !ui.s.repo) {
        ct_sbuf_add(&br, " (shipped rules, read-only)");
    }
    if (ui.progress[0]) {
        ct_sbuf_addf(&r, "%s ", ui.progress);
    } else if (ui.session_ok) {
        /* counted again when statuses changed (ui.gen), not on every frame (230k alerts) */
        static size_t c[CT_STATUS__COUNT], counted_n = SIZE_MAX;
        static unsigned counted_gen;
        if (counted_n != ui.s.alerts.n || counted_gen != ui.gen) {
            memset(c, 0, sizeof c);
            for (size_t i = 0; i < ui.s.alerts.n; i++)
                if ((unsigned)ui.s.alerts.v[i].status < CT_STATUS__COUNT) c[ui.s.alerts.v[i].status]++;
            counted_n = ui.s.alerts.n;
            counted_gen = ui.gen;
        }
        ct_sbuf_addf(&r, "open %zu  ack %zu  closed %zu  supp %zu ", c[CT_STATUS_OPEN],
                     c[CT_STATUS_ACKNOWLEDGED], c[CT_STATUS_FALSE_POSITIVE] + c[CT_STATUS_REMEDIATED],
                     c[CT_STATUS_SUPPRESSED]);
    }
    /* what does not fit goes first: the e-mail, then the repo's parent dirs */
    const char *id = ui.identity ? ui.identity : "";
    const char *lt = strchr(id, '<');
    size_t idname = lt ? (size_t)(lt - id) : strlen(id);
    while (idname && id[idname - 1] == ' ') idname--;
    const char *base = strrchr(path.buf, '/');
    int room = w - ct_san_width(r.buf) - 1;
    for (int attempt = 0; attempt < 4; attempt++) {
        ct_sbuf_reset(&l);
        ct_sbuf_addc(&l, ' ');
        if (attempt >= 2 && base && base[1]) ct_sbuf_addf(&l, "%s%s", ui.utf8 ? "\u2026" : "...", base);
        else ct_sbuf_add(&l, path.buf);
        ct_sbuf_add(&l, br.buf);
        if (*id && attempt == 0) ct_sbuf_addf(&l, "  %s", id);
        else if (*id && attempt < 3) {
            ct_sbuf_add(&l, "  ");
            ct_sbuf_addn(&l, id, idname);
        }
        if (ct_san_width(l.buf) <= room) break;
    }
    int attr = UI_COLOR(UI_C_STATUS) | (ui.color ? 0 : UI_REV);
    ui_fill(y, 0, w, attr);
    int rw = ct_san_width(r.buf);
    if (rw > w / 2) rw = w / 2;
    ui_put(y, 0, w - rw - 1, l.buf, attr, 0);
    ui_put(y, w - rw, rw, r.buf, attr, 0);
    ct_sbuf_free(&l);
    ct_sbuf_free(&r);
    ct_sbuf_free(&path);
    ct_sbuf_free(&br);
}
