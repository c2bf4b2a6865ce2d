"""Where the members of a request's server group are, as the server group
filters and weighers read it from the request spec.

The API puts the group's uuid, policy and rules in the spec; the scheduler
adds, each time it places the request, ``members_per_host`` ({host: number
of members there}, from the members' claims in the ledger) and ``hosts``
(those hosts, as Nova's RequestSpec.instance_group.hosts). The hosts
chosen for the earlier instances of the same request count as well.
"""
import copy

from nova_common.db.api import server_groups
from nova_common import exception


def group_of(spec):
    return spec.get('instance_group') or None


def group_uuid(spec):
    group = group_of(spec)
    return group['uuid'] if group else None


def with_member_hosts(context, spec):
    """A copy of ``spec`` whose group says where its members are now
    (``spec`` itself when it names no group)."""
    group = group_of(spec)
    if group is None:
        return spec
    spec = copy.deepcopy(spec)
    try:
        record = server_groups.get(context, group['uuid'])
    except exception.InstanceGroupNotFound:
        record = None  # deleted meanwhile: its policy no longer binds
    counts = server_groups.members_per_host(context, record['id']) if record else {}
    spec['instance_group'].update(members_per_host=counts, hosts=sorted(counts))
    return spec


def record_placement(spec, host):
    """Count one more member on ``host`` (an instance of this request)."""
    group = group_of(spec)
    if group is None:
        return
    counts = group.setdefault('members_per_host', {})
    counts[host] = counts.get(host, 0) + 1
    group['hosts'] = sorted(counts)


def members_on(spec, host):
    group = group_of(spec)
    return (group.get('members_per_host') or {}).get(host, 0) if group else 0
