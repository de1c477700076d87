#!/bin/bash
# Administrator credentials from an existing Kerberos ticket: kinit
# administrator into a FILE ccache inside the member, break the password
# on the DC, `netchk reset --use-ccache` sets it with a kadmin/changepw
# ticket got by TGS (Samba 4.17's kpasswd takes it): DC kvno +1, healthy,
# and the user's ccache gets no service tickets.  Without a ticket: a
# clear refusal, nothing changed.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break dc-password
CC="FILE:$OUT/admin.cc"
reset() { member_run env KRB5CCNAME="$CC" "$NETCHK_BIN" reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
kv0=$(dc_attr msDS-KeyVersionNumber)

reset --use-ccache
expect_rc 2 "no ticket in the cache: broken, nothing changed"
expect_grep stdout 'administrator credentials of the ticket cache are not usable' "says the ticket cache is not usable"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged"
[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "journal left behind" || ok "no journal"

printf "%s\n" "${LAB_ADMIN_PASS:-Netchk.Admin.Pw1}" >"$OUT/pw"
member_run env KRB5CCNAME="$CC" kinit administrator <"$OUT/pw"
rm -f "$OUT/pw"
expect_rc 0 "kinit administrator into $CC"

reset --use-ccache -U someoneelse
expect_rc 2 "-U naming another principal: refused"
expect_grep stdout 'is not the ticket cache.s' "says -U does not match"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged"

reset --use-ccache
expect_rc 0 "reset --use-ccache: healthy"
expect_grep stdout '^Plan: +admin-reset' "plan: admin reset"
expect_grep stderr 'Using the administrator ticket of administrator@NETCHK\.TEST from FILE:' "names the ticket used"
expect_grep stderr 'Finding the PDC emulator on dc1\.netchk\.test \.\.\. dc1\.netchk\.test \(fSMORoleOwner, LDAP as administrator@NETCHK\.TEST\)' "PDC found with the cached TGT"
expect_grep stderr 'Changing computer account on PDC dc1\.netchk\.test \.\.\. done \(administrator set\)' "set on the PDC"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1"
member_run env KRB5CCNAME="$CC" klist
expect_no_grep stdout 'kadmin/changepw|ldap/' "the user's ccache got no service tickets"
expect_grep stdout 'krbtgt/NETCHK.TEST@NETCHK.TEST' "the user's TGT is still there"
verify --json
expect_rc 0 "netchk verify healthy"
member_run net ads testjoin -s "$SMB_CONF"
expect_rc 0 "net ads testjoin"
member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
expect_rc 0 "kinit -k"
