#!/bin/sh
# Signed decisions (issue #18): with commit.gpgsign=true, gpg.format=ssh and
# user.signingkey, every commit credtriage makes (the seed, a decision, a
# replayed one at sync) is signed so `git verify-commit` accepts it; the same
# with gpg.format=openpgp (gpg); a signature that cannot be made refuses the
# decision with the reason and leaves nothing behind.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/team_lib.sh
team_need team_sign.sh jq git ssh-keygen gpg
TMP=$(mktemp -d) || exit 1
trap 'gpgconf --kill all >/dev/null 2>&1; rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT TERM
team_env
export HOME="$TMP/home" GNUPGHOME="$TMP/gnupg"
mkdir -p "$HOME/.ssh" "$GNUPGHOME"
chmod 700 "$GNUPGHOME"
verify() { git -C "$1" verify-commit "$2" >/dev/null 2>&1; }
X=$(team_alert 1)
Y=$(team_alert 2)
[ -n "$X" ] && [ -n "$Y" ] || { echo "team_sign.sh: no alerts in $F" >&2; exit 1; }

# --- ssh signing -------------------------------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C alice -f "$HOME/.ssh/id_ed25519"
echo "alice@example.com $(cat "$HOME/.ssh/id_ed25519.pub")" > "$TMP/allowed_signers"
git config --global commit.gpgsign true
git config --global gpg.format ssh
git config --global user.signingkey "~/.ssh/id_ed25519"
git config --global gpg.ssh.allowedSignersFile "$TMP/allowed_signers"
R="$TMP/r"
"$BIN" ack "$X" --note "signed" "$F" --repo "$R" --analyst "$A" >"$TMP/ack.out" 2>"$TMP/ack.err"
check "ack with ssh signing exits 0: $(cat "$TMP/ack.err")" test $? -eq 0
check "git verify-commit HEAD accepts the decision" verify "$R" HEAD
check "and the seed commit" verify "$R" HEAD~1
check "the signer is alice's key" test "$(git -C "$R" log -1 --format='%G?|%GS')" = "G|alice@example.com"
check "the signature is an SSH one" grep -q "BEGIN SSH SIGNATURE" "$(printf '%s' "")/dev/stdin" <<EOF2
$(git -C "$R" cat-file commit HEAD)
EOF2
# a literal public key: the private half in the agent (git's -U)
eval "$(ssh-agent -s)" >/dev/null
ssh-add -q "$HOME/.ssh/id_ed25519" 2>/dev/null
git config --global user.signingkey "$(cat "$HOME/.ssh/id_ed25519.pub")"
"$BIN" ack "$Y" --note "agent" "$F" --repo "$R" --analyst "$A" >/dev/null 2>"$TMP/ack2.err"
check "a literal key with the agent: signed: $(cat "$TMP/ack2.err")" test "$(team_status "$R" "$Y" "$HOME")" = acknowledged
check "a literal key with the agent: verified" verify "$R" HEAD
kill "$SSH_AGENT_PID" 2>/dev/null
unset SSH_AUTH_SOCK SSH_AGENT_PID
# replayed at sync: signed too
git init -q --bare "$TMP/remote.git"
git -C "$R" remote add origin "$TMP/remote.git"
git config --global user.signingkey "~/.ssh/id_ed25519"
"$BIN" sync --repo "$R" --analyst "$A" >/dev/null 2>&1
git clone -q "$TMP/remote.git" "$TMP/c" 2>/dev/null
"$BIN" reopen "$X" --note "theirs" "$F" --repo "$TMP/c" --analyst "$A" >/dev/null 2>&1
"$BIN" sync --repo "$TMP/c" --analyst "$A" >/dev/null 2>&1
"$BIN" reopen "$Y" --note "mine" "$F" --repo "$R" --analyst "$A" >/dev/null 2>"$TMP/reopen.err" || cat "$TMP/reopen.err" >&2
"$BIN" sync --repo "$R" --analyst "$A" >"$TMP/sync.out" 2>"$TMP/sync.err"
check "diverged sync replays 1: $(cat "$TMP/sync.out" "$TMP/sync.err")" test "$(cut -d' ' -f2- "$TMP/sync.out")" = "sync: fetched 1, rebased 1, pushed 1"
check "the replayed commit is signed" verify "$R" HEAD
# the team's other commits: an assignment and a note
"$BIN" assign "$X" "$F" --repo "$R" --analyst "$A" >/dev/null 2>"$TMP/as.err"
check "assign with ssh signing: verified: $(cat "$TMP/as.err")" verify "$R" HEAD
check "assign: signed by alice's key" test "$(git -C "$R" log -1 --format='%G?|%GS|%s' | cut -d: -f1)" = "G|alice@example.com|assign"
"$BIN" note "$X" "owner asked" "$F" --repo "$R" --analyst "$A" >/dev/null 2>"$TMP/no.err"
check "note with ssh signing: verified: $(cat "$TMP/no.err")" verify "$R" HEAD
check "note: signed by alice's key" test "$(git -C "$R" log -1 --format='%G?|%GS|%s' | cut -d: -f1)" = "G|alice@example.com|note"

# --- a signature that cannot be made: refused, nothing left ---------------------------------------
HEAD0=$(git -C "$R" rev-parse HEAD)
git config --global user.signingkey "~/.ssh/no_such_key"
"$BIN" ack "$X" --note "cannot sign" "$F" --repo "$R" --analyst "$A" >"$TMP/bad.out" 2>"$TMP/bad.err"
check "unsignable: exit 4" test $? -eq 4
check "unsignable: the reason: $(cat "$TMP/bad.err")" grep -q "cannot sign the commit: user.signingkey $HOME/.ssh/no_such_key cannot be read" "$TMP/bad.err"
check "unsignable: no commit" test "$(git -C "$R" rev-parse HEAD)" = "$HEAD0"
check "unsignable: the work tree and index are clean" test -z "$(git -C "$R" status --porcelain)"
check "unsignable: no journal left" test ! -e "$R/.git/credtriage-journal"
check "unsignable: the alert is still open" test "$(team_status "$R" "$X" "$HOME")" = open
printf 'not a key\n' > "$HOME/.ssh/broken"
git config --global user.signingkey "~/.ssh/broken"
"$BIN" ack "$X" "$F" --repo "$R" --analyst "$A" >/dev/null 2>"$TMP/bad2.err"
check "a broken key: exit 4" test $? -eq 4
check "a broken key: the signer's words: $(cat "$TMP/bad2.err")" grep -q "cannot sign the commit (commit.gpgsign, gpg.format ssh): the signer failed (exit 255): " "$TMP/bad2.err"
check "a broken key: no commit" test "$(git -C "$R" rev-parse HEAD)" = "$HEAD0"

# --- openpgp ----------------------------------------------------------------------------------------
gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key "$A" ed25519 sign never >/dev/null 2>&1
git config --global gpg.format openpgp
git config --global --unset user.signingkey
R2="$TMP/r2"
"$BIN" ack "$X" --note "gpg" "$F" --repo "$R2" --analyst "$A" >/dev/null 2>"$TMP/gpg.err"
check "ack with gpg signing exits 0: $(cat "$TMP/gpg.err")" test $? -eq 0
check "git verify-commit accepts the gpg signature" verify "$R2" HEAD
check "good signature by alice" test "$(git -C "$R2" log -1 --format='%G?|%GS')" = "G|$A"
exit $fail
