#!/bin/sh
# credtriage incidents on all the samples (issue #17's must-show), judged with
# jq on exact sets; one decision for many alerts (fp on several ids, ack and
# remediate on an incident id) as ONE commit, judged with the real git.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/e2e_lib.sh
e2e_need incidents.sh jq git
e2e_isolate
REPO="$TMP/repo"
AN='Test Analyst <test@example.com>'
set -- samples/cloudtrail.json.gz samples/elastic-alerts.json samples/entra-audit.ndjson \
    samples/entra-signins.json samples/eventbridge.ndjson samples/gcp-audit.ndjson \
    samples/graph-directoryaudits.json samples/m365-audit.ndjson samples/sentinel-auditlogs.json
eq() { # description, got, want
    if [ "$2" = "$3" ]; then :; else printf 'FAIL: %s\n  got:  %s\n  want: %s\n' "$1" "$2" "$3" >&2; fail=1; fi
}
commits() { git -C "$REPO" rev-list --count HEAD; }
fsck_clean() { [ -z "$(git -C "$REPO" fsck --strict --no-progress 2>&1)" ]; }

"$BIN" incidents --json "$@" >"$TMP/inc.json" 2>"$TMP/inc.err"
check "incidents --json exits 0" test $? -eq 0
J="$TMP/inc.json"
# the incident holding an alert, as its sorted alert ids
of() { jq -c --arg a "$1" 'select(any(.alerts[]; .id == $a)) | [.alerts[].id] | sort' "$J"; }
eq "13 incidents" "$(jq -s length "$J")" 13
eq "the Entra alert and its M365 twin (megan's owner change first), and the ES|QL rule seeing the secret used from new addresses" "$(of 5b13199216650932)" \
    '["07cd78a66364a17d","40e3ef31fd2ac595","5b13199216650932","8db28f3a187bee07"]'
eq "alice's key for bob (also Elastic's ES|QL for-another-user rule), her login profile, bob's federation token and key pair" "$(of 486d7e1026454f68)" \
    '["0433ccf7cdd456d5","0e1bb0dbc34a4a89","486d7e1026454f68","5586a2044b4a7169","d0c9e84b66cd665c","f7af44cb684c3222"]'
eq "carol's own key alone" "$(of d4c1a2cce1dd2c77)" '["d4c1a2cce1dd2c77"]'
eq "carol's password change alone" "$(of d668db42a64d4cd9)" '["d668db42a64d4cd9"]'
eq "a svc-deploy rotation: Entra + M365" "$(of 726e1ba23b4b697d)" '["10742ad87994700b","726e1ba23b4b697d"]'
eq "the takeover names megan as the new owner" \
    "$(jq -c 'select(.lead_alert == "5b13199216650932") | [.entities[] | select(.role == "named") | .id]' "$J")" \
    '["megan.bowen@contoso.com"]'
"$BIN" show 8db28f3a "$@" 2>/dev/null >"$TMP/owner.txt"
check "the owner-added guide names the new owner" grep -q 'Identify the new owner: megan.bowen@contoso.com' "$TMP/owner.txt"
for id in 5b131992 07cd78a6 ff278652 d0c9e84b 8db28f3a; do
    "$BIN" show "$id" "$@" 2>/dev/null >"$TMP/guide.txt"
    check "guide of $id has no unfilled placeholder" sh -c "! grep -E '\\(unknown |<appId>|<owner>|<service account email>' '$TMP/guide.txt'"
done
eq "alice's incident's link kinds" \
    "$(jq -c 'select(any(.alerts[]; .id == "486d7e1026454f68")) | [.links[].kind] | sort' "$J")" \
    '["credential","credential","same_actor","same_change","same_change"]'
