"""os-simple-tenant-usage: usage per project over a period, across cells,
with 2.40 paging, its policies and its bad input."""
import datetime

from nova_common.db.api import instances
from tests.functional import server_records as records

ADMIN = 'admin:admin'
DEMO = 'demo:demo'
URL = '/v2.1/os-simple-tenant-usage'
# The period every test asks about: 10 hours from BASE_TIME.
START = records.BASE_TIME
END = records.BASE_TIME + datetime.timedelta(hours=10)
PERIOD = 'start=%s&end=%s' % (START.isoformat(), END.isoformat())


def _hours(hours):
    return records.BASE_TIME + datetime.timedelta(hours=hours)


def _launched(cloud, project, launched, terminated=None, minutes=0, **values):
    """A server of ``project`` that ran from ``launched`` hours into the
    period until ``terminated`` (None: still running, else deleted then)."""
    values.update(launched_at=_hours(launched), minutes=minutes)
    if terminated is not None:
        values['terminated_at'] = _hours(terminated)
    server = records.add_server(cloud, project=project, **values)
    if terminated is not None:
        with records.in_cell(cloud) as cell_context:
            instances.soft_delete(cell_context, server['uuid'])
    return server


def test_list_sums_hours_per_project(cloud):
    running = _launched(cloud, 'demo', 2, minutes=1)
    ended = _launched(cloud, 'demo', -5, terminated=4, minutes=2)
    _launched(cloud, 'other', 9, minutes=3)
    _launched(cloud, 'other', 11, minutes=4)          # launched after the period: left out
    _launched(cloud, 'other', -9, terminated=-1, minutes=5)  # ended before: left out
    records.add_server(cloud, project='demo', minutes=6)     # never launched: left out

    body = cloud.get('%s?%s&detailed=1' % (URL, PERIOD), token=ADMIN, status=200).json
    usages = {usage['tenant_id']: usage for usage in body['tenant_usages']}
    assert set(usages) == {'demo', 'other'}
    demo = usages['demo']
    assert demo['total_hours'] == 8 + 4
    assert demo['total_vcpus_usage'] == 12
    assert demo['total_memory_mb_usage'] == 512 * 12
    assert demo['total_local_gb_usage'] == 12
    assert demo['start'] == START.strftime('%Y-%m-%dT%H:%M:%S.%f')
    servers = {server['instance_id']: server for server in demo['server_usages']}
    assert servers[running['uuid']]['state'] == 'active'
    assert servers[running['uuid']]['ended_at'] is None
    assert servers[running['uuid']]['flavor'] == 'm1.tiny'
    assert servers[ended['uuid']]['state'] == 'terminated'
    assert servers[ended['uuid']]['uptime'] == 9 * 3600
    assert usages['other']['total_hours'] == 1
    assert 'tenant_usages_links' not in body

    summary = cloud.get('%s?%s' % (URL, PERIOD), token=ADMIN, status=200).json
    assert all('server_usages' not in usage for usage in summary['tenant_usages'])


def test_project_sees_its_own_usage_only(cloud):
    _launched(cloud, 'demo', 0)
    _launched(cloud, 'other', 0)
    body = cloud.get('%s/demo?%s' % (URL, PERIOD), token=DEMO, status=200).json
    assert body['tenant_usage']['tenant_id'] == 'demo'
    assert body['tenant_usage']['total_hours'] == 10
    assert len(body['tenant_usage']['server_usages']) == 1
    cloud.get('%s/other?%s' % (URL, PERIOD), token=DEMO, status=403)
    cloud.get('%s?%s' % (URL, PERIOD), token=DEMO, status=403)
    empty = cloud.get('%s/nobody?%s' % (URL, PERIOD), token=ADMIN, status=200).json
    assert empty == {'tenant_usage': {}}


def test_paging_from_2_40(cloud):
    servers = [_launched(cloud, 'demo', 0, minutes=index) for index in range(3)]
    first = cloud.get('%s?%s&detailed=1&limit=2' % (URL, PERIOD), token=ADMIN,
                      version='2.40', status=200).json
    page = first['tenant_usages'][0]['server_usages']
    assert [server['instance_id'] for server in page] == [s['uuid'] for s in servers[:2]]
    next_href = first['tenant_usages_links'][0]['href']
    assert 'marker=%s' % servers[1]['uuid'] in next_href
    second = cloud.get('%s?%s&detailed=1&limit=2&marker=%s' % (URL, PERIOD, servers[1]['uuid']),
                       token=ADMIN, version='2.40', status=200).json
    assert [s['instance_id'] for s in second['tenant_usages'][0]['server_usages']] == [
        servers[2]['uuid']]
    assert 'tenant_usages_links' not in second
    # Below 2.40 limit is ignored (unknown parameters are allowed).
    old = cloud.get('%s?%s&detailed=1&limit=2' % (URL, PERIOD), token=ADMIN,
                    version='2.39', status=200).json
    assert len(old['tenant_usages'][0]['server_usages']) == 3


def test_bad_input(cloud):
    fault = cloud.get('%s?start=yesterday' % URL, token=ADMIN, status=400).json
    assert 'invalid format' in fault['badRequest']['message']
    reversed_period = 'start=%s&end=%s' % (END.isoformat(), START.isoformat())
    fault = cloud.get('%s?%s' % (URL, reversed_period), token=ADMIN, status=400).json
    assert 'cannot occur after the end time' in fault['badRequest']['message']
    cloud.get('%s?%s&marker=nope' % (URL, PERIOD), token=ADMIN, version='2.40', status=400)
    cloud.get('%s?%s&limit=-1' % (URL, PERIOD), token=ADMIN, version='2.40', status=400)
    cloud.get('%s?%s&bogus=1' % (URL, PERIOD), token=ADMIN, version='2.75', status=400)
