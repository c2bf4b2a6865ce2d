"""Errors nova-api answers for the network service before the service sees
the request (authentication, the outermost URL guard) come in Neutron's
format too, and an identity longer than the databases store is refused
before anything is written for it."""
import pytest
import sqlalchemy as sa
import webtest

from nova_api import app as api_app
from nova_network.db import networks as networks_db
from tests.functional.cloud_helpers import use_keystone_auth
from tests.functional.network import helpers


@pytest.mark.parametrize('strategy', ['noauth2', 'keystone'])
def test_a_request_without_credentials_gets_a_neutron_401(cloud, strategy):
    if strategy == 'keystone':
        use_keystone_auth()
    app = webtest.TestApp(api_app.build())
    for method in ('GET', 'POST', 'DELETE'):
        response = app.request(helpers.BASE + '/networks', method=method, expect_errors=True)
        message = helpers.fault(response, 401, 'HTTPUnauthorized')
        assert message == 'Authentication required'


def test_a_url_that_is_not_utf8_gets_a_neutron_400(cloud):
    response = cloud.get(helpers.BASE + '/networks/%ff', token='demo:demo')
    assert 'UTF-8' in helpers.fault(response, 400, 'HTTPBadRequest')


def _groups_of(cloud, project_id):
    engine = sa.create_engine(cloud.api_db)
    with engine.connect() as connection:
        count = connection.execute(sa.text(
            'SELECT count(*) FROM security_groups WHERE project_id = :project'),
            {'project': project_id}).scalar()
    engine.dispose()
    return count


def test_a_noauth2_project_longer_than_its_column_is_refused_before_the_database(cloud):
    too_long, longest = 'p' * 256, 'q' * 255
    response = helpers.call(cloud, 'GET', '/security-groups', token='user:' + too_long)
    helpers.fault(response, 401, 'HTTPUnauthorized')
    assert _groups_of(cloud, too_long) == 0
    listed = helpers.call(cloud, 'GET', '/security-groups', token='user:' + longest,
                          status=200)
    assert [group['name'] for group in listed.json['security_groups']] == ['default']
    assert _groups_of(cloud, longest) == 1


def test_an_integer_filter_wider_than_the_database_compares_is_400(cloud):
    helpers.network(cloud, mtu=1400)
    for query in ('mtu=99999999999999999999999', 'mtu=-9223372036854775809',
                  'revision_number=9223372036854775808'):
        message = helpers.fault(helpers.call(cloud, 'GET', '/networks?' + query), 400,
                                'HTTPBadRequest')
        assert 'out of range' in message
    assert helpers.ids(helpers.call(cloud, 'GET', '/networks?mtu=9223372036854775807',
                                    status=200), 'networks') == []
    # A limit is capped, not compared: any size is taken.
    listed = helpers.call(cloud, 'GET', '/networks?limit=99999999999999999999999', status=200)
    assert len(listed.json['networks']) == 1


def test_a_database_taking_no_more_connections_is_a_neutron_503(cloud, monkeypatch):
    def refuse(*args, **kwargs):
        raise sa.exc.OperationalError('SELECT 1', {}, Exception(1040, 'Too many connections'))
    monkeypatch.setattr(networks_db, 'list_networks', refuse)
    message = helpers.fault(helpers.call(cloud, 'GET', '/networks'), 503, 'NeutronException')
    assert message == 'The database is unavailable. Please retry the request later.'
