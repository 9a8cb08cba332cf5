#!/bin/sh
# Console: the queue opens on the samples, moves, shows help, an alert with its
# guide and correlation, the raw record; status line; quits cleanly.
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

ct_start
ct_wait "Alert queue [open]"
ct_wait "payroll-sync"
ct_wait "Test Analyst"
ct_wait "open "
ct_screen | grep -q "master\|main" || ct_fail "no branch in the status line"

# help is generated from the keymap
ct_keys '?'
ct_wait "Help (q closes)"
ct_wait "Lists and pagers"
ct_keys G
ct_wait "revert the selected commit"
ct_wait ":screen-dump FILE"
ct_keys q
ct_wait "Alert queue [open]"

# find story 1 (megan adds a secret to payroll-sync), open it
ct_keys / ; ct_type "megan"; ct_keys Enter
ct_keys Enter
ct_wait "1 Guide"
ct_wait "megan.bowen@contoso.com"
ct_wait "who"
ct_keys 2
ct_wait "Credential usage"
ct_wait "Activity"
# Enter on a correlated event opens its raw record
ct_keys / ; ct_type "from 198.51.100.23"; ct_keys Enter
ct_wait "from 198.51.100.23 [failure]"
ct_keys Enter
ct_wait "(from alert"
ct_wait "Raw record"
ct_keys q
ct_wait "Credential usage"
ct_keys 3
ct_wait "Raw record"
ct_keys Tab
ct_wait "Guide"
ct_keys q
ct_wait "Alert queue [open]"

# sort and status filter (incidents rank by score first)
ct_keys s
ct_wait "sort:time"
ct_keys s
ct_wait "sort:severity"
ct_keys F
ct_wait "Alert queue [all]"
ct_keys F
ct_wait "Alert queue [acknowledged]"
ct_keys ':' ; ct_type "filter clear"; ct_keys Enter
ct_wait "Alert queue [open]"
ct_keys '='
ct_wait "group:actor"

# tags: one action on every tagged alert
ct_keys '='
ct_wait "group:target"
ct_keys '='
ct_keys : ; ct_type "filter text=ci-pipeline"; ct_keys Enter
ct_wait "text~ci-pipeline"
ct_keys g t t
ct_wait "2 tagged"
ct_keys a
ct_wait "acknowledged 2 alerts in one commit"
ct_wait_gone "2 tagged"
[ "$(git -C "$TMP/repo" log --format=%s | grep -c '^ack')" = 1 ] || ct_fail "not ONE ack commit for two tagged alerts"
[ "$(git -C "$TMP/repo" show --name-only --format= HEAD | grep -c '^decisions/')" = 2 ] || ct_fail "not two decisions in the commit"
ct_keys : ; ct_type "status acknowledged"; ct_keys Enter
ct_wait "Alert queue [acknowledged]"
ct_keys g t t o
ct_wait "reopened 2 alerts in one commit"
[ "$(ct_screen | tail -n 1 | sed 's/ *$//')" = "reopened 2 alerts in one commit $(git -C "$TMP/repo" rev-parse --short=10 HEAD)" ] ||
    ct_fail "the reopen message is not 'reopened 2 alerts in one commit <HEAD>'"
[ "$(git -C "$TMP/repo" log --format=%s | grep -c '^reopen')" = 1 ] || ct_fail "not ONE reopen commit for two tagged alerts"
[ "$(git -C "$TMP/repo" show --name-only --format= HEAD | grep -c '^decisions/')" = 2 ] || ct_fail "not two decisions in the reopen commit"
ct_keys : ; ct_type "filter clear"; ct_keys Enter
ct_wait "Alert queue [open]"

# the correlation window
ct_keys : ; ct_type "window 3d"; ct_keys Enter
ct_wait "correlation window: 3d each side"

# Ctrl-L redraws, Q quits with status 0
ct_keys C-l
ct_wait "Alert queue"
ct_keys Q
ct_wait_exit
[ "$CT_EXIT" = 0 ] || ct_fail "exit status $CT_EXIT"
exit 0
