#!/bin/bash
# Prepare this host to run guests under libvirt + QEMU (TCG is enough).
#
#   tools/setup-libvirt.sh
#
# Idempotent; run as root on Debian. It
#   1. apt-get installs what is missing: libvirt daemon, QEMU, qemu-img,
#      dnsmasq, libvirt headers, pkg-config and a C compiler (the last three
#      let `pip install libvirt-python` build);
#   2. sets user = "root" and group = "root" in /etc/libvirt/qemu.conf (with the
#      default libvirt-qemu user, libvirtd re-probes QEMU for ~45 s before
#      every domain start on this kind of host, and root-owned test files
#      would be unreadable to the guest);
#   3. starts virtlogd and libvirtd as daemons when they are not running (no
#      systemd here), restarting a running libvirtd whose qemu.conf changed;
#   4. waits until `virsh -c qemu:///system version` answers.
# Exits non-zero with a message on the first failure.
#
# Environment: LIBVIRT_WAIT_SECONDS (default 90).
set -euo pipefail

die() { echo "setup-libvirt: $*" >&2; exit 1; }
say() { echo "setup-libvirt: $*"; }

PACKAGES="libvirt-daemon-system qemu-system-x86 qemu-utils dnsmasq-base
          libvirt-dev pkg-config gcc"
QEMU_CONF=/etc/libvirt/qemu.conf
URI=qemu:///system
wait_seconds=${LIBVIRT_WAIT_SECONDS:-90}

[ "$(id -u)" = 0 ] || die "must run as root"

install_missing_packages() {
    local pkg missing=()
    for pkg in $PACKAGES; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
            missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
        die "apt-get install ${missing[*]} failed"
}

# Set `key = "value"` in qemu.conf; prints "changed" when it edited the file.
set_qemu_conf() {
    local key=$1 value=$2
    if grep -Eq "^[[:space:]]*${key}[[:space:]]*=[[:space:]]*\"${value}\"[[:space:]]*$" "$QEMU_CONF"; then
        return 0
    fi
    sed -i -E "/^[[:space:]]*${key}[[:space:]]*=/d" "$QEMU_CONF"
    echo "$key = \"$value\"" >>"$QEMU_CONF"
    echo changed
}

# Not a zombie either: where PID 1 is slow to reap, an exited daemon
# lingers as one and `kill -0` still succeeds.
process_alive() {
    grep -Eq '^State:[[:space:]]+[^Z]' "/proc/$1/status" 2>/dev/null
}

pid_alive() {
    local pidfile=$1
    [ -s "$pidfile" ] && process_alive "$(cat "$pidfile")"
}

start_daemon() {
    local name=$1 pidfile=$2
    pid_alive "$pidfile" && return 0
    say "starting $name"
    "/usr/sbin/$name" -d || die "$name -d failed"
    for _ in $(seq 50); do
        pid_alive "$pidfile" && return 0
        sleep 0.1
    done
    die "$name did not start (no live pid in $pidfile)"
}

stop_libvirtd() {
    local pid
    pid=$(cat /run/libvirtd.pid)
    say "restarting libvirtd (pid $pid) to apply $QEMU_CONF"
    kill "$pid"
    for _ in $(seq 100); do
        process_alive "$pid" || return 0
        sleep 0.1
    done
    die "libvirtd (pid $pid) did not stop"
}

wait_for_libvirtd() {
    local deadline=$((SECONDS + wait_seconds)) out
    until out=$(virsh -c "$URI" version 2>&1); do
        [ $SECONDS -lt $deadline ] ||
            die "virsh -c $URI version did not answer within ${wait_seconds}s: $out"
        sleep 1
    done
    say "libvirtd answers on $URI:"
    echo "$out"
}

install_missing_packages
[ -f "$QEMU_CONF" ] || die "$QEMU_CONF not found"
conf_changed=$(set_qemu_conf user root; set_qemu_conf group root)
mkdir -p /run/libvirt
start_daemon virtlogd /run/virtlogd.pid
if [ -n "$conf_changed" ] && pid_alive /run/libvirtd.pid; then
    stop_libvirtd
fi
start_daemon libvirtd /run/libvirtd.pid
wait_for_libvirtd
