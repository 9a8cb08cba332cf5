#!/bin/sh
# sync that checks out a teammate's pushed symbolic links (#15): decisions/2026,
# exceptions/<rule>, guides/<stem>.md and rules/gcp pointing outside the repo.
# A local bare remote. sync writes nothing outside the repo (the directory the
# links point at stays empty, the file there unchanged), names every link with
# the exact message, exits 1, and the next ack is refused naming the link,
# still writing nothing outside.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/e2e_lib.sh
e2e_need sync_symlink.sh git
e2e_isolate
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
mkdir -p "$TMP/outside"
printf 'keep\n' >"$TMP/outside/secret"
AN='Test Analyst <test@example.com>'
R=$TMP/victim
F=samples/entra-audit.ndjson
bad() { echo "FAIL (sync_symlink.sh): $*" >&2; fail=1; }

CREDTRIAGE_DATADIR=$PWD "$BIN" rules list --repo "$R" --analyst "$AN" >/dev/null 2>&1 || { echo "no repo" >&2; exit 1; }
git init -q --bare "$TMP/srv.git"
git -C "$R" remote add origin "$TMP/srv.git"
git -C "$R" push -q origin HEAD:master 2>/dev/null || { echo "push failed" >&2; exit 1; }
git -C "$R" fetch -q origin && git -C "$R" branch -q --set-upstream-to origin/master
git clone -q "$TMP/srv.git" "$TMP/mallory"
M=$TMP/mallory
mkdir -p "$M/decisions" "$M/exceptions"
ln -s "$TMP/outside" "$M/decisions/2026"
ln -s "$TMP/outside" "$M/exceptions/entra_app_credential_added"
rm -f "$M/guides/entra_app_credential_added.md"
ln -s "$TMP/outside/secret" "$M/guides/entra_app_credential_added.md"
rm -rf "$M/rules/gcp"
ln -s "$TMP/outside" "$M/rules/gcp"
git -C "$M" add -A && git -C "$M" -c user.name=Mallory -c user.email=m@example.com commit -qm "links" &&
    git -C "$M" push -q origin master || { echo "attacker push failed" >&2; exit 1; }
before=$(find "$TMP/outside" -printf "%P %s %T@\n"; cat "$TMP/outside/secret")

"$BIN" sync --repo "$R" --analyst "$AN" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 1 ] || bad "sync exit status $rc, want 1"
grep -Eq '^[0-9a-f]{40} sync: fetched 1, rebased 0, pushed 0$' "$TMP/out" || bad "stdout: $(cat "$TMP/out")"
cat >"$TMP/want" <<W
sync: warning: rules/gcp: a symbolic link: credtriage refuses to read or write through it
sync: warning: guides/entra_app_credential_added.md: a symbolic link: credtriage refuses to read or write through it
sync: warning: exceptions/entra_app_credential_added: a symbolic link: credtriage refuses to read or write through it
sync: warning: decisions/2026: a symbolic link: credtriage refuses to read or write through it
sync: credtriage will not read or write through these; remove them (git rm) or ask who pushed them; credtriage check lists them
W
sort "$TMP/want" >"$TMP/want.s"; sort "$TMP/err" >"$TMP/err.s"
cmp -s "$TMP/want.s" "$TMP/err.s" || { bad "stderr differs:"; diff "$TMP/want.s" "$TMP/err.s" >&2; }
[ "$(find "$TMP/outside" -printf "%P %s %T@\n"; cat "$TMP/outside/secret")" = "$before" ] || bad "the directory outside changed"
[ "$(ls "$TMP/outside")" = secret ] || bad "files outside: $(ls "$TMP/outside")"

# the next decision into decisions/2026 is refused, nothing outside
A=$("$BIN" scan --json --repo "$R" "$F" 2>/dev/null | grep -o '"id": *"[0-9a-f]*"' | sed -n 1p | grep -o '[0-9a-f]\{16\}')
"$BIN" ack "$A" --repo "$R" --analyst "$AN" "$F" >/dev/null 2>"$TMP/ack.err"
[ $? != 0 ] || bad "ack through decisions/2026 succeeded"
grep -qF 'decisions/2026' "$TMP/ack.err" || bad "ack's message does not name the link: $(cat "$TMP/ack.err")"
[ "$(ls "$TMP/outside")" = secret ] || bad "ack wrote outside: $(ls "$TMP/outside")"
[ "$(cat "$TMP/outside/secret")" = keep ] || bad "the file outside changed"
exit $fail
