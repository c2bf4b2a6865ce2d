"""Server groups (instance_groups) and their members in the API database.

A group leaves as {id, uuid, name, project_id, user_id, policy, rules
({} or {'max_server_per_host': n}), members ([instance uuid] in the order
they joined)}. A server joins its group when its build request is written
and leaves it when it is deleted; a server in ERROR stays a member.

``claim_conflict`` is the policy check the resource ledger runs inside a
claim's transaction (see ledger.claim): it is what keeps parallel creates
into one group from breaking the group's policy.
"""
from oslo_serialization import jsonutils
from oslo_utils import uuidutils
from sqlalchemy import func

from nova_common.db import engines
from nova_common.db.models import api as models
from nova_common import exception

AFFINITY = 'affinity'
ANTI_AFFINITY = 'anti-affinity'
SOFT_AFFINITY = 'soft-affinity'
SOFT_ANTI_AFFINITY = 'soft-anti-affinity'
POLICIES = (AFFINITY, ANTI_AFFINITY, SOFT_AFFINITY, SOFT_ANTI_AFFINITY)


def max_server_per_host(group):
    """How many members of an anti-affinity group one host may hold."""
    return int((group.get('rules') or {}).get('max_server_per_host', 1))


def _members_by_group(session, group_ids):
    members = {group_id: [] for group_id in group_ids}
    if group_ids:
        rows = (session.query(models.InstanceGroupMember)
                .filter(models.InstanceGroupMember.group_id.in_(list(group_ids)))
                .order_by(models.InstanceGroupMember.id))
        for row in rows:
            members[row.group_id].append(row.instance_uuid)
    return members


def _group_dict(row, members):
    return {'id': row.id, 'uuid': row.uuid, 'name': row.name,
            'project_id': row.project_id, 'user_id': row.user_id,
            'policy': row.policy, 'rules': jsonutils.loads(row.rules) if row.rules else {},
            'members': members}


def _dicts(session, rows):
    members = _members_by_group(session, [row.id for row in rows])
    return [_group_dict(row, members[row.id]) for row in rows]


def _group_row(session, uuid):
    row = session.query(models.InstanceGroup).filter_by(uuid=uuid).first()
    if row is None:
        raise exception.InstanceGroupNotFound(group_uuid=uuid)
    return row


def create(context, project_id, user_id, name, policy, rules=None):
    with engines.api_writer(context) as session:
        row = models.InstanceGroup(uuid=uuidutils.generate_uuid(), name=name,
                                   project_id=project_id, user_id=user_id, policy=policy,
                                   rules=jsonutils.dumps(rules or {}))
        session.add(row)
        session.flush()
        return _group_dict(row, [])


def get(context, uuid):
    """The group ``uuid`` (InstanceGroupNotFound); whose project it is the
    caller checks."""
    with engines.api_reader(context) as session:
        return _dicts(session, [_group_row(session, uuid)])[0]


def list_groups(context, project_id=None, limit=None, offset=0):
    """Groups of ``project_id`` (of every project when None), oldest first."""
    with engines.api_reader(context) as session:
        query = session.query(models.InstanceGroup).order_by(models.InstanceGroup.id)
        if project_id is not None:
            query = query.filter_by(project_id=project_id)
        return _dicts(session, query.offset(offset).limit(limit).all())


def delete(context, uuid):
    """Remove the group and its member list (the servers stay)."""
    with engines.api_writer(context) as session:
        row = _group_row(session, uuid)
        session.query(models.InstanceGroupMember).filter_by(group_id=row.id).delete()
        session.delete(row)


def add_members(context, group_id, instance_uuids):
    with engines.api_writer(context) as session:
        for uuid in instance_uuids:
            session.add(models.InstanceGroupMember(group_id=group_id, instance_uuid=uuid))


def remove_member(context, instance_uuid):
    """Take a server out of whatever group holds it (a no-op for none)."""
    with engines.api_writer(context) as session:
        session.query(models.InstanceGroupMember).filter_by(
            instance_uuid=instance_uuid).delete(synchronize_session=False)


def groups_of(context, instance_uuids):
    """{instance uuid: [uuid of its group]} for the servers in a group."""
    with engines.api_reader(context) as session:
        rows = (session.query(models.InstanceGroupMember.instance_uuid,
                              models.InstanceGroup.uuid)
                .join(models.InstanceGroup,
                      models.InstanceGroupMember.group_id == models.InstanceGroup.id)
                .filter(models.InstanceGroupMember.instance_uuid.in_(list(instance_uuids))))
        groups = {}
        for instance_uuid, group_uuid in rows:
            groups.setdefault(instance_uuid, []).append(group_uuid)
        return groups


def count_members_by_user(context, group_id, user_id):
    """Members of the group that ``user_id`` created (the
    server_group_members quota counts per user, as in Nova)."""
    with engines.api_reader(context) as session:
        return (session.query(func.count(models.InstanceGroupMember.id))
                .join(models.InstanceMapping, models.InstanceMapping.instance_uuid
                      == models.InstanceGroupMember.instance_uuid)
                .filter(models.InstanceGroupMember.group_id == group_id,
                        models.InstanceMapping.user_id == user_id)
                .scalar())


def _member_allocations(session, group_id, excluding_consumer=None, locking=False):
    """(host, consumer) of each member holding a claim: where the members
    are, from the ledger (a member in ERROR without a host holds none).
    ``locking`` reads the latest committed rows (a shared-lock read on
    MariaDB) rather than the transaction's snapshot."""
    query = (session.query(models.ResourceProvider.host, models.Allocation.consumer_id)
             .join(models.Allocation,
                   models.Allocation.resource_provider_id == models.ResourceProvider.id)
             .join(models.InstanceGroupMember,
                   models.InstanceGroupMember.instance_uuid == models.Allocation.consumer_id)
             .filter(models.InstanceGroupMember.group_id == group_id)
             .distinct())
    if excluding_consumer is not None:
        query = query.filter(models.Allocation.consumer_id != excluding_consumer)
    if locking:
        query = query.with_for_update(read=True)
    return query.all()


def members_per_host(context, group_id):
    """{host: number of members placed there}."""
    with engines.api_reader(context) as session:
        counts = {}
        for host, _consumer in _member_allocations(session, group_id):
            counts[host] = counts.get(host, 0) + 1
        return counts


def claim_conflict(session, group_uuid, consumer_id, host):
    """Why ``consumer_id`` may not be placed on ``host`` under its group's
    policy, or None; run inside the ledger's claim transaction.

    The group row is locked first (SELECT ... FOR UPDATE on MariaDB; on
    SQLite every write transaction is serialized already), so the claims
    of one group's members are decided one after the other, each seeing
    (through a locking read, not the transaction's snapshot) the
    allocations the previous ones committed, whatever node or host they
    go to. Claims of servers outside the group never wait for it.
    Soft policies never refuse a host: they only weigh.
    """
    row = (session.query(models.InstanceGroup).filter_by(uuid=group_uuid)
           .with_for_update().first())
    if row is None or row.policy not in (AFFINITY, ANTI_AFFINITY):
        return None
    placed = _member_allocations(session, row.id, excluding_consumer=consumer_id, locking=True)
    if row.policy == AFFINITY:
        elsewhere = sorted({other for other, _consumer in placed if other != host})
        if elsewhere:
            return 'affinity group %s has members on %s' % (group_uuid, ', '.join(elsewhere))
        return None
    limit = max_server_per_host(_group_dict(row, []))
    here = sum(1 for other, _consumer in placed if other == host)
    if here >= limit:
        return ('anti-affinity group %s already has %d member(s) on %s'
                % (group_uuid, here, host))
    return None
