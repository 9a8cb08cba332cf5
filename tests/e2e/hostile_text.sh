#!/bin/sh
# Hostile text from the rules repo and from file names (#15): a teammate's repo
# with rule ids, names, severities, guides and exception item ids holding
# terminal escapes (ESC]0;..BEL title, ESC[2J, OSC 52 clipboard), U+202E,
# U+009B, U+034F and U+00DB; commits with such subjects; input files named with
# them. Every list / import / export / show / scan / fp / ack / revert /
# history / check command's stdout and stderr, as raw bytes, hold no C0 but LF,
# no DEL, no C1 (as UTF-8 or raw), no bidi control, no invisible character,
# and are valid UTF-8; the decision and exception files and the `git log`
# messages credtriage writes hold none either. Under LANG=C nothing but ASCII
# is printed (U+00DB's bytes C3 9B would carry an 8-bit CSI). A hostile
# --analyst or git user.name is refused. The byte patterns below are written
# from the Unicode code charts, not from the sanitizer's tables.
BIN=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
. tests/e2e/e2e_lib.sh
e2e_need hostile_text.sh jq git
e2e_isolate
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
AN='Test Analyst <test@example.com>'
R=$TMP/repo
FIX=tests/fixtures/rules/aws_iam_access_key_created.pos.ndjson

# C0 but LF, DEL; C1 as UTF-8 (C2 80-9F); bidi controls (U+061C, U+200E/F,
# U+202A-E, U+2066-9); invisible and format characters: U+00AD, U+034F,
# U+0600-5, U+06DD, U+070F, U+115F/60, U+17B4/5, U+180B-F, U+200B-D,
# U+2060-4, U+3164, U+FE00-F, U+FEFF, U+FFA0, tags U+E0000-7F.
BAD='[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f\xad]|\xd8\x9c|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa0-\xa4\xa6-\xa9]'
BAD="$BAD"'|\xcd\x8f|\xd8[\x80-\x85]|\xdb\x9d|\xdc\x8f|\xe1\x85[\x9f\xa0]|\xe1\x9e[\xb4\xb5]|\xe1\xa0[\x8b-\x8f]'
BAD="$BAD"'|\xe3\x85\xa4|\xef\xb8[\x80-\x8f]|\xef\xbb\xbf|\xef\xbe\xa0|\xf3\xa0[\x80\x81]'
inert() { # FILE: none of BAD, valid UTF-8
    if LC_ALL=C grep -qaP "$BAD" "$1"; then
        echo "  raw control/bidi/invisible bytes in $1:" >&2
        LC_ALL=C grep -naP "$BAD" "$1" | head -c 300 | od -c | head -n 6 >&2
        return 1
    fi
    iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1 || { echo "  invalid UTF-8 in $1" >&2; return 1; }
}
ascii_only() { ! LC_ALL=C grep -qaP '[^\x0a\x20-\x7e]' "$1"; }
# run NAME CMD...: stdout of CMD into $TMP/NAME, stderr into $TMP/NAME.err, both
# checked inert; both together in $TMP/NAME.all
run() {
    n=$1; shift
    "$@" >"$TMP/$n" 2>"$TMP/$n.err"
    echo $? >"$TMP/$n.rc"
    check "$n: stdout inert" inert "$TMP/$n"
    check "$n: stderr inert" inert "$TMP/$n.err"
    cat "$TMP/$n" "$TMP/$n.err" >"$TMP/$n.all"
}
rc() { cat "$TMP/$1.rc"; }
ct() { "$BIN" "$@" --repo "$R" --analyst "$AN"; }

# the hostile text: OSC 0 title with BEL, clear screen, OSC 52 clipboard write,
# RLO, 8-bit CSI, combining grapheme joiner, U+00DB (C3 9B)
H='x\u001b]0;pwn\u0007 \u001b[2J \u001b]52;c;Y3VybA==\u0007 \u202eevil \u009b31m pay\u034froll \u00db'
HB=$(printf 'x\033]0;pwn\007 \033[2J \033]52;c;Y3VybA==\007 \342\200\256evil \302\23331m pay\315\217roll \303\233')

# --- a repo with hostile rules and guides (a teammate's import, committed) -------------
CREDTRIAGE_DATADIR=$PWD "$BIN" rules list --repo "$R" --analyst "$AN" >/dev/null 2>&1
"$BIN" rules export --repo "$R" >"$TMP/pack.ndjson" 2>/dev/null
jq -c "select(.name? == \"AWS IAM Access Key Created\")
       | .rule_id = \"rid-$H\" | .name = \"name-$H\" | .severity = \"sev-$H\"
       | .note = \"# Guide $H\n\nline $H\n\n## Response\n\n1. step $H\n\"" \
    "$TMP/pack.ndjson" >"$TMP/hostile-rules.ndjson"
