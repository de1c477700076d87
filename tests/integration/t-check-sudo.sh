#!/bin/bash
# check through sudo (SUDO_UID set, or real uid != 0 with euid 0) refuses
# every option that reads a file the caller chooses or writes one, every
# remote run and anything that could lock the account out (--recheck,
# --account): a sudoers line for the monitoring user must not hand out
# root.  What is left (thresholds, format, -H, -t, --site, --all-dcs,
# --cached, -v) works, and the fixed line of netchk(8) runs a live check.
. "$(dirname "$0")/lib.sh"
lab_fresh

# Options a sudo caller may give (long names, as check --help lists them).
allowed=" --warning --critical --clock-warning --clock-critical --format --cached "
allowed+=" --verbose --help --version --server --timeout --site --all-dcs "
value_of() {	# a harmless value for option $1
	case $1 in
	--warning | --critical) echo 30d ;;
	--clock-warning | --clock-critical) echo 180 ;;
	--format) echo nagios ;;
	--timeout | --parallel | --deadline) echo 5 ;;
	--account) echo 'DC1$' ;;
	--server) echo dc1.netchk.test ;;
	*) echo "$OUT/caller-chosen" ;;
	esac
}
check_help() { "$NETCHK_BIN" check --help || true; }	# exits 3
takes_value() { check_help | grep -qE -- "^ +(-., )?$1="; }

# 1. Every option of check --help that is not allowed is refused, with one
#    line and exit 4, before anything is read or written.
opts=$(check_help | grep -oE -- '^  (-[A-Za-z?], |    )--[a-z][a-z-]+' | grep -oE -- '--[a-z-]+')
n=0
for o in $opts; do
	[[ $allowed == *" $o "* ]] && continue
	n=$((n + 1))
	args=("$o")
	takes_value "$o" && args=("$o=$(value_of "$o")")
	member_run env SUDO_UID=1000 "$NETCHK_BIN" check "${args[@]}"
	if [[ $RC == 4 ]] && [[ $(wc -l <"$OUT/stdout") == 1 ]] &&
		grep -q -- "^NETCHK UNKNOWN - check through sudo takes no $o," "$OUT/stdout"; then
		ok "through sudo: $o refused (exit 4, one line)"
	else
		not_ok "through sudo: $o: exit $RC: $(head -c 300 "$OUT/stdout")"
	fi
done
if ((n >= 10)); then ok "$n options refused"; else not_ok "only $n options refused"; fi
[[ -e $OUT/caller-chosen ]] && not_ok "a refused run wrote the caller's file" || ok "nothing written"

# short forms and bundles too: -s, -k, -vs
for args in "-s $OUT/x" "-k $OUT/x" "-vs$OUT/x" "-vk $OUT/x"; do
	# shellcheck disable=SC2086
	member_run env SUDO_UID=1000 "$NETCHK_BIN" check $args
	expect_rc 4 "through sudo: check $args"
done
# a HOST is a remote run (ssh as root to a host the caller names)
member_run env SUDO_UID=1000 "$NETCHK_BIN" check member1.netchk.test
expect_rc 4 "through sudo: check HOST"
expect_grep stdout 'HOST' "names HOST"

# real uid not root, effective uid root (a set-uid or sudo-like wrapper);
# ld.so by hand, as secure-execution mode ignores the build tree's RUNPATH
libdir=$(cd "$(dirname "$NETCHK_BIN")/../libsc" && pwd)
member_run env -u LD_LIBRARY_PATH setpriv --ruid=65534 --euid=0 /lib64/ld-linux-x86-64.so.2 \
	--library-path "$libdir:/usr/lib/x86_64-linux-gnu/mit-krb5" "$NETCHK_BIN" check --configfile="$OUT/x"
expect_rc 4 "real uid 65534, euid 0: --configfile refused"

# 2. The allowed options are not refused; without sudo nothing changes.
member_run env SUDO_UID=1000 "$NETCHK_BIN" check --cached=60 --format=nagios -v
expect_no_grep stdout 'sudo' "through sudo: --cached=60 --format -v allowed"
netchk check -s "$SMB_CONF" --state-dir "$STATE_DIR" --status-file "$OUT/status"
expect_rc 0 "as root, without sudo: -s, --state-dir, --status-file work"

# 3. The fixed line of netchk(8), through sudo: a live check (the member's
#    own /etc/samba/smb.conf and keytab; /var/lib of this test only).
member_run sh -c 'mount -t tmpfs tmpfs /var/lib && SUDO_UID=1000 exec "$0" check -H dc1.netchk.test -t 10' "$NETCHK_BIN"
expect_rc 0 "sudo netchk check -H dc1.netchk.test -t 10: OK"
expect_grep stdout '^NETCHK OK - MEMBER1\$' "a live check"
grep -q '^nagios ALL=(root) NOPASSWD: /usr/sbin/netchk check -H [a-z0-9.]* -t [0-9]*$' \
	"$TESTS_DIR/../man/netchk.8" && ok "netchk(8) gives a fixed-argument line" ||
	not_ok "netchk(8) has no fixed-argument sudoers line"
grep -q 'NOPASSWD: .*netchk check \*' "$TESTS_DIR/../man/netchk.8" &&
	not_ok "netchk(8) still gives a wildcard sudoers line" || ok "no wildcard sudoers line"
