#!/bin/sh
# The console's latency as an analyst sees it (make bench, tests/bench/run.sh):
#
#   sh tests/bench/console.sh BIN FILE OUTDIR
#
# Starts `BIN FILE` in a detached tmux (200x50) with CREDTRIAGE_TRACE, and
# from its first queue frame on sends j / k every 0.25 s with tmux send-keys,
# each stamped with the wall clock just before it is sent. The console traces
# every frame it puts on the terminal after a key with the wall clock (at=),
# so key->frame here is from the key's sending to its frame: it includes any
# time the key waited while the console was busy (a build on the main
# thread), not only the handling and drawing. Keys go on until the incidents
# are on screen, then 12 more; then Q. Prints one line:
#   first_frame_ms=.. loaded_ms=.. incidents_ms=.. keys=N key_median_ms=.. key_p99_ms=.. key_max_ms=..
#   and per phase (loading / grouping / ready): keys, median and max
# *_ms are from the process's start. Needs tmux; prints "n/a (...)" without.
set -eu
BIN=$1 FILE=$2 OUT=$3
command -v tmux >/dev/null 2>&1 || { echo "n/a (no tmux)"; exit 0; }
mkdir -p "$OUT/home-ui"
tr="$OUT/console.trace" sent="$OUT/console.sent"
rm -f "$tr" "$sent"
S="-L ctbench$$"
# shellcheck disable=SC2086
tmux $S new-session -d -x 200 -y 50 \
    "CREDTRIAGE_TRACE='$tr' HOME='$OUT/home-ui' XDG_DATA_HOME='$OUT/home-ui/xdg' TERM=xterm-256color LANG=C.UTF-8 TZ=UTC '$BIN' --analyst 'Bench <bench@example.invalid>' '$FILE'"
now_ms() { t=$(date +%s%N); echo "$((t / 1000000)).$(printf '%06d' $((t % 1000000)))"; }
i=0
until [ -s "$tr" ] && grep -q 'first-queue-frame' "$tr"; do
    sleep 0.05
    i=$((i + 1))
    # shellcheck disable=SC2086
    if [ $i -gt 6000 ] || ! tmux $S has-session 2>/dev/null; then
        tmux $S kill-server 2>/dev/null || true
        echo "n/a (no first frame)"
        exit 0
    fi
done
k=0 after=0 key=j
while [ $k -lt 4000 ]; do
    if grep -q '^incidents-ready' "$tr"; then
        after=$((after + 1))
        [ $after -le 12 ] || break
    fi
    echo "$(now_ms) $key" >>"$sent"
    # shellcheck disable=SC2086
    tmux $S send-keys -t 0 "$key" 2>/dev/null || break
    if [ $key = j ]; then key=k; else key=j; fi
    k=$((k + 1))
    sleep 0.25
done
# shellcheck disable=SC2086
tmux $S send-keys -t 0 Q 2>/dev/null || true
i=0
# shellcheck disable=SC2086
while tmux $S has-session 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
# shellcheck disable=SC2086
tmux $S kill-server 2>/dev/null || true
# pair the n-th key sent with the n-th key frame (j and k only: every one draws a frame)
awk '
    function at(s) { sub(/.*at=/, "", s); return s + 0 }
    function stats(name, v, n,    i, j, t) {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        if (!n) return sprintf(" %s: no keys", name)
        return sprintf(" %s: %d keys, median %.1f ms, max %.1f ms", name, n, v[int((n + 1) / 2)], v[n])
    }
    FNR == NR { sent[++ns] = $1; next }
    /^start at=/ { t0 = at($0) }
    /^start->first-queue-frame/ { ff = at($0) - t0 }
    /^start->complete-queue-frame/ && !loaded { loaded = $2 }
    /^incidents-ready/ { inc = $2 }
    /^key->frame/ && ($4 == "j" || $4 == "k") {
        nk++
        if (nk > ns) next
        d = at($0) - sent[nk]
        all[nk] = d
        if (!loaded) { pl[++npl] = d } else if (!inc) { pg[++npg] = d } else { pr[++npr] = d }
    }
    END {
        n = nk < ns ? nk : ns
        for (i = 1; i <= n; i++) a2[i] = all[i]
        s = stats("all", a2, n)
        p99 = n ? a2[int(n * 0.99) > 0 ? int(n * 0.99) : 1] : 0
        printf "first_frame_ms=%.0f loaded_ms=%s incidents_ms=%s keys=%d key_p99_ms=%.1f;%s;%s;%s;%s\n",
            ff, loaded ? loaded : "?", inc ? inc : "?", n, p99, s,
            stats("while loading", pl, npl), stats("while grouping", pg, npg), stats("incidents shown", pr, npr)
    }' "$sent" "$tr"
