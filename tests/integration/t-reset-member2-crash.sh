#!/bin/bash
# A reset on a keytab-only host (MEMBER2: adcli/sssd, no smb.conf) killed
# (SIGKILL, NETCHK_TEST_CRASH_AFTER) after each step, finished by the next
# plain reset:
# - after dc and keytab (the DC has the journalled password): the next run
#   finishes the change and, as 'adcli update' and an uninterrupted reset
#   do, keeps the previous kvno (the keys the change was authenticated
#   with) for every principal beside the new one;
# - after journal (the DC never saw it): the journal is dropped and the
#   keytab is left byte for byte as it was;
# - an administrator's reset (-U, every local key rejected) killed after dc:
#   the next run finishes it and keeps no key the DC had rejected.
# Each time: no journal left, sssd (held off by the killed run) runs again,
# kinit -k, adcli testjoin and netchk verify pass.
. "$(dirname "$0")/lib.sh"
R=(reset --state-dir "$STATE_DIR")
JOURNAL=$STATE_DIR/pending-NETCHK.TEST
# kvno, principal, enctype and key of the machine's entries (no time
# stamps: MIT stamps copied entries anew)
keys() {
	member2_run sh -c 'klist -keK /etc/krb5.keytab | awk "NR > 3 && \$2 ~ /MEMBER2|member2/"'
	cat "$OUT/stdout"
}
# killed run ($1: step, then reset's options)
crash() {
	local step=$1
	shift
	member2_run env NETCHK_TEST_CRASH_AFTER="$step" "$NETCHK_BIN" "${R[@]}" "$@"
	expect_rc 137 "killed after $step"
	[[ -s $JOURNAL ]] && ok "$step: journal present" || not_ok "$step: no journal"
	expect_eq "$(stat -c %a "$JOURNAL" 2>/dev/null)" 600 "$step: journal 0600"
	[[ -d /proc/$(cat "$M2_DIR/run/sssd.pid" 2>/dev/null || echo none) ]] &&
		not_ok "$step: sssd still runs after the killed run" ||
		ok "$step: sssd held off by the killed run"
}
# the next plain reset finishes (or drops) the journal: a healthy host
finished() {
	local what=$1 kvno=$2
	test ! -e "$JOURNAL" && ok "$what: no journal left" || not_ok "$what: journal left"
	expect_eq "$(m2_attr msDS-KeyVersionNumber)" "$kvno" "$what: DC kvno"
	member2_run kinit -k -t /etc/krb5.keytab 'MEMBER2$@NETCHK.TEST'
	expect_rc 0 "$what: kinit -k"
	member2_run adcli testjoin
	expect_rc 0 "$what: adcli testjoin"
	netchk2 verify --state-dir "$STATE_DIR"
	expect_rc 0 "$what: netchk verify healthy"
	local pid
	pid=$(cat "$M2_DIR/run/sssd.pid" 2>/dev/null || echo none)
	[[ -d /proc/$pid ]] && ok "$what: sssd runs again (pid $pid)" || not_ok "$what: sssd not running"
	member2_run getent passwd administrator@netchk.test
	expect_rc 0 "$what: sssd answers"
}

# Killed after the DC took the new password (dc) or after the keytab was
# written (keytab): the next run keeps kvno-1's keys for every principal.
for step in dc keytab; do
	lab_fresh --sssd
	rm -rf "$STATE_DIR"
	kv0=$(m2_attr msDS-KeyVersionNumber)
	old=$(keys | awk -v k="$kv0" '$1 == k')
	p0=$(m2_principals_at "$kv0")
	expect_eq "$(wc -l <<<"$p0")" 7 "$step: 7 principals at kvno $kv0 (account, host/, nfs/, RestrictedKrbHost/ x2)"
	crash "$step" --force
	netchk2 "${R[@]}"
	expect_rc 0 "$step: the next reset finishes the change"
	expect_grep stderr "A pending password change \(journalled\) is accepted by dc1.netchk.test \(kvno $((kv0 + 1))\): finishing it" "$step: finished"
	expect_grep stderr "Updating keytab FILE:/etc/krb5.keytab \.\.\. done \(kvno $((kv0 + 1)), kvno $kv0 kept\)" "$step: kvno $kv0 kept"
	expect_grep stderr 'Starting sssd, held off by an interrupted netchk reset \.\.\. done' "$step: sssd started again"
	expect_eq "$(m2_kvnos)" "$kv0 $((kv0 + 1))" "$step: keytab kvnos"
	expect_eq "$(m2_principals_at $((kv0 + 1)))" "$p0" "$step: every principal at kvno $((kv0 + 1))"
	expect_eq "$(keys | awk -v k="$kv0" '$1 == k')" "$old" "$step: kvno $kv0's keys kept as they were, every principal"
	finished "$step" $((kv0 + 1))
done

# Killed after journalling, before the DC saw the password: the next run
# drops the journal and leaves the keytab as it was.
lab_fresh --sssd
rm -rf "$STATE_DIR"
kv0=$(m2_attr msDS-KeyVersionNumber)
old=$(keys)
crash journal --force
netchk2 "${R[@]}"
expect_rc 0 "journal: the next reset drops the journal"
expect_grep stderr 'A pending password change \(journalled\) never reached dc1.netchk.test .*: abandoning it' "journal: abandoned"
expect_no_grep stderr 'Updating keytab' "journal: keytab not written"
expect_eq "$(keys)" "$old" "journal: keytab as it was"
finished journal "$kv0"

# An administrator's reset (every local key rejected: kvno 2 holds keys
# of another password) killed after dc: the next run finishes it and keeps
# none of the rejected keys, although they are at the kvno below the new.
lab_fresh --sssd
rm -rf "$STATE_DIR"
kv0=$(m2_attr msDS-KeyVersionNumber)
"$LAB" member2 sh -c 'rm -f /etc/krb5.keytab && ktutil >/dev/null <<EOT
addent -password -p MEMBER2\$@NETCHK.TEST -k $0 -e aes256-cts-hmac-sha1-96
Not.The.Password.1
addent -password -p MEMBER2\$@NETCHK.TEST -k $0 -e arcfour-hmac
Not.The.Password.1
wkt /etc/krb5.keytab
EOT' "$kv0"
member2_run klist -k /etc/krb5.keytab
expect_grep stdout "^ +$kv0 MEMBER2\\\$@NETCHK.TEST" "admin: a keytab of kvno $kv0 with wrong keys"
netchk2 verify --state-dir "$STATE_DIR"
expect_rc 2 "admin: every local key rejected"
printf '%s\n' Netchk.Admin.Pw1 >"$OUT/good"
crash dc -U administrator --password-file "$OUT/good"
netchk2 "${R[@]}"
expect_rc 0 "admin: the next reset finishes the change"
expect_grep stderr "A pending password change \(journalled\) is accepted by dc1.netchk.test \(kvno $((kv0 + 1))\): finishing it" "admin: finished"
expect_grep stderr 'older keys dropped: the DC rejected them' "admin: rejected keys dropped"
expect_eq "$(m2_kvnos)" "$((kv0 + 1))" "admin: keytab holds kvno $((kv0 + 1)) only"
finished admin $((kv0 + 1))
