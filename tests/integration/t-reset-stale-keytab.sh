#!/bin/bash
# secrets.tdb good, keytab one kvno behind: the keytab is rewritten from
# secrets.tdb, nothing changes on the DC, kinit -k works again.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break stale-keytab
kv0=$(dc_attr msDS-KeyVersionNumber)
expect_eq "$kv0" 2 "DC kvno 2"
sec0=$(md5sum <"$SECRETS")
netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo
expect_rc 0 "keytab rewritten, healthy"
expect_grep stdout '^Plan: +rewrite-keytab' "plan: keytab only"
expect_grep stdout '^After: +ok \(healthy\)' "verify after: healthy"
expect_grep stdout '^sssd$' "sssd restarted (keytab changed)"
expect_no_grep stdout '^winbind$' "winbind not restarted (secrets.tdb unchanged)"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged"
expect_eq "$(md5sum <"$SECRETS")" "$sec0" "secrets.tdb unchanged"
expect_eq "$(stat -c %a "$KEYTAB")" 600 "keytab mode 0600"
member_run klist -k "$KEYTAB"
expect_grep stdout '^ +2 MEMBER1\$@NETCHK.TEST' "keytab has kvno 2"
expect_grep stdout '^ +1 MEMBER1\$@NETCHK.TEST' "previous kvno 1 kept"
member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
expect_rc 0 "kinit -k works"
verify --json
expect_rc 0 "netchk verify healthy"
