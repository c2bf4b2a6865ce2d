"""``instances.list`` filters applied to instance dicts in Python, with the
same meaning as in SQL: for build requests, which live as JSON in the API
database, and for the partial records of servers whose cell does not
answer."""
import re

from nova_common import compute_states
from nova_common.db.api import instances


def _as_list(value):
    return value if isinstance(value, (list, tuple, set, frozenset)) else [value]


def _matches(instance, name, value):
    column = instances.FILTER_ALIASES.get(name, name)
    if column in instances.EXACT_FILTERS:
        return instance.get(column) in _as_list(value)
    if column in instances.REGEX_FILTERS:
        found = instance.get(column)
        return found is not None and re.search(str(value), str(found)) is not None
    if name == 'status':
        wanted = {status.upper() for status in _as_list(value)}
        found = compute_states.status(instance.get('vm_state'), instance.get('task_state'))
        return found in wanted
    if name == 'flavor':
        return (instance.get('flavor') or {}).get('flavorid') == str(value)
    if name in ('changes-since', 'changes-before'):
        updated = instance.get('updated_at')
        bound = instances.as_datetime(value)
        if updated is None:
            return False
        return updated >= bound if name == 'changes-since' else updated <= bound
    if name == 'deleted':
        gone = (bool(instance.get('deleted')) or
                instance.get('vm_state') == compute_states.SOFT_DELETED)
        return gone == bool(value)
    tags = set(instance.get('tags') or ())
    wanted = set(_as_list(value))
    return {'tags': wanted <= tags, 'tags-any': bool(wanted & tags),
            'not-tags': not wanted <= tags, 'not-tags-any': not wanted & tags}[name]


def matches(instance, filters):
    """Whether the instance dict passes every filter of ``filters``."""
    return all(_matches(instance, name, value) for name, value in filters.items())


def known_to_partial_records(filters):
    """The filters a partial record (project, user, uuid, creation time)
    can be judged by; the rest cannot apply to it."""
    return {name: value for name, value in filters.items()
            if name in ('project_id', 'user_id', 'uuid')}
