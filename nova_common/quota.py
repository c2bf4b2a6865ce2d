"""Quotas: which limit applies, how much is used, and whether a request fits.

A limit resolves, most specific first: the user's override in the project,
the project's override, the 'default' quota class, the [quota] option. -1
is unlimited. Usage is counted from the databases at the moment of the
check (Nova's "counting quotas"): nothing is reserved, so a burst of
parallel creates is caught by checking again once the build requests are
written (``check_deltas`` with zero deltas; see ``[quota] recheck_quota``).
"""
from oslo_log import log as logging

from nova_common import cells_scatter
from nova_common.conf import CONF
from nova_common.db.api import quotas as quotas_db
from nova_common.db.api import server_groups as server_groups_db
from nova_common.db import engines
from nova_common import exception

LOG = logging.getLogger(__name__)

DEFAULT_CLASS = 'default'

# Every quota resource, in the order Nova lists them.
RESOURCES = (
    'instances', 'cores', 'ram', 'metadata_items', 'injected_files',
    'injected_file_content_bytes', 'injected_file_path_bytes', 'key_pairs',
    'server_groups', 'server_group_members',
    'fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules',
)
# nova-network's quotas: shown before microversion 2.36 (2.50 for quota
# classes) and never enforced; unlimited unless someone sets them.
NETWORK_RESOURCES = ('fixed_ips', 'floating_ips', 'security_groups', 'security_group_rules')
# Personality files: gone from the API at 2.57.
INJECTED_FILE_RESOURCES = ('injected_files', 'injected_file_content_bytes',
                           'injected_file_path_bytes')
SERVER_RESOURCES = ('instances', 'cores', 'ram')
# What check_deltas can count: servers and server groups per project and
# per user, keypairs per user only.
COUNTED_RESOURCES = SERVER_RESOURCES + ('server_groups', 'key_pairs')
_USER_ONLY = ('key_pairs',)

_OPTION_NAMES = {'injected_file_path_bytes': 'injected_file_path_length'}


def config_default(resource):
    if resource in NETWORK_RESOURCES:
        return -1
    return CONF.quota[_OPTION_NAMES.get(resource, resource)]


def _known(overrides):
    return {resource: limit for resource, limit in overrides.items() if resource in RESOURCES}


# --- limits -----------------------------------------------------------------

def _over_config(overrides):
    overrides = _known(overrides)
    return {resource: overrides.get(resource, config_default(resource)) for resource in RESOURCES}


def resolve_limits(class_overrides, project_overrides, user_overrides=None):
    """(project limits, user limits or None) from the override rows:
    {resource: limit} each, most specific first: user, project, the
    'default' class, the [quota] option."""
    project = _over_config(class_overrides)
    project.update(_known(project_overrides))
    if user_overrides is None:
        return project, None
    user = dict(project)
    user.update(_known(user_overrides))
    return project, user


def get_class_limits(context, class_name):
    """The class's limits, the [quota] options where the class sets none."""
    return _over_config(quotas_db.get_class_limits(context, class_name))


def get_defaults(context):
    """The limits of a project that has no overrides."""
    return get_class_limits(context, DEFAULT_CLASS)


def project_and_user_limits(context, project_id, user_id):
    """(project limits, user limits or None), read in one transaction; a
    request that checks quota twice reads them once and passes them to
    check_deltas."""
    with engines.api_reader(context):
        return resolve_limits(
            quotas_db.get_class_limits(context, DEFAULT_CLASS),
            quotas_db.get_project_limits(context, project_id),
            quotas_db.get_user_limits(context, project_id, user_id)
            if user_id is not None else None)


def get_limits(context, project_id, user_id=None):
    """{resource: limit} of the project, or of ``user_id`` in it."""
    project, user = project_and_user_limits(context, project_id, user_id)
    return user if user_id is not None else project


# --- usage ------------------------------------------------------------------

def _count_servers(context, project_id):
    """{user_id: [instances, cores, ram]} over build requests not yet in a
    cell plus every cell (cell0 included; a cell that does not answer is
    left out, as in Nova).

    The build requests are read first and their uuids left out of the cell
    counts: a server moving into its cell at this moment is counted once,
    whichever side of the move each read saw.
    """
    unplaced = quotas_db.list_unplaced_build_requests(context, project_id)
    by_user = {}
    for build_request in unplaced:
        counts = by_user.setdefault(build_request['user_id'], [0, 0, 0])
        counts[0] += 1
        counts[1] += build_request['vcpus']
        counts[2] += build_request['memory_mb']
    exclude = [build_request['uuid'] for build_request in unplaced]
    answered = cells_scatter.gather(
        context, lambda cell_context, _cell: quotas_db.count_cell_instances(
            cell_context, project_id, exclude))
    for _cell, cell_counts in answered:
        for user, counts in cell_counts.items():
            totals = by_user.setdefault(user, [0, 0, 0])
            for index, value in enumerate(counts):
                totals[index] += value
    return by_user


