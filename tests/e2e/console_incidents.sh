#!/bin/sh
# Console on incidents (issue #17): the queue opens on incidents ranked by
# score with their reasons and alerts beneath; z folds one, Z all; a decision
# on an incident acts on its alerts; at 200 columns the extra columns (actor
# IP, country, whether the new key was used, assignee) are filled.
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"

ct_start
ct_wait "Alert queue [open] 30 of 31, 13 incidents"
# the top incident: alice's key for bob and what bob did with it, scored 100
ct_screen | sed -n 3p | grep -qE '^▾ 100 CRIT open 6 alerts  alice, bob → bob, svc-reporting' \
    || ct_fail "the first row is not alice's incident"
ct_screen | sed -n 4p | grep -qF '+30 2 credential-creating calls with the new key: GetFederationToken, Creat' \
    || ct_fail "no reasons line under the incident"
ct_screen | sed -n '5,10p' | awk '{print $1, $2, $3}' > "$TMP/got"
printf '%s\n' "11-06 14:05 HIGH" "11-06 14:05 LOW" "11-06 14:05 MED" "11-06 14:08 MED" "11-06 15:02 LOW" "11-06 15:10 LOW" > "$TMP/want"
diff "$TMP/want" "$TMP/got" >&2 || ct_fail "the incident's alerts are not beneath it in time order"
# the rule column keeps the two "AWS IAM Access Key" rules apart
r1=$(ct_screen | sed -n 6p | cut -c23-47); r2=$(ct_screen | sed -n 7p | cut -c23-47)
[ "$r1" != "$r2" ] || ct_fail "two rules look the same at 80 columns: $r1"
# the detail lines give the selected incident in full
ct_wait "INC-0433ccf7cdd4  score 100 CRIT open, 6 alerts, 11-06 14:05 .. 15:10"
# fold this incident: its alerts go, the marker turns
ct_keys z
ct_wait "▸ 100 CRIT open 6 alerts"
ct_screen | sed -n 4p | grep -q '▾ 100 CRIT open 4 alerts  megan.bowen@contoso.com' || ct_fail "the next incident does not follow the folded one"
# fold all: one row per incident, 13 of them
ct_keys Z
ct_wait "folded every group"
[ "$(ct_screen | sed -n '3,18p' | grep -c '^▸ ')" = 13 ] || ct_fail "not 13 folded incidents"
ct_keys Z
ct_wait "unfolded every group"
# one decision on megan's incident: its four alerts acknowledged
ct_keys / ; ct_type "^INC-8db28f3a187b"; ct_keys Enter
ct_wait "INC-8db28f3a187b  score 100"
before=$(git -C "$TMP/repo" rev-list --count HEAD)
ct_keys a
ct_wait "acknowledged 4 alerts of INC-8db28f3a187b in one commit"
ct_wait "ack 5"
[ "$(git -C "$TMP/repo" rev-list --count HEAD)" = $((before + 1)) ] || ct_fail "not ONE commit for the incident"
[ "$(git -C "$TMP/repo" show --name-only --format= HEAD | grep -c '^decisions/')" = 4 ] || ct_fail "not four decisions in the commit"
git -C "$TMP/repo" log -1 --format=%B | grep -q 'INC-8db28f3a187b' || ct_fail "the commit does not name the incident"
# tagged alerts, one false positive: svc-deploy's four rotations of one rule, ONE exception, ONE commit
ct_keys : ; ct_type 'filter text=svc-deploy "rule=Entra ID Application Credential Added"'; ct_keys Enter
ct_keys : ; ct_type 'group none'; ct_keys Enter
ct_wait "Alert queue [open] 4 of 31"
ct_keys g t t t t
ct_wait "4 tagged"
before=$(git -C "$TMP/repo" rev-list --count HEAD)
ct_keys f
ct_wait "Rule exception for Entra ID Application Credential Added +3 alerts"
ct_keys Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down Down
ct_keys Up Up Up
ct_type "scheduled rotation by the deployment pipeline (test)"
ct_keys C-x
ct_wait "false positive on 4 alerts: 1 exception in one commit"
[ "$(git -C "$TMP/repo" rev-list --count HEAD)" = $((before + 1)) ] || ct_fail "not ONE commit for four alerts"
[ "$(git -C "$TMP/repo" show --name-only --format= HEAD | grep -c '^exceptions/')" = 1 ] || ct_fail "not one exception"
[ "$(git -C "$TMP/repo" show --name-only --format= HEAD | grep -c '^decisions/')" = 4 ] || ct_fail "not four decisions"
git -C "$TMP/repo" fsck --no-progress 2>&1 | grep -v '^dangling' | grep . && ct_fail "git fsck complains"
# remediate alice's incident: its six alerts, ONE commit
ct_keys : ; ct_type 'filter clear'; ct_keys Enter
ct_keys : ; ct_type 'group incident'; ct_keys Enter
ct_keys / ; ct_type '^INC-0433ccf7cdd4'; ct_keys Enter
ct_wait "INC-0433ccf7cdd4  score 100"
before=$(git -C "$TMP/repo" rev-list --count HEAD)
ct_keys r
ct_wait "+5 alerts"
ct_keys Space C-x
ct_wait "remediated 6 alerts (1 of"
ct_wait "in one commit"
[ "$(git -C "$TMP/repo" rev-list --count HEAD)" = $((before + 1)) ] || ct_fail "not ONE commit for the incident's remediation"
[ "$(git -C "$TMP/repo" show --name-only --format= HEAD | grep -c '^decisions/')" = 6 ] || ct_fail "not six decisions"
ct_keys Q
ct_wait_exit

# 200x50: the wide columns
tmux -L "$SOCK" kill-server
SOCK="${SOCK}-wide"
tmux -L "$SOCK" -f /dev/null new-session -d -s ct -x 200 -y 50 "sleep 600"
ct_start
ct_wait "Alert queue [open]"
ct_keys F
ct_wait "Alert queue [all] 31 of 31, 13 incidents"
ct_screen | sed -n 2p | grep -qE 'actor IP +cc used assignee' || ct_fail "no wide columns"
# megan's credential: from 203.0.113.66, NL (stated by her sign-ins), key used; acknowledged before by us
ct_screen | grep -E '2026-11-05 02:14:07 MED  ack +26 Entra ID Application Credential Added +megan.bowen@contoso.com +payroll-sync +203.0.113.66 +NL yes +Test Analyst' >/dev/null \
    || ct_fail "megan's row lacks IP, country, used, assignee"
# the alert acknowledged in Elastic names who did it there
ct_screen | grep -E 'Entra ID Service Principal Credentials Added .* isaiah.langer *$' >/dev/null \
    || ct_fail "the Elastic assignee is not shown"
ct_keys Q
ct_wait_exit
exit 0
