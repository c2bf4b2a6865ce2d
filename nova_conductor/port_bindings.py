"""Ports follow their server: when a compute writes a new host into an
instance (a resize or cold migration finished or reverted, an evacuation
arrived, a live migration ended, an unshelve), the cell conductor binds the
server's ports there (``binding:host_id``), as Nova's compute does through
Neutron in migrate_instance_finish / setup_instance_network_on_host. The
cell conductor does it because it reaches the API database (the built-in
network service's ports) and the computes have no database credentials."""
from oslo_log import log as logging

from nova_common.network import api as network_api
from nova_conductor import ledger_access

LOG = logging.getLogger(__name__)


def follow_host(context, instance_uuid, values):
    """Bind the ports of ``instance_uuid`` on the host ``values`` (an
    instance update already written) gives it, if any; ports bound there
    already are not written again (network_api.rebind compares each
    port's binding host: an update that repeats the host costs one read).
    A failure is logged only: the move has happened, and the next move or
    a port update binds the ports again."""
    host = values.get('host')
    if not host or not ledger_access.available():
        return
    try:
        network_api.rebind(context, instance_uuid, host)
    except Exception:  # noqa: BLE001 - the instance update stands
        LOG.exception('Binding the ports of instance %s on %s failed', instance_uuid, host)