# ranking: the takeover and alice's chain above every routine rotation
TOP=$(jq -s -c '[.[] | select(any(.alerts[]; .id == "5b13199216650932" or .id == "486d7e1026454f68")) | .score] | min' "$J")
ROT=$(jq -s -c '[.[] | select(any(.reasons[]; .factor == "routine")) | .score] | max' "$J")
NROT=$(jq -s -c '[.[] | select(any(.reasons[]; .factor == "routine"))] | length' "$J")
eq "four routine rotations" "$NROT" 4
check "takeover and alice ($TOP) above every rotation ($ROT)" test "$TOP" -gt "$ROT"
# (alice's lead: Elastic's high-severity ES|QL alert 0433ccf7)
eq "the takeover's factors" \
    "$(jq -c 'select(.lead_alert == "5b13199216650932") | [.reasons[].factor]' "$J")" \
    '["key_used","new_ip_for_app","owner_first","actor_new_ip","rule_severity","off_hours","first_change"]'
eq "the takeover's key use" \
    "$(jq -r 'select(.lead_alert == "5b13199216650932") | .reasons[0].text' "$J")" \
    "key used 17 min later (2026-11-05T02:31:02.532Z)"
eq "alice's chain: the calls made with the new key" \
    "$(jq -r 'select(.lead_alert == "0433ccf7cdd456d5") | .reasons[0].text' "$J")" \
    "2 credential-creating calls with the new key: GetFederationToken, CreateKeyPair"
eq "first two by score" "$(jq -s -c '[.[0].id, .[1].id, .[0].severity]' "$J")" \
    '["INC-0433ccf7cdd4","INC-8db28f3a187b","critical"]'

# carol's own password change, made through her ContosoEngineers session: the actor is the
# session (ROLE/SESSION), and fp's "actor" entry maps to the actor, not to the target carol
"$BIN" fp d668db42 --dry-run "$@" --repo "$TMP/dry" --analyst "$AN" >"$TMP/dry.out" 2>/dev/null
eq "fp --dry-run: the actor entry" "$(sed -n 's/^  actor  *//p' "$TMP/dry.out")" \
    'credtriage.actor.name = "ContosoEngineers/carol"'

# who acknowledged an alert in Elastic (kibana.alert.workflow_user) is kept, also when the
# Elastic alert is merged into the rule's own
"$BIN" scan --json "$@" >"$TMP/scan0.json" 2>/dev/null
eq "carol's session as the actor (scan)" "$(jq -r 'select(.id == "d668db42a64d4cd9") | .actor.name' "$TMP/scan0.json")" \
    "ContosoEngineers/carol"
eq "Elastic's status and user kept" \
    "$(jq -c 'select(.elastic_user) | [.id, .elastic_status, .elastic_user, .status]' "$TMP/scan0.json")" \
    '["b7e829f7a4beecc9","acknowledged","isaiah.langer","acknowledged"]'
eq "show names who acknowledged it in Elastic" \
    "$("$BIN" show b7e829f7 "$@" 2>/dev/null | sed -n 's/^  status *//p')" \
    "acknowledged (in Elastic: acknowledged by isaiah.langer)"

# --- one decision for many alerts: ONE commit, one exception ---------------------------
"$BIN" incidents "$@" --repo "$REPO" >/dev/null 2>&1 # read-only: no repo made
check "incidents does not create the repo" test ! -e "$REPO"
"$BIN" fp 46a9a802 c03825ca 9668a87c 726e1ba2 --entry actor-id --entry target-id \
    --reason "routine rotation by svc-deploy" "$@" --repo "$REPO" --analyst "$AN" >"$TMP/fp.out" 2>"$TMP/fp.err"
check "fp on four ids exits 0" test $? -eq 0
eq "seed + one commit" "$(commits)" 2
eq "the commit's files: one exception, four decisions" \
    "$(git -C "$REPO" show --name-only --format= HEAD | sort | tr '\n' ' ')" \
    "$(printf '%s\n' decisions/2026/11/46a9a802043caf8b.json decisions/2026/11/726e1ba23b4b697d.json \
        decisions/2026/11/9668a87cb7bb6e25.json decisions/2026/11/c03825ca22bce57c.json | sort | tr '\n' ' ')$(git -C "$REPO" show --name-only --format= HEAD | grep '^exceptions/entra_app_credential_added/ct-' | tr '\n' ' ')"
