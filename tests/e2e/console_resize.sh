#!/bin/sh
# Console on a small or changing terminal: redraw on resize, the "too small"
# notice below 80x24, Ctrl-L; NO_COLOR gives no colour at all while the default
# run does use colour.
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

rsz() { tmux -L "$SOCK" resize-window -t ct -x "$1" -y "$2"; }

CT_PIPE="$TMP/raw-color" ct_start
ct_wait "Alert queue [open]"
ct_keys / ; ct_type "megan"; ct_keys Enter Enter
ct_wait "1 Guide"
ct_keys 2
ct_wait "Credential usage"

rsz 60 15
ct_wait "terminal too small: 60x15"
ct_wait "need at least 80x24"
ct_expect_no "Credential usage"

rsz 120 40
ct_wait_gone "terminal too small"
ct_wait "Credential usage"
# the status line moved to the new last-but-one row
ct_screen | sed -n 39p | grep -q "open " || ct_fail "status line not on row 39 at 120x40"
ct_screen | sed -n 1p | grep -q "Alert .*Correlation" || ct_fail "title not on row 1"

rsz 80 24
ct_wait "Credential usage"
ct_screen | sed -n 23p | grep -q "open " || ct_fail "status line not on row 23 at 80x24"
ct_keys C-l
ct_wait "Credential usage"
ct_keys q
ct_wait "Alert queue [open]"
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"
# colour was used: some SGR colour sequence (ESC [ 3x / 4x ...)
LC_ALL=C grep -q "$(printf '\033')\[[0-9;]*[34][0-9]m" "$TMP/raw-color" || \
    LC_ALL=C grep -q "$(printf '\033')\[[0-9;]*3[0-9];" "$TMP/raw-color" || ct_fail "no colour without NO_COLOR"

# NO_COLOR: not a single colour sequence; severity still readable as text
CT_PIPE="$TMP/raw-mono" ct_start NO_COLOR=1 --
ct_wait "Alert queue [open]"
ct_wait "MED"
ct_keys Enter
ct_wait "1 Guide"
ct_keys Q
ct_wait_exit
[ -s "$TMP/raw-mono" ] || ct_fail "no raw output captured"
if LC_ALL=C grep -q "$(printf '\033')\[[0-9;]*[34][0-9]m" "$TMP/raw-mono" ||
   LC_ALL=C grep -q "$(printf '\033')\[[0-9;]*[34][0-9];[0-9;]*m" "$TMP/raw-mono" ||
   LC_ALL=C grep -q "$(printf '\033')\[[34]8;5;" "$TMP/raw-mono"; then
    ct_fail "NO_COLOR run emitted colour"
fi
exit 0