def _count(context, project_id, user_id, resources):
    project, user = {}, {}
    if set(resources) & set(SERVER_RESOURCES):
        by_user = _count_servers(context, project_id)
        for index, resource in enumerate(SERVER_RESOURCES):
            project[resource] = sum(counts[index] for counts in by_user.values())
            user[resource] = by_user.get(user_id, [0, 0, 0])[index]
    if 'server_groups' in resources:
        project['server_groups'], user['server_groups'] = quotas_db.count_server_groups(
            context, project_id, user_id)
    if 'key_pairs' in resources and user_id is not None:
        user['key_pairs'] = quotas_db.count_key_pairs(context, user_id)
    usage = {'project': project}
    if user_id is not None:
        usage['user'] = user
    return usage


def count_usage(context, project_id, user_id=None):
    """What the project uses now, and what ``user_id`` uses in it:
    {'project': {instances, cores, ram, server_groups},
     'user': {instances, cores, ram, server_groups, key_pairs}} ('user'
    only when ``user_id`` is given).

    Servers count from the moment their build request is written until
    their row is deleted (soft-deleted ones do not count), wherever they
    are: build request, cell0 or a cell.
    """
    return _count(context, project_id, user_id, COUNTED_RESOURCES)


def get_usage(context, project_id, user_id=None):
    """{resource: in use} for every resource, as quota detail and /limits
    show it: the project's (or the user's) counts, 0 for what is not
    counted (keypairs belong to users, so a project uses none)."""
    usage = count_usage(context, project_id, user_id)
    scope = usage['user'] if user_id is not None else usage['project']
    return {resource: scope.get(resource, 0) for resource in RESOURCES}


# --- checks -----------------------------------------------------------------

def find_overs(deltas, usage, project_limits, user_limits=None):
    """{resource: (limit, used)} of the resources ``deltas`` would take
    past a limit: the project's first, then the user's (with
    ``user_limits``; keypairs only the user's). ``usage`` is count_usage's
    answer."""
    overs = {}
    for resource, delta in deltas.items():
        levels = []
        if resource not in _USER_ONLY:
            levels.append((project_limits[resource], usage['project'][resource]))
        if user_limits is not None:
            levels.append((user_limits[resource], usage['user'][resource]))
        for limit, used in levels:
            if 0 <= limit < used + delta:
                overs[resource] = (limit, used)
                break
    return overs


def over_quota(overs, deltas, requested=None):
    """OverQuota in Nova's words for find_overs' answer: resources in
    alphabetical order, "Requested" the ``requested`` amounts (else the
    deltas)."""
    requested = requested or {}
    names = sorted(overs)
    asked = {name: requested.get(name, deltas[name]) for name in names}
    # With zero deltas (the re-check) ``used`` includes this request: show
    # what was used before it, as the first check would have.
    shown_used = {name: max(overs[name][1] + deltas[name] - asked[name], 0) for name in names}
    return exception.OverQuota(
        overs=', '.join(names),
        req=', '.join(str(asked[name]) for name in names),
        used=', '.join(str(shown_used[name]) for name in names),
        allowed=', '.join(str(overs[name][0]) for name in names),
        quotas={name: overs[name][0] for name in names},
        usages={name: overs[name][1] for name in names},
        headroom={name: max(overs[name][0] - overs[name][1], 0) for name in names})


def check_deltas(context, project_id, user_id, deltas, requested=None, limits=None):
    """Raise OverQuota (403) unless usage + ``deltas`` fits every limit.

    ``deltas``: {resource: amount} over COUNTED_RESOURCES, checked against
    the project's limits and, with ``user_id``, the user's (keypairs only
    the user's). For the re-check after the build requests are written,
    pass zero deltas (the new servers are counted already) and the amounts
    the request asked for as ``requested``, so the message reads as the
    first check's would. ``limits``: project_and_user_limits' answer, when
    the caller has it already.
    """
    unknown = set(deltas) - set(COUNTED_RESOURCES)
    if unknown:
        raise ValueError('Quota resources that cannot be counted: %s' % sorted(unknown))
    project_limits, user_limits = limits or project_and_user_limits(context, project_id,
                                                                    user_id)
    usage = _count(context, project_id, user_id, deltas)
    overs = find_overs(deltas, usage, project_limits, user_limits)
    if overs:
        LOG.info('Project %s (user %s) is over quota for %s', project_id, user_id, sorted(overs))
        raise over_quota(overs, deltas, requested)


