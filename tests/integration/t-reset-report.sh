#!/bin/bash
# Whatever stops a reset, it says what changed.  The DC goes away right
# after a --force rotation wrote every store (NETCHK_TEST_STOP_AFTER
# pauses the run there; the DC is stopped; the run goes on): the final
# verification cannot run, yet the run prints "Changed: DC password,
# secrets.tdb, keytab" and exits 3; with --json it prints exactly one
# object whose result says the same.  A run that fails before any change
# (read-only state directory) prints "Changed: nothing" or one object.
. "$(dirname "$0")/lib.sh"
# stopped_run ARGS...: reset --force paused after the keytab step; the DC
# is stopped while it waits, then it continues.  Output in $OUT/stdout.
stopped_run() {
	"$LAB" member env NETCHK_TEST_STOP_AFTER=keytab "$NETCHK_BIN" reset -s "$SMB_CONF" \
		--state-dir "$STATE_DIR" --restart-command echo --force "$@" \
		>"$OUT/stdout" 2>"$OUT/stderr" &
	local bg=$! pid="" i
	for ((i = 0; i < 300; i++)); do
		[[ -z $pid ]] || break
		sleep 0.1
		for p in /proc/[0-9]*; do
			[[ $(cat "$p/cmdline" 2>/dev/null | tr '\0' ' ') == "$NETCHK_BIN reset -s $SMB_CONF --state-dir $STATE_DIR "* ]] || continue
			[[ $(awk '{print $3}' "$p/stat" 2>/dev/null) == T ]] && pid=${p#/proc/}
		done
	done
	[[ -n $pid ]] && ok "run paused after the keytab step" || not_ok "run never paused"
	lab_break dc-stop
	[[ -n $pid ]] && kill -CONT "$pid"
	set +e; wait "$bg"; RC=$?; set -e
}

lab_fresh
kv0=$(dc_attr msDS-KeyVersionNumber)
stopped_run
expect_rc 3 "DC gone before the final verification: could not decide"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "the DC took the change"
expect_grep stdout "^Changed: DC password, secrets\\.tdb, keytab \\(kvno $((kv0 + 1))\\)" "says what changed"
expect_grep stdout '^Problem: the verification after the change could not run' "says why it could not verify"

lab_fresh
kv0=$(dc_attr msDS-KeyVersionNumber)
stopped_run --json
expect_rc 3 "--json: could not decide"
expect_eq "$(jq -s length "$OUT/stdout" 2>/dev/null)" 1 "--json: exactly one object"
expect_json '.result.changed_dc' true "--json: DC change reported"
expect_json '.result.changed_secrets' true "--json: secrets.tdb change reported"
expect_json '.result.changed_keytab' true "--json: keytab change reported"
expect_json '.result.kvno' "$((kv0 + 1))" "--json: new kvno"
expect_json '.exit_code' 3 "--json: exit code"

lab_fresh
mkdir -p "$STATE_DIR"
for json in "" --json; do
	member_run sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"' \
		sh "$STATE_DIR" "$NETCHK_BIN" reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --force $json
	expect_rc 3 "read-only state directory${json:+ $json}: refused"
	if [[ -z $json ]]; then
		expect_grep stdout '^Changed: nothing' "says nothing changed"
		expect_grep stdout '^Problem: .*reset\.lock' "says why"
	else
		expect_eq "$(jq -s length "$OUT/stdout" 2>/dev/null)" 1 "--json: exactly one object"
		expect_json '.result.changed_dc' false "--json: no DC change"
		expect_json '.result.problem | test("reset.lock")' true "--json: the problem"
	fi
done
