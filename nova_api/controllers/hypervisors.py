"""os-hypervisors: the compute nodes of every cell with the state of their
nova-compute service.

Ids are integers before 2.53 and uuids from 2.53; paging (limit, marker)
arrives in 2.33; the search and servers routes become query parameters in
2.53; 2.88 drops the usage fields, the statistics and uptime routes, and
puts uptime in the detailed views.
"""
from concurrent import futures

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_utils import strutils
from oslo_utils import uuidutils

from nova_common import cells_scatter
from nova_api import pagination
from nova_api.schemas import hypervisors as schemas
from nova_api import validation
from nova_api.views import hypervisors as views
from nova_common import context as nova_context
from nova_common.db.api import cells as cells_db
from nova_common.db.api import compute_nodes as compute_nodes_db
from nova_common.db.api import services as services_db
from nova_common import exception
from nova_common import policy
from nova_common import servicegroup
from nova_compute import rpcapi as compute_rpcapi

LOG = logging.getLogger(__name__)

POLICY = 'os_compute_api:os-hypervisors:%s'

# At most this many computes are asked for their uptime at once.
_UPTIME_CONCURRENCY = 16


def _authorize(req, action):
    policy.authorize(req.context, POLICY % action)


def _not_found(hypervisor_id):
    return exception.NotFound("Hypervisor with ID '%s' could not be found." % hypervisor_id)


class _ComputeHosts:
    """Where each compute host lives: the cell its host mapping names (as
    Nova resolves a host), its nova-compute record there, its instances."""

    def __init__(self, context, answered):
        """``answered``: {cell uuid: (cell, {host: nova-compute record})} of
        the cells that answered."""
        self.context = context
        self._answered = answered
        self._mappings = {mapping['host']: mapping['cell_uuid']
                          for mapping in cells_db.list_host_mappings(context)}

    def _cell_uuid(self, host):
        cell_uuid = self._mappings.get(host)
        if cell_uuid is None:
            raise exception.HostMappingNotFound(name=host)
        if cell_uuid not in self._answered:
            raise exception.ComputeHostNotFound(host=host)
        return cell_uuid

    def service(self, host):
        """(cell, nova-compute record) of ``host``."""
        cell, services = self._answered[self._cell_uuid(host)]
        if host not in services:
            raise exception.ComputeHostNotFound(host=host)
        return cell, services[host]

    def instances(self, host):
        cell, _services = self._answered[self._cell_uuid(host)]
        with nova_context.target_cell(self.context, cell) as cell_context:
            return compute_nodes_db.list_instances_on_host(cell_context, host)


def _survey(context, find_nodes):
    """(nodes, hosts): ``find_nodes(cell_context)`` of every cell but cell0,
    in cell order, and the compute hosts of the cells that answered."""
    def ask(cell_context, _cell):
        services = services_db.list(cell_context, binary=services_db.COMPUTE_BINARY)
        return find_nodes(cell_context), {service['host']: service for service in services}

    answered = cells_scatter.gather(context, ask, with_cell0=False)
    nodes = [node for _cell, (found, _services) in answered for node in found]
    hosts = _ComputeHosts(context, {cell['uuid']: (cell, services)
                                    for cell, (_found, services) in answered})
    return nodes, hosts


def _find_node(context, hypervisor_id):
    """(node, hosts) for a uuid or an integer id; the first cell that has
    it wins (integer ids repeat from cell to cell)."""
    def lookup(cell_context):
        try:
            if uuidutils.is_uuid_like(hypervisor_id):
                return [compute_nodes_db.get_by_uuid(cell_context, hypervisor_id)]
            return [compute_nodes_db.get_by_id(cell_context, int(hypervisor_id))]
        except exception.ComputeHostNotFound:
            return []

    nodes, hosts = _survey(context, lookup)
    if not nodes:
        raise _not_found(hypervisor_id)
    return nodes[0], hosts


def _validate_id(req, hypervisor_id):
    """From 2.53 a uuid (400 otherwise); before, an integer (404 otherwise)."""
    if req.at_least('2.53'):
        if not uuidutils.is_uuid_like(hypervisor_id):
            raise exception.Invalid('Invalid uuid %s' % hypervisor_id)
        return
    try:
        strutils.validate_integer(hypervisor_id, 'id')
    except ValueError:
        raise _not_found(hypervisor_id)


