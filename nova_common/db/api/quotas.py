"""Quota limits (quotas, project_user_quotas, quota_classes) and the usage
counts quotas are checked against.

Limits are {resource: hard_limit} dicts. Usage is counted from the rows
themselves, never kept as a running total: servers in each cell database,
build requests not yet in a cell, keypairs and server groups in the API
database.
"""
import json

from sqlalchemy import func, or_

from nova_common.db import engines
from nova_common.db.models import api as api_models
from nova_common.db.models import main as main_models

# Soft-deleted servers can be restored, but hold no quota until then (Nova).
_SOFT_DELETED = 'soft-delete'
# Keeps each "uuid NOT IN (...)" list short (some backends cap list lengths).
_IN_CHUNK = 500


# --- limits -----------------------------------------------------------------

def _limits(session, model, **where):
    return dict(session.query(model.resource, model.hard_limit).filter_by(**where))


def get_project_limits(context, project_id):
    with engines.api_reader(context) as session:
        return _limits(session, api_models.Quota, project_id=project_id)


def get_user_limits(context, project_id, user_id):
    with engines.api_reader(context) as session:
        return _limits(session, api_models.ProjectUserQuota, project_id=project_id,
                       user_id=user_id)


def list_user_limits(context, project_id):
    """Every user override in the project: [{user_id, resource, hard_limit}]."""
    with engines.api_reader(context) as session:
        query = session.query(api_models.ProjectUserQuota).filter_by(project_id=project_id)
        return [{'user_id': row.user_id, 'resource': row.resource,
                 'hard_limit': row.hard_limit} for row in query]


def get_class_limits(context, class_name):
    with engines.api_reader(context) as session:
        return _limits(session, api_models.QuotaClass, class_name=class_name)


def _upsert(session, query, limits, new_row):
    existing = {row.resource: row for row in query}
    for resource, hard_limit in limits.items():
        row = existing.get(resource)
        if row is None:
            session.add(new_row(resource=resource, hard_limit=hard_limit))
        else:
            row.hard_limit = hard_limit
    session.flush()


@engines.retry_on_duplicate
def set_project_limits(context, project_id, limits):
    """Create or update the project's overrides, all in one transaction."""
    with engines.api_writer(context) as session:
        _upsert(session, session.query(api_models.Quota).filter_by(project_id=project_id),
                limits, lambda **row: api_models.Quota(project_id=project_id, **row))


@engines.retry_on_duplicate
def set_user_limits(context, project_id, user_id, limits):
    with engines.api_writer(context) as session:
        query = session.query(api_models.ProjectUserQuota).filter_by(
            project_id=project_id, user_id=user_id)
        _upsert(session, query, limits, lambda **row: api_models.ProjectUserQuota(
            project_id=project_id, user_id=user_id, **row))


@engines.retry_on_duplicate
def set_class_limits(context, class_name, limits):
    with engines.api_writer(context) as session:
        _upsert(session, session.query(api_models.QuotaClass).filter_by(class_name=class_name),
                limits, lambda **row: api_models.QuotaClass(class_name=class_name, **row))


def delete_project_limits(context, project_id):
    """Drop the project's overrides and those of every user in it."""
    with engines.api_writer(context) as session:
        session.query(api_models.ProjectUserQuota).filter_by(project_id=project_id).delete()
        session.query(api_models.Quota).filter_by(project_id=project_id).delete()


def delete_user_limits(context, project_id, user_id):
    with engines.api_writer(context) as session:
        session.query(api_models.ProjectUserQuota).filter_by(
            project_id=project_id, user_id=user_id).delete()


# --- usage ------------------------------------------------------------------

def count_key_pairs(context, user_id):
    with engines.api_reader(context) as session:
        return session.query(func.count(api_models.KeyPair.id)).filter_by(
            user_id=user_id).scalar()


def count_server_groups(context, project_id, user_id=None):
    """(groups of the project, groups of ``user_id`` in it (0 without one))."""
    with engines.api_reader(context) as session:
        rows = (session.query(api_models.InstanceGroup.user_id,
                              func.count(api_models.InstanceGroup.id))
                .filter_by(project_id=project_id)
                .group_by(api_models.InstanceGroup.user_id).all())
    return sum(count for _user, count in rows), sum(
        count for user, count in rows if user_id is not None and user == user_id)


def _flavor_size(instance):
    flavor = instance.get('flavor') or {}
    return (int(flavor.get('vcpus', instance.get('vcpus')) or 0),
            int(flavor.get('memory_mb', instance.get('memory_mb')) or 0))


def list_unplaced_build_requests(context, project_id):
    """The project's build requests whose server is in no cell yet:
    [{uuid, user_id, vcpus, memory_mb}].

    A build request counts as unplaced while its instance mapping names no
    cell (or does not exist yet). The conductor creates the instance in its
    cell before pointing the mapping there, so a server read here as
    unplaced may already have a cell row too: ``count_cell_instances``
    leaves these uuids out of the cell counts.
    """
    mapping = api_models.InstanceMapping
    build_request = api_models.BuildRequest
    with engines.api_reader(context) as session:
        rows = (session.query(build_request.instance_uuid, build_request.instance,
                              mapping.user_id)
                .outerjoin(mapping, mapping.instance_uuid == build_request.instance_uuid)
                .filter(build_request.project_id == project_id)
                .filter(mapping.cell_id.is_(None)).all())
    unplaced = []
    for uuid, instance_json, mapped_user in rows:
        instance = json.loads(instance_json) if instance_json else {}
        vcpus, memory_mb = _flavor_size(instance)
        unplaced.append({'uuid': uuid, 'user_id': mapped_user or instance.get('user_id'),
                         'vcpus': vcpus, 'memory_mb': memory_mb})
    return unplaced


def count_cell_instances(cell_context, project_id, exclude_uuids=()):
    """Live servers of the project in the targeted cell, by user:
    {user_id: (instances, cores, ram)}.

    Every row that is not deleted counts, except soft-deleted ones; servers
    whose uuid is in ``exclude_uuids`` (counted already as build requests)
    do not. One query, so the answer is one consistent reading of the cell.
    """
    instance = main_models.Instance
    exclude_uuids = list(exclude_uuids)
    with engines.cell_reader(cell_context) as session:
        query = (session.query(instance.user_id, func.count(instance.id),
                               func.sum(instance.vcpus), func.sum(instance.memory_mb))
                 .filter(instance.project_id == project_id, instance.deleted == 0)
                 .filter(or_(instance.vm_state.is_(None), instance.vm_state != _SOFT_DELETED)))
        for start in range(0, len(exclude_uuids), _IN_CHUNK):
            query = query.filter(instance.uuid.notin_(exclude_uuids[start:start + _IN_CHUNK]))
        rows = query.group_by(instance.user_id).all()
    return {user: (count, int(cores or 0), int(ram or 0)) for user, count, cores, ram in rows}
