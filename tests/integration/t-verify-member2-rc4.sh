#!/bin/bash
# Encryption types on the keytab-only MEMBER2.  An RC4-only keytab for an
# account with AES keys: 'kinit -k' fails ("No key table entry found")
# while an RC4-only AS exchange passes; verify says so (keytab-enctypes,
# broken) and reset rotates to keys of every enctype.  An account limited
# to RC4 (msDS-SupportedEncryptionTypes 4) works, with a WARNING.
. "$(dirname "$0")/lib.sh"
lab_fresh
V=(verify --state-dir "$STATE_DIR")

"$LAB" member2 sh -c 'n=$(printf "rkt /etc/krb5.keytab\nlist -e\n" | ktutil | awk "/aes/ {print \$1}" | sort -rn);
	{ echo "rkt /etc/krb5.keytab"; for i in $n; do echo "delent $i"; done; echo "wkt /etc/rc4.keytab"; } | ktutil >/dev/null &&
	mv /etc/rc4.keytab /etc/krb5.keytab'
member2_run sh -c 'kinit -k "MEMBER2\$@NETCHK.TEST"'
expect_rc 1 "kinit -k with the RC4-only keytab fails"
expect_grep stderr 'No key table entry found' "as the field sees it"

netchk2 "${V[@]}" --json
expect_rc 2 "broken"
expect_json '.dcs[0].paths.kerberos.status' ok "the RC4 keys themselves are good"
expect_json '.enctypes.keytab' 4 "keytab: RC4 only"
expect_json '.enctypes.account' 28 "account: RC4 + AES"
expect_json '.verdict.diagnosis' keytab-enctypes "diagnosis"
expect_json '.verdict.repair' change-password "repair"
netchk2 "${V[@]}"
expect_grep stdout '^  enctypes     keytab kvno 2 holds rc4 keys only, the account has aes256 aes128' "text names it"

netchk2 reset --state-dir "$STATE_DIR"
expect_rc 0 "reset repairs it"
expect_grep stdout '^Plan:    change-password: the keytab lacks the account' "plan"
member2_run sh -c 'klist -ke /etc/krb5.keytab | awk "\$1 == 3" | grep -c aes'
expect_eq "$(cat "$OUT/stdout")" 14 "kvno 3: AES keys for all 7 principals"
member2_run sh -c 'kinit -k "MEMBER2\$@NETCHK.TEST"'
expect_rc 0 "kinit -k works again"

# an account limited to RC4: works, but depends on RC4
lab_fresh
"$LAB" dc sh -c "printf 'dn: CN=MEMBER2,CN=Computers,DC=netchk,DC=test\nchangetype: modify\nreplace: msDS-SupportedEncryptionTypes\nmsDS-SupportedEncryptionTypes: 4\n' | ldbmodify -H $DC_SAM" >/dev/null
expect_eq "$(m2_attr msDS-SupportedEncryptionTypes)" 4 "account limited to RC4"
netchk2 "${V[@]}" --json
expect_rc 1 "warning"
expect_json '.verdict.diagnosis' rc4-only "depends on RC4"
expect_json '.verdict.repair' enable-aes "repair: enable AES"
expect_json '.enctypes.finding | test("only RC4 is usable")' true "finding"
