"""os-availability-zone: the zones the services of every cell are in.

A compute host's zone comes from its aggregates (nova_api.compute.zones).
As in Nova, a zone is available when at least one enabled service is in it
(liveness does not count); a zone whose services are all disabled is not
available. The summary list shows only available zones and hides the
internal one; the detailed list (administrators) shows every zone, and the
enabled services of each host of an available zone.
"""
from nova_api.compute import zones as zones_api
from nova_api.views import services as service_views
from nova_common.conf import CONF
from nova_common.db.api import aggregates as aggregates_db
from nova_common import policy
from nova_common import servicegroup

POLICY = 'os_compute_api:os-availability-zone:%s'


def _zone(name, available, hosts=None):
    return {'zoneName': name, 'zoneState': {'available': available}, 'hosts': hosts}


def index(req):
    policy.authorize(req.context, POLICY % 'list')
    available = zones_api.available_zones(req.context)
    return {'availabilityZoneInfo': [
        _zone(name, True) for name in available
        if name != CONF.internal_service_availability_zone]}


def _hosts_of(zone_name, services, host_zones):
    """{host: {binary: {available, active, updated_at}}} of the enabled
    services of ``zone_name``."""
    hosts = {}
    for service in services:
        if service['disabled'] or service_views.zone(service, host_zones) != zone_name:
            continue
        hosts.setdefault(service['host'], {})[service['binary']] = {
            'available': servicegroup.is_up(service),
            'active': not service['disabled'],
            'updated_at': service['updated_at'],
        }
    return hosts


def detail(req):
    policy.authorize(req.context, POLICY % 'detail')
    services = zones_api.services(req.context)
    host_zones = aggregates_db.host_zones(req.context)
    available, unavailable = zones_api.zones(services, host_zones)
    return {'availabilityZoneInfo':
            [_zone(name, True, _hosts_of(name, services, host_zones)) for name in available]
            + [_zone(name, False) for name in unavailable]}


ROUTES = [
    ('GET', '/os-availability-zone', index),
    ('GET', '/os-availability-zone/detail', detail),
]
