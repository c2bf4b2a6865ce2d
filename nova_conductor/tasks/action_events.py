"""The instance action events of the conductor's tasks (rebuild,
unshelve, evacuate, cold and live migration): each task records its step's
start and finish in the server's cell, under the request id of the action
the API recorded."""
from nova_common.db.api import instance_actions
from nova_common.db import engines


@engines.retry_on_db_error
def record(cell_context, uuid, event, phase, result=None, details=None):
    """``phase`` 'start', or 'finish' with ``result`` ('Success' or
    'Error') and ``details`` (shown as the event's traceback)."""
    if phase == 'start':
        instance_actions.event_start(cell_context, uuid, cell_context.request_id, event, None)
    else:
        instance_actions.event_finish(cell_context, uuid, cell_context.request_id, event,
                                      result, traceback=details)
