"""The suite's xdist scheduling (tests/scheduling.py): modules and xdist
groups are the units of work."""
from tests import scheduling


def test_a_test_goes_with_its_module_and_a_grouped_test_with_its_group():
    scheduler = scheduling.ModuleOrGroupScheduling.__new__(scheduling.ModuleOrGroupScheduling)
    split = scheduler._split_scope
    assert split('tests/unit/test_a.py::test_x') == 'tests/unit/test_a.py'
    assert split('tests/unit/test_a.py::TestK::test_x[p@q]') == 'tests/unit/test_a.py'
    assert split('tests/integration/test_libvirt.py::test_x@libvirt') == 'libvirt'
    assert split('tests/integration/test_libvirt_snapshot.py::test_y[a]@libvirt') == 'libvirt'


def test_units_are_ordered_slow_first_then_by_tier():
    class Item:
        def __init__(self, nodeid, group=None):
            self.nodeid, self.group = nodeid, group

        def get_closest_marker(self, name):
            if self.group is None:
                return None
            return type('Mark', (), {'args': (self.group,), 'kwargs': {}})()

    items = [Item('tests/unit/test_u.py::t'), Item('tests/functional/test_f.py::t'),
             Item('tests/integration/test_other.py::t'),
             Item('tests/integration/test_libvirt.py::t', 'libvirt')]
    scheduling.order_longest_first(items)
    assert [item.nodeid.split('::')[0] for item in items] == [
        'tests/integration/test_libvirt.py', 'tests/integration/test_other.py',
        'tests/functional/test_f.py', 'tests/unit/test_u.py']