eq "one exception file" "$(git -C "$REPO" ls-files exceptions | wc -l | tr -d ' ')" 1
eq "the exception names the four alerts" \
    "$(jq -r .description "$REPO/$(git -C "$REPO" ls-files exceptions)")" \
    "False positive of alerts 46a9a802043caf8b, c03825ca22bce57c, 9668a87cb7bb6e25, 726e1ba23b4b697d"
eq "subject" "$(git -C "$REPO" log -1 --format=%s)" "exception: 4 alerts: Entra ID Application Credential Added"
"$BIN" scan --json "$@" --repo "$REPO" >"$TMP/scan.json" 2>/dev/null
eq "all four closed as false positive" \
    "$(jq -c 'select(.id == "46a9a802043caf8b" or .id == "c03825ca22bce57c" or .id == "9668a87cb7bb6e25" or .id == "726e1ba23b4b697d") | .status' "$TMP/scan.json" | sort -u)" \
    '"false_positive"'
check "git fsck is clean after fp" fsck_clean

# an incident id: all of its alerts, one commit
"$BIN" ack INC-8db28f3a187b --note "on it" "$@" --repo "$REPO" --analyst "$AN" >"$TMP/ack.out" 2>"$TMP/ack.err"
check "ack of an incident exits 0" test $? -eq 0
eq "one more commit" "$(commits)" 3
eq "its four decisions" "$(git -C "$REPO" show --name-only --format= HEAD | sort | tr '\n' ' ')" \
    "decisions/2026/11/07cd78a66364a17d.json decisions/2026/11/40e3ef31fd2ac595.json decisions/2026/11/5b13199216650932.json decisions/2026/11/8db28f3a187bee07.json "
"$BIN" incidents --json "$@" --repo "$REPO" >"$TMP/inc2.json" 2>/dev/null
eq "the incident is acknowledged" "$(jq -r 'select(.id == "INC-8db28f3a187b") | [.status, (.alerts | map(.status) | unique | join(","))] | join(" ")' "$TMP/inc2.json")" \
    "acknowledged acknowledged"
"$BIN" remediate INC-0433ccf7cdd4 --note "bob's new key deleted, key pair removed" "$@" --repo "$REPO" \
    --analyst "$AN" >/dev/null 2>"$TMP/rem.err"
check "remediate of an incident with a note only exits 0" test $? -eq 0
eq "one more commit, six decisions" "$(commits) $(git -C "$REPO" show --name-only --format= HEAD | wc -l | tr -d ' ')" "4 6"
"$BIN" fp INC-f648cfccc666 --entry actor-id --entry target-id --reason "routine" "$@" --repo "$REPO" \
    --analyst "$AN" >"$TMP/fp2.out" 2>/dev/null
check "fp of an incident of two rules exits 0" test $? -eq 0
eq "two rules: two exceptions in one commit" "$(commits) $(git -C "$REPO" show --name-only --format= HEAD | grep -c '^exceptions/')" "5 2"
check "git fsck is clean at the end" fsck_clean

# --- the case report ------------------------------------------------------------------
"$BIN" report INC-8db28f3a187b --format json "$@" --repo "$REPO" >"$TMP/rep.json" 2>"$TMP/rep.err"
check "report --format json exits 0" test $? -eq 0
ACK=$(git -C "$REPO" log --format=%H --grep '^ack: 4 alerts of INC-8db28f3a187b')
eq "the report's timeline: owner, secret, the six sign-ins with the new key" \
    "$(jq -c '[.timeline[] | [.timestamp[11:19], .action, .uses_new_credential]]' "$TMP/rep.json")" \
    '[["01:58:41","Add owner to application",false],["02:14:07","Update application - Certificates and secrets management",false],["02:31:02","Sign-in activity",true],["02:36:48","Sign-in activity",true],["02:44:15","Sign-in activity",true],["02:51:30","Sign-in activity",true],["03:02:09","Sign-in activity",true],["03:09:57","Sign-in activity",true]]'
