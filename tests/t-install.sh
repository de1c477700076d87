#!/bin/bash
# What 'meson install' leaves starts as installed, and the tests'
# unprivileged copy runs wherever the checkout is:
#  1. the build tree seen through a 0700 directory (a checkout under
#     /root) cannot be run by nobody; lib.sh's unpriv_install copy (meson
#     install --destdir into a 0755 temp dir) can, modules included, and a
#     DESTDIR install leaves the loader cache alone;
#  2. meson install into /usr/local (this build's prefix): netchk starts
#     with no RUNPATH and no LD_LIBRARY_PATH (the install ran ldconfig);
#  3. a build with --prefix=/opt/netchk-test, installed: netchk starts
#     through its RUNPATH and loads its modules.
# The whole test runs in a private mount namespace whose /usr/local, /opt,
# /etc and systemd unit directory are overlays on a tmpfs: the host's
# files and loader cache stay as they were.
set -euo pipefail
if [[ -z ${NETCHK_T_INSTALL_NS:-} ]]; then
	[[ $(id -u) == 0 ]] || {
		echo "Bail out! t-install needs root (a private mount namespace)" >&2
		exit 1
	}
	exec env NETCHK_T_INSTALL_NS=1 unshare -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/integration/lib.sh"
SRC=$(cd "$TESTS_DIR/.." && pwd)
BUILD=${NETCHK_BUILD_ROOT:?NETCHK_BUILD_ROOT must name the build directory}
VERSION=$(meson introspect --projectinfo "$BUILD" | jq -r .version)

# run NAME CMD...: RC and $OUT/NAME.out (stdout and stderr)
run() {
	local name=$1; shift
	set +e
	env -u LD_LIBRARY_PATH "$@" >"$OUT/$name.out" 2>&1
	RC=$?
	set -e
}
runs_netchk() {	# runs_netchk WHAT NETCHK-COMMAND...: --version, explain
	local what=$1; shift
	run version "$@" --version
	expect_eq "$RC $(head -1 "$OUT/version.out")" \
		"0 netchk $VERSION (libsc $VERSION)" \
		"$what: netchk --version"
	run explain "$@" explain 0xC0000001
	expect_eq "$RC $(head -1 "$OUT/explain.out")" \
		"0 0xC0000001 NT_STATUS_UNSUCCESSFUL (ntstatus, uncurated)" \
		"$what: explain names an uncurated code (libsc-samba.so loaded)"
}
runpath() { readelf -d "$1" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p'; }

# Overlays on a tmpfs for every directory an install writes to.
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null ||
	echo /lib/systemd/system)
unitdir=$(readlink -f "$unitdir")
OV=$OUT/ov
MOUNTS=()
mkdir "$OV"
mount -t tmpfs -o mode=0700 tmpfs "$OV"
MOUNTS+=("$OV")
for d in /usr/local /opt /etc "$unitdir"; do
	n=${d//\//_}
	mkdir -p "$OV/$n/upper" "$OV/$n/work" "$d"
	mount -t overlay overlay \
		-o "lowerdir=$d,upperdir=$OV/$n/upper,workdir=$OV/$n/work" "$d"
	MOUNTS=("$d" "${MOUNTS[@]}")
done
trap 'rc=$?; umount -l "${MOUNTS[@]}"; set +e; (exit $rc); cleanup' EXIT

# 1. The unprivileged copy, and the defect it avoids.
mkdir -m 0700 "$OUT/private"
mkdir "$OUT/private/build"
mount --bind "$BUILD" "$OUT/private/build"
MOUNTS=("$OUT/private/build" "${MOUNTS[@]}")
run tree setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$OUT/private/build/${NETCHK_BIN#"$BUILD"/}" --version
if [[ $RC != 0 ]]; then
	ok "nobody cannot run the build tree under a 0700 directory (exit $RC)"
else not_ok "the 0700 simulation is not real: nobody ran the build tree"; fi
unpriv_install
runs_netchk "nobody, lib.sh's DESTDIR copy" "${UNPRIV_NETCHK[@]}"
if [[ -e $OV/_etc/upper/ld.so.cache ]]; then
	not_ok "a DESTDIR install rewrote the loader cache"
else ok "a DESTDIR install leaves the loader cache alone"; fi

# 2. The system prefix: meson install, then netchk starts as installed.
mapfile -t dirs < <(meson introspect --buildoptions "$BUILD" |
	jq -r 'map({(.name): .value}) | add | .prefix, .libdir, .sbindir')
[[ ${dirs[0]} == /usr/local ]] || {
	echo "Bail out! $BUILD has prefix ${dirs[0]}, this test wants /usr/local" >&2
	exit 1
}
if meson install -C "$BUILD" --no-rebuild >"$OUT/install-local.log" 2>&1
then ok "meson install to /usr/local"
else not_ok "meson install to /usr/local: $(tail -5 "$OUT/install-local.log")"; fi
bin=/usr/local/${dirs[2]}/netchk
runs_netchk "/usr/local" "$bin"
runs_netchk "/usr/local as nobody" \
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$bin"
expect_eq "$(runpath "$bin")" "" "/usr/local: no RUNPATH (Debian policy)"
expect_eq "$(ldconfig -p | sed -n 's/^\t*libsc\.so\.0 .*=> //p')" \
	"/usr/local/${dirs[1]}/libsc.so.0" "/usr/local: libsc.so.0 in the loader cache"

# 3. Any other prefix: the RUNPATH.
opt=/opt/netchk-test
if nice meson setup "$OUT/build-opt" "$SRC" --prefix="$opt" -Dtests=false \
	--buildtype=plain >"$OUT/build-opt.log" 2>&1 &&
	nice ninja -C "$OUT/build-opt" >>"$OUT/build-opt.log" 2>&1 &&
	meson install -C "$OUT/build-opt" --no-rebuild >>"$OUT/build-opt.log" 2>&1
then ok "build and meson install with --prefix=$opt"
else not_ok "--prefix=$opt: $(tail -5 "$OUT/build-opt.log")"; fi
bin=$opt/${dirs[2]}/netchk
runs_netchk "$opt" "$bin"
# the fault-injection hooks of the tests are not in a build without tests
[[ -f $opt/${dirs[1]}/libsc.so.0 ]] || not_ok "$opt: no libsc.so.0 installed"
if grep -qa 'NETCHK_TEST_' "$opt/${dirs[1]}/libsc.so.0"; then
	not_ok "$opt: libsc holds the test hooks (NETCHK_TEST_CRASH_AFTER)"
else ok "$opt: no test hooks in libsc (-Dtests=false)"; fi
if grep -qa NETCHK_TEST_CRASH_AFTER "$BUILD/libsc/libsc.so.0"; then
	ok "the tests' build has the hooks"
else not_ok "the tests' build lacks NETCHK_TEST_CRASH_AFTER"; fi
expect_eq "$(runpath "$bin")" "$opt/${dirs[1]}" "$opt: RUNPATH is the libdir"
if ldconfig -p | grep -q "$opt"; then not_ok "$opt is in the loader cache"
else ok "$opt: not in the loader cache (the RUNPATH did it)"; fi