printf '{"rule_id":"bad\\u001b[2J","name":"n\\u202e","type":"eql\\u009b"}\nnot json \033]0;pwn\007\n' \
    >>"$TMP/hostile-rules.ndjson"
run rules-import "$BIN" rules import "$TMP/hostile-rules.ndjson" --repo "$R" --analyst "$AN"
check "rules import reports the bad lines" grep -qF 'rule bad\x1b[2J is of type eql<U+009B>' "$TMP/rules-import.all"
git -C "$R" add -A
git -C "$R" -c user.name=Teammate -c user.email=t@example.com commit -qm "import $HB"
run rules-list "$BIN" rules list --repo "$R"
check "rules list shows the hostile rule escaped" \
    grep -qF 'rid-x\x1b]0;pwn\x07 \x1b[2J \x1b]52;c;Y3VybA==\x07 <U+202E>evil <U+009B>31m pay<U+034F>roll' "$TMP/rules-list"
run rules-export "$BIN" rules export --repo "$R"
check "rules export is valid NDJSON" jq -e . "$TMP/rules-export" >/dev/null
check "rules export keeps the rule (as \\u escapes)" \
    test "$(grep -c '"name":"name-x\\u001b]0;pwn\\u0007 \\u001b\[2J \\u001b]52;c;Y3VybA==\\u0007 \\u202eevil \\u009b31m pay\\u034froll' "$TMP/rules-export")" = 1
"$BIN" rules export --repo "$R" 2>/dev/null | jq -r "select(.rule_id? // \"\" | startswith(\"rid-\")) | .name" >"$TMP/name.rt"
check "rules export round-trips the name" test "$(cat "$TMP/name.rt")" = "name-$HB"
run check-cmd "$BIN" check --repo "$R"

# --- alerts of the hostile rule: scan, show (the guide), fp, ack ----------------------------
run scan ct scan "$FIX"
run scan-json ct scan --json "$FIX"
check "scan --json parses" jq -e . "$TMP/scan-json" >/dev/null
ID=$(jq -r 'select(.rule_name? // "" | startswith("name-x")) | .id' "$TMP/scan-json" 2>/dev/null | head -n 1)
check "the hostile rule raises an alert" test -n "$ID"
run show ct show "$ID" "$FIX"
check "show prints the guide escaped" grep -qF 'line x\x1b]0;pwn\x07 \x1b[2J' "$TMP/show"
run show-json ct show --json "$ID" "$FIX"
check "show --json parses" jq -e . "$TMP/show-json" >/dev/null
run fp ct fp "$ID" --entry actor --reason "reason $HB" --force "$FIX"
check "fp exits 0" test "$(rc fp)" = 0
ID2=$(jq -r 'select(.rule_name? // "" | startswith("name-x") | not) | .id' "$TMP/scan-json" | head -n 1)
run ack ct ack "$ID2" --note "note $HB" "$FIX"
check "ack exits 0" test "$(rc ack)" = 0

# --- exceptions: hostile item ids imported, listed, exported ------------------------------
run exc-export0 ct exceptions export
jq -c "select(.item_id?) | .item_id = \"item-$H\" | .name = \"n-$H\" | .description = \"d-$H\"" \
    "$TMP/exc-export0" >"$TMP/hostile-exc.ndjson"
grep -v '"item_id"' "$TMP/exc-export0" | grep -v '^$' >>"$TMP/hostile-exc.ndjson"
check "an exception to make hostile" test "$(grep -c item- "$TMP/hostile-exc.ndjson")" -ge 1
run exc-import ct exceptions import "$TMP/hostile-exc.ndjson"
check "exceptions import exits 0" test "$(rc exc-import)" = 0
run exc-list ct exceptions list
check "exceptions list shows the item id escaped" grep -qF 'item-x\x1b]0;pwn\x07' "$TMP/exc-list"
run exc-list-json ct exceptions list --json
run exc-export ct exceptions export
check "exceptions export parses" jq -e . "$TMP/exc-export" >/dev/null
OUTF="$TMP/$(printf 'out\033]0;pwn\007\342\200\256.ndjson')"
run exc-export-file ct exceptions export -o "$OUTF"
check "exceptions export -o wrote the file" test -s "$OUTF"
check "exported file inert" inert "$OUTF"

