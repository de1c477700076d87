#!/usr/bin/env bash
# tests/lab/lab.sh - throw-away Samba AD lab for netchk.
#
# One Samba 4 AD DC (dc1.netchk.test, 127.0.0.10) and one joined member
# (MEMBER1, 127.0.0.20) inside the network namespace $NETCHK_NETNS; with
# `up --dc2` also a second DC (dc2.netchk.test, 127.0.0.11).  Every
# command runs in a private mount overlay that bind-mounts the lab's own
# hosts, resolv.conf, smb.conf and /run/samba, so the host's /etc and
# /run/samba are never written.  All state lives under $NETCHK_LAB.
#
# Usage: lab.sh help          (needs root: ip netns and bind mounts)
#
# Environment: NETCHK_LAB (lab dir, default /var/tmp/netchk-lab),
# NETCHK_NETNS (default netchk), NETCHK_LAB_SAMBA_MODEL (samba -M, default
# single), NETCHK_LAB_READY_TIMEOUT (s, default 60), NETCHK_LAB_LOCK_TIMEOUT
# (s, default 900).  Give concurrent test runners distinct NETCHK_LAB and
# NETCHK_NETNS, or wrap each test in `lab.sh exclusive`: a rebuild kills
# everything running in the lab's netns.
#
# Tests may `source` this file to get the LAB_* variables and helper
# functions; nothing runs and no shell options change when it is sourced.

# Strict mode only when executed; a sourcing shell keeps its own options.
[[ "${BASH_SOURCE[0]}" != "$0" ]] || set -euo pipefail

# ---------------------------------------------------------------------------
# Lab constants (exported for tests)
# ---------------------------------------------------------------------------
export NETCHK_LAB="${NETCHK_LAB:-/var/tmp/netchk-lab}"
export NETCHK_NETNS="${NETCHK_NETNS:-netchk}"

export LAB_DIR="$NETCHK_LAB"
export LAB_NETNS="$NETCHK_NETNS"
export LAB_REALM=NETCHK.TEST
export LAB_WORKGROUP=NETCHK
export LAB_DNS_DOMAIN=netchk.test
export LAB_DC_NAME=dc1
export LAB_DC_FQDN=dc1.netchk.test
export LAB_DC_IP=127.0.0.10
export LAB_DC2_NAME=dc2               # the optional second DC (up --dc2)
export LAB_DC2_FQDN=dc2.netchk.test
export LAB_DC2_IP=127.0.0.11
export LAB_MEMBER_NAME=MEMBER1
export LAB_MEMBER_FQDN=member1.netchk.test
export LAB_MEMBER_IP=127.0.0.20
export LAB_MEMBER_ACCOUNT='MEMBER1$'
export LAB_MEMBER_PRINCIPAL='MEMBER1$@NETCHK.TEST'
# The second member: joined the realmd/adcli way, sssd, no smb.conf, its
# own /etc view (a copy of this machine's /etc with the lab's files in it)
# and host name (FIELD-NOTES 11).
export LAB_MEMBER2_NAME=MEMBER2
export LAB_MEMBER2_FQDN=member2.netchk.test
export LAB_MEMBER2_IP=127.0.0.21
export LAB_MEMBER2_ACCOUNT='MEMBER2$'
export LAB_MEMBER2_PRINCIPAL='MEMBER2$@NETCHK.TEST'
export LAB_ADMIN_USER=administrator
export LAB_ADMIN_PASS=Netchk.Admin.Pw1   # lab constant, not a secret
export LAB_WEB_PASS=Netchk.Web.Pw1       # svc-web (break foreign-keytab)
export LAB_M2_SAME_PASS=Netchk.M2.Same.Pw1 # MEMBER2$, set twice (break m2-kvno-behind)

export LAB_DC_DIR="$LAB_DIR/dc"
export LAB_DC_SMB_CONF="$LAB_DC_DIR/etc/smb.conf"
export LAB_DC_KRB5_CONF="$LAB_DC_DIR/krb5.conf"
export LAB_DC_SAM="$LAB_DC_DIR/private/sam.ldb"
export LAB_DC_CCACHE="FILE:$LAB_DC_DIR/run/krb5cc"

export LAB_DC2_DIR="$LAB_DIR/dc2"
export LAB_DC2_SMB_CONF="$LAB_DC2_DIR/etc/smb.conf"
export LAB_DC2_KRB5_CONF="$LAB_DC2_DIR/krb5.conf"
export LAB_DC2_SAM="$LAB_DC2_DIR/private/sam.ldb"
export LAB_DC2_CCACHE="FILE:$LAB_DC2_DIR/run/krb5cc"

export LAB_MEMBER_DIR="$LAB_DIR/member"
export LAB_MEMBER_SMB_CONF="$LAB_MEMBER_DIR/etc/smb.conf"
export LAB_MEMBER_KRB5_CONF="$LAB_MEMBER_DIR/etc/krb5.conf"
export LAB_MEMBER_KEYTAB="$LAB_MEMBER_DIR/krb5.keytab"
export LAB_MEMBER_SECRETS="$LAB_MEMBER_DIR/private/secrets.tdb"
export LAB_MEMBER_CCACHE="FILE:$LAB_MEMBER_DIR/run/krb5cc"
# sshd on the member (sshd-start): its own keys and config, and an ssh
# client config for reaching it from inside the netns (ssh -F / netchk
# --ssh-config), so root's real ~/.ssh is never touched.
export LAB_SSH_DIR="$LAB_DIR/ssh"
export LAB_SSH_CONFIG="$LAB_SSH_DIR/config"

export LAB_MEMBER2_DIR="$LAB_DIR/member2"
export LAB_MEMBER2_ETC="$LAB_MEMBER2_DIR/etc"        # is /etc on member2
export LAB_MEMBER2_KEYTAB="$LAB_MEMBER2_ETC/krb5.keytab"
export LAB_MEMBER2_KRB5_CONF="$LAB_MEMBER2_ETC/krb5.conf"
export LAB_MEMBER2_SSSD_CONF="$LAB_MEMBER2_ETC/sssd/sssd.conf"
export LAB_MEMBER2_CCACHE="FILE:$LAB_MEMBER2_DIR/ccache/krb5cc"

LAB_GOLDEN_DIR="$LAB_DIR/golden"
LAB_LOG_DIR="$LAB_DIR/log"                 # logs of the lab's own steps
LAB_GOLDEN_STAMP=".netchk-lab-golden-v2"   # v2: MEMBER2 joined
LAB_GOLDEN_M2_KEYTAB=".member2.keytab"     # member2's keytab in the golden copy
LAB_GOLDEN2_DIR="$LAB_DIR/golden-dc2"      # dc1 + dc2 after the join
LAB_DC2_MARK="$LAB_DIR/.with-dc2"          # present while the lab has dc2
# The domain's naming contexts (replicated to dc2 after its join).
LAB_DOMAIN_NC="DC=netchk,DC=test"
LAB_ALL_NCS=("$LAB_DOMAIN_NC" "CN=Configuration,$LAB_DOMAIN_NC"
             "CN=Schema,CN=Configuration,$LAB_DOMAIN_NC"
             "DC=DomainDnsZones,$LAB_DOMAIN_NC" "DC=ForestDnsZones,$LAB_DOMAIN_NC")
LAB_SAMBA_MODEL="${NETCHK_LAB_SAMBA_MODEL:-single}"
LAB_READY_TIMEOUT="${NETCHK_LAB_READY_TIMEOUT:-60}"
LAB_PYTHON=/usr/bin/python3                # Debian's, has samba + dnspython
LAB_WITH_DC2=""                            # non-empty: files list dc2 too
if [[ -e $LAB_DC2_MARK ]]; then LAB_WITH_DC2=1; fi

# Attributes dc-account refuses to print (password material, wildcards).
LAB_SECRET_ATTR_RE='^([*+]|unicodepwd|dbcspwd|ntpwdhistory|lmpwdhistory|supplementalcredentials|priorvalue|currentvalue|trustauth.*|initialauth.*|msds-managedpassword.*|.*secret.*)$'

# Process names a lab pid file may point at (checked before any kill).
LAB_SAMBA_COMM_RE='^(samba|smbd|winbindd|samba-dcerpcd|rpcd_.*|.*\[.*\])$'

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: ERROR: %s\n' "$*" >&2; exit 1; }

now_us() { local t=$EPOCHREALTIME; echo "${t//[.,]/}"; }

# elapsed_since START_US -> "S.ss"
elapsed_since() {
    local us=$(( $(now_us) - $1 ))
    printf '%d.%02d' $(( us / 1000000 )) $(( us % 1000000 / 10000 ))
}

# Show the tail of a log file on stderr (after a failure).
show_log_tail() {
    local file=$1
    [[ -s $file ]] || return 0
    printf 'lab: --- last lines of %s ---\n' "$file" >&2
    tail -n "${2:-20}" "$file" >&2
}

