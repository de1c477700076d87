#!/bin/bash
# netchk check on a healthy member: OK, exit 0, perfdata that parses by
# the monitoring-plugins grammar; thresholds; -h/-V/bad input exit 3;
# an unprivileged live check is UNKNOWN with the fix in the text.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"
lab_fresh

check
expect_rc 0 "healthy"
expect_grep stdout '^NETCHK OK - MEMBER1\$: trust OK on dc1\.netchk\.test \| ' "first line"
if perfdata >"$OUT/perf"; then ok "perfdata parses per the guidelines"
else not_ok "perfdata does not parse: $(cat "$OUT/perf")"; fi
expect_eq "$(perf_field time 2)" s "time in seconds"
expect_eq "$(perf_field kvno 1)" "$(dc_attr msDS-KeyVersionNumber)" "kvno perfdata = DC's kvno"
expect_eq "$(perf_field clock_offset 3)" "-180:180" "clock warn range"
expect_eq "$(perf_field clock_offset 4)" "-300:300" "clock crit range"
off=$(perf_field clock_offset 1)
if ((${off#-} <= 2)); then ok "clock offset ${off}s"; else not_ok "clock offset ${off}s"; fi
expect_eq "$(perf_field dcs_ok 1)/$(perf_field dcs_ok 6)" 1/1 "dcs_ok 1 of 1"
age=$(perf_field password_age 1)
# the DC's pwdLastSet and secrets.tdb agree on when the password was set
pls=$(dc_attr pwdLastSet)
dc_age=$(($(date +%s) - pls / 10000000 + 11644473600))
if ((age >= 0 && age - dc_age <= 10 && dc_age - age <= 10)); then
	ok "password_age ${age}s matches the DC's pwdLastSet (${dc_age}s)"
else not_ok "password_age ${age}s, DC pwdLastSet says ${dc_age}s"; fi
expect_grep stdout '^dc1\.netchk\.test netlogon: OK - ' "long output: netlogon"
expect_grep stdout '^dc1\.netchk\.test kerberos: OK - ' "long output: kerberos"
expect_grep stdout '^dc1\.netchk\.test ldap: OK - account enabled' "long output: ldap"
expect_grep stdout '^dc1\.netchk\.test clock: OK - ' "long output: clock"
expect_eq "$(grep -c '|' "$OUT/stdout")" 1 "no '|' in the long output"

# thresholds in the guidelines' syntax, with time units
check -w '@0:52w'
expect_rc 1 "password age inside the @ warning range"
expect_grep stdout '^NETCHK WARNING - machine password .* old' "says why"
expect_eq "$(perf_field password_age 3)" "@0:31449600" "warn range in seconds"
sleep 1
check -w 1y 2>/dev/null
expect_rc 3 "a bad range"
expect_grep stdout "^NETCHK UNKNOWN - --warning: '1y' is not a range" "names the bad range"
check -c 0
expect_rc 2 "password older than 0 s: critical"
expect_eq "$(perf_field password_age 4)" "0" "crit range"
check --clock-warning=@-60:60
expect_rc 1 "clock offset inside the @ warning range"
expect_grep stdout '^NETCHK WARNING - clock offset [+-][0-9]+ s to dc1' "says clock"
check -H dc1.netchk.test
expect_rc 0 "-H names the DC"

# the guidelines: -h and -V exit 3
check -h
expect_rc 3 "-h"
expect_grep stdout -- '--warning' "help lists options"
check -V
expect_rc 3 "-V"
expect_grep stdout '^netchk check [0-9]' "version"
check --frobnicate
expect_rc 3 "unknown option"
expect_grep stdout '^NETCHK UNKNOWN - --frobnicate' "unknown option on stdout"

# unprivileged: UNKNOWN, and the text says what to do
unpriv_netchk check -s "$SMB_CONF" --state-dir "$OUT/nobody-state"
expect_rc 3 "unprivileged live check"
expect_grep stdout '^NETCHK UNKNOWN - cannot read .*secrets.tdb.*--cached' "unprivileged: the fix"
