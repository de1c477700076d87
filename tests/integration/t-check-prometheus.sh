#!/bin/bash
# netchk check --format=prometheus / --textfile: promtool accepts the
# metrics, and the real node_exporter textfile collector scrapes
# DIR/netchk.prom without error, healthy and broken.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"
lab_fresh

TF="$OUT/textfile"
mkdir -p "$TF"
check --format=prometheus --textfile="$TF"
expect_rc 0 "healthy"
if cmp -s "$OUT/stdout" "$TF/netchk.prom"; then ok "textfile = stdout"
else not_ok "textfile differs from stdout"; fi
expect_eq "$(stat -c %a "$TF/netchk.prom")" 644 "textfile world-readable"
expect_eq "$(find "$TF" -type f | wc -l)" 1 "no temporary file left behind"
if promtool check metrics <"$TF/netchk.prom" >"$OUT/promtool" 2>&1; then
	ok "promtool check metrics accepts it"
else not_ok "promtool: $(cat "$OUT/promtool")"; fi
for m in netchk_trust_up netchk_check_status netchk_machine_password_age_seconds \
	netchk_keytab_kvno netchk_dc_kvno netchk_clock_offset_seconds \
	netchk_check_duration_seconds netchk_last_success_timestamp_seconds; do
	expect_grep stdout "^# TYPE $m gauge\$" "$m has TYPE"
	expect_grep stdout "^# HELP $m " "$m has HELP"
done
# every metric the shipped alerting rules and dashboard use is in a real run
for m in $({ grep -v '^ *#' "$TESTS_DIR/../contrib/prometheus/netchk-alerts.yml"
	jq -r '.. | .expr? // empty' "$TESTS_DIR/../contrib/grafana/netchk-dashboard.json"
	} | grep -oh 'netchk_[a-z_]*' | sort -u); do
	[[ $m == netchk_audit_* ]] && continue	# 'netchk audit' writes those
	expect_grep stdout "^$m\\{" "contrib uses $m: the check writes it"
done
expect_grep stdout '^netchk_trust_up\{domain="NETCHK.TEST",dc="dc1.netchk.test",path="netlogon"\} 1$' "trust_up netlogon"
expect_grep stdout "^netchk_dc_kvno\\{domain=\"NETCHK.TEST\",dc=\"dc1.netchk.test\"\\} $(dc_attr msDS-KeyVersionNumber)\$" "dc_kvno = DC's kvno"

# node_exporter inside the lab's netns, on its own loopback
port=$((20000 + RANDOM % 20000))
ip netns exec "$LAB_NETNS" prometheus-node-exporter \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$TF" \
	--web.listen-address="127.0.0.1:$port" >"$OUT/node-exporter.log" 2>&1 &
NE_PID=$!
stop_exporter() {
	kill "$NE_PID" 2>/dev/null || true
	wait "$NE_PID" 2>/dev/null || true
}
# lib.sh's cleanup reports; it must see the test's own exit status
trap 'rc=$?; stop_exporter; set +e; (exit $rc); cleanup' EXIT
scrape() {
	local i
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$LAB_NETNS" curl -sf "http://127.0.0.1:$port/metrics" \
			>"$OUT/scrape" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
if scrape; then ok "node_exporter serves /metrics"
else not_ok "node_exporter did not answer"; cat "$OUT/node-exporter.log" >&2; fi
expect_grep scrape '^node_textfile_scrape_error 0$' "node_textfile_scrape_error 0"
expect_grep scrape '^netchk_check_status\{domain="NETCHK.TEST"\} 0$' "scraped: status 0"
expect_grep scrape '^netchk_trust_up\{dc="dc1.netchk.test",domain="NETCHK.TEST",path="kerberos"\} 1$' "scraped: kerberos up"
expect_grep scrape '^node_textfile_mtime_seconds\{file=".*netchk.prom"\}' "scraped the file"

lab_break dc-password
check --textfile="$TF"
expect_rc 2 "broken: CRITICAL"
expect_grep stdout '^NETCHK CRITICAL' "nagios output while writing the textfile"
scrape
expect_grep scrape '^node_textfile_scrape_error 0$' "broken: node_textfile_scrape_error 0"
expect_grep scrape '^netchk_check_status\{domain="NETCHK.TEST"\} 2$' "scraped: status 2"
expect_grep scrape '^netchk_trust_up\{dc="dc1.netchk.test",domain="NETCHK.TEST",path="netlogon"\} 0$' "scraped: netlogon down"
if promtool check metrics <"$TF/netchk.prom" >"$OUT/promtool" 2>&1; then
	ok "promtool accepts the broken state too"
else not_ok "promtool: $(cat "$OUT/promtool")"; fi
