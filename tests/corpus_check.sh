#!/bin/sh
# Corpus test (#14): over every sample and fixture, records in = events +
# alert documents + records skipped with a FILE:LINE reason + duplicates
# folded, per file, so a record dropped in silence fails the build. "Records
# in" is counted by jq from the formats (any number of JSON values;
# {"Records"|"records"|"value": [...]}, _search hits and es_archive entries
# unwrapped; arrays of records), not by credtriage's reader. Files jq cannot
# read whole (deliberately broken fixtures) are listed below with why.
# Usage: sh tests/corpus_check.sh [path/to/credtriage]
set -u
BIN=${1:-build/credtriage}
command -v jq >/dev/null || { echo "corpus_check: jq is required" >&2; exit 2; }
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT INT TERM
CREDTRIAGE_REPO=$TMP/repo; export CREDTRIAGE_REPO
# broken on purpose: jq has no count for them (their skips are checked in test_store / test_hostile)
broken='tests/fixtures/input/garbage.bin tests/fixtures/input/truncated.json.gz tests/fixtures/input/mixed-bad.ndjson
tests/fixtures/input/invalid-utf8.ndjson tests/fixtures/norm/ms/malformed.ndjson tests/fixtures/norm/cloud/ct_malformed.ndjson
tests/fixtures/real/stream/trailing-garbage.ndjson'
recs='def one: if type == "object" then
        if (.Records | type) == "array" then .Records[]
        elif (.records | type) == "array" then .records[]
        elif (.value | type) == "array" then .value[]
        elif (.hits | type) == "object" and (.hits.hits | type) == "array" then .hits.hits[]
        elif .type == "doc" and (.value | type) == "object" and ((.value.source // .value._source) != null) then .value
        else . end
      elif type == "array" then .[] else . end;
      [inputs | one] | length'
fail=0 n=0 skipped=0
for f in $(find samples tests/fixtures -type f \( -name '*.json' -o -name '*.ndjson' -o -name '*.jsonl' \
           -o -name '*.log' -o -name '*.gz' -o -name '*.bin' \) ! -path 'tests/fixtures/hostile/*' \
           ! -path 'tests/fixtures/esql/*' ! -name '*.expected-fields.json' | sort); do
	case " $(echo $broken) " in *" $f "*) skipped=$((skipped + 1)); continue ;; esac
	case $f in *.gz) gzip -dc "$f" ;; *) cat "$f" ;; esac > "$TMP/in"
	if ! want=$(jq -n "$recs" < "$TMP/in" 2>/dev/null); then
		echo "FAIL: $f: jq cannot read it (list it as broken, with why)"; fail=1; continue
	fi
	"$BIN" events "$f" > /dev/null 2> "$TMP/err"
	sum=$(grep '^loaded ' "$TMP/err" | head -n 1)
	ev=$(echo "$sum" | sed -n 's/^loaded \([0-9]*\) events\{0,1\}[ ,;].*/\1/p')
	al=$(echo "$sum" | sed -n 's/.* \([0-9]*\) alert documents\{0,1\}[ ,;].*/\1/p')
	sk=$(echo "$sum" | sed -n 's/.*skipped \([0-9]*\) malformed.*/\1/p')
	du=$(echo "$sum" | sed -n 's/.* \([0-9]*\) duplicates\{0,1\}[,;].*/\1/p')
	got=$(( ${ev:-0} + ${al:-0} + ${sk:-0} + ${du:-0} ))
	diags=$(grep -c "^$f:[0-9][0-9]*: " "$TMP/err")
	n=$((n + 1))
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $f: $want records in, $got accounted for ($sum)"; fail=1
	elif [ "$diags" -lt "${sk:-0}" ]; then
		echo "FAIL: $f: ${sk:-0} skipped, only $diags FILE:LINE reasons"; fail=1
	fi
done
echo "corpus: $n files, records in = events + alerts + skipped + duplicates$( [ $fail = 0 ] && echo ' in every one' || echo ': FAILED'); $skipped broken on purpose not counted"
exit $fail
