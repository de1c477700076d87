#!/bin/bash
# Only the previous password is accepted: a change that was written to
# secrets.tdb but never reached the DC (`net changesecretpw` with a
# password the DC never saw: current -> previous, new -> current).
# After a netchk rotation (a password 'net changesecretpw' can take back)
# reset first makes the stores agree with the DC (previous -> current),
# then rotates with it, so that secrets.tdb's previous password is the
# DC's previous one afterwards.  With the join's own password (Samba's,
# 357 bytes, longer than net reads) it rotates directly.  Either way:
# healthy, DC kvno +1 per change, every tool agrees.
. "$(dirname "$0")/lib.sh"
lab_fresh
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
# A password the DC never had, as a crashed or offline change leaves it.
diverge() {
	member_run sh -c "head -c 48 /dev/urandom | base64 -w0 | net changesecretpw -f -i -s '$SMB_CONF'"
	expect_rc 0 "$1: net changesecretpw: secrets.tdb ahead of the DC"
	verify --json
	expect_rc 1 "$1: verify: warning"
	expect_json '.verdict.diagnosis' previous-only "$1: only the previous password is accepted"
}
healthy_everywhere() {
	expect_grep stdout '^After: +ok \(healthy\)' "$1: after: healthy"
	[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "$1: journal left behind" || ok "$1: journal cleared"
	verify --json
	expect_rc 0 "$1: netchk verify healthy"
	expect_json '.verdict.diagnosis' healthy "$1: no warning left"
	member_run net rpc testjoin -s "$SMB_CONF" -S dc1.netchk.test
	expect_rc 0 "$1: net rpc testjoin"
	member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
	expect_rc 0 "$1: kinit -k"
}

# 1. The join's password is the previous one: too long for net.
kv0=$(dc_attr msDS-KeyVersionNumber)
diverge join
reset
expect_rc 0 "join: reset healthy"
expect_grep stdout '^Before: +warning \(previous-only\)' "join: before: previous-only"
expect_grep stdout '^Plan: +change-password: only the previous password is accepted' "join: plan: change with the previous password"
expect_grep stderr "Keeping .*secrets.tdb as it is: its previous password \\([0-9]+ bytes, Samba's\\)" "join: says why the stores cannot agree first"
expect_grep stderr 'Changing computer account on PDC dc1\.netchk\.test \.\.\. done \(kpasswd as the machine\)' "join: rotated on the PDC"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "join: DC kvno +1"
healthy_everywhere join

# 2. After that rotation: stores made to agree, then rotated.
kv0=$(dc_attr msDS-KeyVersionNumber)
diverge rotated
sec1=$(md5sum <"$SECRETS")
reset
expect_rc 0 "rotated: reset healthy"
expect_grep stderr 'Making .*secrets.tdb agree with the DC \.\.\. done' "rotated: stores made to agree first"
expect_grep stderr 'Changing computer account on PDC dc1\.netchk\.test \.\.\. done \(kpasswd as the machine\)' "rotated: then rotated on the PDC"
expect_grep stderr "Updating keytab .* done \\(kvno $((kv0 + 1)), kvno $kv0 kept\\)" "rotated: kvno $kv0 kept: it is secrets.tdb's previous"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "rotated: DC kvno +1"
[[ $(md5sum <"$SECRETS") != "$sec1" ]] && ok "rotated: secrets.tdb rewritten" || not_ok "rotated: secrets.tdb unchanged"
healthy_everywhere rotated
# secrets.tdb's previous is the DC's previous: netlogon takes the current
# one at once (one attempt), and the keytab's kvno-1 keys match previous.
verify --json
expect_json '.dcs[0].attempts | map(select(.path == "netlogon")) | length' 1 "rotated: netlogon: current accepted first"
expect_json "[.stores.keytab.entries[] | select(.kvno == $kv0) | .matches] | unique | join(\",\")" previous "rotated: keytab kvno $kv0 = secrets.tdb previous"
