#!/bin/sh
# credtriage ack / fp / remediate / reopen on samples/entra-audit.ndjson with a
# temp rules repo, judged with the real git and jq. Story 2 of samples/README.md:
# svc-deploy (SP 4aee31e3-...) rotates ci-pipeline's secret four times.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/e2e_lib.sh
e2e_need triage.sh jq git
e2e_isolate
REPO="$TMP/repo"
AN='Test Analyst <test@example.com>'
F=samples/entra-audit.ndjson
SP=4aee31e3-956a-4cd6-a8b8-745918ed9d01
CI=45aef66d-0ecd-462a-9e44-3763b81104c5
RULE="Entra ID Application Credential Added"
ct() { "$BIN" "$@" --repo "$REPO"; }
head_id() { git -C "$REPO" rev-parse HEAD; }
fsck() { git -C "$REPO" fsck --strict --no-progress >/dev/null 2>&1; }

"$BIN" scan --json "$F" >"$TMP/scan.json" 2>"$TMP/scan.err" || { cat "$TMP/scan.err" >&2; exit 1; }
SVC=$(jq -r --arg r "$RULE" 'select(.rule_name == $r and .actor.name == "svc-deploy") | .id' "$TMP/scan.json" | head -n 1)
MEGAN=$(jq -r --arg r "$RULE" 'select(.rule_name == $r and .actor.name == "megan.bowen@contoso.com") | .id' "$TMP/scan.json")
HOSTILE=$(jq -r --arg r "$RULE" 'select(.rule_name == $r and .actor.name == "grady.archie@contoso.com") | .id' "$TMP/scan.json")
NRULE=$(jq -r --arg r "$RULE" 'select(.rule_name == $r) | .id' "$TMP/scan.json" | wc -l)
if [ -z "$SVC" ] || [ -z "$MEGAN" ] || [ -z "$HOSTILE" ]; then
    echo "triage.sh: scan finds no story alerts in $F" >&2
    exit 1
fi
check "six alerts of the rule in the sample" test "$NRULE" -eq 6

# --- dry run: candidates and the preview, nothing written -------------------------
"$BIN" fp --dry-run "$SVC" "$F" --repo "$REPO" --analyst "$AN" >"$TMP/dry.out" 2>"$TMP/dry.err"
check "fp --dry-run exits 0" test $? -eq 0
check "dry run offers the provider's SP id field" \
    grep -q "actor-id *azure.auditlogs.properties.initiated_by.app.servicePrincipalId = \"$SP\"" "$TMP/dry.out"
check "dry run offers the target name" \
    grep -q 'target *azure.auditlogs.properties.target_resources.0.display_name = "ci-pipeline"' "$TMP/dry.out"
check "dry run previews 4 of 6" grep -q "would suppress 4 of 6 loaded alerts of this rule" "$TMP/dry.out"
check "dry run commits nothing but the seed" test "$(git -C "$REPO" rev-list --count HEAD)" -eq 1

# --- usage errors -------------------------------------------------------------------
ct fp "$SVC" --entry actor-id "$F" --analyst "$AN" >/dev/null 2>"$TMP/e1"
check "fp without --reason is a usage error (2)" test $? -eq 2
ct fp "$SVC" --reason why "$F" --analyst "$AN" >/dev/null 2>"$TMP/e2"
check "fp without --entry is a usage error (2)" test $? -eq 2
ct fp "$SVC" --entry nosuchlabel --reason why "$F" --analyst "$AN" >/dev/null 2>"$TMP/e3"
check "fp with an unknown label is a usage error (2)" test $? -eq 2
ct ack ffffffffffffffff "$F" --analyst "$AN" >/dev/null 2>"$TMP/e4"
check "ack of an unknown alert exits 5" test $? -eq 5

# --- fp: exception + decision in one commit ------------------------------------------
SEED=$(head_id)
ct fp "$SVC" --entry actor-id --entry target-id --reason "svc-deploy rotates ci-pipeline; CHG-1234" \
    --expires 2099-01-01 "$F" --analyst "$AN" >"$TMP/fp.out" 2>"$TMP/fp.err"
