#!/bin/bash
# The PDC emulator is down (lab.sh up --dc2, then dc1 = the PDC stops):
# verify falls through to dc2, dc2's LDAP names dc1 as the PDC (the
# lookup itself works), dc1 does not answer on kpasswd, so the change goes
# to dc2, the DC verify used, and a step line says why.  DC-side truth:
# dc2's kvno +1 at once; after dc1 is back and has replicated, the trust
# is healthy there too.
. "$(dirname "$0")/lib.sh"
"$LAB" rebuild --dc2 >"$OUT/lab.log" 2>&1 || {
	tail -20 "$OUT/lab.log" >&2
	echo "Bail out! lab rebuild --dc2 failed" >&2
	exit 1
}
dc2_attr() { "$LAB" dc-account --dc2 "$1" 2>/dev/null | sed -n "s/^$1: //p"; }
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
kv0=$(dc2_attr msDS-KeyVersionNumber)
lab_break dc-stop

reset --force
expect_rc 0 "reset --force with the PDC down: healthy"
expect_grep stdout '^Before: +ok \(healthy\) on dc2\.netchk\.test' "verify used dc2"
expect_grep stderr 'Finding the PDC emulator on dc2\.netchk\.test \.\.\. dc1\.netchk\.test, which does not answer: 127\.0\.0\.10 port 464: [^:]+: changing on dc2\.netchk\.test, the DC verify used' "step line: the PDC is down, dc2 takes the change"
expect_grep stderr 'Changing computer account on DC dc2\.netchk\.test \.\.\. done' "changed on dc2 (not as PDC)"
expect_grep stderr 'Verifying the new password on dc2\.netchk\.test \.\.\. done' "proven on dc2"
expect_eq "$(dc2_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "dc2 kvno +1"
[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "journal left behind" || ok "journal cleared"
verify
expect_rc 0 "netchk verify healthy (on dc2)"
member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
expect_rc 0 "kinit -k (dc2 is the KDC that answers)"
