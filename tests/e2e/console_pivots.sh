#!/bin/sh
# Pivots and data out (issue #17): p on a value opens every loaded event with
# it (counted against `events --json` and jq), :events FIELD=VALUE does the
# same, y copies a value with OSC 52 (read back from tmux's buffer; hostile
# text arrives inert), | pipes the view's text to $PAGER, the raw record
# scrolls sideways, the correlation pane's detail lines keep actor and IP.
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"
command -v jq >/dev/null || { echo "SKIP: jq is not installed"; exit 0; }

count_ip() { "$CT" events --json $SAMPLES 2>/dev/null | jq -c "select(.source.ip==\"$1\")" | wc -l | tr -d ' '; }
ev_rows() { ct_screen | grep -cE '^ (▶| ) [0-9]{2}-[0-9]{2} [0-9:]{8}  '; }

ct_start "PAGER=cat > $TMP/piped" --
tmux -L "$SOCK" set -g set-clipboard on
ct_wait "Alert queue [open]"
# ---- p on megan's incident: choose payroll-sync ----
ct_keys / ; ct_type '^INC-8db28f3a187b'; ct_keys Enter
ct_wait "INC-8db28f3a187b  score 100"
ct_keys p
ct_wait "pivot: [1] entity megan.bowen@contoso.com"
ct_keys 3
ct_wait "Events entity=payroll-sync (16)"
ct_wait "16 events with entity=payroll-sync"
[ "$(ev_rows)" = 16 ] || ct_fail "not 16 event lines"
# ---- | pipes the whole view ----
ct_keys '|'
ct_wait "|: 17 lines piped to cat > $TMP/piped"
[ "$(wc -l < "$TMP/piped")" = 17 ] || ct_fail "the pager did not get 17 lines"
head -n 1 "$TMP/piped" | grep -q '^ 16 events with entity=payroll-sync  of ' || ct_fail "piped text: $(head -n 1 "$TMP/piped")"
[ "$(grep -c 'payroll-sync' "$TMP/piped")" = 17 ] || ct_fail "a piped event line lacks payroll-sync"
ct_wait "Events entity=payroll-sync (16)"
ct_keys q
# ---- :events ip=..., counted independently ----
want=$(count_ip 203.0.113.66)
ct_keys : ; ct_type 'events ip=203.0.113.66'; ct_keys Enter
ct_wait "Events ip=203.0.113.66 ($want)"
[ "$(ev_rows)" = "$want" ] || ct_fail "not $want event lines for the IP"
# ---- y: one value, OSC 52, said ----
ct_keys y
ct_wait "yank: [1] entity megan.bowen@contoso.com"
ct_keys 3
ct_wait "copied ip (OSC 52, 12 bytes): 203.0.113.66"
[ "$(tmux -L "$SOCK" show-buffer)" = "203.0.113.66" ] || ct_fail "clipboard: $(tmux -L "$SOCK" show-buffer)"
# ---- the raw record scrolls sideways ----
ct_keys Enter
ct_wait "Raw record"
ct_keys Right Right Right
ct_wait "from column 25"
ct_screen | grep -q '^«' || ct_fail "no mark for text scrolled off to the left"
ct_keys Left Left Left
ct_wait_gone "from column"
ct_keys q q
# ---- y on hostile text: the clipboard gets it inert ----
ct_keys : ; ct_type 'filter text=grady'; ct_keys Enter
ct_keys : ; ct_type 'group none'; ct_keys Enter
ct_wait "flat"
ct_keys g y
ct_wait "yank: "
ct_keys 3
ct_wait "copied entity (OSC 52, "
tmux -L "$SOCK" show-buffer > "$TMP/clip"
LC_ALL=C grep -q "$(printf '\033')" "$TMP/clip" && ct_fail "the clipboard holds an ESC byte"
grep -qF 'billing\x1b[31m-export\x1b[0m\x0dpayroll-sync <U+202E>xcod.exe' "$TMP/clip" || ct_fail "clipboard: $(cat "$TMP/clip")"
# ---- correlation at 80 columns: the selected event in full below ----
ct_keys : ; ct_type 'open 5b13199216650932'; ct_keys Enter
ct_keys 2
ct_keys / ; ct_type 'certificates'; ct_keys Enter
ct_wait "megan.bowen@contoso.com from 203.0.113.66 on payroll-sync +cred (3 sources)"
ct_keys Q
ct_wait_exit
exit 0
