"""A server's ports on this host: fetched from the cell conductor
(network_info) and plumbed before the guest is spawned, unplugged once it
is gone (nova_compute/network/plumbing.py does the host side).

The host side is built only when the driver's guests use it
(``ComputeDriver.needs_host_networking``: libvirt, not the fake driver)
and [network] plug_vifs is on; the network_info is fetched all the same,
for the driver to give the guest its interfaces.
"""
import oslo_messaging as messaging
from oslo_log import log as logging

from nova_common.conf import CONF
from nova_common.network import model
from nova_compute import instance_lock
from nova_compute.network import plumbing
from nova_compute.network import runner as runner_lib

LOG = logging.getLogger(__name__)

def host_networking():
    """This host's HostNetworking ([network] host_state_path as configured
    now; plumbing.py serialises the changes of all of them)."""
    return plumbing.HostNetworking(runner_lib.Runner(CONF.network.host_netns))


def _plumbs(driver):
    return CONF.network.plug_vifs and getattr(driver, 'needs_host_networking', False)


def plumbs(driver):
    """Whether this host builds the host side of ``driver``'s guests' ports
    (os-interface re-plugs it: nova_compute/interfaces.py)."""
    return _plumbs(driver)


def plug(context, host, driver, conductor_api, instance):
    """``instance`` with its ``network_info``, its ports plumbed here;
    raises when either fails (the build then fails as a spawn failure)."""
    try:
        network_info = conductor_api.network_info(context, instance['uuid'], host,
                                                  serves_dhcp=_plumbs(driver))
    except messaging.UnsupportedVersion:
        LOG.warning('The conductor cannot tell the ports of %s (older than 1.10): '
                    'the guest gets no network interfaces', instance['uuid'])
        network_info = []
    if _plumbs(driver) and network_info:
        host_networking().plug(instance['uuid'], network_info)
    return dict(instance, network_info=network_info)


def unplug(driver, instance_uuid):
    """Remove what ``plug`` made for the server here; idempotent, and a
    failure is logged only: the guest is gone whatever happens here."""
    if not _plumbs(driver):
        return
    try:
        host_networking().unplug(instance_uuid)
    except Exception:  # noqa: BLE001 - a leftover is cleaned by the next resync
        LOG.exception('Unplugging the ports of instance %s failed', instance_uuid)


def plugged_network_info(instance_uuid):
    """The network_info plugged here for ``instance_uuid`` (None when
    nothing was): drivers re-creating a guest on the same host (rebuild,
    rescue) give it the same interfaces."""
    return host_networking().plugged().get(instance_uuid)


def _plugged_here(driver):
    """(this host's HostNetworking, {instance uuid: network_info} it
    plugged); nothing plugged where the host side is not built."""
    if not _plumbs(driver):
        return None, {}
    networking = host_networking()
    return networking, networking.plugged()


def reconcile(driver):
    """At start: unplug the servers whose guests are gone (deleted or
    moved away while the service was down), then rebuild bridges, dnsmasq
    and the firewall for the others (a host reboot removed them)."""
    networking, plugged = _plugged_here(driver)
    if not plugged:
        return
    live = set(driver.list_instance_uuids())
    for instance_uuid in plugged:
        if instance_uuid not in live:
            LOG.info('Instance %s has no guest here any more: unplugging its ports',
                     instance_uuid)
            unplug(driver, instance_uuid)
    if networking.plugged():
        networking.resync()


def _changed_one_by_one(context, host, conductor_api, plugged):
    """What changed_network_info answers, asked per server of a conductor
    older than 1.13."""
    changed = {}
    for instance_uuid, plugged_info in plugged.items():
        try:
            current = conductor_api.network_info(context, instance_uuid, host,
                                                 serves_dhcp=True)
        except Exception as error:  # noqa: BLE001 - the next period tries again
            LOG.warning('Could not read the ports of instance %s: %s', instance_uuid, error)
            continue
        if current and current != plugged_info:
            changed[instance_uuid] = current
    return changed


def _changed(context, host, conductor_api, plugged):
    """{instance uuid: network_info} of the servers plugged here whose
    ports changed: the conductor compares fingerprints, so one call a
    period reads them all and only what changed comes back."""
    fingerprints = {uuid: model.fingerprint(info) for uuid, info in plugged.items()}
    try:
        return conductor_api.changed_network_info(context, host, fingerprints,
                                                  serves_dhcp=True)
    except messaging.UnsupportedVersion:
        return _changed_one_by_one(context, host, conductor_api, plugged)


def refresh(context, host, driver, conductor_api):
    """Re-plug the servers plugged here whose ports changed: new members
    of a remote group (servers started on other hosts), rule or group
    changes, new addresses. Under each instance's lock, so that a delete
    running at the same time wins. A failure to ask is logged: the next
    period asks again."""
    networking, plugged = _plugged_here(driver)
    if not plugged:
        return
    try:
        changed = _changed(context, host, conductor_api, plugged)
    except Exception as error:  # noqa: BLE001 - the next period tries again
        LOG.warning('Could not read the ports plugged on %s: %s', host, error)
        return
    for instance_uuid, current in changed.items():
        with instance_lock.locked(instance_uuid):
            if instance_uuid in networking.plugged():
                LOG.info('The ports of instance %s changed: plugging them again',
                         instance_uuid)
                networking.plug(instance_uuid, current)
