"""The API-database records of an instance its compute deleted: its
instance mapping queued for delete, its request spec and its server group
membership gone.

The API forgets them itself when it deletes a server, but a compute also
deletes on its own: the reclaim of servers soft-deleted longer than
[DEFAULT] reclaim_instance_interval, whose records were kept for a
restore. A cell conductor with [api_database] access (see
ledger_access) does it then; every step is idempotent, so doing it again
after an API delete changes nothing.
"""
from oslo_log import log as logging

from nova_common.db.api import instance_mappings
from nova_common.db.api import request_specs
from nova_common.db.api import server_groups
from nova_common.db import engines
from nova_common import exception
from nova_conductor import ledger_access

LOG = logging.getLogger(__name__)


@engines.retry_on_db_error
def forget(context, uuid):
    if not ledger_access.available():
        LOG.debug('No [api_database] connection: the API records of deleted instance %s '
                  'stay until the API deletes them', uuid)
        return
    try:
        instance_mappings.mark_queued_for_delete(context, uuid)
    except exception.InstanceMappingNotFound:
        pass
    request_specs.delete(context, uuid)
    server_groups.remove_member(context, uuid)
