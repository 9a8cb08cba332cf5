#!/bin/sh
# Console forms (issue #17): on a checkbox row, letters type into the text field
# (F, e, x never force, open the editor or negate); the focused row carries a
# marker, not only bold; after $EDITOR the form is drawn whole; Ctrl-F asks
# before forcing; a draft belongs to its rules repo and is restored with a notice.
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

cat > "$TMP/ed.sh" <<'EOS'
#!/bin/sh
# an editor that scribbles over the whole terminal, as vi does
printf '\033[2J\033[H'
i=0; while [ $i -lt 30 ]; do echo "EDITOR SCREEN LINE $i ################################################"; i=$((i + 1)); done
touch "$(dirname "$0")/editor-ran"
printf 'rotation by the owner, from the editor\n' > "$1"
EOS
chmod +x "$TMP/ed.sh"

open_fp() {
    ct_wait "Alert queue [open]"
    ct_keys : ; ct_type 'filter text=megan "rule=Entra ID Application"'; ct_keys Enter
    ct_wait "payroll-sync"
    ct_keys f
    ct_wait "Rule exception for"
    ct_wait "Preview:"
}
commits() { git -C "$1" rev-list --count HEAD 2>/dev/null || echo 0; }

ct_start "EDITOR=$TMP/ed.sh" --
open_fp
before=$(commits "$TMP/repo")
# the first entry has the focus: a marker in column 0 besides the reverse video
ct_screen | grep -qE '^▶ \[[x ]\] ' || ct_fail "no focus marker on the first entry"
first=$(ct_screen | grep -E '^▶ \[[x ]\] ')
# typing on that checkbox row: F, e and x are text, not commands
ct_type "Fex"
ct_wait "typing goes to the reason"
sleep 0.2
ct_screen | grep -qE '^▶ Reason \(required\): +Fex *$' || ct_fail "Fex is not in the focused reason field"
[ -e "$TMP/editor-ran" ] && ct_fail "e opened the editor while typing"
[ "$(commits "$TMP/repo")" = "$before" ] && true || ct_fail "F committed while typing"
# the entry keeps its checkbox and its "is" (x did not negate it)
ct_keys BTab BTab BTab BTab BTab BTab BTab BTab BTab BTab BTab BTab BTab BTab BTab BTab BTab BTab BTab BTab
sleep 0.3
[ "$(ct_screen | grep -E '^▶ \[[x ]\] ')" = "$first" ] || ct_fail "the first entry changed: $(ct_screen | grep -E '^▶ \[')"
# Ctrl-F asks first; n leaves it alone
ct_keys C-f
ct_wait "Force: commit even if the exception suppresses EVERY alert of the rule? (y/n)"
ct_keys n
ct_wait "not forced"
[ "$(commits "$TMP/repo")" = "$before" ] || ct_fail "Ctrl-F then n committed"
# $EDITOR: back in the form, every part of it is drawn again
ct_keys C-o
ct_wait "reason from \$EDITOR"
[ -e "$TMP/editor-ran" ] || ct_fail "Ctrl-O did not run the editor"
ct_expect_no "EDITOR SCREEN LINE"
for s in "Rule exception for Entra ID Application Credential Added" "Entries (Space: keep" \
         "rotation by the owner, from the editor" "Expires (YYYY-MM-DD, 30d):" \
         "also close every open alert it matches" "[ Commit ]" "Preview: suppresses"; do
    ct_screen | grep -qF -- "$s" || ct_fail "after the editor the form lacks: $s"
done
# Esc: the reason is kept as a draft for this repo
ct_keys Escape
ct_wait "cancelled; the reason is kept as a draft"
ct_keys f
ct_wait "Rule exception for"
ct_wait "restored draft of 20"
ct_wait "UTC (this rules repo); Ctrl-U clears"
ct_wait "rotation by the owner, from the editor"
ct_keys Escape
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"
ls "$XDG_STATE_HOME"/credtriage/drafts/ | grep -qE '^[0-9a-f]{16}\.[0-9a-f]{16}\.fp\.txt$' \
    || { ls "$XDG_STATE_HOME"/credtriage/drafts/ >&2; ct_fail "the draft is not named by alert and repo"; }

# another rules repo: the same alert has no draft there
ct_start "EDITOR=$TMP/ed.sh" -- --repo "$TMP/repo2"
open_fp
ct_expect_no "restored draft"
ct_expect_no "rotation by the owner"
ct_screen | grep -qE '^  Reason \(required\): *$' || ct_fail "the reason is not empty in another repo"
ct_keys Escape
ct_keys Q
ct_wait_exit
exit 0
