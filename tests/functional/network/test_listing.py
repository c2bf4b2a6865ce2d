"""Lists as Neutron answers them: filters on any attribute (repeated for
OR), fields, sorting, and paging with limit, marker and page_reverse."""
import urllib.parse

from tests.functional.network import helpers
from tests.functional.network.helpers import call, fault


def _names(response, collection='networks'):
    return [item['name'] for item in response.json[collection]]


def _networks(cloud, names):
    return {name: helpers.network(cloud, name=name, mtu=1400 + index)
            for index, name in enumerate(names)}


def test_filters(cloud):
    _networks(cloud, ['a', 'b', 'c'])
    helpers.network(cloud, token='admin:admin', name='s', shared=True)
    assert sorted(_names(call(cloud, 'GET', '/networks?name=a&name=c'))) == ['a', 'c']
    assert _names(call(cloud, 'GET', '/networks?mtu=1401')) == ['b']
    assert _names(call(cloud, 'GET', '/networks?shared=true')) == ['s']
    assert sorted(_names(call(cloud, 'GET', '/networks?shared=False'))) == ['a', 'b', 'c']
    assert sorted(_names(call(cloud, 'GET', '/networks?router%3Aexternal=False'))) == [
        'a', 'b', 'c', 's']
    assert _names(call(cloud, 'GET', '/networks?router%3Aexternal=True')) == []
    assert _names(call(cloud, 'GET', '/networks?tenant_id=admin')) == ['s']
    assert _names(call(cloud, 'GET', '/networks?project_id=demo&name=b')) == ['b']
    fault(call(cloud, 'GET', '/networks?shared=maybe'), 400, 'HTTPBadRequest')
    fault(call(cloud, 'GET', '/networks?mtu=big'), 400, 'HTTPBadRequest')
    fault(call(cloud, 'GET', '/networks?nonsense=1'), 400, 'HTTPBadRequest')


def test_fields(cloud):
    _networks(cloud, ['a'])
    listed = call(cloud, 'GET', '/networks?fields=name&fields=mtu').json['networks']
    assert listed == [{'name': 'a', 'mtu': 1400}]
    listed = call(cloud, 'GET', '/networks?fields=id,name').json['networks']
    assert set(listed[0]) == {'id', 'name'}


def test_sorting(cloud):
    _networks(cloud, ['b', 'c', 'a'])
    assert _names(call(cloud, 'GET', '/networks?sort_key=name&sort_dir=asc')) == ['a', 'b', 'c']
    assert _names(call(cloud, 'GET', '/networks?sort_key=name&sort_dir=desc')) == [
        'c', 'b', 'a']
    assert _names(call(cloud, 'GET', '/networks?sort_key=mtu&sort_dir=desc')) == [
        'a', 'c', 'b']
    fault(call(cloud, 'GET', '/networks?sort_key=name&sort_dir=up'), 400, 'HTTPBadRequest')
    fault(call(cloud, 'GET', '/networks?sort_key=colour'), 400, 'HTTPBadRequest')
    fault(call(cloud, 'GET', '/networks?sort_key=name&sort_key=id&sort_dir=asc'), 400,
          'HTTPBadRequest')


def _follow(cloud, path, collection='networks'):
    """The names on every page from ``path`` on, through the next links."""
    pages = []
    while path:
        body = call(cloud, 'GET', path, status=200).json
        pages.append([item['name'] for item in body[collection]])
        nexts = [link['href'] for link in body[collection + '_links'] if link['rel'] == 'next']
        path = None
        if nexts:
            parsed = urllib.parse.urlsplit(nexts[0])
            assert parsed.path == '/network/v2.0/' + collection
            path = '/%s?%s' % (collection, parsed.query)
    return pages


def test_paging(cloud):
    names = ['n%d' % index for index in range(5)]
    _networks(cloud, names)
    assert _follow(cloud, '/networks?limit=2&sort_key=name&sort_dir=asc') == [
        ['n0', 'n1'], ['n2', 'n3'], ['n4']]
    assert _follow(cloud, '/networks?limit=5&sort_key=name') == [names]
    first = call(cloud, 'GET', '/networks?sort_key=name&sort_dir=asc').json['networks']
    marker = first[3]['id']
    backwards = call(cloud, 'GET', '/networks?sort_key=name&sort_dir=asc&limit=2&marker=%s'
                     '&page_reverse=True' % marker).json
    assert [item['name'] for item in backwards['networks']] == ['n1', 'n2']
    assert {link['rel'] for link in backwards['networks_links']} == {'next', 'previous'}
    fault(call(cloud, 'GET', '/networks?limit=-1'), 400, 'HTTPBadRequest')
    fault(call(cloud, 'GET', '/networks?limit=2&marker=no-such'), 404, 'NetworkNotFound')
    unpaged = call(cloud, 'GET', '/networks').json
    assert 'networks_links' not in unpaged and len(unpaged['networks']) == 5


def test_ports_and_subnets_filter_and_page(cloud):
    net = helpers.network(cloud)
    sub = helpers.subnet(cloud, net['id'])
    ports = [helpers.port(cloud, net['id'], name='p%d' % index) for index in range(3)]
    assert _follow(cloud, '/ports?limit=2&sort_key=name', 'ports') == [['p0', 'p1'], ['p2']]
    by_subnet = call(cloud, 'GET', '/ports?fixed_ips=subnet_id%%3D%s' % sub['id']).json
    assert len(by_subnet['ports']) == 3
    group = ports[0]['security_groups'][0]
    assert len(call(cloud, 'GET', '/ports?security_groups=' + group).json['ports']) == 3
    assert call(cloud, 'GET', '/ports?mac_address=' + ports[1]['mac_address']).json[
        'ports'][0]['id'] == ports[1]['id']
    assert call(cloud, 'GET', '/subnets?cidr=10.42.0.0/24&fields=id').json['subnets'] == [
        {'id': sub['id']}]
    fault(call(cloud, 'GET', '/ports?fixed_ips=mac=1'), 400, 'HTTPBadRequest')

