/* Unit tests for src/guide.c: placeholder filling, styled and plain-text
 * rendering with md4c, response steps, sections, hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "guide.h"
#include "sanitize.h"

static const char GUIDE[] =
    "# Unusual Access Key Use\n"
    "\n"
    "## Triage and analysis\n"
    "\n"
    "### Investigating Unusual Access Key Use\n"
    "\n"
    "An access key of **{{ user.name }}** was used from `{{source.ip}}`, a country never seen\n"
    "for this identity in the last 30 days.\n"
    "\n"
    "### Possible investigation steps\n"
    "\n"
    "- Identify the user account and whether it is a service account.\n"
    "- Review the source IP ({{ source.ip }}) reputation and ASN.\n"
    "- Look for other API calls made with `{{aws.cloudtrail.user_identity.access_key_id}}`.\n"
    "\n"
    "### False positive analysis\n"
    "\n"
    "- Travelling employees and new VPN egress points.\n"
    "\n"
    "### Response and remediation\n"
    "\n"
    "- Initiate the incident response process based on the outcome of the triage.\n"
    "- Deactivate the access key: `aws iam update-access-key --status Inactive`.\n"
    "- Rotate secrets the identity could read:\n"
    "  - *AWS* access keys\n"
    "  - Azure client secrets\n"
    "- Follow the [credential leak runbook](https://wiki.example/runbook).\n"
    "\n"
    "1. This ordered list is not the first list.\n"
    "\n"
    "## Setup\n"
    "\n"
    "CloudTrail must be enabled.\n";

/* ---------------------------------------------------------------- helpers */

static char *line_text(const ct_guide_line *l)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (size_t k = 0; k < l->nsegs; k++) ct_sbuf_add(&b, l->segs[k].text);
    char *r = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return r;
}

static void assert_inert(const char *s, int allow_nl)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; p[i]; i++) {
        if (allow_nl && p[i] == '\n') continue;
        assert_true(p[i] >= 0x20 && p[i] != 0x7f);
        if (p[i] == 0xC2 && p[i + 1]) assert_false(p[i + 1] >= 0x80 && p[i + 1] <= 0x9F);
        if (p[i] == 0xE2 && p[i + 1] == 0x80) assert_false(p[i + 2] == 0xAE || p[i + 2] == 0xAD);
    }
}

static void assert_doc_inert(const ct_guide_doc *d)
{
    for (size_t i = 0; i < d->nlines; i++)
        for (size_t k = 0; k < d->lines[i].nsegs; k++) {
            assert_non_null(d->lines[i].segs[k].text);
            assert_inert(d->lines[i].segs[k].text, 0);
        }
}

static char *text_of(const char *md, int width)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    assert_int_equal(ct_guide_render_text(md, width, &b), 0);
    assert_inert(b.buf, 1);
    char *r = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return r;
}

/* Find the line whose text contains needle; -1 if none. */
static long find_line(const ct_guide_doc *d, const char *needle)
{
    for (size_t i = 0; i < d->nlines; i++) {
        char *t = line_text(&d->lines[i]);
        int hit = strstr(t, needle) != NULL;
        free(t);
        if (hit) return (long)i;
    }
    return -1;
}

/* Attribute of the segment containing needle, -1 if none. */
static int attr_of(const ct_guide_doc *d, const char *needle)
{
    for (size_t i = 0; i < d->nlines; i++)
        for (size_t k = 0; k < d->lines[i].nsegs; k++)
            if (strstr(d->lines[i].segs[k].text, needle)) return d->lines[i].segs[k].attr;
    return -1;
}

struct kv { const char *k, *v; };
static const char *lookup(void *ctx, const char *path)
{
    for (const struct kv *p = ctx; p->k; p++)
        if (strcmp(p->k, path) == 0) return p->v;
    return NULL;
}

/* ---------------------------------------------------------------- fill */

