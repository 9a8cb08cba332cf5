#!/bin/sh
# The batch front end: help, version, exit codes, stdin and gzip on stdin,
# the exact keys of `events --json` and `scan --json`, query --explain.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM
export HOME="$TMP/home" XDG_DATA_HOME="$TMP/data"
mkdir -p "$HOME"
fail=0
check() { d=$1; shift; if "$@"; then :; else echo "FAIL: $d" >&2; fail=1; fi; }

"$BIN" --help >"$TMP/help"; check "--help exits 0" test $? -eq 0
check "--help lists commands and exit codes" grep -q "exit status" "$TMP/help"
check "--version" sh -c "'$BIN' --version | grep -q '^credtriage [0-9]'"
"$BIN" frobnicate >/dev/null 2>&1; check "unknown command: 2" test $? -eq 2
"$BIN" events >/dev/null 2>&1; check "no FILE: 2" test $? -eq 2
"$BIN" events "$TMP/missing.json" >/dev/null 2>"$TMP/err"; check "missing file: 3" test $? -eq 3
check "missing file named" grep -q "missing.json" "$TMP/err"
# --strict: 6 when a record was skipped or not recognized, 0 when all loaded
"$BIN" scan --strict tests/fixtures/input/mixed-bad.ndjson >/dev/null 2>"$TMP/err"; check "scan --strict, a bad line: 6" test $? -eq 6
check "scan --strict names the line" grep -qx "tests/fixtures/input/mixed-bad.ndjson:2: malformed JSON.*" "$TMP/err"
"$BIN" events --strict tests/fixtures/real/unknown/plaso-azure-activity-log.jsonl >/dev/null 2>&1; check "events --strict, unrecognized: 6" test $? -eq 6
"$BIN" scan --strict samples/entra-audit.ndjson >/dev/null 2>&1; check "scan --strict, all read: 0" test $? -eq 0
"$BIN" scan tests/fixtures/input/mixed-bad.ndjson >/dev/null 2>&1; check "scan without --strict: 0" test $? -eq 0
# line numbers under any line ends: a lone CR (old Mac) ends a line as LF and CRLF do, so a
# diagnostic after CR-only lines names the line an editor shows (they counted LFs only)
L1=$(sed -n 1p samples/entra-audit.ndjson); L2=$(sed -n 2p samples/entra-audit.ndjson)
printf '%s\r%s\r{"broken": \r%s\n{"broken2": \n' "$L1" "$L2" "$L1" >"$TMP/cr.ndjson"
"$BIN" events "$TMP/cr.ndjson" 2>&1 >/dev/null | grep -v '^loaded ' >"$TMP/err"
check "CR-only lines, then LF: lines 3 and 5: $(cat "$TMP/err")" test "$(cat "$TMP/err")" = "$TMP/cr.ndjson:3: malformed JSON value or garbage; skipped to line 4
$TMP/cr.ndjson:5: malformed JSON near byte 11 of the record"
printf '%s\n%s\r{"broken": \r\n%s\r{"broken2": \r%s\r\n{"broken3": \n' "$L1" "$L2" "$L1" "$L2" >"$TMP/cr2.ndjson"
"$BIN" events "$TMP/cr2.ndjson" 2>&1 >/dev/null | grep -v '^loaded ' >"$TMP/err"
check "LF, CR, CRLF mixed: lines 3, 5 and 7: $(cat "$TMP/err")" test "$(cat "$TMP/err")" = "$TMP/cr2.ndjson:3: malformed, truncated or trailing non-JSON text (10 bytes) skipped
$TMP/cr2.ndjson:5: malformed JSON value or garbage; skipped to line 6
$TMP/cr2.ndjson:7: malformed JSON near byte 11 of the record"
# an ECS document with no time at all is loaded, and said so with its place
printf '[{"@timestamp":"2026-11-05T10:00:00Z","event":{"dataset":"azure.auditlogs","action":"x"}},{"event":{"dataset":"gcp.audit","action":"y","created":"not a date"}}]\n' >"$TMP/untimed.json"
"$BIN" events --json "$TMP/untimed.json" 2>"$TMP/err" | jq -r '.credtriage.timestamp // "-"' >"$TMP/ts"
check "untimed: both loaded, one without a time" test "$(tr '\n' ' ' <"$TMP/ts")" = "2026-11-05T10:00:00.000Z - "
check "untimed: the diagnostic names the file and record: $(cat "$TMP/err")" test "$(head -n 1 "$TMP/err")" = \
    "$TMP/untimed.json: record 2 (line 1): ECS document (gcp.audit) with no time: none of @timestamp, event.created, event.ingested is a valid date; loaded without a time, so it is in no timeline or window"
