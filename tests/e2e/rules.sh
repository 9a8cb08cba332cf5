#!/bin/sh
# rules export / import: a Kibana rule export of the shipped pack, imported into
# an empty rules repo, gives back the same rule files and guides, byte for byte,
# and a repo `check` accepts; re-importing updates in place (no duplicates).
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM
export HOME="$TMP/home" XDG_DATA_HOME="$TMP/data" XDG_CONFIG_HOME="$TMP/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
AN='Test Analyst <test@example.com>'
fail=0
check() { d=$1; shift; if "$@"; then :; else echo "FAIL: $d" >&2; fail=1; fi; }

"$BIN" rules export >"$TMP/export.ndjson" || { echo "FAIL: export" >&2; exit 1; }
n=$(ls rules/*/*.json | wc -l)
check "export: one line per rule plus the summary" test "$(wc -l <"$TMP/export.ndjson")" -eq $((n + 1))
check "export: the guide travels in note" test "$(head -1 "$TMP/export.ndjson" | jq -r '.note | length > 100')" = true
check "export: summary counts" test "$(tail -1 "$TMP/export.ndjson" | jq .exported_rules_count)" -eq "$n"

# 1. a repo seeded with the shipped pack, one rule edited and one guide lost:
#    importing the export restores both in place, byte for byte
R=$TMP/repo1
CREDTRIAGE_DATADIR=$PWD "$BIN" rules list --repo "$R" --analyst "$AN" >/dev/null 2>&1
jq '.severity = "low"' "$R/rules/aws/aws_iam_access_key_created.json" >"$TMP/x" && mv "$TMP/x" "$R/rules/aws/aws_iam_access_key_created.json"
rm "$R/guides/entra_app_credential_added.md"
CREDTRIAGE_DATADIR=$PWD "$BIN" rules import "$TMP/export.ndjson" --repo "$R" --analyst "$AN" >/dev/null 2>"$TMP/import.err"
check "import: exit 0 ($(cat "$TMP/import.err"))" test $? -eq 0
for f in rules/*/*.json guides/*.md; do
    check "import: $f identical" cmp -s "$f" "$R/$f"
done
check "import: nothing else changed" test -z "$(git -C "$R" status --porcelain)"

# 2. a repo holding one of the rules: that one is updated in place, the others
#    are new files named from their names; the repo passes check
mkdir -p "$TMP/seed/rules/aws" "$TMP/seed/guides"
cp rules/aws/aws_iam_access_key_created.json "$TMP/seed/rules/aws/"
cp guides/aws_iam_access_key_created.md "$TMP/seed/guides/"
R=$TMP/repo2
CREDTRIAGE_DATADIR="$TMP/seed" "$BIN" rules import "$TMP/export.ndjson" --repo "$R" --analyst "$AN" >/dev/null 2>&1
check "import 2: exit 0" test $? -eq 0
check "import 2: one file per rule" test "$(ls "$R"/rules/*/*.json | wc -l)" -eq "$n"
check "import 2: the existing rule kept its file" cmp -s rules/aws/aws_iam_access_key_created.json "$R/rules/aws/aws_iam_access_key_created.json"
check "import 2: new rules named from their names" test -f "$R/rules/gcp/gcp_service_account_key_created_or_uploaded.json"
git -C "$R" add -A && git -C "$R" -c user.name=T -c user.email=t@example.com commit -qm "import" >/dev/null
CREDTRIAGE_DATADIR="$TMP/seed" "$BIN" check --repo "$R" --analyst "$AN" >"$TMP/check" 2>&1
check "check accepts the imported pack: $(cat "$TMP/check")" test $? -eq 0
CREDTRIAGE_DATADIR="$TMP/seed" "$BIN" scan --repo "$R" --analyst "$AN" tests/fixtures/rules/gcp_service_account_key_created.pos.ndjson >"$TMP/scan" 2>/dev/null
check "the imported rules run" grep -q "GCP Service Account Key" "$TMP/scan"
exit $fail
