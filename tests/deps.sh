#!/bin/bash
# Install the Debian 12 packages netchk needs to build, test and run its
# lab domain.  Idempotent; quick when everything is present.
# NETCHK_POLICY_RC_D: the policy-rc.d path (tests/t-deps.sh runs this with
# stub dpkg-query/apt-get and a policy-rc.d of its own).
set -euo pipefail

PACKAGES=(
	# build
	build-essential meson ninja-build pkg-config
	samba-dev libtalloc-dev libtevent-dev libtdb-dev libwbclient-dev
	libsmbclient-dev libkrb5-dev libpopt-dev libldap2-dev
	libsasl2-dev libgnutls28-dev nettle-dev libcmocka-dev
	# the libFuzzer target of tests/fuzz (run-all.sh)
	clang
	# t-docs.sh runs the zsh and fish completions
	zsh fish
	# run: SASL GSSAPI for the LDAP bind as the machine
	libsasl2-modules-gssapi-mit
	# the lab domain and the tools we compare with
	samba samba-ad-dc samba-ad-provision samba-dsdb-modules winbind
	krb5-user smbclient ldb-tools tdb-tools python3-tdb
	bash-completion iproute2 util-linux procps jq bc time faketime
	# the Debian package (tests/integration/t-debian-package.sh); systemd
	# for its unit directory (systemd.pc)
	debhelper dpkg-dev fakeroot lintian systemd
	# netchk check --textfile: the real textfile collector and promtool
	prometheus-node-exporter prometheus curl
	# remote runs: sshd on the lab member, netchk's ssh, the Ansible module
	openssh-server openssh-client ansible-core
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if ((${#missing[@]} > 0)); then
	echo "deps: installing ${missing[*]}" >&2
	# Installing samba must not start daemons on this host: a policy-rc.d
	# that refuses, removed again however apt-get ends.  One already there
	# (every Docker-built image has one) is left alone.  Under set -e no
	# `(( )) &&` may end this block: false there ends the script, silently.
	policy=${NETCHK_POLICY_RC_D:-/usr/sbin/policy-rc.d}
	if [[ ! -e $policy ]]; then
		trap 'rm -f "$policy"' EXIT
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	echo "deps: installed ${#missing[@]} packages" >&2
fi
