"""The metadata proxies of the host side without a host: one per network
with ports here, started with its first port and stopped with its last,
in the plumbing's namespace, bound to the network's bridge; the bridge
gets the metadata address and the firewall lets guests reach the proxy
and nothing else on the host."""
import pytest

from nova_common.conf import CONF
from nova_compute.network import firewall
from nova_compute.network import metadata_proxies
from nova_compute.network import metadata_proxy
from nova_compute.network import plumbing
from tests.unit import test_host_network as host_network

OTHER_NETWORK = '77770000-7d7e-4a53-9a2c-1f2e3d4c5b6a'


class FakeProxy:
    def __init__(self, network, namespace, events, fail=False):
        self.network, self.namespace, self.events, self.fail = network, namespace, events, fail

    def start(self):
        if self.fail:
            raise OSError(99, 'Cannot assign requested address')
        self.events.append(('start', self.network['id'], self.namespace,
                            self.network['bridge']))

    def stop(self):
        self.events.append(('stop', self.network['id'], self.namespace))


class NamespacedRunner(host_network.RecordingRunner):
    namespace = '/proc/4242/ns/net'


def _registry(events, fail=False):
    return metadata_proxies.ProxyRegistry(
        lambda network, namespace: FakeProxy(network, namespace, events, fail))


def _other_network_vif():
    network = host_network._network(id=OTHER_NETWORK, bridge='brq77770000-7d')
    return host_network._vif(port_id='55556666-3333-4444-5555-666677778888',
                             mac='fa:16:3e:00:00:0c', address='10.42.0.12', network=network)


def test_one_proxy_per_network_from_its_first_port_to_its_last(tmp_path):
    events = []
    runner = NamespacedRunner()
    proxies = _registry(events)
    networking = plumbing.HostNetworking(runner, str(tmp_path), proxies=proxies)
    first = host_network._vif()
    second = host_network._vif(port_id='99998888-3333-4444-5555-666677778888',
                               mac='fa:16:3e:00:00:0b', address='10.42.0.11')
    networking.plug('vm-1', [first])
    networking.plug('vm-2', [second])
    networking.plug('vm-3', [_other_network_vif()])
    namespace = runner.namespace
    assert events == [('start', host_network.NETWORK_ID, namespace, 'brq5e0c6a2b-7d'),
                      ('start', OTHER_NETWORK, namespace, 'brq77770000-7d')]
    assert proxies.networks(namespace) == {host_network.NETWORK_ID, OTHER_NETWORK}
    # The bridge holds the address the proxy binds to.
    assert runner.ran('ip', 'addr', 'replace', '169.254.169.254/32', 'dev', 'brq5e0c6a2b-7d')

    networking.unplug('vm-1')
    assert proxies.networks(namespace) == {host_network.NETWORK_ID, OTHER_NETWORK}
    networking.unplug('vm-2')
    assert events[-1] == ('stop', host_network.NETWORK_ID, namespace)
    assert proxies.networks(namespace) == {OTHER_NETWORK}
    networking.unplug('vm-3')
    assert events[-1] == ('stop', OTHER_NETWORK, namespace)
    assert proxies.networks(namespace) == set()
    assert len([event for event in events if event[0] == 'stop']) == 2


def test_resync_after_a_restart_starts_the_proxies_again(tmp_path):
    events = []
    plumbing.HostNetworking(NamespacedRunner(), str(tmp_path),
                            proxies=_registry(events)).plug('vm-1', [host_network._vif()])
    # A new process: an empty registry, the state files still there.
    restarted_events = []
    restarted = _registry(restarted_events)
    plumbing.HostNetworking(NamespacedRunner(), str(tmp_path), proxies=restarted).resync()
    assert [event[:2] for event in restarted_events] == [('start', host_network.NETWORK_ID)]
    assert restarted.networks(NamespacedRunner.namespace) == {host_network.NETWORK_ID}


def test_a_proxy_that_cannot_listen_does_not_fail_the_plug(tmp_path):
    events = []
    proxies = _registry(events, fail=True)
    networking = plumbing.HostNetworking(NamespacedRunner(), str(tmp_path), proxies=proxies)
    networking.plug('vm-1', [host_network._vif()])
    assert set(networking.plugged()) == {'vm-1'}
    assert proxies.networks(NamespacedRunner.namespace) == set()
    networking.unplug('vm-1')
    assert events == []


def test_the_default_proxy_listens_on_the_bridge_in_the_plumbing_namespace(monkeypatch):
    monkeypatch.setattr(metadata_proxy, 'default_lookup', lambda: 'the-lookup')
    proxy = metadata_proxies._default_factory(host_network._network(), '/proc/1/ns/net')
    assert isinstance(proxy, metadata_proxy.MetadataProxy)
    assert (proxy.network_id, proxy.lookup, proxy.namespace, proxy.device,
            proxy.listen_address, proxy.listen_port) == (
        host_network.NETWORK_ID, 'the-lookup', '/proc/1/ns/net', 'brq5e0c6a2b-7d',
        '169.254.169.254', CONF.metadata.proxy_listen_port)


@pytest.mark.parametrize('port', [80, 8080])
def test_guests_may_reach_the_proxy_and_dhcp_on_the_host_only(port):
    CONF.set_override('proxy_listen_port', port, group='metadata')
    try:
        script = firewall.ruleset([host_network._vif()], table='t1')
    finally:
        CONF.clear_override('proxy_listen_port', group='metadata')
    host = script.split('chain input {')[1].split('\n  }')[0].strip().splitlines()
    bridges = 'iifname { "brq5e0c6a2b-7d" }'
    assert [line.strip() for line in host[-3:]] == [
        '%s udp dport 67 accept' % bridges,
        '%s ip daddr 169.254.169.254 tcp dport %d accept' % (bridges, port),
        '%s drop' % bridges]
