#!/bin/sh
# Hostile input end to end (tests/fixtures/hostile/): every text and JSON output
# (events, scan, show), the rules repo (decisions and exceptions written by
# `credtriage ack` / `fp` with an attacker-controlled actor and target: file
# names, commit messages, `git log`), and the console's raw output stream in a
# real terminal (tmux) carry no control sequence, CR, C1 or bidi override from
# the data: it is made visible, never interpreted. Each file's clean last record
# still loads.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
command -v jq >/dev/null 2>&1 || { echo "hostile.sh: jq is required" >&2; exit 1; }
command -v git >/dev/null 2>&1 || { echo "hostile.sh: git is required" >&2; exit 1; }
H=tests/fixtures/hostile
TMP=$(mktemp -d) || exit 1
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home" XDG_DATA_HOME="$TMP/data" GIT_CONFIG_NOSYSTEM=1
unset CREDTRIAGE_REPO GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL EMAIL
mkdir -p "$HOME"
REPO="$TMP/repo"
AN='Test Analyst <test@example.com>'
FILES="$H/azure-audit.ndjson $H/cloudtrail.json $H/gcp-audit.ndjson $H/m365-audit.ndjson $H/traversal.ndjson $H/big-name.ndjson $H/deep-nesting.ndjson $H/numbers.ndjson $H/dup-keys.ndjson"
fail=0
check() { # description, then a command that must succeed
    d=$1; shift
    if "$@"; then :; else echo "FAIL: $d" >&2; fail=1; fi
}
# inert FILE [ALLOW_TAB]: no C0 but LF (TAB when asked), no DEL, no C1 (UTF-8 or
# a bare 0x80-0x9f byte outside a sequence), no bidi control, valid UTF-8.
inert() {
    if [ -n "${2:-}" ]; then c0='[\x00-\x08\x0b-\x1f\x7f]'; else c0='[\x00-\x09\x0b-\x1f\x7f]'; fi
    if LC_ALL=C grep -qaP "$c0|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]" "$1"; then
        echo "  raw control bytes in $1:" >&2
        LC_ALL=C grep -naP "$c0|\xc2[\x80-\x9f]|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]" "$1" | head -c 400 | od -c | head -n 8 >&2
        return 1
    fi
    iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1 || { echo "  invalid UTF-8 in $1" >&2; return 1; }
}

# --- text and JSON outputs --------------------------------------------------------------
for f in $FILES; do
    b=$(basename "$f")
    "$BIN" events "$f" >"$TMP/$b.events" 2>"$TMP/$b.events.err"
    check "$b: events exits 0" test $? -eq 0
    check "$b: events output inert" inert "$TMP/$b.events"
    check "$b: events diagnostics inert" inert "$TMP/$b.events.err"
    "$BIN" events --json "$f" >"$TMP/$b.ej" 2>/dev/null
    check "$b: events --json inert" inert "$TMP/$b.ej"
    check "$b: events --json is NDJSON" jq -e . "$TMP/$b.ej" >/dev/null
    "$BIN" scan --all "$f" >"$TMP/$b.scan" 2>"$TMP/$b.scan.err"
    check "$b: scan output inert" inert "$TMP/$b.scan"
    check "$b: scan diagnostics inert" inert "$TMP/$b.scan.err"
    "$BIN" scan --json --all "$f" >"$TMP/$b.sj" 2>/dev/null
    check "$b: scan --json inert" inert "$TMP/$b.sj"
