"""Security groups of the network service in the compute API's (Nova's)
format: a group with its ingress rules only, a rule with ``ip_protocol``,
``from_port``/``to_port`` (-1 or the whole TCP/UDP range when the network
rule names none), and either ``ip_range`` or the remote ``group``."""
from nova_network.db import security_groups as groups_db

ANY_CIDR = '0.0.0.0/0'


def _ports(rule):
    protocol = rule['protocol']
    if protocol and rule['port_range_min'] is None and rule['port_range_max'] is None:
        whole = protocol.upper() in ('TCP', 'UDP')
        return (1, 65535) if whole else (-1, -1)
    return rule['port_range_min'], rule['port_range_max']


def rule(context, network_rule, groups_by_id=None):
    """One rule in Nova's format; ``groups_by_id``: remote groups already
    read ({id: group}); others are read here."""
    from_port, to_port = _ports(network_rule)
    shown = {'id': network_rule['id'], 'parent_group_id': network_rule['security_group_id'],
             'ip_protocol': network_rule['protocol'], 'from_port': from_port,
             'to_port': to_port, 'group': {}, 'ip_range': {}}
    remote = network_rule['remote_group_id']
    if remote:
        group = (groups_by_id or {}).get(remote) or groups_db.get(context, remote)
        shown['group'] = {'name': group['name'], 'tenant_id': group['project_id']}
    else:
        shown['ip_range'] = {'cidr': network_rule['remote_ip_prefix'] or ANY_CIDR}
    return shown


def group(context, network_group, groups_by_id=None):
    known = dict(groups_by_id or {}, **{network_group['id']: network_group})
    return {'id': network_group['id'], 'name': network_group['name'],
            'description': network_group['description'],
            'tenant_id': network_group['project_id'],
            'rules': [rule(context, each, known)
                      for each in network_group['security_group_rules']
                      if each['direction'] == 'ingress']}


def groups(context, network_groups):
    by_id = {each['id']: each for each in network_groups}
    return [group(context, each, by_id) for each in network_groups]
