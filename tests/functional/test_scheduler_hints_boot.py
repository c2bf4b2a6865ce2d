"""Booting through the API with the same_host / different_host hints (and
the 400 for malformed ones), and a failing node reporting its build
failures so that the BuildFailureWeigher sinks it."""
import json

from oslo_utils import uuidutils
import pytest

from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import compute_nodes
from tests.functional.cloud_helpers import add_flavor_and_image
from tests.functional.cloud_helpers import wait_for
from tests.functional.test_boot_path import NODES
from tests.functional.test_boot_path import VERSION
from tests.functional.test_boot_path import leftovers
from tests.functional.test_boot_path import running  # noqa: F401 - the fixture
from tests.functional.test_boot_path import wait_status


def _boot(cloud, hints, name='vm', status=202):
    body = {'server': {'name': name, 'imageRef': cloud.image_id, 'flavorRef': 'small',
                       'networks': 'none'},
            'OS-SCH-HNT:scheduler_hints': hints}
    return cloud.post('/v2.1/servers', body, token='demo:demo', version=VERSION,
                      status=status)


def _node_of(cloud, uuid):
    return wait_status(cloud, uuid, 'ACTIVE')['OS-EXT-SRV-ATTR:hypervisor_hostname']


@pytest.fixture
def hints_enabled(cloud):
    """The hint filters on, set before ``running`` starts the scheduler."""
    CONF.set_override('enabled_filters', CONF.filter_scheduler.enabled_filters
                      + ['SameHostFilter', 'DifferentHostFilter'], group='filter_scheduler')
    CONF.set_override('host_state_max_age', 0, group='scheduler')


def test_boot_beside_and_away_from_servers(hints_enabled, running):  # noqa: F811
    cloud = running
    first = _boot(cloud, {}).json['server']['id']
    first_node = _node_of(cloud, first)
    beside = [_boot(cloud, {'same_host': first}, name='b%d' % i).json['server']['id']
              for i in range(2)]
    assert {_node_of(cloud, uuid) for uuid in beside} == {first_node}
    away = _boot(cloud, {'different_host': [first]}).json['server']['id']
    away_node = _node_of(cloud, away)
    assert away_node != first_node
    last = _boot(cloud, {'different_host': [first, away]}).json['server']['id']
    assert _node_of(cloud, last) == (set(NODES) - {first_node, away_node}).pop()
    shown = cloud.get('/v2.1/servers/%s' % away, version='2.100').json['server']
    assert shown['scheduler_hints'] == {'different_host': [first]}


def test_malformed_hints_are_400(cloud):
    add_flavor_and_image(cloud)
    for hints in ({'same_host': 'not-a-uuid'}, {'different_host': ['not-a-uuid']},
                  {'same_host': 42}, {'different_host': {'uuid': uuidutils.generate_uuid()}},
                  'same_host'):
        fault = _boot(cloud, hints, status=400).json['badRequest']
        assert fault['code'] == 400
    assert leftovers(cloud) == (0, 0, 0, 0)




def _failed_builds(cloud):
    with nova_context.target_cell(cloud.admin_context, cloud.cell1) as cctx:
        return {node['hypervisor_hostname']: json.loads(node['stats'])['failed_builds']
                for node in compute_nodes.list(cctx)}


def test_failing_node_reports_failed_builds_and_sinks(running, caplog):  # noqa: F811
    CONF.set_override('fail_spawn_on_nodes', NODES[:1], group='fake_driver')
    CONF.set_override('host_state_max_age', 0, group='scheduler')
    for index in range(4):
        uuid = _boot(running, {}, name='vm%d' % index).json['server']['id']
        assert _node_of(running, uuid) in NODES[1:]
        spawn_failures = sum(1 for record in caplog.records
                             if record.getMessage().startswith('Spawning instance')
                             and NODES[0] in record.getMessage())
        wait_for(lambda: _failed_builds(running)[NODES[0]] == spawn_failures,
                 what='the failures to be reported')
    # The emptiest node is weighed last once it failed: it saw one build only.
    assert _failed_builds(running) == {NODES[0]: 1, NODES[1]: 0, NODES[2]: 0}

    CONF.set_override('fail_spawn_on_nodes', [], group='fake_driver')
    CONF.set_override('build_failure_weight_multiplier', 0.0, group='filter_scheduler')
    CONF.set_override('ram_weight_multiplier', 10.0, group='filter_scheduler')
    # The emptiest node now wins; its success resets the count.
    uuid = _boot(running, {}, name='again').json['server']['id']
    assert _node_of(running, uuid) == NODES[0]
    wait_for(lambda: _failed_builds(running)[NODES[0]] == 0, what='the count to reset')
