/* Unit tests for src/sanitize.c: terminal escapes, bidi and invisible code
 * points, invalid UTF-8, file names, widths and truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <gnu/libc-version.h>
#include <locale.h>
#include <stdio.h>
#include <wchar.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "sanitize.h"

static char *disp(const char *s, size_t n, int flags)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_display(s, n, flags, &b);
    char *r = ct_sbuf_detach(&b); /* detach re-initialises b */
    ct_sbuf_free(&b);
    return r;
}

/* The output invariant every sanitized string must satisfy. */
static void assert_inert(const char *o, size_t n, int multi)
{
    const unsigned char *p = (const unsigned char *)o;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n' && multi) continue;
        assert_true(p[i] >= 0x20);
        assert_true(p[i] != 0x7f);
        /* C1 as UTF-8 is C2 80..C2 9F */
        if (p[i] == 0xC2 && i + 1 < n) assert_false(p[i + 1] >= 0x80 && p[i + 1] <= 0x9F);
    }
    /* and must itself be a fixed point: valid, nothing left to escape */
    char *again = disp(o, n, multi ? CT_SAN_MULTILINE : 0);
    assert_string_equal(again, o);
    free(again);
}

#define CHECK(in, flags, want) do {                                   \
        char *o_ = disp((in), sizeof(in) - 1, (flags));               \
        assert_string_equal(o_, (want));                              \
        assert_inert(o_, strlen(o_), (flags) & CT_SAN_MULTILINE);     \
        free(o_);                                                     \
    } while (0)

static void test_plain(void **st)
{
    (void)st;
    CHECK("hello world", 0, "hello world");
    CHECK("", 0, "");
    CHECK("C:\\Users\\alice", 0, "C:\\Users\\alice");
    CHECK("caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x94\x91", 0,
          "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x94\x91");
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_displayz(NULL, 0, &b);
    assert_string_equal(b.buf, "");
    ct_san_displayz("x\x1by", 0, &b);
    assert_string_equal(b.buf, "x\\x1by");
    ct_sbuf_free(&b);
}

static void test_csi_osc_dcs(void **st)
{
    (void)st;
    CHECK("\x1b[2J\x1b[H", 0, "\\x1b[2J\\x1b[H");
    CHECK("\x1b[31mred\x1b[0m", 0, "\\x1b[31mred\\x1b[0m");
    /* OSC 0 (title) with BEL, OSC 8 hyperlink and OSC 52 clipboard with ST */
    CHECK("\x1b]0;pwned\x07", 0, "\\x1b]0;pwned\\x07");
    CHECK("\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\", 0,
          "\\x1b]8;;http://evil/\\x1b\\click\\x1b]8;;\\x1b\\");
    CHECK("\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07", 0, "\\x1b]52;c;Y3VybCBldmlsIHwgc2g=\\x07");
    /* DCS ... ST */
    CHECK("\x1bP1$r0m\x1b\\", 0, "\\x1bP1$r0m\\x1b\\");
    /* 8-bit C1 forms: CSI as the code point U+009B and as the raw byte 0x9b */
    CHECK("\xc2\x9b" "2J", 0, "<U+009B>2J");
    CHECK("\x9b" "2J", 0, "\\x9b2J");
    CHECK("\xc2\x9d" "0;t\xc2\x9c", 0, "<U+009D>0;t<U+009C>");
    CHECK("\xc2\x85", 0, "<U+0085>");
}

static void test_c0_cr_bs_del(void **st)
{
    (void)st;
    CHECK("ok\rFAKE", 0, "ok\\x0dFAKE");
    CHECK("abc\b\b\bxyz", 0, "abc\\x08\\x08\\x08xyz");
    CHECK("a\x7f" "b", 0, "a\\x7fb");
    CHECK("l1\nl2\tx", 0, "l1\\x0al2\\x09x");
    CHECK("l1\nl2\tx", CT_SAN_MULTILINE, "l1\nl2      x");
    CHECK("\tx\r\n", CT_SAN_MULTILINE, "        x\\x0d\n");
    CHECK("\x01\x1f", 0, "\\x01\\x1f");
}

