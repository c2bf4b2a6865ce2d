"""os-services: the services of every cell, enabling, disabling and forcing
down a compute service, and deleting a service record.

Before 2.53 a service is named by (host, binary) in the body of
PUT /os-services/{action} and by its integer id in DELETE; from 2.53 by its
uuid on the path.
"""
from oslo_log import log as logging
from oslo_utils import strutils
from oslo_utils import uuidutils

from nova_common import cells_scatter
from nova_api import handler
from nova_api.schemas import services as schemas
from nova_api import validation
from nova_api.views import services as views
from nova_common import context as nova_context
from nova_common.db.api import aggregates as aggregates_db
from nova_common.db.api import cells as cells_db
from nova_common.db.api import compute_nodes as compute_nodes_db
from nova_common.db.api import services as services_db
from nova_common import exception
from nova_common import policy
from nova_conductor import evacuations

LOG = logging.getLogger(__name__)

POLICY = 'os_compute_api:os-services:%s'
COMPUTE_BINARY = services_db.COMPUTE_BINARY


def _authorize(req, action):
    policy.authorize(req.context, POLICY % action)


def _down_cell_records(context, cell):
    """What 2.69 shows of a cell that did not answer: its mapped hosts as
    nova-compute services of unknown status."""
    LOG.warning('Cell %s did not answer; listing only its mapped compute hosts',
                cell['uuid'])
    return [views.unknown(mapping['host'], COMPUTE_BINARY)
            for mapping in cells_db.list_host_mappings(context, cell_uuid=cell['uuid'])]


def _listed_services(req, host, binary):
    """The views of every cell's services of ``host``/``binary`` (when
    given), API services left out. A cell that does not answer is skipped,
    or from 2.69 shown as its mapped hosts with status UNKNOWN."""
    context = req.context
    with_forced_down = req.at_least('2.11')
    cells = cells_scatter.all_cells(context)
    results = cells_scatter.scatter_gather(
        context, cells,
        lambda cell_context, _cell: services_db.list(cell_context, host=host, binary=binary))
    host_zones = aggregates_db.host_zones(context)
    listed = []
    for cell in cells:
        result = results[cell['uuid']]
        if not cells_scatter.is_failure(result):
            listed.extend(views.detail(req, service, with_forced_down, host_zones)
                          for service in result)
        elif req.at_least('2.69'):
            listed.extend(view for view in _down_cell_records(context, cell)
                          if host in (None, view['host']) and binary in (None, view['binary']))
        else:
            cells_scatter.log_skipped(cell, result)
    return [view for view in listed if view['binary'] not in views.API_BINARIES]


@validation.query(schemas.index_query, '2.1', '2.74')
@validation.query(schemas.index_query_v275, '2.75')
def index(req):
    _authorize(req, 'list')
    # An empty filter (?host=) filters nothing, as in Nova.
    host = req.query_value('host') or None
    binary = req.query_value('binary') or None
    return {'services': _listed_services(req, host, binary)}


def _find_service(context, service_id):
    """(cell, service) for a uuid or an integer id, searched in every cell.

    Integer ids repeat from cell to cell: ServiceNotUnique when more than one
    cell has the id.
    """
    by_uuid = uuidutils.is_uuid_like(service_id)

    def lookup(cell_context, _cell):
        try:
            if by_uuid:
                return services_db.get_by_uuid(cell_context, service_id)
            return services_db.get_by_id(cell_context, int(service_id))
        except exception.ServiceNotFound:
            return None

    found = [(cell, service) for cell, service in cells_scatter.gather(context, lookup)
             if service is not None]
    if not found:
        raise exception.ServiceNotFound(service_id=service_id)
    if len(found) > 1 and not by_uuid:
        raise exception.ServiceNotUnique()
    return found[0]


def _only_computes(binary):
    if binary != COMPUTE_BINARY:
        raise exception.Invalid('Updating a %s service is not supported. Only '
                                'nova-compute services can be updated.' % binary)


def _refuse_forcing_up_with_done_evacuations(cell_context, host):
    """A compute that never restarted after its instances were evacuated
    must not be forced up: it would start the evacuated guests again."""
    if services_db.has_unconfirmed_evacuations(cell_context, host):
        raise exception.Invalid(
            'Unable to force up host %s as `done` evacuation migration records '
            'remain associated with the host. Ensure the compute service has '
            'been restarted, allowing these records to move to `completed` '
            'before retrying this request.' % host)


def _update_by_host_and_binary(context, host, binary, values):
    _only_computes(binary)
    try:
        cell = cells_scatter.cell_of_host(context, host)
    except exception.HostMappingNotFound as error:
        raise exception.NotFound(error.message)
    with nova_context.target_cell(context, cell) as cell_context:
        service = services_db.get_by_host_and_binary(cell_context, host, binary)
        if values.get('forced_down') is False:
            _refuse_forcing_up_with_done_evacuations(cell_context, host)
        services_db.update(cell_context, service['id'], values)


def _enable(req, body):
    _update_by_host_and_binary(req.context, body['host'], body['binary'],
                               {'disabled': False, 'disabled_reason': None})
    return {'service': {'host': body['host'], 'binary': body['binary'],
                        'status': 'enabled'}}


def _disable(req, body, reason=None):
    _update_by_host_and_binary(req.context, body['host'], body['binary'],
                               {'disabled': True, 'disabled_reason': reason})
    answer = {'host': body['host'], 'binary': body['binary'], 'status': 'disabled'}
    if reason:
        answer['disabled_reason'] = reason
    return {'service': answer}