check_lab_path() {
    case $LAB_DIR in
        /*/*) ;;
        *) die "NETCHK_LAB must be an absolute path below / (got '$LAB_DIR')" ;;
    esac
}

need_root() { [[ $(id -u) -eq 0 ]] || die "must run as root (ip netns, bind mounts)"; }

preflight() {
    need_root
    check_lab_path
    local tool
    for tool in ip samba samba-tool net smbclient winbindd wbinfo ldbsearch \
                klist kinit mount unshare flock awk cmp adcli sssd hostname \
                "$LAB_PYTHON"; do
        command -v "$tool" >/dev/null || die "missing tool: $tool"
    done
    # Bind-mount targets must already exist; the lab never creates them.
    [[ -d /run/samba ]] || die "/run/samba missing (is samba installed?)"
    [[ -f /etc/samba/smb.conf ]] || die "/etc/samba/smb.conf missing (is samba installed?)"
    [[ -d /var/lib/sss && -d /var/log/sssd ]] || die "/var/lib/sss or /var/log/sssd missing (is sssd installed?)"
}

# Serialise state-changing subcommands on $LAB_DIR/.lock (fd 9; run_in
# closes it for every child, so daemons never inherit the lock).  Inside
# `lab.sh exclusive CMD`, nested lab.sh calls see NETCHK_LAB_LOCK_HELD and
# do not lock again.
take_lock() {
    [[ ${NETCHK_LAB_LOCK_HELD:-} == "$LAB_DIR" ]] && return 0
    mkdir -p "$LAB_DIR"
    exec 9>"$LAB_DIR/.lock"
    flock -w "${NETCHK_LAB_LOCK_TIMEOUT:-900}" 9 ||
        die "timed out waiting for $LAB_DIR/.lock (another lab user)"
}

ns_exists() { [[ -e /run/netns/$LAB_NETNS ]]; }

# ---------------------------------------------------------------------------
# Per-host overlays
# ---------------------------------------------------------------------------
# Inside: bind-mount pairs SRC DST until "--", then exec the command.
# A pair "overlay:TOP DIR" mounts DIR read-only with TOP's files over it
# (when the kernel can: without it, DIR stays as it is).
# shellcheck disable=SC2016  # expanded by the inner sh, on purpose
LAB_OVERLAY_SH='
while [ "$1" != "--" ]; do
    case $1 in
    overlay:*)
        # only adds files (krb5.conf): a kernel without overlayfs costs the
        # tests that need them, not every command of the member
        mount -t overlay -o "ro,lowerdir=${1#overlay:}:$2" lab-etc "$2" ||
            echo "lab: overlay ${1#overlay:} over $2 failed; going on without it" >&2 ;;
    *)
        mount --bind "$1" "$2" || { echo "lab: bind mount $1 -> $2 failed" >&2; exit 125; } ;;
    esac
    shift 2
done
shift
exec "$@"'

# overlay_args dc|dc2|member|member2 -> fills arrays OV_BINDS, OV_ENV and
# OV_PREFIX (what the command runs under: member2's own host name).
# /var/log/samba is overlaid too: samba-dcerpcd and the rpcd_* workers log
# their start banner to /var/log/samba/log.<name> whatever `log file` says.
overlay_args() {
    OV_PREFIX=()
    case $1 in
        dc)
            OV_BINDS=("$LAB_DC_DIR/hosts" /etc/hosts
                      "$LAB_DC_DIR/resolv.conf" /etc/resolv.conf
                      "$LAB_DC_DIR/run" /run/samba)
            [[ -f $LAB_DC_SMB_CONF ]] && OV_BINDS+=("$LAB_DC_SMB_CONF" /etc/samba/smb.conf)
            [[ -f /etc/krb5.conf ]] && OV_BINDS+=("$LAB_DC_KRB5_CONF" /etc/krb5.conf)
            [[ -d /var/log/samba && -d $LAB_DC_DIR/log ]] &&
                OV_BINDS+=("$LAB_DC_DIR/log" /var/log/samba)
            OV_ENV=("KRB5_CONFIG=$LAB_DC_KRB5_CONF" "KRB5CCNAME=$LAB_DC_CCACHE")
            ;;
        dc2)
            OV_BINDS=("$LAB_DC2_DIR/hosts" /etc/hosts
                      "$LAB_DC2_DIR/resolv.conf" /etc/resolv.conf
                      "$LAB_DC2_DIR/run" /run/samba)
            [[ -f $LAB_DC2_SMB_CONF ]] && OV_BINDS+=("$LAB_DC2_SMB_CONF" /etc/samba/smb.conf)
            [[ -f /etc/krb5.conf ]] && OV_BINDS+=("$LAB_DC2_KRB5_CONF" /etc/krb5.conf)
            [[ -d /var/log/samba && -d $LAB_DC2_DIR/log ]] &&
                OV_BINDS+=("$LAB_DC2_DIR/log" /var/log/samba)
            OV_ENV=("KRB5_CONFIG=$LAB_DC2_KRB5_CONF" "KRB5CCNAME=$LAB_DC2_CCACHE")
            ;;
        member)
            OV_BINDS=("$LAB_MEMBER_DIR/etc/hosts" /etc/hosts
                      "$LAB_MEMBER_DIR/etc/resolv.conf" /etc/resolv.conf
                      "$LAB_MEMBER_SMB_CONF" /etc/samba/smb.conf
                      "$LAB_MEMBER_DIR/run" /run/samba)
            # /etc/krb5.conf is the member's, as on a joined host, for
            # what runs without KRB5_CONFIG (check through sudo clears it).
            # A host without one (Debian without krb5-config) gets it from
            # a read-only overlay of /etc, mounted before the binds.
            if [[ -f /etc/krb5.conf ]]; then
                OV_BINDS+=("$LAB_MEMBER_KRB5_CONF" /etc/krb5.conf)
            elif [[ -L $LAB_MEMBER_DIR/etc-top/krb5.conf ]]; then
                OV_BINDS=("overlay:$LAB_MEMBER_DIR/etc-top" /etc "${OV_BINDS[@]}")
            fi
            [[ -d /var/log/samba && -d $LAB_MEMBER_DIR/log ]] &&
                OV_BINDS+=("$LAB_MEMBER_DIR/log" /var/log/samba)
            OV_ENV=("KRB5_CONFIG=$LAB_MEMBER_KRB5_CONF"
                    "KRB5_KTNAME=FILE:$LAB_MEMBER_KEYTAB"
                    "KRB5CCNAME=$LAB_MEMBER_CCACHE")
            ;;
        member2)
            # /etc, sssd's state and /run are member2's own; /run holds
            # sssd.pid, so netchk finds sssd where a real host has it.
            OV_BINDS=("$LAB_MEMBER2_ETC" /etc
                      "$LAB_MEMBER2_DIR/sss" /var/lib/sss
                      "$LAB_MEMBER2_DIR/log" /var/log/sssd
                      "$LAB_MEMBER2_DIR/run" /run)
            OV_ENV=("KRB5CCNAME=$LAB_MEMBER2_CCACHE")
            OV_PREFIX=(unshare -u sh -c 'hostname "$0" && exec "$@"' "$LAB_MEMBER2_FQDN")
            ;;
        *) die "unknown host '$1' (dc|dc2|member|member2)" ;;
    esac
}

# run_in dc|member CMD... : CMD inside the netns and the host's overlay.
# stdin/stdout/stderr pass through; the exit status is CMD's (125 = overlay).
run_in() {
    local host=$1; shift
    local -a OV_BINDS OV_ENV OV_PREFIX
    overlay_args "$host"
    ns_exists || die "network namespace '$LAB_NETNS' does not exist (run: lab.sh up)"
    [[ -e ${OV_BINDS[0]#overlay:} ]] || die "$host files missing under $LAB_DIR (run: lab.sh up)"
    env -u KRB5_CONFIG -u KRB5_KTNAME "${OV_ENV[@]}" ip netns exec "$LAB_NETNS" \
        sh -c "$LAB_OVERLAY_SH" lab-overlay "${OV_BINDS[@]}" -- \
        "${OV_PREFIX[@]}" "$@" 9>&-
}

# run_files_in dc|member CMD... : like run_in but needs no netns (for pure
# file access such as ldbsearch on sam.ldb after the lab went down).
run_files_in() {
    local host=$1; shift
    if ns_exists; then run_in "$host" "$@"; return; fi
    local -a OV_BINDS OV_ENV OV_PREFIX
    overlay_args "$host"
    env -u KRB5_CONFIG -u KRB5_KTNAME "${OV_ENV[@]}" unshare -m --propagation private \
        sh -c "$LAB_OVERLAY_SH" lab-overlay "${OV_BINDS[@]}" -- \
        "${OV_PREFIX[@]}" "$@" 9>&-
}

# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------
pid_gone() {
    local pid=$1 state
    [[ -r /proc/$pid/status ]] || return 0
    state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 0
    [[ -z $state || $state == Z || $state == X ]]
}

# kill_pid PID : TERM, wait up to ~5 s (zombies count as gone), then KILL.
kill_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        pid_gone "$pid" && return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
        pid_gone "$pid" && return 0
        sleep 0.1
    done
    log "warning: pid $pid did not exit"
}

# pidfile_pid FILE -> prints the PID if it names a live Samba process.
pidfile_pid() {
    local file=$1 pid comm
    [[ -f $file ]] || return 1
    read -r pid _ <"$file" 2>/dev/null || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    pid_gone "$pid" && return 1
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    [[ $comm =~ $LAB_SAMBA_COMM_RE ]] || return 1
    echo "$pid"
}

# stop_pidfile FILE : stop the process named in FILE, remove the file.
stop_pidfile() {
    local file=$1 pid
    if pid=$(pidfile_pid "$file"); then
        kill_pid "$pid"
    fi
    rm -f "$file"
}

# stop_run_dir DIR [MAIN.pid] : stop MAIN first, then every other pid file.
stop_run_dir() {
    local dir=$1 main=${2:-} file
    [[ -d $dir ]] || return 0
    if [[ -n $main ]]; then stop_pidfile "$dir/$main"; fi
    for file in "$dir"/*.pid; do
        [[ -e $file ]] && stop_pidfile "$file"
    done
    return 0
}

dc_pid() { pidfile_pid "$LAB_DC_DIR/run/samba.pid"; }
winbind_pid() { pidfile_pid "$LAB_MEMBER_DIR/run/winbindd.pid"; }

# ---------------------------------------------------------------------------
# Network namespace
# ---------------------------------------------------------------------------
netns_create() {
    ns_exists && ip netns del "$LAB_NETNS"
    ip netns add "$LAB_NETNS"
    ip -n "$LAB_NETNS" link set lo up
    local addr
    for addr in "$LAB_DC_IP" "$LAB_DC2_IP" "$LAB_MEMBER_IP" "$LAB_MEMBER2_IP"; do
        ip -n "$LAB_NETNS" addr add "$addr/8" dev lo
    done
}

netns_kill_all() {
    ns_exists || return 0
    local pid
    for pid in $(ip netns pids "$LAB_NETNS" 2>/dev/null); do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $(ip netns pids "$LAB_NETNS" 2>/dev/null); do
        kill_pid "$pid"
    done
}

netns_delete() {
    netns_kill_all
    if ns_exists; then ip netns del "$LAB_NETNS"; fi
}

# tcp_open PORT... : all ports accept a connection on the DC address.
tcp_open() { tcp_open_at "$LAB_DC_IP" "$@"; }

# tcp_open_at IP PORT... : all ports accept a connection on IP.
tcp_open_at() {
    # shellcheck disable=SC2016
    ip netns exec "$LAB_NETNS" bash -c '
        ip=$1; shift
        for p in "$@"; do (exec 3<>"/dev/tcp/$ip/$p") 2>/dev/null || exit 1; done' \
        tcp-check "$@" 9>&-
}

# tcp_closed PORT... : no port accepts a connection.
tcp_closed() {
    local p
    for p in "$@"; do
        if tcp_open "$p"; then return 1; fi
    done
}

# ---------------------------------------------------------------------------
# Lab files
# ---------------------------------------------------------------------------
# Files list dc2 only while the lab has it (LAB_WITH_DC2).
write_hosts() {
    {
        echo "127.0.0.1 localhost"
        echo "$LAB_DC_IP $LAB_DC_FQDN $LAB_DC_NAME"
        [[ -z $LAB_WITH_DC2 ]] || echo "$LAB_DC2_IP $LAB_DC2_FQDN $LAB_DC2_NAME"
        echo "$LAB_MEMBER_IP $LAB_MEMBER_FQDN ${LAB_MEMBER_NAME,,}"
    } >"$1"
}

write_resolv_conf() {
    {
        echo "search $LAB_DNS_DOMAIN"
        echo "nameserver $LAB_DC_IP"
        [[ -z $LAB_WITH_DC2 ]] || printf 'nameserver %s\noptions timeout:1\n' "$LAB_DC2_IP"
    } >"$1"
}

# write_krb5_conf FILE [KEYTAB]
# kpasswd_server is needed: with DNS lookups off, Samba's bundled Heimdal
# (used by `net ads changetrustpw`) does not fall back to admin_server and
# fails with "Cannot contact any KDC for requested realm".
write_krb5_conf() {
    local file=$1 keytab=${2:-} ktline="" kdc2=""
    [[ -n $keytab ]] && ktline="	default_keytab_name = FILE:$keytab"
    [[ -z $LAB_WITH_DC2 ]] || kdc2=$'\n\t\tkdc = '$LAB_DC2_IP
    cat >"$file" <<EOF
[libdefaults]
	default_realm = $LAB_REALM
	dns_lookup_kdc = false
	dns_lookup_realm = false
	rdns = false
	dns_canonicalize_hostname = false
$ktline

[realms]
	$LAB_REALM = {
		kdc = $LAB_DC_IP$kdc2
		admin_server = $LAB_DC_IP
		kpasswd_server = $LAB_DC_IP
	}

[domain_realm]
	.$LAB_DNS_DOMAIN = $LAB_REALM
	$LAB_DNS_DOMAIN = $LAB_REALM
EOF
}

write_dc_host_files() {
    mkdir -p "$LAB_DC_DIR/run" "$LAB_DC_DIR/log" "$LAB_DC_DIR/cache"
    write_hosts "$LAB_DC_DIR/hosts"
    write_resolv_conf "$LAB_DC_DIR/resolv.conf"
    write_krb5_conf "$LAB_DC_KRB5_CONF"
}

# Lines added to [global] of the provisioned smb.conf [DC dir].
dc_global_extra() {
    local d=${1:-$LAB_DC_DIR}
    cat <<EOF
	pid directory = $d/run
	ncalrpc dir = $d/run/ncalrpc
	winbindd socket directory = $d/run/winbindd
	ntp signd socket directory = $d/run/ntp_signd
	disable netbios = yes
	log level = 1 auth_audit:3
EOF
}

write_member_files() {
    local m=$LAB_MEMBER_DIR d
    for d in etc private lock state cache run run/ncalrpc run/winbindd log; do
        mkdir -p "$m/$d"
    done
    chmod 700 "$m/private"
    write_hosts "$m/etc/hosts"
    write_resolv_conf "$m/etc/resolv.conf"
    write_krb5_conf "$LAB_MEMBER_KRB5_CONF" "$LAB_MEMBER_KEYTAB"
    mkdir -p "$m/etc-top"
    ln -sfn "$LAB_MEMBER_KRB5_CONF" "$m/etc-top/krb5.conf"
    cat >"$LAB_MEMBER_SMB_CONF" <<EOF
# netchk lab member - generated by tests/lab/lab.sh
[global]
	workgroup = $LAB_WORKGROUP
	realm = $LAB_REALM
	security = ads
	netbios name = $LAB_MEMBER_NAME
	kerberos method = secrets and keytab
	dedicated keytab file = FILE:$LAB_MEMBER_KEYTAB
	machine password timeout = 604800

	private dir = $m/private
	lock directory = $m/lock
	state directory = $m/state
	cache directory = $m/cache
	pid directory = $m/run
	ncalrpc dir = $m/run/ncalrpc
	winbindd socket directory = $m/run/winbindd

	interfaces = $LAB_MEMBER_IP
	bind interfaces only = yes
	disable netbios = yes
	log file = $m/log/log.%m
	log level = 1

	idmap config * : backend = tdb
	idmap config * : range = 3000-7999
	idmap config $LAB_WORKGROUP : backend = rid
	idmap config $LAB_WORKGROUP : range = 10000-999999
EOF
}

# ---------------------------------------------------------------------------
# DC
# ---------------------------------------------------------------------------
dc_provision() {
    local plog=$LAB_LOG_DIR/provision.log
    rm -rf "$LAB_DC_DIR"
    write_dc_host_files
    : >"$LAB_DIR/empty.conf"
    log "provisioning $LAB_REALM (one-off, 5-20 s)"
    if ! run_in dc samba-tool domain provision --configfile="$LAB_DIR/empty.conf" \
            --targetdir="$LAB_DC_DIR" --realm="$LAB_REALM" --domain="$LAB_WORKGROUP" \
            --server-role=dc --dns-backend=SAMBA_INTERNAL \
            --adminpass="$LAB_ADMIN_PASS" --host-name="$LAB_DC_NAME" --host-ip="$LAB_DC_IP" \
            --option="interfaces=$LAB_DC_IP" --option="bind interfaces only=yes" \
            --option="dns forwarder=127.0.0.1" \
            --option="log file=$LAB_DC_DIR/log/samba.log" \
            </dev/null >"$plog" 2>&1; then
        show_log_tail "$plog"
        die "samba-tool domain provision failed"
    fi
    [[ -f $LAB_DC_SMB_CONF && -f $LAB_DC_SAM ]] || die "provision left no smb.conf/sam.ldb"

    # Add the lab settings right after the [global] header.
    local extra
    extra=$(dc_global_extra)
    awk -v extra="$extra" '{ print } /^\[global\]/ { print extra }' \
        "$LAB_DC_SMB_CONF" >"$LAB_DC_SMB_CONF.new"
    mv "$LAB_DC_SMB_CONF.new" "$LAB_DC_SMB_CONF"

    # No complexity, history or expiry: test passwords never expire.
    if ! run_in dc samba-tool domain passwordsettings set -s "$LAB_DC_SMB_CONF" \
            --complexity=off --history-length=0 --min-pwd-age=0 --max-pwd-age=0 \
            </dev/null >>"$plog" 2>&1; then
        show_log_tail "$plog"
        die "samba-tool domain passwordsettings set failed"
    fi
}

dc_start() {
    rm -f "$LAB_DC_DIR"/run/*.pid
    mkdir -p "$LAB_DC_DIR/run" "$LAB_DC_DIR/log"
    run_in dc samba -s "$LAB_DC_SMB_CONF" -D -M "$LAB_SAMBA_MODEL" \
        </dev/null >>"$LAB_LOG_DIR/dc-start.log" 2>&1 \
        || { show_log_tail "$LAB_LOG_DIR/dc-start.log"; die "samba did not start"; }
}

dc_admin_smb_ok() {
    run_in dc smbclient -L "//$LAB_DC_IP" -s "$LAB_DC_SMB_CONF" \
        -U "$LAB_ADMIN_USER%$LAB_ADMIN_PASS" </dev/null >/dev/null 2>&1
}

# Wait for TCP 445, 88, 389 and an admin SMB session; bounded.
dc_wait_ready() {
    local deadline=$(( $(now_us) + LAB_READY_TIMEOUT * 1000000 )) stage=ports
    while (( $(now_us) < deadline )); do
        if ! dc_pid >/dev/null; then
            sleep 0.2   # the pid file appears shortly after the fork
            dc_pid >/dev/null || {
                show_log_tail "$LAB_DC_DIR/log/samba.log" 30
                die "DC samba process exited during start-up"
            }
        fi
        if [[ $stage == ports ]] && tcp_open 445 88 389; then stage=smb; fi
        if [[ $stage == smb ]] && dc_admin_smb_ok; then return 0; fi
        sleep 0.1
    done
    show_log_tail "$LAB_DC_DIR/log/samba.log" 30
    die "DC not ready after ${LAB_READY_TIMEOUT}s (stage: $stage; want TCP 445/88/389 + admin SMB)"
}

dc_stop() {
    stop_run_dir "$LAB_DC_DIR/run" samba.pid
}

# Wait until the first start has generated the TLS keys (LDAP needs them).
dc_wait_tls() {
    local i f ok
    for ((i = 0; i < 100; i++)); do
        ok=1
        for f in key.pem cert.pem ca.pem; do
            [[ -s $LAB_DC_DIR/private/tls/$f ]] || ok=0
        done
        (( ok )) && return 0
        sleep 0.1
    done
    die "DC generated no TLS keys in $LAB_DC_DIR/private/tls"
}

# dns_missing dc|member : ask the nameserver of that host's resolv.conf (the
# DC's internal DNS) for dc1's A record and the DC SRV records.  Prints what
# is missing; exit 0 when nothing is.  Plain stdlib DNS over UDP, because
# importing dnspython alone takes ~0.7 s.
dns_missing() {
    run_in "$1" "$LAB_PYTHON" - "$LAB_DNS_DOMAIN" "$LAB_DC_FQDN" "$LAB_DC_IP" 2>&1 <<'EOF'
import random, socket, struct, sys
domain, fqdn, ip = sys.argv[1:4]
server = next(l.split()[1] for l in open("/etc/resolv.conf") if l.startswith("nameserver"))

def name_at(msg, off):
    labels, end = [], None
    while msg[off]:
        if msg[off] >= 0xC0:
            end = end or off + 2
            off = struct.unpack("!H", msg[off:off + 2])[0] & 0x3FFF
            continue
        labels.append(msg[off + 1:off + 1 + msg[off]].decode())
        off += 1 + msg[off]
    return ".".join(labels).lower(), end or off + 1

def query(name, qtype):
    qid = random.randrange(65536)
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    q += struct.pack("!HH", qtype, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    try:
        s.sendto(q, (server, 53))
        msg = s.recv(4096)
    except OSError:
        return []
    rid, _, qd, an = struct.unpack("!HHHH", msg[:8])
    if rid != qid:
        return []
    off = 12
    for _ in range(qd):
        off = name_at(msg, off)[1] + 4
    out = []
    for _ in range(an):
        off = name_at(msg, off)[1]
        rtype, _, _, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        rd = off + 10
        if rtype == 1 and qtype == 1:
            out.append(socket.inet_ntoa(msg[rd:rd + 4]))
        elif rtype == 33 and qtype == 33:
            out.append(name_at(msg, rd + 6)[0])
        off = rd + rdlen
    return out

missing = []
if ip not in query(fqdn, 1):
    missing.append("A %s -> %s" % (fqdn, ip))
for srv in ("_ldap._tcp.dc._msdcs.", "_ldap._tcp.", "_kerberos._tcp.",
            "_kerberos._udp.", "_kpasswd._tcp."):
    if fqdn.lower() not in query(srv + domain, 33):
        missing.append("SRV %s%s -> %s" % (srv, domain, fqdn))
print("\n".join(missing))
sys.exit(1 if missing else 0)
EOF
}

# dc_dns_add KIND NAME : add one record reported missing by dns_missing.
dc_dns_add() {
    local kind=$1 name=$2 dom=$LAB_DNS_DOMAIN zone rname rtype data port
    case $kind in
        A) zone=$dom; rname=$LAB_DC_NAME; rtype=A; data=$LAB_DC_IP ;;
        SRV)
            case $name in
                _ldap._tcp.dc._msdcs.*) zone=_msdcs.$dom; rname=_ldap._tcp.dc ;;
                *) zone=$dom; rname=${name%."$dom"} ;;
            esac
            case $rname in
                _ldap.*) port=389 ;;
                _kerberos.*) port=88 ;;
                _kpasswd.*) port=464 ;;
                *) die "no port known for SRV $name" ;;
            esac
            rtype=SRV; data="$LAB_DC_FQDN $port 0 100" ;;
        *) die "unknown DNS record kind $kind" ;;
    esac
    run_in dc samba-tool dns add "$LAB_DC_IP" "$zone" "$rname" "$rtype" "$data" \
        -U "$LAB_ADMIN_USER%$LAB_ADMIN_PASS" -s "$LAB_DC_SMB_CONF" \
        </dev/null >>"$LAB_LOG_DIR/dns.log" 2>&1 ||
        { show_log_tail "$LAB_LOG_DIR/dns.log" 5; die "samba-tool dns add $zone $rname $rtype failed"; }
}

# Make sure the DC's DNS serves dc1's A record and the DC SRV records
# (a DC on a loopback address may register none by itself).
dc_ensure_dns() {
    local missing kind name
    if missing=$(dns_missing dc); then return 0; fi
    log "DC DNS lacks records, adding them: ${missing//$'\n'/; }"
    while read -r kind name _; do
        if [[ -n $kind ]]; then dc_dns_add "$kind" "$name"; fi
    done <<<"$missing"
    missing=$(dns_missing dc) || die "DC DNS still lacks: ${missing//$'\n'/; }"
}

# Provision, first start (TLS keys), DNS check, stop, snapshot.
golden_create() {
    local t0
    t0=$(now_us)
    rm -rf "$LAB_GOLDEN_DIR" "$LAB_GOLDEN2_DIR"   # dc2's copy joined this domain
    dc_provision
    log "provisioned in $(elapsed_since "$t0") s; first DC start (generates TLS keys)"
    dc_start
    dc_wait_ready
    dc_wait_tls
    log "first start ready at $(elapsed_since "$t0") s"
    dc_ensure_dns
    log "DNS checked at $(elapsed_since "$t0") s"
    write_member2_files
    member2_join
    log "$LAB_MEMBER2_NAME joined with adcli at $(elapsed_since "$t0") s"
    dc_stop
    rm -rf "$LAB_GOLDEN_DIR.tmp"
    cp -a "$LAB_DC_DIR" "$LAB_GOLDEN_DIR.tmp"
    cp -p "$LAB_MEMBER2_KEYTAB" "$LAB_GOLDEN_DIR.tmp/$LAB_GOLDEN_M2_KEYTAB"
    find "$LAB_GOLDEN_DIR.tmp/run" -mindepth 1 -delete
    find "$LAB_GOLDEN_DIR.tmp/log" -mindepth 1 -delete
    samba --version >"$LAB_GOLDEN_DIR.tmp/$LAB_GOLDEN_STAMP"
    mv "$LAB_GOLDEN_DIR.tmp" "$LAB_GOLDEN_DIR"
    log "golden copy taken in $(elapsed_since "$t0") s"
}

golden_valid() {
    [[ -f $LAB_GOLDEN_DIR/$LAB_GOLDEN_STAMP ]] &&
        [[ "$(samba --version)" == "$(cat "$LAB_GOLDEN_DIR/$LAB_GOLDEN_STAMP")" ]]
}

golden_restore() {
    rm -rf "$LAB_DC_DIR"
    cp -a "$LAB_GOLDEN_DIR" "$LAB_DC_DIR"
    rm -f "$LAB_DC_DIR/$LAB_GOLDEN_STAMP" "$LAB_DC_DIR/$LAB_GOLDEN_M2_KEYTAB"
    write_dc_host_files     # hosts/resolv.conf/krb5.conf follow this script
}


# ---------------------------------------------------------------------------
# The optional second DC (dc2.netchk.test, 127.0.0.11): lab.sh up --dc2
# ---------------------------------------------------------------------------
# FIELD-NOTES section 10: joined with `samba-tool domain join ... DC`
# through dc1; a loopback DC registers no DNS records by itself, so
# samba_dnsupdate adds them once; then kcc and replication both ways.  The
# joined pair is kept in $LAB_GOLDEN2_DIR so a later `up --dc2` is fast.
dc2_pid() { pidfile_pid "$LAB_DC2_DIR/run/samba.pid"; }

dc2_require() {
    [[ -f $LAB_DC2_SMB_CONF ]] || die "the lab has no dc2 (run: lab.sh up --dc2)"
}

write_dc2_host_files() {
    mkdir -p "$LAB_DC2_DIR/run" "$LAB_DC2_DIR/log" "$LAB_DC2_DIR/cache"
    write_hosts "$LAB_DC2_DIR/hosts"
    # dc1 first: dc2 joins through it
    cat >"$LAB_DC2_DIR/resolv.conf" <<EOF
search $LAB_DNS_DOMAIN
nameserver $LAB_DC_IP
nameserver $LAB_DC2_IP
options timeout:1
EOF
    write_krb5_conf "$LAB_DC2_KRB5_CONF"
}

# samba-tool as administrator on HOST (dc|dc2), output to the lab log.
admin_tool() {
    local host=$1; shift
    local conf=$LAB_DC_SMB_CONF
    [[ $host == dc2 ]] && conf=$LAB_DC2_SMB_CONF
    run_in "$host" samba-tool "$@" -s "$conf" \
        -U "$LAB_ADMIN_USER%$LAB_ADMIN_PASS" </dev/null >>"$LAB_LOG_DIR/dc2.log" 2>&1 || {
        show_log_tail "$LAB_LOG_DIR/dc2.log" 10
        die "samba-tool $* (on $host) failed"
    }
}

dc2_join() {
    local jlog=$LAB_LOG_DIR/dc2-join.log
    rm -rf "$LAB_DC2_DIR"
    write_dc2_host_files
    : >"$LAB_DIR/empty.conf"
    log "joining dc2 to $LAB_REALM (one-off)"
    if ! run_in dc2 samba-tool domain join "$LAB_DNS_DOMAIN" DC \
            --configfile="$LAB_DIR/empty.conf" --targetdir="$LAB_DC2_DIR" \
            --server="$LAB_DC_FQDN" -U "$LAB_ADMIN_USER%$LAB_ADMIN_PASS" \
            --dns-backend=SAMBA_INTERNAL --option="netbios name=${LAB_DC2_NAME^^}" \
            --option="interfaces=$LAB_DC2_IP" --option="bind interfaces only=yes" \
            --option="dns forwarder=127.0.0.1" \
            --option="log file=$LAB_DC2_DIR/log/samba.log" \
            </dev/null >"$jlog" 2>&1; then
        show_log_tail "$jlog"
        die "samba-tool domain join DC failed"
    fi
    [[ -f $LAB_DC2_SMB_CONF && -f $LAB_DC2_SAM ]] || die "dc2 join left no smb.conf/sam.ldb"
    local extra
    extra=$(dc_global_extra "$LAB_DC2_DIR")
    awk -v extra="$extra" '{ print } /^\[global\]/ { print extra }' \
        "$LAB_DC2_SMB_CONF" >"$LAB_DC2_SMB_CONF.new"
    mv "$LAB_DC2_SMB_CONF.new" "$LAB_DC2_SMB_CONF"
}

dc2_start() {
    rm -f "$LAB_DC2_DIR"/run/*.pid
    mkdir -p "$LAB_DC2_DIR/run" "$LAB_DC2_DIR/log"
    run_in dc2 samba -s "$LAB_DC2_SMB_CONF" -D -M "$LAB_SAMBA_MODEL" \
        </dev/null >>"$LAB_LOG_DIR/dc2-start.log" 2>&1 \
        || { show_log_tail "$LAB_LOG_DIR/dc2-start.log"; die "dc2 samba did not start"; }
}

dc2_stop() { stop_run_dir "$LAB_DC2_DIR/run" samba.pid; }

# Wait for TCP 445, 88, 389 (LDAP opens last) and an admin SMB session.
dc2_wait_ready() {
    local deadline=$(( $(now_us) + LAB_READY_TIMEOUT * 1000000 )) stage=ports
    while (( $(now_us) < deadline )); do
        if ! dc2_pid >/dev/null; then
            sleep 0.2
            dc2_pid >/dev/null || {
                show_log_tail "$LAB_DC2_DIR/log/samba.log" 30
                die "dc2 samba process exited during start-up"
            }
        fi
        if [[ $stage == ports ]] && tcp_open_at "$LAB_DC2_IP" 445 88 389; then stage=smb; fi
        if [[ $stage == smb ]] && run_in dc2 smbclient -L "//$LAB_DC2_IP" -s "$LAB_DC2_SMB_CONF" \
                -U "$LAB_ADMIN_USER%$LAB_ADMIN_PASS" </dev/null >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    show_log_tail "$LAB_DC2_DIR/log/samba.log" 30
    die "dc2 not ready after ${LAB_READY_TIMEOUT}s (stage: $stage)"
}

dc2_wait_tls() {
    local i f ok
    for ((i = 0; i < 100; i++)); do
        ok=1
        for f in key.pem cert.pem ca.pem; do
            [[ -s $LAB_DC2_DIR/private/tls/$f ]] || ok=0
        done
        (( ok )) && return 0
        sleep 0.1
    done
    die "dc2 generated no TLS keys in $LAB_DC2_DIR/private/tls"
}

# replicate DEST SRC NC [--sync-forced]
replicate() {
    local host=dc
    [[ $1 == "$LAB_DC2_FQDN" ]] && host=dc2
    admin_tool "$host" drs replicate "$1" "$2" "$3" ${4:+"$4"}
}

# dc1 running: join dc2, DNS records, KCC, replication, stop both, snapshot.
golden2_create() {
    local t0 nc
    t0=$(now_us)
    rm -rf "$LAB_GOLDEN2_DIR" "$LAB_GOLDEN2_DIR.tmp"
    dc2_join
    dc2_start
    dc2_wait_ready
    dc2_wait_tls
    log "dc2 joined and ready at $(elapsed_since "$t0") s"
    run_in dc2 samba_dnsupdate -s "$LAB_DC2_SMB_CONF" --current-ip="$LAB_DC2_IP" \
        --use-samba-tool --rpc-server-ip="$LAB_DC_IP" \
        </dev/null >>"$LAB_LOG_DIR/dc2.log" 2>&1 ||
        { show_log_tail "$LAB_LOG_DIR/dc2.log"; die "samba_dnsupdate for dc2 failed"; }
    admin_tool dc drs kcc "$LAB_DC_FQDN"
    admin_tool dc2 drs kcc "$LAB_DC2_FQDN"
    for nc in "${LAB_ALL_NCS[@]}"; do
        replicate "$LAB_DC2_FQDN" "$LAB_DC_FQDN" "$nc" --sync-forced
        replicate "$LAB_DC_FQDN" "$LAB_DC2_FQDN" "$nc" --sync-forced
    done
    log "dc2 DNS and replication done at $(elapsed_since "$t0") s"
    dc2_stop
    dc_stop
    mkdir -p "$LAB_GOLDEN2_DIR.tmp"
    cp -a "$LAB_DC_DIR" "$LAB_GOLDEN2_DIR.tmp/dc"
    cp -a "$LAB_DC2_DIR" "$LAB_GOLDEN2_DIR.tmp/dc2"
    find "$LAB_GOLDEN2_DIR.tmp"/dc*/run "$LAB_GOLDEN2_DIR.tmp"/dc*/log -mindepth 1 -delete
    cp "$LAB_GOLDEN_DIR/$LAB_GOLDEN_STAMP" "$LAB_GOLDEN2_DIR.tmp/$LAB_GOLDEN_STAMP"
    mv "$LAB_GOLDEN2_DIR.tmp" "$LAB_GOLDEN2_DIR"
    log "dc2 golden copy taken in $(elapsed_since "$t0") s"
}

