#!/bin/bash
# tests/deps.sh on a machine that lacks packages, without installing any:
# stub dpkg-query and apt-get first in PATH make it believe packages are
# missing and record what it runs.  The case that broke first contact: a
# policy-rc.d already present (every Docker-built image has one) made
# deps.sh exit 1 with no message after a successful install.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/netchk-t-deps.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
expect() {	# expect WHAT COMMAND...
	local what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

mkdir "$T/bin"
# dpkg-query: every package in STUB_MISSING is not installed.
cat >"$T/bin/dpkg-query" <<'EOF'
#!/bin/bash
p=${!#}
for m in $STUB_MISSING; do [[ $p == "$m" ]] && exit 1; done
printf 'install ok installed'
EOF
# apt-get: logs its arguments and the policy-rc.d it runs under.
cat >"$T/bin/apt-get" <<'EOF'
#!/bin/bash
echo "apt-get $*" >>"$STUB_LOG"
if [[ $1 == install ]]; then
	if [[ -x $NETCHK_POLICY_RC_D ]]; then
		"$NETCHK_POLICY_RC_D"; echo "policy-rc.d exit $?" >>"$STUB_LOG"
	else
		echo "no policy-rc.d" >>"$STUB_LOG"
	fi
	exit "${STUB_INSTALL_RC:-0}"
fi
EOF
chmod 755 "$T/bin/dpkg-query" "$T/bin/apt-get"

# run_deps CASE [VAR=VALUE...]: deps.sh with the stubs; RC, $T/CASE.log
run_deps() {
	local name=$1; shift
	: >"$T/$name.log"
	set +e
	env PATH="$T/bin:$PATH" STUB_LOG="$T/$name.log" \
		NETCHK_POLICY_RC_D="$T/policy-rc.d" STUB_MISSING=samba "$@" \
		"$SRC/tests/deps.sh" >"$T/$name.out" 2>&1
	RC=$?
	set -e
}

# 1. A policy-rc.d is already there: install, exit 0, leave it alone.
printf '#!/bin/sh\n# the image'"'"'s own\nexit 101\n' >"$T/policy-rc.d"
chmod 755 "$T/policy-rc.d"
cp "$T/policy-rc.d" "$T/policy-rc.d.orig"
run_deps present
expect "policy present: exit 0 (got $RC: $(tr '\n' ' ' <"$T/present.out"))" \
	test "$RC" = 0
expect "policy present: samba installed" \
	grep -qE '^apt-get install .* samba$' "$T/present.log"
expect "policy present: the image's policy-rc.d kept" \
	cmp -s "$T/policy-rc.d" "$T/policy-rc.d.orig"

# 2. None there: install under one that refuses to start daemons, then
#    remove it.
rm -f "$T/policy-rc.d"
run_deps absent
expect "policy absent: exit 0 (got $RC)" test "$RC" = 0
expect "policy absent: install ran under policy-rc.d exit 101" \
	grep -qx 'policy-rc.d exit 101' "$T/absent.log"
expect "policy absent: policy-rc.d removed afterwards" \
	test ! -e "$T/policy-rc.d"

# 3. apt-get fails: deps.sh fails, and removes the policy-rc.d it made.
run_deps failing STUB_INSTALL_RC=100
expect "install fails: exit non-zero (got $RC)" test "$RC" != 0
expect "install fails: policy-rc.d removed" test ! -e "$T/policy-rc.d"

# 4. Nothing missing: no apt-get at all.
run_deps complete STUB_MISSING=
expect "nothing missing: exit 0 (got $RC)" test "$RC" = 0
expect "nothing missing: apt-get not run" test ! -s "$T/complete.log"

echo "$pass passed, $fail failed"
((fail == 0))
