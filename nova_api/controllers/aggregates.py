"""os-aggregates: host aggregates and the availability zones they make
(administrators only).

Answers and faults are Nova's: create answers 200 without hosts and
metadata, delete 200 with no body; an action's body names one of
add_host, remove_host, set_metadata. A host added must be a known compute
host (mapped to a cell, or with a nova-compute record in one); removing a
host needs only its membership, so a host whose service is gone can still
be taken out.
"""
from oslo_utils import strutils

from nova_api import handler
from nova_api.schemas import aggregates as schemas
from nova_api.schemas import parameter_types
from nova_api import validation
from nova_api.views import aggregates as views
from nova_common import cells_scatter
from nova_common import context as nova_context
from nova_common.db.api import aggregates as aggregates_db
from nova_common.db.api import services as services_db
from nova_common import exception
from nova_common.policies import aggregates as aggregate_policies
from nova_common import policy


def _authorize(req, action):
    policy.authorize(req.context, aggregate_policies.POLICY % action, target={})


def _aggregate_id(aggregate_id):
    """The integer id of the path; one no database column can hold is an
    aggregate that does not exist."""
    try:
        value = strutils.validate_integer(aggregate_id, 'id')
    except ValueError as error:
        raise exception.InvalidInput(reason=str(error))
    if abs(value) > parameter_types.MAX_INT:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    return value


def _reply(req, aggregate):
    return {'aggregate': views.show(req, aggregate)}


def index(req):
    _authorize(req, 'index')
    return {'aggregates': [views.show(req, aggregate)
                           for aggregate in aggregates_db.list_all(req.context)]}


@validation.body(schemas.create)
def create(req):
    _authorize(req, 'create')
    values = req.body['aggregate']
    aggregate = aggregates_db.create(req.context, values['name'],
                                     values.get('availability_zone'))
    return {'aggregate': views.show(req, aggregate, with_members=False)}


def show(req, aggregate_id):
    _authorize(req, 'show')
    return _reply(req, aggregates_db.get(req.context, _aggregate_id(aggregate_id)))


@validation.body(schemas.update)
def update(req, aggregate_id):
    _authorize(req, 'update')
    return _reply(req, aggregates_db.update(req.context, _aggregate_id(aggregate_id),
                                            req.body['aggregate']))


def delete(req, aggregate_id):
    _authorize(req, 'delete')
    aggregates_db.delete(req.context, _aggregate_id(aggregate_id))


def _compute_service(context, host):
    """The nova-compute record of ``host`` in its cell (found by its host
    mapping, else by asking every cell); ComputeHostNotFound when there is
    none. The names must match exactly: MySQL compares them without case."""
    try:
        cells = [cells_scatter.cell_of_host(context, host)]
    except exception.HostMappingNotFound:
        cells = cells_scatter.all_cells(context, with_cell0=False)
    for cell in cells:
        with nova_context.target_cell(context, cell) as cell_context:
            try:
                service = services_db.get_compute_by_host(cell_context, host)
            except exception.ComputeHostNotFound:
                continue
        if service['host'] == host:
            return service
    raise exception.ComputeHostNotFound(host=host)


@validation.body(schemas.add_host)
def add_host(req, aggregate_id, argument):
    host = argument['host']
    _compute_service(req.context, host)
    try:
        return aggregates_db.add_host(req.context, aggregate_id, host)
    except exception.InvalidAggregateAction as error:
        # Nova answers 409 here (400 for the same refusal on update).
        raise exception.Conflict(message=error.message)


@validation.body(schemas.remove_host)
def remove_host(req, aggregate_id, argument):
    host = argument['host']
    try:
        return aggregates_db.remove_host(req.context, aggregate_id, host)
    except (exception.AggregateNotFound, exception.AggregateHostNotFound):
        raise exception.NotFound('Cannot remove host %s in aggregate %s'
                                 % (host, aggregate_id))


@validation.body(schemas.set_metadata)
def set_metadata(req, aggregate_id, argument):
    return aggregates_db.update_metadata(req.context, aggregate_id, argument['metadata'])


ACTIONS = {'add_host': add_host, 'remove_host': remove_host, 'set_metadata': set_metadata}


def action(req, aggregate_id):
    name, argument = handler.one_action(req.body)
    func = ACTIONS.get(name)
    if func is None:
        raise exception.Invalid('There is no such action: %s' % name)
    _authorize(req, name)
    aggregate_id = _aggregate_id(aggregate_id)
    validation.validate_request(func, req)
    return _reply(req, func(req, aggregate_id, argument))


ROUTES = [
    ('GET', '/os-aggregates', index),
    ('POST', '/os-aggregates', create),
    ('GET', '/os-aggregates/{aggregate_id}', show),
    ('PUT', '/os-aggregates/{aggregate_id}', update),
    ('DELETE', '/os-aggregates/{aggregate_id}', delete),
    ('POST', '/os-aggregates/{aggregate_id}/action', action),
]