static void test_fill_known_unknown(void **st)
{
    (void)st;
    struct kv vals[] = { { "user.name", "alice" }, { "source.ip", "203.0.113.7" }, { NULL, NULL } };
    char *f = ct_guide_fill("User {{user.name}} from {{ source.ip }} / {{  source.ip}} and {{ host.name }}.",
                            lookup, vals);
    assert_string_equal(f, "User alice from 203.0.113.7 / 203.0.113.7 and (unknown host.name).");
    free(f);
    /* not placeholders: left alone */
    f = ct_guide_fill("{{ }} {{a b}} {{x} {x}} {{", lookup, vals);
    assert_string_equal(f, "{{ }} {{a b}} {{x} {x}} {{");
    free(f);
    f = ct_guide_fill("{{user.name}}", NULL, NULL);
    assert_string_equal(f, "(unknown user.name)");
    free(f);
    f = ct_guide_fill(NULL, lookup, vals);
    assert_string_equal(f, "");
    free(f);
    f = ct_guide_fill("", lookup, vals);
    assert_string_equal(f, "");
    free(f);
}

static void test_fill_hostile_value(void **st)
{
    (void)st;
    struct kv vals[] = {
        { "user.name", "ev\x1b[2Jil\rroot\xe2\x80\xae" "gpj.exe\nnext" },
        { "link", "[Reset your password](http://evil.example) <b> *x* a_b `c`" },
        { "dash", "- fake item" },
        { NULL, NULL },
    };
    char *f = ct_guide_fill("Name: {{user.name}}", lookup, vals);
    assert_inert(f, 1);
    assert_null(strchr(f, '\x1b'));
    assert_null(strchr(f, '\r'));
    assert_null(strchr(f, '\n'));
    assert_non_null(strstr(f, "\\\\x1b")); /* "\x1b" escape, its backslash escaped for Markdown */
    assert_non_null(strstr(f, "<U+202E>") ? strstr(f, "<U+202E>") : strstr(f, "\\<U+202E\\>"));
    free(f);

    /* rendered, a value can never become a link, emphasis or a list item */
    f = ct_guide_fill("See {{link}} now.\n\n{{dash}}\n", lookup, vals);
    ct_guide_doc d;
    assert_int_equal(ct_guide_render(f, 0, &d), 0);
    assert_int_equal(attr_of(&d, "Reset"), 0);
    assert_true(find_line(&d, "See [Reset your password](http://evil.example) <b> *x* a_b `c` now.") >= 0);
    assert_true(find_line(&d, "- fake item") >= 0);
    for (size_t i = 0; i < d.nlines; i++)
        for (size_t k = 0; k < d.lines[i].nsegs; k++) {
            assert_int_equal(d.lines[i].segs[k].attr & (CT_GA_LINK | CT_GA_BULLET | CT_GA_ITALIC), 0);
        }
    ct_guide_doc_free(&d);
    free(f);

    /* inside a code span the value is verbatim, but cannot close the span */
    f = ct_guide_fill("Run `grep {{link}}` and\n\n```\n{{user.name}} {{link}}\n```\n", lookup, vals);
    assert_non_null(strstr(f, "`grep [Reset your password](http://evil.example) <b> *x* a_b \\x60c\\x60`"));
    assert_int_equal(ct_guide_render(f, 0, &d), 0);
    assert_doc_inert(&d);
    assert_true(attr_of(&d, "a_b") & CT_GA_CODE);
    ct_guide_doc_free(&d);
    free(f);
}

/* ---------------------------------------------------------------- render */

