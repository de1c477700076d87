#!/bin/bash
# sssd's renewal racing 'reset --force' on MEMBER2: 'adcli update' (what
# sssd runs; a child it started survives sssd being held off) started
# together with netchk's forced rotation, and 0.4 s and 1.2 s before it
# (adcli's change in flight, or its keytab half written).  netchk waits
# for a running adcli that writes its keytab before it reads the stores,
# and again once sssd is held off, right before the DC is touched; when
# adcli ran meanwhile, it verifies again.  One change wins or both land
# one after the other; either way the stores agree with the DC: kinit -k
# works, the keytab's newest kvno is the DC's msDS-KeyVersionNumber and
# verify is healthy.  Before, about 1 run in 3 (1 in 2 on a busy machine)
# ended with the keytab one kvno behind the DC.
. "$(dirname "$0")/lib.sh"
lab_fresh --sssd
expect_eq "$(m2_attr msDS-KeyVersionNumber)" 2 "DC kvno 2"

# race DELAY: adcli update in the background, netchk reset --force after
# DELAY s (0: together; later: adcli's change in flight), then the checks.
race() {
	local nrc arc=0 apid dc
	"$LAB" member2 adcli update --verbose --computer-password-lifetime=0 \
		>"$OUT/adcli.$1.out" 2>&1 &
	apid=$!
	sleep "$1"
	netchk2 reset --state-dir "$STATE_DIR" --force
	nrc=$RC
	wait "$apid" || arc=$?
	echo "# delay $1 s: netchk reset rc $nrc, adcli update rc $arc"
	((arc == 0)) || tail -1 "$OUT/adcli.$1.out" | sed "s/^/# adcli: /"
	((nrc == 0 || arc == 0)) && ok "delay $1: a rotation succeeded (netchk $nrc, adcli $arc)" ||
		not_ok "delay $1: neither rotation succeeded (netchk $nrc, adcli $arc)"
	dc=$(m2_attr msDS-KeyVersionNumber)
	[[ $dc -gt $2 ]] && ok "delay $1: the DC moved on (kvno $dc)" || not_ok "delay $1: DC kvno $dc"
	expect_eq "$(m2_kvnos '^MEMBER2\\$@' | awk '{ print $NF }')" "$dc" "delay $1: keytab's newest kvno is the DC's"
	member2_run sh -c 'KRB5CCNAME=MEMORY: kinit -k "MEMBER2\$"'
	expect_rc 0 "delay $1: kinit -k works"
	netchk2 verify --state-dir "$STATE_DIR" --json
	expect_rc 0 "delay $1: verify healthy after the race"
}
race 0 2
race 0.4 "$(m2_attr msDS-KeyVersionNumber)"
race 1.2 "$(m2_attr msDS-KeyVersionNumber)"

netchk2 verify --state-dir "$STATE_DIR" --json
expect_rc 0 "verify healthy after the race"
expect_json '.verdict.diagnosis' healthy "healthy"
