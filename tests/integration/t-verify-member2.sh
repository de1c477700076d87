#!/bin/bash
# A realmd/adcli/sssd host (MEMBER2: no smb.conf, no secrets.tdb): verify
# with no options takes realm, account, keytab, DCs and site from
# krb5.conf, sssd.conf and the keytab, says where each came from, and
# proves netlogon with the keytab's RC4 key (the NT hash).
. "$(dirname "$0")/lib.sh"
lab_fresh --sssd
V=(verify --state-dir "$STATE_DIR")

netchk2 "${V[@]}" --json
expect_rc 0 "healthy keytab-only host"
expect_json '.account' 'MEMBER2$' "account from the keytab"
expect_json '.realm' NETCHK.TEST "realm"
expect_json '.config.keytab_only' true "no smb.conf: keytab-only"
expect_json '.config.from.realm' '/etc/sssd/sssd.conf [domain/netchk.test] krb5_realm' "realm from sssd.conf"
expect_json '.config.from.account' 'FILE:/etc/krb5.keytab (MEMBER2$@NETCHK.TEST)' "account from the keytab's NAME\$ principal"
expect_json '.config.keytab' FILE:/etc/krb5.keytab "the default keytab"
expect_json '.stores.secrets' null "no secrets.tdb read"
expect_json '.dcs[0].paths.netlogon.status' ok "netlogon proven"
expect_json '.dcs[0].attempts[0].kvno' 2 "netlogon with the kvno 2 RC4 key"
expect_json '.dcs[0].paths.kerberos.status' ok "kerberos"
expect_json '.dcs[0].paths.ldap.status' ok "ldap"
expect_json '.verdict.diagnosis' healthy "diagnosis"

# --path netlogon alone still reads the keytab for its RC4 key
netchk2 "${V[@]}" --path netlogon --json
expect_rc 0 "netlogon alone"
expect_json '.dcs[0].paths.netlogon.status' ok "netlogon proven with the keytab's RC4 key"

# plain text, no options at all
netchk2 verify
expect_rc 0 "verify with no options"
expect_grep stdout '^Account  MEMBER2\$ in NETCHK.TEST \(no smb.conf' "text names the host's files"
expect_no_grep stdout '\(null\)' "no (null) in the text"
expect_grep stderr 'realm NETCHK.TEST from /etc/sssd/sssd.conf \[domain/netchk.test\] krb5_realm' "narration names the file"
expect_grep stderr 'netlogon keytab RC4 key \(NT hash\) kvno 2 -> accepted' "narration: netlogon with the RC4 key"

# check and its password-age default from sssd's 30 days
netchk2 check
expect_rc 0 "check with no options"
expect_grep stdout "'password_age'=[0-9]+s;5184000;" "warning at twice sssd's 30 days"

# sssd.conf names the DC, the site and the keytab
"$LAB" member2 sh -c 'cp -p /etc/krb5.keytab /etc/other.keytab &&
	sed -i "/^\[domain\//a ad_server = dc1.netchk.test, _srv_\nad_site = Default-First-Site-Name\nkrb5_keytab = /etc/other.keytab" /etc/sssd/sssd.conf'
netchk2 "${V[@]}" --json
expect_rc 0 "sssd.conf's DC, site and keytab"
expect_json '.config.servers | join(",")' dc1.netchk.test "DC from ad_server (_srv_ dropped)"
expect_json '.config.from.servers' '/etc/sssd/sssd.conf [domain/netchk.test] ad_server' "said where"
expect_json '.config.site' Default-First-Site-Name "site from ad_site"
expect_json '.config.keytab' /etc/other.keytab "keytab from krb5_keytab"
expect_json '.stores.keytab.name' FILE:/etc/other.keytab "that keytab was read"

# no sssd.conf: krb5.conf's kdc with dns_lookup_kdc off, default_keytab_name
"$LAB" member2 sh -c 'rm /etc/sssd/sssd.conf &&
	sed -i "s/dns_lookup_kdc = true/dns_lookup_kdc = false\n\tdefault_keytab_name = FILE:\/etc\/other.keytab/; s/NETCHK.TEST = {/NETCHK.TEST = {\n\t\tkdc = 127.0.0.10:88/" /etc/krb5.conf'
netchk2 "${V[@]}" --json
expect_rc 1 "krb5.conf only: works, but nothing rotates the password"
expect_json '.config.sssd_conf' null "no sssd.conf"
expect_json '.config.from.realm' '/etc/krb5.conf [libdefaults] default_realm' "realm from krb5.conf"
expect_json '.config.servers | join(",")' 127.0.0.10 "DC from kdc (port dropped)"
expect_json '.config.from.keytab' '/etc/krb5.conf [libdefaults] default_keytab_name' "keytab from default_keytab_name"
expect_json '.dcs[0].verdict.diagnosis' rotators "every path OK; the warning is the missing rotator"
expect_json '.dcs[0].paths.kerberos.status' ok "kerberos OK"
