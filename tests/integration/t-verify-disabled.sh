#!/bin/bash
# The computer account was disabled: netlogon says NO_TRUST_SAM_ACCOUNT as
# for a deleted one; Kerberos must tell them apart.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break disable
expect_eq "$(dc_attr userAccountControl)" 4098 "DC: UF_ACCOUNTDISABLE set"

verify --json
expect_rc 2 "trust broken"
expect_json '.dcs[0].paths.netlogon.ntstatus' 0xC000018B "netlogon: NO_TRUST_SAM_ACCOUNT"
expect_json '.dcs[0].paths.kerberos.krb5_name' KDC_ERR_CLIENT_REVOKED "kerberos: client revoked"
expect_json '.dcs[0].paths.kerberos.ntstatus' 0xC0000072 "KDC e-data: ACCOUNT_DISABLED"
expect_json '.verdict.diagnosis' account-disabled "diagnosis: disabled, not deleted"
expect_json '.verdict.repair' enable-account "repair"
verify
expect_grep stdout '^Diagnosis: .*disabled' "says disabled"
expect_no_grep stdout '^Diagnosis: .*no longer exists' "does not say deleted"
