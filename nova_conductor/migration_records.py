"""Migration records a cell conductor reads and writes for its computes
(which have no database credentials): the status flow of a resize or
cold migration, and the resizes waiting for their auto-confirmation."""
from oslo_log import log as logging

from nova_common.db.api import instances
from nova_common.db.api import migrations
from nova_common.db.api import request_specs
from nova_common.db import engines
from nova_common import exception
from nova_conductor import ledger_access

LOG = logging.getLogger(__name__)

# Where a move ends: the request spec then takes the flavor the instance
# kept (the new one once confirmed, the old one after a revert or failure).
_OUTCOMES = ('confirmed', 'reverted', 'error')


@engines.retry_on_db_error
def _update(context, migration_id, values, expected_status):
    return migrations.update(context, migration_id, values, expected_status=expected_status)


def update(context, migration_id, values, expected_status=None):
    """The updated migration; MigrationNotFound when it is not in one of
    ``expected_status`` (another outcome won)."""
    migration = _update(context, migration_id, values, expected_status)
    if values.get('status') in _OUTCOMES:
        _spec_follows_instance(context, migration['instance_uuid'])
    return migration


def _spec_follows_instance(context, instance_uuid):
    """The request spec's flavor made the instance's (the super-conductor
    wrote the new one when it scheduled the move)."""
    if not ledger_access.available():
        return
    try:
        flavor = instances.get(context, instance_uuid)['flavor']
        spec = request_specs.get(context, instance_uuid)
    except (exception.InstanceNotFound, exception.RequestSpecNotFound) as error:
        LOG.debug('No request spec to update for %s: %s', instance_uuid, error)
        return
    if spec.get('flavor') != flavor:
        spec['flavor'] = flavor
        request_specs.update(context, instance_uuid, spec)


@engines.retry_on_db_error
def unconfirmed(context, host, confirm_window):
    """The migrations finished on ``host`` ``confirm_window`` seconds ago
    or more and not confirmed or reverted yet."""
    return migrations.get_unconfirmed_by_dest_compute(context, confirm_window, host)


@engines.retry_on_db_error
def in_progress(context, instance_uuid):
    """The migrations of ``instance_uuid`` that are not over, oldest first."""
    return migrations.get_in_progress_by_instance(context, instance_uuid)
