#!/bin/bash
# A keytab whose principals are not all at the DC's kvno: after 'adcli
# update', host/ and RestrictedKrbHost/ are left at the old kvno while
# MEMBER2$ and nfs/ have the new keys (what a reader sees while a rotator
# appends its entries one by one).  kinit -k works, ssh GSSAPI to host/
# does not: verify must prove those principals too, not only the ones of
# the keytab's newest kvno; 'reset' writes the account's keys for every
# principal, with no change on the DC.
. "$(dirname "$0")/lib.sh"
lab_fresh --sssd
lab_break m2-half-keytab
kv=$(m2_attr msDS-KeyVersionNumber)

member2_run sh -c 'KRB5CCNAME=MEMORY: kinit -k "MEMBER2$"'
expect_rc 0 "kinit -k works: the account's own keys are the DC's"

netchk2 verify --state-dir "$STATE_DIR" --json
expect_rc 2 "broken"
expect_json '.dcs[0].paths.kerberos.status' ok "the machine's own Kerberos is fine"
expect_json '.verdict.diagnosis' acceptor "diagnosis"
expect_json '[.dcs[0].acceptors[] | select(.ok | not) | .principal] | sort | join(",")' \
	'RestrictedKrbHost/MEMBER2@NETCHK.TEST,RestrictedKrbHost/member2.netchk.test@NETCHK.TEST,host/MEMBER2@NETCHK.TEST,host/member2.netchk.test@NETCHK.TEST' \
	"the four principals left behind are named"
expect_json "[.dcs[0].acceptors[] | select(.ok | not) | .kvno] | unique | join(\",\")" "$kv" "the DC's tickets are at kvno $kv"
expect_json '[.dcs[0].acceptors[] | select(.ok) | .principal] | length' 2 "nfs/ principals proven"

# the smallest repair: the account's accepted keys for every principal,
# no change on the DC, no --force
pls=$(m2_attr pwdLastSet)
netchk2 reset --state-dir "$STATE_DIR" --dry-run --json
expect_json '.plan.action' rewrite-keytab "plan: rewrite the keytab"
planned=$(jq -c '.plan.steps' "$OUT/stdout")
netchk2 reset --state-dir "$STATE_DIR" --json
expect_rc 0 "reset repairs it"
expect_eq "$(jq -c '.result.steps' "$OUT/stdout")" "$planned" "the steps run are the steps planned"
expect_eq "$(m2_attr msDS-KeyVersionNumber)" "$kv" "no change on the DC (kvno)"
expect_eq "$(m2_attr pwdLastSet)" "$pls" "no change on the DC (pwdLastSet)"
expect_eq "$(m2_kvnos '^host/member2')" "$((kv - 1)) $kv" "host/ at the DC's kvno, the one below kept"
expect_eq "$(m2_principals_at "$kv" | wc -l)" 7 "7 principals at the DC's kvno"
expect_eq "$(m2_principals_at $((kv - 1)) | wc -l)" 7 "and at the one below"
member2_run adcli testjoin
expect_rc 0 "adcli testjoin"
netchk2 verify --state-dir "$STATE_DIR" --json
expect_rc 0 "healthy after the reset"
expect_json '[.dcs[0].acceptors[] | select(.ok)] | length' 6 "all 6 service principals proven"
