#!/bin/sh
# The console's diagnostics view (issue #14): `D` lists each record the load
# skipped or did not recognize, as FILE:LINE: reason, exactly the lines
# `credtriage scan` reports; q goes back to the queue.
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"
ct_fresh_env
IN="$TMP/mixed.ndjson"
head -n 3 samples/entra-audit.ndjson >"$IN"
echo '{"Timestamp":"2026-11-05T10:00:00Z","ActionType":"LogonSuccess","DeviceName":"ws-17","AccountName":"megan"}' >>"$IN"
echo '{"broken": ' >>"$IN"
echo '{"Timestamp":"2026-11-05T10:01:00Z","ActionType":"FileCreated","DeviceName":"ws-17","FileName":"a.exe"}' >>"$IN"
# what the batch command reports, the set the view must show
"$CT" scan "$IN" 2>&1 >/dev/null | grep -F "$IN:" | sort >"$TMP/want"
[ "$(wc -l <"$TMP/want")" -eq 3 ] || { echo "FAIL: scan reported $(wc -l <"$TMP/want") diagnostics, not 3:" >&2; cat "$TMP/want" >&2; exit 1; }
ct_start_fresh 220 30 "$IN"
ct_wait "Alert queue [open]"
ct_keys D
ct_wait "Load diagnostics"
ct_wait "3 diagnostics from loading"
ct_screen | sed 's/ *$//' | grep -F "$IN:" | sed 's/^ *//' | sort >"$TMP/got"
if ! cmp -s "$TMP/want" "$TMP/got"; then
    echo "FAIL: the view's diagnostics differ from scan's:" >&2
    diff "$TMP/want" "$TMP/got" >&2
    exit 1
fi
ct_keys q
ct_wait "Alert queue [open]"
ct_quit
echo "ok: D lists the load's 3 diagnostics as scan reports them"
exit 0
