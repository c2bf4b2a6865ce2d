"""/os-keypairs: a user's ssh (or x509) public keys.

Microversions: 2.2 adds ``type`` and answers 201 to create and 204 to
delete (200 and 202 before); 2.10 lets an admin act on another user's
keypairs with ``user_id``; 2.35 pages the list; 2.75 refuses unknown query
parameters; 2.92 only imports keys (``public_key`` required, no generated
private key) and allows '@' and '.' in names.
"""
from nova_api import handler
from nova_api import pagination
from nova_api.schemas import keypairs as schemas
from nova_api import validation
from nova_api.views import keypairs as views
from nova_common import crypto
from nova_common.db.api import keypairs as keypairs_db
from nova_common.policies import keypairs as keypair_policies
from nova_common import policy
from nova_common import quota

USER_ID_VERSION = '2.10'
PAGING_VERSION = '2.35'


def _query_user_id(req):
    """From 2.10, the first ``user_id`` of the query, if any."""
    if req.at_least(USER_ID_VERSION):
        user_ids = req.query.get('user_id')
        if user_ids:
            return user_ids[0]
    return None


def _target_user(req, action, user_id):
    """The user whose keypairs the caller acts on (``user_id``, else the
    caller), once the policy allows it: only admins act for someone else."""
    user_id = user_id or req.context.user_id
    policy.authorize(req.context, keypair_policies.POLICY % action, target={'user_id': user_id})
    return user_id


@validation.query(schemas.index_query_v235, '2.35', '2.74')
@validation.query(schemas.index_query_v275, '2.75')
def index(req):
    user_id = _target_user(req, 'index', _query_user_id(req))
    paged = req.at_least(PAGING_VERSION)
    limit, marker = pagination.limit_and_marker(req) if paged else (None, None)
    keypairs = keypairs_db.list_keypairs(req.context, user_id, limit=limit, marker=marker)
    return views.index(req, keypairs, with_links=paged)


@validation.query(schemas.query_v275, '2.75')
def show(req, keypair_name):
    user_id = _target_user(req, 'show', _query_user_id(req))
    return views.show(req, keypairs_db.get_keypair(req.context, user_id, keypair_name))


def _create(req):
    params = req.body['keypair']
    key_type = params.get('type', 'ssh')
    user_id = _target_user(req, 'create', params.get('user_id'))
    quota.check_deltas(req.context, req.context.project_id, user_id, {'key_pairs': 1})
    private_key = None
    if 'public_key' in params:
        public_key = params['public_key']
        fingerprint = crypto.fingerprint(public_key, key_type)
    else:
        private_key, public_key, fingerprint = crypto.generate_keypair(key_type, user_id)
    keypair = keypairs_db.create_keypair(req.context, user_id, params['name'], public_key,
                                         fingerprint, key_type)
    return views.create(req, keypair, private_key)


@validation.body(schemas.create, '2.1', '2.1')
def create_v21(req):
    return _create(req)


@handler.response(201)
@validation.body(schemas.create_v22, '2.2', '2.9')
@validation.body(schemas.create_v210, '2.10', '2.91')
@validation.body(schemas.create_v292, '2.92')
def create(req):
    return _create(req)


def _delete(req, keypair_name):
    user_id = _target_user(req, 'delete', _query_user_id(req))
    keypairs_db.delete_keypair(req.context, user_id, keypair_name)


@handler.response(202)
def delete_v21(req, keypair_name):
    _delete(req, keypair_name)


@handler.response(204)
@validation.query(schemas.query_v275, '2.75')
def delete(req, keypair_name):
    _delete(req, keypair_name)


ROUTES = [
    ('GET', '/os-keypairs', index),
    ('POST', '/os-keypairs', create_v21, '2.1', '2.1'),
    ('POST', '/os-keypairs', create, '2.2'),
    ('GET', '/os-keypairs/{keypair_name}', show),
    ('DELETE', '/os-keypairs/{keypair_name}', delete_v21, '2.1', '2.1'),
    ('DELETE', '/os-keypairs/{keypair_name}', delete, '2.2'),
]
