#include "guide.h"
#include "sanitize.h"

#include <md4c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Containers deeper than this still nest semantically but add no more
 * prefix, so hostile ">>>>>>..." input cannot make output quadratic. */
#define MAX_PREFIX_DEPTH 16
#define MD_FLAGS (MD_FLAG_NOHTML | MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH)

/* ------------------------------------------------------------------ helpers */

static int ci_contains(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (ct_strncaseeq(p, needle, nl)) return 1;
    return nl == 0;
}

static void add_utf8(ct_sbuf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
    }
    ct_sbuf_addn(b, u, n);
}

/* Decode an entity as md4c hands it over ("&amp;", "&#27;", "&#x1F;") into raw
 * UTF-8 (still to be sanitized). Unknown named entities stay verbatim. */
static void decode_entity(const char *t, size_t n, ct_sbuf *raw)
{
    static const struct { const char *name, *val; } named[] = {
        { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
        { "&apos;", "'" }, { "&nbsp;", " " }, { "&copy;", "\xc2\xa9" },
        { "&mdash;", "\xe2\x80\x94" }, { "&ndash;", "\xe2\x80\x93" },
        { "&hellip;", "\xe2\x80\xa6" }, { "&rarr;", "\xe2\x86\x92" },
    };
    if (n >= 4 && t[1] == '#') {
        uint32_t cp = 0;
        int hex = t[2] == 'x' || t[2] == 'X';
        for (size_t i = hex ? 3 : 2; i < n && t[i] != ';'; i++) {
            char c = t[i];
            unsigned d = (c >= '0' && c <= '9') ? (unsigned)(c - '0')
                       : (hex && c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10)
                       : (hex && c >= 'A' && c <= 'F') ? (unsigned)(c - 'A' + 10) : 99;
            if (d == 99) { cp = 0xFFFD; break; }
            cp = cp * (hex ? 16 : 10) + d;
            if (cp > 0x10FFFF) { cp = 0xFFFD; break; }
        }
        add_utf8(raw, cp);
        return;
    }
    for (size_t i = 0; i < CT_ARRAY_LEN(named); i++)
        if (strlen(named[i].name) == n && memcmp(named[i].name, t, n) == 0) {
            ct_sbuf_add(raw, named[i].val);
            return;
        }
    ct_sbuf_addn(raw, t, n);
}

/* ------------------------------------------------------------------ fill */

static int path_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '@' || c == '-';
}

static int md_punct(unsigned char c)
{
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
}

static void fill_value(ct_sbuf *out, const char *val, int in_code, int line_start)
{
    ct_sbuf s;
    ct_sbuf_init(&s);
    ct_san_displayz(val, 0, &s);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.buf[i];
        if (in_code) {
            if (c == '`') ct_sbuf_add(out, "\\x60");
            else ct_sbuf_addc(out, (char)c);
            continue;
        }
        if ((line_start && md_punct(c)) || (c && strchr("\\`*_[]<>&!|~", c)))
            ct_sbuf_addc(out, '\\');
        ct_sbuf_addc(out, (char)c);
    }
    ct_sbuf_free(&s);
}

