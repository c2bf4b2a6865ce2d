"""The libvirt virt driver: guests run under libvirt with QEMU (TCG) or KVM."""
