#!/bin/bash
# winbindd hold-off: with the member's winbindd running, `reset --force`
# stops it before the DC is touched and starts it again once secrets.tdb
# and the keytab hold the new password.  Afterwards the DC's kvno is +1,
# winbindd runs (a new process) and `wbinfo -t` passes.  A run killed
# while winbindd is held off (after the DC change) leaves it stopped; the
# next run finishes the change and starts winbindd again, under the
# lock, before its final verification.  A winbindd that will not stop
# (ignores SIGTERM) refuses the change before the DC is touched.
. "$(dirname "$0")/lib.sh"
lab_fresh
"$LAB" winbind-start >>"$OUT/lab.log" 2>&1
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
wb_pid() { "$LAB" status 2>/dev/null | sed -n 's/^winbindd: running (pid \([0-9]*\)).*/\1/p'; }
wbinfo_t() {
	# winbindd answers wbinfo -p at once; its first schannel may take a moment
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		member_run wbinfo -t
		[[ $RC == 0 ]] && return 0
		sleep 0.5
	done
}
kv0=$(dc_attr msDS-KeyVersionNumber)
p0=$(wb_pid)
[[ -n $p0 ]] && ok "winbindd runs (pid $p0)" || not_ok "winbindd did not start"

reset --force
expect_rc 0 "reset --force with winbindd running: healthy"
expect_grep stderr "Stopping winbind \\(pid $p0\\) while the password changes \\.\\.\\. done" "winbindd stopped before the change"
expect_grep stderr 'Starting winbind \.\.\. done' "winbindd started after the stores"
# order: stop < journal < DC change < stores < start
order=$(grep -oE 'Stopping winbind|Journalling|Changing computer account|Updating keytab|Starting winbind' "$OUT/stderr" | tr '\n' ,)
expect_eq "$order" "Stopping winbind,Journalling,Changing computer account,Updating keytab,Starting winbind," "step order"
expect_no_grep stdout '^winbind$' "no second restart of winbind"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1"
p1=$(wb_pid)
[[ -n $p1 && $p1 != "$p0" ]] && ok "winbindd runs again (pid $p1)" || not_ok "winbindd not running again (pid '$p1')"
[[ -e $STATE_DIR/winbind-held ]] && not_ok "hold-off marker left" || ok "hold-off marker cleared"
wbinfo_t
expect_rc 0 "wbinfo -t after the change"
verify
expect_rc 0 "netchk verify healthy"

# killed after the DC change, while winbindd is held off
kv1=$(dc_attr msDS-KeyVersionNumber)
member_run env NETCHK_TEST_CRASH_AFTER=dc "$NETCHK_BIN" reset -s "$SMB_CONF" \
	--state-dir "$STATE_DIR" --restart-command echo --force
expect_rc 137 "killed after the DC change"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv1 + 1))" "DC has the new password"
[[ -z $(wb_pid) ]] && ok "winbindd is held off (stopped)" || not_ok "winbindd still runs"
[[ -e $STATE_DIR/winbind-held ]] && ok "hold-off marker written" || not_ok "no hold-off marker"
reset
NRUN_RECOVERY=$NRUN
expect_rc 0 "next run: healthy"
expect_grep stdout '^Journal: a pending change was finished' "the journalled change is finished"
expect_grep stderr 'Starting winbind, held off by an interrupted netchk reset \.\.\. done' "winbindd started again"
[[ -n $(wb_pid) ]] && ok "winbindd runs after the recovery" || not_ok "winbindd not running after recovery"
[[ -e $STATE_DIR/winbind-held ]] && not_ok "hold-off marker left" || ok "hold-off marker cleared"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv1 + 1))" "no further change"
wbinfo_t
expect_rc 0 "wbinfo -t after the recovery"
"$LAB" winbind-stop >>"$OUT/lab.log" 2>&1 || true
# The recovery runs under the reset lock, before the run's own final
# verification (it used to run after the lock was released, when another
# run could be holding winbindd off on purpose).
n_start=$(grep -n 'Starting winbind, held off by an interrupted' "$OUT/stderr.$NRUN_RECOVERY" | head -1 | cut -d: -f1)
n_last=$(grep -n 'Verifying the secure channel' "$OUT/stderr.$NRUN_RECOVERY" | tail -1 | cut -d: -f1)
[[ -n $n_start && -n $n_last && $n_start -lt $n_last ]] && ok "recovery before the final verification (line $n_start < $n_last)" ||
	not_ok "recovery after the final verification (line ${n_start:-none}, last verification line ${n_last:-none})"

# A winbindd that does not stop: no change at all.
"$LAB" winbind-stop >>"$OUT/lab.log" 2>&1 || true
piddir=$("$LAB" member testparm -s --parameter-name 'pid directory' "$SMB_CONF" 2>/dev/null)
mkdir -p "$OUT/stubborn"
printf '#!/bin/sh\ntrap "" TERM\nwhile :; do sleep 1; done\n' >"$OUT/stubborn/winbindd"
chmod 755 "$OUT/stubborn/winbindd"
"$OUT/stubborn/winbindd" &
stubborn=$!
echo "$stubborn" >"$piddir/winbindd.pid"
kv2=$(dc_attr msDS-KeyVersionNumber)
sum2=$(md5sum "$SECRETS" "$KEYTAB")
reset --force
kill -9 "$stubborn" 2>/dev/null || true
rm -f "$piddir/winbindd.pid"
expect_rc 2 "winbindd does not stop: broken, refused"
expect_grep stderr "Stopping winbind \\(pid $stubborn\\) .*FAILED" "says the stop failed"
expect_no_grep stderr 'Changing computer account' "the DC is not touched"
expect_grep stdout '^Changed: nothing' "nothing changed"
expect_grep stdout '^Problem: .*\(winbindd, sssd\) could not be stopped' "says why"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv2" "DC kvno unchanged"
expect_eq "$(md5sum "$SECRETS" "$KEYTAB")" "$sum2" "stores unchanged"
[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "journal written" || ok "no journal"
[[ -e $STATE_DIR/winbind-held ]] && not_ok "hold-off marker left" || ok "no hold-off marker"