check "fp exits 0" test $? -eq 0
FP=$(head_id)
check "fp prints the commit id first" test "$(cut -d' ' -f1 "$TMP/fp.out")" = "$FP"
check "one commit on top of the seed" test "$(git -C "$REPO" rev-parse HEAD~1)" = "$SEED"
check "author and subject" test "$(git -C "$REPO" log -1 --format='%an|%ae|%s')" = \
    "Test Analyst|test@example.com|exception: $RULE: actor-id=$SP target-id=$CI"
git -C "$REPO" log -1 --format=%b >"$TMP/body"
check "body: reason" grep -q "svc-deploy rotates ci-pipeline; CHG-1234" "$TMP/body"
check "body: expiry" grep -q "Expires: 2099-01-01T00:00:00.000Z" "$TMP/body"
check "body: alert id" grep -q "Alert: $SVC" "$TMP/body"
check "body: rule id" grep -q "cdb614db-c4f5-486f-bc52-21f409265851" "$TMP/body"
git -C "$REPO" show --format= --name-only HEAD >"$TMP/files"
check "two files in the commit" test "$(wc -l <"$TMP/files")" -eq 2
EXC=$(grep '^exceptions/entra_app_credential_added/ct-[0-9a-f]*\.json$' "$TMP/files")
check "the exception file" test -n "$EXC"
check "the decision file" grep -qx "decisions/2026/11/$SVC.json" "$TMP/files"
git -C "$REPO" show "HEAD:$EXC" >"$TMP/exc.json"
check "exception: Kibana item shape" jq -e --arg sp "$SP" \
    '.type == "simple" and .list_id == "entra_app_credential_added-exceptions" and .namespace_type == "single"
     and (.entries | length) == 2 and .entries[0].operator == "included" and .entries[0].type == "match"
     and .entries[0].value == $sp and .expire_time == "2099-01-01T00:00:00.000Z"
     and .comments[0].comment == "svc-deploy rotates ci-pipeline; CHG-1234"
     and .comments[0].created_by == "Test Analyst <test@example.com>"' "$TMP/exc.json" >/dev/null
check "exception file is pretty with a trailing newline" test "$(tail -c 2 "$TMP/exc.json" | od -An -c | tr -d ' ')" = '}\n'
check "decision: false_positive naming the item" jq -e --arg i "$(jq -r .item_id "$TMP/exc.json")" \
    '.status == "false_positive" and .exception == $i and .analyst == "Test Analyst <test@example.com>"
     and .event.dataset == "azure.auditlogs" and .actor.name == "svc-deploy"' "$REPO/decisions/2026/11/$SVC.json" >/dev/null
check "git fsck --strict" fsck
check "working tree clean" test -z "$(git -C "$REPO" status --porcelain)"

# --- a fresh scan honours it ----------------------------------------------------------
ct scan --json --all "$F" >"$TMP/scan2.json" 2>"$TMP/scan2.err"
check "the alert is false_positive" test "$(jq -r --arg i "$SVC" 'select(.id == $i) | .status' "$TMP/scan2.json")" = false_positive
check "the three other rotations are suppressed" \
    test "$(jq -r 'select(.status == "suppressed") | .actor.name' "$TMP/scan2.json" | sort | uniq -c | tr -s ' ')" = " 3 svc-deploy"
check "megan's alert stays open" test "$(jq -r --arg i "$MEGAN" 'select(.id == $i) | .status' "$TMP/scan2.json")" = open
ct scan --json "$F" >"$TMP/scan3.json" 2>"$TMP/scan3.err"
check "suppressed alerts are hidden without --all" test "$(jq -r 'select(.status == "suppressed")' "$TMP/scan3.json" | wc -l)" -eq 0
check "suppressed alerts are counted" grep -q "3 suppressed" "$TMP/scan3.err"

# --- refusals ---------------------------------------------------------------------------
BEFORE=$(head_id)
ct fp "$MEGAN" --entry event.dataset --reason "all of them" "$F" --analyst "$AN" >/dev/null 2>"$TMP/all.err"
check "an exception suppressing every alert of the rule is refused (1)" test $? -eq 1
check "the refusal says why" grep -q "every one of the 6" "$TMP/all.err"
ct fp "$MEGAN" --exclude actor "$F" --reason "typo" --analyst "$AN" >/dev/null 2>"$TMP/self.err"
check "an exception that does not match its own alert is refused (1)" test $? -eq 1
check "nothing committed by refusals" test "$(head_id)" = "$BEFORE"

