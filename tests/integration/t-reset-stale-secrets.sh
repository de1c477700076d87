#!/bin/bash
# secrets.tdb restored from an old backup, the keytab current: the DC
# takes only the keytab's keys.  reset changes the password with them
# (kpasswd as the machine, on the PDC), every store gets the new one,
# DC kvno +1, verify is healthy (no warning) and every Samba tool agrees.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break stale-secrets
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
kv0=$(dc_attr msDS-KeyVersionNumber)
reset --json
expect_rc 0 "healthy after the change"
expect_json '.schema' 1 "json: schema"
expect_json '.command' reset "json: command"
expect_json '.dry_run' false "json: not a dry run"
expect_json '.before.diagnosis' secrets-stale "json: before: secrets-stale"
expect_json '.plan.action' change-password "json: plan: change the password"
expect_json '.plan.credential' keytab "json: with the keytab's keys"
expect_json '.plan.steps | join(",")' journal,change-dc,verify-new,write-secrets,write-keytab,clear-journal,verify-after "json: plan steps"
expect_json '.result.changed_dc' true "json: DC changed"
expect_json '.result.changed_secrets' true "json: secrets.tdb changed"
expect_json '.result.changed_keytab' true "json: keytab changed"
expect_json '.result.kvno' $((kv0 + 1)) "json: new kvno"
expect_json '.result.change_dc' dc1.netchk.test "json: changed on dc1"
expect_json '.result.change_dc_is_pdc' true "json: ... the PDC"
expect_json '.result.problem' null "json: no problem"
expect_json '.result.restarted | join(",")' winbind,sssd "json: winbind and sssd restarted"
expect_json '.after.status' ok "json: after: ok"
expect_json '.status' ok "json: status ok"
expect_json '.exit_code' 0 "json: exit_code 0"
expect_grep stderr 'Finding the PDC emulator on dc1\.netchk\.test \.\.\. dc1\.netchk\.test \(fSMORoleOwner, LDAP as MEMBER1\$\)' "PDC found with the machine's own bind"
expect_grep stderr 'Changing computer account on PDC dc1\.netchk\.test \.\.\. done \(kpasswd as the machine\)' "changed on the PDC"
expect_grep stderr '^winbind$' "the restart command's output goes to stderr"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1"
member_run klist -k "$KEYTAB"
expect_grep stdout "^ +$((kv0 + 1)) MEMBER1\\\$@NETCHK.TEST" "keytab has the new kvno"
# kvno 2's keys belong to a password secrets.tdb never held (it was
# restored from before it): kept, they would match neither password.
expect_no_grep stdout "^ +$kv0 MEMBER1" "kvno $kv0 dropped (no store names its password)"
[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "journal left behind" || ok "journal cleared"
verify --json
expect_rc 0 "netchk verify healthy"
member_run net rpc testjoin -s "$SMB_CONF" -S dc1.netchk.test
expect_rc 0 "net rpc testjoin"
member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
expect_rc 0 "kinit -k"
