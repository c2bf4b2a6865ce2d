"""Following one request through separate daemons over RabbitMQ and
MariaDB (fake driver): a server booted, stopped and deleted.

- Versioned notifications: a listener on the ``versioned_notifications``
  topic of the real broker gets instance.create/power_off/delete .start
  and .end, in order, from ``nova-compute:<host>``, each payload Nova's
  InstanceActionPayload / InstanceCreatePayload carrying the id of the
  request that caused it (in the payload and the context).
- One request id everywhere: the boot's ``x-openstack-request-id`` is on
  lines of every daemon's log (API, super-conductor, scheduler, cell
  conductor, compute), and ``nova-manage logs request`` collects them in
  time order.
"""
import re
import threading

from oslo_config import cfg
import oslo_messaging as messaging
import pytest

from tests.integration import conftest
from tests.integration import harness

HOST = 'trace-compute'
VERSION = '2.48'


class Collector:
    """A notification endpoint keeping what it hears."""

    def __init__(self):
        self.lock = threading.Lock()
        self.heard = []

    def _keep(self, priority, ctxt, publisher_id, event_type, payload):
        with self.lock:
            self.heard.append({'priority': priority, 'context': ctxt,
                               'publisher_id': publisher_id, 'event_type': event_type,
                               'payload': payload})

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep('INFO', ctxt, publisher_id, event_type, payload)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep('ERROR', ctxt, publisher_id, event_type, payload)

    def about(self, uuid):
        with self.lock:
            return [note for note in self.heard
                    if note['payload'].get('nova_object.data', {}).get('uuid') == uuid]


@pytest.fixture(scope='module')
def cloud(tmp_path_factory, rabbitmq, mariadb):
    deployment = conftest.Deployment(tmp_path_factory.mktemp('trace'), rabbitmq, mariadb)
    # Every daemon sends its notifications to the API-level bus (a compute's
    # own transport_url is its cell's) and logs at DEBUG to its log file.
    notifications = {'driver': 'messagingv2',
                     'transport_url': deployment.api_transport_url}
    top = deployment.top_sections()
    top['DEFAULT']['debug'] = 'true'
    top['oslo_messaging_notifications'] = notifications
    top_config = deployment.write_config('nova-top-trace.conf', top)
    cell = deployment.cells['cell1']
    cell_conductor_config = deployment.write_config('nova-cell1-conductor-trace.conf', {
        'DEFAULT': dict(conftest.LIVENESS, transport_url=cell.transport_url,
                        host='cell1-conductor', debug='true'),
        'api_database': {'connection': deployment.api_db},
        'database': {'connection': cell.db},
        'oslo_messaging_notifications': notifications})
    compute_config = deployment.write_config('nova-compute-trace.conf', {
        'DEFAULT': dict(conftest.LIVENESS, transport_url=cell.transport_url, host=HOST,
                        compute_driver='fake', debug='true'),
        'compute': {'resource_update_interval': 2},
        'oslo_messaging_notifications': notifications})
    with deployment:
        deployment.set_up_cells()
        api = deployment.start('nova-api', top_config)
        deployment.start('nova-conductor', top_config, name='super-conductor')
        deployment.start('nova-scheduler', top_config)
        deployment.start('nova-conductor', cell_conductor_config, name='cell1-conductor')
        deployment.start('nova-compute', compute_config, name=HOST)
        harness.wait_for_api(deployment.endpoint, api)
        yield deployment


@pytest.fixture(scope='module')
def collector(cloud):
    """A listener on the API-level vhost, started before any server exists."""
    conf = cfg.ConfigOpts()
    conf([])
    transport = messaging.get_notification_transport(conf, url=cloud.api_transport_url)
    endpoint = Collector()
    listener = messaging.get_notification_listener(
        transport, [messaging.Target(topic='versioned_notifications', exchange='nova')],
        [endpoint], executor='threading')
    listener.start()
    try:
        yield endpoint
    finally:
        listener.stop()
        listener.wait()
        transport.cleanup()


def _request_id(response):
    request_id = response.headers['x-openstack-request-id']
    assert re.fullmatch(r'req-[0-9a-f-]{36}', request_id)
    return request_id


def _status(sdk, uuid):
    response = sdk.compute.get('/servers/%s' % uuid, microversion=VERSION)
    if response.status_code == 404:
        return None
    server = response.json()['server']
    return server['status'] if server['OS-EXT-STS:task_state'] is None else 'BUSY'


