#!/bin/bash
# The lockout memory never keeps a healthy host red: a disabled account is
# CRITICAL, and once an administrator enables it again the next check is OK
# without --recheck and without deleting the state.  "Disabled" (netlogon
# NO_TRUST_SAM_ACCOUNT, Kerberos CLIENT_REVOKED) says nothing about the
# secret, so it is never remembered.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"
lab_fresh
lab_break disable
expect_eq "$(dc_attr userAccountControl)" 4098 "DC: UF_ACCOUNTDISABLE set"

check
expect_rc 2 "disabled: CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - MEMBER1\$: account disabled' "first line says disabled"
check
expect_rc 2 "disabled, second run: still CRITICAL"
expect_grep stdout '^dc1\.netchk\.test kerberos: CRITICAL - KDC_ERR_CLIENT_REVOKED' "second run asked the DC again"
expect_no_grep stdout 'remembered' "nothing taken from memory"
if [[ -e $STATE_DIR/rejected-secrets ]] &&
	grep -qE $'\t(c000018b|-1765328366)\t' "$STATE_DIR/rejected-secrets"; then
	not_ok "the memory holds the disabled answers"
else
	ok "the memory holds no disabled answer"
fi

"$LAB" dc samba-tool user enable 'MEMBER1$' -s "$DC_SMB_CONF" >>"$OUT/lab.log" 2>&1
expect_eq "$(dc_attr userAccountControl)" 4096 "DC: enabled again"
check
expect_rc 0 "enabled again: OK on the next run"
expect_grep stdout '^NETCHK OK - ' "first line OK"
# bound as the machine, the run read the domain's lockout observation window
cp "$STATE_DIR/rejected-secrets" "$OUT/state-file"
expect_grep state-file $'^w1\tNETCHK.TEST\t1800$' "the domain's lockOutObservationWindow (30 min) is kept"

# The same for verify and reset, which share the memory.
lab_break disable
verify
expect_rc 2 "verify: disabled"
"$LAB" dc samba-tool user enable 'MEMBER1$' -s "$DC_SMB_CONF" >>"$OUT/lab.log" 2>&1
netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --dry-run
expect_rc 0 "reset --dry-run after enabling: healthy, nothing to do"
expect_grep stdout '^Before:  ok' "reset saw it healthy"
