#!/bin/sh
# check.sh BIN DIR: judge credtriage's correlation against the world in DIR
# (written by `world -o DIR`, see tests/world/README.md).
#
# 1. `BIN scan --json --all` over DIR's log files: every alert expected.json
#    plants must be raised exactly once (found by rule and record time, to the
#    second), and no other alert.
# 2. `BIN show --json --window 1d ID` for every planted alert: same_target,
#    same_actor, credential_usage and related_alerts must hold EXACTLY the
#    expected record ids (timelines: one id per change, the other exports'
#    ids counted as the same change through expected.json's aliases; a change
#    shown twice is a failure). The alert's actor and target must be one of
#    the expected identity's ids.
# 3. Each `show` must take at most CHECK_SHOW_RATIO (1.5) times `scan` on the
#    same files: both load them, so the difference is the correlation. With
#    CHECK_SPEED=median (as make test runs it, on machines shared with other
#    jobs) only the median ratio over all alerts must hold; a single alert over
#    the limit is reported, not failed, since one spike of load decides it.
#
# Prints, per story and component, the missing, unexpected and duplicated ids
# (counts and the first few), then a summary; exits 1 on any difference.
# Environment: CHECK_SHOW_RATIO (1.5), CHECK_FIRST (how many ids to print, 5),
# CHECK_ONLY (a story label substring: check only those), CHECK_RESULTS (a file
# to keep the per-story, per-component results in, as NDJSON).
set -u
BIN=${1:?usage: check.sh BIN DIR}
DIR=${2:?usage: check.sh BIN DIR}
RATIO=${CHECK_SHOW_RATIO:-1.5}
SPEED=${CHECK_SPEED:-each}
case $SPEED in each|median) ;; *) echo "check: CHECK_SPEED is each or median" >&2; exit 2 ;; esac
FIRST=${CHECK_FIRST:-5}
ONLY=${CHECK_ONLY:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EXP="$DIR/expected.json"
[ -r "$EXP" ] || { echo "check: $EXP missing (run: world -o $DIR)" >&2; exit 2; }
command -v jq >/dev/null || { echo "check: jq missing (apt-get install jq)" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/world-check.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
# a fresh home: no rules repo, no decisions, the shipped rules (KQL and ES|QL:
# the world plants the ES|QL rules' alerts too, esql_truth.c). A zone west of
# UTC: a time read as local time moves by hours and shows.
RULES_ROOT=$ROOT
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/xdg" CREDTRIAGE_DATADIR="$RULES_ROOT"
export TZ=America/Los_Angeles LC_ALL=C.UTF-8
unset CREDTRIAGE_REPO 2>/dev/null || true
mkdir -p "$HOME"

set --
for f in $(jq -r '.files[]' "$EXP"); do
    [ -e "$DIR/$f" ] && set -- "$@" "$DIR/$f"
done
[ $# -gt 0 ] || { echo "check: no log files in $DIR" >&2; exit 2; }
cat "$@" >/dev/null # a warm page cache for every timing below

now_ms() { date +%s%3N; } # GNU date (coreutils), as on Debian
scan_ms() {
    _t0=$(now_ms)
    "$BIN" scan --json --all "$@" >/dev/null 2>&1
    _t1=$(now_ms)
    echo $((_t1 - _t0))
}

# rule_id -> rule file stem
jq -n '[inputs | {(.rule_id): (input_filename | sub(".*/"; "") | sub("\\.json$"; ""))}] | add' \
    "$RULES_ROOT"/rules/*/*.json >"$WORK/rules.json" || exit 2

# scan, three times: the median is the reference time
for i in 1 2 3; do
    t0=$(now_ms)
    "$BIN" scan --json --all "$@" >"$WORK/scan$i.ndjson" 2>"$WORK/scan.err"
    rc=$?
    t1=$(now_ms)
    echo $((t1 - t0)) >>"$WORK/scan_ms"
    [ $rc -eq 0 ] || [ $rc -eq 1 ] || { echo "check: scan failed ($rc):" >&2; tail -5 "$WORK/scan.err" >&2; exit 1; }
done
SCAN_MS=$(sort -n "$WORK/scan_ms" | sed -n 2p)
cp "$WORK/scan1.ndjson" "$WORK/scan.ndjson"

# expected alerts <-> scan alerts, by rule stem and record time (to the second)
jq -n --slurpfile exp "$EXP" --slurpfile rules "$WORK/rules.json" \
    '[inputs] as $scan | $rules[0] as $R | $exp[0].alerts as $E
     | ($scan | map(. + {stem: ($R[.rule_id] // ("?" + .rule_id)), sec: .timestamp[0:19]})) as $S
     | {bykey: ($E | map({(.key): [$S[] as $s | select($s.stem == .rule and $s.sec == .timestamp[0:19]) | $s.id]}) | add),
        unexpected: [$S[] | select(. as $s | $E | any(.rule == $s.stem and .timestamp[0:19] == $s.sec) | not)
                     | "\(.stem) \(.timestamp) \(.event.file):\(.event.line)"]}
     | . + {byid: ([.bykey | to_entries[] | select(.value | length == 1) | {(.value[0]): .key}] | add // {})}' \
    "$WORK/scan.ndjson" >"$WORK/map.json" || exit 2

fail=0
nalerts=$(jq '.alerts | length' "$EXP")
unexp=$(jq '.unexpected | length' "$WORK/map.json")
echo "world: $(jq -r '"\(.records) records, \(.alerts | length) planted alerts"' "$EXP") in $DIR"
echo "scan: median $SCAN_MS ms over 3 runs; $(jq -s length "$WORK/scan.ndjson") alerts raised"
if [ "$unexp" -gt 0 ]; then
    fail=1
    echo "alerts: $unexp raised that the world does not plant:"
    jq -r ".unexpected[:$FIRST][] | \"  \" + ." "$WORK/map.json"
fi

: >"$WORK/results.ndjson"
: >"$WORK/show_ms"
i=0
while [ $i -lt "$nalerts" ]; do
    jq -c ".alerts[$i] | {story, rule, key}" "$EXP" >"$WORK/a.json"
    story=$(jq -r .story "$WORK/a.json")
    key=$(jq -r .key "$WORK/a.json")
    i=$((i + 1))
    case "$story" in *"$ONLY"*) ;; *) continue ;; esac
    ids=$(jq -r --arg k "$key" '.bykey[$k] | join(" ")' "$WORK/map.json")
    n=$(jq -r --arg k "$key" '.bykey[$k] | length' "$WORK/map.json")
    if [ "$n" -ne 1 ]; then
        fail=1
        echo "$story ($(jq -r .rule "$WORK/a.json")): alert $([ "$n" -eq 0 ] && echo "NOT RAISED" || echo "raised $n times: $ids")  FAIL"
        jq -c -n --arg s "$story" '{story: $s, component: "alert", ok: false}' >>"$WORK/results.ndjson"
        continue
    fi
    # timed beside a scan of its own: the machine's load drifts during the run
    sc=$(scan_ms "$@")
    t0=$(now_ms)
    "$BIN" show --json --window 1d "$ids" "$@" >"$WORK/show.json" 2>"$WORK/show.err"
    rc=$?
    t1=$(now_ms)
    ms=$((t1 - t0))
    slow=$(awk -v s="$ms" -v c="$sc" -v r="$RATIO" 'BEGIN { print (s > c * r) ? 1 : 0 }')
    if [ "$slow" = 1 ]; then # once more, both: a shared machine has spikes
        sc2=$(scan_ms "$@")
        t0=$(now_ms)
        "$BIN" show --json --window 1d "$ids" "$@" >/dev/null 2>&1
        t1=$(now_ms)
        ms2=$((t1 - t0))
        if [ $((ms2 * sc)) -lt $((ms * sc2)) ]; then # the better of the two pairs
            ms=$ms2
            sc=$sc2
        fi
        slow=$(awk -v s="$ms" -v c="$sc" -v r="$RATIO" 'BEGIN { print (s > c * r) ? 1 : 0 }')
    fi
    echo "$ms $sc" >>"$WORK/show_ms"
    if [ $rc -ne 0 ] || ! jq -e . "$WORK/show.json" >/dev/null 2>&1; then
        fail=1
        echo "$story: show $ids failed ($rc): $(tail -1 "$WORK/show.err")  FAIL"
        jq -c -n --arg s "$story" '{story: $s, component: "alert", ok: false}' >>"$WORK/results.ndjson"
        continue
    fi
    echo "$story ($(jq -r .rule "$WORK/a.json")) alert $ids: show $ms ms, scan $sc ms$([ "$slow" = 1 ] && echo ": over ${RATIO}x  SLOW")"
    [ "$slow" = 1 ] && [ "$SPEED" = each ] && fail=1
    [ "$SPEED" = median ] && slow=0 # judged on the median below
    jq -c -n --slurpfile show "$WORK/show.json" --slurpfile exp "$EXP" --slurpfile map "$WORK/map.json" \
        --arg key "$key" --arg story "$story" --argjson first "$FIRST" --argjson slow "$slow" '
      def rid: .event.id // .azure.auditlogs.properties.id // .azure.signinlogs.properties.id
               // .o365.audit.Id // null;
      $exp[0] as $E | ($E.alerts[] | select(.key == $key)) as $A | $show[0] as $S
      | def canon: if . == null then "(record without an id)" else ($E.aliases[.] // .) end;
        def cmp($name; $got; $want):
          ($got | group_by(.) | map({k: .[0], n: length})) as $g
          | ($g | map({(.k): true}) | add // {}) as $have
          | ($want | map({(.): true}) | add // {}) as $need
          | {story: $story, component: $name, expected: ($want | length), got: ($got | length),
             missing: [$want[] | select($have[.] | not)], unexpected: [$g[].k | select($need[.] | not)],
             duplicated: [$g[] | select(.n > 1) | .k]}
          | . + {ok: (.missing == [] and .unexpected == [] and .duplicated == [])};
        def ids: [.[]? | rid | canon];
        def inids($want): (. // "" | ascii_downcase) as $x | $want != null and ($want.ids + [$want.name] | map(ascii_downcase) | index($x)) != null;
        cmp("same_target"; $S.same_target | ids; $A.same_target),
        cmp("same_actor"; $S.same_actor | ids; $A.same_actor),
        cmp("credential_usage"; $S.credential_usage | ids; $A.credential_usage),
        cmp("related_alerts"; [$S.related_alerts[]? | .id | ($map[0].byid[.] // ("unplanted alert " + .))]; $A.related_alerts),
        ({story: $story, component: "roles",
          actor_ok: ($S.alert.actor.id | inids($A.actor)),
          target_ok: ($A.target == null or ($S.alert.target.id | inids($A.target))),
          actor: $S.alert.actor.id, target: $S.alert.target.id,
          want_actor: $A.actor.ids, want_target: ($A.target.ids // null)}
         | . + {ok: (.actor_ok and .target_ok)}),
        {story: $story, component: "speed", ok: ($slow == 0)}
      ' >"$WORK/r.ndjson" || { echo "check: jq failed on $story" >&2; exit 2; }
    cat "$WORK/r.ndjson" >>"$WORK/results.ndjson"
    jq -r --argjson first "$FIRST" '
      def few: if length == 0 then "" else " [" + (.[:$first] | join(", ")) + (if length > $first then ", ..." else "" end) + "]" end;
      if .component == "roles" then
        "  roles             actor \(.actor // "none")\(if .actor_ok then "" else " not " + (.want_actor | tostring) end); target \(.target // "none")\(if .target_ok then "" else " not " + (.want_target | tostring) end)  \(if .ok then "ok" else "FAIL" end)"
      elif .component == "speed" then empty
      else
        "  \(.component | . + "                  " | .[:17]) expected \(.expected), got \(.got): missing \(.missing | length)\(.missing | few), unexpected \(.unexpected | length)\(.unexpected | few), shown twice \(.duplicated | length)\(.duplicated | few)  \(if .ok then "ok" else "FAIL" end)"
      end' "$WORK/r.ndjson"
    jq -e -s 'all(.ok)' "$WORK/r.ndjson" >/dev/null || fail=1
done

echo
echo "summary (stories passing, per component):"
jq -r -s 'group_by(.component)[] | "  \(.[0].component | . + "                  " | .[:17]) \(map(select(.ok)) | length)/\(length)"' \
    "$WORK/results.ndjson"
if [ -s "$WORK/show_ms" ]; then
    awk '{ print $1 / $2, $1, $2 }' "$WORK/show_ms" | sort -n | awk -v r="$RATIO" '{ q[NR] = $1; s[NR] = $2; c[NR] = $3 } END {
        m = int((NR + 1) / 2)
        printf "  show/scan         median %.2fx, max %.2fx (show %d ms, scan %d ms) over %d alerts; limit %.1fx\n",
            q[m], q[NR], s[NR], c[NR], NR, r
        if (q[m] > r) exit 1 }' || { fail=1; echo "  show/scan median over the limit  FAIL"; }
fi
[ -n "${CHECK_RESULTS:-}" ] && cp "$WORK/results.ndjson" "$CHECK_RESULTS"
if [ $fail -eq 0 ]; then
    echo "world check: PASS"
else
    echo "world check: FAIL"
fi
exit $fail