golden2_valid() {
    golden_valid && [[ -f $LAB_GOLDEN2_DIR/$LAB_GOLDEN_STAMP ]] &&
        cmp -s "$LAB_GOLDEN2_DIR/$LAB_GOLDEN_STAMP" "$LAB_GOLDEN_DIR/$LAB_GOLDEN_STAMP"
}

golden2_restore() {
    rm -rf "$LAB_DC_DIR" "$LAB_DC2_DIR"
    cp -a "$LAB_GOLDEN2_DIR/dc" "$LAB_DC_DIR"
    cp -a "$LAB_GOLDEN2_DIR/dc2" "$LAB_DC2_DIR"
    rm -f "$LAB_DC_DIR/$LAB_GOLDEN_STAMP"
    write_dc_host_files
    write_dc2_host_files
}

# The member's account on dc2 at once (it joined through dc1).
dc2_pull_member() {
    replicate "$LAB_DC2_FQDN" "$LAB_DC_FQDN" "$LAB_DOMAIN_NC" --sync-forced
}

# dc2 stops pulling from dc1; the machine password changes through dc1.
break_repl_lag() {
    dc2_require
    require_healthy_account
    dc2_pid >/dev/null || die "dc2 is not running"
    local kv0 kv1 kv2
    kv0=$(dc_attr msDS-KeyVersionNumber)
    admin_tool dc2 drs options "$LAB_DC2_FQDN" --dsa-option=+DISABLE_INBOUND_REPL
    run_in member net ads changetrustpw -s "$LAB_MEMBER_SMB_CONF" -S "$LAB_DC_FQDN" \
        </dev/null >>"$LAB_LOG_DIR/break.log" 2>&1 || {
        show_log_tail "$LAB_LOG_DIR/break.log"
        die "net ads changetrustpw -S $LAB_DC_FQDN failed"
    }
    kv1=$(dc_attr msDS-KeyVersionNumber)
    kv2=$(dc2_attr msDS-KeyVersionNumber)
    expect "dc1 kvno $kv0 -> $kv0+1 (got $kv1)" test "$kv1" -eq $((kv0 + 1))
    expect "dc2 kvno still $kv0 (got $kv2)" test "$kv2" -eq "$kv0"
    echo "break repl-lag: dc1 kvno=$kv1 dc2 kvno=$kv2 keytab kvnos=$(keytab_kvnos)"
}

