#!/bin/sh
# Console (issue #18, part 5): A assigns, c adds a note, with forms like f and
# r, committed by the same core functions as `credtriage assign` / `note`
# (one commit for an incident's alerts); the help lists the keys; the alert
# view's pane 4 shows the assignee and the note thread; the queue shows who
# has each alert, from assignments/: initials in 3 columns below 130 columns
# (80 included), the name from 130, in full in the detail lines; a console left open
# shows another analyst's assignment and note within 10 s without a key press.
# Screen rows are compared whole (trailing blanks cut).
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"
SAMPLES=samples/entra-audit.ndjson
OTHER='O. Ther <other@example.com>'
R="$TMP/repo"
X=5b13199216650932 # payroll-sync's credential (megan.bowen), MED
Y=b7e829f7a4beecc9 # contoso-reporting-connector's SP credential (nestor.wilke)
head_subject() { git -C "$R" log -1 --format='%an <%ae>|%s'; }
# "2026-12-03T11:39:59.123Z" -> "2026-12-03 11:39:59", as the console prints a time
fmt_at() { jq -r .at "$1" | sed 's/T/ /; s/\..*//; s/Z$//'; }
hline() { printf "%${1}s" "" | sed 's/ /─/g'; }
asg_file() { ls "$R"/assignments/*/*/"$1".json; }

tmux -L "$SOCK" -f /dev/null new-session -d -s ct -x 140 -y 30 "sleep 600"
ct_start "PAGER=cat > $TMP/help" --
ct_wait "11 alerts from 71 events in 1 file"
ct_expect_row 2 "    time                sev  stat corr rule                                     actor                 target                assignee"

# --- the help lists the keys (generated from the keymap) ----------------------------------------
ct_keys '?'
ct_wait "Help (q closes)"
ct_keys '|'
ct_wait "lines piped to cat > $TMP/help"
grep -x "  *A  *assign to 'Name <email>' (you by default; empty: nobody)" "$TMP/help" >/dev/null || ct_fail "help: no A"
grep -x "  *c  *comment: add a note to the alert's thread" "$TMP/help" >/dev/null || ct_fail "help: no c"
grep -x "  *4  *notes: the assignee and the team's note thread" "$TMP/help" >/dev/null || ct_fail "help: no 4"
ct_keys q

# --- A on one alert: the form, prefilled with the analyst; commit ------------------------------
ct_keys ':'; ct_type "goto $X"; ct_keys Enter
ct_wait " Entra ID Application Credential Added  (MED open, alert $X)"
ct_keys A
ct_wait "Assign alert $X"
ct_expect_row 1 " credtriage — Assign: alert $X"
ct_expect_row 2 " Assign alert $X: Entra ID Application Credential Added"
ct_expect_row 3 " Now: nobody"
ct_expect_row 5 "▶ To:    Test Analyst <test@example.com>"
ct_expect_row 6 "         'Name <email>'; empty: nobody (unassign); Ctrl-U clears"
ct_expect_row 8 "  [ Commit ]   Ctrl-X commits from anywhere; Esc cancels"
ct_keys C-x
ct_wait "assigned $X to Test Analyst <test@example.com>: commit "
ct_expect_row 30 "assigned $X to Test Analyst <test@example.com>: commit $(git -C "$R" rev-parse --short=10 HEAD)"
[ "$(head_subject)" = "Test Analyst <test@example.com>|assign: Entra ID Application Credential Added: $X to Test Analyst <test@example.com>" ] \
    || ct_fail "assign commit: $(head_subject)"
[ "$(jq -c '[.alert_id, .assignee, .by]' "$(asg_file $X)")" = "[\"$X\",\"Test Analyst <test@example.com>\",\"Test Analyst <test@example.com>\"]" ] \
    || ct_fail "assignment file: $(cat "$(asg_file $X)")"
ct_expect_row 6 "    2026-11-05 02:14:07 MED  open    2 Entra ID Application Credential Added    megan.bowen@contoso.~ payroll-sync          Test Analyst"

# again, to someone else: Ctrl-U clears, Enter moves to [ Commit ], Enter commits
ct_keys A
ct_wait "Now: Test Analyst <test@example.com>, by Test Analyst <test@example.com> at "
ct_expect_row 3 " Now: Test Analyst <test@example.com>, by Test Analyst <test@example.com> at $(fmt_at "$(asg_file $X)") UTC"
ct_keys C-u; ct_type "Bob Builder <bob@example.com>"; ct_keys Enter
ct_expect_row 8 "▶ [ Commit ]   Ctrl-X commits from anywhere; Esc cancels"
ct_keys Enter
ct_wait "assigned $X to Bob Builder <bob@example.com>: commit "
ct_expect_row 6 "    2026-11-05 02:14:07 MED  open    2 Entra ID Application Credential Added    megan.bowen@contoso.~ payroll-sync          Bob Builder"
[ "$(jq -r '.assignee + "|" + .by' "$(asg_file $X)")" = "Bob Builder <bob@example.com>|Test Analyst <test@example.com>" ] \
    || ct_fail "reassigned file: $(cat "$(asg_file $X)")"
