"""keystoneauth's own options for a group through which a daemon reaches
another OpenStack service, as Nova has them: session (TLS, timeout),
adapter (service_type, valid_interfaces, region_name, endpoint_override)
and the service credentials (auth_type and the password plugin's options).
The option modules of such groups ([glance], [neutron]) are made from it.
"""
from keystoneauth1 import loading as ks_loading
from oslo_config import cfg


class ServiceClientOpts:
    """The options of ``group``, the adapter's service_type defaulting to
    ``service_type`` and its interfaces to internal, then public."""

    def __init__(self, group, service_type):
        self.group = group
        self.session_opts = ks_loading.get_session_conf_options()
        self.auth_opts = ks_loading.get_auth_common_conf_options()
        self.adapter_opts = ks_loading.get_adapter_conf_options(include_deprecated=False)
        cfg.set_defaults(self.adapter_opts, service_type=service_type,
                         valid_interfaces=['internal', 'public'])

    def register_opts(self, conf):
        conf.register_opts(self.session_opts, group=self.group)
        conf.register_opts(self.auth_opts, group=self.group)
        conf.register_opts(self.adapter_opts, group=self.group)

    def list_opts(self):
        plugin_opts = ks_loading.get_auth_plugin_conf_options('password')
        return {self.group: self.session_opts + self.auth_opts + self.adapter_opts
                + plugin_opts}


def list_opts():
    """No group of its own: the modules that use it list theirs."""
    return {}
