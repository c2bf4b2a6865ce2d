"""Shared pytest set-up: a clean configuration and clean shared state for
every test."""
import pytest

from nova_common.cmd import common

common.use_threading_backend()

from nova_common import cells_scatter  # noqa: E402 - after the backend choice
from nova_common import config  # noqa: E402
from nova_common.conf import CONF  # noqa: E402
from nova_common.db import engines  # noqa: E402
from nova_common import policy  # noqa: E402
from nova_common import rpc  # noqa: E402
from tests import scheduling  # noqa: E402


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup``: modules and xdist groups as units (scheduling.py)."""
    if config.getvalue('dist') == 'loadgroup':
        return scheduling.ModuleOrGroupScheduling(config, log)
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """In xdist workers: the longest work units first, and with ``--dist
    loadgroup`` the xdist groups marked in the node ids (scheduling.py)."""
    if hasattr(config, 'workerinput'):
        scheduling.order_longest_first(items)
        if config.getvalue('loadgroup'):
            scheduling.tag_groups(items)


@pytest.fixture(autouse=True)
def clean_config():
    config.register_library_options()
    CONF([], project='nova', default_config_files=[])
    yield CONF
    engines.reset()
    cells_scatter.reset()
    policy.reset()
    rpc.cleanup()
    CONF.reset()
    CONF.clear()
