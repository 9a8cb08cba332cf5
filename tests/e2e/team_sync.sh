#!/bin/sh
# Team sync over real servers on 127.0.0.1 (issue #18): sshd with a test host
# key and authorized keys (ssh-agent, then a default key in ~/.ssh), and git's
# smart HTTP (git http-backend behind lighttpd, basic auth) with the password
# from git's credential helper (credential.helper store). Analyst A's ack,
# synced, is seen by analyst B after B's sync, with A as the author on the
# server; an unknown or changed host key is refused and nothing is fetched;
# a wrong key, a wrong password, a closed port and a protected branch each
# say so.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/team_lib.sh
team_need team_sync.sh jq git ssh-keygen ssh-agent ssh-add
TMP=$(mktemp -d) || exit 1
trap 'team_stop; [ -n "${AGENT_PID:-}" ] && kill "$AGENT_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT TERM
team_env
X=$(team_alert 1)
Y=$(team_alert 2)
Z=$(team_alert 3)
[ -n "$X" ] && [ -n "$Y" ] && [ -n "$Z" ] || { echo "team_sync.sh: no alerts in $F" >&2; exit 1; }

team_sshd || exit 1
team_httpd || exit 1
team_bare team
team_bare web
ME=$(id -un)
SSH_URL="ssh://$ME@127.0.0.1:$SSH_PORT$TMP/srv/team.git"

# --- A: repo, key in an ssh-agent, the host known ------------------------------------------
HA=$(team_home a)
ssh-keygen -q -t ed25519 -N '' -C alice -f "$TMP/alice_key"
team_authorize "$TMP/alice_key.pub"
team_known_host > "$HA/.ssh/known_hosts"
eval "$(ssh-agent -s)" >/dev/null
ssh-add -q "$TMP/alice_key" 2>/dev/null
RA="$TMP/ra"
HOME=$HA "$BIN" ack "$Y" --note "seed" "$F" --repo "$RA" --analyst "$A" >/dev/null 2>&1 || { echo "team_sync.sh: A cannot decide" >&2; exit 1; }
git -C "$RA" remote add origin "$SSH_URL"
HOME=$HA "$BIN" sync --repo "$RA" --analyst "$A" >"$TMP/a1.out" 2>"$TMP/a1.err"
check "A's first sync over SSH (agent) exits 0: $(cat "$TMP/a1.err")" test $? -eq 0
BR=$(git -C "$RA" symbolic-ref --short HEAD)
check "the server has A's branch" test "$(git -C "$TMP/srv/team.git" rev-parse "$BR" 2>/dev/null)" = "$(git -C "$RA" rev-parse HEAD)"

# --- B: a clone, a default key in ~/.ssh, no agent --------------------------------------------
HB=$(team_home b)
ssh-keygen -q -t ed25519 -N '' -C bob -f "$HB/.ssh/id_ed25519"
team_authorize "$HB/.ssh/id_ed25519.pub"
team_known_host > "$HB/.ssh/known_hosts"
RB="$TMP/rb"
git clone -q "$TMP/srv/team.git" "$RB" 2>/dev/null
git -C "$RB" remote set-url origin "$SSH_URL"

# A acknowledges X and syncs; B syncs and sees it, A the author on the server
HOME=$HA "$BIN" ack "$X" --note "expected rotation" "$F" --repo "$RA" --analyst "$A" >/dev/null 2>&1
HOME=$HA "$BIN" sync --repo "$RA" --analyst "$A" >"$TMP/a2.out" 2>"$TMP/a2.err"
check "A's sync exits 0" test $? -eq 0
check "A pushed 1: $(cat "$TMP/a2.out")" test "$(cut -d' ' -f2- "$TMP/a2.out")" = "sync: fetched 0, rebased 0, pushed 1"
check "before B's sync, B sees X open" test "$(team_status "$RB" "$X" "$HB")" = open
env -u SSH_AUTH_SOCK HOME=$HB "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/b1.out" 2>"$TMP/b1.err"
check "B's sync over SSH (default key) exits 0: $(cat "$TMP/b1.err")" test $? -eq 0
check "B fetched 1: $(cat "$TMP/b1.out")" test "$(cut -d' ' -f2- "$TMP/b1.out")" = "sync: fetched 1, rebased 0, pushed 0"
check "after B's sync, B sees X acknowledged" test "$(team_status "$RB" "$X" "$HB")" = acknowledged
check "on the server, A is the author of X's ack" test \
    "$(git -C "$TMP/srv/team.git" log -1 --format='%an <%ae>|%s' "$BR" | cut -c1-38)" = "Alice Analyst <alice@example.com>|ack:"
check "B's decision file names A" test "$(jq -r .analyst "$RB"/decisions/*/*/"$X".json)" = "$A"

