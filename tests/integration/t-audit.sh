#!/bin/bash
# netchk audit against the lab DC: computer accounts made the way the
# field has them (written into the DC's sam.ldb with samba-tool and
# ldbmodify; a password set in the past with faketime), then audit reads
# every computer account in one search (paged, or one unpaged search on a
# Samba DC), as the machine and as -U
# administrator, and must find each: disabled, stale, never rotated,
# last logon behind the password, a dNSHostName two accounts share,
# RC4-only, and nothing on the healthy ones.
. "$(dirname "$0")/lib.sh"
lab_fresh
DC_DIR=${DC_SMB_CONF%/etc/smb.conf}
SAM=$DC_DIR/private/sam.ldb
BASE=DC=netchk,DC=test
printf "%s\n" "${LAB_ADMIN_PASS:-Netchk.Admin.Pw1}" >"$OUT/good"
chmod 600 "$OUT/good"
audit() { netchk audit -s "$SMB_CONF" "$@"; }
# run on the DC host (its overlay), against the local sam.ldb
on_dc() {
	"$LAB" dc "$@" >>"$OUT/lab.log" 2>&1 </dev/null || {
		tail -5 "$OUT/lab.log" >&2
		echo "Bail out! on the DC: $*" >&2
		exit 1
	}
}
modify() {	# modify NAME LDIF-BODY: one modify of CN=NAME,CN=Computers
	printf 'dn: CN=%s,CN=Computers,%s\nchangetype: modify\n%s\n' \
		"$1" "$BASE" "$2" >"$OUT/mod.ldif"
	on_dc ldbmodify -H "$SAM" "$OUT/mod.ldif"
}
# an enabled account with a password set DAYS ago (0: now), AES, named
computer() {	# computer NAME DAYS
	local ft=()
	(($2 > 0)) && ft=(faketime -f "-${2}d")
	on_dc samba-tool computer create "$1" -H "$SAM"
	on_dc "${ft[@]}" samba-tool user setpassword "$1\$" \
		--newpassword="Audit.$1.Pw-1x" -H "$SAM"
	on_dc samba-tool user enable "$1\$" -H "$SAM"
	modify "$1" "replace: dNSHostName
dNSHostName: ${1,,}.netchk.test
-
replace: msDS-SupportedEncryptionTypes
msDS-SupportedEncryptionTypes: 28"
}
count_computers() {
	"$LAB" dc ldbsearch -H "$SAM" '(objectClass=computer)' dn 2>/dev/null |
		grep -c '^dn: '
}
# FILETIME of N days ago, and GeneralizedTime
filetime() { echo $((($(date +%s) - $1 * 86400 + 11644473600) * 10000000)); }
gentime() { date -u -d "@$(($(date +%s) - $1 * 86400))" +%Y%m%d%H%M%S.0Z; }

# the lab as built: nothing to find
audit --json
expect_rc 0 "healthy lab: exit 0"
expect_json '.status' ok "healthy lab"
expect_json '.findings | length' 0 "no finding"
expect_json '.accounts' "$(count_computers)" "every computer account read"
expect_json '.bound_as' 'MEMBER1$@NETCHK.TEST' "bound as the machine"
# from the keytab-only sssd host (no smb.conf): bound as MEMBER2$
netchk2 audit --json
expect_rc 0 "from member2 (sssd, keytab only): exit 0"
expect_json '.bound_as' 'MEMBER2$@NETCHK.TEST' "bound as MEMBER2$ with its keytab"
expect_json '.accounts' "$(count_computers)" "member2 reads them all too"

# what the field has
on_dc samba-tool computer create AUDDIS -H "$SAM"	# disabled, no password
computer AUDOLD 90					# stopped rotating
modify AUDOLD "replace: whenCreated
whenCreated: $(gentime 200)"
computer AUDNEV 100					# set at the join only
modify AUDNEV "replace: whenCreated
whenCreated: $(gentime 100)"
computer AUDLOG 0					# set now, last logon 60 days ago
modify AUDLOG "replace: lastLogonTimestamp
lastLogonTimestamp: $(filetime 60)"
computer AUDDUP 0					# member1's dNSHostName
modify AUDDUP "replace: dNSHostName
dNSHostName: member1.netchk.test"
computer AUDRC4 0					# RC4 only
modify AUDRC4 "replace: msDS-SupportedEncryptionTypes
msDS-SupportedEncryptionTypes: 4"
computer AUDOK 0					# healthy
expect_eq "$("$LAB" dc ldbsearch -H "$SAM" '(sAMAccountName=AUDDUP$)' dNSHostName |
	sed -n 's/^dNSHostName: //p')" member1.netchk.test "AUDDUP$ carries member1's dNSHostName"

