#!/bin/bash
# An adcli update that starts after netchk verified and before it holds
# sssd off (sssd's renewal, or cron's): netchk, paused right after its
# plan (NETCHK_TEST_STOP_AFTER=plan), goes on while adcli, paused before
# its change, still runs.  Held off, netchk must see adcli writing its
# keytab, wait for it, and verify again before it touches the DC: both
# rotations land one after the other, the keytab ends at the DC's kvno.
# Before, netchk rotated with what it had verified and whichever keytab
# write came last won.
. "$(dirname "$0")/lib.sh"
lab_fresh --sssd
kv0=$(m2_attr msDS-KeyVersionNumber)

# pid_of STATE REGEX: the pid whose command line matches REGEX and whose
# state is STATE (T stopped, any: -), polled every few ms for up to 30 s.
pid_of() {
	local i p
	for ((i = 0; i < 3000; i++)); do
		for p in $(pgrep -f -- "$2"); do
			[[ $1 == - || $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) == "$1" ]] || continue
			echo "$p"
			return 0
		done
		sleep 0.01
	done
	return 1
}

"$LAB" member2 env NETCHK_TEST_STOP_AFTER=plan "$NETCHK_BIN" reset \
	--state-dir "$STATE_DIR" --force >"$OUT/netchk.out" 2>"$OUT/netchk.err" &
nbg=$!
npid=$(pid_of T "^$NETCHK_BIN reset --state-dir $STATE_DIR") &&
	ok "netchk paused after its plan" || not_ok "netchk never paused"

"$LAB" member2 adcli update --computer-password-lifetime=0 >"$OUT/adcli.out" 2>&1 &
abg=$!
apid=$(pid_of - "^adcli update --computer-password-lifetime=0") && kill -STOP "$apid" &&
	ok "adcli started and paused" || not_ok "adcli never started"
[[ -z $npid ]] || kill -CONT "$npid"
for ((i = 0; i < 300; i++)); do
	grep -q "waiting for it to finish" "$OUT/netchk.err" && break
	sleep 0.1
done
expect_grep netchk.err "adcli \\(pid $apid\\) is changing the machine password and writing FILE:/etc/krb5.keytab: waiting for it to finish" \
	"netchk, held off, waits for adcli"
expect_eq "$(m2_attr msDS-KeyVersionNumber)" "$kv0" "the DC is untouched while it waits"
kill -CONT "$apid"
arc=0; wait "$abg" || arc=$?
# verified again, netchk pauses after its second plan too
npid=$(pid_of T "^$NETCHK_BIN reset --state-dir $STATE_DIR") &&
	ok "netchk planned again" || not_ok "netchk did not plan again"
[[ -z $npid ]] || kill -CONT "$npid"
nrc=0; wait "$nbg" || nrc=$?
expect_eq "$arc" 0 "adcli's rotation succeeded"
expect_eq "$nrc" 0 "netchk's rotation succeeded"
expect_grep netchk.out "^Plan:    change-password" "netchk planned a rotation"
expect_grep netchk.err "Verifying again: the password changed since the verification" "netchk verified again"
expect_grep netchk.out "^After:   ok \\(healthy\\)" "netchk's final verification is healthy"
expect_no_grep netchk.err "held off by an interrupted netchk reset" "its own hold is not taken for an interrupted run's"
expect_eq "$(grep -c 'Stopping sssd .* \.\.\. done' "$OUT/netchk.err")" 1 "sssd held off once, through both verifications"
expect_eq "$(grep -c '^ \* Starting sssd \.\.\. done' "$OUT/netchk.err")" 1 "and started again once"
kill -0 "$(cat "$M2_DIR/run/sssd.pid")" && ok "sssd runs after the reset" || not_ok "sssd not running"

kv=$(m2_attr msDS-KeyVersionNumber)
expect_eq "$kv" $((kv0 + 2)) "both rotations landed, one after the other"
expect_eq "$(m2_kvnos '^host/member2' | awk '{ print $NF }')" "$kv" "host/'s newest kvno is the DC's"
member2_run sh -c 'KRB5CCNAME=MEMORY: kinit -k "MEMBER2$"'
expect_rc 0 "kinit -k works"
member2_run adcli testjoin
expect_rc 0 "adcli testjoin"
netchk2 verify --state-dir "$STATE_DIR" --json
expect_rc 0 "verify healthy"
expect_json '[.dcs[0].acceptors[] | select(.ok)] | length' 6 "all 6 service principals proven"
