#!/bin/bash
# netchk check --all-dcs against two real DCs (lab.sh up --dc2): healthy on
# both -> OK; inbound replication off on dc2 and the password changed through
# dc1 -> WARNING "replication lag on dc2 (kvno 1, dc1 has 2)"; after the
# replication arrives -> OK again without --recheck (the remembered
# rejections of dc2 end when dc2's copy of the account changes); dc2
# stopped -> WARNING; both stopped -> CRITICAL in bounded time.  The host's
# own files are never touched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"

"$LAB" rebuild --dc2 >"$OUT/lab.log" 2>&1 || {
	tail -20 "$OUT/lab.log" >&2
	echo "Bail out! lab rebuild --dc2 failed" >&2
	exit 1
}
dc2_attr() {
	"$LAB" dc-account --dc2 "$1" 2>/dev/null | sed -n "s/^$1: //p"
}
lab_do() {
	"$LAB" "$@" >>"$OUT/lab.log" 2>&1 || {
		tail -20 "$OUT/lab.log" >&2
		echo "Bail out! lab.sh $* failed" >&2
		exit 1
	}
}
host_files_sig() {
	sha256sum "$SMB_CONF" "$KRB5_CONFIG" "$(dirname "$SMB_CONF")/resolv.conf" \
		"$(dirname "$SMB_CONF")/hosts" | sha256sum
}
sig0=$(host_files_sig)

# --- healthy on both ----------------------------------------------------
check --all-dcs
expect_rc 0 "healthy on both DCs"
expect_grep stdout '^NETCHK OK - MEMBER1\$: trust OK on all 2 DCs \| ' "first line"
if perfdata >"$OUT/perf"; then ok "perfdata parses per the guidelines"
else not_ok "perfdata does not parse: $(cat "$OUT/perf")"; fi
expect_eq "$(perf_field dcs_ok 1)/$(perf_field dcs_ok 6)" 2/2 "dcs_ok 2 of 2"
expect_eq "$(perf_field kvno_dc2.netchk.test 1)" "$(dc2_attr msDS-KeyVersionNumber)" "dc2 kvno perfdata = dc2's kvno"
expect_grep stdout '^dc1\.netchk\.test netlogon: OK - ' "dc1 netlogon line"
expect_grep stdout '^dc2\.netchk\.test kerberos: OK - ' "dc2 kerberos line"
check --all-dcs -H dc1.netchk.test
expect_rc 3 "--all-dcs with -H"

# --- replication lag ----------------------------------------------------
lab_do break repl-lag
kv1=$(dc_attr msDS-KeyVersionNumber)
kv2=$(dc2_attr msDS-KeyVersionNumber)
expect_eq "$kv2" $((kv1 - 1)) "the DCs really disagree (dc1 $kv1)"
check --all-dcs -v
expect_rc 1 "replication lag is a WARNING"
expect_grep stdout "^NETCHK WARNING - MEMBER1\\\$: replication lag on dc2\\.netchk\\.test \\(kvno $kv2, dc1\\.netchk\\.test has $kv1\\)" "names dc2 and the kvnos"
expect_grep stdout 'password reset would not help' "diagnosis: a reset would not help"
expect_eq "$(perf_field dcs_ok 1)" 1 "dcs_ok 1"
expect_eq "$(perf_field kvno_dc2.netchk.test 1)" "$kv2" "dc2 kvno perfdata"
expect_eq "$(perf_field kvno_dc1.netchk.test 1)" "$kv1" "dc1 kvno perfdata"
grep -c 'dc2.netchk.test' "$STATE_DIR/rejected-secrets" >"$OUT/nrej" || true
if (($(cat "$OUT/nrej") >= 1)); then ok "dc2's rejections remembered ($(cat "$OUT/nrej"))"
else not_ok "no dc2 rejection remembered"; fi
verify --all-dcs -j
expect_rc 1 "verify --all-dcs: WARNING"
expect_json '.dcs[] | select(.name == "dc2.netchk.test") | .verdict.diagnosis' repl-lag "verify JSON: dc2's verdict"
expect_json '.dcs[] | select(.name == "dc2.netchk.test") | .replication_lag.ahead_kvno' "$kv1" "verify JSON: the kvno ahead"
expect_json '.dcs[] | select(.name == "dc1.netchk.test") | .verdict.diagnosis' healthy "verify JSON: dc1 healthy"
bad0=$(dc2_attr badPwdCount)
check --all-dcs
expect_rc 1 "second run: still the lag, from memory"
expect_grep stdout 'replication lag on dc2' "second run names the lag"
expect_eq "$(dc2_attr badPwdCount)" "$bad0" "dc2 badPwdCount unchanged by the second run"

lab_do repl-sync
expect_eq "$(dc2_attr msDS-KeyVersionNumber)" "$kv1" "replicated: dc2 has kvno $kv1"
check --all-dcs -vvv
expect_rc 0 "after replication: OK without --recheck"
expect_grep stdout '^NETCHK OK - MEMBER1\$: trust OK on all 2 DCs' "OK on both"
expect_grep stderr 'dc2\.netchk\.test: the account changed there' "narration: dc2's memory dropped"
if grep -q 'dc2.netchk.test' "$STATE_DIR/rejected-secrets" 2>/dev/null; then
	not_ok "dc2 rejections still remembered"
else ok "no dc2 rejection remembered any more"; fi

# --- one DC down, then both -------------------------------------------
lab_do dc2-stop
check --all-dcs -t 2
expect_rc 1 "dc2 stopped: WARNING"
expect_grep stdout '^NETCHK WARNING - .*dc2\.netchk\.test.*trust OK on 1 of 2 DCs' "names dc2, 1 of 2"
lab_do break dc-stop
t0=$(date +%s)
check --all-dcs -t 2
t1=$(date +%s)
expect_rc 2 "both stopped: CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - ' "CRITICAL first line"
if ((t1 - t0 <= 20)); then ok "both down answered in $((t1 - t0)) s"
else not_ok "both down took $((t1 - t0)) s"; fi
t0=$(date +%s)
check -t 2
t1=$(date +%s)
expect_rc 2 "both stopped, without --all-dcs: CRITICAL"
if ((t1 - t0 <= 20)); then ok "answered in $((t1 - t0)) s"
else not_ok "took $((t1 - t0)) s"; fi

expect_eq "$(host_files_sig)" "$sig0" "the host's smb.conf, krb5.conf, resolv.conf, hosts unchanged"
