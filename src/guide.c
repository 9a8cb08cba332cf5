/* guide: investigation guides (Markdown, via md4c) rendered to wrapped, sanitized
 * terminal lines with attributes and links. ct_guide_fill is in guide_fill.c, the
 * response steps and section lookup in guide_steps.c. */
#include "guide_int.h"
#include "sanitize.h"

#include <md4c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Containers deeper than this still nest semantically but add no more
 * prefix, so hostile ">>>>>>..." input cannot make output quadratic. */
#define MAX_PREFIX_DEPTH 16

/* ------------------------------------------------------------------ helpers */

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
void ct_guide__decode_entity(const char *t, size_t n, ct_sbuf *raw)
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

char *ct_guide__attr_str(const MD_ATTRIBUTE *a)
{
    ct_sbuf raw;
    ct_sbuf_init(&raw);
    for (unsigned i = 0; a->text && a->substr_offsets && a->substr_offsets[i] < a->size; i++) {
        const char *s = a->text + a->substr_offsets[i];
        size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
        if (a->substr_types[i] == MD_TEXT_ENTITY) ct_guide__decode_entity(s, n, &raw);
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
            r->links[r->nlinks].href = ct_guide__attr_str(a);
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
        ct_guide__decode_entity(text, size, &raw);
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
