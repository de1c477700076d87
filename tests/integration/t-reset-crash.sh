#!/bin/bash
# Kill a --force rotation (SIGKILL, NETCHK_TEST_CRASH_AFTER) after each
# step (keytab-temp: inside the keytab write, the new keys in a temporary
# file); the next plain reset must end with every path healthy and no
# temporary file holding keys left.  Also:
# --force rotates once (kvno +1, previous kvno kept), and two resets
# started together change the password once (the lock).
. "$(dirname "$0")/lib.sh"
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
healthy_everywhere() {
	verify --json
	expect_rc 0 "$1: netchk verify healthy"
	member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
	expect_rc 0 "$1: kinit -k"
	member_run net rpc testjoin -s "$SMB_CONF" -S dc1.netchk.test
	expect_rc 0 "$1: net rpc testjoin"
}
for step in journal dc secrets keytab-temp keytab; do
	lab_fresh
	rm -rf "$STATE_DIR"
	kv0=$(dc_attr msDS-KeyVersionNumber)
	member_run env NETCHK_TEST_CRASH_AFTER=$step "$NETCHK_BIN" reset \
		-s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo --force
	expect_rc 137 "killed after $step"
	[[ -s $STATE_DIR/pending-NETCHK ]] && ok "$step: journal present" || not_ok "$step: no journal"
	expect_eq "$(stat -c %a "$STATE_DIR/pending-NETCHK" 2>/dev/null)" 600 "$step: journal 0600"
	if [[ $step == keytab-temp ]]; then
		# killed with the new keys in a temporary file next to the keytab
		n=$(find "$(dirname "$KEYTAB")" -maxdepth 1 -name "$(basename "$KEYTAB").netchk.*" | wc -l)
		expect_eq "$n" 1 "$step: a temporary keytab was left"
	fi
	reset
	expect_rc 0 "$step: next reset ends healthy"
	n=$(find "$(dirname "$KEYTAB")" -maxdepth 1 -name "$(basename "$KEYTAB").netchk.*" | wc -l)
	expect_eq "$n" 0 "$step: no temporary keytab left after the next run"
	[[ $step == journal ]] && want=$kv0 || want=$((kv0 + 1))
	expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$want" "$step: DC kvno"
	[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "$step: journal left" || ok "$step: journal cleared"
	healthy_everywhere "$step"
done

lab_fresh
rm -rf "$STATE_DIR"
kv0=$(dc_attr msDS-KeyVersionNumber)
reset --force
expect_rc 0 "--force rotation"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "--force: kvno +1"
member_run klist -k "$KEYTAB"
expect_grep stdout "^ +$kv0 MEMBER1" "--force: previous kvno kept"
healthy_everywhere force

# Two resets started together: the lock makes them take turns,
# so two --force runs make two whole rotations, never a mixed one.
kv0=$(dc_attr msDS-KeyVersionNumber)
for i in 1 2; do
	"$LAB" member "$NETCHK_BIN" reset -s "$SMB_CONF" --state-dir "$STATE_DIR" \
		--restart-command echo --force >"$OUT/par$i" 2>&1 &
done
wait
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 2))" "two concurrent --force: two whole rotations"
healthy_everywhere concurrent
