"""The server group filters and weighers on in-memory hosts, and the
bookkeeping of a multi-instance request's placements."""
import pytest

from nova_common.conf import CONF
from nova_scheduler.filters import affinity_filter
from nova_scheduler import server_group_placement as placement
from nova_scheduler.weighers import server_group
from nova_scheduler import weighers
from tests.unit.scheduler.fakes import make_host
from tests.unit.scheduler.fakes import make_spec


def _spec(policy, members_per_host=None, **rules):
    counts = dict(members_per_host or {})
    return make_spec(instance_group={'uuid': 'g-uuid', 'policy': policy, 'rules': rules,
                                     'members_per_host': counts, 'hosts': sorted(counts)})


HOSTS = ['h1', 'h2', 'h3']


def _passing(host_filter, spec):
    return [name for name in HOSTS if host_filter.host_passes(make_host(name), spec)]


def test_anti_affinity_removes_hosts_holding_a_member():
    spec = _spec('anti-affinity', {'h1': 1})
    assert _passing(affinity_filter.ServerGroupAntiAffinityFilter(), spec) == ['h2', 'h3']
    assert affinity_filter.ServerGroupAntiAffinityFilter().removal_reason([], spec) == (
        'anti-affinity group g-uuid holds 1 member(s) per host at most')


def test_anti_affinity_max_server_per_host():
    spec = _spec('anti-affinity', {'h1': 2, 'h2': 1}, max_server_per_host=2)
    assert _passing(affinity_filter.ServerGroupAntiAffinityFilter(), spec) == ['h2', 'h3']


def test_affinity_keeps_to_the_members_host_once_there_is_one():
    host_filter = affinity_filter.ServerGroupAffinityFilter()
    assert _passing(host_filter, _spec('affinity')) == HOSTS
    assert _passing(host_filter, _spec('affinity', {'h2': 3})) == ['h2']


@pytest.mark.parametrize('spec', [make_spec(), _spec('soft-anti-affinity', {'h1': 1}),
                                  _spec('soft-affinity', {'h1': 1})])
def test_hard_filters_ignore_other_requests(spec):
    assert _passing(affinity_filter.ServerGroupAntiAffinityFilter(), spec) == HOSTS
    assert _passing(affinity_filter.ServerGroupAffinityFilter(), spec) == HOSTS


def _ranked(weigher_names, spec):
    CONF.set_override('weight_classes', weigher_names, group='filter_scheduler')
    chain = weighers.WeigherChain(weigher_names)
    return [host.host for host in chain.weigh([make_host(name) for name in HOSTS], spec)]


def test_soft_anti_affinity_prefers_hosts_with_fewer_members():
    spec = _spec('soft-anti-affinity', {'h1': 2, 'h2': 1})
    assert _ranked(['ServerGroupSoftAntiAffinityWeigher'], spec) == ['h3', 'h2', 'h1']
    CONF.set_override('soft_anti_affinity_weight_multiplier', 0.0, group='filter_scheduler')
    assert _ranked(['ServerGroupSoftAntiAffinityWeigher'], spec) == HOSTS


def test_soft_affinity_prefers_hosts_with_more_members():
    spec = _spec('soft-affinity', {'h3': 2, 'h2': 1})
    assert _ranked(['ServerGroupSoftAffinityWeigher'], spec) == ['h3', 'h2', 'h1']


def test_soft_weighers_weigh_only_their_policy():
    weigher = server_group.ServerGroupSoftAffinityWeigher()
    assert weigher.weigh(make_host('h1'), _spec('soft-anti-affinity', {'h1': 2})) == 0
    assert weigher.weigh(make_host('h1'), make_spec()) == 0
    assert server_group.ServerGroupSoftAntiAffinityWeigher().weigh(
        make_host('h1'), _spec('soft-anti-affinity', {'h1': 2})) == -2


def test_placements_of_one_request_count_for_the_next():
    spec = _spec('anti-affinity')
    placement.record_placement(spec, 'h2')
    placement.record_placement(spec, 'h2')
    assert placement.members_on(spec, 'h2') == 2
    assert spec['instance_group']['hosts'] == ['h2']
    plain = make_spec()
    placement.record_placement(plain, 'h1')
    assert placement.members_on(plain, 'h1') == 0 and plain.get('instance_group') is None
