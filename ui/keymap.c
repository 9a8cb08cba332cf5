/* keymap: the one key table. It maps keys to requests per view scope, and the
 * help view is generated from it, so a key cannot work without being listed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui_int.h"

#define CTRL(c) ((c) & 0x1f)
#define UI_WCHAR 0x40000000

const ui_keymap ui_keymap_table[] = {
    /* global */
    {'?', REQ_HELP, UI_SCOPE_ANY, "show this help"},
    {KEY_F(1), REQ_HELP, UI_SCOPE_ANY, NULL},
    {'D', REQ_DIAG, UI_SCOPE_ANY, "the load's diagnostics: each skipped or unrecognized record and why"},
    {'q', REQ_BACK, UI_SCOPE_ANY, "back: close this view (the queue: quit)"},
    {27, REQ_BACK, UI_SCOPE_ANY, NULL},
    {'Q', REQ_QUIT, UI_SCOPE_ANY, "quit the console"},
    {CTRL('l'), REQ_REDRAW, UI_SCOPE_ANY, "redraw the screen"},
    {':', REQ_PROMPT, UI_SCOPE_ANY, "command line (:sort :filter :group :events :ack :window :quit ...)"},
    {'p', REQ_PIVOT, UI_SCOPE_LIST, "pivot: every loaded event with a value of this line (identity, IP, key, app)"},
    {'y', REQ_YANK, UI_SCOPE_LIST, "yank a value of this line to the clipboard (OSC 52)"},
    {'|', REQ_PIPE, UI_SCOPE_LIST, "pipe this view's text to $PAGER"},
    /* lists and pagers */
    {'j', REQ_DOWN, UI_SCOPE_LIST, "move down"},
    {KEY_DOWN, REQ_DOWN, UI_SCOPE_LIST, NULL},
    {'k', REQ_UP, UI_SCOPE_LIST, "move up"},
    {KEY_UP, REQ_UP, UI_SCOPE_LIST, NULL},
    {KEY_NPAGE, REQ_PGDN, UI_SCOPE_LIST, "page down"},
    {CTRL('f'), REQ_PGDN, UI_SCOPE_LIST, NULL},
    {' ', REQ_PGDN, UI_SCOPE_LIST, NULL},
    {KEY_PPAGE, REQ_PGUP, UI_SCOPE_LIST, "page up"},
    {CTRL('b'), REQ_PGUP, UI_SCOPE_LIST, NULL},
    {'g', REQ_TOP, UI_SCOPE_LIST, "first line"},
    {KEY_HOME, REQ_TOP, UI_SCOPE_LIST, NULL},
    {'G', REQ_BOTTOM, UI_SCOPE_LIST, "last line"},
    {KEY_END, REQ_BOTTOM, UI_SCOPE_LIST, NULL},
    {'\n', REQ_ENTER, UI_SCOPE_LIST, "open the selected line"},
    {'\r', REQ_ENTER, UI_SCOPE_LIST, NULL},
    {KEY_ENTER, REQ_ENTER, UI_SCOPE_LIST, NULL},
    {'/', REQ_SEARCH, UI_SCOPE_LIST, "search"},
    {'n', REQ_SEARCH_NEXT, UI_SCOPE_LIST, "next match"},
    {'N', REQ_SEARCH_PREV, UI_SCOPE_LIST, "previous match"},
    {KEY_LEFT, REQ_LEFT, UI_SCOPE_LIST, "scroll left (raw record, pagers); the queue: fold"},
    {'h', REQ_LEFT, UI_SCOPE_LIST, NULL},
    {KEY_RIGHT, REQ_RIGHT, UI_SCOPE_LIST, "scroll right (raw record, pagers); the queue: unfold"},
    {'l', REQ_RIGHT, UI_SCOPE_LIST, NULL},
    /* alert queue */
    {'s', REQ_SORT, UI_SCOPE_QUEUE, "sort by score / time / severity / rule / actor (cycles)"},
    {'F', REQ_FILTER_STATUS, UI_SCOPE_QUEUE, "status filter: open / all / acknowledged / false_positive / remediated / suppressed"},
    {'=', REQ_GROUP, UI_SCOPE_QUEUE, "group by incident / actor / target / none (cycles)"},
    {'z', REQ_FOLD, UI_SCOPE_QUEUE, "fold / unfold the incident or group"},
    {'Z', REQ_FOLD_ALL, UI_SCOPE_QUEUE, "fold / unfold every incident or group"},
    {'t', REQ_TAG, UI_SCOPE_QUEUE, "tag the alert, or an incident's / group's alerts (a, f, r, o act on the tagged)"},
    {'a', REQ_ACK, UI_SCOPE_QUEUE | UI_SCOPE_ALERT, "acknowledge"},
    {'f', REQ_FP, UI_SCOPE_QUEUE | UI_SCOPE_ALERT, "false positive: rule exception form"},
    {'r', REQ_REMEDIATE, UI_SCOPE_QUEUE | UI_SCOPE_ALERT, "remediated: response checklist form"},
    {'o', REQ_REOPEN, UI_SCOPE_QUEUE | UI_SCOPE_ALERT, "reopen"},
    {'A', REQ_ASSIGN, UI_SCOPE_QUEUE | UI_SCOPE_ALERT, "assign to 'Name <email>' (you by default; empty: nobody)"},
    {'c', REQ_NOTE, UI_SCOPE_QUEUE | UI_SCOPE_ALERT, "comment: add a note to the alert's thread"},
    {'H', REQ_HISTORY, UI_SCOPE_QUEUE | UI_SCOPE_ALERT, "history of the rules repo"},
    /* alert detail */
    {'\t', REQ_NEXT_PANE, UI_SCOPE_ALERT, "next pane (guide, correlation, raw, notes)"},
    {KEY_BTAB, REQ_PREV_PANE, UI_SCOPE_ALERT, "previous pane"},
    {'1', REQ_PANE1, UI_SCOPE_ALERT, "investigation guide"},
    {'2', REQ_PANE2, UI_SCOPE_ALERT, "correlation"},
    {'3', REQ_PANE3, UI_SCOPE_ALERT, "raw record and ECS document"},
    {'4', REQ_PANE4, UI_SCOPE_ALERT, "notes: the assignee and the team's note thread"},
    /* forms: printable keys always type (on a checkbox row they go to the text
     * field), so no single letter commits, forces or opens the editor */
    {KEY_DOWN, REQ_DOWN, UI_SCOPE_FORM, "next item"},
    {'\t', REQ_DOWN, UI_SCOPE_FORM, NULL},
    {KEY_UP, REQ_UP, UI_SCOPE_FORM, "previous item"},
    {KEY_BTAB, REQ_UP, UI_SCOPE_FORM, NULL},
    {' ', REQ_TOGGLE, UI_SCOPE_FORM, "toggle the checkbox (on a checkbox row)"},
    {'!', REQ_EXCLUDE, UI_SCOPE_FORM, "exception entry: is / is not (on an entry row)"},
    {'\n', REQ_ENTER, UI_SCOPE_FORM, "toggle, next field, or commit on [ Commit ]"},
    {'\r', REQ_ENTER, UI_SCOPE_FORM, NULL},
    {KEY_ENTER, REQ_ENTER, UI_SCOPE_FORM, NULL},
    {CTRL('x'), REQ_COMMIT, UI_SCOPE_FORM, "commit the form"},
    {CTRL('f'), REQ_FORCE, UI_SCOPE_FORM, "force: commit even if it suppresses every alert of the rule (asks y/n)"},
    {CTRL('o'), REQ_EDITOR, UI_SCOPE_FORM, "open the note / reason in $EDITOR"},
    {27, REQ_BACK, UI_SCOPE_FORM, "cancel the form (typed text is kept as a draft)"},
    /* history */
    {'R', REQ_REVERT, UI_SCOPE_HISTORY, "revert the selected commit (asks y/n)"},
    {0, REQ_NONE, 0, NULL},
};

