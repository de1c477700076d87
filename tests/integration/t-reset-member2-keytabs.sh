#!/bin/bash
# Every keytab of the account: a service keytab (a copy of MEMBER2's with
# only its nfs/ principals, as an NFS server keeps one) given as a second
# --keytab is read, its principals proven as acceptors and named with it;
# left at the old kvno by 'adcli update' it is found stale, and
# 'reset --force' rewrites both keytabs to the new kvno (the service
# keytab keeps only its nfs/ principals).
. "$(dirname "$0")/lib.sh"
lab_fresh
K=(--keytab /etc/krb5.keytab --keytab /etc/nfs.keytab)
NFS=nfs/member2.netchk.test@NETCHK.TEST
NFS2="nfs/MEMBER2@NETCHK.TEST,$NFS"

"$LAB" member2 sh -c 'n=$(printf "rkt /etc/krb5.keytab\nlist\n" | ktutil | awk "\$1 ~ /^[0-9]+\$/ && \$3 !~ /^nfs\\// {print \$1}" | sort -rn);
	{ echo "rkt /etc/krb5.keytab"; for i in $n; do echo "delent $i"; done; echo "wkt /etc/nfs.keytab"; } | ktutil >/dev/null'
member2_run sh -c 'klist -k /etc/nfs.keytab | awk "NR > 3 { print \$1, \$2 }" | sort -u | paste -sd,'
expect_eq "$(cat "$OUT/stdout")" "2 nfs/MEMBER2@NETCHK.TEST,2 $NFS" "service keytab: nfs/ at kvno 2 only"

netchk2 verify --state-dir "$STATE_DIR" "${K[@]}" --json
expect_rc 0 "healthy with both keytabs"
expect_json '.stores.more_keytabs[0].name' FILE:/etc/nfs.keytab "the second keytab read"
expect_json '.stores.more_keytabs[0].max_kvno' 2 "at kvno 2"
expect_json "[.dcs[0].acceptors[] | select(.keytab == \"FILE:/etc/nfs.keytab\" and .ok) | .principal] | join(\",\")" "$NFS2" "its nfs/ proven with its key"

member2_run adcli update --computer-password-lifetime=0
expect_rc 0 "adcli update rotates /etc/krb5.keytab only"
expect_eq "$(m2_attr msDS-KeyVersionNumber)" 3 "DC kvno 3"

netchk2 verify --state-dir "$STATE_DIR" "${K[@]}" --json
expect_rc 2 "the service keytab is stale"
expect_json '.dcs[0].paths.kerberos.status' ok "the machine keytab is fine"
expect_json '.verdict.diagnosis' acceptor "diagnosis"
expect_json '[.dcs[0].acceptors[] | select(.ok | not) | "\(.principal) \(.keytab)"] | join(",")' "nfs/MEMBER2@NETCHK.TEST FILE:/etc/nfs.keytab,$NFS FILE:/etc/nfs.keytab" "exactly the service keytab's nfs/ named"
netchk2 verify --state-dir "$STATE_DIR" "${K[@]}"
expect_grep stdout "^  acceptor   FAIL $NFS in FILE:/etc/nfs.keytab: the keytab cannot open the DC's ticket" "text names the keytab"
expect_grep stdout '^  keytab       FILE:/etc/nfs.keytab: 6 entries, highest kvno 2' "text lists the keytab"

netchk2 reset --state-dir "$STATE_DIR" "${K[@]}" --force
expect_rc 0 "reset --force rewrites every keytab"
expect_grep stdout "^Plan:    change-password: a keytab's keys are not the DC's" "the plan: rotate, write every keytab"
expect_grep stderr 'Updating keytab /etc/krb5.keytab \.\.\. done \(kvno 4, kvno 3 kept\)' "machine keytab kvno 4"
expect_grep stderr 'Updating keytab FILE:/etc/nfs.keytab \.\.\. done \(kvno 4; older keys dropped: the DC rejected them\)' "service keytab kvno 4, its stale kvno 2 dropped"
expect_grep stdout '^After:   ok \(healthy\)' "healthy after"
expect_eq "$(m2_attr msDS-KeyVersionNumber)" 4 "DC kvno 4"
expect_eq "$(KT=/etc/nfs.keytab m2_principals_at 4 | paste -sd,)" "$NFS2" "service keytab: nfs/ at kvno 4, nothing added"
expect_eq "$(m2_principals_at 4 | wc -l)" 7 "machine keytab: 7 principals at kvno 4"
member2_run sh -c 'export KRB5CCNAME=FILE:/run/t-keytabs.cc; kinit -k "MEMBER2\$" && kvno -k /etc/nfs.keytab "$1"; r=$?; kdestroy; exit $r' sh "$NFS"
expect_rc 0 "kinit -k, then kvno -k with the service keytab"

