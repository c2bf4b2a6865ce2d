"""os-availability-zone across cells."""
import re

import pytest

from nova_common.conf import CONF
from nova_common.db.api import services
from tests.functional import compute_records as records

TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$')


@pytest.fixture
def deployment(cloud):
    return {
        'scheduler': records.add_service(cloud, cloud.cell0, 'ctl', 'nova-scheduler'),
        'conductor': records.add_service(cloud, cloud.cell1, 'ctl', 'nova-conductor'),
        'compute1': records.add_service(cloud, cloud.cell1, 'compute1'),
        'compute2': records.add_service(cloud, cloud.cell1, 'compute2', up=False),
    }


def _disable(cloud, cell, service):
    with records.in_cell(cloud, cell) as ctx:
        services.update(ctx, service['id'], {'disabled': True})


def test_list_shows_available_zones_to_members(cloud, deployment):
    resp = cloud.get('/v2.1/os-availability-zone', token='demo:demo', status=200)
    assert resp.json == {'availabilityZoneInfo': [
        {'zoneName': 'nova', 'zoneState': {'available': True}, 'hosts': None}]}


def test_list_follows_the_configured_zone(cloud, deployment):
    CONF.set_override('default_availability_zone', 'az1')
    resp = cloud.get('/v2.1/os-availability-zone', status=200)
    assert [z['zoneName'] for z in resp.json['availabilityZoneInfo']] == ['az1']


def test_a_zone_without_enabled_computes_is_not_listed(cloud, deployment):
    _disable(cloud, cloud.cell1, deployment['compute1'])
    _disable(cloud, cloud.cell1, deployment['compute2'])
    resp = cloud.get('/v2.1/os-availability-zone', status=200)
    assert resp.json == {'availabilityZoneInfo': []}
    detail = cloud.get('/v2.1/os-availability-zone/detail', status=200).json
    assert detail['availabilityZoneInfo'][-1] == {
        'zoneName': 'nova', 'zoneState': {'available': False}, 'hosts': None}


def test_detail_lists_hosts_and_services(cloud, deployment):
    _disable(cloud, cloud.cell1, deployment['conductor'])
    resp = cloud.get('/v2.1/os-availability-zone/detail', status=200)
    zones = resp.json['availabilityZoneInfo']
    assert [(z['zoneName'], z['zoneState']) for z in zones] == [
        ('internal', {'available': True}), ('nova', {'available': True})]
    internal, nova = zones
    # The disabled conductor is left out; ctl still has its scheduler.
    assert list(internal['hosts']) == ['ctl']
    scheduler = internal['hosts']['ctl']['nova-scheduler']
    assert TIMESTAMP.match(scheduler.pop('updated_at'))
    assert scheduler == {'available': True, 'active': True}
    assert set(nova['hosts']) == {'compute1', 'compute2'}
    assert nova['hosts']['compute1']['nova-compute']['available'] is True
    assert nova['hosts']['compute2']['nova-compute']['available'] is False


def test_detail_is_admin_only(cloud, deployment):
    resp = cloud.get('/v2.1/os-availability-zone/detail', token='demo:demo', status=403)
    assert resp.json['forbidden']['message'] == (
        "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed.")


def test_no_services_no_zones(cloud):
    resp = cloud.get('/v2.1/os-availability-zone', status=200)
    assert resp.json == {'availabilityZoneInfo': []}
