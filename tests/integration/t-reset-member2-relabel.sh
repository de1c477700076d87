#!/bin/bash
# MEMBER2 (keytab only) after the same password was set twice on the DC
# (a repeated or retransmitted set, two rotators racing): the keytab's
# newest keys ARE the DC's (Kerberos and netlogon accept them, kinit -k
# works) but carry kvno 3 while msDS-KeyVersionNumber is 4.  verify says
# so (keytab-kvno, no secrets.tdb in the text: there is none); reset
# without -U or --force writes the accepted keys again at the DC's kvno in
# every keytab of the account (a service keytab too), the old kvno kept,
# no change on the DC; the dry run's steps are the steps that ran.
. "$(dirname "$0")/lib.sh"
lab_fresh --sssd
lab_break m2-kvno-behind
K=(--keytab /etc/krb5.keytab --keytab /etc/nfs.keytab)
R=(reset --state-dir "$STATE_DIR" "${K[@]}" --restart-command echo)
NFS=nfs/member2.netchk.test@NETCHK.TEST

# a service keytab: MEMBER2's nfs/ principals only (kvnos 2 and 3)
"$LAB" member2 sh -c 'n=$(printf "rkt /etc/krb5.keytab\nlist\n" | ktutil | awk "\$1 ~ /^[0-9]+\$/ && \$3 !~ /^nfs\\// {print \$1}" | sort -rn);
	{ echo "rkt /etc/krb5.keytab"; for i in $n; do echo "delent $i"; done; echo "wkt /etc/nfs.keytab"; } | ktutil >/dev/null'
kv0=$(m2_attr msDS-KeyVersionNumber)
pls0=$(m2_attr pwdLastSet)
expect_eq "$kv0" 4 "DC kvno 4 (one password set twice)"
member2_run sh -c 'KRB5CCNAME=MEMORY: kinit -k "MEMBER2\$"'
expect_rc 0 "kinit -k works with the keytab's kvno 3 keys"

netchk2 verify --state-dir "$STATE_DIR" "${K[@]}" --json
expect_rc 2 "verify: broken"
expect_json '.dcs[0].paths.kerberos.summary' 'kvno 3 keys accepted' "kerberos accepts the kvno 3 keys"
expect_json '.dcs[0].paths.netlogon.status' ok "netlogon accepts the kvno 3 RC4 key"
expect_json '.dcs[0].ldap.account["msDS-KeyVersionNumber"]' 4 "the DC's kvno is 4"
expect_json '.verdict.diagnosis' keytab-kvno "diagnosis: keytab-kvno"
expect_json '.verdict.repair' relabel-keytab "repair: relabel-keytab"
netchk2 verify --state-dir "$STATE_DIR" "${K[@]}"
expect_grep stdout "^Diagnosis: the keytab's newest keys are the DC's current keys" "verify's text: the keys are right"
expect_grep stdout "^Diagnosis: .*older kvno than the account's msDS-KeyVersionNumber" "... under an older kvno"
expect_grep stdout "^Repair:    write the keytab's accepted keys again under the DC's kvno" "repair text"
expect_no_grep stdout 'secrets\.tdb' "no secrets.tdb in the text (there is none)"

# killed inside the first keytab write (the service keytab's, before its
# rename): nothing changed, the next run removes the temporary file
member2_run env NETCHK_TEST_CRASH_AFTER=keytab-temp "$NETCHK_BIN" "${R[@]}"
expect_rc 137 "reset killed inside the first keytab write"
expect_grep stderr 'msDS-KeyVersionNumber is 4' "killed after read-kvno"
ls "$M2_ETC"/nfs.keytab.netchk.?????? >/dev/null 2>&1 && ok "a temporary file left next to the service keytab" ||
	not_ok "no temporary file next to the service keytab"
member2_run sh -c 'for k in /etc/krb5.keytab /etc/nfs.keytab; do klist -k $k | awk "NR > 3 { print \$1 }" | sort -nu | paste -sd" "; done | paste -sd,'
expect_eq "$(cat "$OUT/stdout")" "2 3,2 3" "both keytabs unchanged (kvnos 2 3)"

