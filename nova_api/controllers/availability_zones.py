"""os-availability-zone: the zones the services of every cell are in.

As in Nova, a zone is available when at least one enabled service is in it
(liveness does not count); a zone whose services are all disabled is not
available. The summary list shows only available zones and hides the
internal one; the detailed list (administrators) shows every zone, and the
enabled services of each host of an available zone.
"""
from nova_common import cells_scatter
from nova_api.views import services as service_views
from nova_common.conf import CONF
from nova_common.db.api import services as services_db
from nova_common import policy
from nova_common import servicegroup

POLICY = 'os_compute_api:os-availability-zone:%s'


def _services(context):
    """Every service of the cells that answered, API services left out."""
    answered = cells_scatter.gather(
        context, lambda cell_context, _cell: services_db.list(cell_context))
    return [service for _cell, services in answered for service in services
            if service['binary'] not in service_views.API_BINARIES]


def _zones(services):
    """(available zones, not available zones), each sorted."""
    available = {service_views.zone(s) for s in services if not s['disabled']}
    unavailable = {service_views.zone(s) for s in services if s['disabled']} - available
    return sorted(available), sorted(unavailable)


def _zone(name, available, hosts=None):
    return {'zoneName': name, 'zoneState': {'available': available}, 'hosts': hosts}


def index(req):
    policy.authorize(req.context, POLICY % 'list')
    enabled = [s for s in _services(req.context) if not s['disabled']]
    available, _unavailable = _zones(enabled)
    return {'availabilityZoneInfo': [
        _zone(name, True) for name in available
        if name != CONF.internal_service_availability_zone]}


def _hosts_of(zone_name, services):
    """{host: {binary: {available, active, updated_at}}} of the enabled
    services of ``zone_name``."""
    hosts = {}
    for service in services:
        if service['disabled'] or service_views.zone(service) != zone_name:
            continue
        hosts.setdefault(service['host'], {})[service['binary']] = {
            'available': servicegroup.is_up(service),
            'active': not service['disabled'],
            'updated_at': service['updated_at'],
        }
    return hosts


def detail(req):
    policy.authorize(req.context, POLICY % 'detail')
    services = _services(req.context)
    available, unavailable = _zones(services)
    return {'availabilityZoneInfo':
            [_zone(name, True, _hosts_of(name, services)) for name in available]
            + [_zone(name, False) for name in unavailable]}


ROUTES = [
    ('GET', '/os-availability-zone', index),
    ('GET', '/os-availability-zone/detail', detail),
]
