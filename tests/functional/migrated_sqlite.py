"""Migrated SQLite databases for functional tests, at the cost of a file copy.

Every functional cloud needs an API database and two or more cell databases
at the head revision. Running the alembic migrations for each test costs
about 0.1 s of CPU per database and, worse, a dozen fsyncs, for hundreds of
tests. Instead, each test process migrates one template per schema (the
first time it is asked for) and copies it; the copy holds exactly what the
migrations wrote, since the databases start empty.

Tests of the migrations themselves call nova_common.db.migration directly.
"""
import atexit
import shutil
import tempfile

from nova_common.db import migration

SQLITE_FILE_PREFIX = 'sqlite:///'
_TEMPLATES = {}
_template_dir = None


def _template(database):
    """The path of this process's migrated template of ``database``."""
    global _template_dir
    if database not in _TEMPLATES:
        if _template_dir is None:
            _template_dir = tempfile.mkdtemp(prefix='nova-functional-schemas-')
            atexit.register(shutil.rmtree, _template_dir, True)
        path = '%s/%s.db' % (_template_dir, database)
        migration.upgrade(database, SQLITE_FILE_PREFIX + path)
        _TEMPLATES[database] = path
    return _TEMPLATES[database]


def upgrade(database, url):
    """Like ``migration.upgrade(database, url)`` to head; a new SQLite file
    is a copy of the migrated template, anything else is migrated."""
    path = url[len(SQLITE_FILE_PREFIX):] if url.startswith(SQLITE_FILE_PREFIX) else ''
    if not path or '?' in path or path.startswith(':memory:'):
        migration.upgrade(database, url)
        return
    template = _template(database)
    try:
        with open(path, 'xb') as target, open(template, 'rb') as source:
            shutil.copyfileobj(source, target)
    except FileExistsError:
        migration.upgrade(database, url)
