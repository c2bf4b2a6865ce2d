#!/bin/bash
# Boot the test guest built by tools/build-test-image.sh under plain QEMU
# (TCG, no libvirt) and check what it prints on its serial console.
#
#   tools/boot-test-image.sh IMAGEDIR [TIMEOUT_SECONDS]
#
# Attaches a small qcow2 disk whose first bytes are a known string, waits
# for NOVA-TEST-GUEST-BOOTED and for that string on the console, then sends
# an ACPI power button press and waits for QEMU to exit. Prints the time to
# each step; exits non-zero (printing the console) when a step times out.
set -euo pipefail

die() { echo "boot-test-image: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 IMAGEDIR [TIMEOUT_SECONDS]"
imagedir=$1
timeout_seconds=${2:-120}
for file in vmlinuz initrd.img; do
    [ -s "$imagedir/$file" ] || die "$imagedir/$file missing (run tools/build-test-image.sh)"
done
magic=NOVA-TEST-DISK-MAGIC-$$

work=$(mktemp -d)
qemu_pid=
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

printf '%s' "$magic" >"$work/disk.raw"
truncate -s 1M "$work/disk.raw"
qemu-img convert -f raw -O qcow2 "$work/disk.raw" "$work/disk.qcow2"
mkfifo "$work/monitor.in" "$work/monitor.out"

start=$(date +%s.%N)
qemu-system-x86_64 -machine accel=tcg -m 256 -display none -no-reboot \
    -kernel "$imagedir/vmlinuz" -initrd "$imagedir/initrd.img" -append console=ttyS0 \
    -drive "file=$work/disk.qcow2,format=qcow2,if=virtio" \
    -serial "file:$work/console.log" -monitor "pipe:$work/monitor" &
qemu_pid=$!
exec 3<>"$work/monitor.in" 4<>"$work/monitor.out"

elapsed() { awk -v now="$(date +%s.%N)" -v start="$start" 'BEGIN { printf "%.1f", now - start }'; }

wait_for() {
    local pattern=$1 deadline=$((SECONDS + timeout_seconds))
    until grep -q -- "$pattern" "$work/console.log" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ] || ! kill -0 "$qemu_pid" 2>/dev/null; then
            cat "$work/console.log" >&2 || true
            die "no '$pattern' on the console after ${timeout_seconds}s"
        fi
        sleep 0.1
    done
    echo "boot-test-image: '$pattern' after $(elapsed)s"
}

wait_for NOVA-TEST-GUEST-BOOTED
wait_for "NOVA-TEST-GUEST-DISK-TEXT: $magic"
wait_for NOVA-TEST-GUEST-ACPI-READY
echo system_powerdown >&3
wait_for NOVA-TEST-GUEST-POWEROFF
for _ in $(seq 300); do
    kill -0 "$qemu_pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$qemu_pid" 2>/dev/null && die "QEMU still running 30s after the power button"
wait "$qemu_pid" || true
qemu_pid=
echo "boot-test-image: QEMU exited after the ACPI power button, $(elapsed)s in all"
