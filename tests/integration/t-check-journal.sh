#!/bin/bash
# netchk check logs one journal message per trust state change and DC
# (native protocol datagrams, read here by a listener on the socket that
# NETCHK_JOURNAL_SOCKET names): silent while healthy, one message when the
# DC starts rejecting the secret (MESSAGE_ID, NTSTATUS=0xC0000022, DC,
# PATH=netlogon, NETLOGON_EVENT=3210), none on the runs after it, one when
# the trust is healthy again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"
lab_fresh

SOCK="$OUT/journal.sock"
LOG="$OUT/journal.jsonl"
: >"$LOG"
python3 - "$SOCK" "$LOG" <<'PY' &
import json, os, socket, sys
path, log = sys.argv[1:3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
open(path + ".ready", "w").close()
while True:
    data = s.recv(65536)
    fields = {}
    for line in data.decode().split("\n"):
        if line:
            k, _, v = line.partition("=")
            fields[k] = v
    with open(log, "a") as f:
        f.write(json.dumps(fields) + "\n")
PY
LISTENER=$!
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; kill "$LISTENER" 2>/dev/null; set +e; (exit $rc); cleanup' EXIT
for _ in $(seq 50); do [[ -e $SOCK.ready ]] && break; sleep 0.1; done
[[ -e $SOCK.ready ]] || { echo "Bail out! journal listener did not start" >&2; exit 1; }

# shellcheck disable=SC2120  # extra check options, none needed yet
jcheck() {
	member_run env NETCHK_JOURNAL_SOCKET="$SOCK" "$NETCHK_BIN" check \
		-s "$SMB_CONF" --state-dir "$STATE_DIR" "$@"
	sleep 0.2	# the listener writes the datagram down
}
nmsg() { wc -l <"$LOG"; }
field() { tail -n 1 "$LOG" | jq -r ".$1 // \"<none>\""; }

jcheck
expect_rc 0 "healthy"
expect_eq "$(nmsg)" 0 "healthy first run: no message"
jcheck
expect_eq "$(nmsg)" 0 "healthy again: no message"

lab_break dc-password
jcheck
expect_rc 2 "DC-side password change: CRITICAL"
expect_eq "$(nmsg)" 1 "healthy -> broken: exactly one message"
expect_eq "$(field MESSAGE_ID)" 5d1e6a3c9b8f4e2a8c7d0b1f6e4a2c93 "stable MESSAGE_ID"
expect_eq "$(field DC)" dc1.netchk.test "DC field"
expect_eq "$(field PATH)" netlogon "PATH field"
expect_eq "$(field NTSTATUS)" 0xC0000022 "NTSTATUS field (the DC's answer)"
expect_eq "$(field NETLOGON_EVENT)" 3210 "NETLOGON_EVENT field"
expect_eq "$(field PRIORITY)" 3 "PRIORITY err"
expect_eq "$(field NETCHK_PREVIOUS_STATE)/$(field NETCHK_STATE)" OK/CRITICAL "states"
if field MESSAGE | grep -q '^netchk: trust of MEMBER1\$ with dc1.netchk.test: OK -> CRITICAL'; then
	ok "MESSAGE text"
else not_ok "MESSAGE text: $(field MESSAGE)"; fi
jcheck
jcheck
expect_rc 2 "still CRITICAL"
expect_eq "$(nmsg)" 1 "two more broken runs: no new message"

# a fresh domain (same state dir): healthy again -> one message
lab_fresh
jcheck
expect_rc 0 "healthy again"
expect_eq "$(nmsg)" 2 "broken -> healthy: exactly one more message"
expect_eq "$(field NETCHK_PREVIOUS_STATE)/$(field NETCHK_STATE)" CRITICAL/OK "states"
expect_eq "$(field NETLOGON_EVENT)" "<none>" "no NETLOGON event for a recovery"
expect_eq "$(field PRIORITY)" 5 "PRIORITY notice"
jcheck
expect_eq "$(nmsg)" 2 "healthy again: no message"

# no journal: syslog(3) instead, and the check itself is unaffected
member_run env NETCHK_JOURNAL_SOCKET="$OUT/no-such.sock" "$NETCHK_BIN" check \
	-s "$SMB_CONF" --state-dir "$STATE_DIR"
expect_rc 0 "no journal socket: the check still works"
