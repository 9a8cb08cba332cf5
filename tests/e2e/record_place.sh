#!/bin/sh
# Records sharing a line are located by their number (#17): a CloudTrail
# .json.gz is one line, {"Records":[...]}, so "line 1" locates none of them.
# scan's diagnostics, scan --json, events --json, show and the console's D view
# and alert view say "FILE: record N (line 1)". Built from records of
# samples/cloudtrail.json.gz (0, 1 and 111) and a Defender XDR row as record 3.
command -v jq >/dev/null || { echo "record_place.sh: jq is required" >&2; exit 1; }
CT_TMUX_OPTIONAL=1 CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"
ct_fresh_env
fail=0
check() { d=$1; shift; if "$@"; then :; else echo "FAIL: $d" >&2; fail=1; fi; }
F="$TMP/ct.json.gz"
rec() { zcat samples/cloudtrail.json.gz | jq -c ".Records[$1]"; }
printf '{"Records":[%s,%s,%s,%s]}\n' "$(rec 0)" "$(rec 1)" \
    '{"Timestamp":"2026-11-05T10:00:00Z","ActionType":"LogonSuccess","DeviceName":"ws-17","AccountName":"megan"}' \
    "$(rec 111)" | gzip >"$F"
check "the input is one line" test "$(zcat "$F" | wc -l)" -eq 1

DIAG="$F: record 3 (line 1): unrecognized record: looks like Defender XDR advanced hunting (has Timestamp, ActionType, DeviceName) but no reader for its tables (Defender XDR rows are not read)"
"$CT" scan "$F" >"$TMP/scan.out" 2>"$TMP/scan.err"
check "scan: the diagnostic names record 3" test "$(grep -F "$F" "$TMP/scan.err")" = "$DIAG"
"$CT" scan --json "$F" 2>/dev/null | jq -c '[.id, .event]' >"$TMP/scan.json"
ID=$(jq -r '.[0]' "$TMP/scan.json")
check "scan --json: the alert's event is record 4" test "$(jq -c '.[1]' "$TMP/scan.json")" = \
    "{\"file\":\"$F\",\"line\":1,\"record\":4}"
check "events --json: records 1 to 4" test "$("$CT" events --json "$F" 2>/dev/null | jq -c '.credtriage.source.record' | tr '\n' ' ')" = "1 2 3 4 "
check "show: the record line" test "$("$CT" show "$ID" "$F" 2>/dev/null | grep '^  record ')" = \
    "  record      $F: record 4 (line 1)"
# an NDJSON file keeps FILE:LINE
"$CT" scan --json samples/entra-audit.ndjson 2>/dev/null | head -n 1 | jq -c '.event | keys' >"$TMP/keys"
check "NDJSON: no record number" test "$(cat "$TMP/keys")" = '["file","line"]'

if command -v tmux >/dev/null; then
    ct_start_fresh 260 30 "$F"
    ct_wait "Alert queue [open]"
    ct_keys D
    ct_wait "Load diagnostics"
    check "D: the diagnostic names record 3" test "$(ct_screen | grep -F "$F" | sed 's/^ *//; s/ *$//')" = "$DIAG"
    ct_keys q
    ct_wait "Alert queue [open]"
    ct_keys : ; ct_type "open $ID"; ct_keys Enter
    ct_wait "$F: record 4 (line 1)"
    check "alert view: when line" test "$(ct_screen | grep -c "2026-11-07 16:24:09 UTC   $F: record 4 (line 1)")" -eq 1
    ct_keys Q
    ct_wait_exit
    check "console exit 0" test "$CT_EXIT" = 0
fi
exit $fail
