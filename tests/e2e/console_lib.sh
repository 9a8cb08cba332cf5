#!/bin/sh
# Helpers for the console end-to-end tests (sourced by tests/e2e/console_*.sh):
# the real binary in a real terminal — a tmux server of its own (-L) at 80x24.
# Run on its own this file only checks that tmux is there.
ct_lib_main() {
    command -v tmux >/dev/null || { echo "console tests need tmux"; return 1; }
    return 0
}
if [ -z "$CT_LIB_SOURCED" ]; then ct_lib_main; exit $?; fi

CT=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
# CT_TMUX_OPTIONAL=1: the caller has checks without the console and skips its
# console part itself when tmux is missing
[ -n "$CT_TMUX_OPTIONAL" ] || command -v tmux >/dev/null || { echo "SKIP: tmux is not installed"; exit 0; }
# CT_TMPDIR: where $TMP goes (a test whose screen wraps on its length pins it)
TMP=$(mktemp -d "${CT_TMPDIR:-${TMPDIR:-/tmp}}/ct-console.XXXXXX")
SOCK="ct-$(basename "$0" .sh)-$$"
ANALYST='Test Analyst <test@example.com>'
SAMPLES="samples/cloudtrail.json.gz samples/elastic-alerts.json samples/entra-audit.ndjson samples/entra-signins.json samples/eventbridge.ndjson samples/gcp-audit.ndjson samples/graph-directoryaudits.json samples/m365-audit.ndjson samples/sentinel-auditlogs.json"
export XDG_STATE_HOME="$TMP/state" HOME="$TMP/home"
mkdir -p "$HOME"

ct_cleanup() {
    tmux -L "$SOCK" kill-server 2>/dev/null
    # the console may still be writing a draft as it goes away
    rm -rf "$TMP" 2>/dev/null || { sleep 0.5; rm -rf "$TMP"; }
}
trap ct_cleanup EXIT
trap 'exit 1' INT TERM HUP

# ct_launch COLS ROWS ARGS: run "$CT ARGS" (shell words, quoted by the caller)
# in window "ct" of COLSxROWS; its exit status goes to $TMP/exit, its pid to
# $TMP/pid.
ct_launch() {
    cols=$1 rows=$2
    shift 2
    # CT_PIPE=FILE: hold the start until the raw output stream is piped to FILE
    go=""
    [ -n "$CT_PIPE" ] && { rm -f "$TMP/go"; go="while [ ! -e '$TMP/go' ]; do sleep 0.05; done;"; }
    cmd="cd '$PWD' && $go sh -c 'echo \$\$ > \"\$0\"; exec \"\$@\"' '$TMP/pid' env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC $*"
    printf '%s\n' "$cmd; echo \"EXIT=\$?\" > '$TMP/exit'" > "$TMP/run.sh"
    rm -f "$TMP/exit"
    if tmux -L "$SOCK" has-session -t ct 2>/dev/null; then
        # again in the same terminal (a fresh server right after kill-server can race)
        tmux -L "$SOCK" respawn-pane -k -t ct "sh '$TMP/run.sh'; sleep 600"
    else
        tmux -L "$SOCK" -f /dev/null new-session -d -s ct -x "$cols" -y "$rows" "sh '$TMP/run.sh'; sleep 600"
    fi
    if [ -n "$CT_PIPE" ]; then
        tmux -L "$SOCK" pipe-pane -t ct "cat >> '$CT_PIPE'"
        touch "$TMP/go"
    fi
}

# ct_start [ENV=VALUE...] -- [ARGS]: start the console on the samples in window "ct".
ct_start() {
    envs=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs="$envs '$1'"; shift; done
    [ "$1" = "--" ] && shift
    ct_launch 80 24 "$envs '$CT' --repo '$TMP/repo' --analyst '$ANALYST' $* $SAMPLES"
}

