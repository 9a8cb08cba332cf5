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
# are on screen, then 12 more; then Q. Prints:
#   first_frame_ms=.. loaded_ms=.. incidents_ms=.. keys=N
#   per phase (loading / grouping / incidents shown): keys, median, p95, max of
#   sent->frame, and of read->frame inside the process (from the key's reading:
#   waiting for the loader's lock, the rows rebuilt, handling, drawing), and
#   the main thread's CPU time for them, which does not depend on how busy the
#   shared machine was;
#   the slowest key handling, rebuild after a load step, and loader lock hold.
# *_ms are from the process's start. Needs tmux; prints "n/a (...)" without.
set -eu
BIN=$1 FILE=$2 OUT=$3
tr="$OUT/console.trace" sent="$OUT/console.sent"
# CONSOLE_REPORT_ONLY=1: the report again from OUTDIR's trace, without a run
if [ "${CONSOLE_REPORT_ONLY:-0}" != 1 ]; then
command -v tmux >/dev/null 2>&1 || { echo "n/a (no tmux)"; exit 0; }
mkdir -p "$OUT/home-ui"
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
fi
# pair the n-th key sent with the n-th key frame (j and k only: every one draws a frame)
awk '
    function at(s) { sub(/.*at=/, "", s); return s + 0 }
    function fld(s, k) { if (!match(s, k "=[0-9.]+")) return 0; return substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1) + 0 }
    function sortv(v, n,    i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t } }
    function pct(v, n, p,    k) { k = int(n * p + 0.999999); if (k < 1) k = 1; if (k > n) k = n; return v[k] }
    function stats(v, n) {
        if (!n) return "no keys"
        sortv(v, n)
        return sprintf("%d keys, median %.1f, p95 %.1f, max %.1f ms", n, pct(v, n, 0.5), pct(v, n, 0.95), v[n])
    }
    FNR == NR { sent[++ns] = $1; next }
    /^start at=/ { t0 = at($0) }
    /^start->first-queue-frame/ { ff = at($0) - t0 }
    /^start->complete-queue-frame/ && !loaded { loaded = $2 }
    /^incidents-ready/ { inc = $2 }
    /^publish-rebuild/ { if ($2 > rb) rb = $2; c = fld($0, "cpu"); if (c > rbc) rbc = c }
    /^loader-held/ { if ($2 > lh) lh = $2; c = fld($0, "cpu"); if (c > lhc) lhc = c }
    /^key->frame/ && ($4 == "j" || $4 == "k") {
        nk++
        if (nk > ns) next
        ph = !loaded ? 1 : !inc ? 2 : 3
        d = at($0) - sent[nk]
        all[nk] = d
        np[ph]++
        c = fld($0, "cpu")
        if (ph == 1) { sl[np[1]] = d; il[np[1]] = fld($0, "read"); cl[np[1]] = c }
        if (ph == 2) { sg[np[2]] = d; ig[np[2]] = fld($0, "read"); cg[np[2]] = c }
        if (ph == 3) { sr[np[3]] = d; ir[np[3]] = fld($0, "read"); cr[np[3]] = c }
        if ($2 > hd) hd = $2
    }
    END {
        n = nk < ns ? nk : ns
        printf "first_frame_ms=%.0f loaded_ms=%s incidents_ms=%s keys=%d\n", ff, loaded ? loaded : "?", inc ? inc : "?", n
        printf "  sent->frame (tmux send-keys to the frame, wall clock):\n"
        printf "    while loading:   %s\n", stats(sl, np[1] + 0)
        printf "    while grouping:  %s\n", stats(sg, np[2] + 0)
        printf "    incidents shown: %s\n", stats(sr, np[3] + 0)
        printf "  read->frame in the process (lock wait, rows rebuilt, key handled, drawn):\n"
        printf "    while loading:   %s\n", stats(il, np[1] + 0)
        printf "    while grouping:  %s\n", stats(ig, np[2] + 0)
        printf "    incidents shown: %s\n", stats(ir, np[3] + 0)
        printf "  the same keys, CPU time of the main thread from reading to frame:\n"
        printf "    while loading:   %s\n", stats(cl, np[1] + 0)
        printf "    while grouping:  %s\n", stats(cg, np[2] + 0)
        printf "    incidents shown: %s\n", stats(cr, np[3] + 0)
        printf "  slowest: key handled+drawn %.1f ms; rows rebuilt after a load step %.1f ms (cpu %.1f); loader holding the lock %.1f ms (cpu %.1f)\n", hd, rb, rbc, lh, lhc
    }' "$sent" "$tr"
