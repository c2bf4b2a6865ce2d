"""Keypair bodies as the Compute API shows them: ``type`` from 2.2, the
full record (ids, timestamps, the never-true ``deleted``) in show only."""
from nova_api import pagination

KEY_TYPE_VERSION = '2.2'
_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S.%f'


def _time(value):
    return value.strftime(_TIME_FORMAT) if value is not None else None


def _with_type(req, body, keypair):
    if req.at_least(KEY_TYPE_VERSION):
        body['type'] = keypair['type']
    return body


def create(req, keypair, private_key=None):
    body = {'name': keypair['name'], 'public_key': keypair['public_key'],
            'fingerprint': keypair['fingerprint'], 'user_id': keypair['user_id']}
    if private_key is not None:
        body['private_key'] = private_key
    return {'keypair': _with_type(req, body, keypair)}


def show(req, keypair):
    body = {
        'name': keypair['name'],
        'public_key': keypair['public_key'],
        'fingerprint': keypair['fingerprint'],
        'user_id': keypair['user_id'],
        'id': keypair['id'],
        'created_at': _time(keypair['created_at']),
        'updated_at': _time(keypair['updated_at']),
        'deleted': False,
        'deleted_at': None,
    }
    return {'keypair': _with_type(req, body, keypair)}


def index(req, keypairs, with_links=False):
    items = [{'keypair': _with_type(req, {'name': k['name'], 'public_key': k['public_key'],
                                          'fingerprint': k['fingerprint']}, k)}
             for k in keypairs]
    body = {'keypairs': items}
    if with_links:
        links = pagination.next_links(req, keypairs, lambda k: k['name'], 'os-keypairs')
        if links:
            body['keypairs_links'] = links
    return body
