"""Request context: who is calling, and which cell a block of work targets."""
import contextlib
import copy

from oslo_context import context as oslo_context
from oslo_db.sqlalchemy import enginefacade


@enginefacade.transaction_context_provider
class RequestContext(oslo_context.RequestContext):
    """The caller's identity plus the cell database chosen for this work.

    ``db_connection`` is the enginefacade of the targeted cell (see
    ``target_cell``); API-database work uses its own facade and ignores it.
    """

    def __init__(self, user_id=None, project_id=None, is_admin=None,
                 read_deleted='no', remote_address=None, timestamp=None,
                 service_catalog=None, **kwargs):
        kwargs.setdefault('user_id', user_id)
        kwargs.setdefault('project_id', project_id)
        super().__init__(is_admin=bool(is_admin), **kwargs)
        self.read_deleted = read_deleted
        self.remote_address = remote_address
        self.service_catalog = service_catalog or []
        self.db_connection = None
        self.cell_uuid = None
        if is_admin is None:
            from nova_common import policy
            self.is_admin = policy.check_is_admin(self)

    def to_dict(self):
        values = super().to_dict()
        values.update(read_deleted=self.read_deleted,
                      remote_address=self.remote_address,
                      user_id=self.user_id, project_id=self.project_id)
        return values

    @classmethod
    def from_dict(cls, values):
        values = dict(values)
        known = ('user_id', 'project_id', 'is_admin', 'read_deleted',
                 'remote_address', 'roles', 'request_id', 'global_request_id',
                 'user_name', 'project_name', 'auth_token', 'user_domain_id',
                 'project_domain_id', 'system_scope', 'is_admin_project',
                 'show_deleted', 'domain_id', 'user_domain_name',
                 'project_domain_name', 'service_catalog')
        kwargs = {key: values[key] for key in known if key in values}
        kwargs.setdefault('roles', [])
        return cls(**kwargs)

    def elevated(self, read_deleted=None):
        """A copy with admin rights, for system work done on a caller's behalf."""
        ctx = copy.copy(self)
        ctx.roles = list(set(ctx.roles) | {'admin'})
        ctx.is_admin = True
        if read_deleted is not None:
            ctx.read_deleted = read_deleted
        return ctx


def get_admin_context(read_deleted='no'):
    """A context for daemons' own work (heartbeats, periodic tasks)."""
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          read_deleted=read_deleted, overwrite=False)


def run_as_current(context, fn, *args, **kwargs):
    """Call ``fn`` with ``context`` as the thread's current context first.

    oslo.log prints the request id of the thread's current context, and a
    context is current only in the thread that made it (the API's request
    thread, the RPC worker that deserialized it): work a request hands to
    a pool thread goes through here, so that its log lines keep the
    request's id."""
    if context is not None:
        context.update_store()
    return fn(*args, **kwargs)


@contextlib.contextmanager
def target_cell(context, cell_mapping):
    """Yield a copy of ``context`` whose cell DB work goes to ``cell_mapping``.

    ``cell_mapping`` is a mapping with ``uuid`` and ``database_connection``
    (a row of cell_mappings, or a dict from RPC).
    """
    from nova_common.db import engines
    cctx = copy.copy(context)
    cctx.db_connection = engines.get_cell_context_manager(
        cell_mapping['database_connection'])
    cctx.cell_uuid = cell_mapping['uuid']
    yield cctx
