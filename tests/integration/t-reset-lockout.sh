#!/bin/bash
# Lockout safety, proved on the DC: a wrong administrator password costs
# the account exactly one bad password (badPwdCount +1, one Kerberos
# WRONG_PASSWORD line in the DC's auth_audit log), and nothing changes.
#
# The admin is a created Domain Admin, not Administrator: Samba 4.17 never
# counts bad passwords of the built-in Administrator (RID 500) on its KDC
# (auth_audit logs WRONG_PASSWORD, badPwdCount and badPasswordTime stay
# 0, a plain `kinit administrator` the same), so it could not show a
# retry.  Samba counts only while a lockout threshold is set.
. "$(dirname "$0")/lib.sh"
lab_fresh
DC_LOG=$(dirname "$DC_SMB_CONF")/../log/samba.log
SAM=$(dirname "$DC_SMB_CONF")/../private/sam.ldb
ADM=netchkadm
ADM_PW=Netchk.Adm.Pw2
{
	"$LAB" dc samba-tool user create $ADM "$ADM_PW" -s "$DC_SMB_CONF"
	"$LAB" dc samba-tool group addmembers 'Domain Admins' $ADM -s "$DC_SMB_CONF"
	"$LAB" dc samba-tool domain passwordsettings set \
		--account-lockout-threshold=100 -s "$DC_SMB_CONF"
} >>"$OUT/lab.log" 2>&1 || { echo "Bail out! cannot create $ADM" >&2; exit 1; }
lab_break dc-password
printf 'Wrong.Password.9\n' >"$OUT/bad"
printf '%s\n' "$ADM_PW" >"$OUT/good"
chmod 600 "$OUT/bad" "$OUT/good"
adm_bad() {
	"$LAB" dc ldbsearch -H "$SAM" "(sAMAccountName=$ADM)" badPwdCount \
		2>/dev/null | sed -n 's/^badPwdCount: //p'
}
# Kerberos AS failures the KDC logged for the admin.
adm_fails() {
	grep -c "Auth: \[Kerberos KDC.*\\[$ADM@NETCHK.TEST\\].*status \[NT_STATUS_WRONG_PASSWORD\]" \
		"$DC_LOG" || true
}
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }

kv0=$(dc_attr msDS-KeyVersionNumber)
b0=$(adm_bad); f0=$(adm_fails)
reset -U $ADM --password-file "$OUT/bad"
expect_rc 2 "wrong admin password: broken, nothing changed"
expect_grep stdout 'administrator credentials were rejected \(not retried\)' "says so"
sleep 1	# the DC writes its log asynchronously
b1=$(adm_bad); f1=$(adm_fails)
expect_eq "$b0 -> $b1" "$b0 -> $((b0 + 1))" "$ADM badPwdCount +1 exactly"
expect_eq "$f0 -> $f1" "$f0 -> $((f0 + 1))" "one WRONG_PASSWORD AS failure in the DC log"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged"
[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "journal left behind" || ok "no journal left"
expect_no_grep stdout 'Wrong.Password' "password never printed"
expect_no_grep stderr 'Wrong.Password' "password never on stderr"

# A Domain Admin that is not Administrator sets it; success clears the count.
reset -U $ADM --password-file "$OUT/good"
expect_rc 0 "right admin password: healthy"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1"
expect_eq "$(adm_bad)" 0 "$ADM badPwdCount back to 0 after the good logon"
verify --json
expect_rc 0 "netchk verify healthy"
