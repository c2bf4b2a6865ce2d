"""Helpers of the functional tests that run the services in-process:
waiting for a condition (a server's status), the flavor and image a boot
needs, and a cloud with a compute on each of several hosts."""
import contextlib
import time

from keystonemiddleware import auth_token
import oslo_messaging as messaging
from oslo_messaging.notify import _impl_test as test_notifications

from nova_common.cmd import conductor as conductor_cmd
from nova_common.cmd import scheduler as scheduler_cmd
from nova_common.conf import CONF
from nova_common.db.api import cells
from nova_common import service
from nova_compute import manager as compute_manager
from nova_compute import rpcapi as compute_rpcapi


def wait_for(predicate, timeout=20, what='condition'):
    """Poll ``predicate`` until it returns something true; return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError('timed out waiting for %s' % what)


def show(cloud, uuid, version='2.90', token='admin:admin'):
    """The server ``uuid`` as GET /servers/{id} answers it."""
    return cloud.get('/v2.1/servers/%s' % uuid, token=token, version=version).json['server']


def settled(cloud, uuid, status, timeout=20):
    """The server once it has ``status`` and no task."""
    def check():
        server = show(cloud, uuid)
        return (server['status'] == status and server['OS-EXT-STS:task_state'] is None
                and server)
    return wait_for(check, timeout=timeout, what='server %s to be %s' % (uuid, status))


def add_flavor_and_image(cloud, token='admin:admin'):
    """Flavor ``small`` (512 MB, 1 vCPU, 1 GB) and a public active image,
    whose id becomes ``cloud.image_id``."""
    cloud.post('/v2.1/flavors', {'flavor': {'name': 'small', 'ram': 512, 'vcpus': 1,
                                            'disk': 1, 'id': 'small'}}, status=200)
    image = cloud.post('/image/v2/images', {'name': 'img', 'disk_format': 'raw',
                                            'visibility': 'public',
                                            'container_format': 'bare'}, status=201).json
    cloud.app.put('/image/v2/images/%s/file' % image['id'], b'x' * 100,
                  headers={'X-Auth-Token': token,
                           'Content-Type': 'application/octet-stream'})
    cloud.image_id = image['id']


def compute_service(host, manager_class=compute_manager.ComputeManager, **manager_kwargs):
    """The nova-compute service of ``host`` (its manager made by
    ``manager_class(host, **manager_kwargs)``), reporting through its conductor."""
    manager = manager_class(host, **manager_kwargs)
    return service.Service('nova-compute', compute_rpcapi.TOPIC, manager,
                           service.ConductorReporter(manager.conductor_api), host=host)


@contextlib.contextmanager
def computes_on_hosts(cloud, hosts, new_compute=compute_service, flavors=(),
                      token='admin:admin'):
    """``cloud`` with a conductor, a scheduler and a compute (one fake node
    of 4 GB, made by ``new_compute(host)``) on each of ``hosts``, versioned
    notifications kept by the test driver, the flavor and image of
    add_flavor_and_image and the extra ``flavors`` (bodies of POST
    /flavors); ``cloud.computes``: host -> service. On exit it stops the
    computes then in ``cloud.computes`` (a test may have replaced one),
    the scheduler and the conductor."""
    CONF.set_override('report_interval', 1)
    CONF.set_override('nodes', 1, group='fake_driver')
    CONF.set_override('memory_mb', 4096, group='fake_driver')
    CONF.set_override('periodic_task_interval', 1, group='scheduler')
    messaging.get_notification_transport(CONF)
    CONF.set_override('driver', ['test'], group='oslo_messaging_notifications')
    test_notifications.reset()
    for host in hosts:
        cells.map_host(cloud.admin_context, host, cloud.cell1['uuid'])
    controllers = [conductor_cmd.build_service(), scheduler_cmd.build_service()]
    cloud.computes = {host: new_compute(host) for host in hosts}
    try:
        for daemon in controllers + list(cloud.computes.values()):
            daemon.start()
        wait_for(lambda: len(cloud.get('/v2.1/os-hypervisors').json['hypervisors'])
                 == len(hosts), what='the fake nodes')
        add_flavor_and_image(cloud, token=token)
        for flavor in flavors:
            cloud.post('/v2.1/flavors', {'flavor': flavor}, token=token, status=200)
        yield cloud
    finally:
        for daemon in list(cloud.computes.values())[::-1] + controllers[::-1]:
            daemon.stop()


def use_keystone_auth():
    """auth_strategy = keystone, with keystonemiddleware's options
    registered and a Keystone address for its 401s."""
    CONF.set_override('auth_strategy', 'keystone', group='api')
    for group, opts in auth_token.list_opts():
        CONF.register_opts(opts, group=group)
    CONF.set_override('www_authenticate_uri', 'http://keystone.test/identity',
                      group='keystone_authtoken')
