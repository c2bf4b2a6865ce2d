"""A lost build request whose instance already exists in a cell.

The super-conductor creates the instance in the chosen cell, then removes
the build request and maps the instance to that cell in one API
transaction (build.point_mapping_at_cell). One that dies between the two
leaves an old build request, an instance mapping without a cell and an
instance in BUILD that no compute was asked to build. Burying that build
request in cell0 would make a second copy of the server (mapped to cell0,
so a delete never reaches the first). Instead the lost-build check takes
over the copy in the cell: maps the server to it, removes the build
request and ends the instance in ERROR with a fault, its claim freed.
"""
from oslo_log import log as logging

from nova_common import cells_scatter
from nova_common import compute_states as states
from nova_common import context as nova_context
from nova_common.db.api import cells as cells_db
from nova_common.db.api import instances
from nova_common import exception
from nova_conductor import persistence
from nova_conductor.tasks import build

LOG = logging.getLogger(__name__)


class CellsDidNotAnswer(Exception):
    """Some cell could not be searched: the instance may be there."""


def _live_copy(cell_context, uuid):
    found = instances.list(cell_context, {'uuid': [uuid], 'deleted': False})
    return found[0] if found else None


def find(context, uuid):
    """(cell, instance) of the live instance ``uuid`` in a cell other than
    cell0, or None; CellsDidNotAnswer when a cell failed to answer."""
    # Not the cached mappings: a cell added a moment ago may hold it.
    cells = cells_db.list_cells(context, include_cell0=False)
    results = cells_scatter.scatter_gather(
        context, cells, lambda cell_context, cell: _live_copy(cell_context, uuid))
    unanswered = []
    for cell in cells:
        result = results[cell['uuid']]
        if cells_scatter.is_failure(result):
            unanswered.append('%s (%s)' % (cell['name'], result))
        elif result is not None:
            return cell, result
    if unanswered:
        raise CellsDidNotAnswer(', '.join(unanswered))
    return None


def take_over(context, uuid, cell, instance, message):
    """Map the server to ``cell``, where ``instance`` is, removing its build
    request; then ERROR with ``message`` as its fault (claim freed) if it is
    still waiting for a compute. False when the build request was gone
    (the build, a delete or another check got there first): whoever
    removes the build request owns the server."""
    if not build.point_mapping_at_cell(context, uuid, cell):
        return False
    with nova_context.target_cell(context, cell) as cell_context:
        try:
            persistence.set_error(cell_context, uuid, message, host=instance.get('host'),
                                  expected={'vm_state': states.BUILDING,
                                            'task_state': states.SCHEDULING})
        except (exception.InstanceNotFound, exception.InstanceInvalidState):
            LOG.info('Instance %s in %s moved on before it could be ended', uuid, cell['name'])
    return True
