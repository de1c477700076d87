#!/bin/bash
# A keytab rewrite keeps what the admin set up: the keytab is a symlink
# (to a file owned by a service's user and group, mode 0640, with an
# SELinux label) and stays one; the new keys go to its target, whose
# owner, group, mode and security.selinux label are unchanged.
. "$(dirname "$0")/lib.sh"
lab_fresh
lab_break stale-keytab
real_dir=$(dirname "$KEYTAB")/keytabs
target=$real_dir/host.keytab
label='system_u:object_r:krb5_keytab_t:s0'
mkdir -p "$real_dir"
mv "$KEYTAB" "$target"
ln -s "$target" "$KEYTAB"
chown daemon:nogroup "$target"
chmod 0640 "$target"
python3 -c 'import os,sys; os.setxattr(sys.argv[1], "security.selinux", sys.argv[2].encode() + b"\0")' "$target" "$label"
getlabel() { python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "security.selinux").rstrip(b"\0").decode())' "$1" 2>/dev/null; }
expect_eq "$(getlabel "$target")" "$label" "label set (the test can set one)"
sum0=$(md5sum <"$target")

netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo
expect_rc 0 "keytab rewritten through the symlink, healthy"
expect_grep stdout '^Plan: +rewrite-keytab' "plan: keytab only"
[[ -L $KEYTAB ]] && ok "the keytab is still a symlink" || not_ok "the symlink was replaced by a file"
expect_eq "$(readlink "$KEYTAB")" "$target" "symlink target unchanged"
[[ $(md5sum <"$target") != "$sum0" ]] && ok "the target was rewritten" || not_ok "the target is unchanged"
expect_eq "$(stat -c '%U:%G %a' "$target")" "daemon:nogroup 640" "owner, group and mode kept"
expect_eq "$(getlabel "$target")" "$label" "SELinux label kept"
left=$(find "$(dirname "$KEYTAB")" "$real_dir" -maxdepth 1 -name '*.netchk.*' | wc -l)
expect_eq "$left" 0 "no temporary file left"
member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
expect_rc 0 "kinit -k through the symlink"
verify
expect_rc 0 "netchk verify healthy"

# A plain file, rewritten by a rotation: owner, group, mode, label kept.
if [[ -L $KEYTAB ]]; then rm -f "$KEYTAB"; mv "$target" "$KEYTAB"; fi
chown daemon:nogroup "$KEYTAB"
chmod 0640 "$KEYTAB"
python3 -c 'import os,sys; os.setxattr(sys.argv[1], "security.selinux", sys.argv[2].encode() + b"\0")' "$KEYTAB" "$label"
kv0=$(dc_attr msDS-KeyVersionNumber)
netchk reset -s "$SMB_CONF" --state-dir "$STATE_DIR" --restart-command echo --force
expect_rc 0 "--force rotation, healthy"
expect_eq "$(dc_attr msDS-KeyVersionNumber)" "$((kv0 + 1))" "DC kvno +1"
expect_eq "$(stat -c '%U:%G %a' "$KEYTAB")" "daemon:nogroup 640" "rotation: owner, group and mode kept"
expect_eq "$(getlabel "$KEYTAB")" "$label" "rotation: SELinux label kept"
member_run kinit -k -t "$KEYTAB" 'MEMBER1$@NETCHK.TEST'
expect_rc 0 "rotation: kinit -k"
