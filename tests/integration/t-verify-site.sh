#!/bin/bash
# --site: the DCs of the host's AD site come first, as the host's own DC
# locator puts them.  Two real DCs; a site "Branch" whose only DC, in the
# DC's own DNS, is dc2: verify --site Branch uses dc2, without --site the
# domain-wide order gives dc1, an unknown site falls back to it.
. "$(dirname "$0")/lib.sh"

"$LAB" rebuild --dc2 >"$OUT/lab.log" 2>&1 || {
	tail -20 "$OUT/lab.log" >&2
	echo "Bail out! lab rebuild --dc2 failed" >&2
	exit 1
}
dc() { "$LAB" dc "$@" >>"$OUT/lab.log" 2>&1; }
dc samba-tool sites create Branch -s "$DC_SMB_CONF" -H "ldap://dc1.netchk.test" \
	-U administrator%Netchk.Admin.Pw1 || true
dc samba-tool dns add 127.0.0.10 _msdcs.netchk.test _ldap._tcp.Branch._sites.dc \
	SRV "dc2.netchk.test 389 0 100" -U administrator%Netchk.Admin.Pw1 || {
	echo "Bail out! could not add the Branch SRV record" >&2; exit 1; }

verify --json
expect_rc 0 "no site: healthy"
expect_json '.dcs[0].name' dc1.netchk.test "domain-wide order starts with dc1"

verify --json --site Branch
expect_rc 0 "--site Branch: healthy"
expect_json '.dcs[0].name' dc2.netchk.test "the site's DC comes first"
expect_json '.verdict.dc' dc2.netchk.test "the verdict is dc2's"

verify --json --site NoSuchSite
expect_rc 0 "unknown site: healthy"
expect_json '.dcs[0].name' dc1.netchk.test "falls back to the domain-wide list"

netchk check -s "$SMB_CONF" --state-dir "$STATE_DIR" --site Branch -v
expect_rc 0 "check --site Branch"
expect_grep stdout 'dc2.netchk.test' "check names dc2"
