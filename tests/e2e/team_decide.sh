#!/bin/sh
# No silent overwrite between analysts (issue #18): a decision records the
# state it was made on (based_on, previous); deciding an alert another analyst
# decided is refused with their decision named (who, what, when) unless
# --replace, and then the commit says whose decision it replaces; two analysts
# deciding the same alert differently in two clones never end, after sync,
# with one decision silently replacing the other.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/team_lib.sh
team_need team_decide.sh jq git
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT TERM
team_env
export HOME="$TMP/home"
mkdir -p "$HOME"
status_of() { "$BIN" scan --json --all "$F" --repo "$1" 2>/dev/null | jq -r --arg i "$2" 'select(.id == $i) | .status + "|" + (.decision.analyst // .decision_by // "")'; }
X=$(team_alert 1)
Y=$(team_alert 2)
[ -n "$X" ] && [ -n "$Y" ] || { echo "team_decide.sh: no alerts in $F" >&2; exit 1; }
R="$TMP/r"
dec() { jq -r "$2" "$R"/decisions/*/*/"$1".json; }

"$BIN" ack "$X" --note "on it" "$F" --repo "$R" --analyst "$A" >/dev/null 2>&1 || exit 1
check "the first decision: based on the seed, nothing replaced" test "$(dec "$X" '.based_on + "|" + (.previous | tostring)')" = "$(git -C "$R" rev-parse HEAD~1)|null"
AT=$(dec "$X" .at)
HEAD1=$(git -C "$R" rev-parse HEAD)
"$BIN" remediate "$X" --note "rotated" "$F" --repo "$R" --analyst "$B" >"$TMP/b1.out" 2>"$TMP/b1.err"
check "B deciding A's alert: refused (exit 4)" test $? -eq 4
check "the refusal names A's decision and the choices: $(cat "$TMP/b1.err")" test "$(cat "$TMP/b1.err")" = \
"credtriage remediate: alert $X was decided by Alice Analyst <alice@example.com>: acknowledged at $AT (\"on it\"). Nothing was changed. Keep theirs (do nothing), replace it explicitly (--replace; in the console :replace, then the action again: the commit says whose decision it replaces), or add a note (credtriage note $X TEXT)"
check "nothing committed" test "$(git -C "$R" rev-parse HEAD)" = "$HEAD1"
check "A's decision stands" test "$(dec "$X" '.status + "|" + .analyst')" = "acknowledged|$A"
"$BIN" fp "$X" --entry actor-id --reason "lab" "$F" --repo "$R" --analyst "$B" >/dev/null 2>"$TMP/b2.err"
check "fp too: refused" test $? -eq 4
check "fp: no exception written" test -z "$(git -C "$R" status --porcelain)" -a "$(git -C "$R" rev-parse HEAD)" = "$HEAD1"
# A changes A's own decision: no refusal
"$BIN" reopen "$X" --note "not yet" "$F" --repo "$R" --analyst "$A" >/dev/null 2>&1
check "A reopens A's own decision" test "$(dec "$X" '.status + "|" + .previous.analyst + "|" + .previous.status')" = "open|$A|acknowledged"
"$BIN" ack "$X" --note "mine now" "$F" --repo "$R" --analyst "$A" >/dev/null 2>&1
AT=$(dec "$X" .at)
HEAD2=$(git -C "$R" rev-parse HEAD)
"$BIN" remediate "$X" --note "rotated the secret" --replace "$F" --repo "$R" --analyst "$B" >/dev/null 2>"$TMP/b3.err"
check "--replace: B's decision committed: $(cat "$TMP/b3.err")" test "$(dec "$X" '.status + "|" + .analyst')" = "remediated|$B"
check "--replace: the file records what it replaced" test "$(dec "$X" '.based_on + "|" + .previous.analyst + "|" + .previous.status + "|" + .previous.at')" = "$HEAD2|$A|acknowledged|$AT"
check "--replace: the commit says so" test "$(git -C "$R" log -1 --format=%b | grep '^Replaces')" = "Replaces the decision of Alice Analyst <alice@example.com>: acknowledged at $AT"

