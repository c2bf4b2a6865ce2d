"""The filter chain and the NoValidHost fault an operator reads."""
import pytest

from nova_common import exception
from nova_scheduler import filters
from nova_scheduler import no_valid_host
from nova_scheduler import selection
from tests.unit.scheduler.fakes import make_host
from tests.unit.scheduler.fakes import make_spec

ALL_FILTERS = ['AvailabilityZoneFilter', 'ComputeFilter', 'RamFilter', 'CoreFilter',
               'DiskFilter', 'ComputeCapabilitiesFilter', 'ImagePropertiesFilter']


def test_message_names_each_filters_removals():
    hosts = ([make_host('down%d' % i, up=False) for i in range(2)]
             + [make_host('small%d' % i, memory_mb=2560) for i in range(10)])
    passed, removals = filters.FilterChain(ALL_FILTERS).run(hosts, make_spec(memory_mb=4096))
    assert passed == []
    error = no_valid_host.error(len(hosts), removals)
    assert isinstance(error, exception.NoValidHost)
    assert error.code == 400
    assert error.message == (
        'No valid host was found. 12 hosts: ComputeFilter removed 2 (down or disabled), '
        'RamFilter removed 10 (need 4096 MB, largest free 2048 MB)')


def test_each_filter_sees_only_what_the_previous_let_through():
    hosts = [make_host('a', memory_mb=1024), make_host('b', vcpus=1), make_host('c')]
    passed, removals = filters.FilterChain(ALL_FILTERS).run(
        hosts, make_spec(vcpus=8, memory_mb=2048))
    assert [host.nodename for host in passed] == ['c']
    assert removals == [filters.Removal('RamFilter', 1, 'need 2048 MB, largest free 512 MB'),
                        filters.Removal('CoreFilter', 1, 'need 8 VCPU, largest free 1 VCPU')]


def test_no_hosts_at_all():
    assert no_valid_host.reason(0, []) == 'There are no compute nodes in any enabled cell.'


def test_multi_instance_request_says_how_many_fit():
    removals = [filters.Removal('RamFilter', 3, 'need 1 MB, largest free 0 MB')]
    text = no_valid_host.reason(3, removals, instance_index=2, instance_count=5)
    assert text.endswith('(only 2 of the 5 instances requested fit)')


def test_unknown_filter_is_a_config_error():
    with pytest.raises(exception.ConfigError, match='NoSuchFilter'):
        filters.FilterChain(['ComputeFilter', 'NoSuchFilter'])


def test_ignore_and_force_hosts():
    hosts = [make_host('a'), make_host('b'), make_host('c')]
    kept, removals, forced = selection.restrict(hosts, make_spec(ignore_hosts=['A']))
    assert [h.host for h in kept] == ['b', 'c'] and not forced
    assert removals == [filters.Removal('ignore_hosts', 1, None)]
    kept, removals, forced = selection.restrict(hosts, make_spec(force_hosts=['c']))
    assert [h.host for h in kept] == ['c'] and forced
    assert removals == [filters.Removal('force_hosts', 2, 'only c requested')]
    kept, _, forced = selection.restrict(hosts, make_spec(force_nodes=['b']))
    assert [h.nodename for h in kept] == ['b'] and forced
