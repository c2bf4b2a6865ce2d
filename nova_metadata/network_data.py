"""network_data.json from a server's ports (the ``vifs`` of a source), in
Nova's format: ``links`` (one per port, named by its tap device),
``networks`` (one per address: static with its netmask, routes and name
servers, or ``ipv4_dhcp`` / ``ipv6_dhcp`` on a subnet with DHCP on, as
Nova writes it when Neutron serves DHCP) and ``services`` (every name
server once)."""
import ipaddress

TAP_PREFIX = 'tap'
TAP_ID_LENGTH = 11


def tap_name(port_id):
    """The host's tap device of a port, as Nova and Neutron name it."""
    return (TAP_PREFIX + port_id)[:len(TAP_PREFIX) + TAP_ID_LENGTH]


def _dns_services(subnet):
    return [{'type': 'dns', 'address': address} for address in subnet['dns_nameservers']]


def _routes(subnet):
    version = subnet['ip_version']
    routes = []
    if subnet.get('gateway_ip'):
        default = '0.0.0.0/0' if version == 4 else '::/0'
        routes.append((default, subnet['gateway_ip']))
    routes += [(route['destination'], route['nexthop']) for route in subnet['host_routes']]
    return [{'network': str(ipaddress.ip_network(destination).network_address),
             'netmask': str(ipaddress.ip_network(destination).netmask),
             'gateway': nexthop} for destination, nexthop in routes]


def _network(vif, address, index, link_id):
    subnet = address['subnet']
    version = subnet['ip_version']
    entry = {'id': 'network%d' % index, 'link': link_id, 'network_id': vif['network_id']}
    if subnet['enable_dhcp']:
        entry['type'] = 'ipv%d_dhcp' % version
        return entry
    cidr = ipaddress.ip_network(subnet['cidr'])
    entry.update(type='ipv%d' % version, ip_address=address['ip_address'],
                 netmask=str(cidr.netmask), routes=_routes(subnet),
                 services=_dns_services(subnet))
    return entry


def build(vifs):
    """network_data.json's document for ``vifs``."""
    links, networks, services = [], [], []
    for vif in vifs:
        link_id = tap_name(vif['id'])
        links.append({'id': link_id, 'vif_id': vif['id'], 'type': vif.get('vif_type') or 'bridge',
                      'mtu': vif.get('mtu'), 'ethernet_mac_address': vif['mac_address']})
        for address in vif['fixed_ips']:
            networks.append(_network(vif, address, len(networks), link_id))
            for service in _dns_services(address['subnet']):
                if service not in services:
                    services.append(service)
    return {'links': links, 'networks': networks, 'services': services}
