/* draw: styled text lines, sanitized drawing, severity/status labels, the
 * sparkline and inline text fields (drafts and $EDITOR: drafts.c). Every string drawn on the
 * terminal goes through ui_put, which makes it the console's text first
 * (ui_term_text: sanitized, no variation selector, what the charset cannot
 * show as <U+XXXX>) and converts it to the terminal charset last. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "out.h"
#include "sanitize.h"
#include "ui_int.h"

#define UI_WCHAR 0x40000000

/* ---- attributes ---- */
attr_t ui_attr(int a)
{
    attr_t r = A_NORMAL;
    if (a & UI_BOLD) r |= A_BOLD;
    if (a & UI_UL) r |= A_UNDERLINE;
    if (a & UI_REV) r |= A_REVERSE;
    if (a & UI_DIM) r |= A_DIM;
    int c = (a >> 8) & 0xff;
    if (c && ui.color) r |= COLOR_PAIR(c);
    else if (c && !ui.color) {
        /* monochrome: keep the meaning readable */
        switch (c) {
        case UI_C_CRIT: r |= A_BOLD | A_REVERSE; break;
        case UI_C_HIGH: case UI_C_HEAD: case UI_C_ERR: case UI_C_MARK: r |= A_BOLD; break;
        case UI_C_TITLE: case UI_C_STATUS: r |= A_REVERSE; break;
        case UI_C_HUNK: case UI_C_CODE: r |= A_DIM; break;
        case UI_C_ADD: r |= A_BOLD; break;
        default: break;
        }
    }
    return r;
}

void ui_term_textn(const char *s, size_t n, int flags, ct_sbuf *out)
{
    ct_sbuf san;
    ct_sbuf_init(&san);
    ct_san_display(s ? s : "", s ? n : 0, flags, &san);
    /* The sanitizer keeps U+FE0E / U+FE0F only right after an emoji's base.
     * ncurses counts such a pair with wcwidth (the base's width: U+2764 is 1),
     * a terminal that honours U+FE0F draws 2: the pair's width is not agreed
     * on, so the console draws the base alone, in its default presentation,
     * whose width every side takes from the same tables. */
    if (memmem(san.buf, san.len, "\xef\xb8", 2)) {
        size_t o = 0;
        for (size_t i = 0; i < san.len; i++) {
            if (i + 2 < san.len && (unsigned char)san.buf[i] == 0xef && (unsigned char)san.buf[i + 1] == 0xb8
                && ((unsigned char)san.buf[i + 2] == 0x8e || (unsigned char)san.buf[i + 2] == 0x8f)) {
                i += 2;
                continue;
            }
            san.buf[o++] = san.buf[i];
        }
        san.len = o;
        san.buf[o] = 0;
    }
    if (ui.utf8) ct_sbuf_addn(out, san.buf, san.len);
    else ct_out_repr(san.buf, san.len, out); /* <U+XXXX> for what the charset lacks */
    ct_sbuf_free(&san);
}

void ui_term_text(const char *s, int flags, ct_sbuf *out)
{
    ui_term_textn(s, s ? strlen(s) : 0, flags, out);
}

void ui_term_raw(const char *s, ct_sbuf *out)
{
    size_t n = s ? strlen(s) : 0, i = 0;
    while (i < n) {
        size_t len;
        (void)ct_san_cpwidth(s + i, n - i, &len);
        const unsigned char *u = (const unsigned char *)s + i;
        size_t keep = len;
        /* an emoji and its selector (what ct_san_cpwidth takes as one): the base alone */
        if (len >= 4 && u[len - 3] == 0xef && u[len - 2] == 0xb8 && (u[len - 1] == 0x8e || u[len - 1] == 0x8f))
            keep = len - 3;
        if (ui.utf8 || u[0] < 0x80 || len == 1) ct_sbuf_addn(out, s + i, keep); /* invalid bytes: the renderer's \xNN */
        else ct_out_repr(s + i, keep, out);
        i += len;
    }
}

int ui_put(int y, int x, int w, const char *s, int attr, int pad)
{
    if (w <= 0 || y < 0 || y >= LINES || x >= COLS) return 0;
    if (x + w > COLS) w = COLS - x;
    ct_sbuf t, cut;
    ct_sbuf_init(&t);
    ct_sbuf_init(&cut);
    ui_term_text(s, 0, &t);
    ct_san_truncate(t.buf, w, &cut);
    int used = ct_san_width(cut.buf);
    if (!ui.utf8) { /* the charset's bytes: never C3 9B for U+00DB (0x9B is CSI) */
        ct_sbuf_reset(&t);
        ct_out_conv(cut.buf, cut.len, &t);
        ct_sbuf_reset(&cut);
        ct_sbuf_addn(&cut, t.buf, t.len);
    }
    attr_t a = ui_attr(attr);
    attron(a);
    mvaddnstr(y, x, cut.buf, (int)cut.len);
    if (pad)
        for (int i = used; i < w; i++) addch(' ');
    attroff(a);
    ct_sbuf_free(&t);
    ct_sbuf_free(&cut);
    return pad ? w : used;
}

