#!/bin/sh
# Console on the hostile sample (story 6: an application named
# "billing ESC[31m-export ESC[0m CR payroll-sync U+202E xcod.exe"): the raw
# byte stream sent to the terminal never carries the data's escape sequence,
# its carriage return or the RIGHT-TO-LEFT OVERRIDE; the screen shows the
# escaped form instead.
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

RAW="$TMP/raw"
# without colour, so that any ESC [31m in the stream could only come from the data
CT_PIPE="$RAW" ct_start NO_COLOR=1 --
ct_wait "Alert queue [open]"
tmux -L "$SOCK" resize-window -t ct -x 200 -y 40
ct_keys : ; ct_type "filter text=grady"; ct_keys Enter
ct_wait 'billing\x1b[31m-export\x1b[0m\x0dpayroll-sync <U+202E>xcod.exe'
ct_keys Enter
ct_wait "1 Guide"
ct_wait 'billing\x1b[31m-export'
ct_keys 2
ct_wait "Same target"
ct_keys 3
ct_wait "Raw record"
ct_keys / ; ct_type "billing"; ct_keys Enter
ct_wait '<U+202E>xcod.exe'
ct_keys q
ct_wait "Alert queue"
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"

[ -s "$RAW" ] || ct_fail "no raw output captured"
ESC=$(printf '\033')
LC_ALL=C grep -q "${ESC}\[31m" "$RAW" && ct_fail "ESC [31m reached the terminal"
LC_ALL=C grep -q "${ESC}\[0m$(printf '\r')" "$RAW" && ct_fail "the data's ESC [0m CR reached the terminal"
LC_ALL=C grep -q "$(printf '\342\200\256')" "$RAW" && ct_fail "U+202E (E2 80 AE) reached the terminal"
LC_ALL=C grep -q "$(printf '\r')payroll-sync" "$RAW" && ct_fail "a raw CR before payroll-sync reached the terminal"
# the escaped form did go out
LC_ALL=C grep -q 'billing\\x1b\[31m' "$RAW" || ct_fail "the escaped form is not in the output"
exit 0
