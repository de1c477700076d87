#!/bin/bash
# Deadlines (issue 9, item 7) against DCs that accept connections and never
# answer (lab.sh silent-dc: dc3, dc4, dc5 next to the real dc1).
# - check -t is the whole plugin's limit (monitoring-plugins guidelines):
#   --all-dcs with dc1 healthy and three silent DCs ends within it, WARNING
#   naming all of them, dc1 fully verified (two took 9.1 s before: netlogon
#   probes of different DCs took turns on a lock, each path waited in turn);
#   only a silent DC pinned (-H) -> CRITICAL within the limit.
# - verify: the paths of one silent DC wait side by side (one timeout, not
#   one per path); verify as a whole stops probing after 3 x --timeout
#   however many silent DCs come first (--site puts them first), and does
#   not report the DC it never asked; reset verifies the same way and,
#   with no DC answering, changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"

lab_fresh
"$LAB" silent-dc add 3 >>"$OUT/lab.log" 2>&1 || {
	tail -20 "$OUT/lab.log" >&2
	echo "Bail out! lab.sh silent-dc add 3 failed" >&2
	exit 1
}

# --- check --all-dcs: dc1 healthy, dc3..dc5 silent ---------------------
timed check -t 3 --all-dcs
within 3500 "check -t 3 --all-dcs with three silent DCs"
expect_rc 1 "one DC answers, three are silent: WARNING"
expect_grep stdout '^NETCHK WARNING - MEMBER1\$: DC did not answer on dc3\.netchk\.test, dc4\.netchk\.test, dc5\.netchk\.test; trust OK on 1 of 4 DCs \| ' "first line names every silent DC"
expect_grep stdout '^dc1\.netchk\.test netlogon: OK - current password accepted' "dc1 netlogon verified"
expect_grep stdout '^dc1\.netchk\.test kerberos: OK - ' "dc1 kerberos verified"
expect_grep stdout '^dc1\.netchk\.test ldap: OK - ' "dc1 ldap verified"
expect_grep stdout '^dc4\.netchk\.test netlogon: UNKNOWN - NT_STATUS_IO_TIMEOUT' "dc4 netlogon: no answer"
if perfdata >"$OUT/perf"; then ok "perfdata parses"
else not_ok "perfdata does not parse: $(cat "$OUT/perf")"; fi
expect_eq "$(perf_field dcs_ok 1)/$(perf_field dcs_ok 6)" 1/4 "dcs_ok 1 of 4"
if [[ -s $STATE_DIR/rejected-secrets ]] && grep -q 'dc[345]' "$STATE_DIR/rejected-secrets"; then
	not_ok "a silent DC's non-answer was remembered as a rejection"
else ok "nothing remembered for the silent DCs"; fi

# --- check pinned to a silent DC ---------------------------------------
timed check -t 3 -H dc3.netchk.test
within 3500 "check -t 3 -H <silent DC>"
expect_rc 2 "no DC answered: CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - MEMBER1\$: no DC reachable' "CRITICAL first line"

# --- check without --all-dcs: dc1 comes first in DNS, fast --------------
timed check -t 3
within 2000 "check -t 3 (dc1 first)"
expect_rc 0 "dc1 answers: OK"

# --- verify ------------------------------------------------------------
timed verify -t 2 -S dc3.netchk.test -j
within 3400 "verify -t 2 against one silent DC: one timeout, not one per path"
expect_rc 3 "silent DC: could not decide"
expect_json '.verdict.diagnosis' dc-unreachable "verify: dc-unreachable"

timed verify -t 3 --all-dcs -j
within 4500 "verify -t 3 --all-dcs: the silent DCs wait side by side"
expect_json '.dcs[] | select(.name == "dc1.netchk.test") | .verdict.diagnosis' healthy "verify --all-dcs: dc1 healthy"
expect_json '[.dcs[] | select(.verdict.diagnosis == "dc-unreachable") | .name] | join(",")' \
	dc3.netchk.test,dc4.netchk.test,dc5.netchk.test "verify --all-dcs: the three silent DCs"

# the site's (silent) DCs first: verify stops after 3 x -t, dc1 never asked
timed verify -t 1 --site Silent-Site -j
within 3800 "verify -t 1 with three silent DCs first: bounded by 3 x -t"
expect_rc 3 "no DC answered before the deadline"
expect_json '[.dcs[].name] | join(",")' dc3.netchk.test,dc4.netchk.test,dc5.netchk.test "the DCs tried; dc1 not reported"

# reset verifies the same way; a silent DC changes nothing
kv0=$(dc_attr msDS-KeyVersionNumber)
sum0=$(md5sum "$SECRETS" "$KEYTAB")
timed netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo \
	-t 2 -S dc3.netchk.test
within 3400 "reset -t 2 against a silent DC: one timeout, not one per path"
expect_rc 3 "reset: no DC answered, could not decide"
expect_grep stdout '^Changed: nothing' "reset changed nothing"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged"
expect_eq "$(md5sum "$SECRETS" "$KEYTAB")" "$sum0" "stores byte-identical"
