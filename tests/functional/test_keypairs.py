"""Keypairs through the real API, per microversion."""
import base64

from cryptography import x509
from cryptography.hazmat.primitives import serialization
import pytest

from nova_common import crypto

ADMIN = 'admin:admin'
DEMO = 'demo:demo'
PUBLIC_KEY = ('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCmXtBjOaoRFBAkPVdRfOdsOQUjqy4YRoK/C5T'
              'qw24IDzLwx1pYoUlSvecy2wNXnIuyH/fdeUdp6YrTMYVUjTpoziW8fYceZ35fayZBhwNiffT8uD2G'
              'eXv2aW2dciTf5UZ8z9+TrOEOPmLp+38firwCi6VUGYa3bUINSSvkFwaLrQ== rsa@example')
# ssh-keygen -l -E md5 of PUBLIC_KEY
FINGERPRINT = '40:08:e9:13:11:9b:d8:92:3a:7d:d1:f5:6b:8c:2f:62'


def _import(cloud, name='key1', version='2.2', token=DEMO, status=201, **fields):
    keypair = {'name': name, 'public_key': PUBLIC_KEY}
    keypair.update(fields)
    return cloud.post('/v2.1/os-keypairs', body={'keypair': keypair}, version=version,
                      token=token, status=status)


def _fault(resp, name):
    return resp.json[name]['message']


# --- create -------------------------------------------------------------------

def test_import_at_2_1_answers_200_without_type(cloud):
    resp = _import(cloud, version='2.1', status=200)
    assert resp.json == {'keypair': {'name': 'key1', 'public_key': PUBLIC_KEY,
                                     'fingerprint': FINGERPRINT, 'user_id': 'demo'}}


def test_import_from_2_2_answers_201_with_type(cloud):
    resp = _import(cloud, version='2.2')
    assert resp.json == {'keypair': {'name': 'key1', 'public_key': PUBLIC_KEY,
                                     'fingerprint': FINGERPRINT, 'user_id': 'demo',
                                     'type': 'ssh'}}


def test_generate_ssh_keypair_before_2_92(cloud):
    resp = cloud.post('/v2.1/os-keypairs', body={'keypair': {'name': 'gen'}}, version='2.91',
                      token=DEMO, status=201)
    keypair = resp.json['keypair']
    assert set(keypair) == {'name', 'public_key', 'fingerprint', 'user_id', 'type',
                            'private_key'}
    assert keypair['type'] == 'ssh'
    private = serialization.load_pem_private_key(keypair['private_key'].encode(), None)
    openssh = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    assert keypair['public_key'] == openssh + ' Generated-by-Nova'
    assert keypair['fingerprint'] == crypto.ssh_fingerprint(keypair['public_key'])
    shown = cloud.get('/v2.1/os-keypairs/gen', version='2.2', token=DEMO).json['keypair']
    assert shown['public_key'] == keypair['public_key']
    assert 'private_key' not in shown


def test_generate_x509_keypair(cloud):
    resp = cloud.post('/v2.1/os-keypairs', body={'keypair': {'name': 'win', 'type': 'x509'}},
                      version='2.2', token=DEMO, status=201)
    keypair = resp.json['keypair']
    certificate = x509.load_pem_x509_certificate(keypair['public_key'].encode())
    assert certificate.subject.rfc4514_string() == 'CN=demo'
    assert base64.b64decode(keypair['private_key'])
    assert keypair['fingerprint'] == crypto.x509_fingerprint(keypair['public_key'])
    assert keypair['type'] == 'x509'


def test_import_x509_certificate(cloud):
    _private, pem, fingerprint = crypto.generate_x509_certificate('someone')
    resp = _import(cloud, name='cert', type='x509', public_key=pem)
    assert resp.json['keypair']['fingerprint'] == fingerprint
    assert resp.json['keypair']['type'] == 'x509'
    resp = _import(cloud, name='notcert', type='x509', status=400)
    assert _fault(resp, 'badRequest').startswith(
        'Keypair data is invalid: failed to generate X509 fingerprint.')


def test_2_92_requires_a_public_key_and_allows_more_characters(cloud):
    resp = cloud.post('/v2.1/os-keypairs', body={'keypair': {'name': 'gen'}}, version='2.92',
                      token=DEMO, status=400)
    assert "'public_key' is a required property" in _fault(resp, 'badRequest')
    name = 'me.and.myself@this.nice.domain.com mooh.'
    resp = _import(cloud, name=name, version='2.92')
    assert resp.json['keypair']['name'] == name
    assert 'private_key' not in resp.json['keypair']
    _import(cloud, name='my-key@ my.host', version='2.91', status=400)
    resp = cloud.get('/v2.1/os-keypairs/' + name.replace(' ', '%20'), version='2.92',
                     token=DEMO, status=200)
    assert resp.json['keypair']['name'] == name


