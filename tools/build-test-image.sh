#!/bin/bash
# Build a tiny test guest for libvirt/QEMU tests, from Debian packages only.
#
#   tools/build-test-image.sh OUTDIR
#
# Writes OUTDIR/vmlinuz (Debian's kernel, the cloud flavour by default) and
# OUTDIR/initrd.img (a busybox-static initramfs). Nothing is installed on the
# host: the .debs are fetched with `apt-get download` and unpacked.
# When both outputs exist and OUTDIR/version names this script's GUEST_VERSION,
# the script does nothing (delete them to rebuild).
#
# Boot with direct kernel boot and `console=ttyS0`. The guest's /init:
#   - mounts proc, sys, devtmpfs and loads the virtio and ACPI button modules
#     (the cloud kernel builds them as modules, not in);
#   - prints NOVA-TEST-GUEST-BOOTED on the console;
#   - if /dev/vda exists, prints its first 64 bytes between the lines
#     NOVA-TEST-GUEST-DISK-HEAD-BEGIN and NOVA-TEST-GUEST-DISK-HEAD-END, as hex
#     (`od -A n -t x1`), then a line "NOVA-TEST-GUEST-DISK-TEXT: <bytes>" with
#     non-printable bytes shown as '.'; without a disk it prints
#     NOVA-TEST-GUEST-NO-DISK;
#   - if /dev/vda is larger than 1 MiB, reads the marker at its 1 MiB offset
#     (a line of text, up to 64 bytes) and prints
#     "NOVA-TEST-GUEST-MARKER-FOUND: <text>" ("(none)" when there is none),
#     then writes a new one, "MARKER-<16 random hex digits>", there (synced
#     to the disk) and prints "NOVA-TEST-GUEST-MARKER-WRITTEN: <text>": a
#     snapshot of the disk carries it to the next guest booted from it;
#   - runs busybox acpid, so an ACPI power button press (`virsh shutdown`,
#     QEMU's system_powerdown) prints NOVA-TEST-GUEST-POWEROFF and powers off;
#     NOVA-TEST-GUEST-ACPI-READY tells that acpid listens (a press before
#     that line is lost);
#   - with a NIC (eth0, virtio), in the background: asks for an address by
#     DHCP (busybox udhcpc) and prints "NOVA-TEST-GUEST-ADDRESS: <address>"
#     or NOVA-TEST-GUEST-NO-ADDRESS; without one prints NOVA-TEST-GUEST-NO-NIC;
#     with an address, fetches http://169.254.169.254/openstack/latest/meta_data.json
#     (the route to it from DHCP option 121, else on-link) and prints
#     "NOVA-TEST-GUEST-METADATA-UUID: <uuid>" or NOVA-TEST-GUEST-NO-METADATA;
#   - then reads its user data (http://169.254.169.254/openstack/latest/user_data,
#     else the config drive's openstack/latest/user_data) for lines
#     "NOVA-TEST-PING <address> [<seconds>]": when there are some, prints
#     "NOVA-TEST-GUEST-PING-TARGETS: <address> ..." and pings each address
#     at once, side by side (busybox ping -c 3 -W 2, again every second for
#     up to <seconds>, 60 by default: the peer may boot later), then prints
#     "NOVA-TEST-GUEST-PING-OK: <address>" at its first answer or
#     "NOVA-TEST-GUEST-PING-FAILED: <address>" when the time is up;
#   - in the background too: loads the IDE CD-ROM and ISO 9660 modules
#     (ata_piix, sr_mod, isofs) and, when /dev/sr0 appears (a config drive),
#     mounts it and prints from openstack/latest/meta_data.json
#     "NOVA-TEST-GUEST-HOSTNAME: <hostname>", "NOVA-TEST-GUEST-KEY: <the
#     first public key's first 40 characters>" ("(none)" without a key) and
#     "NOVA-TEST-GUEST-META-SOURCE: config-drive"; without a CD-ROM prints
#     NOVA-TEST-GUEST-NO-CONFIG-DRIVE (the drive, when found, stays mounted
#     at /mnt/config);
#   - without a config drive, the same HOSTNAME and KEY lines from the
#     meta_data.json of 169.254.169.254 (once the drive was looked for),
#     then "NOVA-TEST-GUEST-META-SOURCE: metadata"; with neither (no NIC, no
#     address, no answer) only "NOVA-TEST-GUEST-META-SOURCE: none". So
#     every guest prints exactly one META-SOURCE line, after its HOSTNAME
#     and KEY lines;
#   - otherwise sleeps forever.
#
# Environment: KERNEL_PACKAGE (default linux-image-cloud-amd64; a metapackage
# or a versioned linux-image-* package).
set -euo pipefail

