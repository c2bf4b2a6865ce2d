"""os-instance_usage_audit_log: how far the computes' instance usage audit
([DEFAULT] instance_usage_audit) got for the last completed audit period,
or for the last one completed before a timestamp, summarised as Nova does
from the task logs of every cell and the nova-compute services (disabled
ones included: they can hold instances)."""
import datetime

from nova_common import audit_period
from nova_common import cells_scatter
from nova_common.db.api import services as services_db
from nova_common.db.api import task_log
from nova_common import exception
from nova_common.policies import instance_usage_audit_log as audit_policies
from nova_common import policy

TASK_NAME = 'instance_usage_audit'


def _gather(context, read):
    """Every answering cell's answer to ``read(cell_context)``, joined."""
    found = []
    for _cell, answer in cells_scatter.gather(
            context, lambda cell_context, _cell: read(cell_context), with_cell0=False):
        found.extend(answer)
    return found


def _summary(context, before=None):
    begin, end = audit_period.last_completed(before=before)
    logs = _gather(context, lambda cell_context: task_log.get_all(cell_context, TASK_NAME,
                                                                 begin, end))
    hosts = {service['host'] for service in _gather(
        context, lambda cell_context: services_db.list(cell_context, binary='nova-compute'))}
    seen = {log['host'] for log in logs}
    done = {log['host'] for log in logs if log['state'] == task_log.DONE}
    running = {log['host'] for log in logs if log['state'] == task_log.RUNNING}
    total_errors = sum(log['errors'] or 0 for log in logs)
    total_items = sum(log['task_items'] or 0 for log in logs)
    overall = '%s hosts done. %s errors.' % (
        'ALL' if len(done) == len(hosts) else '%s of %s' % (len(done), len(hosts)),
        total_errors)
    return {'period_beginning': str(begin), 'period_ending': str(end),
            'num_hosts': len(hosts), 'num_hosts_done': len(done),
            'num_hosts_running': len(running), 'num_hosts_not_run': len(hosts - seen),
            'hosts_not_run': sorted(hosts - seen), 'total_instances': total_items,
            'total_errors': total_errors, 'overall_status': overall,
            'log': {log['host']: {'state': log['state'], 'instances': log['task_items'],
                                  'errors': log['errors'], 'message': log['message']}
                    for log in logs}}


def index(req):
    policy.authorize(req.context, audit_policies.POLICY % 'list', {})
    return {'instance_usage_audit_logs': _summary(req.context)}


def _before(text):
    """The timestamp of the URL, in Nova's two formats."""
    try:
        return datetime.datetime.strptime(
            text, '%Y-%m-%d %H:%M:%S.%f' if '.' in text else '%Y-%m-%d %H:%M:%S')
    except ValueError:
        raise exception.Invalid('Invalid timestamp for date %s' % text)


def show(req, before_timestamp):
    policy.authorize(req.context, audit_policies.POLICY % 'show', {})
    return {'instance_usage_audit_log': _summary(req.context, _before(before_timestamp))}


ROUTES = [
    ('GET', '/os-instance_usage_audit_log', index),
    ('GET', '/os-instance_usage_audit_log/{before_timestamp}', show),
]
