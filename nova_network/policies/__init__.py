"""Policy defaults of the network service under Neutron's rule names
(create_network, get_port:binding:host_id, ...), one module per resource.
They are registered on the one enforcer of nova-api (through
nova_common/policies/network.py), so one policy file overrides both APIs."""
import importlib
import itertools
import pkgutil


def list_rules():
    modules = sorted(info.name for info in pkgutil.iter_modules(__path__))
    return list(itertools.chain.from_iterable(
        importlib.import_module(__name__ + '.' + name).list_rules()
        for name in modules))
