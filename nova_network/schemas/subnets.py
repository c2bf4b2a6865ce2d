"""Bodies of POST and PUT /v2.0/subnets (the inner ``subnet`` object)."""
from nova_network.schemas import types

MAX_DNS_NAMESERVERS = 5
MAX_HOST_ROUTES = 20

_address = {'type': 'string', 'minLength': 1, 'maxLength': 64}
_pools = {'type': 'array', 'items': {
    'type': 'object', 'properties': {'start': _address, 'end': _address},
    'required': ['start', 'end'], 'additionalProperties': False}}
_dns = {'type': 'array', 'items': _address, 'maxItems': MAX_DNS_NAMESERVERS}
_routes = {'type': 'array', 'maxItems': MAX_HOST_ROUTES, 'items': {
    'type': 'object', 'properties': {'destination': _address, 'nexthop': _address},
    'required': ['destination', 'nexthop'], 'additionalProperties': False}}
_ipv6_mode = {'type': ['string', 'null'],
              'enum': ['slaac', 'dhcpv6-stateful', 'dhcpv6-stateless', None]}

_updatable = {
    'name': types.name,
    'description': types.description,
    'gateway_ip': {'type': ['string', 'null'], 'maxLength': 64},
    'enable_dhcp': types.boolean,
    'allocation_pools': _pools,
    'dns_nameservers': _dns,
    'host_routes': _routes,
}

create = {
    'type': 'object',
    'properties': dict(_updatable, **{
        'network_id': types.uuid,
        'ip_version': {'type': 'integer', 'enum': [4, 6]},
        'cidr': {'type': 'string', 'minLength': 1, 'maxLength': 64},
        'ipv6_ra_mode': _ipv6_mode,
        'ipv6_address_mode': _ipv6_mode,
        'project_id': types.project_id,
        'tenant_id': types.project_id,
        'subnetpool_id': {'type': 'null'},
        'segment_id': {'type': 'null'},
        'service_types': {'type': 'array', 'maxItems': 0},
    }),
    'required': ['network_id', 'ip_version', 'cidr'],
}

update = {'type': 'object', 'properties': _updatable}
