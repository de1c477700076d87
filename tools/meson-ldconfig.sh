#!/bin/sh
# meson install into the system prefix (/usr, /usr/local): the dynamic
# loader finds libsc.so.0 there through its cache, so refresh the cache as
# a package's ldconfig trigger would; otherwise a fresh 'meson install'
# leaves a netchk that does not start.  A DESTDIR staging (packaging) is
# the packager's business, and only root may write the cache.
set -eu
LDCONFIG=$1
[ -z "${DESTDIR:-}" ] || exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "netchk: not root, so the loader cache is not refreshed: run ldconfig as root" >&2
	exit 0
fi
exec "$LDCONFIG"
