"""Building blocks of nova-manage's command categories.

A category is a class whose public methods are its actions; ``@args``
declares an action's command-line arguments (argparse ``add_argument``
arguments). An action returns its exit code (None means 0) or raises
``CommandFailed``.
"""
import contextlib
import re

from alembic.util import exc as alembic_exc
from oslo_db import exception as db_exc
import sqlalchemy.exc

from nova_common import exception

# Everything a database driver, SQLAlchemy, oslo.db or alembic raises when a
# connection URL is wrong, a server cannot be reached or a schema is not
# what it should be.
DATABASE_ERRORS = (sqlalchemy.exc.SQLAlchemyError, db_exc.DBError,
                   alembic_exc.CommandError)

_URL_PASSWORD = re.compile(r'([/,][^:/@,]*:)[^@/,]*@')


class CommandFailed(Exception):
    """Ends the command with ``message`` on stderr and exit ``code``."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.message = message
        self.code = code


def args(*flags, **kwargs):
    """Declare one command-line argument of an action."""
    def decorate(func):
        func.__dict__.setdefault('cli_args', []).insert(0, (flags, kwargs))
        return func
    return decorate


def actions_of(category):
    """(name, function) of each action of a category class, sorted by name."""
    return sorted((name, member) for name, member in vars(category).items()
                  if callable(member) and not name.startswith('_'))


def mask_url(url):
    """``url`` with the password of every ``user:password@`` replaced."""
    return _URL_PASSWORD.sub(r'\1****@', url or '')


def describe_error(error):
    """One line saying what went wrong, from the innermost driver error."""
    inner = getattr(error, 'inner_exception', None)
    if inner is not None:
        error = inner
    original = getattr(error, 'orig', None)
    if original is not None:
        error = original
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


@contextlib.contextmanager
def database(url, what='database'):
    """Turn a database failure inside the block into a one-line CommandFailed."""
    validate_database_url(url)
    try:
        yield
    except DATABASE_ERRORS as error:
        raise CommandFailed('Cannot use the %s at %s: %s'
                            % (what, mask_url(url), describe_error(error)))
    except exception.ConfigError as error:
        raise CommandFailed(error.message)


def validate_database_url(url):
    """CommandFailed (exit 1) unless SQLAlchemy can parse ``url`` and knows
    its dialect."""
    try:
        sqlalchemy.engine.make_url(url).get_dialect()
    except sqlalchemy.exc.ArgumentError as error:
        raise CommandFailed('Invalid database connection URL %s: %s'
                            % (mask_url(url), describe_error(error)))


def print_table(headers, rows):
    """Print rows as a bordered text table, the way Nova's nova-manage does."""
    cells = [[str(value) for value in row] for row in rows]
    widths = [max([len(header)] + [len(row[i]) for row in cells])
              for i, header in enumerate(headers)]
    border = '+' + '+'.join('-' * (width + 2) for width in widths) + '+'

    def line(values):
        return '| ' + ' | '.join(value.ljust(width)
                                 for value, width in zip(values, widths)) + ' |'

    print(border)
    print(line(headers))
    print(border)
    for row in cells:
        print(line(row))
    print(border)
