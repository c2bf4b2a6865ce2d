"""The cloud-wide gauges, read from the databases when Prometheus scrapes
(by nova-api and nova-allinone, which reach the API database and every
cell): servers per status, service state per host and binary, and the
resource ledger's usage and capacity per node and resource class.

One reading is a handful of aggregate queries (one grouped count of
instances and one service list per cell, in parallel with the cells'
usual timeout; two ledger queries) and is reused for
``[metrics] cloud_cache_seconds``. A cell that does not answer is left
out of that reading (and logged), never fails the scrape.
"""
import threading
import time

from oslo_log import log as logging
from prometheus_client import core

from nova_common import cells_scatter
from nova_common import compute_states
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import instances as instances_db
from nova_common.db.api import ledger as ledger_db
from nova_common.db.api import services as services_db
from nova_common import servicegroup

LOG = logging.getLogger(__name__)


def server_status_family(counts_by_state):
    family = core.GaugeMetricFamily(
        'openstack_nova_server_status',
        'Servers (live instances in every cell, cell0 included) per API status.',
        labels=['status'])
    by_status = {}
    for (vm_state, task_state), count in counts_by_state.items():
        status = compute_states.status(vm_state, task_state)
        by_status[status] = by_status.get(status, 0) + count
    for status, count in sorted(by_status.items()):
        family.add_metric([status], count)
    return family


def agent_state_family(services):
    """1 per (binary, host) that is up, 0 when down (forced down, or no
    heartbeat for service_down_time), as `openstack compute service list`
    shows it. A (binary, host) recorded in two cells is up if either is."""
    alive = servicegroup.up_checker()
    states = {}
    for service in services:
        key = (service['binary'], service['host'])
        states[key] = max(states.get(key, 0), int(alive(service)))
    family = core.GaugeMetricFamily(
        'openstack_nova_agent_state',
        'Whether a service is up (1) or down (0), per binary and host.',
        labels=['service', 'hostname'])
    for (binary, host), state in sorted(states.items()):
        family.add_metric([binary, host], state)
    return family


def ledger_families(providers, usages):
    usage = core.GaugeMetricFamily(
        'nova_ledger_usage', 'Resources claimed in the ledger, per compute node and '
        'resource class.', labels=['hostname', 'nodename', 'resource_class'])
    capacity = core.GaugeMetricFamily(
        'nova_ledger_capacity', 'Resources that may be claimed in all, (total - reserved) '
        '* allocation_ratio, per compute node and resource class.',
        labels=['hostname', 'nodename', 'resource_class'])
    for provider in providers:
        used = usages.get(provider['uuid'], {})
        for rc, inventory in sorted(provider['inventories'].items()):
            labels = [provider['host'] or '', provider['name'], rc]
            usage.add_metric(labels, used.get(rc, 0))
            capacity.add_metric(labels, ledger_db.capacity(inventory))
    return [usage, capacity]


def read_families(context):
    """Every cloud-wide family, read now."""
    by_state = {}
    for _cell, counts in cells_scatter.gather(context, lambda cell_context, _cell:
                                              instances_db.count_by_state(cell_context)):
        for key, count in counts.items():
            by_state[key] = by_state.get(key, 0) + count
    services = []
    for _cell, listed in cells_scatter.gather(context, lambda cell_context, _cell:
                                              services_db.list(cell_context)):
        services.extend(listed)
    return ([server_status_family(by_state), agent_state_family(services)]
            + ledger_families(ledger_db.providers(context), ledger_db.usages(context)))


class CloudCollector:
    """A prometheus_client collector whose reading is cached."""

    def __init__(self):
        self._lock = threading.Lock()
        self._read_at = None
        self._families = []

    def collect(self):
        with self._lock:
            now = time.monotonic()
            if self._read_at is None or now - self._read_at >= CONF.metrics.cloud_cache_seconds:
                try:
                    self._families = read_families(nova_context.get_admin_context())
                    succeeded = 1
                except Exception:  # noqa: BLE001 - a scrape must not fail with the database
                    LOG.exception('Could not read the cloud-wide metrics')
                    self._families = []
                    succeeded = 0
                self._families.append(core.GaugeMetricFamily(
                    'nova_cloud_metrics_up', 'Whether the last reading of the cloud-wide '
                    'gauges from the databases succeeded (1) or failed (0: they are '
                    'left out).', value=succeeded))
                self._read_at = now
            return list(self._families)

    def describe(self):
        # No describe-time reading: registering must not query the databases.
        return []


_registered = []


def register(registry=None):
    """Export the cloud-wide gauges from this process (once)."""
    if _registered:
        return _registered[0]
    from prometheus_client import REGISTRY
    collector = CloudCollector()
    (registry or REGISTRY).register(collector)
    _registered.append(collector)
    return collector