# Inbound replication on dc2 back on, and dc1's changes pulled now.
cmd_repl_sync() {
    dc2_require
    local kv1 kv2
    admin_tool dc2 drs options "$LAB_DC2_FQDN" --dsa-option=-DISABLE_INBOUND_REPL
    dc2_pull_member
    kv1=$(dc_attr msDS-KeyVersionNumber)
    kv2=$(dc2_attr msDS-KeyVersionNumber)
    expect "dc2 kvno $kv2 = dc1 kvno $kv1 after replication" test "$kv1" == "$kv2"
    echo "repl-sync: dc1 kvno=$kv1 dc2 kvno=$kv2"
}

# ---------------------------------------------------------------------------
# Member
# ---------------------------------------------------------------------------
# keytab_kvnos : distinct kvnos of the machine principal, ascending, one line.
keytab_kvnos() {
    [[ -f $LAB_MEMBER_KEYTAB ]] || return 0
    KRB5_CONFIG=$LAB_MEMBER_KRB5_CONF klist -k "FILE:$LAB_MEMBER_KEYTAB" 2>/dev/null |
        awk -v p="$LAB_MEMBER_PRINCIPAL" '$2 == p { print $1 }' | sort -nu | paste -sd' ' -
}

# host_keytab_sig : "absent" or inode/size/mtime of the host's keytab.
host_keytab_sig() { stat -c '%i %s %Y' /etc/krb5.keytab 2>/dev/null || echo absent; }

