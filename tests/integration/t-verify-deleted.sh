#!/bin/bash
# The computer account was deleted on the DC.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break delete
expect_eq "$(dc_attr userAccountControl)" "" "the DC has no MEMBER1\$"

verify --json
expect_rc 2 "trust broken"
expect_json '.dcs[0].paths.netlogon.ntstatus' 0xC000018B "netlogon: NO_TRUST_SAM_ACCOUNT"
expect_json '.dcs[0].paths.kerberos.krb5_name' KDC_ERR_C_PRINCIPAL_UNKNOWN "kerberos: principal unknown"
expect_json '.verdict.diagnosis' account-deleted "diagnosis: deleted"
expect_json '.verdict.repair' rejoin "repair: rejoin"
verify
expect_grep stdout '^Diagnosis: .*no longer exists' "says deleted in words"
