"""IoOpsWeigher, NumInstancesWeigher and BuildFailureWeigher, and their
place among the default weighers."""
import json

from nova_common.conf import CONF
from nova_scheduler import weighers
from tests.unit.scheduler.fakes import make_host
from tests.unit.scheduler.fakes import make_instances
from tests.unit.scheduler.fakes import make_spec


def _names(hosts):
    return [host.nodename for host in hosts]


def _ranked(names, hosts):
    return _names(weighers.WeigherChain(names).weigh(hosts, make_spec()))


def test_io_ops_weigher_prefers_quiet_hosts_by_default():
    hosts = [make_host('busy', instances=make_instances(3, vm_state='building')),
             make_host('quiet', instances=make_instances(3))]
    assert _ranked(['IoOpsWeigher'], hosts) == ['quiet', 'busy']


def test_io_ops_weigher_positive_multiplier_prefers_busy_hosts(clean_config):
    clean_config.set_override('io_ops_weight_multiplier', 2.0, group='filter_scheduler')
    hosts = [make_host('quiet'), make_host('busy', instances=make_instances(1, 'building'))]
    assert _ranked(['IoOpsWeigher'], hosts) == ['busy', 'quiet']


def test_num_instances_weigher_is_off_by_default(clean_config):
    hosts = [make_host('few', instances=make_instances(1)),
             make_host('many', instances=make_instances(5))]
    assert _ranked(['NumInstancesWeigher'], hosts) == ['few', 'many']
    hosts.reverse()
    assert _ranked(['NumInstancesWeigher'], hosts) == ['many', 'few']
    clean_config.set_override('num_instances_weight_multiplier', 1.0,
                              group='filter_scheduler')
    assert _ranked(['NumInstancesWeigher'], hosts) == ['many', 'few']
    clean_config.set_override('num_instances_weight_multiplier', -1.0,
                              group='filter_scheduler')
    assert _ranked(['NumInstancesWeigher'], hosts) == ['few', 'many']


def _failing(name, failed_builds, **kwargs):
    return make_host(name, stats=json.dumps({'failed_builds': failed_builds}), **kwargs)


def test_build_failure_weigher_sinks_failing_hosts():
    hosts = [_failing('failing', 3), _failing('once', 1), make_host('healthy')]
    assert _ranked(['BuildFailureWeigher'], hosts) == ['healthy', 'once', 'failing']


def test_build_failures_outweigh_everything_else_by_default():
    # 'failing' is the emptiest host, yet the default weighers put it last.
    hosts = [_failing('failing', 1, memory_mb=65536, vcpus=64),
             make_host('full', used={'MEMORY_MB': 8192, 'VCPU': 8},
                       instances=make_instances(4, vm_state='building'))]
    assert _ranked(CONF.filter_scheduler.weight_classes, hosts) == ['full', 'failing']


def test_build_failure_weigher_can_be_turned_off(clean_config):
    clean_config.set_override('build_failure_weight_multiplier', 0.0,
                              group='filter_scheduler')
    hosts = [_failing('failing', 5, memory_mb=65536), make_host('healthy')]
    assert _ranked(['RAMWeigher', 'BuildFailureWeigher'], hosts) == ['failing', 'healthy']


def test_default_weighers_include_these():
    defaults = CONF.filter_scheduler.weight_classes
    assert {'IoOpsWeigher', 'NumInstancesWeigher', 'BuildFailureWeigher'} <= set(defaults)
    assert len(weighers.WeigherChain(defaults).weighers) == len(defaults)
