#!/bin/bash
# The member's clock 10 minutes ahead (faketime): reset refuses to change
# any password, --force and -U included, says it is the clock, and the
# DC's kvno stays where it was.
. "$(dirname "$0")/lib.sh"
lab_fresh
# faketime preloads libfaketime; the ASan runtime must not insist on
# being first.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
printf "%s\n" "${LAB_ADMIN_PASS:-Netchk.Admin.Pw1}" >"$OUT/good"
chmod 600 "$OUT/good"
skewed() {
	member_run faketime -f +10m "$NETCHK_BIN" reset -s "$SMB_CONF" \
		--state-dir "$STATE_DIR" --restart-command echo "$@"
}

kv0=$(dc_attr msDS-KeyVersionNumber)
sum0=$(md5sum "$SECRETS" "$KEYTAB")
skewed --force
expect_rc 2 "healthy + --force under skew: refused"
expect_grep stdout '^Plan: +refuse: clock skew with dc1\.netchk\.test \(-6[0-9][0-9] s\), past the Kerberos limit of 300 s' "plan names the skew and the limit"
expect_grep stdout -- '--force does not override it' "says --force does not override it"
expect_grep stdout '^Changed: nothing' "nothing changed"
expect_no_grep stdout '^(winbind|sssd)$' "nothing restarted"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged"
expect_eq "$(md5sum "$SECRETS" "$KEYTAB")" "$sum0" "stores byte-identical"
[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "journal written" || ok "no journal"

# Broken on the DC too: administrator credentials do not override it.
lab_break dc-password
kv0=$(dc_attr msDS-KeyVersionNumber)
sum0=$(md5sum "$SECRETS" "$KEYTAB")
skewed -U administrator --password-file "$OUT/good"
expect_rc 2 "dc-password + -U under skew: refused"
expect_grep stdout '^Plan: +refuse: clock skew' "plan: refuse for the clock"
expect_no_grep stdout 'admin-reset' "no admin reset planned"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged"
expect_eq "$(md5sum "$SECRETS" "$KEYTAB")" "$sum0" "stores byte-identical"

# The right clock: the same command repairs (the skew was no rejection);
# -S pins the DC, so no PDC lookup.
netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo \
	-U administrator --password-file "$OUT/good" -S dc1.netchk.test
expect_rc 0 "real clock: admin reset, healthy"
expect_grep stderr 'Using dc1\.netchk\.test, the DC the caller named \(the PDC emulator is not looked up\)' "-S: no PDC lookup"
expect_grep stderr 'Changing computer account on DC dc1\.netchk\.test \.\.\. done \(administrator set\)' "-S: step line names the DC"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1"
