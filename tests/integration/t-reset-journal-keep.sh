#!/bin/bash
# The journal holds the only copy of a new password the DC took.  A run
# killed after the DC change leaves it; when the DC then answers the
# journalled password with something that says nothing about the secret
# (the account disabled meanwhile: KDC_ERR_CLIENT_REVOKED), the next
# reset must keep the journal.  Once the account is enabled again the
# run after finishes the change: DC, secrets.tdb and keytab agree.
# A wrong-password answer from the DC the change went to (recorded in
# the journal) is what drops it.
. "$(dirname "$0")/lib.sh"
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
samba_tool() { "$LAB" dc samba-tool "$@" -s "$DC_SMB_CONF" >>"$OUT/lab.log" 2>&1; }
lab_fresh
kv0=$(dc_attr msDS-KeyVersionNumber)
member_run env NETCHK_TEST_CRASH_AFTER=dc "$NETCHK_BIN" reset -s "$SMB_CONF" \
	--state-dir "$STATE_DIR" --restart-command echo --force
expect_rc 137 "killed after the DC change"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "the DC has the new password"
grep -q '^dc dc1.netchk.test$' "$STATE_DIR/pending-NETCHK" && ok "journal names the DC that took the change" || not_ok "journal has no dc line"
j0=$(md5sum <"$STATE_DIR/pending-NETCHK")

samba_tool user disable 'MEMBER1$'
expect_eq "$(dc_attr userAccountControl)" 4098 "account disabled on the DC"
reset
[[ $RC != 0 ]] && ok "reset with the account disabled: not healthy (exit $RC)" || not_ok "reset says healthy"
[[ -s $STATE_DIR/pending-NETCHK ]] && ok "journal kept (CLIENT_REVOKED says nothing about the secret)" || not_ok "journal dropped on CLIENT_REVOKED: the new password is lost"
expect_eq "$(md5sum <"$STATE_DIR/pending-NETCHK" 2>/dev/null)" "$j0" "journal unchanged"
expect_no_grep stderr 'abandoning' "nothing abandoned"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "no further change on the DC"

samba_tool user enable 'MEMBER1$'
reset
expect_rc 0 "account enabled again: the journalled change is finished"
expect_grep stdout '^Journal: a pending change was finished' "journal finished"
[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "journal left" || ok "journal cleared"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno: the one change"
member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
expect_rc 0 "kinit -k with the finished keytab"
member_run net rpc testjoin -s "$SMB_CONF" -S dc1.netchk.test
expect_rc 0 "net rpc testjoin with the finished secrets.tdb"

# A journal whose password the recorded DC calls wrong is dropped.
member_run env NETCHK_TEST_CRASH_AFTER=journal "$NETCHK_BIN" reset -s "$SMB_CONF" \
	--state-dir "$STATE_DIR" --restart-command echo --force
expect_rc 137 "killed after the journal, before the DC change"
reset
expect_rc 0 "the DC never had it: healthy"
expect_grep stderr 'never reached dc1\.netchk\.test .*abandoning' "dropped on a wrong-password answer from the recorded DC"
[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "journal left" || ok "journal cleared"