char *ct_guide_fill(const char *md, ct_guide_lookup lookup, void *ctx)
{
    ct_sbuf out;
    ct_sbuf_init(&out);
    if (!md) md = "";
    size_t i = 0, n = strlen(md);
    int fence = 0;          /* fence char of an open fenced block, 0 if none */
    size_t fence_len = 0;
    size_t span = 0;        /* backtick run length that opened an inline code span */
    int line_start = 1;     /* only blanks so far on this line */
    size_t line_begin = 0;
    while (i < n) {
        char c = md[i];
        if (i == line_begin) {
            /* fence detection at the start of a line (any indentation) */
            size_t j = i;
            while (j < n && (md[j] == ' ' || md[j] == '\t' || md[j] == '>')) j++;
            if (md[j] == '`' || md[j] == '~') {
                size_t k = j;
                while (k < n && md[k] == md[j]) k++;
                if (k - j >= 3) {
                    if (!fence) { fence = md[j]; fence_len = k - j; span = 0; }
                    else if (fence == md[j] && k - j >= fence_len) fence = 0;
                    ct_sbuf_addn(&out, md + i, k - i);
                    i = k;
                    line_start = 0;
                    continue;
                }
            }
            /* a blank line ends any unterminated inline code span */
            size_t b = i;
            while (b < n && (md[b] == ' ' || md[b] == '\t')) b++;
            if (b >= n || md[b] == '\n') span = 0;
        }
        if (c == '\n') {
            ct_sbuf_addc(&out, c);
            i++;
            line_begin = i;
            line_start = 1;
            continue;
        }
        if (c == '`' && !fence) {
            size_t k = i;
            while (k < n && md[k] == '`') k++;
            if (!span) span = k - i;
            else if (span == k - i) span = 0;
            ct_sbuf_addn(&out, md + i, k - i);
            i = k;
            line_start = 0;
            continue;
        }
        if (c == '\\' && !fence && !span && i + 1 < n && md[i + 1] != '\n') {
            ct_sbuf_addn(&out, md + i, 2); /* escaped char: keep both, no placeholder */
            i += 2;
            line_start = 0;
            continue;
        }
        if (c == '{' && i + 1 < n && md[i + 1] == '{') {
            size_t j = i + 2;
            while (j < n && md[j] == ' ') j++;
            size_t ps = j;
            while (j < n && path_char(md[j])) j++;
            size_t pe = j;
            while (j < n && md[j] == ' ') j++;
            if (pe > ps && j + 1 < n && md[j] == '}' && md[j + 1] == '}') {
                char *path = ct_xstrndup(md + ps, pe - ps);
                const char *val = lookup ? lookup(ctx, path) : NULL;
                if (val) {
                    fill_value(&out, val, fence || span, line_start);
                } else {
                    ct_sbuf_add(&out, "(unknown ");
                    ct_sbuf_add(&out, path);
                    ct_sbuf_addc(&out, ')');
                }
                free(path);
                i = j + 2;
                line_start = 0;
                continue;
            }
        }
        if (c != ' ' && c != '\t' && c != '>') line_start = 0;
        ct_sbuf_addc(&out, c);
        i++;
    }
    char *r = ct_sbuf_detach(&out);
    ct_sbuf_free(&out);
    return r;
}

/* ------------------------------------------------------------------ render */

enum { K_QUOTE, K_UL, K_OL, K_LI };
typedef struct cont {
    int kind;
    int tight;        /* lists */
    unsigned next;    /* OL: next number */
    int first;        /* LI: marker not printed yet */
    char mark[16];    /* LI: "- " or "12. " */
} cont;

enum { LEAF_NONE, LEAF_PARA, LEAF_HEADING, LEAF_CODE };

typedef struct rctx {
    int width, text_mode;
    ct_guide_doc *doc;
    size_t cap_lines;
    cont *st;
    size_t nst, cst;
    int leaf, hlevel;
    ct_sbuf txt;      /* sanitized paragraph text; '\n' marks a hard break */
    int *attrs;       /* one per byte of txt */
    size_t acap;
    ct_sbuf code;     /* raw code block text */
    ct_sbuf tmp, seg, pfx;
    int seg_attr;
    size_t cur;       /* index of the line being built */
    int strong, em, codespan, link, thead, cell;
    struct { char *href; size_t start; } links[8];
    int nlinks;
    int need_blank;
} rctx;

/* Line builder: text goes into r->seg until the attribute changes, then it
 * becomes a segment of the current line (amortised linear however long). */
static void seg_commit(rctx *r)
{
    if (!r->seg.len) return;
    ct_guide_line *l = &r->doc->lines[r->cur];
    size_t k = l->nsegs;
    if ((k & (k - 1)) == 0) l->segs = ct_xrealloc(l->segs, (k < 2 ? 4 : 2 * k) * sizeof *l->segs);
    l->segs[k].text = ct_xstrndup(r->seg.buf, r->seg.len);
    l->segs[k].attr = r->seg_attr;
    l->nsegs++;
    ct_sbuf_reset(&r->seg);
}

static void new_line(rctx *r)
{
    seg_commit(r);
    ct_guide_doc *d = r->doc;
    if (d->nlines == r->cap_lines) {
        r->cap_lines = r->cap_lines ? r->cap_lines * 2 : 32;
        d->lines = ct_xrealloc(d->lines, r->cap_lines * sizeof *d->lines);
    }
    r->cur = d->nlines++;
    memset(&d->lines[r->cur], 0, sizeof d->lines[0]);
}

static void line_add(rctx *r, const char *s, size_t n, int attr)
{
    if (n == 0) return;
    if (r->seg.len && attr != r->seg_attr) seg_commit(r);
    r->seg_attr = attr;
    ct_sbuf_addn(&r->seg, s, n);
}