die() { echo "build-test-image: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
outdir=$1
kernel_package=${KERNEL_PACKAGE:-linux-image-cloud-amd64}

# Bump when the guest changes: a test guest built by an older version of this
# script is rebuilt.
GUEST_VERSION=6

if [ -s "$outdir/vmlinuz" ] && [ -s "$outdir/initrd.img" ] &&
   [ "$(cat "$outdir/version" 2>/dev/null)" = "$GUEST_VERSION" ]; then
    echo "build-test-image: $outdir/vmlinuz and $outdir/initrd.img exist, nothing to do"
    exit 0
fi

command -v apt-get >/dev/null || die "apt-get not found (a Debian host is needed)"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# _apt must be able to write here, or apt-get download warns and runs unsandboxed.
chmod 755 "$work"
if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then
    chown _apt "$work"
fi
cd "$work"

# Resolve a metapackage (linux-image-cloud-amd64) to the real image package.
resolve_kernel_package() {
    local pkg=$1 dep
    dep=$(apt-cache depends "$pkg" 2>/dev/null |
          awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
    echo "${dep:-$pkg}"
}

download() {
    kpkg=$(resolve_kernel_package "$kernel_package")
    apt-get download -q "$kpkg" busybox-static >/dev/null
}

# Package lists may be missing or stale (a kernel gone from the mirror):
# refresh them once before giving up.
if ! download; then
    apt-get update -qq || die "apt-get update failed"
    download || die "apt-get download $kpkg busybox-static failed"
fi

dpkg-deb -x ./linux-image-*.deb kernel
dpkg-deb -x ./busybox-static_*.deb busybox
vmlinuz=$(find kernel/boot -name 'vmlinuz-*' | head -n 1)
kernel_config=$(find kernel/boot -name 'config-*' | head -n 1)
moddir=$(find kernel/lib/modules -mindepth 1 -maxdepth 1 -type d | head -n 1)
if [ -z "$vmlinuz" ] || [ -z "$kernel_config" ] || [ -z "$moddir" ]; then
    die "$kpkg lacks a vmlinuz, a config or modules"
fi
busybox=busybox/bin/busybox
[ -x "$busybox" ] || die "no busybox binary in busybox-static"

# --- modules -----------------------------------------------------------------
# Wanted drivers, in load order. A driver built into the kernel (=y) needs no
# module; a module's own dependencies (its modinfo "depends=") load first.
wanted="VIRTIO_BLK:virtio_blk VIRTIO_PCI:virtio_pci VIRTIO_NET:virtio_net INPUT_EVDEV:evdev
ACPI_BUTTON:button"
# The config drive: a CD-ROM on IDE, ISO 9660. Loaded in the background, after
# the lines above are printed (probing the IDE channels takes a moment).
wanted_cdrom="ATA_PIIX:ata_piix BLK_DEV_SR:sr_mod ISO9660_FS:isofs"

module_path() {
    # Module file names may use '-' where module names use '_'.
    local name=$1 alt=${1//_/-}
    find "$moddir/kernel" \( -name "$name.ko" -o -name "$alt.ko" \) | head -n 1
}

module_depends() {
    tr '\0' '\n' <"$1" | sed -n 's/^depends=//p' | tr ',' ' '
}

declare -A queued=()
load_order=()
queue_module() {
    local name=$1 path dep
    [ -n "${queued[$name]:-}" ] && return 0
    queued[$name]=1
    path=$(module_path "$name")
    [ -n "$path" ] || die "module $name not found in $kpkg"
    for dep in $(module_depends "$path"); do
        queue_module "$dep"
    done
    load_order+=("$path")
}

root=initramfs
mkdir -p "$root"/{bin,dev,proc,sys,etc/acpi/PWRF,lib/modules,var/log,var/run,tmp,mnt/config}
# Writes the modules of the wanted list $1 (and their dependencies not
# listed before) to the initramfs, their load order to $root/etc/$2.
install_modules() {
    local item option module path
    load_order=()
    for item in $1; do
        option=${item%%:*} module=${item#*:}
        case $(grep -E "^CONFIG_$option=" "$kernel_config" || true) in
            *=y) ;;
            *=m) queue_module "$module" ;;
            *) die "kernel $kpkg lacks CONFIG_$option" ;;
        esac
    done
    : >"$root/etc/$2"
    for path in "${load_order[@]}"; do
        cp "$path" "$root/lib/modules/"
        basename "$path" >>"$root/etc/$2"
    done
}
install_modules "$wanted" modules.order
install_modules "$wanted_cdrom" modules.cdrom

# --- busybox and scripts -----------------------------------------------------
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
ln -s bin "$root/sbin"

cat >"$root/init" <<'EOF'
#!/bin/sh
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r module; do
    insmod "/lib/modules/$module" || echo "init: insmod $module failed"
done </etc/modules.order

echo NOVA-TEST-GUEST-BOOTED

# The block device node appears while virtio_blk probes; give it a moment.
if grep -qs 0x0002 /sys/bus/virtio/devices/*/device; then
    tries=50
    while [ ! -b /dev/vda ] && [ $tries -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
fi
if [ -b /dev/vda ]; then
    echo NOVA-TEST-GUEST-DISK-HEAD-BEGIN
    head -c 64 /dev/vda | od -A n -t x1 -v
    echo NOVA-TEST-GUEST-DISK-HEAD-END
    echo "NOVA-TEST-GUEST-DISK-TEXT: $(head -c 64 /dev/vda | tr -c ' -~' '.')"
else
    echo NOVA-TEST-GUEST-NO-DISK
fi

# The marker at 1 MiB (block 16384 of 64 bytes): what a previous guest on
# this disk (or the one it was snapshotted from) wrote, then a new one.
if [ -b /dev/vda ] && [ "$(cat /sys/block/vda/size)" -gt 2049 ]; then
    found=$(dd if=/dev/vda bs=64 skip=16384 count=1 2>/dev/null | tr '\000' '\n' |
            head -n 1 | tr -c ' -~\n' '.')
    echo "NOVA-TEST-GUEST-MARKER-FOUND: ${found:-(none)}"
    marker="MARKER-$(head -c 8 /dev/urandom | od -A n -t x1 | tr -d ' \n')"
    { printf '%s\n' "$marker"; head -c 64 /dev/zero; } | head -c 64 |
        dd of=/dev/vda bs=64 seek=16384 count=1 conv=notrunc,fsync 2>/dev/null
    sync
    echo "NOVA-TEST-GUEST-MARKER-WRITTEN: $marker"
else
    echo NOVA-TEST-GUEST-MARKER-NO-ROOM
fi

acpid -f -l /dev/null &
acpid_pid=$!
tries=50
until ls -l /proc/$acpid_pid/fd 2>/dev/null | grep -q /dev/input/event; do
    [ $tries -gt 0 ] || break
    sleep 0.1
    tries=$((tries - 1))
done
if [ $tries -gt 0 ]; then
    echo NOVA-TEST-GUEST-ACPI-READY
else
    echo NOVA-TEST-GUEST-ACPI-MISSING
fi

# The first value of "$2" in the JSON text $1 (a string; nothing when absent).
json_string() {
    printf '%s' "$1" | sed -n 's/.*"'"$2"'": *"\([^"]*\)".*/\1/p'
}

