"""The resource ledger as a conductor reaches it.

The ledger lives in the API database. A cell conductor frees a claim when
its compute deletes an instance and claims an alternate host on a
reschedule, so it is given [api_database] access (the role Placement's HTTP
API plays for Nova's cell conductors). Without it, frees are left to the
scheduler's periodic ledger healing and reschedules are not possible.
"""
from oslo_log import log as logging

from nova_common.conf import CONF
from nova_common.db.api import ledger
from nova_common.db import engines

LOG = logging.getLogger(__name__)


def available():
    return bool(CONF.api_database.connection)


@engines.retry_on_db_error
def release(context, consumer_id):
    if not available():
        LOG.warning('No [api_database] connection: the claim of %s is left to the '
                    'scheduler\'s ledger healing', consumer_id)
        return 0
    return ledger.release(context, consumer_id)


def claim(context, consumer_id, selection, group_uuid=None):
    """Claim the alternate ``selection``; ``group_uuid``: the server group
    whose policy the claim must keep (see ledger.claim)."""
    if not available():
        return False
    return ledger.claim(context, consumer_id, selection['compute_node_uuid'],
                        selection['resources'], group_uuid=group_uuid)


@engines.retry_on_db_error
def move(context, source_consumer, target_consumer):
    """Give ``source_consumer``'s claim to ``target_consumer`` (whose own
    claim is freed): a claim passed between an instance and its migration
    (ledger.move_allocations). 0 without [api_database] access."""
    if not available():
        LOG.warning('No [api_database] connection: the claim of %s stays with it',
                    source_consumer)
        return 0
    return ledger.move_allocations(context, source_consumer, target_consumer)
