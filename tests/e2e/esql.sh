#!/bin/sh
# esql: --explain prints the plan (exit 0), for every ES|QL query of
# elastic/detection-rules too; a syntax error exits 2 and names line:column as
# Elasticsearch does; hostile text in the query is shown inert; Elastic's
# for-another-user rule on a real Stratus detonation, through esql and scan.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM
fail=0
check() { d=$1; shift; if "$@"; then :; else echo "FAIL: $d" >&2; fail=1; fi; }

"$BIN" esql --explain 'from logs-aws.cloudtrail-* metadata _id | where user.name != user.target.name | keep user.*' >"$TMP/out" 2>"$TMP/err"
check "explain: exit 0" test $? -eq 0
printf 'FROM logs-aws.cloudtrail-* METADATA _id\nWHERE (!= user.name user.target.name)\nKEEP user.*\n' >"$TMP/want"
check "explain: the plan" cmp -s "$TMP/out" "$TMP/want"

"$BIN" esql --explain 'from a
| where x == ' >"$TMP/out" 2>"$TMP/err"
check "syntax error: exit 2" test $? -eq 2
check "syntax error: line:column" grep -qx "credtriage esql: line 2:14: mismatched input '<EOF>' expecting .*" "$TMP/err"

"$BIN" esql --explain "$(printf 'row x = 1 | eval y = "\033[31m\342\200\256"')" >"$TMP/out" 2>&1
check "hostile: exit 0" test $? -eq 0
check "hostile: no ESC or bidi override reaches the terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$TMP/out' && ! grep -q \"\$(printf '\\342\\200\\256')\" '$TMP/out'"

# every ES|QL query of elastic/detection-rules (tests/fixtures/esql: 212) through
# the binary's --explain: each exits 0 with a plan
n=0; ok=0
q() {
    n=$((n + 1))
    if "$BIN" esql --explain "$1" >"$TMP/plan" 2>"$TMP/err" && [ -s "$TMP/plan" ]; then
        ok=$((ok + 1))
    else
        echo "explain refused query $n: $(head -1 "$TMP/err")" >&2
    fi
}
jq -r '"q " + (.query | @sh)' tests/fixtures/esql/detection-rules-queries.ndjson >"$TMP/queries.sh"
. "$TMP/queries.sh"
check "explain: all 212 detection-rules queries accepted ($ok of $n)" test "$n" -eq 212 -a "$ok" -eq 212

# ... and through the evaluator (a document of no rule's dataset): Elasticsearch's
# verifier refuses an unknown function before any row, so does ours; every query
# runs but the 7 that need the cluster's LLM (COMPLETION)
printf '{"@timestamp":"2024-01-01T00:00:00Z","event":{"dataset":"x"}}\n' >"$TMP/one.ndjson"
r() {
    if "$BIN" esql "$1" "$TMP/one.ndjson" >/dev/null 2>"$TMP/err"; then :; else
        sed -n 's/^credtriage esql: //p' "$TMP/err" | head -1 >>"$TMP/refused"; fi
}
: >"$TMP/refused"
sed 's/^q /r /' "$TMP/queries.sh" >"$TMP/run.sh"
. "$TMP/run.sh"
check "run: all 212 but the 7 COMPLETION rules ($(sort -u "$TMP/refused" | head -3))" test \
    "$(sort "$TMP/refused" | uniq -c | sed 's/^ *//')" = "7 COMPLETION needs an Elasticsearch cluster: not run locally"

# Elastic's "IAM user created access keys for another user", unchanged, on a real
# Stratus Red Team detonation: exactly one row; none on an unrelated detonation
Q=$(jq -r 'select(.path | endswith("persistence_iam_user_created_access_keys_for_another_user.toml")) | .query' tests/fixtures/esql/detection-rules-queries.ndjson)
"$BIN" esql "$Q" tests/fixtures/real/aws/stratus-iam-backdoor-user.json >"$TMP/rows" 2>"$TMP/err"
check "run: exit 0 ($(cat "$TMP/err"))" test $? -eq 0
check "run: one row" test "$(wc -l <"$TMP/rows")" -eq 1
check "run: the row" test "$(jq -c '[."user.name", ."user.target.name", .event.action // ."event.action", ._index]' "$TMP/rows")" = '["christophe","stratus-red-team-backdoor-u-user","CreateAccessKey",".ds-logs-aws.cloudtrail-default"]'
"$BIN" esql "$Q" tests/fixtures/real/aws/stratus-cloudtrail-stop.json >"$TMP/rows" 2>/dev/null
check "run: no row on an unrelated detonation" test ! -s "$TMP/rows"
# scan runs the shipped pack's copy of that rule: on the detonation, one alert,
# an IAM user (christophe) making a key for another IAM user; none elsewhere
A=696015ef-718e-40ff-ac4a-cc2ba88dbeeb
HOME="$TMP/home" CREDTRIAGE_DATADIR=$PWD "$BIN" scan --json tests/fixtures/real/aws/stratus-iam-backdoor-user.json >"$TMP/alerts" 2>"$TMP/err"
check "scan: exit 0 ($(tail -1 "$TMP/err"))" test $? -eq 0
check "scan: the for-another-user alert, once, IAM user to IAM user" test \
    "$(jq -c --arg a "$A" 'select(.rule_id == $a) | [.actor.name, .actor.type, .target.name, .target.type, .timestamp]' "$TMP/alerts")" = \
    '["christophe","iam_user","stratus-red-team-backdoor-u-user","iam_user","2024-07-30T21:53:13.000Z"]'
HOME="$TMP/home" CREDTRIAGE_DATADIR=$PWD "$BIN" scan --json tests/fixtures/real/aws/stratus-cloudtrail-stop.json \
    tests/fixtures/real/aws/stratus-iam-create-user-login-profile.json >"$TMP/alerts" 2>/dev/null
check "scan: no for-another-user alert on unrelated detonations" test "$(jq -c --arg a "$A" 'select(.rule_id == $a)' "$TMP/alerts" | wc -l)" -eq 0
"$BIN" esql 'from logs-* | enrich x' tests/fixtures/real/aws/stratus-cloudtrail-stop.json >/dev/null 2>"$TMP/err"
check "run: ENRICH refused, exit 2" test $? -eq 2
# The ES|QL rules read the events in parts on threads (ct_esql_run_split): the
# alerts are the same bytes whatever the thread count. A generated corpus
# (raw CloudTrail and heavy Filebeat, 12k each: two parts of more than 2,048
# events with 2 threads, three with 3) and an IAM user creating its own key in
# the first part and using it in the second: the self-created-key rule's one
# group spans the parts.
CC=${CC:-cc}
$CC -O2 -std=c11 -o "$TMP/gen" tests/bench/gen.c
$CC -O2 -std=c11 -o "$TMP/gen_filebeat" tests/bench/gen_filebeat.c tests/bench/gen_filebeat_doc.c tests/bench/gen_filebeat_ms.c
"$TMP/gen" -n 12000 >"$TMP/raw.ndjson"
"$TMP/gen_filebeat" -n 12000 --heavy >"$TMP/fbh.ndjson" 2>/dev/null
ui='"type":"IAMUser","principalId":"AIDA28B92B56EE6009999","arn":"arn:aws:iam::111122223333:user/selfmade","accountId":"111122223333","userName":"selfmade"'
tail='"recipientAccountId":"111122223333","eventCategory":"Management"}'
{
    echo '{"eventVersion":"1.09","userIdentity":{'"$ui"',"accessKeyId":"AKIAOLDKEYFORTEST001"},"eventTime":"2026-11-02T00:44:19Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.77","userAgent":"aws-cli/2.15.0","requestParameters":{},"responseElements":{"accessKey":{"accessKeyId":"AKIANEWKEYFORTEST001","status":"Active","userName":"selfmade"}},"eventID":"9f3aa694-8008-499d-ab0a-0df8ba84f1b6",'"$tail"
    head -6000 "$TMP/raw.ndjson"
    echo '{"eventVersion":"1.09","userIdentity":{'"$ui"',"accessKeyId":"AKIANEWKEYFORTEST001"},"eventTime":"2026-11-02T00:59:01Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.201","userAgent":"curl/8.4.0","requestParameters":null,"responseElements":null,"eventID":"9f3aa694-8008-499d-ab0a-0df8ba84f1c1",'"$tail"
    tail -n +6001 "$TMP/raw.ndjson"
} >"$TMP/mix.ndjson"
for t in 1 2 3; do
    HOME="$TMP/home" CREDTRIAGE_DATADIR=$PWD CREDTRIAGE_THREADS=$t "$BIN" scan --json "$TMP/mix.ndjson" "$TMP/fbh.ndjson" \
        >"$TMP/threads$t" 2>"$TMP/err"
    check "threads $t: scan exit 0 ($(tail -1 "$TMP/err"))" test $? -eq 0
done
check "threads: 2 threads give 1 thread's alerts, byte for byte" cmp -s "$TMP/threads1" "$TMP/threads2"
check "threads: 3 threads too" cmp -s "$TMP/threads1" "$TMP/threads3"
per_rule() { jq -r '.rule_id' "$1" | grep -xE '696015ef-718e-40ff-ac4a-cc2ba88dbeeb|dfb7dc0b-2caf-4186-9b59-5752bc59bc19|3f6c2a9e-8b1d-4c57-9e20-7a4d1b6c5e83' | sort | uniq -c | sed 's/^ *//' | tr '\n' ' '; }
check "threads: the ES|QL rules' alerts ($(per_rule "$TMP/threads2"))" test "$(per_rule "$TMP/threads2")" = \
    "159 3f6c2a9e-8b1d-4c57-9e20-7a4d1b6c5e83 199 696015ef-718e-40ff-ac4a-cc2ba88dbeeb 1 dfb7dc0b-2caf-4186-9b59-5752bc59bc19 "
check "threads: the self-created key's alert, on the use, with both events" test \
    "$(jq -c 'select(.rule_id == "dfb7dc0b-2caf-4186-9b59-5752bc59bc19") | [.actor.name, .timestamp, [.evidence[].line], .esql_row."Esql_priv.aws_cloudtrail_access_key_id_correlation"]' "$TMP/threads2")" = \
    '["selfmade","2026-11-02T00:59:01.000Z",[1,6002],"AKIANEWKEYFORTEST001"]'
exit $fail
