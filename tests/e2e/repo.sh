#!/bin/sh
# credtriage history / revert / exceptions import|export|list / check / sync,
# and a held index.lock, with the real binary, git and jq. Temp repos only.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/e2e_lib.sh
e2e_need repo.sh jq git
e2e_isolate
AN='Test Analyst <test@example.com>'
BOB='Bob Reviewer <bob@example.com>'
F=samples/entra-audit.ndjson
KIB=tests/fixtures/triage/kibana-export.ndjson
RULE="Entra ID Application Credential Added"
STEM=entra_app_credential_added
fsck() { git -C "$1" fsck --strict --no-progress >/dev/null 2>&1; }
status_of() { # repo, alert id
    "$BIN" scan --json --all "$F" --repo "$1" 2>/dev/null | jq -r --arg i "$2" 'select(.id == $i) | .status'
}

"$BIN" scan --json "$F" >"$TMP/scan.json" 2>/dev/null || exit 1
SVC=$(jq -r --arg r "$RULE" 'select(.rule_name == $r and .actor.name == "svc-deploy") | .id' "$TMP/scan.json" | head -n 1)
MEGAN=$(jq -r --arg r "$RULE" 'select(.rule_name == $r and .actor.name == "megan.bowen@contoso.com") | .id' "$TMP/scan.json")
[ -n "$SVC" ] && [ -n "$MEGAN" ] || { echo "repo.sh: no story alerts in $F" >&2; exit 1; }

# --- import a Kibana exception list export ----------------------------------------------
R="$TMP/repo"
"$BIN" exceptions import "$KIB" --repo "$R" --analyst "$AN" >"$TMP/imp.out" 2>"$TMP/imp.err"
check "import exits 0" test $? -eq 0
check "import prints the commit id and a summary" grep -q "^$(git -C "$R" rev-parse HEAD) import: 2 exception items (2 new, 0 updated)" "$TMP/imp.out"
check "the list name ties the items to the rule" test -f "$R/exceptions/$STEM/ci-sp-rotation.json"
check "import commit: the two files only" test "$(git -C "$R" show --format= --name-only HEAD | sort | tr '\n' ' ')" = \
    "exceptions/$STEM/ci-sp-rotation.json exceptions/$STEM/megan-test-app.json "
check "imported item keeps its entries, rewritten to the rule's list" jq -e \
    '.list_id == "entra_app_credential_added-exceptions" and .rule_id == "cdb614db-c4f5-486f-bc52-21f409265851"
     and (.entries | length) == 3 and .entries[1].type == "match_any" and .entries[2].operator == "excluded"
     and .comments[0].comment == "Deployment SP rotates the CI secret every other day; ticket SEC-1234"' \
    "$R/exceptions/$STEM/ci-sp-rotation.json" >/dev/null
check "svc-deploy's rotations are suppressed" test "$(status_of "$R" "$SVC")" = suppressed
check "the expired item no longer applies" test "$(status_of "$R" "$MEGAN")" = open
"$BIN" exceptions list --repo "$R" >"$TMP/list.out"
check "list shows the expired item as expired" grep -q "^megan-test-app *expired" "$TMP/list.out"
check "list shows the live item as live" grep -q "^ci-sp-rotation *live" "$TMP/list.out"
printf '{"list_id":"x","name":"Exceptions for rule - nothing here"}\n{"item_id":"zz","list_id":"x","type":"simple","name":"z","entries":[{"field":"a","operator":"included","type":"exists"}]}\n' >"$TMP/foreign.ndjson"
"$BIN" exceptions import "$TMP/foreign.ndjson" --repo "$R" --analyst "$AN" >/dev/null 2>"$TMP/foreign.err"
check "an item of no known rule is refused (1)" test $? -eq 1
check "with FILE:LINE" grep -q "foreign.ndjson:2: item zz" "$TMP/foreign.err"

# --- export: Kibana NDJSON, and a round trip into a second repo ----------------------------------
"$BIN" exceptions export -o "$TMP/exp.ndjson" --repo "$R" 2>/dev/null
check "export exits 0" test $? -eq 0
check "export: list line, two items, summary" test "$(jq -s -c '[.[0].type, .[1].item_id, .[2].item_id, .[3].exported_exception_list_item_count]' "$TMP/exp.ndjson")" = \
    '["rule_default","ci-sp-rotation","megan-test-app",2]'
check "export: every line has the list id" test "$(jq -r 'select(.list_id) | .list_id' "$TMP/exp.ndjson" | sort -u)" = "entra_app_credential_added-exceptions"
"$BIN" exceptions export --repo "$R" >"$TMP/exp2.ndjson" 2>/dev/null
check "export is deterministic" cmp -s "$TMP/exp.ndjson" "$TMP/exp2.ndjson"
R2="$TMP/repo2"
"$BIN" exceptions import "$TMP/exp.ndjson" --repo "$R2" --analyst "$AN" >/dev/null 2>&1
check "round trip: identical files" diff -r "$R/exceptions" "$R2/exceptions"

