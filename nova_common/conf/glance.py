"""[glance] options: how the glance image backend reaches the Image service.

keystoneauth's own options, as Nova has them: session (TLS, timeout),
adapter (service_type, valid_interfaces, region_name, endpoint_override)
and the service credentials (auth_type and the plugin's options). Requests
made for a user carry the user's token; the service credentials serve the
daemons' own work and, without a service catalog in the request, the
endpoint look-up.
"""
from nova_common.conf import keystoneauth_group

GROUP = 'glance'
SERVICE_TYPE = 'image'

_opts = keystoneauth_group.ServiceClientOpts(GROUP, SERVICE_TYPE)
register_opts = _opts.register_opts
list_opts = _opts.list_opts