/* Prefix of the current (new) line: quote markers, list markers (first line
 * of an item) or the hanging indent. Returns its width. blank: for an empty
 * separator line (list markers not consumed, trailing spaces dropped). */
static int add_prefix(rctx *r, int blank)
{
    int w = 0;
    size_t depth = 0;
    ct_sbuf_reset(&r->pfx);
    for (size_t i = 0; i < r->nst && depth < MAX_PREFIX_DEPTH; i++) {
        cont *c = &r->st[i];
        if (c->kind == K_QUOTE) {
            depth++;
            if (r->pfx.len) { line_add(r, r->pfx.buf, r->pfx.len, 0); ct_sbuf_reset(&r->pfx); }
            line_add(r, blank ? ">" : "> ", blank ? 1 : 2, 0);
            if (blank) ct_sbuf_addc(&r->pfx, ' ');
            w += 2;
        } else if (c->kind == K_LI) {
            depth++;
            size_t ml = strlen(c->mark);
            if (c->first && !blank) {
                if (r->pfx.len) { line_add(r, r->pfx.buf, r->pfx.len, 0); ct_sbuf_reset(&r->pfx); }
                line_add(r, c->mark, ml, CT_GA_BULLET);
                c->first = 0;
            } else {
                for (size_t k = 0; k < ml; k++) ct_sbuf_addc(&r->pfx, ' ');
            }
            w += (int)ml;
        }
    }
    if (r->pfx.len && !blank) line_add(r, r->pfx.buf, r->pfx.len, 0);
    return w;
}

static int in_tight_list(rctx *r)
{
    for (size_t i = r->nst; i-- > 0;)
        if (r->st[i].kind == K_UL || r->st[i].kind == K_OL) return r->st[i].tight;
    return 0;
}

static void resolve_blank(rctx *r)
{
    if (r->need_blank && r->doc->nlines && !in_tight_list(r)) {
        new_line(r);
        add_prefix(r, 1);
    }
    r->need_blank = 0;
}

static void txt_add(rctx *r, const char *s, size_t n, int attr)
{
    if (r->txt.len + n + 1 > r->acap) {
        while (r->txt.len + n + 1 > r->acap) r->acap = r->acap ? r->acap * 2 : 256;
        r->attrs = ct_xrealloc(r->attrs, r->acap * sizeof *r->attrs);
    }
    for (size_t i = 0; i < n; i++) r->attrs[r->txt.len + i] = attr;
    ct_sbuf_addn(&r->txt, s, n);
}

static int cur_attr(rctx *r)
{
    int a = 0;
    if (r->strong || r->thead) a |= CT_GA_BOLD;
    if (r->em) a |= CT_GA_ITALIC;
    if (r->codespan) a |= CT_GA_CODE;
    if (r->link) a |= CT_GA_LINK;
    if (r->leaf == LEAF_HEADING) a |= CT_GA_HEADING;
    return a;
}

/* Append raw text (from the guide) sanitized, with the current attributes. */
static void txt_add_raw(rctx *r, const char *s, size_t n, int attr)
{
    ct_sbuf_reset(&r->tmp);
    ct_san_display(s, n, 0, &r->tmp);
    txt_add(r, r->tmp.buf, r->tmp.len, attr);
}

static void begin_leaf(rctx *r, int kind, int level);

static void add_bytes(rctx *r, size_t from, size_t to)
{
    while (from < to) {
        int a = r->attrs[from];
        size_t m = from;
        while (m < to && r->attrs[m] == a) m++;
        line_add(r, r->txt.buf + from, m - from, a);
        from = m;
    }
}

static void start_line(rctx *r, int hl, int *avail)
{
    new_line(r);
    r->doc->lines[r->cur].heading_level = hl;
    int pw = add_prefix(r, 0);
    if (avail) {
        *avail = r->width > 0 ? r->width - pw : INT32_MAX;
        if (*avail < 10) *avail = 10; /* deep nesting in a narrow window: overflow instead */
    }
}

/* Lay out the collected paragraph / heading text: words separated by single
 * spaces, wrapped at r->width with the container prefix on every line. */
