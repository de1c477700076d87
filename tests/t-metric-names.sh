#!/bin/bash
# The alerting rules and the Grafana dashboard (contrib/) use exactly the
# metric names the renderers write (netchk/render-*.c): a name renamed or
# dropped in the code, or a new metric no panel shows, fails here, in both
# directions.  Every dashboard query must also parse as PromQL (promtool
# checks them as recording rules).  t-check-prometheus.sh checks the same
# names against a real 'netchk check --format=prometheus' run.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
RULES="$SRC/contrib/prometheus/netchk-alerts.yml"
DASH="$SRC/contrib/grafana/netchk-dashboard.json"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok - $1"; else fail=$((fail + 1)); echo "not ok - $1"; fi; }

# what the code writes: the metric name literals of the renderers
grep -oh '"netchk_[a-z_]*"' "$SRC"/netchk/render-*.c | tr -d '"' | sort -u >"$TMP/code"
check "the renderers write metrics" "[[ \$(wc -l <'$TMP/code') -ge 9 ]]"
check "dashboard is JSON" "jq -e .panels '$DASH' >/dev/null"
jq -r '.. | .expr? // empty' "$DASH" >"$TMP/exprs"
grep -oh 'netchk_[a-z_]*' "$TMP/exprs" | sort -u >"$TMP/dash"
grep -v '^ *#' "$RULES" | grep -oh 'netchk_[a-z_]*' | sort -u >"$TMP/rules"
check "dashboard has queries" "[[ -s '$TMP/exprs' ]]"
while read -r m; do
	check "dashboard metric $m is written by the code" "grep -qx '$m' '$TMP/code'"
done <"$TMP/dash"
while read -r m; do
	check "alert rule metric $m is written by the code" "grep -qx '$m' '$TMP/code'"
done <"$TMP/rules"
while read -r m; do
	check "the dashboard shows $m" "grep -qx '$m' '$TMP/dash'"
done <"$TMP/code"
# each dashboard query parses: as recording rules for promtool
{
	echo 'groups:'
	echo '  - name: dashboard'
	echo '    rules:'
	n=0
	while IFS= read -r e; do
		n=$((n + 1))
		printf '      - record: dashboard_query_%d\n        expr: %s\n' \
			"$n" "$(jq -Rn --arg e "$e" '$e')"
	done <"$TMP/exprs"
} >"$TMP/dash-rules.yml"
check "promtool parses every dashboard query" \
	"promtool check rules '$TMP/dash-rules.yml' >'$TMP/promtool' 2>&1 || { cat '$TMP/promtool'; false; }"
check "promtool checks the alerting rules" "promtool check rules '$RULES' >/dev/null"
echo "$pass passed, $fail failed"
((fail == 0))