int ui_wrap(const char *s, int w, int indent, ct_sbuf *out, int max)
{
    ct_sbuf san;
    ct_sbuf_init(&san);
    ui_term_text(s, 0, &san);
    const char *p = san.buf;
    int n = 0;
    if (w < 8) w = 8;
    while (n < max) {
        ct_sbuf *l = &out[n];
        ct_sbuf_reset(l);
        int room = n ? w - indent : w, col = 0;
        if (n) for (int i = 0; i < indent; i++) ct_sbuf_addc(l, ' ');
        while (*p == ' ' && n) p++;
        const char *brk = NULL; /* after the last space that fits */
        size_t brk_len = 0;
        const char *q = p;
        while (*q) {
            size_t len;
            int cw = ct_san_cpwidth(q, strlen(q), &len);
            if (col + cw > room) break;
            if (*q == ' ') { brk = q + 1; brk_len = l->len + 1; }
            ct_sbuf_addn(l, q, len);
            col += cw;
            q += len;
        }
        n++;
        if (!*q) break;
        if (n == max) { /* the last line: cut with the usual mark */
            ct_sbuf_reset(l);
            if (n > 1) for (int i = 0; i < indent; i++) ct_sbuf_addc(l, ' ');
            ct_san_truncate(p, room, l);
            break;
        }
        if (brk && brk > p + 1) { /* break at the space, else mid-word */
            l->len = brk_len;
            l->buf[l->len] = 0;
            while (l->len && l->buf[l->len - 1] == ' ') l->buf[--l->len] = 0;
            p = brk;
        } else p = q;
    }
    ct_sbuf_free(&san);
    return n;
}

void ui_fill(int y, int x, int w, int attr)
{
    if (y < 0 || y >= LINES) return;
    attr_t a = ui_attr(attr);
    attron(a);
    for (int i = 0; i < w && x + i < COLS; i++) mvaddch(y, x + i, ' ');
    attroff(a);
}

void ui_hline(int y, int x, int w)
{
    if (y < 0 || y >= LINES) return;
    if (x + w > COLS) w = COLS - x;
    /* UTF-8: the box character itself; else ACS where the terminal has it; else ASCII */
    if (ui.utf8) {
        move(y, x);
        for (int i = 0; i < w; i++) addstr("\u2500");
    } else if (ui.acs) mvhline(y, x, ACS_HLINE, w);
    else mvhline(y, x, '-', w);
}

/* ---- labels ---- */
int ui_sev_rank(const char *sev) { return ct_severity_rank(sev); }

const char *ui_sev_label(const char *sev)
{
    switch (ui_sev_rank(sev)) {
    case 4: return "CRIT";
    case 3: return "HIGH";
    case 2: return "MED";
    case 1: return "LOW";
    default: return "?";
    }
}

int ui_sev_attr(const char *sev)
{
    switch (ui_sev_rank(sev)) {
    case 4: return UI_BOLD | UI_COLOR(UI_C_CRIT);
    case 3: return UI_BOLD | UI_COLOR(UI_C_HIGH);
    case 2: return UI_COLOR(UI_C_MED);
    case 1: return UI_COLOR(UI_C_LOW);
    default: return 0;
    }
}

const char *ui_status_name(ct_status st) { return ct_status_name(st); }

const char *ui_status_short(ct_status st)
{
    static const char *n[] = {"open", "ack", "FP", "rem", "supp"};
    return (unsigned)st < CT_ARRAY_LEN(n) ? n[st] : "?";
}

void ui_fmt_time(int64_t ms, int full, char out[32])
{
    if (ms == CT_TIME_NONE) {
        snprintf(out, 32, "%s", full ? "(no time)" : "-");
        return;
    }
    char t[32];
    ct_time_fmt(ms, t); /* 2022-01-22T18:15:02.516Z */
    if (full) snprintf(out, 32, "%.10s %.8s", t, t + 11);
    else snprintf(out, 32, "%.5s %.5s", t + 5, t + 11);
}

