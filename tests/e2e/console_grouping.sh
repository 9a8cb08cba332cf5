#!/bin/sh
# Console, incidents grouped on a thread of their own (issue #16: the first
# frame and every key must not wait for them). The grouping is slowed down
# with CREDTRIAGE_GROUP_PAUSE_MS: meanwhile the queue lists every alert newest
# first, the title and the status line say it is grouping, the cursor moves,
# an alert opens and a decision commits; then the queue regroups by itself
# (no key pressed) into the 13 incidents, with the decision's status. Q while
# grouping quits at once (exit 0).
CT_WAIT_LOADING=1 # these tests look at the console while it loads / groups
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

# a slow load (files read in 20 kB steps): the alerts arrive in file order, yet
# with no key pressed the cursor ends on the top row, the newest alert, not on
# whichever alert the first frame showed first (it stayed on carol's before)
ct_start CREDTRIAGE_LOAD_STEP=20000 CREDTRIAGE_LOAD_PAUSE_MS=150 CREDTRIAGE_GROUP_PAUSE_MS=4000 --
ct_wait "Alert queue [open] 30 of 31 (grouping incidents…)" 20
ct_screen | sed -n 3p | grep -q '^ *11-08 06:00 MED  open Entra ID App Cred Added' || ct_fail "the first row is not the newest alert"
ct_screen | sed -n 20p | grep -q '^ Entra ID Application Credential Added  (MED open, alert 726e1ba23b4b697d)' \
    || ct_fail "after a slow load the cursor is not on the top row"
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"

ct_start CREDTRIAGE_GROUP_PAUSE_MS=4000 --
ct_wait "Alert queue [open] 30 of 31 (grouping incidents…)" 10
ct_wait "grouping incidents 0%" 2
# the alerts, newest first, no incident rows
ct_screen | sed -n 3p | grep -q '^ *11-08 06:00 ' || ct_fail "the first row is not the newest alert"
ct_screen | grep -q '^▾' && ct_fail "incident rows before the grouping ended"
# browsing and deciding do not wait
ct_keys j
ct_keys Enter
ct_wait "1 Guide"
ct_keys q
ct_wait "(grouping incidents…)"
before=$(git -C "$TMP/repo" rev-list --count HEAD)
ct_keys a
ct_wait "ack 2"
[ "$(git -C "$TMP/repo" rev-list --count HEAD)" = $((before + 1)) ] || ct_fail "the ack was not committed while grouping"
# then the incidents, without a key: 29 open alerts in 13 incidents
ct_wait "Alert queue [open] 29 of 31, 13 incidents" 15
ct_screen | grep -q "grouping incidents" && ct_fail "still says grouping"
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"

# Q while grouping: leaves at once
ct_start CREDTRIAGE_GROUP_PAUSE_MS=20000 --
ct_wait "(grouping incidents…)" 10
ct_keys Q
ct_wait_exit 3
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT after Q while grouping"
echo "ok: the console browses and decides while incidents are grouped"
