#!/bin/bash
# MEMBER2 after 'adcli update' with the old keytab copied back: the DC moved
# on.  adcli testjoin fails; netchk names both paths' answers, netlogon
# proven with the keytab's RC4 key, and calls for an administrator reset.
# Without an RC4 key netlogon is not testable, and verify says why.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break m2-stale-keytab
expect_eq "$(m2_attr msDS-KeyVersionNumber)" 3 "DC kvno 3"
member2_run adcli testjoin
expect_rc 3 "adcli testjoin fails too"

netchk2 verify --state-dir "$STATE_DIR" --json
expect_rc 2 "broken"
expect_json '.dcs[0].paths.netlogon.ntstatus_name' NT_STATUS_ACCESS_DENIED "netlogon: the DC refuses the kvno 2 NT hash"
expect_json '.dcs[0].attempts[0].kvno' 2 "netlogon presented the kvno 2 RC4 key"
expect_json '.dcs[0].paths.kerberos.krb5_name' KDC_ERR_PREAUTH_FAILED "kerberos: preauth failed"
expect_json '.verdict.diagnosis' all-rejected "every local key rejected"
expect_json '.verdict.repair' admin-reset "repair needs an administrator"

# AES only, healthy again: netlogon not testable, said so, not broken
lab_fresh
"$LAB" member2 sh -c 'n=$(printf "rkt /etc/krb5.keytab\nlist -e\n" | ktutil | awk "/arcfour/ {print \$1}" | sort -rn);
	{ echo "rkt /etc/krb5.keytab"; for i in $n; do echo "delent $i"; done; echo "wkt /etc/aes.keytab"; } | ktutil >/dev/null &&
	mv /etc/aes.keytab /etc/krb5.keytab'
member2_run klist -ke /etc/krb5.keytab
expect_no_grep stdout arcfour "keytab holds no RC4 key"
netchk2 verify --state-dir "$STATE_DIR" --json
expect_rc 0 "AES-only keytab: healthy"
expect_json '.dcs[0].paths.netlogon.run' false "netlogon not run"
expect_json '.dcs[0].paths.netlogon.summary' 'not testable: the keytab holds no RC4 key of kvno 2 (the NT hash netlogon needs) and there is no secrets.tdb' "and why"
netchk2 verify --state-dir "$STATE_DIR"
expect_grep stderr 'netlogon not testable: the keytab holds no RC4 key' "narrated"
expect_grep stdout '^  netlogon   --   not testable' "and shown"
