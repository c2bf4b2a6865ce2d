"""Fuzz every route of the compute API, the image API (/image) and the
network API (/network), bounded and deterministic: no answer is a 5xx,
every error is in the API's own fault format (Nova's, Glance's, Neutron's),
nothing longer than its column reaches the database, and a refused write
to /image or /network leaves their state as it was."""
import sqlalchemy as sa

from nova_common.db.models import api as api_models
from nova_common.db.models import main as main_models
from tests.functional.api_fuzzer import Fuzzer
from tests.functional.cloud_helpers import add_flavor_and_image
from tests.functional.network import helpers as network_helpers
from tests.functional import service_fuzz_surfaces as surfaces

# The widest value a signed 32-bit INTEGER column holds (MySQL refuses more).
MAX_INT = 0x7FFFFFFF
SEED = 20261203
REQUESTS = 3000
SECONDS = 20
TOKENS = ['admin:admin', 'demo:demo', 'other:other', None, 'x' * 5000, 'y' * 255]
# The image and network APIs get fewer requests: most of them with a token.
SERVICE_TOKENS = TOKENS[:3] * 2 + TOKENS[3:]
IMAGE_REQUESTS, IMAGE_SECONDS = 3000, 8
NETWORK_REQUESTS, NETWORK_SECONDS = 1500, 12


def _resources(cloud):
    """Real ids for the path variables, so that requests get past lookups."""
    add_flavor_and_image(cloud)
    cloud.post('/v2.1/flavors/small/os-extra_specs',
               {'extra_specs': {'hw:cpu_policy': 'shared'}}, status=200)
    cloud.post('/v2.1/os-keypairs', {'keypair': {'name': 'key-1'}}, token='demo:demo',
               status=200)
    server = cloud.post('/v2.1/servers', {'server': {
        'name': 'vm', 'imageRef': cloud.image_id, 'flavorRef': 'small', 'networks': 'none'}},
        token='demo:demo', version='2.90', status=202).json['server']
    return {
        'flavor_id': ['small', '1'], 'key': ['hw:cpu_policy', 'key1'],
        'keypair_name': ['key-1'], 'service_id': ['1'], 'hypervisor_id': ['1'],
        'pattern': ['test-host'], 'project_id': ['admin', 'demo'],
        'class_name': ['default'], 'server_id': [server['id']],
        'request_id': ['req-00000000-0000-0000-0000-000000000000'], 'tag': ['tag1'],
    }


def _overflowing_values(url, metadata):
    """Values SQLite stored although MySQL would refuse them: strings longer
    than their column, integers beyond a 32-bit INTEGER column."""
    engine = sa.create_engine(url)
    found = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, sa.String) and column.type.length:
                    too_big = sa.func.length(column) > column.type.length
                elif type(column.type) is sa.Integer:
                    too_big = sa.or_(column > MAX_INT, column < -MAX_INT - 1)
                else:
                    continue
                count = connection.execute(
                    sa.select(sa.func.count()).select_from(table).where(too_big)).scalar()
                if count:
                    found.append('%s.%s: %d rows' % (table.name, column.name, count))
    engine.dispose()
    return found


def _assert_clean_run(cloud, fuzzer, requests, seconds, minimum):
    try:
        problems = fuzzer.run(requests, seconds)
    finally:
        getattr(fuzzer.surface, 'close', lambda: None)()
    assert fuzzer.count >= minimum, 'too few requests in the time allowed'
    missed = fuzzer.missed_routes()
    assert not missed, 'routes never requested: %s' % missed
    assert not problems, '%d of %d requests went wrong:\n%s' % (
        len(problems), fuzzer.count, '\n'.join(problems[:40]))
    overflowing = (_overflowing_values(cloud.api_db, api_models.BASE.metadata) +
                   _overflowing_values(cloud.cell1_db, main_models.BASE.metadata))
    assert not overflowing, 'values past their column got to the database: %s' % overflowing


def test_no_route_answers_a_server_error_or_a_foreign_body(cloud):
    fuzzer = Fuzzer(cloud.app, _resources(cloud), tokens=TOKENS, seed=SEED)
    _assert_clean_run(cloud, fuzzer, REQUESTS, SECONDS, minimum=500)


def _image_resources(cloud):
    """A private, a shared and a public image, one of them with data."""
    ids = []
    for token, visibility in (('demo:demo', 'private'), ('demo:demo', 'shared'),
                              ('admin:admin', 'public')):
        image = cloud.post('/image/v2/images', {
            'name': visibility, 'visibility': visibility, 'disk_format': 'raw',
            'container_format': 'bare', 'tags': ['tag1']}, token=token, status=201).json
        ids.append(image['id'])
    cloud.app.put('/image/v2/images/%s/file' % ids[0], params=b'data', headers={
        'X-Auth-Token': 'demo:demo', 'Content-Type': 'application/octet-stream'})
    return {'image_id': ids, 'tag': ['tag1', 'other'],
            'name': ['image', 'images', 'member', 'members']}


def test_no_image_route_answers_a_server_error_or_a_foreign_body(cloud):
    fuzzer = Fuzzer(cloud.app, _image_resources(cloud), tokens=SERVICE_TOKENS, seed=SEED,
                    surface=surfaces.ImageSurface(cloud.data_dir / 'images'))
    _assert_clean_run(cloud, fuzzer, IMAGE_REQUESTS, IMAGE_SECONDS, minimum=200)


def _network_resources(cloud):
    """A network with a subnet and a port (in the default group), and
    attribute values that get past validation."""
    net = network_helpers.network(cloud)
    subnet = network_helpers.subnet(cloud, net['id'])
    port = network_helpers.port(cloud, net['id'])
    rules = network_helpers.call(cloud, 'GET', '/security-group-rules').json
    return {'network_id': [net['id']], 'subnet_id': [subnet['id']], 'port_id': [port['id']],
            'group_id': [port['security_groups'][0]],
            'rule_id': [rule['id'] for rule in rules['security_group_rules']][:2],
            'project_id': ['demo', 'admin', 'other'], 'alias': ['quotas', 'security-group'],
            'address': surfaces.ADDRESS_LIKE}


def test_no_network_route_answers_a_server_error_or_a_foreign_body(cloud):
    fuzzer = Fuzzer(cloud.app, _network_resources(cloud), tokens=SERVICE_TOKENS, seed=SEED,
                    surface=surfaces.NetworkSurface(cloud.api_db))
    _assert_clean_run(cloud, fuzzer, NETWORK_REQUESTS, NETWORK_SECONDS, minimum=200)
