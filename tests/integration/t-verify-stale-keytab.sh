#!/bin/bash
# secrets.tdb current, keytab one kvno behind (what wbinfo -c / net rpc
# changetrustpw leave behind).  net ads testjoin says "Join is OK"; we
# must not.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break stale-keytab
expect_eq "$(dc_attr msDS-KeyVersionNumber)" 2 "DC kvno 2"

set +e
"$LAB" member net ads testjoin -s "$SMB_CONF" >"$OUT/testjoin" 2>&1
tj=$?
set -e
expect_eq "$tj" 0 "net ads testjoin exit (the tool we improve on)"

verify --json
expect_rc 2 "trust broken on the Kerberos path"
expect_json '.dcs[0].paths.netlogon.status' ok "netlogon OK"
expect_json '.dcs[0].paths.kerberos.status' broken "kerberos broken"
expect_json '.dcs[0].paths.kerberos.krb5_name' KDC_ERR_PREAUTH_FAILED "KDC says preauth failed"
expect_json '.stores.keytab.max_kvno' 1 "keytab kvno 1"
expect_json '[.stores.keytab.entries[].matches] | unique | join(",")' previous "keytab keys are the previous password's"
expect_json '.verdict.diagnosis' keytab-stale "diagnosis"
expect_json '.verdict.repair' rewrite-keytab "repair: keytab only, no DC change"
