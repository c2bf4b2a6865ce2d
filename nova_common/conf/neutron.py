"""[neutron] options: how nova-api and the super-conductor reach a Neutron
(or another nova-api's built-in network service) when [network] backend
is neutron.

keystoneauth's own options, as Nova has them: session (TLS, timeout),
adapter (service_type ``network``, valid_interfaces, region_name,
endpoint_override) and the service credentials (auth_type and the
plugin's options). A user's checks (the networks, ports and groups a
create names) carry the user's token; binding ports to hosts and reading
any server's ports use the service credentials, which must be an admin's.
"""
from nova_common.conf import keystoneauth_group

GROUP = 'neutron'
SERVICE_TYPE = 'network'

_opts = keystoneauth_group.ServiceClientOpts(GROUP, SERVICE_TYPE)
register_opts = _opts.register_opts
list_opts = _opts.list_opts
