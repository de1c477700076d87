#!/bin/bash
# Ten checks in a row against a stale keytab: the account's badPwdCount on
# the DC rises at most once (the lockout memory of verify applies).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"
lab_fresh
# Samba counts bad passwords only when a lockout threshold is set.
"$LAB" dc samba-tool domain passwordsettings set --account-lockout-threshold=100 \
	-s "$DC_SMB_CONF" >>"$OUT/lab.log" 2>&1
lab_break stale-keytab

before=$(dc_attr badPwdCount)
before=${before:-0}
for i in $(seq 10); do
	check
	if [[ $RC != 2 ]]; then not_ok "run $i: exit $RC"; fi
done
after=$(dc_attr badPwdCount)
after=${after:-0}
if ((after - before <= 1)); then ok "badPwdCount $before -> $after over 10 checks"
else not_ok "badPwdCount rose from $before to $after over 10 checks"; fi
expect_grep stdout '^NETCHK CRITICAL - MEMBER1\$: keytab stale on dc1\.netchk\.test \(kerberos: KDC_ERR_PREAUTH_FAILED' "still keytab-stale"
expect_grep stdout '^dc1\.netchk\.test kerberos: CRITICAL - .*remembered' "last check used the memory"
