#!/bin/sh
# Team sync over scp-like remotes (issue #18): `alias:path` and `user@alias:path`
# where the alias is a Host of ~/.ssh/config giving HostName, Port, User,
# IdentityFile, IdentitiesOnly and UserKnownHostsFile, as git through ssh(1)
# reads it (libssh2 reads none of it). The test sshd listens on 127.0.0.1 on a
# high port: the alias is how a team reaches a server on another port without
# ssh:// URLs. A's ack pushed through the alias is fetched by B through the
# same kind of alias, A the author on the server; a key the config does not
# name is not offered; a host key missing from the UserKnownHostsFile is
# refused naming the resolved [127.0.0.1]:port; a bad config line is named.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/team_lib.sh
team_need team_scp.sh jq git ssh-keygen
TMP=$(mktemp -d) || exit 1
trap 'team_stop; rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT TERM
team_env
X=$(team_alert 1)
Y=$(team_alert 2)
[ -n "$X" ] && [ -n "$Y" ] || { echo "team_scp.sh: no alerts in $F" >&2; exit 1; }

team_sshd || exit 1
team_bare team
ME=$(id -un)

# --- A: alias "teamserver" with its own key name and known_hosts file; no agent, no default key ----
HA=$(team_home a)
ssh-keygen -q -t ed25519 -N '' -C alice -f "$HA/.ssh/team_ed25519"
team_authorize "$HA/.ssh/team_ed25519.pub"
team_known_host > "$HA/.ssh/known_hosts.team"
cat > "$HA/.ssh/config" <<CFG
# the team's rules server
Host teamserver
    HostName 127.0.0.1
    Port $SSH_PORT
    User $ME
    IdentityFile ~/.ssh/team_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile ~/.ssh/known_hosts.team
Host *
    Port 1
CFG
RA="$TMP/ra"
HOME=$HA "$BIN" ack "$Y" --note "seed" "$F" --repo "$RA" --analyst "$A" >/dev/null 2>&1 || { echo "team_scp.sh: A cannot decide" >&2; exit 1; }
git -C "$RA" remote add origin "teamserver:$TMP/srv/team.git"
HOME=$HA "$BIN" sync --repo "$RA" --analyst "$A" >"$TMP/a1.out" 2>"$TMP/a1.err"
check "A's first sync through the alias exits 0: $(cat "$TMP/a1.err")" test $? -eq 0
BR=$(git -C "$RA" symbolic-ref --short HEAD)
check "A's sync output: $(cat "$TMP/a1.out")" test "$(cut -d' ' -f2- "$TMP/a1.out")" = "sync: fetched 0, rebased 0, pushed 2"
check "the server has A's branch" test "$(git -C "$TMP/srv/team.git" rev-parse "$BR" 2>/dev/null)" = "$(git -C "$RA" rev-parse HEAD)"
check "sshd accepted A's IdentityFile and no other key, as $ME" test \
    "$(grep "Accepted publickey for $ME from 127.0.0.1" "$TMP/sshd/log" | sed 's/.*ssh2: //' | tr -d '\r' | sort -u)" = \
    "ED25519 $(ssh-keygen -lf "$HA/.ssh/team_ed25519.pub" | cut -d' ' -f2)"

# --- B: user@alias:path, the alias giving only HostName and Port; B's key the default one ---------
HB=$(team_home b)
ssh-keygen -q -t ed25519 -N '' -C bob -f "$HB/.ssh/id_ed25519"
team_authorize "$HB/.ssh/id_ed25519.pub"
team_known_host > "$HB/.ssh/known_hosts"
printf 'Host rules\n  HostName 127.0.0.1\n  Port %s\n' "$SSH_PORT" > "$HB/.ssh/config"
RB="$TMP/rb"
git clone -q "$TMP/srv/team.git" "$RB" 2>/dev/null
git -C "$RB" remote set-url origin "$ME@rules:$TMP/srv/team.git"
HOME=$HA "$BIN" ack "$X" --note "expected rotation" "$F" --repo "$RA" --analyst "$A" >/dev/null 2>&1
HOME=$HA "$BIN" sync --repo "$RA" --analyst "$A" >"$TMP/a2.out" 2>"$TMP/a2.err"
check "A pushed 1: $(cat "$TMP/a2.out")" test "$(cut -d' ' -f2- "$TMP/a2.out")" = "sync: fetched 0, rebased 0, pushed 1"
check "before B's sync, B sees X open" test "$(team_status "$RB" "$X" "$HB")" = open
HOME=$HB "$BIN" sync --repo "$RB" --analyst "$B" >"$TMP/b1.out" 2>"$TMP/b1.err"
check "B's sync through user@alias exits 0: $(cat "$TMP/b1.err")" test $? -eq 0
check "B fetched 1: $(cat "$TMP/b1.out")" test "$(cut -d' ' -f2- "$TMP/b1.out")" = "sync: fetched 1, rebased 0, pushed 0"
check "after B's sync, B sees X acknowledged" test "$(team_status "$RB" "$X" "$HB")" = acknowledged
check "on the server, A is the author of X's ack" test \
    "$(git -C "$TMP/srv/team.git" log -1 --format='%an <%ae>' "$BR")" = "$A"