def _disable_log_reason(req, body):
    if 'disabled_reason' not in body:
        raise exception.Invalid('Missing disabled reason field')
    return _disable(req, body, body['disabled_reason'])


def _force_down(req, body):
    if 'forced_down' not in body:
        raise exception.Invalid('Missing forced_down field')
    forced_down = strutils.bool_from_string(body['forced_down'])
    _update_by_host_and_binary(req.context, body['host'], body['binary'],
                               {'forced_down': forced_down})
    return {'service': {'host': body['host'], 'binary': body['binary'],
                        'forced_down': forced_down}}


_ACTIONS = {'enable': _enable, 'disable': _disable,
            'disable-log-reason': _disable_log_reason}
_ACTIONS_V211 = dict(_ACTIONS, **{'force-down': _force_down})


@validation.body(schemas.service_update, '2.1', '2.10')
@validation.body(schemas.service_update_v211, '2.11', '2.52')
def update_by_action(req, service_id):
    """PUT /os-services/{enable|disable|disable-log-reason|force-down}."""
    _authorize(req, 'update')
    actions = _ACTIONS_V211 if req.at_least('2.11') else _ACTIONS
    action = actions.get(service_id)
    if action is None:
        raise exception.NotFound('Unknown action')
    return action(req, req.body)


def _requested_changes(body):
    """The column values a 2.53 update body asks for."""
    values = {}
    if body.get('status') == 'enabled':
        if body.get('disabled_reason'):
            raise exception.Invalid(
                "Specifying 'disabled_reason' with status 'enabled' is invalid.")
        values.update(disabled=False, disabled_reason=None)
    elif body.get('status') == 'disabled':
        values.update(disabled=True, disabled_reason=body.get('disabled_reason'))
    if 'forced_down' in body:
        values['forced_down'] = strutils.bool_from_string(body['forced_down'], strict=True)
    return values


@validation.body(schemas.service_update_v253, '2.53')
def update(req, service_id):
    """PUT /os-services/{service_uuid}: status and/or forced_down."""
    if not uuidutils.is_uuid_like(service_id):
        raise exception.Invalid('Invalid uuid %s' % service_id)
    _authorize(req, 'update')
    cell, service = _find_service(req.context, service_id)
    _only_computes(service['binary'])
    values = _requested_changes(req.body)
    if not values:
        raise exception.Invalid("No updates were requested. Fields 'status' or "
                                "'forced_down' should be specified.")
    with nova_context.target_cell(req.context, cell) as cell_context:
        if values.get('forced_down') is False:
            _refuse_forcing_up_with_done_evacuations(cell_context, service['host'])
        service = services_db.update(cell_context, service['id'], values)
    return {'service': views.detail(req, service, with_forced_down=True,
                                    host_zones=aggregates_db.host_zones(
                                        req.context, [service['host']]))}


def _check_compute_is_idle(cell_context, service):
    """409 while the compute hosts instances or takes part in migrations:
    deleting it would orphan their resources."""
    if services_db.count_instances_on_host(cell_context, service['host']):
        raise exception.Conflict('Unable to delete compute service that is hosting '
                                 'instances. Migrate or delete the instances first.')
    for node in compute_nodes_db.list(cell_context, host=service['host']):
        migrations = services_db.list_in_progress_migrations(
            cell_context, node['host'], node['hypervisor_hostname'])
        if migrations:
            LOG.info('Unable to delete compute service %s of host %s: in-progress '
                     'migrations (uuid:status) %s', service['uuid'], service['host'],
                     ','.join('%s:%s' % (m['uuid'], m['status']) for m in migrations))
            raise exception.Conflict('Unable to delete compute service that has '
                                     'in-progress migrations. Complete the '
                                     'migrations or delete the instances first.')


def _validate_delete_id(req, service_id):
    if req.at_least('2.53'):
        if not uuidutils.is_uuid_like(service_id):
            raise exception.Invalid('Invalid uuid %s' % service_id)
        return
    try:
        strutils.validate_integer(service_id, 'id')
    except ValueError as error:
        raise exception.InvalidInput(reason=str(error))


@handler.response(204)
def delete(req, service_id):
    """DELETE /os-services/{id}: a compute also loses its compute nodes and
    its host mapping, and the servers evacuated from it the source part of
    their claims (it will not come back to free them)."""
    _authorize(req, 'delete')
    _validate_delete_id(req, service_id)
    try:
        cell, service = _find_service(req.context, service_id)
    except exception.ServiceNotFound:
        raise exception.NotFound('Service %s not found.' % service_id)
    except exception.ServiceNotUnique:
        raise exception.Invalid('Service id %s refers to multiple services.' % service_id)
    with nova_context.target_cell(req.context, cell) as cell_context:
        if service['binary'] == COMPUTE_BINARY:
            _check_compute_is_idle(cell_context, service)
            evacuations.release_sources_of_done(req.context, cell_context, service['host'])
            cells_db.delete_host_mapping(req.context, service['host'])
        services_db.destroy(cell_context, service['id'])


ROUTES = [
    ('GET', '/os-services', index),
    ('PUT', '/os-services/{service_id}', update_by_action, '2.1', '2.52'),
    ('PUT', '/os-services/{service_id}', update, '2.53'),
    ('DELETE', '/os-services/{service_id}', delete),
]
