#!/bin/bash
# secrets.tdb restored from an old backup; the keytab is current.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break stale-secrets

verify --json
expect_rc 2 "trust broken on netlogon"
expect_json '.dcs[0].paths.netlogon.ntstatus' 0xC0000022 "netlogon ACCESS_DENIED"
expect_json '.dcs[0].paths.kerberos.status' ok "kerberos OK"
expect_json '.dcs[0].paths.kerberos.summary' 'kvno 2 keys accepted' "with the kvno 2 keys"
expect_json '.verdict.diagnosis' secrets-stale "diagnosis"
expect_json '.verdict.repair' change-password "repair"
