#!/bin/sh
# Console (issue #18): a console left open shows another analyst's decision
# within 10 s without a key press: one committed in its repo by another
# process, one brought in by a `credtriage sync` run elsewhere, and :sync's own.
# The status counts change and the message line says "1 decision by O. Ther".
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"
OTHER='O. Ther <other@example.com>'
F=samples/entra-audit.ndjson
"$CT" scan --json "$F" > "$TMP/scan.json" 2>/dev/null || ct_fail "scan failed"
ids=$(jq -r 'select(.rule_name == "Entra ID Application Credential Added") | .id' "$TMP/scan.json" | head -n 3)
X=$(echo "$ids" | sed -n 1p); Y=$(echo "$ids" | sed -n 2p); Z=$(echo "$ids" | sed -n 3p)
[ -n "$Z" ] || ct_fail "no alerts in $F"

ct_start
# the load ended: a decision committed while it runs is read with the statuses, not announced
ct_wait "Alert queue"
ct_wait "Test Analyst"
ct_wait "  supp "
A0=$(ct_screen | grep -o "  ack [0-9]*  " | grep -o "[0-9]*")
[ -n "$A0" ] || ct_fail "no ack count in the status line"
# another analyst's ack, committed in this repo by another process; no key pressed after
"$CT" ack "$X" --note "mine" "$F" --repo "$TMP/repo" --analyst "$OTHER" >"$TMP/o.out" 2>&1 || ct_fail "the other ack failed: $(cat "$TMP/o.out")"
ct_wait "repo changed: 1 decision by O. Ther" 10
ct_wait "  ack $((A0 + 1))  " 1

# through a server: the other analyst's clone acks and syncs; a sync run elsewhere brings it here
git init -q --bare "$TMP/remote.git"
git -C "$TMP/repo" remote add origin "$TMP/remote.git"
git -C "$TMP/repo" push -q -u origin HEAD 2>/dev/null
git clone -q "$TMP/remote.git" "$TMP/other" 2>/dev/null
"$CT" ack "$Y" --note "theirs" "$F" --repo "$TMP/other" --analyst "$OTHER" >/dev/null 2>&1
"$CT" sync --repo "$TMP/other" --analyst "$OTHER" >/dev/null 2>&1 || ct_fail "the other's sync failed"
"$CT" sync --repo "$TMP/repo" --analyst "$ANALYST" >/dev/null 2>&1 || ct_fail "the sync here failed"
ct_wait "  ack $((A0 + 2))  " 10
ct_wait "repo changed: 1 decision by O. Ther" 1

# :sync in the console says what came in
"$CT" ack "$Z" --note "third" "$F" --repo "$TMP/other" --analyst "$OTHER" >/dev/null 2>&1
"$CT" sync --repo "$TMP/other" --analyst "$OTHER" >/dev/null 2>&1
ct_keys ':'; ct_type "sync"; ct_keys Enter
ct_wait "synced (fetched 1, rebased 0, pushed 0): 1 decision by O. Ther" 10
ct_wait "  ack $((A0 + 3))  " 1
# the console's own decision is not announced as another's
ct_keys Q
ct_wait_exit
exit 0