done
check "azure: clean tail loads" grep -q "CLEAN-TAIL-azure-audit" "$TMP/azure-audit.ndjson.events"
check "deep nesting: clean tail loads" grep -q "CLEAN-TAIL-deep" "$TMP/deep-nesting.ndjson.events"
check "numbers: clean tail loads" grep -q "CLEAN-TAIL-numbers" "$TMP/numbers.ndjson.events"
check "1 MB name: clean tail loads" grep -q "CLEAN-TAIL-big" "$TMP/big-name.ndjson.events"
check "dup keys: clean tail loads" grep -q "CLEAN-TAIL-dup" "$TMP/dup-keys.ndjson.events"
check "payloads are shown, escaped" grep -qF '\x1b]52;c;' "$TMP/azure-audit.ndjson.events"
check "bidi override is shown as <U+202E>" grep -qF '<U+202E>' "$TMP/azure-audit.ndjson.events"
check "--json escapes U+202E" grep -qF '\u202e' "$TMP/azure-audit.ndjson.ej"
check "--json escapes C1" grep -qF '\u009b' "$TMP/azure-audit.ndjson.ej"

AZ=$H/azure-audit.ndjson
IDS=$(jq -r '.id' "$TMP/azure-audit.ndjson.sj")
check "hostile Azure records raise alerts" test -n "$IDS"
n=0
for id in $IDS; do
    n=$((n + 1)); [ $n -gt 6 ] && break
    "$BIN" show "$id" "$AZ" >"$TMP/show.$id" 2>"$TMP/show.$id.err"
    check "show $id exits 0" test $? -eq 0
    check "show $id inert" inert "$TMP/show.$id"
    check "show $id diagnostics inert" inert "$TMP/show.$id.err"
    "$BIN" show --json "$id" "$AZ" >"$TMP/showj.$id" 2>/dev/null
    check "show --json $id inert" inert "$TMP/showj.$id"
    check "show --json $id parses" jq -e . "$TMP/showj.$id" >/dev/null
done

# --- the rules repo: ack / fp with hostile actors and targets --------------------------
ct() { "$BIN" "$@" --repo "$REPO" --analyst "$AN"; }
TR=$H/traversal.ndjson
"$BIN" scan --json --all "$TR" >"$TMP/tr.sj" 2>/dev/null
ACKS=$(jq -r '.id' "$TMP/azure-audit.ndjson.sj" | head -n 8)
for id in $ACKS; do
    ct ack "$id" --note "$(printf 'note \033]52;c;AA\007 \342\200\256 \r\n evil')" "$AZ" >/dev/null 2>"$TMP/ack.err"
    check "ack $id exits 0" test $? -eq 0
done
TRIDS=$(jq -r '.id' "$TMP/tr.sj" | head -n 12)
for id in $TRIDS; do
    ct ack "$id" "$TR" >/dev/null 2>"$TMP/ack.err"
    check "ack traversal $id exits 0" test $? -eq 0
done
FPID=$(jq -r 'select(.actor.name // "" | test("52;c")) | .id' "$TMP/azure-audit.ndjson.sj" | head -n 1)
[ -n "$FPID" ] || FPID=$(echo "$IDS" | tail -n 1)
ct fp "$FPID" --entry actor --entry target --reason "$(printf 'looks \033[2J fine \342\200\256')" --force "$AZ" >"$TMP/fp.out" 2>"$TMP/fp.err"
check "fp with a hostile actor exits 0" test $? -eq 0
check "fp output inert" inert "$TMP/fp.out"
check "fp diagnostics inert" inert "$TMP/fp.err"
TRFP=$(jq -r 'select(.target.name // "" | test("git/hooks")) | .id' "$TMP/tr.sj" | tail -n 1) # scan lists newest first
if [ -n "$TRFP" ]; then
    ct fp "$TRFP" --entry target --reason traversal --force "$TR" >/dev/null 2>"$TMP/fp2.err"
    check "fp with a .git/hooks target exits 0" test $? -eq 0
