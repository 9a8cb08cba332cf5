#!/bin/sh
# No analyst identity and no rules repo yet (a fresh on-call account): the
# console still opens on the shipped rules, read-only, says why, and refuses
# actions with a message instead of exiting.
CT=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 0; }
TMP=$(mktemp -d /tmp/ct-ro.XXXXXX) # a fixed length: the message below wraps on it
SOCK="ct-ro-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
mkdir -p "$TMP/home"
cat >"$TMP/run.sh" <<EOS
cd '$PWD' && env -u CREDTRIAGE_REPO HOME='$TMP/home' XDG_CONFIG_HOME='$TMP/home' XDG_DATA_HOME='$TMP/data' \
  GIT_CONFIG_NOSYSTEM=1 LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC '$CT' samples/entra-audit.ndjson
echo "EXIT=\$?" > '$TMP/exit'
EOS
tmux -L "$SOCK" -f /dev/null new-session -d -s ct -x 80 -y 24 "sh '$TMP/run.sh'; sleep 600"
wait_for() { # text
    i=0
    while [ $i -lt 100 ]; do
        tmux -L "$SOCK" capture-pane -p -t ct | grep -qF "$1" && return 0
        sleep 0.1; i=$((i + 1))
    done
    echo "FAIL: never saw '$1'; screen:" >&2
    tmux -L "$SOCK" capture-pane -p -t ct >&2
    exit 1
}
wait_for "Alert queue [open]"
wait_for "read-only, no rules repo: no analyst identity"
wait_for "shipped rules, read-only"
tmux -L "$SOCK" send-keys -t ct a
# a refusal (not "acknowledged"), why, and the fix, wrapped rather than cut at 80 columns
wait_for "cannot acknowledge, read-only: no analyst identity"
tmux -L "$SOCK" capture-pane -p -t ct | tail -n 3 | sed 's/ *$//' > "$TMP/msg"
printf '%s\n' "cannot acknowledge, read-only: no analyst identity: set git config user.name" \
    "  and user.email, or pass --analyst 'Name <email>' (needed to create the rules" \
    "  repo $TMP/data/credtriage/rules; nothing was created)" > "$TMP/msg.want"
cmp -s "$TMP/msg" "$TMP/msg.want" || { echo "FAIL: the refusal at 80x24:" >&2; diff "$TMP/msg.want" "$TMP/msg" >&2; exit 1; }
tmux -L "$SOCK" capture-pane -p -t ct | grep -q "acknowledged" && { echo "FAIL: a success word on a refusal" >&2; exit 1; }
[ -e "$TMP/data/credtriage" ] && { echo "FAIL: a rules repo was created while read-only" >&2; exit 1; }
tmux -L "$SOCK" send-keys -t ct Q
i=0; while [ ! -e "$TMP/exit" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "EXIT=0" "$TMP/exit" || { echo "FAIL: exit $(cat "$TMP/exit" 2>/dev/null)" >&2; exit 1; }
exit 0
