"""Client side of the scheduler RPC API (topic ``scheduler``, on the
API-level transport).

Version history:

    1.0 - Initial version: the scheduler service, with no RPC methods yet.
    1.1 - select_destinations(request_spec, instance_uuids, return_alternates)
"""
from nova_common import rpc

TOPIC = 'scheduler'
VERSION = '1.1'


class SchedulerAPI:
    def __init__(self, transport=None):
        self.client = rpc.get_client(TOPIC, VERSION, transport=transport)

    def select_destinations(self, context, request_spec, instance_uuids,
                            return_alternates=True):
        """Per instance uuid, a list of Selections: the first claimed in the
        ledger, the rest unclaimed alternates from the same cell. Raises
        exception.NoValidHost when an instance fits nowhere (nothing is
        left claimed then)."""
        client = self.client.prepare(version='1.1')
        return client.call(context, 'select_destinations', request_spec=request_spec,
                           instance_uuids=list(instance_uuids),
                           return_alternates=return_alternates)
