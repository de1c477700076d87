#!/bin/bash
# Every principal of the keytab proven as an acceptor ('kvno -k'): with
# nfs/member2.netchk.test removed from MEMBER2$ in AD (Samba's KDC still
# issues host/ after its deletion, not nfs/), the machine paths pass and
# that principal is named, broken, with the KDC's words.
. "$(dirname "$0")/lib.sh"
lab_fresh

netchk2 verify --state-dir "$STATE_DIR" --json
expect_rc 0 "healthy: every principal accepts"
expect_json '[.dcs[0].acceptors[] | select(.ok)] | length' 6 "6 service principals proven"
expect_json '[.dcs[0].acceptors[].principal] | map(select(. == "nfs/member2.netchk.test@NETCHK.TEST")) | length' 1 "nfs/ among them"

"$LAB" dc samba-tool spn delete nfs/member2.netchk.test 'MEMBER2$' -s "$DC_SMB_CONF" >/dev/null
netchk2 verify --state-dir "$STATE_DIR" --json
expect_rc 2 "broken"
expect_json '.dcs[0].paths.kerberos.status' ok "the machine's own Kerberos is fine"
expect_json '.verdict.diagnosis' acceptor "diagnosis"
expect_json '.verdict.repair' fix-acceptor "repair"
expect_json '[.dcs[0].acceptors[] | select(.ok | not) | .principal] | join(",")' nfs/member2.netchk.test@NETCHK.TEST "exactly nfs/ named"
expect_json '.dcs[0].acceptors[] | select(.ok | not) | .detail' 'no service ticket: Server not found in Kerberos database' "the KDC's words"
netchk2 verify --state-dir "$STATE_DIR"
expect_grep stdout '^  acceptor   FAIL nfs/member2.netchk.test@NETCHK.TEST: no service ticket: Server not found' "text"
expect_grep stdout '^  acceptor   OK   host/member2.netchk.test@NETCHK.TEST \(kvno 2, enctype 18\)' "host/ fine"
