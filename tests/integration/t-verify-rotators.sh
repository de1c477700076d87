#!/bin/bash
# One rotator: winbind ('machine password timeout'), sssd
# (ad_maximum_machine_account_password_age, 30 d by default) and
# adcli/msktutil timers are listed with their interval; two that can drift
# apart, or none, are a WARNING naming them; check's default password-age
# warning follows the one that applies.
. "$(dirname "$0")/lib.sh"
lab_fresh

# MEMBER1 is a winbind member: one rotator.  With no -s it is read as one
# (smb.conf 'security = ads'), not as a keytab-only host.
netchk verify --state-dir "$STATE_DIR" --json
expect_rc 0 "winbind alone: healthy"
expect_json '.config.keytab_only' false "smb.conf 'security = ads' is an AD member's"
expect_json '[.rotators[] | "\(.name) \(.interval)"] | join(",")' "winbind 604800" "winbind every 7 d"

# winbind and sssd both rotating the same account
printf '[sssd]\ndomains = netchk.test\n[domain/netchk.test]\nid_provider = ad\nad_domain = netchk.test\n' >"$OUT/sssd.conf"
member_run env NETCHK_SSSD_CONF="$OUT/sssd.conf" "$NETCHK_BIN" verify -s "$SMB_CONF" --state-dir "$STATE_DIR" --json
expect_rc 1 "winbind + sssd: warning"
expect_json '.verdict.diagnosis' rotators "diagnosis"
expect_json '.verdict.repair' one-rotator "repair"
expect_json '[.rotators[].name] | join(",")' "winbind,sssd" "both named"
expect_json '.rotator_finding | test("2 rotators .* winbind \\(every 7 d.*sssd \\(every 30 d")' true "with their intervals"
member_run env NETCHK_SSSD_CONF="$OUT/sssd.conf" "$NETCHK_BIN" check -s "$SMB_CONF" --state-dir "$STATE_DIR"
expect_rc 1 "check: WARNING"
expect_grep stdout '^NETCHK WARNING - MEMBER1\$: several password rotators, or none' "check says why"
# sssd writing secrets.tdb too keeps the stores in step
printf 'ad_update_samba_machine_account_password = true\n' >>"$OUT/sssd.conf"
member_run env NETCHK_SSSD_CONF="$OUT/sssd.conf" "$NETCHK_BIN" verify -s "$SMB_CONF" --state-dir "$STATE_DIR" --json
expect_rc 0 "sssd updates secrets.tdb too: no drift"

# MEMBER2: sssd, plus an adcli cron job
"$LAB" member2 sh -c 'echo "0 3 * * 0 root /usr/sbin/adcli update" >/etc/cron.d/adcli-update'
netchk2 verify --state-dir "$STATE_DIR" --json
expect_rc 1 "sssd + adcli cron: warning"
expect_json '[.rotators[] | "\(.name) \(.interval) \(.source)"] | join(",")' "sssd 2592000 /etc/sssd/sssd.conf: sssd's default (30 days),adcli 604800 /etc/cron.d/adcli-update" "sssd and the weekly adcli job"

# no rotator at all
"$LAB" member2 sh -c 'rm /etc/cron.d/adcli-update; sed -i "/^\[domain\//a ad_maximum_machine_account_password_age = 0" /etc/sssd/sssd.conf'
netchk2 verify --state-dir "$STATE_DIR" --json
expect_rc 1 "no rotator: warning"
expect_json '.rotator_finding | startswith("no rotator")' true "says so"

# check's default password-age warning is twice the rotator's interval
"$LAB" member2 sh -c 'sed -i "s/ad_maximum_machine_account_password_age = 0/ad_maximum_machine_account_password_age = 10/" /etc/sssd/sssd.conf'
netchk2 check --state-dir "$STATE_DIR"
expect_rc 0 "sssd every 10 d: OK"
expect_grep stdout "'password_age'=[0-9]+s;1728000;" "warning at twice 10 days"
