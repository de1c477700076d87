#!/bin/bash
# check through sudo takes nothing from the caller's environment or working
# directory: sudoers may keep variables (env_keep, !env_reset) and a
# sudo-like wrapper keeps them all, yet MIT, OpenLDAP, Cyrus SASL and netchk
# itself read files, servers and plugins they name.  A caller pointing
# KRB5_CONFIG at a KDC of its own would get the machine key presented there,
# KRB5_TRACE would make root write a file where it says, SASL_PATH would
# make root load its plugin.  Through sudo, check runs as root's own would:
# same verdict, nothing read or written where the caller said.
. "$(dirname "$0")/lib.sh"
lab_fresh

W=$OUT/caller	# what the caller chooses
mkdir -p "$W/writes" "$W/cwd" "$W/home" "$W/sasl"
cat >"$W/krb5.conf" <<EOF
[libdefaults]
	default_realm = NETCHK.TEST
	dns_lookup_kdc = false
[realms]
	NETCHK.TEST = {
		kdc = 127.0.0.99
		admin_server = 127.0.0.99
	}
EOF

# watch_fifo PATH: a FIFO that leaves PATH.opened when anything opens it
# (a config read, a plugin load); bounded, killed at the end.
WATCHERS=()
# shellcheck disable=SC2154  # rc: set in the trap itself
trap 'rc=$?; kill "${WATCHERS[@]}" 2>/dev/null; (exit $rc); cleanup' EXIT
watch_fifo() {
	mkfifo "$1"
	# shellcheck disable=SC2016  # expanded by the inner bash
	timeout 300 bash -c 'trap "" PIPE; while :; do
		{ : >"$0.opened"; echo x; } >"$0"; done' "$1" >/dev/null 2>&1 &
	WATCHERS+=($!)
}
watch_fifo "$W/sssd.conf"
watch_fifo "$W/ldap.conf"
watch_fifo "$W/ldaprc"
watch_fifo "$W/keytab"
watch_fifo "$W/mech"
watch_fifo "$W/sasl/libcaller.so"
watch_fifo "$W/cwd/ldaprc"	# OpenLDAP reads ./ldaprc: the caller's cwd
watch_fifo "$W/home/.ldaprc"	# and ~/.ldaprc
caller_env=(
	"KRB5_CONFIG=$W/krb5.conf" "KRB5_TRACE=$W/writes/trace"
	"KRB5_KTNAME=FILE:$W/keytab" "KRB5_CLIENT_KTNAME=FILE:$W/keytab"
	"KRB5CCNAME=FILE:$W/writes/ccache" "KRB5RCACHEDIR=$W/writes"
	"KRB5RCACHETYPE=dfl" "NETCHK_SSSD_CONF=$W/sssd.conf"
	"LDAPCONF=$W/ldap.conf" "LDAPRC=$W/ldaprc" "LDAPURI=ldap://127.0.0.99"
	"GSS_MECH_CONFIG=$W/mech" "SASL_PATH=$W/sasl"
	"NETCHK_JOURNAL_SOCKET=$W/writes/journal" "TMPDIR=$W/writes"
	"HOME=$W/home" "PATH=$W/writes:/usr/bin:/bin"
)

# sudo_check [VAR=VALUE...] -- ARGS: check as "sudo" runs it (SUDO_UID set,
# uid 0) from the caller's directory; /var/lib of this run only.
sudo_check() {
	local -a vars=()
	while [[ $1 != -- ]]; do vars+=("$1"); shift; done
	shift
	# shellcheck disable=SC2016  # expanded by the inner sh
	member_run sh -c 'mount -t tmpfs tmpfs /var/lib && cd "$0" && exec "$@"' \
		"$W/cwd" env SUDO_UID=1000 "${vars[@]}" "$NETCHK_BIN" check "$@"
}
# stdout without the perfdata (times and ages differ from run to run) and
# with a clock offset of a second either way as none
verdict() { sed 's/ |.*//; s/offset [-+][01] s/offset +0 s/' "$OUT/stdout"; }

