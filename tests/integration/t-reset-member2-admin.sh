#!/bin/bash
# A keytab-only host whose DC moved on (adcli update, old keytab back):
# reset refuses without an administrator, and with -U sets a new password
# and rewrites the keytab; the rejected old keys are not kept.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break m2-stale-keytab
R=(reset --state-dir "$STATE_DIR")

netchk2 "${R[@]}"
expect_rc 2 "refused without an administrator"
expect_grep stdout '^Plan:    refuse: the DC rejects every local secret: administrator credentials are needed' "says why"
expect_eq "$(m2_attr msDS-KeyVersionNumber)" 3 "DC untouched"

printf '%s\n' Netchk.Admin.Pw1 >"$OUT/good"
netchk2 "${R[@]}" -U administrator --password-file "$OUT/good"
expect_rc 0 "admin repair"
expect_grep stdout '^Plan:    admin-reset' "admin reset"
expect_grep stderr 'Changing computer account on PDC dc1.netchk.test \.\.\. done \(administrator set\)' "set by the administrator"
expect_grep stderr 'older keys dropped: the DC rejected them' "old keys dropped"
expect_eq "$(m2_attr msDS-KeyVersionNumber)" 4 "DC kvno 4"
expect_eq "$(m2_kvnos)" 4 "keytab holds kvno 4 only"
member2_run adcli testjoin
expect_rc 0 "adcli testjoin after the repair"
