"""The network_info a compute asks its cell conductor for
(nova_common/network/model.py): the conductor reads it from the API
database, where the built-in network service keeps the ports. A conductor
without [api_database] access answers an empty list: the compute's guests
then boot without NICs, as they did before the host side existed."""
from oslo_log import log as logging

from nova_common.conf import CONF
from nova_common.db import engines
from nova_common.network import model
from nova_conductor import ledger_access

LOG = logging.getLogger(__name__)


def _readable(consequence):
    if CONF.network.backend != 'builtin':
        # A real Neutron's agents plumb its ports on the hosts.
        return False
    if not ledger_access.available():
        LOG.warning('No [api_database] connection: %s', consequence)
        return False
    return True


@engines.retry_on_db_error
def network_info(context, instance_uuid, host, serves_dhcp=True):
    if not _readable('instance %s gets no network_info' % instance_uuid):
        return []
    return model.network_info(context, instance_uuid, host, serves_dhcp)


@engines.retry_on_db_error
def changed_network_info(context, host, fingerprints, serves_dhcp=True):
    """{instance uuid: network_info} of the instances of ``fingerprints``
    ({instance uuid: model.fingerprint of what ``host`` plugged}) whose
    ports changed since: one read for all of them, and only what changed
    goes back. An instance without ports now is left out (its host keeps
    what it plugged until the guest goes)."""
    if not fingerprints or not _readable('the ports plugged on %s are not refreshed' % host):
        return {}
    current = model.network_infos(context, list(fingerprints), host, serves_dhcp)
    return {uuid: info for uuid, info in current.items()
            if info and model.fingerprint(info) != fingerprints[uuid]}