def host_uptime(context, cell, service):
    """The uptime line of a compute host, asked over its cell's transport.

    ComputeServiceUnavailable when the compute is down or does not answer;
    NotImplementedError when its driver (or its version) cannot tell.
    """
    host = service['host']
    if not servicegroup.is_up(service):
        raise exception.ComputeServiceUnavailable(host=host)
    try:
        return compute_rpcapi.ComputeAPI.for_cell(cell).get_host_uptime(context, host)
    except messaging.MessagingTimeout:
        raise exception.ComputeServiceUnavailable(host=host)
    except messaging.RemoteError as error:
        if error.exc_type in ('NoSuchMethod', 'UnsupportedVersion'):
            raise NotImplementedError(error.value)
        raise


def _uptime_or_none(context, cell, service):
    """2.88 detailed views: null when the uptime cannot be had."""
    try:
        return host_uptime(context, cell, service)
    except (NotImplementedError, exception.ComputeServiceUnavailable):
        return None


def _uptimes(context, entries):
    """{node uuid: uptime or None} of ``entries`` [(node, cell, service, _)],
    asked concurrently."""
    if not entries:
        return {}
    workers = min(len(entries), _UPTIME_CONCURRENCY)
    with futures.ThreadPoolExecutor(max_workers=workers) as executor:
        answers = executor.map(lambda entry: nova_context.run_as_current(
            context, _uptime_or_none, context, entry[1], entry[2]), entries)
        return {entry[0]['uuid']: answer for entry, answer in zip(entries, answers)}


def _page(nodes, limit, marker):
    """Nodes after ``marker`` (a uuid, or an integer id), at most ``limit``."""
    if marker is not None:
        if uuidutils.is_uuid_like(marker):
            matches = [i for i, node in enumerate(nodes) if node['uuid'] == marker]
        else:
            try:
                marker_id = int(marker)
            except ValueError:
                marker_id = None
            matches = [i for i, node in enumerate(nodes) if node['id'] == marker_id]
        if not matches:
            raise exception.Invalid('marker [%s] not found' % marker)
        nodes = nodes[matches[0] + 1:]
    return nodes if limit is None else nodes[:limit]


def _list_options(req):
    """(limit, marker, pattern, with_servers) of a list request."""
    limit = marker = pattern = None
    with_servers = False
    if req.at_least('2.33'):
        limit, marker = pagination.limit_and_marker(req)
    if req.at_least('2.53'):
        pattern = req.query_value('hypervisor_hostname_pattern')
        with_servers = strutils.bool_from_string(req.query_value('with_servers', False),
                                                 strict=True)
        if pattern is not None and ('limit' in req.query or marker):
            raise exception.Invalid('Paging over hypervisors with the '
                                    'hypervisor_hostname_pattern query parameter is '
                                    'not supported.')
    return limit, marker, pattern, with_servers


def _nodes_matching(context, pattern):
    nodes, hosts = _survey(
        context,
        lambda cell_context: compute_nodes_db.search_by_hypervisor_hostname(cell_context, pattern))
    if not nodes:
        raise exception.NotFound("No hypervisor matching '%s' could be found." % pattern)
    return nodes, hosts


def _list(req, detail):
    context = req.context
    limit, marker, pattern, with_servers = _list_options(req)
    if pattern is not None:
        nodes, hosts = _nodes_matching(context, pattern)
    else:
        nodes, hosts = _survey(context, compute_nodes_db.list)
        nodes = _page(nodes, limit, marker)
    entries = []
    for node in nodes:
        try:
            instances = hosts.instances(node['host']) if with_servers else None
            cell, service = hosts.service(node['host'])
        except (exception.ComputeHostNotFound, exception.HostMappingNotFound):
            # A deleted compute service leaves its nodes behind until they
            # are cleaned up; they are not listed.
            LOG.debug('No compute service for the node(s) of host %s', node['host'])
            continue
        entries.append((node, cell, service, instances))
    with_uptime = detail and req.at_least('2.88')
    uptimes = _uptimes(context, entries) if with_uptime else {}
    listed = []
    for node, cell, service, instances in entries:
        view = (views.detail if detail else views.summary)(req, node, service)
        if with_uptime:
            view['uptime'] = uptimes[node['uuid']]
        listed.append(views.add_servers(req, view, instances, with_servers))
    body = {'hypervisors': listed}
    if req.at_least('2.33') and pattern is None:
        collection = (views.COLLECTION, 'detail') if detail else (views.COLLECTION,)
        links = pagination.next_links(req, listed, lambda view: view['id'], *collection)
        if links:
            body['hypervisors_links'] = links
    return body


@validation.query(schemas.index_query_v233, '2.33', '2.52')
@validation.query(schemas.index_query_v253, '2.53')
def index(req):
    _authorize(req, 'list')
    return _list(req, detail=False)


