#!/bin/sh
# Run every end-to-end test script with the binary under test; pinned environment.
# Helper libraries sourced by the scripts are named *_lib.sh and are not tests.
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export CREDTRIAGE_BIN="$BIN" TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR CREDTRIAGE_REPO
fail=0; total=0
for t in tests/e2e/*.sh; do
    [ -e "$t" ] || continue
    case "$t" in *_lib.sh) continue ;; esac
    total=$((total + 1))
    if sh "$t"; then echo "ok   $t"; else echo "FAIL $t" >&2; fail=$((fail + 1)); fi
done
echo "e2e: $((total - fail)) passed, $fail failed"
[ "$fail" = 0 ]
