#!/bin/bash
# The lockout memory across runs: concurrent verify/check/reset runs take
# turns on it (so a wrong key goes to the DC once, not once per run), and a
# run that ends in an error still saves what the DC rejected before.
. "$(dirname "$0")/lib.sh"
lab_fresh
# Samba counts bad passwords only when a lockout threshold is set.
"$LAB" dc samba-tool domain passwordsettings set --account-lockout-threshold=100 \
	-s "$DC_SMB_CONF" >>"$OUT/lab.log" 2>&1
lab_break stale-keytab
MEM="$STATE_DIR/rejected-secrets"

# 1. Another run holds the memory: this one waits for it, and says so.
mkdir -p "$STATE_DIR"
flock "$MEM.lock" sleep 2 &
holder=$!
sleep 0.3
t0=$(date +%s%N)
verify -p netlogon
t1=$(date +%s%N)
wait "$holder"
expect_rc 0 "netlogon alone is fine"
expect_grep stderr 'Waiting for another netchk run to finish' "says it waits"
if (((t1 - t0) / 1000000 >= 1500)); then ok "waited for the other run ($(((t1 - t0) / 1000000)) ms)"
else not_ok "did not wait: $(((t1 - t0) / 1000000)) ms"; fi

# 2. Three runs started together against a stale keytab: the DC sees the
#    wrong key once.
b0=$(dc_attr badPwdCount); b0=${b0:-0}
for i in 1 2 3; do
	"$LAB" member "$NETCHK_BIN" verify -s "$SMB_CONF" --state-dir "$STATE_DIR" --json \
		>"$OUT/conc.$i" 2>&1 &
done
"$LAB" member "$NETCHK_BIN" check -s "$SMB_CONF" --state-dir "$STATE_DIR" >"$OUT/conc.4" 2>&1 &
wait
b1=$(dc_attr badPwdCount); b1=${b1:-0}
expect_eq $((b1 - b0)) 1 "four concurrent runs: one badPwdCount"
presented=$(cat "$OUT"/conc.[123] | jq -r '.dcs[0].attempts[] | select(.path == "kerberos") | .outcome' | grep -c rejected || true)
grep -q 'kerberos: CRITICAL - .*remembered' "$OUT/conc.4" || presented=$((presented + 1))
expect_eq "$presented" 1 "one run presented the key, the others remembered it"

# 3. A run that fails after the DC rejected the key (here: the LDAP
#    module cannot be loaded) still saves the rejection.
rm -f "$MEM"
mkdir -p "$OUT/broken/bin" "$OUT/broken/libsc"
cp "$NETCHK_BIN" "$OUT/broken/bin/"
libdir=$(dirname "$NETCHK_BIN")/../libsc
find "$libdir" -maxdepth 1 ! -type d \( -name 'libsc.so*' -o -name libsc-samba.so \
	-o -name libsc-netlogon.so \) -exec cp -P {} "$OUT/broken/libsc/" \;
member_run env -u LD_LIBRARY_PATH "$OUT/broken/bin/netchk" verify -s "$SMB_CONF" --state-dir "$STATE_DIR"
expect_rc 3 "no LDAP module: could not decide"
expect_grep stderr 'cannot load libsc-ldap.so' "says why"
expect_grep stderr 'kerberos keytab keys kvno 1 -> rejected' "after the DC rejected the key"
b2=$(dc_attr badPwdCount); b2=${b2:-0}
verify --json
expect_json '[.dcs[0].attempts[] | select(.path == "kerberos") | .outcome] | join(",")' remembered "the failed run saved the rejection"
b3=$(dc_attr badPwdCount); b3=${b3:-0}
expect_eq $((b3 - b2)) 0 "not presented again"
