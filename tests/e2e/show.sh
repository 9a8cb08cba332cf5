#!/bin/sh
# credtriage show: the text report and the JSON object for alerts found by
# scan in tests/fixtures/corr and samples/ (hostile strings, Elastic alerts).
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
command -v jq >/dev/null 2>&1 || { echo "show.sh: jq is required" >&2; exit 1; }
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM
# no rules repo: the shipped rules, nothing written anywhere
export HOME="$TMP/home" XDG_DATA_HOME="$TMP/data"
unset CREDTRIAGE_REPO
mkdir -p "$HOME"

AZ=tests/fixtures/corr/azure_secret_used.ndjson
AWS=tests/fixtures/corr/aws_key_for_other_user.ndjson
NEWKEY=aaaaaaaa-1111-4222-8333-000000000001
fail=0
check() { # description, then a command that must succeed
    d=$1; shift
    if "$@"; then :; else echo "FAIL: $d" >&2; fail=1; fi
}

"$BIN" scan --json "$AZ" "$AWS" >"$TMP/scan.json" 2>"$TMP/scan.err" || { cat "$TMP/scan.err" >&2; exit 1; }
ID=$(jq -r --arg k "$NEWKEY" 'select(.credential.id == $k) | .id' "$TMP/scan.json" | head -n 1)
AWSID=$(jq -r 'select(.credential.id == "AKIAEXAMPLEBOBNEWKEY") | .id' "$TMP/scan.json" | head -n 1)
if [ -z "$ID" ]; then
    echo "show.sh: SKIP: scan finds no alert on $AZ yet" >&2
    exit 0
fi

# --- JSON: the attacker's secret used within the hour ---
"$BIN" show --json "$ID" "$AZ" "$AWS" >"$TMP/show.json" 2>"$TMP/show.err"
check "show --json exits 0" test $? -eq 0
check "show --json prints one JSON object" test "$(jq -s 'length' "$TMP/show.json")" = 1
check "exactly the documented keys" test "$(jq -c 'keys' "$TMP/show.json")" = \
    '["alert","credential_usage","guide","history","identities","related_alerts","same_actor","same_target","usage_summary"]'
check "alert is the scan object" test "$(jq -r '.alert.id' "$TMP/show.json")" = "$ID"
check "same target: SP sign-ins, the addition, the linked application" \
    test "$(jq '.same_target | length' "$TMP/show.json")" = 6
check "same target holds the alert's own event" \
    test "$(jq --arg k "$NEWKEY" '[.same_target[] | select(.credtriage.credential.id == $k)] | length' "$TMP/show.json")" = 1
check "same actor: the UPN in another case is the same actor" \
    test "$(jq '.same_actor | length' "$TMP/show.json")" = 2
check "events are in time order" \
    test "$(jq '[.same_target[].credtriage.timestamp] | . == sort' "$TMP/show.json")" = true
check "usage: 3 sign-ins with the new key" \
    test "$(jq --arg k "$NEWKEY" '[.credential_usage[] | select(.credtriage.credential_used == $k)] | length' "$TMP/show.json")" = 3
check "usage summary" test "$(jq -c '.usage_summary | [.count, .failures, (.ips | length), .first_use]' "$TMP/show.json")" = \
    '[3,1,2,"2024-06-10T08:12:00.000Z"]'
check "history" test "$(jq -c '.history' "$TMP/show.json")" = '{"actor_changed_target_before":false,"prior_changes":0,"distinct_actors":1}'
check "identities: the target's ids and what joins them" \
    test "$(jq -c '.identities.target | [.kind, (.ids | sort), ([.links[].why] | sort)]' "$TMP/show.json")" = \
    '["application",["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d","d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6","payroll-sync"],["a change states the application'"'"'s appId","a change states the application'"'"'s appId","a name stated with this identity only"]]'
check "related alert: the application change by the same actor, on the same target" \
    test "$(jq -c '[.related_alerts[].rule_name]' "$TMP/show.json")" = '["Entra ID Application Credential Added","Entra ID Credential Added Then Used From a New Address"]'
check "guide is filled plain text" sh -c "jq -r .guide '$TMP/show.json' | grep -q 'Mallory.Admin@Contoso.com'"
check "guide has no raw placeholder for known fields" sh -c "! jq -r .guide '$TMP/show.json' | grep -q '{{credtriage.actor.name}}'"

