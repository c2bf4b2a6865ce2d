#!/bin/bash
# Make N isolated hypervisor "hosts" on this one machine, for tests.
#
#   tools/test-hosts.sh up N                 # N hosts (1 to 9): host1 .. hostN
#   tools/test-hosts.sh down                 # remove everything `up` made
#   tools/test-hosts.sh exec HOST CMD...     # run CMD on HOST (its netns, mount ns, hostname)
#   tools/test-hosts.sh exec --no-net HOST CMD...
#                                            # the same in the root netns (see below)
#   tools/test-hosts.sh uri HOST             # libvirt URI reaching HOST from the root ns
#   tools/test-hosts.sh status
#
# Each host is a network namespace (PREFIX-hostI), a mount namespace and a
# UTS namespace (hostname PREFIX-hostI) with its own virtlogd and libvirtd.
# Inside its mount namespace these are bind mounts of directories under
# BASE/hostI:
#   /run/libvirt        <- BASE/hostI/run-libvirt   (sockets, pid files)
#   /var/lib/libvirt    <- BASE/hostI/var-lib-libvirt
#   /var/log/libvirt    <- BASE/hostI/var-log-libvirt (libvirtd.log)
#   /var/cache/libvirt  <- BASE/hostI/var-cache-libvirt (seeded with the root
#                          ns's QEMU capabilities cache: start-up in seconds)
#   /etc/libvirt        <- BASE/hostI/etc-libvirt  (a copy of /etc/libvirt without
#                          networks to autostart or domains; qemu.conf user and
#                          group root, no cgroups, migration on the host's address)
#   BASE/instances      <- BASE/hostI/instances    (the same path on every host, as
#                          Nova's instances_path is: disk paths survive a migration)
#   /etc/hosts          <- BASE/hosts              (every host's name and address)
#   /sys                   a sysfs of the host's netns (as `ip netns exec` does)
# From the root namespace BASE/hostI/<dir> shows the same files.
#
# The hosts are connected by veth pairs to a bridge in a namespace of its own
# (PREFIX-fabric): hostI is ${NET}.I/24 on its eth0. Nothing routes off the
# machine: no namespace has a default route, and the root namespace has no
# interface on the fabric. Each libvirtd listens for qemu+tcp:// on its
# fabric address with auth_tcp = "none", so peer-to-peer migration works:
#   tools/test-hosts.sh exec host1 virsh migrate --live --p2p --persistent \
#       --undefinesource --copy-storage-all DOMAIN qemu+tcp://${NET}.2/system
# From the root namespace each libvirtd is reached through its unix socket:
#   qemu+unix:///system?socket=BASE/hostI/run-libvirt/libvirt-sock
#
# `exec --no-net` runs a command in the host's mount and UTS namespaces but
# the root netns: nova-compute runs so, reaching RabbitMQ on 127.0.0.1 and the
# host's libvirtd at qemu:///system (qemu, started by libvirtd, still runs
# in the host's netns).
#
# Environment: NOVA_TEST_HOSTS_DIR (BASE, default /run/nova-test-hosts),
# NOVA_TEST_HOSTS_PREFIX (default nth), NOVA_TEST_HOSTS_NET (first three
# octets, default 10.250.0), LIBVIRT_WAIT_SECONDS (default 90). `down` reads
# the prefix that `up` used from BASE. Run as root.
set -euo pipefail

BASE=${NOVA_TEST_HOSTS_DIR:-/run/nova-test-hosts}
PREFIX=${NOVA_TEST_HOSTS_PREFIX:-nth}
NET=${NOVA_TEST_HOSTS_NET:-10.250.0}
WAIT_SECONDS=${LIBVIRT_WAIT_SECONDS:-90}
LIBVIRT_DIRS="run-libvirt:/run/libvirt var-lib-libvirt:/var/lib/libvirt
              var-log-libvirt:/var/log/libvirt var-cache-libvirt:/var/cache/libvirt
              etc-libvirt:/etc/libvirt"

