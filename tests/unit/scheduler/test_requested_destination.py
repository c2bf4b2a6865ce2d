"""selection.restrict: a requested destination (unshelve to a host, 2.91)
narrows the hosts but, unlike force_hosts, does not skip the filters."""
import collections

from nova_scheduler import selection

Host = collections.namedtuple('Host', 'host nodename')

HOSTS = [Host('alpha', 'alpha-node'), Host('Beta', 'beta-1'), Host('beta', 'beta-2')]


def test_requested_destination_narrows_without_forcing():
    hosts, removals, forced = selection.restrict(
        HOSTS, {'requested_destination': {'host': 'BETA', 'node': None}})
    assert hosts == HOSTS[1:] and forced is False
    assert [(r.name, r.count) for r in removals] == [('requested_destination', 1)]


def test_requested_destination_node_and_unknown_host():
    hosts, _, forced = selection.restrict(
        HOSTS, {'requested_destination': {'host': 'beta', 'node': 'beta-2'}})
    assert hosts == [HOSTS[2]] and forced is False
    hosts, removals, _ = selection.restrict(
        HOSTS, {'requested_destination': {'host': 'gamma'}})
    assert hosts == [] and removals[0].count == 3


def test_force_hosts_still_forces():
    hosts, _, forced = selection.restrict(HOSTS, {'force_hosts': ['alpha'],
                                                  'requested_destination': None})
    assert hosts == [HOSTS[0]] and forced is True
