#!/bin/bash
# The Debian package: dpkg-buildpackage -us -uc builds netchk, libsc0 and
# libsc-dev from a copy of this checkout, lintian finds no error, and the
# installed packages (dpkg -i) work: --version, explain (its module from
# /usr/lib), a live check as root in the lab member, then --cached as
# nobody from the status file it left.  The packages are purged again at
# the end, whatever happens.
. "$(dirname "$0")/lib.sh"
# only the installed binaries run here: nothing may come from the build
unset LD_LIBRARY_PATH
SRC=$(cd "$TESTS_DIR/.." && pwd)
PKGS=(netchk libsc-dev libsc0)
INSTALLED=0

for p in "${PKGS[@]}"; do
	if dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null |
		grep -qv '^un'; then
		echo "Bail out! package $p is on this host already; this test installs and purges its own" >&2
		exit 1
	fi
done
purge() {
	((INSTALLED)) || return 0
	dpkg --purge "${PKGS[@]}" >"$OUT/purge.log" 2>&1 ||
		echo "# dpkg --purge ${PKGS[*]} failed: see $OUT/purge.log" >&2
}
trap 'rc=$?; purge; set +e; (exit $rc); cleanup' EXIT

# build from a copy: dpkg-buildpackage writes its results next to the tree
version=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)
expect_eq "$version" "$(meson introspect --projectinfo "$SRC/meson.build" |
	jq -r .version)" "debian/changelog has the project's version"
tree=$OUT/pkg/netchk-$version
mkdir -p "$tree"
git -C "$SRC" ls-files -z -co --exclude-standard |
	(cd "$SRC" && tar -c --null -T -) | tar -x -C "$tree"
t0=$(date +%s)
if (cd "$tree" && nice dpkg-buildpackage -us -uc) >"$OUT/build.log" 2>&1
then ok "dpkg-buildpackage -us -uc ($(($(date +%s) - t0)) s)"
else not_ok "dpkg-buildpackage: $(tail -15 "$OUT/build.log")"; exit 1; fi
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
changes=$OUT/pkg/netchk_${version}_$arch.changes
set +e
lintian --fail-on error "$changes" >"$OUT/lintian" 2>&1
lrc=$?
set -e
expect_eq "$lrc" 0 "lintian --fail-on error"
expect_no_grep lintian '^E: ' "lintian reports no error"

# what each package holds
has() {	# has PACKAGE PATH...
	local p=$1 f; shift
	dpkg-deb -c "$OUT/pkg/${p}_${version}_$arch.deb" |
		awk '{ print $6 }' >"$OUT/contents.$p"
	for f; do
		if grep -qx "./$f" "$OUT/contents.$p"; then ok "$p has /$f"
		else not_ok "$p lacks /$f"; fi
	done
}
has netchk usr/sbin/netchk usr/share/man/man8/netchk.8.gz \
	usr/share/bash-completion/completions/netchk \
	usr/share/zsh/vendor-completions/_netchk \
	usr/share/fish/vendor_completions.d/netchk.fish \
	lib/systemd/system/netchk-check.service \
	lib/systemd/system/netchk-check.timer
has libsc0 "usr/lib/$multiarch/libsc.so.0" \
	"usr/lib/$multiarch/netchk/libsc-samba.so" \
	"usr/lib/$multiarch/netchk/libsc-netlogon.so" \
	"usr/lib/$multiarch/netchk/libsc-ldap.so"
has libsc-dev "usr/lib/$multiarch/libsc.so" \
	"usr/lib/$multiarch/pkgconfig/libsc.pc" usr/include/sc/sc.h \
	usr/share/man/man3/libsc.3.gz

# install, and run what was installed (in the lab member)
lab_fresh
INSTALLED=1
if dpkg -i "$OUT/pkg/libsc0_${version}_$arch.deb" \
	"$OUT/pkg/libsc-dev_${version}_$arch.deb" \
	"$OUT/pkg/netchk_${version}_$arch.deb" >"$OUT/install.log" 2>&1
then ok "dpkg -i netchk libsc0 libsc-dev"
else not_ok "dpkg -i: $(tail -15 "$OUT/install.log")"; exit 1; fi
member_run /usr/sbin/netchk --version
expect_rc 0 "installed netchk --version"
expect_eq "$(head -1 "$OUT/stdout")" "netchk $version (libsc $version)" \
	"installed netchk --version"
# (the same file: /lib is /usr/lib on a merged-/usr system)
loaded=$(ldd /usr/sbin/netchk | sed -n 's/^\tlibsc\.so\.0 => \([^ ]*\).*/\1/p')
expect_eq "$(realpath -e "$loaded")" \
	"$(realpath -e "/usr/lib/$multiarch/libsc.so.0")" \
	"netchk loads the packaged libsc.so.0 ($loaded)"
member_run /usr/sbin/netchk explain 0xC000018B
expect_rc 0 "installed netchk explain 0xC000018B"
expect_grep stdout '^0xC000018B NT_STATUS_NO_TRUST_SAM_ACCOUNT \(ntstatus\)' \
	"explain names the code"
expect_grep stdout '^  Samba: +The SAM database' \
	"explain has Samba's message (libsc-samba.so from the package)"

# the timer's live check as root, then --cached as any user; the status
# file's directory does not exist yet
chmod 0711 "$OUT"
mkdir -m 0755 "$OUT/pub"
status=$OUT/pub/netchk/check-status
member_run /usr/sbin/netchk check -s "$SMB_CONF" --state-dir "$STATE_DIR" \
	--status-file="$status"
expect_rc 0 "installed netchk check, live as root"
expect_grep stdout '^NETCHK OK - MEMBER1\$: trust OK' "live check: OK"
cp "$OUT/stdout" "$OUT/live"
member_run setpriv --reuid=nobody --regid=nogroup --clear-groups \
	/usr/sbin/netchk check --cached --status-file="$status"
expect_rc 0 "installed netchk check --cached as nobody"
if cmp -s "$OUT/live" "$OUT/stdout"; then ok "--cached prints the live result"
else not_ok "--cached differs: $(diff "$OUT/live" "$OUT/stdout")"; fi

# and away again
INSTALLED=0
if dpkg --purge "${PKGS[@]}" >"$OUT/purge.log" 2>&1
then ok "dpkg --purge"
else not_ok "dpkg --purge: $(tail -5 "$OUT/purge.log")"; fi
for f in /usr/sbin/netchk "/usr/lib/$multiarch/libsc.so.0" \
	"/usr/lib/$multiarch/netchk"; do
	if [[ -e $f ]]; then not_ok "$f left after purge"
	else ok "$f gone after purge"; fi
done