fi
git -C "$REPO" log --format='%an%n%ae%n%B' >"$TMP/log" 2>&1
check "git log shows no raw control bytes" inert "$TMP/log"
git -C "$REPO" log --stat --format='%B' >"$TMP/logstat" 2>&1
check "git log --stat inert" inert "$TMP/logstat"
check "decisions were committed" test "$(git -C "$REPO" ls-files decisions | wc -l)" -ge 8
check "an exception was committed" test "$(git -C "$REPO" ls-files exceptions | wc -l)" -ge 1
bad=$(git -C "$REPO" ls-files | grep -vE '^(rules|guides|exceptions|decisions)/[A-Za-z0-9_][A-Za-z0-9._/-]*$' | grep -vE '^[A-Za-z0-9_.-]+$')
check "repo file names come from sanitized ids only (got: $bad)" test -z "$bad"
check "no path component is . or .. or hidden" test -z "$(git -C "$REPO" ls-files | grep -E '(^|/)\.')"
check "no hook was written" test ! -e "$REPO/.git/hooks/pre-commit"
check "nothing written outside the repo" test ! -e "$TMP/etc" -a ! -e "$REPO/../etc/passwd"
check "git fsck --strict" sh -c "git -C \"$REPO\" fsck --strict --no-progress >/dev/null 2>&1"
check "working tree clean after the commits" test -z "$(git -C "$REPO" status --porcelain)"
"$BIN" history --repo "$REPO" >"$TMP/hist" 2>&1
check "history output inert" inert "$TMP/hist"
"$BIN" history --json --repo "$REPO" >"$TMP/histj" 2>&1
check "history --json inert" inert "$TMP/histj"
"$BIN" scan --json --all --repo "$REPO" "$AZ" >"$TMP/after.sj" 2>/dev/null
for id in $ACKS; do
    st=$(jq -r --arg i "$id" 'select(.id == $i) | .status' "$TMP/after.sj")
    [ "$id" = "$FPID" ] && continue
    check "ack of $id is kept (status $st)" test "$st" = acknowledged
done
"$BIN" check --repo "$REPO" >"$TMP/check" 2>&1
check "check output inert" inert "$TMP/check"

# --- the console: raw terminal output stream -----------------------------------------
if command -v tmux >/dev/null 2>&1; then
    (
        CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"
        SAMPLES="$AZ $H/cloudtrail.json $H/gcp-audit.ndjson $H/m365-audit.ndjson $TR"
        CT_PIPE="$TMP/raw"
        : >"$CT_PIPE"
        ct_start
        ct_wait "Alert queue" 20
        sleep 0.5
        i=0
        while [ $i -lt 16 ]; do # open alerts (the incident's lead, then its alerts): guide, correlation, raw
            ct_keys Enter; sleep 0.4
            ct_keys 2; sleep 0.3
            ct_keys 3; sleep 0.3
            ct_keys q; sleep 0.3
            ct_keys j
            i=$((i + 1))
        done
        ct_keys q
        sleep 1
        tmux -L "$SOCK" pipe-pane -t ct 2>/dev/null
        cp "$CT_PIPE" "$TMP/../ct-hostile-raw.$$" 2>/dev/null
        # data sequences, not the terminal's own: the payload texts right after an ESC
        for s in '\x1b\]52;' '\x1b\]0;pwned' '\x1b\]8;;http://evil' '\x1bP\+q' '\x1b\[31mRED' \
                 'legit-admin\rroot' '\xe2\x80\xae' '\xc2\x9b' '\x9b31m' '\xe2\x80\x8b'; do
            if LC_ALL=C grep -qaP "$s" "$CT_PIPE"; then echo "FAIL: console stream holds $s from the data" >&2; exit 1; fi
        done
        LC_ALL=C grep -qaF 'RED-CSI' "$CT_PIPE" || LC_ALL=C grep -qaF 'legit-admin' "$CT_PIPE" ||
            LC_ALL=C grep -qaF 'U+202E' "$CT_PIPE" || { echo "FAIL: console never showed the hostile records" >&2; exit 1; }
        exit 0
    )
    check "console: raw output stream is inert" test $? -eq 0
    rm -f "$TMP/../ct-hostile-raw.$$"
else
    echo "hostile.sh: SKIP console part: tmux not installed" >&2
fi

rm -rf "$TMP"
exit $fail