static void test_nul(void **st)
{
    (void)st;
    CHECK("adm\0in", 0, "adm\\x00in");
    CHECK("\0", 0, "\\x00");
}

static void test_bidi_invisible(void **st)
{
    (void)st;
    /* Trojan Source style RLO */
    CHECK("user\xe2\x80\xae" "fdp.exe", 0, "user<U+202E>fdp.exe");
    CHECK("\xe2\x81\xa6x\xe2\x81\xa9", 0, "<U+2066>x<U+2069>");
    CHECK("\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f", 0, "<U+061C><U+200E><U+200F>");
    CHECK("ad\xe2\x80\x8bmin", 0, "ad<U+200B>min");
    CHECK("\xe2\x80\x8c\xe2\x80\x8d\xe2\x81\xa0\xef\xbb\xbf\xc2\xad", 0,
          "<U+200C><U+200D><U+2060><U+FEFF><U+00AD>");
    CHECK("a\xe2\x80\xa8" "b\xe2\x80\xa9", CT_SAN_MULTILINE, "a<U+2028>b<U+2029>");
    /* tag characters (ASCII smuggling) */
    CHECK("\xf3\xa0\x80\x81", 0, "<U+E0001>");
    /* non-dangerous neighbours stay */
    CHECK("\xe2\x80\x90\xe2\x80\x94", 0, "\xe2\x80\x90\xe2\x80\x94");
}

/* UTF-8 of one code point */
static size_t enc(uint32_t cp, char *b)
{
    if (cp < 0x80) { b[0] = (char)cp; return 1; }
    if (cp < 0x800) { b[0] = (char)(0xC0 | cp >> 6); b[1] = (char)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12); b[1] = (char)(0x80 | ((cp >> 6) & 63));
        b[2] = (char)(0x80 | (cp & 63)); return 3;
    }
    b[0] = (char)(0xF0 | cp >> 18); b[1] = (char)(0x80 | ((cp >> 12) & 63));
    b[2] = (char)(0x80 | ((cp >> 6) & 63)); b[3] = (char)(0x80 | (cp & 63));
    return 4;
}

/* The set generated from the UCD (src/sanitize_ucd.h): every code point the
 * issue lists, and one of each class, comes out as exactly "<U+XXXX>" between
 * two letters; their visible neighbours stay. */
