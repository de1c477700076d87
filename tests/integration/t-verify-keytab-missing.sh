#!/bin/bash
# A configured keytab that is missing is a finding, not "could not decide":
# the other paths are still tested (netlogon with secrets.tdb), the verdict
# names it (keytab-missing, from the knowledge base), and reset writes the
# keytab from the good secrets.tdb password without touching the DC.
. "$(dirname "$0")/lib.sh"
lab_fresh
kv0=$(dc_attr msDS-KeyVersionNumber)
rm -f "$KEYTAB"

verify --json
expect_rc 2 "missing keytab: broken, not 'could not decide'"
expect_json '.verdict.diagnosis' keytab-missing "diagnosis keytab-missing"
expect_json '.dcs[0].paths.netlogon.status' ok "netlogon still tested: secrets.tdb accepted"
expect_json '.verdict.repair' rewrite-keytab "repair: rewrite the keytab"

verify
expect_rc 2 "text: broken"
expect_grep stderr 'keytab FILE:.*krb5.keytab does not exist' "the step line names the missing file"
expect_grep stdout "^Diagnosis: $("$NETCHK_BIN" explain --json keytab-missing | jq -r '.explained[0].meaning' | cut -c1-40)" \
	"the diagnosis is the knowledge base's text"

netchk check -s "$SMB_CONF" --state-dir "$STATE_DIR"
expect_rc 2 "check: CRITICAL"
expect_grep stdout '^NETCHK CRITICAL - MEMBER1\$: keytab' "check names the keytab"

netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --dry-run
expect_rc 2 "reset --dry-run: the plan"
expect_grep stdout '^Plan:    rewrite-keytab' "plan: rewrite-keytab"

netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --no-restart
expect_rc 0 "reset: repaired"
expect_grep stdout '^After:   ok \(healthy\)' "healthy after"
[[ -f $KEYTAB ]] && ok "the keytab exists again" || not_ok "no keytab written"
expect_eq "$(stat -c %a "$KEYTAB" 2>/dev/null)" 600 "written 0600"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$kv0" "no change on the DC"
verify
expect_rc 0 "verify: healthy"
