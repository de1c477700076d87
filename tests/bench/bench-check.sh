#!/bin/bash
# Benchmark: netchk check against netchk verify and the tools admins wrap
# in checks today, on the lab's two DCs (lab.sh up --dc2), in one run.
# Prints median wall times and the ratios issue 6 sets as targets:
#   single-DC check        <= 1.0 x netchk verify (plus noise)
#   check --all-dcs (2 DCs) <= 1.3 x single-DC check
#   check --cached         <= 5 ms
# and the one issue 9 sets: check -t 3 --all-dcs with two DCs that accept
# connections and never answer (lab.sh silent-dc) ends within its 3 s.
# Usage (root): tests/bench/bench-check.sh [RUNS]
#   NETCHK_BIN: a release build (meson setup build-rel --buildtype=release)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-15}
LAB=tests/lab/lab.sh
NETCHK=${NETCHK_BIN:-$PWD/build-rel/netchk/netchk}
[[ -x $NETCHK ]] || { echo "bench: build netchk first (meson setup build-rel --buildtype=release && ninja -C build-rel)" >&2; exit 1; }
# two DCs, both running, member joined
if ! "$LAB" status 2>/dev/null | grep -q '^dc2: *running' ||
	! "$LAB" status >/dev/null 2>&1; then
	"$LAB" rebuild --dc2 >/dev/null
fi
"$LAB" winbind-start >/dev/null 2>&1 || true
"$LAB" silent-dc remove >/dev/null 2>&1 || true   # the real DCs only, first
eval "$("$LAB" member-paths)"
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
chmod 755 "$state"

# Everything runs inside one member overlay, so the namespace set-up cost
# is paid once and not counted.
fail=0
"$LAB" member bash -s -- "$RUNS" "$NETCHK" "$SMB_CONF" "$state" <<'INNER' || fail=1
set -euo pipefail
RUNS=$1 NETCHK=$2 SMB_CONF=$3 STATE=$4

# The commands run interleaved (one round = each command once), so drift
# in the DCs' load hits them all alike; the median of RUNS rounds is shown.
names=("netchk verify" "netchk check" "netchk check --all-dcs"
	"netchk check --cached" "wbinfo -t" "net ads testjoin"
	"/bin/true (exec floor)")
cmds=("$NETCHK verify -q -s $SMB_CONF --state-dir $STATE"
	"$NETCHK check -s $SMB_CONF --state-dir $STATE"
	"$NETCHK check -s $SMB_CONF --state-dir $STATE --all-dcs"
	"$NETCHK check --cached --status-file $STATE/check-status"
	"wbinfo -t"
	"net ads testjoin -s $SMB_CONF"
	"/bin/true")
# the status file --cached reads, as the timer leaves it
"$NETCHK" check -s "$SMB_CONF" --state-dir "$STATE" --all-dcs \
	--status-file "$STATE/check-status" >/dev/null
declare -A times ms
for ((r = 0; r < RUNS; r++)); do
	for i in "${!cmds[@]}"; do
		s=$EPOCHREALTIME
		# shellcheck disable=SC2086  # word splitting wanted
		${cmds[$i]} >/dev/null 2>&1 || { echo "bench: '${cmds[$i]}' failed" >&2; exit 1; }
		e=$EPOCHREALTIME
		times[$i]+="$(echo "($e - $s) * 1000" | bc -l) "
	done
done
printf '%-30s %11s   (median of %d interleaved runs)\n' command wall "$RUNS"
for i in "${!cmds[@]}"; do
	ms[${names[$i]}]=$(printf '%s\n' ${times[$i]} | sort -n |
		awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]}')
	printf '%-30s %8s ms\n' "${names[$i]}" "${ms[${names[$i]}]}"
done

ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
echo "check / verify               = $(ratio "${ms[netchk check]}" "${ms[netchk verify]}")   (target <= 1.0)"
echo "check --all-dcs (2 DCs) / check = $(ratio "${ms[netchk check --all-dcs]}" "${ms[netchk check]}")   (target <= 1.3)"
echo "check --cached               = ${ms[netchk check --cached]} ms   (target <= 5; fork+exec of /bin/true here: ${ms[/bin/true (exec floor)]} ms)"
fail=0
awk -v a="${ms[netchk check --all-dcs]}" -v b="${ms[netchk check]}" 'BEGIN { exit !(a <= 1.3 * b) }' || { echo "bench: --all-dcs over 1.3x" >&2; fail=1; }
awk -v a="${ms[netchk check --cached]}" 'BEGIN { exit !(a <= 5) }' || { echo "bench: --cached over 5 ms" >&2; fail=1; }
exit $fail
INNER

# The deadline: two silent DCs next to the two real ones.
"$LAB" silent-dc add 2 >/dev/null
trap '"$LAB" silent-dc remove >/dev/null 2>&1; rm -rf "$state"' EXIT
silent=$("$LAB" member bash -c '
	for i in 1 2 3; do
		s=$EPOCHREALTIME
		"$1" check -s "$2" --state-dir "$3" -t 3 --all-dcs >/dev/null 2>&1
		e=$EPOCHREALTIME
		echo "($e - $s) * 1000" | bc -l
	done | sort -n | awk "NR == 2 { printf \"%.1f\", \$1 }"' \
	silent "$NETCHK" "$SMB_CONF" "$state")
echo "check -t 3 --all-dcs, 2 silent DCs = $silent ms   (target <= 3000)"
awk -v a="$silent" 'BEGIN { exit !(a <= 3000) }' || { echo "bench: the silent DCs took over -t" >&2; fail=1; }
exit $fail