static void test_ucd_escaped(void **st)
{
    (void)st;
    static const uint32_t esc[] = {
        0x0080, 0x0085, 0x009B, 0x009F,                 /* C1 */
        0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5,
        0x180B, 0x180C, 0x180D, 0x180E, 0x180F,
        0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x08E2,
        0x110BD, 0x110CD, 0x13430, 0x1BCA0, 0x1D173,    /* format characters */
        0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202E, 0x2060, 0x2064,
        0x2065, 0x2066, 0x2069, 0x206F, 0xFEFF, 0xFFF0, 0xFFF9, 0xFFFB,
        0xFE00, 0xFE0E, 0xFE0F, 0xE0100, 0xE01EF,       /* variation selectors */
        0xE0000, 0xE0001, 0xE0020, 0xE0041, 0xE007F, 0xE0FFF, /* tags, reserved DI */
        0x2028, 0x2029,                                  /* Zl, Zp */
        0xE000, 0xF8FF, 0xF0000, 0x10FFFD,               /* private use */
        0x0378, 0x0530, 0x2FFFF, 0x50000,                /* unassigned */
        0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF, /* noncharacters */
    };
    for (size_t k = 0; k < sizeof esc / sizeof esc[0]; k++) {
        char in[8] = "a";
        size_t n = 1 + enc(esc[k], in + 1);
        in[n++] = 'b';
        char want[32];
        snprintf(want, sizeof want, "a<U+%04X>b", (unsigned)esc[k]);
        char *o = disp(in, n, 0);
        assert_string_equal(o, want);
        free(o);
        assert_int_equal(ct_san_cp_escaped(esc[k]), 1);
    }
    static const uint32_t keep[] = {
        0x00A0, 0x00E9, 0x0301, 0x0627, 0x05D0, 0x0915, 0x094D, 0x1100, 0x1161,
        0x3000, 0x4E2D, 0xAC00, 0xFF21, 0x2764, 0x1F511, 0x1F1E6, 0x20000, 0x1F3FB,
    };
    for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++) {
        char in[8] = { 0 };
        size_t n = enc(keep[k], in);
        char *o = disp(in, n, 0);
        assert_string_equal(o, in);
        free(o);
        assert_int_equal(ct_san_cp_escaped(keep[k]), 0);
    }
    /* pay<CGJ>roll no longer looks like payroll */
    CHECK("pay\xcd\x8froll", 0, "pay<U+034F>roll");
    /* emoji presentation selector: kept after an emoji base, escaped elsewhere */
    CHECK("\xe2\x9d\xa4\xef\xb8\x8f", 0, "\xe2\x9d\xa4\xef\xb8\x8f");   /* red heart */
    CHECK("\xe2\x9d\xa4\xef\xb8\x8e", 0, "\xe2\x9d\xa4\xef\xb8\x8e");   /* text style */
    CHECK("adm\xef\xb8\x8fin", 0, "adm<U+FE0F>in");
    CHECK("1\xef\xb8\x8f", 0, "1<U+FE0F>");                                  /* ASCII base */
    CHECK("\xe2\x9d\xa4\xef\xb8\x8f\xef\xb8\x8f", 0, "\xe2\x9d\xa4\xef\xb8\x8f<U+FE0F>");
    CHECK("\xe4\xb8\xad\xef\xb8\x8f", 0, "\xe4\xb8\xad<U+FE0F>");          /* not a base */
    CHECK("\xe2\x9d\xa4\xe2\x80\x8d\xf0\x9f\x94\xa5", 0, "\xe2\x9d\xa4<U+200D>\xf0\x9f\x94\xa5");
}

/* CT_SAN_ASCII (a terminal whose charset is not UTF-8): valid UTF-8 such as
 * U+00DB (bytes C3 9B, 0x9B being an 8-bit CSI there) is escaped whole. */
static void test_ascii(void **st)
{
    (void)st;
    CHECK("\xc3\x9b" "2J", CT_SAN_ASCII, "<U+00DB>2J");
    CHECK("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x94\x91", CT_SAN_ASCII, "caf<U+00E9> <U+4E2D> <U+1F511>");
    CHECK("\xe2\x9d\xa4\xef\xb8\x8f", CT_SAN_ASCII, "<U+2764><U+FE0F>");
    CHECK("a\x1b\x9b\xc2\x9b\n", CT_SAN_ASCII | CT_SAN_MULTILINE, "a\\x1b\\x9b<U+009B>\n");
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_json_text("\"\xc3\x9b\xf0\x9f\x94\x91\xe2\x80\xae\"", 11, CT_SAN_ASCII, &b);
    assert_string_equal(b.buf, "\"\\u00db\\ud83d\\udd11\\u202e\"");
    ct_sbuf_reset(&b);
    ct_san_json_text("\"\xc3\x9b\xe2\x80\xae\xcd\x8f\xef\xb8\x8f\"", 12, 0, &b);
    assert_string_equal(b.buf, "\"\xc3\x9b\\u202e\\u034f\\ufe0f\"");
    ct_sbuf_free(&b);
}

