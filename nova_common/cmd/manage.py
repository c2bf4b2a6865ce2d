"""nova-manage: database schemas and cells v2 administration.

    nova-manage [--config-file FILE] <category> <action> [options]

Categories: api_db (sync, version), db (sync, version), cell_v2
(map_cell0, create_cell, list_cells, discover_hosts, list_hosts,
delete_cell), flavor (create_defaults) and logs (request: one request's
lines from the daemons' logs, in time order). Failures print one line on
stderr, never a traceback.
"""
import sys
import warnings

# Libraries that merely import eventlet must not print its deprecation
# notice on stderr, where nova-manage's own errors go.
warnings.filterwarnings('ignore', message=r'(?s).*Eventlet is deprecated')

from oslo_config import cfg  # noqa: E402

from nova_common.cmd import common  # noqa: E402

# oslo.messaging picks eventlet when imported before a backend is chosen.
common.use_threading_backend()

from nova_common.cmd import manage_base  # noqa: E402 - after the backend choice
from nova_common.cmd import manage_cell_v2  # noqa: E402
from nova_common.cmd import manage_db  # noqa: E402
from nova_common.cmd import manage_flavor  # noqa: E402
from nova_common.cmd import manage_logs  # noqa: E402
from nova_common import config  # noqa: E402
from nova_common.conf import CONF  # noqa: E402
from nova_common import exception  # noqa: E402

CATEGORIES = {
    'api_db': manage_db.ApiDbCommands,
    'db': manage_db.DbCommands,
    'cell_v2': manage_cell_v2.CellV2Commands,
    'flavor': manage_flavor.FlavorCommands,
    'logs': manage_logs.LogsCommands,
}

# Parsed action arguments live in oslo.config's namespace beside every
# other command-line option; the prefix keeps their names apart.
_KWARG_PREFIX = 'action_kwarg_'


def _first_line(text):
    lines = (text or '').strip().splitlines()
    return lines[0] if lines else None


def add_command_parsers(subparsers):
    for category_name, category in CATEGORIES.items():
        parser = subparsers.add_parser(category_name, help=_first_line(category.__doc__))
        parser.set_defaults(category_class=category)
        actions = parser.add_subparsers(dest='action', metavar='<action>')
        actions.required = True
        for action_name, function in manage_base.actions_of(category):
            action_parser = actions.add_parser(
                action_name, help=_first_line(function.__doc__),
                description=function.__doc__)
            kwarg_names = []
            for flags, kwargs in getattr(function, 'cli_args', []):
                kwargs = dict(kwargs)
                name = kwargs.pop('dest', None) or flags[0].lstrip('-').replace('-', '_')
                kwarg_names.append(name)
                if flags[0].startswith('-'):
                    action_parser.add_argument(*flags, dest=_KWARG_PREFIX + name, **kwargs)
                else:
                    # A positional argument's name is its dest.
                    action_parser.add_argument(_KWARG_PREFIX + name, **kwargs)
            action_parser.set_defaults(action_name=action_name, action_kwargs=kwarg_names)


_category_opt = cfg.SubCommandOpt('category', title='Command categories',
                                  help='Available categories',
                                  handler=add_command_parsers)


def _use_cli_defaults():
    """Defaults fit for a command run by hand: fail at once when a database
    cannot be reached (daemons retry for minutes) and keep stdout for the
    command's own output. A value set in the config file still wins."""
    for group in ('database', 'api_database'):
        CONF.set_default('max_retries', 0, group=group)
    CONF.set_default('use_stderr', True)


def run_action():
    """Run the parsed action; returns the process exit code."""
    category = CONF.category.category_class()
    kwargs = {name: getattr(CONF.category, _KWARG_PREFIX + name)
              for name in CONF.category.action_kwargs}
    kwargs = {name: value for name, value in kwargs.items() if value is not None}
    action = getattr(category, CONF.category.action_name)
    try:
        result = action(**kwargs)
    except manage_base.CommandFailed as failure:
        print(failure.message, file=sys.stderr)
        return failure.code
    except manage_base.DATABASE_ERRORS as error:
        print('Database error: %s' % manage_base.describe_error(error), file=sys.stderr)
        return 1
    except exception.ConfigError as error:
        print(error.message, file=sys.stderr)
        return 1
    return result or 0


def main(argv=None):
    CONF.register_cli_opt(_category_opt)
    config.register_library_options()
    _use_cli_defaults()
    try:
        common.init('nova-manage', argv)
    except cfg.Error as error:
        print('nova-manage: %s' % _first_line(str(error)), file=sys.stderr)
        return 1
    return run_action()


if __name__ == '__main__':
    sys.exit(main())
