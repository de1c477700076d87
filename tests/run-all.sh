#!/bin/bash
# Build with warnings as errors under ASan/UBSan and run every test: unit
# (cmocka), package (installed layouts) and integration (a real Samba AD DC
# in a network namespace).
# This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $(id -u) -eq 0 ]] || { echo "run-all: run as root (the lab needs network namespaces)" >&2; exit 1; }
tests/deps.sh

BUILD=${NETCHK_BUILD_DIR:-build-test}
if [[ ! -f $BUILD/build.ninja ]]; then
	meson setup "$BUILD" -Dwerror=true -Db_sanitize=address,undefined \
		-Db_lundef=false --buildtype=debug >/dev/null
fi
ninja -C "$BUILD"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}

status=0
meson test -C "$BUILD" --print-errorlogs --suite unit || status=1
# The explain parser's libFuzzer target, bounded (needs clang; deps.sh
# installs it).
if command -v clang >/dev/null; then
	FUZZ_SECONDS=${FUZZ_SECONDS:-60} tests/fuzz/run-fuzz.sh || status=1
else
	echo "run-all: clang missing, fuzz-explain not run" >&2
	status=1
fi
# Installed layouts: meson install into /usr/local and /opt, the copy the
# unprivileged runs use (each in a private mount namespace).
meson test -C "$BUILD" --print-errorlogs --suite package || status=1
meson test -C "$BUILD" --print-errorlogs --suite integration || status=1
tests/lab/lab.sh down >/dev/null 2>&1 || true
exit $status