# Found, not given: sssd's krb5_keytab is the machine keytab, MIT's
# default keytab (/etc/krb5.keytab) a service keytab left at kvno 2.
lab_fresh
"$LAB" member2 sh -c 'n=$(printf "rkt /etc/krb5.keytab\nlist\n" | ktutil | awk "\$1 ~ /^[0-9]+\$/ && \$3 !~ /^nfs\\// {print \$1}" | sort -rn);
	{ echo "rkt /etc/krb5.keytab"; for i in $n; do echo "delent $i"; done; echo "wkt /etc/nfs.keytab"; } | ktutil >/dev/null'
member2_run adcli update --computer-password-lifetime=0
expect_rc 0 "adcli update"
"$LAB" member2 sh -c 'mv /etc/krb5.keytab /etc/sssd.keytab && mv /etc/nfs.keytab /etc/krb5.keytab &&
	sed -i "/^\[domain\//a krb5_keytab = /etc/sssd.keytab" /etc/sssd/sssd.conf'
netchk2 verify --state-dir "$STATE_DIR" --json
expect_rc 2 "found: the default keytab is stale"
expect_json '.config.keytab' /etc/sssd.keytab "sssd's krb5_keytab is the machine keytab"
expect_json '.stores.more_keytabs[0].name' FILE:/etc/krb5.keytab "the default keytab found beside it"
expect_json '[.dcs[0].acceptors[] | select(.ok | not) | .keytab] | unique | join(",")' FILE:/etc/krb5.keytab "its principals named with it"
netchk2 reset --state-dir "$STATE_DIR" --force
expect_rc 0 "reset --force rewrites both"
expect_grep stderr 'Updating keytab FILE:/etc/krb5.keytab \.\.\. done \(kvno 4; older keys dropped' "default keytab kvno 4"
expect_grep stdout '^After:   ok \(healthy\)' "healthy after"
member2_run sh -c 'for k in /etc/sssd.keytab /etc/krb5.keytab; do klist -k $k | awk "NR > 3 { print \$1 }" | sort -n | tail -1; done | paste -sd,'
expect_eq "$(cat "$OUT/stdout"),$(m2_attr msDS-KeyVersionNumber)" "4,4,4" "both keytabs at the DC's kvno"

# Samba 4.21+'s 'sync machine password to keytab': its keytabs are found
# on a Samba member too (Samba 4.17's loadparm ignores the parameter).
lab_fresh
SYNC=$(dirname "$KEYTAB")/sync.keytab
cp "$KEYTAB" "$SYNC"
sed -i "s|^\[global\]\$|[global]\n\tsync machine password to keytab = $SYNC:account_name:machine_password|" "$SMB_CONF"
grep -q "^	sync machine password to keytab = $SYNC:" "$SMB_CONF" && ok "smb.conf lists $SYNC" || not_ok "smb.conf not changed"
netchk verify -s "$SMB_CONF" --state-dir "$STATE_DIR" --json
expect_rc 0 "a Samba member with a synced keytab: healthy"
expect_json '.stores.more_keytabs[0].name' "FILE:$SYNC" "the synced keytab found"
netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --force --restart-command echo
expect_rc 0 "reset --force"
expect_grep stderr "Updating keytab FILE:$SYNC \\.\\.\\. done \\(kvno 2, kvno 1 kept\\)" "the synced keytab rewritten"
klist -k "FILE:$SYNC" | awk 'NR > 3 { print $1 }' | sort -nu | paste -sd, >"$OUT/kvnos"
expect_eq "$(cat "$OUT/kvnos"),$(dc_attr msDS-KeyVersionNumber)" "1,2,2" "synced keytab: the DC's kvno 2, 1 kept"

# sssd beside winbind on a Samba member keeps its keys in its own
# krb5_keytab: found too, and rewritten by reset.
lab_fresh
SSSD_KT=$(dirname "$KEYTAB")/sssd.keytab
cp "$KEYTAB" "$SSSD_KT"
printf '[sssd]\ndomains = netchk.test\n[domain/netchk.test]\nid_provider = ad\nad_domain = netchk.test\nkrb5_keytab = FILE:%s\nad_update_samba_machine_account_password = true\n' "$SSSD_KT" >"$OUT/sssd.conf"
member_run env NETCHK_SSSD_CONF="$OUT/sssd.conf" "$NETCHK_BIN" verify -s "$SMB_CONF" --state-dir "$STATE_DIR" --json
expect_rc 0 "a Samba member with sssd's own keytab: healthy"
expect_json '.stores.more_keytabs[0].name' "FILE:$SSSD_KT" "sssd's krb5_keytab found on a Samba member"
member_run env NETCHK_SSSD_CONF="$OUT/sssd.conf" "$NETCHK_BIN" reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --force --restart-command echo
expect_rc 0 "reset --force"
expect_grep stderr "Updating keytab FILE:$SSSD_KT \\.\\.\\. done" "sssd's keytab rewritten"
klist -k "FILE:$SSSD_KT" | awk 'NR > 3 { print $1 }' | sort -nu | tail -1 >"$OUT/kvno"
expect_eq "$(cat "$OUT/kvno")" "$(dc_attr msDS-KeyVersionNumber)" "sssd's keytab at the DC's kvno"