static void test_invalid_utf8(void **st)
{
    (void)st;
    CHECK("\xc0\xaf", 0, "\\xc0\\xaf");                 /* overlong '/' */
    CHECK("\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf");        /* 3-byte overlong */
    CHECK("\xf0\x80\x80\xaf", 0, "\\xf0\\x80\\x80\\xaf");
    CHECK("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");        /* surrogate D800 */
    CHECK("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
    CHECK("\xf5\xff\xfe", 0, "\\xf5\\xff\\xfe");
    CHECK("\x80" "a", 0, "\\x80a");                     /* stray continuation */
    CHECK("\xe4\xb8" "a", 0, "\\xe4\\xb8a");            /* truncated, resync */
    CHECK("\xe4\xb8", 0, "\\xe4\\xb8");                 /* truncated at end */
    CHECK("\xc3" "\x1b", 0, "\\xc3\\x1b");
    CHECK("\xef\xbf\xbf", 0, "<U+FFFF>");                 /* well-formed, a noncharacter */
    CHECK("\xf4\x8f\xbf\xbf", 0, "<U+10FFFF>");          /* well-formed, a noncharacter */
}

static void test_large_linear(void **st)
{
    (void)st;
    size_t n = 1u << 20;
    char *big = malloc(n);
    assert_non_null(big);
    /* worst-ish case: every byte needs an escape, mixed with valid UTF-8 */
    for (size_t i = 0; i < n; i++) big[i] = (i % 3 == 0) ? '\x1b' : (i % 3 == 1) ? '\x9b' : 'a';
    clock_t t0 = clock();
    char *o = disp(big, n, 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 2.0);
    assert_int_equal(strlen(o), (n / 3 + 1) * 4 * 2 - 4 + n / 3);
    assert_inert(o, strlen(o), 0);
    free(o);
    for (size_t i = 0; i < n; i++) big[i] = "\xe4\xb8\xad"[i % 3];
    o = disp(big, n - n % 3, 0);
    assert_int_equal(strlen(o), n - n % 3);
    free(o);
    free(big);
}

static char *fname(const char *s)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_filename(s, &b);
    char *r = ct_sbuf_detach(&b); /* detach re-initialises b */
    ct_sbuf_free(&b);
    return r;
}

#define FN(in, want) do { char *f_ = fname(in); assert_string_equal(f_, want); \
        assert_null(strstr(f_, "..")); assert_null(strchr(f_, '/'));            \
        assert_true(f_[0] != '.' && f_[0] != 0 && strlen(f_) <= 100); free(f_); } while (0)

static void test_filename(void **st)
{
    (void)st;
    FN("alert-42_v1.2", "alert-42_v1.2");
    FN("../../etc/passwd", "_._.__etc_passwd");
    FN("a/b", "a_b");
    FN(".git", "_git");
    FN("..", "_.");
    FN("...", "_._");
    FN("a..b", "a._b");
    FN("", "_");
    FN(NULL, "_");
    FN("C:\\Windows\\x", "C__Windows_x");
    FN("caf\xc3\xa9\x1b\n", "caf____");
    FN("a\0b", "a");
    char longid[300];
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = 0;
    char *f = fname(longid);
    assert_int_equal(strlen(f), 100);
    free(f);
}

static char *trunc_s(const char *s, int cols)
{
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_san_truncate(s, cols, &b);
    char *r = ct_sbuf_detach(&b); /* detach re-initialises b */
    ct_sbuf_free(&b);
    return r;
}

