#!/bin/bash
# The timer's service command runs the live check as root and leaves the
# status file; `netchk check --cached` as an unprivileged user then
# reports the same state and text; a stale file is UNKNOWN.  The unit is
# hardened as issue 6 asks and systemd-analyze accepts it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"
lab_fresh

SERVICE="$(dirname "$NETCHK_BIN")/../systemd/netchk-check.service"
TIMER="$TESTS_DIR/../systemd/netchk-check.timer"
[[ -f $SERVICE ]] || { not_ok "no built $SERVICE"; exit 1; }
unit_has() {
	if grep -qE -- "$2" "$1"; then ok "$3"; else not_ok "$3: /$2/ not in $1"; fi
}
for d in ProtectSystem=strict PrivateTmp=yes NoNewPrivileges=yes \
	StateDirectory=netchk CacheDirectory=netchk CacheDirectoryMode=0755 \
	ReadWritePaths=-/var/lib/prometheus/node-exporter; do
	unit_has "$SERVICE" "^$d\$" "unit: $d"
done
unit_has "$TIMER" '^OnUnitActiveSec=15min$' "timer: every 15 min"
unit_has "$TIMER" '^RandomizedDelaySec=' "timer: randomized delay"

# systemd-analyze verify, with the unit pointing at this build's binary
mkdir -p "$OUT/units"
sed "s|^ExecStart=[^ ]*|ExecStart=$NETCHK_BIN|" "$SERVICE" >"$OUT/units/netchk-check.service"
cp "$TIMER" "$OUT/units/"
if SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
	"$OUT/units/netchk-check.service" "$OUT/units/netchk-check.timer" \
	>"$OUT/analyze" 2>&1; then ok "systemd-analyze verify"
else not_ok "systemd-analyze verify: $(cat "$OUT/analyze")"; fi

# The service's own command line, as systemd runs it, in a private mount
# namespace whose /var/cache and /var/lib/prometheus are empty tmpfs (as
# CacheDirectory= would make them); the lockout memory goes to the
# test's state dir instead of /var/lib/netchk.
cmd=$(sed -n "s|^ExecStart=[^ ]*||p" "$SERVICE")
unpriv_install
unpriv=$(printf '%q ' "${UNPRIV_NETCHK[@]}")
cat >"$OUT/in-ns.sh" <<SH
set -e
mount -t tmpfs -o mode=0755 tmpfs /var/cache
mount -t tmpfs -o mode=0755 tmpfs /var/lib/prometheus
mkdir -m 0755 /var/cache/netchk /var/lib/prometheus/node-exporter
"$LAB" member "$NETCHK_BIN" $cmd --state-dir "$STATE_DIR" >"$OUT/live" 2>"$OUT/live.err" || echo \$? >"$OUT/live.rc"
cp /var/cache/netchk/check-status "$OUT/status"
stat -c %a /var/cache/netchk/check-status >"$OUT/status.mode"
nobody() { "$LAB" member $unpriv check "\$@"; }
nobody --cached >"$OUT/cached" 2>"$OUT/cached.err" || echo \$? >"$OUT/cached.rc"
nobody --cached --format=prometheus >"$OUT/cached.prom" 2>&1 || true
nobody --cached=1 --status-file=/var/cache/netchk/check-status >/dev/null 2>&1 || true
sleep 2
nobody --cached=1 >"$OUT/stale" 2>&1 || echo \$? >"$OUT/stale.rc"
nobody --cached --status-file=/var/cache/netchk/nonexistent >"$OUT/missing" 2>&1 || echo \$? >"$OUT/missing.rc"
cp /var/lib/prometheus/node-exporter/netchk.prom "$OUT/textfile.prom"
SH
unshare -m --propagation private bash "$OUT/in-ns.sh" >"$OUT/ns.log" 2>&1 ||
	{ not_ok "namespace script: $(cat "$OUT/ns.log")"; exit 1; }

rc_of() { [[ -f $OUT/$1.rc ]] && cat "$OUT/$1.rc" || echo 0; }
expect_eq "$(rc_of live)" 0 "service command: OK"
expect_grep live '^NETCHK OK - MEMBER1\$: trust OK' "service command output"
expect_eq "$(cat "$OUT/status.mode")" 644 "status file world-readable"
# nothing but the model's keys: no secret, no fingerprint
if grep -vqE '^(netchk-check-status 1|(when|duration|account|realm|state|summary|diagnosis|repair|pw_timeout|clockskew|pw_change|keytab_kvno|last_success|dc|dc_clock|dc_kvno|path) .*|end)$' "$OUT/status"; then
	not_ok "status file has unexpected lines"
