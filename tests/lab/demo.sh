#!/bin/bash
# The README's first command: install what is needed, build netchk, bring
# up the lab domain (a real Samba AD DC and a joined member in a network
# namespace) and show 'netchk verify' on the member: healthy, then after
# the machine password was changed on the DC side only.
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ $(id -u) -eq 0 ]] || { echo "demo: run as root (the lab needs network namespaces)" >&2; exit 1; }

tests/deps.sh
[[ -f build/build.ninja ]] || meson setup build >/dev/null
ninja -C build >/dev/null

LAB=tests/lab/lab.sh
NETCHK=$PWD/build/netchk/netchk
echo "== bringing up the lab domain NETCHK.TEST (dc1 127.0.0.10, member1 127.0.0.20)"
"$LAB" rebuild >/dev/null
eval "$("$LAB" member-paths)"
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT

echo
echo "== netchk verify on member1 (freshly joined)"
set +e
"$LAB" member "$NETCHK" verify -s "$SMB_CONF" --state-dir "$state"
healthy=$?
echo "(exit $healthy)"

echo
echo "== the machine password is changed on the DC only"
"$LAB" break dc-password >/dev/null
echo "== netchk verify on member1 again"
"$LAB" member "$NETCHK" verify -s "$SMB_CONF" --state-dir "$state"
broken=$?
echo "(exit $broken)"
set -e
echo
echo "The lab keeps running: '$LAB member $NETCHK verify -s $SMB_CONF' to try more,"
echo "'$LAB break {dc-password|delete|disable|dc-stop|stale-keytab|stale-secrets}',"
echo "'$LAB rebuild' for a fresh join, '$LAB down' to stop it."
[[ $healthy == 0 && $broken == 2 ]]
