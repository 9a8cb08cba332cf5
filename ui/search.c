/* search: the one '/' search of every list and pager — a POSIX extended
 * regular expression (case-insensitive; text that is not a valid expression is
 * searched literally and the message says so), n / N, a message when the
 * search wraps around the end, and every match on screen highlighted
 * (:nohlsearch hides them until the next search). */
#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "ui_int.h"

static regex_t re;
static int re_ok, hl_on;

static void compile(const char *pat, int *literal)
{
    if (re_ok) regfree(&re);
    re_ok = 0;
    *literal = 0;
    if (regcomp(&re, pat, REG_EXTENDED | REG_ICASE | REG_NEWLINE) == 0) {
        re_ok = 1;
        return;
    }
    /* not a valid expression ("+++ b/x", "a[b"): the same text, literally */
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (const char *p = pat; *p; p++) {
        if (strchr("\\^$.[]|()*+?{}", *p)) ct_sbuf_addc(&b, '\\');
        ct_sbuf_addc(&b, *p);
    }
    re_ok = regcomp(&re, b.buf, REG_EXTENDED | REG_ICASE | REG_NEWLINE) == 0;
    *literal = 1;
    ct_sbuf_free(&b);
}

int ui_search_match(const char *s, size_t *so, size_t *eo)
{
    if (!re_ok || !s) return 0;
    regmatch_t m;
    if (regexec(&re, s, 1, &m, 0) != 0) return 0;
    if (so) *so = (size_t)m.rm_so;
    if (eo) *eo = (size_t)m.rm_eo;
    return 1;
}

void ui_search_off(void) { hl_on = 0; }

void ui_search_request(enum ui_req req, ui_search_fn find, void *ctx)
{
    int literal = 0;
    if (req == REQ_SEARCH) {
        char *s = ui_prompt("/", NULL);
        if (!s || !*s) {
            free(s);
            return;
        }
        snprintf(ui.search, sizeof ui.search, "%s", s);
        free(s);
        compile(ui.search, &literal);
    } else if (!ui.search[0]) {
        ui_msg(0, "no search yet: / searches (a regular expression)");
        return;
    } else if (!re_ok) compile(ui.search, &literal);
    hl_on = 1;
    int dir = req == REQ_SEARCH_PREV ? -1 : 1;
    int r = find(ctx, dir);
    const char *lit = literal ? " (not a regular expression: searched literally)" : "";
    if (!r) ui_msg(1, "not found: %s%s", ui.search, lit);
    else if (r == 2)
        ui_msg(0, "search wrapped: %s, continued from the %s%s", dir > 0 ? "hit the end" : "hit the top",
               dir > 0 ? "top" : "bottom", lit);
    else if (literal) ui_msg(0, "/%s%s", ui.search, lit);
}

int ui_text_find(void *ctx, int dir)
{
    ui_text *t = ctx;
    if (!t->n) return 0;
    size_t start = t->cursor ? t->cur : t->top;
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (size_t k = 1; k <= t->n; k++) {
        size_t i = dir > 0 ? (start + k) % t->n : (start + t->n - k % t->n) % t->n;
        ct_sbuf_reset(&b);
        for (size_t j = 0; j < t->v[i].n; j++) ct_sbuf_add(&b, t->v[i].segs[j].text);
        if (!ui_search_match(b.buf, NULL, NULL)) continue;
        ct_sbuf_free(&b);
        if (t->cursor && t->skip_plain && !t->v[i].kind) {
            /* a heading: show it at the top, the cursor on its first entry */
            t->top = i;
            size_t c = i;
            while (c < t->n && !t->v[c].kind) c++;
            t->cur = c < t->n ? c : t->cur;
        } else if (t->cursor) t->cur = i;
        else t->top = i;
        return (dir > 0 && i <= start) || (dir < 0 && i >= start) ? 2 : 1;
    }
    ct_sbuf_free(&b);
    return 0;
}

/* Mark every match drawn in rows [y, y + h): read each row back from the
 * screen, so every view (the queue's columns, panes, pagers) gets it. */
void ui_search_highlight(int y, int h, int w)
{
    if (!hl_on || !re_ok) return;
    wchar_t *wbuf = ct_xmalloc(((size_t)w + 1) * sizeof *wbuf);
    size_t cap = ((size_t)w + 1) * MB_LEN_MAX + 1;
    char *mb = ct_xmalloc(cap);
    int *col = ct_xmalloc(cap * sizeof *col); /* byte offset -> screen column */
    for (int r = y; r < y + h && r < LINES; r++) {
        int n = mvinnwstr(r, 0, wbuf, w);
        if (n <= 0) continue;
        size_t len = 0;
        int c = 0;
        mbstate_t st;
        memset(&st, 0, sizeof st);
        for (int i = 0; i < n && wbuf[i]; i++) {
            char tmp[MB_LEN_MAX];
            size_t k = wcrtomb(tmp, wbuf[i], &st);
            if (k == (size_t)-1) { tmp[0] = '?'; k = 1; }
            for (size_t j = 0; j < k && len + 1 < cap; j++) {
                col[len] = c;
                mb[len++] = tmp[j];
            }
            int cw = wcwidth(wbuf[i]);
            c += cw > 0 ? cw : 1;
        }
        mb[len] = 0;
        col[len] = c;
        size_t off = 0;
        while (off < len) {
            size_t so, eo;
            regmatch_t m;
            if (regexec(&re, mb + off, 1, &m, off ? REG_NOTBOL : 0) != 0) break;
            so = off + (size_t)m.rm_so;
            eo = off + (size_t)m.rm_eo;
            if (eo == so) { off = so + 1; continue; } /* an empty match marks nothing */
            int x0 = col[so], x1 = col[eo];
            attr_t cur = (attr_t)(mvinch(r, x0) & A_ATTRIBUTES);
            /* on the cursor line (reversed), the match is a bold underlined gap in the bar */
            attr_t a = (cur & A_REVERSE) ? (A_BOLD | A_UNDERLINE) : (A_BOLD | A_REVERSE);
            mvchgat(r, x0, x1 - x0, a, ui.color ? UI_C_MARK : 0, NULL);
            off = eo;
        }
    }
    free(wbuf);
    free(mb);
    free(col);
}
