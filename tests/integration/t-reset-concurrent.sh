#!/bin/bash
# Two plain resets started together on a trust broken on the DC side
# (the issue's concurrency case): the password changes exactly once (DC
# kvno +1, not +2), both exit 0, and everything is healthy afterwards.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break dc-password
printf "%s\n" "${LAB_ADMIN_PASS:-Netchk.Admin.Pw1}" >"$OUT/good"
chmod 600 "$OUT/good"
kv0=$(dc_attr msDS-KeyVersionNumber)
pids=()
for i in 1 2; do
	"$LAB" member "$NETCHK_BIN" reset -s "$SMB_CONF" --state-dir "$STATE_DIR" \
		--restart-command echo -U administrator \
		--password-file "$OUT/good" >"$OUT/par$i" 2>"$OUT/par$i.err" &
	pids+=($!)
done
for i in 1 2; do
	set +e; wait "${pids[$((i - 1))]}"; RC=$?; set -e
	cp "$OUT/par$i" "$OUT/stdout"; cp "$OUT/par$i.err" "$OUT/stderr"
	expect_rc 0 "reset $i"
done
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1 (one change)"
n=$(cat "$OUT/par1" "$OUT/par2" | grep -c '^Plan: *admin-reset' || true)
expect_eq "$n" 1 "one run changed the password"
n=$(cat "$OUT/par1" "$OUT/par2" | grep -c '^Plan: *nothing' || true)
expect_eq "$n" 1 "the other found nothing to repair"
n=$(cat "$OUT/par1.err" "$OUT/par2.err" | grep -c 'Waiting for another netchk reset' || true)
expect_eq "$n" 1 "they overlapped: one waited for the lock"
n=$(cat "$OUT/par1.err" "$OUT/par2.err" | grep -c 'Changing computer account' || true)
expect_eq "$n" 1 "one change step line"
[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "journal left behind" || ok "journal cleared"
verify --json
expect_rc 0 "netchk verify healthy"
member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
expect_rc 0 "kinit -k"
member_run net rpc testjoin -s "$SMB_CONF" -S dc1.netchk.test
expect_rc 0 "net rpc testjoin"
