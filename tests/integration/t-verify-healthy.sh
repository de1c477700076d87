#!/bin/bash
# A fresh join: every path healthy, in text and JSON.
. "$(dirname "$0")/lib.sh"
lab_fresh

verify
expect_rc 0 "healthy text"
expect_grep stdout '^Verdict: +HEALTHY \(healthy\) on dc1.netchk.test' "verdict line"
expect_grep stdout '^  netlogon +OK ' "netlogon OK"
expect_grep stdout '^  kerberos +OK ' "kerberos OK"
expect_grep stdout '^  ldap +OK .*enabled, kvno 1' "ldap reads the account"
expect_grep stderr 'dc1.netchk.test: netlogon current password -> accepted: NT_STATUS_OK' "narrates the netlogon step"

verify --json
expect_rc 0 "healthy json"
expect_json '.schema' 1 "schema"
expect_json '.account' 'MEMBER1$' "account"
expect_json '.verdict.status' ok "status"
expect_json '.dcs[0].name' dc1.netchk.test "DC found by DNS SRV"
expect_json '.dcs[0].paths.netlogon.ntstatus' 0x00000000 "netlogon NTSTATUS"
expect_json '.dcs[0].paths.netlogon.ntstatus_name' NT_STATUS_OK "netlogon name"
expect_json '.dcs[0].ldap.account."msDS-KeyVersionNumber"' "$(dc_attr msDS-KeyVersionNumber)" "kvno agrees with the DC's sam.ldb"
expect_json '[.stores.keytab.entries[].matches] | unique | join(",")' current "every keytab key derives from the current password"
expect_json '.stores.keytab.max_kvno' 1 "keytab kvno"
expect_json '[.dcs[0].attempts[].outcome] | join(",")' 'accepted,accepted' "one presentation per path"

# No secret on any output.
set +e
"$LAB" member /usr/bin/python3 - "$SECRETS" "$OUT" <<'PY'
import sys, tdb, glob
db = tdb.open(sys.argv[1])
pw = db[b"SECRETS/MACHINE_PASSWORD/NETCHK"].rstrip(b"\0")
assert len(pw) > 100, "no machine password to look for"
for f in glob.glob(sys.argv[2] + "/std*"):
    data = open(f, "rb").read()
    # the password, or any 12-byte piece of it
    for i in range(0, len(pw) - 12, 6):
        if pw[i:i + 12] in data:
            print("secret found in", f)
            sys.exit(1)
PY
leak=$?
set -e
expect_eq "$leak" 0 "no piece of the machine password in any output"

# --server pins the DC
verify --server 127.0.0.10 --path netlogon --json
expect_rc 0 "--server by address, netlogon only"
expect_json '.dcs[0].paths.kerberos.run' false "kerberos not run"
