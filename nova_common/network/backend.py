"""Which network service Nova's side talks to ([network] backend)."""
from nova_common.conf import CONF
from nova_common import exception


def uses_neutron():
    """[network] backend = neutron: nova_common.network.api hands its calls
    to nova_common.network.neutron, over the Networking API."""
    return CONF.network.backend == 'neutron'


def require_builtin():
    """501 for what is only built on the built-in service's database so
    far (os-interface, server security groups and their proxy, fixed IP
    actions, get-me-a-network's creation)."""
    if uses_neutron():
        raise exception.FeatureNotSupported()