void ui_sparkline(const size_t *counts, size_t n, ct_sbuf *out)
{
    static const char *blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
                                   "\u2587", "\u2588"};
    static const char ascii[] = ".:-=+*#%@";
    size_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (counts[i] > max) max = counts[i];
    for (size_t i = 0; i < n; i++) {
        if (!counts[i]) {
            ct_sbuf_addc(out, ' ');
            continue;
        }
        if (ui.utf8) {
            size_t lvl = max ? (counts[i] * 8 - 1) / max : 0;
            ct_sbuf_add(out, blocks[lvl > 7 ? 7 : lvl]);
        } else {
            size_t lvl = max ? (counts[i] * 9 - 1) / max : 0;
            ct_sbuf_addc(out, ascii[lvl > 8 ? 8 : lvl]);
        }
    }
}

/* ---- styled text ---- */
void ui_text_clear(ui_text *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (size_t j = 0; j < t->v[i].n; j++) free(t->v[i].segs[j].text);
        free(t->v[i].segs);
    }
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

ui_line *ui_text_line(ui_text *t, int kind, long data)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = ct_xrealloc(t->v, t->cap * sizeof *t->v);
    }
    ui_line *l = &t->v[t->n++];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->data = data;
    return l;
}

void ui_line_add(ui_line *l, const char *s, int attr)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ui_term_text(s, 0, &b);
    l->segs = ct_xrealloc(l->segs, (l->n + 1) * sizeof *l->segs);
    l->segs[l->n].text = ct_sbuf_detach(&b);
    l->segs[l->n].attr = attr;
    l->n++;
    ct_sbuf_free(&b);
}

void ui_line_addf(ui_line *l, int attr, const char *fmt, ...)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    ct_sbuf_vaddf(&b, fmt, ap);
    va_end(ap);
    ui_line_add(l, b.buf, attr);
    ct_sbuf_free(&b);
}

void ui_text_add_block(ui_text *t, const char *s, size_t n, int attr, int kind, long data)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_display(s, n, CT_SAN_MULTILINE, &b);
    const char *p = b.buf;
    for (;;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!e && !len) break;
        char *line = ct_xstrndup(p, len);
        ui_line_add(ui_text_line(t, kind, data), line, attr);
        free(line);
        if (!e) break;
        p = e + 1;
    }
    ct_sbuf_free(&b);
}

/* The cursor on the nearest line with a kind from *p in direction dir, else the
 * other way; 0 if the text has none. */
static int snap_kind(ui_text *t, size_t *p, int dir)
{
    for (size_t i = *p; i < t->n; i = dir > 0 ? i + 1 : i - 1) {
        if (t->v[i].kind) { *p = i; return 1; }
        if (dir < 0 && !i) break;
    }
    for (size_t i = *p; i < t->n; i = dir > 0 ? i - 1 : i + 1) {
        if (t->v[i].kind) { *p = i; return 1; }
        if (dir > 0 && !i) break;
    }
    return 0;
}

/* the selected line in full under the list, wrapped over two lines: at 80
 * columns an event's actor, IP and target do not fit on its line */
static void text_detail(ui_text *t, int y, int w)
{
    ui_hline(y, 0, w);
    if (t->cur >= t->n || !t->v[t->cur].kind) return;
    ct_sbuf all, l[2];
    ct_sbuf_init(&all);
    ct_sbuf_init(&l[0]);
    ct_sbuf_init(&l[1]);
    const ui_line *ln = &t->v[t->cur];
    for (size_t j = 0; j < ln->n; j++) ct_sbuf_add(&all, ln->segs[j].text);
    const char *p = all.buf;
    while (*p == ' ') p++;
    int n = ui_wrap(p, w - 2, 2, l, 2);
    for (int i = 0; i < n; i++) ui_put(y + 1 + i, 1, w - 2, l[i].buf, i ? 0 : UI_BOLD, 0);
    ct_sbuf_free(&all);
    ct_sbuf_free(&l[0]);
    ct_sbuf_free(&l[1]);
}

