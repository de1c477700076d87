#!/bin/bash
# A disabled account: reset says so and stops, with or without -U; only
# --enable -U re-enables it (LDAP modify of userAccountControl as the
# administrator), after which verify is healthy and nothing else changed.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break disable
printf "%s\n" "${LAB_ADMIN_PASS:-Netchk.Admin.Pw1}" >"$OUT/good"
printf 'Wrong.Password.9\n' >"$OUT/bad"
chmod 600 "$OUT/good" "$OUT/bad"
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
kv0=$(dc_attr msDS-KeyVersionNumber)
sum0=$(md5sum "$SECRETS" "$KEYTAB")

reset -U administrator --password-file "$OUT/good"
expect_rc 2 "-U without --enable: refused"
expect_grep stdout '^Plan: +refuse: the machine account is disabled on the DC: an administrator disabled it for a reason' "says disabled, and why nothing is done"
expect_grep stdout -- '--enable -U USER re-enables it' "names --enable"
expect_eq "$(dc_attr userAccountControl)" 4098 "still disabled"

reset --enable
expect_rc 3 "--enable without -U: bad arguments"
expect_grep stderr -- '--enable needs -U USER' "says -U is needed"

reset --enable -U administrator --password-file "$OUT/bad"
expect_rc 2 "--enable with a wrong admin password: broken"
expect_grep stdout 'administrator credentials were rejected \(not retried\)' "says the admin password was rejected"
expect_eq "$(dc_attr userAccountControl)" 4098 "still disabled"

reset --enable -U administrator --password-file "$OUT/good" --json
expect_rc 0 "--enable -U: healthy"
expect_json '.plan.action' enable-account "json: plan enable-account"
expect_json '.plan.steps | join(",")' enable-account,verify-after "json: steps"
expect_json '.result.enabled' true "json: enabled"
expect_json '.result.changed_dc' false "json: no password changed"
expect_json '.after.diagnosis' healthy "json: after: healthy"
expect_grep stderr 'Enabling computer account MEMBER1\$ on dc1\.netchk\.test \.\.\. done \(userAccountControl 0x1002 -> 0x1000, as administrator@NETCHK\.TEST\)' "step line"
expect_eq "$(dc_attr userAccountControl)" 4096 "DC: enabled (uac 4096)"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged"
expect_eq "$(md5sum "$SECRETS" "$KEYTAB")" "$sum0" "stores byte-identical"
expect_no_grep stderr '^(winbind|sssd)$' "nothing restarted (no store changed)"
verify --json
expect_rc 0 "netchk verify healthy"
member_run net ads testjoin -s "$SMB_CONF"
expect_rc 0 "net ads testjoin"
