#!/bin/sh
# Byte-identity of two credtriage binaries on the load/normalize/rules path:
# `scan` and `events`, each as a table and --json, on every file of samples/ and
# tests/fixtures/, on all samples at once, and on generated corpora (gen.c raw
# and --ecs, gen_filebeat normal, --heavy, --heavy --full, --heavy --array):
# stdout, stderr and the exit code must be the same bytes. Files of samples/
# and tests/fixtures/ also run under LANG=C (the table's other charset path).
#
#   sh tests/bench/compare.sh OLD_BIN NEW_BIN
#
# Environment:
#   CMP_N        records per generated corpus (default 20000; 0: no generated corpora)
#   CMP_DIR      work directory (default /tmp/ct-compare.$$, removed at the end)
#   CMP_DATADIR  the rule pack both binaries use (default: this checkout, the shipped pack)
#   CMP_FILES    more files to compare on, space separated
# Prints one line per difference and a count; exit 1 when anything differs.
# Nothing in `make test` runs this: it is the check of a performance change.
set -eu
OLD=${1:?usage: compare.sh OLD_BIN NEW_BIN}
NEW=${2:?usage: compare.sh OLD_BIN NEW_BIN}
OLD=$(cd "$(dirname "$OLD")" && pwd)/$(basename "$OLD")
NEW=$(cd "$(dirname "$NEW")" && pwd)/$(basename "$NEW")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${CMP_N:-20000}
DIR=${CMP_DIR:-/tmp/ct-compare.$$}
KEEP=${CMP_DIR:+1}
mkdir -p "$DIR/home" "$DIR/a" "$DIR/b"
cd "$ROOT"
# an empty home: no rules repo, one pack for both (deterministic)
export HOME="$DIR/home" XDG_DATA_HOME="$DIR/home/xdg" CREDTRIAGE_DATADIR="${CMP_DATADIR:-$ROOT}"
export TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8
unset CREDTRIAGE_REPO CREDTRIAGE_NOFAST CREDTRIAGE_THREADS 2>/dev/null || true

GEN=""
if [ "$N" -gt 0 ]; then
    CC=${CC:-cc}
    $CC -O2 -std=c11 -Wall -Wextra -Werror -o "$DIR/gen" tests/bench/gen.c
    $CC -O2 -std=c11 -Wall -Wextra -Werror -o "$DIR/gen_filebeat" tests/bench/gen_filebeat.c \
        tests/bench/gen_filebeat_doc.c tests/bench/gen_filebeat_ms.c
    "$DIR/gen" -n "$N" > "$DIR/raw.ndjson"
    "$DIR/gen" -n "$N" --ecs > "$DIR/ecs.ndjson"
    "$DIR/gen_filebeat" -n "$N" > "$DIR/fb.ndjson" 2>/dev/null
    "$DIR/gen_filebeat" -n "$N" --heavy > "$DIR/fbh.ndjson" 2>/dev/null
    "$DIR/gen_filebeat" -n "$N" --heavy --full > "$DIR/fbhf.ndjson" 2>/dev/null
    "$DIR/gen_filebeat" -n "$N" --heavy --array > "$DIR/fbha.json" 2>/dev/null
    GEN="$DIR/raw.ndjson $DIR/ecs.ndjson $DIR/fb.ndjson $DIR/fbh.ndjson $DIR/fbhf.ndjson $DIR/fbha.json"
fi

n=0
bad=0
CL=C.UTF-8
# run BIN OUTDIR ARGS...: stdout, stderr and exit code into OUTDIR
run() {
    b=$1 o=$2
    shift 2
    rc=0
    env LANG="$CL" LC_ALL="$CL" "$b" "$@" > "$o/out" 2> "$o/err" || rc=$?
    echo "$rc" > "$o/rc"
}
check() { # check LABEL ARGS...
    label=$1
    shift
    for mode in "" "--json"; do
        for cmd in scan events; do
            # shellcheck disable=SC2086
            run "$OLD" "$DIR/a" $cmd $mode "$@"
            # shellcheck disable=SC2086
            run "$NEW" "$DIR/b" $cmd $mode "$@"
            n=$((n + 1))
            for f in out err rc; do
                if ! cmp -s "$DIR/a/$f" "$DIR/b/$f"; then
                    echo "DIFF: $cmd $mode $label ($f)"
                    bad=$((bad + 1))
                    break
                fi
            done
        done
    done
}

for f in $(find samples tests/fixtures -type f ! -name '*.md' ! -name 'README*' | LC_ALL=C sort) ${CMP_FILES:-}; do
    CL=C.UTF-8 check "$f" "$f"
    CL=C check "$f (LANG=C)" "$f"
    CL=C.UTF-8
done
# shellcheck disable=SC2046
check "all samples" $(find samples -type f ! -name '*.md' | LC_ALL=C sort)
for f in $GEN; do
    check "$(basename "$f")" "$f"
done
echo "compare: $n comparisons (scan and events, table and --json), $bad different"
[ -n "$KEEP" ] || rm -rf "$DIR"
[ "$bad" -eq 0 ]
