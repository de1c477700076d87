#!/bin/bash
# Benchmark: netchk verify on a keytab-only host (the lab's MEMBER2: adcli,
# sssd, no smb.conf) against 'adcli testjoin', side by side in one run.
# Target (issue 11): keytab-only verify <= 0.5 x adcli testjoin wall.
# Exit 1 when the target is missed.
# Usage (root): tests/bench/bench-member2.sh [RUNS]   (netchk built)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-15}
LAB=tests/lab/lab.sh
NETCHK=${NETCHK_BIN:-$PWD/build/netchk/netchk}
[[ -x $NETCHK ]] || { echo "bench: build netchk first (ninja -C build)" >&2; exit 1; }
"$LAB" member2 adcli testjoin >/dev/null 2>&1 || "$LAB" rebuild >/dev/null
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT

# One member2 overlay for all runs: the namespace set-up is not counted.
{ cat tests/bench/bench-lib.sh; cat; } <<'INNER' | "$LAB" member2 bash -s -- "$RUNS" "$NETCHK" "$state"
set -euo pipefail
RUNS=$1 NETCHK=$2 STATE=$3
export KRB5CCNAME=MEMORY:bench

declare -A ms
run() {
	local name=$1; shift
	ms[$name]=$(median_ms "$@")
	printf '%-34s %8s ms\n' "$name" "${ms[$name]}"
}
printf '%-34s %11s   (median of %d runs each)\n' command wall "$RUNS"
run "netchk verify (keytab only)" "$NETCHK" verify -q --state-dir "$STATE"
run "adcli testjoin"              adcli testjoin
run "netchk verify -p kerberos,ldap" "$NETCHK" verify -q --state-dir "$STATE" --path kerberos,ldap
run "kinit -k"                    kinit -k 'MEMBER2$@NETCHK.TEST'
r=$(echo "scale=2; ${ms[netchk verify (keytab only)]} / ${ms[adcli testjoin]}" | bc -l)
echo
echo "keytab-only verify / adcli testjoin = $r   (target <= 0.5)"
(( $(echo "$r <= 0.5" | bc -l) ))
INNER
