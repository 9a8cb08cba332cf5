#!/bin/sh
# Console, progressive loading: on a file read in steps (slowed down with
# CREDTRIAGE_LOAD_PAUSE_MS), the queue is on screen with the first alerts
# while the status line says how far the load is; browsing works, opening an
# alert or a decision waits, with a message, for the end; then every alert is
# there (as many as `credtriage scan` finds) and Enter opens one. Q while
# loading quits at once; a hang-up while loading ends the console.
CT_WAIT_LOADING=1 # these tests look at the console while it loads / groups
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

${CC:-cc} -O2 -std=c11 -o "$TMP/gen" tests/bench/gen.c || ct_fail "cannot build tests/bench/gen.c"
"$TMP/gen" -n 6000 >"$TMP/big.ndjson" || ct_fail "generator failed"
BIG="$TMP/big.ndjson"
# shellcheck disable=SC2086
total=$(HOME="$TMP/nohome" CREDTRIAGE_DATADIR=. "$CT" scan "$BIG" $SAMPLES 2>&1 >/dev/null |
    grep -o '^[0-9]* alerts' | cut -d' ' -f1)
[ "${total:-0}" -gt 100 ] || ct_fail "scan found ${total:-no} alerts"

ct_start CREDTRIAGE_LOAD_STEP=400000 CREDTRIAGE_LOAD_PAUSE_MS=500 -- "$BIG"
ct_wait "Alert queue [open]" 10
ct_wait "alerts so far" 5
grep -q "loading [0-9]*%" "$TMP/screen" || ct_fail "no load progress in the status line"
grep -qF " of $total" "$TMP/screen" && ct_fail "every alert shown before the load ended"
ct_keys j
ct_keys Enter
ct_wait "opening alerts and decisions wait for the"
ct_keys a
ct_wait "opening alerts and decisions wait for the"
ct_keys ':'; ct_type "ack"; ct_keys Enter
ct_wait ":ack works once loading ends"
# the end: every alert, the counts in the status line, and Enter works
ct_wait " of $total" 30
ct_wait "open " 5
ct_wait_gone "alerts so far" 5
ct_keys Enter
ct_wait "1 Guide"
ct_keys q
ct_wait "Alert queue [open]"
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"

# Each load step remakes only the rows from its first alert's time on
# (ui_queue_published): with CREDTRIAGE_CHECK_ROWS the console compares them
# after every step with the whole list made afresh, and the cursor (moved
# meanwhile) with the alert it was on. The lines are shuffled, so each step's
# alerts fall between earlier ones and move them. Then the CloudTrail records
# that raise alerts come again under other ids, one file each (a step each):
# each step brings an alert of a time an earlier step had.
awk '{ print (NR * 7919) % 6007 "\t" $0 }' "$BIG" | sort -n | cut -f2- >"$TMP/shuffled.ndjson"
again=""
for l in $(HOME="$TMP/nohome" CREDTRIAGE_DATADIR=. "$CT" scan --json "$BIG" 2>/dev/null |
    sed -n 's/.*"line":\([0-9]*\)}}$/\1/p' | sort -n | uniq); do
    sed -n "${l}s/\"eventID\":\"/\"eventID\":\"again-/p" "$BIG" >"$TMP/again$l.ndjson"
    if [ -s "$TMP/again$l.ndjson" ]; then again="$again $TMP/again$l.ndjson"; else rm "$TMP/again$l.ndjson"; fi
done
[ -n "$again" ] || ct_fail "no CloudTrail record raises an alert"
# shellcheck disable=SC2086
total=$(HOME="$TMP/nohome" CREDTRIAGE_DATADIR=. "$CT" scan "$TMP/shuffled.ndjson" $again $SAMPLES 2>&1 >/dev/null |
    grep -o '^[0-9]* alerts' | cut -d' ' -f1)
ct_start CREDTRIAGE_CHECK_ROWS=1 "CREDTRIAGE_TRACE=$TMP/trace" CREDTRIAGE_LOAD_STEP=200000 CREDTRIAGE_LOAD_PAUSE_MS=300 -- "$TMP/shuffled.ndjson" $again
ct_wait "alerts so far" 10
ct_keys j; ct_keys j; ct_keys j
ct_wait " of $total" 30
ct_wait_gone "alerts so far" 5
ct_keys Q
ct_wait_exit
grep "^rows-check FAIL" "$TMP/trace" && ct_fail "rows made in part differ from the whole list"
checks=$(grep -c "^rows-check ok" "$TMP/trace")
[ "$checks" -ge 5 ] || ct_fail "only $checks load steps checked"
grep "^publish-rebuild" "$TMP/trace" | grep -qv "from 0)" || ct_fail "no step remade only part of the rows"

# Q while loading: leaves at once, the terminal restored
ct_start CREDTRIAGE_LOAD_STEP=400000 CREDTRIAGE_LOAD_PAUSE_MS=2000 -- "$BIG"
ct_wait "alerts so far" 10
ct_keys Q
ct_wait_exit 3
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT after Q while loading"
# the terminal vanishes while loading (SSH drops): the console goes away too
ct_start CREDTRIAGE_LOAD_STEP=400000 CREDTRIAGE_LOAD_PAUSE_MS=2000 -- "$BIG"
ct_wait "alerts so far" 10
pid=$(cat "$TMP/pid")
tmux -L "$SOCK" kill-server
n=100
while [ $n -gt 0 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.05; n=$((n - 1)); done
kill -0 "$pid" 2>/dev/null && { kill -9 "$pid"; echo "FAIL: the console outlived its terminal while loading" >&2; exit 1; }
echo "ok: console shows alerts while loading (all $total at the end)"
