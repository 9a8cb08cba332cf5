#!/bin/sh
# Scripted mode: CREDTRIAGE_SCRIPT feeds keys (tig-like names, :commands,
# :screen-dump FILE) and the console quits at the end; CREDTRIAGE_TRACE gets
# the timing lines the benchmarks read.
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

cat > "$TMP/script" <<EOS
# comments and empty lines are skipped

:screen-dump $TMP/d1.txt
/megan<Enter>
<Enter>
2
:screen-dump $TMP/d2.txt
<Tab>
:screen-dump $TMP/d3.txt
q
:sort severity
:screen-dump $TMP/d4.txt
?
:screen-dump $TMP/d5.txt
EOS

ct_start "CREDTRIAGE_SCRIPT=$TMP/script" "CREDTRIAGE_TRACE=$TMP/trace" --
ct_wait_exit 20
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"
for i in 1 2 3 4 5; do [ -s "$TMP/d$i.txt" ] || ct_fail "no screen dump d$i"; done
grep -q "Alert queue \[open\]" "$TMP/d1.txt" || ct_fail "d1: no queue"
[ "$(wc -l < "$TMP/d1.txt")" -eq 24 ] || ct_fail "d1: not 24 lines"
grep -q "Credential usage" "$TMP/d2.txt" || { cat "$TMP/d2.txt" >&2; ct_fail "d2: no correlation pane"; }
grep -q "megan.bowen@contoso.com" "$TMP/d2.txt" || ct_fail "d2: not story 1"
grep -q "Raw record" "$TMP/d3.txt" || { cat "$TMP/d3.txt" >&2; ct_fail "d3: Tab did not switch to the raw pane"; }
grep -q "sort:severity" "$TMP/d4.txt" || { cat "$TMP/d4.txt" >&2; ct_fail "d4: :sort severity"; }
grep -q "Help (q closes)" "$TMP/d5.txt" || ct_fail "d5: no help"
grep -q "^start->first-queue-frame [0-9.]* ms" "$TMP/trace" || { cat "$TMP/trace" >&2; ct_fail "no start trace"; }
grep -q "^key->frame [0-9.]* ms" "$TMP/trace" || ct_fail "no key trace"
exit 0
