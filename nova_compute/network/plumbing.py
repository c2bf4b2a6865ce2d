"""Plugging and unplugging a server's ports on this host.

What was plugged for each server is kept in a JSON file per server under
[network] host_state_path/instances/, the one source the host's DHCP host
files and firewall are rebuilt from: unplugging needs nothing from the
network service (whose ports may be deleted already), and a network's
bridge, dnsmasq and metadata proxy (metadata_proxies.py) go when its
last port on this host goes.
"""
import json
import os
import threading

from oslo_log import log as logging

from nova_common.conf import CONF
from nova_compute.network import bridge
from nova_compute.network import dhcp
from nova_compute.network import firewall
from nova_compute.network import metadata_proxies
from nova_compute.network import runner as runner_lib

LOG = logging.getLogger(__name__)

_LOCK = threading.Lock()


class HostNetworking:
    def __init__(self, runner=None, state_path=None, proxies=None):
        self.runner = runner or runner_lib.default()
        self.state_path = state_path or CONF.network.host_state_path
        self.proxies = proxies or metadata_proxies.default()

    def _instances_dir(self):
        return os.path.join(self.state_path, 'instances')

    def _state_file(self, instance_uuid):
        return os.path.join(self._instances_dir(), instance_uuid + '.json')

    def plugged(self):
        """{instance uuid: network_info} of everything plugged here."""
        found = {}
        directory = self._instances_dir()
        if not os.path.isdir(directory):
            return found
        for name in sorted(os.listdir(directory)):
            if name.endswith('.json'):
                with open(os.path.join(directory, name)) as handle:
                    found[name[:-len('.json')]] = json.load(handle)
        return found

    def _all_vifs(self):
        return [vif for info in self.plugged().values() for vif in info]

    def plug(self, instance_uuid, network_info):
        """Bridges, DHCP host entries and firewall rules for the ports of
        ``network_info``; devices of the ports that exist already (a tap
        of a running guest, a test's veth) are put on their bridge."""
        with _LOCK:
            before = self.plugged().get(instance_uuid, [])
            if not network_info and not before:
                return
            os.makedirs(self._instances_dir(), exist_ok=True)
            temporary = self._state_file(instance_uuid) + '.tmp'
            with open(temporary, 'w') as handle:
                json.dump(network_info, handle)
            os.replace(temporary, self._state_file(instance_uuid))
            self._sync(before + network_info)
        LOG.info('Plugged %d port(s) of instance %s', len(network_info), instance_uuid)

    def unplug(self, instance_uuid):
        """Everything ``plug`` made for the server removed (networks no
        other port here uses: their bridge and dnsmasq too). Idempotent."""
        with _LOCK:
            before = self.plugged().get(instance_uuid)
            if before is None:
                return
            for vif in before:
                if bridge.exists(self.runner, vif['devname']):
                    self.runner.run(['ip', 'link', 'del', 'dev', vif['devname']], check=False)
            os.unlink(self._state_file(instance_uuid))
            self._sync(before)
        LOG.info('Unplugged the ports of instance %s', instance_uuid)

    def _namespace(self):
        """Where the runner plumbs (the metadata proxies listen there too)."""
        return getattr(self.runner, 'namespace', None)

    def _sync(self, touched_vifs):
        """Bring the networks of ``touched_vifs`` and the firewall in line
        with the state files."""
        vifs = self._all_vifs()
        networks = {vif['network']['id']: vif['network'] for vif in touched_vifs}
        for network_id, network in networks.items():
            current = [vif for vif in vifs if vif['network']['id'] == network_id]
            if current:
                network = current[-1]['network']
                bridge.ensure(self.runner, network)
                bridge.set_addresses(self.runner, network)
                for vif in current:
                    if bridge.exists(self.runner, vif['devname']):
                        bridge.attach(self.runner, vif['devname'], network)
                dhcp.sync(self.runner, self.state_path, network, current)
                self.proxies.ensure(network, self._namespace())
            else:
                self.proxies.stop(network_id, self._namespace())
                dhcp.stop(self.state_path, network_id)
                bridge.remove(self.runner, network)
        firewall.apply(self.runner, vifs)

    def resync(self):
        """Rebuild everything from the state files (after a host reboot)."""
        with _LOCK:
            self._sync(self._all_vifs())