# join_once LOG : one 'net ads join' of the member (pinned to dc1 when
# the lab has dc2).
join_once() {
    run_in member net ads join -s "$LAB_MEMBER_SMB_CONF" \
        -U "$LAB_ADMIN_USER%$LAB_ADMIN_PASS" --no-dns-updates \
        ${LAB_WITH_DC2:+-S "$LAB_DC_FQDN"} </dev/null >"$1" 2>&1
}

member_join() {
    local jlog=$LAB_LOG_DIR/join.log host_kt_before
    host_kt_before=$(host_keytab_sig)
    if ! join_once "$jlog"; then
        # With two DCs, Samba 4.17's join creates the account through dc1
        # (-S) but may look it up for the keytab on dc2 before replication
        # ("ads_get_dnshostname: Failed to find account"): pull it to dc2
        # and join once more (a re-join only sets a new password).
        if [[ -n $LAB_WITH_DC2 ]] && grep -q 'Failed to find account' "$jlog"; then
            log "join raced replication to dc2; replicating and joining again"
            dc2_pull_member >>"$jlog" 2>&1 || true
            join_once "$jlog.2" || { show_log_tail "$jlog.2"; die "net ads join failed"; }
        else
            show_log_tail "$jlog"
            die "net ads join failed"
        fi
    fi
    if [[ $(host_keytab_sig) != "$host_kt_before" ]]; then
        die "net ads join wrote the HOST's /etc/krb5.keytab ($host_kt_before -> $(host_keytab_sig)) - lab isolation broken; check and restore it by hand"
    fi
    [[ -s $LAB_MEMBER_SECRETS ]] || die "join wrote no $LAB_MEMBER_SECRETS"
    local kvnos
    kvnos=$(keytab_kvnos)
    [[ -n $kvnos ]] || die "join wrote no keytab entries for $LAB_MEMBER_PRINCIPAL in $LAB_MEMBER_KEYTAB"
    log "joined $LAB_MEMBER_NAME (keytab kvno $kvnos)"
}

member_setup() {
    rm -rf "$LAB_MEMBER_DIR"
    write_member_files
    local missing
    missing=$(dns_missing member) ||
        die "member cannot resolve the DC through DNS: ${missing//$'\n'/; }"
}

winbind_start() {
    if winbind_pid >/dev/null; then log "member winbindd already runs"; return 0; fi
    run_in member winbindd -s "$LAB_MEMBER_SMB_CONF" -D \
        </dev/null >>"$LAB_LOG_DIR/winbindd-start.log" 2>&1 ||
        die "member winbindd did not start"
    local i
    for ((i = 0; i < 200; i++)); do
        if run_in member wbinfo -p </dev/null >/dev/null 2>&1; then
            log "member winbindd up"
            return 0
        fi
        sleep 0.1
    done
    show_log_tail "$LAB_MEMBER_DIR/log/log.winbindd"
    die "member winbindd does not answer wbinfo -p after 20 s"
}

winbind_stop() {
    stop_pidfile "$LAB_MEMBER_DIR/run/winbindd.pid"
    stop_pidfile "$LAB_MEMBER_DIR/run/samba-dcerpcd.pid"
}

# ---------------------------------------------------------------------------
# sshd on the member (remote runs: netchk verify HOST, Ansible)
# ---------------------------------------------------------------------------
sshd_pid() {
    local pid
    pid=$(cat "$LAB_SSH_DIR/sshd.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == sshd ]] || return 1
    echo "$pid"
}

# Keys (host, client) once per lab dir; configs every time (paths).
sshd_files() {
    local d=$LAB_SSH_DIR
    mkdir -p "$d"
    chmod 700 "$d"
    [[ -s $d/ssh_host_ed25519_key ]] ||
        ssh-keygen -q -t ed25519 -N '' -C "lab member host key" -f "$d/ssh_host_ed25519_key"
    [[ -s $d/id_ed25519 ]] ||
        ssh-keygen -q -t ed25519 -N '' -C "netchk lab client" -f "$d/id_ed25519"
    cp "$d/id_ed25519.pub" "$d/authorized_keys"
    printf 'member1 %s\n' "$(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")" >"$d/known_hosts"
    cat >"$d/sshd_config" <<EOF
# the lab member's sshd (lab.sh sshd-start); runs in the member overlay
ListenAddress $LAB_MEMBER_IP
Port 22
HostKey $d/ssh_host_ed25519_key
AuthorizedKeysFile $d/authorized_keys
PidFile $d/sshd.pid
PermitRootLogin prohibit-password
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
PrintMotd no
# the member's tools find its files through these (no /etc/krb5.conf)
SetEnv KRB5_CONFIG=$LAB_MEMBER_KRB5_CONF KRB5_KTNAME=FILE:$LAB_MEMBER_KEYTAB KRB5CCNAME=$LAB_MEMBER_CCACHE
# sanitizer settings of a test run reach the netchk it runs there
AcceptEnv ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
Subsystem sftp internal-sftp
LogLevel VERBOSE
EOF
    cat >"$d/config" <<EOF
# ssh client config for the lab: ssh -F $d/config, from inside netns $LAB_NETNS
Host member1 member1.netchk.test $LAB_MEMBER_IP
    HostName $LAB_MEMBER_IP
    HostKeyAlias member1
Host *
    User root
    IdentityFile $d/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $d/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    PasswordAuthentication no
    SendEnv ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
    LogLevel ERROR
EOF
}

sshd_start() {
    if sshd_pid >/dev/null; then log "member sshd already runs"; return 0; fi
    sshd_files
    mkdir -p /run/sshd    # sshd's privilege separation directory
    run_in member /usr/sbin/sshd -f "$LAB_SSH_DIR/sshd_config" \
        -E "$LAB_LOG_DIR/sshd.log" </dev/null || die "member sshd did not start"
    local i
    for ((i = 0; i < 100; i++)); do
        if tcp_open_at "$LAB_MEMBER_IP" 22; then
            log "member sshd up ($LAB_MEMBER_IP:22; client config $LAB_SSH_CONFIG)"
            return 0
        fi
        sleep 0.1
    done
    show_log_tail "$LAB_LOG_DIR/sshd.log"
    die "member sshd does not listen on $LAB_MEMBER_IP:22 after 10 s"
}

sshd_stop() {
    local pid
    pid=$(sshd_pid) || return 0
    kill_pid "$pid"
    rm -f "$LAB_SSH_DIR/sshd.pid"
}

member_testjoin() {
    run_in member net ads testjoin -s "$LAB_MEMBER_SMB_CONF" </dev/null
}

# ---------------------------------------------------------------------------
# The second member: adcli-joined, sssd, no smb.conf (lab.sh member2 CMD)
# ---------------------------------------------------------------------------
# Its /etc is a copy of this machine's /etc (~5 MB, ~0.05 s) with the
# files realmd leaves on a host: krb5.conf (dns_lookup_kdc), krb5.keytab,
# sssd/sssd.conf; smb.conf removed.  MEMBER2$ is joined once, when the
# golden copy is made (adcli join, ~1.5 s); every up restores the DC and
# member2's keytab from it, so they agree without a join per rebuild.
sssd_pid() {
    local pid
    [[ -f $LAB_MEMBER2_DIR/run/sssd.pid ]] || return 1
    read -r pid _ <"$LAB_MEMBER2_DIR/run/sssd.pid" 2>/dev/null || return 1
    [[ $pid =~ ^[0-9]+$ ]] && ! pid_gone "$pid" || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == sssd ]] || return 1
    echo "$pid"
}

write_member2_files() {
    local m=$LAB_MEMBER2_DIR d
    rm -rf "$m"
    mkdir -p "$m"
    cp -a /etc "$LAB_MEMBER2_ETC"
    for d in sss/db sss/pipes/private sss/mc sss/pubconf sss/gpo_cache \
             sss/deskprofile sss/keytabs log run ccache; do
        mkdir -p "$m/$d"
    done
    chmod 700 "$m/ccache" "$m/sss/pipes/private"
    rm -f "$LAB_MEMBER2_ETC/samba/smb.conf" "$LAB_MEMBER2_KEYTAB"
    rm -rf "$LAB_MEMBER2_ETC/sssd/conf.d"
    mkdir -p "$LAB_MEMBER2_ETC/sssd"
    write_hosts "$LAB_MEMBER2_ETC/hosts"
    echo "$LAB_MEMBER2_IP $LAB_MEMBER2_FQDN ${LAB_MEMBER2_NAME,,}" >>"$LAB_MEMBER2_ETC/hosts"
    write_resolv_conf "$LAB_MEMBER2_ETC/resolv.conf"
    echo "${LAB_MEMBER2_FQDN}" >"$LAB_MEMBER2_ETC/hostname"
    # what realmd writes: DNS finds the KDCs, the keytab is the default
    cat >"$LAB_MEMBER2_KRB5_CONF" <<EOF
[libdefaults]
	default_realm = $LAB_REALM
	dns_lookup_realm = false
	dns_lookup_kdc = true
	rdns = false
	dns_canonicalize_hostname = false
	udp_preference_limit = 0

[realms]
	$LAB_REALM = {
	}

[domain_realm]
	$LAB_DNS_DOMAIN = $LAB_REALM
	.$LAB_DNS_DOMAIN = $LAB_REALM
EOF
    cat >"$LAB_MEMBER2_SSSD_CONF" <<EOF
[sssd]
domains = $LAB_DNS_DOMAIN
config_file_version = 2
services = nss

[domain/$LAB_DNS_DOMAIN]
default_shell = /bin/bash
krb5_store_password_if_offline = True
cache_credentials = True
krb5_realm = $LAB_REALM
realmd_tags = manages-system joined-with-adcli
id_provider = ad
fallback_homedir = /home/%u@%d
ad_domain = $LAB_DNS_DOMAIN
use_fully_qualified_names = True
ldap_id_mapping = True
access_provider = ad
dyndns_update = false
EOF
    chmod 600 "$LAB_MEMBER2_SSSD_CONF"
}

# member2_join : adcli join MEMBER2 (services host and nfs) into member2's
# /etc/krb5.keytab; the DC is found by DNS SRV + CLDAP, as on a real host.
member2_join() {
    local jlog=$LAB_LOG_DIR/join-member2.log host_kt_before
    host_kt_before=$(host_keytab_sig)
    if ! printf '%s\n' "$LAB_ADMIN_PASS" | run_in member2 adcli join \
            --domain="$LAB_DNS_DOMAIN" --computer-name="$LAB_MEMBER2_NAME" \
            --service-name=host --service-name=nfs -U "$LAB_ADMIN_USER" \
            --stdin-password --verbose >"$jlog" 2>&1; then
        show_log_tail "$jlog"
        die "adcli join $LAB_MEMBER2_NAME failed"
    fi
    [[ $(host_keytab_sig) == "$host_kt_before" ]] ||
        die "adcli join wrote the HOST's /etc/krb5.keytab - lab isolation broken; check and restore it by hand"
    [[ -n $(member2_kvnos) ]] || die "adcli join wrote no $LAB_MEMBER2_PRINCIPAL entries"
}

# member2_kvnos : distinct kvnos of MEMBER2$ in its keytab, ascending.
member2_kvnos() {
    [[ -f $LAB_MEMBER2_KEYTAB ]] || return 0
    klist -k "FILE:$LAB_MEMBER2_KEYTAB" 2>/dev/null |
        awk -v p="$LAB_MEMBER2_PRINCIPAL" '$2 == p { print $1 }' | sort -nu | paste -sd' ' -
}

# member2_setup : fresh files, then the keytab from the golden copy.
member2_setup() {
    write_member2_files
    install -m 600 "$LAB_GOLDEN_DIR/$LAB_GOLDEN_M2_KEYTAB" "$LAB_MEMBER2_KEYTAB"
}

