#!/bin/bash
# What a reset must never do with secrets around:
# - run a program found through the caller's PATH (a `net` or `testparm`
#   planted first in PATH is never run; Samba's are, from a fixed path);
# - be able to dump core while passwords are in memory (RLIMIT_CORE 0);
# - present an empty administrator password;
# - take an odd-length hex password from the journal (shortened by a
#   nibble it would be "wrong" and the journal dropped): an error, the
#   journal kept;
# - leave the terminal without echo after Ctrl-C at the password prompt.
# A journal temp file a killed run left is removed by the next run
# (t-reset-crash kills one inside the keytab write).
. "$(dirname "$0")/lib.sh"
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
lab_fresh
mkdir -p "$STATE_DIR" "$OUT/evil"
for p in net testparm systemctl winbindd; do
	printf '#!/bin/sh\necho "$0 $*" >>%s/planted-ran\nexit 0\n' "$OUT" >"$OUT/evil/$p"
	chmod 755 "$OUT/evil/$p"
done
kv0=$(dc_attr msDS-KeyVersionNumber)
member_run env PATH="$OUT/evil:$PATH" "$NETCHK_BIN" reset -s "$SMB_CONF" \
	--state-dir "$STATE_DIR" --restart-command echo --force
expect_rc 0 "--force with planted programs first in PATH: healthy"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1"
[[ -e $OUT/planted-ran ]] && not_ok "a planted program ran: $(cat "$OUT/planted-ran")" || ok "no planted program ran"
verify
expect_rc 0 "Samba's own net wrote secrets.tdb: verify healthy"

# RLIMIT_CORE of a reset waiting for the lock.
flock "$STATE_DIR/reset.lock" sleep 8 &
holder=$!
sleep 0.5
"$LAB" member "$NETCHK_BIN" reset -s "$SMB_CONF" --state-dir "$STATE_DIR" \
	--restart-command echo >"$OUT/waiter.out" 2>&1 &
waiter=$!
limit=""
for _ in $(seq 1 50); do
	for p in /proc/[0-9]*; do
		[[ $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) == "$NETCHK_BIN reset -s $SMB_CONF --state-dir $STATE_DIR "* ]] || continue
		limit=$(awk '/^Max core file size/ { print $5, $6 }' "$p/limits")
	done
	[[ -n $limit ]] && break
	sleep 0.1
done
expect_eq "$limit" "0 0" "no core dump while secrets are in memory (RLIMIT_CORE soft hard)"
wait "$holder" "$waiter" || true

: >"$OUT/empty"
chmod 600 "$OUT/empty"
reset -U administrator --password-file "$OUT/empty"
expect_rc 3 "empty administrator password: refused"
expect_grep stderr 'administrator password .*is empty' "says it is empty"

# An odd-length hex password in the journal.
printf 'netchk-pending v1\ndc dc1.netchk.test\naccount MEMBER1$\nwhen 1\npassword 41424344454\n' \
	>"$STATE_DIR/pending-NETCHK"
chmod 600 "$STATE_DIR/pending-NETCHK"
j0=$(md5sum <"$STATE_DIR/pending-NETCHK")
reset
expect_rc 3 "odd-length hex in the journal: could not decide"
expect_grep stdout 'Problem: .*odd-length hex' "says why"
expect_eq "$(md5sum <"$STATE_DIR/pending-NETCHK" 2>/dev/null)" "$j0" "journal kept as it is"
rm -f "$STATE_DIR/pending-NETCHK"

# A journal temp file (the new password) a killed run left behind.
printf 'netchk-pending v1\n' >"$STATE_DIR/pending-NETCHK.tmp.Ab3dE9"
reset
expect_rc 0 "next run: healthy"
[[ -e $STATE_DIR/pending-NETCHK.tmp.Ab3dE9 ]] && not_ok "journal temp file left" || ok "journal temp file removed"
expect_grep stderr 'Removing .*pending-NETCHK\.tmp\.Ab3dE9, left by an interrupted netchk reset' "says so"

line=$("$TESTS_DIR/integration/prompt-ctrl-c.py" "$LAB" member "$NETCHK_BIN" reset \
	-s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo -U administrator)
expect_eq "$line" "prompt=yes echo-at-prompt=off after=echo" "Ctrl-C at the prompt: echo restored"
