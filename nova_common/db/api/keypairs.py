"""Keypairs in the API database. A keypair belongs to a user and is named
uniquely among that user's keypairs; rows leave as plain dicts."""
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as sqlalchemyutils

from nova_common.db import engines
from nova_common.db.models import api as models
from nova_common import exception

_COLUMNS = ('id', 'name', 'user_id', 'fingerprint', 'public_key', 'type',
            'created_at', 'updated_at')


def _keypair_dict(row):
    return {column: getattr(row, column) for column in _COLUMNS}


def _user_keypairs(session, user_id):
    return session.query(models.KeyPair).filter_by(user_id=user_id)


def create_keypair(context, user_id, name, public_key, fingerprint, key_type='ssh'):
    """Store a keypair; KeyPairExists when the user already has ``name``."""
    with engines.api_writer(context) as session:
        if _user_keypairs(session, user_id).filter_by(name=name).first():
            raise exception.KeyPairExists(key_name=name)
        row = models.KeyPair(user_id=user_id, name=name, public_key=public_key,
                             fingerprint=fingerprint, type=key_type)
        try:
            with session.begin_nested():
                session.add(row)
        except db_exc.DBDuplicateEntry:
            raise exception.KeyPairExists(key_name=name)
        return _keypair_dict(row)


def get_keypair(context, user_id, name):
    with engines.api_reader(context) as session:
        row = _user_keypairs(session, user_id).filter_by(name=name).first()
        if row is None:
            raise exception.KeypairNotFound(user_id=user_id, name=name)
        return _keypair_dict(row)


def list_keypairs(context, user_id, limit=None, marker=None):
    """A user's keypairs by name; ``marker`` is the name of the last one of
    the previous page (MarkerNotFound when the user has none by that name)."""
    with engines.api_reader(context) as session:
        marker_row = None
        if marker is not None:
            marker_row = _user_keypairs(session, user_id).filter_by(name=marker).first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
        query = sqlalchemyutils.paginate_query(
            _user_keypairs(session, user_id), models.KeyPair, limit, ['name', 'id'],
            marker=marker_row)
        return [_keypair_dict(row) for row in query.all()]


def delete_keypair(context, user_id, name):
    with engines.api_writer(context) as session:
        deleted = _user_keypairs(session, user_id).filter_by(name=name).delete()
        if not deleted:
            raise exception.KeypairNotFound(user_id=user_id, name=name)
