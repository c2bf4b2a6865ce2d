"""The metadata proxies this compute runs: one per network with ports on
this host, listening on 169.254.169.254 bound to the network's bridge in
the namespace of the host side ([network] host_netns), as Neutron's DHCP
agent runs one per network with isolated metadata.

The plumbing (plumbing.py) starts a network's proxy with its bridge and
stops it when the network's last port here goes; the bridge holds the
metadata address (bridge.set_addresses). Proxies are threads of this
process, so the registry is per process: a compute that starts again
brings them back from its state files (plumbing.HostNetworking.resync).

A proxy that cannot listen is logged and left out: the guest still
boots, only without its metadata service (the config drive is not
affected); the next plug of a port of that network tries again.
"""
import threading

from oslo_log import log as logging

from nova_compute.network import metadata_proxy

LOG = logging.getLogger(__name__)


def _default_factory(network, namespace):
    return metadata_proxy.MetadataProxy(network['id'], metadata_proxy.default_lookup(),
                                        namespace=namespace, device=network['bridge'])


class ProxyRegistry:
    """``factory(network, namespace)`` makes an unstarted proxy (a
    MetadataProxy by default)."""

    def __init__(self, factory=None):
        self._factory = factory or _default_factory
        self._proxies = {}
        self._lock = threading.Lock()

    def ensure(self, network, namespace=None):
        """The network's proxy running (started when it is not)."""
        key = (namespace, network['id'])
        with self._lock:
            if key in self._proxies:
                return
            proxy = self._factory(network, namespace)
            try:
                proxy.start()
            except OSError as error:
                LOG.error('The metadata proxy of network %s could not listen on %s: %s',
                          network['id'], network['bridge'], error)
                return
            self._proxies[key] = proxy

    def stop(self, network_id, namespace=None):
        """The network's proxy stopped (nothing when it does not run)."""
        with self._lock:
            proxy = self._proxies.pop((namespace, network_id), None)
        if proxy is not None:
            proxy.stop()
            LOG.info('Stopped the metadata proxy of network %s', network_id)

    def networks(self, namespace=None):
        """The ids of the networks whose proxy runs in ``namespace``."""
        with self._lock:
            return {network_id for (space, network_id) in self._proxies
                    if space == namespace}

    def stop_all(self):
        for namespace, network_id in list(self._proxies):
            self.stop(network_id, namespace)


_REGISTRY = ProxyRegistry()


def default():
    """This process's registry."""
    return _REGISTRY
