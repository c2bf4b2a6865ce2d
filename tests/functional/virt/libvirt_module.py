"""libvirt-python for the functional tests against test:///default: the
module, or a skip of the calling test module (a failure under CI=true)."""
import importlib
import os

import pytest


def require():
    try:
        return importlib.import_module('libvirt')
    except ImportError:
        if os.environ.get('CI') == 'true':
            pytest.fail('libvirt-python is not importable (pip install libvirt-python)',
                        pytrace=False)
        pytest.skip('libvirt-python is not installed', allow_module_level=True)