static void flush_para(rctx *r)
{
    if (r->leaf != LEAF_PARA && r->leaf != LEAF_HEADING) return;
    int hl = r->leaf == LEAF_HEADING ? r->hlevel : 0;
    const char *t = r->txt.buf;
    size_t n = r->txt.len, i = 0, len;
    size_t first_line = r->doc->nlines;
    int have = 0, col = 0, avail = INT32_MAX, maxcol = 0;
    while (i < n) {
        int space_attr = -1;
        while (i < n && t[i] == ' ') { if (space_attr < 0) space_attr = r->attrs[i]; i++; }
        if (i >= n) break;
        if (t[i] == '\n') { /* hard break */
            if (!have) start_line(r, hl, &avail);
            have = 0;
            i++;
            continue;
        }
        size_t j = i;
        int ww = 0;
        while (j < n && t[j] != ' ' && t[j] != '\n') { ww += ct_san_cpwidth(t + j, n - j, &len); j += len; }
        if (have && r->width > 0 && col + 1 + ww > avail) have = 0;
        if (!have) {
            start_line(r, hl, &avail);
            have = 1;
            col = 0;
        } else {
            line_add(r, " ", 1, space_attr < 0 ? 0 : space_attr);
            col++;
        }
        if (r->width <= 0 || ww <= avail - col) {
            add_bytes(r, i, j);
            col += ww;
        } else { /* a word longer than the line: cut it at code points */
            while (i < j) {
                int cw = ct_san_cpwidth(t + i, j - i, &len);
                if (col > 0 && col + cw > avail) {
                    if (col > maxcol) maxcol = col;
                    start_line(r, hl, &avail);
                    col = 0;
                }
                add_bytes(r, i, i + len);
                col += cw;
                i += len;
            }
        }
        if (col > maxcol) maxcol = col;
        i = j;
    }
    if (r->text_mode && (hl == 1 || hl == 2) && r->doc->nlines > first_line) {
        start_line(r, 0, NULL);
        for (int k = 0; k < maxcol; k++) line_add(r, hl == 1 ? "=" : "-", 1, 0);
    }
    ct_sbuf_reset(&r->txt);
    r->leaf = LEAF_NONE;
    r->need_blank = 1;
}

/* Code blocks: verbatim lines (sanitized, tabs expanded), indented, not wrapped. */
static void flush_code(rctx *r)
{
    const char *s = r->code.buf;
    size_t n = r->code.len, i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '\n') j++;
        start_line(r, 0, NULL);
        if (j > i) {
            ct_sbuf_reset(&r->tmp);
            ct_san_display(s + i, j - i, CT_SAN_MULTILINE, &r->tmp);
            line_add(r, "    ", 4, 0);
            line_add(r, r->tmp.buf, r->tmp.len, CT_GA_CODE);
        }
        i = j + 1;
    }
    ct_sbuf_reset(&r->code);
    r->leaf = LEAF_NONE;
    r->need_blank = 1;
}

static void end_leaf(rctx *r)
{
    if (r->leaf == LEAF_CODE) flush_code(r);
    else flush_para(r);
}

static void begin_leaf(rctx *r, int kind, int level)
{
    end_leaf(r);
    resolve_blank(r);
    r->leaf = kind;
    r->hlevel = level;
    r->thead = 0;
    r->cell = 0;
}

static void push(rctx *r, int kind)
{
    if (r->nst == r->cst) {
        r->cst = r->cst ? r->cst * 2 : 16;
        r->st = ct_xrealloc(r->st, r->cst * sizeof *r->st);
    }
    memset(&r->st[r->nst], 0, sizeof r->st[0]);
    r->st[r->nst++].kind = kind;
}

