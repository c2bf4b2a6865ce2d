"""os-interface on this host: plug a port into a running (or stopped)
guest, or take it out.

nova-api made (or bound) the port before calling and deletes (or unbinds)
it afterwards: computes have no access to the network service's
database. ``vif`` is the port as the network service shows it, with its
device ``tag``; the server's network_info (from the cell conductor, as for
a build: nova_compute/vifs.py) adds what the host side needs (bridge, tap
device), and the host side is plumbed again with or without the port
(bridge, DHCP entry, firewall) when this driver's guests use it. Both run
under the instance's lock with an instance action event, as Nova's
compute does; a driver that cannot hot-plug answers
AttachInterfaceNotSupported (400), a driver failure InterfaceAttachFailed
/ InterfaceDetachFailed (409, where Nova answers 500).
"""
from oslo_log import log as logging
import oslo_messaging as messaging

from nova_common import exception
from nova_compute import instance_lock
from nova_compute import vifs

LOG = logging.getLogger(__name__)

ATTACH_EVENT = 'compute_attach_interface'
DETACH_EVENT = 'compute_detach_interface'


def _network_info(context, host, driver, conductor_api, instance_uuid):
    try:
        return conductor_api.network_info(context, instance_uuid, host,
                                          serves_dhcp=vifs.plumbs(driver))
    except messaging.UnsupportedVersion:
        return []


def _with_host_side(vif, network_info):
    """The port with its network_info entry (bridge, tap device), when the
    conductor knows it."""
    entry = next((each for each in network_info if each['id'] == vif['id']), None)
    return dict(vif, **entry) if entry else vif


def _replug(driver, instance_uuid, network_info, without=None):
    """Plumb the host side for ``network_info`` (less the port
    ``without``); nothing when the conductor told no ports (an older one)."""
    if vifs.plumbs(driver) and network_info:
        vifs.host_networking().plug(instance_uuid, [
            each for each in network_info if each['id'] != without])


def _run(conductor_api, context, host, instance, event, work, failure):
    uuid = instance['uuid']
    with instance_lock.locked(uuid):
        conductor_api.action_event(context, uuid, event, 'start', host=host)
        try:
            work()
        except Exception as error:  # noqa: BLE001 - any driver failure is answered
            LOG.warning('%s of instance %s failed: %s', event, uuid, error)
            conductor_api.action_event(context, uuid, event, 'finish', host=host,
                                       result='Error', details=str(error))
            if isinstance(error, exception.AttachInterfaceNotSupported):
                raise
            raise failure(instance_uuid=uuid)
        conductor_api.action_event(context, uuid, event, 'finish', host=host,
                                   result='Success')


def attach(driver, conductor_api, context, host, instance, vif):
    uuid = instance['uuid']
    if not getattr(driver, 'supports_attach_interface', False):
        raise exception.AttachInterfaceNotSupported(instance_uuid=uuid)
    if vif.get('tag') and not getattr(driver, 'supports_tagged_attach_interface', False):
        raise exception.NetworkInterfaceTaggedAttachNotSupported()

    def work():
        network_info = _network_info(context, host, driver, conductor_api, uuid)
        _replug(driver, uuid, network_info)
        try:
            driver.attach_interface(context, instance, _with_host_side(vif, network_info))
        except Exception:
            _replug(driver, uuid, network_info, without=vif['id'])
            raise

    _run(conductor_api, context, host, instance, ATTACH_EVENT, work,
         exception.InterfaceAttachFailed)
    LOG.info('Attached port %s to instance %s', vif['id'], uuid)


def detach(driver, conductor_api, context, host, instance, vif):
    uuid = instance['uuid']
    if not getattr(driver, 'supports_attach_interface', False):
        raise exception.AttachInterfaceNotSupported(instance_uuid=uuid)

    def work():
        network_info = _network_info(context, host, driver, conductor_api, uuid)
        driver.detach_interface(context, instance, _with_host_side(vif, network_info))
        _replug(driver, uuid, network_info, without=vif['id'])

    _run(conductor_api, context, host, instance, DETACH_EVENT, work,
         exception.InterfaceDetachFailed)
    LOG.info('Detached port %s from instance %s', vif['id'], uuid)