has() {	# has ACCOUNT FINDING SEVERITY
	local got
	got=$(jq -r --arg a "$1" --arg f "$2" \
		'[.findings[] | select(.account == $a and .finding == $f) | .severity] | join(",")' \
		"$OUT/stdout")
	expect_eq "$got" "$3" "$1: $2 ($3)"
}
audit --json --page-size=3
expect_rc 2 "worst finding broken (shared dNSHostName): exit 2"
expect_json '.status' broken "status broken"
total=$(count_computers)
expect_json '.accounts' "$total" "all $total computer accounts read"
expect_json '.pages' "$(((total + 2) / 3))" "in pages of 3"
expect_json '.page_size' 3 "paged (RFC 2696)"
has 'AUDDIS$' disabled ok
has 'AUDOLD$' stale-password warning
has 'AUDNEV$' never-rotated warning
has 'AUDLOG$' logon-behind warning
has 'AUDDUP$' shared-dns-name broken
has 'MEMBER1$' shared-dns-name broken
has 'AUDRC4$' rc4-only warning
expect_json '[.findings[] | select(.account == "AUDOK$" or .account == "DC1$")] | length' 0 \
	"nothing on the healthy accounts"
expect_json '[.findings[] | select(.account == "AUDDIS$")] | length' 1 \
	"a disabled account is judged for nothing else"
expect_json '.findings[] | select(.account == "AUDRC4$") | .supported_enctypes' 4 "RC4's enctypes"
expect_json '.findings[] | select(.account == "AUDDUP$" and .finding == "shared-dns-name") | .detail' \
	'member1.netchk.test also on MEMBER1$' "names the other account"
expect_json '.counts["stale-password"]' 1 "one stale"
# the DC's own pwdLastSet of AUDOLD$: 90 days ago
age=$(jq -r '.findings[] | select(.account == "AUDOLD$") | .pwd_last_set' "$OUT/stdout")
days=$((($(date +%s) - $(date -d "$age" +%s)) / 86400))
expect_eq "$days" 90 "AUDOLD's pwdLastSet, as the DC has it, is 90 days old"

# the default on a Samba DC, one unpaged search: the same findings
cp "$OUT/stdout" "$OUT/paged.json"
audit --json
jq -S .findings "$OUT/stdout" >"$OUT/one.f"
jq -S .findings "$OUT/paged.json" >"$OUT/paged.f"
if cmp -s "$OUT/one.f" "$OUT/paged.f"; then ok "same findings unpaged and in pages of 3"
else not_ok "findings differ between page sizes"; fi
expect_json '.page_size' 0 "a Samba DC: one unpaged search"
expect_json '.pages' 1 "one request"

# text, CSV, Prometheus
audit
expect_rc 2 "text: exit 2"
expect_grep stdout '^BROKEN +AUDDUP\$ +shared-dns-name +member1.netchk.test also on MEMBER1\$$' "table: shared"
expect_grep stdout '^WARNING +AUDOLD\$ +stale-password +password set 90.0 days ago \(limit 60 days\)$' "table: stale"
expect_grep stdout '^INFO +AUDDIS\$ +disabled ' "table: disabled"
expect_grep stdout '^Verdict: +BROKEN: 2 broken, 4 warning, 1 information finding on 7 of ' "table: verdict"
expect_grep stderr 'Reading every computer account from dc1.netchk.test' "narration on stderr"
audit --csv -q
expect_rc 2 "csv: exit 2"
expect_grep stdout '^account,finding,severity,detail,dn,' "csv header"
expect_grep stdout '^AUDRC4\$,rc4-only,warning,"msDS-SupportedEncryptionTypes 0x4: RC4, no AES","CN=AUDRC4,CN=Computers,DC=netchk,DC=test",audrc4.netchk.test,4096,' "csv: quoted detail and dn"
expect_eq "$(wc -l <"$OUT/stdout")" 8 "csv: header + 7 rows"
expect_no_grep stderr '.' "-q: nothing on stderr"
audit --format=prometheus -q
expect_rc 2 "prometheus: exit 2"
if promtool check metrics <"$OUT/stdout" >"$OUT/promtool" 2>&1; then ok "promtool accepts the metrics"
else not_ok "promtool: $(cat "$OUT/promtool")"; fi
expect_grep stdout '^netchk_audit_status\{domain="NETCHK.TEST"\} 2$' "prometheus: status 2"
expect_grep stdout "^netchk_audit_accounts\\{domain=\"NETCHK.TEST\"\\} $total\$" "prometheus: accounts"
expect_grep stdout '^netchk_audit_findings\{domain="NETCHK.TEST",finding="shared-dns-name"\} 2$' "prometheus: 2 shared"
expect_grep stdout '^netchk_audit_findings\{domain="NETCHK.TEST",finding="no-dns-name"\} 0$' "prometheus: zero counts too"

