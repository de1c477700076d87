#!/bin/bash
# Every read of a local store is bounded: a FIFO (or another non-regular
# file) or a huge file where the keytab or secrets.tdb is makes verify
# say so at once (exit 3), never hang.  Also the state file, the journal
# and smb.conf.
. "$(dirname "$0")/lib.sh"
lab_fresh

# run_bounded WHAT: verify with a 20 s guard; sets RC, fails on a hang
run_bounded() {
	local t0 t1
	t0=$(date +%s%N)
	member_run timeout 20 "$NETCHK_BIN" verify -s "$SMB_CONF" --state-dir "$STATE_DIR" "$@"
	t1=$(date +%s%N)
	if ((RC == 124)); then not_ok "$WHAT: verify hung (killed after 20 s)"
	else ok "$WHAT: verify ended in $(((t1 - t0) / 1000000)) ms"; fi
}

# swap FILE REPLACEMENT-KIND: put a FIFO / huge file / directory at FILE
swap() {
	mv "$1" "$1.real"
	case $2 in
	fifo) mkfifo -m 600 "$1" ;;
	huge) truncate -s 2G "$1" ;;
	dir) mkdir -m 700 "$1" ;;
	esac
}
unswap() { rm -rf "$1"; mv "$1.real" "$1"; }

declare -A says=([fifo]='is not a regular file \(a FIFO\)' [huge]='is larger than'
	[dir]='is not a regular file \(a directory\)')
for kind in fifo huge dir; do
	for file in "$KEYTAB" "$SECRETS"; do
		WHAT="$(basename "$file") is a $kind"
		swap "$file" $kind
		run_bounded
		expect_rc 3 "$WHAT: could not decide"
		expect_grep stderr "$(basename "$file") ${says[$kind]}" "$WHAT: says so"
		unswap "$file"
	done
done

# The lockout memory and smb.conf: a FIFO there is refused too.
mkdir -p "$STATE_DIR"
mkfifo -m 600 "$STATE_DIR/rejected-secrets"
WHAT="the lockout memory is a FIFO"
run_bounded
expect_grep stderr 'rejected-secrets is not a regular file \(a FIFO\)' "$WHAT: says so"
rm -f "$STATE_DIR/rejected-secrets"

WHAT="smb.conf is a FIFO"
swap "$SMB_CONF" fifo
run_bounded
expect_rc 3 "$WHAT: could not decide"
expect_grep stderr 'smb.conf is not a regular file \(a FIFO\)' "$WHAT: says so"
unswap "$SMB_CONF"

# The state directory is root's alone: 0700 even when it exists with
# another mode.
chmod 0755 "$STATE_DIR"
WHAT="the state directory is 0755"
run_bounded
expect_eq "$(stat -c %a "$STATE_DIR")" 700 "the state directory is made 0700 again"

WHAT="all back"
run_bounded
expect_rc 0 "healthy again"
