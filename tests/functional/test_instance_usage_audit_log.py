"""os-instance_usage_audit_log through the real API, with the compute's
periodic audit run through its cell conductor over the in-memory
transport: Nova's summary body, the task log rows, the audit running once
per period, the instance.exists notifications, policy and bad
timestamps."""
import datetime

from oslo_messaging.notify import _impl_test as test_notifications
from oslo_utils import timeutils

from nova_common.conf import CONF
from nova_compute import usage_audit
from tests.functional.test_power_actions import ADMIN
from tests.functional.test_power_actions import DEMO
from tests.functional.test_power_actions import running  # noqa: F401 - fixture
from tests.functional.test_power_actions import server  # noqa: F401 - fixture

URL = '/v2.1/os-instance_usage_audit_log'


def summary(cloud, before=None, token=ADMIN, status=200):
    if before is None:
        return cloud.get(URL, token=token, status=status).json
    return cloud.get('%s/%s' % (URL, before), token=token, status=status).json


def test_nothing_audited_yet(cloud):
    CONF.set_override('instance_usage_audit_period', 'month')
    body = summary(cloud, '2012-06-15 10:00:00')['instance_usage_audit_log']
    assert body == {'period_beginning': '2012-05-01 00:00:00',
                    'period_ending': '2012-06-01 00:00:00', 'num_hosts': 0,
                    'num_hosts_done': 0, 'num_hosts_running': 0, 'num_hosts_not_run': 0,
                    'hosts_not_run': [], 'total_instances': 0, 'total_errors': 0,
                    'overall_status': 'ALL hosts done. 0 errors.', 'log': {}}
    assert set(summary(cloud)['instance_usage_audit_logs']) == set(body)


def test_the_compute_audits_each_period_once(running, server):
    CONF.set_override('instance_usage_audit_period', 'hour')
    manager = running.compute.manager
    # The last completed hour before two hours from now holds the server.
    later = timeutils.utcnow() + datetime.timedelta(hours=2)
    shown = later.strftime('%Y-%m-%d %H:%M:%S')
    before = summary(running, shown)['instance_usage_audit_log']
    assert before['hosts_not_run'] == ['test-host'] and before['num_hosts'] == 1
    assert before['overall_status'] == '0 of 1 hosts done. 0 errors.'

    test_notifications.reset()
    assert usage_audit.audit(running.admin_context, 'test-host', manager.conductor_api,
                             before=later) == 1
    exists = [message for _ctxt, message, _priority, _retry in
              test_notifications.NOTIFICATIONS if message['event_type'] == 'instance.exists']
    assert [m['payload']['nova_object.data']['uuid'] for m in exists] == [server]
    assert usage_audit.audit(running.admin_context, 'test-host', manager.conductor_api,
                             before=later) is None

    after = summary(running, shown + '.5')['instance_usage_audit_log']
    end = later.replace(minute=0, second=0, microsecond=0)
    assert after['period_ending'] == str(end)
    assert after['period_beginning'] == str(end - datetime.timedelta(hours=1))
    assert (after['num_hosts_done'], after['num_hosts_not_run'], after['total_instances'],
            after['overall_status']) == (1, 0, 1, 'ALL hosts done. 0 errors.')
    log = after['log']['test-host']
    assert (log['state'], log['instances'], log['errors']) == ('DONE', 1, 0)
    assert log['message'].startswith('Instance usage audit ran for host test-host, '
                                     '1 instances in ')


def test_the_periodic_task_audits_the_last_completed_period(running, server):
    CONF.set_override('instance_usage_audit_period', 'hour')
    manager = running.compute.manager
    manager.instance_usage_audit(running.admin_context)
    assert summary(running)['instance_usage_audit_logs']['num_hosts_done'] == 0
    CONF.set_override('instance_usage_audit', True)
    manager.instance_usage_audit(running.admin_context)
    body = summary(running)['instance_usage_audit_logs']
    # The server was launched in this hour, after the audited one.
    assert body['log']['test-host']['state'] == 'DONE'
    assert body['total_instances'] == 0 and body['num_hosts_done'] == 1


def test_faults(cloud):
    summary(cloud, token=DEMO, status=403)
    summary(cloud, '2012-06-15 10:00:00', token=DEMO, status=403)
    for bad in ('yesterday', '2012-13-01 00:00:00', '2012-06-15T10:00:00',
                '2012-06-15 10:00:00.x'):
        message = cloud.get('%s/%s' % (URL, bad), token=ADMIN,
                            status=400).json['badRequest']['message']
        assert message == 'Invalid timestamp for date %s' % bad


def test_the_timestamp_may_be_url_encoded(cloud):
    CONF.set_override('instance_usage_audit_period', 'day')
    body = cloud.get('%s/2012-06-15%%2010:00:00' % URL, token=ADMIN,
                     status=200).json['instance_usage_audit_log']
    assert (body['period_beginning'], body['period_ending']) == (
        '2012-06-14 00:00:00', '2012-06-15 00:00:00')
