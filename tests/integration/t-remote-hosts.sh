#!/bin/bash
# --hosts: many hosts at once under one deadline.  A host that accepts
# TCP and never speaks SSH, and one that refuses, are UNKNOWN for that
# host; the run ends within the deadline, one line per host, summary last.
source "$(dirname "$0")/lib.sh"

lab_fresh
lab_sshd

# the silent host: accepts TCP, never speaks SSH
trap 'rc=$?; kill "${SILENT:-}" 2>/dev/null; (exit $rc); cleanup' EXIT
silent_host 2222

cat >"$OUT/hosts" <<HOSTS
# lab fleet
member1
ssh://127.0.0.20:2222

127.0.0.21   # nothing listens
HOSTS

t0=$EPOCHREALTIME
remote verify --hosts "$OUT/hosts" --deadline 8
t1=$EPOCHREALTIME
expect_rc 3 "worst host is UNKNOWN"
took=$(echo "$t1 - $t0" | bc)
if (($(echo "$took < 10" | bc))); then ok "ended within the deadline (${took} s, deadline 8 s)"
else not_ok "took ${took} s with --deadline 8"; fi
if (($(echo "$took >= 7.5" | bc))); then ok "the silent host was waited for until the deadline"
else not_ok "ended after ${took} s, before the deadline"; fi
expect_grep stdout '^member1 HEALTHY healthy MEMBER1\$ on dc1.netchk.test$' "member1 line"
expect_grep stdout '^ssh://127.0.0.20:2222 UNKNOWN no answer within 8 s' "silent host UNKNOWN"
expect_grep stdout '^127.0.0.21 UNKNOWN ssh failed: .*Connection refused' "refusing host UNKNOWN"
expect_eq "$(wc -l <"$OUT/stdout")" 4 "one line per host and a summary"
expect_grep stdout '^Summary: 3 hosts: 1 OK, 0 WARNING, 0 BROKEN, 2 UNKNOWN in ' "summary"
expect_eq "$(tail -1 "$OUT/stdout" | cut -d: -f1)" Summary "summary last"

remote verify --hosts - --json --deadline 5 <"$OUT/hosts"
expect_rc 3 "--json from stdin"
if jq -e . "$OUT/stdout" >/dev/null 2>&1; then ok "every line is JSON"
else not_ok "output is not JSON lines"; fi
expect_eq "$(jq -r 'select(.host == "member1") | .result.verdict.status' "$OUT/stdout")" ok "member1 result"
expect_eq "$(jq -r 'select(.host == "ssh://127.0.0.20:2222") | .exit_code' "$OUT/stdout")" 3 "silent host exit code"
expect_eq "$(tail -1 "$OUT/stdout" | jq -c .summary)" \
	"$(tail -1 "$OUT/stdout" | jq -c '.summary | {hosts:3,ok:1,warning:0,broken:0,unknown:2,seconds}')" "summary object last"

# the pool: three hosts, one at a time, all answered
printf 'member1\nmember1\nmember1\n' >"$OUT/three"
remote check --hosts "$OUT/three" --parallel 1
expect_rc 0 "check --hosts --parallel 1: all OK"
expect_eq "$(grep -c '^member1 NETCHK OK - MEMBER1\$ on member1' "$OUT/stdout")" 3 "three plugin lines"

# Prometheus is one document per host: refused for --hosts, with the way
remote check --hosts "$OUT/three" --format=prometheus
expect_rc 3 "check --hosts --format=prometheus: refused"
expect_grep stdout '^NETCHK UNKNOWN - --format=prometheus .*textfile' "says why and what instead"
