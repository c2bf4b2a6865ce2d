"""Policy defaults, named as Nova names them; one module per API resource."""
import importlib
import itertools
import pkgutil


def list_rules():
    modules = sorted(info.name for info in pkgutil.iter_modules(__path__))
    return list(itertools.chain.from_iterable(
        importlib.import_module(__name__ + '.' + name).list_rules()
        for name in modules))
