"""Policies of /v2.0/ports (Neutron's names and defaults): a member handles
the ports of their project (on their own or a shared network); choosing an
address or a MAC needs the network's owner (or an admin), binding to a
host is for admins, and only admins see a port's binding."""
from nova_network.policies import base

CREATE = [('POST', '/ports')]
UPDATE = [('PUT', '/ports/{id}')]
SHOW = [('GET', '/ports'), ('GET', '/ports/{id}')]
OWNER_OR_NET_OWNER = base.any_of(base.ADMIN_OR_NET_OWNER_MEMBER, base.ADVSVC)
NETWORK_DEVICE_RULE = 'not rule:network_device or rule:context_is_advsvc or ' \
                      'rule:admin_or_network_owner'

rules = [
    base.rule('network_device', 'field:port:device_owner=~^network:',
              'Rule of port with network device_owner', CREATE),
    base.rule('create_port', base.any_of(base.ADMIN_OR_PROJECT_MEMBER, base.ADVSVC),
              'Create a port', CREATE),
    base.rule('create_port:device_owner', NETWORK_DEVICE_RULE,
              'Specify ``device_owner`` attribute when creating a port', CREATE),
    base.rule('create_port:mac_address', OWNER_OR_NET_OWNER,
              'Specify ``mac_address`` attribute when creating a port', CREATE),
    base.rule('create_port:fixed_ips', base.any_of(OWNER_OR_NET_OWNER, 'rule:shared'),
              'Specify ``fixed_ips`` information when creating a port', CREATE),
    base.rule('create_port:fixed_ips:ip_address', OWNER_OR_NET_OWNER,
              'Specify IP address in ``fixed_ips`` when creating a port', CREATE),
    base.rule('create_port:fixed_ips:subnet_id', base.any_of(OWNER_OR_NET_OWNER, 'rule:shared'),
              'Specify subnet ID in ``fixed_ips`` when creating a port', CREATE),
    base.rule('create_port:port_security_enabled', OWNER_OR_NET_OWNER,
              'Specify ``port_security_enabled`` attribute when creating a port', CREATE),
    base.rule('create_port:binding:host_id', base.ADMIN,
              'Specify ``binding:host_id`` attribute when creating a port', CREATE),
    base.rule('create_port:binding:profile', base.ADMIN,
              'Specify ``binding:profile`` attribute when creating a port', CREATE),
    base.rule('get_port', base.any_of(base.ADMIN, base.PROJECT_READER, base.ADVSVC,
                                      base.NET_OWNER_READER), 'Get a port', SHOW),
    base.rule('get_port:binding:vif_type', base.ADMIN,
              'Get ``binding:vif_type`` attribute of a port', SHOW),
    base.rule('get_port:binding:vif_details', base.ADMIN,
              'Get ``binding:vif_details`` attribute of a port', SHOW),
    base.rule('get_port:binding:host_id', base.ADMIN,
              'Get ``binding:host_id`` attribute of a port', SHOW),
    base.rule('get_port:binding:profile', base.ADMIN,
              'Get ``binding:profile`` attribute of a port', SHOW),
    base.rule('update_port', base.any_of(base.ADMIN_OR_PROJECT_MEMBER, base.ADVSVC),
              'Update a port', UPDATE),
    base.rule('update_port:device_owner', NETWORK_DEVICE_RULE,
              'Update ``device_owner`` attribute of a port', UPDATE),
    base.rule('update_port:mac_address', base.any_of(base.ADMIN, base.ADVSVC),
              'Update ``mac_address`` attribute of a port', UPDATE),
    base.rule('update_port:fixed_ips', OWNER_OR_NET_OWNER,
              'Specify ``fixed_ips`` information when updating a port', UPDATE),
    base.rule('update_port:fixed_ips:ip_address', OWNER_OR_NET_OWNER,
              'Specify IP address in ``fixed_ips`` information when updating a port', UPDATE),
    base.rule('update_port:fixed_ips:subnet_id', base.any_of(OWNER_OR_NET_OWNER, 'rule:shared'),
              'Specify subnet ID in ``fixed_ips`` information when updating a port', UPDATE),
    base.rule('update_port:port_security_enabled', OWNER_OR_NET_OWNER,
              'Update ``port_security_enabled`` attribute of a port', UPDATE),
    base.rule('update_port:binding:host_id', base.ADMIN,
              'Update ``binding:host_id`` attribute of a port', UPDATE),
    base.rule('update_port:binding:profile', base.ADMIN,
              'Update ``binding:profile`` attribute of a port', UPDATE),
    base.rule('delete_port', base.any_of(base.ADMIN_OR_PROJECT_MEMBER, base.ADVSVC,
                                         base.NET_OWNER_MEMBER),
              'Delete a port', [('DELETE', '/ports/{id}')]),
]


def list_rules():
    return rules
