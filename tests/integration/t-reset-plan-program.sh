#!/bin/bash
# The plan is the program: for every plan the lab can produce, the steps
# a dry run shows (plan.steps) are exactly the steps the real run then
# runs (result.steps), in order.  Scenarios, one after the other on one
# lab: healthy (nothing), only the previous password accepted with
# Samba's own previous password (too long for net: no align step),
# --force rotation, previous-only with a netchk password (align-secrets
# first: the secrets.tdb write the executor makes), stale keytab
# (rewrite), DC password reset (administrator set), disabled account
# (--enable).
. "$(dirname "$0")/lib.sh"
reset() { netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo "$@"; }
printf '%s\n' "${LAB_ADMIN_PASS:-Netchk.Admin.Pw1}" >"$OUT/admin"
chmod 600 "$OUT/admin"
# agree NAME WANT_STEPS ARGS...: dry run, then the real run.
agree() {
	local name=$1 want=$2; shift 2
	reset --dry-run --json "$@"
	local plan ran
	plan=$(jq -c '.plan.steps' "$OUT/stdout" 2>/dev/null)
	expect_eq "$plan" "$want" "$name: plan.steps"
	reset --json "$@"
	expect_rc 0 "$name: the real run ends healthy"
	ran=$(jq -c '.result.steps' "$OUT/stdout" 2>/dev/null)
	expect_eq "$ran" "$plan" "$name: result.steps = plan.steps"
}
diverge() {
	member_run sh -c "head -c 48 /dev/urandom | base64 -w0 | net changesecretpw -f -i -s '$SMB_CONF'"
	expect_rc 0 "$1: secrets.tdb ahead of the DC"
}
change='"journal","change-dc","verify-new","write-secrets","write-keytab","clear-journal","verify-after"'
lab_fresh
mkdir -p "$STATE_DIR"

agree healthy '[]'
diverge previous-only-samba
agree previous-only-samba "[$change]"
# (while the keytab holds one kvno, as the break expects)
lab_break stale-secrets
agree stale-secrets "[$change]"
agree force "[$change]" --force
diverge previous-only-netchk
agree previous-only-netchk "[\"align-secrets\",$change]"
expect_grep stderr 'Making .*secrets\.tdb agree with the DC \.\.\. done' "previous-only-netchk: align-secrets ran first"
lab_break stale-keytab
agree stale-keytab '["read-kvno","write-keytab","verify-after"]'
lab_break dc-password
agree admin-reset "[$change]" -U administrator --password-file "$OUT/admin"
lab_break disable
agree enable '["enable-account","verify-after"]' --enable -U administrator --password-file "$OUT/admin"
