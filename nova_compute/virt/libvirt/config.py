"""Guest domain XML for libvirt, built from a plain description.

The description is a tree of frozen dataclasses (``Guest`` at the top); it
holds policy-free facts, and ``domain_xml`` turns it into libvirt's domain
XML. Everything goes through ElementTree, which escapes markup in text and
attributes; characters that XML 1.0 cannot carry at all (control characters)
are replaced with U+FFFD, so a display name can never break the document.

The console is a serial port on a pty whose output libvirt (through virtlogd)
copies into ``Guest.console_log``: the log stays readable after the guest
stops (and after undefine: deleting it is the caller's job), the pty remains
free for an interactive console, and every boot appends to the file
(virtlogd rotates it at its max_size, 2 MiB by default).
"""
import dataclasses
import datetime
import re
import uuid
import xml.etree.ElementTree as ET

from nova_common import exception

NOVA_NS = 'http://openstack.org/xmlns/libvirt/nova/1.1'

VIRT_TYPES = ('qemu', 'kvm')
DISK_BUSES = ('virtio', 'scsi', 'sata', 'ide')
DISK_FORMATS = ('qcow2', 'raw')
DISK_DEVICES = ('disk', 'cdrom')
INTERFACE_KINDS = ('user', 'network', 'bridge', 'ethernet')
# Kinds whose tap libvirt makes without a source to connect it to.
SOURCELESS_KINDS = ('user', 'ethernet')

_NOT_XML_CHAR = re.compile('[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')
_TARGET_DEV = re.compile(r'^(vd|sd|hd)[a-z]{1,2}$')
_MAC = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')
# A Linux interface name: at most 15 characters, no '/', ':' or blanks.
_TAP_DEV = re.compile(r'^[A-Za-z0-9_.-]{1,15}$')


def instance_name(instance_id, template='instance-%08x'):
    """The libvirt domain name of the instance with database id ``instance_id``."""
    return template % instance_id


@dataclasses.dataclass(frozen=True)
class Flavor:
    name: str
    memory_mb: int
    vcpus: int
    root_gb: int = 0
    ephemeral_gb: int = 0
    swap_mb: int = 0


@dataclasses.dataclass(frozen=True)
class Owner:
    user_id: str
    project_id: str
    user_name: str = ''
    project_name: str = ''


@dataclasses.dataclass(frozen=True)
class DirectBoot:
    """Boot a kernel (and initrd) from host files instead of a disk."""
    kernel: str
    initrd: str | None = None
    cmdline: str | None = None


@dataclasses.dataclass(frozen=True)
class Disk:
    path: str
    target_dev: str = 'vda'
    bus: str = 'virtio'
    driver_type: str = 'qcow2'
    cache: str | None = None  # None: the hypervisor's default
    device: str = 'disk'  # or 'cdrom'
    readonly: bool = False


@dataclasses.dataclass(frozen=True)
class Interface:
    """A network interface: ``user`` (QEMU's user-mode stack), a libvirt
    ``network`` by name, a host ``bridge`` by name (``source``), or
    ``ethernet``: a bare tap that the compute connects itself
    (nova_compute/virt/libvirt/taps.py); ``target_dev``: the host's tap
    device name (a port's tap<id[:11]>)."""
    kind: str = 'user'
    source: str | None = None
    mac: str | None = None
    model: str = 'virtio'
    target_dev: str | None = None
    mtu: int | None = None


@dataclasses.dataclass(frozen=True)
class Guest:
    """One guest. ``name`` is the libvirt domain name (``instance_name``),
    ``display_name`` the user's server name; ``disks`` and ``interfaces`` are
    tuples of ``Disk`` and ``Interface``."""
    name: str
    uuid: str
    display_name: str
    flavor: Flavor
    owner: Owner
    console_log: str
    virt_type: str = 'qemu'
    boot: DirectBoot | None = None  # None: boot from the first disk
    disks: tuple = ()
    interfaces: tuple = ()
    image_id: str | None = None
    created_at: datetime.datetime | None = None
    arch: str = 'x86_64'


def domain_xml(guest):
    """The domain XML document (a str) for ``guest``."""
    root = build_domain(guest)
    ET.indent(root, space='  ')
    return ET.tostring(root, encoding='unicode')


def build_domain(guest):
    """The ``<domain>`` element for ``guest``; raises InvalidInput."""
    _validate(guest)
    domain = ET.Element('domain', type=guest.virt_type)
    _sub(domain, 'name', guest.name)
    _sub(domain, 'uuid', str(uuid.UUID(guest.uuid)))
    _add_metadata(_sub(domain, 'metadata'), guest)
    _sub(domain, 'memory', str(guest.flavor.memory_mb), unit='MiB')
    _sub(domain, 'vcpu', str(guest.flavor.vcpus))
    _add_os(_sub(domain, 'os'), guest)
    features = _sub(domain, 'features')
    _sub(features, 'acpi')  # lets a shutdown request reach the guest
    _sub(features, 'apic')
    _sub(domain, 'clock', offset='utc')
    _sub(domain, 'on_poweroff', 'destroy')
    _sub(domain, 'on_reboot', 'restart')
    _sub(domain, 'on_crash', 'destroy')
    _add_devices(_sub(domain, 'devices'), guest)
    return domain