# --- ack / remediate / reopen -------------------------------------------------------------
ct ack "$MEGAN" --note "looking" "$F" --analyst "$AN" >"$TMP/ack.out" 2>"$TMP/ack.err"
check "ack exits 0" test $? -eq 0
check "ack subject" test "$(git -C "$REPO" log -1 --format=%s)" = \
    "ack: $RULE: $MEGAN actor=megan.bowen@contoso.com target=payroll-sync"
check "ack's done line: $(cat "$TMP/ack.out")" test "$(cat "$TMP/ack.out")" = \
    "$(head_id) ack: alert $MEGAN ($RULE) actor=megan.bowen@contoso.com target=payroll-sync -> acknowledged"
check "ack: acknowledged" test "$(jq -r .status "$REPO/decisions/2026/11/$MEGAN.json")" = acknowledged
ct remediate "$MEGAN" --list-steps "$F" >"$TMP/steps.out" 2>&1
check "remediate --list-steps shows the guide's filled steps" grep -q "az ad app credential delete --id c724bcae-60b1-428b-b737-9617dce992f7" "$TMP/steps.out"
ct remediate "$MEGAN" --step 1 --step 2 --note "key removed, SP disabled" "$F" --analyst "$AN" >/dev/null 2>"$TMP/rem.err"
check "remediate exits 0" test $? -eq 0
check "remediated with two steps" jq -e '.status == "remediated" and (.steps | length) == 2 and .note == "key removed, SP disabled"' \
    "$REPO/decisions/2026/11/$MEGAN.json" >/dev/null
git -C "$REPO" log -1 --format=%B >"$TMP/rem.msg"
check "remediated subject" grep -q "^remediated: $RULE: $MEGAN" "$TMP/rem.msg"
check "remediated body lists the steps" grep -q "^  1\. Remove the unauthorised credential" "$TMP/rem.msg"
ct remediate "$MEGAN" --step 42 --note x "$F" --analyst "$AN" >/dev/null 2>&1
check "a step the guide does not have is refused (1)" test $? -eq 1
ct reopen "$MEGAN" "$F" --analyst "$AN" >/dev/null 2>"$TMP/reo.err"
check "reopen exits 0" test $? -eq 0
check "reopen: open" test "$(jq -r .status "$REPO/decisions/2026/11/$MEGAN.json")" = open
ct reopen "$MEGAN" "$F" --analyst "$AN" >/dev/null 2>&1
check "reopen of an open alert is refused (1)" test $? -eq 1
check "the alert's history is its file's history" test "$(git -C "$REPO" log --format=%s -- "decisions/2026/11/$MEGAN.json" | cut -d: -f1 | tr '\n' ' ')" = "reopen remediated ack "
# reopen wins over the exception
SUP=$(jq -r 'select(.status == "suppressed") | .id' "$TMP/scan2.json" | head -n 1)
ct reopen "$SUP" "$F" --analyst "$AN" >/dev/null 2>&1
check "reopen of a suppressed alert exits 0" test $? -eq 0
ct scan --json --all "$F" >"$TMP/scan4.json" 2>/dev/null
check "a decision wins over suppression" test "$(jq -r --arg i "$SUP" 'select(.id == $i) | .status' "$TMP/scan4.json")" = open

# --- close matching -----------------------------------------------------------------------
ct fp "$HOSTILE" --entry actor --reason "grady's lab app" --close-matching "$F" --analyst "$AN" >/dev/null 2>"$TMP/cm.err"
check "fp on the hostile-named target exits 0" test $? -eq 0

# --- identity ---------------------------------------------------------------------------------
BEFORE=$(head_id)
"$BIN" ack "$MEGAN" "$F" --repo "$REPO" >/dev/null 2>"$TMP/id.err"
check "no identity: exit 4" test $? -eq 4
check "no identity: a clear message" grep -q -- "--analyst" "$TMP/id.err"
check "no identity: nothing committed" test "$(head_id)" = "$BEFORE"