# --- text ---
PFX=$(printf %s "$ID" | cut -c1-6)
"$BIN" show "$PFX" "$AZ" "$AWS" >"$TMP/show.txt" 2>"$TMP/show.err"
check "show by unique prefix exits 0" test $? -eq 0
check "text names the alert" grep -q "^Alert $ID: " "$TMP/show.txt"
for s in "Investigation guide" "Same target (6 events" "Same actor (2 events" "Credential usage" \
         "used 3 times in the window, 1 failure" "2 addresses 203.0.113.50, 198.51.100.99" \
         "Related alerts" "first time this actor changed credentials of this target" \
         "Identities (the ids correlated as one"; do
    check "text has '$s'" grep -qF "$s" "$TMP/show.txt"
done
check "the alert's own event is marked" test "$(grep -c '^> ' "$TMP/show.txt")" -ge 2
check "table header" grep -q '^  TIME  *ACTION  *ACTOR  *TARGET  *IP  *OUTCOME$' "$TMP/show.txt"
check "a sign-in names the resource it reached, not a target" grep -q '  payroll-sync  *to Microsoft Graph  ' "$TMP/show.txt"
check "no trailing blanks" sh -c "! grep -q ' \$' '$TMP/show.txt'"

# --- window ---
"$BIN" show --json --window 15m "$ID" "$AZ" >"$TMP/w.json" 2>/dev/null
check "--window 15m: only the first use" test "$(jq '.usage_summary.count' "$TMP/w.json")" = 1
"$BIN" show --window soon "$ID" "$AZ" >/dev/null 2>&1
check "bad --window is a usage error" test $? -eq 2

# --- AWS key created for another user, then used ---
if [ -n "$AWSID" ]; then
    "$BIN" show --json "$AWSID" "$AZ" "$AWS" >"$TMP/aws.json" 2>/dev/null
    check "aws: usage via userIdentity.accessKeyId" \
        test "$(jq -c '.usage_summary | [.count, .failures, .ips]' "$TMP/aws.json")" = '[2,1,["203.0.113.77"]]'
    check "aws: bob's own calls are the target's" \
        test "$(jq -c '[.same_target[].credtriage.action]' "$TMP/aws.json")" = '["CreateAccessKey","ListBuckets","ListUsers"]'
else
    echo "FAIL: no alert for the AWS access key" >&2; fail=1
fi

# --- not found, usage ---
"$BIN" show ffffffffffffffff "$AZ" >/dev/null 2>"$TMP/nf.err"
check "unknown alert exits 5" test $? -eq 5
check "unknown alert is explained" grep -q "no alert" "$TMP/nf.err"
"$BIN" show "$ID" >/dev/null 2>&1
check "no FILE is a usage error" test $? -eq 2