static int r_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    rctx *r = ud;
    switch (type) {
    case MD_BLOCK_DOC: break;
    case MD_BLOCK_QUOTE:
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        end_leaf(r);
        resolve_blank(r);
        push(r, type == MD_BLOCK_QUOTE ? K_QUOTE : type == MD_BLOCK_UL ? K_UL : K_OL);
        if (type == MD_BLOCK_UL) r->st[r->nst - 1].tight = ((MD_BLOCK_UL_DETAIL *)detail)->is_tight;
        if (type == MD_BLOCK_OL) {
            MD_BLOCK_OL_DETAIL *d = detail;
            r->st[r->nst - 1].tight = d->is_tight;
            r->st[r->nst - 1].next = d->start;
        }
        break;
    case MD_BLOCK_LI: {
        end_leaf(r);
        cont *list = r->nst ? &r->st[r->nst - 1] : NULL;
        unsigned num = 0;
        int ordered = list && list->kind == K_OL;
        if (list && list->tight) r->need_blank = 0;
        if (ordered) num = list->next++;
        push(r, K_LI); /* may move r->st: list is stale from here */
        cont *li = &r->st[r->nst - 1];
        li->first = 1;
        if (ordered) snprintf(li->mark, sizeof li->mark, "%u. ", num > 999999999u ? 999999999u : num);
        else strcpy(li->mark, "- ");
        break;
    }
    case MD_BLOCK_HR: {
        begin_leaf(r, LEAF_NONE, 0);
        new_line(r);
        int pw = add_prefix(r, 0);
        int w = r->width > 0 ? r->width - pw : 40;
        if (w < 3) w = 3;
        if (w > 80) w = 80;
        for (int k = 0; k < w; k++) line_add(r, "-", 1, 0);
        r->need_blank = 1;
        break;
    }
    case MD_BLOCK_H: {
        unsigned lv = ((MD_BLOCK_H_DETAIL *)detail)->level;
        begin_leaf(r, LEAF_HEADING, (int)lv);
        if (r->text_mode && lv >= 3) {
            char h[8];
            unsigned k = 0;
            for (; k < lv && k < 6; k++) h[k] = '#';
            h[k++] = ' ';
            txt_add(r, h, k, CT_GA_HEADING);
        }
        break;
    }
    case MD_BLOCK_CODE:
        begin_leaf(r, LEAF_CODE, 0);
        break;
    case MD_BLOCK_HTML:
    case MD_BLOCK_P:
        begin_leaf(r, LEAF_PARA, 0);
        break;
    case MD_BLOCK_TABLE:
        end_leaf(r);
        resolve_blank(r);
        break;
    case MD_BLOCK_THEAD: r->thead = 1; break;
    case MD_BLOCK_TBODY: r->thead = 0; break;
    case MD_BLOCK_TR: {
        int th = r->thead;
        begin_leaf(r, LEAF_PARA, 0);
        r->thead = th;
        break;
    }
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        if (r->leaf == LEAF_NONE) begin_leaf(r, LEAF_PARA, 0);
        if (r->cell++) txt_add(r, " | ", 3, 0);
        break;
    }
    return 0;
}

static int r_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    rctx *r = ud;
    (void)detail;
    switch (type) {
    case MD_BLOCK_LI:
        end_leaf(r);
        if (r->nst && r->st[r->nst - 1].first) start_line(r, 0, NULL); /* empty item */
        if (r->nst) r->nst--;
        r->need_blank = 1;
        break;
    case MD_BLOCK_QUOTE:
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        end_leaf(r);
        if (r->nst) r->nst--;
        r->need_blank = 1;
        break;
    case MD_BLOCK_H:
    case MD_BLOCK_P:
    case MD_BLOCK_HTML:
    case MD_BLOCK_CODE:
        end_leaf(r);
        break;
    case MD_BLOCK_TR: {
        int th = r->thead;
        end_leaf(r);
        r->thead = th;
        r->need_blank = 0;
        break;
    }
    case MD_BLOCK_TABLE:
        end_leaf(r);
        r->thead = 0;
        r->need_blank = 1;
        break;
    default: break;
    }
    return 0;
}

static char *attr_str(const MD_ATTRIBUTE *a)
{
    ct_sbuf raw;
    ct_sbuf_init(&raw);
    for (unsigned i = 0; a->text && a->substr_offsets && a->substr_offsets[i] < a->size; i++) {
        const char *s = a->text + a->substr_offsets[i];
        size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
        if (a->substr_types[i] == MD_TEXT_ENTITY) decode_entity(s, n, &raw);
        else if (a->substr_types[i] == MD_TEXT_NULLCHAR) ct_sbuf_addc(&raw, 0);
        else ct_sbuf_addn(&raw, s, n);
    }
    ct_sbuf out;
    ct_sbuf_init(&out);
    ct_san_display(raw.buf, raw.len, 0, &out);
    ct_sbuf_free(&raw);
    char *res = ct_sbuf_detach(&out);
    ct_sbuf_free(&out);
    return res;
}

static void ensure_leaf(rctx *r)
{
    if (r->leaf == LEAF_NONE || r->leaf == LEAF_CODE) begin_leaf(r, LEAF_PARA, 0);
}

