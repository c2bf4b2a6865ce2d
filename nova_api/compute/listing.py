"""Listing servers across build requests and every cell (cell0 included),
merged by the sort keys and paged by marker, as one list.

The build requests are read before the cells: a server moving into its
cell meanwhile is then seen at least once, and when seen twice its cell
record wins. Each cell answers in parallel within the scatter timeout
with at most ``limit`` records after the marker; the merged list keeps the
first ``limit``. The marker (the uuid of the last server of the previous
page) is found through its instance mapping, in a build request or in any
cell, and its sort values then bound every source.

A cell that does not answer is left out and reported; with
``cell_down_support`` (microversion 2.69) its servers appear as partial
records built from their instance mappings.
"""
from nova_common import cells_scatter
from nova_api.compute import lookup
from nova_api.compute import record_filters
from nova_api.compute import record_order
from nova_common.db.api import build_requests
from nova_common.db.api import instance_mappings
from nova_common.db.api import instances
from nova_common import exception


def _build_request_records(context, filters):
    """The servers still build requests that pass ``filters`` (none when
    only deleted servers are asked for: a build request is never one)."""
    if filters.get('deleted'):
        return []
    project_id = filters.get('project_id')
    if isinstance(project_id, (list, tuple)):
        project_id = None
    found = [lookup.from_build_request(build_request)
             for build_request in build_requests.list(context, project_id=project_id)]
    return [record for record in found if record_filters.matches(record, filters)]


def _marker_record(context, marker):
    """The record of the marker server (perhaps deleted, perhaps in a cell
    that does not answer); MarkerNotFound when the caller has no server
    with that uuid."""
    try:
        return lookup.get_server(context, marker, with_fault=False, read_deleted='yes',
                                 cell_down_support=True)
    except exception.InstanceNotFound:
        raise exception.MarkerNotFound(marker=marker)


def _partial_records(context, cell_uuids, filters):
    project_id = filters.get('project_id')
    mappings = instance_mappings.list_live_in_cells(
        context, cell_uuids, project_id if isinstance(project_id, str) else None)
    judged = record_filters.known_to_partial_records(filters)
    records = [lookup.partial_record(mapping) for mapping in mappings]
    return [record for record in records if record_filters.matches(record, judged)]


def _query_cells(context, filters, keys, dirs, limit, marker_values, with_fault):
    cells = cells_scatter.all_cells(context, with_cell0=True)

    def list_cell(cell_context, cell):
        found = instances.list(cell_context, filters, keys, dirs, limit=limit,
                               marker=marker_values, with_fault=with_fault)
        for instance in found:
            instance['cell_uuid'] = cell['uuid']
        return found

    results = cells_scatter.scatter_gather(context, cells, list_cell)
    down = [cell['uuid'] for cell in cells if cells_scatter.is_failure(results[cell['uuid']])]
    for cell in cells:
        if cell['uuid'] in down:
            cells_scatter.log_skipped(cell, results[cell['uuid']])
    answered = [instance for cell in cells if cell['uuid'] not in down
                for instance in results[cell['uuid']]]
    return answered, down


def list_servers(context, filters, sort_keys, sort_dirs, limit, marker, with_fault,
                 cell_down_support=False):
    """([instance dicts], uuids of the cells that did not answer).

    ``filters``, ``sort_keys`` and ``sort_dirs`` as ``instances.list``
    takes them (the caller scopes the list with ``project_id``);
    ``limit`` None means no limit; MarkerNotFound for an unknown marker.
    Each instance carries ``cell_uuid`` (None for a build request);
    partial records (``partial``) only with ``cell_down_support``.
    """
    keys, dirs = instances.sort_order(sort_keys, sort_dirs)
    records = _build_request_records(context, filters)
    marker_values = None
    if marker is not None:
        marker_values = instances.marker_values(
            _marker_record(context, marker), keys)
        records = [record for record in records
                   if record_order.comes_after(record, marker_values, keys, dirs)]
    from_cells, down = _query_cells(context, filters, keys, dirs, limit, marker_values,
                                    with_fault)
    in_cells = {instance['uuid'] for instance in from_cells}
    records = [record for record in records if record['uuid'] not in in_cells] + from_cells
    if down and cell_down_support:
        partial = _partial_records(context, down, filters)
        if marker_values is not None:
            partial = [record for record in partial
                       if record_order.comes_after(record, marker_values, keys, dirs)]
        records += partial
    records.sort(key=record_order.sort_key(keys, dirs))
    if limit is not None:
        records = records[:limit]
    return records, down
