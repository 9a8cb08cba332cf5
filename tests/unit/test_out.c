/* Unit tests for src/out.c: the one output path. %s arguments sanitized and
 * padded in columns, numbers as printf, the terminal charset's conversion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

static char *fmt_utf8(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *fmt_utf8(const char *fmt, ...)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    ct_out_vaddf(&b, fmt, ap);
    va_end(ap);
    char *r = ct_sbuf_detach(&b);
    ct_sbuf_free(&b);
    return r;
}

#define EQ(want, ...) do { char *o_ = fmt_utf8(__VA_ARGS__); assert_string_equal(o_, want); free(o_); } while (0)

static void test_format_utf8(void **st)
{
    (void)st;
    ct_out_set_charset("UTF-8");
    EQ("plain 42 -7 ff 3.50 x", "plain %d %ld %x %.2f %c", 42, -7L, 255u, 3.5, 'x');
    EQ("100% 18446744073709551615 12", "100%% %zu %lld", (size_t)-1, 12LL);
    /* hostile %s: escapes visible, on one line */
    EQ("file \\x1b]0;pwn\\x07.json: bad", "%s: %s", "file \x1b]0;pwn\x07.json", "bad");
    EQ("a\\x0ab<U+202E>c<U+009B>d\\x9b", "%s", "a\nb\xe2\x80\xae" "c\xc2\x9b" "d\x9b");
    EQ("pay<U+034F>roll", "%s", "pay\xcd\x8froll");
    EQ("\\x1b", "%c", '\x1b');
    EQ("\\x00", "%c", 0);
    /* widths are columns; precision bounds the bytes read */
    EQ("[ab   ]", "[%-5s]", "ab");
    EQ("[   ab]", "[%5s]", "ab");
    EQ("[\xe4\xb8\xad\xe6\x96\x87 ]", "[%-5s]", "\xe4\xb8\xad\xe6\x96\x87");
    EQ("[\\x1b ]", "[%-5s]", "\x1b");
    EQ("[ab   ]", "[%-*s]", 5, "ab");
    EQ("[abc]", "[%.*s]", 3, "abcdef");
    EQ("[ab]", "[%.2s]", "abcdef");
    EQ("[  7|7  |007]", "[%3d|%-3d|%03d]", 7, 7, 7);
    EQ("x", "x");
}

static void test_charset(void **st)
{
    (void)st;
    /* ASCII (LANG=C): every non-ASCII code point escaped */
    ct_out_set_charset("ANSI_X3.4-1968");
    assert_int_equal(ct_out_utf8(), 0);
    EQ("<U+00DB>2J caf<U+00E9> <U+4E2D>", "%s %s", "\xc3\x9b" "2J", "caf\xc3\xa9 \xe4\xb8\xad");
    EQ("<U+202E> <U+009B>", "%s", "\xe2\x80\xae \xc2\x9b");
    /* the program's own text is converted too */
    EQ("a <U+2014> b", "a \xe2\x80\x94 %s", "b");
    /* ISO-8859-1: what it holds as itself (a byte >= 0xA0), never C1 */
    ct_out_set_charset("ISO-8859-1");
    EQ("\xdb" "2J caf\xe9 <U+4E2D> <U+009B>", "%s", "\xc3\x9b" "2J caf\xc3\xa9 \xe4\xb8\xad \xc2\x9b");
    EQ("[\xe9  ]", "[%-3s]", "\xc3\xa9");
    /* windows-1252 holds U+20AC as 0x80, a C1 byte for the terminal: escaped */
    ct_out_set_charset("CP1252");
    EQ("<U+20AC> \xe9", "%s", "\xe2\x82\xac \xc3\xa9");
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_out_addf_utf8(&b, "%s \xe2\x80\x94", "\xc3\xa9\xe2\x80\xae");
    assert_string_equal(b.buf, "\xc3\xa9<U+202E> \xe2\x80\x94");
    ct_sbuf_free(&b);
    ct_out_set_charset("UTF-8");
    EQ("\xc3\x9b", "%s", "\xc3\x9b");
}

/* ct_out_repr: what ct_out_conv will print, still in UTF-8 (the console
 * measures and cuts it before converting) */
static void repr_is(const char *in, const char *want_repr, const char *want_conv)
{
    ct_sbuf r, c;
    ct_sbuf_init(&r);
    ct_sbuf_init(&c);
    ct_out_repr(in, strlen(in), &r);
    assert_string_equal(r.buf, want_repr);
    ct_out_conv(r.buf, r.len, &c); /* nothing left for the conversion to escape */
    assert_string_equal(c.buf, want_conv);
    ct_sbuf_reset(&c);
    ct_out_conv(in, strlen(in), &c); /* the same bytes as converting at once */
    assert_string_equal(c.buf, want_conv);
    ct_sbuf_free(&r);
    ct_sbuf_free(&c);
}

static void test_repr(void **st)
{
    (void)st;
    const char *in = "\xc3\x9b caf\xc3\xa9 \xe2\x9d\xa4 \xe2\x82\xac \xc2\x9b";
    ct_out_set_charset("UTF-8");
    repr_is(in, in, in);
    ct_out_set_charset("ANSI_X3.4-1968");
    repr_is(in, "<U+00DB> caf<U+00E9> <U+2764> <U+20AC> <U+009B>", "<U+00DB> caf<U+00E9> <U+2764> <U+20AC> <U+009B>");
    ct_out_set_charset("ISO-8859-1");
    repr_is(in, "\xc3\x9b caf\xc3\xa9 <U+2764> <U+20AC> <U+009B>", "\xdb caf\xe9 <U+2764> <U+20AC> <U+009B>");
    ct_out_set_charset("ISO-8859-15");
    repr_is(in, "\xc3\x9b caf\xc3\xa9 <U+2764> \xe2\x82\xac <U+009B>", "\xdb caf\xe9 <U+2764> \xa4 <U+009B>");
    ct_out_set_charset(NULL);
}

static void test_files(void **st)
{
    (void)st;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    ct_out_set_charset("UTF-8");
    assert_int_equal(ct_out_printf(f, "%s|", "a\x1b" "b"), 0);
    assert_int_equal(ct_out_block(f, "l1\x1b\nl2\t.", 8), 0);
    assert_int_equal(ct_out_json(f, "{\"k\":\"\xe2\x80\xae\xc3\xa9\"}", 13, 1), 0);
    ct_out_set_charset("ANSI_X3.4-1968");
    assert_int_equal(ct_out_json(f, "{\"k\":\"\xe2\x80\xae\xc3\xa9\"}", 13, 1), 0);
    assert_int_equal(ct_out_block(f, "\xc3\xa9\n", 3), 0);
    fclose(f);
    assert_string_equal(buf, "a\\x1bb|l1\\x1b\nl2      .{\"k\":\"\\u202e\xc3\xa9\"}\n"
                             "{\"k\":\"\\u202e\\u00e9\"}\n<U+00E9>\n");
    free(buf);
    ct_out_set_charset(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_utf8),
        cmocka_unit_test(test_charset),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_repr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