@validation.query(schemas.index_query_v233, '2.33', '2.52')
@validation.query(schemas.index_query_v253, '2.53')
def detail(req):
    _authorize(req, 'list-detail')
    return _list(req, detail=True)


@validation.query(schemas.show_query_v253, '2.53')
def show(req, hypervisor_id):
    _authorize(req, 'show')
    _validate_id(req, hypervisor_id)
    with_servers = req.at_least('2.53') and strutils.bool_from_string(
        req.query_value('with_servers', False), strict=True)
    node, hosts = _find_node(req.context, hypervisor_id)
    try:
        instances = hosts.instances(node['host']) if with_servers else None
        cell, service = hosts.service(node['host'])
    except (exception.ComputeHostNotFound, exception.HostMappingNotFound):
        raise _not_found(hypervisor_id)
    view = views.detail(req, node, service)
    if req.at_least('2.88'):
        view['uptime'] = _uptime_or_none(req.context, cell, service)
    return {'hypervisor': views.add_servers(req, view, instances, with_servers)}


def uptime(req, hypervisor_id):
    """GET /os-hypervisors/{id}/uptime (up to 2.87)."""
    _authorize(req, 'uptime')
    _validate_id(req, hypervisor_id)
    node, hosts = _find_node(req.context, hypervisor_id)
    try:
        cell, service = hosts.service(node['host'])
    except (exception.ComputeHostNotFound, exception.HostMappingNotFound):
        raise _not_found(hypervisor_id)
    try:
        host_uptime_line = host_uptime(req.context, cell, service)
    except NotImplementedError:
        raise exception.FeatureNotSupported()
    view = views.summary(req, node, service)
    view['uptime'] = host_uptime_line
    return {'hypervisor': view}


def statistics(req):
    """GET /os-hypervisors/statistics (up to 2.87): totals over the nodes of
    enabled compute services."""
    _authorize(req, 'statistics')

    def enabled_nodes(cell_context, _cell):
        enabled = [service for service in
                   services_db.list(cell_context, binary=services_db.COMPUTE_BINARY)
                   if not service['disabled']]
        hosts = {service['host'] for service in enabled}
        ids = {service['id'] for service in enabled}
        return [node for node in compute_nodes_db.list(cell_context)
                if node['host'] in hosts or node['service_id'] in ids]

    answered = cells_scatter.gather(req.context, enabled_nodes, with_cell0=False)
    nodes = [node for _cell, found in answered for node in found]
    return {'hypervisor_statistics': views.statistics(nodes)}


def search(req, pattern):
    """GET /os-hypervisors/{pattern}/search (up to 2.52)."""
    _authorize(req, 'search')
    nodes, hosts = _nodes_matching(req.context, pattern)
    listed = []
    for node in nodes:
        try:
            _cell, service = hosts.service(node['host'])
        except exception.ComputeHostNotFound:
            continue
        except exception.HostMappingNotFound as error:
            raise exception.NotFound(error.message)
        listed.append(views.summary(req, node, service))
    return {'hypervisors': listed}


def servers(req, pattern):
    """GET /os-hypervisors/{pattern}/servers (up to 2.52)."""
    _authorize(req, 'servers')
    nodes, hosts = _nodes_matching(req.context, pattern)
    listed = []
    for node in nodes:
        try:
            instances = hosts.instances(node['host'])
            _cell, service = hosts.service(node['host'])
        except exception.ComputeHostNotFound:
            continue
        except exception.HostMappingNotFound as error:
            raise exception.NotFound(error.message)
        listed.append(views.add_servers(req, views.summary(req, node, service),
                                        instances, False))
    return {'hypervisors': listed}


def removed(req):
    """A route a microversion removed that would otherwise be taken for
    /os-hypervisors/{id}: 404, as Nova answers."""
    raise exception.NotFound('The resource could not be found.')


ROUTES = [
    ('GET', '/os-hypervisors', index),
    ('GET', '/os-hypervisors/detail', detail),
    ('GET', '/os-hypervisors/statistics', statistics, '2.1', '2.87'),
    ('GET', '/os-hypervisors/statistics', removed, '2.88'),
    ('GET', '/os-hypervisors/{hypervisor_id}', show),
    ('GET', '/os-hypervisors/{hypervisor_id}/uptime', uptime, '2.1', '2.87'),
    ('GET', '/os-hypervisors/{pattern}/search', search, '2.1', '2.52'),
    ('GET', '/os-hypervisors/{pattern}/servers', servers, '2.1', '2.52'),
]
