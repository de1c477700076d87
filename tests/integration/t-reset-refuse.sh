#!/bin/bash
# Problems a reset cannot repair change nothing: deleted (rejoin needed),
# disabled (say so, stop), DC down (exit 3).
. "$(dirname "$0")/lib.sh"
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo -t 2 "$@"; }
for case in delete disable dc-stop; do
	lab_fresh
	lab_break $case
	sum0=$(md5sum "$SECRETS" "$KEYTAB")
	kv0=$(dc_attr msDS-KeyVersionNumber || true)
	reset
	case $case in
	delete) expect_rc 2 "$case: refused"
		expect_grep stdout 'rejoin' "$case: says rejoin" ;;
	disable) expect_rc 2 "$case: refused"
		expect_grep stdout 'disabled' "$case: says disabled"
		expect_eq "$(dc_attr userAccountControl || true)" 4098 "$case: still disabled" ;;
	dc-stop) expect_rc 3 "$case: could not decide"
		# the DC is also the DNS server: discovery fails first
		expect_grep stderr 'netchk: ' "$case: explains on stderr" ;;
	esac
	if [[ $case != dc-stop ]]; then
		expect_grep stdout '^Plan: +refuse' "$case: plan refuses"
		expect_grep stdout '^Changed: nothing' "$case: nothing changed"
	fi
	expect_eq "$(md5sum "$SECRETS" "$KEYTAB")" "$sum0" "$case: stores byte-identical"
	[[ $case == dc-stop ]] || expect_eq "$(dc_attr msDS-KeyVersionNumber || true)" "$kv0" "$case: DC kvno unchanged"
done
