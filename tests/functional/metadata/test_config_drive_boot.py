"""Config drives through the whole boot path on the fake driver: asked for
on create (or forced by [DEFAULT] force_config_drive), the super-conductor
sends the server's metadata with the build and the compute's driver gets
the drive's files; bad input is refused with nothing left behind."""
import base64

from oslo_serialization import jsonutils

from nova_common.conf import CONF
from tests.functional.metadata import helpers
from tests.functional.test_boot_path import leftovers
from tests.functional.test_keypairs import PUBLIC_KEY
from tests.functional.test_power_actions import running  # noqa: F401 - the fixture
from tests.functional.test_power_actions import show
from tests.functional.test_power_actions import VERSION
from tests.functional.cloud_helpers import wait_for


def _drive(cloud, uuid):
    return cloud.compute.manager.driver.guests[uuid]['config_drive']


def test_config_drive_carries_both_trees(running):  # noqa: F811
    net = helpers.network(running)
    server = helpers.boot(running, net, config_drive=True)
    assert server['config_drive'] == 'True'
    files = _drive(running, server['id'])
    meta = jsonutils.loads(files['openstack/latest/meta_data.json'])
    assert meta['uuid'] == server['id'] and meta['hostname'] == 'vm1'
    assert meta['public_keys'] == {'k1': PUBLIC_KEY} and meta['meta'] == {'role': 'web'}
    assert files['openstack/latest/user_data'] == helpers.USER_DATA
    assert files['openstack/2012-08-10/user_data'] == helpers.USER_DATA
    assert jsonutils.loads(files['openstack/latest/vendor_data2.json']) == {}
    [address] = server['addresses']['net1']
    network_data = jsonutils.loads(files['openstack/latest/network_data.json'])
    assert network_data['networks'][0]['ip_address'] == address['addr']
    assert network_data['links'][0]['ethernet_mac_address'] == address[
        'OS-EXT-IPS-MAC:mac_addr']
    # The guest posts its password to the service: none on the drive.
    assert not [path for path in files if path.endswith('/password')]
    ec2 = jsonutils.loads(files['ec2/latest/meta-data.json'])
    assert ec2['public-keys'] == {'0': {'openssh-key': PUBLIC_KEY}}
    assert ec2['local-ipv4'] == address['addr'] and ec2['hostname'] == 'vm1'
    assert files['ec2/2009-04-04/user-data'] == helpers.USER_DATA


def test_no_drive_unless_asked_or_forced(running):  # noqa: F811
    plain = helpers.boot(running, key_name=None)
    assert plain['config_drive'] == '' and _drive(running, plain['id']) is None
    CONF.set_override('force_config_drive', True)
    forced = helpers.boot(running, key_name=None, config_drive=False)
    assert forced['config_drive'] == 'True'
    files = _drive(running, forced['id'])
    meta = jsonutils.loads(files['openstack/latest/meta_data.json'])
    assert 'public_keys' not in meta and meta['uuid'] == forced['id']
    assert jsonutils.loads(files['openstack/latest/network_data.json']) == {
        'links': [], 'networks': [], 'services': []}


def test_bad_user_data_or_config_drive_is_400_and_leaves_nothing(running):  # noqa: F811
    before = leftovers(running)
    server = {'name': 'bad', 'imageRef': running.image_id, 'flavorRef': 'small',
              'networks': 'none'}
    too_big = base64.b64encode(b'x' * 49152).decode()
    assert len(too_big) > 65535
    for extra in ({'user_data': too_big}, {'user_data': 'not base64!'},
                  {'config_drive': 'maybe'}):
        response = running.post('/v2.1/servers', {'server': dict(server, **extra)},
                                token=helpers.DEMO, version=VERSION, status=400)
        assert response.json['badRequest']['code'] == 400
    # The most that fits (65535 characters, as Nova) is fine.
    at_limit = base64.b64encode(b'x' * 49149).decode()
    assert len(at_limit) == 65532
    assert leftovers(running) == before
    uuid = running.post('/v2.1/servers', {'server': dict(server, user_data=at_limit)},
                        token=helpers.DEMO, version=VERSION, status=202).json['server']['id']
    wait_for(lambda: show(running, uuid)['status'] == 'ACTIVE', what='the server')
