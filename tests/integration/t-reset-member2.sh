#!/bin/bash
# reset on a realmd/adcli/sssd host (MEMBER2, keytab only): --force rotates
# as 'adcli update' does (kpasswd with the keytab's key, on the PDC), the
# keytab keeps every principal, the previous kvno, other accounts' entries
# and its mode, sssd is held off during the change and started again; a
# healthy host without --force changes nothing and leaves sssd alone.
. "$(dirname "$0")/lib.sh"
lab_fresh --sssd
R=(reset --state-dir "$STATE_DIR")

# another account's entry and the file's mode, to see them kept
"$LAB" member2 sh -c 'printf "%s\n" Other.Pw.1 | ktutil >/dev/null <<EOT
addent -password -p OTHER\$@NETCHK.TEST -k 5 -e aes256-cts-hmac-sha1-96
Other.Pw.1
wkt /etc/krb5.keytab
EOT
chmod 640 /etc/krb5.keytab'
member2_run sh -c 'klist -keK /etc/krb5.keytab | grep "OTHER\$@"'
other_before=$(cat "$OUT/stdout")
expect_grep stdout 'OTHER\$@NETCHK.TEST' "foreign entry added"
sssd0=$(cat "$M2_DIR/run/sssd.pid")

# healthy, no --force: nothing changes, sssd is not touched
netchk2 "${R[@]}"
expect_rc 0 "healthy: nothing to do"
expect_grep stdout '^Changed: nothing' "nothing changed"
expect_no_grep stderr "(Stopping|Starting|Restarting) sssd" "sssd neither stopped nor restarted"
expect_eq "$(cat "$M2_DIR/run/sssd.pid")" "$sssd0" "same sssd"

netchk2 "${R[@]}" --force
expect_rc 0 "reset --force on a keytab-only host"
expect_grep stdout '^Plan:    change-password: .*keytab' "rotation with the keytab's key"
expect_no_grep stdout 'write-secrets' "no secrets.tdb step"
expect_grep stderr 'Finding the PDC emulator on dc1.netchk.test \.\.\. dc1.netchk.test' "on the PDC emulator"
expect_grep stderr 'Stopping sssd \(pid [0-9]+\) while the password changes \.\.\. done' "sssd held off"
expect_grep stderr 'Journalling the new password in .*/pending-NETCHK.TEST \.\.\. done' "journalled"
expect_grep stderr 'Changing computer account on PDC dc1.netchk.test \.\.\. done \(kpasswd as the machine\)' "kpasswd as the machine"
expect_grep stderr 'Updating keytab FILE:/etc/krb5.keytab \.\.\. done \(kvno 3, kvno 2 kept\)' "keytab kvno 3, 2 kept"
expect_grep stderr 'Starting sssd \.\.\. done' "sssd started again"
expect_grep stdout '^After:   ok \(healthy\)' "healthy after"
expect_eq "$(m2_attr msDS-KeyVersionNumber)" 3 "DC kvno 3"
test ! -e "$STATE_DIR/pending-NETCHK.TEST" && ok "journal cleared" || not_ok "journal left"

member2_run adcli testjoin
expect_rc 0 "adcli testjoin after the reset"
member2_run sh -c 'klist -k /etc/krb5.keytab | awk "NR > 3 && \$1 == 3 { print \$2 }" | sort -u'
expect_eq "$(wc -l <"$OUT/stdout")" 7 "7 principals at kvno 3 (account, host/, nfs/, RestrictedKrbHost/ x2)"
expect_grep stdout '^nfs/member2.netchk.test@NETCHK.TEST$' "nfs/ kept"
member2_run sh -c 'klist -keK /etc/krb5.keytab | grep "OTHER\$@"'
expect_eq "$(cat "$OUT/stdout")" "$other_before" "other account's entry untouched (principal, kvno, enctype, key; MIT stamps copied entries anew)"
expect_eq "$(stat -c %a "$M2_ETC/krb5.keytab")" 640 "keytab mode kept"
sssd1=$(cat "$M2_DIR/run/sssd.pid")
[[ $sssd1 != "$sssd0" && -d /proc/$sssd1 ]] && ok "sssd runs again (pid $sssd1)" || not_ok "sssd not running again"
member2_run getent passwd administrator@netchk.test
expect_rc 0 "sssd answers after the reset"