def allowed_count(context, project_id, user_id, unit_deltas, min_count, max_count,
                  limits=None):
    """The largest count from ``max_count`` down to ``min_count`` whose
    deltas (``unit_deltas`` times the count) fit, usage counted once;
    OverQuota for ``min_count`` when none fits. A bisection: a huge
    ``max_count`` costs a few dozen comparisons, not one per count."""
    limits = limits or project_and_user_limits(context, project_id, user_id)
    usage = _count(context, project_id, user_id, unit_deltas)

    def overs_at(count):
        deltas = {resource: amount * count for resource, amount in unit_deltas.items()}
        return find_overs(deltas, usage, *limits), deltas

    overs, deltas = overs_at(min_count)
    if overs:
        LOG.info('Project %s (user %s) is over quota for %s', project_id, user_id,
                 sorted(overs))
        raise over_quota(overs, deltas)
    fits, too_many = min_count, max_count + 1
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if overs_at(middle)[0]:
            too_many = middle
        else:
            fits = middle
    return fits


def check_server_group_members(context, group, user_id, delta, limits=None):
    """Raise OverQuota unless ``user_id``'s servers in ``group`` plus
    ``delta`` fit the server_group_members limit (the user's, which is the
    project's unless overridden; counted per user and group, as in Nova).
    With ``delta`` 0 it is the re-check after the members were added."""
    project_limits, user_limits = limits or project_and_user_limits(
        context, group['project_id'], user_id)
    limit = (user_limits or project_limits)['server_group_members']
    used = server_groups_db.count_members_by_user(context, group['id'], user_id)
    if 0 <= limit < used + delta:
        LOG.info('User %s is over quota for servers in group %s', user_id, group['uuid'])
        raise over_quota({'server_group_members': (limit, used)},
                         {'server_group_members': delta})


def check_limits(context, project_id, values, user_id=None):
    """Raise OverQuota unless each value is within its limit, for limits
    that bound one request rather than a total (metadata_items,
    injected_files, ...)."""
    limits = get_limits(context, project_id, user_id)
    overs = {resource: (limits[resource], 0) for resource, value in values.items()
             if 0 <= limits[resource] < value}
    if overs:
        raise over_quota(overs, values)


# --- setting limits -----------------------------------------------------------

def _claimed_by_users(context, project_id):
    """{resource: sum of the user overrides in the project} (unlimited
    overrides claim nothing)."""
    claimed = {}
    for row in quotas_db.list_user_limits(context, project_id):
        if row['hard_limit'] is not None and row['hard_limit'] >= 0:
            claimed[row['resource']] = claimed.get(row['resource'], 0) + row['hard_limit']
    return claimed


def settable_ranges(context, project_id, user_id=None):
    """{resource: (minimum, maximum)} a new limit must lie in (-1 as a
    maximum: no upper bound), as Nova reckons them.

    A project limit may not drop below what is in use nor below what its
    users' overrides add up to. A user limit may not drop below what the
    user uses, nor exceed what the project has left after the other users'
    overrides.
    """
    in_use = get_usage(context, project_id, user_id)
    if user_id is None:
        claimed = _claimed_by_users(context, project_id)
        return {resource: (max(in_use[resource], claimed.get(resource, 0)), -1)
                for resource in RESOURCES}
    project_limits = get_limits(context, project_id)
    own = _known(quotas_db.get_user_limits(context, project_id, user_id))
    claimed = _claimed_by_users(context, project_id)
    ranges = {}
    for resource in RESOURCES:
        if project_limits[resource] < 0:
            maximum = -1
        else:
            left = project_limits[resource] - claimed.get(resource, 0)
            # Never below 0: -1 would read as "no upper bound".
            maximum = max(left + max(own.get(resource, 0), 0), 0)
        ranges[resource] = (in_use[resource], maximum)
    return ranges


def _above(limit, bound):
    """Compare with -1 as infinity."""
    as_number = float('inf') if limit == -1 else limit
    return as_number > (float('inf') if bound == -1 else bound)


def validate_new_limits(context, project_id, user_id, limits):
    """InvalidInput (400) when a new limit lies outside its settable range."""
    ranges = settable_ranges(context, project_id, user_id)
    for resource, limit in limits.items():
        minimum, maximum = ranges[resource]
        if _above(minimum, limit):
            raise exception.InvalidInput(
                'Quota limit %s for %s must be greater than or equal to already used '
                'and reserved %s.' % (limit, resource, minimum))
        if _above(limit, maximum):
            raise exception.InvalidInput(
                'Quota limit %s for %s must be less than or equal to %s.'
                % (limit, resource, maximum))