# Hostname and first key (40 characters) of the meta_data.json text $2,
# and where they came from ($1: config-drive or metadata), META-SOURCE last.
print_identity() {
    key=$(printf '%s' "$2" |
          sed -n 's/.*"public_keys": *{ *"[^"]*": *"\([^"]*\)".*/\1/p' | cut -c1-40)
    echo "NOVA-TEST-GUEST-HOSTNAME: $(json_string "$2" hostname)"
    echo "NOVA-TEST-GUEST-KEY: ${key:-(none)}"
    echo "NOVA-TEST-GUEST-META-SOURCE: $1"
}

# The config drive, in the background: IDE probing must not delay the rest.
(
    while read -r module; do
        insmod "/lib/modules/$module" 2>/dev/null
    done </etc/modules.cdrom
    tries=50
    while [ ! -b /dev/sr0 ] && [ $tries -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
    if [ -b /dev/sr0 ] && mount -t iso9660 -o ro /dev/sr0 /mnt/config 2>/dev/null &&
       [ -f /mnt/config/openstack/latest/meta_data.json ]; then
        : >/var/run/config-drive-found
        print_identity config-drive "$(cat /mnt/config/openstack/latest/meta_data.json)"
    else
        echo NOVA-TEST-GUEST-NO-CONFIG-DRIVE
    fi
    : >/var/run/config-drive-tried
) &

# Waits (up to 30 s) until the config drive was looked for.
wait_for_config_drive() {
    tries=300
    while [ ! -e /var/run/config-drive-tried ] && [ $tries -gt 0 ]; do
        sleep 0.1
        tries=$((tries - 1))
    done
}

# Without a config drive: hostname and key from the metadata service's
# meta_data.json $1, or "none" when it did not answer ($1 empty).
identity_without_config_drive() {
    wait_for_config_drive
    [ -e /var/run/config-drive-found ] && return
    if [ -n "$1" ]; then
        print_identity metadata "$1"
    else
        echo "NOVA-TEST-GUEST-META-SOURCE: none"
    fi
}

# The user data: from the metadata service when it answered ($1 is its
# meta_data.json), else from the config drive (once that was looked for).
user_data() {
    if [ -n "$1" ]; then
        timeout 10 wget -q -O - http://169.254.169.254/openstack/latest/user_data \
            2>/dev/null && return
    fi
    wait_for_config_drive
    cat /mnt/config/openstack/latest/user_data 2>/dev/null
}

uptime_seconds() {
    cut -d . -f 1 /proc/uptime
}

# Ping $1 until it answers or $2 seconds have passed.
ping_until() {
    deadline=$(($(uptime_seconds) + $2))
    until ping -c 3 -W 2 "$1" >/dev/null 2>&1; do
        if [ "$(uptime_seconds)" -ge "$deadline" ]; then
            echo "NOVA-TEST-GUEST-PING-FAILED: $1"
            return
        fi
        sleep 1
    done
    echo "NOVA-TEST-GUEST-PING-OK: $1"
}

# The "NOVA-TEST-PING <address> [<seconds>]" lines of the user data $1,
# as "<address> <seconds>" (addresses of other characters are skipped).
ping_targets() {
    printf '%s\n' "$1" | tr -d '\r' | while read -r word address seconds _; do
        [ "$word" = NOVA-TEST-PING ] || continue
        case $address in ''|*[!0-9A-Fa-f.:]*) continue ;; esac
        case $seconds in ''|*[!0-9]*) seconds=60 ;; esac
        echo "$address $seconds"
    done
}

