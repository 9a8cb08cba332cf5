#!/bin/sh
# Console defects of issue #17, each checked in a real terminal (tmux 80x24,
# TERM, LANG, TZ pinned by console_lib.sh / run_e2e.sh): a filter after G shows
# every match; forms: letters on a checkbox row type into the text field (no
# force, no editor, no negation), focus has a marker, the form is whole after
# $EDITOR, drafts are per rules repo and restored with a notice; Shift-Tab
# goes back a pane; the correlation cursor skips headings; "1 event";
# :screen-dump says what it wrote; a long message wraps instead of being cut.
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

# rows of the queue between the column header and the status line
queue_rows() { ct_screen | sed -n '3,21p' | grep -E '^[ *] +[0-9][0-9]-[0-9][0-9] ' | sed 's/^[ *] *//; s/ *$//'; }

ct_start
ct_wait "Alert queue [open]"
# ---- G, then a filter: every match on screen, from the first row ----
ct_keys G
ct_keys : ; ct_type 'filter rule=AWS'; ct_keys Enter
ct_wait "8 of 31"
queue_rows | awk '{print $1, $2}' | sort > "$TMP/got"
printf '%s\n' "11-03 21:15" "11-06 14:05" "11-06 14:05" "11-06 14:05" "11-06 14:08" "11-06 15:02" "11-06 15:10" "11-07 16:24" > "$TMP/want"
diff "$TMP/want" "$TMP/got" >&2 || ct_fail "after G, :filter rule=AWS does not show the 8 AWS alerts"
# the same with a status filter that leaves a single alert
ct_keys : ; ct_type 'filter clear'; ct_keys Enter
ct_wait "30 of 31"
ct_keys G
ct_keys : ; ct_type 'status acknowledged'; ct_keys Enter
ct_wait "[acknowledged] 1 of 31"
[ "$(queue_rows | wc -l)" = 1 ] || ct_fail "after G, :status acknowledged does not draw its one alert"
ct_keys : ; ct_type 'filter clear'; ct_keys Enter
ct_wait "30 of 31"

# ---- the help wraps at 80 columns instead of cutting ----
ct_keys '?'
ct_wait "Help (q closes)"
ct_screen | grep -qxE '  :                      command line \(:sort :filter :group :events :ack *' || ct_fail "help line 1"
ct_screen | grep -qxE '                         :window :quit \.\.\.\) *' || ct_fail "the help line is cut, not wrapped"
ct_keys q
ct_wait "Alert queue [open]"

# ---- :screen-dump says what it wrote ----
ct_keys : ; ct_type "screen-dump $TMP/dump.txt"; ct_keys Enter
ct_wait "screen-dump: wrote $TMP/dump.txt (80x24, text)"
grep -q "Alert queue \[open\] 30 of 31" "$TMP/dump.txt" || ct_fail "the dump lacks the title"

# ---- search: a regular expression, every match marked, a wrap said ----
E=$(printf '\033')
marked() { # SGR prefix, text: how many body rows show text right after that SGR
    tmux -L "$SOCK" capture-pane -p -e -t ct | sed -n '3,21p' | grep -c "$E\[[0-9;]*$1m\($E\[[0-9;]*m\)*$2" || true
}
ct_keys g
ct_keys / ; ct_type '(sts|xyz) getf'; ct_keys Enter
sleep 0.3
ct_screen | sed -n '3,21p' | grep -q "AWS STS GetF" || ct_fail "the regex search did not find the alert"
# on the cursor line the match is a bold underlined gap in the bar; elsewhere reverse video
[ "$(marked '1;4' 'STS GetF')" = 1 ] || ct_fail "the match on the cursor line is not marked"
ct_keys g
sleep 0.3
[ "$(marked '1;7' 'STS GetF')" = 1 ] || ct_fail "the match off the cursor line is not marked"
ct_keys / ; ct_type '(sts|xyz) getf'; ct_keys Enter
ct_keys n
ct_wait "search wrapped: hit the end, continued from the top"
ct_keys / ; ct_type 'no-such-thing-(x'; ct_keys Enter
ct_wait "not found: no-such-thing-(x (not a regular expression: searched literally)"
ct_keys : ; ct_type 'nohlsearch'; ct_keys Enter

# ---- the alert view: Shift-Tab, the correlation cursor, plurals ----
ct_keys : ; ct_type 'filter text=alice "rule=AWS IAM Access Key Created for Another User"'; ct_keys Enter
ct_wait "1 of 31"
ct_keys Enter
ct_wait "1 Guide"
ct_keys BTab
ct_wait "Alert 486d7e1026454f68  Notes"
ct_keys BTab
ct_wait "Alert 486d7e1026454f68  Raw"
ct_keys BTab
ct_wait "Alert 486d7e1026454f68  Correlation"
ct_screen | grep -E "\(1 events\)|: 1 uses" && ct_fail "singular count written as a plural"
# the cursor starts on the first event line (a heading never takes it) ...
ESC=$(printf '\033')
sel_line() { tmux -L "$SOCK" capture-pane -p -e -t ct | sed -n '8,22p' | grep -n "^${ESC}\[[0-9;]*7m" | head -n 1 | cut -d: -f1 | awk '{print $1 + 7}'; }
ct_keys g
sleep 0.3
l=$(sel_line)
ct_screen | sed -n "${l}p" | grep -qE '^ ..? ?[0-9]{2}-[0-9]{2} [0-9:]{8}  ' || ct_fail "the correlation cursor is not on an event line (line $l)"
# ... and j never stops on a blank or heading line
i=0
while [ $i -lt 12 ]; do
    ct_keys j
    sleep 0.1
    l=$(sel_line)
    txt=$(ct_screen | sed -n "${l}p")
    case "$txt" in
        *"Same target"*|*"Same actor"*|*"Related"*|*"History"*|*"Credential usage"*|"") ct_fail "the cursor stopped on: '$txt'" ;;
    esac
    i=$((i + 1))
done
ct_keys q
ct_wait "Alert queue"
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"

# counts in the singular: "1 alert from 1 event in 1 file", the history's "1 commit"
sed -n 16p samples/gcp-audit.ndjson > "$TMP/one.ndjson"
SAMPLES="$TMP/one.ndjson"
rm -rf "$TMP/repo"
ct_start
ct_wait "(? for help)"
[ "$(ct_screen | tail -n 1 | sed 's/ *$//')" = "1 alert from 1 event in 1 file (? for help)" ] ||
    ct_fail "the load message is not '1 alert from 1 event in 1 file (? for help)'"
ct_keys H
ct_wait "History of the rules repo"
ct_screen | grep -qF "History of the rules repo (1 commit)  Enter: diff  R: revert" ||
    ct_fail "the history title is not '(1 commit)'"
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT (one record)"
exit 0
