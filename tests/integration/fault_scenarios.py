"""Fault-injection scenarios over a two-cell deployment of real daemons on
a RabbitMQ node and a MariaDB server of its own (fault_services): boots in
flight while the broker or the database restarts, a cell database hangs, a
daemon is killed with SIGKILL, or a cell conductor is stopped.

Every scenario ends with the same checks (``Outcome``): every server ends
ACTIVE or ERROR (ERROR with a fault) within a bound, no build request is
left, the ledger holds exactly the ACTIVE servers' flavors and the quota
usage matches the servers. Both ``test_fault_injection.py`` (few boots,
short timeouts) and ``bench/fault_injection.py`` (the issue's scale) run
them.
"""
import collections
import concurrent.futures
import http.client
import json
import threading
import time
import urllib.error
import urllib.request

from tests.integration import conftest
from tests.integration import harness

TOKEN = 'admin:admin'
PROJECT = 'admin'
VERSION = '2.90'
FLAVOR = {'name': 'fault.tiny', 'ram': 64, 'vcpus': 1, 'disk': 1}
HOSTS = {'cell1': 'fault-a', 'cell2': 'fault-b'}
SETTLED = ('ACTIVE', 'ERROR')


class Timeouts:
    """The lost-build and database timeouts the deployment runs with; the
    defaults fit the test (seconds). The lost-build timeouts stay above
    what a hung cell may cost the scheduler once (the one request whose
    host-state refresh reads the hung cell waits up to ``cell``, the
    [cells] cell_timeout, before the cell is left out), or a healthy
    cell's builds would be ended as lost."""

    def __init__(self, build_request=20, instance_build=30, check_interval=1,
                 rpc_response=10, cell=3, db_read=6, settle=60):
        self.build_request = build_request
        self.instance_build = instance_build
        self.check_interval = check_interval
        self.rpc_response = rpc_response
        self.cell = cell
        self.db_read = db_read
        # How long every server has to end ACTIVE or ERROR after the fault.
        self.settle = settle


