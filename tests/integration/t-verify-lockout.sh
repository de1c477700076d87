#!/bin/bash
# Lockout safety: ten verifies against a stale keytab raise the account's
# badPwdCount on the DC at most once; with --recheck every run would.
. "$(dirname "$0")/lib.sh"
lab_fresh
# Samba counts bad passwords only when a lockout threshold is set.
"$LAB" dc samba-tool domain passwordsettings set --account-lockout-threshold=100 \
	-s "$DC_SMB_CONF" >>"$OUT/lab.log" 2>&1
lab_break stale-keytab

before=$(dc_attr badPwdCount)
before=${before:-0}
for i in $(seq 10); do
	verify --json
	if [[ $RC != 2 ]]; then not_ok "run $i: exit $RC"; fi
done
after=$(dc_attr badPwdCount)
after=${after:-0}
if ((after - before <= 1)); then ok "badPwdCount $before -> $after over 10 runs"
else not_ok "badPwdCount rose from $before to $after over 10 runs"; fi
expect_json '.dcs[0].paths.kerberos.remembered' true "the last run used the remembered answer"
expect_json '.dcs[0].paths.kerberos.krb5_name' KDC_ERR_PREAUTH_FAILED "same verdict from memory"
expect_json '.verdict.diagnosis' keytab-stale "same diagnosis"
expect_json '[.dcs[0].attempts[] | select(.path == "kerberos") | .outcome] | join(",")' remembered "not presented"

state_mode=$(stat -c %a "$STATE_DIR/rejected-secrets")
expect_eq "$state_mode" 600 "state file is root-only"

# The control: --recheck presents the stale keys again, and the DC counts it.
verify --json --recheck
verify --json --recheck
again=$(dc_attr badPwdCount)
again=${again:-0}
if ((again >= after + 2)); then ok "--recheck presents again: $after -> $again"
else not_ok "--recheck: badPwdCount $after -> $again (the DC did not count?)"; fi