static void test_width(void **st)
{
    (void)st;
    assert_int_equal(ct_san_width(""), 0);
    assert_int_equal(ct_san_width(NULL), 0);
    assert_int_equal(ct_san_width("abc"), 3);
    assert_int_equal(ct_san_width("\xe4\xb8\xad\xe6\x96\x87"), 4);        /* CJK: 2 each */
    assert_int_equal(ct_san_width("e\xcc\x81"), 1);                       /* e + U+0301 */
    assert_int_equal(ct_san_width("\xc3\xa9"), 1);
    assert_int_equal(ct_san_width("\xff"), 1);                            /* invalid byte */
    size_t len;
    assert_int_equal(ct_san_cpwidth("\xe4\xb8\xad", 3, &len), 2);
    assert_int_equal(len, 3);
    assert_int_equal(ct_san_cpwidth("\xe4\xb8", 2, &len), 1);
    assert_int_equal(len, 1);
    /* emoji: presentation by default 2; a text-default base is 1, 2 with VS16
     * (one unit: the selector is never split from its base) */
    assert_int_equal(ct_san_width("\xf0\x9f\x94\x91"), 2);                  /* U+1F511 */
    assert_int_equal(ct_san_width("\xe2\x9d\xa4"), 1);                      /* U+2764 */
    assert_int_equal(ct_san_width("\xe2\x9d\xa4\xef\xb8\x8f"), 2);
    assert_int_equal(ct_san_width("\xe2\x9d\xa4\xef\xb8\x8e"), 1);
    assert_int_equal(ct_san_cpwidth("\xe2\x9d\xa4\xef\xb8\x8fx", 7, &len), 2);
    assert_int_equal(len, 6);
    assert_int_equal(ct_san_width("\xe2\x8c\x9a\xef\xb8\x8f"), 2);          /* U+231A W */
    assert_int_equal(ct_san_width("\xf0\x9f\x87\xab\xf0\x9f\x87\xb7"), 2);  /* a flag */
    assert_int_equal(ct_san_width("\xe1\x84\x80\xe1\x85\xa1"), 2);          /* jamo L+V */
    assert_int_equal(ct_san_width("\xe0\xa4\x95\xe0\xa5\x8d"), 1);          /* virama Mn */
    assert_int_equal(ct_san_width("\xef\xbc\xa1\xe3\x80\x80"), 4);          /* fullwidth A, U+3000 */
    assert_int_equal(ct_san_width("\xe2\x80\x8b"), 0);                      /* ZWSP, measured raw */
}

/* Widths agree with glibc's wcwidth() (C.UTF-8, built from the same UCD) on
 * every code point the sanitizer leaves raw; only checked on the glibc the
 * tables were matched with (2.36, Debian 12). */
static void test_width_glibc(void **st)
{
    (void)st;
    if (strcmp(gnu_get_libc_version(), "2.36") != 0) skip();
    long compared = 0, differ = 0;
    for (uint32_t cp = 0x20; cp < 0x110000; cp++) {
        if ((cp >= 0xD800 && cp < 0xE000) || ct_san_cp_escaped(cp)) continue;
        int g = wcwidth((wchar_t)cp);
        if (g < 0) continue; /* unknown to this glibc: newer than its data */
        char b[4];
        size_t n = enc(cp, b), len;
        compared++;
        if (ct_san_cpwidth(b, n, &len) != g) differ++;
    }
    assert_int_equal(differ, 0);
    assert_true(compared > 140000);
}

