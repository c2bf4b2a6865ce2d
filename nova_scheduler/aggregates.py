"""The scheduler's cache of host aggregates, and what they make of a host:
``HostState.aggregates`` (dicts with id, uuid, name, metadata, hosts) and
``HostState.availability_zone``.

Freshness: Nova pushes aggregate changes to its schedulers over RPC; here
every scheduling request (every ``annotate``) first reads
aggregates_db.change_marker, one small query on the API database, and
reads every aggregate again when it moved. So a change committed before
a request starts is seen by that request: the bound is zero, at the cost
of that one query. The marker moves with every change the API makes (see
aggregates_db); as a safety net for a change it could miss (two renames
within the same second on a database that keeps whole seconds), the
aggregates are also read in full at least every ``[scheduler]
host_state_full_refresh_interval`` seconds, as the host states are.
"""
import threading
import time

from nova_common.conf import CONF
from nova_common.db.api import aggregates as aggregates_db

AZ_KEY = aggregates_db.AZ_KEY


def metadata_values(host_state):
    """{metadata key: {values}} over the host's aggregates, a value being
    split at commas, as Nova's aggregate_metadata_get_by_host."""
    found = {}
    for aggregate in host_state.aggregates:
        for name, value in aggregate['metadata'].items():
            found.setdefault(name, set()).update(part.strip() for part in value.split(','))
    return found


class AggregateCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._marker = None
        self._read_at = None
        self._by_host = {}

    def _stale(self, marker):
        return (marker != self._marker or self._read_at is None
                or time.monotonic() - self._read_at
                >= CONF.scheduler.host_state_full_refresh_interval)

    def refresh(self, context):
        """Read every aggregate again if any changed (or the copy is old);
        returns {host: [aggregate]}."""
        marker = aggregates_db.change_marker(context)
        with self._lock:
            if self._stale(marker):
                by_host = {}
                for aggregate in aggregates_db.list_all(context):
                    for host in aggregate['hosts']:
                        by_host.setdefault(host, []).append(aggregate)
                self._by_host = by_host
                self._marker = marker
                self._read_at = time.monotonic()
            return self._by_host

    def annotate(self, context, host_states):
        """Give each HostState its aggregates and its availability zone
        (the default zone when no aggregate of its host sets one)."""
        by_host = self.refresh(context)
        default_zone = CONF.default_availability_zone
        for state in host_states:
            # Host states live across requests: one annotated from this
            # very reading of the aggregates needs nothing more.
            if getattr(state, 'aggregates_read', None) is by_host:
                continue
            state.aggregates = by_host.get(state.host, [])
            zones = [aggregate[AZ_KEY] for aggregate in state.aggregates if aggregate[AZ_KEY]]
            state.availability_zone = zones[0] if zones else default_zone
            state.aggregates_read = by_host
        return host_states
