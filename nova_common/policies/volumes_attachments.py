"""Policies of /servers/{server_id}/os-volume_attachments."""
from nova_common.policies import base

POLICY = 'os_compute_api:os-volumes-attachments:%s'
_COLLECTION = '/servers/{server_id}/os-volume_attachments'
_ITEM = _COLLECTION + '/{volume_id}'

rules = [
    base.rule(POLICY % 'index', base.PROJECT_READER_OR_ADMIN,
              'List volume attachments for an instance', [('GET', _COLLECTION)]),
    base.rule(POLICY % 'create', base.PROJECT_MEMBER_OR_ADMIN,
              'Attach a volume to an instance', [('POST', _COLLECTION)]),
    base.rule(POLICY % 'show', base.PROJECT_READER_OR_ADMIN,
              'Show details of a volume attachment', [('GET', _ITEM)]),
    base.rule(POLICY % 'update', base.PROJECT_MEMBER_OR_ADMIN,
              'Update a volume attachment', [('PUT', _ITEM)]),
    base.rule(POLICY % 'swap', base.ADMIN,
              'Swap the volume of a volume attachment', [('PUT', _ITEM)]),
    base.rule(POLICY % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
              'Detach a volume from an instance', [('DELETE', _ITEM)]),
]


def list_rules():
    return rules
