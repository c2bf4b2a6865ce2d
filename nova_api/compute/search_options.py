"""The query of GET /servers and /servers/detail, read as Nova reads it:
which filters the caller may use, how they map to ``instances.list``
filters, whose servers are listed, and in which order.

Administrators (os_compute_api:servers:allow_all_filters) may filter on
anything; other callers' filters outside the allowed set of their
microversion are dropped silently. Listing deleted servers is for
administrators; ``changes-since`` / ``changes-before`` include deleted
servers, as in Nova.
"""
import dataclasses

from oslo_utils import strutils
from oslo_utils import timeutils

from nova_api.schemas import servers as schemas
from nova_common import compute_states
from nova_common.db.api import instances
from nova_common import exception
from nova_common.policies import servers as server_policies
from nova_common import policy

_PAGING_AND_SORTING = ('limit', 'marker', 'sort_key', 'sort_dir')

# Filters every caller may use, by the microversion that allowed them.
_USER_FILTERS = (
    ('2.1', ('reservation_id', 'name', 'status', 'image', 'flavor', 'ip', 'changes-since',
             'all_tenants')),
    ('2.5', ('ip6',)),
    ('2.26', instances.TAG_FILTERS),
    ('2.66', ('changes-before',)),
    ('2.73', ('locked',)),
    ('2.83', ('availability_zone', 'config_drive', 'key_name', 'created_at', 'launched_at',
              'terminated_at', 'power_state', 'task_state', 'vm_state', 'progress',
              'user_id')),
    ('2.90', ('hostname',)),
)

_RENAMED = {'image': 'image_ref', 'display_name': 'name',
            'display_description': 'description'}
_INTEGER_FILTERS = ('power_state', 'progress', 'launch_index', 'instance_type_id')
# Filters about addresses: no server has one until networking exists.
_ADDRESS_FILTERS = ('ip', 'ip6')


@dataclasses.dataclass
class ServerQuery:
    """``filters`` for ``instances.list``; ``matches_nothing`` when the
    query can select no server at all (Nova answers an empty list)."""
    filters: dict
    sort_keys: list
    sort_dirs: list
    matches_nothing: bool = False


def _user_filters(req):
    return {name for version, names in _USER_FILTERS if req.at_least(version) for name in names}


def _may(context, rule):
    try:
        policy.authorize(context, rule)
    except exception.PolicyNotAuthorized:
        return False
    return True


def _search_options(req):
    """{name: last value} of the filters the caller may use."""
    options = {name: values[-1] for name, values in req.query.items()}
    if _may(req.context, server_policies.SERVERS % 'allow_all_filters'):
        allowed = set(options) - set(_PAGING_AND_SORTING)
    else:
        allowed = _user_filters(req)
    options = {name: value for name, value in options.items() if name in allowed}
    for name in options:
        if name in schemas.JOINED_TABLE_QUERY_PARAMS or name.startswith('_'):
            raise exception.Invalid('Invalid filter field: %s.' % name)
    return options


def _timestamp(options, name):
    try:
        return timeutils.normalize_time(timeutils.parse_isotime(options[name]))
    except ValueError:
        raise exception.Invalid('Invalid filter field: %s.' % name)


def _boolean(value, name):
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.Invalid("Invalid value '%s' for %s filter." % (value, name))


def _statuses(req, options, filters):
    """Put the status filter (every value given) into ``filters``; False
    when no given status exists (an empty list before 2.38, 400 since)."""
    options.pop('status', None)
    wanted = req.query.get('status')
    if not wanted:
        return True
    known = [value for value in wanted if compute_states.states_for_status(value)]
    if not known:
        if req.at_least('2.38'):
            raise exception.Invalid('Invalid status value')
        return False
    vm_states = {vm_state for value in known
                 for vm_state, _tasks in compute_states.states_for_status(value)}
    if vm_states == {compute_states.DELETED}:
        if not req.context.is_admin:
            raise exception.Forbidden('Only administrators may list deleted instances')
        filters['deleted'] = True
    filters['status'] = [value.upper() for value in known]
    return True