# --- hostile text never reaches a commit message raw ---------------------------------------------
ct ack "$HOSTILE" --note "$(printf 'see \033[2J and \r and \342\200\256 here')" "$F" --analyst "$AN" >"$TMP/h.out" 2>&1
check "ack on the hostile alert exits 0" test $? -eq 0
ESC=$(printf '\033'); CR=$(printf '\r'); RLO=$(printf '\342\200\256')
git -C "$REPO" log --format=%B >"$TMP/all.msg"
check "no ESC in any commit message" test "$(grep -c "$ESC" "$TMP/all.msg")" -eq 0
check "no CR in any commit message" test "$(grep -c "$CR" "$TMP/all.msg")" -eq 0
check "no RLO in any commit message" test "$(grep -c "$RLO" "$TMP/all.msg")" -eq 0
check "the hostile name is shown escaped" grep -q 'Target: billing\\x1b\[31m-export\\x1b\[0m\\x0dpayroll-sync <U+202E>xcod.exe' "$TMP/all.msg"
check "nor on the terminal" test "$(grep -c "$ESC" "$TMP/h.out")" -eq 0
# --- reopen of several alerts: ONE commit; the ones already open left out ---------------------
ct ack "$MEGAN" "$F" --analyst "$AN" >/dev/null 2>&1
BEFORE=$(git -C "$REPO" rev-list --count HEAD)
ct reopen "$MEGAN" "$HOSTILE" --note "second look" "$F" --analyst "$AN" >"$TMP/ro.out" 2>"$TMP/ro.err"
check "reopen of two exits 0" test $? -eq 0
check "reopen of two: the line" test "$(cat "$TMP/ro.out")" = "$(head_id) reopen: 2 alerts ($MEGAN $HOSTILE) -> open"
check "reopen of two: ONE commit" test "$(git -C "$REPO" rev-list --count HEAD)" -eq $((BEFORE + 1))
check "reopen of two: two decision files in it" test "$(git -C "$REPO" show --name-only --format= HEAD | sort | tr '\n' ' ')" = \
    "$(printf 'decisions/2026/11/%s.json\n' "$MEGAN" "$HOSTILE" | sort | tr '\n' ' ')"
check "reopen of two: the subject" test "$(git -C "$REPO" log -1 --format=%s)" = \
    "reopen: 2 alerts: $RULE: $MEGAN actor=megan.bowen@contoso.com target=$(jq -r --arg i "$MEGAN" 'select(.id == $i) | .target.name' "$TMP/scan.json") +1"
check "reopen of two: each previous status named" test "$(git -C "$REPO" log -1 --format=%B | grep '^Previous status' | tr '\n' '|')" = \
    "Previous status of $MEGAN: acknowledged (by $AN)|Previous status of $HOSTILE: acknowledged (by $AN)|"
ct ack "$MEGAN" "$F" --analyst "$AN" >/dev/null 2>&1
ct reopen "$MEGAN" "$HOSTILE" "$F" --analyst "$AN" >"$TMP/ro2.out" 2>&1
check "reopen with one already open: the line" test "$(cat "$TMP/ro2.out")" = \
    "$(head_id) reopen: 2 alerts ($MEGAN $HOSTILE) -> open; 1 already open, left out"
check "reopen with one already open: one decision in the commit" test "$(git -C "$REPO" show --name-only --format= HEAD)" = \
    "decisions/2026/11/$MEGAN.json"
BEFORE=$(head_id)
ct reopen "$MEGAN" "$HOSTILE" "$F" --analyst "$AN" >/dev/null 2>"$TMP/ro3.err"
check "reopen of two open alerts is refused (1)" test $? -eq 1
check "reopen of two open alerts: why" test "$(cat "$TMP/ro3.err")" = "credtriage reopen: the 2 alerts are already open"
check "reopen of two open alerts: nothing committed" test "$(head_id)" = "$BEFORE"
check "file names only from ids" test -z "$(git -C "$REPO" ls-files | grep -v '^rules/\|^guides/\|^exceptions/[a-z0-9_]*/ct-[0-9a-f]*\.json$\|^decisions/20[0-9][0-9]/[01][0-9]/[0-9a-f]\{16\}\.json$')"
check "git fsck --strict at the end" fsck
check "check: ok" test "$("$BIN" check --repo "$REPO")" = ok
exit $fail
