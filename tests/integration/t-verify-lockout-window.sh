#!/bin/bash
# The lockout memory ends after one lockout observation window, without
# --recheck: a DC fixed behind netchk's back turns healthy within a window,
# and a secret that is still wrong is presented again at most once per
# window (the DC resets badPwdCount once a window passes), so the memory
# adds at most one badPwdCount per window.
. "$(dirname "$0")/lib.sh"
lab_fresh
# Samba counts bad passwords only when a lockout threshold is set.
"$LAB" dc samba-tool domain passwordsettings set --account-lockout-threshold=100 \
	-s "$DC_SMB_CONF" >>"$OUT/lab.log" 2>&1
MEM="$STATE_DIR/rejected-secrets"

# age_memory SECONDS: every remembered rejection happened SECONDS ago
age_memory() {
	local when=$(($(date +%s) - $1))
	awk -v w="$when" 'BEGIN { FS = OFS = "\t" } $1 == "v2" { $8 = w } { print }' \
		"$MEM" >"$MEM.new" && mv "$MEM.new" "$MEM"
}
presented() {	# the attempts of the last run that went to the DC
	jq -r '[.dcs[0].attempts[] | select(.outcome != "remembered")] | length' "$OUT/stdout"
}

# 1. A healthy host whose secrets a DC called wrong an hour ago (a
#    replication hiccup, a password set back by an administrator): the
#    memory says PREAUTH_FAILED / ACCESS_DENIED for the secrets in use.
verify --json
expect_rc 0 "healthy"
nl_fp=$(jq -r '.dcs[0].attempts[] | select(.path == "netlogon") | .fingerprint' "$OUT/stdout")
kr_fp=$(jq -r '.dcs[0].attempts[] | select(.path == "kerberos") | .fingerprint' "$OUT/stdout")
mkdir -p "$STATE_DIR"
now=$(date +%s)
printf 'v2\tNETCHK.TEST\tdc1.netchk.test\tnetlogon\t%s\tc0000022\t-\t%s\t-\t-\n' "$nl_fp" $((now - 600)) >"$MEM"
printf 'v2\tNETCHK.TEST\tdc1.netchk.test\tkerberos\t%s\t-\t-1765328360\t%s\t-\t-\n' "$kr_fp" $((now - 600)) >>"$MEM"
verify --json
expect_rc 2 "rejected 10 minutes ago: still remembered (inside the window)"
expect_eq "$(presented)" 0 "nothing presented inside the window"
age_memory 3600
# one remembered secret goes to the DC again per run: two runs for two
verify
expect_grep stderr 'longer than the lockout observation window \(30 min\): presented once more' "says why"
expect_eq "$(grep -cE '(netlogon current password|kerberos keytab keys kvno 1) -> accepted' "$OUT/stderr")" 1 \
	"rejected an hour ago (window 30 min): one secret presented again, accepted"
verify
expect_rc 0 "the next run: the other one too, healthy"
expect_grep stderr '(netlogon current password|kerberos keytab keys kvno 1) -> accepted' "presented and accepted"
if grep -q $'^v2\t' "$MEM"; then not_ok "the accepted secrets are still remembered"
else ok "the memory forgot them"; fi

# 2. A stale keytab: its key is wrong for good.  Once per window, not more.
lab_break stale-keytab
b0=$(dc_attr badPwdCount); b0=${b0:-0}
verify --json
expect_rc 2 "stale keytab"
b1=$(dc_attr badPwdCount); b1=${b1:-0}
expect_eq $((b1 - b0)) 1 "first presentation: one badPwdCount"
verify --json
verify --json
b2=$(dc_attr badPwdCount); b2=${b2:-0}
expect_eq $((b2 - b1)) 0 "inside the window: none"
age_memory 3600
verify --json
expect_rc 2 "after the window: still stale"
expect_json '[.dcs[0].attempts[] | select(.path == "kerberos") | .outcome] | join(",")' rejected "presented once more"
verify --json
expect_json '[.dcs[0].attempts[] | select(.path == "kerberos") | .outcome] | join(",")' remembered "and remembered again"
b3=$(dc_attr badPwdCount); b3=${b3:-0}
expect_eq $((b3 - b2)) 1 "one badPwdCount for the window"

# 3. Two wrong secrets (the DC's password was changed): after the window
#    only one of them goes to the DC; the other waits for the next window.
lab_fresh
lab_break dc-password
rm -f "$MEM"
verify --json
expect_rc 2 "DC password changed"
expect_eq "$(grep -c $'^v2\t' "$MEM")" 2 "two rejections remembered"
age_memory 3600
verify --json
expect_eq "$(presented)" 1 "after the window: one secret presented, not two"
verify --json
expect_eq "$(presented)" 0 "the next run: none (the new rejection is in the window)"
