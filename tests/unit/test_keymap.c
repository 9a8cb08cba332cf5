/* Unit tests for ui/keymap.c: the one key table of the console — no key means
 * two things in one scope, scopes resolve view-specific first, every request
 * a view handles has a listed key, and the script key names parse. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

/* the table is data plus two pure functions: test it without a terminal */
#include "../../ui/keymap.c"

static const unsigned scopes[] = {UI_SCOPE_ANY,  UI_SCOPE_LIST,  UI_SCOPE_QUEUE,  UI_SCOPE_ALERT,
                                  UI_SCOPE_FORM, UI_SCOPE_HISTORY, UI_SCOPE_PAGER};

static void test_no_conflicts(void **state)
{
    (void)state;
    for (const ui_keymap *a = ui_keymap_table; a->key || a->req; a++)
        for (const ui_keymap *b = a + 1; b->key || b->req; b++)
            for (size_t s = 0; s < CT_ARRAY_LEN(scopes); s++)
                if (a->key == b->key && (a->scope & scopes[s]) && (b->scope & scopes[s])) {
                    char kb[16];
                    fail_msg("key %s bound twice in scope %#x", ui_key_name(a->key, kb), scopes[s]);
                }
}

static void test_every_entry_documented(void **state)
{
    (void)state;
    /* an entry without help is an alias: the entry before has the same request */
    for (const ui_keymap *k = ui_keymap_table; k->key || k->req; k++) {
        if (k->help) continue;
        assert_true(k > ui_keymap_table);
        assert_int_equal(k[-1].req, k->req);
    }
}

static void test_scope_precedence(void **state)
{
    (void)state;
    unsigned queue = UI_SCOPE_QUEUE | UI_SCOPE_LIST | UI_SCOPE_ANY;
    unsigned form = UI_SCOPE_FORM | UI_SCOPE_ANY;
    unsigned alert = UI_SCOPE_ALERT | UI_SCOPE_LIST | UI_SCOPE_ANY;
    assert_int_equal(ui_keymap_lookup(' ', queue), REQ_PGDN);
    assert_int_equal(ui_keymap_lookup(' ', form), REQ_TOGGLE);
    assert_int_equal(ui_keymap_lookup('F', queue), REQ_FILTER_STATUS);
    /* forms: letters type (issue #17), commands are control keys */
    assert_int_equal(ui_keymap_lookup('F', form), REQ_NONE);
    assert_int_equal(ui_keymap_lookup('e', form), REQ_NONE);
    assert_int_equal(ui_keymap_lookup('x', form), REQ_NONE);
    assert_int_equal(ui_keymap_lookup(6, form), REQ_FORCE);   /* C-f */
    assert_int_equal(ui_keymap_lookup(15, form), REQ_EDITOR); /* C-o */
    assert_int_equal(ui_keymap_lookup(24, form), REQ_COMMIT); /* C-x */
    assert_int_equal(ui_keymap_lookup('!', form), REQ_EXCLUDE);
    assert_int_equal(ui_keymap_lookup(KEY_BTAB, alert), REQ_PREV_PANE);
    assert_int_equal(ui_keymap_lookup(KEY_BTAB, form), REQ_UP);
    for (const ui_keymap *k = ui_keymap_table; k->key || k->req; k++)
        if (k->scope == UI_SCOPE_FORM) assert_false(k->key >= 'A' && k->key <= 'z' && isalpha(k->key));
    assert_int_equal(ui_keymap_lookup('\t', alert), REQ_NEXT_PANE);
    assert_int_equal(ui_keymap_lookup('\t', form), REQ_DOWN);
    assert_int_equal(ui_keymap_lookup('q', form), REQ_BACK);
    assert_int_equal(ui_keymap_lookup('Q', alert), REQ_QUIT);
    assert_int_equal(ui_keymap_lookup('j', queue), REQ_DOWN);
    assert_int_equal(ui_keymap_lookup(KEY_NPAGE, alert), REQ_PGDN);
    assert_int_equal(ui_keymap_lookup(6, alert), REQ_PGDN);  /* C-f */
    assert_int_equal(ui_keymap_lookup(2, alert), REQ_PGUP);  /* C-b */
    assert_int_equal(ui_keymap_lookup(12, form), REQ_REDRAW); /* C-l */
    assert_int_equal(ui_keymap_lookup('t', alert), REQ_NONE); /* tags are a queue thing */
    assert_int_equal(ui_keymap_lookup('R', queue), REQ_NONE);
    assert_int_equal(ui_keymap_lookup('R', UI_SCOPE_HISTORY | UI_SCOPE_LIST | UI_SCOPE_ANY), REQ_REVERT);
}

static void test_actions_everywhere_they_belong(void **state)
{
    (void)state;
    const int keys[] = {'a', 'f', 'r', 'o', 'H'};
    const enum ui_req reqs[] = {REQ_ACK, REQ_FP, REQ_REMEDIATE, REQ_REOPEN, REQ_HISTORY};
    for (size_t i = 0; i < CT_ARRAY_LEN(keys); i++) {
        assert_int_equal(ui_keymap_lookup(keys[i], UI_SCOPE_QUEUE | UI_SCOPE_LIST | UI_SCOPE_ANY), reqs[i]);
        assert_int_equal(ui_keymap_lookup(keys[i], UI_SCOPE_ALERT | UI_SCOPE_LIST | UI_SCOPE_ANY), reqs[i]);
    }
}

static int parse1(const char *s, const char **rest)
{
    const char *p = s;
    int k = ui_key_parse(&p);
    if (rest) *rest = p;
    return k;
}

static void test_key_names(void **state)
{
    (void)state;
    const char *rest;
    assert_int_equal(parse1("<Enter>", NULL), '\n');
    assert_int_equal(parse1("<enter>", NULL), '\n');
    assert_int_equal(parse1("<Tab>", NULL), '\t');
    assert_int_equal(parse1("<Esc>", NULL), 27);
    assert_int_equal(parse1("<Up>", NULL), KEY_UP);
    assert_int_equal(parse1("<PgDn>", NULL), KEY_NPAGE);
    assert_int_equal(parse1("<C-l>", NULL), 12);
    assert_int_equal(parse1("<C-x>", NULL), 24);
    assert_int_equal(parse1("<F5>", NULL), KEY_F(5));
    assert_int_equal(parse1("<Space>", NULL), ' ');
    assert_int_equal(parse1("<LT>", NULL), '<');
    assert_int_equal(parse1("<nope>x", &rest), '<'); /* not a name: a plain '<' */
    assert_string_equal(rest, "nope>x");
    assert_int_equal(parse1("jk", &rest), 'j');
    assert_string_equal(rest, "k");
    /* UTF-8 text types whole characters */
    assert_int_equal(parse1("\xc3\xa9!", &rest), 0xe9);
    assert_string_equal(rest, "!");
    assert_int_equal(parse1("\xe2\x82\xac", NULL), 0x20ac | UI_WCHAR);
    /* names round-trip */
    const int keys[] = {'\n', '\t', 27, ' ', KEY_UP, KEY_DOWN, KEY_NPAGE, KEY_PPAGE, 12, 24, 'x', KEY_F(2)};
    for (size_t i = 0; i < CT_ARRAY_LEN(keys); i++) {
        char kb[16];
        assert_int_equal(parse1(ui_key_name(keys[i], kb), NULL), keys[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_conflicts),
        cmocka_unit_test(test_every_entry_documented),
        cmocka_unit_test(test_scope_precedence),
        cmocka_unit_test(test_actions_everywhere_they_belong),
        cmocka_unit_test(test_key_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