@pytest.mark.parametrize('version', ['2.1', '2.2', '2.10', '2.92'])
@pytest.mark.parametrize('name', ['', 'x' * 256, ' lead', 'trail ', 'bad/name', 'star*',
                                  '\u00e9t\u00e9'])
def test_bad_names_are_400(cloud, version, name):
    resp = _import(cloud, name=name, version=version, status=400)
    assert resp.json['badRequest']['code'] == 400
    assert cloud.get('/v2.1/os-keypairs', token=DEMO).json == {'keypairs': []}


def test_bad_name_message(cloud):
    resp = _import(cloud, name='bad/name', status=400)
    assert _fault(resp, 'badRequest') == (
        "An invalid 'name' value was provided. The name must be: Only expected "
        "characters: [_- 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ]")


def test_bad_bodies_are_400(cloud):
    _import(cloud, version='2.1', type='ssh', status=400)
    _import(cloud, version='2.9', user_id='someone', status=400)
    _import(cloud, type='rsa', status=400)
    _import(cloud, public_key=12, status=400)
    _import(cloud, extra='x', status=400)
    cloud.post('/v2.1/os-keypairs', body={'alpha': {'name': 'x'}}, token=DEMO, status=400)
    cloud.post('/v2.1/os-keypairs', body={'keypair': {}}, token=DEMO, status=400)