"$BIN" events tests/fixtures/norm/shapes/ecs_no_timestamp_no_time.CONSTRUCTED.json 2>&1 >/dev/null | head -n 1 >"$TMP/err"
check "untimed fixture: FILE:LINE: $(cat "$TMP/err")" test "$(cat "$TMP/err")" = \
    "tests/fixtures/norm/shapes/ecs_no_timestamp_no_time.CONSTRUCTED.json:1: ECS document (aws.cloudtrail) with no time: none of @timestamp, event.created, event.ingested is a valid date; loaded without a time, so it is in no timeline or window"
# two exports on one stream (zcat a.gz b.gz | credtriage scan -) read whole
gzip -dc tests/fixtures/real/stream/two-records-exports.json.gz tests/fixtures/real/stream/two-records-exports.json.gz |
  "$BIN" events --json - 2>"$TMP/err" | jq -r .credtriage.action >"$TMP/acts"
check "two concatenated exports on stdin: 5 events" test "$(wc -l <"$TMP/acts")" -eq 5
check "... and 5 duplicates" grep -q "5 duplicates" "$TMP/err"

# stdin, plain and gzip, gives the same events as the file
"$BIN" events --json samples/entra-audit.ndjson 2>/dev/null | jq -c .credtriage.action >"$TMP/a"
"$BIN" events --json - <samples/entra-audit.ndjson 2>/dev/null | jq -c .credtriage.action >"$TMP/b"
check "stdin = file" cmp -s "$TMP/a" "$TMP/b"
zcat samples/cloudtrail.json.gz >"$TMP/ct.json"
"$BIN" events --json - <samples/cloudtrail.json.gz 2>/dev/null | jq -c .credtriage >"$TMP/c"
"$BIN" events --json "$TMP/ct.json" 2>/dev/null | jq -c .credtriage | sed "s#$TMP/ct.json#(stdin)#" >"$TMP/d"
check "gzip on stdin = the plain file" cmp -s "$TMP/c" "$TMP/d"
check "events: 129 CloudTrail records" test "$(wc -l <"$TMP/c")" -eq 129

# exact keys
"$BIN" events --json samples/cloudtrail.json.gz 2>/dev/null |
    jq -r '.credtriage | keys_unsorted | join(",")' | sort -u >"$TMP/keys"
check "events --json: only the documented keys" \
    sh -c "! grep -vE '^(timestamp|dataset|action|outcome|actor|target|credential|credential_used|source|,)+$' '$TMP/keys'"
"$BIN" events --json samples/cloudtrail.json.gz 2>/dev/null |
    jq -c 'select(.credtriage.credential) | .credtriage.credential | keys' | sort -u >"$TMP/ck"
check "credential keys" sh -c "! grep -vE '^\[(\"(end|id|name|type)\",?)+\]$' '$TMP/ck'"
"$BIN" scan --json samples/cloudtrail.json.gz 2>/dev/null | jq -r 'keys_unsorted | join(",")' | sort -u >"$TMP/sk"
# an ES|QL rule's alert also carries its row and its evidence
check "scan --json keys" test "$(cat "$TMP/sk")" = "id,rule_id,rule_name,severity,risk_score,timestamp,actor,target,credential,status,origin,event
id,rule_id,rule_name,severity,risk_score,timestamp,actor,target,credential,status,origin,event,esql_row,evidence"
check "scan ids are stable" sh -c "'$BIN' scan --json samples/cloudtrail.json.gz 2>/dev/null | jq -r .id > '$TMP/i1'; '$BIN' scan --json samples/cloudtrail.json.gz 2>/dev/null | jq -r .id > '$TMP/i2'; cmp -s '$TMP/i1' '$TMP/i2'"