enum ui_req ui_keymap_lookup(int key, unsigned scope)
{
    unsigned order[3] = {scope & ~(unsigned)(UI_SCOPE_LIST | UI_SCOPE_ANY),
                         scope & UI_SCOPE_LIST, UI_SCOPE_ANY};
    for (int o = 0; o < 3; o++) {
        if (!order[o]) continue;
        for (const ui_keymap *k = ui_keymap_table; k->key || k->req; k++)
            if (k->key == key && (k->scope & order[o])) return k->req;
    }
    return REQ_NONE;
}

static const struct { int key; const char *name; } key_names[] = {
    {'\n', "Enter"}, {'\r', "Enter"}, {KEY_ENTER, "Enter"}, {'\t', "Tab"}, {27, "Esc"},
    {' ', "Space"}, {KEY_UP, "Up"}, {KEY_DOWN, "Down"}, {KEY_LEFT, "Left"}, {KEY_RIGHT, "Right"},
    {KEY_NPAGE, "PgDn"}, {KEY_NPAGE, "PgDown"}, {KEY_NPAGE, "PageDown"}, {KEY_PPAGE, "PgUp"},
    {KEY_PPAGE, "PageUp"}, {KEY_HOME, "Home"}, {KEY_END, "End"}, {KEY_BTAB, "S-Tab"},
    {KEY_BACKSPACE, "Backspace"}, {KEY_BACKSPACE, "BS"}, {KEY_DC, "Del"}, {'<', "LT"},
    {KEY_RESIZE, "Resize"},
};

