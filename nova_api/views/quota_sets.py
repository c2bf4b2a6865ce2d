"""Quota set and quota class set bodies, per microversion.

Quota sets drop the nova-network resources at 2.36; quota class sets drop
them at 2.50, the version that adds server_groups and server_group_members
to them. Both drop the injected_file* resources at 2.57.
"""
from nova_common import quota

QUOTA_SET_NETWORK_GONE = '2.36'
QUOTA_CLASS_NETWORK_GONE = '2.50'
INJECTED_FILES_GONE = '2.57'
_SERVER_GROUP_RESOURCES = ('server_groups', 'server_group_members')


def _shown(req, network_gone):
    hidden = set()
    if req.at_least(network_gone):
        hidden.update(quota.NETWORK_RESOURCES)
    if req.at_least(INJECTED_FILES_GONE):
        hidden.update(quota.INJECTED_FILE_RESOURCES)
    return [resource for resource in quota.RESOURCES if resource not in hidden]


def quota_set_resources(req):
    return _shown(req, QUOTA_SET_NETWORK_GONE)


def quota_class_resources(req):
    shown = _shown(req, QUOTA_CLASS_NETWORK_GONE)
    if not req.at_least(QUOTA_CLASS_NETWORK_GONE):
        shown = [resource for resource in shown if resource not in _SERVER_GROUP_RESOURCES]
    return shown


def _with_id(identifier, values):
    body = {'id': identifier} if identifier is not None else {}
    body.update(values)
    return body


def quota_set(req, limits, project_id=None):
    """Show and defaults carry the project id; update's answer does not."""
    return {'quota_set': _with_id(project_id, {
        resource: limits[resource] for resource in quota_set_resources(req)})}


def quota_set_detail(req, project_id, limits, in_use):
    # Nothing is ever reserved: usage is counted, not booked ahead.
    return {'quota_set': _with_id(project_id, {
        resource: {'in_use': in_use[resource], 'limit': limits[resource], 'reserved': 0}
        for resource in quota_set_resources(req)})}


def quota_class_set(req, limits, class_name=None):
    return {'quota_class_set': _with_id(class_name, {
        resource: limits[resource] for resource in quota_class_resources(req)})}
