#!/bin/sh
# No analyst identity and no rules repo yet (a fresh on-call account): the
# console still opens on the shipped rules, read-only, says why, and refuses
# actions with a message instead of exiting.
CT_TMPDIR=/tmp # a fixed length: the message below wraps on it
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"
ct_start_fresh 80 24 samples/entra-audit.ndjson
ct_wait "Alert queue [open]"
ct_wait "read-only, no rules repo: no analyst identity"
ct_wait "shipped rules, read-only"
ct_keys a
# a refusal (not "acknowledged"), why, and the fix, wrapped rather than cut at 80 columns
ct_wait "cannot acknowledge, read-only: no analyst identity"
ct_screen | tail -n 3 | sed 's/ *$//' > "$TMP/msg"
printf '%s\n' "cannot acknowledge, read-only: no analyst identity: set git config user.name" \
    "  and user.email, or pass --analyst 'Name <email>' (needed to create the rules" \
    "  repo $TMP/data/credtriage/rules; nothing was created)" > "$TMP/msg.want"
cmp -s "$TMP/msg" "$TMP/msg.want" || { echo "FAIL: the refusal at 80x24:" >&2; diff "$TMP/msg.want" "$TMP/msg" >&2; exit 1; }
ct_screen | grep -q "acknowledged" && { echo "FAIL: a success word on a refusal" >&2; exit 1; }
[ -e "$TMP/data/credtriage" ] && { echo "FAIL: a rules repo was created while read-only" >&2; exit 1; }
ct_quit
exit 0