# a stricter --max-age: AUDLOG's fresh password is fine, AUDOLD still stale
audit --json --max-age=95d
expect_json '[.findings[] | select(.finding == "stale-password")] | length' 0 "--max-age=95d: 90 days is not stale"
expect_json '.limits.max_age_seconds' $((95 * 86400)) "--max-age in the result"

# as the administrator
audit --json -U administrator --password-file "$OUT/good"
expect_rc 2 "-U administrator: exit 2"
expect_json '.bound_as' 'administrator@NETCHK.TEST' "bound as the administrator"
expect_json '.findings | length' "$(jq length "$OUT/one.f")" "as many findings as the machine"

# as the administrator's existing ticket (--use-ccache): the cache itself
# is left as it was (a MEMORY copy binds)
CC="FILE:$OUT/admin.cc"
member_run env KRB5CCNAME="$CC" kinit administrator <"$OUT/good"
expect_rc 0 "kinit administrator"
member_run env KRB5CCNAME="$CC" klist
n_before=$(grep -c '@NETCHK.TEST' "$OUT/stdout")
member_run env KRB5CCNAME="$CC" "$NETCHK_BIN" audit -s "$SMB_CONF" --use-ccache --json
expect_rc 2 "--use-ccache: exit 2"
expect_json '.bound_as' 'administrator@NETCHK.TEST' "bound with the administrator's ticket"
member_run env KRB5CCNAME="$CC" klist
expect_eq "$(grep -c '@NETCHK.TEST' "$OUT/stdout")" "$n_before" "no ticket added to the user's cache"

# bad input: one line, exit 3
audit member1
expect_rc 3 "a HOST: bad input"
expect_grep stderr '^netchk: audit takes no HOST' "says audit takes no HOST"
audit --max-age=soon
expect_rc 3 "--max-age=soon: bad input"
expect_grep stderr '^netchk: --max-age: expected a duration' "says what --max-age takes"
audit --json --csv
expect_rc 3 "--json --csv: bad input"
audit --format=xml
expect_rc 3 "--format=xml: bad input"
audit --password-file "$OUT/good"
expect_rc 3 "--password-file without -U"
expect_eq "$(wc -l <"$OUT/stderr")" 1 "one line"
# audit binds with one keytab: a second one was silently ignored
audit -k "$KEYTAB" -k /etc/krb5.keytab
expect_rc 3 "two --keytab: bad input"
expect_grep stderr "^netchk: --keytab: audit binds with one keytab \\(given 2\\)$" "says audit takes one keytab"

# a DC that does not answer: could not decide
lab_break dc-stop
audit --json -t 2 -S dc1.netchk.test
expect_rc 3 "DC stopped: exit 3"
expect_json '.status' unknown "status unknown"
expect_json '.dc' dc1.netchk.test "names the DC"
expect_grep stderr '^netchk: could not read the computer accounts: Kerberos for MEMBER1\$@NETCHK.TEST on dc1.netchk.test: Cannot contact any KDC' \
	"says it could not read them, and why"
audit -t 2
expect_rc 3 "DC stopped, found by DNS (served by the DC): exit 3"
expect_grep stderr '^netchk: DNS lookup of SRV _ldap._tcp.dc._msdcs.netchk.test failed' "one line: no DC in DNS"