ping_peers() {
    targets=$(ping_targets "$1")
    [ -n "$targets" ] || return 0
    echo "NOVA-TEST-GUEST-PING-TARGETS:" $(printf '%s\n' "$targets" | cut -d ' ' -f 1)
    printf '%s\n' "$targets" | while read -r address seconds; do
        ping_until "$address" "$seconds" &
    done
}

# Networking, in the background so that nothing above waits for DHCP.
tries=50
while [ ! -d /sys/class/net/eth0 ] && grep -qs 0x0001 /sys/bus/virtio/devices/*/device &&
      [ $tries -gt 0 ]; do
    sleep 0.1
    tries=$((tries - 1))
done
if [ -d /sys/class/net/eth0 ]; then
    (
        ip link set lo up
        ip link set eth0 up
        if udhcpc -i eth0 -n -q -t 10 -T 2 -O staticroutes -s /etc/udhcpc.script \
               >/dev/null 2>&1; then
            echo "NOVA-TEST-GUEST-ADDRESS: $(cat /var/run/address)"
            tries=5
            meta=
            while [ -z "$meta" ] && [ $tries -gt 0 ]; do
                # Not wget -T: busybox 1.35's wget crashes with it.
                meta=$(timeout 10 wget -q -O - \
                       http://169.254.169.254/openstack/latest/meta_data.json 2>/dev/null)
                [ -n "$meta" ] || sleep 1
                tries=$((tries - 1))
            done
            uuid=$(json_string "$meta" uuid)
            if [ -n "$uuid" ]; then
                echo "NOVA-TEST-GUEST-METADATA-UUID: $uuid"
            else
                # An answer without a uuid is not this guest's metadata.
                meta=
                echo NOVA-TEST-GUEST-NO-METADATA
            fi
            # In the background: the pings must not wait for the CD-ROM probe.
            identity_without_config_drive "$meta" &
            ping_peers "$(user_data "$meta")"
        else
            echo NOVA-TEST-GUEST-NO-ADDRESS
            identity_without_config_drive ""
        fi
    ) &
else
    echo NOVA-TEST-GUEST-NO-NIC
    identity_without_config_drive "" &
fi
while true; do
    sleep 3600
done
EOF
# udhcpc runs this with the lease in its environment.
cat >"$root/etc/udhcpc.script" <<'EOF'
#!/bin/sh
case "$1" in
    bound|renew)
        ip addr flush dev "$interface"
        ip addr add "$ip/$mask" dev "$interface"
        [ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
        # Option 121: "destination/prefix gateway" pairs (the metadata
        # address via the DHCP port among them); without it, the metadata
        # address on-link.
        set -- $staticroutes
        while [ $# -ge 2 ]; do
            ip route replace "$1" via "$2" dev "$interface"
            shift 2
        done
        ip route show | grep -q '^169\.254\.169\.254' ||
            ip route replace 169.254.169.254 dev "$interface"
        echo "$ip" >/var/run/address
        ;;
esac
exit 0
EOF
chmod 755 "$root/etc/udhcpc.script"
# busybox acpid runs /etc/acpi/PWRF/00000080 on a power button press.
# PID 1 is this script, not busybox init, so plain `poweroff` (a signal to
# PID 1) would do nothing: power off directly.
cat >"$root/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo NOVA-TEST-GUEST-POWEROFF >/dev/console
sync
poweroff -f
EOF
chmod 755 "$root/init" "$root/etc/acpi/PWRF/00000080"

# busybox cpio reports its block count on stderr.
(cd "$root" && find . | sort | "$work/$busybox" cpio -o -H newc -R 0:0 2>/dev/null) |
    gzip -9 >initrd.img.new || die "building the initramfs failed"

cp "$vmlinuz" "$outdir/vmlinuz.new"
mv "$outdir/vmlinuz.new" "$outdir/vmlinuz"
cp initrd.img.new "$outdir/initrd.img.new"
mv "$outdir/initrd.img.new" "$outdir/initrd.img"
echo "$GUEST_VERSION" >"$outdir/version"
echo "build-test-image: built $outdir/vmlinuz ($kpkg) and $outdir/initrd.img" \
     "(modules: $(tr '\n' ' ' <"$root/etc/modules.order"))"
