"""Fuzz every route of the compute API (bounded, deterministic): no answer
is a 5xx, and every error is Nova's fault body."""
import sqlalchemy as sa

from nova_common.db.models import api as api_models
from nova_common.db.models import main as main_models
from tests.functional.api_fuzzer import Fuzzer
from tests.functional.cloud_helpers import add_flavor_and_image

# The widest value a signed 32-bit INTEGER column holds (MySQL refuses more).
MAX_INT = 0x7FFFFFFF
SEED = 20261203
REQUESTS = 3000
SECONDS = 20


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


def test_no_route_answers_a_server_error_or_a_foreign_body(cloud):
    fuzzer = Fuzzer(cloud.app, _resources(cloud),
                    tokens=['admin:admin', 'demo:demo', 'other:other', None, 'x' * 5000],
                    seed=SEED)
    problems = fuzzer.run(REQUESTS, SECONDS)
    assert fuzzer.count >= 500, 'too few requests in the time allowed'
    missed = {route[:2] for route in fuzzer.routes} - fuzzer.requested
    assert not missed, 'routes never requested: %s' % sorted(missed)
    assert not problems, '%d of %d requests went wrong:\n%s' % (
        len(problems), fuzzer.count, '\n'.join(problems[:40]))
    overflowing = (_overflowing_values(cloud.api_db, api_models.BASE.metadata) +
                   _overflowing_values(cloud.cell1_db, main_models.BASE.metadata))
    assert not overflowing, 'values past their column got to the database: %s' % overflowing