# a bad identity is refused, nothing committed, the form stays open
H=$(git -C "$R" rev-parse HEAD)
ct_keys A; ct_wait "Assign alert $X"
ct_keys C-u; ct_type "no email here"; ct_keys C-x
ct_wait "assign refused: "
[ "$(git -C "$R" rev-parse HEAD)" = "$H" ] || ct_fail "a refused assignment committed"
ct_expect_row 2 " Assign alert $X: Entra ID Application Credential Added"
ct_keys Escape
ct_wait "assign cancelled"

# --- c: a note; Esc keeps a draft, c restores it --------------------------------------------------
ct_keys c
ct_wait "Note on alert $X"
ct_expect_row 3 " The thread has 0 notes"
ct_expect_row 5 "▶ Note:"
ct_expect_row 6 "         Ctrl-O: write a long note in \$EDITOR"
ct_expect_row 8 "  [ Commit ]   Ctrl-X commits from anywhere; Esc cancels (the note is kept as a draft)"
ct_type "checked with the owner: a planned rotation"
ct_keys Escape
ct_wait "cancelled; the note is kept as a draft for alert $X"
ct_keys c
ct_wait "restored the draft note for alert $X"
ct_expect_row 5 "▶ Note:  checked with the owner: a planned rotation"
ct_keys C-x
ct_wait "note added to $X: commit "
[ "$(head_subject)" = "Test Analyst <test@example.com>|note: Entra ID Application Credential Added: $X" ] || ct_fail "note commit: $(head_subject)"
N1=$(git -C "$R" show --format= --name-only HEAD)
[ "$(echo "$N1" | wc -l)" -eq 1 ] && [ "$(echo "$N1" | cut -d/ -f1,4)" = "notes/$X" ] || ct_fail "note files: $N1"
[ "$(jq -c '[.alert_id, .author, .text]' "$R/$N1")" = "[\"$X\",\"Test Analyst <test@example.com>\",\"checked with the owner: a planned rotation\"]" ] \
    || ct_fail "note file: $(cat "$R/$N1")"
# :note TEXT commits at once
ct_keys ':'; ct_type "note second look: key unused so far"; ct_keys Enter
ct_wait "note added to $X: commit "
N2=$(git -C "$R" show --format= --name-only HEAD)

# --- the alert view: the assignee on the tab row, pane 4 the thread --------------------------------
ct_keys Enter
ct_wait "Alert $X"
ct_expect_row 7 "  1 Guide   2 Correlation   3 Raw   4 Notes (2)  $(hline 67) assigned: Bob Builder"
ct_keys 4
ct_wait " Notes (2)"
ct_expect_row 8 " Assigned to Bob Builder <bob@example.com>"
ct_expect_row 9 "   by Test Analyst <test@example.com> at $(fmt_at "$(asg_file $X)") UTC"
ct_expect_row 10 ""
ct_expect_row 11 " Notes (2)"
ct_expect_row 12 "   $(fmt_at "$R/$N1") UTC  Test Analyst <test@example.com>"
ct_expect_row 13 "     checked with the owner: a planned rotation"
ct_expect_row 14 "   $(fmt_at "$R/$N2") UTC  Test Analyst <test@example.com>"
ct_expect_row 15 "     second look: key unused so far"
ct_expect_row 17 " A assigns; c adds a note (committed as you; notes are never changed)."

# --- another analyst's note and assignment show without a key press --------------------------------
# (made in the other analyst's clone, brought here by one sync run outside the console)
git init -q --bare "$TMP/remote.git"
git -C "$R" remote add origin "$TMP/remote.git"
git -C "$R" push -q -u origin HEAD 2>/dev/null || ct_fail "push to the test remote"
git clone -q "$TMP/remote.git" "$TMP/other" 2>/dev/null
"$CT" note "$X" "O here: the owner confirmed" "$SAMPLES" --repo "$TMP/other" --analyst "$OTHER" >"$TMP/o1" 2>&1 || ct_fail "other's note: $(cat "$TMP/o1")"
"$CT" assign "$Y" --to "$OTHER" "$SAMPLES" --repo "$TMP/other" --analyst "$OTHER" >"$TMP/o2" 2>&1 || ct_fail "other's assign: $(cat "$TMP/o2")"
"$CT" sync --repo "$TMP/other" --analyst "$OTHER" >"$TMP/o3" 2>&1 || ct_fail "other's sync: $(cat "$TMP/o3")"
"$CT" sync --repo "$R" --analyst "$ANALYST" >"$TMP/o4" 2>&1 || ct_fail "the sync here: $(cat "$TMP/o4")"
N3=$(git -C "$R" show --format= --name-only HEAD~1)
ct_wait "repo changed: 1 assignment, 1 note by O. Ther" 10
ct_expect_row 11 " Notes (3)"
ct_expect_row 16 "   $(fmt_at "$R/$N3") UTC  O. Ther <other@example.com>"
ct_expect_row 17 "     O here: the owner confirmed"
ct_keys q
ct_wait "Alert queue [open]"
ct_expect_row 10 "    2026-11-06 15:43:55 MED  open    2 Entra ID SP Credentials Added            nestor.wilke@contoso~ contoso-reporting-co~ O. Ther"