eq "the report's decisions name the ack commit" \
    "$(jq -c '[.decisions[] | [.alert, .status, .commits[0].id]] | sort' "$TMP/rep.json")" \
    "[[\"07cd78a66364a17d\",\"acknowledged\",\"$ACK\"],[\"40e3ef31fd2ac595\",\"acknowledged\",\"$ACK\"],[\"5b13199216650932\",\"acknowledged\",\"$ACK\"],[\"8db28f3a187bee07\",\"acknowledged\",\"$ACK\"]]"
"$BIN" report 5b131992 "$@" --repo "$REPO" -o "$TMP/rep.md" 2>/dev/null
check "report of an alert id writes its incident's Markdown" grep -qx '# Incident INC-8db28f3a187b: Entra ID Application Credential Added' "$TMP/rep.md"
eq "the Markdown's sections" "$(grep '^## ' "$TMP/rep.md" | tr '\n' ' ')" \
    "## Summary ## Evidence ## Entities ## Timeline ## Alerts ## Decisions "
"$BIN" report INC-ffffffff "$@" --repo "$REPO" >/dev/null 2>&1
check "report of an unknown incident exits 5" test $? -eq 5

# --- the shared-identity limit (CT_INCIDENT_HUB_PEERS = 8), said where it splits ---------------------
# one IAM user making keys for N users, a minute apart (CloudTrail as AWS writes it)
burst() { # N FILE
    k=0
    while [ $k -lt "$1" ]; do
        printf '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAAUTOMATION","arn":"arn:aws:iam::111122223333:user/automation","accountId":"111122223333","accessKeyId":"AKIAAUTOMATION00001","userName":"automation"},"eventTime":"2026-11-06T14:0%d:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"aws-cli/2.13","requestParameters":{"userName":"u%d"},"responseElements":{"accessKey":{"accessKeyId":"AKIAUSER%d0000000000","status":"Active","userName":"u%d","createDate":"Nov 6, 2026 2:0%d:00 PM"}},"eventID":"0000000%d-1111-2222-3333-444444444444","eventType":"AwsApiCall","recipientAccountId":"111122223333"}\n' $k $k $k $k $k $k
        k=$((k + 1))
    done > "$2"
}
burst 8 "$TMP/burst8.ndjson"
burst 9 "$TMP/burst9.ndjson"
"$BIN" incidents --json "$TMP/burst8.ndjson" >"$TMP/b8.json" 2>/dev/null
eq "8 counterparts (the limit): one incident of the 16 alerts, no shared identity" \
    "$(jq -c '[(.alerts | length), ([.entities[] | select(has("shared_with"))] | length)]' "$TMP/b8.json")" '[16,0]'
"$BIN" incidents --json "$TMP/burst9.ndjson" >"$TMP/b9.json" 2>/dev/null
eq "9 counterparts: 9 incidents, each naming automation as shared with 9" \
    "$(jq -s -c '[length, ([.[] | .entities[] | select(has("shared_with")) | [.role, .name, .shared_with]] | unique)]' "$TMP/b9.json")" \
    '[9,[["actor","automation",9]]]'
"$BIN" incidents "$TMP/burst9.ndjson" 2>/dev/null | sed -n '/^INC-.* 2026-11-06T14:08:00 /,/^INC-/p' >"$TMP/b9.txt"
eq "the text output says why, under the entities" "$(sed -n 2,6p "$TMP/b9.txt")" "    actors: automation
    targets: u8
    credentials: AKIAUSER80000000000
    shared identity: automation has alerts with 9 others (more than 8), so alerts are not joined through it
     +15 high rule: AWS IAM User Created Access Keys For Another User"
"$BIN" report "$(jq -r 'select(.alerts[0].timestamp | startswith("2026-11-06T14:08")) | .id' "$TMP/b9.json")" \
    "$TMP/burst9.ndjson" -o "$TMP/b9.md" 2>/dev/null
eq "the report says it beside the actor" "$(grep '^- actor' "$TMP/b9.md")" \
    "- actor (aws_iam_user): automation (arn:aws:iam::111122223333:user/automation): a shared identity, with alerts involving 9 others (more than 8), so alerts are not joined into this incident through it"
exit $fail
