#!/bin/sh
# Hang-up while typing a false positive reason: the terminal goes away (tmux
# kills the pane: SIGHUP), the half-written reason is kept as a draft and
# offered the next time the same form opens. SIGTERM: the same, the terminal
# is restored (alternate screen left) and the exit status says why.
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

open_fp() {
    ct_wait "Alert queue [open]"
    ct_keys : ; ct_type 'filter text=megan "rule=Entra ID Application"'; ct_keys Enter
    ct_wait "payroll-sync"
    ct_keys f
    ct_wait "Rule exception for"
}
to_reason() {
    ct_keys Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down
    ct_keys Up Up Up
}

ct_start
open_fp
to_reason
ct_type "half written: the owner rotates"
ct_wait "half written: the owner rotates"
# the SSH session drops: the pane and its terminal vanish
tmux -L "$SOCK" kill-server
n=200
while [ $n -gt 0 ] && ! ls "$XDG_STATE_HOME"/credtriage/drafts/*.fp.txt >/dev/null 2>&1; do sleep 0.05; n=$((n - 1)); done
f=$(ls "$XDG_STATE_HOME"/credtriage/drafts/*.fp.txt 2>/dev/null | head -n 1)
[ -n "$f" ] || { echo "FAIL: no draft after the hang-up" >&2; exit 1; }
grep -q "half written: the owner rotates" "$f" || { echo "FAIL: draft content" >&2; cat "$f" >&2; exit 1; }
git -C "$TMP/repo" log --format=%s | grep -q '^exception' && { echo "FAIL: something was committed" >&2; exit 1; }

# next time: the draft is offered in the same form
SOCK="${SOCK}-2"
ct_start
open_fp
ct_wait "restored the draft reason"
ct_wait "half written: the owner rotates"
# SIGTERM: drafts kept, terminal restored, status 128+15
to_reason
ct_type " (more)"
ct_wait "rotates (more)"
kill -TERM "$(cat "$TMP/pid")"
ct_wait_exit
[ "$CT_EXIT" = 143 ] || ct_fail "exit status after SIGTERM: $CT_EXIT"
grep -q "rotates (more)" "$f" || ct_fail "the draft was not updated on SIGTERM"
[ "$(tmux -L "$SOCK" display-message -p -t ct '#{alternate_on}')" = 0 ] || ct_fail "still on the alternate screen"
exit 0
