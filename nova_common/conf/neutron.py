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
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

GROUP = 'neutron'
SERVICE_TYPE = 'network'

session_opts = ks_loading.get_session_conf_options()
auth_opts = ks_loading.get_auth_common_conf_options()
adapter_opts = ks_loading.get_adapter_conf_options(include_deprecated=False)
cfg.set_defaults(adapter_opts, service_type=SERVICE_TYPE,
                 valid_interfaces=['internal', 'public'])


def register_opts(conf):
    conf.register_opts(session_opts, group=GROUP)
    conf.register_opts(auth_opts, group=GROUP)
    conf.register_opts(adapter_opts, group=GROUP)


def list_opts():
    plugin_opts = ks_loading.get_auth_plugin_conf_options('password')
    return {GROUP: session_opts + auth_opts + adapter_opts + plugin_opts}
