"""The network service's policies (Neutron's rule names, nova_network/
policies/), registered on the same enforcer as the compute API's."""


def list_rules():
    from nova_network import policies
    return policies.list_rules()
