"""Instance actions and their events in a cell database: who asked for
what (create, delete, stop ...) under which request id, and what each
service did about it (events with their result, traceback and details).

Actions leave as dicts of their columns; ``get`` adds ``events`` (newest
first). Every event started or finished bumps its action's
``updated_at``, which ``changes-since`` / ``changes-before`` filter on.
"""
from oslo_utils import timeutils
import sqlalchemy as sa

from nova_common.db import engines
from nova_common.db.models import main as models
from nova_common import exception

ACTIONS = models.InstanceAction.__table__
EVENTS = models.InstanceActionEvent.__table__

_NEWEST_FIRST = (ACTIONS.c.created_at.desc(), ACTIONS.c.id.desc())


def _latest_action(session, uuid, request_id):
    """The newest action of ``uuid`` recorded under ``request_id``."""
    query = sa.select(ACTIONS).where(ACTIONS.c.instance_uuid == uuid,
                                     ACTIONS.c.request_id == request_id)
    return session.execute(query.order_by(*_NEWEST_FIRST)).first()


def _action_row(session, uuid, request_id):
    row = _latest_action(session, uuid, request_id)
    if row is None:
        raise exception.InstanceActionNotFound(request_id=request_id)
    return row


def _action_for_event(session, context, uuid, request_id):
    """(action, whether to bump it) an event belongs to. A service's own
    context (no project, e.g. a compute repairing at start-up) carries a
    new request id: its events go to the instance's latest action, which
    they leave as it is, as in Nova."""
    row = _latest_action(session, uuid, request_id)
    if row is not None:
        return row, True
    if context.project_id is None:
        latest = session.execute(sa.select(ACTIONS).where(ACTIONS.c.instance_uuid == uuid)
                                 .order_by(*_NEWEST_FIRST)).first()
        if latest is not None:
            return latest, False
    raise exception.InstanceActionNotFound(request_id=request_id)


def _touch(session, action_id, now, **values):
    session.execute(ACTIONS.update().where(ACTIONS.c.id == action_id)
                    .values(updated_at=now, **values))


def _event(session, event_id):
    return dict(session.execute(sa.select(EVENTS).where(EVENTS.c.id == event_id)).one()._mapping)


def start(context, uuid, action, request_id, user_id, project_id):
    """Record that ``action`` was asked for; returns the action."""
    now = timeutils.utcnow()
    with engines.cell_writer(context) as session:
        result = session.execute(ACTIONS.insert().values(
            action=action, instance_uuid=uuid, request_id=request_id, user_id=user_id,
            project_id=project_id, start_time=now, created_at=now, updated_at=now, deleted=0))
        action_id = result.inserted_primary_key[0]
        return dict(session.execute(sa.select(ACTIONS).where(ACTIONS.c.id == action_id))
                    .one()._mapping)


def event_start(context, uuid, request_id, event, host):
    """Record that ``host`` started ``event`` of the action; returns the
    event. InstanceActionNotFound when there is no such action."""
    now = timeutils.utcnow()
    with engines.cell_writer(context) as session:
        action, bump = _action_for_event(session, context, uuid, request_id)
        result = session.execute(EVENTS.insert().values(
            event=event, action_id=action.id, start_time=now, host=host,
            created_at=now, deleted=0))
        if bump:
            _touch(session, action.id, now)
        return _event(session, result.inserted_primary_key[0])


def event_finish(context, uuid, request_id, event, result, traceback=None, details=None,
                 host=None):
    """Record how ``event`` ended ('Success' or 'Error', with a traceback
    and details for operators); an event with no start left unfinished is
    recorded as starting now, on ``host`` (a step run again, on another
    host say, gets a row of its own). An error marks the action's message
    'Error', as Nova."""
    now = timeutils.utcnow()
    with engines.cell_writer(context) as session:
        action, bump = _action_for_event(session, context, uuid, request_id)
        started = session.execute(
            sa.select(EVENTS.c.id).where(EVENTS.c.action_id == action.id,
                                         EVENTS.c.event == event,
                                         EVENTS.c.finish_time.is_(None))
            .order_by(EVENTS.c.id.desc())).first()
        values = {'finish_time': now, 'result': result, 'traceback': traceback,
                  'details': details, 'updated_at': now}
        if started is None:
            event_id = session.execute(EVENTS.insert().values(
                event=event, action_id=action.id, start_time=now, created_at=now,
                host=host, deleted=0, **values)).inserted_primary_key[0]
        else:
            event_id = started.id
            session.execute(EVENTS.update().where(EVENTS.c.id == event_id).values(**values))
        if bump:
            extra = {'message': 'Error'} if (result or '').lower() == 'error' else {}
            _touch(session, action.id, now, **extra)
        return _event(session, event_id)


def finish(context, uuid, request_id):
    """Stamp the action's finish time; returns it, or None when there is no
    action of ``uuid`` under ``request_id``."""
    now = timeutils.utcnow()
    with engines.cell_writer(context) as session:
        action = _latest_action(session, uuid, request_id)
        if action is None:
            return None
        _touch(session, action.id, now, finish_time=now)
        return dict(_latest_action(session, uuid, request_id)._mapping)


def list(context, uuid, limit=None, marker=None, filters=None):  # noqa: A001 - the contract's name
    """The actions of an instance, newest first, at most ``limit``, after
    the action whose request id is ``marker`` (MarkerNotFound when the
    instance has none). ``filters``: ``changes-since`` / ``changes-before``
    (bounds on updated_at)."""
    filters = filters or {}
    query = sa.select(ACTIONS).where(ACTIONS.c.instance_uuid == uuid)
    if filters.get('changes-since') is not None:
        query = query.where(ACTIONS.c.updated_at >= filters['changes-since'])
    if filters.get('changes-before') is not None:
        query = query.where(ACTIONS.c.updated_at <= filters['changes-before'])
    with engines.cell_reader(context) as session:
        if marker is not None:
            after = _latest_action(session, uuid, marker)
            if after is None:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(sa.or_(
                ACTIONS.c.created_at < after.created_at,
                sa.and_(ACTIONS.c.created_at == after.created_at, ACTIONS.c.id < after.id)))
        query = query.order_by(*_NEWEST_FIRST)
        if limit is not None:
            query = query.limit(limit)
        return [dict(row._mapping) for row in session.execute(query)]


def get(context, uuid, request_id, with_events=True):
    """The action of ``uuid`` under ``request_id`` (with its ``events``,
    newest first); InstanceActionNotFound without one."""
    with engines.cell_reader(context) as session:
        action = dict(_action_row(session, uuid, request_id)._mapping)
        if with_events:
            query = sa.select(EVENTS).where(EVENTS.c.action_id == action['id']).order_by(
                EVENTS.c.created_at.desc(), EVENTS.c.id.desc())
            action['events'] = [dict(row._mapping) for row in session.execute(query)]
        return action