# 1. The fixed sudoers line of netchk(8), then check with the DCs of
#    krb5.conf: each as root's own environment has it, then with the
#    caller's.
for args in "-H dc1.netchk.test -t 10" "-t 10"; do
	# shellcheck disable=SC2086
	sudo_check -- $args
	expect_rc 0 "through sudo: check $args: OK"
	want=$(verdict)
	# a KDC of the caller's (nothing listens there) and a trace root writes
	# shellcheck disable=SC2086
	sudo_check "KRB5_CONFIG=$W/krb5.conf" "KRB5_TRACE=$W/writes/trace" -- $args
	expect_rc 0 "through sudo, KRB5_CONFIG and KRB5_TRACE: check $args: OK"
	expect_eq "$(verdict)" "$want" "KRB5_CONFIG's KDC not asked: the same verdict"
	# everything at once
	# shellcheck disable=SC2086
	sudo_check "${caller_env[@]}" -- $args
	expect_rc 0 "through sudo, the caller's environment: check $args: OK"
	expect_eq "$(verdict)" "$want" "check $args: the same verdict, path by path"
	expect_no_grep stdout '127\.0\.0\.99' "check $args: no caller-chosen DC or KDC"
done
# a sudo-like wrapper (real uid not root, effective uid root) keeps the
# whole environment; ld.so by hand, as in t-check-sudo, but without
# TMPDIR: ld.so run by hand in secure mode asserts (auxv == sp + 1) when
# it drops one of glibc's unsecure variables itself
libdir=$(cd "$(dirname "$NETCHK_BIN")/../libsc" && pwd)
wrapper_env=()
for v in "${caller_env[@]}"; do [[ $v == TMPDIR=* ]] || wrapper_env+=("$v"); done
# shellcheck disable=SC2016  # expanded by the inner sh
member_run sh -c 'mount -t tmpfs tmpfs /var/lib && cd "$0" && exec "$@"' \
	"$W/cwd" env -u LD_LIBRARY_PATH "${wrapper_env[@]}" setpriv --ruid=65534 --euid=0 \
	/lib64/ld-linux-x86-64.so.2 --library-path "$libdir:/usr/lib/x86_64-linux-gnu/mit-krb5" \
	"$NETCHK_BIN" check -t 10	# want: the last loop's, check -t 10
expect_rc 0 "real uid 65534, euid 0, the caller's environment: OK"
expect_eq "$(verdict)" "$want" "real uid 65534, euid 0: the same verdict"
found=$(cd "$W/writes" && find . -mindepth 1 | tr '\n' ' ')
expect_eq "${found:-nothing}" "nothing" "nothing written where the caller said (trace, ccache, rcache, journal)"
for f in sssd.conf ldap.conf ldaprc keytab mech sasl/libcaller.so cwd/ldaprc home/.ldaprc; do
	if [[ -e $W/$f.opened ]]; then not_ok "$f opened"; else ok "$f not opened"; fi
done

# 2. Without sudo, root's own environment is honoured as before.
member_run env "KRB5_CONFIG=$W/krb5.conf" "KRB5_TRACE=$W/writes/trace" \
	"$NETCHK_BIN" check -s "$SMB_CONF" --state-dir "$STATE_DIR" -t 5
expect_grep stdout "ldap: UNKNOWN .*Cannot contact any KDC for realm 'NETCHK.TEST'" \
	"as root, without sudo: KRB5_CONFIG's KDC is used"
[[ -s $W/writes/trace ]] && ok "as root, without sudo: KRB5_TRACE written" ||
	not_ok "as root, without sudo: no KRB5_TRACE file"

# 3. The documented list is the one the binary keeps.
man=$TESTS_DIR/../man/netchk.8
kept=$(sed -n '/^static const char \*const sudo_env_kept/,/};/p' \
	"$TESTS_DIR/../netchk/sudo-guard.c" | grep -oE '"[A-Z_]+"' | tr -d '"' || true)
[[ -n $kept ]] && ok "sudo-guard.c keeps: ${kept//$'\n'/ }" || not_ok "no kept list in sudo-guard.c"
for v in $kept; do
	grep -q "$v" "$man" && ok "netchk(8) names $v" || not_ok "netchk(8) does not name $v"
done

