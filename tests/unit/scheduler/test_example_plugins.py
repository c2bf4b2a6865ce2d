"""The example filter plugins of examples/scheduler-plugins (imported from
the source tree; the integration tier installs the package), the VGPU
inventory and request they rely on, and HostState.consume's hook that lets
a filter see the instances placed earlier in the same request."""
import pathlib
import sys

import pytest

from nova_common import exception
from nova_scheduler import host_state
from nova_scheduler import utils
from tests.unit.scheduler.fakes import make_host
from tests.unit.scheduler.fakes import make_spec

sys.path.insert(0, str(pathlib.Path(__file__).parents[3] / 'examples' / 'scheduler-plugins'))
from nova_scheduler_plugins import business_spread  # noqa: E402
from nova_scheduler_plugins import gpu  # noqa: E402

PAYMENTS = {'business_tag': 'payments', 'business_max_per_host': '2'}


def _instance(uuid, **metadata):
    return {'uuid': uuid, 'vm_state': 'active', 'task_state': None, 'metadata': metadata}


def _payments_spec(**metadata):
    return make_spec(extra_specs=PAYMENTS,
                     instance_metadata=metadata or {'business_tag': 'payments'})


def test_vgpu_inventory_comes_from_the_node_stats():
    inventory = host_state.node_inventory({'vcpus': 8, 'memory_mb': 4096, 'local_gb': 10,
                                           'stats': '{"vgpus": 4}'})
    assert inventory['VGPU'] == {'total': 4, 'reserved': 0, 'min_unit': 1, 'max_unit': 4,
                                 'step_size': 1, 'allocation_ratio': 1.0}
    assert 'VGPU' not in host_state.node_inventory({'vcpus': 8, 'stats': '{"vgpus": 0}'})
    assert 'VGPU' not in host_state.node_inventory({'vcpus': 8, 'stats': None})


def test_flavor_asks_for_vgpus_with_an_extra_spec():
    flavor = make_spec(extra_specs={'resources:VGPU': '2'})['flavor']
    assert utils.resources_from_flavor(flavor)['VGPU'] == 2
    assert 'VGPU' not in utils.resources_from_flavor(make_spec()['flavor'])
    for bad in ('two', '-1'):
        flavor = make_spec(extra_specs={'resources:VGPU': bad})['flavor']
        with pytest.raises(exception.NoValidHost, match='resources:VGPU=%s' % bad):
            utils.resources_from_flavor(flavor)


def test_gpu_filter():
    spec = make_spec(extra_specs={'resources:VGPU': '2'})
    with_gpus = make_host('gpu', stats='{"vgpus": 2}')
    busy = make_host('busy', stats='{"vgpus": 2}', used={'VGPU': 1})
    plain = make_host('plain')
    check = gpu.GPUFilter()
    assert [check.host_passes(h, spec) for h in (with_gpus, busy, plain)] == [
        True, False, False]
    assert check.removal_reason([busy, plain], spec) == 'need 2 VGPU, largest free 1 VGPU'
    assert check.host_passes(plain, make_spec())


def test_business_spread_counts_tagged_instances_of_the_host():
    check = business_spread.BusinessSpreadFilter()
    host = make_host()
    host.instances = {'a': _instance('a', business_tag='payments'),
                      'b': _instance('b', business_tag='search'),
                      'c': _instance('c')}
    assert check.host_passes(host, _payments_spec())
    host.consume({'VCPU': 1}, _instance('d', business_tag='payments'))
    assert not check.host_passes(host, _payments_spec())
    assert check.removal_reason([host], _payments_spec()) == (
        'each has 2 or more business_tag=payments instances, at most 2 per host')
    # Other flavors are not its business.
    assert check.host_passes(host, make_spec())


def test_business_spread_needs_the_tag_on_the_server_and_a_sane_maximum():
    check = business_spread.BusinessSpreadFilter()
    host = make_host()
    for spec in (_payments_spec(business_tag='search'), make_spec(extra_specs=PAYMENTS)):
        assert not check.host_passes(host, spec)
        assert check.removal_reason([host], spec) == (
            'the flavor is for business_tag=payments: the server needs that metadata')
    spec = make_spec(extra_specs={'business_tag': 'payments', 'business_max_per_host': 'x'},
                     instance_metadata={'business_tag': 'payments'})
    assert not check.host_passes(host, spec)
    assert 'business_max_per_host=x is not a whole number' in check.removal_reason([host], spec)
    # Without a maximum, one per host.
    spec = make_spec(extra_specs={'business_tag': 'payments'},
                     instance_metadata={'business_tag': 'payments'})
    assert check.host_passes(host, spec)
    host.consume({}, _instance('a', business_tag='payments'))
    assert not check.host_passes(host, spec)


def test_consume_copies_the_shared_instances():
    shared = {'a': _instance('a')}
    host = make_host()
    host.instances = shared
    host.consume({'MEMORY_MB': 512}, _instance('b'))
    assert set(host.instances) == {'a', 'b'} and set(shared) == {'a'}