def _changes(options, filters):
    for name in ('changes-since', 'changes-before'):
        if name in options:
            filters[name] = _timestamp(options, name)
            options.pop(name)
    since, before = filters.get('changes-since'), filters.get('changes-before')
    if since and before and before < since:
        raise exception.Invalid('The value of changes-since must be less than or equal '
                                'to changes-before.')


def _deleted(options, filters):
    """Live servers only, unless asked for (administrators) or looking at
    changes, which include deleted servers."""
    if 'deleted' in options:
        filters.setdefault('deleted', strutils.bool_from_string(options.pop('deleted'),
                                                                default=False))
    elif 'changes-since' not in filters and 'changes-before' not in filters:
        filters.setdefault('deleted', False)


def _scope(req, options, filters, is_detail):
    """Whose servers: the caller's project, or with ``all_tenants``
    (administrators) every project, or ``project_id`` / ``tenant_id``."""
    all_tenants = False
    if 'all_tenants' in options:
        all_tenants = _boolean(options.pop('all_tenants'), 'all_tenants')
    tenant_id = options.pop('tenant_id', None)
    if all_tenants:
        policy.authorize(req.context, server_policies.SERVERS % (
            'detail:get_all_tenants' if is_detail else 'index:get_all_tenants'))
        if tenant_id is not None and 'project_id' not in options:
            options['project_id'] = tenant_id
    elif req.context.project_id:
        options['project_id'] = req.context.project_id
    else:
        options['user_id'] = req.context.user_id


def _column_filters(options, filters):
    for name, value in options.items():
        name = _RENAMED.get(name, name)
        column = instances.FILTER_ALIASES.get(name, name)
        if name in _INTEGER_FILTERS:
            try:
                filters[name] = int(value)
            except ValueError:
                raise exception.Invalid('Invalid filter field: %s.' % name)
        elif name == 'locked':
            filters[name] = _boolean(value, name)
        elif name in instances.TAG_FILTERS:
            filters[name] = value.split(',')
        elif (column in instances.EXACT_FILTERS or column in instances.REGEX_FILTERS
              or name == 'flavor'):
            filters[name] = value
        # Anything else (soft_deleted, created_at, ...) filters nothing, as in Nova.


def _sort(req):
    """(keys, dirs) from sort_key/sort_dir; ignored keys are dropped with
    their direction; host and node are for administrators only."""
    keys = [key.strip() for key in req.query.get('sort_key', [])]
    dirs = [direction.strip() for direction in req.query.get('sort_dir', [])]
    ignored = (schemas.IGNORED_SORT_KEYS_V273 if req.at_least('2.73')
               else schemas.IGNORED_SORT_KEYS)
    for key in [*keys]:
        if key in ignored:
            index = keys.index(key)
            if len(dirs) > index:
                dirs.pop(index)
            keys.pop(index)
        elif key in schemas.ADMIN_SORT_KEYS and not req.context.is_admin:
            raise exception.Forbidden('Only administrators can sort servers by %s' % key)
    keys = keys or [instances.DEFAULT_SORT_KEY]
    dirs = dirs or [instances.DEFAULT_SORT_DIR]
    instances.sort_order(keys, dirs)
    return keys, dirs


def parse(req, is_detail):
    """The ServerQuery of a list request (query already schema-checked)."""
    options = _search_options(req)
    filters = {}
    possible = _statuses(req, options, filters)
    _changes(options, filters)
    _deleted(options, filters)
    _scope(req, options, filters, is_detail)
    if any(options.pop(name, None) is not None for name in _ADDRESS_FILTERS):
        possible = False
    _column_filters(options, filters)
    keys, dirs = _sort(req)
    return ServerQuery(filters, keys, dirs, matches_nothing=not possible)
