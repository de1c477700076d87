#!/bin/bash
# The Ansible module (contrib/ansible/netchk.py) with Debian 12's
# ansible-core against the lab member over its sshd: verify healthy; the
# trust broken on the DC side; reset in check mode (the plan, nothing
# changed), then reset for real (changed=true), then verify healthy
# (changed=false).  No galaxy, no network: ANSIBLE_* in a temp dir.
source "$(dirname "$0")/lib.sh"

lab_fresh
lab_sshd

A="$OUT/ansible"
mkdir -p "$A/home" "$A/tmp" "$A/remote-tmp" "$A/cp"
printf 'member1 ansible_python_interpreter=/usr/bin/python3\n' >"$A/inventory"
printf "%s" "${LAB_ADMIN_PASS:-Netchk.Admin.Pw1}" >"$OUT/adminpw"

# ansible MODULE-ARGS...: the netchk module on member1; ansible-core has
# no JSON stdout callback, so the task result comes from --tree's file
ansible_netchk() {
	rm -rf "$A/tree"
	admin_run env ANSIBLE_HOME="$A/home" ANSIBLE_LOCAL_TEMP="$A/tmp" \
		ANSIBLE_REMOTE_TEMP="$A/remote-tmp" \
		ANSIBLE_SSH_CONTROL_PATH_DIR="$A/cp" \
		ANSIBLE_SSH_ARGS="-F $SSH_CONFIG -o ControlMaster=no" \
		ANSIBLE_LIBRARY="$TESTS_DIR/../contrib/ansible" \
		ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_NOCOLOR=1 \
		ansible member1 -i "$A/inventory" --tree "$A/tree" -m netchk "$@"
	jq . "$A/tree/member1" >"$OUT/task.json" 2>/dev/null ||
		echo '{}' >"$OUT/task.json"
}
expect_task() {
	local got
	got=$(jq -r "$1" "$OUT/task.json")
	if [[ $got == "$2" ]]; then ok "$3: $1 = $2"
	else not_ok "$3: $1 = '$got', expected '$2'"; sed 's/^/#   /' "$OUT/stdout" "$OUT/stderr" | head -40 >&2; fi
}
args="netchk=$NETCHK_BIN configfile=$SMB_CONF state_dir=$STATE_DIR"

run_capture env ANSIBLE_HOME="$A/home" ANSIBLE_LOCAL_TEMP="$A/tmp" \
	ansible-doc -M "$TESTS_DIR/../contrib/ansible" netchk
expect_rc 0 "ansible-doc reads the module's documentation"
expect_grep stdout 'check mode' "it documents check mode"

ansible_netchk -a "verb=verify $args"
expect_rc 0 "module verify: task ok"
expect_task .changed false "verify changes nothing"
expect_task .status ok "verify healthy"
expect_task .result.verdict.diagnosis healthy "the JSON result is returned"
expect_task .ansible_facts.netchk_verify.account 'MEMBER1$' "and set as a fact"

ansible_netchk -a "verb=check $args"
expect_rc 0 "module check: task ok"
expect_task .status OK "check OK"

lab_break dc-password
kv0=$(dc_attr msDS-KeyVersionNumber)
ansible_netchk -a "verb=verify $args"
expect_rc 2 "module verify after dc-password: task failed"
expect_task .msg 'netchk verify: broken all-rejected (exit 2)' "verify broken fails the task"
expect_task .exit_code 2 "netchk's exit code"
expect_task .diagnosis all-rejected "diagnosis"

ansible_netchk -a "verb=verify fail_on=never $args"
expect_rc 0 "fail_on=never: the task reports, does not fail"
expect_task .status broken "status broken"
expect_task .exit_code 2 "exit code 2"

ansible_netchk --check -a "verb=reset admin_user=administrator restart_command=echo $args"
expect_rc 2 "check mode reset: the plan for a broken trust"
expect_task .result.dry_run true "check mode is --dry-run"
expect_task .result.plan.action admin-reset "the plan"
expect_task .changed false "check mode changes nothing"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "DC kvno unchanged by check mode"

ansible_netchk -a "verb=reset admin_user=administrator admin_password=$(cat "$OUT/adminpw") restart_command=echo $args"
expect_rc 0 "module reset: task ok"
expect_task .changed true "reset changed something"
expect_task .result.result.changed_dc true "the DC password was set"
expect_task .status ok "after the reset: ok"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1"
expect_no_grep stdout 'Netchk\.Admin' "the password is not in the task output (no_log)"
expect_no_grep task.json 'Netchk\.Admin' "nor in the task result"
expect_task '.cmd | join(" ") | contains("Netchk.Admin")' false "nor in netchk's argv"

ansible_netchk -a "verb=verify $args"
expect_rc 0 "module verify after the reset: task ok"
expect_task .status ok "verify healthy again"
ansible_netchk -a "verb=reset restart_command=echo $args"
expect_rc 0 "module reset when healthy: task ok"
expect_task .changed false "a healthy reset changes nothing"
