#!/bin/bash
# The member's clock 10 minutes ahead (faketime): CRITICAL "clock skew",
# never a bad password, although netlogon (no timestamps) still works.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"
lab_fresh
# faketime preloads libfaketime; the ASan runtime must not insist on
# being first.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

skewed() {
	member_run faketime -f +10m "$NETCHK_BIN" check -s "$SMB_CONF" \
		--state-dir "$STATE_DIR" "$@"
}

before=$(dc_attr badPwdCount)
skewed
expect_rc 2 "CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - MEMBER1\$: clock skew -6[0-9][0-9] s on dc1\.netchk\.test' "first line: clock skew"
expect_no_grep stdout '^NETCHK [^|]*(rejected|password)' "not a password problem"
expect_grep stdout '^dc1\.netchk\.test kerberos: CRITICAL - KRB_AP_ERR_SKEW' "the KDC said skew"
expect_grep stdout '^dc1\.netchk\.test netlogon: OK' "netlogon ignores the skew"
expect_grep stdout '^dc1\.netchk\.test clock: CRITICAL - offset -6[0-9][0-9] s' "clock line"
off=$(perf_field clock_offset 1)
if ((off <= -595 && off >= -660)); then ok "clock_offset perfdata ${off}s"
else not_ok "clock_offset perfdata '${off}'"; fi
expect_grep stdout '^Repair: fix the clock' "repair: time, not password"
# a skew is no bad password: the DC counted none
expect_eq "$(dc_attr badPwdCount)" "$before" "badPwdCount unchanged"

# 4 minutes: past the warning threshold, inside Kerberos' 300 s
member_run faketime -f +4m "$NETCHK_BIN" check -s "$SMB_CONF" --state-dir "$STATE_DIR"
expect_rc 1 "WARNING at +4 min"
expect_grep stdout '^NETCHK WARNING - clock offset -2[0-9][0-9] s to dc1' "warning says clock offset"

# the skew was not remembered as a rejection: fixed clock, fixed check
check
expect_rc 0 "real clock: OK again"

# The Kerberos limit is this host's own: krb5.conf clockskew = 120 makes
# the same +4 min CRITICAL, a clock problem, in check, verify and reset.
sed '/^\[libdefaults\]/a\    clockskew = 120' "$KRB5_CONFIG" >"$OUT/krb5-skew120.conf"
grep -q 'clockskew = 120' "$OUT/krb5-skew120.conf" || { echo "Bail out! no clockskew line" >&2; exit 1; }
skew120() {
	member_run env KRB5_CONFIG="$OUT/krb5-skew120.conf" faketime -f +4m \
		"$NETCHK_BIN" "$@"
}
skew120 check -s "$SMB_CONF" --state-dir "$STATE_DIR"
expect_rc 2 "clockskew 120: CRITICAL at +4 min"
expect_grep stdout "^NETCHK CRITICAL - MEMBER1\\\$: clock skew -2[0-9][0-9] s" "names the clock skew"
expect_grep stdout "'clock_offset'=-2[0-9][0-9]s;-120:120;-120:120" "thresholds follow clockskew"
skew120 verify -s "$SMB_CONF" --state-dir "$STATE_DIR" --json
expect_rc 2 "verify: broken"
expect_json '.verdict.diagnosis' clock-skew "verify: clock-skew"
kvno=$(dc_attr msDS-KeyVersionNumber)
skew120 reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --force --no-restart
expect_rc 2 "reset refuses"
expect_grep stdout "limit of 120 s" "reset names the host's limit"
expect_no_grep stderr "remembered" "a skew answer is never remembered"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kvno" "DC kvno unchanged"