static int r_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    rctx *r = ud;
    switch (type) {
    case MD_SPAN_EM: r->em++; break;
    case MD_SPAN_STRONG: r->strong++; break;
    case MD_SPAN_CODE: r->codespan++; break;
    case MD_SPAN_A:
    case MD_SPAN_IMG:
        ensure_leaf(r);
        if (r->nlinks < (int)CT_ARRAY_LEN(r->links)) {
            const MD_ATTRIBUTE *a = type == MD_SPAN_A ? &((MD_SPAN_A_DETAIL *)detail)->href
                                                      : &((MD_SPAN_IMG_DETAIL *)detail)->src;
            r->links[r->nlinks].href = attr_str(a);
            r->links[r->nlinks].start = r->txt.len;
        }
        r->nlinks++;
        r->link++;
        break;
    default: break;
    }
    return 0;
}

static int r_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    rctx *r = ud;
    (void)detail;
    switch (type) {
    case MD_SPAN_EM: if (r->em) r->em--; break;
    case MD_SPAN_STRONG: if (r->strong) r->strong--; break;
    case MD_SPAN_CODE: if (r->codespan) r->codespan--; break;
    case MD_SPAN_A:
    case MD_SPAN_IMG:
        if (r->link) r->link--;
        if (r->nlinks > 0 && --r->nlinks < (int)CT_ARRAY_LEN(r->links)) {
            char *h = r->links[r->nlinks].href;
            size_t st = r->links[r->nlinks].start;
            const char *shown = st <= r->txt.len ? r->txt.buf + st : "";
            int same = strcmp(shown, h) == 0 ||
                       (strncmp(h, "mailto:", 7) == 0 && strcmp(shown, h + 7) == 0);
            if (*h && !same && r->leaf != LEAF_NONE) {
                txt_add(r, " (", 2, 0);
                txt_add(r, h, strlen(h), 0);
                txt_add(r, ")", 1, 0);
            }
            free(h);
        }
        break;
    default: break;
    }
    return 0;
}

static int r_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
    rctx *r = ud;
    if (r->leaf == LEAF_CODE) {
        ct_sbuf_addn(&r->code, text, size);
        return 0;
    }
    ensure_leaf(r);
    int a = cur_attr(r);
    switch (type) {
    case MD_TEXT_NULLCHAR: txt_add_raw(r, "\0", 1, a); break;
    case MD_TEXT_BR: txt_add(r, "\n", 1, a); break;
    case MD_TEXT_SOFTBR: txt_add(r, " ", 1, a); break;
    case MD_TEXT_ENTITY: {
        ct_sbuf raw;
        ct_sbuf_init(&raw);
        decode_entity(text, size, &raw);
        txt_add_raw(r, raw.buf, raw.len, a);
        ct_sbuf_free(&raw);
        break;
    }
    default: txt_add_raw(r, text, size, a); break;
    }
    return 0;
}

static void rctx_free(rctx *r)
{
    for (int i = 0; i < r->nlinks && i < (int)CT_ARRAY_LEN(r->links); i++) free(r->links[i].href);
    free(r->st);
    free(r->attrs);
    ct_sbuf_free(&r->txt);
    ct_sbuf_free(&r->code);
    ct_sbuf_free(&r->tmp);
    ct_sbuf_free(&r->seg);
    ct_sbuf_free(&r->pfx);
}

static int render(const char *md, int width, int text_mode, ct_guide_doc *out)
{
    memset(out, 0, sizeof *out);
    if (!md) md = "";
    size_t n = strlen(md);
    if (n > UINT32_MAX / 2) return -1;
    rctx r;
    memset(&r, 0, sizeof r);
    r.width = width;
    r.text_mode = text_mode;
    r.doc = out;
    ct_sbuf_init(&r.txt);
    ct_sbuf_init(&r.code);
    ct_sbuf_init(&r.tmp);
    ct_sbuf_init(&r.seg);
    ct_sbuf_init(&r.pfx);
    MD_PARSER p;
    memset(&p, 0, sizeof p);
    p.flags = MD_FLAGS;
    p.enter_block = r_enter_block;
    p.leave_block = r_leave_block;
    p.enter_span = r_enter_span;
    p.leave_span = r_leave_span;
    p.text = r_text;
    int rc = md_parse(md, (MD_SIZE)n, &p, &r);
    if (rc == 0) end_leaf(&r);
    if (out->nlines) seg_commit(&r);
    rctx_free(&r);
    if (rc != 0) {
        ct_guide_doc_free(out);
        return -1;
    }
    return 0;
}