const char *ui_key_name(int key, char buf[16])
{
    for (size_t i = 0; i < CT_ARRAY_LEN(key_names); i++)
        if (key_names[i].key == key) {
            snprintf(buf, 16, "<%s>", key_names[i].name);
            return buf;
        }
    if (key > 0 && key < 32) snprintf(buf, 16, "<C-%c>", key + 'a' - 1);
    else if (key >= KEY_F(1) && key <= KEY_F(12)) snprintf(buf, 16, "<F%d>", key - KEY_F(0));
    else if (key > 32 && key < 127) snprintf(buf, 16, "%c", key);
    else snprintf(buf, 16, "<%#x>", key);
    return buf;
}

static int utf8_decode(const unsigned char *p, int *len)
{
    int n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 1;
    int cp = n == 1 ? p[0] : p[0] & (0x3f >> (n - 1));
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) { *len = 1; return p[0]; }
        cp = cp << 6 | (p[i] & 0x3f);
    }
    *len = n;
    return cp;
}

int ui_key_parse(const char **sp)
{
    const char *s = *sp;
    if (!*s) return -1;
    if (*s == '<') {
        const char *e = strchr(s, '>');
        if (e && e - s > 1 && e - s < 14) {
            char name[16];
            memcpy(name, s + 1, (size_t)(e - s - 1));
            name[e - s - 1] = 0;
            int key = -1;
            for (size_t i = 0; i < CT_ARRAY_LEN(key_names); i++)
                if (ct_strcaseeq(key_names[i].name, name)) { key = key_names[i].key; break; }
            if (key < 0 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-' && name[2] && !name[3])
                key = CTRL(name[2]);
            if (key < 0 && (name[0] == 'F' || name[0] == 'f') && name[1] >= '0' && name[1] <= '9')
                key = KEY_F(atoi(name + 1));
            if (key == '\r') key = '\n';
            if (key >= 0) {
                *sp = e + 1;
                return key;
            }
        }
    }
    int len;
    int cp = utf8_decode((const unsigned char *)s, &len);
    *sp = s + len;
    return cp < 0x100 ? cp : (cp | UI_WCHAR);
}
