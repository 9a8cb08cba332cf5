#!/bin/sh
# The console's bytes under the terminal's locale (#15): hostile log and repo
# text (ESC sequences, BEL, the 8-bit CSI U+009B, U+202E, U+200B, U+034F, an
# emoji with U+FE0F, a wide emoji, U+00DB) in the queue, the alert view with its
# guide from the rules repo, and the raw record, under LANG=C, C.UTF-8 and
# (when localedef can build it) en_US.ISO-8859-1, in a real terminal (tmux,
# TERM=screen, TZ=UTC, 80x24).
# - Screen rows captured (capture-pane -p) are compared whole: every hostile
#   character is shown escaped, and what the charset lacks as <U+XXXX>.
# - The raw byte stream the console wrote (pipe-pane) holds: under LANG=C only
#   ASCII; under ISO-8859-1 no byte 0x80-0x9F and no other high byte than
#   U+00DB's 0xDB; under UTF-8 valid UTF-8 with no C1, bidi or invisible
#   character; never the data's ESC ] (OSC), ESC [ 2 J or BEL.
# - Columns: an emoji with U+FE0F is measured 1 column by ncurses (wcwidth) and
#   by tmux; the console draws it without the selector so its columns agree: the
#   rows below hold each column at the same place as a row of plain ASCII
#   (before, the heart row's target column came one column early and the
#   guide's line was cut a column short).
CT=${CREDTRIAGE_BIN:?set CREDTRIAGE_BIN}
command -v tmux >/dev/null || { echo "console_locale.sh: tmux is required" >&2; exit 1; }
command -v jq >/dev/null || { echo "console_locale.sh: jq is required" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ct-locale.XXXXXX") || exit 1
SOCK="ct-locale-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home" XDG_STATE_HOME="$TMP/state" GIT_CONFIG_NOSYSTEM=1
unset CREDTRIAGE_REPO NO_COLOR
mkdir -p "$HOME"
AN='Test Analyst <test@example.com>'
fail=0
bad() { echo "FAIL (console_locale.sh, $L): $*" >&2; fail=1; }

# --- the data: three CreateAccessKey records, the first two hostile, the third
# plain ASCII of the same columns as the second (the column reference)
jq -c '.' tests/fixtures/rules/aws_iam_access_key_created.pos.ndjson | sed -n 1p >"$TMP/base.json"
rec() { # TIME ACTOR(JSON) TARGET(JSON) N
    jq -c --arg t "$1" --arg a "$2" --arg g "$3" --arg id "1f2e3d4c-0000-4000-8000-00000000000$4" '
        ($a | fromjson) as $actor | .eventTime = $t | .eventID = $id
        | .userIdentity.userName = $actor | .userIdentity.arn = "arn:aws:iam::111122223333:user/" + $actor
        | .responseElements.accessKey.userName = ($g | fromjson)' "$TMP/base.json"
}
{
    rec 2024-05-22T09:14:07Z '"a\u001b]0;pwn\u0007b\u001b[2Jc"' '"x\u009b31m \u202eevil z\u200bw pay\u034froll"' 1
    rec 2024-05-22T09:13:07Z '"heart\u2764\ufe0fx"' '"smile\ud83d\ude00x \u00db"' 2
    rec 2024-05-22T09:12:07Z '"heartHx"' '"smileSSx U"' 3
} >"$TMP/ct.ndjson"

# --- the rules repo with a teammate's hostile guide for the rule
R0=$TMP/repo0
CREDTRIAGE_DATADIR=$PWD LANG=C.UTF-8 LC_ALL=C.UTF-8 "$CT" rules list --repo "$R0" --analyst "$AN" >/dev/null 2>&1 \
    || { echo "console_locale.sh: cannot create the rules repo" >&2; exit 1; }
G=$R0/guides/aws_iam_access_key_created.md
[ -f "$G" ] || { echo "console_locale.sh: no guide $G" >&2; exit 1; }
{
    printf '# Hostile guide\n\n'
    printf 'osc x\033]0;pwn\007 cls \033[2J csi \302\23331m rlo \342\200\256evil\n\n'
    printf 'zw a\342\200\213b cgj pay\315\217roll heart \342\235\244\357\270\217| smile \360\237\230\200| latin \303\233|\n\n'
    # 40 hearts with U+FE0F: 1 column each in ncurses and tmux, so the line
    # fits in 78 columns (measured 2 columns each, it was wrapped)
    printf 'hearts '; i=0; while [ $i -lt 40 ]; do printf '\342\235\244\357\270\217'; i=$((i + 1)); done; printf '|\n'
} >"$G"
git -C "$R0" add -A && git -C "$R0" -c user.name=Teammate -c user.email=t@example.com commit -qm "guide" \
    || { echo "console_locale.sh: cannot commit the guide" >&2; exit 1; }

# --- one console run: start, pipe the raw stream, walk the views
SHOT=0
shot() { # NAME: the screen now, into $TMP/$L.NAME
    tmux -L "$SOCK" capture-pane -p -t ct >"$TMP/$L.$1"
}
wait_for() { # TEXT
    i=0
    while [ $i -lt 200 ]; do
        tmux -L "$SOCK" capture-pane -p -t ct >"$TMP/screen" 2>/dev/null
        grep -qF -- "$1" "$TMP/screen" && return 0
        sleep 0.05; i=$((i + 1))
    done
    bad "never saw: $1"
    cat "$TMP/screen" >&2
    return 1
}
keys() { tmux -L "$SOCK" send-keys -t ct "$@"; }
run_console() { # LANG [LOCPATH]
    L=$1
    rm -rf "$TMP/repo" "$TMP/exit" "$TMP/go" "$TMP/state"
    cp -R "$R0" "$TMP/repo"
    cat >"$TMP/run.sh" <<EOS
while [ ! -e '$TMP/go' ]; do sleep 0.05; done
cd '$PWD' && env LOCPATH='${2:-}' TERM=screen LANG='$L' LC_ALL='$L' TZ=UTC NO_COLOR=1 '$CT' --repo '$TMP/repo' --analyst '$AN' '$TMP/ct.ndjson'
echo "EXIT=\$?" > '$TMP/exit'
EOS
    : >"$TMP/$L.raw"
    tmux -L "$SOCK" -f /dev/null new-session -d -s ct -x 80 -y 24 "sh '$TMP/run.sh'; sleep 600"
    tmux -L "$SOCK" pipe-pane -t ct "cat >> '$TMP/$L.raw'"
    touch "$TMP/go"
    wait_for "3 alerts from 3 events" || return 1
    shot queue
    keys j j Enter # the heart alert (the incident's rows are oldest first)
    wait_for "1 Guide" && wait_for "Hostile guide" && shot guide
    keys 3
    wait_for "Raw record" || return 1
    keys / ; tmux -L "$SOCK" send-keys -t ct -l "smile"; keys Enter
    wait_for '"userName": "smile' && shot rawview
    keys q
    wait_for "Alert queue" || return 1
    keys j Enter # the hostile alert
    wait_for "1 Guide" && shot alert
    keys 3
    wait_for "Raw record" || return 1
    keys / ; tmux -L "$SOCK" send-keys -t ct -l "31m"; keys Enter
    wait_for '"userName": "x<U+009B>31m' && shot rawview2
    keys q
    wait_for "Alert queue" && keys Q
    i=0
    while [ ! -s "$TMP/exit" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    grep -qx 'EXIT=0' "$TMP/exit" 2>/dev/null || bad "the console did not exit with 0: $(cat "$TMP/exit" 2>/dev/null)"
    tmux -L "$SOCK" kill-server 2>/dev/null
    sleep 0.2
}

# row FILE N EXPECTED: row N (1-based) of a captured screen is exactly EXPECTED
row() {
    got=$(sed -n "${2}p" "$TMP/$L.$1")
    [ "$got" = "$3" ] || bad "$1 row $2:
  want |$3|
  got  |$got|"
}
# the data's own escapes never reach the terminal raw, whatever the locale
raw_common() {
    f=$TMP/$L.raw
    [ -s "$f" ] || { bad "no raw output captured"; return; }
    LC_ALL=C grep -qaF "$(printf '\033]')" "$f" && bad "an OSC (ESC ]) reached the terminal"
    LC_ALL=C grep -qaF "$(printf '\033[2J')" "$f" && bad "the data's ESC [2J reached the terminal"
    LC_ALL=C grep -qaF "$(printf '\007')" "$f" && bad "a BEL reached the terminal"
    LC_ALL=C grep -qaP '[\x80-\x9f]' "$f" && [ "$L" != C.UTF-8 ] && bad "a byte 0x80-0x9F reached a ${L} terminal"
    return 0
}

# --- LANG=C: ASCII only, the rest as <U+XXXX>
run_console C
HC=$(i=0; while [ $i -lt 40 ]; do printf '<U+2764>'; i=$((i + 1)); done)
row queue 3 '-  15 LOW  open 3 alerts  heartHx -> smileSSx U, smile<U+~  AWS IAM Ac~y Created'
row queue 5 '    05-22 09:12 LOW  open AWS IAM Acce~Key Created heartHx       smileSSx U  -'
row queue 6 '    05-22 09:13 LOW  open AWS IAM Acce~Key Created heart<U+2764~ smile<U+1F~ -'
row queue 7 '    05-22 09:14 LOW  open AWS IAM Acce~Key Created a\x1b]0;pwn\~ x<U+009B>3~ -'
row guide 4 ' who   heart<U+2764>x (iam_user) from 192.0.2.61'
row guide 5 ' what  CreateAccessKey on smile<U+1F600>x <U+00DB> (iam_user) [success]'
row guide 10 ' osc x\x1b]0;pwn\x07 cls \x1b[2J csi <U+009B>31m rlo <U+202E>evil'
# wrapped at 78 columns counting <U+00DB> as the 8 it takes (not as 1)
row guide 12 ' zw a<U+200B>b cgj pay<U+034F>roll heart <U+2764>| smile <U+1F600>| latin'
row guide 13 ' <U+00DB>|'
row guide 15 ' hearts'
# the 321-column word cut at code points into 78-column lines
n=16
for piece in $(printf '%s|\n' "$HC" | fold -w 78); do
    row guide $n " $piece"
    n=$((n + 1))
done
row rawview 8 '      "userName": "smile<U+1F600>x <U+00DB>",'
row alert 4 ' who   a\x1b]0;pwn\x07b\x1b[2Jc (iam_user) from 192.0.2.61'
row alert 5 ' what  CreateAccessKey on x<U+009B>31m <U+202E>evil z<U+200B>w pay<U+034F>roll~'
row rawview2 8 '      "userName": "x<U+009B>31m <U+202E>evil z<U+200B>w pay<U+034F>roll",'
raw_common
LC_ALL=C grep -qaP '[^\x00-\x7f]' "$TMP/C.raw" && bad "a byte above 0x7F reached an ASCII terminal: $(LC_ALL=C grep -aoP '[^\x00-\x7f]+' "$TMP/C.raw" | head -3 | od -An -tx1 | head -2)"

# --- UTF-8: the characters themselves, but the hostile ones escaped; the
# heart without its selector
run_console C.UTF-8
H=$(printf '\342\235\244') S=$(printf '\360\237\230\200') U=$(printf '\303\233')
HU=$(i=0; while [ $i -lt 40 ]; do printf '%s' "$H"; i=$((i + 1)); done)
row queue 3 "$(printf '\342\226\276')  15 LOW  open 3 alerts  heartHx $(printf '\342\206\222') smileSSx U, smile${S}x ~  AWS IAM Ac$(printf '\342\200\246')y Created"
row queue 5 "    05-22 09:12 LOW  open AWS IAM Acce$(printf '\342\200\246')Key Created heartHx       smileSSx U  -"
# the same columns as the ASCII row above: heart 1 column, the wide emoji 2
row queue 6 "    05-22 09:13 LOW  open AWS IAM Acce$(printf '\342\200\246')Key Created heart${H}x       smile${S}x ${U}  -"
row queue 7 "    05-22 09:14 LOW  open AWS IAM Acce$(printf '\342\200\246')Key Created a\\x1b]0;pwn\\~ x<U+009B>3~ -"
row guide 4 " who   heart${H}x (iam_user) from 192.0.2.61"
row guide 5 " what  CreateAccessKey on smile${S}x ${U} (iam_user) [success]"
row guide 10 ' osc x\x1b]0;pwn\x07 cls \x1b[2J csi <U+009B>31m rlo <U+202E>evil'
row guide 12 " zw a<U+200B>b cgj pay<U+034F>roll heart ${H}| smile ${S}| latin ${U}|"
row guide 14 " hearts ${HU}|"
row rawview 8 "      \"userName\": \"smile${S}x ${U}\","
row alert 5 ' what  CreateAccessKey on x<U+009B>31m <U+202E>evil z<U+200B>w pay<U+034F>roll~'
row rawview2 8 '      "userName": "x<U+009B>31m <U+202E>evil z<U+200B>w pay<U+034F>roll",'
raw_common
f=$TMP/C.UTF-8.raw
iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || bad "the output is not valid UTF-8"
# C1 as UTF-8 (C2 80-9F), bidi controls, zero-width and invisible characters,
# variation selectors (the heart goes out without its U+FE0F); from the code charts
BAD='\xc2[\x80-\x9f\xad]|\xd8\x9c|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa0-\xa4\xa6-\xa9]|\xcd\x8f|\xef\xb8[\x80-\x8f]|\xef\xbb\xbf'
LC_ALL=C grep -qaP "$BAD" "$f" && bad "a C1, bidi, invisible character or variation selector reached the terminal"
LC_ALL=C grep -qaF "$H" "$f" || bad "the heart was not drawn"

# --- ISO-8859-1 (built with localedef into a private LOCPATH, when the
# locales' sources are installed): U+00DB goes out as the one byte 0xDB,
# never as C3 9B (0x9B is CSI to an 8-bit terminal); nothing in 0x80-0x9F
LOC=$TMP/loc
mkdir -p "$LOC"
if localedef -i en_US -f ISO-8859-1 "$LOC/en_US.ISO-8859-1" >/dev/null 2>&1 &&
    [ "$(LOCPATH=$LOC LC_ALL=en_US.ISO-8859-1 locale charmap 2>/dev/null)" = ISO-8859-1 ]; then
    run_console en_US.ISO-8859-1 "$LOC"
    # tmux reads the pane as UTF-8 and drops the lone 0xDB: rows without it
    row queue 6 '    05-22 09:13 LOW  open AWS IAM Acce~Key Created heart<U+2764~ smile<U+1F~ -'
    row guide 10 ' osc x\x1b]0;pwn\x07 cls \x1b[2J csi <U+009B>31m rlo <U+202E>evil'
    row rawview2 8 '      "userName": "x<U+009B>31m <U+202E>evil z<U+200B>w pay<U+034F>roll",'
    raw_common
    high=$(od -An -tx1 -v "$TMP/$L.raw" | tr -s ' ' '\n' | grep -E '^[89a-f][0-9a-f]$' | sort -u | tr '\n' ' ')
    [ "$high" = "db " ] || bad "high bytes in the ISO-8859-1 output: '$high' (want only db)"
else
    echo "console_locale.sh: no ISO-8859-1 locale (localedef or the locales package is missing): that part skipped"
fi
exit $fail
