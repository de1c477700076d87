#!/bin/bash
# netchk reset HOST: the trust broken on the DC side, repaired on the
# member over ssh with -U; the administrator password travels on ssh's
# stdin, never in an argv; verify HOST is healthy afterwards.
source "$(dirname "$0")/lib.sh"

lab_fresh
lab_sshd
lab_break dc-password
kv0=$(dc_attr msDS-KeyVersionNumber)
printf "%s\n" "${LAB_ADMIN_PASS:-Netchk.Admin.Pw1}" >"$OUT/good"
chmod 600 "$OUT/good"
# the remote netchk through a wrapper that writes down its argv
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >>"%s"\nexec "%s" "$@"\n' \
	"$OUT/argv" "$NETCHK_BIN" >"$OUT/wrapped-netchk"
chmod 755 "$OUT/wrapped-netchk"

remote reset member1 -n -U administrator
expect_rc 2 "reset -n member1: broken, plan only"
expect_grep stdout '^Host     member1' "the host is named"
expect_grep stdout '^Plan: +admin-reset' "plan: admin reset"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "dry run: DC kvno unchanged"

remote reset member1 --use-ccache
expect_rc 3 "--use-ccache for another host: refused"
expect_grep stderr 'use-ccache uses a ticket cache of this host' "says why"

remote reset member1 -U administrator --password-file "$OUT/good" \
	--restart-command echo --remote-command "$OUT/wrapped-netchk"
expect_rc 0 "reset member1 -U: repaired"
expect_grep stdout '^Host     member1' "the host is named"
expect_grep stdout '^Plan: +admin-reset' "plan: admin reset"
expect_grep stdout '^After: +ok \(healthy\) on dc1.netchk.test' "after: healthy"
expect_grep stderr 'Changing computer account on PDC dc1\.netchk\.test \.\.\. done' "the member's step lines are shown"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1"
expect_grep argv '^--password-file=/dev/stdin$' "remote reads the password from stdin"
expect_no_grep argv 'Netchk.Admin' "the password is in no argv"
expect_no_grep stdout 'Netchk.Admin' "nor in stdout"
expect_no_grep stderr 'Netchk.Admin' "nor in stderr"

remote verify member1
expect_rc 0 "verify member1 after the reset: healthy"
member_run net ads testjoin -s "$SMB_CONF"
expect_rc 0 "net ads testjoin on the member"

remote reset member1 --json
expect_rc 0 "reset member1 --json: nothing to do"
expect_json .host member1 "JSON names the host"
expect_json .command reset "JSON command"
expect_json .result.changed_dc false "nothing changed"
expect_json .plan.action nothing "plan: nothing"