# sssd_start : sssd daemonised inside member2's view, logging to files.
sssd_start() {
    if sssd_pid >/dev/null; then log "member2 sssd already runs"; return 0; fi
    rm -f "$LAB_MEMBER2_DIR/run/sssd.pid"
    run_in member2 sssd -D --logger=files </dev/null \
        >>"$LAB_LOG_DIR/sssd-start.log" 2>&1 || {
        show_log_tail "$LAB_LOG_DIR/sssd-start.log"; die "member2 sssd did not start"; }
    local i
    for ((i = 0; i < 100; i++)); do
        if sssd_pid >/dev/null && [[ -S $LAB_MEMBER2_DIR/sss/pipes/nss ]]; then
            log "member2 sssd up (pid $(sssd_pid))"
            return 0
        fi
        sleep 0.1
    done
    show_log_tail "$LAB_MEMBER2_DIR/log/sssd.log"
    die "member2 sssd did not come up in 10 s"
}

sssd_stop() {
    local pid
    if pid=$(sssd_pid); then kill_pid "$pid"; fi
    rm -f "$LAB_MEMBER2_DIR/run/sssd.pid"
}

# member2_adcli_update : rotate MEMBER2$ now, the way sssd's renewal does.
member2_adcli_update() {
    run_in member2 adcli update --computer-password-lifetime=0 --verbose \
        </dev/null >>"$LAB_LOG_DIR/break.log" 2>&1 || {
        show_log_tail "$LAB_LOG_DIR/break.log"; die "adcli update on member2 failed"; }
}

# break m2-stale-keytab : adcli update, then the old keytab back (the DC
# moved on; every local key is one kvno behind).
break_m2_stale_keytab() {
    local save=$LAB_MEMBER2_DIR/break kv0
    mkdir -p "$save"; chmod 700 "$save"
    kv0=$(LAB_MEMBER_ACCOUNT=$LAB_MEMBER2_ACCOUNT dc_attr msDS-KeyVersionNumber)
    cp -p "$LAB_MEMBER2_KEYTAB" "$save/krb5.keytab.old"
    member2_adcli_update
    cp -p "$save/krb5.keytab.old" "$LAB_MEMBER2_KEYTAB"
    local kv1; kv1=$(LAB_MEMBER_ACCOUNT=$LAB_MEMBER2_ACCOUNT dc_attr msDS-KeyVersionNumber)
    expect "DC kvno $kv0 -> $kv0+1 (got $kv1)" test "$kv1" -eq $((kv0 + 1))
    expect "keytab back at kvno $kv0" test "$(member2_kvnos)" == "$kv0"
    echo "break m2-stale-keytab: DC kvno=$kv1 keytab kvnos=$(member2_kvnos)"
}

