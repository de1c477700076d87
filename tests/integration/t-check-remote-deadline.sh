#!/bin/bash
# check HOST keeps -t: the monitoring-plugins guidelines make -t the whole
# plugin's limit, and a monitoring system kills a plugin that overruns its
# own check timeout ("Plugin timed out") instead of reading its answer.
# - the netchk there gets the time left (--deadline) and answers with its
#   own partial verdict: silent DCs named (WARNING), or no DC reachable
#   (CRITICAL), within -t;
# - a remote netchk that hangs, and a host that accepts TCP and never
#   speaks SSH, end within -t with one plugin line, CRITICAL "plugin timed
#   out" (netchk's documented timeout state for a local check).
# Before: the remote verify was bounded at 3 x -t, the ssh session only by
# --deadline (120 s).
source "$(dirname "$0")/lib.sh"

lab_fresh
lab_sshd
"$LAB" silent-dc add 3 >>"$OUT/lab.log" 2>&1 || {
	tail -20 "$OUT/lab.log" >&2
	echo "Bail out! lab.sh silent-dc add 3 failed" >&2
	exit 1
}

# a remote netchk that hangs: records its arguments and pid, then sleeps
cat >"$OUT/slow-netchk" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$OUT/slow.args"
echo \$\$ >"$OUT/slow.pid"
exec sleep 20
EOF
chmod 755 "$OUT/slow-netchk"
# the hanging netchk outlives the ssh killed at -t: ended by its pid
kill_slow() {
	[[ ! -s $OUT/slow.pid ]] || kill "$(cat "$OUT/slow.pid")" 2>/dev/null || true
	rm -f "$OUT/slow.pid"
}
trap 'rc=$?; kill "${SILENT:-}" 2>/dev/null; kill_slow; (exit $rc); cleanup' EXIT
# the silent host: accepts TCP, never speaks SSH
silent_host 2223

one_line() {
	expect_eq "$(wc -l <"$OUT/stdout")" 1 "$1: one plugin line"
}

# --- the remote answers in time with what it knows ----------------------
timed remote check member1 -t 5 --all-dcs
within 6000 "check member1 -t 5 --all-dcs, three silent DCs"
expect_rc 1 "one DC answers, three are silent: WARNING"
expect_grep stdout '^NETCHK WARNING - MEMBER1\$ on member1: DC did not answer on dc3\.netchk\.test, dc4\.netchk\.test, dc5\.netchk\.test; trust OK on 1 of 4 DCs \| ' \
	"the remote's own partial verdict, silent DCs named"
expect_grep stdout '^dc1\.netchk\.test netlogon: OK - current password accepted' "dc1 verified there"

timed remote check member1 -t 3 -H dc3.netchk.test
within 4000 "check member1 -t 3 -H <silent DC>"
expect_rc 2 "no DC answered there: CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - MEMBER1\$ on member1: no DC reachable' "the remote's verdict, not a timeout"

# the site's silent DCs first: the netchk there stops at the time given,
# not at 3 x -t (9 s here)
timed remote check member1 -t 3 --site Silent-Site
within 4000 "check member1 -t 3 --site <silent DCs first>"
expect_rc 2 "no DC answered there in time: CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - MEMBER1\$ on member1: no DC reachable' "the remote's verdict, not a timeout"

# --- a remote netchk that hangs -------------------------------------------
timed remote check member1 -t 3 --remote-command "$OUT/slow-netchk"
within 4000 "check member1 -t 3, the netchk there hangs"
expect_rc 2 "timed out: CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - member1: plugin timed out after 3 s' "the plugin's timeout line"
one_line "hanging remote"
expect_grep slow.args '^--deadline=1$' "the netchk there was given the time left (-t 3 - margin - ssh)"
expect_grep slow.args '^--timeout=3$' "and -t as its exchange timeout"
kill_slow

timed remote check member1 -t 10 --remote-command "$OUT/slow-netchk"
within 11000 "check member1 -t 10, the netchk there hangs"
expect_rc 2 "timed out after 10 s: CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - member1: plugin timed out after 10 s' "timeout line names 10 s"
expect_grep slow.args '^--deadline=8$' "the netchk there got 8 of the 10 s"
expect_grep slow.args '^--timeout=5$' "each exchange at most 5 s, as a local check"
kill_slow

# --- a host that accepts and never speaks SSH -----------------------------
timed remote check ssh://127.0.0.20:2223 -t 3
within 4000 "check <silent host> -t 3"
expect_rc 2 "silent host: CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - ssh://127\.0\.0\.20:2223: plugin timed out after 3 s' "the plugin's timeout line"
one_line "silent host"

# --- --hosts: each host has -t from its own start --------------------------
printf 'member1\nssh://127.0.0.20:2223\n' >"$OUT/two"
timed remote check --hosts "$OUT/two" -t 4
within 5000 "check --hosts -t 4, one host silent"
expect_rc 3 "the worst host: the silent one, UNKNOWN (as --hosts reports hosts)"
expect_grep stdout '^member1 NETCHK OK - MEMBER1\$ on member1' "member1 answered within -t"
expect_grep stdout '^ssh://127\.0\.0\.20:2223 UNKNOWN no answer within 3\.6 s \(-t\)$' "the silent host cut at -t, not --deadline"

# --- --deadline shorter than -t: the whole remote run's bound, UNKNOWN ----
timed remote check member1 -t 10 --deadline 2 --remote-command "$OUT/slow-netchk"
within 3000 "check member1 --deadline 2 -t 10"
expect_rc 3 "--deadline first: UNKNOWN, as documented"
expect_grep stdout '^NETCHK UNKNOWN - member1: no answer within 2 s \(--deadline\)' "names --deadline"
kill_slow
