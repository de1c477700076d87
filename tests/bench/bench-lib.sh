# Shared by the benchmarks: fed to the bash that runs inside a lab host.
median_ms() {	# median wall time of RUNS runs, in ms
	local -a t=()
	for ((i = 0; i < RUNS; i++)); do
		local s=$EPOCHREALTIME
		"$@" >/dev/null 2>&1 || { echo "bench: '$*' failed" >&2; exit 1; }
		local e=$EPOCHREALTIME
		t+=("$(echo "($e - $s) * 1000" | bc -l)")
	done
	printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]}'
}
