#!/bin/bash
# Another account's keys in the host keytab (lab break foreign-keytab:
# svc-web's HTTP/web.netchk.test, kvno 2, merged with ktutil, as admins
# do for Apache SPNEGO) are not the machine's: verify presents only the
# machine's keys and is healthy; a --force rotation and a keytab rewrite
# change only the machine's entries and keep every HTTP/ entry byte for
# byte, so the web service's key still decrypts its tickets.
. "$(dirname "$0")/lib.sh"
records() { "$TESTS_DIR/integration/keytab-records.py" "$KEYTAB" "$1"; }
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
# A service ticket for HTTP/web (with the machine's TGT) that the keytab's
# HTTP/ key decrypts: the web service's SPNEGO still works.
web_kinit() {
	member_run sh -c 'export KRB5CCNAME=FILE:$1/cc; kinit -k -t "$2" "MEMBER1\$@NETCHK.TEST" &&
		kvno -k "$2" HTTP/web.netchk.test@NETCHK.TEST; rc=$?; rm -f "$1/cc"; exit $rc' sh "$OUT" "$KEYTAB"
	expect_rc 0 "$1: the keytab's HTTP/ key decrypts a ticket for HTTP/web"
}
lab_fresh
lab_break foreign-keytab
web0=$(records '^HTTP/')
[[ -n $web0 ]] && ok "keytab holds HTTP/web.netchk.test entries" || not_ok "no HTTP/ entries"
kv0=$(dc_attr msDS-KeyVersionNumber)
web_kinit break

verify --json
expect_rc 0 "verify: healthy"
expect_json '.verdict.diagnosis' healthy "verify: the machine's keys are accepted"
expect_json '[.dcs[0].attempts[] | select(.path == "kerberos") | .outcome] | join(",")' accepted "verify: kerberos presented the machine's kvno $kv0 only"
expect_json ".stores.keytab.entries | map(select(.principal | test(\"^HTTP/\"))) | length" 0 "verify: HTTP/ entries are not counted as the machine's"
expect_json '.stores.keytab.other_entries' "$(wc -l <<<"$web0")" "verify: they are counted as other entries"

reset --force
expect_rc 0 "reset --force: healthy"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1"
expect_eq "$(records '^HTTP/')" "$web0" "rotation: every HTTP/ entry kept byte for byte"
member_run klist -k "$KEYTAB"
expect_grep stdout "^ +$((kv0 + 1)) MEMBER1\\\$@NETCHK.TEST" "rotation: machine keys at kvno $((kv0 + 1))"
web_kinit rotation
member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
expect_rc 0 "rotation: kinit -k as the machine"

lab_break stale-keytab
"$TESTS_DIR/integration/keytab-records.py" "$KEYTAB" '^HTTP/' >"$OUT/web.before"
reset
expect_rc 0 "stale keytab: rewritten, healthy"
expect_grep stdout '^Plan: +rewrite-keytab' "stale keytab: plan rewrite-keytab"
expect_eq "$(records '^HTTP/')" "$web0" "rewrite: every HTTP/ entry kept byte for byte"
web_kinit rewrite
verify
expect_rc 0 "verify after the rewrite: healthy"
