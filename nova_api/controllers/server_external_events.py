"""POST /os-server-external-events: other services tell Nova about a
server (a port plugged, a volume extended, the power changed behind its
back), as Nova answers it.

Each event gets its own status and code: 200 (completed) when its server
has a host, where the event is cast to the compute; 404 for a server
there is none of (or whose cell does not answer); 422 for a server not on
a host yet; 400 for an event that needs a tag and has none. The answer is
200 when every event was accepted, 207 when some were, and 404 ("No
instances found for any event") when none was.
"""
from oslo_log import log as logging

from nova_api.compute import lookup
from nova_api import handler
from nova_api.schemas import server_external_events as schemas
from nova_api import validation
from nova_common import exception
from nova_common.policies import server_external_events as event_policies
from nova_common import policy
from nova_compute import rpcapi as compute_rpcapi

LOG = logging.getLogger(__name__)

# Events that mean nothing without a tag (Nova's TAG_REQUIRED).
TAG_REQUIRED = ('volume-extended', 'power-update', 'accelerator-request-bound')


def _find(context, uuid):
    """The server ``uuid`` as far as events go: None when there is none
    (or its cell does not answer)."""
    try:
        instance = lookup.get_server(context, uuid, with_fault=False, cell_down_support=True)
    except exception.InstanceNotFound:
        return None
    return None if instance.get('partial') else instance


def _judge(event, instance):
    """(status, code) of one event."""
    if instance is None:
        return 'failed', 404
    if event['name'] in TAG_REQUIRED and not event.get('tag'):
        return 'failed', 400
    if not instance.get('host'):
        return 'failed', 422
    return 'completed', 200


def _decorated(func):
    for schema, low, high in schemas.by_version():
        func = validation.body(schema, low, high)(func)
    return func


@_decorated
def create(req):
    policy.authorize(req.context, event_policies.POLICY % 'create', {})
    found = {}
    answered, accepted = [], []
    for event in req.body['events']:
        uuid = event['server_uuid']
        if uuid not in found:
            found[uuid] = _find(req.context, uuid)
        instance = found[uuid]
        answer = dict(event)
        answer['status'], answer['code'] = _judge(event, instance)
        answered.append(answer)
        if answer['code'] == 200:
            accepted.append((instance, {'name': event['name'], 'tag': event.get('tag'),
                                        'status': event.get('status', 'completed')}))
            LOG.info('Creating event %s:%s for instance %s on %s', event['name'],
                     event.get('tag'), uuid, instance['host'])
        else:
            LOG.debug('Dropping event %s:%s for instance %s (%d)', event['name'],
                      event.get('tag'), uuid, answer['code'])
    if not accepted:
        raise exception.NotFound('No instances found for any event')
    for instance, event in accepted:
        cell = lookup.cell_of(req.context, instance)
        compute_rpcapi.ComputeAPI.for_cell(cell).external_instance_event(
            req.context, instance['host'], instance, event)
    status = 200 if len(accepted) == len(answered) else 207
    return handler.Reply(status, {'events': answered})


ROUTES = [
    ('POST', '/os-server-external-events', create),
]