void ui_text_draw(ui_text *t, int y, int h, int w)
{
    if (t->detail && t->cursor && h > 12) {
        h -= 3;
        text_detail(t, y + h, w);
    }
    if (t->cur >= t->n && t->n) t->cur = t->n - 1;
    if (t->cursor && t->skip_plain && t->n && !t->v[t->cur].kind) {
        size_t c = t->cur;
        if (snap_kind(t, &c, 1)) t->cur = c;
    }
    if (t->cursor) {
        if (t->cur < t->top) t->top = t->cur;
        if (t->cur >= t->top + (size_t)h) t->top = t->cur - (size_t)h + 1;
    }
    if (t->n <= (size_t)h) t->top = 0;
    else if (t->top > t->n - (size_t)h) t->top = t->n - (size_t)h;
    for (int r = 0; r < h; r++) {
        size_t i = t->top + (size_t)r;
        move(y + r, 0);
        clrtoeol();
        if (i >= t->n) continue;
        ui_line *l = &t->v[i];
        int sel = t->cursor && i == t->cur;
        int x = 0;
        size_t skip = t->hscroll; /* columns scrolled off to the left */
        for (size_t j = 0; j < l->n && x < w; j++) {
            const char *s = l->segs[j].text;
            while (skip && *s) {
                size_t len;
                int cw = ct_san_cpwidth(s, strlen(s), &len);
                if ((size_t)cw > skip) break; /* a wide character across the edge: show it whole */
                skip -= (size_t)cw;
                s += len;
            }
            if (!*s) continue;
            x += ui_put(y + r, x, w - x, s, l->segs[j].attr | (sel ? UI_REV : 0), 0);
        }
        if (sel && x < w) ui_fill(y + r, x, w - x, UI_REV);
        if (t->hscroll && x) ui_put(y + r, 0, 1, ui.utf8 ? "\u00ab" : "<", UI_BOLD | UI_COLOR(UI_C_MARK) | (sel ? UI_REV : 0), 0);
    }
}

static int text_request_skip(ui_text *t, enum ui_req req, int h)
{
    size_t page = (size_t)h, last = t->n ? t->n - 1 : 0, c = t->cur;
    int dir = 1;
    switch (req) {
    case REQ_DOWN:
        for (c = t->cur + 1; c < t->n && !t->v[c].kind; c++) {}
        if (c >= t->n) { /* no line below to stop on: show the rest */
            c = t->cur;
            if (t->top + page < t->n) t->top++;
        }
        break;
    case REQ_UP:
        dir = -1;
        for (c = t->cur; c && !t->v[--c].kind;) {}
        if (!t->v[c].kind || c == t->cur) { /* nothing above: show the top lines */
            c = t->cur;
            if (t->top) t->top--;
        }
        break;
    case REQ_PGDN: c = t->cur + page > last ? last : t->cur + page; t->top += page; break;
    case REQ_PGUP: dir = -1; c = t->cur > page ? t->cur - page : 0; t->top = t->top > page ? t->top - page : 0; break;
    case REQ_TOP: c = 0; t->top = 0; break;
    case REQ_BOTTOM: dir = -1; c = last; break;
    default: return 0;
    }
    if (snap_kind(t, &c, dir)) t->cur = c;
    if (t->top > t->cur) t->top = t->cur;
    return 1;
}

int ui_text_request(ui_text *t, enum ui_req req, int h)
{
    if (h < 1) h = 1;
    if (req == REQ_LEFT || req == REQ_RIGHT) { /* sideways, 8 columns a step, as far as the longest line */
        size_t widest = 0;
        for (size_t i = 0; i < t->n; i++) {
            size_t lw = 0;
            for (size_t j = 0; j < t->v[i].n; j++) lw += (size_t)ct_san_width(t->v[i].segs[j].text);
            if (lw > widest) widest = lw;
        }
        if (req == REQ_LEFT) t->hscroll = t->hscroll > 8 ? t->hscroll - 8 : 0;
        else if (t->hscroll + 8 < widest) t->hscroll += 8;
        return 1;
    }
    if (t->cursor && t->skip_plain) return text_request_skip(t, req, h);
    size_t page = (size_t)h;
    size_t *p = t->cursor ? &t->cur : &t->top;
    size_t last = t->n ? t->n - 1 : 0;
    if (!t->cursor) last = t->n > page ? t->n - page : 0;
    switch (req) {
    case REQ_DOWN: if (*p < last) (*p)++; break;
    case REQ_UP: if (*p) (*p)--; break;
    case REQ_PGDN:
        *p = *p + page > last ? last : *p + page;
        if (t->cursor) t->top = t->top + page > t->cur ? t->cur : t->top + page;
        break;
    case REQ_PGUP:
        *p = *p > page ? *p - page : 0;
        if (t->cursor) t->top = t->top > page ? t->top - page : 0;
        break;
    case REQ_TOP: *p = 0; break;
    case REQ_BOTTOM: *p = last; break;
    default: return 0;
    }
    return 1;
}

int ui_key_types(int key)
{
    return (key & UI_WCHAR) || (key > 32 && key < 127) || (key >= 0xa0 && key < 0x100);
}

void ui_focus_mark(int y, int focused)
{
    /* focus shows without colour or bold too (NO_COLOR, monochrome, a screen reader's capture) */
    ui_put(y, 0, 1, focused ? (ui.utf8 ? "\u25b6" : ">") : " ", focused ? UI_BOLD | UI_REV : 0, 1);
}