die() { echo "test-hosts: $*" >&2; exit 1; }
say() { echo "test-hosts: $*"; }

usage() {
    sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

host_dir() { echo "$BASE/$1"; }
netns_of() { echo "$PREFIX-$1"; }
host_number() { echo "${1#host}"; }
socket_of() { echo "$(host_dir "$1")/run-libvirt/libvirt-sock"; }
uri_of() { echo "qemu+unix:///system?socket=$(socket_of "$1")"; }

# The hosts `up` made, read back from BASE (prefix first).
load_state() {
    [ -f "$BASE/prefix" ] && PREFIX=$(cat "$BASE/prefix")
    [ -f "$BASE/net" ] && NET=$(cat "$BASE/net")
    HOSTS=$(cat "$BASE/hosts.list" 2>/dev/null || true)
}

# Run a command in a host's namespaces; with --no-net, in the root netns.
host_exec() {
    local net=1
    if [ "${1:-}" = --no-net ]; then net=0; shift; fi
    local host=${1:?host name}
    shift
    local dir
    dir=$(host_dir "$host")
    [ -e "$dir/ns/mnt" ] || die "no host $host under $BASE"
    local args=(--mount="$dir/ns/mnt" --uts="$dir/ns/uts")
    [ $net = 1 ] && args+=(--net="/run/netns/$(netns_of "$host")")
    exec nsenter "${args[@]}" -- "$@"
}

make_fabric() {
    local fabric
    fabric=$(netns_of fabric)
    ip netns add "$fabric"
    ip -n "$fabric" link set lo up
    ip -n "$fabric" link add br0 type bridge
    ip -n "$fabric" link set br0 up
}

# The host's netns, wired to the fabric bridge by a veth pair.
make_host_network() {
    local host=$1 number address netns fabric
    number=$(host_number "$host")
    address="$NET.$number"
    netns=$(netns_of "$host")
    fabric=$(netns_of fabric)
    ip netns add "$netns"
    ip -n "$netns" link set lo up
    ip -n "$fabric" link add "$host" type veth peer name eth0 netns "$netns"
    ip -n "$fabric" link set "$host" master br0 up
    ip -n "$netns" addr add "$address/24" dev eth0
    ip -n "$netns" link set eth0 up
}

# A copy of /etc/libvirt for the host: nothing to autostart, no domains, its
# own address for TCP and migration.
write_libvirt_config() {
    local host=$1 etc=$2 address=$3
    cp -a /etc/libvirt/. "$etc/"
    rm -rf "$etc/qemu/autostart" "$etc/qemu/networks/autostart" "$etc/secrets"/*
    find "$etc/qemu" -maxdepth 1 -name '*.xml' -delete
    mkdir -p "$etc/qemu/networks/autostart"
    cat >>"$etc/qemu.conf" <<EOF

# tools/test-hosts.sh: host $host
user = "root"
group = "root"
cgroup_controllers = [ ]
migration_host = "$address"
migration_address = "$address"
EOF
    cat >>"$etc/libvirtd.conf" <<EOF

# tools/test-hosts.sh: host $host
listen_tls = 0
listen_tcp = 1
listen_addr = "$address"
auth_tcp = "none"
host_uuid = "$(cat /proc/sys/kernel/random/uuid)"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
}

# Runs inside a new host's namespaces (passed with `declare -f`): its
# hostname, its own sysfs and the bind mounts listed at the top.
set_up_inside_host() {
    local dir=$1 base=$2 hostname=$3 pair
    hostname "$hostname"
    # The copy of the root's mounts holds every namespace file bound there
    # (other tests' netns under /run/netns, the other hosts'): drop them, or
    # those namespaces would live on as long as this host does.
    awk -v base="$base" '$5 ~ "^/run/netns/" || index($5, base "/host") == 1 && $5 ~ "/ns/" {
        print $5 }' /proc/self/mountinfo | xargs -r -n1 umount -l
    umount -l /sys
    mount -t sysfs sysfs /sys
    mount --bind "$dir/instances" "$base/instances"
    mount --bind "$base/hosts" /etc/hosts
    for pair in $LIBVIRT_DIRS; do
        mount --bind "$dir/${pair%%:*}" "${pair#*:}"
    done
}

# The host's mount and UTS namespaces, kept by bind mounts of their ns files.
make_host_namespaces() {
    local host=$1 dir=$2 pair
    mkdir -p "$dir/ns" "$dir/instances"
    for pair in $LIBVIRT_DIRS; do
        mkdir -p "$dir/${pair%%:*}"
    done
    touch "$dir/ns/mnt" "$dir/ns/uts"
    unshare --mount="$dir/ns/mnt" --uts="$dir/ns/uts" --propagation private true
    nsenter --mount="$dir/ns/mnt" --uts="$dir/ns/uts" --net="/run/netns/$(netns_of "$host")" \
        -- env LIBVIRT_DIRS="$LIBVIRT_DIRS" bash -euc \
        "$(declare -f set_up_inside_host); set_up_inside_host \"\$@\"" \
        set_up_inside_host "$dir" "$BASE" "$(netns_of "$host")"
}

# Not a zombie either: PID 1 may be slow to reap an exited daemon.
process_alive() {
    grep -Eq '^State:[[:space:]]+[^Z]' "/proc/$1/status" 2>/dev/null
}

pid_alive() {
    [ -s "$1" ] && process_alive "$(cat "$1")"
}

start_host_daemons() {
    local host=$1 dir=$2 name
    for name in virtlogd libvirtd; do
        local extra=()
        [ $name = libvirtd ] && extra=(--listen)
        nsenter --mount="$dir/ns/mnt" --uts="$dir/ns/uts" \
            --net="/run/netns/$(netns_of "$host")" \
            -- "/usr/sbin/$name" -d "${extra[@]}" -p "/run/libvirt/$name.pid" ||
            die "$name on $host did not start"
        for _ in $(seq 100); do
            pid_alive "$dir/run-libvirt/$name.pid" && break
            sleep 0.1
        done
        pid_alive "$dir/run-libvirt/$name.pid" || die "$name on $host wrote no live pid"
    done
}

wait_for_libvirtd() {
    local host=$1 deadline=$((SECONDS + WAIT_SECONDS)) out
    until out=$(virsh -c "$(uri_of "$host")" hostname 2>&1) &&
          [ "$out" = "$(netns_of "$host")" ]; do
        [ $SECONDS -lt $deadline ] ||
            die "libvirtd on $host did not answer within ${WAIT_SECONDS}s: $out"
        sleep 0.5
    done
}

write_hosts_file() {
    local count=$1 i
    {
        echo "127.0.0.1 localhost"
        echo "::1 localhost ip6-localhost ip6-loopback"
        for i in $(seq "$count"); do
            echo "$NET.$i $PREFIX-host$i"
        done
    } >"$BASE/hosts"
}

up() {
    local count=${1:?usage: up N} i host dir
    [[ $count =~ ^[1-9]$ ]] || die "N must be 1 to 9"
    [ -e "$BASE/prefix" ] && die "$BASE is in use (tools/test-hosts.sh down first)"
    for tool in ip unshare nsenter virsh /usr/sbin/libvirtd /usr/sbin/virtlogd; do
        command -v "$tool" >/dev/null || die "$tool not found (tools/setup-libvirt.sh)"
    done
    # From here on a failed start-up leaves nothing behind.
    trap 'rc=$?; [ $rc = 0 ] || { say "start-up failed, removing"; down; }; exit $rc' EXIT
    mkdir -p "$BASE/instances"
    # A private mount: the namespace files bound below must not propagate.
    mount --bind "$BASE" "$BASE"
    mount --make-private "$BASE"
    echo "$PREFIX" >"$BASE/prefix"
    echo "$NET" >"$BASE/net"
    : >"$BASE/hosts.list"
    write_hosts_file "$count"
    make_fabric
    for i in $(seq "$count"); do
        host=host$i
        dir=$(host_dir "$host")
        echo "$host" >>"$BASE/hosts.list"
        make_host_network "$host"
        make_host_namespaces "$host" "$dir"
        write_libvirt_config "$host" "$dir/etc-libvirt" "$NET.$i"
        cp -a /var/cache/libvirt/. "$dir/var-cache-libvirt/" 2>/dev/null || true
        start_host_daemons "$host" "$dir"
    done
    for host in $(cat "$BASE/hosts.list"); do
        wait_for_libvirtd "$host"
        say "$host: $(netns_of "$host") $NET.$(host_number "$host")" \
            "qemu+tcp://$NET.$(host_number "$host")/system $(uri_of "$host")"
    done
}

# Inode of a namespace bound at a path ("" when none is bound there).
ns_inode() {
    if [ "$(stat -f -c %T "$1" 2>/dev/null)" = nsfs ]; then
        stat -L -c %i "$1"
    fi
}

# Every process in any of the given namespaces (by inode), but this shell.
pids_in_namespaces() {
    local inodes=" $* " link pid kind
    [ -n "${*// /}" ] || return 0
    for link in /proc/[0-9]*/ns/mnt /proc/[0-9]*/ns/net; do
        pid=${link#/proc/}
        pid=${pid%%/*}
        [ "$pid" = $$ ] && continue
        kind=$(readlink "$link" 2>/dev/null) || continue
        kind=${kind#*[}
        if [[ $inodes == *" ${kind%]} "* ]]; then echo "$pid"; fi
    done | sort -u
}

stop_processes() {
    local pids pid
    pids=$(pids_in_namespaces "$@")
    [ -n "$pids" ] || return 0
    kill $pids 2>/dev/null || true
    for _ in $(seq 100); do
        pids=$(for pid in $pids; do
                   if process_alive "$pid"; then echo "$pid"; fi
               done)
        [ -n "$pids" ] || return 0
        sleep 0.1
    done
    say "killing $pids (still running after SIGTERM)"
    kill -9 $pids 2>/dev/null || true
}

down() {
    local host dir inodes=() name
    load_state
    for host in $HOSTS; do
        dir=$(host_dir "$host")
        # Guests first, while libvirtd still answers (qemu exits cleanly).
        if [ -S "$(socket_of "$host")" ]; then
            for name in $(timeout 20 virsh -c "$(uri_of "$host")" list --name 2>/dev/null); do
                timeout 20 virsh -c "$(uri_of "$host")" destroy "$name" >/dev/null 2>&1 || true
            done
        fi
        inodes+=("$(ns_inode "$dir/ns/mnt")" "$(ns_inode "/run/netns/$(netns_of "$host")")")
    done
    stop_processes "${inodes[@]}"
    for host in $HOSTS; do
        dir=$(host_dir "$host")
        umount "$dir/ns/mnt" 2>/dev/null || true
        umount "$dir/ns/uts" 2>/dev/null || true
        ip netns del "$(netns_of "$host")" 2>/dev/null || true
    done
    ip netns del "$(netns_of fabric)" 2>/dev/null || true
    umount "$BASE" 2>/dev/null || true
    rm -rf "$BASE"
}

status() {
    local host
    load_state
    [ -n "$HOSTS" ] || { say "no hosts under $BASE"; return 0; }
    for host in $HOSTS; do
        echo "$host $(netns_of "$host") $NET.$(host_number "$host") $(uri_of "$host")" \
            "libvirtd:$(pid_alive "$(host_dir "$host")/run-libvirt/libvirtd.pid" &&
                        echo up || echo down)"
    done
}

[ $# -ge 1 ] || usage
[ "$(id -u)" = 0 ] || die "must run as root"
command=$1
shift
case $command in
    up) up "$@" ;;
    down) down ;;
    exec) load_state; host_exec "$@" ;;
    uri) load_state; uri_of "${1:?host name}" ;;
    status) status ;;
    *) usage ;;
esac
