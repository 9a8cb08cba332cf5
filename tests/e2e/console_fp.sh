#!/bin/sh
# Console: mark story 1's alert a false positive with a rule exception from the
# detail view (live preview, required reason), check the commit with the real
# git, reload and see the alert closed (hidden in the default open filter).
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

ct_start
ct_wait "Alert queue [open]"
ct_keys : ; ct_type 'filter text=megan "rule=Entra ID Application"' ; ct_keys Enter
ct_wait "rule~Entra ID Application"
ct_wait "payroll-sync"
ct_keys Enter
ct_wait "1 Guide"
ct_keys f
ct_wait "Rule exception for Entra ID Application Credential Added"
ct_wait "Preview: suppresses"
ct_wait "actor"
# a reason is required
ct_keys C-x
ct_wait "a reason is required"
# keep one more entry: the preview is recomputed
ct_keys Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up Up
ct_keys Down Space
ct_wait "Preview: suppresses"
# the reason field is three items above [ Commit ]
ct_keys Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down
ct_keys Up Up Up
ct_type "payroll-sync secret rotation by the owner (test)"
ct_keys C-x
ct_wait "false positive"
ct_wait "commit"
ct_wait "[false_positive]"

git -C "$TMP/repo" log -1 --format='%an <%ae>|%s' > "$TMP/log" || ct_fail "git log failed"
grep -q '^Test Analyst <test@example.com>|exception: Entra ID Application Credential Added' "$TMP/log" \
    || { cat "$TMP/log" >&2; ct_fail "no exception commit by the analyst"; }
git -C "$TMP/repo" show --name-only --format= HEAD > "$TMP/stat"
grep -q 'exceptions/' "$TMP/stat" || { cat "$TMP/stat" >&2; ct_fail "no exception file committed"; }
grep -q 'decisions/' "$TMP/stat" || { cat "$TMP/stat" >&2; ct_fail "no decision file committed"; }
git -C "$TMP/repo" show HEAD | grep -q 'payroll-sync secret rotation by the owner' \
    || ct_fail "the reason is not in the commit"
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"

# reload: the alert is closed, so the open queue no longer lists it
ct_start
ct_wait "Alert queue [open]"
ct_keys : ; ct_type 'filter text=megan "rule=Entra ID Application"' ; ct_keys Enter
ct_wait "rule~Entra ID Application"
ct_wait "No open alerts"
ct_keys F
ct_wait "Alert queue [all]"
ct_wait "FP"
ct_wait "payroll-sync"
ct_wait "closed 1"
ct_keys Q
ct_wait_exit
exit 0
