#!/bin/sh
# libFuzzer harnesses: build (clang, -fsanitize=fuzzer,address,undefined, in
# build-fuzz/), seed corpora from tests/fixtures, samples, rules and guides,
# replay tests/fuzz/regressions/<harness>/*, then fuzz.
#
#   sh tests/fuzz/run.sh fuzz [SECONDS [HARNESS...]]   # `make fuzz` (FUZZ_SECONDS, default 60)
#   sh tests/fuzz/run.sh smoke [SECONDS [HARNESS...]]  # `make fuzz-smoke`: replay + 10 s each
#   sh tests/fuzz/run.sh replay [HARNESS...]           # regressions only
#   sh tests/fuzz/run.sh build
# A crash / leak / sanitizer report / timeout stops with a non-zero status and
# leaves the input in build-fuzz/findings/<harness>/: minimize it with
# `build-fuzz/fuzz_X -minimize_crash=1 FILE`, fix, and copy it to
# tests/fuzz/regressions/<harness>/ so every smoke replays it.
# Run from the repo root. Set CT_FUZZ_JOBS to fuzz harnesses in parallel.
set -eu
MODE=${1:-smoke}
[ $# -ge 1 ] && shift
SECS=""
# replay and build take harness names only (no SECONDS)
case $MODE in replay|build) ;; *) SECS=${1:-}; [ $# -ge 1 ] && shift ;; esac
HARNESSES=${*:-"input stream kql esql rules exceptions decisions guide sanitize jsonout repo"}
B=build-fuzz
FUZZ_CC=${FUZZ_CC:-clang}
FSAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}' |
     $FUZZ_CC -x c - -fsanitize=fuzzer -o /tmp/ct-fuzz-probe.$$ 2>/dev/null; then
    echo "fuzz: '$FUZZ_CC -fsanitize=fuzzer' does not work; install clang and libclang-rt-dev (make deps)" >&2
    exit 1
fi
rm -f /tmp/ct-fuzz-probe.$$

build() {
    make --no-print-directory -s BUILD=$B CC="$FUZZ_CC" OPT="-O1 -g" \
        SAN="-fsanitize=fuzzer-no-link $FSAN" $B/libcredtriage.a
    CFL=$(make --no-print-directory -s -f tests/fuzz/flags.mk cflags)
    LIBS=$(make --no-print-directory -s -f tests/fuzz/flags.mk libs)
    for h in $HARNESSES; do
        out=$B/fuzz_$h
        if [ ! -e "$out" ] || [ -n "$(find tests/fuzz/fuzz_$h.c tests/fuzz/fuzz_common.h $B/libcredtriage.a -newer "$out" 2>/dev/null)" ]; then
            # shellcheck disable=SC2086
            $FUZZ_CC -O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $CFL -Isrc \
                -fsanitize=fuzzer $FSAN -o "$out" tests/fuzz/fuzz_$h.c $B/libcredtriage.a $LIBS -lz -lpthread -lm
        fi
    done
}