def test_notifications_and_request_ids_across_daemons(cloud, collector, mariadb):
    sdk = cloud.sdk()
    cloud.wait_for_nodes(sdk, [HOST])
    image = cloud.raw_image(sdk, 'trace')
    flavor = sdk.compute.create_flavor(name='trace.small', ram=256, vcpus=1, disk=1)

    def wait_status(uuid, status):
        harness.wait_until(lambda: _status(sdk, uuid) == status, 60, daemons=cloud.daemons,
                           what='server %s to be %s' % (uuid, status))

    boot = sdk.compute.post('/servers', microversion=VERSION, json={'server': {
        'name': 'traced', 'imageRef': image.id, 'flavorRef': flavor.id,
        'networks': 'none'}})
    assert boot.status_code == 202, boot.text
    uuid = boot.json()['server']['id']
    boot_id = _request_id(boot)
    wait_status(uuid, 'ACTIVE')
    stop = sdk.compute.post('/servers/%s/action' % uuid, json={'os-stop': None},
                            microversion=VERSION)
    assert stop.status_code == 202, stop.text
    stop_id = _request_id(stop)
    wait_status(uuid, 'SHUTOFF')
    delete = sdk.compute.delete('/servers/%s' % uuid, microversion=VERSION)
    assert delete.status_code == 204, delete.text
    delete_id = _request_id(delete)
    wait_status(uuid, None)

    expected = [('instance.create.start', boot_id), ('instance.create.end', boot_id),
                ('instance.power_off.start', stop_id), ('instance.power_off.end', stop_id),
                ('instance.delete.start', delete_id), ('instance.delete.end', delete_id)]
    harness.wait_until(lambda: len(collector.about(uuid)) >= len(expected), 30,
                       what='the notifications of server %s' % uuid)
    heard = collector.about(uuid)
    assert [(note['event_type'], note['payload']['nova_object.data']['request_id'])
            for note in heard] == expected
    for note in heard:
        assert (note['priority'], note['publisher_id']) == ('INFO', 'nova-compute:%s' % HOST)
        assert note['context']['request_id'] == note['payload']['nova_object.data'][
            'request_id']
        assert note['payload']['nova_object.namespace'] == 'nova'
    names = [note['payload']['nova_object.name'] for note in heard]
    assert names == ['InstanceCreatePayload'] * 2 + ['InstanceActionPayload'] * 4
    created = heard[1]['payload']['nova_object.data']
    assert (created['uuid'], created['display_name'], created['host']) == (
        uuid, 'traced', HOST)
    assert (created['state'], created['power_state'], created['task_state']) == (
        'active', 'running', None)
    assert created['image_uuid'] == image.id and created['launched_at']
    assert created['tenant_id'] == created['action_initiator_project']
    assert created['flavor']['nova_object.name'] == 'FlavorPayload'
    assert created['flavor']['nova_object.data']['name'] == 'trace.small'
    assert created['fault'] is None and created['instance_name']
    stopped = heard[3]['payload']['nova_object.data']
    assert (stopped['state'], stopped['power_state']) == ('stopped', 'shutdown')
    assert heard[5]['payload']['nova_object.data']['state'] == 'deleted'

    # The boot's id is on lines of every daemon's log.
    logs = {daemon.name: daemon.log_path.read_text(errors='replace')
            for daemon in cloud.daemons}
    assert set(logs) == {'nova-api', 'super-conductor', 'nova-scheduler',
                         'cell1-conductor', HOST}
    for name, text in logs.items():
        assert boot_id in text, '%s logged no line of request %s' % (name, boot_id)

    # nova-manage collects them, every daemon's, in time order.
    out = cloud.manage('logs', 'request', boot_id, '--log-dir', cloud.workdir).stdout
    lines = out.splitlines()
    assert {line.split(': ', 1)[0] for line in lines} == {
        '%s.log' % name for name in logs}
    stamps = [line.split(': ', 1)[1][:23] for line in lines]
    assert stamps == sorted(stamps)
    # Every record it prints is the boot's (other lines are their tracebacks).
    records = [line for line in lines if re.match(r'\S+: \S+ \S+ \d+ [A-Z]+ \S+ \[', line)]
    assert records and all(boot_id in line for line in records)
    assert not [line for line in lines if stop_id in line or delete_id in line]
