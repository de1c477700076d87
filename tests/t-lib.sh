#!/bin/bash
# tests/integration/lib.sh fails a test that reported a failure, whatever
# EXIT trap the test wraps around lib.sh's cleanup (t-check-prometheus and
# t-check-journal stop their helpers first, t-install unmounts).  Under
# set -e the exit status of an EXIT trap is only the script's when the trap
# exits explicitly: a `set +e; (exit $rc); cleanup` trap once made every
# not_ok of such a test pass.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/netchk-t-lib.XXXXXX)
# lib.sh keeps a failed case's /tmp/netchk-NAME.XXXXXX: NAME is tlibPID-*
trap 'rm -rf "$T" /tmp/netchk-tlib$$-*' EXIT
pass=0 fail=0

# case NAME WANT TRAP BODY: a test script sourcing lib.sh; WANT 0 or fail
case_() {
	local name=$1 want=$2 trap=$3 body=$4 rc
	local script=$T/tlib$$-$name.sh
	printf '%s\n' ". '$SRC/tests/integration/lib.sh'" "$trap" "$body" \
		>"$script"
	set +e
	NETCHK_BIN=/bin/true bash "$script" >"$T/$name.out" 2>&1
	rc=$?
	set -e
	if [[ $want == 0 && $rc == 0 || $want == fail && $rc != 0 ]]; then
		pass=$((pass + 1)); echo "ok - $name: exit $rc"
	else
		fail=$((fail + 1)); echo "not ok - $name: exit $rc, want $want"
		sed 's/^/#   /' "$T/$name.out"
	fi
}

for t in "" \
	"trap 'rc=\$?; true; set +e; (exit \$rc); cleanup' EXIT" \
	"trap 'rc=\$?; true; (exit \$rc); cleanup' EXIT"; do
	n=$((${n:-0} + 1))
	case_ "trap$n-all-ok" 0 "$t" 'ok "a"'
	case_ "trap$n-not-ok" fail "$t" 'ok "a"; not_ok "b"; ok "c"'
	case_ "trap$n-dies" fail "$t" 'ok "a"; false; ok "never"'
done
echo "$pass passed, $fail failed"
((fail == 0))