# --- fp, ack, then history ------------------------------------------------------------------------
"$BIN" fp "$MEGAN" --entry actor --reason "megan's lab" "$F" --repo "$R" --analyst "$AN" >/dev/null 2>&1
check "fp exits 0" test $? -eq 0
FP=$(git -C "$R" rev-parse HEAD)
"$BIN" ack "$SVC" --note "watching" "$F" --repo "$R" --analyst "$BOB" >/dev/null 2>&1
check "ack exits 0" test $? -eq 0
"$BIN" history --repo "$R" >"$TMP/hist.txt"
check "history exits 0" test $? -eq 0
check "history: newest first, with author" test "$(sed -n 1p "$TMP/hist.txt" | cut -c 1-12)" = "$(git -C "$R" rev-parse HEAD | cut -c 1-12)"
check "history shows the reviewer" grep -q "Bob Reviewer <bob@example.com>" "$TMP/hist.txt"
check "history shows the files" grep -q "^      decisions/2026/11/$SVC.json" "$TMP/hist.txt"
"$BIN" history --json --repo "$R" >"$TMP/hist.json"
check "history --json: one line per commit" test "$(wc -l <"$TMP/hist.json")" -eq "$(git -C "$R" rev-list --count HEAD)"
check "history --json fields" jq -e -s '.[0] | (.id | length) == 40 and .author == "Bob Reviewer" and .email == "bob@example.com"
     and (.summary | startswith("ack: ")) and (.files | length) == 1 and (.date | test("^2[0-9]{3}-"))' "$TMP/hist.json" >/dev/null
"$BIN" history --json --exceptions --repo "$R" >"$TMP/hx.json"
check "--exceptions: only commits touching exceptions/" test "$(jq -r '.summary | split(":")[0]' "$TMP/hx.json" | tr '\n' ' ')" = "exception import "
"$BIN" history --json --decisions -n 1 --repo "$R" >"$TMP/hd.json"
check "--decisions -n 1" test "$(jq -r .id "$TMP/hd.json")" = "$(git -C "$R" rev-parse HEAD)"
"$BIN" history --show "$FP" --repo "$R" >"$TMP/show.diff"
check "history --show prints the diff" grep -q "^+++ b/exceptions/$STEM/ct-" "$TMP/show.diff"
check "the diff holds the reason" grep -q "megan's lab" "$TMP/show.diff"
"$BIN" history --show 0000000 --repo "$R" >/dev/null 2>&1
check "history --show of an unknown commit exits 5" test $? -eq 5

# --- revert: the exception stops applying --------------------------------------------------------
check "before revert: megan's alert is false_positive" test "$(status_of "$R" "$MEGAN")" = false_positive
"$BIN" revert "$FP" --repo "$R" --analyst "$BOB" >"$TMP/rev.out" 2>"$TMP/rev.err"
check "revert exits 0" test $? -eq 0
check "revert prints the commit id" test "$(cut -d' ' -f1 "$TMP/rev.out")" = "$(git -C "$R" rev-parse HEAD)"
check "revert commit by the reviewer" test "$(git -C "$R" log -1 --format='%an|%s' | cut -c 1-31)" = 'Bob Reviewer|Revert "exception:'
check "after revert: open again" test "$(status_of "$R" "$MEGAN")" = open
check "svc's ack is untouched by the revert" test "$(status_of "$R" "$SVC")" = acknowledged
"$BIN" revert deadbeefdeadbeef --repo "$R" --analyst "$BOB" >/dev/null 2>&1
check "revert of an unknown commit exits 5" test $? -eq 5
check "fsck after revert" fsck "$R"

# --- check ------------------------------------------------------------------------------------------
check "check: ok" test "$("$BIN" check --repo "$R")" = ok
mkdir -p "$R/exceptions/no_such_rule"
printf '{"item_id":"orphan","entries":[{"field":"a","operator":"included","type":"exists"}]}\n' >"$R/exceptions/no_such_rule/orphan.json"
printf '{"item_id":"empty","entries":[]}\n' >"$R/exceptions/$STEM/empty.json"
cp "$R/exceptions/$STEM/ci-sp-rotation.json" "$R/exceptions/$STEM/copy.json"
rm "$R/guides/entra_sp_credential_added.md"
"$BIN" check --repo "$R" >"$TMP/check.out" 2>&1
check "check with problems exits 1" test $? -eq 1
check "check: exception of no rule" grep -q "^exceptions/no_such_rule/orphan.json: no rule no_such_rule" "$TMP/check.out"
check "check: exception without entries" grep -q "^exceptions/$STEM/empty.json: item empty: no entries" "$TMP/check.out"
check "check: file name / item_id" grep -q "^exceptions/$STEM/copy.json: file name does not match item_id" "$TMP/check.out"
check "check: rule without guide" grep -q "^rules/azure/entra_sp_credential_added.json: no guide" "$TMP/check.out"
check "check prints no ok" test -z "$(grep -x ok "$TMP/check.out")"
git -C "$R" checkout -q -- guides
rm -r "$R/exceptions/no_such_rule" "$R/exceptions/$STEM/empty.json" "$R/exceptions/$STEM/copy.json"
check "check: ok again" test "$("$BIN" check --repo "$R")" = ok

