#!/bin/bash
# The machine password was changed on the DC only (samba-tool user
# setpassword): every local secret is now wrong.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break dc-password
expect_eq "$(dc_attr msDS-KeyVersionNumber)" 2 "DC is at kvno 2"

verify --json
expect_rc 2 "trust broken"
expect_json '.dcs[0].paths.netlogon.ntstatus' 0xC0000022 "netlogon: the DC's ACCESS_DENIED"
expect_json '.dcs[0].paths.netlogon.status' broken "netlogon broken"
expect_json '.dcs[0].paths.kerberos.krb5_name' KDC_ERR_PREAUTH_FAILED "kerberos: preauth failed"
expect_json '.verdict.diagnosis' all-rejected "diagnosis"
expect_json '.verdict.repair' admin-reset "repair"

verify
expect_rc 2 "text"
expect_grep stdout '^  netlogon +FAIL NT_STATUS_ACCESS_DENIED \(0xC0000022\)' "text shows the NTSTATUS"
expect_grep stdout '^Verdict: +BROKEN \(all-rejected\)' "verdict line"
