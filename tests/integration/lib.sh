# Integration test helpers: a real Samba AD DC and member from tests/lab.
# Each t-*.sh sources this, builds a fresh lab domain, breaks it the way
# the field does, runs netchk inside the member and asserts both netchk's
# answer and the DC-side truth.
set -euo pipefail

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB="$TESTS_DIR/lab/lab.sh"
NETCHK_BIN=${NETCHK_BIN:?NETCHK_BIN must point at the built netchk}
TEST_NAME=$(basename "$0" .sh)
OUT=$(mktemp -d "/tmp/netchk-$TEST_NAME.XXXXXX")
STATE_DIR="$OUT/state"
PASSED=0
FAILED=0

# shellcheck source=../lab/lab.sh
eval "$("$LAB" member-paths)"

cleanup() {
	local rc=$?
	if ((FAILED > 0)) || ((rc != 0)); then
		echo "# output kept in $OUT" >&2
	else
		rm -rf "$OUT"
	fi
	[[ -z ${UNPRIV_DIR:-} ]] || rm -rf "$UNPRIV_DIR"
	echo "$PASSED passed, $FAILED failed"
	# exit, not a status: a trap's status is not the script's (tests/t-lib.sh)
	((FAILED == 0 && rc == 0)) || exit 1
}
trap cleanup EXIT

ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok - $*"; }

lab_fresh() {
	"$LAB" rebuild "$@" >"$OUT/lab.log" 2>&1 || {
		tail -20 "$OUT/lab.log" >&2
		echo "Bail out! lab rebuild failed" >&2
		exit 1
	}
}

lab_break() {
	"$LAB" break "$1" >>"$OUT/lab.log" 2>&1 || {
		tail -20 "$OUT/lab.log" >&2
		echo "Bail out! lab break $1 failed" >&2
		exit 1
	}
}

# Run a command; sets RC, leaves stdout/stderr in files (and numbered copies).
run_capture() {
	set +e
	"$@" >"$OUT/stdout" 2>"$OUT/stderr"
	RC=$?
	set -e
	NRUN=$((${NRUN:-0} + 1))
	cp "$OUT/stdout" "$OUT/stdout.$NRUN"
	cp "$OUT/stderr" "$OUT/stderr.$NRUN"
}

# Run a command inside the member.
member_run() {
	run_capture "$LAB" member "$@"
}

netchk() {
	member_run "$NETCHK_BIN" "$@"
}

# Run a command on member2 (adcli/sssd, no smb.conf); like member_run.
member2_run() {
	set +e
	"$LAB" member2 "$@" >"$OUT/stdout" 2>"$OUT/stderr"
	RC=$?
	set -e
	NRUN=$((${NRUN:-0} + 1))
	cp "$OUT/stdout" "$OUT/stdout.$NRUN"
	cp "$OUT/stderr" "$OUT/stderr.$NRUN"
}

# netchk on member2, as an admin types it there: no options.
netchk2() {
	member2_run "$NETCHK_BIN" "$@"
}

# member2's keytab, /etc/krb5.keytab (KT=PATH: another of its keytabs).
# m2_kvnos [REGEX]: the kvnos of the entries whose principal matches REGEX
# (awk ERE; default: all), ascending, on one line.
m2_kvnos() {
	member2_run klist -k "${KT:-/etc/krb5.keytab}"
	awk -v re="${1:-.}" 'NR > 3 && $2 ~ re { print $1 }' "$OUT/stdout" |
		sort -nu | paste -sd' ' -
}

# m2_principals_at KVNO: the principals of that kvno, one a line, sorted.
m2_principals_at() {
	member2_run klist -k "${KT:-/etc/krb5.keytab}"
	awk -v k="$1" 'NR > 3 && $1 == k { print $2 }' "$OUT/stdout" | sort -u
}

# The DC's view of MEMBER2$: dc2_attr msDS-KeyVersionNumber
m2_attr() {
	"$LAB" dc-account --member2 "$1" 2>/dev/null | sed -n "s/^$1: //p"
}

