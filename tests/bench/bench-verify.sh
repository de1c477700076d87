#!/bin/bash
# Benchmark: netchk verify against the tools admins use today, on the lab
# DC, in one run.  Prints median wall times, peak RSS and the ratios the
# verify issue sets as targets:
#   full verify            <= 0.5 x net rpc testjoin
#   verify --path kerberos <= 1.3 x kinit -k
#   peak RSS               <  net's
# Usage (root): tests/bench/bench-verify.sh [RUNS]   (lab up, netchk built)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-15}
LAB=tests/lab/lab.sh
NETCHK=${NETCHK_BIN:-$PWD/build/netchk/netchk}
[[ -x $NETCHK ]] || { echo "bench: build netchk first (ninja -C build)" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
"$LAB" status >/dev/null 2>&1 || "$LAB" rebuild >/dev/null
"$LAB" winbind-start >/dev/null 2>&1 || true
eval "$("$LAB" member-paths)"
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT

# Everything runs inside one member overlay, so the namespace set-up cost
# is paid once and not counted.
{ cat tests/bench/bench-lib.sh; cat; } <<'INNER' | "$LAB" member bash -s -- "$RUNS" "$NETCHK" "$SMB_CONF" "$KEYTAB" "$state"
set -euo pipefail
RUNS=$1 NETCHK=$2 SMB_CONF=$3 KEYTAB=$4 STATE=$5
export KRB5CCNAME=MEMORY:bench

rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

declare -A ms rss
run() {
	local name=$1; shift
	ms[$name]=$(median_ms "$@")
	rss[$name]=$(rss_kb "$@")
	printf '%-28s %8s ms %8s KiB\n' "$name" "${ms[$name]}" "${rss[$name]}"
}
printf '%-28s %11s %12s   (median of %d runs)\n' command wall "peak RSS" "$RUNS"
run "netchk verify"            "$NETCHK" verify -q -s "$SMB_CONF" --state-dir "$STATE"
run "netchk verify -p kerberos" "$NETCHK" verify -q -s "$SMB_CONF" --state-dir "$STATE" --path kerberos
run "net ads testjoin"         net ads testjoin -s "$SMB_CONF"
run "net rpc testjoin"         net rpc testjoin -s "$SMB_CONF"
run "wbinfo -t"                wbinfo -t
run "kinit -k"                 kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'

ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
r1=$(ratio "${ms[netchk verify]}" "${ms[net rpc testjoin]}")
r2=$(ratio "${ms[netchk verify -p kerberos]}" "${ms[kinit -k]}")
echo "full verify / net rpc testjoin     = $r1   (target <= 0.5)"
echo "kerberos verify / kinit -k         = $r2   (target <= 1.3)"
echo "peak RSS netchk / net ads testjoin = $(ratio "${rss[netchk verify]}" "${rss[net ads testjoin]}")   (target < 1)"
INNER