# --- IdentitiesOnly: a key the config does not name is not offered --------------------------------
HC=$(team_home c)
cp "$HB/.ssh/id_ed25519" "$HB/.ssh/id_ed25519.pub" "$HC/.ssh/" # authorized, but not the IdentityFile
cp "$HA/.ssh/known_hosts.team" "$HC/.ssh/"
sed "s|~/.ssh/team_ed25519|~/.ssh/not_there|" "$HA/.ssh/config" > "$HC/.ssh/config"
RC="$TMP/rc"
git clone -q "$TMP/srv/team.git" "$RC" 2>/dev/null
git -C "$RC" remote set-url origin "teamserver:$TMP/srv/team.git"
RCBEFORE=$(git -C "$RC" rev-parse "refs/remotes/origin/$BR")
# the server moves on: what C and D could fetch
HOME=$HA "$BIN" reopen "$X" --note "again" "$F" --repo "$RA" --analyst "$A" >/dev/null 2>&1
HOME=$HA "$BIN" sync --repo "$RA" --analyst "$A" >/dev/null 2>&1
HOME=$HC "$BIN" sync --repo "$RC" --analyst "$B" >"$TMP/c1.out" 2>"$TMP/c1.err"
check "an IdentityFile that does not exist: exit 4" test $? -eq 4
check "it says which keys the config names: $(cat "$TMP/c1.err")" test "$(head -n 1 "$TMP/c1.err")" = \
    "credtriage sync: cannot fetch from 'origin': SSH authentication as '$ME' failed at 127.0.0.1: none of the IdentityFiles that ~/.ssh/config names for it can be read. Load your key into the agent (ssh-add), or ask the server's administrator to add your public key"

# --- the host key is checked for the resolved [127.0.0.1]:port, in the UserKnownHostsFile -----------
HD=$(team_home d)
cp "$HA/.ssh/team_ed25519" "$HA/.ssh/team_ed25519.pub" "$HA/.ssh/config" "$HD/.ssh/"
team_known_host > "$HD/.ssh/known_hosts" # the default file: not the one the config names
HOME=$HD "$BIN" sync --repo "$RC" --analyst "$B" >"$TMP/d1.out" 2>"$TMP/d1.err"
check "host key not in the UserKnownHostsFile: exit 4" test $? -eq 4
FP=$(ssh-keygen -lf "$TMP/sshd/host_ed25519.pub" | cut -d' ' -f2)
check "refused naming [127.0.0.1]:$SSH_PORT and the file: $(cat "$TMP/d1.err")" test "$(head -n 1 "$TMP/d1.err")" = \
    "credtriage sync: cannot fetch from 'origin': the SSH host key of [127.0.0.1]:$SSH_PORT is unknown: $HD/.ssh/known_hosts.team has no key for it (the server offered ED25519 key $FP), so the connection was refused and nothing was fetched. Check that fingerprint with the server's administrator, then add the key to known_hosts: connect once with ssh -p $SSH_PORT 127.0.0.1 and accept it, or ssh-keyscan -p $SSH_PORT 127.0.0.1 >> ~/.ssh/known_hosts"
check "the server moved on" test "$(git -C "$TMP/srv/team.git" rev-parse "$BR")" != "$RCBEFORE"
check "nothing fetched" test "$(git -C "$RC" rev-parse "refs/remotes/origin/$BR")" = "$RCBEFORE"

# --- the alias on a port nobody listens on: the network failure names both URLs ----------------------
DEAD=$((SSH_PORT + 1))
sed "s/Port $SSH_PORT/Port $DEAD/" "$HA/.ssh/config" > "$HD/.ssh/config"
cp "$HA/.ssh/known_hosts.team" "$HD/.ssh/"
HOME=$HD "$BIN" sync --repo "$RC" --analyst "$B" >"$TMP/n1.out" 2>"$TMP/n1.err"
check "a closed port: exit 4" test $? -eq 4
check "a closed port: the alias and where it went: $(cat "$TMP/n1.err")" test "$(head -n 1 "$TMP/n1.err")" = \
    "credtriage sync: cannot fetch from 'origin': the network failed reaching teamserver:$TMP/srv/team.git, which ~/.ssh/config makes ssh://$ME@127.0.0.1:$DEAD$TMP/srv/team.git (failed to connect to 127.0.0.1: Connection refused). Check that the server is up and reachable from here, and the URL (git remote -v); nothing changed locally"

# --- a broken ~/.ssh/config is named, file and line ---------------------------------------------------
printf 'Host teamserver\n  Port 99999\n' > "$HD/.ssh/config"
HOME=$HD "$BIN" sync --repo "$RC" --analyst "$B" >"$TMP/e1.out" 2>"$TMP/e1.err"
check "a bad Port: exit 4" test $? -eq 4
check "a bad Port: file and line: $(cat "$TMP/e1.err")" test "$(head -n 1 "$TMP/e1.err")" = \
    "credtriage sync: $HD/.ssh/config:2: bad Port value (the ssh configuration, read for the remote's host)"
exit $fail