# The build as another user runs it.  The checkout may sit under a 0700
# directory (/root, where root clones), where nobody cannot load the
# build tree's libsc.so.0: unpriv_install installs the build (meson
# install --destdir) into a world-readable temp dir, once per test, and
# sets UNPRIV_NETCHK to a command running that copy as nobody:
#   "$LAB" member "${UNPRIV_NETCHK[@]}" check --cached
UNPRIV_DIR=""
UNPRIV_NETCHK=()
unpriv_install() {
	[[ -z $UNPRIV_DIR ]] || return 0
	local build prefix dirs
	build=${NETCHK_BUILD_ROOT:-$(dirname "$(dirname "$NETCHK_BIN")")}
	UNPRIV_DIR=$(mktemp -d /tmp/netchk-unpriv.XXXXXX)
	chmod 755 "$UNPRIV_DIR"
	meson install -C "$build" --no-rebuild --destdir "$UNPRIV_DIR" \
		>"$OUT/unpriv-install.log" 2>&1 || {
		tail -20 "$OUT/unpriv-install.log" >&2
		echo "Bail out! meson install --destdir failed" >&2
		exit 1
	}
	# prefix, libdir, sbindir as configured
	mapfile -t dirs < <(meson introspect --buildoptions "$build" |
		jq -r 'map({(.name): .value}) | add | .prefix, .libdir, .sbindir')
	prefix=$UNPRIV_DIR${dirs[0]}
	UNPRIV_NETCHK=(setpriv --reuid=nobody --regid=nogroup --clear-groups
		env "LD_LIBRARY_PATH=$prefix/${dirs[1]}" "$prefix/${dirs[2]}/netchk")
	[[ -x ${UNPRIV_NETCHK[-1]} ]] || {
		echo "Bail out! no netchk installed at ${UNPRIV_NETCHK[-1]}" >&2
		exit 1
	}
}

# unpriv_netchk ARGS...: netchk as nobody inside the member (member_run).
unpriv_netchk() {
	unpriv_install
	member_run "${UNPRIV_NETCHK[@]}" "$@"
}

verify() {
	netchk verify -s "$SMB_CONF" --state-dir "$STATE_DIR" "$@"
}

# The DC's view of MEMBER1$: dc_attr msDS-KeyVersionNumber
dc_attr() {
	"$LAB" dc-account "$1" 2>/dev/null | sed -n "s/^$1: //p"
}

expect_rc() {
	if [[ $RC == "$1" ]]; then ok "$2: exit $RC"
	else not_ok "$2: exit $RC, expected $1"; sed 's/^/#   /' "$OUT/stderr" "$OUT/stdout" >&2; fi
}

# expect_json '.verdict.diagnosis' 'all-rejected' 'what'
expect_json() {
	local got
	got=$(jq -r "$1" "$OUT/stdout" 2>/dev/null || echo "<invalid json>")
	if [[ $got == "$2" ]]; then ok "$3: $1 = $2"
	else not_ok "$3: $1 = '$got', expected '$2'"; fi
}

expect_grep() {
	if grep -qE -- "$2" "$OUT/$1"; then ok "$3"
	else not_ok "$3: /$2/ not in $1"; sed 's/^/#   /' "$OUT/$1" >&2; fi
}

expect_no_grep() {
	if ! grep -qE -- "$2" "$OUT/$1"; then ok "$3"
	else not_ok "$3: /$2/ found in $1"; fi
}

expect_eq() {
	if [[ $1 == "$2" ]]; then ok "$3: $1"
	else not_ok "$3: '$1', expected '$2'"; fi
}

# Remote runs (netchk verify HOST, --hosts, Ansible): sshd on the member,
# and an "admin host" side that is the lab's netns with this machine's own
# /etc (the member's names do not resolve there, so HOST is another
# machine).  ssh reads the lab's client config; the member runs the same
# netchk binary (it sees this machine's file system).
lab_sshd() {
	"$LAB" sshd-start >>"$OUT/lab.log" 2>&1 || {
		tail -20 "$OUT/lab.log" >&2
		echo "Bail out! lab sshd-start failed" >&2
		exit 1
	}
}

admin_run() {
	run_capture env NETCHK_SSH_CONFIG="$SSH_CONFIG" \
		NETCHK_REMOTE_COMMAND="$NETCHK_BIN" \
		ip netns exec "$LAB_NETNS" "$@"
}

# remote VERB [ARGS...]: netchk VERB on the admin side, member files given
remote() {
	local verb=$1
	shift
	admin_run "$NETCHK_BIN" "$verb" -s "$SMB_CONF" --state-dir "$STATE_DIR" "$@"
}

# silent_host PORT: a host that accepts TCP on the member's address
# (127.0.0.20:PORT, in the lab's netns) and never writes: ssh to it hangs
# at the banner.  Returns once it listens; SILENT is its pid (the caller
# kills it in its EXIT trap).
silent_host() {
	ip netns exec "$LAB_NETNS" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.20", int(sys.argv[1])))
s.listen(16)
held = []
while True:
    held.append(s.accept()[0])
' "$1" &
	SILENT=$!
	for _ in $(seq 50); do
		ip netns exec "$LAB_NETNS" bash -c "exec 3<>/dev/tcp/127.0.0.20/$1" 2>/dev/null && return 0
		sleep 0.1
	done
}

# timed CMD...: run CMD, MS = its wall time in milliseconds
timed() {
	local t0=$EPOCHREALTIME t1
	"$@"
	t1=$EPOCHREALTIME
	MS=$(((10#${t1/./} - 10#${t0/./}) / 1000))
}

# within LIMIT_MS WHAT: the last timed command took at most LIMIT_MS
within() {
	if ((MS <= $1)); then ok "$2: ${MS} ms <= $1 ms"
	else not_ok "$2: took ${MS} ms (limit $1 ms)"; fi
}
