"""The API extension: a server's CMDB record.

- ``GET /servers/{server_id}/cmdb-record``: what the CMDB keeps of the
  server (404 when it has no record, 503 when it cannot be reached);
  policy ``os_compute_api:os-cmdb:show`` (project reader or admin).
- server action ``cmdb-register`` (from microversion 2.60): register the
  server again, e.g. after the CMDB was down when it was built; body
  ``{"cmdb-register": {"note": "..."}}`` or ``{"cmdb-register": null}``;
  policy ``os_compute_api:os-cmdb:register`` (admin).
"""
from nova_api.compute import lookup
from nova_api import handler
from nova_api import validation
from nova_cmdb_hook import client
from nova_common import exception
from nova_common import hooks
from nova_common.policies import base
from nova_common import policy

SHOW = 'os_compute_api:os-cmdb:show'
REGISTER = 'os_compute_api:os-cmdb:register'

register_schema = {
    'type': 'object',
    'properties': {
        'cmdb-register': {
            'oneOf': [
                {'type': 'null'},
                {'type': 'object',
                 'properties': {'note': {'type': 'string', 'maxLength': 255}},
                 'additionalProperties': False},
            ],
        },
    },
    'required': ['cmdb-register'],
    'additionalProperties': False,
}


def _target(instance):
    return {'project_id': instance['project_id'], 'user_id': instance['user_id']}


def _cmdb_call(func, *args):
    try:
        return func(*args)
    except client.NotRegistered:
        raise exception.NotFound('The CMDB has no record of this server.')
    except client.CMDBError as error:
        raise exception.ServiceUnavailable(reason='the CMDB cannot be reached (%s)' % error)


def show_record(req, server_id):
    instance = lookup.get_server(req.context, server_id)
    policy.authorize(req.context, SHOW, _target(instance))
    return {'cmdb_record': _cmdb_call(client.show, instance['uuid'])}


@handler.response(202)
@validation.body(register_schema)
def register(req, instance, argument):
    policy.authorize(req.context, REGISTER, _target(instance))
    record = client.record_of(instance, hooks.context_data(req.context))
    if argument and argument.get('note'):
        record['note'] = argument['note']
    _cmdb_call(client.register, record)


ROUTES = [
    ('GET', '/servers/{server_id}/cmdb-record', show_record),
]

ACTIONS = {
    'cmdb-register': (register, '2.60', None),
}

rules = [
    base.rule(SHOW, base.PROJECT_READER_OR_ADMIN, "Show a server's CMDB record",
              [('GET', '/servers/{server_id}/cmdb-record')]),
    base.rule(REGISTER, base.ADMIN, 'Register a server in the CMDB again',
              [('POST', '/servers/{server_id}/action (cmdb-register)')]),
]


def list_rules():
    return rules