netchk2 "${R[@]}" --dry-run --json
expect_json '.plan.action' rewrite-keytab "dry run: a keytab rewrite"
expect_json '.plan.credential' keytab "with the keytab's keys"
plan=$(jq -c '.plan.steps' "$OUT/stdout" 2>/dev/null)
expect_eq "$plan" '["read-kvno","relabel-keytab","verify-after"]' "dry run: plan.steps"
expect_eq "$(m2_attr msDS-KeyVersionNumber)" 4 "dry run: DC kvno unchanged"

netchk2 "${R[@]}" --json
expect_rc 0 "reset (no -U, no --force): healthy"
expect_eq "$(jq -c '.result.steps' "$OUT/stdout" 2>/dev/null)" "$plan" "result.steps = plan.steps"
expect_json '.result.changed_dc' false "no change on the DC"
expect_json '.result.changed_keytab' true "keytab written"
expect_json '.result.kvno' 4 "at kvno 4"
expect_json '.after.diagnosis' healthy "healthy after"
expect_grep stderr 'dc1.netchk.test: msDS-KeyVersionNumber is 4' "read-kvno: the DC's kvno, bound with the keytab's keys"
expect_grep stderr 'Removing /etc/nfs.keytab.netchk.[^ ]+, left by an interrupted netchk reset \.\.\. done' "the killed run's temporary file removed"
ls "$M2_ETC"/nfs.keytab.netchk.?????? >/dev/null 2>&1 && not_ok "temporary file still there" || ok "no temporary file left"
expect_grep stderr 'Relabelling keytab (FILE:)?/etc/krb5.keytab \.\.\. done \(its kvno 3 keys at kvno 4, kvno 3 kept\)' "machine keytab relabelled"
expect_grep stderr 'Relabelling keytab FILE:/etc/nfs.keytab \.\.\. done \(its kvno 3 keys at kvno 4, kvno 3 kept\)' "service keytab relabelled"
expect_no_grep stderr 'Journalling|Changing computer account|Stopping sssd' "no journal, no DC change, sssd not held off"
expect_eq "$(m2_attr msDS-KeyVersionNumber)" "$kv0" "DC: msDS-KeyVersionNumber unchanged"
expect_eq "$(m2_attr pwdLastSet)" "$pls0" "DC: pwdLastSet unchanged"

expect_eq "$(m2_kvnos '^MEMBER2\\$@')" "3 4" "machine keytab: kvno 4 newest (the DC's), kvno 3 kept, kvno 2 dropped"
expect_eq "$(m2_principals_at 4 | wc -l)" 7 "7 principals at kvno 4 (account, host/, nfs/, RestrictedKrbHost/ x2)"
# each principal's kvno 4 keys are its kvno 3 keys, enctype for enctype
# (compared inside member2; only the verdict leaves it)
member2_run sh -c 'for k in /etc/krb5.keytab /etc/nfs.keytab; do
	a=$(klist -keK $k | awk "NR > 3 && \$1 == 3 { print \$2, \$3, \$NF }" | sort)
	b=$(klist -keK $k | awk "NR > 3 && \$1 == 4 { print \$2, \$3, \$NF }" | sort)
	[ -n "$a" ] && [ "$a" = "$b" ] && echo same || echo differ; done | paste -sd" "'
expect_eq "$(cat "$OUT/stdout")" "same same" "both keytabs: kvno 4 holds the kvno 3 key bytes, every enctype"
member2_run sh -c 'klist -k /etc/nfs.keytab | awk "NR > 3 && \$1 == 4 { print \$2 }" | sort -u | paste -sd,'
expect_eq "$(cat "$OUT/stdout")" "nfs/MEMBER2@NETCHK.TEST,$NFS" "service keytab: its nfs/ principals at kvno 4, nothing added"
expect_eq "$(stat -c %a "$M2_ETC/krb5.keytab")" 600 "keytab mode kept"

member2_run sh -c 'KRB5CCNAME=MEMORY: kinit -k "MEMBER2\$"'
expect_rc 0 "kinit -k after the relabel"
member2_run sh -c 'export KRB5CCNAME=FILE:/run/t-relabel.cc; kinit -k "MEMBER2\$" && kvno -k /etc/nfs.keytab "$1"; r=$?; kdestroy; exit $r' sh "$NFS"
expect_rc 0 "kvno -k with the service keytab"
member2_run adcli testjoin
expect_rc 0 "adcli testjoin"
netchk2 verify --state-dir "$STATE_DIR" "${K[@]}" --json
expect_rc 0 "a second verify: healthy"
expect_json '.verdict.diagnosis' healthy "diagnosis healthy"