# --- refusals: the host key, the key, the network, a protected branch -------------------------
HC=$(team_home c)
cp "$HB/.ssh/id_ed25519" "$HB/.ssh/id_ed25519.pub" "$HC/.ssh/"
HOME=$HA "$BIN" reopen "$X" --note "again" "$F" --repo "$RA" --analyst "$A" >/dev/null 2>&1
HOME=$HA "$BIN" sync --repo "$RA" --analyst "$A" >/dev/null 2>&1
BEFORE=$(git -C "$RB" rev-parse "refs/remotes/origin/$BR")
env -u SSH_AUTH_SOCK HOME=$HC "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/c1.out" 2>"$TMP/c1.err"
check "unknown host key: exit 4 (repo error)" test $? -eq 4
FP=$(ssh-keygen -lf "$TMP/sshd/host_ed25519.pub" | cut -d' ' -f2)
check "unknown host key: said so, the fingerprint, what to do: $(cat "$TMP/c1.err")" test "$(head -n 1 "$TMP/c1.err")" = \
    "credtriage sync: cannot fetch from 'origin': the SSH host key of [127.0.0.1]:$SSH_PORT is unknown: $HC/.ssh/known_hosts has no key for it (the server offered ED25519 key $FP), so the connection was refused and nothing was fetched. Check that fingerprint with the server's administrator, then add the key to known_hosts: connect once with ssh -p $SSH_PORT 127.0.0.1 and accept it, or ssh-keyscan -p $SSH_PORT 127.0.0.1 >> ~/.ssh/known_hosts"
check "unknown host key: nothing fetched" test "$(git -C "$RB" rev-parse "refs/remotes/origin/$BR")" = "$BEFORE"
ssh-keygen -q -t ed25519 -N '' -f "$TMP/other_host"
echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1,2 "$TMP/other_host.pub")" > "$HC/.ssh/known_hosts"
env -u SSH_AUTH_SOCK HOME=$HC "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/c2.out" 2>"$TMP/c2.err"
check "changed host key: exit 4 (repo error)" test $? -eq 4
check "changed host key: said so: $(cat "$TMP/c2.err")" test "$(head -n 1 "$TMP/c2.err")" = \
    "credtriage sync: cannot fetch from 'origin': the SSH host key of [127.0.0.1]:$SSH_PORT has CHANGED: the server offered ED25519 key $FP, which is not the key $HC/.ssh/known_hosts has for it. Someone may be intercepting the connection, or the server's key was replaced; nothing was sent or fetched. Ask the server's administrator for its key fingerprint; if the change is expected, remove the old key (ssh-keygen -R '[127.0.0.1]:$SSH_PORT') and add the new one (ssh -p $SSH_PORT 127.0.0.1 once, or ssh-keyscan)"
check "changed host key: nothing fetched" test "$(git -C "$RB" rev-parse "refs/remotes/origin/$BR")" = "$BEFORE"
# hashed known_hosts entries (ssh-keygen -H) are read too
team_known_host > "$HC/.ssh/known_hosts"
ssh-keygen -q -H -f "$HC/.ssh/known_hosts" >/dev/null 2>&1
check "the entry is hashed" test "$(cut -c1-3 "$HC/.ssh/known_hosts")" = "|1|"
ssh-keygen -q -t ed25519 -N '' -f "$HC/.ssh/id_ed25519.new" && mv "$HC/.ssh/id_ed25519.new" "$HC/.ssh/id_ed25519" && mv "$HC/.ssh/id_ed25519.new.pub" "$HC/.ssh/id_ed25519.pub"
env -u SSH_AUTH_SOCK HOME=$HC "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/c3.out" 2>"$TMP/c3.err"
check "a key the server does not know: exit 4 (repo error)" test $? -eq 4
check "auth failure said so: $(cat "$TMP/c3.err")" test "$(head -n 1 "$TMP/c3.err")" = \
    "credtriage sync: cannot fetch from 'origin': SSH authentication as '$ME' failed at 127.0.0.1: the server accepted none of ~/.ssh/id_ed25519. Load your key into the agent (ssh-add), or ask the server's administrator to add your public key"
check "auth failure: nothing fetched" test "$(git -C "$RB" rev-parse "refs/remotes/origin/$BR")" = "$BEFORE"
DEAD=$((SSH_PORT + 1))
git -C "$RB" remote set-url origin "ssh://$ME@127.0.0.1:$DEAD$TMP/srv/team.git"
env -u SSH_AUTH_SOCK HOME=$HB "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/c4.out" 2>"$TMP/c4.err"
check "closed port: exit 4 (repo error)" test $? -eq 4
check "closed port: a network failure: $(cat "$TMP/c4.err")" test "$(head -n 1 "$TMP/c4.err")" = \
    "credtriage sync: cannot fetch from 'origin': the network failed reaching ssh://$ME@127.0.0.1:$DEAD$TMP/srv/team.git (failed to connect to 127.0.0.1: Connection refused). Check that the server is up and reachable from here, and the URL (git remote -v); nothing changed locally"
