"""The built-in network service (nova-api's /network) driven by the real
``openstack`` CLI against a deployment on MariaDB: networks, subnets,
ports and security group rules, and a fault as the user sees it. (The
faults themselves are covered over HTTP in tests/functional/network; each
CLI run costs seconds here.)"""
import pytest

# The session's ``deployment`` is set up once: its modules run in one worker.
pytestmark = pytest.mark.xdist_group('deployment')


def test_network_subnet_port_and_rule_lifecycle(deployment, openstack):
    network = openstack.json('network', 'create', 'net1')
    assert network['status'] == 'ACTIVE' and network['mtu'] == 1500
    subnet = openstack.json('subnet', 'create', '--network', 'net1', '--subnet-range',
                            '10.42.0.0/24', 'sub1')
    assert subnet['gateway_ip'] == '10.42.0.1' and subnet['network_id'] == network['id']

    port = openstack.json('port', 'create', '--network', 'net1', 'p1')
    assert port['fixed_ips'] == [{'subnet_id': subnet['id'], 'ip_address': '10.42.0.2'}]
    assert port['mac_address'].startswith('fa:16:3e:') and port['status'] == 'DOWN'
    listed = {item['Name']: item for item in openstack.json('port', 'list')}
    assert listed['p1']['MAC Address'] == port['mac_address']
    shown = openstack.json('port', 'show', 'p1')
    assert shown['id'] == port['id'] and shown['network_id'] == network['id']
    taken = openstack.run('port', 'create', '--network', 'net1', '--fixed-ip',
                          'ip-address=10.42.0.2', 'p2', expect=None)
    assert taken.returncode != 0 and 'already allocated' in taken.stderr

    rule = openstack.json('security', 'group', 'rule', 'create', '--protocol', 'tcp',
                          '--dst-port', '22', 'default')
    assert (rule['protocol'], rule['port_range_min'], rule['port_range_max']) == (
        'tcp', 22, 22)
    assert rule['security_group_id'] in shown['security_group_ids']

    openstack.run('port', 'delete', 'p1')
    openstack.run('network', 'delete', 'net1')
    sdk = deployment.sdk()
    assert [item.name for item in sdk.network.ports()] == []
    assert 'net1' not in {item.name for item in sdk.network.networks()}
    assert [item.cidr for item in sdk.network.subnets()] == []
