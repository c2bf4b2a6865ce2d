"""Service, compute node, instance and migration records written straight
into a cell database of the functional ``cloud``, as the daemons would."""
import datetime

from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_common import context as nova_context
from nova_common.db.api import cells
from nova_common.db.api import compute_nodes
from nova_common.db.api import services
from nova_common.db import engines
from nova_common.db.models import main as models

TOPICS = {'nova-compute': 'compute', 'nova-scheduler': 'scheduler',
          'nova-conductor': 'conductor'}


def in_cell(cloud, cell):
    return nova_context.target_cell(cloud.admin_context, cell)


def add_service(cloud, cell, host, binary='nova-compute', up=True, map_host=True):
    """A service record; a nova-compute's host is mapped to ``cell``.
    ``up=False`` makes it a service that has been silent for an hour."""
    with in_cell(cloud, cell) as ctx:
        service = services.get_or_create(ctx, host, binary, TOPICS[binary], 1)
        if up:
            service = services.heartbeat(ctx, service['id'])
        else:
            hour_ago = timeutils.utcnow() - datetime.timedelta(hours=1)
            service = services.update(ctx, service['id'], {'created_at': hour_ago,
                                                           'last_seen_up': hour_ago})
    if binary == 'nova-compute' and map_host:
        cells.map_host(cloud.admin_context, host, cell['uuid'])
    return service


def add_node(cloud, cell, service, nodename=None, **values):
    report = {'vcpus': 8, 'memory_mb': 16384, 'local_gb': 100, 'vcpus_used': 2,
              'memory_mb_used': 2048, 'local_gb_used': 10, 'free_ram_mb': 14336,
              'free_disk_gb': 90, 'running_vms': 1, 'hypervisor_type': 'fake',
              'hypervisor_version': 1000, 'host_ip': '192.168.1.10',
              'cpu_info': '{"arch": "x86_64", "model": "fake", "vendor": "fake"}',
              'service_id': service['id']}
    report.update(values)
    with in_cell(cloud, cell) as ctx:
        return compute_nodes.upsert(ctx, service['host'], nodename or service['host'], report)


def add_instance(cloud, cell, host, deleted=False):
    """An instance row on ``host``; returns (id, uuid)."""
    with in_cell(cloud, cell) as ctx:
        with engines.cell_writer(ctx) as session:
            row = models.Instance(uuid=uuidutils.generate_uuid(), host=host, node=host,
                                  vm_state='active', display_name='vm',
                                  project_id='demo', user_id='demo')
            session.add(row)
            session.flush()
            if deleted:
                row.deleted = row.id
            return row.id, row.uuid


def add_migration(cloud, cell, source, status, migration_type='migration', dest=None):
    with in_cell(cloud, cell) as ctx:
        with engines.cell_writer(ctx) as session:
            session.add(models.Migration(
                uuid=uuidutils.generate_uuid(), source_compute=source, source_node=source,
                dest_compute=dest, dest_node=dest, status=status,
                migration_type=migration_type))


def set_heartbeat_age(cloud, cell, service, seconds):
    """Make the last heartbeat of ``service`` ``seconds`` old."""
    when = timeutils.utcnow() - datetime.timedelta(seconds=seconds)
    with in_cell(cloud, cell) as ctx:
        return services.update(ctx, service['id'], {'last_seen_up': when})
