"""GET /servers/{server_id}/diagnostics: a running guest's live figures,
asked of its compute host.

From microversion 2.48 the standard form (state, driver, hypervisor,
uptime, cpu_details, memory_details, disk_details, nic_details and their
counts), the same for every virt driver; before it, whatever the driver
reports (the libvirt driver: cpu0_time, memory, vda_read, ...).

As in Nova: a server with no host is not ready (409); one being deleted or
migrated (409); a guest that is not running (409, from the compute); a
compute that does not answer in time, ComputeServiceUnavailable.
"""
from nova_api.compute import compute_calls
from nova_api.compute import lookup
from nova_api.compute import power
from nova_common import compute_states as states
from nova_common import exception
from nova_common.policies import server_diagnostics as diagnostics_policies
from nova_common import policy
from nova_compute.virt import diagnostics as virt_diagnostics

STANDARD_FORMAT_VERSION = '2.48'
_REJECTED_TASKS = (states.DELETING, states.MIGRATING)


def standard_view(figures):
    """The 2.48 body: every field present (None when unknown), nothing more."""
    body = {field: figures.get(field) for field in virt_diagnostics.SCALAR_FIELDS}
    for name, fields in virt_diagnostics.LIST_FIELDS.items():
        body[name] = [{field: item.get(field) for field in fields}
                      for item in figures.get(name) or []]
    memory = figures.get('memory_details') or {}
    body['memory_details'] = {field: memory.get(field)
                              for field in virt_diagnostics.MEMORY_FIELDS}
    return body


def index(req, server_id):
    instance = lookup.get_server(req.context, server_id, with_fault=False)
    policy.authorize(req.context, diagnostics_policies.POLICY,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    power.require_host(instance)
    if instance.get('task_state') in _REJECTED_TASKS:
        raise exception.InstanceInvalidState(
            action='get_diagnostics', instance_uuid=instance['uuid'], attr='task_state',
            state=instance['task_state'])
    standard = req.at_least(STANDARD_FORMAT_VERSION)
    figures = compute_calls.call(req.context, instance, 'get_diagnostics', standard=standard)
    return standard_view(figures) if standard else figures


ROUTES = [
    ('GET', '/servers/{server_id}/diagnostics', index),
]