# --- samples: hostile strings stay inert; an imported Elastic alert ---
set -- samples/*.json samples/*.ndjson samples/*.gz
"$BIN" scan --json "$@" >"$TMP/s.json" 2>/dev/null
HOSTILE=$(jq -r 'select((.target.name // "") | test("\u001b")) | .id' "$TMP/s.json" | head -n 1)
if [ -n "$HOSTILE" ]; then
    "$BIN" show "$HOSTILE" "$@" >"$TMP/h.txt" 2>/dev/null
    check "hostile alert shown" test $? -eq 0
    check "no ESC, CR or bidi override on the terminal" \
        sh -c "! LC_ALL=C grep -q \"\$(printf '[\\033\\r]')\" '$TMP/h.txt' && ! grep -q \"\$(printf '\\342\\200\\256')\" '$TMP/h.txt'"
    check "escape shown as text" grep -qF 'billing\x1b[31m' "$TMP/h.txt"
fi
# --- samples: the stories the correlation issue (#13) names ---
"$BIN" show --json 486d7e1026454f68 "$@" >"$TMP/s3.json" 2>/dev/null
check "story 3: every use of AKIAEXAMPLEBOB7Q2NEW, the credential-creating calls included" \
    test "$(jq -c '[.credential_usage[] | "\(.credtriage.timestamp[11:16]) \(.credtriage.action)"]' "$TMP/s3.json")" = \
    '["14:31 GetCallerIdentity","14:32 ListUsers","14:33 ListAttachedUserPolicies","14:35 DescribeInstances","14:38 ListBuckets","14:44 CreateUser","15:02 GetFederationToken","15:10 CreateKeyPair"]'
check "story 3: bob's alerts (made with the key) and alice's are related (Elastic's ES|QL for-another-user alert first)" \
    test "$(jq -c '[.related_alerts[].id]' "$TMP/s3.json")" = \
    '["0433ccf7cdd456d5","d0c9e84b66cd665c","0e1bb0dbc34a4a89","f7af44cb684c3222","5586a2044b4a7169"]'
check "story 3: bob's baseline with his old key is the target's activity" \
    test "$(jq '[.same_target[] | select(.credtriage.credential_used == "AKIAEXAMPLEBOB00OLD1")] | length' "$TMP/s3.json")" = 10
check "story 3: the key creation once (CloudTrail, EventBridge and the Elastic alert are one change)" \
    test "$(jq -c '[.same_target[] | select(.credtriage.action == "CreateAccessKey") | [.credtriage.sources[].kind] | sort]' "$TMP/s3.json")" = \
    '[["cloudtrail","elastic-alert"]]'
"$BIN" show --json ff2786525bb980ed "$@" >"$TMP/s4.json" 2>/dev/null
check "story 4: deploy-bot's own week from 192.0.2.90 is the target's activity" \
    test "$(jq '[.same_target[] | select(.credtriage.actor.ip == "192.0.2.90")] | length' "$TMP/s4.json")" = 12
check "story 4: the BigQuery-shaped listing has its time and is diego's" \
    test "$(jq -c '[.same_actor[] | select(.credtriage.action == "google.iam.admin.v1.ListServiceAccountKeys") | .credtriage.timestamp]' "$TMP/s4.json")" = \
    '["2026-11-07T09:10:44.331Z"]'
check "story 4: the service account joined by its unique id" \
    test "$(jq -c '.identities.target.ids | sort' "$TMP/s4.json")" = \
    '["193945731466632639893","deploy-bot@contoso-prod.iam.gserviceaccount.com"]'
"$BIN" show --json 726e1ba23b4b697d "$@" >"$TMP/s2.json" 2>/dev/null
check "story 2: three earlier rotations (each exported twice), counted once" \
    test "$(jq -c '.history' "$TMP/s2.json")" = '{"actor_changed_target_before":true,"prior_changes":3,"distinct_actors":1}'
"$BIN" show 726e1ba23b4b697d "$@" >"$TMP/s2.txt" 2>/dev/null
check "story 2 text: 3 earlier changes" grep -q '^  3 earlier changes by this actor$' "$TMP/s2.txt"
"$BIN" show --json 5b13199216650932 "$@" >"$TMP/s1.json" 2>/dev/null
check "story 1: megan's changes once each, with their sources" \
    test "$(jq -c '[.same_actor[] | select(.credtriage.dataset != "azure.signinlogs" and .credtriage.dataset != "o365.audit") | [.credtriage.action, ([.credtriage.sources[]?.kind] | sort)]]' "$TMP/s1.json")" = \
    '[["Add owner to application",["graph","o365"]],["Update application - Certificates and secrets management",["elastic-alert","graph","o365"]]]'
"$BIN" events --json samples/entra-signins.json >"$TMP/geo.json" 2>/dev/null
check "geo: a state is a region (ECS), never a country name" \
    test "$(jq -sc '[([.[].geo.country_name] | unique), ([.[].geo.region_name | select(.)] | unique)]' "$TMP/geo.json")" = \
    '[[null],["Hessen","Illinois","Noord-Holland","Washington"]]'

ELASTIC=$(jq -r 'select(.origin == "elastic") | .id' "$TMP/s.json" | head -n 1)
if [ -n "$ELASTIC" ]; then
    "$BIN" show --json "$ELASTIC" "$@" >"$TMP/e.json" 2>/dev/null
    check "elastic alert shown" test "$(jq -r '.alert.origin' "$TMP/e.json")" = elastic
    check "elastic alert: its document is in its timelines" test "$(jq '.same_target | length' "$TMP/e.json")" -ge 1
fi

exit $fail
