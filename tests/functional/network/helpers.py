"""Calls to the network API of the functional ``cloud`` (under /network/v2.0)."""
import re

BASE = '/network/v2.0'
MAC = re.compile(r'^fa:16:3e(:[0-9a-f]{2}){3}$')


def call(cloud, method, path, body=None, token='demo:demo', status=None):
    return cloud.request(method, BASE + path, body=body, token=token, status=status)


def fault(response, status, fault_type):
    """The message of a Neutron fault body, once its status and type match."""
    assert response.status_int == status, response.text
    error = response.json['NeutronError']
    assert error['type'] == fault_type, error
    assert error['detail'] == ''
    return error['message']


def network(cloud, token='demo:demo', **attributes):
    body = {'network': dict({'name': 'net'}, **attributes)}
    return call(cloud, 'POST', '/networks', body, token, 201).json['network']


def subnet(cloud, network_id, cidr='10.42.0.0/24', token='demo:demo', **attributes):
    body = {'subnet': dict({'network_id': network_id, 'cidr': cidr,
                            'ip_version': 6 if ':' in cidr else 4}, **attributes)}
    return call(cloud, 'POST', '/subnets', body, token, 201).json['subnet']


def port(cloud, network_id, token='demo:demo', **attributes):
    body = {'port': dict({'network_id': network_id}, **attributes)}
    return call(cloud, 'POST', '/ports', body, token, 201).json['port']


def ids(response, collection):
    return [item['id'] for item in response.json[collection]]
