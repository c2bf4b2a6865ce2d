"""Paged lists: the caller's ``limit``/``marker`` and the ``next`` link,
as Nova's API computes them.

``limit`` is capped by ``[api] max_limit``; a page as long as the limit
gets a ``next`` link that repeats the query with ``marker`` set to the last
item of the page.
"""
from urllib import parse

from nova_api.schemas import parameter_types
from nova_common.conf import CONF


def limit_and_marker(req):
    """(limit, marker) of a list request (query already schema-validated)."""
    limit = CONF.api.max_limit
    requested = req.query_value('limit')
    if requested is not None:
        limit = min(limit, int(requested))
    return limit, req.query_value('marker')


def limit_and_offset(req):
    """(limit, offset) of a list paged by offset (query already
    schema-validated): a missing or 0 limit is ``[api] max_limit``; an
    offset past what a database integer holds is past every item anyway."""
    requested = int(req.query_value('limit') or 0)
    limit = min(CONF.api.max_limit, requested or CONF.api.max_limit)
    return limit, min(int(req.query_value('offset') or 0), parameter_types.MAX_INT)


def next_links(req, items, marker_of, *collection):
    """``[{'rel': 'next', 'href': ...}]`` when ``items`` fills the page, else [].

    ``marker_of(item)`` gives the marker of an item; ``collection`` the path
    parts of the list (e.g. 'flavors', 'detail').
    """
    limit, _marker = limit_and_marker(req)
    if not limit or len(items) != limit:
        return []
    params = dict(sorted((key, values[-1]) for key, values in req.query.items()))
    params['marker'] = marker_of(items[-1])
    href = '%s?%s' % (req.link(*collection), parse.urlencode(params))
    return [{'rel': 'next', 'href': href}]
