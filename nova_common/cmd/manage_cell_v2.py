"""nova-manage cell_v2: cell mappings and host mappings in the API database.

Exit codes follow Nova's nova-manage documentation; any database that
cannot be used ends the command with one line on stderr and exit code 1.
"""
import sys

from oslo_config import cfg
import oslo_messaging as messaging
import sqlalchemy

from nova_common.cmd import manage_base
from nova_common.cmd.manage_base import args
from nova_common.cmd.manage_db import api_connection
from nova_common.conf import CONF
from nova_common import context as nova_context
from nova_common.db.api import cells
from nova_common.db.api import compute_hosts
from nova_common.db.api import services
from nova_common import exception

CELL0_NAME = 'cell0'
CELL0_TRANSPORT_URL = 'none:///'


def cell0_default_connection():
    """[database] connection with its database name suffixed ``_cell0``,
    the way Nova names the cell0 database."""
    url = CONF.database.connection
    if not url:
        raise manage_base.CommandFailed(
            'Pass --database_connection or set [database] connection: '
            "cell0's database is named after it.")
    manage_base.validate_database_url(url)
    parsed = sqlalchemy.engine.make_url(url)
    return parsed.set(database=(parsed.database or '') + '_cell0').render_as_string(
        hide_password=False)


def _validate_transport_url(url):
    try:
        # A private ConfigOpts: parsing registers oslo.messaging's options.
        messaging.TransportURL.parse(cfg.ConfigOpts(), url)
    except messaging.InvalidTransportURL as error:
        raise manage_base.CommandFailed('Invalid transport URL %s: %s'
                                        % (manage_base.mask_url(url), error))


def _configured_transport_url():
    """[DEFAULT] transport_url if the configuration sets it: oslo.messaging's
    own default (rabbit:// on localhost) is no place to send a cell."""
    if CONF.get_location('transport_url').location == cfg.Locations.opt_default:
        return None
    return CONF.transport_url


def _cell_label(cell):
    return 'database of cell %s (%s)' % (cell['name'], cell['uuid'])


