#!/bin/sh
# The console's diagnostics view (issue #14): `D` lists each record the load
# skipped or did not recognize, as FILE:LINE: reason, exactly the lines
# `credtriage scan` reports; q goes back to the queue.
CT=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 0; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ct-diag.XXXXXX")
SOCK="ct-diag-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
mkdir -p "$TMP/home"
IN="$TMP/mixed.ndjson"
head -n 3 samples/entra-audit.ndjson >"$IN"
echo '{"Timestamp":"2026-11-05T10:00:00Z","ActionType":"LogonSuccess","DeviceName":"ws-17","AccountName":"megan"}' >>"$IN"
echo '{"broken": ' >>"$IN"
echo '{"Timestamp":"2026-11-05T10:01:00Z","ActionType":"FileCreated","DeviceName":"ws-17","FileName":"a.exe"}' >>"$IN"
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home" XDG_DATA_HOME="$TMP/data" GIT_CONFIG_NOSYSTEM=1 \
    LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC TERM=xterm-256color
# what the batch command reports, the set the view must show
env -u CREDTRIAGE_REPO "$CT" scan "$IN" 2>&1 >/dev/null | grep -F "$IN:" | sort >"$TMP/want"
[ "$(wc -l <"$TMP/want")" -eq 3 ] || { echo "FAIL: scan reported $(wc -l <"$TMP/want") diagnostics, not 3:" >&2; cat "$TMP/want" >&2; exit 1; }
cat >"$TMP/run.sh" <<EOS
cd '$PWD' && env -u CREDTRIAGE_REPO '$CT' '$IN'
echo "EXIT=\$?" > '$TMP/exit'
EOS
tmux -L "$SOCK" -f /dev/null new-session -d -s ct -x 220 -y 30 "sh '$TMP/run.sh'; sleep 600"
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
tmux -L "$SOCK" send-keys -t ct D
wait_for "Load diagnostics"
wait_for "3 diagnostics from loading"
tmux -L "$SOCK" capture-pane -p -t ct | sed 's/ *$//' | grep -F "$IN:" | sed 's/^ *//' | sort >"$TMP/got"
if ! cmp -s "$TMP/want" "$TMP/got"; then
    echo "FAIL: the view's diagnostics differ from scan's:" >&2
    diff "$TMP/want" "$TMP/got" >&2
    exit 1
fi
tmux -L "$SOCK" send-keys -t ct q
wait_for "Alert queue [open]"
tmux -L "$SOCK" send-keys -t ct Q
i=0; while [ ! -e "$TMP/exit" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "EXIT=0" "$TMP/exit" || { echo "FAIL: exit $(cat "$TMP/exit" 2>/dev/null)" >&2; exit 1; }
echo "ok: D lists the load's 3 diagnostics as scan reports them"
exit 0
