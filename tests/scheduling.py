"""How ``make test`` spreads the suite over xdist workers (``--dist loadgroup``,
with the hooks in tests/conftest.py).

- Work units: a test module, as with ``--dist loadfile`` (its module-scoped
  fixtures are set up once), except that the modules of one
  ``pytest.mark.xdist_group(name)`` form one unit and run in one worker
  (tests/integration/shared_libvirt.py: one libvirt deployment for all the
  real-guest modules).
- Order: longest first. Workers take units in collection order, so the
  collection is sorted: the units listed in SLOW_FIRST (measured slowest
  first), the rest of the integration tier (mostly waiting on daemons and
  guests), then functional and unit tests, which fill the other workers in
  the meantime and finish together. Within a unit the order is unchanged.

SLOW_FIRST is only an ordering hint: a stale entry costs some wall time,
never a result.
"""
from xdist.scheduler import LoadGroupScheduling

# Work units whose tests take longest (group names or module paths), from
# the per-module figures of a full run; see README "Tests".
SLOW_FIRST = (
    'ns-hosts',
    'libvirt',
    'tests/integration/test_fault_injection.py',
    'tests/integration/test_horizon.py',
    'deployment',
    'tests/integration/test_boot.py',
    'tests/integration/test_manage.py',
    'tests/integration/test_allinone.py',
    'tests/integration/test_lost_builds.py',
)
TIERS = ('tests/integration/', 'tests/functional/', 'tests/unit/')


def group_of(item):
    """The xdist_group name of ``item``, or None."""
    marker = item.get_closest_marker('xdist_group')
    if marker is None:
        return None
    return str(marker.args[0] if marker.args else marker.kwargs.get('name', 'default'))


def unit_of(item):
    """The work unit ``item`` belongs to: its group, else its module."""
    return group_of(item) or item.nodeid.split('::', 1)[0]


def rank(item):
    """Sort key: SLOW_FIRST units, then by tier, the rest after."""
    unit = unit_of(item)
    if unit in SLOW_FIRST:
        return (0, SLOW_FIRST.index(unit))
    for index, tier in enumerate(TIERS):
        if unit.startswith(tier):
            return (1 + index, 0)
    return (1 + len(TIERS), 0)


def tag_groups(items):
    """Suffix the node id of each test of an xdist group with ``@<group>``,
    which is how the controller learns the group. pytest-xdist does this
    itself by setting ``item._nodeid``, which pytest 9 no longer reads (its
    node ids are ``item._id``): done here when xdist's did not take."""
    for item in items:
        group = group_of(item)
        if group is None or item.nodeid.endswith('@' + group) or not hasattr(item, '_id'):
            continue
        from _pytest.nodeid import coerce_node_id  # pytest >= 9 only
        item._id = coerce_node_id('%s@%s' % (item.nodeid, group))


def order_longest_first(items):
    """Sort ``items`` in place, stably, by ``rank``."""
    items.sort(key=rank)


class ModuleOrGroupScheduling(LoadGroupScheduling):
    """``--dist loadgroup`` where a test without an xdist_group mark is
    scheduled with its module (loadgroup alone would send it on its own),
    and units go out in collection order (not by test count)."""

    def __init__(self, config, log=None):
        super().__init__(config, log)
        config.option.loadscopereorder = False

    def _split_scope(self, nodeid):
        if nodeid.rfind('@') > nodeid.rfind(']'):
            return nodeid.split('@')[-1]
        return nodeid.split('::', 1)[0]
