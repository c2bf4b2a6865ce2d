"""The scheduler service: select_destinations over RPC, plus periodic
refreshing of host states (which keeps the ledger inventories in step with
the compute nodes) and ledger healing."""
import oslo_messaging as messaging

from nova_common.conf import CONF
from nova_common import manager
from nova_common.metrics import scheduler as scheduler_metrics
from nova_scheduler import filters
from nova_scheduler import host_manager
from nova_scheduler import ledger_heal
from nova_scheduler import selection
from nova_scheduler import weighers


class SchedulerManager(manager.Manager):
    target = messaging.Target(version='1.1')

    def __init__(self):
        self.host_manager = host_manager.HostManager()
        self.selector = selection.Selector(
            self.host_manager,
            filters.FilterChain(CONF.filter_scheduler.enabled_filters),
            weighers.WeigherChain(CONF.filter_scheduler.weight_classes))

    def select_destinations(self, context, request_spec, instance_uuids,
                            return_alternates=True):
        """Per instance uuid, [the claimed Selection, alternates...];
        NoValidHost (with the reason) when an instance fits nowhere."""
        return scheduler_metrics.measured_selection(
            self.selector.select_destinations, context, request_spec, instance_uuids,
            return_alternates)

    # The periodic work is private: RPC exposes only the versioned API.

    def _refresh_host_states(self, context):
        self.host_manager.refresh(context)

    def _heal_ledger(self, context):
        ledger_heal.heal(context)

    @staticmethod
    def _periodic_interval():
        return CONF.scheduler.periodic_task_interval

    def periodic_tasks(self):
        return [('refresh_host_states', self._refresh_host_states, self._periodic_interval),
                ('heal_ledger', self._heal_ledger, self._periodic_interval)]
