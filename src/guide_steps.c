/* guide_steps: the numbered response steps of a guide's "Response" / "Remediation"
 * section (the remediate checklist) and ct_guide_has_section, from md4c's events. */
#include "guide_int.h"
#include "sanitize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int guide_ci_contains(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (ct_strncaseeq(p, needle, nl)) return 1;
    return nl == 0;
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
            if (s->hlevel == 2 && guide_ci_contains(s->head.buf, s->want)) {
                s->found = 1;
                return 1; /* stop parsing */
            }
        } else if (!s->depth && (guide_ci_contains(s->head.buf, "response") ||
                                 guide_ci_contains(s->head.buf, "remediation"))) {
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
        s->href[s->nlinks] = ct_guide__attr_str(a);
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
    else if (type == MD_TEXT_ENTITY) ct_guide__decode_entity(text, size, &raw);
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