def call(endpoint, method, path, body=None, timeout=60, version=VERSION):
    """(status, parsed body); status None when the connection failed."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        endpoint + path, data=data, method=method,
        headers={'X-Auth-Token': TOKEN, 'Content-Type': 'application/json',
                 'OpenStack-API-Version': 'compute ' + version})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    except (OSError, http.client.HTTPException):
        # Refused, reset or cut short: no answer (a killed nova-api).
        return None, None
    try:
        return status, json.loads(payload) if payload else None
    except ValueError:
        return status, payload


class FaultCloud:
    """The deployment: nova-api, a super-conductor, a scheduler, a conductor
    and a fake compute per cell (cell1: fault-a, cell2: fault-b)."""

    def __init__(self, workdir, rabbitmq, mariadb, timeouts, host_capacity=None):
        self.rabbitmq = rabbitmq
        self.mariadb = mariadb
        self.timeouts = timeouts
        workdir.mkdir(parents=True, exist_ok=True)
        self.deployment = conftest.Deployment(workdir, rabbitmq, mariadb,
                                              cell_names=tuple(HOSTS))
        self.capacity = host_capacity or {'vcpus': 128, 'memory_mb': 131072,
                                          'local_gb': 2000}
        self.configs = {}
        self.daemons = {}
        self.statuses = collections.Counter()
        self._lock = threading.Lock()
        self._write_configs()

    @property
    def endpoint(self):
        return self.deployment.endpoint

    def _common(self):
        t = self.timeouts
        return {
            'oslo_messaging_rabbit': {'rabbit_retry_interval': 1, 'rabbit_interval_max': 2,
                                      'kombu_reconnect_delay': 0.5},
            'cells': {'cell_timeout': t.cell},
            'conductor': {'build_request_timeout': t.build_request,
                          'lost_build_check_interval': t.check_interval},
        }

    def _database_timeouts(self):
        return {'mysql_read_timeout': self.timeouts.db_read, 'mysql_connect_timeout': 3}

    def _write_configs(self):
        deployment, t = self.deployment, self.timeouts
        top = deployment.top_sections()
        top.update(self._common())
        top['DEFAULT'].update(rpc_response_timeout=t.rpc_response)
        top['database'].update(self._database_timeouts())
        top['api_database'] = dict(top['api_database'], **self._database_timeouts())
        self.configs['top'] = deployment.write_config('nova-top.conf', top)
        deployment.top_config = self.configs['top']
        for name, cell in deployment.cells.items():
            sections = self._common()
            sections.update({
                'DEFAULT': dict(conftest.LIVENESS, transport_url=cell.transport_url,
                                host='%s-conductor' % name, rpc_response_timeout=t.rpc_response,
                                instance_build_timeout=t.instance_build),
                'api_database': dict({'connection': deployment.api_db},
                                     **self._database_timeouts()),
                'database': dict({'connection': cell.db}, **self._database_timeouts()),
            })
            self.configs['%s-conductor' % name] = deployment.write_config(
                'nova-%s-conductor.conf' % name, sections)
            compute = self._common()
            compute['DEFAULT'] = dict(conftest.LIVENESS, transport_url=cell.transport_url,
                                      host=HOSTS[name], compute_driver='fake',
                                      rpc_response_timeout=t.rpc_response)
            compute['fake_driver'] = dict(self.capacity, nodes=1)
            compute['compute'] = {'resource_update_interval': 2, 'conductor_wait_timeout': 10}
            self.configs[HOSTS[name]] = deployment.write_config(
                'nova-compute-%s.conf' % HOSTS[name], compute)

    ROLES = {'api': ('nova-api', 'top'), 'super-conductor': ('nova-conductor', 'top'),
             'scheduler': ('nova-scheduler', 'top'),
             'cell1-conductor': ('nova-conductor', 'cell1-conductor'),
             'cell2-conductor': ('nova-conductor', 'cell2-conductor'),
             'fault-a': ('nova-compute', 'fault-a'), 'fault-b': ('nova-compute', 'fault-b')}

    def start(self, role, wait=True):
        """Start ``role``; nova-api is waited for (until it answers) unless
        ``wait`` is false."""
        script, config = self.ROLES[role]
        self.daemons[role] = self.deployment.start(script, self.configs[config], name=role)
        if role == 'api' and wait:
            harness.wait_for_api(self.endpoint, self.daemons[role])
        return self.daemons[role]

    def kill(self, role):
        """kill -9; the daemon is forgotten (start it again with start)."""
        daemon = self.daemons.pop(role)
        daemon.process.kill()
        self._forget(daemon)

    def stop(self, role):
        """A clean stop (SIGTERM)."""
        daemon = self.daemons.pop(role)
        daemon.terminate()
        self._forget(daemon)

    def _forget(self, daemon):
        daemon.terminate()
        daemon.wait_stopped(time.monotonic() + harness.STOP_TIMEOUT)
        self.deployment.daemons.remove(daemon)

    def set_up(self):
        self.deployment.set_up_cells()
        # All at once: none needs another to start (a compute whose
        # conductor is not there yet retries its registration).
        for role in self.ROLES:
            self.start(role, wait=False)
        harness.wait_for_api(self.endpoint, self.daemons['api'])

        def computes_registered():
            status, body = call(self.endpoint, 'GET', '/v2.1/os-services?binary=nova-compute')
            return status == 200 and len(body['services']) == len(HOSTS)

        def hosts_mapped():
            # nova-manage is a process of its own: run it once the computes
            # registered, not in a loop.
            self.deployment.manage('cell_v2', 'discover_hosts')
            status, body = call(self.endpoint, 'GET', '/v2.1/os-hypervisors')
            return status == 200 and len(body['hypervisors']) == len(HOSTS)
        daemons = list(self.daemons.values())
        harness.wait_until(computes_registered, 90, daemons=daemons,
                           what='both fake computes registered')
        harness.wait_until(hosts_mapped, 60, daemons=daemons, what='both fake computes mapped',
                           interval=1)
        # Quota is checked, and counted, as usual; it is only set high
        # enough for the scenario's boots.
        status, body = call(self.endpoint, 'PUT', '/v2.1/os-quota-sets/%s' % PROJECT,
                            {'quota_set': {'instances': 1000, 'cores': 1000,
                                           'ram': 1000 * FLAVOR['ram']}})
        assert status == 200, body
        status, body = call(self.endpoint, 'POST', '/v2.1/flavors', {'flavor': FLAVOR})
        assert status == 200, body
        self.flavor = body['flavor']
        image = self.deployment.raw_image(self.deployment.sdk(), 'fault')
        self.image_id = image.id

    def close(self):
        self.deployment.stop_all()

    # --- requests ---------------------------------------------------------

    def boot(self, name, host=None, timeout=60):
        """POST /servers (onto ``host`` when given); returns (status, latency)."""
        server = {'name': name, 'imageRef': self.image_id, 'flavorRef': self.flavor['id'],
                  'networks': 'none'}
        if host:
            server['availability_zone'] = 'nova:%s' % host
        started = time.monotonic()
        status, _body = call(self.endpoint, 'POST', '/v2.1/servers', {'server': server},
                             timeout=timeout)
        self._count(status)
        return status, time.monotonic() - started

    def list_servers(self, timeout=60):
        started = time.monotonic()
        status, body = call(self.endpoint, 'GET', '/v2.1/servers/detail?all_tenants=1',
                            timeout=timeout)
        self._count(status)
        return status, body, time.monotonic() - started

    def _count(self, status):
        with self._lock:
            self.statuses[status] += 1

    def server_errors(self):
        """How many answers were a 500, another 5xx (503 while a database
        or the broker is away is the right answer), and none at all."""
        other = sum(count for status, count in self.statuses.items()
                    if status and status > 500)
        return self.statuses[500], other, self.statuses[None]

    def burst(self, count, prefix, concurrency=5, host=None):
        """Boot ``count`` servers from a pool of threads; a Future of the
        list of (status, latency)."""
        pool = concurrent.futures.ThreadPoolExecutor(concurrency)
        futures = [pool.submit(self.boot, '%s-%d' % (prefix, index), host)
                   for index in range(count)]
        pool.shutdown(wait=False)
        return futures

    # --- checks ---------------------------------------------------------------

    def servers(self):
        """Every server (admin, all projects), or None while a listing fails."""
        status, body, _seconds = self.list_servers()
        return body['servers'] if status == 200 else None

    def wait_settled(self, bound):
        """Wait up to ``bound`` seconds for every server to be ACTIVE or
        ERROR; returns (servers, seconds waited)."""
        started = time.monotonic()
        servers = None
        while time.monotonic() - started < bound:
            servers = self.servers()
            if servers is not None and all(s['status'] in SETTLED for s in servers):
                break
            time.sleep(0.5)
        return servers or [], time.monotonic() - started

    def consistency(self, servers):
        """What is wrong with the ledger, the build requests and the quota
        usage given ``servers`` (settled); a dict of non-empty findings."""
        query = self.mariadb.query
        api_db = self.deployment.api_db
        found = {}
        stuck = [s['id'] for s in servers if s['status'] not in SETTLED]
        if stuck:
            found['stuck'] = stuck
        listed = collections.Counter(s['id'] for s in servers)
        duplicates = sorted(uuid for uuid, count in listed.items() if count > 1)
        if duplicates:
            # One server in two cells (buried in cell0 and placed in a cell).
            found['listed_twice'] = duplicates
        faultless = [s['id'] for s in servers if s['status'] == 'ERROR' and not s.get('fault')]
        if faultless:
            found['error_without_fault'] = faultless
        build_requests = [row[0] for row in query(
            api_db, 'SELECT instance_uuid FROM build_requests')]
        if build_requests:
            found['orphan_build_requests'] = build_requests
        claims = collections.defaultdict(dict)
        for consumer, resource_class, used in query(
                api_db, 'SELECT consumer_id, resource_class, SUM(used) FROM allocations '
                        'GROUP BY consumer_id, resource_class'):
            claims[consumer][resource_class] = int(used)
        flavor = {'VCPU': FLAVOR['vcpus'], 'MEMORY_MB': FLAVOR['ram'],
                  'DISK_GB': FLAVOR['disk']}
        active = {s['id'] for s in servers if s['status'] == 'ACTIVE'}
        leaked = sorted(set(claims) - active)
        if leaked:
            found['leaked_claims'] = leaked
        missing = sorted(active - set(claims))
        if missing:
            found['active_without_claim'] = missing
        wrong = sorted(uuid for uuid in active & set(claims) if claims[uuid] != flavor)
        if wrong:
            found['wrong_claims'] = {uuid: claims[uuid] for uuid in wrong}
        status, body = call(self.endpoint, 'GET', '/v2.1/os-quota-sets/%s/detail' % PROJECT)
        if status != 200:
            found['quota_usage'] = 'GET os-quota-sets answered %s' % status
        else:
            usage = {key: body['quota_set'][key]['in_use']
                     for key in ('instances', 'cores', 'ram')}
            expected = {'instances': len(servers), 'cores': len(servers) * FLAVOR['vcpus'],
                        'ram': len(servers) * FLAVOR['ram']}
            if usage != expected:
                found['quota_usage'] = {'in_use': usage, 'servers': expected}
        return found

    def wait_consistent(self, servers, bound=15):
        """Claims are freed asynchronously: wait up to ``bound`` seconds for
        ``consistency`` to find nothing; returns its last findings."""
        deadline = time.monotonic() + bound
        while True:
            found = self.consistency(servers)
            if not found or time.monotonic() > deadline:
                return found
            time.sleep(0.5)

    def delete_all(self, bound=60):
        """Delete every server; returns the findings left once they are gone
        (no server, no claim, no build request)."""
        for server in self.servers() or []:
            call(self.endpoint, 'DELETE', '/v2.1/servers/%s' % server['id'])
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            servers = self.servers()
            if servers == []:
                break
            time.sleep(0.5)
        return self.wait_consistent([], bound=10)


class Outcome:
    """The figures of one scenario."""

    def __init__(self, name, cloud, servers, settle_seconds, posts, **extra):
        self.name = name
        self.servers = servers
        self.settle_seconds = settle_seconds
        self.posts = posts
        self.accepted = sum(1 for status, _latency in posts if status == 202)
        self.statuses = collections.Counter(s['status'] for s in servers)
        self.findings = cloud.wait_consistent(servers)
        self.http_500, self.other_5xx, self.no_answer = cloud.server_errors()
        self.extra = extra

    def figures(self):
        counts = {key: len(value) for key, value in self.findings.items()
                  if isinstance(value, (list, dict))}
        figures = {
            'scenario': self.name, 'posts': len(self.posts), 'accepted': self.accepted,
            'servers': len(self.servers), 'active': self.statuses['ACTIVE'],
            'error': self.statuses['ERROR'], 'settle_s': round(self.settle_seconds, 1),
            'stuck': counts.get('stuck', 0),
            'orphan_build_requests': counts.get('orphan_build_requests', 0),
            'leaked_claims': counts.get('leaked_claims', 0),
            '500': self.http_500, 'other_5xx': self.other_5xx, 'no_answer': self.no_answer,
        }
        figures.update(self.extra)
        return figures


def _finish(name, cloud, futures, **extra):
    posts = [future.result() for future in futures]
    servers, seconds = cloud.wait_settled(cloud.timeouts.settle)
    return Outcome(name, cloud, servers, seconds, posts, **extra)


def _burst_with_fault(cloud, name, boots, fault):
    """Boots in flight, then ``fault()`` once a third of them were
    answered: the others are still being posted, the first ones being
    scheduled or built."""
    cloud.statuses.clear()
    futures = cloud.burst(boots, name)
    deadline = time.monotonic() + 30
    while (sum(future.done() for future in futures) < max(1, boots // 3)
           and time.monotonic() < deadline):
        time.sleep(0.05)
    fault()
    return _finish(name, cloud, futures)


def broker_restart(cloud, boots, downtime=2.0):
    return _burst_with_fault(cloud, 'broker-restart', boots,
                             lambda: cloud.rabbitmq.restart(downtime))


def database_restart(cloud, boots, downtime=2.0):
    return _burst_with_fault(cloud, 'database-restart', boots,
                             lambda: cloud.mariadb.restart(downtime))


def kill_daemon(cloud, role, boots):
    def fault():
        cloud.kill(role)
        cloud.start(role)
    return _burst_with_fault(cloud, 'kill-%s' % role, boots, fault)


def stopped_cell_conductor(cloud, boots, downtime=5.0):
    """cell1's conductor stopped while its servers boot, started again
    ``downtime`` seconds later: its servers end all the same."""
    cloud.statuses.clear()
    cloud.stop('cell1-conductor')
    futures = cloud.burst(boots, 'stopped-conductor', host=HOSTS['cell1'])
    time.sleep(downtime)
    cloud.start('cell1-conductor')
    return _finish('stopped-cell-conductor', cloud, futures)


def hung_cell_database(cloud, boots, lists=10, concurrency=5):
    """cell2's database hangs (the proxy stops relaying): lists answer
    within a bound and boots onto cell1 still end ACTIVE; once it answers
    again everything settles. Extra figures: the slowest list and the
    slowest create-to-ACTIVE in cell1 while cell2 hung."""
    cloud.statuses.clear()
    proxy = cloud.mariadb.proxy
    before = [cloud.boot('before-hang-%d' % index, HOSTS['cell2']) for index in range(2)]
    cloud.wait_settled(cloud.timeouts.settle)
    proxy.hang()
    try:
        started = time.monotonic()
        futures = cloud.burst(boots, 'hung-cell', concurrency=concurrency, host=HOSTS['cell1'])
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            listings = list(pool.map(lambda _index: cloud.list_servers(), range(lists)))
        posts = [future.result() for future in futures]
        cell1_active = _wait_cell_active(cloud, 'hung-cell', boots, cloud.timeouts.settle)
        healthy_cell_seconds = time.monotonic() - started
    finally:
        proxy.release()
    servers, seconds = cloud.wait_settled(cloud.timeouts.settle)
    return Outcome('hung-cell-database', cloud, servers, seconds, before + posts,
                   slowest_list_s=round(max(seconds for _s, _b, seconds in listings), 1),
                   list_failures=sum(1 for status, _b, _s in listings if status != 200),
                   cell1_active=cell1_active,
                   cell1_all_active_s=round(healthy_cell_seconds, 1))


def _wait_cell_active(cloud, prefix, count, bound):
    """How many servers named ``prefix-*`` were ACTIVE before all of them
    were, or ``bound`` seconds passed."""
    deadline = time.monotonic() + bound
    active = 0
    while time.monotonic() < deadline:
        servers = cloud.servers() or []
        active = sum(1 for s in servers
                     if s.get('name', '').startswith(prefix + '-') and s['status'] == 'ACTIVE')
        if active >= count:
            break
        time.sleep(0.5)
    return active
