"""The scheduler's rebuild check: only the server's own host is judged,
only by the filters that run on a rebuild, and nothing is claimed."""
import pytest

from nova_common import exception
from nova_scheduler import filters
from nova_scheduler import rebuild_check
from nova_scheduler import selection
from tests.unit.scheduler import fakes

ENABLED = ['ComputeFilter', 'RamFilter', 'ImagePropertiesFilter']


def rebuild_spec(host='node1', node='node1', **image_properties):
    return fakes.make_spec(memory_mb=4096, image_properties=image_properties,
                           scheduler_hints={'_nova_check_type': ['rebuild']},
                           requested_destination={'host': host, 'node': node})


def check(hosts, spec):
    return rebuild_check.check(hosts, filters.FilterChain(ENABLED), spec,
                               selection._selection)


def test_only_the_image_filters_judge_the_own_host():
    # Disabled and full: ComputeFilter and RamFilter would refuse it.
    own = fakes.make_host('node1', memory_mb=1024, disabled=True)
    other = fakes.make_host('node2')
    [[chosen]] = check([other, own], rebuild_spec())
    assert (chosen['host'], chosen['claimed']) == ('node1', False)


def test_an_image_the_host_cannot_run_is_no_valid_host():
    with pytest.raises(exception.NoValidHost) as raised:
        check([fakes.make_host('node1')], rebuild_spec(hw_architecture='aarch64'))
    assert 'ImagePropertiesFilter removed 1' in raised.value.message


def test_a_host_that_is_gone_is_no_valid_host():
    with pytest.raises(exception.NoValidHost):
        check([fakes.make_host('node2')], rebuild_spec())


def test_only_rebuild_checks_are_recognised():
    assert rebuild_check.is_rebuild(rebuild_spec())
    assert not rebuild_check.is_rebuild(fakes.make_spec())