git -C "$RB" remote set-url origin "$SSH_URL"
# a protected branch: the server's hook refuses pushes to it
cat > "$TMP/srv/team.git/hooks/pre-receive" <<'HOOK'
#!/bin/sh
echo "GL-HOOK-ERR: protected branch: pushes need a review"
exit 1
HOOK
chmod +x "$TMP/srv/team.git/hooks/pre-receive"
env -u SSH_AUTH_SOCK HOME=$HB "$BIN" ack "$Z" --note "b's" "$F" --repo "$RB" --analyst "$B" >/dev/null 2>&1
env -u SSH_AUTH_SOCK HOME=$HB "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/p1.out" 2>"$TMP/p1.err"
check "protected branch: exit 4 (repo error)" test $? -eq 4
check "protected branch: said so: $(cat "$TMP/p1.err")" test "$(head -n 1 "$TMP/p1.err")" = \
    "credtriage sync: the remote 'origin' refused the push of $BR: \"pre-receive hook declined\" (the server said: GL-HOOK-ERR: protected branch: pushes need a review ). The branch is protected on the server (it refuses direct pushes, or this kind of change); your commits stay here, unpushed: ask the server's administrator, or push them for review on another branch"
rm "$TMP/srv/team.git/hooks/pre-receive"
env -u SSH_AUTH_SOCK HOME=$HB "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/p2.out" 2>"$TMP/p2.err"
check "unprotected again: B's sync pushes: $(cat "$TMP/p2.err")" test "$(cut -d' ' -f2- "$TMP/p2.out")" = "sync: fetched 0, rebased 0, pushed 1"

# --- HTTP: basic auth from git's credential helper ----------------------------------------------
HTTP_URL="http://127.0.0.1:$HTTP_PORT/git/web.git"
HD=$(team_home d)
RD="$TMP/rd"
HOME=$HD "$BIN" ack "$Y" --note "web seed" "$F" --repo "$RD" --analyst "$A" >/dev/null 2>&1
git -C "$RD" remote add origin "$HTTP_URL"
HOME=$HD "$BIN" sync --repo "$RD" --analyst "$A" >"$TMP/h0.out" 2>"$TMP/h0.err"
check "no credential helper: exit 4 (repo error)" test $? -eq 4
check "no credential helper: said so: $(cat "$TMP/h0.err")" test "$(head -n 1 "$TMP/h0.err")" = \
    "credtriage sync: cannot fetch from 'origin': the server http://127.0.0.1:$HTTP_PORT asks for a user name and password, and git's credential helpers have none for it (git credential fill). Set one up (git config --global credential.helper store, or cache, or your platform's helper) and store them once, e.g. with a git fetch from that URL"
HOME=$HD git config --global credential.helper store
printf 'http://alice:%s@127.0.0.1:%s\n' "$HTTP_PASS" "$HTTP_PORT" > "$HD/.git-credentials"
HOME=$HD "$BIN" sync --repo "$RD" --analyst "$A" >"$TMP/h1.out" 2>"$TMP/h1.err"
check "A's sync over HTTP exits 0: $(cat "$TMP/h1.err")" test $? -eq 0
HE=$(team_home e)
HOME=$HE git config --global credential.helper store
printf 'http://alice:%s@127.0.0.1:%s\n' "$HTTP_PASS" "$HTTP_PORT" > "$HE/.git-credentials"
RE="$TMP/re"
git clone -q "$TMP/srv/web.git" "$RE" 2>/dev/null
git -C "$RE" remote set-url origin "$HTTP_URL"
HOME=$HD "$BIN" ack "$X" --note "over http" "$F" --repo "$RD" --analyst "$A" >/dev/null 2>&1
HOME=$HD "$BIN" sync --repo "$RD" --analyst "$A" >"$TMP/h2.out" 2>"$TMP/h2.err"
check "A pushed 1 over HTTP: $(cat "$TMP/h2.out")" test "$(cut -d' ' -f2- "$TMP/h2.out")" = "sync: fetched 0, rebased 0, pushed 1"
HOME=$HE "$BIN" sync --repo "$RE" --analyst "$B" >"$TMP/h3.out" 2>"$TMP/h3.err"
check "B's sync over HTTP exits 0: $(cat "$TMP/h3.err")" test $? -eq 0
check "after B's sync over HTTP, B sees X acknowledged" test "$(team_status "$RE" "$X" "$HE")" = acknowledged
check "on the HTTP server, A is the author" test "$(git -C "$TMP/srv/web.git" log -1 --format='%an' "$BR")" = "Alice Analyst"
check "the server saw the user authenticated" grep -q " alice \[" "$TMP/httpd/access.log"
printf 'http://alice:wrong@127.0.0.1:%s\n' "$HTTP_PORT" > "$HE/.git-credentials"
HOME=$HE "$BIN" sync --repo "$RE" --analyst "$B" >"$TMP/h4.out" 2>"$TMP/h4.err"
check "a wrong password: exit 4 (repo error)" test $? -eq 4
check "a wrong password: said so: $(cat "$TMP/h4.err")" test "$(head -n 1 "$TMP/h4.err")" = \
    "credtriage sync: cannot fetch from 'origin': the server http://127.0.0.1:$HTTP_PORT refused the credentials of 'alice' that git's credential helper gave (HTTP 401); they were rejected from the helper (git credential reject). Store the right ones in it, e.g. with a git fetch that asks for them once, or git credential approve"
check "git credential reject erased them" test ! -s "$HE/.git-credentials"
exit $fail
