#!/bin/bash
# Bad input: one clear line on stderr, exit 3, nothing written.
. "$(dirname "$0")/lib.sh"
lab_fresh

alt="$OUT/alt"
mkdir -p "$alt/private"
sed -e "s|^\([[:space:]]*private dir[[:space:]]*=\).*|\1 $alt/private|" \
	"$SMB_CONF" >"$alt/smb.conf"
grep -q "private dir = $alt/private" "$alt/smb.conf" || {
	echo "Bail out! could not redirect private dir" >&2; exit 1; }

snapshot() { (cd "$(dirname "$SECRETS")" && sha256sum secrets.tdb; sha256sum "$KEYTAB") ; ls -A "$STATE_DIR" 2>/dev/null | grep -v '\.lock$' || true; }
# (an empty lock file holds no state: runs that reach the DC take it)
snapshot >"$OUT/snap.before"

one_line_exit3() {
	local what=$1 pattern=$2
	expect_rc 3 "$what"
	local n
	# the step narration (" * ") may precede the one error line
	n=$(grep -vc '^ \* ' "$OUT/stderr" || true)
	expect_eq "$n" 1 "$what: one error line on stderr"
	expect_grep stderr "$pattern" "$what: says why"
	expect_eq "$(wc -c <"$OUT/stdout")" 0 "$what: nothing on stdout"
}

# secrets.tdb: missing, garbage, truncated, unreadable
netchk verify -s "$alt/smb.conf" --state-dir "$STATE_DIR"
one_line_exit3 "missing secrets.tdb" "secrets.tdb: No such file"
head -c 5000 /dev/urandom >"$alt/private/secrets.tdb"
netchk verify -s "$alt/smb.conf" --state-dir "$STATE_DIR"
one_line_exit3 "garbage secrets.tdb" "secrets.tdb is not a readable tdb|corrupt"
head -c 700 "$SECRETS" >"$alt/private/secrets.tdb"
netchk verify -s "$alt/smb.conf" --state-dir "$STATE_DIR"
one_line_exit3 "truncated secrets.tdb" "secrets.tdb is (not a readable tdb|corrupt)"
cp "$SECRETS" "$alt/private/secrets.tdb"
chmod 600 "$alt/private/secrets.tdb"
chmod 755 "$OUT" "$alt" "$alt/private"
chmod 644 "$alt/smb.conf"
unpriv_netchk verify -s "$alt/smb.conf" --state-dir "$OUT/nobody-state"
one_line_exit3 "unreadable secrets.tdb" "Permission denied \(run as root\)"

# keytab: missing (named with -k: bad input; the configured one missing
# is a finding, t-verify-keytab-missing), garbage, truncated
verify --keytab "FILE:$OUT/nokeytab"
one_line_exit3 "missing keytab named with -k" "nokeytab"
head -c 300 /dev/urandom >"$OUT/garbage.keytab"
verify --keytab "FILE:$OUT/garbage.keytab"
one_line_exit3 "garbage keytab" "garbage.keytab"
head -c 100 "$KEYTAB" >"$OUT/truncated.keytab"
verify --keytab "FILE:$OUT/truncated.keytab"
one_line_exit3 "truncated keytab" "truncated.keytab"

# configuration and arguments
sed -e 's/^\([[:space:]]*realm[[:space:]]*=\).*/\1 NOSUCH.TEST/' "$SMB_CONF" >"$OUT/nosuch.conf"
netchk verify -s "$OUT/nosuch.conf" --state-dir "$STATE_DIR" --timeout 2
one_line_exit3 "unknown domain" "no DC found|nosuch.test"
verify --bogus
one_line_exit3 "unknown option" "bogus"
verify HOST1 HOST2
one_line_exit3 "two hosts" "at most one HOST"
verify --path smtp
one_line_exit3 "bad --path" "smtp"
verify --timeout -4
one_line_exit3 "bad --timeout" "timeout"
verify --account 'bad.name!'
one_line_exit3 "bad --account name" "not a valid computer name"
verify 'bad.name!'
one_line_exit3 "bad HOST name" "is not a host name"
verify --hosts /nonexistent/hosts
one_line_exit3 "missing --hosts file" "/nonexistent/hosts"
verify --hosts /dev/null --parallel 0
one_line_exit3 "bad --parallel" "parallel"
netchk frobnicate
one_line_exit3 "unknown verb" "unknown verb"
netchk verify -s /nonexistent/smb.conf
one_line_exit3 "missing smb.conf" "/nonexistent/smb.conf"

snapshot >"$OUT/snap.after"
if diff "$OUT/snap.before" "$OUT/snap.after" >&2; then ok "stores and state untouched"
else not_ok "stores and state untouched"; fi
