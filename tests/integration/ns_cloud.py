"""A libvirt deployment with one nova-compute on each namespaced test host
(tests/integration/ns_hosts.py): the control plane of LibvirtCloud (API,
super-conductor, scheduler, cell conductor as processes over RabbitMQ and
MariaDB), and per host a nova-compute named after the host's hostname.

Each nova-compute runs in its host's mount and UTS namespaces but in the
root network namespace (``NsHost.command(..., network=False)``):

- RabbitMQ and nova-api (whose /image the compute fetches images from)
  listen on 127.0.0.1 of the root namespace, which no host namespace
  reaches, and the fixture must not reconfigure those shared services;
- ``qemu:///system`` in the host's mount namespace is that host's libvirtd,
  and ``[DEFAULT] instances_path`` (the same path on every host) is that
  host's own instances directory, which its QEMU sees too;
- QEMU is started by libvirtd, so the guests and the migration streams are
  in the host's network namespace, on the fabric.

The host side of networking (bridges, dnsmasq, nftables) runs in the
host's network namespace, beside the guests: ``[network] host_netns``.

Both computes see this machine's CPUs, memory and disk: each reports all of
it, as two hosts of the same size. ``allow_resize_to_same_host`` is off: a
resize goes to the other host. A test can stop a host's nova-compute and
start it again (``stop_compute`` / ``start_compute``: a failed host and its
return) and read the ledger's usage per compute node (``ledger_usage``).
"""
from tests.integration import libvirt_cloud


class NsLibvirtCloud(libvirt_cloud.LibvirtCloud):
    """LibvirtCloud with a compute per host of ``hosts`` (an NsHosts, up).
    ``computes`` maps compute host names (the hosts' hostnames) to their
    daemons; ``host``, ``compute`` and ``instances_path`` are the first
    host's, as LibvirtCloud has them."""

    # The other host: a resize moves (as on a cloud of many hosts).
    allow_resize_to_same_host = False

    def __init__(self, workdir, rabbitmq, mariadb, hosts, compute_options=None):
        self.ns_hosts = hosts
        self.mariadb = mariadb
        self.computes = {}
        self.compute_options = compute_options or {}
        super().__init__(workdir, rabbitmq, mariadb, compute_options)

    def start_computes(self, compute_options):
        self._wait_for_cell_conductor()
        for host in self.ns_hosts.hosts:
            self.start_compute(host)
        first = self.ns_hosts.hosts[0]
        self.host = first.hostname
        self.compute = self.computes[first.hostname]
        self.instances_path = first.instances_dir

    def start_compute(self, host):
        """Start the nova-compute of ``host`` (an NsHost), again after
        ``stop_compute``: the same config, its log appended to."""
        sections = self.compute_sections(host.hostname, self.ns_hosts.instances_path,
                                         self.compute_options, 'compute-state-%s' % host.name)
        # The guests' taps, bridges, dnsmasq and firewall: beside the
        # guests, in the namespace of the host's libvirtd (its mount
        # namespace has no /run/netns entries); dnsmasq (an unprivileged
        # user) reads its files under the host's directory, which
        # test-hosts.sh down removes.
        network = sections.setdefault('network', {})
        network.setdefault('host_netns', '/proc/%d/ns/net' % host.pid_of('libvirtd'))
        network.setdefault('host_state_path', str(host.directory / 'networking'))
        # Networks span the hosts: VXLAN over each host's fabric address.
        network.setdefault('tunnel_local_ip', host.address)
        config = self.deployment.write_config('nova-compute-%s.conf' % host.name, sections)
        self.computes[host.hostname] = self.deployment.start(
            'nova-compute', config, name=host.hostname, wrapper=host.command(network=False))
        if host.hostname == self.host:
            self.compute = self.computes[host.hostname]
        return self.computes[host.hostname]

    def stop_compute(self, host):
        """Stop the nova-compute of ``host`` (SIGTERM, as an operator or a
        failing host would); its guests go on running under its libvirtd."""
        daemon = self.computes.pop(host.hostname)
        self.deployment.daemons.remove(daemon)
        daemon.stop()

    def _wait_for_cell_conductor(self):
        """A compute's first heartbeat, sent before the cell conductor
        consumes its topic, is lost and costs a whole RPC timeout:
        start the computes once the conductor has registered itself, which
        it does after its RPC server started."""
        conductor = [d for d in self.deployment.daemons if d.name == 'cell1-conductor'][0]
        self.wait(lambda: 'registered as service' in conductor.log_tail(200),
                  'the cell conductor to register', timeout=90)

    def ns_host(self, compute_host):
        """The NsHost a compute host name (``OS-EXT-SRV-ATTR:host``) runs on."""
        for host in self.ns_hosts.hosts:
            if host.hostname == compute_host:
                return host
        raise KeyError(compute_host)

    def hypervisors(self):
        """Every host's hypervisor record, once all are mapped and reported
        (in the order of the hosts)."""
        names = [host.hostname for host in self.ns_hosts.hosts]

        def listed():
            status, body = self.get('/os-hypervisors/detail', version='2.87')
            found = {h['hypervisor_hostname']: h for h in body.get('hypervisors', [])}
            return status == 200 and set(names) <= set(found) and [found[n] for n in names]

        def reported():
            # nova-manage (a process and a database connection per run) only
            # until the nodes are mapped: the shared deployment's tests ask often.
            found = listed()
            if not found:
                self.deployment.manage('cell_v2', 'discover_hosts')
                found = listed()
            return found
        return self.wait(reported, 'the computes of %s to be reported' % ', '.join(names),
                         timeout=90)

    def domain_uuids(self, host):
        """The UUIDs of the domains (running or not) on ``host``'s libvirtd:
        the ids of the servers there."""
        import libvirt
        connection = libvirt.open(host.uri)
        try:
            return sorted(domain.UUIDString() for domain in connection.listAllDomains())
        finally:
            connection.close()

    def ledger_usage(self):
        """{compute node name: {resource class: used}} summed over the
        ledger's allocations (the API database), nodes holding none left
        out."""
        rows = self.mariadb.query(
            self.deployment.api_db,
            'SELECT p.name, a.resource_class, SUM(a.used) FROM allocations a '
            'JOIN resource_providers p ON p.id = a.resource_provider_id '
            'GROUP BY p.name, a.resource_class')
        usage = {}
        for name, resource_class, used in rows:
            if used:
                usage.setdefault(name, {})[resource_class] = int(used)
        return usage

    def console_file(self, server_id):
        """The serial console log on the host the API places the server."""
        status, body = self.get('/servers/%s' % server_id)
        if status != 200 or not body['server'].get('OS-EXT-SRV-ATTR:host'):
            return ''
        host = self.ns_host(body['server']['OS-EXT-SRV-ATTR:host'])
        try:
            return (host.instances_dir / server_id / 'console.log').read_text(
                errors='replace')
        except FileNotFoundError:
            return ''