# --- two clones, the same alert decided differently, then sync ----------------------------------
git init -q --bare "$TMP/remote.git"
git -C "$R" remote add origin "$TMP/remote.git"
"$BIN" sync --repo "$R" --analyst "$A" >/dev/null 2>&1
git clone -q "$TMP/remote.git" "$TMP/c" 2>/dev/null
"$BIN" ack "$Y" --note "A has it" "$F" --repo "$R" --analyst "$A" >/dev/null 2>&1
"$BIN" fp "$Y" --entry actor-id --reason "B says lab" "$F" --repo "$TMP/c" --analyst "$B" >/dev/null 2>&1
check "B's fp in B's clone" test "$(status_of "$TMP/c" "$Y" | cut -d'|' -f1)" = false_positive
"$BIN" sync --repo "$R" --analyst "$A" >/dev/null 2>&1
CB=$(git -C "$TMP/c" rev-parse HEAD)
"$BIN" sync --repo "$TMP/c" --analyst "$B" >"$TMP/s.out" 2>"$TMP/s.err"
check "B's sync: refused as a conflict (exit 1)" test $? -eq 1
check "B's sync names the alert's decision file" grep -q "^conflict: decisions/[0-9]*/[0-9]*/$Y.json$" "$TMP/s.err"
check "B's sync names A's decision: $(cat "$TMP/s.err")" grep -q "^conflict: alert $Y: theirs (origin): acknowledged by Alice Analyst <alice@example.com> at .*; yours: false_positive by Bob Builder <bob@example.com> at " "$TMP/s.err"
check "B's clone unchanged" test "$(git -C "$TMP/c" rev-parse HEAD)" = "$CB"
check "the server keeps A's decision" test "$(git -C "$TMP/remote.git" show "$(git -C "$R" symbolic-ref --short HEAD)":"$(cd "$R" && ls decisions/*/*/"$Y".json)" | jq -r '.status + "|" + .analyst')" = "acknowledged|$A"
check "A keeps A's decision" test "$(status_of "$R" "$Y" | cut -d'|' -f1)" = acknowledged

# --- assignment and notes: committed, shown, append-only, no sync conflict ------------------------
"$BIN" assign "$Y" --to "$B" "$F" --repo "$R" --analyst "$A" >"$TMP/as.out" 2>"$TMP/as.err"
check "assign exits 0: $(cat "$TMP/as.err")" test $? -eq 0
check "assign commit: by A, says to whom" test "$(git -C "$R" log -1 --format='%an|%s')" = "Alice Analyst|assign: Entra ID Application Credential Added: $Y to Bob Builder <bob@example.com>"
"$BIN" note "$Y" "B, the owner says it is planned" "$F" --repo "$R" --analyst "$A" >/dev/null 2>&1
check "note: one new file under notes/" test "$(git -C "$R" show --format= --name-only HEAD | cut -d/ -f1,4)" = "notes/$Y"
"$BIN" sync --repo "$R" --analyst "$A" >/dev/null 2>&1
git -C "$TMP/c" reset -q --hard "origin/$(git -C "$TMP/c" symbolic-ref --short HEAD)" 2>/dev/null
"$BIN" sync --repo "$TMP/c" --analyst "$B" >/dev/null 2>&1
"$BIN" note "$Y" "checked with the owner: keep A's ack" "$F" --repo "$TMP/c" --analyst "$B" >/dev/null 2>&1
"$BIN" note "$Y" "second note by A" "$F" --repo "$R" --analyst "$A" >/dev/null 2>&1
"$BIN" sync --repo "$R" --analyst "$A" >/dev/null 2>&1
"$BIN" sync --repo "$TMP/c" --analyst "$B" >"$TMP/ns.out" 2>"$TMP/ns.err"
check "two analysts' notes on one alert sync without a conflict: $(cat "$TMP/ns.err")" grep -q "fetched 1, rebased 1, pushed 1" "$TMP/ns.out"
"$BIN" sync --repo "$R" --analyst "$A" >/dev/null 2>&1
"$BIN" show "$Y" "$F" --repo "$R" > "$TMP/show.out" 2>/dev/null
check "show: the assignee" test "$(grep '^  assigned ' "$TMP/show.out")" = "  assigned    Bob Builder <bob@example.com>"
check "show: the three notes, oldest first" test "$(sed -n '/^  notes /,/^  when /p' "$TMP/show.out" | grep -v '^  when ' | sed 's/^  [a-z ]*[0-9T:.-]*Z //')" = "Alice Analyst <alice@example.com>: B, the owner says it is planned
Bob Builder <bob@example.com>: checked with the owner: keep A's ack
Alice Analyst <alice@example.com>: second note by A"
check "notes are never rewritten: each note file has one commit" test "$(git -C "$R" log --format= --name-only -- notes | sort | uniq -d)" = ""
exit $fail