static void test_headings(void **st)
{
    (void)st;
    ct_guide_doc d;
    assert_int_equal(ct_guide_render("# One\n\n## Two\n\n### Three\n\ntext\n", 80, &d), 0);
    long h1 = find_line(&d, "One"), h2 = find_line(&d, "Two"), h3 = find_line(&d, "Three");
    assert_true(h1 >= 0 && h2 > h1 && h3 > h2);
    assert_int_equal(d.lines[h1].heading_level, 1);
    assert_int_equal(d.lines[h2].heading_level, 2);
    assert_int_equal(d.lines[h3].heading_level, 3);
    assert_true(d.lines[h1].segs[0].attr & CT_GA_HEADING);
    assert_int_equal(d.lines[find_line(&d, "text")].heading_level, 0);
    assert_int_equal(find_line(&d, "#"), -1); /* no markers in styled mode */
    ct_guide_doc_free(&d);

    char *t = text_of("# One\n\n## Two\n\n### Three\n\n#### Four\n\ntext\n", 80);
    assert_string_equal(t, "One\n===\n\nTwo\n---\n\n### Three\n\n#### Four\n\ntext\n");
    free(t);
}

static void check_wrap(const char *md, int width)
{
    ct_guide_doc d;
    assert_int_equal(ct_guide_render(md, width, &d), 0);
    assert_doc_inert(&d);
    for (size_t i = 0; i < d.nlines; i++) {
        char *t = line_text(&d.lines[i]);
        int code = d.lines[i].nsegs && (d.lines[i].segs[d.lines[i].nsegs - 1].attr & CT_GA_CODE) &&
                   strncmp(t, "    ", 4) == 0;
        if (!code) assert_true(ct_san_width(t) <= width);
        assert_true(!*t || t[strlen(t) - 1] != ' ');
        free(t);
    }
    ct_guide_doc_free(&d);
}

static void test_wrap_40_80(void **st)
{
    (void)st;
    const char *para =
        "Adversaries may steal or forge **access keys** to *authenticate* to cloud APIs. "
        "This paragraph is long enough to wrap several times at forty columns and at least "
        "once at eighty, with \xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97 wide characters and "
        "e\xcc\x81 combining marks mixed in, plus a verylongtokenwithoutanyspacesthatexceedsfortycolumnsforsure.\n";
    check_wrap(para, 40);
    check_wrap(para, 80);
    check_wrap(GUIDE, 40);
    check_wrap(GUIDE, 80);

    /* words are kept whole and in order; only spaces change */
    char *t40 = text_of("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi\n", 40);
    assert_string_equal(t40, "alpha beta gamma delta epsilon zeta eta\n"
                             "theta iota kappa lambda mu nu xi omicron\n"
                             "pi\n");
    free(t40);
    char *t80 = text_of("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi\n", 80);
    assert_string_equal(t80, "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron\npi\n");
    free(t80);
    /* CJK wraps by columns, not bytes: 25 wide chars = 50 columns */
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (int i = 0; i < 25; i++) ct_sbuf_add(&b, "\xe4\xb8\xad");
    char *t = text_of(b.buf, 40);
    char *nl = strchr(t, '\n');
    assert_non_null(nl);
    *nl = 0;
    assert_int_equal(ct_san_width(t), 40);
    free(t);
    ct_sbuf_free(&b);
    /* width <= 0: no wrapping */
    t = text_of("a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p\n", 0);
    assert_int_equal(strchr(t, '\n') - t, 83);
    free(t);
}

static void test_lists(void **st)
{
    (void)st;
    char *t = text_of("Intro:\n\n- one\n- two is a longer item that wraps past forty columns\n"
                      "  - nested a\n  - nested b\n    1. deep\n- three\n\n3. c\n4. d\n\nafter\n", 40);
    assert_string_equal(t,
        "Intro:\n"
        "\n"
        "- one\n"
        "- two is a longer item that wraps past\n"
        "  forty columns\n"
        "  - nested a\n"
        "  - nested b\n"
        "    1. deep\n"
        "- three\n"
        "\n"
        "3. c\n"
        "4. d\n"
        "\n"
        "after\n");
    free(t);
    /* loose list: blank lines between items, hanging indent for 2nd paragraph */
    t = text_of("1. first\n\n   more\n2. second\n", 80);
    assert_string_equal(t, "1. first\n\n   more\n\n2. second\n");
    free(t);

    ct_guide_doc d;
    assert_int_equal(ct_guide_render("- item\n", 80, &d), 0);
    assert_int_equal(d.nlines, 1);
    assert_int_equal(d.lines[0].nsegs, 2);
    assert_string_equal(d.lines[0].segs[0].text, "- ");
    assert_int_equal(d.lines[0].segs[0].attr, CT_GA_BULLET);
    assert_string_equal(d.lines[0].segs[1].text, "item");
    ct_guide_doc_free(&d);
    /* empty items still show their marker */
    t = text_of("-\n- x\n", 80);
    assert_string_equal(t, "- \n- x\n");
    free(t);
}

