#!/bin/bash
# The DC is down: exit 3 in bounded time, no crash, nothing remembered.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break dc-stop

start=$(date +%s%N)
verify --server dc1.netchk.test --timeout 2 --json
end=$(date +%s%N)
expect_rc 3 "could not decide"
expect_json '.verdict.diagnosis' dc-unreachable "diagnosis"
expect_json '.verdict.repair' fix-network "repair"
expect_json '.dcs[0].paths.netlogon.ntstatus_name' NT_STATUS_CONNECTION_REFUSED "netlogon transport status"
ms=$(((end - start) / 1000000))
if ((ms < 10000)); then ok "bounded: ${ms} ms"; else not_ok "took ${ms} ms"; fi
if [[ ! -s $STATE_DIR/rejected-secrets ]]; then ok "unreachable is not a rejection"
else not_ok "state file written for an unreachable DC"; fi

# Without --server, discovery needs the DC's own DNS: still exit 3.
verify --timeout 2
expect_rc 3 "no DNS either"
lines=$(grep -vc '^ \* ' "$OUT/stderr" || true)
expect_eq "$lines" 1 "one error line on stderr"
expect_grep stderr '^netchk: ' "prefixed error"