class CellV2Commands:
    """Cells v2: map cell0 and cells, discover and list compute hosts."""

    def __init__(self):
        self.context = nova_context.get_admin_context()

    def _api_database(self):
        return manage_base.database(api_connection(), 'API database')

    def _find_cell(self, uuid):
        for cell in cells.list_cells(self.context):
            if cell['uuid'] == uuid:
                return cell
        return None

    def _get_cell(self, uuid):
        with self._api_database():
            cell = self._find_cell(uuid)
        if cell is None:
            raise manage_base.CommandFailed('Cell with uuid %s was not found.' % uuid)
        return cell

    @args('--database_connection', metavar='<database_connection>',
          help='Database of cell0 (default: [database] connection with '
               '"_cell0" appended to the database name).')
    def map_cell0(self, database_connection=None):
        """Map the cell0 database, where instances that could not be
        scheduled live. Exit 0 when mapped or already mapped."""
        with self._api_database():
            if self._find_cell(cells.CELL0_UUID) is not None:
                print('Cell0 is already setup')
                return 0
        database_connection = database_connection or cell0_default_connection()
        manage_base.validate_database_url(database_connection)
        with self._api_database():
            try:
                cells.create_cell(self.context, CELL0_NAME, database_connection,
                                  CELL0_TRANSPORT_URL, uuid=cells.CELL0_UUID)
            except exception.CellExists as error:
                raise manage_base.CommandFailed(error.message, code=2)
        return 0

    @args('--name', required=True, metavar='<cell_name>', help='Name of the cell.')
    @args('--transport-url', metavar='<transport_url>',
          help="URL of the cell's message queue (default: [DEFAULT] transport_url).")
    @args('--database_connection', metavar='<database_connection>',
          help="URL of the cell's database (default: [database] connection).")
    @args('--disabled', action='store_true',
          help='Create the cell disabled: the scheduler places nothing in it.')
    @args('--verbose', action='store_true',
          help='Accepted for compatibility; the uuid is always printed.')
    def create_cell(self, name, transport_url=None, database_connection=None,
                    disabled=False, verbose=False):
        """Map a cell and print its uuid. Exit 1 when the transport URL or
        the database connection is missing or invalid, 2 when a cell of that
        name or with the same transport URL and database exists."""
        transport_url = transport_url or _configured_transport_url()
        if not transport_url:
            raise manage_base.CommandFailed(
                'Must specify --transport-url if [DEFAULT] transport_url is '
                'not set in the configuration.')
        database_connection = database_connection or CONF.database.connection
        if not database_connection:
            raise manage_base.CommandFailed(
                'Must specify --database_connection if [database] connection '
                'is not set in the configuration.')
        manage_base.validate_database_url(database_connection)
        _validate_transport_url(transport_url)
        with self._api_database():
            for cell in cells.list_cells(self.context):
                if (cell['transport_url'] == transport_url
                        and cell['database_connection'] == database_connection):
                    raise manage_base.CommandFailed(
                        'The specified transport_url and database_connection '
                        'combination already exists for another cell with '
                        'uuid %s.' % cell['uuid'], code=2)
            try:
                cell = cells.create_cell(self.context, name, database_connection,
                                         transport_url, disabled=disabled)
            except exception.CellExists as error:
                raise manage_base.CommandFailed(error.message, code=2)
        print(cell['uuid'])
        return 0

    @args('--verbose', action='store_true',
          help='Show passwords in the transport URL and database connection.')
    def list_cells(self, verbose=False):
        """List the cell mappings, cell0 included."""
        with self._api_database():
            mappings = cells.list_cells(self.context)
        show = (lambda url: url or '') if verbose else manage_base.mask_url
        rows = [(cell['name'] or '', cell['uuid'], show(cell['transport_url']),
                 show(cell['database_connection']), bool(cell['disabled']))
                for cell in sorted(mappings, key=lambda cell: cell['name'] or '')]
        manage_base.print_table(
            ['Name', 'UUID', 'Transport URL', 'Database Connection', 'Disabled'], rows)
        return 0

    @args('--cell_uuid', metavar='<cell_uuid>', help='Only list the hosts of this cell.')
    def list_hosts(self, cell_uuid=None):
        """List the host mappings. Exit 1 when the cell does not exist."""
        if cell_uuid:
            self._get_cell(cell_uuid)
        with self._api_database():
            mappings = cells.list_host_mappings(self.context, cell_uuid=cell_uuid)
        manage_base.print_table(
            ['Cell Name', 'Cell UUID', 'Hostname'],
            [(m['cell_name'] or '', m['cell_uuid'], m['host']) for m in mappings])
        return 0

    @args('--cell_uuid', metavar='<cell_uuid>', help='Only search this cell.')
    @args('--verbose', action='store_true', help='Say what is found and mapped.')
    @args('--strict', action='store_true',
          help='Exit 1 unless at least one new host was mapped.')
    def discover_hosts(self, cell_uuid=None, verbose=False, strict=False):
        """Map every nova-compute host of the cells' services tables that has
        no host mapping yet. Exit 2 when another process mapped a host at the
        same time (safe to run again)."""
        report = print if verbose else (lambda *_: None)
        with self._api_database():
            if cell_uuid:
                mappings = [self._get_cell(cell_uuid)]
            else:
                mappings = cells.list_cells(self.context)
            mapped = {m['host']: m['cell_uuid']
                      for m in cells.list_host_mappings(self.context)}
        report('Found %d cell mappings.' % len(mappings))
        newly_mapped = []
        collided = False
        for cell in mappings:
            if cell['uuid'] == cells.CELL0_UUID:
                report('Skipping cell0 since it does not contain hosts.')
                continue
            report("Getting computes from cell '%s': %s" % (cell['name'], cell['uuid']))
            with nova_context.target_cell(self.context, cell) as cctx:
                with manage_base.database(cell['database_connection'], _cell_label(cell)):
                    hosts = sorted({service['host'] for service in services.list(
                        cctx, binary=services.COMPUTE_BINARY)})
                report('Found %d computes in cell: %s' % (len(hosts), cell['uuid']))
                for host in hosts:
                    if host in mapped:
                        if mapped[host] != cell['uuid']:
                            print('Host %s has a nova-compute service in cell %s '
                                  'but is mapped to cell %s; leaving it there.'
                                  % (host, cell['uuid'], mapped[host]), file=sys.stderr)
                        continue
                    report("Creating host mapping for compute host '%s'" % host)
                    with self._api_database():
                        created = cells.map_host(self.context, host, cell['uuid'])
                    if created:
                        mapped[host] = cell['uuid']
                        newly_mapped.append(host)
                    else:
                        collided = True
                with manage_base.database(cell['database_connection'], _cell_label(cell)):
                    compute_hosts.set_nodes_mapped(
                        cctx, [host for host in hosts if mapped.get(host) == cell['uuid']])
        if collided:
            print('Another process mapped some of these hosts at the same time; '
                  'run the command again.', file=sys.stderr)
            return 2
        if strict and not newly_mapped:
            return 1
        return 0

    @args('--cell_uuid', required=True, metavar='<cell_uuid>', help='The cell to delete.')
    @args('--force', action='store_true',
          help='Also delete the host mappings of the cell.')
    def delete_cell(self, cell_uuid, force=False):
        """Delete a cell mapping. Exit 1 when it does not exist, 2 when hosts
        are mapped to it (without --force), 3 when instances are."""
        cell = self._get_cell(cell_uuid)
        with self._api_database():
            try:
                if force:
                    hosts = cells.delete_cell_and_hosts(self.context, cell_uuid)
                else:
                    cells.delete_cell(self.context, cell_uuid)
                    hosts = []
            except exception.CellMappingNotFound:
                raise manage_base.CommandFailed(
                    'Cell with uuid %s was not found.' % cell_uuid)
            except exception.CellNotEmpty as error:
                what = error.kwargs['what']
                raise manage_base.CommandFailed(
                    'There are existing %s mapped to cell with uuid %s.'
                    % (what, cell_uuid), code=2 if what == 'hosts' else 3)
        if hosts:
            self._unmark_nodes(cell, hosts)
        return 0

    def _unmark_nodes(self, cell, hosts):
        """Let discover_hosts map the deleted cell's nodes again later."""
        try:
            with nova_context.target_cell(self.context, cell) as cctx:
                compute_hosts.set_nodes_mapped(cctx, hosts, mapped=False)
        except manage_base.DATABASE_ERRORS as error:
            print('Warning: the cell is deleted but its compute nodes could not '
                  'be marked unmapped in %s: %s'
                  % (manage_base.mask_url(cell['database_connection']),
                     manage_base.describe_error(error)), file=sys.stderr)