def _add_metadata(metadata, guest):
    # libvirt wants each metadata element to declare its own namespace;
    # ElementTree would hoist a namespace it manages onto <domain>, so the
    # prefix is written literally and declared here.
    instance = _sub(metadata, _nova('instance'), **{'xmlns:nova': NOVA_NS})
    _sub(instance, _nova('name'), guest.display_name)
    if guest.created_at is not None:
        _sub(instance, _nova('creationTime'), guest.created_at.strftime('%Y-%m-%d %H:%M:%S'))
    flavor = guest.flavor
    flavor_element = _sub(instance, _nova('flavor'), name=flavor.name)
    for tag, value in (('memory', flavor.memory_mb), ('disk', flavor.root_gb),
                       ('swap', flavor.swap_mb), ('ephemeral', flavor.ephemeral_gb),
                       ('vcpus', flavor.vcpus)):
        _sub(flavor_element, _nova(tag), str(value))
    owner = _sub(instance, _nova('owner'))
    _sub(owner, _nova('user'), guest.owner.user_name, uuid=guest.owner.user_id)
    _sub(owner, _nova('project'), guest.owner.project_name, uuid=guest.owner.project_id)
    if guest.image_id:
        _sub(instance, _nova('root'), type='image', uuid=guest.image_id)


def _add_os(os_element, guest):
    _sub(os_element, 'type', 'hvm', arch=guest.arch)
    if guest.boot is None:
        _sub(os_element, 'boot', dev='hd')
        return
    _sub(os_element, 'kernel', guest.boot.kernel)
    if guest.boot.initrd:
        _sub(os_element, 'initrd', guest.boot.initrd)
    if guest.boot.cmdline:
        _sub(os_element, 'cmdline', guest.boot.cmdline)


def _add_devices(devices, guest):
    for disk in guest.disks:
        element = _sub(devices, 'disk', type='file', device=disk.device)
        driver = {'name': 'qemu', 'type': disk.driver_type}
        if disk.cache:
            driver['cache'] = disk.cache
        _sub(element, 'driver', **driver)
        _sub(element, 'source', file=disk.path)
        _sub(element, 'target', dev=disk.target_dev, bus=disk.bus)
        if disk.readonly:
            _sub(element, 'readonly')
    for interface in guest.interfaces:
        _add_interface(devices, interface)
    serial = _sub(devices, 'serial', type='pty')
    _sub(serial, 'log', file=guest.console_log, append='on')
    console = _sub(devices, 'console', type='pty')
    _sub(console, 'target', type='serial', port='0')


def _add_interface(devices, interface):
    element = _sub(devices, 'interface', type=interface.kind)
    if interface.kind == 'network':
        _sub(element, 'source', network=interface.source)
    elif interface.kind == 'bridge':
        _sub(element, 'source', bridge=interface.source)
    if interface.mac:
        _sub(element, 'mac', address=interface.mac)
    if interface.target_dev:
        _sub(element, 'target', dev=interface.target_dev)
    _sub(element, 'model', type=interface.model)
    if interface.mtu:
        _sub(element, 'mtu', size=str(interface.mtu))


def interface_xml(interface):
    """The <interface> element of ``interface`` alone (validated), for a
    hot-plug (attachDeviceFlags / detachDeviceFlags)."""
    _validate_interfaces([interface])
    holder = ET.Element('devices')
    _add_interface(holder, interface)
    return ET.tostring(holder[0], encoding='unicode')


def _validate(guest):
    _require(guest.name and '/' not in guest.name, 'bad domain name %r' % (guest.name,))
    try:
        uuid.UUID(guest.uuid)
    except (TypeError, ValueError):
        raise exception.InvalidInput(reason='bad uuid %r' % (guest.uuid,))
    _require(guest.virt_type in VIRT_TYPES, 'virt_type must be one of %s' % (VIRT_TYPES,))
    for field in ('memory_mb', 'vcpus'):
        value = getattr(guest.flavor, field)
        _require(type(value) is int and value > 0,
                 'flavor %s must be a positive integer' % field)
    paths = [guest.console_log] + [disk.path for disk in guest.disks]
    if guest.boot is not None:
        paths += [path for path in (guest.boot.kernel, guest.boot.initrd) if path]
    for path in paths:
        _require(isinstance(path, str) and path.startswith('/'),
                 'path %r is not absolute' % (path,))
    _validate_disks(guest.disks)
    _validate_interfaces(guest.interfaces)


def _validate_disks(disks):
    targets = [disk.target_dev for disk in disks]
    _require(len(set(targets)) == len(targets), 'disk targets repeat: %s' % targets)
    for disk in disks:
        _require(_TARGET_DEV.match(disk.target_dev), 'bad disk target %r' % (disk.target_dev,))
        _require(disk.bus in DISK_BUSES, 'disk bus must be one of %s' % (DISK_BUSES,))
        _require(disk.driver_type in DISK_FORMATS,
                 'disk format must be one of %s' % (DISK_FORMATS,))
        _require(disk.device in DISK_DEVICES, 'disk device must be one of %s' % (DISK_DEVICES,))


def _validate_interfaces(interfaces):
    for interface in interfaces:
        _require(interface.kind in INTERFACE_KINDS,
                 'interface kind must be one of %s' % (INTERFACE_KINDS,))
        _require(interface.kind in SOURCELESS_KINDS or interface.source,
                 'a %s interface needs a source' % interface.kind)
        _require(interface.mac is None or _MAC.match(interface.mac),
                 'bad MAC address %r' % (interface.mac,))
        _require(interface.target_dev is None or _TAP_DEV.match(interface.target_dev),
                 'bad interface target %r' % (interface.target_dev,))


def _require(condition, reason):
    if not condition:
        raise exception.InvalidInput(reason=reason)


def _nova(tag):
    return 'nova:' + tag


def _sub(parent, tag, text=None, **attributes):
    """Append a child element; text and attribute values pass through
    ``_xml_safe``."""
    element = ET.SubElement(parent, tag,
                            {key: _xml_safe(value) for key, value in attributes.items()})
    if text is not None:
        element.text = _xml_safe(text)
    return element


def _xml_safe(value):
    return _NOT_XML_CHAR.sub('\ufffd', str(value))
