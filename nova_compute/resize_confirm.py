"""The automatic confirmation of resizes ([DEFAULT] resize_confirm_window,
Nova's _poll_unconfirmed_resizes): each destination compute confirms the
moves that have waited in VERIFY_RESIZE at least that many seconds, as
the confirmResize action would (the migration to ``confirming``, guarded
by ``finished`` so that a user's confirm or revert meanwhile wins; then
the source compute's confirm_resize)."""
from oslo_log import log as logging

from nova_common import compute_states as states
from nova_common import exception

LOG = logging.getLogger(__name__)


def confirm_waiting(context, host, conductor_api, compute_api, confirm_window):
    """Confirm this host's resizes older than ``confirm_window`` seconds;
    returns how many were handed to their source."""
    confirmed = 0
    for migration in conductor_api.migrations_unconfirmed(context, host, confirm_window):
        uuid = migration['instance_uuid']
        try:
            instance = conductor_api.instance_get(context, uuid)
        except exception.InstanceNotFound:
            instance = None
        if instance is None or instance['vm_state'] != states.RESIZED \
                or instance['task_state'] is not None:
            LOG.info('Migration %s waits for instance %s, which is %s: not confirmed',
                     migration['uuid'], uuid,
                     'gone' if instance is None else instance['vm_state'])
            continue
        try:
            migration = conductor_api.migration_update(
                context, migration['id'], {'status': 'confirming'}, expected_status='finished')
        except exception.MigrationNotFound:
            continue  # confirmed or reverted meanwhile
        LOG.info('Confirming the resize of %s automatically after %d s', uuid, confirm_window)
        compute_api.confirm_resize(context, migration['source_compute'], instance, migration)
        confirmed += 1
    return confirmed
