#!/bin/bash
# Every local write a password change needs is tried before the DC is
# touched (the DC change cannot be undone): a keytab or secrets.tdb on a
# read-only mount, no usable `net`, a read-only state directory.  Each
# refuses before kpasswd: exit 3, the DC's kvno unchanged, no journal,
# the stores unchanged, and the line names what is wrong.
. "$(dirname "$0")/lib.sh"
lab_fresh
mkdir -p "$STATE_DIR"
# Each case starts from a settled host (a run that changed the DC before
# the fix leaves a journal the next plain reset finishes).
baseline() {
	netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo
	kv0=$(dc_attr msDS-KeyVersionNumber)
	sum0=$(md5sum "$SECRETS" "$KEYTAB")
}
# ro_reset FILE ARGS...: reset --force with FILE bind-mounted read-only
# inside the member (the mount ends with the command).
ro_reset() {
	local f=$1; shift
	member_run sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" && shift && exec "$@"' \
		sh "$f" "$NETCHK_BIN" reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo --force "$@"
}
unchanged() {
	expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "$1: DC kvno unchanged (no kpasswd)"
	[[ -e $STATE_DIR/pending-NETCHK ]] && not_ok "$1: journal written" || ok "$1: no journal"
	expect_eq "$(md5sum "$SECRETS" "$KEYTAB")" "$sum0" "$1: stores unchanged"
	expect_no_grep stderr 'Changing computer account' "$1: no change attempted"
	expect_grep stdout '^Changed: nothing' "$1: says nothing changed"
}

baseline
ro_reset "$KEYTAB"
expect_rc 3 "read-only keytab: refused"
expect_grep stdout "Problem: .*krb5\\.keytab.*(Read-only|cannot be written)" "read-only keytab: named"
unchanged "read-only keytab"

baseline
ro_reset "$SECRETS"
expect_rc 3 "read-only secrets.tdb: refused"
expect_grep stdout "Problem: .*secrets\\.tdb.*(Read-only|cannot be written)" "read-only secrets.tdb: named"
unchanged "read-only secrets.tdb"

baseline
net=$("$LAB" member sh -c 'command -v net')
member_run sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$net" \
	"$NETCHK_BIN" reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo --force
expect_rc 3 "no usable net: refused"
expect_grep stdout "Problem: .*net.*(not an executable|cannot be run)" "no usable net: named"
unchanged "no usable net"

baseline
ro_reset "$STATE_DIR"
expect_rc 3 "read-only state directory: refused"
unchanged "read-only state directory"

# And the same host with nothing read-only rotates.
baseline
netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo --force
expect_rc 0 "writable: --force rotates"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "writable: DC kvno +1"
