#!/bin/sh
# The console's diagnostics view (issue #14): `D` lists each record the load
# skipped or did not recognize, as FILE:LINE: reason, exactly the lines
# `credtriage scan` reports; at 80 columns they wrap (nothing cut), and | gets
# them whole; q goes back to the queue.
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
export PAGER="cat > '$TMP/pipe'"
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
# 80 columns: a diagnostic wider than that wraps (continuation rows indented by 4), nothing cut;
# rejoined, the rows are scan's lines (compared without the spaces the wrap moved)
tmux -L "$SOCK" resize-window -t ct -x 80 -y 30
ct_wait_gone "$(head -n 1 "$TMP/want")"
ct_screen | sed 's/ *$//' >"$TMP/s80"
awk -v p="$IN:" 'index($0, p) == 1 { if (l != "") print l; l = $0; next }
    /^    [^ ]/ && l != "" { l = l $0; next } { if (l != "") print l; l = "" } END { if (l != "") print l }' "$TMP/s80" |
    tr -d ' ' | sort >"$TMP/got80"
tr -d ' ' <"$TMP/want" | sort >"$TMP/want80"
cmp -s "$TMP/want80" "$TMP/got80" || { echo "FAIL: at 80 columns the wrapped diagnostics are not scan's:" >&2; diff "$TMP/want80" "$TMP/got80" >&2; cat "$TMP/s80" >&2; exit 1; }
[ "$(grep -e "^$IN:" -e '^    ' "$TMP/s80" | awk 'length($0) > 80' | wc -l)" -eq 0 ] || { echo "FAIL: a row wider than 80" >&2; cat "$TMP/s80" >&2; exit 1; }
[ "$(grep -c "^$IN:" "$TMP/s80")" -eq 3 ] || { echo "FAIL: not 3 diagnostics at 80 columns" >&2; cat "$TMP/s80" >&2; exit 1; }
[ "$(grep -c '~$' "$TMP/s80")" -eq 0 ] || { echo "FAIL: a row cut at 80 columns" >&2; cat "$TMP/s80" >&2; exit 1; }
# | gets each diagnostic whole, one per line (not the wrapped rows)
ct_keys '|'
n=0
while [ ! -s "$TMP/pipe" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.3
[ "$(head -n 1 "$TMP/pipe")" = "3 diagnostics from loading" ] || { echo "FAIL: | header: $(head -n 1 "$TMP/pipe")" >&2; exit 1; }
tail -n +2 "$TMP/pipe" | sort >"$TMP/piped"
cmp -s "$TMP/want" "$TMP/piped" || { echo "FAIL: | does not give scan's lines:" >&2; diff "$TMP/want" "$TMP/piped" >&2; exit 1; }
ct_wait "Load diagnostics"
ct_keys q
ct_wait "Alert queue [open]"
ct_quit
echo "ok: D lists the load's 3 diagnostics as scan reports them, wrapped at 80 columns"
exit 0