static void test_truncate(void **st)
{
    (void)st;
    char *t;
    t = trunc_s("hello", 5);  assert_string_equal(t, "hello"); free(t);
    t = trunc_s("hello", 10); assert_string_equal(t, "hello"); free(t);
    t = trunc_s("hello", 4);  assert_string_equal(t, "hel~");  free(t);
    t = trunc_s("hello", 1);  assert_string_equal(t, "~");     free(t);
    t = trunc_s("hello", 0);  assert_string_equal(t, "");      free(t);
    t = trunc_s("", 3);       assert_string_equal(t, "");      free(t);
    /* CJK: a wide char that does not fit is dropped whole */
    t = trunc_s("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 4);
    assert_string_equal(t, "\xe4\xb8\xad~");
    assert_true(ct_san_width(t) <= 4);
    free(t);
    t = trunc_s("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 5);
    assert_string_equal(t, "\xe4\xb8\xad\xe6\x96\x87~");
    free(t);
    t = trunc_s("\xe4\xb8\xad\xe6\x96\x87", 4);
    assert_string_equal(t, "\xe4\xb8\xad\xe6\x96\x87");
    free(t);
    /* combining marks stay with their base */
    t = trunc_s("e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 3);
    assert_string_equal(t, "e\xcc\x81" "e\xcc\x81" "e\xcc\x81");
    free(t);
    t = trunc_s("e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 2);
    assert_string_equal(t, "e\xcc\x81~");
    free(t);
    /* an emoji with VS16 is 2 columns and is cut whole */
    t = trunc_s("\xe2\x9d\xa4\xef\xb8\x8f" "\xe2\x9d\xa4\xef\xb8\x8f" "ab", 4);
    assert_string_equal(t, "\xe2\x9d\xa4\xef\xb8\x8f~");
    free(t);
    t = trunc_s("\xe2\x9d\xa4\xef\xb8\x8f" "\xe2\x9d\xa4\xef\xb8\x8f" "ab", 5);
    assert_string_equal(t, "\xe2\x9d\xa4\xef\xb8\x8f" "\xe2\x9d\xa4\xef\xb8\x8f~");
    free(t);
    /* appends */
    ct_sbuf b;
    ct_sbuf_init(&b);
    ct_sbuf_add(&b, "> ");
    ct_san_truncate("abcdef", 3, &b);
    assert_string_equal(b.buf, "> ab~");
    ct_sbuf_free(&b);
}

/* ct_san_utf8_fix turns invalid UTF-8 into U+FFFD exactly as a JSON file
 * written through ct_san_json_text reads back (the readers of repo files rely
 * on it: decisions and exceptions hold what they write) */
static void test_utf8_fix_as_json_text(void **st)
{
    (void)st;
    static const struct { const char *in, *want; size_t bad; } cases[] = {
        {"plain \xc3\xa9 \xe2\x80\xae ok", "plain \xc3\xa9 \xe2\x80\xae ok", 0},
        {"\xff\xff\xff\x95.0.1", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.0.1", 4},
        {"m\xc3", "m\xef\xbf\xbd", 1},                       /* truncated at the end */
        {"\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3}, /* overlong '/' */
        {"\xed\xa0\x80x", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx", 3}, /* UTF-16 surrogate */
        {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 4}, /* > U+10FFFF */
        {"a\xe2\x82\x19", "a\xef\xbf\xbd\xef\xbf\xbd\x19", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *in = cases[i].in;
        assert_int_equal(ct_san_utf8_bad(in, strlen(in)), cases[i].bad);
        ct_sbuf fix, js;
        ct_sbuf_init(&fix);
        ct_sbuf_init(&js);
        ct_san_utf8_fix(in, strlen(in), &fix);
        assert_string_equal(fix.buf, cases[i].want);
        /* the same string through cJSON's printer and ct_san_json_text, parsed back */
        cJSON *s = cJSON_CreateString(in);
        char *printed = cJSON_PrintUnformatted(s);
        ct_san_json_text(printed, strlen(printed), 0, &js);
        cJSON *back = cJSON_Parse(js.buf);
        assert_non_null(back);
        assert_string_equal(back->valuestring, fix.buf);
        cJSON_Delete(back);
        free(printed);
        cJSON_Delete(s);
        ct_sbuf_free(&fix);
        ct_sbuf_free(&js);
    }
}

int main(void)
{
    if (!setlocale(LC_ALL, "C.UTF-8")) setlocale(LC_ALL, "C.utf8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_csi_osc_dcs),
        cmocka_unit_test(test_c0_cr_bs_del),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_bidi_invisible),
        cmocka_unit_test(test_ucd_escaped),
        cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_utf8_fix_as_json_text),
        cmocka_unit_test(test_large_linear),
        cmocka_unit_test(test_filename),
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_width_glibc),
        cmocka_unit_test(test_truncate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
