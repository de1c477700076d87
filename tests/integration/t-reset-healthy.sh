#!/bin/bash
# Healthy trust: reset changes nothing (exit 0, DC kvno unchanged); a
# --dry-run of a broken one changes nothing either (stores byte-identical).
. "$(dirname "$0")/lib.sh"
lab_fresh
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
kv0=$(dc_attr msDS-KeyVersionNumber)
sum0=$(md5sum "$SECRETS" "$KEYTAB")
reset
expect_rc 0 "healthy: nothing to do"
expect_grep stdout '^Plan: +nothing' "plan says nothing"
expect_grep stdout '^Changed: nothing' "nothing changed"
expect_no_grep stderr 'Restarting' "no service restarted"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged"
expect_eq "$(md5sum "$SECRETS" "$KEYTAB")" "$sum0" "stores byte-identical"

lab_break stale-keytab
kv0=$(dc_attr msDS-KeyVersionNumber)
sum0=$(md5sum "$SECRETS" "$KEYTAB")
reset --dry-run
expect_rc 2 "dry run reports the broken trust"
expect_grep stdout '^Plan: +rewrite-keytab' "dry run plans a keytab rewrite"
expect_grep stdout 'write-keytab \(DC dc1.netchk.test' "dry run names step, DC and store"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "dry run: DC kvno unchanged"
expect_eq "$(md5sum "$SECRETS" "$KEYTAB")" "$sum0" "dry run: stores byte-identical"