else ok "status file holds only the check model"; fi
expect_no_grep status '[0-9a-f]{16}' "no fingerprint in the status file"

expect_eq "$(rc_of cached)" 0 "--cached as nobody: exit 0"
if cmp -s "$OUT/live" "$OUT/cached"; then ok "--cached prints what the live check printed"
else not_ok "--cached differs: $(diff "$OUT/live" "$OUT/cached")"; fi
if cmp -s "$OUT/textfile.prom" "$OUT/cached.prom"; then ok "--cached --format=prometheus = the textfile"
else not_ok "--cached prometheus differs: $(diff "$OUT/textfile.prom" "$OUT/cached.prom")"; fi
expect_eq "$(rc_of stale)" 3 "stale status: UNKNOWN"
expect_grep stale '^NETCHK UNKNOWN - the status in /var/cache/netchk/check-status is [0-9]+ s old \(more than 1 s\)' "stale: says how old"
expect_eq "$(rc_of missing)" 3 "missing status: UNKNOWN"
expect_grep missing '^NETCHK UNKNOWN - cannot read .*netchk-check.timer' "missing: names the timer"

# a broken trust travels through the file the same way
lab_break disable
chmod 0711 "$OUT"
mkdir -m 0755 "$OUT/pub"
check --status-file="$OUT/pub/status2"
live_rc=$RC
cp "$OUT/stdout" "$OUT/live2"
unpriv_netchk check --cached --status-file="$OUT/pub/status2"
expect_eq "$RC" "$live_rc" "--cached exit = live exit ($live_rc)"
if cmp -s "$OUT/live2" "$OUT/stdout"; then ok "--cached prints the CRITICAL text unchanged"
else not_ok "--cached differs: $(diff "$OUT/live2" "$OUT/stdout")"; fi

# --status-file in a directory that does not exist yet (a cron job, a host
# without systemd's CacheDirectory=): the live check creates it, 0755 even
# under umask 077, so that --cached works for every user.
umask_was=$(umask)
umask 077
check --status-file="$OUT/pub/new/netchk/check-status"
umask "$umask_was"
live_rc=$RC
expect_no_grep stdout 'status-file' "new directory: no error"
expect_no_grep stderr 'status-file' "new directory: nothing on stderr"
expect_eq "$(stat -c %a "$OUT/pub/new" "$OUT/pub/new/netchk" | tr '\n' ' ')" \
	"755 755 " "new directory: created 0755"
expect_eq "$(stat -c %a "$OUT/pub/new/netchk/check-status" 2>&1)" 644 \
	"new directory: status file 0644"
unpriv_netchk check --cached --status-file="$OUT/pub/new/netchk/check-status"
expect_eq "$RC" "$live_rc" "new directory: --cached as nobody = live exit ($live_rc)"

# A hostile or broken timestamp in the status file: UNKNOWN "stale", and
# no arithmetic overflow on the way (UBSan in the tests' build reports it).
for when in -9223372036854775808 9223372036854775807 -1; do
	sed "s/^when .*/when $when/" "$OUT/pub/status2" >"$OUT/pub/status-$when"
	check --cached=1800 --status-file="$OUT/pub/status-$when"
	expect_rc 3 "status written at $when: UNKNOWN"
	expect_grep stdout '^NETCHK UNKNOWN - (the status in .* is |.* is not a netchk status file)' \
		"when $when: says it is not current"
	expect_no_grep stderr 'runtime error' "when $when: no overflow"
done
# a hostile last password change: the age in the perfdata
sed "s/^pw_change .*/pw_change -9223372036854775808/" "$OUT/pub/status2" >"$OUT/pub/status-pw"
grep -q '^pw_change ' "$OUT/pub/status-pw" || echo "pw_change -9223372036854775808" >>"$OUT/pub/status-pw"
check --cached=1800 --status-file="$OUT/pub/status-pw"
expect_rc 3 "a hostile pw_change: UNKNOWN, not a status file"
expect_no_grep stderr 'runtime error' "a hostile pw_change: no overflow"
# the largest MAX_AGE with the oldest timestamp
check --cached=9223372036854775807 --status-file="$OUT/pub/status--9223372036854775808"
expect_rc 3 "largest MAX_AGE, oldest timestamp: UNKNOWN"
expect_no_grep stderr 'runtime error' "largest MAX_AGE: no overflow"
