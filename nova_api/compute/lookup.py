"""Finding one server wherever it is: a build request (not scheduled
yet), cell0 (could not be scheduled: ERROR with a fault) or a cell.

The instance mapping says where to look. A server of another project is
not found for a caller who is not an administrator (404, never 403), as
is a malformed id. A cell that does not answer gives, from microversion
2.69, a partial record built from the API database (mapping and request
spec); below it, 503.
"""
from oslo_log import log as logging
from oslo_utils import uuidutils

from nova_common import cells_scatter
from nova_common import context as nova_context
from nova_common.db.api import build_requests
from nova_common.db.api import instance_mappings
from nova_common.db.api import instances
from nova_common.db.api import request_specs
from nova_common import exception

LOG = logging.getLogger(__name__)


def partial_record(mapping, spec=None):
    """What is known of a server whose cell does not answer: its mapping
    (uuid, project, user, creation time) and, with its request spec,
    flavor, image, zone and user. ``partial`` marks it."""
    record = {'uuid': mapping['instance_uuid'], 'project_id': mapping['project_id'],
              'user_id': mapping['user_id'], 'created_at': mapping['created_at'],
              'cell_uuid': mapping['cell']['uuid'] if mapping['cell'] else None,
              'partial': True}
    if spec is not None:
        record.update(flavor=spec.get('flavor'),
                      image_ref=(spec.get('image') or {}).get('id'),
                      availability_zone=spec.get('availability_zone'),
                      user_id=spec.get('user_id') or mapping['user_id'],
                      power_state=0)
    return record


def from_build_request(build_request):
    instance = dict(build_request['instance'])
    instance.setdefault('deleted', 0)
    instance['cell_uuid'] = None
    instance['fault'] = None
    return instance


def _from_cell(context, mapping, uuid, with_fault, read_deleted, cell_down_support):
    cell = mapping['cell']
    results = cells_scatter.scatter_gather(
        context, [cell],
        lambda cell_context, _cell: instances.get(cell_context, uuid, read_deleted=read_deleted,
                                                  with_fault=with_fault))
    found = results[cell['uuid']]
    if not cells_scatter.is_failure(found):
        found['cell_uuid'] = cell['uuid']
        return found
    if isinstance(found, exception.InstanceNotFound):
        raise found
    LOG.warning('Cell %s did not answer for instance %s: %s', cell['uuid'], uuid, found)
    if not cell_down_support:
        raise exception.CellNotResponding(cell_uuid=cell['uuid'])
    try:
        spec = request_specs.get(context, uuid)
    except exception.RequestSpecNotFound:
        raise exception.InstanceNotFound(instance_id=uuid)
    return partial_record(mapping, spec)


def _mapping(context, uuid):
    """The mapping of a server the caller may see (its own project's, or
    any for an administrator)."""
    try:
        mapping = instance_mappings.get(context, uuid)
    except exception.InstanceMappingNotFound:
        raise exception.InstanceNotFound(instance_id=uuid)
    if not context.is_admin and mapping['project_id'] != context.project_id:
        raise exception.InstanceNotFound(instance_id=uuid)
    return mapping


def _find(context, uuid, with_fault, read_deleted, cell_down_support):
    mapping = _mapping(context, uuid)
    if mapping['cell'] is None:
        build_request = build_requests.get(context, uuid)
        if build_request is not None:
            return from_build_request(build_request)
        # Scheduled while we looked: the mapping names its cell now.
        mapping = _mapping(context, uuid)
        if mapping['cell'] is None:
            raise exception.InstanceNotFound(instance_id=uuid)
    return _from_cell(context, mapping, uuid, with_fault, read_deleted, cell_down_support)


def get_server(context, uuid, with_fault=True, read_deleted='no', cell_down_support=False):
    """The instance dict of server ``uuid`` (with ``cell_uuid``: None for a
    build request); InstanceNotFound when it does not exist or the caller
    may not see it; CellNotResponding (503) when its cell does not answer
    and ``cell_down_support`` is off, else a ``partial_record``."""
    if not uuidutils.is_uuid_like(uuid):
        raise exception.InstanceNotFound(instance_id=uuid)
    return _find(context, uuid, with_fault, read_deleted, cell_down_support)


def cell_of(context, instance):
    """The cell mapping holding ``instance`` (a dict from ``get_server``);
    InstanceNotReady (409) for a server that is still a build request."""
    if instance.get('cell_uuid') is None:
        raise exception.InstanceNotReady(instance_id=instance['uuid'])
    return cells_scatter.get_cell(context, instance['cell_uuid'])


def target_cell(context, instance):
    """A context targeting the cell that holds ``instance`` (a dict from
    ``get_server`` with a ``cell_uuid``)."""
    return nova_context.target_cell(context,
                                    cells_scatter.get_cell(context, instance['cell_uuid']))