# A fresh account's environment, for tests that run credtriage without --repo
# or --analyst (batch commands too): git's global config, the XDG data (the
# default rules repo: $TMP/data/credtriage/rules) under $TMP, no system git
# config, no $CREDTRIAGE_REPO.
ct_fresh_env() {
    export XDG_CONFIG_HOME="$HOME" XDG_DATA_HOME="$TMP/data" GIT_CONFIG_NOSYSTEM=1 \
        LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC TERM=xterm-256color
    unset CREDTRIAGE_REPO
}

# ct_start_fresh COLS ROWS FILE...: the console on FILEs alone (no --repo,
# --analyst or samples) in a COLSxROWS window, under ct_fresh_env.
ct_start_fresh() {
    cols=$1 rows=$2
    shift 2
    ct_fresh_env
    files=""
    for f in "$@"; do files="$files '$f'"; done
    ct_launch "$cols" "$rows" "'$CT'$files"
}

# ct_quit: Q, and the console exits 0.
ct_quit() {
    ct_keys Q
    ct_wait_exit
    [ "$CT_EXIT" = 0 ] || ct_fail "exit $CT_EXIT"
}

ct_screen() {
    tmux -L "$SOCK" capture-pane -p -t ct 2>/dev/null && return 0
    echo "(the tmux server is gone)"
}
ct_keys() { tmux -L "$SOCK" send-keys -t ct "$@"; }
# ct_row N: row N of the screen, trailing blanks cut
ct_row() { ct_screen | sed -n "$1p" | sed 's/ *$//'; }
# ct_expect_row N TEXT: row N is exactly TEXT, else the test fails showing both
ct_expect_row() {
    got=$(ct_row "$1")
    [ "$got" = "$2" ] || ct_fail "row $1:
 got  '$got'
 want '$2'"
}
# literal text, not key names
ct_type() { tmux -L "$SOCK" send-keys -t ct -l "$1"; }

ct_fail() {
    echo "FAIL ($(basename "$0")): $*" >&2
    echo "---- screen ----" >&2
    ct_screen >&2
    echo "----------------" >&2
    exit 1
}

# ct_wait TEXT [SECONDS]: poll the screen until TEXT (fixed string) shows.
# Waiting for the queue ("Alert queue...") also waits for the load and the
# incident grouping to end: until then Enter and : are refused ("still
# loading"), so a slow run (ASan, a loaded CI machine) lost the test's keys.
# Tests of the loading itself set CT_WAIT_LOADING=1.
ct_wait() {
    n=$(( ${2:-20} * 20 ))
    while [ $n -gt 0 ]; do
        ct_screen > "$TMP/screen"
        if grep -qF -- "$1" "$TMP/screen"; then
            case "$1" in
            "Alert queue"*)
                [ -n "$CT_WAIT_LOADING" ] && return 0
                grep -qE 'loading [0-9]+%|grouping incidents' "$TMP/screen" || return 0 ;;
            *) return 0 ;;
            esac
        fi
        grep -qF "(the tmux server is gone)" "$TMP/screen" && ct_fail "tmux died waiting for: $1"
        sleep 0.05
        n=$((n - 1))
    done
    ct_fail "timed out waiting for: $1"
}

# ct_wait_gone TEXT [SECONDS]
ct_wait_gone() {
    n=$(( ${2:-10} * 20 ))
    while [ $n -gt 0 ]; do
        ct_screen | grep -qF -- "$1" || return 0
        sleep 0.05
        n=$((n - 1))
    done
    ct_fail "timed out waiting for this to go away: $1"
}

# ct_wait_exit [SECONDS]: wait until the console exited; its status in $CT_EXIT.
ct_wait_exit() {
    n=$(( ${1:-10} * 20 ))
    while [ $n -gt 0 ]; do
        [ -s "$TMP/exit" ] && { CT_EXIT=$(sed 's/EXIT=//' "$TMP/exit"); return 0; }
        sleep 0.05
        n=$((n - 1))
    done
    ct_fail "the console did not exit"
}

ct_expect_no() { ct_screen | grep -qF -- "$1" && ct_fail "unexpected on screen: $1"; return 0; }