# --- history, revert of a teammate's hostile commit -------------------------------------------
D=$(git -C "$R" ls-files decisions | head -n 1)
check "a decision file" test -n "$D"
jq '.note = "edited"' "$R/$D" >"$TMP/d" && cp "$TMP/d" "$R/$D"
git -C "$R" -c user.name=Teammate -c user.email=t@example.com commit -qam "edit $HB"
C=$(git -C "$R" rev-parse HEAD)
run history ct history
run history-json ct history --json
run history-show ct history --show "$C"
run revert ct revert "$C"
check "revert exits 0" test "$(rc revert)" = 0
check "revert's message quotes the subject escaped" \
    test "$(git -C "$R" log -1 --format=%s)" = 'Revert "edit x\x1b]0;pwn\x07 \x1b[2J \x1b]52;c;Y3VybA==\x07 <U+202E>evil <U+009B>31m pay<U+034F>roll '"$(printf '\303\233')"'"'
run history2 ct history

# --- what credtriage wrote: decision and exception files, its commits -------------------------
for f in $(git -C "$R" ls-files decisions exceptions); do
    check "$f inert" inert "$R/$f"
done
check "the exception's reason kept (as \\u escapes)" grep -rqF 'reason x\u001b]0;pwn\u0007' "$R/exceptions"
# credtriage's commits: every one after the teammate's import but the teammate's edit
git -C "$R" log --format='%H %an' | awk '$2 != "Teammate" {print $1}' >"$TMP/ours"
: >"$TMP/ourlog"
while read -r c; do git -C "$R" log -1 --format='%an%n%ae%n%B' "$c" >>"$TMP/ourlog"; done <"$TMP/ours"
check "credtriage's commit messages inert" inert "$TMP/ourlog"
check "credtriage made the commits" test "$(wc -l <"$TMP/ours")" -ge 4

# --- file names: diagnostics quote them ---------------------------------------------------------
NAME1="$TMP/$(printf 'a\033]0;pwn\007b\033[2J\342\200\256c\302\233d\315\217e')"
NAME2="$TMP/$(printf 'raw\233x\303\233.ndjson')"
printf 'not json\n' >"$NAME2"
run scan-names "$BIN" scan "$NAME1" "$NAME2"
check "missing file named (escaped)" grep -qF 'a\x1b]0;pwn\x07b\x1b[2J<U+202E>c<U+009B>d<U+034F>e' "$TMP/scan-names.all"
check "malformed file named (escaped)" grep -qF 'raw\x9bx' "$TMP/scan-names.all"
run events-names "$BIN" events "$NAME2" "$NAME1"

# --- identities ---------------------------------------------------------------------------------
run bad-analyst "$BIN" ack "$ID2" --repo "$R" --analyst "$(printf 'Eve \342\200\256x <eve@example.com>')" "$FIX"
check "a bidi --analyst is refused" test "$(rc bad-analyst)" != 0
check "... saying why" grep -qF 'invalid analyst identity "Eve <U+202E>x <eve@example.com>"' "$TMP/bad-analyst.all"
git -C "$R" config user.name "$(printf 'Mal\302\233lory')"
git -C "$R" config user.email mal@example.com
run bad-config "$BIN" reopen "$ID2" --repo "$R" "$FIX"
check "a C1 user.name is refused" grep -qF 'invalid git config user.name "Mal<U+009B>lory"' "$TMP/bad-config.all"
check "nobody committed as Mal..." test -z "$(git -C "$R" log --format=%an | grep Mal)"

# --- a terminal that is not UTF-8: ASCII only ---------------------------------------------------
"$BIN" scan --json --repo "$R" "$FIX" >"$TMP/sj.utf8" 2>/dev/null
for l in C POSIX; do
    LC_ALL=$l LANG=$l "$BIN" rules list --repo "$R" >"$TMP/rl.$l" 2>&1
    check "LANG=$l rules list: ASCII only" ascii_only "$TMP/rl.$l"
    check "LANG=$l: U+00DB escaped" grep -qF 'roll <U+00DB>' "$TMP/rl.$l"
    LC_ALL=$l LANG=$l "$BIN" show --repo "$R" "$ID" "$FIX" >"$TMP/show.$l" 2>&1
    check "LANG=$l show: ASCII only" ascii_only "$TMP/show.$l"
    LC_ALL=$l LANG=$l "$BIN" scan --json --repo "$R" "$FIX" >"$TMP/sj.$l" 2>/dev/null
    check "LANG=$l scan --json: ASCII only" ascii_only "$TMP/sj.$l"
    check "LANG=$l scan --json: same values" \
        test "$(jq -c . "$TMP/sj.$l" | md5sum)" = "$(jq -c . "$TMP/sj.utf8" | md5sum)"
    LC_ALL=$l LANG=$l "$BIN" scan "$NAME2" >"$TMP/names.$l" 2>&1
    check "LANG=$l file name: ASCII only" ascii_only "$TMP/names.$l"
done
exit $fail
