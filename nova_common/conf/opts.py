"""Entry point for oslo-config-generator: every option this project declares."""
import collections
import importlib
import pkgutil

import nova_common.conf


def _option_modules():
    for info in pkgutil.iter_modules(nova_common.conf.__path__):
        if info.name != 'opts':
            yield importlib.import_module('nova_common.conf.' + info.name)


def list_opts():
    grouped = collections.defaultdict(list)
    for module in _option_modules():
        for group, opts in module.list_opts().items():
            grouped[group].extend(opts)
    return [(group, opts) for group, opts in sorted(grouped.items(), key=lambda kv: (kv[0] != 'DEFAULT', kv[0]))]
