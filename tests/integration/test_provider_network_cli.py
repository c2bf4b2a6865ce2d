"""Neutron's provider extension as the real ``openstack`` CLI uses it
against a deployment on MariaDB (the CLI's clouds.yaml is the admin): an
admin's chosen segment, the 409 of a segment in use and the 400 of an
unknown type as the user sees them, and the list filter. (Policies,
validation and allocation are covered over HTTP in
tests/functional/network/test_segments.py.)"""
import pytest

# The session's ``deployment`` is set up once: its modules run in one worker.
pytestmark = pytest.mark.xdist_group('deployment')

VNI = 4242


def test_admin_creates_lists_and_is_refused_provider_networks(deployment, openstack):
    created = []
    try:
        network = openstack.json('network', 'create', '--provider-network-type', 'vxlan',
                                 '--provider-segment', VNI, 'provider-vxlan')
        created.append(network['id'])
        assert (network['provider:network_type'], network['provider:physical_network'],
                network['provider:segmentation_id']) == ('vxlan', None, VNI)
        flat = openstack.json('network', 'create', '--provider-network-type', 'flat',
                              '--provider-physical-network', 'physnet-cli', 'provider-flat')
        created.append(flat['id'])
        assert (flat['provider:network_type'], flat['provider:physical_network'],
                flat['provider:segmentation_id']) == ('flat', 'physnet-cli', None)
        tenant = openstack.json('network', 'create', 'tenant-net')
        created.append(tenant['id'])
        assert tenant['provider:network_type'] == 'vxlan'
        assert tenant['provider:segmentation_id'] not in (None, VNI)

        listed = openstack.json('network', 'list', '--provider-network-type', 'vxlan',
                                '--provider-segment', VNI)
        assert [item['ID'] for item in listed] == [network['id']]

        taken = openstack.run('network', 'create', '--provider-network-type', 'vxlan',
                              '--provider-segment', VNI, 'provider-again', expect=None)
        assert taken.returncode != 0
        assert 'The tunnel ID %d is in use' % VNI in taken.stderr, taken.stderr
        unknown = openstack.run('network', 'create', '--provider-network-type', 'gre',
                                'provider-gre', expect=None)
        assert unknown.returncode != 0
        assert "network_type value 'gre' not supported" in unknown.stderr, unknown.stderr
        names = {item.name for item in deployment.sdk().network.networks()}
        assert not {'provider-again', 'provider-gre'} & names
    finally:
        for network_id in created:
            openstack.run('network', 'delete', network_id, expect=None)
