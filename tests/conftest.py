"""Shared pytest set-up: a clean configuration and clean shared state for
every test."""
import pytest

from nova_common import config
from nova_common.conf import CONF
from nova_common.db import engines
from nova_common import policy
from nova_common import rpc


@pytest.fixture(autouse=True)
def clean_config():
    config.register_library_options()
    CONF([], project='nova', default_config_files=[])
    yield CONF
    engines.reset()
    policy.reset()
    rpc.cleanup()
    CONF.reset()
    CONF.clear()