int ct_guide_render(const char *md, int width, ct_guide_doc *out)
{
    return render(md, width, 0, out);
}

void ct_guide_doc_free(ct_guide_doc *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->nlines; i++) {
        for (size_t k = 0; k < d->lines[i].nsegs; k++) free(d->lines[i].segs[k].text);
        free(d->lines[i].segs);
    }
    free(d->lines);
    d->lines = NULL;
    d->nlines = 0;
}

int ct_guide_render_text(const char *md, int width, ct_sbuf *out)
{
    ct_guide_doc d;
    if (render(md, width, 1, &d) != 0) return -1;
    for (size_t i = 0; i < d.nlines; i++) {
        for (size_t k = 0; k < d.lines[i].nsegs; k++) ct_sbuf_add(out, d.lines[i].segs[k].text);
        ct_sbuf_addc(out, '\n');
    }
    ct_guide_doc_free(&d);
    return 0;
}

/* ------------------------------------------------------------------ steps */

typedef struct sctx {
    int in_h, hlevel;
    ct_sbuf head;
    int armed, armed_level, depth, done;
    int nested;        /* nested items seen in the current step */
    int in_item;
    ct_sbuf item;
    char **steps;
    size_t n, cap;
    char *href[8];
    size_t href_start[8];
    int nlinks;
    /* has_section */
    const char *want;
    int found;
} sctx;

static void s_space(sctx *s)
{
    if (s->item.len && s->item.buf[s->item.len - 1] != ' ') ct_sbuf_addc(&s->item, ' ');
}

static void s_finish_item(sctx *s)
{
    /* trim trailing blanks */
    while (s->item.len && s->item.buf[s->item.len - 1] == ' ') s->item.buf[--s->item.len] = 0;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->steps = ct_xrealloc(s->steps, s->cap * sizeof *s->steps);
    }
    s->steps[s->n++] = ct_xstrdup(s->item.buf);
    ct_sbuf_reset(&s->item);
}

static int s_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    sctx *s = ud;
    if (s->done) return 0;
    if (type == MD_BLOCK_H) {
        int lv = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
        if (s->armed && !s->depth && lv <= s->armed_level) s->armed = 0;
        s->in_h = 1;
        s->hlevel = lv;
        ct_sbuf_reset(&s->head);
    } else if (type == MD_BLOCK_UL || type == MD_BLOCK_OL) {
        if (s->armed) s->depth++;
    } else if (type == MD_BLOCK_LI && s->depth) {
        if (s->depth == 1) {
            s->in_item = 1;
            s->nested = 0;
            ct_sbuf_reset(&s->item);
        } else {
            while (s->item.len && s->item.buf[s->item.len - 1] == ' ') s->item.buf[--s->item.len] = 0;
            if (s->nested++ == 0) {
                if (!s->item.len || s->item.buf[s->item.len - 1] != ':') ct_sbuf_addc(&s->item, ':');
                ct_sbuf_addc(&s->item, ' ');
            } else {
                ct_sbuf_add(&s->item, "; ");
            }
        }
    } else if (s->in_item) {
        s_space(s);
    }
    return 0;
}

static int s_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    sctx *s = ud;
    (void)detail;
    if (s->done) return 0;
    if (type == MD_BLOCK_H) {
        s->in_h = 0;
        if (s->want) {
            if (s->hlevel == 2 && ci_contains(s->head.buf, s->want)) {
                s->found = 1;
                return 1; /* stop parsing */
            }
        } else if (!s->depth && (ci_contains(s->head.buf, "response") ||
                                 ci_contains(s->head.buf, "remediation"))) {
            s->armed = 1;
            s->armed_level = s->hlevel;
        }
    } else if (type == MD_BLOCK_UL || type == MD_BLOCK_OL) {
        if (s->depth && --s->depth == 0) {
            s->done = 1;
            return 1; /* the first list is complete */
        }
    } else if (type == MD_BLOCK_LI && s->depth == 1 && s->in_item) {
        s->in_item = 0;
        s_finish_item(s);
    } else if (s->in_item) {
        s_space(s);
    }
    return 0;
}

