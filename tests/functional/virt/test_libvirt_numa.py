"""The host NUMA cells the libvirt driver reports, read from the
capabilities of libvirt's test driver (test:///default: two cells of 8
CPUs, 2 GiB and 4 GiB)."""
from tests.functional.virt import libvirt_module
from tests.functional.virt.test_libvirt_driver import driver  # noqa: F401 - the fixture

libvirt_module.require()


def test_numa_cells_come_from_the_capabilities(driver):  # noqa: F811 - the fixture
    report = driver.get_available_resource('host-1')
    conn = driver.host.connection()
    cells = report['numa_topology']['cells']
    assert [cell['id'] for cell in cells] == [0, 1]
    assert [cell['cpus'] for cell in cells] == [list(range(8)), list(range(8, 16))]
    assert sum(len(cell['cpus']) for cell in cells) == conn.getInfo()[2]
    # The test driver's cells hold 2 GiB and 4 GiB (its capabilities give KiB).
    assert [cell['memory_mb'] for cell in cells] == [2048, 4096]
