"""/servers: list (GET /servers, /servers/detail), show and update.

Create, delete and the actions live in their own modules. A server of
another project is not found for a caller who is not an administrator.
From 2.69 a server whose cell does not answer shows as a partial record
(status UNKNOWN); below it a list leaves it out ([api]
list_records_by_skipping_down_cells) and a show answers 503.
"""
from nova_common import cells_scatter
from nova_api.compute import listing
from nova_api.compute import lookup
from nova_api.compute import search_options
from nova_api import pagination
from nova_api.schemas import parameter_types
from nova_api.schemas import servers as schemas
from nova_api import validation
from nova_api.views import servers as views
from nova_common.conf import CONF
from nova_common.db.api import aggregates as aggregates_db
from nova_common.db.api import build_requests
from nova_common.db.api import instances as instances_db
from nova_common.db.api import request_specs
from nova_common.db.api import server_groups as server_groups_db
from nova_common.db.api import services as services_db
from nova_common import exception
from nova_common.network import api as network_api
from nova_common.network import security_groups as secgroups
from nova_common.policies import flavors as flavor_policies
from nova_common.policies import servers as server_policies
from nova_common import policy


def _target(instance):
    return {'project_id': instance.get('project_id'), 'user_id': instance.get('user_id')}


def _may(context, rule, target=None):
    try:
        policy.authorize(context, rule, target)
    except exception.PolicyNotAuthorized:
        return False
    return True


def _host_status_mode(req, target):
    """'all', 'unknown-only' or None: which host statuses the caller sees."""
    if not req.at_least('2.16'):
        return None
    if _may(req.context, server_policies.SERVERS % 'show:host_status', target):
        return 'all'
    if _may(req.context, server_policies.SERVERS % 'show:host_status:unknown-only', target):
        return 'unknown-only'
    return None


def _compute_services(context, instances):
    """{(cell uuid, host): nova-compute record} of the hosts of
    ``instances``; a cell that does not answer contributes nothing."""
    cell_uuids = {i['cell_uuid'] for i in instances if i.get('host') and i.get('cell_uuid')}
    cells = [cell for cell in cells_scatter.all_cells(context) if cell['uuid'] in cell_uuids]
    answered = cells_scatter.successes(cells_scatter.scatter_gather(
        context, cells,
        lambda cell_context, _cell: services_db.list(cell_context,
                                                     binary=services_db.COMPUTE_BINARY)),
        cells)
    return {(cell['uuid'], service['host']): service
            for cell, services in answered for service in services}


def _host_statuses(req, instances, mode):
    if mode is None:
        return None
    whole = [i for i in instances if not i.get('partial')]
    services = _compute_services(req.context, whole)
    statuses = {}
    for instance in whole:
        service = services.get((instance.get('cell_uuid'), instance.get('host')))
        found = views.host_status(instance, service)
        if mode == 'all' or found == views.HOST_UNKNOWN:
            statuses[instance['uuid']] = found
    return statuses


def _shown(req, instances, target=None, server_groups=False, all_attributes=True,
           security_groups=False):
    """What the bodies of ``instances`` show for this caller and version;
    ``security_groups``: the ports' groups (Nova shows them in show and
    detail only)."""
    context = req.context
    specs = {}
    if req.at_least('2.96') and all_attributes:
        specs = request_specs.get_many(context, [i['uuid'] for i in instances])
    return views.Shown(
        extra_specs=req.at_least('2.47') and _may(
            context, flavor_policies.EXTRA_SPECS % 'index', target),
        extended_attributes=_may(context, server_policies.EXTENDED_ATTRIBUTES, target),
        host_statuses=(_host_statuses(req, instances, _host_status_mode(req, target))
                       if all_attributes else None),
        request_specs=specs,
        host_zones=(aggregates_db.host_zones(context, [i.get('host') for i in instances])
                    if all_attributes else {}),
        server_groups=(server_groups_db.groups_of(context, [i['uuid'] for i in instances])
                       if server_groups else None),
        all_attributes=all_attributes,
        addresses=network_api.addresses(context, [i['uuid'] for i in instances]),
        security_groups=(secgroups.names_of_servers(context, [i['uuid'] for i in instances])
                         if security_groups else None))


