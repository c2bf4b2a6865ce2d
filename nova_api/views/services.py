"""What os-services (and os-availability-zone) show of a service record."""
from nova_common.conf import CONF
from nova_common import servicegroup

COMPUTE_TOPIC = 'compute'

# API services keep no heartbeat; Nova leaves them out of every listing.
API_BINARIES = ('nova-osapi_compute', 'nova-metadata')


def zone(service, host_zones=None):
    """The availability zone a service is in.

    A compute is in the zone ``host_zones`` ({host: zone}, from the
    aggregates) gives its host, else in the default zone; every other
    service is in the internal zone.
    """
    if service['topic'] == COMPUTE_TOPIC:
        return (host_zones or {}).get(service['host'], CONF.default_availability_zone)
    return CONF.internal_service_availability_zone


def detail(req, service, with_forced_down, host_zones=None):
    """One entry of GET /os-services (and the 2.53 PUT answer);
    ``host_zones`` as zone() takes it."""
    view = {
        'id': service['uuid'] if req.at_least('2.53') else service['id'],
        'binary': service['binary'],
        'host': service['host'],
        'zone': zone(service, host_zones),
        'status': 'disabled' if service['disabled'] else 'enabled',
        'state': 'up' if servicegroup.is_up(service) else 'down',
        'updated_at': service['updated_at'],
        'disabled_reason': service['disabled_reason'],
    }
    if with_forced_down:
        view['forced_down'] = bool(service['forced_down'])
    return view


def unknown(host, binary):
    """A compute of a cell that did not answer (microversion 2.69)."""
    return {'binary': binary, 'host': host, 'status': 'UNKNOWN'}
