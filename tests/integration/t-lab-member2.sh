#!/bin/bash
# The lab's second member is a realmd/adcli/sssd host: no smb.conf, its own
# /etc and host name, joined, sssd answering; a rebuild resets it.
. "$(dirname "$0")/lib.sh"
lab_fresh --sssd

member2_run hostname
expect_grep stdout '^member2\.netchk\.test$' "member2 has its own host name"
member2_run test -e /etc/samba/smb.conf
expect_rc 1 "member2 has no smb.conf"
member2_run sh -c 'stat -c %a /etc/sssd/sssd.conf; klist -k /etc/krb5.keytab'
expect_grep stdout '^600$' "sssd.conf is 0600"
expect_grep stdout '2 MEMBER2\$@NETCHK.TEST' "keytab holds MEMBER2\$ kvno 2"
expect_grep stdout 'nfs/member2.netchk.test@NETCHK.TEST' "keytab holds nfs/"
member2_run adcli testjoin
expect_rc 0 "adcli testjoin"
member2_run getent passwd administrator@netchk.test
expect_grep stdout '^administrator@netchk.test:' "sssd resolves a domain user"
expect_eq "$(m2_attr msDS-KeyVersionNumber)" 2 "DC kvno of MEMBER2\$"

lab_break m2-stale-keytab
member2_run adcli testjoin
expect_rc 3 "adcli testjoin fails after the DC moved on"
lab_fresh
expect_eq "$(m2_attr msDS-KeyVersionNumber)" 2 "rebuild resets MEMBER2\$ on the DC"
member2_run adcli testjoin
expect_rc 0 "adcli testjoin after rebuild"