def _list(req, is_detail):
    context = req.context
    policy.authorize(context, server_policies.SERVERS % ('detail' if is_detail else 'index'))
    query = search_options.parse(req, is_detail)
    limit, marker = pagination.limit_and_marker(req)
    cell_down_support = req.at_least(views.PARTIAL_VERSION)
    if query.matches_nothing:
        return []
    try:
        servers, down = listing.list_servers(
            context, query.filters, query.sort_keys, query.sort_dirs, limit, marker,
            with_fault=is_detail, cell_down_support=cell_down_support)
    except exception.MarkerNotFound:
        raise exception.MarkerNotFound('marker [%s] not found' % marker)
    if down and not cell_down_support and not CONF.api.list_records_by_skipping_down_cells:
        raise exception.CellNotResponding(cell_uuid=', '.join(down))
    return servers


@validation.query(schemas.index_query, '2.1', '2.25')
@validation.query(schemas.index_query_v226, '2.26', '2.65')
@validation.query(schemas.index_query_v266, '2.66', '2.72')
@validation.query(schemas.index_query_v273, '2.73', '2.74')
@validation.query(schemas.index_query_v275, '2.75')
def index(req):
    return views.index(req, _list(req, is_detail=False))


@validation.query(schemas.index_query, '2.1', '2.25')
@validation.query(schemas.index_query_v226, '2.26', '2.65')
@validation.query(schemas.index_query_v266, '2.66', '2.72')
@validation.query(schemas.index_query_v273, '2.73', '2.74')
@validation.query(schemas.index_query_v275, '2.75')
def detail(req):
    servers = _list(req, is_detail=True)
    return views.detail(req, servers, _shown(req, servers, security_groups=True))


def show(req, server_id):
    context = req.context
    instance = lookup.get_server(context, server_id,
                                 cell_down_support=req.at_least(views.PARTIAL_VERSION))
    target = _target(instance)
    policy.authorize(context, server_policies.SERVERS % 'show', target)
    shown = _shown(req, [instance], target, server_groups=req.at_least('2.71'),
                   security_groups=True)
    return {'server': views.show(req, instance, shown)}


_UPDATE_FIELDS = (  # body field, instance column
    ('name', 'display_name'),
    ('description', 'display_description'),
    ('hostname', 'hostname'),
    ('accessIPv4', 'access_ip_v4'),
    ('accessIPv6', 'access_ip_v6'),
)


def _changes(body):
    changes = {column: body[field] for field, column in _UPDATE_FIELDS if field in body}
    for column in ('access_ip_v4', 'access_ip_v6'):
        if column in changes:
            changes[column] = parameter_types.normalized_ip(changes[column])
    if 'OS-DCF:diskConfig' in body:
        changes['auto_disk_config'] = body['OS-DCF:diskConfig'] == 'AUTO'
    return changes


def _write(context, instance, changes):
    """Write ``changes`` where the server is now: its build request, or its
    cell when it has reached one meanwhile."""
    if instance.get('cell_uuid') is None:
        if build_requests.update_instance(context, instance['uuid'], changes) is not None:
            return
        instance = lookup.get_server(context, instance['uuid'])
    with lookup.target_cell(context, instance) as cell_context:
        instances_db.update(cell_context, instance['uuid'], changes)


@validation.body(schemas.update, '2.1', '2.18')
@validation.body(schemas.update_v219, '2.19', '2.89')
@validation.body(schemas.update_v290, '2.90', '2.93')
@validation.body(schemas.update_v294, '2.94')
def update(req, server_id):
    context = req.context
    instance = lookup.get_server(context, server_id)
    target = _target(instance)
    policy.authorize(context, server_policies.SERVERS % 'update', target)
    _write(context, instance, _changes(req.body['server']))
    instance = lookup.get_server(context, server_id)
    shown = _shown(req, [instance], target, server_groups=req.at_least('2.71'),
                   all_attributes=req.at_least(views.FULL_UPDATE_VERSION))
    return {'server': views.show(req, instance, shown)}


ROUTES = [
    ('GET', '/servers', index),
    ('GET', '/servers/detail', detail),
    ('GET', '/servers/{server_id}', show),
    ('PUT', '/servers/{server_id}', update),
]
