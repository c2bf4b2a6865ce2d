"""Lists as Neutron answers them: any attribute as a filter (repeated for
OR), ``fields``, ``sort_key``/``sort_dir`` and paging with ``limit``,
``marker`` and ``page_reverse``, with ``<collection>_links`` to the next
and previous pages."""
import urllib.parse

from nova_common.conf import CONF
from nova_network import exceptions

CONTROL_PARAMS = ('fields', 'limit', 'marker', 'page_reverse', 'sort_key', 'sort_dir')
# What SQLite's and MySQL's BIGINT hold.
DB_INT_MIN, DB_INT_MAX = -2 ** 63, 2 ** 63 - 1


def to_bool(name, value):
    lowered = value.lower()
    if lowered in ('true', '1'):
        return True
    if lowered in ('false', '0'):
        return False
    raise exceptions.HTTPBadRequest("Invalid input for %s. Reason: '%s' cannot be converted "
                                    "to boolean." % (name, value))


def _parsed_int(name, value):
    try:
        return int(value)
    except ValueError:
        raise exceptions.HTTPBadRequest("Invalid input for %s. Reason: '%s' is not an "
                                        "integer." % (name, value))


def to_int(name, value):
    """An integer filter: one the database can compare (a 64-bit signed
    integer), since a wider one makes the driver fail."""
    number = _parsed_int(name, value)
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise exceptions.HTTPBadRequest("Invalid input for %s. Reason: '%s' is out of range "
                                        "- must be from '%d' to '%d'."
                                        % (name, value, DB_INT_MIN, DB_INT_MAX))
    return number


def to_str(name, value):
    return value


class Attribute:
    """A filterable (and, with a column, sortable) attribute of a resource:
    the model attribute it is stored in and how a query value converts."""

    def __init__(self, column=None, convert=to_str):
        self.column = column
        self.convert = convert


class ListParams:
    def __init__(self, filters, fields, sorts, limit, marker, page_reverse):
        self.filters = filters
        self.fields = fields
        self.sorts = sorts
        self.limit = limit
        self.marker = marker
        self.page_reverse = page_reverse


def parse(req, attributes):
    """The list parameters of ``req`` for a resource whose filterable
    attributes are ``attributes`` ({wire name: Attribute}); 400 for an
    unknown filter or sort key, or a bad value."""
    params = req.params
    filters = {}
    for name in params:
        if name in CONTROL_PARAMS or name in filters:
            continue
        if name not in attributes:
            raise exceptions.HTTPBadRequest('%s is invalid attribute for filtering' % name)
        attribute = attributes[name]
        filters[name] = [attribute.convert(name, value) for value in params.getall(name)]
    fields = requested_fields(req)
    sort_keys, sort_dirs = params.getall('sort_key'), params.getall('sort_dir')
    if len(sort_keys) != len(sort_dirs) and sort_dirs:
        raise exceptions.HTTPBadRequest('The number of sort_keys and sort_dirs must be same')
    sorts = []
    for index, key in enumerate(sort_keys):
        if key not in attributes or attributes[key].column is None:
            raise exceptions.HTTPBadRequest('%s is invalid attribute for sort_keys' % key)
        direction = sort_dirs[index] if sort_dirs else 'asc'
        if direction not in ('asc', 'desc'):
            raise exceptions.HTTPBadRequest("%s is invalid value for sort_dirs, valid value "
                                            "is 'asc' and 'desc'" % direction)
        sorts.append((attributes[key].column, direction))
    limit = None
    if 'limit' in params:
        limit = _parsed_int('limit', params['limit'])
        if limit < 0:
            raise exceptions.HTTPBadRequest("Limit must be an integer 0 or greater and not "
                                            "'%d'" % limit)
    max_limit = CONF.network.pagination_max_limit
    limit = min(limit or max_limit, max_limit)
    page_reverse = to_bool('page_reverse', params.get('page_reverse', 'false'))
    return ListParams(filters, fields, sorts, limit, params.get('marker'), page_reverse)


def requested_fields(req):
    """The ``fields`` of a show request (other parameters are ignored
    there, as Neutron does)."""
    return [field for value in req.params.getall('fields') for field in value.split(',')
            if field]


def select_fields(item, fields):
    if not fields:
        return item
    return {name: value for name, value in item.items() if name in fields}


def shown(req, item):
    """``item`` with only the fields a show request asks for."""
    return select_fields(item, requested_fields(req))


def _link(req, rel, marker, reverse):
    query = [(key, value) for key, value in req.params.items()
             if key not in ('marker', 'page_reverse')]
    query.append(('marker', marker))
    if reverse:
        query.append(('page_reverse', 'True'))
    return {'rel': rel, 'href': '%s?%s' % (req.webob.path_url, urllib.parse.urlencode(query))}


def collection(req, name, items, params, has_more):
    """The list body: ``{name: items}`` plus ``<name>_links`` when the
    caller pages (as Neutron: next when there is more, previous after a
    marker)."""
    body = {name: [select_fields(item, params.fields) for item in items]}
    if 'limit' in req.params or params.marker:
        links = []
        if items:
            forward_more = has_more if not params.page_reverse else bool(params.marker)
            backward_more = bool(params.marker) if not params.page_reverse else has_more
            if forward_more:
                links.append(_link(req, 'next', items[-1]['id'], False))
            if backward_more:
                links.append(_link(req, 'previous', items[0]['id'], True))
        body[name + '_links'] = links
    return body
