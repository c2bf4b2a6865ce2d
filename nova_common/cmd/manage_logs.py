"""nova-manage logs: reading the daemons' log files."""
import os

from oslo_utils import uuidutils

from nova_common.cmd.manage_base import CommandFailed
from nova_common.cmd.manage_base import args
from nova_common.conf import CONF
from nova_common import request_logs


class LogsCommands:
    """Read the daemons' log files."""

    @args('request_id', metavar='<request_id>',
          help='The request id (x-openstack-request-id, req-<uuid>) to look for.')
    @args('--log-dir', metavar='<dir>',
          help='Read every *.log file of this directory (default: [DEFAULT] log_dir).')
    @args('--log-file', metavar='<file>', action='append', dest='log_files',
          help='Read this log file (may be repeated; default: [DEFAULT] log_file).')
    def request(self, request_id, log_dir=None, log_files=None):
        """Print one request's lines from every daemon's log, in time order,
        each prefixed with its file's name. Exit 1 when no line mentions it."""
        if not (request_id.startswith('req-')
                and uuidutils.is_uuid_like(request_id[len('req-'):])):
            raise CommandFailed('Not a request id (req-<uuid>): %s' % request_id)
        paths = list(log_files or [])
        log_dir = log_dir or (None if paths else CONF.log_dir)
        if log_dir:
            if not os.path.isdir(log_dir):
                raise CommandFailed('No such log directory: %s' % log_dir)
            paths.extend(request_logs.log_files(log_dir))
        if not paths and CONF.log_file:
            paths.append(CONF.log_file)
        if not paths:
            raise CommandFailed('No log files: give --log-dir or --log-file, or set '
                                '[DEFAULT] log_dir or log_file.')
        missing = [path for path in paths if not os.path.isfile(path)]
        if missing:
            raise CommandFailed('No such log file: %s' % ', '.join(missing))
        lines = request_logs.collect(request_id, paths)
        for line in lines:
            print(line)
        if not lines:
            raise CommandFailed('No line of %s mentions %s' % (', '.join(paths), request_id))
