"""One dnsmasq per network on this host, serving DHCP from the bridge's
DHCP port address in static mode: only the MACs of the host file (the
ports plumbed here) get an address, each its port's fixed IP.

Files per network under [network] host_state_path/dhcp/<network id>/:
``host`` (mac,ip,hostname lines), ``opts`` (router, classless static
routes to the metadata proxy, DNS servers, MTU per subnet), ``pid`` and
``args`` (the command line, to tell whether a change needs a restart
rather than a SIGHUP, which rereads only host and opts).
"""
import ipaddress
import os
import signal
import time

from nova_common.conf import CONF
from nova_compute.network import bridge

HOST_FILE = 'host'
OPTS_FILE = 'opts'
PID_FILE = 'pid'
ARGS_FILE = 'args'
# Option 121's older Microsoft twin, which Neutron sends alongside it.
MS_CLASSLESS_STATIC_ROUTE = 249


def network_dir(state_path, network_id):
    return os.path.join(state_path, 'dhcp', network_id)


def _dhcp_subnets(network):
    return [subnet for subnet in network['subnets']
            if subnet.get('enable_dhcp') and subnet.get('dhcp_server')
            and subnet['version'] == 4]


def _tag(subnet):
    return 'subnet-' + subnet['id']


def host_lines(network, vifs):
    """The dhcp-hostsfile lines for ``vifs`` (on ``network``)."""
    cidrs = [ipaddress.ip_network(subnet['cidr']) for subnet in _dhcp_subnets(network)]
    lines = []
    for vif in vifs:
        for fixed in vif['fixed_ips']:
            if any(ipaddress.ip_address(fixed['ip_address']) in cidr for cidr in cidrs):
                lines.append('%s,%s,%s' % (vif['address'], fixed['ip_address'],
                                           vif['hostname'] or ''))
    return lines


def static_routes(subnet):
    """Classless static routes (option 121) for ``subnet``: the metadata
    address via the DHCP port, where the network's metadata proxy
    listens, as Neutron's DHCP agent offers it with isolated metadata; and,
    since a client that takes option 121 ignores the router option (RFC
    3442), the default route via the gateway when there is one."""
    routes = ['%s/32,%s' % (bridge.METADATA_ADDRESS, subnet['dhcp_server'])]
    if subnet.get('gateway'):
        routes.append('0.0.0.0/0,%s' % subnet['gateway'])
    return ','.join(routes)


def opts_lines(network):
    lines = []
    for subnet in _dhcp_subnets(network):
        tag = 'tag:' + _tag(subnet)
        lines.append('%s,option:router%s' % (
            tag, ',' + subnet['gateway'] if subnet.get('gateway') else ''))
        routes = static_routes(subnet)
        lines.append('%s,option:classless-static-route,%s' % (tag, routes))
        lines.append('%s,%d,%s' % (tag, MS_CLASSLESS_STATIC_ROUTE, routes))
        if subnet.get('dns'):
            lines.append('%s,option:dns-server,%s' % (tag, ','.join(subnet['dns'])))
        lines.append('%s,option:mtu,%d' % (tag, network['mtu']))
    return lines


def command(network, directory):
    """The dnsmasq command line for ``network``; None when it has no
    DHCP subnet."""
    subnets = _dhcp_subnets(network)
    if not subnets:
        return None
    argv = [CONF.network.dnsmasq_path, '--conf-file=/dev/null', '--no-hosts', '--no-resolv',
            '--port=0', '--bind-interfaces', '--interface=%s' % network['bridge'],
            '--except-interface=lo', '--leasefile-ro',
            '--domain=%s' % CONF.network.dhcp_domain,
            '--pid-file=%s' % os.path.join(directory, PID_FILE),
            '--dhcp-hostsfile=%s' % os.path.join(directory, HOST_FILE),
            '--dhcp-optsfile=%s' % os.path.join(directory, OPTS_FILE)]
    if CONF.network.dnsmasq_user:
        argv.append('--user=%s' % CONF.network.dnsmasq_user)
    for subnet in subnets:
        cidr = ipaddress.ip_network(subnet['cidr'])
        argv.append('--dhcp-range=set:%s,%s,static,%s,%ds' % (
            _tag(subnet), cidr.network_address, cidr.netmask,
            CONF.network.dhcp_lease_duration))
    argv.append('--dhcp-lease-max=%d' % sum(
        ipaddress.ip_network(subnet['cidr']).num_addresses for subnet in subnets))
    return argv


def _read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _write(path, text):
    temporary = path + '.tmp'
    with open(temporary, 'w') as handle:
        handle.write(text)
    os.replace(temporary, path)


def running_pid(directory):
    """The pid of the network's dnsmasq when it runs, else None."""
    text = _read(os.path.join(directory, PID_FILE))
    if not text or not text.strip().isdigit():
        return None
    pid = int(text.strip())
    cmdline = _read('/proc/%d/cmdline' % pid) or ''
    if 'dnsmasq' not in cmdline or directory not in cmdline:
        return None
    return pid


def sync(runner, state_path, network, vifs):
    """Make the network's dnsmasq serve exactly ``vifs``: files written,
    then started, restarted (its command line changed) or sent SIGHUP."""
    directory = network_dir(state_path, network['id'])
    os.makedirs(directory, exist_ok=True)
    argv = command(network, directory)
    if argv is None:
        stop(state_path, network['id'])
        return
    _write(os.path.join(directory, HOST_FILE), ''.join(
        line + '\n' for line in host_lines(network, vifs)))
    _write(os.path.join(directory, OPTS_FILE), ''.join(
        line + '\n' for line in opts_lines(network)))
    pid = running_pid(directory)
    args_text = '\n'.join(argv)
    if pid is not None and _read(os.path.join(directory, ARGS_FILE)) == args_text:
        os.kill(pid, signal.SIGHUP)
        return
    if pid is not None:
        _terminate(pid)
    _write(os.path.join(directory, ARGS_FILE), args_text)
    runner.run(argv)


def _terminate(pid):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):
        if not os.path.exists('/proc/%d' % pid):
            return
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.02)


def stop(state_path, network_id):
    """The network's dnsmasq stopped and its files removed."""
    directory = network_dir(state_path, network_id)
    pid = running_pid(directory)
    if pid is not None:
        _terminate(pid)
    for name in (HOST_FILE, OPTS_FILE, PID_FILE, ARGS_FILE):
        try:
            os.unlink(os.path.join(directory, name))
        except FileNotFoundError:
            pass
    try:
        os.rmdir(directory)
    except OSError:
        pass
