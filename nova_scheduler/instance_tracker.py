"""The live instances of each compute node of a cell, kept up to date
incrementally for ``HostState.instances``.

A refresh reads the instance rows that changed since the previous one (a
deleted instance drops out) and the metadata of every instance whose
instance_metadata rows changed: a metadata write does not move the
instance's own updated_at, and metadata items are soft-deleted, so a
removed item shows up as a changed row too. A full read takes every live
instance that has a host.

Each node's dict is replaced, never changed in place, when one of its
instances changes: a HostState handed out earlier keeps a consistent
snapshot while the next refresh runs.
"""
import itertools

import sqlalchemy as sa

from nova_common import compute_states as states
from nova_common.db.models import main as models

INSTANCES = models.Instance.__table__
METADATA = models.InstanceMetadata.__table__

# What Nova's compute stats count as "io_workload": builds, and these tasks.
IO_HEAVY_TASK_STATES = frozenset((states.REBUILDING, states.RESIZE_PREP, 'resize_migrating',
                                  'image_snapshot', 'image_backup', 'rescuing', 'unshelving'))

# Instance uuids per IN (...) of a metadata read.
_BATCH = 500

_COLUMNS = (INSTANCES.c.uuid, INSTANCES.c.host, INSTANCES.c.node, INSTANCES.c.vm_state,
            INSTANCES.c.task_state, INSTANCES.c.project_id, INSTANCES.c.deleted)


def _changed_since(table, since):
    """Rows created or updated since ``since``. Every write stamps
    updated_at, soft deletes included, so deleted_at need not be looked at;
    on instances both columns are indexed, and a refresh that finds nothing
    new reads no row."""
    return (table.c.created_at >= since) | (table.c.updated_at >= since)


def _metadata_of(session, uuids):
    """{uuid: {key: value}} of the live metadata of ``uuids``."""
    found = {uuid: {} for uuid in uuids}
    uuids = sorted(uuids)
    for start in range(0, len(uuids), _BATCH):
        query = sa.select(METADATA.c.instance_uuid, METADATA.c.key, METADATA.c.value).where(
            METADATA.c.instance_uuid.in_(uuids[start:start + _BATCH]),
            METADATA.c.deleted == 0).order_by(METADATA.c.id)
        for uuid, key, value in session.execute(query):
            found[uuid][key] = value
    return found


def _all_metadata(session):
    """{uuid: {key: value}} of every live instance with a host."""
    found = {}
    query = (sa.select(METADATA.c.instance_uuid, METADATA.c.key, METADATA.c.value)
             .select_from(METADATA.join(INSTANCES, INSTANCES.c.uuid == METADATA.c.instance_uuid))
             .where(METADATA.c.deleted == 0, INSTANCES.c.deleted == 0,
                    INSTANCES.c.host.isnot(None))
             .order_by(METADATA.c.id))
    for uuid, key, value in session.execute(query):
        found.setdefault(uuid, {})[key] = value
    return found


def _split(rows):
    """(info of each live instance with a host, uuids of the others)."""
    live, gone = [], []
    for row in rows:
        info = row._asdict()
        if info.pop('deleted') or not info['host']:
            gone.append(info['uuid'])
        else:
            live.append(info)
    return live, gone


def read(session, since):
    """(live instances, uuids of instances gone, {uuid: metadata}) of the
    cell, changed since ``since``; every live instance with a host, with
    its metadata, when None. A live instance is {'uuid', 'host', 'node',
    'vm_state', 'task_state', 'project_id'}; gone ones were deleted or
    left their host."""
    if since is None:
        live, gone = _split(session.execute(
            sa.select(*_COLUMNS).where(INSTANCES.c.deleted == 0, INSTANCES.c.host.isnot(None))))
        return live, gone, _all_metadata(session)
    live, gone = _split(session.execute(
        sa.select(*_COLUMNS).where(_changed_since(INSTANCES, since))))
    touched = {uuid for (uuid,) in session.execute(
        sa.select(METADATA.c.instance_uuid).where(_changed_since(METADATA, since)).distinct())}
    touched.update(info['uuid'] for info in live)
    return live, gone, _metadata_of(session, touched)


def io_ops(instances):
    """How many of ``instances`` are doing I/O-heavy work, as Nova's
    compute stats count it (io_workload)."""
    return sum(1 for info in instances.values()
               if info['vm_state'] == states.BUILDING
               or info['task_state'] in IO_HEAVY_TASK_STATES)


class Instances(dict):
    """One node's instances ({uuid: info}) with ``io_ops`` counted once, not
    on every request."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.io_ops = io_ops(self)


def io_ops_of(instances):
    """``io_ops`` of ``instances``, counted when it is a plain dict."""
    if isinstance(instances, Instances):
        return instances.io_ops
    return io_ops(instances)


class NodeInstances:
    """One cell's live instances: {(host, node): {uuid: info}}, where info
    is {'uuid', 'host', 'node', 'vm_state', 'task_state', 'project_id',
    'metadata'}."""

    def __init__(self):
        self.by_node = {}
        self._located = {}

    def of_node(self, host, nodename):
        return self.by_node.get((host, nodename), {})

    def apply(self, live, gone, metadata, full):
        """Take in what ``read`` returned. Readers may look at the same time:
        a full read is built aside and swapped in whole."""
        by_node = {} if full else self.by_node
        if full:
            self._located = {}
        copied = set()

        def writable(key):
            if key not in copied:
                by_node[key] = dict(by_node.get(key, ()))
                copied.add(key)
            return by_node[key]

        for uuid in itertools.chain(gone, (info['uuid'] for info in live)):
            previous = self._located.pop(uuid, None)
            if previous is not None:
                del writable(previous)[uuid]
        for info in live:
            uuid = info['uuid']
            key = (info['host'], info['node'])
            info['metadata'] = metadata.get(uuid, {})
            writable(key)[uuid] = info
            self._located[uuid] = key
        for uuid, items in metadata.items():
            key = self._located.get(uuid)
            if key is not None and by_node[key][uuid]['metadata'] != items:
                writable(key)[uuid] = dict(by_node[key][uuid], metadata=items)
        for key in copied:
            by_node[key] = Instances(by_node[key])
        self.by_node = by_node
