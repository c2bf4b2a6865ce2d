"""Weighers: normalisation as Nova does it, spread by default, stack with
negative multipliers."""
import pytest

from nova_scheduler import weighers
from tests.unit.scheduler.fakes import make_host
from tests.unit.scheduler.fakes import make_spec


def test_normalize():
    assert weighers.normalize([]) == []
    assert weighers.normalize([5, 5, 5]) == [0.0, 0.0, 0.0]
    assert weighers.normalize([10, 20, 15]) == [0.0, 1.0, 0.5]


def _names(hosts):
    return [host.nodename for host in hosts]


def test_spread_by_default_prefers_the_emptiest_host():
    hosts = [make_host('busy', used={'MEMORY_MB': 8192, 'VCPU': 4, 'DISK_GB': 50}),
             make_host('idle'),
             make_host('half', used={'MEMORY_MB': 4096, 'VCPU': 2, 'DISK_GB': 25})]
    chain = weighers.WeigherChain(['RAMWeigher', 'CPUWeigher', 'DiskWeigher'])
    assert _names(chain.weigh(hosts, make_spec())) == ['idle', 'half', 'busy']


def test_negative_multipliers_stack(clean_config):
    for option in ('ram_weight_multiplier', 'cpu_weight_multiplier', 'disk_weight_multiplier'):
        clean_config.set_override(option, -1.0, group='filter_scheduler')
    hosts = [make_host('idle'), make_host('busy', used={'MEMORY_MB': 8192, 'VCPU': 4})]
    chain = weighers.WeigherChain(['RAMWeigher', 'CPUWeigher', 'DiskWeigher'])
    assert _names(chain.weigh(hosts, make_spec())) == ['busy', 'idle']


@pytest.mark.parametrize('weigher, resource_class', [
    ('RAMWeigher', 'MEMORY_MB'), ('CPUWeigher', 'VCPU'), ('DiskWeigher', 'DISK_GB')])
def test_each_weigher_looks_at_its_own_resource(weigher, resource_class):
    hosts = [make_host('a', used={resource_class: 2}), make_host('b')]
    assert _names(weighers.WeigherChain([weigher]).weigh(hosts, make_spec())) == ['b', 'a']


def test_multipliers_balance_the_weighers(clean_config):
    # 'ram' has the most free RAM, 'cpu' the most free vCPUs; the larger
    # multiplier decides.
    hosts = [make_host('ram', vcpus=4, memory_mb=32768), make_host('cpu', vcpus=16)]
    chain = weighers.WeigherChain(['RAMWeigher', 'CPUWeigher'])
    clean_config.set_override('cpu_weight_multiplier', 2.0, group='filter_scheduler')
    assert _names(chain.weigh(hosts, make_spec())) == ['cpu', 'ram']
    clean_config.set_override('ram_weight_multiplier', 3.0, group='filter_scheduler')
    assert _names(chain.weigh(hosts, make_spec())) == ['ram', 'cpu']


def test_cpu_weigher_counts_overcommit():
    # 4 pCPU at ratio 4.0 with 12 used leaves 4 free; 8 pCPU with 30 used leaves 2.
    hosts = [make_host('big', vcpus=8, used={'VCPU': 30}),
             make_host('small', vcpus=4, used={'VCPU': 12})]
    assert _names(weighers.WeigherChain(['CPUWeigher']).weigh(hosts, make_spec())) == [
        'small', 'big']


def test_ties_keep_their_order():
    hosts = [make_host('first'), make_host('second'), make_host('third')]
    chain = weighers.WeigherChain(['RAMWeigher', 'CPUWeigher', 'DiskWeigher'])
    assert _names(chain.weigh(hosts, make_spec())) == ['first', 'second', 'third']