# --- an incident's alerts: one form, one commit ------------------------------------------------------
ct_keys g
ct_wait "INC-8db28f3a187b  score 40 MED open, 2 alerts"
ct_keys A
ct_wait "Assign 2 alerts of INC-8db28f3a187b"
ct_expect_row 1 " credtriage — Assign: alert 8db28f3a187bee07 +1"
ct_expect_row 2 " Assign 2 alerts of INC-8db28f3a187b: Entra ID Owner Added to an Application or Service Principal"
ct_expect_row 3 " Now: 1 of the 2 alerts are assigned"
ct_keys C-x
ct_wait "assigned 2 alerts to Test Analyst <test@example.com>: commit "
[ "$(head_subject)" = "Test Analyst <test@example.com>|assign: 2 alerts of INC-8db28f3a187b: Entra ID Owner Added to an Application or Service Principal: 8db28f3a187bee07 +1 to Test Analyst <test@example.com>" ] \
    || ct_fail "incident assign commit: $(head_subject)"
[ "$(git -C "$R" show --format= --name-only HEAD | sed 's|.*/||' | sort | tr '\n' ' ')" = "5b13199216650932.json 8db28f3a187bee07.json " ] \
    || ct_fail "incident assign files: $(git -C "$R" show --format= --name-only HEAD)"
ct_expect_row 5 "    2026-11-05 01:58:41 LOW  open    7 Entra ID Owner Added to an App/SP        megan.bowen@contoso.~ hr-portal             Test Analyst"
ct_expect_row 6 "    2026-11-05 02:14:07 MED  open    2 Entra ID Application Credential Added    megan.bowen@contoso.~ payroll-sync          Test Analyst"
# :unassign on the alert below: nobody, the column says "-"
ct_keys j j
ct_keys ':'; ct_type "unassign"; ct_keys Enter
ct_wait "unassigned $X: commit "
ct_expect_row 6 "    2026-11-05 02:14:07 MED  open    2 Entra ID Application Credential Added    megan.bowen@contoso.~ payroll-sync          -"
[ "$(jq -r '.assignee' "$(asg_file $X)")" = "" ] || ct_fail "unassigned file: $(cat "$(asg_file $X)")"

# --- width: below 130 columns who has it in 3 columns (initials), its name from 130 -------------------------
tmux -L "$SOCK" resize-window -t ct -x 129 -y 30
ct_wait_gone "assignee"
ct_expect_row 2 "    time                sev  stat corr rule                                      actor                  target                who"
ct_expect_row 5 "    2026-11-05 01:58:41 LOW  open    7 Entra ID Owner Added to an App/SP         megan.bowen@contoso.c~ hr-portal             TA"
ct_expect_row 6 "    2026-11-05 02:14:07 MED  open    2 Entra ID Application Credential Added     megan.bowen@contoso.c~ payroll-sync          -"
ct_expect_row 10 "    2026-11-06 15:43:55 MED  open    2 Entra ID SP Credentials Added             nestor.wilke@contoso.~ contoso-reporting-co~ OT"
# 80 columns: every column kept, narrower; the detail lines name who has the selected alert in full
tmux -L "$SOCK" resize-window -t ct -x 80 -y 30
ct_wait "    time        sev  stat rule"
ct_expect_row 2 "    time        sev  stat rule                     actor         target      who"
ct_expect_row 5 "    11-05 01:58 LOW  open Entra ID Own…o an App/SP megan.bowen@~ hr-portal   TA"
ct_expect_row 6 "    11-05 02:14 MED  open Entra ID App Cred Added  megan.bowen@~ payroll-sy~ -"
ct_expect_row 10 "    11-06 15:43 MED  open Entra ID SP Creds Added  nestor.wilke~ contoso-re~ OT"
ct_keys k
ct_wait "Test Analyst has it; "
ct_expect_row 28 " Test Analyst has it; 7 correlated events; INC-8db28f3a187b score 40"
ct_keys j
ct_wait_gone "Test Analyst has it; "
ct_expect_row 28 " password 585b147d-24da-405f-ac14-b9cb08fe581f; 2 correlated events; INC-8db28~"
tmux -L "$SOCK" resize-window -t ct -x 130 -y 30
ct_wait "assignee"
ct_expect_row 2 "    time                sev  stat corr rule                                actor               target             assignee"
ct_expect_row 10 "    2026-11-06 15:43:55 MED  open    2 Entra ID SP Credentials Added       nestor.wilke@conto~ contoso-reporting~ O. Ther"
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"
exit 0