static void test_inline_styles(void **st)
{
    (void)st;
    ct_guide_doc d;
    assert_int_equal(ct_guide_render("plain *it* **bold** ***both*** `co de` [lnk](https://x.example/a) "
                                     "<https://auto.example> ![alt](img.png)\n", 200, &d), 0);
    assert_int_equal(d.nlines, 1);
    assert_int_equal(attr_of(&d, "plain"), 0);
    assert_int_equal(attr_of(&d, "it"), CT_GA_ITALIC);
    assert_int_equal(attr_of(&d, "bold"), CT_GA_BOLD);
    assert_int_equal(attr_of(&d, "both"), CT_GA_BOLD | CT_GA_ITALIC);
    assert_int_equal(attr_of(&d, "co de"), CT_GA_CODE);
    assert_int_equal(attr_of(&d, "lnk"), CT_GA_LINK);
    assert_int_equal(attr_of(&d, "https://auto.example"), CT_GA_LINK);
    char *t = line_text(&d.lines[0]);
    assert_string_equal(t, "plain it bold both co de lnk (https://x.example/a) https://auto.example alt (img.png)");
    free(t);
    ct_guide_doc_free(&d);
    t = text_of("a [b](http://c) &amp; &lt;x&gt; &#x41; &copy;\n", 80);
    assert_string_equal(t, "a b (http://c) & <x> A \xc2\xa9\n");
    free(t);
}

static void test_code_quote_hr(void **st)
{
    (void)st;
    const char *md =
        "Before\n\n"
        "```sh\n"
        "aws iam list-access-keys --user-name alice --output json --query 'AccessKeyMetadata[].AccessKeyId'\n"
        "\tindented\x1b[31m\n"
        "\n"
        "end\n"
        "```\n\n"
        "> quoted text that goes on and on until it must wrap somewhere\n>\n> second\n\n"
        "---\n\n"
        "    indented code\n";
    char *t = text_of(md, 40);
    assert_string_equal(t,
        "Before\n"
        "\n"
        "    aws iam list-access-keys --user-name alice --output json --query 'AccessKeyMetadata[].AccessKeyId'\n"
        "        indented\\x1b[31m\n" /* md4c hands the leading tab over as spaces */
        "\n"
        "    end\n"
        "\n"
        "> quoted text that goes on and on until\n"
        "> it must wrap somewhere\n"
        ">\n"
        "> second\n"
        "\n"
        "----------------------------------------\n"
        "\n"
        "    indented code\n");
    free(t);
    ct_guide_doc d;
    assert_int_equal(ct_guide_render(md, 40, &d), 0);
    assert_int_equal(attr_of(&d, "aws iam"), CT_GA_CODE);
    assert_doc_inert(&d);
    ct_guide_doc_free(&d);
    /* a table: one line per row */
    t = text_of("| Field | Value |\n|---|---|\n| user | alice |\n", 80);
    assert_string_equal(t, "Field | Value\nuser | alice\n");
    free(t);
}