# --- a held index.lock -----------------------------------------------------------------------------------
touch "$R/.git/index.lock"
BEFORE=$(git -C "$R" rev-parse HEAD)
"$BIN" ack "$MEGAN" "$F" --repo "$R" --analyst "$AN" >/dev/null 2>"$TMP/lock.err"
check "a held index.lock: exit 4" test $? -eq 4
check "a held index.lock: said so" grep -q "index.lock" "$TMP/lock.err"
check "a held index.lock: nothing committed" test "$(git -C "$R" rev-parse HEAD)" = "$BEFORE"
rm -f "$R/.git/index.lock"
(sleep 1; rm -f "$R/.git/index.lock") & touch "$R/.git/index.lock"
"$BIN" ack "$MEGAN" "$F" --repo "$R" --analyst "$AN" >/dev/null 2>"$TMP/lock2.err"
check "a lock released within the wait: ack goes through" test $? -eq 0
wait
check "fsck after the locks" fsck "$R"
check "working tree clean" test -z "$(git -C "$R" status --porcelain)"

# --- sync: a bare remote and two clones ----------------------------------------------------------------
git init -q --bare "$TMP/remote.git"
BR=$(git -C "$R" symbolic-ref --short HEAD)
git -C "$R" remote add origin "$TMP/remote.git"
git -C "$R" push -q -u origin "$BR" 2>/dev/null
check "the first repo is on the remote" test "$(git -C "$TMP/remote.git" rev-parse "$BR")" = "$(git -C "$R" rev-parse HEAD)"
git clone -q "$TMP/remote.git" "$TMP/clone" 2>/dev/null
C="$TMP/clone"
"$BIN" remediate "$SVC" --note "rotated by hand" "$F" --repo "$C" --analyst "$BOB" >/dev/null 2>&1
check "remediate in the clone" test $? -eq 0
"$BIN" sync --repo "$C" --analyst "$BOB" >"$TMP/sync1.out" 2>"$TMP/sync1.err"
check "sync from the clone exits 0" test $? -eq 0
check "sync pushed one" grep -q "pushed 1" "$TMP/sync1.out"
"$BIN" fp "$MEGAN" --entry actor-id --reason "lab, again" "$F" --repo "$R" --analyst "$AN" >/dev/null 2>&1
check "fp in the first repo" test $? -eq 0
"$BIN" sync --repo "$R" --analyst "$AN" >"$TMP/sync2.out" 2>"$TMP/sync2.err"
check "diverged sync exits 0" test $? -eq 0
check "diverged sync: fetched 1, rebased 1, pushed 1" grep -q "fetched 1, rebased 1, pushed 1" "$TMP/sync2.out"
"$BIN" sync --repo "$C" --analyst "$BOB" >"$TMP/sync3.out" 2>&1
check "the clone catches up" test "$(git -C "$C" rev-parse HEAD)" = "$(git -C "$R" rev-parse HEAD)"
check "both see the same statuses" test "$(status_of "$C" "$SVC") $(status_of "$C" "$MEGAN")" = "remediated false_positive"
check "the remote has both decisions" test "$(git -C "$TMP/remote.git" log --format=%an "$BR" | head -n 2 | sort | tr '\n' ' ')" = "Bob Reviewer Test Analyst "
# the same alert decided on both sides: a conflict, nothing changes locally
"$BIN" ack "$SVC" --note "mine" --replace "$F" --repo "$R" --analyst "$AN" >/dev/null 2>&1
"$BIN" sync --repo "$R" --analyst "$AN" >/dev/null 2>&1
"$BIN" reopen "$SVC" --note "theirs" "$F" --repo "$C" --analyst "$BOB" >/dev/null 2>&1
LOCAL=$(git -C "$C" rev-parse HEAD)
"$BIN" sync --repo "$C" --analyst "$BOB" >"$TMP/sync4.out" 2>"$TMP/sync4.err"
check "a conflict exits 1" test $? -eq 1
check "the conflicting file is named" grep -q "decisions/2026/11/$SVC.json" "$TMP/sync4.err"
check "nothing changed locally" test "$(git -C "$C" rev-parse HEAD)" = "$LOCAL"
check "fsck first repo" fsck "$R"
check "fsck clone" fsck "$C"
exit $fail
