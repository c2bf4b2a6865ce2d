"""/servers/{server_id}/os-server-password: the administrative password a
guest posted (encrypted with the server's key pair) to the metadata
service. As in Nova it is kept in the server's system metadata, cut into
four 255-character pieces; an empty string when there is none."""
from nova_api.compute import lookup
from nova_api import handler
from nova_common import context as nova_context
from nova_common.db.api import instances as instances_db
from nova_common.policies import server_password as password_policies
from nova_common import policy

CHUNKS = 4
CHUNK_LENGTH = 255


def _keys():
    return ['password_%d' % index for index in range(CHUNKS)]


def _server(req, server_id, rule):
    instance = lookup.get_server(req.context, server_id, with_fault=False)
    policy.authorize(req.context, password_policies.POLICY % rule,
                     {'project_id': instance['project_id'], 'user_id': instance['user_id']})
    return instance


def index(req, server_id):
    instance = _server(req, server_id, 'show')
    system_metadata = instance.get('system_metadata') or {}
    return {'password': ''.join(system_metadata.get(key) or '' for key in _keys())}


@handler.response(204)
def clear(req, server_id):
    instance = _server(req, server_id, 'clear')
    with nova_context.target_cell(req.context, lookup.cell_of(req.context, instance)) \
            as cell_context:
        instances_db.set_system_metadata_items(cell_context, instance['uuid'],
                                               dict.fromkeys(_keys(), ''))


ROUTES = [
    ('GET', '/servers/{server_id}/os-server-password', index),
    ('DELETE', '/servers/{server_id}/os-server-password', clear),
]
