"""Flavors, their extra specs and their project access in the API database.

Rows leave as plain dicts with ``extra_specs`` ({key: value}) and
``projects`` (the project ids given access, oldest first). Reads take the
caller's context: a non-admin sees public flavors and the private ones their
project was given access to, nothing else.
"""
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as sqlalchemyutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_common.db import engines
from nova_common.db.models import api as models
from nova_common import exception

_COLUMNS = ('id', 'flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
            'ephemeral_gb', 'swap', 'rxtx_factor', 'vcpu_weight', 'disabled',
            'is_public', 'description', 'created_at', 'updated_at')


def _flavor_dict(row):
    flavor = {column: getattr(row, column) for column in _COLUMNS}
    flavor['extra_specs'] = {spec.key: spec.value for spec in row.extra_specs}
    flavor['projects'] = [access.project_id
                          for access in sorted(row.projects, key=lambda a: a.id)]
    return flavor


def _visible(session, context):
    """Flavors the caller may see: all for an admin, else public ones and
    the private ones shared with the caller's project."""
    query = session.query(models.Flavor)
    if not context.is_admin:
        query = query.filter(sa.or_(
            models.Flavor.is_public.is_(True),
            models.Flavor.projects.any(project_id=context.project_id)))
    return query


def _get_row(session, context, flavorid):
    row = _visible(session, context).filter_by(flavorid=flavorid).first()
    if row is None:
        raise exception.FlavorNotFound(flavor_id=flavorid)
    return row


def create_flavor(context, name, memory_mb, vcpus, root_gb, ephemeral_gb=0,
                  flavorid=None, swap=0, rxtx_factor=1.0, is_public=True,
                  description=None):
    """Create a flavor; FlavorExists when its id or name is taken. With no
    ``flavorid`` a UUID is generated."""
    flavorid = str(flavorid) if flavorid else uuidutils.generate_uuid()
    with engines.api_writer(context) as session:
        if session.query(models.Flavor).filter_by(flavorid=flavorid).first():
            raise exception.FlavorExists(what='ID', value=flavorid)
        if session.query(models.Flavor).filter_by(name=name).first():
            raise exception.FlavorExists(what='name', value=name)
        row = models.Flavor(
            name=name, memory_mb=memory_mb, vcpus=vcpus, root_gb=root_gb,
            ephemeral_gb=ephemeral_gb, flavorid=flavorid, swap=swap,
            rxtx_factor=rxtx_factor, is_public=is_public, disabled=False,
            description=description)
        try:
            with session.begin_nested():
                session.add(row)
        except db_exc.DBDuplicateEntry as error:
            if 'flavorid' in (error.columns or []):
                raise exception.FlavorExists(what='ID', value=flavorid)
            raise exception.FlavorExists(what='name', value=name)
        return _flavor_dict(row)


def get_flavor(context, flavorid):
    """The flavor with public id ``flavorid``, if the caller may see it."""
    with engines.api_reader(context) as session:
        return _flavor_dict(_get_row(session, context, flavorid))


def list_flavors(context, is_public=True, disabled=None, min_memory_mb=None,
                 min_root_gb=None, sort_key='flavorid', sort_dir='asc',
                 limit=None, marker=None):
    """Flavors the caller may see, filtered and paged as Nova does.

    ``is_public`` True: public flavors plus the private ones shared with the
    caller's project; False: private flavors only; None: no filter.
    ``marker`` is the flavorid of the last flavor of the previous page
    (MarkerNotFound when the caller cannot see it).
    """
    with engines.api_reader(context) as session:
        query = _visible(session, context)
        if min_memory_mb is not None:
            query = query.filter(models.Flavor.memory_mb >= min_memory_mb)
        if min_root_gb is not None:
            query = query.filter(models.Flavor.root_gb >= min_root_gb)
        if disabled is not None:
            query = query.filter(models.Flavor.disabled.is_(disabled))
        if is_public is True and context.project_id is not None:
            query = query.filter(sa.or_(
                models.Flavor.is_public.is_(True),
                models.Flavor.projects.any(project_id=context.project_id)))
        elif is_public is not None:
            query = query.filter(models.Flavor.is_public.is_(is_public))
        marker_row = None
        if marker is not None:
            marker_row = _visible(session, context).filter_by(flavorid=marker).first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
        query = sqlalchemyutils.paginate_query(
            query, models.Flavor, limit, [sort_key, 'id'], marker=marker_row,
            sort_dir=sort_dir)
        return [_flavor_dict(row) for row in query.all()]


def update_description(context, flavorid, description):
    with engines.api_writer(context) as session:
        row = _get_row(session, context, flavorid)
        row.description = description
        session.flush()
        return _flavor_dict(row)


def delete_flavor(context, flavorid):
    """Delete a flavor with its extra specs and access list."""
    with engines.api_writer(context) as session:
        row = session.query(models.Flavor).filter_by(flavorid=flavorid).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        session.delete(row)


def add_access(context, flavorid, project_id):
    """Share a flavor with a project; the projects with access after it."""
    with engines.api_writer(context) as session:
        row = _get_row(session, context, flavorid)
        if any(access.project_id == project_id for access in row.projects):
            raise exception.FlavorAccessExists(flavor_id=flavorid, project_id=project_id)
        try:
            with session.begin_nested():
                row.projects.append(models.FlavorProject(project_id=project_id))
        except db_exc.DBDuplicateEntry:
            raise exception.FlavorAccessExists(flavor_id=flavorid, project_id=project_id)
        return _flavor_dict(row)['projects']


def remove_access(context, flavorid, project_id):
    """Stop sharing a flavor with a project; the projects left."""
    with engines.api_writer(context) as session:
        row = _get_row(session, context, flavorid)
        access = next((a for a in row.projects if a.project_id == project_id), None)
        if access is None:
            raise exception.FlavorAccessNotFound(flavor_id=flavorid, project_id=project_id)
        row.projects.remove(access)
        session.flush()
        return _flavor_dict(row)['projects']


@engines.retry_on_duplicate
def update_extra_specs(context, flavorid, specs):
    """Create or update the extra specs ``specs`` ({key: str}) of a flavor;
    returns all of them."""
    with engines.api_writer(context) as session:
        row = _get_row(session, context, flavorid)
        existing = {spec.key: spec for spec in row.extra_specs}
        for key, value in specs.items():
            if key in existing:
                existing[key].value = value
            else:
                row.extra_specs.append(models.FlavorExtraSpec(key=key, value=value))
        session.flush()
        return _flavor_dict(row)['extra_specs']


def delete_extra_spec(context, flavorid, key):
    with engines.api_writer(context) as session:
        row = _get_row(session, context, flavorid)
        spec = next((s for s in row.extra_specs if s.key == key), None)
        if spec is None:
            raise exception.FlavorExtraSpecNotFound(flavor_id=flavorid, key=key)
        row.extra_specs.remove(spec)
        session.flush()
