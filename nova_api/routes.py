"""The route table of the compute API: (method, path, handler[, min, max]).

Paths are relative to /v2.1 (and to an optional /{project_id}); a route
with a microversion range exists only inside it (404 outside, as in Nova).
"""
from nova_api import router


def entries():
    return []


def route_table():
    return router.RouteTable(entries())
