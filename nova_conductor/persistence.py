"""Database work a cell conductor does for its computes, which have no
database credentials. Everything targets this conductor's own cell
([database] connection). Each call is one transaction, run again when the
database deadlocked or was briefly out of reach (engines.retry_on_db_error):
a database restart delays a build instead of losing it."""
from oslo_log import log as logging
from oslo_utils import timeutils

from nova_common import compute_states as states
from nova_common.db.api import compute_nodes
from nova_common.db.api import instance_actions
from nova_common.db.api import instances
from nova_common.db.api import services
from nova_common.db import engines
from nova_common.network import api as network_api
from nova_conductor import deleted_records
from nova_conductor import ledger_access

LOG = logging.getLogger(__name__)

DATETIME_FIELDS = ('launched_at', 'terminated_at', 'created_at', 'updated_at', 'deleted_at')


def with_datetimes(values):
    """``values`` with the ISO strings RPC made of datetimes parsed back."""
    converted = dict(values)
    for field in DATETIME_FIELDS:
        if isinstance(converted.get(field), str):
            converted[field] = timeutils.normalize_time(timeutils.parse_isotime(converted[field]))
    return converted


@engines.retry_on_db_error
def service_report(context, host, binary, topic, version):
    return services.record_heartbeat(context, host, binary, topic, version)


@engines.retry_on_db_error
def compute_node_update(context, host, nodes):
    return [compute_nodes.upsert(context, host, node['hypervisor_hostname'], node)
            for node in nodes]


@engines.retry_on_db_error
def instance_update(context, uuid, values, expected, record_event=None, record_events=None):
    """Update guarded by ``expected`` ({'vm_state': ..., 'task_state': ...},
    either key optional; a list means any of them). ``record_event``
    (action_event's keyword arguments) and ``record_events`` (a list of
    them) are recorded in the same transaction, so they exist exactly when
    the update happened. ``values`` may hold
    ``system_metadata``: items to write, and to remove where the value is
    None (1.5)."""
    guards = {'expected_' + key: value for key, value in expected.items()}
    values = dict(values)
    system_metadata = values.pop('system_metadata', None) or {}
    with engines.cell_writer(context):
        instance = instances.update(context, uuid, with_datetimes(values), **guards)
        if system_metadata:
            instances.set_system_metadata_items(
                context, uuid, {k: v for k, v in system_metadata.items() if v is not None})
            instances.delete_system_metadata_items(
                context, uuid, [k for k, v in system_metadata.items() if v is None])
            instance = instances.get(context, uuid)
        for event in ([record_event] if record_event else []) + list(record_events or ()):
            _record_event(context, uuid, **event)
    if _ends_a_build(values, expected):
        _release_quietly(context, uuid)
    return instance


def _ends_a_build(values, expected):
    """Whether the update puts a building instance in ERROR: its build is
    over, and so is its claim. Freed here, in the call that wrote ERROR,
    because the compute cannot know when such a call of its own timed out
    and landed later (nor when its "ACTIVE" did instead)."""
    wanted = expected.get('vm_state')
    wanted = wanted if isinstance(wanted, (list, tuple)) else [wanted]
    return values.get('vm_state') == states.ERROR and states.BUILDING in wanted


def _release_quietly(context, uuid):
    try:
        ledger_access.release(context, uuid)
    except Exception:  # noqa: BLE001 - ERROR is written; the compute frees it too
        LOG.exception('Could not free the claim of instance %s, ended in ERROR', uuid)


@engines.retry_on_db_error
def _soft_delete(context, uuid):
    with engines.cell_writer(context):
        instance = instances.soft_delete(context, uuid)
        instance_actions.finish(context, uuid, context.request_id)
    return instance


def instance_destroy(context, uuid):
    """Soft-delete the instance, free its claim, release its ports (the
    reclaim of a soft-deleted server; an API delete did it already) and
    forget its API records (deleted_records)."""
    instance = _soft_delete(context, uuid)
    ledger_access.release(context, uuid)
    if ledger_access.available():
        network_api.deallocate(context, instance)
    deleted_records.forget(context, uuid)
    return instance


@engines.retry_on_db_error
def instance_fault_create(context, uuid, code, message, details=None, host=None):
    instances.add_fault(context, uuid, code, message, details=details, host=host)


@engines.retry_on_db_error
def action_event(context, uuid, event, phase, host=None, result=None, details=None):
    _record_event(context, uuid, event, phase, host, result, details)


def _record_event(context, uuid, event, phase, host=None, result=None, details=None):
    if phase == 'start':
        instance_actions.event_start(context, uuid, context.request_id, event, host)
    else:
        instance_actions.event_finish(context, uuid, context.request_id, event, result,
                                      traceback=details, host=host)


@engines.retry_on_db_error
def instance_get(context, uuid):
    return instances.get(context, uuid)


@engines.retry_on_db_error
def instances_on_host(context, host):
    return instances.list_by_host(context, host)


@engines.retry_on_db_error
def _record_error(context, uuid, message, details, host, expected):
    guards = {'expected_' + key: value for key, value in expected.items()}
    with engines.cell_writer(context):
        instances.add_fault(context, uuid, 500, message, details=details, host=host)
        return instances.update(context, uuid, {'vm_state': states.ERROR, 'task_state': None},
                                **guards)


def set_error(context, uuid, message, details=None, host=None, expected=None):
    """ERROR with a fault, claim freed: where a build ends when it cannot go
    on. The fault and the state are one transaction guarded by ``expected``
    (as in instance_update): when the instance is no longer in that state
    (InstanceInvalidState) or gone (InstanceNotFound), nothing is written
    and its claim is kept."""
    instance = _record_error(context, uuid, message, details, host, expected or {})
    ledger_access.release(context, uuid)
    return instance
