#!/bin/bash
# Build the explain parser's libFuzzer target with clang and run it for a
# bounded time (FUZZ_SECONDS, default 60).  A crash, leak or sanitizer
# report fails; the reproducer is kept in the work directory.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SECONDS_MAX=${FUZZ_SECONDS:-60}
WORK=${FUZZ_WORK:-$(mktemp -d /tmp/netchk-fuzz.XXXXXX)}
CC=${FUZZ_CC:-clang}

command -v "$CC" >/dev/null || { echo "run-fuzz: $CC not found" >&2; exit 1; }
mkdir -p "$WORK/corpus"
# shellcheck disable=SC2046
# The parser names NTSTATUS codes through Samba's tables; the fuzz build
# links them (and so the rest of libsc's Samba side) directly, as the
# static test library does (SC_SAMBA_LINKED).
"$CC" -g -O1 -fsanitize=fuzzer,address,undefined \
	-D_GNU_SOURCE=1 -DHAVE_IMMEDIATE_STRUCTURES=1 -DSC_VERSION='"fuzz"' \
	-DSC_SAMBA_LINKED \
	-I"$SRC/include" -I"$SRC/libsc" \
	$(pkg-config --cflags talloc tevent krb5 nettle dcerpc samba-hostconfig) \
	"$SRC/tests/fuzz/fuzz-explain.c" "$SRC/libsc/explain.c" \
	"$SRC/libsc/explain-parse.c" "$SRC/libsc/error.c" \
	"$SRC/libsc/module-loader.c" "$SRC/libsc/samba-glue.c" \
	"$SRC/libsc/probe-netlogon.c" "$SRC/libsc/crypto.c" \
	"$SRC/libsc/secret.c" \
	-o "$WORK/fuzz-explain" \
	$(pkg-config --libs talloc tevent krb5 nettle dcerpc ndr ndr_standard \
		samba-util samba-hostconfig samba-credentials gnutls) \
	-lcom_err -lsamba-errors
# Seeds: every form the man page promises.
i=0
for s in 0xC0000022 C0000022 -1073741790 3221225506 NT_STATUS_ACCESS_DENIED \
	STATUS_ACCESS_DENIED ACCESS_DENIED KDC_ERR_PREAUTH_FAILED \
	'krb5 -1765328360' 'event 5722' keytab-stale \
	'NETLOGON Event 5722 0xC0000022 Failure Code: 0x18 Event ID: 4771' \
	'kinit: Preauthentication failed while getting initial credentials'; do
	printf '%s' "$s" >"$WORK/corpus/seed$((i++))"
done
cd "$WORK"
if ASAN_OPTIONS=detect_leaks=1 ./fuzz-explain -max_total_time="$SECONDS_MAX" \
	-max_len=1024 -timeout=10 corpus >fuzz.log 2>&1; then
	echo "ok - fuzz-explain: $(grep -o 'Done [0-9]* runs' fuzz.log) in ${SECONDS_MAX}s"
	rm -rf "$WORK"
else
	tail -40 fuzz.log
	echo "not ok - fuzz-explain crashed; reproducer and log in $WORK"
	exit 1
fi