# query
e=$("$BIN" query --explain 'event.action:"Update application - Certificates and secrets management" and not user.name:(a or b*)')
check "explain: $e" test "$e" = "(and (is \"event.action\" 'Update application - Certificates and secrets management') (not (or (is \"user.name\" \"a\") (is \"user.name\" ~\"b*\"))))"
"$BIN" query 'event.action:(' samples/entra-audit.ndjson >/dev/null 2>"$TMP/qe"; check "syntax error: 2" test $? -eq 2
check "syntax error names the column" grep -q "column" "$TMP/qe"
n=$("$BIN" query 'event.action:"Update application - Certificates and secrets management"' samples/entra-audit.ndjson 2>/dev/null | wc -l)
check "hyphen query finds the en-dash records ($n)" test "$n" -ge 5

# an installed layout (<prefix>/bin next to <prefix>/share/credtriage) finds its
# rule pack whatever PREFIX it was built with
mkdir -p "$TMP/p/bin" "$TMP/p/share/credtriage"
cp "$BIN" "$TMP/p/bin/credtriage"
cp -R rules guides "$TMP/p/share/credtriage/"
n=$(cd "$TMP" && "$TMP/p/bin/credtriage" rules list 2>/dev/null | wc -l)
check "installed layout finds the rules ($n)" test "$n" -eq "$(ls rules/*/*.json | wc -l)"
# sync says the same in --help, in sync --help and in the README
w_help=$("$BIN" --help | awk '/^  sync /{ getline; sub(/^ +/, ""); print; exit }')
w_cmd=$("$BIN" sync --help | sed -n '2s/\.$//p')
w_readme=$(sed -n 's/^    credtriage sync  *# //p' README.md)
check "sync: --help '$w_help', sync --help '$w_cmd', README '$w_readme'" \
    test "$w_help" = "fetch, replay local decisions on top, push" -a "$w_cmd" = "$w_help" -a "$w_readme" = "$w_help"
# scan lists newest first, as the console does
"$BIN" scan --json samples/entra-audit.ndjson 2>/dev/null | jq -r .timestamp >"$TMP/order"
check "scan: newest first" sh -c "sort -r '$TMP/order' | cmp -s - '$TMP/order'"
check "scan: several alerts" test "$(wc -l <"$TMP/order")" -gt 5
# rules list: the names start in one column
check "rules list: aligned" test "$("$BIN" rules list 2>/dev/null | awk '{ print index($0, $4) }' | sort -u | wc -l)" -eq 1
# counts in the singular when there is one (#17: "1 alerts", "1 events")
sed -n 16p samples/gcp-audit.ndjson > "$TMP/one.ndjson"
"$BIN" scan "$TMP/one.ndjson" >/dev/null 2>"$TMP/one.err"
LOADED1="loaded 1 event, 0 alert documents from 1 file; skipped 0 malformed, 0 duplicates, 0 unrecognized; 0 ids shared by different records (gcp 1)"
check "scan of one alert: the summary in the singular" test "$(cat "$TMP/one.err")" = \
    "$LOADED1
1 alert: 1 open, 0 acknowledged, 0 false positive, 0 remediated, 0 suppressed"
"$BIN" query 'event.dataset:gcp.audit' "$TMP/one.ndjson" >/dev/null 2>"$TMP/oneq.err"
check "query of one event: in the singular" test "$(cat "$TMP/oneq.err")" = "$LOADED1
1 matching event"
exit $fail
