#!/bin/bash
# Password changed on the DC only: every local secret is rejected.
# Without -U: refused.  With a wrong admin password: one bad password on
# the admin account (badPwdCount +1), nothing changed.  With the right
# one: set on the DC, every store updated, every Samba tool agrees.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break dc-password
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
admin_bad() {
	"$LAB" dc ldbsearch -H "$(dirname "$DC_SMB_CONF")/../private/sam.ldb" \
		'(sAMAccountName=administrator)' badPwdCount 2>/dev/null |
		sed -n 's/^badPwdCount: //p'
}
kv0=$(dc_attr msDS-KeyVersionNumber)
reset
expect_rc 2 "no admin credentials: refused"
expect_grep stdout 'administrator credentials are needed' "says -U is needed"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged"

printf 'Wrong.Password.9\n' >"$OUT/bad"
printf "%s\n" "${LAB_ADMIN_PASS:-Netchk.Admin.Pw1}" >"$OUT/good"
chmod 600 "$OUT/bad" "$OUT/good"
# Samba counts bad passwords only when a lockout threshold is set, and
# never for the built-in Administrator (RID 500): t-reset-lockout.sh
# proves the exact +1 with another Domain Admin.
"$LAB" dc samba-tool domain passwordsettings set --account-lockout-threshold=100 \
	-s "$DC_SMB_CONF" >>"$OUT/lab.log" 2>&1
b0=$(admin_bad); b0=${b0:-0}
reset -U administrator --password-file "$OUT/bad"
expect_rc 2 "wrong admin password: broken, nothing changed"
expect_grep stdout 'administrator credentials were rejected' "says the admin password was rejected"
b1=$(admin_bad); b1=${b1:-0}
if ((b1 - b0 <= 1)); then ok "admin badPwdCount $b0 -> $b1 (at most one, no retry)"
else not_ok "admin badPwdCount rose from $b0 to $b1: the password was retried"; fi
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged"
expect_no_grep stdout 'Wrong.Password' "admin password never printed"

reset -U administrator --password-file "$OUT/good"
expect_rc 0 "admin reset: healthy"
expect_grep stdout '^Plan: +admin-reset' "plan: admin reset"
expect_grep stderr 'Changing computer account on PDC dc1\.netchk\.test \.\.\. done' "NETDOM-style step line names the PDC"
expect_grep stderr 'Finding the PDC emulator on dc1\.netchk\.test \.\.\. dc1\.netchk\.test \(fSMORoleOwner, LDAP as administrator@NETCHK\.TEST\)' "PDC found with the admin's bind"
expect_grep stdout '^winbind$' "winbind restarted"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1"
[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "journal left behind" || ok "journal cleared"
verify --json
expect_rc 0 "netchk verify healthy"
member_run net ads testjoin -s "$SMB_CONF"
expect_rc 0 "net ads testjoin"
member_run net rpc testjoin -s "$SMB_CONF" -S dc1.netchk.test
expect_rc 0 "net rpc testjoin"
member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
expect_rc 0 "kinit -k"