@pytest.mark.parametrize('public_key', [
    'ssh-what negative', 'not-a-key', '', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCm'])
def test_invalid_public_key_is_400(cloud, public_key):
    resp = _import(cloud, public_key=public_key, status=400)
    assert _fault(resp, 'badRequest') == (
        'Keypair data is invalid: failed to generate fingerprint')
    assert cloud.get('/v2.1/os-keypairs', token=DEMO).json == {'keypairs': []}


def test_duplicate_name_is_409_per_user(cloud):
    _import(cloud)
    resp = _import(cloud, status=409)
    assert resp.json == {'conflictingRequest': {
        'code': 409, 'message': "Key pair 'key1' already exists."}}
    _import(cloud, token='other:demo')
    cloud.get('/v2.1/os-keypairs/key1', token=DEMO, status=200)


# --- show / list / delete -----------------------------------------------------

def test_show_shapes(cloud):
    _import(cloud)
    old = cloud.get('/v2.1/os-keypairs/key1', token=DEMO, status=200).json['keypair']
    assert set(old) == {'name', 'public_key', 'fingerprint', 'user_id', 'id', 'created_at',
                        'updated_at', 'deleted', 'deleted_at'}
    assert old['deleted'] is False and old['deleted_at'] is None
    assert old['updated_at'] is None
    assert isinstance(old['id'], int)
    assert len(old['created_at']) == len('2014-05-07T12:06:13.681238')
    new = cloud.get('/v2.1/os-keypairs/key1', token=DEMO, version='2.2').json['keypair']
    assert new == dict(old, type='ssh')


def test_unknown_keypair_is_404(cloud):
    resp = cloud.get('/v2.1/os-keypairs/nope', token=DEMO, status=404)
    assert _fault(resp, 'itemNotFound') == 'Keypair nope not found for user demo'
    cloud.delete('/v2.1/os-keypairs/nope', token=DEMO, status=404)


def test_another_users_keypair_is_404(cloud):
    _import(cloud, token=DEMO)
    cloud.get('/v2.1/os-keypairs/key1', token='other:demo', status=404)
    cloud.delete('/v2.1/os-keypairs/key1', token='other:demo', status=404)
    assert cloud.get('/v2.1/os-keypairs', token='other:demo').json == {'keypairs': []}
    cloud.get('/v2.1/os-keypairs/key1', token=DEMO, status=200)


def test_list_shapes(cloud):
    _import(cloud, name='b')
    _import(cloud, name='a')
    old = cloud.get('/v2.1/os-keypairs', token=DEMO, version='2.1').json
    assert old == {'keypairs': [
        {'keypair': {'name': 'a', 'public_key': PUBLIC_KEY, 'fingerprint': FINGERPRINT}},
        {'keypair': {'name': 'b', 'public_key': PUBLIC_KEY, 'fingerprint': FINGERPRINT}}]}
    new = cloud.get('/v2.1/os-keypairs', token=DEMO, version='2.2').json
    assert [k['keypair']['type'] for k in new['keypairs']] == ['ssh', 'ssh']


def test_paging_from_2_35(cloud):
    for name in ('c', 'a', 'b'):
        _import(cloud, name=name)
    resp = cloud.get('/v2.1/os-keypairs?limit=2', token=DEMO, version='2.35').json
    assert [k['keypair']['name'] for k in resp['keypairs']] == ['a', 'b']
    assert resp['keypairs_links'] == [
        {'rel': 'next', 'href': 'http://localhost/v2.1/os-keypairs?limit=2&marker=b'}]
    resp = cloud.get('/v2.1/os-keypairs?limit=2&marker=b', token=DEMO, version='2.35').json
    assert [k['keypair']['name'] for k in resp['keypairs']] == ['c']
    assert 'keypairs_links' not in resp
    resp = cloud.get('/v2.1/os-keypairs?marker=zz', token=DEMO, version='2.35', status=400)
    assert _fault(resp, 'badRequest') == 'Marker zz could not be found.'
    cloud.get('/v2.1/os-keypairs?limit=abc', token=DEMO, version='2.35', status=400)
    # Before 2.35 limit and marker are ignored.
    resp = cloud.get('/v2.1/os-keypairs?limit=1&marker=zz', token=DEMO, version='2.34').json
    assert len(resp['keypairs']) == 3 and 'keypairs_links' not in resp


def test_unknown_query_parameters_refused_from_2_75(cloud):
    _import(cloud)
    cloud.get('/v2.1/os-keypairs?foo=1', token=DEMO, version='2.74', status=200)
    cloud.get('/v2.1/os-keypairs/key1?foo=1', token=DEMO, version='2.74', status=200)
    cloud.get('/v2.1/os-keypairs?foo=1', token=DEMO, version='2.75', status=400)
    cloud.get('/v2.1/os-keypairs/key1?foo=1', token=DEMO, version='2.75', status=400)
    cloud.delete('/v2.1/os-keypairs/key1?foo=1', token=DEMO, version='2.75', status=400)
    cloud.get('/v2.1/os-keypairs/key1', token=DEMO, status=200)


def test_delete_status_per_microversion(cloud):
    _import(cloud, name='k1')
    _import(cloud, name='k2')
    resp = cloud.delete('/v2.1/os-keypairs/k1', token=DEMO, version='2.1', status=202)
    assert resp.body == b''
    resp = cloud.delete('/v2.1/os-keypairs/k2', token=DEMO, version='2.2', status=204)
    assert resp.body == b''
    assert cloud.get('/v2.1/os-keypairs', token=DEMO).json == {'keypairs': []}
    _import(cloud, name='k1')


# --- another user's keypairs (2.10+) -----------------------------------------

def test_admin_manages_another_users_keypairs_from_2_10(cloud):
    resp = _import(cloud, token=ADMIN, version='2.10', user_id='demo')
    assert resp.json['keypair']['user_id'] == 'demo'
    listed = cloud.get('/v2.1/os-keypairs?user_id=demo', token=ADMIN, version='2.10').json
    assert [k['keypair']['name'] for k in listed['keypairs']] == ['key1']
    assert cloud.get('/v2.1/os-keypairs', token=ADMIN, version='2.10').json == {'keypairs': []}
    # Before 2.10 user_id in the query is ignored.
    assert cloud.get('/v2.1/os-keypairs?user_id=demo', token=ADMIN,
                     version='2.9').json == {'keypairs': []}
    shown = cloud.get('/v2.1/os-keypairs/key1?user_id=demo', token=ADMIN,
                      version='2.10').json['keypair']
    assert shown['user_id'] == 'demo'
    cloud.get('/v2.1/os-keypairs/key1', token=DEMO, status=200)
    cloud.delete('/v2.1/os-keypairs/key1?user_id=demo', token=ADMIN, version='2.10',
                 status=204)
    cloud.get('/v2.1/os-keypairs/key1', token=DEMO, status=404)


def test_non_admin_may_not_name_another_user(cloud):
    _import(cloud, token='other:demo')
    resp = _import(cloud, version='2.10', user_id='other', status=403)
    assert _fault(resp, 'forbidden') == (
        "Policy doesn't allow os_compute_api:os-keypairs:create to be performed.")
    cloud.get('/v2.1/os-keypairs?user_id=other', token=DEMO, version='2.10', status=403)
    cloud.get('/v2.1/os-keypairs/key1?user_id=other', token=DEMO, version='2.10', status=403)
    cloud.delete('/v2.1/os-keypairs/key1?user_id=other', token=DEMO, version='2.10',
                 status=403)
    # Naming oneself is fine.
    cloud.get('/v2.1/os-keypairs?user_id=demo', token=DEMO, version='2.10', status=200)
    cloud.get('/v2.1/os-keypairs/key1', token='other:demo', status=200)


def test_project_id_url_form(cloud):
    _import(cloud)
    resp = cloud.get('/v2.1/demo/os-keypairs?limit=1', token=DEMO, version='2.35').json
    assert resp['keypairs_links'][0]['href'] == (
        'http://localhost/v2.1/demo/os-keypairs?limit=1&marker=key1')
    cloud.get('/v2.1/demo/os-keypairs/key1', token=DEMO, status=200)
    cloud.get('/v2.1/admin/os-keypairs/key1', token=DEMO, status=400)
