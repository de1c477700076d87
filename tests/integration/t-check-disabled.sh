#!/bin/bash
# The computer account was disabled: CRITICAL "disabled", not "deleted"
# and not a password problem.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"
lab_fresh
lab_break disable
expect_eq "$(dc_attr userAccountControl)" 4098 "DC: UF_ACCOUNTDISABLE set"

check
expect_rc 2 "CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - MEMBER1\$: account disabled on dc1\.netchk\.test' "first line says disabled"
expect_grep stdout '^NETCHK CRITICAL - .*KDC_ERR_CLIENT_REVOKED' "names the KDC's code"
expect_no_grep stdout '^NETCHK.*(deleted|rejected)' "not deleted, not rejected"
expect_grep stdout '^dc1\.netchk\.test netlogon: CRITICAL - NT_STATUS_NO_TRUST_SAM_ACCOUNT \(0xC000018B\)' "long output: netlogon"
expect_grep stdout '^Repair: .*enable' "repair: enable"
