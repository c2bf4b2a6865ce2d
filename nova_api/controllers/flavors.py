"""/flavors: list, show, create, update (2.55+) and delete flavors.

Listing and showing need no policy: a non-admin sees public flavors and
the private ones shared with their project (never disabled ones in lists);
an admin may list private ones with ``is_public``. A private flavor is not
shared with the project that created it (as in Nova, bug 1209101).
"""
from oslo_utils import strutils

from nova_api import handler
from nova_api import pagination
from nova_api.schemas import flavors as schemas
from nova_api.schemas import parameter_types
from nova_api import validation
from nova_api.views import flavors as views
from nova_common.db.api import flavors as flavors_db
from nova_common import exception
from nova_common.policies import flavors as flavor_policies
from nova_common import policy

_FLAVOR_INTEGERS = (  # body field, flavor column, minimum
    ('ram', 'memory_mb', 1),
    ('vcpus', 'vcpus', 1),
    ('disk', 'root_gb', 0),
    ('OS-FLV-EXT-DATA:ephemeral', 'ephemeral_gb', 0),
    ('swap', 'swap', 0),
)


def may_read_extra_specs(req):
    """Whether flavor bodies of this request carry ``extra_specs`` (2.61+,
    callers allowed to list extra specs)."""
    if not req.at_least(views.EXTRA_SPECS_VERSION):
        return False
    try:
        policy.authorize(req.context, flavor_policies.EXTRA_SPECS % 'index')
    except exception.PolicyNotAuthorized:
        return False
    return True


def _is_public_filter(value):
    """Nova's ``is_public`` query: absent means True, 'none' means all."""
    if value is None:
        return True
    if value.lower() == 'none':
        return None
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.Invalid('Invalid is_public filter [%s]' % value)


def _list(req):
    context = req.context
    limit, marker = pagination.limit_and_marker(req)
    filters = {'min_memory_mb': handler.int_filter(req, 'minRam'),
               'min_root_gb': handler.int_filter(req, 'minDisk')}
    if context.is_admin:
        filters['is_public'] = _is_public_filter(req.query_value('is_public'))
    else:
        filters.update(is_public=True, disabled=False)
    try:
        return flavors_db.list_flavors(
            context, sort_key=req.query_value('sort_key') or 'flavorid',
            sort_dir=req.query_value('sort_dir') or 'asc', limit=limit,
            marker=marker, **filters)
    except exception.MarkerNotFound:
        raise exception.MarkerNotFound('marker [%s] not found' % marker)


@validation.query(schemas.index_query, '2.1', '2.74')
@validation.query(schemas.index_query_v275, '2.75')
def index(req):
    return views.index(req, _list(req))


@validation.query(schemas.index_query, '2.1', '2.74')
@validation.query(schemas.index_query_v275, '2.75')
def detail(req):
    return views.detail(req, _list(req), may_read_extra_specs(req))


def show(req, flavor_id):
    flavor = flavors_db.get_flavor(req.context, flavor_id)
    return {'flavor': views.show(req, flavor, may_read_extra_specs(req))}


def _integer(value, name, minimum):
    try:
        return strutils.validate_integer(value, name, minimum, parameter_types.MAX_INT)
    except ValueError as error:
        raise exception.InvalidInput(reason=str(error))


def _rxtx_factor(value):
    """The schema admits numbers and numeric strings; their float must fit
    a database FLOAT."""
    factor = float(value)
    if not 0 < factor <= parameter_types.SQL_SP_FLOAT_MAX:
        raise exception.InvalidInput(
            reason="'rxtx_factor' argument must be a float between 0 and %g"
            % parameter_types.SQL_SP_FLOAT_MAX)
    return factor


@validation.body(schemas.create, '2.1', '2.54')
@validation.body(schemas.create_v255, '2.55')
def create(req):
    policy.authorize(req.context, flavor_policies.MANAGE % 'create', target={})
    values = req.body['flavor']
    fields = {column: _integer(values.get(field, 0), field.split(':')[-1], minimum)
              for field, column, minimum in _FLAVOR_INTEGERS}
    flavor = flavors_db.create_flavor(
        req.context, name=values['name'], flavorid=values.get('id'),
        rxtx_factor=_rxtx_factor(values.get('rxtx_factor', 1.0)),
        is_public=strutils.bool_from_string(
            values.get('os-flavor-access:is_public', True), strict=True),
        description=values.get('description'),
        **fields)
    return {'flavor': views.show(req, flavor, may_read_extra_specs(req))}


@validation.body(schemas.update_v255, '2.55')
def update(req, flavor_id):
    policy.authorize(req.context, flavor_policies.MANAGE % 'update', target={})
    flavor = flavors_db.update_description(
        req.context, flavor_id, req.body['flavor']['description'])
    return {'flavor': views.show(req, flavor, may_read_extra_specs(req))}


@handler.response(202)
def delete(req, flavor_id):
    policy.authorize(req.context, flavor_policies.MANAGE % 'delete', target={})
    flavors_db.delete_flavor(req.context, flavor_id)


ROUTES = [
    ('GET', '/flavors', index),
    ('GET', '/flavors/detail', detail),
    ('POST', '/flavors', create),
    ('GET', '/flavors/{flavor_id}', show),
    ('PUT', '/flavors/{flavor_id}', update, views.DESCRIPTION_VERSION),
    ('DELETE', '/flavors/{flavor_id}', delete),
]
