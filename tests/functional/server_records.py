"""Servers written straight into the functional ``cloud``'s databases, as
the API and the conductor would write them: instances in a cell (with
their mapping and request spec), and build requests not yet in a cell."""
import datetime

from oslo_utils import uuidutils

from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import build_requests
from nova_common.db.api import cells
from nova_common.db.api import instance_mappings
from nova_common.db.api import instances
from nova_common.db.api import request_specs
from tests.functional import migrated_sqlite

BASE_TIME = datetime.datetime(2024, 1, 1, 12, 0, 0)
IMAGE_ID = '70a599e0-31e7-49b7-b260-868f441e862b'

FLAVOR = {'id': 1, 'flavorid': '1', 'name': 'm1.tiny', 'memory_mb': 512, 'vcpus': 1,
          'root_gb': 1, 'ephemeral_gb': 0, 'swap': 0, 'rxtx_factor': 1.0, 'is_public': True,
          'description': None, 'extra_specs': {'hw:cpu_policy': 'shared'}}


def at(minutes):
    """A creation time ``minutes`` after BASE_TIME (lists sort by it)."""
    return BASE_TIME + datetime.timedelta(minutes=minutes)


def instance_values(project='demo', user='demo', minutes=0, **values):
    uuid = values.pop('uuid', None) or uuidutils.generate_uuid()
    instance = {
        'uuid': uuid, 'display_name': 'server-%s' % uuid[:8], 'hostname': 'server',
        'project_id': project, 'user_id': user, 'image_ref': IMAGE_ID,
        'flavor': dict(FLAVOR), 'instance_type_id': FLAVOR['id'],
        'vm_state': states.ACTIVE, 'task_state': None, 'power_state': states.RUNNING,
        'metadata': {}, 'system_metadata': {}, 'tags': [], 'networks': 'none',
        'reservation_id': 'r-%s' % uuid[:8], 'launch_index': 0, 'locked': False,
        'config_drive': '', 'progress': 0,
        'created_at': at(minutes), 'updated_at': at(minutes),
    }
    instance.update(values)
    return instance


def spec_for(instance, zone=None, hints=None):
    return {'instance_uuid': instance['uuid'], 'project_id': instance['project_id'],
            'user_id': instance['user_id'], 'flavor': instance['flavor'],
            'image': {'id': instance['image_ref']} if instance['image_ref'] else None,
            'availability_zone': zone, 'scheduler_hints': hints or {}, 'num_instances': 1}


def add_server(cloud, cell=None, zone=None, hints=None, **values):
    """An instance in ``cell`` (cell1 by default) with its mapping and
    request spec; returns the instance dict."""
    cell = cell or cloud.cell1
    wanted = instance_values(**values)
    with nova_context.target_cell(cloud.admin_context, cell) as cell_context:
        instance = instances.create(cell_context, wanted)
    instance_mappings.create(cloud.admin_context, instance['uuid'], instance['project_id'],
                             instance['user_id'], cell_uuid=cell['uuid'])
    request_specs.create(cloud.admin_context, spec_for(wanted, zone, hints))
    return instance


def add_build_request(cloud, **values):
    """A server the API accepted and no cell holds yet."""
    wanted = instance_values(vm_state=states.BUILDING, task_state=states.SCHEDULING,
                             power_state=states.NOSTATE, **values)
    build_requests.create(cloud.admin_context, wanted, wanted['tags'])
    instance_mappings.create(cloud.admin_context, wanted['uuid'], wanted['project_id'],
                             wanted['user_id'])
    request_specs.create(cloud.admin_context, spec_for(wanted))
    return wanted


def in_cell(cloud, cell=None):
    return nova_context.target_cell(cloud.admin_context, cell or cloud.cell1)


def add_cell(cloud, name, database_connection=None):
    """Another cell; with no connection, a migrated SQLite file."""
    if database_connection is None:
        database_connection = 'sqlite:///%s/%s.db' % (cloud.data_dir, name)
        migrated_sqlite.upgrade('main', database_connection)
    return cells.create_cell(cloud.admin_context, name, database_connection, 'fake:/')