# seed corpus (only ever added to; the fuzzer's finds accumulate next to it)
seed() {
    h=$1; c=$B/corpus/$h; mkdir -p "$c"
    [ -e "$c/.seeded" ] && return 0
    n=0
    add() { n=$((n + 1)); cat > "$c/seed-$n"; }
    case $h in
    input)
        for f in tests/fixtures/input/* tests/fixtures/norm/*/*.json* tests/fixtures/corr/* \
                 tests/fixtures/rules/*.ndjson tests/fixtures/hostile/*; do
            [ -f "$f" ] || continue
            { printf '\000'; head -c 65536 "$f"; } | add
        done
        for f in samples/*.json samples/*.ndjson; do
            { printf '\000'; head -n 5 "$f" | head -c 65536; } | add
            { printf '\001'; head -n 5 "$f" | head -c 65536; } | add
        done
        for f in samples/*.gz tests/fixtures/input/*.gz; do { printf '\000'; cat "$f"; } | add; done ;;
    stream)
        for f in tests/fixtures/real/stream/*.json tests/fixtures/real/stream/*.ndjson tests/fixtures/input/*.json \
                 tests/fixtures/input/*.ndjson; do
            [ -f "$f" ] && head -c 65536 "$f" | add
        done ;;
    kql)
        doc=$(head -n 1 tests/fixtures/rules/entra_app_credential_added.pos.ndjson)
        for r in rules/*/*.json; do
            { jq -j '.query' "$r"; printf '\000%s' "$doc"; } | add
        done
        for q in 'a:b' 'not a:(b or c) and d:*' 'f:{g:1 and h >= 2}' 'ip:10.0.0.0/8' \
                 'x:"quoted \" phrase*"' 'a.*:v*w' '@timestamp >= "2024-01-01"' 'n < 10 or n > 1e999' \
                 '((((((a:b))))))' 'v:\u0041\(x\)' 'f:cannot x' 'free text' '*'; do
            printf '%s' "$q" | add
        done ;;
    esql)
        jq -c '.query' tests/fixtures/esql/detection-rules-queries.ndjson > "$B/esql-queries.tmp"
        while read -r q; do printf '%s' "$q" | jq -j . | add; done < "$B/esql-queries.tmp" ;;
    rules) for r in rules/*/*.json; do add < "$r"; done ;;
    guide)
        for g in guides/*.md; do { printf '\120'; cat "$g"; } | add; done ;;
    exceptions|decisions|sanitize|jsonout|repo) ;;
    esac
    for f in tests/fuzz/seeds/$h/*; do [ -f "$f" ] && add < "$f"; done
    : > "$c/.seeded"
}

replay() {
    h=$1; r=tests/fuzz/regressions/$h
    set -- "$r"/*
    [ -e "$1" ] || return 0
    echo "fuzz: replay $# regression inputs of $h"
    "$B/fuzz_$h" -runs=1 -rss_limit_mb=4096 "$@" > "$B/log/$h.replay" 2>&1 ||
        { tail -n 40 "$B/log/$h.replay" >&2; echo "fuzz: $h regression FAILED" >&2; return 1; }
}

run() {
    h=$1; secs=$2
    mkdir -p "$B/findings/$h"
    dict=""
    [ -f tests/fuzz/dict/$h.dict ] && dict="-dict=tests/fuzz/dict/$h.dict"
    # shellcheck disable=SC2086
    if "$B/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
            -print_final_stats=1 $dict -artifact_prefix="$B/findings/$h/" \
            "$B/corpus/$h" > "$B/log/$h.log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/log/$h.log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$B/log/$h.log")
        cov=$(grep -o 'cov: [0-9]*' "$B/log/$h.log" | tail -n 1)
        echo "fuzz: $h ok: ${execs:-?} execs, ${rate:-?}/s, $cov, ${secs}s"
    else
        tail -n 60 "$B/log/$h.log" >&2
        echo "fuzz: $h FAILED (log $B/log/$h.log, input in $B/findings/$h/)" >&2
        return 1
    fi
}

mkdir -p $B/log
build
[ "$MODE" = build ] && exit 0
fail=0
for h in $HARNESSES; do replay "$h" || fail=1; done
[ "$MODE" = replay ] && exit $fail
case $MODE in
    smoke) SECS=${SECS:-${FUZZ_SMOKE_SECONDS:-10}} ;;
    fuzz) SECS=${SECS:-${FUZZ_SECONDS:-60}} ;;
    *) echo "usage: $0 fuzz|smoke|replay|build [SECONDS [HARNESS...]]" >&2; exit 2 ;;
esac
for h in $HARNESSES; do seed "$h"; done
if [ -n "${CT_FUZZ_JOBS:-}" ]; then
    pids=""
    for h in $HARNESSES; do run "$h" "$SECS" & pids="$pids $!"; done
    for p in $pids; do wait "$p" || fail=1; done
else
    for h in $HARNESSES; do run "$h" "$SECS" || fail=1; done
fi
exit $fail