static int s_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    sctx *s = ud;
    if (!s->in_item || (type != MD_SPAN_A && type != MD_SPAN_IMG)) return 0;
    if (s->nlinks < 8) {
        const MD_ATTRIBUTE *a = type == MD_SPAN_A ? &((MD_SPAN_A_DETAIL *)detail)->href
                                                  : &((MD_SPAN_IMG_DETAIL *)detail)->src;
        s->href[s->nlinks] = attr_str(a);
        s->href_start[s->nlinks] = s->item.len;
    }
    s->nlinks++;
    return 0;
}

static int s_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    sctx *s = ud;
    (void)detail;
    if (type != MD_SPAN_A && type != MD_SPAN_IMG) return 0;
    if (s->nlinks > 0 && --s->nlinks < 8) {
        char *h = s->href[s->nlinks];
        size_t st = s->href_start[s->nlinks];
        const char *shown = st <= s->item.len ? s->item.buf + st : "";
        int same = strcmp(shown, h) == 0 ||
                   (strncmp(h, "mailto:", 7) == 0 && strcmp(shown, h + 7) == 0);
        if (s->in_item && *h && !same) {
            ct_sbuf_add(&s->item, " (");
            ct_sbuf_add(&s->item, h);
            ct_sbuf_addc(&s->item, ')');
        }
        free(h);
    }
    return 0;
}

static int s_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
    sctx *s = ud;
    ct_sbuf *dst = s->in_h ? &s->head : s->in_item ? &s->item : NULL;
    if (!dst || s->done) return 0;
    ct_sbuf raw;
    ct_sbuf_init(&raw);
    if (type == MD_TEXT_BR || type == MD_TEXT_SOFTBR) ct_sbuf_addc(&raw, ' ');
    else if (type == MD_TEXT_ENTITY) decode_entity(text, size, &raw);
    else if (type == MD_TEXT_NULLCHAR) ct_sbuf_addc(&raw, 0);
    else {
        /* code blocks inside an item: lines joined by spaces */
        for (MD_SIZE i = 0; i < size; i++) ct_sbuf_addc(&raw, text[i] == '\n' ? ' ' : text[i]);
    }
    ct_san_display(raw.buf, raw.len, 0, dst);
    ct_sbuf_free(&raw);
    /* collapse runs of spaces */
    if (dst == &s->item && dst->len >= 2 && dst->buf[dst->len - 1] == ' ' && dst->buf[dst->len - 2] == ' ') {
        while (dst->len >= 2 && dst->buf[dst->len - 1] == ' ' && dst->buf[dst->len - 2] == ' ')
            dst->buf[--dst->len] = 0;
    }
    return 0;
}

static int steps_parse(const char *md, sctx *s)
{
    size_t n = strlen(md);
    if (n > UINT32_MAX / 2) return -1;
    MD_PARSER p;
    memset(&p, 0, sizeof p);
    p.flags = MD_FLAGS;
    p.enter_block = s_enter_block;
    p.leave_block = s_leave_block;
    p.enter_span = s_enter_span;
    p.leave_span = s_leave_span;
    p.text = s_text;
    int rc = md_parse(md, (MD_SIZE)n, &p, s);
    for (int i = 0; i < s->nlinks && i < 8; i++) free(s->href[i]);
    s->nlinks = 0;
    return rc < 0 ? -1 : 0; /* 1: stopped on purpose */
}

int ct_guide_response_steps(const char *md, char ***steps, size_t *n)
{
    *steps = NULL;
    *n = 0;
    if (!md) return 0;
    sctx s;
    memset(&s, 0, sizeof s);
    ct_sbuf_init(&s.head);
    ct_sbuf_init(&s.item);
    int rc = steps_parse(md, &s);
    ct_sbuf_free(&s.head);
    ct_sbuf_free(&s.item);
    if (rc != 0) {
        ct_guide_steps_free(s.steps, s.n);
        return -1;
    }
    *steps = s.steps;
    *n = s.n;
    return 0;
}

void ct_guide_steps_free(char **steps, size_t n)
{
    if (!steps) return;
    for (size_t i = 0; i < n; i++) free(steps[i]);
    free(steps);
}

int ct_guide_has_section(const char *md, const char *name)
{
    if (!md || !name) return 0;
    sctx s;
    memset(&s, 0, sizeof s);
    s.want = name;
    ct_sbuf_init(&s.head);
    ct_sbuf_init(&s.item);
    int rc = steps_parse(md, &s);
    ct_sbuf_free(&s.head);
    ct_sbuf_free(&s.item);
    return rc == 0 && s.found;
}
