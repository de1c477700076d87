#!/bin/bash
# The machine password was changed on the DC only: CRITICAL, the DC's own
# NTSTATUS 0xC0000022 on netlogon, in the first line and the long output.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"
lab_fresh
lab_break dc-password

check
expect_rc 2 "CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - MEMBER1\$: machine secret rejected on dc1\.netchk\.test \(netlogon: NT_STATUS_ACCESS_DENIED \(0xC0000022\)' "first line names netlogon's NTSTATUS"
expect_grep stdout '^dc1\.netchk\.test netlogon: CRITICAL - NT_STATUS_ACCESS_DENIED \(0xC0000022\)' "long output: netlogon"
expect_grep stdout '^dc1\.netchk\.test kerberos: CRITICAL - KDC_ERR_PREAUTH_FAILED' "long output: kerberos"
expect_grep stdout '^Repair: reset the machine password with administrator' "repair"
expect_eq "$(perf_field dcs_ok 1)" 0 "dcs_ok 0"
if perfdata >/dev/null; then ok "perfdata parses"; else not_ok "perfdata"; fi
# a second run answers from the lockout memory, same state
check
expect_rc 2 "still CRITICAL"
expect_grep stdout 'remembered, not presented again' "second run did not present the rejected secrets"
expect_grep stdout '^NETCHK CRITICAL - .*0xC0000022' "same code from memory"
