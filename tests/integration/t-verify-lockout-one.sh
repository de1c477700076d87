#!/bin/bash
# One secret, one badPwdCount: when the DC rejects the machine secret, one
# verify run adds at most one to the account's badPwdCount although two
# paths (kerberos, netlogon) could present that secret, and a second run
# inside the lockout observation window adds none.  Both kinds of host:
# MEMBER1 (smb.conf: keytab and secrets.tdb hold one password) and MEMBER2
# (keytab only: netlogon presents the keytab's RC4 key, kerberos its AES
# keys, both derived from one password).
. "$(dirname "$0")/lib.sh"
lab_fresh
# Samba counts bad passwords only when a lockout threshold is set.
"$LAB" dc samba-tool domain passwordsettings set --account-lockout-threshold=100 \
	-s "$DC_SMB_CONF" >>"$OUT/lab.log" 2>&1

# one_then_none NAME ATTR_FN VERIFY...: two runs; +1 then +0
one_then_none() {
	local name=$1 attr=$2 b a1 a2
	shift 2
	b=$($attr badPwdCount); b=${b:-0}
	"$@"
	expect_rc 2 "$name: broken"
	cp "$OUT/stdout" "$OUT/run1.json"
	a1=$($attr badPwdCount); a1=${a1:-0}
	"$@"
	expect_rc 2 "$name: still broken"
	a2=$($attr badPwdCount); a2=${a2:-0}
	expect_eq "$((a1 - b))" 1 "$name: first run adds exactly one badPwdCount ($b -> $a1)"
	expect_eq "$((a2 - a1))" 0 "$name: second run in the window adds none ($a1 -> $a2)"
}

lab_break dc-password
one_then_none MEMBER1 dc_attr verify --json
expect_json '.verdict.diagnosis' all-rejected "MEMBER1: the secret is wrong everywhere"
jq -r '.verdict.diagnosis' "$OUT/run1.json" >"$OUT/diag1"
expect_eq "$(cat "$OUT/diag1")" all-rejected "MEMBER1: first run's diagnosis too"

lab_break m2-stale-keytab
one_then_none MEMBER2 m2_attr netchk2 verify --state-dir "$STATE_DIR" --json
expect_json '.verdict.diagnosis' all-rejected "MEMBER2: every local key rejected"
expect_json '.verdict.repair' admin-reset "MEMBER2: repair needs an administrator"
