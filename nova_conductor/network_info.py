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


@engines.retry_on_db_error
def network_info(context, instance_uuid, host, serves_dhcp=True):
    if CONF.network.backend != 'builtin':
        # A real Neutron's agents plumb its ports on the hosts.
        return []
    if not ledger_access.available():
        LOG.warning('No [api_database] connection: instance %s gets no network_info',
                    instance_uuid)
        return []
    return model.network_info(context, instance_uuid, host, serves_dhcp)
