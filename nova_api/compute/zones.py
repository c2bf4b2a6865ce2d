"""Availability zones as the API sees them.

A compute host is in the zone of the aggregate that has it and an
``availability_zone`` metadata key, else in [DEFAULT]
default_availability_zone; every other service is in [DEFAULT]
internal_service_availability_zone. As in Nova, a zone is available when at
least one enabled service is in it (liveness does not count).
"""
from nova_api.views import services as service_views
from nova_common import cells_scatter
from nova_common.conf import CONF
from nova_common.db.api import aggregates as aggregates_db
from nova_common.db.api import services as services_db
from nova_common import exception
from nova_common.policies import servers as server_policies
from nova_common import policy


def services(context):
    """Every service of the cells that answered, API services left out."""
    answered = cells_scatter.gather(
        context, lambda cell_context, _cell: services_db.list(cell_context))
    return [service for _cell, found in answered for service in found
            if service['binary'] not in service_views.API_BINARIES]


def zones(found, host_zones):
    """(available zones, not available zones) of the services ``found``,
    each sorted; ``host_zones`` is aggregates_db.host_zones()."""
    available = {service_views.zone(s, host_zones) for s in found if not s['disabled']}
    unavailable = {service_views.zone(s, host_zones) for s in found
                   if s['disabled']} - available
    return sorted(available), sorted(unavailable)


def available_zones(context):
    return zones([s for s in services(context) if not s['disabled']],
                 aggregates_db.host_zones(context))[0]


def requested(context, value):
    """(zone, forced host, forced node) of the availability_zone a server
    create asks for, as Nova reads it: 'zone', 'zone:host',
    'zone:host:node' or 'zone::node' (the forms naming a host or node are
    for administrators: os_compute_api:servers:create:forced_host). No zone
    means [DEFAULT] default_schedule_zone. A zone must be available, unless
    a host is forced."""
    host = node = None
    zone = value
    if value and ':' in value:
        parts = value.split(':')
        if len(parts) > 3:
            raise exception.InvalidInput(reason='Unable to parse availability_zone')
        zone, host, node = (parts + [None])[:3]
        policy.authorize(context, server_policies.SERVERS % 'create:forced_host',
                         {'project_id': context.project_id, 'user_id': context.user_id})
    zone = zone or CONF.default_schedule_zone
    if zone and not host and zone not in available_zones(context):
        raise exception.Invalid('The requested availability zone is not available')
    return zone, host or None, node or None
