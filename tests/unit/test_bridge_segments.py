"""The commands a network's segment gets on a host (nova_compute/network/
bridge.py): a VLAN sub-interface of the mapped interface, the mapped
interface itself for a flat network, a stale segment device taken off the
bridge, and what goes with the network's last port; and segments.py's
validation of the ranges it is configured with."""
from oslo_db import exception as db_exc
import pytest

from nova_common.conf import CONF
from nova_common.db import engines
from nova_compute.network import bridge
from nova_network import segments

BRIDGE = 'brq5e0c6a2b-7d'


class Runner:
    """Runs nothing: records the commands; devices 'exist' once added;
    ``enslaved`` is what ``ip -d -o link show master`` answers."""

    def __init__(self, enslaved=''):
        self.commands = []
        self.devices = set()
        self.enslaved = enslaved

    def run(self, argv, check=True, input=None):
        self.commands.append(list(argv))
        if argv[:3] == ['ip', 'link', 'add']:
            self.devices.add(argv[argv.index('name') + 1] if 'name' in argv else argv[3])
        if argv[:4] == ['ip', 'link', 'del', 'dev']:
            self.devices.discard(argv[4])
        if argv[:5] == ['ip', '-d', '-o', 'link', 'show']:
            return self.enslaved
        return ''

    def succeeds(self, argv):
        return argv[-1] in self.devices


def _network(segmentation):
    return {'id': '5e0c6a2b-7d7e-4a53-9a2c-1f2e3d4c5b6a', 'bridge': BRIDGE, 'mtu': 1500,
            'segmentation': segmentation, 'subnets': []}


@pytest.fixture
def mapped():
    CONF.set_override('physical_interface_mappings', ['physnet1:eth1'], group='network')


def test_vlan_network_gets_a_tagged_sub_interface_on_its_bridge(mapped):
    runner = Runner()
    network = _network({'type': 'vlan', 'id': 100, 'physical_network': 'physnet1'})
    bridge.ensure(runner, network)
    assert ['ip', 'link', 'add', 'link', 'eth1', 'name', 'eth1.100', 'type', 'vlan',
            'id', '100'] in runner.commands
    assert ['ip', 'link', 'set', 'dev', 'eth1.100', 'master', BRIDGE, 'up'] in runner.commands
    bridge.ensure(runner, network)
    assert len([argv for argv in runner.commands if argv[:5] == [
        'ip', 'link', 'add', 'link', 'eth1']]) == 1
    bridge.remove(runner, network)
    assert ['ip', 'link', 'del', 'dev', 'eth1.100'] in runner.commands
    assert ['ip', 'link', 'del', 'dev', BRIDGE] in runner.commands
    assert ['ip', 'link', 'del', 'dev', 'eth1'] not in runner.commands


def test_flat_network_bridges_the_interface_and_leaves_it_at_removal(mapped):
    runner = Runner()
    runner.devices.add('eth1')
    network = _network({'type': 'flat', 'id': None, 'physical_network': 'physnet1'})
    bridge.ensure(runner, network)
    assert ['ip', 'link', 'set', 'dev', 'eth1', 'master', BRIDGE, 'up'] in runner.commands
    bridge.remove(runner, network)
    assert ['ip', 'link', 'del', 'dev', 'eth1'] not in runner.commands
    assert ['ip', 'link', 'del', 'dev', BRIDGE] in runner.commands


def test_unmapped_physical_network_fails_the_plug(mapped):
    network = _network({'type': 'vlan', 'id': 5, 'physical_network': 'physnet9'})
    with pytest.raises(ValueError, match='physnet9'):
        bridge.ensure(Runner(), network)


def test_a_stale_segment_device_is_taken_off_the_bridge(mapped):
    enslaved = (
        '7: vxlan-42: <BROADCAST> mtu 1450 master %s \\    link/ether 0a vxlan id 42 '
        'group 239.1.1.1 dev eth0\n'
        '8: tap11112222-33: <BROADCAST> mtu 1500 master %s \\    link/ether 0b tun\n'
        '9: eth1.100@eth1: <BROADCAST> mtu 1500 master %s \\    link/ether 0c '
        'vlan protocol 802.1Q id 100 <REORDER_HDR>\n' % (BRIDGE, BRIDGE, BRIDGE))
    runner = Runner(enslaved)
    bridge.ensure(runner, _network({'type': 'vlan', 'id': 100, 'physical_network': 'physnet1'}))
    assert ['ip', 'link', 'set', 'dev', 'vxlan-42', 'nomaster'] in runner.commands
    detached = [argv[4] for argv in runner.commands if argv[-1] == 'nomaster']
    assert detached == ['vxlan-42']


def test_long_interface_names_get_a_hashed_vlan_device_name():
    assert bridge.vlan_name('eth1', 4094) == 'eth1.4094'
    name = bridge.vlan_name('enp0s31f6abcdef', 4094)
    assert len(name) == 15 and name.endswith('.4094')
    assert name != bridge.vlan_name('enp0s31f6abcdeg', 4094)


@pytest.mark.parametrize('option, value', [
    ('vni_ranges', ['5:1']), ('vni_ranges', ['0:10']), ('vni_ranges', ['1:16777216']),
    ('network_vlan_ranges', ['physnet1:0:10']), ('network_vlan_ranges', ['physnet1:10:4095']),
])
def test_ranges_out_of_bounds_are_refused(option, value):
    CONF.set_override(option, value, group='network')
    with pytest.raises(ValueError):
        segments.vni_ranges() if option == 'vni_ranges' else segments.vlan_ranges()


def test_pick_free_takes_the_lowest_then_spreads_on_retries():
    pools = [('physnet1', 10, 12), ('physnet2', 1, 1)]
    assert segments.pick_free(pools, {('physnet1', 10)}) == ('physnet1', 11)
    used = {('physnet1', 10), ('physnet1', 11), ('physnet1', 12)}
    assert segments.pick_free(pools, used) == ('physnet2', 1)
    assert segments.pick_free(pools, used | {('physnet2', 1)}) is None
    assert {segments.pick_free(pools, set(), attempt=3) for _ in range(200)} == {
        ('physnet1', 10), ('physnet1', 11), ('physnet1', 12), ('physnet2', 1)}


def test_a_failed_savepoint_rollback_after_a_deadlock_is_told_as_a_deadlock():
    def raised(make_error, during=None):
        try:
            try:
                if during is not None:
                    raise during
            finally:
                raise make_error
        except Exception as error:  # noqa: BLE001 - the error is what is tested
            return error

    savepoint_gone = raised(db_exc.DBError('SAVEPOINT sa_savepoint_1 does not exist'),
                            during=db_exc.DBDeadlock('Deadlock found'))
    assert engines.deadlocked(savepoint_gone)
    assert engines.deadlocked(db_exc.DBDeadlock('Deadlock found'))
    assert not engines.deadlocked(raised(db_exc.DBError('SAVEPOINT gone')))
    assert not engines.deadlocked(db_exc.DBDuplicateEntry(['x']))