/* ---- text field ---- */
static size_t utf8_prev(const char *s, size_t pos)
{
    if (!pos) return 0;
    pos--;
    while (pos && ((unsigned char)s[pos] & 0xc0) == 0x80) pos--;
    return pos;
}

static size_t utf8_next(const char *s, size_t len, size_t pos)
{
    if (pos >= len) return len;
    pos++;
    while (pos < len && ((unsigned char)s[pos] & 0xc0) == 0x80) pos++;
    return pos;
}

static void field_insert(ui_field *f, const char *s, size_t n)
{
    ct_sbuf_addn(&f->text, s, n); /* grow, then move the tail */
    memmove(f->text.buf + f->pos + n, f->text.buf + f->pos, f->text.len - n - f->pos);
    memcpy(f->text.buf + f->pos, s, n);
    f->pos += n;
}

int ui_field_key(ui_field *f, int key)
{
    if (f->pos > f->text.len) f->pos = f->text.len;
    if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        if (!f->pos) return 1;
        size_t p = utf8_prev(f->text.buf, f->pos);
        memmove(f->text.buf + p, f->text.buf + f->pos, f->text.len - f->pos + 1);
        f->text.len -= f->pos - p;
        f->pos = p;
        return 1;
    }
    if (key == KEY_DC) {
        if (f->pos >= f->text.len) return 1;
        size_t q = utf8_next(f->text.buf, f->text.len, f->pos);
        memmove(f->text.buf + f->pos, f->text.buf + q, f->text.len - q + 1);
        f->text.len -= q - f->pos;
        return 1;
    }
    if (key == KEY_LEFT) { f->pos = utf8_prev(f->text.buf, f->pos); return 1; }
    if (key == KEY_RIGHT) { f->pos = utf8_next(f->text.buf, f->text.len, f->pos); return 1; }
    if (key == KEY_HOME || key == 1) { f->pos = 0; return 1; }
    if (key == KEY_END || key == 5) { f->pos = f->text.len; return 1; }
    if (key == 21) { /* C-u */
        ct_sbuf_reset(&f->text);
        f->pos = 0;
        return 1;
    }
    if (key == 23) { /* C-w: delete the word before the cursor */
        size_t p = f->pos;
        while (p && f->text.buf[p - 1] == ' ') p--;
        while (p && f->text.buf[p - 1] != ' ') p--;
        memmove(f->text.buf + p, f->text.buf + f->pos, f->text.len - f->pos + 1);
        f->text.len -= f->pos - p;
        f->pos = p;
        return 1;
    }
    int cp = key & UI_WCHAR ? key & ~UI_WCHAR : key;
    if ((key & UI_WCHAR) || (key >= 32 && key < 127) || (key >= 0xa0 && key < 0x100)) {
        char buf[8];
        size_t n = 0;
        if (cp < 0x80) buf[n++] = (char)cp;
        else if (cp < 0x800) { buf[n++] = (char)(0xc0 | cp >> 6); buf[n++] = (char)(0x80 | (cp & 0x3f)); }
        else if (cp < 0x10000) {
            buf[n++] = (char)(0xe0 | cp >> 12);
            buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            buf[n++] = (char)(0x80 | (cp & 0x3f));
        } else {
            buf[n++] = (char)(0xf0 | cp >> 18);
            buf[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
            buf[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
            buf[n++] = (char)(0x80 | (cp & 0x3f));
        }
        field_insert(f, buf, n);
        return 1;
    }
    return 0;
}

void ui_field_draw(ui_field *f, int y, int x, int w, int focused)
{
    if (w < 4) return;
    /* show the end of long text so the cursor stays visible; columns as drawn */
    ct_sbuf san;
    ct_sbuf_init(&san);
    ui_term_textn(f->text.buf, f->pos, 0, &san);
    int before = ct_san_width(san.buf);
    const char *start = f->text.buf;
    size_t skip = 0;
    while (before > w - 2 && skip < f->pos) {
        size_t len;
        (void)ct_san_cpwidth(start + skip, f->pos - skip, &len);
        skip += len;
        ct_sbuf_reset(&san);
        ui_term_textn(start + skip, f->pos - skip, 0, &san);
        before = ct_san_width(san.buf);
    }
    ui_fill(y, x, w, UI_UL);
    ui_put(y, x, w, f->text.buf + skip, UI_UL | (focused ? UI_BOLD : 0), 0);
    if (focused) {
        int cx = x + (before < 0 ? 0 : before);
        if (cx >= x + w) cx = x + w - 1;
        move(y, cx);
    }
    ct_sbuf_free(&san);
}
