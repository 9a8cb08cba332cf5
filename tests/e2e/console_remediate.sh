#!/bin/sh
# Console: record a remediation (checklist, inline note, then a long note from
# $EDITOR), see it in the history with its diff, revert it with y/n and see
# the alert open again.
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

cat > "$TMP/ed.sh" <<'EOS'
#!/bin/sh
printf 'access key AKIAEXAMPLEBOB7Q2NEW deleted\nbob and alice interviewed\n' > "$1"
EOS
chmod +x "$TMP/ed.sh"

ct_start "EDITOR=$TMP/ed.sh" --
ct_wait "Alert queue [open]"
ct_keys : ; ct_type 'filter text=alice "rule=AWS IAM Access Key Created for Another User"'; ct_keys Enter
ct_wait "rule~AWS IAM Access Key Cre"
ct_wait "bob"
ct_keys r
ct_wait "Remediation of AWS IAM Access Key Created for Another User"
ct_wait "[ ] 1."
ct_keys Space Down Space
ct_wait "[x] 2."
# the note from $EDITOR (endwin, the editor, back)
ct_keys C-o
ct_wait "access key AKIAEXAMPLEBOB7Q2NEW deleted"
ct_keys C-x
ct_wait "remediated"
ct_wait "closed 1"
git -C "$TMP/repo" log -1 --format='%an|%s' > "$TMP/log"
grep -q '^Test Analyst|remediated: AWS IAM Access Key Created for Another User' "$TMP/log" \
    || { cat "$TMP/log" >&2; ct_fail "no remediation commit"; }
git -C "$TMP/repo" show HEAD | grep -q 'bob and alice interviewed' || ct_fail "the note is not committed"

# history: the commit, its diff, revert
ct_keys H
ct_wait "History of the rules repo"
ct_wait "remediated: AWS IAM Access"
ct_keys Enter
ct_wait "Author: Test Analyst <test@example.com>"
ct_keys / ; ct_type "+++ b/decisions/"; ct_keys Enter
ct_wait "+++ b/decisions/"
ct_wait '"remediated"'
ct_keys q
ct_wait "History of the rules repo"
ct_keys R
ct_wait "(y/n)"
ct_keys n
ct_wait "revert cancelled"
ct_keys R
ct_wait "(y/n)"
ct_keys y
ct_wait "reverted"
ct_wait 'Revert "remediated'
ct_wait "closed 0"
git -C "$TMP/repo" log -1 --format='%s' | grep -q '^Revert "remediated: AWS IAM Access Key' \
    || ct_fail "no revert commit"
ct_keys q
ct_wait "Alert queue [open]"
ct_wait "bob"
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"
exit 0
