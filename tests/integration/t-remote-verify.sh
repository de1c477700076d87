#!/bin/bash
# netchk verify HOST / check HOST: runs netchk on HOST over ssh and prints
# its answer as a local run would, the host named; healthy, then broken on
# the DC side; and the clear errors (unreachable, no netchk, too old).
source "$(dirname "$0")/lib.sh"

lab_fresh
lab_sshd

# the reference: the same verify run on the member itself
verify -q
expect_rc 0 "local verify on the member"
cp "$OUT/stdout" "$OUT/local.txt"

remote verify member1
expect_rc 0 "verify member1 over ssh: healthy"
expect_eq "$(head -1 "$OUT/stdout")" "Host     member1" "the host is named first"
# the DC clock is read to the second: -1 and +0 are the same offset here
same_clock() { sed -E 's/^(  clock +OK +)[-+][01] s$/\1~0 s/'; }
if tail -n +2 "$OUT/stdout" | same_clock | diff -u <(same_clock <"$OUT/local.txt") - >"$OUT/diff"; then
	ok "remote text is the local text"
else
	not_ok "remote text differs from the local text"; sed 's/^/#   /' "$OUT/diff" >&2
fi

remote verify member1 --json
expect_rc 0 "verify member1 --json"
expect_json .host member1 "JSON names the host"
expect_json .schema 1 "JSON schema"
expect_json .verdict.status ok "JSON verdict"
expect_json .account 'MEMBER1$' "JSON account"

# a remote command of several words, as 'sudo -n netchk' for a non-root login
remote verify member1 --remote-command "/usr/bin/env NETCHK_UNUSED=1 $NETCHK_BIN"
expect_rc 0 "--remote-command with arguments"
expect_grep stdout '^Verdict:   HEALTHY' "it ran netchk"

remote check member1
expect_rc 0 "check member1: OK"
expect_grep stdout '^NETCHK OK - MEMBER1\$ on member1: trust OK on dc1.netchk.test \|' "check names account and host"

# HOST that is this machine runs here (no ssh): localhost, and the
# member's own name inside the member
verify localhost -q
expect_rc 0 "verify localhost runs locally"
expect_no_grep stdout '^Host ' "no Host line for this machine"
verify member1 -q
expect_rc 0 "verify member1 on member1 runs locally"
expect_no_grep stdout '^Host ' "no Host line for its own name"
# user@HOST is ssh's form: over ssh even for a loopback address
remote verify root@127.0.0.20
expect_rc 0 "verify root@127.0.0.20 goes over ssh"
expect_grep stdout '^Host     root@127.0.0.20$' "the host as given"

# the trust broken on the DC side
lab_break dc-password
remote verify member1
expect_rc 2 "verify member1 after dc-password: broken"
expect_grep stdout '^Verdict:   BROKEN \(all-rejected\) on dc1.netchk.test' "broken verdict shown"
remote verify member1 --json
expect_rc 2 "verify member1 --json: broken"
expect_json .verdict.diagnosis all-rejected "JSON diagnosis"
expect_json .verdict.exit_code 2 "JSON exit code"
remote check member1
expect_rc 2 "check member1: CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - MEMBER1\$ on member1' "check CRITICAL names the host"

# errors: one line, exit 3
# (127.0.0.21 itself is a loopback address: this machine, run here)
remote verify ssh://127.0.0.21 -t 3
expect_rc 3 "unreachable host"
expect_grep stderr 'netchk: ssh://127.0.0.21: ssh failed: .*Connection refused' "says ssh could not connect"
# with --json, the failure is one object on stdout as well (as --hosts
# gives per host): a script that parses stdout gets the host and the error
remote verify ssh://127.0.0.21 -t 3 --json
expect_rc 3 "unreachable host, --json"
expect_json .host ssh://127.0.0.21 "JSON names the host"
expect_json .exit_code 3 "JSON exit code"
expect_json '.error | test("^ssh failed: .*Connection refused")' true "JSON error"
expect_json .result null "JSON: no result"
expect_eq "$(wc -l <"$OUT/stdout")" 1 "one object"
remote reset member1 --remote-command /nonexistent/netchk --json
expect_rc 3 "reset with no netchk there, --json"
expect_json '.error | test("^netchk is not installed there")' true "JSON error for reset"
remote verify member1 --remote-command /nonexistent/netchk
expect_rc 3 "no netchk there"
expect_grep stderr 'member1: netchk is not installed there' "says netchk is missing"
printf '#!/bin/sh\necho "netchk: unknown verb '"'"'verify'"'"' (try '"'"'netchk --help'"'"')" >&2\nexit 3\n' >"$OUT/old-netchk"
chmod 755 "$OUT/old-netchk"
remote verify member1 --remote-command "$OUT/old-netchk"
expect_rc 3 "a netchk without verify"
expect_grep stderr 'member1: the netchk there is too old' "says too old"
printf '#!/bin/sh\necho %s\nexit 0\n' "'{\"schema\":2,\"command\":\"verify\"}'" >"$OUT/new-netchk"
chmod 755 "$OUT/new-netchk"
remote verify member1 --remote-command "$OUT/new-netchk"
expect_rc 3 "another JSON schema"
expect_grep stderr 'another JSON schema \(2\)' "says which schema"
remote check member1 --remote-command /nonexistent/netchk
expect_rc 3 "check: no netchk there"
expect_grep stdout '^NETCHK UNKNOWN - member1: netchk is not installed there' "check says UNKNOWN on stdout"
# --format=prometheus: the failure is a metrics document too, not a plugin
# line a textfile collector would choke on
remote check member1 --format=prometheus --remote-command /nonexistent/netchk
expect_rc 3 "check --format=prometheus: no netchk there"
expect_grep stdout '^netchk_check_status\{domain=""\} 3$' "status UNKNOWN as a metric"
expect_no_grep stdout '^NETCHK' "no plugin line"
if promtool check metrics <"$OUT/stdout" >"$OUT/promtool" 2>&1; then
	ok "promtool check metrics accepts it"
else
	not_ok "promtool rejects it: $(head -3 "$OUT/promtool")"
fi
