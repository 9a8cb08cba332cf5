#!/bin/sh
# `make valgrind`: a subset of the unit tests and the CLI on the samples (and
# the hostile corpus) under valgrind; any memory error or definite leak fails.
#   sh tests/fuzz/valgrind.sh BIN TEST_BIN...
# Run from the repo root.
set -u
BIN=$1; shift
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind: not installed (make deps)" >&2; exit 1
fi
export TZ=UTC LC_ALL=C.UTF-8
# plain malloc for cJSON: its per-record arena (src/arena.c) would hide a use
# after free of a record's tree from memcheck
export CT_ARENA=0
unset CREDTRIAGE_REPO
LOG=$(dirname "$BIN")/valgrind; mkdir -p "$LOG"
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-origins=yes"
fail=0; total=0
run() { # name cmd...
    name=$1; shift; total=$((total + 1))
    # shellcheck disable=SC2086
    $VG --log-file="$LOG/$name.vg" "$@" > "$LOG/$name.out" 2>&1
    rc=$?
    # valgrind 3.19 does not know openat2 (syscall 437): it answers ENOSYS, which
    # repofs handles with its O_NOFOLLOW walk; its five-line notice is not an error
    if grep -q 'unhandled amd64-linux syscall: 437' "$LOG/$name.vg"; then
        grep -v -e 'unhandled amd64-linux syscall: 437' -e 'You may be able to write your own handler' \
            -e 'README_MISSING_SYSCALL_OR_IOCTL' -e 'Nevertheless we consider this a bug' \
            -e 'valgrind.org/support/bug_reports' "$LOG/$name.vg" > "$LOG/$name.vg2"
        mv "$LOG/$name.vg2" "$LOG/$name.vg"
    fi
    (exit $rc)
    rc=$?
    if [ "$rc" = 99 ] || [ -s "$LOG/$name.vg" ]; then
        echo "FAIL valgrind $name (rc $rc)" >&2; cat "$LOG/$name.vg" >&2; fail=$((fail + 1))
    elif [ "$rc" -gt 5 ]; then
        echo "FAIL valgrind $name: exit $rc" >&2; tail -n 20 "$LOG/$name.out" >&2; fail=$((fail + 1))
    else
        echo "ok   valgrind $name"
    fi
}
for t in "$@"; do run "$(basename "$t")" "$t"; done
SAMPLES=$(ls samples/*.json samples/*.ndjson samples/*.gz)
# shellcheck disable=SC2086
run scan-samples "$BIN" scan --all $SAMPLES
# shellcheck disable=SC2086
run scan-json-samples "$BIN" scan --json $SAMPLES
run events-samples "$BIN" events --json samples/entra-audit.ndjson samples/cloudtrail.json.gz
# correlation: an imported Elastic alert (story 3) and a change exported four ways (story 1)
# shellcheck disable=SC2086
run show-samples "$BIN" show 486d7e1026454f68 $SAMPLES
# shellcheck disable=SC2086
run show-json-samples "$BIN" show --json 5b13199216650932 $SAMPLES
if ls tests/fixtures/hostile/*.ndjson >/dev/null 2>&1; then
    run events-hostile "$BIN" events tests/fixtures/hostile/*.ndjson
    run scan-hostile "$BIN" scan --all tests/fixtures/hostile/*.ndjson
fi
echo "valgrind: $((total - fail)) passed, $fail failed"
[ "$fail" = 0 ]