static void test_controls_never_pass(void **st)
{
    (void)st;
    const char *md =
        "# Title \x1b]0;owned\x07\n\n"
        "Text with \x1b[2J clear, CR\rhere, BS\b, C1 \xc2\x9b and raw \x9b, bidi \xe2\x80\xae"
        "abc, zw\xe2\x80\x8bx, NUL entity &#0; ESC entity &#27; &#x9B; &#x202E;.\n\n"
        "[click\x1b[5m](http://a.example/\x1b]8;;x\x07) `co\x1b de`\n\n"
        "- item \x1b[1m\n";
    ct_guide_doc d;
    assert_int_equal(ct_guide_render(md, 40, &d), 0);
    assert_doc_inert(&d);
    ct_guide_doc_free(&d);
    char *t = text_of(md, 0);
    assert_non_null(strstr(t, "\\x1b[2J"));
    assert_non_null(strstr(t, "<U+202E>abc"));
    assert_non_null(strstr(t, "<U+009B>"));
    assert_non_null(strstr(t, "\\x9b"));
    assert_non_null(strstr(t, "ESC entity \\x1b"));
    free(t);
}

/* ---------------------------------------------------------------- steps / sections */

static void test_response_steps(void **st)
{
    (void)st;
    char **steps;
    size_t n;
    assert_int_equal(ct_guide_response_steps(GUIDE, &steps, &n), 0);
    assert_int_equal(n, 4);
    assert_string_equal(steps[0], "Initiate the incident response process based on the outcome of the triage.");
    assert_string_equal(steps[1], "Deactivate the access key: aws iam update-access-key --status Inactive.");
    assert_string_equal(steps[2], "Rotate secrets the identity could read: AWS access keys; Azure client secrets");
    assert_string_equal(steps[3], "Follow the credential leak runbook (https://wiki.example/runbook).");
    ct_guide_steps_free(steps, n);

    /* filled guide with a hostile value inside a step */
    const char *md = "## Remediation\n\nSome text.\n\n1. Disable {{user.name}}\n2. Tell the owner\n";
    struct kv vals[] = { { "user.name", "bob\x1b]52;c;eA==\x07\xe2\x80\xae" }, { NULL, NULL } };
    char *f = ct_guide_fill(md, lookup, vals);
    assert_int_equal(ct_guide_response_steps(f, &steps, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(steps[0], "Disable bob\\x1b]52;c;eA==\\x07<U+202E>");
    assert_string_equal(steps[1], "Tell the owner");
    ct_guide_steps_free(steps, n);
    free(f);

    /* none: no such heading, or a heading without a list before the next section */
    assert_int_equal(ct_guide_response_steps("# x\n\n- a\n", &steps, &n), 0);
    assert_int_equal(n, 0);
    assert_null(steps);
    assert_int_equal(ct_guide_response_steps("## Response\n\ntext\n\n## Other\n\n- a\n", &steps, &n), 0);
    assert_int_equal(n, 0);
    ct_guide_steps_free(steps, n);
    assert_int_equal(ct_guide_response_steps(NULL, &steps, &n), 0);
    assert_int_equal(n, 0);
}

static void test_has_section(void **st)
{
    (void)st;
    assert_int_equal(ct_guide_has_section(GUIDE, "triage and analysis"), 1);
    assert_int_equal(ct_guide_has_section(GUIDE, "SETUP"), 1);
    assert_int_equal(ct_guide_has_section(GUIDE, "Unusual"), 0);   /* level 1 only */
    assert_int_equal(ct_guide_has_section(GUIDE, "response"), 0);  /* level 3 only */
    assert_int_equal(ct_guide_has_section(GUIDE, "references"), 0);
    assert_int_equal(ct_guide_has_section(NULL, "x"), 0);
    assert_int_equal(ct_guide_has_section(GUIDE, NULL), 0);
}

/* ---------------------------------------------------------------- garbage */

static void render_all(const char *md, size_t len)
{
    (void)len;
    ct_guide_doc d;
    if (ct_guide_render(md, 40, &d) == 0) {
        assert_doc_inert(&d);
        ct_guide_doc_free(&d);
    }
    ct_sbuf b;
    ct_sbuf_init(&b);
    if (ct_guide_render_text(md, 13, &b) == 0) assert_inert(b.buf, 1);
    ct_sbuf_free(&b);
    char **steps;
    size_t n;
    if (ct_guide_response_steps(md, &steps, &n) == 0) {
        for (size_t i = 0; i < n; i++) assert_inert(steps[i], 0);
        ct_guide_steps_free(steps, n);
    }
    (void)ct_guide_has_section(md, "response");
    char *f = ct_guide_fill(md, lookup, (struct kv[]){ { "a", "\x1b`]" }, { NULL, NULL } });
    free(f);
}

static void test_garbage(void **st)
{
    (void)st;
    static const char *cases[] = {
        "", "\n\n\n", "#", "######", "- ", "1.", "> > > >", "```", "```\nunterminated",
        "[[[[[[[[[[]]]]]]]]", "**__**__*_*_", "<a href=x>", "&#xFFFFFFFF; &#99999999999; &#;",
        "| a |\n|---|\n| b | c | d |", "*\x1b*", "\xff\xfe\xfd", "{{", "{{a}}{{a}}", "## Response\n-",
        "## Response\n- a\n  - b\n    - c\n      - d\n", "- \n  - \n    - \n",
    };
    for (size_t i = 0; i < CT_ARRAY_LEN(cases); i++) render_all(cases[i], strlen(cases[i]));

    /* deep nesting */
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (int i = 0; i < 2000; i++) ct_sbuf_add(&b, "> ");
    ct_sbuf_add(&b, "deep\n");
    for (int i = 0; i < 300; i++) { for (int k = 0; k < i; k++) ct_sbuf_add(&b, "  "); ct_sbuf_add(&b, "- x\n"); }
    for (int i = 0; i < 5000; i++) ct_sbuf_add(&b, "*[`");
    render_all(b.buf, b.len);
    ct_sbuf_free(&b);

    /* random Markdown-ish bytes */
    static const char alphabet[] = "#*_`[]()<>!-+1.> \n\t|~&;{}\\x\x1b\r\x9b\xc2\xe2\x80\xae\xe4\xb8\xad";
    srand(12345);
    for (int iter = 0; iter < 300; iter++) {
        size_t len = (size_t)(rand() % 400);
        char *buf = malloc(len + 1);
        for (size_t i = 0; i < len; i++) buf[i] = alphabet[rand() % (int)(sizeof alphabet - 1)];
        buf[len] = 0;
        render_all(buf, len);
        free(buf);
    }
}

static void test_large(void **st)
{
    (void)st;
    /* one 400 KB paragraph, unwrapped and wrapped: must stay linear */
    ct_sbuf b;
    ct_sbuf_init(&b);
    for (int i = 0; i < 40000; i++) ct_sbuf_add(&b, i % 2 ? "**word** " : "text ");
    ct_guide_doc d;
    assert_int_equal(ct_guide_render(b.buf, 0, &d), 0);
    assert_int_equal(d.nlines, 1);
    ct_guide_doc_free(&d);
    assert_int_equal(ct_guide_render(b.buf, 80, &d), 0);
    assert_true(d.nlines > 1000);
    ct_guide_doc_free(&d);
    ct_sbuf_free(&b);
}

int main(void)
{
    if (!setlocale(LC_ALL, "C.UTF-8")) setlocale(LC_ALL, "C.utf8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_known_unknown),
        cmocka_unit_test(test_fill_hostile_value),
        cmocka_unit_test(test_headings),
        cmocka_unit_test(test_wrap_40_80),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_inline_styles),
        cmocka_unit_test(test_code_quote_hr),
        cmocka_unit_test(test_controls_never_pass),
        cmocka_unit_test(test_response_steps),
        cmocka_unit_test(test_has_section),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