# break m2-kvno-behind : the same password set twice on the DC (a
# retransmitted or repeated set, two rotators racing): msDS-KeyVersionNumber
# moves on twice, the key once.  member2's keytab gets that password's keys
# (AD's computer salt) at the first of the two kvnos, next to the join's:
# its newest keys ARE the DC's, labelled one kvno behind.
break_m2_kvno_behind() {
    local kv0 kv1 p e salt new=$LAB_MEMBER2_KEYTAB.break
    local -a princs
    kv0=$(LAB_MEMBER_ACCOUNT=$LAB_MEMBER2_ACCOUNT dc_attr msDS-KeyVersionNumber)
    [[ -n $kv0 ]] || die "$LAB_MEMBER2_ACCOUNT does not exist on the DC; run lab.sh rebuild first"
    mapfile -t princs < <(klist -k "FILE:$LAB_MEMBER2_KEYTAB" 2>/dev/null |
        awk -v k="$kv0" 'NR > 3 && $1 == k { print $2 }' | sort -u)
    (( ${#princs[@]} > 0 )) || die "member2's keytab has no kvno $kv0 entries"
    for p in 1 2; do
        run_in dc samba-tool user setpassword "$LAB_MEMBER2_ACCOUNT" \
            --newpassword="$LAB_M2_SAME_PASS" -s "$LAB_DC_SMB_CONF" \
            </dev/null >>"$LAB_LOG_DIR/break.log" 2>&1 || {
            show_log_tail "$LAB_LOG_DIR/break.log"; die "samba-tool user setpassword failed"; }
    done
    kv1=$(LAB_MEMBER_ACCOUNT=$LAB_MEMBER2_ACCOUNT dc_attr msDS-KeyVersionNumber)
    expect "DC kvno $kv0 -> $kv0+2 (got $kv1)" test "$kv1" -eq $((kv0 + 2))
    # MS-KILE 3.1.1.2: REALM + "host" + name.domain, as sc_machine_salt()
    salt="${LAB_REALM}host${LAB_MEMBER2_FQDN,,}"
    rm -f "$new"
    {
        echo "rkt $LAB_MEMBER2_KEYTAB"
        for p in "${princs[@]}"; do
            for e in aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 arcfour-hmac; do
                echo "addent -password -p $p -k $((kv0 + 1)) -e $e -s $salt"
                echo "$LAB_M2_SAME_PASS"
            done
        done
        echo "wkt $new"
        echo q
    } | ktutil >>"$LAB_LOG_DIR/break.log" 2>&1 || die "ktutil failed"
    chmod 600 "$new"
    mv -f "$new" "$LAB_MEMBER2_KEYTAB"
    expect "keytab kvnos $kv0 $((kv0 + 1))" test "$(member2_kvnos)" == "$kv0 $((kv0 + 1))"
    expect "kinit -k with the kvno $((kv0 + 1)) keys" \
        run_in member2 sh -c 'KRB5CCNAME=MEMORY: kinit -k "$1"' sh "$LAB_MEMBER2_ACCOUNT"
    echo "break m2-kvno-behind: DC kvno=$kv1 keytab kvnos=$(member2_kvnos) (kvno $((kv0 + 1)) holds the DC's keys)"
}

# break m2-half-keytab : adcli update, then the keytab without the new
# kvno of host/ and RestrictedKrbHost/ (what a reader sees while a rotator
# appends its entries one by one, or what a tool that rewrote only some
# principals leaves): the account's own keys and nfs/ are the DC's, the
# host/ services hold keys the DC no longer has.
break_m2_half_keytab() {
    local kv tmp slots
    member2_adcli_update
    kv=$(LAB_MEMBER_ACCOUNT=$LAB_MEMBER2_ACCOUNT dc_attr msDS-KeyVersionNumber)
    tmp=$(mktemp -d "$LAB_MEMBER2_DIR/half.XXXXXX")
    # ktutil's slots of kvno $kv for host/ and RestrictedKrbHost/, last first
    slots=$(printf 'rkt %s\nlist\n' "$LAB_MEMBER2_KEYTAB" | ktutil 2>/dev/null |
        awk -v kv="$kv" '$2 == kv && $3 ~ /^(host|RestrictedKrbHost)\// { print $1 }' | sort -rn)
    [[ -n $slots ]] || die "break m2-half-keytab: no kvno $kv host/ entries"
    { printf 'rkt %s\n' "$LAB_MEMBER2_KEYTAB"
      printf 'delent %s\n' $slots
      printf 'wkt %s\n' "$tmp/krb5.keytab"; } | ktutil >/dev/null 2>&1
    [[ -s $tmp/krb5.keytab ]] || die "break m2-half-keytab: ktutil wrote nothing"
    install -m 600 "$tmp/krb5.keytab" "$LAB_MEMBER2_KEYTAB"
    rm -rf "$tmp"
    echo "break m2-half-keytab: DC kvno=$kv keytab kvnos=$(member2_kvnos), host/ at kvno $((kv - 1)) only"
}

# ---------------------------------------------------------------------------
# DC-side view of the machine account
# ---------------------------------------------------------------------------
# dc_account ATTR... : "attr: value" lines for MEMBER1$ from sam.ldb.
# Exit 2 when the account does not exist.
dc_account() {
    (( $# )) || set -- msDS-KeyVersionNumber userAccountControl
    [[ -f $LAB_DC_SAM ]] || die "no DC database at $LAB_DC_SAM"
    local attr
    for attr in "$@"; do
        if [[ ${attr,,} =~ $LAB_SECRET_ATTR_RE ]]; then die "dc-account: '$attr' is a secret or wildcard attribute"; fi
    done
    local out
    out=$(run_files_in "${LAB_ACCOUNT_HOST:-dc}" ldbsearch -H "$LAB_DC_SAM" \
            "(sAMAccountName=$LAB_MEMBER_ACCOUNT)" "$@" </dev/null 2>&1) ||
        { printf '%s\n' "$out" >&2; die "ldbsearch on $LAB_DC_SAM failed"; }
    grep -q '^dn: ' <<<"$out" || { log "account $LAB_MEMBER_ACCOUNT not found on the DC"; return 2; }
    # Unfold LDIF continuation lines; print the requested attributes in the
    # order asked for (all values of multi-valued ones).
    awk -v want="$(printf '%s\n' "$@" | tr '[:upper:]' '[:lower:]')" '
        function flush(   a) {
            if (line == "") return
            a = tolower(line); sub(/:.*/, "", a)
            if (a in keep) vals[a] = vals[a] line "\n"
            line = ""
        }
        BEGIN { n = split(want, w, "\n"); for (i = 1; i <= n; i++) keep[w[i]] = 1 }
        /^ / { line = line substr($0, 2); next }
        { flush(); line = $0 }
        END { flush(); for (i = 1; i <= n; i++) if (w[i] in vals) { printf "%s", vals[w[i]]; delete vals[w[i]] } }
    ' <<<"$out"
}

# dc2_account ATTR... : dc_account, from dc2's sam.ldb.
dc2_account() {
    dc2_require
    LAB_ACCOUNT_HOST=dc2 LAB_DC_SAM=$LAB_DC2_SAM dc_account "$@"
}

# dc2_attr ATTR : dc_attr on dc2.
dc2_attr() { LAB_ACCOUNT_HOST=dc2 LAB_DC_SAM=$LAB_DC2_SAM dc_attr "$@"; }

# dc_attr ATTR : just the value (empty when absent).
dc_attr() {
    local out
    out=$(dc_account "$1" 2>/dev/null) || return 0
    sed -n 's/^[^:]*: //p' <<<"$out" | head -n1
}

# ---------------------------------------------------------------------------
# Break scenarios
# ---------------------------------------------------------------------------
files_differ() { ! cmp -s "$1" "$2"; }

expect() {   # expect DESCRIPTION TEST...
    local what=$1; shift
    "$@" || die "break verification failed: $what"
}

require_healthy_account() {
    local uac
    uac=$(dc_attr userAccountControl)
    [[ -n $uac ]] || die "$LAB_MEMBER_ACCOUNT does not exist on the DC; run lab.sh rebuild first"
    dc_pid >/dev/null || die "DC is not running; run lab.sh rebuild first"
}

report_state() {   # one line with the DC and member facts (nothing secret)
    local kv uac
    kv=$(dc_attr msDS-KeyVersionNumber)
    uac=$(dc_attr userAccountControl)
    echo "break $1: DC kvno=${kv:--} uac=${uac:--} keytab kvnos=$(keytab_kvnos)"
}

break_dc_password() {
    require_healthy_account
    local kv0 kt0
    kv0=$(dc_attr msDS-KeyVersionNumber); kt0=$(keytab_kvnos)
    run_in dc samba-tool user setpassword "$LAB_MEMBER_ACCOUNT" --random-password \
        -s "$LAB_DC_SMB_CONF" </dev/null >>"$LAB_LOG_DIR/break.log" 2>&1 ||
        die "samba-tool user setpassword failed"
    local kv1; kv1=$(dc_attr msDS-KeyVersionNumber)
    expect "DC kvno $kv0 -> $kv0+1 (got $kv1)" test "$kv1" -eq $((kv0 + 1))
    expect "keytab unchanged ($kt0)" test "$(keytab_kvnos)" == "$kt0"
    report_state dc-password
}

break_delete() {
    require_healthy_account
    run_in dc samba-tool computer delete "$LAB_MEMBER_NAME" -s "$LAB_DC_SMB_CONF" \
        </dev/null >>"$LAB_LOG_DIR/break.log" 2>&1 || die "samba-tool computer delete failed"
    local rc=0
    dc_account sAMAccountName >/dev/null 2>&1 || rc=$?
    expect "account gone from sam.ldb" test "$rc" -eq 2
    report_state delete
}

break_disable() {
    require_healthy_account
    run_in dc samba-tool user disable "$LAB_MEMBER_ACCOUNT" -s "$LAB_DC_SMB_CONF" \
        </dev/null >>"$LAB_LOG_DIR/break.log" 2>&1 || die "samba-tool user disable failed"
    local uac; uac=$(dc_attr userAccountControl)
    expect "ACCOUNTDISABLE (0x2) set in uac $uac" test $(( uac & 2 )) -eq 2
    report_state disable
}

# dc_live_pids : PIDs named by the DC's pid files that are still alive.
dc_live_pids() {
    local f
    for f in "$LAB_DC_DIR"/run/*.pid; do
        [[ -e $f ]] && pidfile_pid "$f"
    done
    return 0
}

break_dc_stop() {
    local -a pids
    mapfile -t pids < <(dc_live_pids)
    (( ${#pids[@]} )) || log "DC was not running"
    dc_stop
    local pid
    for pid in "${pids[@]}"; do
        expect "DC process $pid gone" pid_gone "$pid"
    done
    expect "nothing listens on $LAB_DC_IP:88/389/445/53" tcp_closed 88 389 445 53
    report_state dc-stop
}

# member_changetrustpw : net ads changetrustpw inside the member.
member_changetrustpw() {
    run_in member net ads changetrustpw -s "$LAB_MEMBER_SMB_CONF" \
        </dev/null >>"$LAB_LOG_DIR/break.log" 2>&1 || {
        show_log_tail "$LAB_LOG_DIR/break.log"
        die "net ads changetrustpw failed"
    }
}

break_stale_keytab() {
    require_healthy_account
    local save=$LAB_MEMBER_DIR/break kv0 kt0
    mkdir -p "$save"; chmod 700 "$save"
    kv0=$(dc_attr msDS-KeyVersionNumber); kt0=$(keytab_kvnos)
    cp -p "$LAB_MEMBER_KEYTAB" "$save/krb5.keytab.old"
    cp -p "$LAB_MEMBER_SECRETS" "$save/secrets.tdb.before"
    member_changetrustpw
    expect "changetrustpw changed secrets.tdb" \
        files_differ "$save/secrets.tdb.before" "$LAB_MEMBER_SECRETS"
    cp -p "$save/krb5.keytab.old" "$LAB_MEMBER_KEYTAB"
    local kv1; kv1=$(dc_attr msDS-KeyVersionNumber)
    expect "DC kvno $kv0 -> $kv0+1 (got $kv1)" test "$kv1" -eq $((kv0 + 1))
    expect "keytab back at old kvnos ($kt0)" test "$(keytab_kvnos)" == "$kt0"
    report_state stale-keytab
}

break_stale_secrets() {
    require_healthy_account
    local save=$LAB_MEMBER_DIR/break kv0 kt0 had_winbind=0
    mkdir -p "$save"; chmod 700 "$save"
    kv0=$(dc_attr msDS-KeyVersionNumber); kt0=$(keytab_kvnos)
    if winbind_pid >/dev/null; then had_winbind=1; winbind_stop; fi
    cp -p "$LAB_MEMBER_SECRETS" "$save/secrets.tdb.old"
    member_changetrustpw
    expect "changetrustpw changed secrets.tdb" \
        files_differ "$save/secrets.tdb.old" "$LAB_MEMBER_SECRETS"
    cp -p "$save/secrets.tdb.old" "$LAB_MEMBER_SECRETS.restore"
    mv -f "$LAB_MEMBER_SECRETS.restore" "$LAB_MEMBER_SECRETS"
    if (( had_winbind )); then winbind_start; fi
    local kv1 kt1; kv1=$(dc_attr msDS-KeyVersionNumber); kt1=$(keytab_kvnos)
    expect "DC kvno $kv0 -> $kv0+1 (got $kv1)" test "$kv1" -eq $((kv0 + 1))
    expect "keytab holds old and new kvno ($kt0 + $kv1, got $kt1)" test "$kt1" == "$kt0 $kv1"
    report_state stale-secrets
}

# A web service's keys merged into the host keytab, as admins do for
# Apache/nginx SPNEGO: user svc-web with SPN HTTP/web.<domain>, its keytab
# exported on the DC (kvno 2) and added with ktutil.  The machine's own
# entries and the DC's account are untouched.
break_foreign_keytab() {
    require_healthy_account
    local web=$LAB_DC_DIR/run/web.keytab spn="HTTP/web.$LAB_DNS_DOMAIN" kv0 kt0
    kv0=$(dc_attr msDS-KeyVersionNumber); kt0=$(keytab_kvnos)
    rm -f "$web"
    local step
    for step in "user add svc-web $LAB_WEB_PASS" "spn add $spn svc-web" \
            "domain exportkeytab $web --principal=$spn"; do
        # shellcheck disable=SC2086 # the words of one samba-tool call
        run_in dc samba-tool $step -s "$LAB_DC_SMB_CONF" \
            </dev/null >>"$LAB_LOG_DIR/break.log" 2>&1 || {
            show_log_tail "$LAB_LOG_DIR/break.log"
            die "samba-tool $step failed"
        }
    done
    printf 'rkt %s\nwkt %s\nq\n' "$web" "$LAB_MEMBER_KEYTAB" |
        run_in member ktutil >>"$LAB_LOG_DIR/break.log" 2>&1 || die "ktutil merge failed"
    rm -f "$web"
    local n
    n=$(KRB5_CONFIG=$LAB_MEMBER_KRB5_CONF klist -k "FILE:$LAB_MEMBER_KEYTAB" 2>/dev/null |
        grep -c " $spn@$LAB_REALM\$" || true)
    expect "keytab holds $spn ($n entries)" test "$n" -gt 0
    expect "DC kvno unchanged ($kv0)" test "$(dc_attr msDS-KeyVersionNumber)" == "$kv0"
    expect "machine keytab kvnos unchanged ($kt0)" test "$(keytab_kvnos)" == "$kt0"
    report_state foreign-keytab
}

# ---------------------------------------------------------------------------
# Silent DCs (FIELD-NOTES 11 "DCs that never answer")
# ---------------------------------------------------------------------------
# dc3, dc4, ... at 127.0.0.12, .13, ...: a listener (silent-dc.py) accepts
# TCP on every DC port and never replies, binds the UDP ports and never
# answers; dc1's DNS gets their A and SRV records, so DNS discovery finds
# them like any DC, and in the site $LAB_SILENT_SITE, so that `--site
# Silent-Site` tries them before dc1.  A rebuild drops them (the netns goes, dc1's database
# comes from the golden copy).
LAB_SILENT_DIR="$LAB_DIR/silent"          # listener pid, log, DC list
LAB_SILENT_MAX=8
export LAB_SILENT_SITE=Silent-Site        # their AD site (--site puts them first)

silent_dc_name() { echo "dc$(($1 + 2))"; }
silent_dc_ip() { echo "127.0.0.$(($1 + 11))"; }

# silent_dns add|delete NAME IP : the A and SRV records of one silent DC.
silent_dns() {
    local op=$1 name=$2 ip=$3 fqdn=$2.$LAB_DNS_DOMAIN zone rname rtype data
    while read -r zone rname rtype data; do
        run_in dc samba-tool dns "$op" "$LAB_DC_IP" "$zone" "$rname" "$rtype" "$data" \
            -U "$LAB_ADMIN_USER%$LAB_ADMIN_PASS" -s "$LAB_DC_SMB_CONF" \
            </dev/null >>"$LAB_LOG_DIR/dns.log" 2>&1 || {
            # a record already gone is what remove wants
            [[ $op == delete ]] && continue
            show_log_tail "$LAB_LOG_DIR/dns.log" 5; die "samba-tool dns $op $zone $rname $rtype failed"
        }
    done <<EOF
$LAB_DNS_DOMAIN $name A $ip
_msdcs.$LAB_DNS_DOMAIN _ldap._tcp.dc SRV $fqdn 389 0 100
_msdcs.$LAB_DNS_DOMAIN _ldap._tcp.$LAB_SILENT_SITE._sites.dc SRV $fqdn 389 0 100
$LAB_DNS_DOMAIN _ldap._tcp SRV $fqdn 389 0 100
$LAB_DNS_DOMAIN _kerberos._tcp SRV $fqdn 88 0 100
EOF
}

silent_listener_stop() {
    local pid
    [[ -f $LAB_SILENT_DIR/listener.pid ]] || return 0
    pid=$(<"$LAB_SILENT_DIR/listener.pid")
    if [[ $pid =~ ^[0-9]+$ ]] && [[ $(ps -o args= -p "$pid" 2>/dev/null) == *silent-dc.py* ]]; then
        kill_pid "$pid"
    fi
    rm -f "$LAB_SILENT_DIR/listener.pid"
}

# silent_listener_start IP... : one listener for every silent DC address.
silent_listener_start() {
    local script ip i
    script=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/silent-dc.py
    for ip in "$@"; do
        ip -n "$LAB_NETNS" addr add "$ip/8" dev lo 2>/dev/null || true
    done
    ip netns exec "$LAB_NETNS" setsid "$LAB_PYTHON" "$script" "$@" \
        </dev/null >"$LAB_SILENT_DIR/listener.log" 2>&1 9>&- &
    echo $! >"$LAB_SILENT_DIR/listener.pid"
    for ((i = 0; i < 100; i++)); do
        if grep -q '^silent-dc: listening' "$LAB_SILENT_DIR/listener.log" 2>/dev/null; then
            return 0
        fi
        sleep 0.05
    done
    show_log_tail "$LAB_SILENT_DIR/listener.log"
    die "the silent DC listener did not start"
}

# silent-dc add N: N silent DCs (dc3 ...); silent-dc remove: none again.
cmd_silent_dc() {
    local op=${1:-} n=${2:-} i name ip
    local -a ips=()
    need_root
    take_lock
    ns_exists || die "the lab is not up (run: lab.sh up)"
    dc_pid >/dev/null || die "dc1 is not running; its DNS takes the records"
    mkdir -p "$LAB_SILENT_DIR" "$LAB_LOG_DIR"
    case $op in
        add)
            [[ $n =~ ^[1-9][0-9]*$ ]] && ((n <= LAB_SILENT_MAX)) ||
                die "usage: lab.sh silent-dc add N (1..$LAB_SILENT_MAX)"
            [[ ! -s $LAB_SILENT_DIR/dcs ]] || die "silent DCs exist already (lab.sh silent-dc remove first)"
            for ((i = 1; i <= n; i++)); do ips+=("$(silent_dc_ip "$i")"); done
            silent_listener_start "${ips[@]}"
            for ((i = 1; i <= n; i++)); do
                name=$(silent_dc_name "$i"); ip=$(silent_dc_ip "$i")
                silent_dns add "$name" "$ip"
                echo "$name $ip" >>"$LAB_SILENT_DIR/dcs"
                tcp_open_at "$ip" 88 135 389 || die "$ip does not accept connections"
                echo "silent DC $name.$LAB_DNS_DOMAIN $ip (accepts TCP, never answers)"
            done ;;
        remove)
            silent_listener_stop
            if [[ -f $LAB_SILENT_DIR/dcs ]]; then
                while read -r name ip; do
                    silent_dns delete "$name" "$ip"
                    echo "removed silent DC $name.$LAB_DNS_DOMAIN $ip"
                done <"$LAB_SILENT_DIR/dcs"
            fi
            rm -f "$LAB_SILENT_DIR/dcs" ;;
        *) die "usage: lab.sh silent-dc add N | silent-dc remove" ;;
    esac
}

# ---------------------------------------------------------------------------
# Subcommands
# ---------------------------------------------------------------------------
lab_down() {
    sssd_stop
    sshd_stop
    winbind_stop
    stop_run_dir "$LAB_MEMBER_DIR/run"
    dc2_stop
    dc_stop
    netns_delete
}

cmd_up() {
    local with_winbind=0 with_dc2=0 with_sssd=0 arg
    for arg in "$@"; do
        case $arg in
            --winbind) with_winbind=1 ;;
            --sssd) with_sssd=1 ;;
            --dc2) with_dc2=1 ;;
            *) die "up: unknown option '$arg'" ;;
        esac
    done
    local t0
    preflight
    take_lock
    t0=$(now_us)            # the lock wait is not part of the up time
    trap 'log "up failed; logs in $LAB_LOG_DIR, $LAB_DC_DIR/log, $LAB_MEMBER_DIR/log; clean up with: lab.sh down"' EXIT
    lab_down
    rm -rf "$LAB_MEMBER_DIR" "$LAB_MEMBER2_DIR"   # a failed up must not look joined
    rm -rf "$LAB_DC2_DIR" "$LAB_DC2_MARK" "$LAB_SILENT_DIR"
    LAB_WITH_DC2=""
    mkdir -p "$LAB_DIR" "$LAB_LOG_DIR"
    rm -f "$LAB_LOG_DIR"/*.log
    netns_create
    if golden_valid; then
        golden_restore
    else
        golden_create
    fi
    if (( with_dc2 )); then
        LAB_WITH_DC2=1
        if ! golden2_valid; then
            write_dc_host_files
            dc_start
            dc_wait_ready
            golden2_create
        fi
        golden2_restore
        dc_start
        dc2_start
        dc_wait_ready
        dc2_wait_ready
        : >"$LAB_DC2_MARK"
        log "DCs ready after $(elapsed_since "$t0") s"
    else
        dc_start
        dc_wait_ready
        log "DC ready after $(elapsed_since "$t0") s"
    fi
    member_setup
    member_join
    if (( with_dc2 )); then
        dc2_pull_member
        local kv1 kv2
        kv1=$(dc_attr msDS-KeyVersionNumber); kv2=$(dc2_attr msDS-KeyVersionNumber)
        [[ -n $kv2 && $kv1 == "$kv2" ]] || die "$LAB_MEMBER_ACCOUNT not replicated to dc2 (kvno dc1 $kv1, dc2 ${kv2:-none})"
    fi
    member2_setup
    if (( with_winbind )); then winbind_start; fi
    if (( with_sssd )); then sssd_start; fi
    trap - EXIT
    echo "lab up in $(elapsed_since "$t0") s (DC $LAB_DC_FQDN $LAB_DC_IP${LAB_WITH_DC2:+, DC $LAB_DC2_FQDN $LAB_DC2_IP}, member $LAB_MEMBER_FQDN $LAB_MEMBER_IP, member2 $LAB_MEMBER2_FQDN $LAB_MEMBER2_IP, netns $LAB_NETNS)"
}

cmd_down() {
    need_root
    check_lab_path
    local t0
    take_lock
    t0=$(now_us)
    lab_down
    echo "lab down in $(elapsed_since "$t0") s"
}

cmd_status() {
    local rc=0 pid kvnos
    if ns_exists; then echo "netns:    $LAB_NETNS present"; else echo "netns:    $LAB_NETNS absent"; rc=1; fi
    if pid=$(dc_pid); then echo "DC:       running (pid $pid)"; else echo "DC:       not running"; rc=1; fi
    if [[ -n $LAB_WITH_DC2 ]]; then
        if pid=$(dc2_pid); then echo "dc2:      running (pid $pid)"; else echo "dc2:      not running"; fi
    fi
    kvnos=$(keytab_kvnos)
    if [[ -s $LAB_MEMBER_SECRETS && -n $kvnos ]]; then
        echo "member:   joined (secrets.tdb present, keytab kvno $kvnos)"
    else
        echo "member:   not joined"; rc=1
    fi
    if pid=$(winbind_pid); then echo "winbindd: running (pid $pid)"; else echo "winbindd: not running"; fi
    kvnos=$(member2_kvnos)
    if [[ -n $kvnos ]]; then echo "member2:  keytab kvno $kvnos"; else echo "member2:  no keytab"; fi
    if pid=$(sssd_pid); then echo "sssd:     running (pid $pid)"; else echo "sssd:     not running"; fi
    if (( rc == 0 )) && member_testjoin >/dev/null 2>&1; then
        echo "testjoin: OK"
    else
        echo "testjoin: FAILED"; rc=1
    fi
    return "$rc"
}

cmd_break() {
    (( $# == 1 )) || die "usage: lab.sh break dc-password|delete|disable|dc-stop|stale-keytab|stale-secrets|repl-lag|m2-stale-keytab|m2-kvno-behind|m2-half-keytab|foreign-keytab"
    need_root
    take_lock
    case $1 in
        dc-password) break_dc_password ;;
        delete) break_delete ;;
        disable) break_disable ;;
        dc-stop) break_dc_stop ;;
        stale-keytab) break_stale_keytab ;;
        stale-secrets) break_stale_secrets ;;
        repl-lag) break_repl_lag ;;
        m2-stale-keytab) break_m2_stale_keytab ;;
        m2-kvno-behind) break_m2_kvno_behind ;;
        m2-half-keytab) break_m2_half_keytab ;;
        foreign-keytab) break_foreign_keytab ;;
        *) die "unknown scenario '$1'" ;;
    esac
}

cmd_member_paths() {
    printf 'SMB_CONF=%q\n' "$LAB_MEMBER_SMB_CONF"
    printf 'KRB5_CONFIG=%q\n' "$LAB_MEMBER_KRB5_CONF"
    printf 'KEYTAB=%q\n' "$LAB_MEMBER_KEYTAB"
    printf 'SECRETS=%q\n' "$LAB_MEMBER_SECRETS"
    printf 'DC_SMB_CONF=%q\n' "$LAB_DC_SMB_CONF"
    printf 'DC_SAM=%q\n' "$LAB_DC_SAM"
    printf 'LAB_NETNS=%q\n' "$LAB_NETNS"
    printf 'DC2_SMB_CONF=%q\n' "$LAB_DC2_SMB_CONF"
    printf 'M2_DIR=%q\n' "$LAB_MEMBER2_DIR"
    printf 'M2_ETC=%q\n' "$LAB_MEMBER2_ETC"
    printf 'M2_KEYTAB=%q\n' "$LAB_MEMBER2_KEYTAB"
    printf 'M2_KRB5_CONF=%q\n' "$LAB_MEMBER2_KRB5_CONF"
    printf 'M2_SSSD_CONF=%q\n' "$LAB_MEMBER2_SSSD_CONF"
    printf 'SSH_CONFIG=%q\n' "$LAB_SSH_CONFIG"
}

usage() {
    cat <<EOF
usage: lab.sh COMMAND [ARGS]      (lab dir \$NETCHK_LAB=$LAB_DIR, netns \$NETCHK_NETNS=$LAB_NETNS)

  up [--winbind] [--dc2] [--sssd]
                        start the lab: netns, DC (golden copy; provisioned on
                        first use), fresh member join, member2 from the golden
                        copy; --winbind also starts the member winbindd;
                        --sssd starts member2's sssd; --dc2 adds the second DC
                        $LAB_DC2_FQDN ($LAB_DC2_IP, joined once, then from its
                        own golden copy) and lists both DCs to the member
  down                  stop every lab process and delete the netns
  rebuild [--winbind] [--dc2] [--sssd]  down, then up from the golden copy
  status                DC / member / winbindd state; exit 0 if testjoin passes
  member [CMD...]       run CMD (default bash) in the member overlay
  member2 [CMD...]      run CMD (default bash) as $LAB_MEMBER2_FQDN ($LAB_MEMBER2_IP):
                        joined with adcli, sssd, no smb.conf; its own /etc
                        (krb5.conf, krb5.keytab, sssd/sssd.conf), /run,
                        /var/lib/sss and host name
  sssd-start | sssd-stop  start / stop member2's sssd
  dc [CMD...]           run CMD (default bash) in the DC overlay
  dc2 [CMD...]          run CMD (default bash) in dc2's overlay
  dc-stop | dc-start    stop / start dc1 alone (e.g. to change its sam.ldb
                        offline, as tests/bench/bench-audit.sh does)
  dc2-stop | dc2-start  stop / start dc2 alone
  repl-sync             inbound replication on dc2 back on, then replicate
                        dc1 -> dc2 now (undoes break repl-lag)
  silent-dc add N       N DCs that accept connections and never answer:
                        dc3.$LAB_DNS_DOMAIN (127.0.0.12), dc4 (.13), ... with A
                        and SRV records on dc1, also in the site
                        $LAB_SILENT_SITE (a rebuild drops them)
  silent-dc remove      stop the listener and delete their records
  winbind-start         start the member winbindd
  winbind-stop          stop the member winbindd
  sshd-start            start sshd on the member ($LAB_MEMBER_IP:22, its own
                        host key, root by the key in $LAB_SSH_DIR); reach it
                        from inside the netns with ssh -F $LAB_SSH_CONFIG
                        member1 (netchk --ssh-config, Ansible)
  sshd-stop             stop the member sshd
  break SCENARIO        dc-password | delete | disable | dc-stop |
                        stale-keytab | stale-secrets | repl-lag (dc2 stops
                        pulling, the password changes through dc1) |
                        foreign-keytab (svc-web's HTTP/web keys, kvno 2,
                        merged into the member keytab with ktutil) |
                        m2-stale-keytab (member2: adcli update, then the
                        old keytab copied back) |
                        m2-kvno-behind (member2: one password set twice on
                        the DC, the keytab holds its keys one kvno behind)
  dc-account [--dc2|--member2] [ATTR...]
                        DC-side attributes of $LAB_MEMBER_ACCOUNT as "attr: value"
                        (default msDS-KeyVersionNumber userAccountControl);
                        --dc2 reads dc2's sam.ldb; --member2 reads $LAB_MEMBER2_ACCOUNT
  member-paths          shell-sourceable member file paths
  exclusive CMD...      run CMD (e.g. a test) holding the lab lock; lab.sh
                        calls inside it do not wait for the lock, other
                        users' up/rebuild/break/down wait until CMD ends
  destroy               down, then remove $LAB_DIR (golden copy included)
EOF
}

main() {
    local cmd=${1:-help}
    (( $# )) && shift
    case $cmd in
        up) cmd_up "$@" ;;
        rebuild) cmd_up "$@" ;;   # up always starts from a clean slate
        down) cmd_down ;;
        status) need_root; cmd_status ;;
        member|member2|dc|dc2)
            need_root
            [[ $cmd != dc2 ]] || dc2_require
            (( $# )) || set -- bash
            run_in "$cmd" "$@" ;;
        dc-stop) need_root; take_lock; break_dc_stop ;;
        dc-start)
            need_root; take_lock
            if dc_pid >/dev/null; then log "DC already runs"; else dc_start; dc_wait_ready; fi ;;
        dc2-stop) need_root; dc2_require; take_lock; dc2_stop ;;
        dc2-start)
            need_root; dc2_require; take_lock
            if dc2_pid >/dev/null; then log "dc2 already runs"; else dc2_start; dc2_wait_ready; fi ;;
        repl-sync) need_root; take_lock; cmd_repl_sync ;;
        silent-dc) cmd_silent_dc "$@" ;;
        winbind-start) need_root; take_lock; winbind_start ;;
        winbind-stop) need_root; take_lock; winbind_stop ;;
        sssd-start) need_root; take_lock; sssd_start ;;
        sssd-stop) need_root; take_lock; sssd_stop ;;
        sshd-start) need_root; take_lock; sshd_start ;;
        sshd-stop) need_root; take_lock; sshd_stop ;;
        break) cmd_break "$@" ;;
        dc-account)
            need_root
            case ${1:-} in
                --dc2) shift; dc2_account "$@" ;;
                --member2) shift; LAB_MEMBER_ACCOUNT=$LAB_MEMBER2_ACCOUNT dc_account "$@" ;;
                *) dc_account "$@" ;;
            esac ;;
        member-paths) cmd_member_paths ;;
        exclusive)
            (( $# )) || die "usage: lab.sh exclusive CMD..."
            need_root
            take_lock
            export NETCHK_LAB_LOCK_HELD=$LAB_DIR
            exec "$@" ;;
        destroy)
            cmd_down
            rm -rf "$LAB_DIR"
            echo "removed $LAB_DIR" ;;
        help|-h|--help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    main "$@"
fi
